//! The deterministic route: a gazetteer-based parser that fills the same [`Intent`] the LLM
//! route would, in Korean and English. It is the fallback when no LLM answers, and the check
//! on the LLM's literals when one does.

use jeju_data::gazetteer;
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};

use crate::intent::{
    BandSide, Constraints, Intent, Lang, Measure, RankBand, RankBy, Route, SearchGoal, ShareFloor,
    ShareOf,
};
use crate::lexicon::{self, AGE_WORDS, COMPANION_WORDS, DISHES, TIME_WORDS, TYPE_WORDS};

/// Words for tourists, as whose share of the customers is asked ("non-local" speaks of
/// locals too, so these are looked for first).
const TOURIST_WORDS: &[&str] = &["관광객", "외지인", "여행객", "tourist", "non-local"];

/// Words for Jeju residents, as whose share of the customers is asked.
const LOCAL_WORDS: &[&str] = &["현지인", "도민", "주민", "local"];

/// Words that make a question a data question (with a measure) rather than a request.
/// Words of a "how many" question (a count measure, and a search cue).
const COUNT_CUES: &[&str] = &[
    "count the",
    "count of",
    "몇 곳",
    "몇곳",
    "몇 개",
    "몇개",
    "몇 군데",
    "가게 수",
    "곳 수",
    "개수",
    "how many",
    "number of",
];

/// Words of a data question besides the [`COUNT_CUES`].
const SEARCH_CUES: &[&str] = &[
    "비중",
    "비율",
    "순위",
    "상위 10%",
    "하위 10%",
    "키워드",
    "가장 최근",
    "제일 최근",
    "가장 오래된",
    "제일 오래된",
    "newest",
    "oldest",
    "most recently",
    "가장 높은",
    "가장 낮은",
    "가장 많은",
    "가장 적은",
    "제일 높은",
    "제일 많은",
    "share",
    "ratio",
    "percentage",
    "proportion",
    "highest",
    "lowest",
    "most reviews",
    "fewest",
    "busiest",
    "가장 가까운",
    "제일 가까운",
    "closest",
    "nearest",
];

/// Words of "the closest to X" (ordered by the distance to the asked attraction).
const CLOSEST_CUES: &[&str] = &["가장 가까운", "제일 가까운", "closest", "nearest"];

const RECOMMEND_CUES: &[&str] = &[
    "추천",
    "맛집",
    "가기 좋은",
    "갈만한",
    "갈 만한",
    "어디",
    "recommend",
    "suggest",
    "where can",
    "where should",
    "good place",
    "places to",
    "somewhere",
];

/// Parses a question into an intent with the gazetteer and lexicons only.
pub fn parse(question: &str) -> Intent {
    let lang = Lang::detect(question);
    let text = normalize(question);
    let constraints = constraints(&text);
    let goal = search_goal(&text);
    let has_search_cue = mentions(&text, SEARCH_CUES) || mentions(&text, COUNT_CUES);
    let has_recommend_cue = mentions(&text, RECOMMEND_CUES);
    // "현지인 비중 50% 넘는 흑돼지 맛집 추천": the share is a floor of the picks, not a
    // measure to rank by.
    let floor_only =
        constraints.min_share.is_some() && has_recommend_cue && !mentions(&text, COUNT_CUES);
    let route = match (&goal, has_search_cue, has_recommend_cue) {
        _ if floor_only => Route::Recommend,
        (Some(_), true, _) => Route::Search,
        (Some(_), false, false) => Route::Search,
        _ => Route::Recommend,
    };
    let goal = if route == Route::Search { goal } else { None };
    // "The closest" to nothing named is not a data question.
    let (route, goal) = match goal {
        Some(SearchGoal {
            measure: Measure::Property { ref property, .. },
            ..
        }) if property == "distance_m" && constraints.near_attraction.is_none() => {
            (Route::Recommend, None)
        }
        g => (route, g),
    };
    let hyde = hyde_review(&constraints, lang);
    Intent {
        route,
        lang,
        constraints,
        goal,
        hyde,
    }
}

/// Whether a normalized text has a word of a data question or of a request ("몇 곳",
/// "비중", "추천", "where can", …).
/// Whether the text asks for recommendations in so many words ("추천", "맛집", "recommend").
pub(crate) fn has_recommend_cue(text: &str) -> bool {
    mentions(text, RECOMMEND_CUES)
}

pub(crate) fn has_route_cue(text: &str) -> bool {
    mentions(text, SEARCH_CUES) || mentions(text, COUNT_CUES) || mentions(text, RECOMMEND_CUES)
}

/// Lower-cases and collapses whitespace; Korean is unaffected by case.
pub fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut out = String::with_capacity(lower.len() + 2);
    out.push(' ');
    for word in lower.split_whitespace() {
        out.push_str(word);
        out.push(' ');
    }
    out
}

