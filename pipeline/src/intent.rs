//! What a question asks for, in types: the output of the route stage.

use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
use serde::{Deserialize, Serialize};

/// The two kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Route {
    /// A data question with an exact answer ("which cafe has the highest 30s share?").
    Search,
    /// "Recommend me …": three stores with reasons.
    Recommend,
}

/// The language of the question, and of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ko,
    En,
}

impl Lang {
    /// Korean if the text has any Hangul syllable, else English.
    pub fn detect(text: &str) -> Lang {
        if text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)) {
            Lang::Ko
        } else {
            Lang::En
        }
    }
}

/// Hard and soft constraints of a question. Every literal here is already resolved to the
/// graph's own values (region names as in addresses, the 30 contest types).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// 읍/면/동 as in addresses, e.g. 애월읍.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Contest types (e.g. `커피` for "카페"); several when a word covers more than one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub store_types: Vec<String>,
    /// A dish word matched against menu item names, e.g. 흑돼지.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dish: Option<String>,
    /// The dish as the question named it, when only its last part is on any menu ("광어회",
    /// read as `dish` 회: no menu has 광어). No store can have it, so every pick says it
    /// lacks it ([`crate::relax::Relaxation::Dish`]). Set by [`crate::grounding`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dish_asked: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub companion: Option<Companion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<AgeBand>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_max_per_person: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeOfDay>,
    /// An attraction name as in the graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_attraction: Option<String>,
    /// Near a point, e.g. an earlier pick ("2번 근처").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_point: Option<NearPoint>,
    /// Stores not to recommend again (earlier picks of the session).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude_ids: Vec<String>,
    /// Only these stores ("그중 …": the earlier picks, ranked again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub within_ids: Vec<String>,
}

/// A point with a radius.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NearPoint {
    pub lat: f64,
    pub lng: f64,
    /// What the point is (a store's name).
    pub label: String,
    pub radius_m: f64,
}

/// What a search question measures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// A store property to order by (e.g. `age_30_ratio`, `review_count`).
    Property { property: String, descending: bool },
    /// How many stores match.
    Count,
}

/// A search question's goal beyond its filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchGoal {
    pub measure: Measure,
    /// How many stores to name (1 for "the highest").
    pub top: u32,
    /// A month `YYYYMM` for month-specific questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    /// Only stores in the busiest bucket (rank 1) in `month`.
    #[serde(default)]
    pub busiest_only: bool,
}

/// The route stage's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intent {
    pub route: Route,
    pub lang: Lang,
    pub constraints: Constraints,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<SearchGoal>,
    /// The HyDE "ideal review" of a recommendation.
    #[serde(default)]
    pub hyde: String,
}
