//! Reviews: how many a store gets (skewed by popularity), from which platform, with which
//! stars, visit keywords (Naver) and text. Text is assembled from many phrase tables around
//! the store's own menu, view, mood, wait, price level and the companion of the visit, in
//! three registers with real-review noise (ㅋㅋ, 넘, ㄹㅇ, dropped spaces, emoji), Korean or
//! (on Google, now and then) English.

use jeju_data::catalog::{MenuItem, Review, ReviewSource, View, Wait};
use jeju_data::vocab::{self, Companion, TimeOfDay};

use crate::menus::spoken_name;
use crate::phrases as p;
use crate::rng::{self, SynthRng};
use crate::text::{self, Register};
use crate::traits::Store;

/// Longest review text, in characters.
pub(crate) const MAX_REVIEW_CHARS: usize = 400;

/// Tone of one review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sentiment {
    Positive,
    Mixed,
    Negative,
}

/// The parts of a review sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Opening,
    Food,
    Food2,
    Service,
    Scene,
    Wait,
    Parking,
    Companion,
    Price,
    Local,
    Time,
    Closing,
}

/// What one review talks about.
struct Subject<'a> {
    store: &'a Store,
    item: MenuItem,
    item2: MenuItem,
    price: String,
    tag: String,
    sentiment: Sentiment,
    companion: Companion,
}

/// Number of reviews of a store: skewed (a few stores get dozens), fewer for stores open
/// part of the year.
fn review_count(rng: &mut SynthRng, store: &Store) -> usize {
    let active = (store.months.len() as f64 / 12.0).max(0.15);
    let lambda =
        12.0 * (1.8 * (store.popularity - 0.5)).exp() * active.powf(0.7) * rng::lognoise(rng, 0.55);
    (lambda.round() as usize).min(160)
}

/// All reviews of one store; ids continue from `next_id`.
pub(crate) fn store_reviews(rng: &mut SynthRng, store: &Store, next_id: &mut u64) -> Vec<Review> {
    let n = review_count(rng, store);
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        *next_id += 1;
        out.push(one_review(rng, store, format!("R{:06}", *next_id)));
    }
    out
}