/// The longest entry of `words` found in `text`, if any.
fn longest<'a, T: Copy>(text: &str, words: &'a [(&'a str, T)]) -> Option<(&'a str, T)> {
    words
        .iter()
        .filter(|(w, _)| contains_word(text, w))
        .max_by_key(|(w, _)| w.chars().count())
        .copied()
}

/// The part of the text naming what the user does not want: before "말고"/"대신", after
/// "instead of"/"not " (up to the next comma).
pub(crate) fn unwanted_part(text: &str) -> Option<&str> {
    for marker in ["말고", "대신"] {
        if let Some(pos) = text.find(marker) {
            let before = &text[..pos];
            // The last phrase before the marker.
            let start = before.rfind([',', '.']).map(|i| i + 1).unwrap_or(0);
            return Some(&before[start..]);
        }
    }
    for marker in ["instead of ", "not "] {
        if let Some(pos) = text.find(marker) {
            let after = &text[pos + marker.len()..];
            let end = after.find([',', '.']).unwrap_or(after.len());
            return Some(&after[..end]);
        }
    }
    None
}

/// The text without the place it does not want: the word right before "말고"/"대신", or the
/// phrase after "instead of"/"not ".
fn without_unwanted_place(text: &str) -> String {
    for marker in ["말고", "대신"] {
        if let Some(pos) = text.find(marker) {
            let before = text[..pos].trim_end();
            let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            return format!("{} {}", &text[..start], &text[pos..]);
        }
    }
    match unwanted_part(text) {
        Some(u) if u.is_ascii() && !u.trim().is_empty() => text.replacen(u, " ", 1),
        _ => text.to_owned(),
    }
}

/// The companion a text speaks of, if any ("아이스" — iced drinks — is not 아이, a child).
pub(crate) fn companion_in(text: &str) -> Option<Companion> {
    let text = text.to_lowercase().replace("아이스", "");
    longest(&text, COMPANION_WORDS).map(|(_, v)| v)
}

/// Substring match for Korean (particles attach to words); whole-word match for ASCII words
/// (so "bar" does not match "barbecue" and "date" not "update").
pub(crate) fn contains_word(text: &str, word: &str) -> bool {
    if !word.is_ascii() {
        return text.contains(word);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(pos) = text[from..].find(word) {
        let start = from + pos;
        let end = start + word.len();
        let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        let after_ok = end >= bytes.len()
            || !bytes[end].is_ascii_alphanumeric()
            || (bytes[end] == b's'
                && (end + 1 >= bytes.len() || !bytes[end + 1].is_ascii_alphanumeric()));
        if before_ok && after_ok {
            return true;
        }
        from = start + 1;
    }
    false
}

/// Fills the constraints from a normalized question.
pub fn constraints(text: &str) -> Constraints {
    let mut c = Constraints::default();
    // A place named just before "말고" ("우도 말고 성산읍에") or after "instead of"/"not" is
    // not the place; for a Korean marker only its last word is ("일도이동 중국집 배달 말고"
    // does not want 배달, not 일도이동).
    let unwanted = unwanted_part(text);
    let wanted_text = without_unwanted_place(text);
    let text_all = text;
    let text = wanted_text.as_str();

    // Region: the longest alias of any region (애월읍 > 애월; aewol).
    let mut best: Option<(usize, &gazetteer::Region)> = None;
    for r in gazetteer::regions() {
        for alias in r.aliases() {
            if alias.chars().count() >= 2 && contains_word(text, &alias) {
                let len = alias.chars().count();
                if best.is_none_or(|(l, _)| len > l) {
                    best = Some((len, r));
                }
            }
        }
    }
    // Romanised as tourists spell it (Sungsan, Aeweol, Hanrim, Kujwa): compared by sound.
    let best = best.map(|(_, r)| r).or_else(|| romanized_region(text));
    if let Some(r) = best {
        c.region = Some(r.name.clone());
        c.city = Some(r.city.clone());
    } else if text.contains("서귀포")
        || ascii_words(text).any(|w| romanized_key(w) == romanized_key("seogwipo"))
    {
        c.city = Some("서귀포시".into());
    } else if text.contains("제주시")
        || ["jeju city", "jeju-si", "jeju si", "jejusi"]
            .iter()
            .any(|w| contains_word(text, w))
    {
        c.city = Some("제주시".into());
    }

    // Attraction ("near 협재해수욕장", "성산일출봉 근처").
    let near = mentions(
        text,
        &["근처", "주변", "가까운", "near", "around", "close to"],
    );
    for a in gazetteer::attractions() {
        let roman = a.romanized.to_lowercase();
        // 우도 (the island) is 우도면 (the region): "우도 가게" names the region, not a point
        // with 3 km around it; so does 우도 inside "우도면". "우도 근처" is near the island.
        let part_of_region = c.region.as_deref().is_some_and(|r| {
            r != a.name && r.starts_with(&a.name) && (text.contains(r) || a.region == r && !near)
        });
        if part_of_region {
            continue;
        }
        if text.contains(&a.name) || contains_word(text, &roman) {
            c.near_attraction = Some(a.name.clone());
            if c.region.is_none() {
                c.region = Some(a.region.clone());
                c.city = gazetteer::region(&a.region).map(|r| r.city.clone());
            }
            break;
        }
    }

    // Dish before type: "흑돼지" is a dish; "카페" a type. In "흑돼지 말고 해산물" / "seafood
    // instead of pork" the dish before 말고 (after "instead of") is the one not wanted.
    let text = text_all;
    let mut best_dish: Option<(usize, &lexicon::Dish, &str)> = None;
    for d in DISHES {
        for w in d.words {
            if contains_word(text, w) && !unwanted.is_some_and(|u| contains_word(u, w)) {
                let len = w.chars().count();
                if best_dish.is_none_or(|(l, _, _)| len > l) {
                    best_dish = Some((len, d, w));
                }
            }
        }
    }
    c.dish = best_dish.map(|(_, d, _)| d.name.to_owned());
    let dish_word = best_dish.map(|(_, _, w)| w);

    // A type word that is the dish's own word ("sushi", "짬뽕") names the dish, not a kind of
    // place: a 횟집 with 초밥 on the menu fits "sushi" too. A kind of place not wanted
    // ("not a cafe", "카페 말고") is not the kind.
    let text = wanted_text.as_str();
    if let Some((_, types)) = longest(text, TYPE_WORDS).filter(|(w, _)| {
        // "빵집" (a bakery) is more than its dish word "빵": only a type word that is no
        // more than the dish's word is dropped.
        dish_word.is_none_or(|d| !d.contains(w))
    }) {
        c.store_types = types.iter().map(|t| t.to_string()).collect();
    } else if let Some((t, _)) = gazetteer::STORE_TYPES
        .iter()
        .filter(|(t, _)| text.contains(t))
        .max_by_key(|(t, _)| t.chars().count())
    {
        c.store_types = vec![t.to_string()];
    }

    let text = text_all;
    c.companion = companion_in(text);
    c.age_band = longest(text, AGE_WORDS).map(|(_, v)| v);
    c.time = longest(text, TIME_WORDS).map(|(_, v)| v);
    c.price_max_per_person = price_max(text);
    c.min_rating = rating_floor(text);
    c.min_share = share_floor(text);
    c
}

/// The ASCII words of a text (letters only).
fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
}

/// A romanised Korean word reduced to how it sounds, so that the spellings tourists use
/// meet the official ones: eo/o/u/oo are one vowel (Seongsan, Sungsan), ee is i, wi/ui are i
/// (Seogwipo, Seoguipo), ae is e, k/g, p/b, t/d, ch/j and r/l are one consonant each, n
/// before l assimilates (Hanrim, Hallim), doubled letters count once.
pub(crate) fn romanized_key(word: &str) -> String {
    let mut s: String = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    for (from, to) in [
        ("eo", "o"),
        ("oo", "o"),
        ("ou", "o"),
        ("ee", "i"),
        ("wi", "i"),
        ("ui", "i"),
        ("ae", "e"),
        ("ch", "j"),
    ] {
        s = s.replace(from, to);
    }
    let s: String = s
        .chars()
        .map(|c| match c {
            'u' => 'o',
            'k' => 'g',
            'p' => 'b',
            't' => 'd',
            'r' => 'l',
            other => other,
        })
        .collect();
    let s = s.replace("nl", "l");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The region whose romanised name (or an attraction's in it) sounds like a word of the text;
/// names of four sounds or more only, and only names no other region shares (Ildo 1-dong
/// and 2-dong are not told apart by sound).
fn romanized_region(text: &str) -> Option<&'static gazetteer::Region> {
    ascii_words(text).find_map(romanized_region_word)
}

/// The region one romanised word sounds like (see [`romanized_region`]).
pub(crate) fn romanized_region_word(word: &str) -> Option<&'static gazetteer::Region> {
    static KEYS: std::sync::OnceLock<Vec<(String, &'static gazetteer::Region)>> =
        std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut keys: Vec<(String, &'static gazetteer::Region)> = Vec::new();
        for r in gazetteer::regions() {
            let base = r.romanized.split(['-', ' ']).next().unwrap_or_default();
            keys.push((romanized_key(base), r));
        }
        // An attraction's first word (Hamdeok Beach → 조천읍), except "Jeju" (Jeju Shinhwa
        // World), which names the island.
        let jeju = romanized_key("jeju");
        for a in gazetteer::attractions() {
            let first = romanized_key(a.romanized.split(' ').next().unwrap_or_default());
            if let (Some(r), false) = (gazetteer::region(&a.region), first == jeju) {
                keys.push((first, r));
            }
        }
        let ambiguous: std::collections::HashSet<String> = keys
            .iter()
            .filter(|(k, r)| keys.iter().any(|(k2, r2)| k2 == k && r2.name != r.name))
            .map(|(k, _)| k.clone())
            .collect();
        keys.retain(|(k, _)| k.chars().count() >= 4 && !ambiguous.contains(k));
        keys
    });
    let key = romanized_key(word);
    keys.iter().find(|(k, _)| *k == key).map(|(_, r)| *r)
}

/// The number that ends `s` (trailing spaces ignored): ASCII digits, and dots when
/// `decimals` (1.5만원).
fn trailing_number(s: &str, decimals: bool) -> &str {
    let t = s.trim_end();
    let start = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || (decimals && *c == '.'))
        .last()
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    &t[start..]
}

