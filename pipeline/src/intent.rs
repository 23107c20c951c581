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
    /// The lowest rating asked ("평점 4.5 이상", "rated 4.5 or higher"): the store's mean
    /// platform rating, 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_rating: Option<f64>,
    /// A floor on a customer share ("현지인 비중 50% 이상", "more than half of their
    /// customers from Jeju residents").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_share: Option<ShareFloor>,
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
    /// How many reviews are tagged with a companion's visit keyword ("'아이와' 방문 키워드가
    /// 많은 곳", "the most reviews tagged 'with friends'"): the most first.
    VisitKeyword { companion: Companion },
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
    /// Only stores in this band of the month's ranking ("이용건수 상위 10%", "매출 하위 25%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<RankBand>,
}

/// A floor on the share of a store's customers who are of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShareFloor {
    pub of: ShareOf,
    /// 0–1.
    pub share: f64,
    /// "More than" (strictly) rather than "at least".
    pub strict: bool,
}

/// Whose share of the customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareOf {
    /// Jeju residents (`local_ratio`).
    Locals,
    /// Everyone else: `1 - local_ratio`.
    Tourists,
    /// An age band (`age_30_ratio`, …).
    Age(AgeBand),
}

impl ShareFloor {
    /// The condition on store `s` as Cypher over the parameter `$share_min`, and the value
    /// of that parameter: tourists' share over x is the locals' share under 1 - x.
    pub fn condition(self) -> (String, f64) {
        let (ge, le) = if self.strict {
            (">", "<")
        } else {
            (">=", "<=")
        };
        match self.of {
            ShareOf::Locals => (format!("s.local_ratio {ge} $share_min"), self.share),
            ShareOf::Tourists => (format!("s.local_ratio {le} $share_min"), 1.0 - self.share),
            ShareOf::Age(band) => (format!("s.{} {ge} $share_min", band.property()), self.share),
        }
    }
}

/// A band of a month's ranking of stores, as the contest data buckets it (`UE_CNT_GRP`,
/// `UE_AMT_GRP`): bucket 1 is the top 10%, then 10–25%, 25–50%, 50–75%, 75–90%, and 6 the
/// bottom 10%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankBand {
    pub by: RankBy,
    pub side: BandSide,
    /// 10, 25, 50, 75 or 90: a bucket boundary.
    pub percent: u8,
}

/// What a month's ranking counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    /// Number of uses (이용건수): the `USE` relation's `cnt_rank`.
    Visits,
    /// Sales (매출, 이용금액): `amt_rank`.
    Sales,
}

/// Which end of the ranking a band is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BandSide {
    Top,
    Bottom,
}

impl RankBand {
    /// The bucket boundaries, in percent from the top.
    const BOUNDARIES: [u8; 5] = [10, 25, 50, 75, 90];

    /// The band, when `percent` is a bucket boundary (상위 30% is not one the data can tell).
    pub fn new(by: RankBy, side: BandSide, percent: u8) -> Option<RankBand> {
        Self::BOUNDARIES
            .contains(&percent)
            .then_some(RankBand { by, side, percent })
    }

    /// The buckets (1–6) the band covers.
    pub fn buckets(self) -> std::ops::RangeInclusive<u8> {
        let at = Self::BOUNDARIES
            .iter()
            .position(|b| *b == self.percent)
            .unwrap_or(0) as u8;
        match self.side {
            BandSide::Top => 1..=at + 1,
            BandSide::Bottom => (6 - at)..=6,
        }
    }

    /// The relation property ranked by.
    pub fn property(self) -> &'static str {
        match self.by {
            RankBy::Visits => "cnt_rank",
            RankBy::Sales => "amt_rank",
        }
    }
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

#[cfg(test)]
mod rank_band_tests {
    use super::*;

    #[test]
    fn bands_cover_the_data_buckets_from_either_end() {
        let band = |side, pct| RankBand::new(RankBy::Visits, side, pct).unwrap().buckets();
        assert_eq!(band(BandSide::Top, 10), 1..=1);
        assert_eq!(band(BandSide::Top, 25), 1..=2);
        assert_eq!(band(BandSide::Top, 90), 1..=5);
        assert_eq!(band(BandSide::Bottom, 10), 6..=6);
        assert_eq!(band(BandSide::Bottom, 25), 5..=6);
        assert_eq!(band(BandSide::Bottom, 50), 4..=6);
        assert_eq!(RankBand::new(RankBy::Sales, BandSide::Top, 30), None);
    }
}