fn one_review(rng: &mut SynthRng, store: &Store, id: String) -> Review {
    let source = match rng::weighted(rng, &[0.5, 0.33, 0.17]) {
        Some(1) => ReviewSource::Naver,
        Some(2) => ReviewSource::Kakao,
        _ => ReviewSource::Google,
    };
    let q = store.quality;
    let p_negative = rng::clamp(0.55 - 0.75 * q, 0.02, 0.5);
    let p_mixed = 0.12 + 0.2 * (1.0 - q);
    let u = rng::unit(rng);
    let sentiment = if u < p_negative {
        Sentiment::Negative
    } else if u < p_negative + p_mixed {
        Sentiment::Mixed
    } else {
        Sentiment::Positive
    };
    let stars = match sentiment {
        Sentiment::Positive => {
            if rng::chance(rng, 0.45 + 0.5 * q) {
                5
            } else {
                4
            }
        }
        Sentiment::Mixed => match rng::weighted(rng, &[0.15, 0.6, 0.25]) {
            Some(0) => 2,
            Some(2) => 4,
            _ => 3,
        },
        Sentiment::Negative => match rng::weighted(rng, &[0.45, 0.4, 0.15]) {
            Some(0) => 1,
            Some(2) => 3,
            _ => 2,
        },
    };
    // The companion of this visit: mostly one the store is good for.
    let companion = if rng::chance(rng, 0.8) {
        rng::pick(rng, &store.good_for).copied()
    } else {
        None
    }
    .or_else(|| rng::pick(rng, &Companion::ALL).copied())
    .unwrap_or(Companion::Friends);

    let subject = subject(rng, store, sentiment, companion);
    let english = source == ReviewSource::Google && rng::chance(rng, 0.1);
    let raw = if english {
        english_text(rng, &subject)
    } else {
        korean_text(rng, &subject, source == ReviewSource::Naver)
    };
    let text = text::sanitize(&raw, MAX_REVIEW_CHARS);
    let keywords = if source == ReviewSource::Naver {
        naver_keywords(rng, store, companion)
    } else {
        Vec::new()
    };
    let visited = if rng::chance(rng, 0.93) {
        let weights: Vec<f64> = store
            .months
            .iter()
            .map(|m| {
                store
                    .season
                    .get((*m as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(1.0)
            })
            .collect();
        rng::weighted(rng, &weights)
            .and_then(|i| store.months.get(i))
            .map(|m| format!("2023-{m:02}"))
    } else {
        None
    };
    Review {
        id,
        store_id: store.id.clone(),
        source,
        rating: (source != ReviewSource::Naver).then_some(stars),
        text,
        keywords,
        visited,
    }
}

fn subject<'a>(
    rng: &mut SynthRng,
    store: &'a Store,
    sentiment: Sentiment,
    companion: Companion,
) -> Subject<'a> {
    let items = &store.menu.items;
    // "Main" items carry a dish tag (not 공기밥, 콜라 ...).
    let main: Vec<&MenuItem> = items
        .iter()
        .filter(|i| {
            store
                .theme
                .dishes
                .iter()
                .any(|d| d.name == i.name && !d.tags.is_empty())
        })
        .collect();
    let pool: Vec<&MenuItem> = if main.is_empty() {
        items.iter().collect()
    } else {
        main
    };
    let signature: Vec<&MenuItem> = pool
        .iter()
        .copied()
        .filter(|i| store.menu.signature.contains(&i.name))
        .collect();
    let item = if rng::chance(rng, 0.55) && !signature.is_empty() {
        rng::pick(rng, &signature).copied()
    } else {
        rng::pick(rng, &pool).copied()
    }
    .cloned()
    .unwrap_or_else(|| MenuItem {
        name: store.type_name().to_owned(),
        price: 10_000,
    });
    let others: Vec<&MenuItem> = pool
        .iter()
        .copied()
        .filter(|i| i.name != item.name)
        .collect();
    let item2 = rng::pick(rng, &others)
        .copied()
        .cloned()
        .unwrap_or_else(|| item.clone());
    let tag = tag_of(store, &item);
    let price = text::won(rng, item.price);
    Subject {
        store,
        item,
        item2,
        price,
        tag,
        sentiment,
        companion,
    }
}

/// The first dish tag of a menu item (the store's first tag for untagged items).
fn tag_of(store: &Store, item: &MenuItem) -> String {
    store
        .theme
        .dishes
        .iter()
        .find(|d| d.name == item.name)
        .and_then(|d| d.tags.first())
        .map(|t| (*t).to_owned())
        .or_else(|| store.menu.tags.first().cloned())
        .unwrap_or_else(|| "맛".to_owned())
}

/// Fills the placeholders of one template for a subject.
fn fill(rng: &mut SynthRng, s: &Subject, template: &str) -> String {
    let store = s.store;
    let mut lookup = |key: &str| -> String {
        match key {
            "item" => spoken_name(&s.item.name).to_owned(),
            "item2" => spoken_name(&s.item2.name).to_owned(),
            "price" => s.price.clone(),
            "tag" => s.tag.clone(),
            "place" => store.travel_place.clone(),
            "store" => store.name.clone(),
            "attr" => store
                .nearby
                .map(|a| a.name.clone())
                .unwrap_or_else(|| "바다".to_owned()),
            "attr_en" => store
                .nearby
                .map(|a| a.romanized.clone())
                .unwrap_or_else(|| "the coast".to_owned()),
            "dish_en" => english_dish_of(s).to_owned(),
            "desc" => {
                let table = if rng::chance(rng, 0.75) {
                    p::food_praise(&s.tag)
                } else {
                    p::GENERIC_PRAISE
                };
                rng::pick_str(rng, table).to_owned()
            }
            "neg" => {
                let table = if rng::chance(rng, 0.6) {
                    p::food_complaint(&s.tag)
                } else {
                    p::GENERIC_COMPLAINT
                };
                rng::pick_str(rng, table).to_owned()
            }
            "neutral" => rng::pick_str(rng, p::GENERIC_NEUTRAL).to_owned(),
            _ => String::new(),
        }
    };
    text::render(template, &mut lookup)
}