/// "2만원 이하", "1인 15,000원", "under 20,000 won", "20k won", "₩20000".
fn price_max(text: &str) -> Option<u32> {
    let compact: String = text.chars().filter(|c| *c != ',').collect();
    // Korean: <n>만 [<m>천] 원 / <n>원. Every 만 is tried: the first may be a word's
    // ("갈만한 … 2만원").
    for (pos, _) in compact.match_indices('만') {
        if let Ok(man) = trailing_number(&compact[..pos], true).parse::<f64>() {
            let rest = &compact[pos + '만'.len_utf8()..];
            let cheon: f64 = rest
                .trim_start()
                .split('천')
                .next()
                .filter(|s| {
                    s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() && rest.contains('천')
                })
                .and_then(|s| s.parse().ok())
                .unwrap_or(0.0);
            if rest.trim_start().starts_with('원') || rest.contains("원") || rest.contains('천')
            {
                return Some((man * 10_000.0 + cheon * 1_000.0) as u32);
            }
        }
    }
    // The first occurrence of `suffix` with a number before it ("남원읍 … 15000원": the 원
    // of 남원 has none).
    let number_before = |suffix: &str| -> Option<u32> {
        compact
            .match_indices(suffix)
            .find_map(|(pos, _)| trailing_number(&compact[..pos], false).parse().ok())
    };
    if let Some(v) = number_before("원").filter(|v| *v >= 1_000) {
        return Some(v);
    }
    if let Some(k) = number_before("k won").or_else(|| number_before("k krw")) {
        return Some(k * 1_000);
    }
    if let Some(v) = number_before(" won")
        .or_else(|| number_before(" krw"))
        .filter(|v| *v >= 1_000)
    {
        return Some(v);
    }
    if let Some(pos) = compact.find('₩') {
        let digits: String = compact[pos + '₩'.len_utf8()..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        return digits.parse().ok();
    }
    None
}

/// Does the text contain any of these words (substring match)?
pub(crate) fn mentions(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// "평점 4.5 이상", "4.5점 이상", "rated 4.5 or higher", "at least 4 stars": the lowest
/// rating (1–5) the text asks for. A number counts when a rating word or "점" goes with it
/// and "이상"/"or higher" (or "at least" before it) makes it a floor: "60대 이상" and "2만원
/// 이상" are not ratings.
fn rating_floor(text: &str) -> Option<f64> {
    const FLOOR_AFTER: &[&str] = &[
        "이상",
        "넘는",
        "넘은",
        "or higher",
        "or above",
        "or more",
        "and up",
        "and above",
        "+",
    ];
    const FLOOR_BEFORE: &[&str] = &["at least", "minimum", "min."];
    let rating_word = mentions(text, &["평점", "별점", "rating", "rated", "star"]);
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let Some(start) = rest.find(|c: char| c.is_ascii_digit()) else {
            break;
        };
        let start = at + start;
        let len = text[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len() - start);
        let end = start + len;
        at = end;
        // Part of a larger number or word ("2023년", "1.5만원").
        let number = text[start..end].trim_end_matches('.');
        let Ok(value) = number.parse::<f64>() else {
            continue;
        };
        if !(1.0..=5.0).contains(&value) {
            continue;
        }
        let after = text[end..].trim_start();
        let (unit, after) = match after.strip_prefix('점') {
            Some(a) => (true, a.trim_start()),
            None => (
                false,
                after
                    .strip_prefix("stars")
                    .or_else(|| after.strip_prefix("star"))
                    .unwrap_or(after)
                    .trim_start(),
            ),
        };
        if after.starts_with("만") || after.starts_with("천") || after.starts_with("원") {
            continue;
        }
        let floor_after = FLOOR_AFTER.iter().any(|w| after.starts_with(w));
        let floor_before = FLOOR_BEFORE
            .iter()
            .any(|w| text[..start].trim_end().ends_with(w));
        if (floor_after || floor_before) && (rating_word || unit) {
            return Some(value);
        }
    }
    None
}

/// "현지인 비중 50% 이상", "관광객이 절반 넘는", "more than half of their customers from Jeju
/// residents", "at least 40% of guests in their 30s": a floor on a customer share, when the
/// text names whose share (locals, tourists, an age band), an amount (a percentage or half)
/// and that it is a floor.
fn share_floor(text: &str) -> Option<ShareFloor> {
    let of = if mentions(text, TOURIST_WORDS) {
        ShareOf::Tourists
    } else if mentions(text, LOCAL_WORDS) || mentions(text, &["resident"]) {
        ShareOf::Locals
    } else {
        ShareOf::Age(longest(text, AGE_WORDS)?.1)
    };
    // The amount, and where it is in the text.
    let (share, start, end) = if let Some(at) = text.find("절반") {
        (0.5, at, at + "절반".len())
    } else if let Some(at) = text.find("half") {
        (0.5, at, at + "half".len())
    } else {
        let at = text.find('%')?;
        let digits = trailing_number(&text[..at], false);
        let n: u32 = digits.parse().ok().filter(|n| (1..100).contains(n))?;
        (f64::from(n) / 100.0, at - digits.len(), at + 1)
    };
    let before = text[..start].trim_end();
    let after = text[end..].trim_start();
    // "50%가 넘는", "절반이 넘는": the particle, not the 이 of 이상.
    let after = match after
        .strip_prefix("이")
        .or_else(|| after.strip_prefix("가"))
    {
        Some(rest) if !after.starts_with("이상") => rest.trim_start(),
        _ => after,
    };
    let strict = ["more than", "over", "above"]
        .iter()
        .any(|w| before.ends_with(w))
        || ["넘", "초과", "이상 넘"]
            .iter()
            .any(|w| after.starts_with(w));
    let at_least = ["at least"].iter().any(|w| before.ends_with(w))
        || ["이상", "or more", "or higher"]
            .iter()
            .any(|w| after.starts_with(w));
    (strict || at_least).then_some(ShareFloor { of, share, strict })
}

/// The measure of a data question, if the text names one.
pub fn search_goal(text: &str) -> Option<SearchGoal> {
    // "비싼 " (expensive) contains "싼 " (cheap).
    let without_expensive = text.replace("비싼", "");
    let ascending = mentions(
        &without_expensive,
        &[
            "낮은", "적은", "저렴", "싼 ", "lowest", "least", "fewest", "cheapest",
        ],
    );
    let month = month(text);
    let top = top_n(text);
    let prop = |p: &str, descending: bool| Measure::Property {
        property: p.to_owned(),
        descending,
    };
    let share_cue = mentions(
        text,
        &[
            "비중",
            "비율",
            "share",
            "ratio",
            "percentage",
            "proportion",
            "손님",
            "이용",
            "customers",
            "visitors",
        ],
    );

    // "'아이와' 방문 키워드가 많은 곳": reviews tagged with a companion's keyword.
    let keyword_count = mentions(text, &["키워드", "keyword", "tagged", "리뷰", "reviews"])
        && mentions(text, &["많은", "가장", "제일", "most", "top"]);
    let measure = if mentions(text, COUNT_CUES) {
        Some(Measure::Count)
    } else if mentions(text, CLOSEST_CUES) {
        Some(prop("distance_m", false))
    } else if let Some(companion) = companion_in(text).filter(|_| keyword_count) {
        Some(Measure::VisitKeyword { companion })
    } else if share_cue {
        if let Some((_, band)) = longest(text, AGE_WORDS) {
            Some(prop(band.property(), !ascending))
        } else if mentions(text, &["남성", "남자", " male", " men "]) {
            Some(prop("male_ratio", !ascending))
        } else if mentions(text, &["여성", "여자", "female", "women"]) {
            Some(prop("female_ratio", !ascending))
        } else if mentions(text, TOURIST_WORDS) || mentions(text, &["visitor from"]) {
            // Before the locals: "tourists (non-local customers)" speaks of locals too.
            Some(prop("local_ratio", ascending))
        } else if mentions(text, LOCAL_WORDS) {
            Some(prop("local_ratio", !ascending))
        } else if let Some((_, t)) = longest(text, TIME_WORDS) {
            Some(prop(t.property(), !ascending))
        } else {
            weekday(text).map(|p| prop(p, !ascending))
        }
    } else {
        None
    };
    let measure = measure.or_else(|| {
        if mentions(
            text,
            &[
                "최근에 문 연",
                "최근 문 연",
                "최근에 오픈",
                "최근 오픈",
                "최근에 생긴",
                "새로 생긴",
                "새로 문 연",
                "가장 최근에 개업",
                "newest",
                "most recently opened",
                "recently opened",
                "latest to open",
            ],
        ) {
            Some(prop(crate::compose::OPENED, true))
        } else if mentions(
            text,
            &[
                "가장 오래된",
                "제일 오래된",
                "가장 먼저 문 연",
                "oldest",
                "longest-running",
                "opened first",
            ],
        ) {
            Some(prop(crate::compose::OPENED, false))
        } else if mentions(text, &["리뷰", "review"])
            && mentions(text, &["많은", "most", "가장", "제일"])
        {
            Some(prop("review_count", !ascending))
        } else if mentions(text, &["평점", "별점", "rating", "rated"]) {
            Some(prop("rating", !ascending))
        } else if mentions(&without_expensive, &["저렴", "싼 ", "cheapest"]) {
            Some(prop("price_per_person", false))
        } else if mentions(text, &["비싼", "most expensive"]) {
            Some(prop("price_per_person", true))
        } else {
            None
        }
    });
    // A band of a month's ranking needs the month: the data rank each month apart.
    let band = month.and(rank_band(text));
    let measure = match (measure, band.is_some()) {
        (Some(m), _) => m,
        (None, true) => Measure::Count,
        (None, false) => return None,
    };
    Some(SearchGoal {
        top: if measure == Measure::Count { 0 } else { top },
        measure,
        month,
        band,
    })
}

/// "이용건수 상위 10%", "매출 하위 25%", "busiest 10%", "bottom 10% by sales": the band of a
/// month's ranking the text names, when its percentage is one the data bucket by.
fn rank_band(text: &str) -> Option<RankBand> {
    const SIDES: &[(&str, BandSide)] = &[
        ("상위", BandSide::Top),
        ("하위", BandSide::Bottom),
        ("top", BandSide::Top),
        ("busiest", BandSide::Top),
        ("bottom", BandSide::Bottom),
        ("least busy", BandSide::Bottom),
    ];
    let by = if mentions(text, &["매출", "이용금액", "sales", "revenue", "spending"]) {
        RankBy::Sales
    } else {
        RankBy::Visits
    };
    SIDES.iter().find_map(|(word, side)| {
        let after = &text[text.find(word)? + word.len()..];
        let digits: String = after
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let rest = after.trim_start()[digits.len()..].trim_start();
        if !(rest.starts_with('%') || rest.starts_with("퍼센트") || rest.starts_with("percent"))
        {
            return None;
        }
        RankBand::new(by, *side, digits.parse().ok()?)
    })
}

fn weekday(text: &str) -> Option<&'static str> {
    const DAYS: &[(&str, &str)] = &[
        ("월요일", "mon_ratio"),
        ("화요일", "tue_ratio"),
        ("수요일", "wed_ratio"),
        ("목요일", "thu_ratio"),
        ("금요일", "fri_ratio"),
        ("토요일", "sat_ratio"),
        ("일요일", "sun_ratio"),
        ("monday", "mon_ratio"),
        ("tuesday", "tue_ratio"),
        ("wednesday", "wed_ratio"),
        ("thursday", "thu_ratio"),
        ("friday", "fri_ratio"),
        ("saturday", "sat_ratio"),
        ("sunday", "sun_ratio"),
    ];
    DAYS.iter().find(|(w, _)| text.contains(w)).map(|(_, p)| *p)
}

