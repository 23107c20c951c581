//! The held-out case set (`eval/cases/heldout.jsonl`): generated from another data seed than
//! the tuning set, with its own templates. The wording is written the way people ask (several
//! paraphrases per template, 반말/해요체/존댓말, casual and full English, regions with and
//! without 읍/면/동, city names, no place at all), never checked against the pipeline's parser.
//! Its results are reported, never used to change code.
//!
//! The rules are the tuning set's: every search gold answer is computed twice (in Rust from
//! the snapshot, and by running the gold query, in [`crate::generate::verify_gold`]); a top-k
//! question with a tie at the cut or an empty answer is dropped; a recommendation is kept only
//! with ≥ 3 stores meeting its hard constraints, and a soft ask (companion, age, time, mood,
//! view, quality) only where the truth has ≥ 2 such stores among them. Dish and place words
//! come from the evaluation's own vocabulary ([`Vocabulary::builtin`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jeju_data::catalog::{Mood, View};
use jeju_data::gazetteer::{self, Region};
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay, VISIT_KEYWORDS};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::case::{
    Case, CaseConstraints, CaseKind, DishAsk, Expect, QualityAsk, Turn, DEFAULT_NEAR_M,
    HIGH_QUALITY,
};
use crate::check::{GoldAnswer, MIN_TIME_SHARE};
use crate::facts::{MonthFact, StoreFact, TruthTable};
use crate::generate::{
    lit, pick_round_robin, satisfying, unambiguous_top, CaseSets, GenerateOptions, Snapshot,
    MONTHS_EN,
};
use crate::vocab::{DishMeaning, PlaceWords, Vocabulary};

/// The search classes, in the order the generator tries them.
pub const SEARCH_CLASSES: [&str; 10] = [
    "search_keyword",
    "search_sales_vs_visits",
    "search_cheapest",
    "search_weekday",
    "search_tourist",
    "search_month_share",
    "search_near",
    "search_city",
    "search_island",
    "search_count_dish",
];

/// The recommendation classes.
pub const RECOMMEND_CLASSES: [&str; 8] = [
    "recommend_mood",
    "recommend_view",
    "recommend_quality",
    "recommend_city",
    "recommend_regionless",
    "recommend_dish",
    "recommend_place",
    "recommend_companion",
];

/// The conversation classes.
pub const FOLLOWUP_CLASSES: [&str; 4] = [
    "followup_cheaper",
    "followup_near",
    "followup_swap",
    "followup_narrow",
];

/// Dishes of the new count questions and dish requests (the vocabulary's words).
pub const NEW_DISHES: [&str; 4] = ["회", "초밥", "라멘", "짬뽕"];

/// Dishes a request may ask for (all words of the vocabulary).
pub const REQUEST_DISHES: [&str; 29] = [
    "흑돼지",
    "돼지고기",
    "해산물",
    "회",
    "초밥",
    "라멘",
    "짬뽕",
    "갈치",
    "고등어",
    "전복",
    "한치",
    "옥돔",
    "성게",
    "보말",
    "고기국수",
    "국수",
    "해장국",
    "몸국",
    "돈까스",
    "빵",
    "디저트",
    "커피",
    "치킨",
    "피자",
    "파스타",
    "만두",
    "햄버거",
    "스테이크",
    "맥주",
];

/// Drafts kept per class before the round-robin pick, and random draws tried per class.
const DRAFTS_PER_CLASS: usize = 30;
const DRAWS_PER_CLASS: usize = 3_000;
/// Stores of the full synthetic data; the conversations' pool thresholds are scaled to a
/// smaller graph.
const FULL_STORES: f64 = 9_250.0;
/// Share of English cases.
const EN_SHARE: f64 = 0.45;

type R = ChaCha8Rng;

/// One item of a non-empty list, by value.
fn one<T: Copy>(rng: &mut R, items: &[T]) -> T {
    *items.choose(rng).expect("a non-empty list")
}

/// One item of a non-empty list.
fn one_of<'a, T>(rng: &mut R, items: &'a [T]) -> &'a T {
    items.choose(rng).expect("a non-empty list")
}

fn chance(rng: &mut R, p: f64) -> bool {
    rng.random_bool(p)
}