fn english_dish_of(s: &Subject) -> &'static str {
    s.store
        .theme
        .dishes
        .iter()
        .find(|d| d.name == s.item.name)
        .into_iter()
        .flat_map(|d| d.tags.iter())
        .find_map(|t| p::english_dish(t))
        .or_else(|| s.store.menu.tags.iter().find_map(|t| p::english_dish(t)))
        .unwrap_or("food")
}

/// Picks a template, skipping ones that need an attraction when none is near.
fn template(rng: &mut SynthRng, s: &Subject, table: &[&'static str]) -> &'static str {
    let usable: Vec<&'static str> = table
        .iter()
        .copied()
        .filter(|t| s.store.nearby.is_some() || !t.contains("{attr"))
        .collect();
    rng::pick(rng, &usable).copied().unwrap_or("")
}

fn slot_weight(slot: Slot, s: &Subject, naver: bool) -> f64 {
    let store = s.store;
    match slot {
        Slot::Opening => 0.45,
        Slot::Food | Slot::Closing => 0.5,
        Slot::Food2 => 0.25,
        Slot::Service => 0.35,
        Slot::Scene => {
            if store.view == View::None {
                0.3
            } else {
                0.55
            }
        }
        Slot::Wait => match store.wait {
            Wait::Long => 0.45,
            Wait::Short => 0.15,
            Wait::None => 0.1,
        },
        Slot::Parking => 0.12,
        Slot::Companion => {
            if naver {
                0.5
            } else {
                0.4
            }
        }
        Slot::Price => 0.3,
        Slot::Local => {
            if store.local_favorite {
                0.3
            } else if store.region_profile.tourist > 0.6 {
                0.12
            } else {
                0.03
            }
        }
        Slot::Time => {
            if store
                .busy_times
                .iter()
                .any(|t| matches!(t, TimeOfDay::Morning | TimeOfDay::Late))
            {
                0.12
            } else {
                0.05
            }
        }
    }
}

fn sentence_count(rng: &mut SynthRng, naver: bool) -> usize {
    let weights: &[f64] = if naver {
        &[0.26, 0.26, 0.22, 0.14, 0.08, 0.04]
    } else {
        &[0.16, 0.2, 0.24, 0.2, 0.12, 0.08]
    };
    rng::weighted(rng, weights).unwrap_or(1) + 1
}

/// The slots of one review, in speaking order.
fn plan_slots(rng: &mut SynthRng, s: &Subject, n: usize, naver: bool) -> Vec<Slot> {
    const OPTIONAL: [Slot; 11] = [
        Slot::Opening,
        Slot::Food2,
        Slot::Service,
        Slot::Scene,
        Slot::Wait,
        Slot::Parking,
        Slot::Companion,
        Slot::Price,
        Slot::Local,
        Slot::Time,
        Slot::Closing,
    ];
    let mut candidates: Vec<Slot> = OPTIONAL.to_vec();
    let mut chosen = vec![Slot::Food];
    while chosen.len() < n {
        let weights: Vec<f64> = candidates
            .iter()
            .map(|slot| {
                if *slot == Slot::Food2 && n < 4 {
                    0.0
                } else {
                    slot_weight(*slot, s, naver)
                }
            })
            .collect();
        let Some(i) = rng::weighted(rng, &weights) else {
            break;
        };
        chosen.push(candidates.remove(i));
    }
    let mut ordered = Vec::with_capacity(chosen.len());
    if chosen.contains(&Slot::Opening) {
        ordered.push(Slot::Opening);
    }
    ordered.extend(
        chosen
            .iter()
            .copied()
            .filter(|s| !matches!(s, Slot::Opening | Slot::Closing)),
    );
    if chosen.contains(&Slot::Closing) {
        ordered.push(Slot::Closing);
    }
    ordered
}

/// One sentence of a slot (polite register, no final punctuation).
fn korean_sentence(rng: &mut SynthRng, s: &Subject, slot: Slot) -> String {
    let store = s.store;
    let sentiment = s.sentiment;
    if slot == Slot::Food2 {
        // The second food sentence is about the other dish.
        let swapped = Subject {
            store,
            item: s.item2.clone(),
            item2: s.item.clone(),
            price: text::won(rng, s.item2.price),
            tag: tag_of(store, &s.item2),
            sentiment,
            companion: s.companion,
        };
        return korean_sentence(rng, &swapped, Slot::Food);
    }
    let table: &[&'static str] = match slot {
        Slot::Opening if sentiment == Sentiment::Positive && rng::chance(rng, 0.15) => {
            p::OPENING_REGULAR
        }
        Slot::Opening => p::OPENING,
        Slot::Food | Slot::Food2 => match sentiment {
            Sentiment::Positive => p::FOOD_POS,
            Sentiment::Mixed => p::FOOD_MIXED,
            Sentiment::Negative => p::FOOD_NEG,
        },
        Slot::Service => {
            let w = match sentiment {
                Sentiment::Positive => [0.92, 0.08, 0.0],
                Sentiment::Mixed => [0.4, 0.35, 0.25],
                Sentiment::Negative => [0.0, 0.3, 0.7],
            };
            match rng::weighted(rng, &w) {
                Some(0) => p::SERVICE_POS,
                Some(1) => p::SERVICE_NEUTRAL,
                _ => p::SERVICE_NEG,
            }
        }
        Slot::Scene => match store.view {
            View::Ocean if rng::chance(rng, 0.8) => p::VIEW_OCEAN,
            View::Mountain if rng::chance(rng, 0.8) => p::VIEW_MOUNTAIN,
            View::Garden if rng::chance(rng, 0.8) => p::VIEW_GARDEN,
            View::None if store.coastal && rng::chance(rng, 0.3) => p::NEAR_SEA,
            _ => match store.mood {
                jeju_data::catalog::Mood::Quiet => p::MOOD_QUIET,
                jeju_data::catalog::Mood::Lively => p::MOOD_LIVELY,
            },
        },
        Slot::Wait => match store.wait {
            Wait::Long if sentiment == Sentiment::Negative || rng::chance(rng, 0.25) => {
                p::WAIT_LONG_NEG
            }
            Wait::Long => p::WAIT_LONG,
            Wait::Short => p::WAIT_SHORT,
            Wait::None => p::WAIT_NONE,
        },
        Slot::Parking => p::PARKING,
        Slot::Companion => {
            let c = s.companion as usize;
            if !store.is_good_for(s.companion) && rng::chance(rng, 0.6) {
                p::COMPANION_MISFIT[c]
            } else {
                p::COMPANION_FIT[c]
            }
        }
        Slot::Price => {
            let level = usize::from(store.price_level.clamp(1, 4)) - 1;
            let p_neg = match sentiment {
                Sentiment::Positive => 0.0,
                Sentiment::Mixed => 0.4,
                Sentiment::Negative => 0.7,
            };
            if rng::chance(rng, p_neg) {
                p::PRICE_NEG
            } else {
                p::PRICE[level]
            }
        }
        Slot::Local => {
            if store.local_favorite {
                p::LOCAL
            } else {
                p::TOURIST
            }
        }
        Slot::Time => {
            let tables: Vec<&[&'static str]> = store
                .busy_times
                .iter()
                .filter_map(|t| match t {
                    TimeOfDay::Morning => Some(p::TIME_MORNING),
                    TimeOfDay::Late => Some(p::TIME_LATE),
                    TimeOfDay::Lunch => Some(p::TIME_LUNCH),
                    TimeOfDay::Afternoon => Some(p::TIME_AFTERNOON),
                    TimeOfDay::Dinner => None,
                })
                .collect();
            rng::pick(rng, &tables).copied().unwrap_or(p::WAIT_NONE)
        }
        Slot::Closing => match sentiment {
            Sentiment::Positive => p::CLOSING_POS,
            Sentiment::Mixed => p::CLOSING_MIXED,
            Sentiment::Negative => p::CLOSING_NEG,
        },
    };
    let tpl = template(rng, s, table);
    let sentence = fill(rng, s, tpl);
    if slot == Slot::Food && is_drink(&s.tag) {
        // One drinks coffee, not eats it.
        return sentence
            .replace("한 입 먹고", "한 모금 마시고")
            .replace("먹었는데", "마셨는데")
            .replace("먹어본", "마셔본")
            .replace("먹으러", "마시러");
    }
    sentence
}

/// Whether a dish tag names a drink.
fn is_drink(tag: &str) -> bool {
    matches!(
        tag,
        "커피" | "차" | "주스" | "에이드" | "맥주" | "막걸리" | "하이볼" | "술" | "와인"
    )
}

fn punctuation(rng: &mut SynthRng, register: Register, sentiment: Sentiment) -> &'static str {
    let (marks, weights): (&[&str], &[f64]) = match (register, sentiment) {
        (Register::Formal, _) => (&[".", "!"], &[0.8, 0.2]),
        (Register::Polite, Sentiment::Negative) => {
            (&[".", "..", "ㅠㅠ", ""], &[0.55, 0.2, 0.15, 0.1])
        }
        (Register::Polite, _) => (
            &[".", "!", "", "~", "!!", "ㅎㅎ", "ㅋㅋ"],
            &[0.5, 0.15, 0.15, 0.05, 0.08, 0.04, 0.03],
        ),
        (Register::Casual, Sentiment::Negative) => {
            (&["", "..", "ㅠㅠ", "."], &[0.4, 0.25, 0.2, 0.15])
        }
        (Register::Casual, _) => (
            &["", ".", "ㅋㅋ", "ㅎㅎ", "!", "~", "ㅋㅋㅋ"],
            &[0.42, 0.15, 0.15, 0.1, 0.1, 0.04, 0.04],
        ),
    };
    rng::weighted(rng, weights)
        .and_then(|i| marks.get(i).copied())
        .unwrap_or(".")
}

fn korean_text(rng: &mut SynthRng, s: &Subject, naver: bool) -> String {
    let register = match rng::weighted(rng, &[0.6, 0.15, 0.25]) {
        Some(1) => Register::Formal,
        Some(2) => Register::Casual,
        _ => Register::Polite,
    };
    let n = sentence_count(rng, naver);
    let mut sentences: Vec<String> = Vec::with_capacity(n);
    if n == 1 && rng::chance(rng, 0.6) {
        let table = match s.sentiment {
            Sentiment::Positive => p::ONE_LINER_POS,
            Sentiment::Mixed => p::ONE_LINER_MIXED,
            Sentiment::Negative => p::ONE_LINER_NEG,
        };
        let tpl = template(rng, s, table);
        sentences.push(fill(rng, s, tpl));
    } else {
        for slot in plan_slots(rng, s, n, naver) {
            let sentence = korean_sentence(rng, s, slot);
            if !sentence.is_empty() && !sentences.contains(&sentence) {
                sentences.push(text::with_register(&sentence, register));
            }
        }
    }
    let mut out = String::new();
    for (i, sentence) in sentences.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(sentence);
        out.push_str(punctuation(rng, register, s.sentiment));
    }
    let out = text::spelling_noise(rng, &out);
    with_emoji(rng, s, out)
}

fn with_emoji(rng: &mut SynthRng, s: &Subject, mut text: String) -> String {
    let p_emoji = match s.sentiment {
        Sentiment::Positive => 0.22,
        Sentiment::Mixed => 0.06,
        Sentiment::Negative => 0.12,
    };
    if !rng::chance(rng, p_emoji) {
        return text;
    }
    let count = rng::int(rng, 1, 3);
    let mut emoji = String::new();
    for _ in 0..count {
        let topic = if s.store.view == View::Ocean && rng::chance(rng, 0.3) {
            p::topic_emoji("ocean")
        } else {
            p::topic_emoji(&s.tag)
        };
        let e = match (s.sentiment, topic) {
            (Sentiment::Negative, _) => rng::pick_str(rng, p::EMOJI_NEG),
            (_, Some(t)) if rng::chance(rng, 0.5) => t,
            _ => rng::pick_str(rng, p::EMOJI_POS),
        };
        emoji.push_str(e);
    }
    if !text.ends_with(' ') && !text.is_empty() {
        text.push(' ');
    }
    text.push_str(&emoji);
    text
}

fn english_text(rng: &mut SynthRng, s: &Subject) -> String {
    let store = s.store;
    let mut parts: Vec<&'static str> = Vec::new();
    if rng::chance(rng, 0.35) {
        parts.push(template(rng, s, p::EN_OPENING));
    }
    parts.push(match s.sentiment {
        Sentiment::Positive => template(rng, s, p::EN_FOOD_POS),
        Sentiment::Mixed => template(rng, s, p::EN_FOOD_MIXED),
        Sentiment::Negative => template(rng, s, p::EN_FOOD_NEG),
    });
    if rng::chance(rng, 0.3) {
        parts.push(if s.sentiment == Sentiment::Negative {
            template(rng, s, p::EN_SERVICE_NEG)
        } else {
            template(rng, s, p::EN_SERVICE_POS)
        });
    }
    let view_table = match store.view {
        View::Ocean => Some(p::EN_VIEW_OCEAN),
        View::Mountain => Some(p::EN_VIEW_MOUNTAIN),
        View::Garden => Some(p::EN_VIEW_GARDEN),
        View::None => None,
    };
    if let Some(t) = view_table {
        if rng::chance(rng, 0.5) {
            parts.push(template(rng, s, t));
        }
    }
    if rng::chance(rng, 0.25) {
        match store.wait {
            Wait::Long => parts.push(template(rng, s, p::EN_WAIT_LONG)),
            Wait::None => parts.push(template(rng, s, p::EN_WAIT_NONE)),
            Wait::Short => {}
        }
    }
    if store.is_good_for(s.companion) && rng::chance(rng, 0.35) {
        parts.push(template(rng, s, p::EN_COMPANION[s.companion as usize]));
    }
    if rng::chance(rng, 0.25) {
        parts.push(match (s.sentiment, store.price_level) {
            (Sentiment::Negative, _) => template(rng, s, p::EN_PRICE_NEG),
            (_, 1 | 2) => template(rng, s, p::EN_PRICE_CHEAP),
            _ => template(rng, s, p::EN_PRICE_DEAR),
        });
    }
    if rng::chance(rng, 0.5) {
        parts.push(match s.sentiment {
            Sentiment::Positive => template(rng, s, p::EN_CLOSING_POS),
            Sentiment::Mixed => template(rng, s, p::EN_CLOSING_MIXED),
            Sentiment::Negative => template(rng, s, p::EN_CLOSING_NEG),
        });
    }
    let sentences: Vec<String> = parts
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| fill(rng, s, t))
        .collect();
    let text = sentences.join(" ");
    with_emoji(rng, s, text)
}