/// "2023년 8월", "8월", "august 2023", "aug" → 2023MM (the data cover 2023).
fn month(text: &str) -> Option<u32> {
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may ",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // Every 월, not the first: "애월읍 … 8월".
    for (pos, _) in text.match_indices('월') {
        if let Ok(m) = trailing_number(&text[..pos], false).parse::<u32>() {
            if (1..=12).contains(&m) {
                return Some(202300 + m);
            }
        }
    }
    EN.iter()
        .position(|m| text.contains(m))
        .map(|i| 202301 + i as u32)
}

/// "3곳", "5개", "top 3", "세 곳"; 1 when not said.
fn top_n(text: &str) -> u32 {
    for suffix in ["곳", "개", "군데"] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(suffix) {
            let at = from + pos;
            if let Ok(n) = trailing_number(&text[..at], false).parse::<u32>() {
                if (1..=20).contains(&n) {
                    return n;
                }
            }
            from = at + suffix.len();
        }
    }
    if let Some(pos) = text.find("top ") {
        let digits: String = text[pos + 4..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if let Ok(n) = digits.parse::<u32>() {
            return n.clamp(1, 20);
        }
    }
    let tokens: Vec<&str> = text.split_whitespace().collect();
    for (i, tok) in tokens.iter().enumerate() {
        let Ok(n) = tok.parse::<u32>() else { continue };
        let prev = i.checked_sub(1).map(|j| tokens[j]).unwrap_or("");
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let plural_next = next.len() > 2 && next.ends_with('s') && next.is_ascii();
        if (1..=20).contains(&n) && (matches!(prev, "which" | "the" | "top") || plural_next) {
            return n;
        }
    }
    // Counted in words: "세 군데", "다섯 곳", "top three", "five cafes".
    const KO: [&str; 10] = [
        "한", "두", "세", "네", "다섯", "여섯", "일곱", "여덟", "아홉", "열",
    ];
    const EN: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    for (i, tok) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).copied().unwrap_or("");
        let prev = i.checked_sub(1).map(|j| tokens[j]).unwrap_or("");
        if let Some(n) = KO.iter().position(|w| w == tok) {
            if ["곳", "군데", "개", "가지"]
                .iter()
                .any(|s| next.starts_with(s))
                && n > 0
            {
                return n as u32 + 1;
            }
        }
        if let Some(n) = EN.iter().position(|w| w == tok) {
            let plural_next = next.len() > 2 && next.ends_with('s') && next.is_ascii();
            if n > 0 && (plural_next || matches!(prev, "top" | "the")) {
                return n as u32 + 1;
            }
        }
    }
    1
}