/// Collapses runs of spaces and the spaces before punctuation.
fn tidy(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    joined
        .replace(" ?", "?")
        .replace(" ,", ",")
        .replace(" .", ".")
        .replace(" !", "!")
        .replace("( ", "(")
        .replace(" )", ")")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Korean particles and English articles

/// The final consonant index of the last Hangul syllable (0 = none); `None` when the text
/// does not end in a Hangul syllable.
fn final_consonant(w: &str) -> Option<u32> {
    let c = w.trim_end().chars().last()? as u32;
    (0xAC00..=0xD7A3).contains(&c).then(|| (c - 0xAC00) % 28)
}

fn has_batchim(w: &str) -> bool {
    match final_consonant(w) {
        Some(f) => f != 0,
        // Digits read 일/삼/육/칠/팔/십 end in a consonant.
        None => w.trim_end().ends_with(['0', '1', '3', '6', '7', '8']),
    }
}

/// 은/는.
fn eun(w: &str) -> String {
    format!("{w}{}", if has_batchim(w) { "은" } else { "는" })
}

/// 이/가.
fn ga(w: &str) -> String {
    format!("{w}{}", if has_batchim(w) { "이" } else { "가" })
}

/// 을/를.
fn eul(w: &str) -> String {
    format!("{w}{}", if has_batchim(w) { "을" } else { "를" })
}

/// 과/와.
fn gwa(w: &str) -> String {
    format!("{w}{}", if has_batchim(w) { "과" } else { "와" })
}

/// 으로/로 (로 after ㄹ).
fn ro(w: &str) -> String {
    let plain = final_consonant(w).is_none_or(|f| f == 0 || f == 8);
    format!("{w}{}", if plain { "로" } else { "으로" })
}

/// "a cafe", "an ocean-view cafe".
fn a(np: &str) -> String {
    let vowel = np
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {np}", if vowel { "an" } else { "a" })
}

/// The plural of a noun phrase whose head is its last word.
fn plural(np: &str) -> String {
    let (head, last) = match np.rsplit_once(' ') {
        Some((h, l)) => (format!("{h} "), l),
        None => (String::new(), np),
    };
    let p = if last.ends_with('y') && !last.ends_with("ay") && !last.ends_with("ey") {
        format!("{}ies", &last[..last.len() - 1])
    } else if ["s", "sh", "ch", "x"].iter().any(|e| last.ends_with(e)) {
        format!("{last}es")
    } else {
        format!("{last}s")
    };
    format!("{head}{p}")
}

// ---------------------------------------------------------------------------------------
// Where: a region, a city, or the whole island

#[derive(Debug, Clone, Copy)]
enum Scope {
    Region(&'static Region),
    City(&'static str),
    Island,
}

impl Scope {
    fn contains(self, s: &StoreFact) -> bool {
        match self {
            Scope::Region(r) => s.region.as_deref() == Some(r.name.as_str()),
            Scope::City(c) => s.city.as_deref() == Some(c),
            Scope::Island => true,
        }
    }

    fn cond(self) -> Option<String> {
        match self {
            Scope::Region(r) => Some(format!("s.region = {}", lit(&r.name))),
            Scope::City(c) => Some(format!("s.city = {}", lit(c))),
            Scope::Island => None,
        }
    }

    fn constrain(self, c: &mut CaseConstraints) {
        match self {
            Scope::Region(r) => c.region = Some(r.name.clone()),
            Scope::City(city) => c.city = Some(city.to_owned()),
            Scope::Island => {}
        }
    }
}

/// 일도일동 → 일도1동 (as people write numbered 동).
fn numbered_dong(r: &Region) -> Option<String> {
    if r.kind != "동" || r.name.chars().count() < 4 {
        return None;
    }
    let stem = r.name.strip_suffix("동")?;
    for (word, digit) in [("일", "1"), ("이", "2"), ("삼", "3")] {
        if let Some(base) = stem.strip_suffix(word) {
            return Some(format!("{base}{digit}동"));
        }
    }
    None
}

fn is_hangul(s: &str) -> bool {
    s.chars().all(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The Korean short form of a region (애월 for 애월읍, 노형 for 노형동), if people use one.
fn ko_short(r: &Region) -> Option<String> {
    if numbered_dong(r).is_some() {
        return None;
    }
    r.aliases()
        .into_iter()
        .find(|a| a != &r.name && is_hangul(a))
}

fn ko_city(city: &str, rng: &mut R) -> String {
    if city == "서귀포시" {
        one(rng, &["서귀포시", "서귀포"]).to_string()
    } else {
        "제주시".to_owned()
    }
}

fn en_city(city: &str, rng: &mut R) -> String {
    if city == "서귀포시" {
        one(rng, &["Seogwipo", "Seogwipo-si", "Seogwipo City"]).to_string()
    } else {
        one(rng, &["Jeju City", "Jeju-si"]).to_string()
    }
}

/// A region as Korean text: with or without its suffix, numbered 동 with a digit, or with
/// its city in front.
fn ko_region(r: &Region, rng: &mut R) -> String {
    let mut v = vec![r.name.clone()];
    if let Some(s) = ko_short(r) {
        v.push(s.clone());
        v.push(s);
    }
    if let Some(n) = numbered_dong(r) {
        v.push(n.clone());
        v.push(n);
    }
    let city = ko_city(&r.city, rng);
    v.push(format!("{city} {}", r.name));
    one_of(rng, &v).clone()
}

fn en_region(r: &Region, rng: &mut R) -> String {
    let mut v = vec![r.romanized.clone()];
    if ko_short(r).is_some() {
        if let Some((base, _)) = r.romanized.split_once('-') {
            v.push(base.to_owned());
            v.push(base.to_owned());
        }
    }
    one_of(rng, &v).clone()
}

/// Korean words for a scope: the name, "…에서" and "…에" (all empty when the question names
/// no place).
#[derive(Debug, Clone, Default)]
struct KoWhere {
    pre: String,
    at: String,
    e: String,
}

fn ko_where(scope: Scope, rng: &mut R, may_omit: bool) -> KoWhere {
    let (pre, at) = match scope {
        Scope::Region(r) => {
            let n = ko_region(r, rng);
            (n.clone(), format!("{n}에서"))
        }
        Scope::City(c) => {
            let n = ko_city(c, rng);
            (n.clone(), format!("{n}에서"))
        }
        Scope::Island => {
            if may_omit && chance(rng, 0.3) {
                return KoWhere::default();
            }
            let pre = one(rng, &["제주도", "제주도", "제주 전체"]).to_string();
            let at = one(
                rng,
                &[
                    "제주도에서",
                    "제주도 전체에서",
                    "제주 전역에서",
                    "섬 전체에서",
                ],
            )
            .to_string();
            (pre, at)
        }
    };
    let e = format!("{pre}에");
    KoWhere { pre, at, e }
}

/// English words for a scope: the name and the phrase ("in Aewol", "on Jeju Island").
#[derive(Debug, Clone)]
struct EnWhere {
    name: String,
    inn: String,
}

fn en_where(scope: Scope, rng: &mut R) -> EnWhere {
    match scope {
        Scope::Region(r) => {
            let name = en_region(r, rng);
            let prep = one(rng, &["in", "in", "around"]);
            EnWhere {
                inn: format!("{prep} {name}"),
                name,
            }
        }
        Scope::City(c) => {
            let name = en_city(c, rng);
            EnWhere {
                inn: format!("in {name}"),
                name,
            }
        }
        Scope::Island => EnWhere {
            name: "Jeju Island".into(),
            inn: one(
                rng,
                &[
                    "on Jeju Island",
                    "anywhere on Jeju",
                    "on the whole island",
                    "across Jeju Island",
                ],
            )
            .to_string(),
        },
    }
}

// ---------------------------------------------------------------------------------------
// What: every store, a kind of place (the vocabulary's place words), or a dish

#[derive(Debug, Clone, Copy)]
enum Subject {
    All,
    Place(&'static PlaceWords),
    Dish(&'static DishMeaning),
}

impl Subject {
    fn matches(self, s: &StoreFact) -> bool {
        match self {
            Subject::All => true,
            Subject::Place(p) => p.types.contains(&s.store_type),
            Subject::Dish(d) => s.menu_names.iter().any(|m| d.matches(m)),
        }
    }

    fn cond(self) -> Option<String> {
        match self {
            Subject::All => None,
            Subject::Place(p) if p.types.len() == 1 => {
                Some(format!("s.type = {}", lit(&p.types[0])))
            }
            Subject::Place(p) => Some(format!(
                "s.type IN [{}]",
                p.types
                    .iter()
                    .map(|t| lit(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Subject::Dish(d) => Some(dish_cond(d)),
        }
    }

    fn constrain(self, c: &mut CaseConstraints) {
        match self {
            Subject::All => {}
            Subject::Place(p) => c.store_types = p.types.clone(),
            Subject::Dish(d) => c.dish = Some(DishAsk::Word(d.name.clone())),
        }
    }
}

/// `any(m IN coalesce(s.menu_names, []) WHERE m CONTAINS 't1' OR …)`: the vocabulary's terms.
fn dish_cond(d: &DishMeaning) -> String {
    format!(
        "any(m IN coalesce(s.menu_names, []) WHERE {})",
        d.menu_terms
            .iter()
            .map(|t| format!("m CONTAINS {}", lit(t)))
            .collect::<Vec<_>>()
            .join(" OR ")
    )
}

fn vocab() -> &'static Vocabulary {
    Vocabulary::builtin()
}

fn dish(name: &str) -> &'static DishMeaning {
    vocab()
        .dish(name)
        .unwrap_or_else(|| panic!("{name} is a dish of eval/vocab.toml (unit-tested)"))
}

fn ko_place_words(p: &PlaceWords) -> Vec<&str> {
    p.words
        .iter()
        .map(String::as_str)
        .filter(|w| w.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)))
        .collect()
}

fn en_place_words(p: &PlaceWords) -> Vec<String> {
    p.words
        .iter()
        .filter(|w| w.is_ascii())
        .map(|w| w.replace("western", "Western"))
        .collect()
}

/// Place words with both Korean and English words.
fn places() -> Vec<&'static PlaceWords> {
    vocab()
        .places
        .iter()
        .filter(|p| !ko_place_words(p).is_empty() && !en_place_words(p).is_empty())
        .collect()
}

/// The English words of a dish people would type (the vocabulary's first two, leaving out a
/// plural of the first).
fn en_dish(d: &DishMeaning, rng: &mut R) -> String {
    let words: Vec<&String> =
        d.en.iter()
            .take(2)
            .filter(|w| !d.en.iter().any(|x| format!("{x}s") == **w))
            .collect();
    match words.choose(rng) {
        Some(w) => (*w).clone(),
        None => d.name.clone(),
    }
}

/// A subject as a noun: Korean, English singular and plural.
#[derive(Debug, Clone)]
struct Noun {
    ko: String,
    one: String,
    many: String,
}

fn noun(subject: Subject, rng: &mut R) -> Noun {
    match subject {
        Subject::All => {
            let (one_, many) = one(
                rng,
                &[
                    ("place", "places"),
                    ("restaurant or cafe", "restaurants and cafes"),
                    ("spot", "spots"),
                ],
            );
            Noun {
                ko: one(rng, &["가게", "가게", "매장"]).to_string(),
                one: one_.into(),
                many: many.into(),
            }
        }
        Subject::Place(p) => {
            let ko = one(rng, &ko_place_words(p)).to_string();
            let en = one_of(rng, &en_place_words(p)).clone();
            Noun {
                ko,
                many: plural(&en),
                one: en,
            }
        }
        Subject::Dish(d) => {
            let en = en_dish(d, rng);
            let ko = match rng.random_range(0..3) {
                0 => format!("{} 파는 가게", d.name),
                1 => format!("{} 파는 곳", d.name),
                _ => format!("{} 메뉴가 있는 가게", d.name),
            };
            let (one_, many) = match rng.random_range(0..3) {
                0 => (
                    format!("place serving {en}"),
                    format!("places serving {en}"),
                ),
                1 => (format!("{en} place"), format!("{en} places")),
                _ => (
                    format!("spot that sells {en}"),
                    format!("spots that sell {en}"),
                ),
            };
            Noun {
                ko,
                one: one_,
                many,
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Measures (ratio properties) and time words

struct Measure {
    property: &'static str,
    ko: &'static [&'static str],
    en: &'static [&'static str],
}

const MEASURES: &[Measure] = &[
    Measure {
        property: "age_20_under_ratio",
        ko: &["20대 이하 손님", "10~20대 손님", "20대 이하 고객"],
        en: &[
            "customers in their 20s or younger",
            "guests aged 20-something or younger",
        ],
    },
    Measure {
        property: "age_30_ratio",
        ko: &["30대 손님", "30대 고객"],
        en: &["customers in their 30s", "thirty-something customers"],
    },
    Measure {
        property: "age_40_ratio",
        ko: &["40대 손님", "40대 고객"],
        en: &["customers in their 40s", "guests in their forties"],
    },
    Measure {
        property: "age_50_ratio",
        ko: &["50대 손님", "50대 고객"],
        en: &["customers in their 50s", "guests in their fifties"],
    },
    Measure {
        property: "age_60_over_ratio",
        ko: &["60대 이상 손님", "60대 이상 고객"],
        en: &[
            "customers aged 60 and over",
            "customers in their 60s and up",
        ],
    },
    Measure {
        property: "local_ratio",
        ko: &["현지인 손님", "도민 손님", "제주도민 고객"],
        en: &["locals", "Jeju residents", "local customers"],
    },
    Measure {
        property: "female_ratio",
        ko: &["여성 손님", "여자 손님"],
        en: &["women", "female customers"],
    },
    Measure {
        property: "male_ratio",
        ko: &["남성 손님", "남자 손님"],
        en: &["men", "male customers"],
    },
    Measure {
        property: "hr_5_11_ratio",
        ko: &["오전(5~11시) 손님", "아침 시간대 손님"],
        en: &["morning (5-11 am) customers", "early-morning visits"],
    },
    Measure {
        property: "hr_12_13_ratio",
        ko: &["점심시간(12~13시) 손님", "점심시간 이용"],
        en: &["lunch-hour (12-1 pm) visits", "lunchtime customers"],
    },
    Measure {
        property: "hr_14_17_ratio",
        ko: &["오후(14~17시) 손님", "오후 시간대 이용"],
        en: &["afternoon (2-5 pm) customers", "afternoon visits"],
    },
    Measure {
        property: "hr_18_22_ratio",
        ko: &["저녁(18~22시) 손님", "저녁 시간대 이용"],
        en: &["evening (6-10 pm) customers", "dinner-time visits"],
    },
    Measure {
        property: "hr_23_4_ratio",
        ko: &["심야(23~4시) 손님", "밤 11시 이후 손님"],
        en: &["late-night (11 pm-4 am) customers", "after-11-pm visits"],
    },
];

/// Weekdays other than Saturday (the tuning set asks for Saturday).
const WEEKDAYS: [(&str, &str, &str); 6] = [
    ("mon_ratio", "월요일", "Monday"),
    ("tue_ratio", "화요일", "Tuesday"),
    ("wed_ratio", "수요일", "Wednesday"),
    ("thu_ratio", "목요일", "Thursday"),
    ("fri_ratio", "금요일", "Friday"),
    ("sun_ratio", "일요일", "Sunday"),
];

fn ko_month(ym: i64, rng: &mut R) -> String {
    let (y, m) = (ym / 100, ym % 100);
    if chance(rng, 0.3) {
        format!("{}년 {m}월", y % 100)
    } else {
        format!("{y}년 {m}월")
    }
}

fn en_month(ym: i64, rng: &mut R) -> String {
    let (y, m) = (ym / 100, (ym % 100) as usize);
    let name = MONTHS_EN.get(m.wrapping_sub(1)).copied().unwrap_or("?");
    if chance(rng, 0.3) {
        format!("{} {y}", &name[..3])
    } else {
        format!("{name} {y}")
    }
}

// ---------------------------------------------------------------------------------------
// The snapshot, indexed

struct Index<'a> {
    stores: Vec<&'a StoreFact>,
    regions: Vec<&'static Region>,
    /// keyword → (store id → review count).
    keywords: BTreeMap<&'a str, HashMap<&'a str, i64>>,
    /// attraction → (store id → distance).
    near: BTreeMap<&'a str, HashMap<&'a str, i64>>,
    months: BTreeMap<i64, HashMap<&'a str, &'a MonthFact>>,
    truth: &'a TruthTable,
}

impl<'a> Index<'a> {
    fn new(snap: &'a Snapshot, truth: &'a TruthTable) -> Index<'a> {
        let stores: Vec<&StoreFact> = snap.stores.values().collect();
        let present: BTreeSet<&str> = stores.iter().filter_map(|s| s.region.as_deref()).collect();
        let regions = gazetteer::regions()
            .iter()
            .filter(|r| present.contains(r.name.as_str()))
            .collect();
        let mut keywords: BTreeMap<&str, HashMap<&str, i64>> = BTreeMap::new();
        for e in &snap.visit_keywords {
            keywords
                .entry(e.name.as_str())
                .or_default()
                .insert(e.id.as_str(), e.value);
        }
        let mut near: BTreeMap<&str, HashMap<&str, i64>> = BTreeMap::new();
        for e in &snap.near {
            near.entry(e.name.as_str())
                .or_default()
                .insert(e.id.as_str(), e.value);
        }
        let mut months: BTreeMap<i64, HashMap<&str, &MonthFact>> = BTreeMap::new();
        for m in &snap.months {
            months.entry(m.ym).or_default().insert(m.id.as_str(), m);
        }
        Index {
            stores,
            regions,
            keywords,
            near,
            months,
            truth,
        }
    }

    /// A threshold of the full data (9,250 stores) scaled to this graph, at least `min`.
    fn scaled(&self, full: usize, min: usize) -> usize {
        let scale = (self.stores.len() as f64 / FULL_STORES).min(1.0);
        ((full as f64 * scale).round() as usize).max(min)
    }

    fn select(&self, scope: Scope, subject: Subject) -> Vec<&'a StoreFact> {
        self.stores
            .iter()
            .copied()
            .filter(|s| scope.contains(s) && subject.matches(s))
            .collect()
    }

    /// A scope drawn with the given weights of region, city and island.
    fn scope(&self, rng: &mut R, region: u32, city: u32, island: u32) -> Option<Scope> {
        let x = rng.random_range(0..region + city + island);
        if x < region {
            self.regions.choose(rng).map(|r| Scope::Region(r))
        } else if x < region + city {
            Some(Scope::City(one(rng, &["제주시", "서귀포시"])))
        } else {
            Some(Scope::Island)
        }
    }
}

/// A subject drawn with the given weights of every store, a place word and a dish (from
/// `dishes`).
fn draw_subject(rng: &mut R, all: u32, place: u32, dish_w: u32, dishes: &[&str]) -> Subject {
    let x = rng.random_range(0..all + place + dish_w);
    if x < all {
        Subject::All
    } else if x < all + place {
        Subject::Place(one(rng, &places()))
    } else {
        Subject::Dish(dish(one(rng, dishes)))
    }
}

fn where_clause(conds: &[Option<String>]) -> String {
    let c: Vec<&str> = conds.iter().flatten().map(String::as_str).collect();
    if c.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", c.join(" AND "))
    }
}

// ---------------------------------------------------------------------------------------
// Search

/// A search case before its language is chosen.
struct SearchDraft {
    class: &'static str,
    ko: String,
    en: String,
    gold: String,
    answer: GoldAnswer,
    note: Option<String>,
}

fn ids(ids: Vec<String>) -> GoldAnswer {
    GoldAnswer::Ids { ids, ordered: true }
}

/// Top-k of `stores` by a value (ties at the cut: `None`).
fn top_by(
    stores: &[&StoreFact],
    value: impl Fn(&StoreFact) -> Option<f64>,
    descending: bool,
    k: usize,
) -> Option<Vec<String>> {
    unambiguous_top(stores, value, descending, k)
}

fn k_of(rng: &mut R, p_three: f64) -> usize {
    if chance(rng, p_three) {
        3
    } else {
        1
    }
}

/// search_keyword: the store with the most reviews carrying a visit keyword.
fn search_keyword(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 6, 3, 1)?;
    let subject = draw_subject(rng, 1, 3, 1, &REQUEST_DISHES);
    let kw = one(rng, &VISIT_KEYWORDS).name;
    let counts = ix.keywords.get(kw)?;
    let pool: Vec<&StoreFact> = ix
        .select(scope, subject)
        .into_iter()
        .filter(|s| counts.contains_key(s.id.as_str()))
        .collect();
    let k = k_of(rng, 0.3);
    let top = top_by(
        &pool,
        |s| counts.get(s.id.as_str()).map(|&c| c as f64),
        true,
        k,
    )?;
    let (kko, ken) = keyword_words(kw, rng);
    let w = ko_where(scope, rng, true);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let t = &n.ko;
    let pre = &w.pre;
    let ko = if k == 1 {
        match rng.random_range(0..4) {
            0 => format!("{kko} 리뷰가 가장 많은 {pre} {}?", eun(t)),
            1 => format!("{pre} {t} 중에 {kko} 리뷰 제일 많은 데 어디야?"),
            2 => format!("{} {kko} 리뷰가 제일 많이 달린 {t} 알려주세요", w.at),
            _ => format!("{pre} {t} 가운데 {kko} 후기가 가장 많은 곳이 어디예요?"),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("{kko} 리뷰가 많은 {pre} {t} 상위 3곳 알려줘"),
            _ => format!("{pre} {t} 중 {kko} 리뷰 많은 순으로 세 곳만 뽑아 주세요"),
        }
    };
    let en = if k == 1 {
        match rng.random_range(0..3) {
            0 => format!("Which {} {} has the most reviews {ken}?", n.one, e.inn),
            1 => format!(
                "{}, what's the {} with the most reviews {ken}?",
                capitalize(&e.inn),
                n.one
            ),
            _ => format!("most reviews {ken}: which {} {}?", n.one, e.inn),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("Top 3 {} {} by number of reviews {ken}", n.many, e.inn),
            _ => format!(
                "Which three {} {} have the most reviews {ken}?",
                n.many, e.inn
            ),
        }
    };
    let gold = format!(
        "MATCH (s:Store)-[k:HAS_VISIT_KEYWORD]->(v:VisitKeyword {{name: {}}}){} RETURN s.id AS id ORDER BY k.count DESC, s.id ASC LIMIT {k}",
        lit(kw),
        where_clause(&[scope.cond(), subject.cond()])
    );
    Some(SearchDraft {
        class: "search_keyword",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: Some(format!(
            "reviews with the visit keyword {kw}: the count on (Store)-[:HAS_VISIT_KEYWORD]->(VisitKeyword)"
        )),
    })
}

/// How a visit keyword is said: Korean (before "리뷰") and English (after "reviews").
fn keyword_words(kw: &str, rng: &mut R) -> (String, String) {
    let (ko, en): (&[&str], &[&str]) = match kw {
        "부모님과" => (
            &["부모님과 함께 갔다는", "부모님 모시고 왔다는"],
            &[
                "from people who came with their parents",
                "mentioning a visit with parents",
            ],
        ),
        "아이와" => (
            &["아이와 함께 왔다는", "애들 데리고 갔다는"],
            &[
                "from families with children",
                "from visitors who brought their kids",
            ],
        ),
        "연인·배우자와" => (
            &["연인이나 배우자와 갔다는", "커플로 방문했다는"],
            &[
                "from couples",
                "from people visiting with a partner or spouse",
            ],
        ),
        "친구와" => (
            &["친구랑 갔다는", "친구들과 함께한"],
            &[
                "from people visiting with friends",
                "from groups of friends",
            ],
        ),
        "혼자" => (
            &["혼자 갔다는", "혼밥했다는"],
            &["from solo diners", "from people eating alone"],
        ),
        "단체모임" => (&["단체 모임으로 갔다는"], &["from group gatherings"]),
        "가족외식" => (&["가족 외식으로 갔다는"], &["about family meals out"]),
        "데이트" => (&["데이트로 갔다는"], &["from people on a date"]),
        "여행" => (&["여행 중에 들렀다는"], &["from travellers"]),
        "친목" => (&["친목 모임으로 방문한"], &["about social get-togethers"]),
        "일상" => (&["일상적으로 들른다는"], &["about everyday visits"]),
        "기념일" => (&["기념일에 갔다는"], &["from anniversary visits"]),
        "회식" => (&["회식으로 갔다는"], &["from work dinners"]),
        _ => (&[], &[]),
    };
    // A third of the time the keyword is quoted as the review sites show it.
    let ko = if ko.is_empty() || chance(rng, 0.35) {
        format!("'{kw}' {}", one(rng, &["방문", "키워드", "방문 키워드"]))
    } else {
        one(rng, ko).to_string()
    };
    let en = if en.is_empty() || chance(rng, 0.3) {
        format!("tagged '{kw}'")
    } else {
        one(rng, en).to_string()
    };
    (ko, en)
}

/// search_sales_vs_visits: how many stores were in the top 10 % by sales but not by
/// transactions in a month (or the reverse).
fn search_sales_vs_visits(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 8, 2, 0)?;
    let subject = draw_subject(rng, 1, 1, 0, &[]);
    let months: Vec<i64> = ix.months.keys().copied().collect();
    let ym = *months.choose(rng)?;
    let sales_first = chance(rng, 0.5);
    let in_month = ix.months.get(&ym)?;
    let n = ix
        .select(scope, subject)
        .into_iter()
        .filter(|s| {
            in_month.get(s.id.as_str()).is_some_and(|m| {
                let (top, other) = if sales_first {
                    (m.amt_rank, m.cnt_rank)
                } else {
                    (m.cnt_rank, m.amt_rank)
                };
                top == Some(1) && other.is_some_and(|o| o > 1)
            })
        })
        .count();
    if n == 0 {
        return None;
    }
    let w = ko_where(scope, rng, false);
    let nn = noun(subject, rng);
    let e = en_where(scope, rng);
    let (mko, men) = (ko_month(ym, rng), en_month(ym, rng));
    let t = &nn.ko;
    let pre = &w.pre;
    let ko = if sales_first {
        match rng.random_range(0..3) {
            0 => format!(
                "{mko}에 매출은 상위 10%였는데 이용 건수는 상위 10%에 못 든 {pre} {} 몇 곳이야?",
                eun(t)
            ),
            1 => format!(
                "{pre} {t} 중에서 {mko} 매출 구간은 상위 10%인데 이용 건수는 상위 10%가 아니었던 곳 몇 개예요?"
            ),
            _ => format!(
                "{mko} 기준으로 {} 결제 건수로는 상위 10% 밖인데 매출로는 상위 10% 안에 든 {t} 수는?",
                w.at
            ),
        }
    } else {
        match rng.random_range(0..3) {
            0 => format!(
                "{mko}에 이용 건수는 상위 10%였지만 매출은 상위 10%가 아니었던 {pre} {t} 몇 군데야?"
            ),
            1 => format!(
                "{pre} {t} 가운데 {mko} 이용 건수 상위 10%에 들었는데 매출은 상위 10% 밖이었던 곳은 몇 곳인가요?"
            ),
            _ => format!(
                "손님은 많은데 매출은 상위권이 아닌 곳이 궁금해요. {mko} {} 이용 건수 상위 10%, 매출은 상위 10% 밖인 {} 몇 개예요?",
                w.at,
                t
            ),
        }
    };
    let en = if sales_first {
        match rng.random_range(0..2) {
            0 => format!(
                "How many {} {} were in the top 10% for sales in {men} but not in the top 10% for number of transactions?",
                nn.many, e.inn
            ),
            _ => format!(
                "In {men}, how many {} {} ranked in the top 10% by revenue without making the top 10% by visits?",
                nn.many, e.inn
            ),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!(
                "How many {} {} made the top 10% by visit count in {men} but not the top 10% by sales?",
                nn.many, e.inn
            ),
            _ => format!(
                "{men}: count the {} {} that were top-10% busy by transactions yet outside the top 10% in sales",
                nn.many, e.inn
            ),
        }
    };
    let (a_, b_) = if sales_first {
        ("amt_rank", "cnt_rank")
    } else {
        ("cnt_rank", "amt_rank")
    };
    let gold = format!(
        "MATCH (s:Store)-[u:USE]->(m:Month {{ym: {ym}}}){} RETURN count(DISTINCT s) AS count",
        where_clause(&[
            scope.cond(),
            subject.cond(),
            Some(format!("u.{a_} = 1 AND u.{b_} > 1")),
        ])
    );
    Some(SearchDraft {
        class: "search_sales_vs_visits",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: GoldAnswer::Count { count: n as i64 },
        note: Some(
            "the month's USE edge: amt_rank (sales) and cnt_rank (transactions), 1 = top 10%"
                .into(),
        ),
    })
}

/// search_cheapest: the cheapest store(s) per person.
fn search_cheapest(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 6, 3, 1)?;
    let subject = draw_subject(rng, 0, 3, 2, &REQUEST_DISHES);
    let pool = ix.select(scope, subject);
    let k = k_of(rng, 0.25);
    let top = top_by(&pool, |s| s.price_per_person.map(|p| p as f64), false, k)?;
    let w = ko_where(scope, rng, true);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let (t, pre) = (&n.ko, &w.pre);
    let ko = if k == 1 {
        match rng.random_range(0..4) {
            0 => format!("{pre} {t} 중에 제일 싼 데 어디야?"),
            1 => format!("{} 1인당 가격이 가장 저렴한 {}?", w.at, eun(t)),
            2 => format!("{pre} {t} 가운데 가격대가 제일 낮은 곳 알려주세요"),
            _ => format!(
                "돈을 좀 아껴야 해서요. {} 인당 제일 싸게 먹을 수 있는 {t} 어디예요?",
                w.at
            ),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("{pre} {t} 중 인당 가격 싼 순으로 3곳 알려줘"),
            _ => format!("{} 제일 저렴한 {t} 세 군데는 어디인가요?", w.at),
        }
    };
    let en = if k == 1 {
        match rng.random_range(0..3) {
            0 => format!("What's the cheapest {} {}?", n.one, e.inn),
            1 => format!("Which {} {} has the lowest price per person?", n.one, e.inn),
            _ => format!("most affordable {} {}?", n.one, e.inn),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("The 3 cheapest {} {}, please", n.many, e.inn),
            _ => format!(
                "Which three {} {} cost the least per person?",
                n.many, e.inn
            ),
        }
    };
    let gold = format!(
        "MATCH (s:Store){} RETURN s.id AS id ORDER BY s.price_per_person ASC, s.id ASC LIMIT {k}",
        where_clause(&[
            scope.cond(),
            subject.cond(),
            Some("s.price_per_person IS NOT NULL".into()),
        ])
    );
    Some(SearchDraft {
        class: "search_cheapest",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: Some("price per person = Store.price_per_person (the median menu price)".into()),
    })
}

/// search_weekday: the store(s) with the highest (or lowest) share of a weekday other than
/// Saturday.
fn search_weekday(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 6, 3, 1)?;
    let subject = draw_subject(rng, 1, 3, 0, &[]);
    let (prop, dko, den) = one(rng, &WEEKDAYS);
    let k = k_of(rng, 0.3);
    let descending = k == 3 || chance(rng, 0.8);
    let pool = ix.select(scope, subject);
    let top = top_by(&pool, |s| s.ratio(prop), descending, k)?;
    let w = ko_where(scope, rng, true);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let (t, pre) = (&n.ko, &w.pre);
    let ko = match (k, descending) {
        (1, true) => match rng.random_range(0..4) {
            0 => format!("{pre} {t} 중 {dko} 손님 비중이 제일 높은 곳은?"),
            1 => format!("{dko}에 오는 손님 비율이 가장 높은 {pre} {t} 어디예요?"),
            2 => format!(
                "{} 이용 건수 중 {dko} 비중이 가장 큰 {} 알려 주세요",
                w.at,
                eul(t)
            ),
            _ => format!("{pre} {t} 중에 {dko} 장사가 제일 비중 큰 데 어디야?"),
        },
        (1, false) => match rng.random_range(0..2) {
            0 => format!("{pre} {t} 중 {dko} 손님 비중이 가장 낮은 곳은?"),
            _ => format!("{} {dko} 이용 비율이 제일 낮은 {} 어디인가요?", w.at, t),
        },
        _ => match rng.random_range(0..2) {
            0 => format!("{pre} {t} 중에 {dko} 이용 비중 높은 곳 3개만"),
            _ => format!("{dko} 손님 비율 높은 {pre} {t} 세 곳 알려줄래?"),
        },
    };
    let en = match (k, descending) {
        (1, true) => match rng.random_range(0..3) {
            0 => format!(
                "Which {} {} gets the biggest share of its customers on {den}s?",
                n.one, e.inn
            ),
            1 => format!(
                "{}, which {} has the highest share of {den} visits?",
                capitalize(&e.inn),
                n.one
            ),
            _ => format!("{} {} with the most {den}-heavy business?", n.one, e.inn),
        },
        (1, false) => format!(
            "Which {} {} has the smallest share of its visits on {den}s?",
            n.one, e.inn
        ),
        _ => match rng.random_range(0..2) {
            0 => format!("Top 3 {} {} by share of {den} transactions", n.many, e.inn),
            _ => format!(
                "Which three {} {} do the largest share of their business on {den}s?",
                n.many, e.inn
            ),
        },
    };
    let gold = format!(
        "MATCH (s:Store){} RETURN s.id AS id ORDER BY s.{prop} {}, s.id ASC LIMIT {k}",
        where_clause(&[
            scope.cond(),
            subject.cond(),
            Some(format!("s.{prop} IS NOT NULL")),
        ]),
        if descending { "DESC" } else { "ASC" }
    );
    Some(SearchDraft {
        class: "search_weekday",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: None,
    })
}

