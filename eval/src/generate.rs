//! Case sets generated from the data in the graph (which holds a synthetic data set) and its
//! truth file. Search gold queries are written by templates here, never by the pipeline;
//! each gold answer is computed twice (in Rust from the store facts, and by running the gold
//! query) and the two must agree. Only unambiguous questions are kept: a non-empty answer,
//! and no tie at the top-k cut.

use std::collections::{BTreeMap, BTreeSet};

use jeju_data::gazetteer::{self, Region};
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
use jeju_graph::GraphClient;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::case::{Case, CaseConstraints, CaseKind, Expect, Turn};
use crate::check::{self, GoldAnswer, MIN_TIME_SHARE};
use crate::error::EvalError;
use crate::facts::{self, EdgeFact, MonthFact, StoreFact, TruthTable};

/// Which question templates a set is written from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Templates {
    /// The tuning templates (`full`, `smoke`): wording the deterministic parser reads.
    Tuning,
    /// The held-out templates (`crate::heldout`): wording written the way people ask, never
    /// checked against the parser; its results are reported, never used to change code.
    Heldout,
}

/// How many cases of each kind, and the id prefix.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// `full`, `smoke`, …: case ids are `<prefix>-s-001` etc.
    pub prefix: String,
    pub search: usize,
    pub recommend: usize,
    pub multi_turn: usize,
    pub seed: u64,
    pub templates: Templates,
}

impl GenerateOptions {
    /// The full sets (≥ 80 search, ≥ 80 recommend, ≥ 10 multi-turn).
    pub fn full() -> GenerateOptions {
        GenerateOptions {
            prefix: "full".into(),
            search: 100,
            recommend: 100,
            multi_turn: 16,
            seed: 42,
            templates: Templates::Tuning,
        }
    }

    /// The CI smoke set (≈ 10 cases).
    pub fn smoke() -> GenerateOptions {
        GenerateOptions {
            prefix: "smoke".into(),
            search: 4,
            recommend: 4,
            multi_turn: 2,
            seed: 21,
            templates: Templates::Tuning,
        }
    }

    /// The held-out set (≈ 100 search, 100 recommend, 20 multi-turn), generated from another
    /// data seed than the tuning set, with its own templates and selection seed.
    pub fn heldout() -> GenerateOptions {
        GenerateOptions {
            prefix: "heldout".into(),
            search: 100,
            recommend: 100,
            multi_turn: 20,
            seed: 1_729,
            templates: Templates::Heldout,
        }
    }
}

/// Generated sets; search cases with the answer the generator computed.
#[derive(Debug, Clone, Default)]
pub struct CaseSets {
    pub search: Vec<(Case, GoldAnswer)>,
    pub recommend: Vec<Case>,
    pub multi_turn: Vec<Case>,
}

impl CaseSets {
    pub fn all(&self) -> Vec<Case> {
        self.search
            .iter()
            .map(|(c, _)| c.clone())
            .chain(self.recommend.iter().cloned())
            .chain(self.multi_turn.iter().cloned())
            .collect()
    }
}

/// What the generator reads from the graph.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub stores: BTreeMap<String, StoreFact>,
    /// (store id, month `YYYYMM`) where the store was in the busiest bucket (`cnt_rank` 1).
    pub busiest: Vec<(String, i64)>,
    /// Every `USE` edge (read for the held-out templates only).
    pub months: Vec<MonthFact>,
    /// Every `HAS_VISIT_KEYWORD {count}` edge of a store (held-out templates only).
    pub visit_keywords: Vec<EdgeFact>,
    /// Every `NEAR {distance_m}` edge (held-out templates only).
    pub near: Vec<EdgeFact>,
}

/// Reads every store and the busiest-bucket months.
pub async fn snapshot(graph: &GraphClient) -> Result<Snapshot, EvalError> {
    let stores = facts::store_facts(graph, None).await?;
    let text =
        "MATCH (s:Store)-[u:USE]->(m:Month) WHERE u.cnt_rank = 1 RETURN s.id AS id, m.ym AS ym";
    let rows = graph.records(&jeju_graph::Statement::text(text)).await?;
    let busiest = rows
        .iter()
        .filter_map(|r| Some((r.get::<String>("id").ok()?, r.get::<i64>("ym").ok()?)))
        .collect();
    Ok(Snapshot {
        stores,
        busiest,
        ..Snapshot::default()
    })
}

/// [`snapshot`] plus what the held-out templates read: every `USE` edge, the stores' visit
/// keyword counts and their distances to attractions.
pub async fn heldout_snapshot(graph: &GraphClient) -> Result<Snapshot, EvalError> {
    let mut snap = snapshot(graph).await?;
    snap.months = facts::month_facts(graph).await?;
    snap.visit_keywords = facts::visit_keyword_facts(graph).await?;
    snap.near = facts::near_facts(graph).await?;
    Ok(snap)
}

/// A store type with the words questions use for it.
struct TypeWords {
    store_type: &'static str,
    ko: &'static str,
    en: Option<(&'static str, &'static str)>,
}