/// Naver visit keywords: the visit's companion and up to two purposes.
fn naver_keywords(rng: &mut SynthRng, store: &Store, companion: Companion) -> Vec<String> {
    let tourist = store.region_profile.tourist;
    let trip = 0.5 + tourist;
    let daily = 1.5 - tourist;
    let purposes: &[(&str, f64)] = match companion {
        Companion::Parents => &[("가족외식", 0.55), ("여행", 0.45), ("기념일", 0.08)],
        Companion::Kids => &[("가족외식", 0.6), ("여행", 0.4)],
        Companion::Couple => &[("데이트", 0.65), ("여행", 0.35), ("기념일", 0.2)],
        Companion::Friends => &[("친목", 0.55), ("여행", 0.45)],
        Companion::Solo => &[("일상", 0.55), ("여행", 0.3)],
        Companion::Group => &[("회식", 0.5), ("친목", 0.45)],
    };
    let mut picked: Vec<&str> = Vec::new();
    for (name, base) in purposes {
        let p = match *name {
            "여행" => base * trip,
            "일상" => base * daily,
            _ => *base,
        };
        if picked.len() < 2 && rng::chance(rng, p) {
            picked.push(name);
        }
    }
    let mut out = vec![vocab::companion_keyword(companion).to_owned()];
    // Purposes in vocabulary order.
    for k in vocab::VISIT_KEYWORDS.iter() {
        if picked.contains(&k.name) {
            out.push(k.name.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_keywords_exist_in_the_vocabulary() {
        for c in Companion::ALL {
            assert!(vocab::visit_keyword(vocab::companion_keyword(c)).is_some());
        }
        for name in [
            "가족외식",
            "여행",
            "기념일",
            "데이트",
            "친목",
            "일상",
            "회식",
        ] {
            assert!(vocab::visit_keyword(name).is_some(), "{name}");
        }
    }
}