/// search_tourist: the highest share of tourists (1 - local_ratio), or the lowest share of
/// locals.
fn search_tourist(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 6, 3, 1)?;
    let subject = draw_subject(rng, 1, 3, 1, &REQUEST_DISHES);
    let k = k_of(rng, 0.3);
    let tourist_words = chance(rng, 0.75);
    let pool = ix.select(scope, subject);
    let top = if tourist_words {
        top_by(&pool, |s| s.ratio("local_ratio").map(|l| 1.0 - l), true, k)?
    } else {
        top_by(&pool, |s| s.ratio("local_ratio"), false, k)?
    };
    let w = ko_where(scope, rng, true);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let (t, pre) = (&n.ko, &w.pre);
    let ko = match (k, tourist_words) {
        (1, true) => match rng.random_range(0..3) {
            0 => format!("{pre} {t} 중 관광객 비중이 가장 높은 곳은?"),
            1 => format!("{} 외지인 손님 비율이 제일 높은 {t} 어디야?", w.at),
            _ => format!(
                "관광객이 차지하는 비율이 가장 큰 {pre} {} 어디인가요?",
                eun(t)
            ),
        },
        (1, false) => match rng.random_range(0..2) {
            0 => format!("{pre} {t} 중 현지인 비중이 가장 낮은 곳은?"),
            _ => format!("{} 도민 손님 비율이 제일 낮은 {}?", w.at, eun(t)),
        },
        (_, true) => match rng.random_range(0..2) {
            0 => format!("{} 관광객 비중 높은 {t} 톱3", w.at),
            _ => format!("{pre} {t} 중에 관광객 손님 비율 높은 순으로 세 곳 알려주세요"),
        },
        (_, false) => format!("{pre} {t} 중 현지인 비율이 낮은 곳 3개 알려줘"),
    };
    let en = match (k, tourist_words) {
        (1, true) => match rng.random_range(0..3) {
            0 => format!(
                "Which {} {} has the highest share of tourists?",
                n.one, e.inn
            ),
            1 => format!(
                "What's the most touristy {} {}, going by share of non-local customers?",
                n.one, e.inn
            ),
            _ => format!(
                "{} {} where visitors from outside Jeju make up the biggest share?",
                n.one, e.inn
            ),
        },
        (1, false) => format!(
            "Which {} {} has the lowest share of local customers?",
            n.one, e.inn
        ),
        (_, true) => format!(
            "Top 3 {} {} with the largest share of tourists",
            n.many, e.inn
        ),
        (_, false) => format!(
            "Which three {} {} have the smallest share of locals?",
            n.many, e.inn
        ),
    };
    let order = if tourist_words {
        "1.0 - s.local_ratio DESC"
    } else {
        "s.local_ratio ASC"
    };
    let gold = format!(
        "MATCH (s:Store){} RETURN s.id AS id ORDER BY {order}, s.id ASC LIMIT {k}",
        where_clause(&[
            scope.cond(),
            subject.cond(),
            Some("s.local_ratio IS NOT NULL".into()),
        ])
    );
    Some(SearchDraft {
        class: "search_tourist",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: Some("tourist share = 1 - local_ratio".into()),
    })
}