const TYPES: &[TypeWords] = &[
    TypeWords {
        store_type: "커피",
        ko: "카페",
        en: Some(("cafe", "cafes")),
    },
    TypeWords {
        store_type: "베이커리",
        ko: "빵집",
        en: Some(("bakery", "bakeries")),
    },
    TypeWords {
        store_type: "일식",
        ko: "일식집",
        en: Some(("Japanese restaurant", "Japanese restaurants")),
    },
    TypeWords {
        store_type: "중식",
        ko: "중국집",
        en: Some(("Chinese restaurant", "Chinese restaurants")),
    },
    TypeWords {
        store_type: "치킨",
        ko: "치킨집",
        en: Some(("chicken place", "chicken places")),
    },
    TypeWords {
        store_type: "햄버거",
        ko: "버거집",
        en: Some(("burger place", "burger places")),
    },
    TypeWords {
        store_type: "양식",
        ko: "양식당",
        en: Some(("Western restaurant", "Western restaurants")),
    },
    TypeWords {
        store_type: "피자",
        ko: "피자집",
        en: Some(("pizza place", "pizza places")),
    },
    TypeWords {
        store_type: "차",
        ko: "찻집",
        en: Some(("tea house", "tea houses")),
    },
    TypeWords {
        store_type: "가정식",
        ko: "가정식 식당",
        en: None,
    },
    TypeWords {
        store_type: "분식",
        ko: "분식집",
        en: None,
    },
];

/// A dish with its question words.
struct DishWords {
    dish: &'static str,
    ko: &'static str,
    en: Option<&'static str>,
}

/// Dishes served by one menu term (their own name): the gold queries of count questions use
/// the literal dish name, independent of the pipeline's lexicon.
const COUNT_DISHES: &[DishWords] = &[
    DishWords {
        dish: "흑돼지",
        ko: "흑돼지",
        en: Some("black pork"),
    },
    DishWords {
        dish: "갈치",
        ko: "갈치",
        en: Some("hairtail"),
    },
    DishWords {
        dish: "고등어",
        ko: "고등어",
        en: Some("mackerel"),
    },
    DishWords {
        dish: "전복",
        ko: "전복",
        en: Some("abalone"),
    },
    DishWords {
        dish: "고기국수",
        ko: "고기국수",
        en: Some("pork noodle soup"),
    },
    DishWords {
        dish: "해장국",
        ko: "해장국",
        en: Some("hangover soup"),
    },
    DishWords {
        dish: "보말",
        ko: "보말",
        en: Some("sea snail"),
    },
    DishWords {
        dish: "몸국",
        ko: "몸국",
        en: None,
    },
    DishWords {
        dish: "한라봉",
        ko: "한라봉",
        en: Some("hallabong"),
    },
];

/// Dishes of recommendation requests (the lexicon's dishes; hard constraint = its menu terms).
const REQUEST_DISHES: &[DishWords] = &[
    DishWords {
        dish: "흑돼지",
        ko: "흑돼지",
        en: Some("black pork"),
    },
    DishWords {
        dish: "돼지고기",
        ko: "돼지고기",
        en: Some("pork"),
    },
    DishWords {
        dish: "해산물",
        ko: "해산물",
        en: Some("seafood"),
    },
    DishWords {
        dish: "갈치",
        ko: "갈치",
        en: Some("hairtail"),
    },
    DishWords {
        dish: "고등어",
        ko: "고등어",
        en: Some("mackerel"),
    },
    DishWords {
        dish: "전복",
        ko: "전복",
        en: Some("abalone"),
    },
    DishWords {
        dish: "고기국수",
        ko: "고기국수",
        en: Some("pork noodle soup"),
    },
    DishWords {
        dish: "국수",
        ko: "국수",
        en: Some("noodles"),
    },
    DishWords {
        dish: "해장국",
        ko: "해장국",
        en: Some("hangover soup"),
    },
    DishWords {
        dish: "돈까스",
        ko: "돈까스",
        en: Some("tonkatsu"),
    },
    DishWords {
        dish: "디저트",
        ko: "디저트",
        en: Some("dessert"),
    },
    DishWords {
        dish: "빵",
        ko: "빵",
        en: Some("bread"),
    },
];

/// A ratio measure of search questions.
struct MeasureWords {
    property: &'static str,
    ko: &'static str,
    en: &'static str,
}

const MEASURES: &[MeasureWords] = &[
    MeasureWords {
        property: "age_20_under_ratio",
        ko: "20대 이하 손님",
        en: "customers in their 20s or younger",
    },
    MeasureWords {
        property: "age_30_ratio",
        ko: "30대 이용",
        en: "customers in their 30s",
    },
    MeasureWords {
        property: "age_40_ratio",
        ko: "40대 손님",
        en: "customers in their 40s",
    },
    MeasureWords {
        property: "age_50_ratio",
        ko: "50대 이용",
        en: "customers in their 50s",
    },
    MeasureWords {
        property: "age_60_over_ratio",
        ko: "60대 이상 손님",
        en: "customers in their 60s or older",
    },
    MeasureWords {
        property: "local_ratio",
        ko: "현지인 이용",
        en: "locals",
    },
    MeasureWords {
        property: "female_ratio",
        ko: "여성 손님",
        en: "female customers",
    },
    MeasureWords {
        property: "male_ratio",
        ko: "남성 손님",
        en: "male customers",
    },
    MeasureWords {
        property: "hr_12_13_ratio",
        ko: "점심 시간대 이용",
        en: "lunch visits",
    },
    MeasureWords {
        property: "hr_18_22_ratio",
        ko: "저녁 시간대 이용",
        en: "dinner visits",
    },
    MeasureWords {
        property: "sat_ratio",
        ko: "토요일 이용",
        en: "Saturday visits",
    },
];

pub(crate) use jeju_api::format::MONTHS_EN;

/// A Cypher string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn region_en(r: &Region, variant: usize) -> String {
    // Short forms for 읍/면 (Aewol), the full romanization otherwise.
    match r.romanized.split_once('-') {
        Some((base, _)) if r.kind != "동" && variant % 2 == 1 => base.to_owned(),
        _ => r.romanized.clone(),
    }
}

fn region_ko(r: &Region, variant: usize) -> String {
    if r.kind != "동" && variant % 3 == 2 {
        r.name.trim_end_matches(r.kind.as_str()).to_owned()
    } else {
        r.name.clone()
    }
}