/// A short "ideal review" for the HyDE search, built from the constraints.
pub fn hyde_review(c: &Constraints, lang: Lang) -> String {
    let ko = lang == Lang::Ko;
    let mut parts: Vec<String> = Vec::new();
    if let Some(comp) = c.companion {
        parts.push(if ko {
            format!("{} 가기 좋았어요.", lexicon::companion_label(comp, true))
        } else {
            format!(
                "Great place to go {}.",
                lexicon::companion_label(comp, false)
            )
        });
    }
    if let Some(d) = c.dish.as_deref() {
        parts.push(if ko {
            format!("{d} 정말 맛있어요.")
        } else {
            let en = lexicon::dish(d).map(|x| x.english).unwrap_or(d);
            format!("The {en} was delicious.")
        });
    }
    if c.age_band == Some(AgeBand::SixtyPlus) {
        parts.push(if ko {
            "어르신들도 편하게 드셨어요.".into()
        } else {
            "Comfortable for older guests.".into()
        });
    }
    if let Some(t) = c.time {
        if t == TimeOfDay::Late {
            parts.push(if ko {
                "늦게까지 해서 좋아요.".into()
            } else {
                "Open late.".into()
            });
        }
    }
    if c.price_max_per_person.is_some() {
        parts.push(if ko {
            "가격도 착해요.".into()
        } else {
            "Reasonable prices.".into()
        });
    }
    if parts.is_empty() {
        parts.push(if ko {
            "맛있고 친절해요. 또 가고 싶어요.".into()
        } else {
            "Tasty food and kind staff.".into()
        });
    }
    parts.join(" ")
}