/// search_month_share: the top store(s) by a share in one month (the USE edge's ratios).
fn search_month_share(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 3, 1, 0)?;
    let subject = draw_subject(rng, 1, 3, 0, &[]);
    let months: Vec<i64> = ix.months.keys().copied().collect();
    let ym = *months.choose(rng)?;
    let m = one_of(rng, MEASURES);
    let k = k_of(rng, 0.25);
    let in_month = ix.months.get(&ym)?;
    let pool: Vec<&StoreFact> = ix
        .select(scope, subject)
        .into_iter()
        .filter(|s| in_month.contains_key(s.id.as_str()))
        .collect();
    let top = top_by(
        &pool,
        |s| {
            in_month
                .get(s.id.as_str())
                .and_then(|f| f.ratio(m.property))
        },
        true,
        k,
    )?;
    let w = ko_where(scope, rng, false);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let (mko, men) = (ko_month(ym, rng), en_month(ym, rng));
    let (mk, me) = (one(rng, m.ko), one(rng, m.en));
    let (t, pre) = (&n.ko, &w.pre);
    let ko = if k == 1 {
        match rng.random_range(0..4) {
            0 => format!("{mko} {pre} {t} 중 {mk} 비중이 가장 높았던 곳은?"),
            1 => format!("{mko} 기준 {} {mk} 비율이 제일 높았던 {t} 알려주세요", w.at),
            2 => format!("{pre} {t} 중에 {mko}에 {mk} 비율 가장 높았던 데가 어디예요?"),
            _ => format!("{mko}에 {mk} 비중 제일 컸던 {pre} {}?", eun(t)),
        }
    } else {
        format!("{mko} {pre} {t} 가운데 {mk} 비중 상위 3곳")
    };
    let en = if k == 1 {
        match rng.random_range(0..3) {
            0 => format!(
                "In {men}, which {} {} had the highest share of {me}?",
                n.one, e.inn
            ),
            1 => format!(
                "Which {} {} had the largest proportion of {me} in {men}?",
                n.one, e.inn
            ),
            _ => format!(
                "{men}: the {} {} with the biggest share of {me}?",
                n.one, e.inn
            ),
        }
    } else {
        format!("{men}: top 3 {} {} by share of {me}", n.many, e.inn)
    };
    let gold = format!(
        "MATCH (s:Store)-[u:USE]->(m:Month {{ym: {ym}}}){} RETURN s.id AS id ORDER BY u.{p} DESC, s.id ASC LIMIT {k}",
        where_clause(&[
            scope.cond(),
            subject.cond(),
            Some(format!("u.{} IS NOT NULL", m.property)),
        ]),
        p = m.property
    );
    Some(SearchDraft {
        class: "search_month_share",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: Some(format!("the {ym} USE edge's {}", m.property)),
    })
}

/// search_near: the store(s) of a kind closest to an attraction (NEAR edges).
fn search_near(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let names: Vec<&str> = ix.near.keys().copied().collect();
    let attraction = *names.choose(rng)?;
    let romanized = gazetteer::attractions()
        .iter()
        .find(|a| a.name == attraction)?
        .romanized
        .clone();
    let dists = ix.near.get(attraction)?;
    let subject = draw_subject(rng, 0, 3, 1, &REQUEST_DISHES);
    let k = k_of(rng, 0.25);
    let pool: Vec<&StoreFact> = ix
        .stores
        .iter()
        .copied()
        .filter(|s| dists.contains_key(s.id.as_str()) && subject.matches(s))
        .collect();
    let top = top_by(
        &pool,
        |s| dists.get(s.id.as_str()).map(|&d| d as f64),
        false,
        k,
    )?;
    let n = noun(subject, rng);
    let t = &n.ko;
    let at = attraction;
    let ko = if k == 1 {
        match rng.random_range(0..4) {
            0 => format!("{at}에서 제일 가까운 {t} 어디야?"),
            1 => format!("{at} 근처 {t} 중에 가장 가까운 곳은?"),
            2 => format!(
                "{at} 구경하고 나서 갈 건데, 거기서 가장 가까운 {} 어디예요?",
                ga(t)
            ),
            _ => format!("{} 거리가 제일 가까운 {} 알려주세요", gwa(at), eul(t)),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("{at}에서 가까운 {t} 3곳 알려줘"),
            _ => format!("{at} 근처에서 가장 가까운 {t} 세 군데는?"),
        }
    };
    let en = if k == 1 {
        match rng.random_range(0..3) {
            0 => format!("Which {} is closest to {romanized}?", n.one),
            1 => format!("What's the nearest {} to {romanized}?", n.one),
            _ => format!("I'm at {romanized} — where's the closest {}?", n.one),
        }
    } else {
        match rng.random_range(0..2) {
            0 => format!("The 3 {} nearest to {romanized}?", n.many),
            _ => format!("List the three closest {} to {romanized}", n.many),
        }
    };
    let gold = format!(
        "MATCH (s:Store)-[n:NEAR]->(a:Attraction {{name: {}}}){} RETURN s.id AS id ORDER BY n.distance_m ASC, s.id ASC LIMIT {k}",
        lit(attraction),
        where_clause(&[subject.cond()])
    );
    Some(SearchDraft {
        class: "search_near",
        ko: tidy(&ko),
        en: tidy(&en),
        gold,
        answer: ids(top),
        note: Some("distance from the NEAR edge (stores within 3 km)".into()),
    })
}

/// search_city / search_island: counts, best rating, most reviews, top three by a share, in
/// a city or on the whole island.
fn search_wide(ix: &Index, rng: &mut R, city: bool) -> Option<SearchDraft> {
    let scope = if city {
        Scope::City(one(rng, &["제주시", "서귀포시"]))
    } else {
        Scope::Island
    };
    let class = if city { "search_city" } else { "search_island" };
    let subject = draw_subject(rng, 0, 4, 1, &REQUEST_DISHES);
    let pool = ix.select(scope, subject);
    if pool.is_empty() {
        return None;
    }
    let w = ko_where(scope, rng, true);
    let n = noun(subject, rng);
    let e = en_where(scope, rng);
    let (t, pre) = (&n.ko, &w.pre);
    let conds = [scope.cond(), subject.cond()];
    match rng.random_range(0..10) {
        0..=3 => {
            let count = pool.len() as i64;
            let ko = if w.pre.is_empty() {
                one_of(
                    rng,
                    &[
                        format!("제주도에 {} 몇 개나 있어?", ga(t)),
                        format!("{} 전부 몇 곳이에요?", t),
                    ],
                )
                .clone()
            } else {
                match rng.random_range(0..4) {
                    0 => format!("{} {} 몇 개 있어요?", w.e, ga(t)),
                    1 => format!("{pre} {t} 수는?"),
                    2 => format!("{}있는 {} 모두 몇 곳인가요?", w.e, eun(t)),
                    _ => format!("{t} 몇 군데 있는지 알려줘, {pre} 기준으로"),
                }
            };
            let en = match rng.random_range(0..4) {
                0 => format!("How many {} are there {}?", n.many, e.inn),
                1 => format!("Number of {} {}?", n.many, e.inn),
                2 => format!("How many {} does {} have?", n.many, e.name),
                _ => format!("count the {} {}", n.many, e.inn),
            };
            Some(SearchDraft {
                class,
                ko: tidy(&ko),
                en: tidy(&en),
                gold: format!(
                    "MATCH (s:Store){} RETURN count(s) AS count",
                    where_clause(&conds)
                ),
                answer: GoldAnswer::Count { count },
                note: None,
            })
        }
        4..=5 => {
            let top = top_by(&pool, |s| s.rating, true, 1)?;
            let ko = match rng.random_range(0..3) {
                0 => format!("{pre} {t} 중 평점 제일 높은 곳은?"),
                1 => format!("{} 별점이 가장 높은 {} 어디예요?", w.at, t),
                _ => format!("{pre} {t} 가운데 평점 1등은 어디야?"),
            };
            let en = match rng.random_range(0..2) {
                0 => format!("Which {} {} has the highest rating?", n.one, e.inn),
                _ => format!("best-rated {} {}?", n.one, e.inn),
            };
            Some(SearchDraft {
                class,
                ko: tidy(&ko),
                en: tidy(&en),
                gold: format!(
                    "MATCH (s:Store){} RETURN s.id AS id ORDER BY s.rating DESC, s.id ASC LIMIT 1",
                    where_clause(&[
                        conds[0].clone(),
                        conds[1].clone(),
                        Some("s.rating IS NOT NULL".into())
                    ])
                ),
                answer: ids(top),
                note: Some("rating = Store.rating (the mean of the platform ratings)".into()),
            })
        }
        6..=7 => {
            let top = top_by(&pool, |s| s.review_count.map(|c| c as f64), true, 1)?;
            let ko = match rng.random_range(0..3) {
                0 => format!("{pre} {t} 중에 리뷰 제일 많은 데?"),
                1 => format!("{} 후기가 가장 많이 달린 {}?", w.at, eun(t)),
                _ => format!("{pre}에서 리뷰 수로 1위인 {t} 알려주세요"),
            };
            let en = match rng.random_range(0..2) {
                0 => format!("Which {} {} has the most reviews?", n.one, e.inn),
                _ => format!("most-reviewed {} {}?", n.one, e.inn),
            };
            Some(SearchDraft {
                class,
                ko: tidy(&ko),
                en: tidy(&en),
                gold: format!(
                    "MATCH (s:Store){} RETURN s.id AS id ORDER BY s.review_count DESC, s.id ASC LIMIT 1",
                    where_clause(&[conds[0].clone(), conds[1].clone(), Some("s.review_count IS NOT NULL".into())])
                ),
                answer: ids(top),
                note: None,
            })
        }
        _ => {
            let m = one_of(rng, MEASURES);
            let top = top_by(&pool, |s| s.ratio(m.property), true, 3)?;
            let (mk, me) = (one(rng, m.ko), one(rng, m.en));
            let ko = match rng.random_range(0..2) {
                0 => format!("{pre} {t} 중 {mk} 비중 높은 3곳"),
                _ => format!("{} {mk} 비율이 높은 {t} 세 군데 알려줘", w.at),
            };
            let en = format!("Top 3 {} {} by share of {me}", n.many, e.inn);
            Some(SearchDraft {
                class,
                ko: tidy(&ko),
                en: tidy(&en),
                gold: format!(
                    "MATCH (s:Store){} RETURN s.id AS id ORDER BY s.{p} DESC, s.id ASC LIMIT 3",
                    where_clause(&[
                        conds[0].clone(),
                        conds[1].clone(),
                        Some(format!("s.{} IS NOT NULL", m.property))
                    ]),
                    p = m.property
                ),
                answer: ids(top),
                note: None,
            })
        }
    }
}