/// A search case before languages are chosen.
struct SearchDraft {
    template: &'static str,
    ko: String,
    en: Option<String>,
    gold: String,
    answer: GoldAnswer,
}

/// Stores ordered by a property, if the first `k + 1` values leave no tie at or above the cut.
pub(crate) fn unambiguous_top(
    stores: &[&StoreFact],
    value: impl Fn(&StoreFact) -> Option<f64>,
    descending: bool,
    k: usize,
) -> Option<Vec<String>> {
    let mut v: Vec<(f64, &str)> = stores
        .iter()
        .filter_map(|s| value(s).map(|x| (x, s.id.as_str())))
        .collect();
    if v.len() < k + 1 {
        return None;
    }
    v.sort_by(|a, b| {
        let o = a.0.total_cmp(&b.0);
        (if descending { o.reverse() } else { o }).then(a.1.cmp(b.1))
    });
    if v[..=k].windows(2).any(|w| w[0].0 == w[1].0) {
        return None;
    }
    Some(v[..k].iter().map(|(_, id)| (*id).to_owned()).collect())
}

fn search_drafts(snap: &Snapshot) -> Vec<SearchDraft> {
    let stores: Vec<&StoreFact> = snap.stores.values().collect();
    let mut by_region: BTreeMap<&str, Vec<&StoreFact>> = BTreeMap::new();
    for s in &stores {
        if let Some(r) = s.region.as_deref() {
            by_region.entry(r).or_default().push(s);
        }
    }
    let mut out = Vec::new();
    for r in gazetteer::regions() {
        let Some(in_region) = by_region.get(r.name.as_str()) else {
            continue;
        };
        let v = out.len();
        let (rko, ren) = (region_ko(r, v), region_en(r, v));
        let rq = lit(&r.name);
        for t in TYPES {
            let of_type: Vec<&StoreFact> = in_region
                .iter()
                .copied()
                .filter(|s| s.store_type == t.store_type)
                .collect();
            if of_type.is_empty() {
                continue;
            }
            let tq = lit(t.store_type);
            // A: the top store by a share.
            for (mi, m) in MEASURES.iter().enumerate() {
                if let Some(ids) = unambiguous_top(&of_type, |s| s.ratio(m.property), true, 1) {
                    let ko = if mi % 2 == 0 {
                        format!("{rko}에 있는 {} 중 {} 비중이 가장 높은 곳은?", t.ko, m.ko)
                    } else {
                        format!("{rko} {} 가운데 {} 비중이 제일 높은 곳은?", t.ko, m.ko)
                    };
                    out.push(SearchDraft {
                        template: "top1-share",
                        ko,
                        en: t.en.map(|(one, _)| {
                            format!("Which {one} in {ren} has the highest share of {}?", m.en)
                        }),
                        gold: format!(
                            "MATCH (s:Store) WHERE s.region = {rq} AND s.type = {tq} AND s.{p} IS NOT NULL RETURN s.id AS id ORDER BY s.{p} DESC, s.id ASC LIMIT 1",
                            p = m.property
                        ),
                        answer: GoldAnswer::Ids { ids, ordered: true },
                    });
                }
                // B: three stores, highest or lowest.
                let descending = mi % 3 != 0;
                if let Some(ids) = unambiguous_top(&of_type, |s| s.ratio(m.property), descending, 3)
                {
                    let (hi_ko, hi_en, dir) = if descending {
                        ("높은", "highest", "DESC")
                    } else {
                        ("낮은", "lowest", "ASC")
                    };
                    out.push(SearchDraft {
                        template: "top3-share",
                        ko: format!("{rko}에서 {} 비중이 가장 {hi_ko} {} 3곳은?", m.ko, t.ko),
                        en: t.en.map(|(_, many)| {
                            format!("Which 3 {many} in {ren} have the {hi_en} share of {}?", m.en)
                        }),
                        gold: format!(
                            "MATCH (s:Store) WHERE s.region = {rq} AND s.type = {tq} AND s.{p} IS NOT NULL RETURN s.id AS id ORDER BY s.{p} {dir}, s.id ASC LIMIT 3",
                            p = m.property
                        ),
                        answer: GoldAnswer::Ids { ids, ordered: true },
                    });
                }
            }
            // D: how many stores of a type.
            out.push(SearchDraft {
                template: "count-type",
                ko: format!("{rko}에 있는 {}는 몇 곳이야?", t.ko),
                en: t
                    .en
                    .map(|(_, many)| format!("How many {many} are there in {ren}?")),
                gold: format!(
                    "MATCH (s:Store) WHERE s.region = {rq} AND s.type = {tq} RETURN count(DISTINCT s) AS count"
                ),
                answer: GoldAnswer::Count {
                    count: of_type.len() as i64,
                },
            });
            // F, G: most reviews, best rating.
            if let Some(ids) =
                unambiguous_top(&of_type, |s| s.review_count.map(|v| v as f64), true, 1)
            {
                out.push(SearchDraft {
                    template: "top1-reviews",
                    ko: format!("{rko} {} 중 리뷰가 가장 많은 곳은?", t.ko),
                    en: t
                        .en
                        .map(|(one, _)| format!("Which {one} in {ren} has the most reviews?")),
                    gold: format!(
                        "MATCH (s:Store) WHERE s.region = {rq} AND s.type = {tq} AND s.review_count IS NOT NULL RETURN s.id AS id ORDER BY s.review_count DESC, s.id ASC LIMIT 1"
                    ),
                    answer: GoldAnswer::Ids { ids, ordered: true },
                });
            }
            if let Some(ids) = unambiguous_top(&of_type, |s| s.rating, true, 1) {
                out.push(SearchDraft {
                    template: "top1-rating",
                    ko: format!("{rko} {} 중 평점이 가장 높은 곳은?", t.ko),
                    en: t
                        .en
                        .map(|(one, _)| format!("Which {one} in {ren} has the highest rating?")),
                    gold: format!(
                        "MATCH (s:Store) WHERE s.region = {rq} AND s.type = {tq} AND s.rating IS NOT NULL RETURN s.id AS id ORDER BY s.rating DESC, s.id ASC LIMIT 1"
                    ),
                    answer: GoldAnswer::Ids { ids, ordered: true },
                });
            }
        }
        // C: how many stores serve a dish.
        for d in COUNT_DISHES {
            let n = in_region
                .iter()
                .filter(|s| s.menu_names.iter().any(|m| m.contains(d.dish)))
                .count();
            if n == 0 {
                continue;
            }
            out.push(SearchDraft {
                template: "count-dish",
                ko: if n % 2 == 0 {
                    format!("{rko}에 {} 메뉴가 있는 가게는 몇 곳?", d.ko)
                } else {
                    format!("{rko}에서 {} 파는 곳은 몇 군데야?", d.ko)
                },
                en: d
                    .en
                    .map(|en| format!("How many places in {ren} serve {en}?")),
                gold: format!(
                    "MATCH (s:Store) WHERE s.region = {rq} AND any(m IN coalesce(s.menu_names, []) WHERE m CONTAINS {}) RETURN count(DISTINCT s) AS count",
                    lit(d.dish)
                ),
                answer: GoldAnswer::Count { count: n as i64 },
            });
        }
        // E: the busiest 10 % in a month.
        let ids: BTreeSet<&str> = in_region.iter().map(|s| s.id.as_str()).collect();
        let mut per_month: BTreeMap<i64, usize> = BTreeMap::new();
        for (id, ym) in &snap.busiest {
            if ids.contains(id.as_str()) {
                *per_month.entry(*ym).or_default() += 1;
            }
        }
        for (ym, n) in per_month {
            let month = (ym % 100) as usize;
            if !(1..=12).contains(&month) || ym / 100 != 2023 {
                continue;
            }
            out.push(SearchDraft {
                template: "count-busiest",
                ko: format!("2023년 {month}월 {rko}에서 이용건수 상위 10%에 든 가게는 몇 곳?"),
                en: Some(format!(
                    "How many stores in {ren} were in the busiest 10% in {} 2023?",
                    MONTHS_EN[month - 1]
                )),
                gold: format!(
                    "MATCH (s:Store)-[u:USE]->(m:Month) WHERE s.region = {rq} AND m.ym = {ym} AND u.cnt_rank = 1 RETURN count(DISTINCT s) AS count"
                ),
                answer: GoldAnswer::Count { count: n as i64 },
            });
        }
    }
    // H: the top three by local share in a city.
    for (city, en_city) in [("제주시", "Jeju City"), ("서귀포시", "Seogwipo")] {
        for t in TYPES {
            let of_type: Vec<&StoreFact> = stores
                .iter()
                .copied()
                .filter(|s| s.city.as_deref() == Some(city) && s.store_type == t.store_type)
                .collect();
            if let Some(ids) = unambiguous_top(&of_type, |s| s.ratio("local_ratio"), true, 3) {
                out.push(SearchDraft {
                    template: "city-top3-local",
                    ko: format!("{city}에서 현지인 비중이 가장 높은 {} 3곳은?", t.ko),
                    en: t.en.map(|(_, many)| {
                        format!("Which 3 {many} in {en_city} have the highest share of locals?")
                    }),
                    gold: format!(
                        "MATCH (s:Store) WHERE s.city = {} AND s.type = {} AND s.local_ratio IS NOT NULL RETURN s.id AS id ORDER BY s.local_ratio DESC, s.id ASC LIMIT 3",
                        lit(city),
                        lit(t.store_type)
                    ),
                    answer: GoldAnswer::Ids { ids, ordered: true },
                });
            }
        }
    }
    out
}