#[cfg(test)]
mod romanized_tests {
    use super::*;

    #[test]
    fn tourist_spellings_meet_the_official_romanisation() {
        for (typed, official) in [
            ("Sungsan", "Seongsan"),
            ("Aeweol", "Aewol"),
            ("Hanrim", "Hallim"),
            ("Kujwa", "Gujwa"),
            ("Seoguipo", "Seogwipo"),
            ("Jungmoon", "Jungmun"),
            ("Pyosun", "Pyoseon"),
            ("Andok", "Andeok"),
            ("Daejung", "Daejeong"),
        ] {
            assert_eq!(romanized_key(typed), romanized_key(official), "{typed}");
        }
        assert_ne!(romanized_key("Hallim"), romanized_key("Aewol"));
    }

    #[test]
    fn a_misspelt_romanised_region_is_found_and_jeju_alone_is_no_region() {
        let region = |q: &str| constraints(&normalize(q)).region;
        assert_eq!(region("black pork in Aeweol").as_deref(), Some("애월읍"));
        assert_eq!(region("Sungsan breakfast").as_deref(), Some("성산읍"));
        assert_eq!(region("Hanrim noodles please").as_deref(), Some("한림읍"));
        assert_eq!(region("cafes near Hamduk beach").as_deref(), Some("조천읍"));
        assert_eq!(region("best food in Jeju"), None);
        assert_eq!(
            constraints(&normalize("Seoguipo seafood")).city.as_deref(),
            Some("서귀포시")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_data::vocab::Companion;

    #[test]
    fn korean_recommendation() {
        let i = parse("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘");
        assert_eq!(i.route, Route::Recommend);
        assert_eq!(i.lang, Lang::Ko);
        let c = &i.constraints;
        assert_eq!(c.region.as_deref(), Some("애월읍"));
        assert_eq!(c.city.as_deref(), Some("제주시"));
        assert_eq!(c.dish.as_deref(), Some("흑돼지"));
        assert_eq!(c.companion, Some(Companion::Parents));
        assert_eq!(c.age_band, Some(AgeBand::SixtyPlus));
        assert!(!i.hyde.is_empty());
    }

    #[test]
    fn english_recommendation() {
        let i = parse("Where can I take my parents for black pork in Aewol?");
        assert_eq!(i.route, Route::Recommend);
        assert_eq!(i.lang, Lang::En);
        assert_eq!(i.constraints.region.as_deref(), Some("애월읍"));
        assert_eq!(i.constraints.dish.as_deref(), Some("흑돼지"));
        assert_eq!(i.constraints.companion, Some(Companion::Parents));
        let i = parse("A quiet cafe for a date near Hyeopjae Beach under 15,000 won");
        assert_eq!(i.constraints.store_types, vec!["커피"]);
        assert_eq!(i.constraints.companion, Some(Companion::Couple));
        assert_eq!(
            i.constraints.near_attraction.as_deref(),
            Some("협재해수욕장")
        );
        assert_eq!(i.constraints.region.as_deref(), Some("한림읍"));
        assert_eq!(i.constraints.price_max_per_person, Some(15_000));
    }

    #[test]
    fn korean_search_question() {
        let i = parse("제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?");
        assert_eq!(i.route, Route::Search);
        assert_eq!(i.constraints.region.as_deref(), Some("한림읍"));
        assert_eq!(i.constraints.store_types, vec!["커피"]);
        let g = i.goal.unwrap();
        assert_eq!(
            g.measure,
            Measure::Property {
                property: "age_30_ratio".into(),
                descending: true
            }
        );
        assert_eq!(g.top, 1);
    }

    #[test]
    fn counts_months_and_tops() {
        let g = parse("애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?")
            .goal
            .unwrap();
        assert_eq!(g.measure, Measure::Count);
        let i = parse("2023년 8월 애월읍에서 이용건수 상위 10%에 든 가게는 몇 곳?");
        let g = i.goal.unwrap();
        assert_eq!(
            (g.month, g.band),
            (
                Some(202308),
                RankBand::new(RankBy::Visits, BandSide::Top, 10)
            )
        );
        let g = parse("2023년 7월 기준으로 매출 상위 10%였던 중문동 가게는 몇 개예요?")
            .goal
            .unwrap();
        assert_eq!(g.measure, Measure::Count);
        assert_eq!(g.band, RankBand::new(RankBy::Sales, BandSide::Top, 10));
        let i = parse("2023년 3월에 이용건수 가장 적은 구간(하위 10%)이었던 우도 가게 수는?");
        assert_eq!(
            i.goal.unwrap().band,
            RankBand::new(RankBy::Visits, BandSide::Bottom, 10)
        );
        assert_eq!(i.constraints.region.as_deref(), Some("우도면"));
        assert_eq!(
            i.constraints.near_attraction, None,
            "the island is the region"
        );
        assert_eq!(
            parse("오설록 있는 안덕면 카페 중에 관광객 비중 제일 높은 곳 세 군데 알려줘")
                .goal
                .unwrap()
                .top,
            3
        );
        let i = parse("애월읍 카페 중에 가장 최근에 문 연 곳 어디야?");
        assert_eq!(i.route, Route::Search);
        assert_eq!(
            i.goal.unwrap().measure,
            Measure::Property {
                property: "opened".into(),
                descending: true
            }
        );
        let g = parse("Top 3 black pork restaurants in Aewol with the highest share of tourists (non-local customers)").goal.unwrap();
        assert_eq!(
            g.measure,
            Measure::Property {
                property: "local_ratio".into(),
                descending: false
            }
        );
        let i = parse("Which 3 cafes in Jungmun have the lowest share of locals?");
        let g = i.goal.unwrap();
        assert_eq!(g.top, 3);
        assert_eq!(
            g.measure,
            Measure::Property {
                property: "local_ratio".into(),
                descending: false
            }
        );
        assert_eq!(i.constraints.region.as_deref(), Some("중문동"));
    }

    #[test]
    fn words_inside_other_words_do_not_mislead() {
        // 만 of 갈만한, 원 of 남원읍, 싼 of 비싼, 아이 of 아이스크림, 월 of 애월.
        let c = constraints(&normalize("애월에 갈만한 1인 2만원 이하 흑돼지집"));
        assert_eq!(c.price_max_per_person, Some(20_000));
        let c = constraints(&normalize("남원읍 15000원 이하 국수집"));
        assert_eq!(c.price_max_per_person, Some(15_000));
        let g = search_goal(&normalize("애월읍에서 가장 비싼 흑돼지집은?"));
        assert!(matches!(
            g.map(|g| g.measure),
            Some(Measure::Property {
                descending: true,
                ..
            })
        ));
        assert_eq!(
            constraints(&normalize("아이스크림 맛있는 카페")).companion,
            None
        );
        assert_eq!(
            month(&normalize("애월읍 8월 이용건수 상위 가게 몇 곳?")),
            Some(202308)
        );
    }

    #[test]
    fn the_closest_to_an_attraction_is_a_data_question() {
        for q in [
            "성산일출봉에서 제일 가까운 카페가 어디예요?",
            "Which cafe is closest to Hyeopjae Beach?",
        ] {
            let i = parse(q);
            assert_eq!(i.route, Route::Search, "{q}");
            assert_eq!(
                i.goal.map(|g| g.measure),
                Some(Measure::Property {
                    property: "distance_m".into(),
                    descending: false
                }),
                "{q}"
            );
        }
        // Closest to nothing named: a recommendation.
        assert_eq!(parse("제일 가까운 카페 추천").route, Route::Recommend);
        assert_eq!(
            parse("Count the fried chicken places in Jeju-si")
                .goal
                .map(|g| g.measure),
            Some(Measure::Count)
        );
    }

    #[test]
    fn the_place_not_wanted_is_not_the_place() {
        let c = constraints(&normalize("우도 말고 성산읍에 흑돼지집은요?"));
        assert_eq!(c.region.as_deref(), Some("성산읍"));
        assert_eq!(c.near_attraction, None);
        let c = constraints(&normalize("일도이동 중국집 배달 말고 가서 먹을 데"));
        assert_eq!(c.region.as_deref(), Some("일도이동"));
        let c = constraints(&normalize(
            "Where do people eat breakfast in Seogwipo? Something Korean, not a cafe.",
        ));
        assert!(!c.store_types.contains(&"커피".to_owned()), "{c:?}");
    }

    #[test]
    fn the_dish_not_wanted_is_not_the_dish() {
        assert_eq!(
            constraints(&normalize("흑돼지 말고 해산물 맛집 추천"))
                .dish
                .as_deref(),
            Some("해산물")
        );
        assert_eq!(
            constraints(&normalize("seafood instead of black pork in Aewol"))
                .dish
                .as_deref(),
            Some("해산물")
        );
        // The dish's own word does not add a store type.
        let c = constraints(&normalize("애월 초밥 맛집"));
        assert_eq!((c.dish.as_deref(), c.store_types.len()), (Some("초밥"), 0));
    }

    #[test]
    fn prices_in_both_languages() {
        assert_eq!(price_max(" 1인 2만원 이하 "), Some(20_000));
        assert_eq!(price_max(" 1만5천원 이하 "), Some(15_000));
        assert_eq!(price_max(" 15,000원 "), Some(15_000));
        assert_eq!(price_max(" under 20k won "), Some(20_000));
        assert_eq!(price_max(" ₩30000 "), Some(30_000));
        assert_eq!(price_max(" 3명 "), None);
    }

    #[test]
    fn a_rating_floor_needs_a_rating_and_a_floor() {
        let floor = |t: &str| rating_floor(&normalize(t));
        assert_eq!(floor("평점 4.5 이상인 중식집"), Some(4.5));
        assert_eq!(floor("별점 4점 넘는 카페"), Some(4.0));
        assert_eq!(floor("4.5점 이상 흑돼지집"), Some(4.5));
        assert_eq!(
            floor("How many Chinese restaurants in Jeju City are rated 4.5 or higher?"),
            Some(4.5)
        );
        assert_eq!(floor("cafes with at least 4 stars"), Some(4.0));
        assert_eq!(floor("60대 이상 부모님과 평점 좋은 곳"), None);
        assert_eq!(floor("평점 좋은 1인 2만원 이상 코스"), None);
        assert_eq!(floor("2023년 3월 평점 순위"), None);
        assert_eq!(floor("3곳 이상 알려줘"), None);
    }

    #[test]
    fn a_share_floor_names_whose_share_how_much_and_that_it_is_a_floor() {
        let floor = |t: &str| share_floor(&normalize(t));
        assert_eq!(
            floor("How many places in Aewol get more than half of their customers from Jeju residents?"),
            Some(ShareFloor {
                of: ShareOf::Locals,
                share: 0.5,
                strict: true
            })
        );
        assert_eq!(
            floor("관광객 비중이 70% 이상인 애월 카페"),
            Some(ShareFloor {
                of: ShareOf::Tourists,
                share: 0.7,
                strict: false
            })
        );
        assert_eq!(
            floor("30대 손님이 40% 넘는 곳"),
            Some(ShareFloor {
                of: ShareOf::Age(jeju_data::vocab::AgeBand::Thirties),
                share: 0.4,
                strict: true
            })
        );
        let i = parse("현지인 비중 50% 넘는 애월 흑돼지 맛집 추천");
        assert_eq!((i.route, i.goal), (Route::Recommend, None));
        assert!(i.constraints.min_share.is_some());
        // A ranking band, a share without a floor, a floor without a share.
        assert_eq!(floor("2023년 8월 현지인 이용건수 상위 10%에 든 가게"), None);
        assert_eq!(floor("현지인 비중이 가장 높은 곳"), None);
        assert_eq!(floor("60대 이상 부모님과 가기 좋은 곳"), None);
    }

    #[test]
    fn a_region_named_after_an_attraction_is_not_the_attraction() {
        let c = parse("우도면 흑돼지 맛집 추천해줘").constraints;
        assert_eq!(c.region.as_deref(), Some("우도면"));
        assert_eq!(c.near_attraction, None);
        let c = parse("우도 근처 카페 추천").constraints;
        assert_eq!(c.near_attraction.as_deref(), Some("우도"));
        let c = parse("우도 카페 추천").constraints;
        assert_eq!(c.region.as_deref(), Some("우도면"));
        assert_eq!(c.near_attraction, None, "the island is the region");
    }

    #[test]
    fn ascii_words_match_whole_words_only() {
        assert!(contains_word(" a bar nearby ", "bar"));
        assert!(!contains_word(" barbecue ", "bar"));
        assert!(contains_word(" cafes in jeju ", "cafe"));
        assert!(!contains_word(" update ", "date"));
    }
}