/// search_count_dish: how many stores serve 회, 초밥, 라멘 or 짬뽕 (the vocabulary's terms).
fn search_count_dish(ix: &Index, rng: &mut R) -> Option<SearchDraft> {
    let scope = ix.scope(rng, 2, 1, 1)?;
    let d = dish(one(rng, &NEW_DISHES));
    let subject = Subject::Dish(d);
    let count = ix.select(scope, subject).len();
    if count == 0 {
        return None;
    }
    let w = ko_where(scope, rng, false);
    let e = en_where(scope, rng);
    let en_d = en_dish(d, rng);
    let dn = &d.name;
    let ko = match rng.random_range(0..4) {
        0 => format!("{} {dn} 파는 가게 몇 곳이야?", w.at),
        1 => format!("{} {dn} 메뉴 있는 집이 몇 군데예요?", w.e),
        2 => format!(
            "{} 먹을 수 있는 {} 가게는 모두 몇 개인가요?",
            eul(dn),
            w.pre
        ),
        _ => format!("{} {dn} 하는 데 몇 개나 돼?", w.pre),
    };
    let en = match rng.random_range(0..4) {
        0 => format!("How many places {} serve {en_d}?", e.inn),
        1 => format!("How many restaurants {} have {en_d} on the menu?", e.inn),
        2 => format!("number of spots {} where you can get {en_d}?", e.inn),
        _ => format!("Can you count the places selling {en_d} {}?", e.inn),
    };
    Some(SearchDraft {
        class: "search_count_dish",
        ko: tidy(&ko),
        en: tidy(&en),
        gold: format!(
            "MATCH (s:Store){} RETURN count(s) AS count",
            where_clause(&[scope.cond(), subject.cond()])
        ),
        answer: GoldAnswer::Count {
            count: count as i64,
        },
        note: Some(format!(
            "{dn} = a menu item containing {} (eval/vocab.toml)",
            d.menu_terms.join("|")
        )),
    })
}