/// Takes `quota` drafts, round-robin over templates (each template shuffled), alternating
/// Korean and English where both exist.
pub(crate) fn pick_round_robin<T>(
    drafts: Vec<T>,
    template: impl Fn(&T) -> &'static str,
    quota: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<T> {
    let mut groups: BTreeMap<&'static str, Vec<T>> = BTreeMap::new();
    for d in drafts {
        groups.entry(template(&d)).or_default().push(d);
    }
    let mut queues: Vec<Vec<T>> = groups
        .into_values()
        .map(|mut g| {
            g.shuffle(rng);
            g.reverse();
            g
        })
        .collect();
    let mut out = Vec::new();
    while out.len() < quota && queues.iter().any(|q| !q.is_empty()) {
        for q in &mut queues {
            if out.len() >= quota {
                break;
            }
            if let Some(d) = q.pop() {
                out.push(d);
            }
        }
    }
    out
}

fn lang_for(index: usize, has_en: bool) -> &'static str {
    if index % 2 == 1 && has_en {
        "en"
    } else {
        "ko"
    }
}

/// A recommendation request before wording.
#[derive(Debug, Clone)]
struct Request {
    region: &'static Region,
    dish: Option<usize>,
    store_type: Option<usize>,
    companion: Option<Companion>,
    age: Option<AgeBand>,
    price: Option<u32>,
    time: Option<TimeOfDay>,
}

impl Request {
    fn constraints(&self) -> CaseConstraints {
        CaseConstraints {
            region: Some(self.region.name.clone()),
            city: None,
            store_types: self
                .store_type
                .map(|t| vec![TYPES[t].store_type.to_owned()])
                .unwrap_or_default(),
            dish: self.dish.map(|d| REQUEST_DISHES[d].dish.into()),
            companion: self.companion,
            age_band: self.age,
            price_max_per_person: self.price,
            time: self.time,
            ..CaseConstraints::default()
        }
    }

    fn has_en(&self) -> bool {
        self.dish.is_none_or(|d| REQUEST_DISHES[d].en.is_some())
            && self.store_type.is_none_or(|t| TYPES[t].en.is_some())
    }

    fn template(&self) -> &'static str {
        match (
            self.dish.is_some(),
            self.companion.is_some() || self.age.is_some(),
            self.price.is_some(),
            self.time.is_some(),
        ) {
            (true, true, _, _) => "dish-who",
            (true, false, true, _) => "dish-price",
            (true, false, false, _) => "dish-time",
            (false, true, _, _) => "type-who",
            (false, false, true, _) => "type-price",
            (false, false, false, _) => "type-time",
        }
    }
}

fn companion_ko(c: Companion, v: usize) -> &'static str {
    match (c, v % 2) {
        (Companion::Parents, 0) => "부모님과",
        (Companion::Parents, _) => "엄마 아빠랑",
        (Companion::Kids, 0) => "아이와",
        (Companion::Kids, _) => "아이들이랑",
        (Companion::Couple, 0) => "연인과",
        (Companion::Couple, _) => "데이트로",
        (Companion::Friends, _) => "친구들과",
        (Companion::Solo, 0) => "혼자",
        (Companion::Solo, _) => "혼밥하기 좋게",
        (Companion::Group, 0) => "단체로",
        (Companion::Group, _) => "회식으로",
    }
}

fn companion_en(c: Companion, v: usize) -> &'static str {
    match (c, v % 2) {
        (Companion::Parents, 0) => "with my parents",
        (Companion::Parents, _) => "with mom and dad",
        (Companion::Kids, _) => "with kids",
        (Companion::Couple, 0) => "for a date",
        (Companion::Couple, _) => "with my partner",
        (Companion::Friends, _) => "with friends",
        (Companion::Solo, 0) => "alone",
        (Companion::Solo, _) => "solo",
        (Companion::Group, 0) => "for a group",
        (Companion::Group, _) => "with colleagues",
    }
}

fn age_ko(a: AgeBand) -> &'static str {
    match a {
        AgeBand::Under20s => "20대",
        AgeBand::Thirties => "30대",
        AgeBand::Forties => "40대",
        AgeBand::Fifties => "50대",
        AgeBand::SixtyPlus => "60대",
    }
}

fn age_en(a: AgeBand) -> &'static str {
    match a {
        AgeBand::Under20s => "people in their 20s",
        AgeBand::Thirties => "people in their 30s",
        AgeBand::Forties => "people in their 40s",
        AgeBand::Fifties => "people in their 50s",
        AgeBand::SixtyPlus => "people in their 60s",
    }
}

fn time_ko(t: TimeOfDay) -> &'static str {
    match t {
        TimeOfDay::Morning => "아침",
        TimeOfDay::Lunch => "점심",
        TimeOfDay::Afternoon => "오후",
        TimeOfDay::Dinner => "저녁",
        TimeOfDay::Late => "심야",
    }
}

fn time_en(t: TimeOfDay) -> &'static str {
    match t {
        TimeOfDay::Morning => "for breakfast",
        TimeOfDay::Lunch => "for lunch",
        TimeOfDay::Afternoon => "in the afternoon",
        TimeOfDay::Dinner => "for dinner",
        TimeOfDay::Late => "late-night",
    }
}

/// 20000 → "2만원", 15000 → "1만5천원".
fn won_ko(p: u32) -> String {
    let (man, cheon) = (p / 10_000, (p % 10_000) / 1_000);
    match (man, cheon) {
        (0, c) => format!("{c}천원"),
        (m, 0) => format!("{m}만원"),
        (m, c) => format!("{m}만{c}천원"),
    }
}

/// 25000 → "25,000 won".
fn won_en(p: u32) -> String {
    format!("{} won", jeju_api::format::won(p))
}

fn question_ko(r: &Request, v: usize) -> String {
    let region = region_ko(r.region, v);
    let base = match (r.dish, r.store_type) {
        (Some(d), _) => format!("{} 맛집", REQUEST_DISHES[d].ko),
        (None, Some(t)) => TYPES[t].ko.to_owned(),
        (None, None) => "맛집".to_owned(),
    };
    let mut who = String::new();
    if let Some(a) = r.age {
        who.push_str(age_ko(a));
        who.push(' ');
    }
    if let Some(c) = r.companion {
        who.push_str(companion_ko(c, v));
        who.push(' ');
    }
    let when = r
        .time
        .map(|t| format!("{}에 ", time_ko(t)))
        .unwrap_or_default();
    let price = r
        .price
        .map(|p| format!("1인 {} 이하 ", won_ko(p)))
        .unwrap_or_default();
    let go = if who.is_empty() && when.is_empty() {
        ""
    } else {
        "가기 좋은 "
    };
    match v % 3 {
        0 => format!("{who}{when}{go}{region} {price}{base} 추천해줘"),
        1 => format!("{region}에서 {when}{who}{go}{price}{base} 추천 부탁해요"),
        _ if go.is_empty() => format!("{region} {price}{base} 어디가 좋을까?"),
        _ => format!("{region} {price}{base} 어디가 좋을까? {who}{when}가려고 해"),
    }
    .split_whitespace()
    .collect::<Vec<_>>()
    .join(" ")
}