fn search_drafts(ix: &Index, rng: &mut R) -> Vec<SearchDraft> {
    let mut out = Vec::new();
    for class in SEARCH_CLASSES {
        let mut seen = BTreeSet::new();
        let mut kept = 0;
        for _ in 0..DRAWS_PER_CLASS {
            if kept >= DRAFTS_PER_CLASS {
                break;
            }
            let d = match class {
                "search_keyword" => search_keyword(ix, rng),
                "search_sales_vs_visits" => search_sales_vs_visits(ix, rng),
                "search_cheapest" => search_cheapest(ix, rng),
                "search_weekday" => search_weekday(ix, rng),
                "search_tourist" => search_tourist(ix, rng),
                "search_month_share" => search_month_share(ix, rng),
                "search_near" => search_near(ix, rng),
                "search_city" => search_wide(ix, rng, true),
                "search_island" => search_wide(ix, rng, false),
                _ => search_count_dish(ix, rng),
            };
            if let Some(d) = d {
                if seen.insert(d.gold.clone()) {
                    kept += 1;
                    out.push(d);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Recommendations

/// A recommendation request before wording.
#[derive(Debug, Clone)]
struct Request {
    class: &'static str,
    scope: Scope,
    subject: Subject,
    companion: Option<Companion>,
    age: Option<AgeBand>,
    price: Option<u32>,
    time: Option<TimeOfDay>,
    mood: Option<Mood>,
    view: Option<View>,
    quality: bool,
}

impl Request {
    fn new(class: &'static str, scope: Scope, subject: Subject) -> Request {
        Request {
            class,
            scope,
            subject,
            companion: None,
            age: None,
            price: None,
            time: None,
            mood: None,
            view: None,
            quality: false,
        }
    }

    fn constraints(&self) -> CaseConstraints {
        let mut c = CaseConstraints {
            companion: self.companion,
            age_band: self.age,
            price_max_per_person: self.price,
            time: self.time,
            mood: self.mood,
            view: self.view,
            quality: self.quality.then_some(QualityAsk::High),
            ..CaseConstraints::default()
        };
        self.scope.constrain(&mut c);
        self.subject.constrain(&mut c);
        c
    }
}

/// Soft asks the truth supports: at least two stores of the pool fit.
fn truth_count(
    ix: &Index,
    pool: &[&StoreFact],
    fits: impl Fn(&jeju_data::catalog::StoreTruth) -> bool,
) -> usize {
    pool.iter()
        .filter(|s| ix.truth.get(&s.id).is_some_and(&fits))
        .count()
}

fn draw_companion(ix: &Index, pool: &[&StoreFact], rng: &mut R) -> Option<Companion> {
    let ok: Vec<Companion> = Companion::ALL
        .iter()
        .copied()
        .filter(|c| truth_count(ix, pool, |t| t.good_for.contains(c)) >= 2)
        .collect();
    ok.choose(rng).copied()
}

fn draw_age(ix: &Index, pool: &[&StoreFact], rng: &mut R) -> Option<AgeBand> {
    let ok: Vec<AgeBand> = AgeBand::ALL
        .iter()
        .copied()
        .filter(|a| truth_count(ix, pool, |t| t.age_focus.contains(a)) >= 2)
        .collect();
    ok.choose(rng).copied()
}

fn draw_time(ix: &Index, pool: &[&StoreFact], rng: &mut R) -> Option<TimeOfDay> {
    let ok: Vec<TimeOfDay> = TimeOfDay::ALL
        .iter()
        .copied()
        .filter(|t| {
            pool.iter()
                .filter(|s| s.ratio(t.property()).is_some_and(|x| x >= MIN_TIME_SHARE))
                .count()
                >= 3
                && truth_count(ix, pool, |tr| tr.busy_times.contains(t)) >= 2
        })
        .collect();
    ok.choose(rng).copied()
}

/// The pool's median price rounded up to 5,000 won.
fn draw_price(pool: &[&StoreFact]) -> Option<u32> {
    let mut prices: Vec<i64> = pool.iter().filter_map(|s| s.price_per_person).collect();
    prices.sort_unstable();
    let p = *prices.get(prices.len() / 2)?;
    Some(((p.max(1) as u32).div_ceil(5_000) * 5_000).max(5_000))
}

/// Adds one or two of companion/age/time/price, where the truth and the pool allow.
fn add_extras(ix: &Index, r: &mut Request, pool: &[&StoreFact], rng: &mut R) {
    match rng.random_range(0..6) {
        0 => r.companion = draw_companion(ix, pool, rng),
        1 => {
            r.companion = draw_companion(ix, pool, rng);
            r.age = draw_age(ix, pool, rng);
        }
        2 => r.time = draw_time(ix, pool, rng),
        3 => r.price = draw_price(pool),
        4 => {
            r.companion = draw_companion(ix, pool, rng);
            r.time = draw_time(ix, pool, rng);
        }
        _ => r.age = draw_age(ix, pool, rng),
    }
}

fn draw_request(ix: &Index, class: &'static str, rng: &mut R) -> Option<(Request, usize)> {
    let dish_or_place = |rng: &mut R| draw_subject(rng, 0, 1, 1, &REQUEST_DISHES);
    let mut r = match class {
        "recommend_mood" | "recommend_view" | "recommend_quality" => {
            let scope = ix.scope(rng, 4, 1, 0)?;
            Request::new(class, scope, dish_or_place(rng))
        }
        "recommend_city" => {
            let city = one(rng, &["제주시", "서귀포시"]);
            Request::new(class, Scope::City(city), dish_or_place(rng))
        }
        "recommend_regionless" => Request::new(class, Scope::Island, dish_or_place(rng)),
        "recommend_dish" => {
            let scope = ix.scope(rng, 1, 0, 0)?;
            Request::new(class, scope, Subject::Dish(dish(one(rng, &NEW_DISHES))))
        }
        "recommend_place" => {
            let scope = ix.scope(rng, 1, 0, 0)?;
            let all: Vec<&PlaceWords> = vocab().places.iter().collect();
            Request::new(class, scope, Subject::Place(one(rng, &all)))
        }
        _ => {
            let scope = ix.scope(rng, 1, 0, 0)?;
            Request::new(class, scope, dish_or_place(rng))
        }
    };
    let c = r.constraints();
    let pool = satisfying(&ix.stores, &c);
    if pool.len() < 3 {
        return None;
    }
    match class {
        "recommend_mood" => {
            let ok: Vec<Mood> = [Mood::Quiet, Mood::Lively]
                .into_iter()
                .filter(|m| truth_count(ix, &pool, |t| t.mood == *m) >= 2)
                .collect();
            r.mood = Some(*ok.choose(rng)?);
        }
        "recommend_view" => {
            let ok: Vec<View> = [View::Ocean, View::Mountain, View::Garden]
                .into_iter()
                .filter(|v| truth_count(ix, &pool, |t| t.view == *v) >= 2)
                .collect();
            r.view = Some(*ok.choose(rng)?);
        }
        "recommend_quality" => {
            if truth_count(ix, &pool, |t| t.quality >= HIGH_QUALITY) < 2 {
                return None;
            }
            r.quality = true;
        }
        "recommend_companion" => {
            r.companion = Some(draw_companion(ix, &pool, rng)?);
            match rng.random_range(0..4) {
                0 => r.age = draw_age(ix, &pool, rng),
                1 => r.time = draw_time(ix, &pool, rng),
                2 => r.price = draw_price(&pool),
                _ => {}
            }
        }
        "recommend_city" | "recommend_regionless" => {
            if chance(rng, 0.5) {
                add_extras(ix, &mut r, &pool, rng);
            }
        }
        _ => {
            if chance(rng, 0.4) {
                add_extras(ix, &mut r, &pool, rng);
            }
        }
    }
    let n = satisfying(&ix.stores, &r.constraints()).len();
    (n >= 3).then_some((r, n))
}

/// The pieces of a request's wording in one language.
#[derive(Debug, Default)]
struct Pieces {
    /// Adjectives before the noun (Korean: all modifiers; English: the short ones).
    adj: Vec<String>,
    /// English modifiers after the noun ("with an ocean view", "under 20,000 won per person").
    post: Vec<String>,
    target: String,
    /// English plural of the target.
    targets: String,
    who: String,
    when: String,
}

fn won_ko(p: u32, rng: &mut R) -> String {
    let (man, cheon) = (p / 10_000, (p % 10_000) / 1_000);
    match rng.random_range(0..3) {
        0 => format!("{}원", jeju_api::format::won(p)),
        1 if cheon == 0 => format!("{man}만 원"),
        _ => match (man, cheon) {
            (0, c) => format!("{c}천원"),
            (m, 0) => format!("{m}만원"),
            (m, c) => format!("{m}만{c}천원"),
        },
    }
}

fn ko_pieces(r: &Request, rng: &mut R) -> Pieces {
    let mut p = Pieces::default();
    if let Some(m) = r.mood {
        p.adj.push(
            match m {
                Mood::Quiet => one(
                    rng,
                    &["조용한", "한적한", "조용히 얘기하기 좋은", "분위기 차분한"],
                ),
                Mood::Lively => one(
                    rng,
                    &[
                        "활기찬",
                        "북적북적한",
                        "시끌벅적한 분위기의",
                        "분위기 신나는",
                    ],
                ),
            }
            .to_owned(),
        );
    }
    if let Some(v) = r.view {
        p.adj.push(
            match v {
                View::Ocean => one(
                    rng,
                    &["바다 뷰", "바다가 보이는", "오션뷰", "바다 전망 좋은"],
                ),
                View::Mountain => one(rng, &["한라산이 보이는", "산 뷰", "산이 보이는"]),
                View::Garden => one(rng, &["정원이 예쁜", "정원 뷰", "정원 있는"]),
                View::None => "",
            }
            .to_owned(),
        );
    }
    if r.quality {
        p.adj.push(
            one(
                rng,
                &[
                    "맛있기로 소문난",
                    "진짜 맛있는",
                    "제대로 잘하는",
                    "맛 하나는 보장되는",
                ],
            )
            .to_string(),
        );
    }
    if let Some(a) = r.age {
        let w = match a {
            AgeBand::Under20s => "20대",
            AgeBand::Thirties => "30대",
            AgeBand::Forties => "40대",
            AgeBand::Fifties => "50대",
            AgeBand::SixtyPlus => "60대 이상",
        };
        p.adj.push(match rng.random_range(0..2) {
            0 => format!("{} 많이 찾는", ga(w)),
            _ => format!("{w}한테 인기 있는"),
        });
    }
    if let Some(price) = r.price {
        let won = won_ko(price, rng);
        let per = one(rng, &["1인", "인당", "한 사람당"]);
        p.adj.push(match rng.random_range(0..3) {
            0 => format!("{per} {won} 이하인"),
            1 => format!("{per} {won} 안쪽인"),
            _ => format!("{per} {won} 넘지 않는"),
        });
    }
    p.target = match r.subject {
        Subject::Place(pl) => one(rng, &ko_place_words(pl)).to_string(),
        Subject::Dish(d) => ko_dish_target(d, rng),
        Subject::All => "맛집".into(),
    };
    if let Some(c) = r.companion {
        p.who = match c {
            Companion::Parents => one(
                rng,
                &[
                    "부모님 모시고",
                    "부모님이랑",
                    "엄마 아빠랑",
                    "어머니 모시고",
                ],
            ),
            Companion::Kids => one(
                rng,
                &["아이랑", "애들 데리고", "아이 동반으로", "초등학생 아이랑"],
            ),
            Companion::Couple => one(
                rng,
                &[
                    "여자친구랑",
                    "남자친구랑",
                    "애인이랑",
                    "와이프랑",
                    "남편이랑",
                ],
            ),
            Companion::Friends => one(rng, &["친구들이랑", "친구랑 둘이", "친구들끼리"]),
            Companion::Solo => one(rng, &["혼자", "혼자서", "혼밥하러"]),
            Companion::Group => one(
                rng,
                &["회사 사람들이랑", "단체로", "동호회 사람들이랑 여럿이"],
            ),
        }
        .to_owned();
    }
    if let Some(t) = r.time {
        p.when = match t {
            TimeOfDay::Morning => one(rng, &["아침에", "아침 일찍", "아침 식사로"]),
            TimeOfDay::Lunch => one(rng, &["점심에", "점심 먹으러", "점심시간에"]),
            TimeOfDay::Afternoon => one(rng, &["오후에", "오후 느지막이", "오후 3시쯤"]),
            TimeOfDay::Dinner => one(rng, &["저녁에", "저녁 먹으러", "저녁 식사로"]),
            TimeOfDay::Late => one(rng, &["밤늦게", "야식으로", "밤 11시 넘어서"]),
        }
        .to_owned();
    }
    p
}

fn ko_dish_target(d: &DishMeaning, rng: &mut R) -> String {
    let name = d.name.as_str();
    let drink = matches!(name, "커피" | "맥주");
    let mut v = vec![
        format!("{name} 맛집"),
        format!("{name} 잘하는 집"),
        format!("{name} 맛있는 곳"),
        if drink {
            format!("{name} 마시기 좋은 데")
        } else {
            format!("{name} 먹을 만한 데")
        },
    ];
    let house = match name {
        "회" => Some("횟집"),
        "초밥" => Some("초밥집"),
        "라멘" => Some("라멘집"),
        "국수" => Some("국숫집"),
        "고기국수" => Some("고기국수집"),
        "해장국" => Some("해장국집"),
        "돈까스" => Some("돈까스집"),
        _ => None,
    };
    if let Some(h) = house {
        v.push(h.to_owned());
        v.push(h.to_owned());
    }
    one_of(rng, &v).clone()
}

fn en_pieces(r: &Request, rng: &mut R) -> Option<Pieces> {
    let mut p = Pieces::default();
    if let Some(m) = r.mood {
        p.adj.push(
            match m {
                Mood::Quiet => one(rng, &["quiet", "calm", "peaceful"]),
                Mood::Lively => one(rng, &["lively", "buzzy", "bustling"]),
            }
            .to_owned(),
        );
    }
    if let Some(v) = r.view {
        let (pre, post): (&[&str], &[&str]) = match v {
            View::Ocean => (
                &["ocean-view", "sea-view"],
                &["with an ocean view", "where you can see the sea"],
            ),
            View::Mountain => (
                &["mountain-view"],
                &["with a view of Hallasan", "with mountain views"],
            ),
            View::Garden => (
                &["garden-view"],
                &["with a nice garden", "with a garden view"],
            ),
            View::None => (&[], &[]),
        };
        if chance(rng, 0.4) {
            p.adj.push(one(rng, pre).to_string());
        } else {
            p.post.push(one(rng, post).to_string());
        }
    }
    if r.quality {
        if chance(rng, 0.6) {
            p.adj
                .push(one(rng, &["really good", "seriously good", "excellent"]).to_string());
        } else {
            p.post.push(
                one(
                    rng,
                    &["that's known for great food", "famous for being delicious"],
                )
                .to_string(),
            );
        }
    }
    if let Some(a) = r.age {
        let w = match a {
            AgeBand::Under20s => "people in their 20s or younger",
            AgeBand::Thirties => "people in their 30s",
            AgeBand::Forties => "people in their 40s",
            AgeBand::Fifties => "people in their 50s",
            AgeBand::SixtyPlus => "people over 60",
        };
        p.post.push(match rng.random_range(0..2) {
            0 => format!("popular with {w}"),
            _ => format!("that {w} like"),
        });
    }
    if let Some(price) = r.price {
        let n = jeju_api::format::won(price);
        p.post.push(match rng.random_range(0..3) {
            0 => format!("under {n} won per person"),
            1 => format!("for {n} won or less a head"),
            _ => format!("that costs at most ₩{n} each"),
        });
    }
    let (one_, many) = match r.subject {
        Subject::Place(pl) => {
            let words = en_place_words(pl);
            let w = words.choose(rng)?.clone();
            (w.clone(), plural(&w))
        }
        Subject::Dish(d) => {
            let e = en_dish(d, rng);
            match rng.random_range(0..3) {
                0 => (format!("{e} place"), format!("{e} places")),
                1 => (format!("spot for {e}"), format!("spots for {e}")),
                _ => (
                    format!("place that serves {e}"),
                    format!("places that serve {e}"),
                ),
            }
        }
        Subject::All => ("restaurant".into(), "restaurants".into()),
    };
    p.target = one_;
    p.targets = many;
    if let Some(c) = r.companion {
        p.who = match c {
            Companion::Parents => one(
                rng,
                &[
                    "with my parents",
                    "with mom and dad",
                    "with my elderly parents",
                ],
            ),
            Companion::Kids => one(
                rng,
                &[
                    "with my kids",
                    "with two young children",
                    "with the little ones",
                ],
            ),
            Companion::Couple => one(
                rng,
                &[
                    "with my girlfriend",
                    "with my husband",
                    "with my wife",
                    "with my partner",
                ],
            ),
            Companion::Friends => one(
                rng,
                &[
                    "with friends",
                    "with a couple of friends",
                    "with my buddies",
                ],
            ),
            Companion::Solo => one(rng, &["alone", "by myself", "solo"]),
            Companion::Group => one(
                rng,
                &["with a big group", "with coworkers", "for a team dinner"],
            ),
        }
        .to_owned();
    }
    if let Some(t) = r.time {
        p.when = match t {
            TimeOfDay::Morning => one(rng, &["for breakfast", "early in the morning"]),
            TimeOfDay::Lunch => one(rng, &["for lunch", "around noon", "at lunchtime"]),
            TimeOfDay::Afternoon => one(rng, &["in the afternoon", "around 3 pm", "mid-afternoon"]),
            TimeOfDay::Dinner => one(rng, &["for dinner", "in the evening", "around 7 pm"]),
            TimeOfDay::Late => one(
                rng,
                &["late at night", "after 11 pm", "for a late-night bite"],
            ),
        }
        .to_owned();
    }
    Some(p)
}

fn question_ko(r: &Request, rng: &mut R) -> String {
    let p = ko_pieces(r, rng);
    let w = ko_where(r.scope, rng, true);
    let adj = p.adj.join(" ");
    let t = &p.target;
    let who_when = format!("{} {}", p.who, p.when).trim().to_owned();
    let go = if who_when.is_empty() {
        String::new()
    } else {
        format!("{who_when} 가기 좋은")
    };
    let pre = w.pre.clone();
    let text = match rng.random_range(0..8) {
        // 반말
        0 => format!("{who_when} {pre} {adj} {t} 추천해줘"),
        // 해요체
        1 if go.is_empty() => format!("{} 괜찮은 {adj} {t} 있을까요?", w.e),
        1 => format!("{} {go} {adj} {t} 있을까요?", w.at),
        // 하십시오체
        2 => {
            let tail = if who_when.is_empty() {
                String::new()
            } else {
                format!("{who_when} 방문할 예정입니다.")
            };
            let side = if pre.is_empty() {
                String::new()
            } else {
                format!("{pre} 쪽에서")
            };
            format!(
                "{side} {adj} {} 찾고 있습니다. {tail} 추천 부탁드립니다.",
                eul(t)
            )
        }
        // 반말, casual
        3 => {
            let here = if pre.is_empty() {
                "제주".to_owned()
            } else {
                pre.clone()
            };
            let go_ = if who_when.is_empty() {
                String::new()
            } else {
                format!("{who_when} 갈")
            };
            format!("{here} 왔는데 {go_} {adj} {t} 어디 없어?")
        }
        // 해요체, place second
        4 => {
            let tail = if who_when.is_empty() {
                String::new()
            } else {
                format!("{who_when} 가요.")
            };
            let at = if w.at.is_empty() {
                String::new()
            } else {
                w.at.clone()
            };
            format!("{adj} {t} 가고 싶은데 {at} 어디가 좋아요? {tail}")
        }
        // 반말, terse
        5 => {
            let tail = if who_when.is_empty() {
                String::new()
            } else {
                format!("{who_when} 갈 거야.")
            };
            format!("{pre} {adj} {t} 좀 알려줘. {tail}")
        }
        // 해요체, question
        6 => format!("{who_when} {} {adj} {t} 추천해 주실래요?", w.at),
        // 존댓말
        _ => format!("{go} {pre} {adj} {t} 추천 부탁드려요"),
    };
    tidy(&text)
}

fn question_en(r: &Request, rng: &mut R) -> Option<String> {
    let p = en_pieces(r, rng)?;
    let e = en_where(r.scope, rng);
    let np = format!("{} {}", p.adj.join(" "), p.target)
        .trim()
        .to_owned();
    let nps = format!("{} {}", p.adj.join(" "), p.targets)
        .trim()
        .to_owned();
    let post = p.post.join(", ");
    let who_when = format!("{} {}", p.who, p.when).trim().to_owned();
    let going = |lead: &str| {
        if who_when.is_empty() {
            String::new()
        } else {
            format!("{lead} {who_when}.")
        }
    };
    let text = match rng.random_range(0..7) {
        0 => format!(
            "Can you recommend {} {} {}? {}",
            a(&np),
            post,
            e.inn,
            going("I'm going")
        ),
        1 => {
            let tail = if who_when.is_empty() {
                String::new()
            } else {
                format!("(going {who_when})")
            };
            format!("any {nps} {} {post}? {tail}", e.inn)
        }
        2 => format!("Looking for {} {} {post} {who_when}", a(&np), e.inn),
        3 => format!("Where's a good {np} {post} {}? {}", e.inn, going("Going")),
        4 => {
            let at = if matches!(r.scope, Scope::Island) {
                "on Jeju Island".to_owned()
            } else {
                format!("in {}", e.name)
            };
            format!("I'm {at} and want {} {post} {who_when}. Any ideas?", a(&np))
        }
        5 => format!("Please suggest {} {} {post} {who_when}.", a(&np), e.inn),
        _ => format!("what's {} {} {post}? {who_when}", a(&np), e.inn),
    };
    Some(tidy(&text).replace(" ,", ","))
}

fn recommend_requests(ix: &Index, rng: &mut R) -> Vec<(Request, usize)> {
    let mut out = Vec::new();
    for class in RECOMMEND_CLASSES {
        let mut seen = BTreeSet::new();
        let mut kept = 0;
        for _ in 0..DRAWS_PER_CLASS / 3 {
            if kept >= DRAFTS_PER_CLASS {
                break;
            }
            if let Some((r, n)) = draw_request(ix, class, rng) {
                let key = serde_json::to_string(&r.constraints()).unwrap_or_default();
                if seen.insert(key) {
                    kept += 1;
                    out.push((r, n));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Conversations

fn turn(question: String, class: &str, c: CaseConstraints, expect: Expect) -> Turn {
    Turn {
        class: Some(class.to_owned()),
        ..Turn::recommend(question, c, expect)
    }
}

/// Dishes a swap moves between: meals to meals, sweets and coffee to each other.
const SWAP_GROUPS: [&[&str]; 2] = [
    &[
        "흑돼지",
        "돼지고기",
        "해산물",
        "회",
        "초밥",
        "라멘",
        "짬뽕",
        "갈치",
        "고등어",
        "전복",
        "한치",
        "옥돔",
        "성게",
        "보말",
        "고기국수",
        "국수",
        "해장국",
        "몸국",
        "돈까스",
        "치킨",
        "피자",
        "파스타",
        "만두",
        "햄버거",
        "스테이크",
    ],
    &["빵", "디저트", "커피"],
];

/// What the second turn of a conversation asks.
#[derive(Debug, Clone)]
enum Followup {
    Cheaper,
    Near {
        place: &'static PlaceWords,
        pick: usize,
    },
    Swap {
        from: &'static DishMeaning,
        to: &'static DishMeaning,
        constraints: CaseConstraints,
    },
    Narrow {
        constraints: CaseConstraints,
        what: &'static str,
    },
}

/// A conversation before wording: its first request and its follow-up.
#[derive(Debug, Clone)]
struct Conversation {
    class: &'static str,
    first: Request,
    pool: usize,
    second: Followup,
}

/// Draws a conversation of a class (structure only: the wording is drawn when its language
/// is known).
fn conversation(ix: &Index, class: &'static str, rng: &mut R) -> Option<Conversation> {
    let scope = ix.scope(rng, 1, 0, 0)?;
    let Scope::Region(region) = scope else {
        return None;
    };
    let first_class = one(
        rng,
        &["recommend_dish", "recommend_place", "recommend_companion"],
    );
    let subject = match first_class {
        "recommend_place" => {
            let meals: Vec<&PlaceWords> = places()
                .into_iter()
                .filter(|p| !p.types.iter().any(|t| t == "커피" || t == "차"))
                .collect();
            Subject::Place(one(rng, &meals))
        }
        _ => Subject::Dish(dish(one(rng, &REQUEST_DISHES))),
    };
    let mut first = Request::new(first_class, scope, subject);
    if first_class == "recommend_companion" {
        let pool0 = satisfying(&ix.stores, &first.constraints());
        first.companion = Some(draw_companion(ix, &pool0, rng)?);
    }
    let c1 = first.constraints();
    let pool = satisfying(&ix.stores, &c1);
    if pool.len() < 3 {
        return None;
    }
    let second = match class {
        "followup_cheaper" => {
            let prices: BTreeSet<i64> = pool.iter().filter_map(|s| s.price_per_person).collect();
            if pool.len() < ix.scaled(8, 4) || prices.len() < ix.scaled(4, 3) {
                return None;
            }
            Followup::Cheaper
        }
        "followup_near" => {
            let options: Vec<&PlaceWords> = places()
                .into_iter()
                .filter(|p| {
                    ["커피", "맥주/요리주점", "베이커리", "아이스크림/빙수"]
                        .iter()
                        .any(|t| p.types.iter().any(|x| x == t))
                })
                .filter(|p| !matches!(subject, Subject::Place(s) if s.words == p.words))
                .collect();
            let place = *options.choose(rng)?;
            let nearby = ix
                .stores
                .iter()
                .filter(|s| {
                    s.region.as_deref() == Some(region.name.as_str())
                        && place.types.contains(&s.store_type)
                })
                .count();
            if nearby < ix.scaled(10, 2) {
                return None;
            }
            Followup::Near {
                place,
                pick: rng.random_range(1..=3usize),
            }
        }
        "followup_swap" => {
            let Subject::Dish(from) = subject else {
                return None;
            };
            let group = SWAP_GROUPS
                .iter()
                .find(|g| g.contains(&from.name.as_str()))?;
            let others: Vec<&str> = group.iter().copied().filter(|d| *d != from.name).collect();
            let to = dish(one(rng, &others));
            let mut c2 = c1.clone();
            c2.dish = Some(DishAsk::Word(to.name.clone()));
            if satisfying(&ix.stores, &c2).len() < 5 {
                return None;
            }
            Followup::Swap {
                from,
                to,
                constraints: c2,
            }
        }
        _ => {
            // followup_narrow: a soft ask the truth supports within the first turn's pool.
            let mut options: Vec<(CaseConstraints, &'static str)> = Vec::new();
            if c1.companion.is_none() {
                for (comp, what) in [
                    (Companion::Kids, "kids"),
                    (Companion::Parents, "parents"),
                    (Companion::Couple, "couple"),
                ] {
                    if truth_count(ix, &pool, |t| t.good_for.contains(&comp)) >= 2 {
                        let c = CaseConstraints {
                            companion: Some(comp),
                            ..c1.clone()
                        };
                        options.push((c, what));
                    }
                }
            }
            if truth_count(ix, &pool, |t| t.mood == Mood::Quiet) >= 2 {
                let c = CaseConstraints {
                    mood: Some(Mood::Quiet),
                    ..c1.clone()
                };
                options.push((c, "quiet"));
            }
            if truth_count(ix, &pool, |t| t.view == View::Ocean) >= 2 {
                let c = CaseConstraints {
                    view: Some(View::Ocean),
                    ..c1.clone()
                };
                options.push((c, "ocean"));
            }
            let (constraints, what) = options.choose(rng)?.clone();
            Followup::Narrow { constraints, what }
        }
    };
    Some(Conversation {
        class,
        first,
        pool: pool.len(),
        second,
    })
}

/// The second turn's words.
fn followup_question(f: &Followup, en: bool, rng: &mut R) -> Option<String> {
    Some(match f {
        Followup::Cheaper => if en {
            one(
                rng,
                &[
                    "Anything cheaper?",
                    "Those look a bit pricey, any cheaper options?",
                    "Can you find something more budget-friendly?",
                    "cheaper ones?",
                    "Is there a less expensive place?",
                ],
            )
        } else {
            one(
                rng,
                &[
                    "더 싼 데 없어?",
                    "좀 더 저렴한 곳은요?",
                    "가격이 좀 부담되네요. 더 싼 데 있을까요?",
                    "음 비싸다… 더 저렴한 데로 다시 추천해줘",
                    "예산이 빠듯해서 그런데 좀 더 싼 곳 있나요?",
                ],
            )
        }
        .to_owned(),
        Followup::Near { place, pick } => {
            let n = *pick;
            if en {
                let w = en_place_words(place).choose(rng)?.clone();
                let ord = ["first", "second", "third"][n - 1];
                match rng.random_range(0..4) {
                    0 => format!("Any {w} near #{n}?"),
                    1 => format!("What about {} close to the {ord} one?", a(&w)),
                    2 => format!("Is there {} within walking distance of number {n}?", a(&w)),
                    _ => format!("After eating at #{n}, where's a nearby {w}?"),
                }
            } else {
                let w = ko_place_words(place).choose(rng)?.to_string();
                let ord = ["첫 번째", "두 번째", "세 번째"][n - 1];
                match rng.random_range(0..4) {
                    0 => format!("{n}번 근처에 {w}도 있어?"),
                    1 => format!("{n}번 가게 근처 {w} 추천해줘"),
                    2 => format!("{ord} 집 주변에 갈 만한 {}?", eun(&w)),
                    _ => format!("{n}번 식당에서 먹고 나서 근처에서 갈 {w} 있을까요?"),
                }
            }
        }
        Followup::Swap { from, to, .. } => {
            if en {
                let (a_, b_) = (en_dish(from, rng), en_dish(to, rng));
                match rng.random_range(0..4) {
                    0 => format!("not {a_}, {b_} instead"),
                    1 => format!("Actually, can we do {b_} instead of {a_}?"),
                    2 => format!("Hmm, I'd rather have {b_}. Any {b_} places?"),
                    _ => format!("Switch to {b_}, please"),
                }
            } else {
                let (a_, b_) = (&from.name, &to.name);
                match rng.random_range(0..4) {
                    0 => format!("{a_} 말고 {} 추천해줘", ro(b_)),
                    1 => format!("음 {} 별로고 {} 어때?", eun(a_), eun(b_)),
                    2 => format!("{} 바꿔 주세요", ro(b_)),
                    _ => format!("생각해보니 {} 땡기네. {b_} 하는 데로 다시 알려줘", ga(b_)),
                }
            }
        }
        Followup::Narrow { what, .. } => if en {
            match *what {
                "kids" => one(
                    rng,
                    &[
                        "Which of those are good for kids?",
                        "Out of those, which is best with children?",
                    ],
                ),
                "parents" => one(
                    rng,
                    &[
                        "Which of those would suit my parents?",
                        "Of these, which one is good for older parents?",
                    ],
                ),
                "couple" => one(
                    rng,
                    &[
                        "Which of these is best for a date?",
                        "Any of those good for a romantic dinner?",
                    ],
                ),
                "quiet" => one(
                    rng,
                    &[
                        "Which of them is quiet?",
                        "Any of those on the quieter side?",
                    ],
                ),
                _ => one(
                    rng,
                    &[
                        "Do any of those have an ocean view?",
                        "Which of those has a sea view?",
                    ],
                ),
            }
        } else {
            match *what {
                "kids" => one(
                    rng,
                    &[
                        "그중에 아이랑 가기 좋은 곳은?",
                        "거기서 애들 데리고 가기 괜찮은 데만 골라줘",
                        "그 중 아이 동반하기 편한 곳은 어디예요?",
                    ],
                ),
                "parents" => one(
                    rng,
                    &[
                        "그중 부모님 모시고 가기 좋은 데는?",
                        "이 중에 어르신들 모시기 좋은 곳 있나요?",
                    ],
                ),
                "couple" => one(
                    rng,
                    &[
                        "그중에 데이트하기 좋은 곳은?",
                        "그 가운데 커플끼리 가기 좋은 데 골라줘",
                    ],
                ),
                "quiet" => one(rng, &["그중 조용한 곳은?", "그 중에 조용한 데만 추려줘"]),
                _ => one(
                    rng,
                    &[
                        "그중 바다 보이는 곳 있어?",
                        "그 중에 오션뷰인 곳만 알려주세요",
                    ],
                ),
            }
        }
        .to_owned(),
    })
}

/// A conversation in one language.
fn render_conversation(c: &Conversation, en: bool, rng: &mut R) -> Option<Case> {
    let c1 = c.first.constraints();
    let q1 = if en {
        question_en(&c.first, rng)?
    } else {
        question_ko(&c.first, rng)
    };
    let t1 = turn(q1, c.first.class, c1.clone(), Expect::default());
    let q2 = followup_question(&c.second, en, rng)?;
    let (c2, expect) = match &c.second {
        Followup::Cheaper => (
            c1,
            Expect {
                cheaper: true,
                new_picks: true,
                ..Expect::default()
            },
        ),
        Followup::Near { place, pick } => (
            CaseConstraints {
                store_types: place.types.clone(),
                ..CaseConstraints::default()
            },
            Expect {
                near_pick: Some(*pick),
                within_m: Some(DEFAULT_NEAR_M),
                new_picks: true,
                ..Expect::default()
            },
        ),
        Followup::Swap { constraints, .. } => (
            constraints.clone(),
            Expect {
                new_picks: true,
                ..Expect::default()
            },
        ),
        Followup::Narrow { constraints, .. } => (
            constraints.clone(),
            Expect {
                among_previous: true,
                ..Expect::default()
            },
        ),
    };
    let t2 = turn(q2, c.class, c2, expect);
    Some(Case {
        class: Some(c.class.to_owned()),
        note: Some(format!("{} stores meet turn 1's hard constraints", c.pool)),
        ..Case::conversation(String::new(), if en { "en" } else { "ko" }, vec![t1, t2])
    })
}

fn conversations(ix: &Index, rng: &mut R, quota: usize, prefix: &str) -> Vec<Case> {
    let mut drafts: Vec<Conversation> = Vec::new();
    for class in FOLLOWUP_CLASSES {
        let mut kept = 0;
        let mut seen = BTreeSet::new();
        for _ in 0..DRAWS_PER_CLASS / 3 {
            if kept >= 12 {
                break;
            }
            if let Some(c) = conversation(ix, class, rng) {
                let key = format!("{:?}|{:?}", c.first.constraints(), c.second);
                if seen.insert(key) {
                    kept += 1;
                    drafts.push(c);
                }
            }
        }
    }
    let picked = pick_round_robin(drafts, |d| d.class, quota, rng);
    let langs = languages(picked.len(), rng);
    picked
        .iter()
        .zip(langs)
        .filter_map(|(c, en)| {
            render_conversation(c, en, rng).or_else(|| render_conversation(c, false, rng))
        })
        .enumerate()
        .map(|(i, mut c)| {
            c.id = format!("{prefix}-m-{:03}", i + 1);
            c
        })
        .collect()
}

// ---------------------------------------------------------------------------------------

/// `n` languages, [`EN_SHARE`] of them English, shuffled.
fn languages(n: usize, rng: &mut R) -> Vec<bool> {
    let en = (n as f64 * EN_SHARE).round() as usize;
    let mut v: Vec<bool> = (0..n).map(|i| i < en).collect();
    v.shuffle(rng);
    v
}

/// Generates the held-out sets.
pub fn generate(snap: &Snapshot, truth: &TruthTable, opts: &GenerateOptions) -> CaseSets {
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let ix = Index::new(snap, truth);
    let drafts = search_drafts(&ix, &mut rng);
    let picked = pick_round_robin(drafts, |d| d.class, opts.search, &mut rng);
    let langs = languages(picked.len(), &mut rng);
    let search = picked
        .into_iter()
        .zip(langs)
        .enumerate()
        .map(|(i, (d, en))| {
            (
                Case {
                    gold_cypher: Some(d.gold),
                    class: Some(d.class.to_owned()),
                    note: d.note,
                    ..Case::one_question(
                        format!("{}-s-{:03}", opts.prefix, i + 1),
                        CaseKind::Search,
                        if en { "en" } else { "ko" },
                        if en { d.en } else { d.ko },
                    )
                },
                d.answer,
            )
        })
        .collect();
    let requests = recommend_requests(&ix, &mut rng);
    let picked = pick_round_robin(requests, |(r, _)| r.class, opts.recommend, &mut rng);
    let langs = languages(picked.len(), &mut rng);
    let recommend = picked
        .into_iter()
        .zip(langs)
        .enumerate()
        .map(|(i, ((r, n), en))| {
            let en_q = if en { question_en(&r, &mut rng) } else { None };
            let (lang, question) = match en_q {
                Some(q) => ("en", q),
                None => ("ko", question_ko(&r, &mut rng)),
            };
            Case {
                constraints: Some(r.constraints()),
                class: Some(r.class.to_owned()),
                note: Some(format!("{n} stores meet the hard constraints")),
                ..Case::one_question(
                    format!("{}-r-{:03}", opts.prefix, i + 1),
                    CaseKind::Recommend,
                    lang,
                    question,
                )
            }
        })
        .collect();
    let multi_turn = conversations(&ix, &mut rng, opts.multi_turn, &opts.prefix);
    CaseSets {
        search,
        recommend,
        multi_turn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dish_and_place_word_is_the_vocabularys() {
        for d in REQUEST_DISHES
            .iter()
            .chain(NEW_DISHES.iter())
            .chain(SWAP_GROUPS.iter().flat_map(|g| g.iter()))
        {
            assert!(vocab().dish(d).is_some(), "{d} is not in eval/vocab.toml");
        }
        for d in SWAP_GROUPS.iter().flat_map(|g| g.iter()) {
            assert!(REQUEST_DISHES.contains(d), "{d}");
        }
        assert!(places().len() >= 10);
        for p in places() {
            for w in ko_place_words(p) {
                assert_eq!(vocab().place_types(w), Some(p.types.as_slice()), "{w}");
            }
            for w in en_place_words(p) {
                assert_eq!(vocab().place_types(&w), Some(p.types.as_slice()), "{w}");
            }
        }
    }

    #[test]
    fn korean_particles_follow_the_last_syllable() {
        assert_eq!(eun("카페"), "카페는");
        assert_eq!(eun("중국집"), "중국집은");
        assert_eq!(ga("라멘"), "라멘이");
        assert_eq!(eul("빵집"), "빵집을");
        assert_eq!(gwa("성산일출봉"), "성산일출봉과");
        assert_eq!(gwa("우도"), "우도와");
        assert_eq!(ro("회"), "회로");
        assert_eq!(ro("짬뽕"), "짬뽕으로");
        assert_eq!(ro("국물"), "국물로");
    }

    #[test]
    fn english_articles_and_plurals() {
        assert_eq!(a("ocean-view cafe"), "an ocean-view cafe");
        assert_eq!(a("quiet bar"), "a quiet bar");
        assert_eq!(plural("bakery"), "bakeries");
        assert_eq!(plural("coffee shop"), "coffee shops");
        assert_eq!(plural("Korean restaurant"), "Korean restaurants");
        assert_eq!(plural("tea house"), "tea houses");
        assert_eq!(plural("buffet"), "buffets");
    }

    #[test]
    fn region_words_resolve_to_their_region() {
        let ildo = gazetteer::region("일도일동").unwrap();
        assert_eq!(numbered_dong(ildo).as_deref(), Some("일도1동"));
        assert_eq!(
            numbered_dong(gazetteer::region("오라이동").unwrap()).as_deref(),
            Some("오라2동")
        );
        assert_eq!(numbered_dong(gazetteer::region("연동").unwrap()), None);
        assert_eq!(ko_short(ildo), None, "일도일 is not how people write it");
        assert_eq!(
            ko_short(gazetteer::region("애월읍").unwrap()).as_deref(),
            Some("애월")
        );
        let mut rng = R::seed_from_u64(1);
        for r in gazetteer::regions() {
            for _ in 0..8 {
                let ko = ko_region(r, &mut rng);
                let name = ko.rsplit(' ').next().unwrap();
                let numbered = numbered_dong(r).is_some_and(|n| n == name);
                assert!(
                    numbered || gazetteer::resolve_region(name).map(|x| &x.name) == Some(&r.name),
                    "{ko} for {}",
                    r.name
                );
                let en = en_region(r, &mut rng);
                assert_eq!(
                    gazetteer::resolve_region(&en).map(|x| &x.name),
                    Some(&r.name),
                    "{en}"
                );
            }
        }
    }

    fn store(id: &str, region: &str, ty: &str, price: i64, local: f64, menu: &[&str]) -> StoreFact {
        StoreFact {
            id: id.into(),
            name: format!("가게{id}"),
            city: Some("제주시".into()),
            region: Some(region.into()),
            store_type: ty.into(),
            menu_names: menu.iter().map(|m| (*m).to_owned()).collect(),
            price_per_person: Some(price),
            rating: Some(4.0 + price as f64 / 100_000.0),
            review_count: Some(price / 1_000),
            lat: Some(33.46),
            lng: Some(126.33),
            ratios: [
                ("local_ratio".to_owned(), local),
                ("sun_ratio".to_owned(), local / 2.0),
            ]
            .into_iter()
            .collect(),
        }
    }

    /// Every drafted search answer agrees with a recomputation from the same facts by the
    /// draft's own rule (the graph half of the check is `eval/tests/heldout.rs`).
    #[test]
    fn search_drafts_on_small_facts_have_consistent_answers() {
        let stores = vec![
            store(
                "a",
                "애월읍",
                "커피",
                6_000,
                0.2,
                &["아메리카노", "고등어회"],
            ),
            store("b", "애월읍", "커피", 7_000, 0.5, &["카페라떼"]),
            store("c", "애월읍", "커피", 8_000, 0.4, &["모둠회"]),
            store("d", "애월읍", "중식", 9_000, 0.7, &["짬뽕", "짜장면"]),
            store("e", "애월읍", "중식", 11_000, 0.1, &["삼선짬뽕"]),
        ];
        let snap = Snapshot {
            stores: stores.into_iter().map(|s| (s.id.clone(), s)).collect(),
            busiest: Vec::new(),
            months: ["a", "b", "c", "d", "e"]
                .iter()
                .enumerate()
                .map(|(i, id)| MonthFact {
                    id: (*id).into(),
                    ym: 202307,
                    cnt_rank: Some(1 + (i as i64 % 2)),
                    amt_rank: Some(1),
                    ratios: [("female_ratio".to_owned(), 0.1 * i as f64)]
                        .into_iter()
                        .collect(),
                })
                .collect(),
            visit_keywords: vec![
                crate::facts::EdgeFact {
                    id: "a".into(),
                    name: "혼자".into(),
                    value: 5,
                },
                crate::facts::EdgeFact {
                    id: "b".into(),
                    name: "혼자".into(),
                    value: 2,
                },
            ],
            near: vec![
                crate::facts::EdgeFact {
                    id: "a".into(),
                    name: "곽지해수욕장".into(),
                    value: 300,
                },
                crate::facts::EdgeFact {
                    id: "b".into(),
                    name: "곽지해수욕장".into(),
                    value: 200,
                },
            ],
        };
        let truth = TruthTable::default();
        let ix = Index::new(&snap, &truth);
        let mut rng = R::seed_from_u64(3);
        let drafts = search_drafts(&ix, &mut rng);
        let got: BTreeSet<&str> = drafts.iter().map(|d| d.class).collect();
        for class in [
            "search_keyword",
            "search_cheapest",
            "search_count_dish",
            "search_near",
        ] {
            assert!(got.contains(class), "no {class}: {got:?}");
        }
        for d in &drafts {
            assert!(!d.ko.is_empty() && !d.en.is_empty());
            match (d.class, &d.answer) {
                ("search_keyword", GoldAnswer::Ids { ids, .. }) => {
                    assert!(d.gold.contains("VisitKeyword {name: '혼자'}"));
                    assert_eq!(ids[0], "a");
                }
                ("search_near", GoldAnswer::Ids { ids, .. }) => {
                    assert!(d.gold.contains("ORDER BY n.distance_m ASC"));
                    assert_eq!(ids[0], "b");
                }
                ("search_count_dish", GoldAnswer::Count { count }) => {
                    // 짬뽕: d, e; 회 (고등어회, 모둠회): a, c.
                    assert_eq!(*count, 2, "{}", d.gold);
                }
                ("search_sales_vs_visits", GoldAnswer::Count { count }) => {
                    // a, c, e: cnt_rank 1; b, d: cnt_rank 2; amt_rank 1 everywhere.
                    assert!(*count >= 1 && *count <= 2, "{}: {count}", d.gold);
                }
                ("search_tourist", GoldAnswer::Ids { ids, .. })
                    if d.gold.contains("s.type = '중식'") =>
                {
                    assert_eq!(ids[0], "e", "{}", d.gold);
                }
                _ => {}
            }
        }
    }

    #[test]
    fn the_language_split_is_45_percent_english() {
        let mut rng = R::seed_from_u64(9);
        let l = languages(100, &mut rng);
        assert_eq!(l.iter().filter(|e| **e).count(), 45);
    }
}