fn question_en(r: &Request, v: usize) -> String {
    let region = region_en(r.region, v);
    let base = match (r.dish, r.store_type) {
        (Some(d), _) => format!("{} place", REQUEST_DISHES[d].en.unwrap_or("")),
        (None, Some(t)) => TYPES[t].en.map(|(one, _)| one).unwrap_or("").to_owned(),
        (None, None) => "restaurant".to_owned(),
    };
    let mut tail = Vec::new();
    if let Some(t) = r.time {
        tail.push(time_en(t).to_owned());
    }
    if let Some(c) = r.companion {
        tail.push(companion_en(c, v).to_owned());
    }
    if let Some(a) = r.age {
        tail.push(format!("for {}", age_en(a)));
    }
    if let Some(p) = r.price {
        tail.push(format!("under {}", won_en(p)));
    }
    let tail = tail.join(" ");
    let text = match v % 3 {
        0 => format!("Recommend a {base} in {region} {tail}"),
        1 => format!("Where can I find a good {base} in {region} {tail}?"),
        _ => format!("Suggest a {base} {tail} in {region}"),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Stores satisfying a request's hard constraints, by the same rules as the checks.
pub(crate) fn satisfying<'a>(stores: &[&'a StoreFact], c: &CaseConstraints) -> Vec<&'a StoreFact> {
    stores
        .iter()
        .copied()
        .filter(|s| check::hard_checks(c, s).iter().all(|x| x.ok))
        .collect()
}

fn recommend_requests(
    snap: &Snapshot,
    truth: &TruthTable,
    rng: &mut ChaCha8Rng,
) -> Vec<(Request, usize)> {
    let stores: Vec<&StoreFact> = snap.stores.values().collect();
    let mut out = Vec::new();
    for region in gazetteer::regions() {
        let in_region: Vec<&StoreFact> = stores
            .iter()
            .copied()
            .filter(|s| s.region.as_deref() == Some(region.name.as_str()))
            .collect();
        if in_region.len() < 20 {
            continue;
        }
        let bases: Vec<(Option<usize>, Option<usize>)> = (0..REQUEST_DISHES.len())
            .map(|d| (Some(d), None))
            .chain((0..TYPES.len()).map(|t| (None, Some(t))))
            .collect();
        for (dish, store_type) in bases {
            let base = Request {
                region,
                dish,
                store_type,
                companion: None,
                age: None,
                price: None,
                time: None,
            };
            let pool = satisfying(&in_region, &base.constraints());
            if pool.len() < 3 {
                continue;
            }
            // One variant per base, with one or two extra constraints drawn at random.
            let mut r = base.clone();
            let extras: u8 = rand::Rng::random_range(rng, 0..6);
            if matches!(extras, 0 | 3 | 5) {
                // A companion the pool has several truly good stores for.
                let mut comps: Vec<(Companion, usize)> = Companion::ALL
                    .iter()
                    .map(|c| {
                        let n = pool
                            .iter()
                            .filter(|s| truth.get(&s.id).is_some_and(|t| t.good_for.contains(c)))
                            .count();
                        (*c, n)
                    })
                    .filter(|(_, n)| *n >= 2)
                    .collect();
                comps.shuffle(rng);
                r.companion = comps.first().map(|(c, _)| *c);
            }
            if matches!(extras, 1 | 3) {
                let mut ages: Vec<AgeBand> = AgeBand::ALL
                    .iter()
                    .copied()
                    .filter(|a| {
                        pool.iter()
                            .filter(|s| truth.get(&s.id).is_some_and(|t| t.age_focus.contains(a)))
                            .count()
                            >= 2
                    })
                    .collect();
                ages.shuffle(rng);
                r.age = ages.first().copied();
            }
            if matches!(extras, 2 | 5) {
                let mut prices: Vec<i64> = pool.iter().filter_map(|s| s.price_per_person).collect();
                prices.sort_unstable();
                if let Some(p) = prices.get(prices.len() / 2) {
                    // The median rounded up to 5,000 won.
                    r.price = Some(((*p as u32).div_ceil(5_000) * 5_000).max(5_000));
                }
            }
            if extras == 4 {
                let mut times: Vec<TimeOfDay> = TimeOfDay::ALL
                    .iter()
                    .copied()
                    .filter(|t| {
                        pool.iter()
                            .filter(|s| s.ratio(t.property()).is_some_and(|x| x >= MIN_TIME_SHARE))
                            .count()
                            >= 3
                    })
                    .collect();
                times.shuffle(rng);
                r.time = times.first().copied();
            }
            let n = satisfying(&in_region, &r.constraints()).len();
            if n >= 3 {
                out.push((r, n));
            }
        }
    }
    out
}

fn multi_turn_cases(
    snap: &Snapshot,
    rng: &mut ChaCha8Rng,
    prefix: &str,
    quota: usize,
) -> Vec<Case> {
    let stores: Vec<&StoreFact> = snap.stores.values().collect();
    let mut drafts: Vec<(&'static str, Case)> = Vec::new();
    let black_pork = 0;
    let seafood = 2;
    for region in gazetteer::regions() {
        let in_region: Vec<&StoreFact> = stores
            .iter()
            .copied()
            .filter(|s| s.region.as_deref() == Some(region.name.as_str()))
            .collect();
        let cafes = in_region.iter().filter(|s| s.store_type == "커피").count();
        for (d, dish) in REQUEST_DISHES.iter().enumerate() {
            let base = Request {
                region,
                dish: Some(d),
                store_type: None,
                companion: None,
                age: None,
                price: None,
                time: None,
            };
            let c = base.constraints();
            let pool = satisfying(&in_region, &c);
            let prices: BTreeSet<i64> = pool.iter().filter_map(|s| s.price_per_person).collect();
            let v = drafts.len();
            let en = dish.en.is_some() && v % 2 == 1;
            let lang = if en { "en" } else { "ko" };
            let first = Turn::recommend(
                if en {
                    question_en(&base, v)
                } else {
                    question_ko(&base, v)
                },
                c.clone(),
                Expect::default(),
            );
            let cheaper = Turn::recommend(
                if en {
                    "Any cheaper places?".into()
                } else {
                    "더 저렴한 곳은?".into()
                },
                c.clone(),
                Expect {
                    cheaper: true,
                    new_picks: true,
                    ..Expect::default()
                },
            );
            let cafe_near = |pick: usize| {
                Turn::recommend(
                    if en {
                        format!("A cafe near #{pick} too?")
                    } else {
                        format!("{pick}번 근처 카페도")
                    },
                    CaseConstraints {
                        store_types: vec!["커피".into()],
                        ..CaseConstraints::default()
                    },
                    Expect {
                        near_pick: Some(pick),
                        within_m: Some(crate::case::DEFAULT_NEAR_M),
                        new_picks: true,
                        ..Expect::default()
                    },
                )
            };
            let case = |turns: Vec<Turn>| Case::conversation(String::new(), lang, turns);
            if pool.len() >= 8 && prices.len() >= 4 {
                drafts.push(("cheaper", case(vec![first.clone(), cheaper.clone()])));
            }
            if pool.len() >= 3 && cafes >= 15 {
                drafts.push(("near-cafe", case(vec![first.clone(), cafe_near(2)])));
            }
            if pool.len() >= 8 && prices.len() >= 4 && cafes >= 15 {
                drafts.push((
                    "three-turns",
                    case(vec![first.clone(), cheaper, cafe_near(1)]),
                ));
            }
            if d == black_pork {
                let seafood_c = CaseConstraints {
                    dish: Some(REQUEST_DISHES[seafood].dish.into()),
                    ..c.clone()
                };
                if pool.len() >= 3 && satisfying(&in_region, &seafood_c).len() >= 6 {
                    let first = Turn {
                        question: if en {
                            format!(
                                "Where can I take my parents for black pork in {}?",
                                region_en(region, v)
                            )
                        } else {
                            format!("부모님과 가기 좋은 {} 흑돼지 맛집 추천해줘", region.name)
                        },
                        constraints: Some(CaseConstraints {
                            companion: Some(Companion::Parents),
                            ..c.clone()
                        }),
                        ..first.clone()
                    };
                    let swap = Turn::recommend(
                        if en {
                            "not pork, seafood instead".into()
                        } else {
                            "고기 말고 해산물로 추천해줘".into()
                        },
                        CaseConstraints {
                            companion: Some(Companion::Parents),
                            ..seafood_c
                        },
                        Expect {
                            new_picks: true,
                            ..Expect::default()
                        },
                    );
                    drafts.push(("swap-dish", case(vec![first, swap])));
                }
            }
        }
    }
    let picked = pick_round_robin(drafts, |d| d.0, quota, rng);
    picked
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut c))| {
            c.id = format!("{prefix}-m-{:03}", i + 1);
            c
        })
        .collect()
}

/// Generates the case sets from a snapshot of the graph and its truth table.
pub fn generate(snap: &Snapshot, truth: &TruthTable, opts: &GenerateOptions) -> CaseSets {
    if opts.templates == Templates::Heldout {
        return crate::heldout::generate(snap, truth, opts);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let drafts = search_drafts(snap);
    let search = pick_round_robin(drafts, |d| d.template, opts.search, &mut rng)
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let lang = lang_for(i, d.en.is_some());
            let question = if lang == "en" {
                d.en.unwrap_or(d.ko)
            } else {
                d.ko
            };
            (
                Case {
                    gold_cypher: Some(d.gold),
                    ..Case::one_question(
                        format!("{}-s-{:03}", opts.prefix, i + 1),
                        CaseKind::Search,
                        lang,
                        question,
                    )
                },
                d.answer,
            )
        })
        .collect();
    let requests = recommend_requests(snap, truth, &mut rng);
    let recommend = pick_round_robin(requests, |(r, _)| r.template(), opts.recommend, &mut rng)
        .into_iter()
        .enumerate()
        .map(|(i, (r, _))| {
            let lang = lang_for(i, r.has_en());
            let question = if lang == "en" {
                question_en(&r, i)
            } else {
                question_ko(&r, i)
            };
            Case {
                constraints: Some(r.constraints()),
                ..Case::one_question(
                    format!("{}-r-{:03}", opts.prefix, i + 1),
                    CaseKind::Recommend,
                    lang,
                    question,
                )
            }
        })
        .collect();
    let multi_turn = multi_turn_cases(snap, &mut rng, &opts.prefix, opts.multi_turn);
    CaseSets {
        search,
        recommend,
        multi_turn,
    }
}

/// Runs every search case's gold query and checks it returns the answer the generator
/// computed from the store facts.
pub async fn verify_gold(graph: &GraphClient, sets: &CaseSets) -> Result<(), EvalError> {
    for (case, expected) in &sets.search {
        let cypher = case.gold_cypher.as_deref().unwrap_or_default();
        let got = check::run_gold(graph, cypher).await?;
        if &got != expected {
            return Err(EvalError::Gold {
                id: case.id.clone(),
                message: format!("the query returns {got:?}, the facts say {expected:?}"),
            });
        }
    }
    Ok(())
}

/// Snapshot, generate, verify.
pub async fn generate_verified(
    graph: &GraphClient,
    truth: &TruthTable,
    opts: &GenerateOptions,
) -> Result<CaseSets, EvalError> {
    let snap = match opts.templates {
        Templates::Tuning => snapshot(graph).await?,
        Templates::Heldout => heldout_snapshot(graph).await?,
    };
    if snap.stores.is_empty() {
        return Err(EvalError::Mismatch("the graph holds no stores".into()));
    }
    let matched = snap
        .stores
        .keys()
        .filter(|id| truth.get(id).is_some())
        .count();
    if matched * 10 < snap.stores.len() * 9 {
        return Err(EvalError::Mismatch(format!(
            "the truth file covers only {matched} of the graph's {} stores: is the graph holding this data set?",
            snap.stores.len()
        )));
    }
    let sets = generate(&snap, truth, opts);
    verify_gold(graph, &sets).await?;
    Ok(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, region: &str, ty: &str, age30: f64, menu: &[&str]) -> StoreFact {
        StoreFact {
            id: id.into(),
            name: format!("가게{id}"),
            city: Some("제주시".into()),
            region: Some(region.into()),
            store_type: ty.into(),
            menu_names: menu.iter().map(|m| (*m).to_owned()).collect(),
            price_per_person: Some(10_000 + 1_000 * id.len() as i64),
            rating: Some(4.0),
            review_count: Some(3),
            lat: Some(33.46),
            lng: Some(126.33),
            ratios: [("age_30_ratio".to_owned(), age30)].into_iter().collect(),
        }
    }

    #[test]
    fn ties_at_the_cut_are_ambiguous() {
        let a = fact("a", "애월읍", "커피", 0.5, &[]);
        let b = fact("b", "애월읍", "커피", 0.4, &[]);
        let c = fact("c", "애월읍", "커피", 0.4, &[]);
        let stores = [&a, &b, &c];
        let v = |s: &StoreFact| s.ratio("age_30_ratio");
        assert_eq!(
            unambiguous_top(&stores, v, true, 1),
            Some(vec!["a".to_owned()])
        );
        assert_eq!(
            unambiguous_top(&stores, v, true, 2),
            None,
            "b and c tie at the cut"
        );
        assert_eq!(
            unambiguous_top(&stores, v, false, 1),
            None,
            "b and c tie for lowest"
        );
        assert_eq!(unambiguous_top(&stores, v, true, 3), None, "too few stores");
    }

    #[test]
    fn drafts_have_gold_answers_that_match_the_facts() {
        let stores: Vec<StoreFact> = vec![
            fact("a", "애월읍", "커피", 0.5, &["아메리카노"]),
            fact("b", "애월읍", "커피", 0.3, &["흑돼지 라떼"]),
            fact(
                "c",
                "애월읍",
                "가정식",
                0.2,
                &["흑돼지 구이", "흑돼지 김치찌개"],
            ),
        ];
        let snap = Snapshot {
            stores: stores.into_iter().map(|s| (s.id.clone(), s)).collect(),
            busiest: vec![("a".into(), 202308), ("c".into(), 202308)],
            ..Snapshot::default()
        };
        let drafts = search_drafts(&snap);
        let find = |template: &str, needle: &str| {
            drafts
                .iter()
                .find(|d| d.template == template && d.ko.contains(needle))
                .unwrap_or_else(|| panic!("no {template} draft with {needle}"))
        };
        let top = find("top1-share", "카페");
        assert_eq!(
            top.answer,
            GoldAnswer::Ids {
                ids: vec!["a".into()],
                ordered: true
            }
        );
        assert!(top.gold.contains("s.region = '애월읍'") && top.gold.contains("LIMIT 1"));
        assert_eq!(
            find("count-dish", "흑돼지").answer,
            GoldAnswer::Count { count: 2 }
        );
        assert_eq!(
            find("count-busiest", "8월").answer,
            GoldAnswer::Count { count: 2 }
        );
        // Equal review counts: no "most reviews" question.
        assert!(!drafts.iter().any(|d| d.template == "top1-reviews"));
        // The parser reads the generated wording as the gold query means it.
        let i = jeju_pipeline::parse::parse(&top.ko);
        assert_eq!(i.constraints.region.as_deref(), Some("애월읍"));
        assert_eq!(i.constraints.store_types, vec!["커피"]);
        if let Some(en) = &top.en {
            let i = jeju_pipeline::parse::parse(en);
            assert_eq!(i.constraints.region.as_deref(), Some("애월읍"), "{en}");
        }
    }

    #[test]
    fn request_wording_parses_to_the_case_constraints() {
        let region = gazetteer::region("애월읍").unwrap();
        for v in 0..6 {
            let r = Request {
                region,
                dish: Some(0),
                store_type: None,
                companion: Some(Companion::Parents),
                age: Some(AgeBand::SixtyPlus),
                price: Some(25_000),
                time: Some(TimeOfDay::Dinner),
            };
            for q in [question_ko(&r, v), question_en(&r, v)] {
                let i = jeju_pipeline::parse::parse(&q);
                let c = &i.constraints;
                assert_eq!(i.route, jeju_pipeline::intent::Route::Recommend, "{q}");
                assert_eq!(c.region.as_deref(), Some("애월읍"), "{q}");
                assert_eq!(c.dish, Some("흑돼지".into()), "{q}");
                assert_eq!(c.companion, Some(Companion::Parents), "{q}");
                assert_eq!(c.age_band, Some(AgeBand::SixtyPlus), "{q}");
                assert_eq!(c.price_max_per_person, Some(25_000), "{q}");
                assert_eq!(c.time, Some(TimeOfDay::Dinner), "{q}");
            }
        }
        assert_eq!(won_ko(15_000), "1만5천원");
        assert_eq!(won_en(25_000), "25,000 won");
    }
}
