//! The constraint vocabulary shared by the generator, the graph and the evaluation format
//! (DESIGN.md §4): companions, age bands, times of day, and the visit keywords of reviews.

use serde::{Deserialize, Serialize};

/// Who a visitor comes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Companion {
    Parents,
    Kids,
    Couple,
    Friends,
    Solo,
    Group,
}

impl Companion {
    pub const ALL: [Companion; 6] = [
        Companion::Parents,
        Companion::Kids,
        Companion::Couple,
        Companion::Friends,
        Companion::Solo,
        Companion::Group,
    ];
}

/// Age band of the contest's RC_M12_AGE_* columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBand {
    #[serde(rename = "20-")]
    Under20s,
    #[serde(rename = "30")]
    Thirties,
    #[serde(rename = "40")]
    Forties,
    #[serde(rename = "50")]
    Fifties,
    #[serde(rename = "60+")]
    SixtyPlus,
}

impl AgeBand {
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under20s,
        AgeBand::Thirties,
        AgeBand::Forties,
        AgeBand::Fifties,
        AgeBand::SixtyPlus,
    ];

    /// The graph property holding this band's share.
    pub fn property(self) -> &'static str {
        match self {
            AgeBand::Under20s => "age_20_under_ratio",
            AgeBand::Thirties => "age_30_ratio",
            AgeBand::Forties => "age_40_ratio",
            AgeBand::Fifties => "age_50_ratio",
            AgeBand::SixtyPlus => "age_60_over_ratio",
        }
    }
}

/// Time of day, aligned with the contest's hour bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeOfDay {
    /// 05–11 h.
    Morning,
    /// 12–13 h.
    Lunch,
    /// 14–17 h.
    Afternoon,
    /// 18–22 h.
    Dinner,
    /// 23–04 h.
    Late,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 5] = [
        TimeOfDay::Morning,
        TimeOfDay::Lunch,
        TimeOfDay::Afternoon,
        TimeOfDay::Dinner,
        TimeOfDay::Late,
    ];

    /// The graph property holding this band's share of transactions.
    pub fn property(self) -> &'static str {
        match self {
            TimeOfDay::Morning => "hr_5_11_ratio",
            TimeOfDay::Lunch => "hr_12_13_ratio",
            TimeOfDay::Afternoon => "hr_14_17_ratio",
            TimeOfDay::Dinner => "hr_18_22_ratio",
            TimeOfDay::Late => "hr_23_4_ratio",
        }
    }
}

/// What a visit keyword describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeywordKind {
    Companion,
    Purpose,
}

/// A Naver-style visit keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitKeyword {
    pub name: &'static str,
    pub kind: KeywordKind,
    /// The companion a companion keyword stands for.
    pub companion: Option<Companion>,
}

const fn companion(name: &'static str, c: Companion) -> VisitKeyword {
    VisitKeyword {
        name,
        kind: KeywordKind::Companion,
        companion: Some(c),
    }
}

const fn purpose(name: &'static str) -> VisitKeyword {
    VisitKeyword {
        name,
        kind: KeywordKind::Purpose,
        companion: None,
    }
}

/// Every visit keyword the graph knows.
pub const VISIT_KEYWORDS: [VisitKeyword; 13] = [
    companion("부모님과", Companion::Parents),
    companion("아이와", Companion::Kids),
    companion("연인·배우자와", Companion::Couple),
    companion("친구와", Companion::Friends),
    companion("혼자", Companion::Solo),
    companion("단체모임", Companion::Group),
    purpose("가족외식"),
    purpose("데이트"),
    purpose("여행"),
    purpose("친목"),
    purpose("일상"),
    purpose("기념일"),
    purpose("회식"),
];

/// Looks a keyword up by its exact name.
pub fn visit_keyword(name: &str) -> Option<&'static VisitKeyword> {
    VISIT_KEYWORDS.iter().find(|k| k.name == name)
}

/// The companion keyword for a companion.
pub fn companion_keyword(c: Companion) -> &'static str {
    VISIT_KEYWORDS
        .iter()
        .find(|k| k.companion == Some(c))
        .map(|k| k.name)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_companion_has_one_keyword() {
        for c in Companion::ALL {
            let k = companion_keyword(c);
            assert_eq!(visit_keyword(k).unwrap().companion, Some(c));
        }
    }

    #[test]
    fn serde_names_match_the_case_format() {
        assert_eq!(
            serde_json::to_string(&AgeBand::SixtyPlus).unwrap(),
            "\"60+\""
        );
        assert_eq!(
            serde_json::to_string(&AgeBand::Under20s).unwrap(),
            "\"20-\""
        );
        assert_eq!(
            serde_json::to_string(&Companion::Parents).unwrap(),
            "\"parents\""
        );
        assert_eq!(serde_json::to_string(&TimeOfDay::Late).unwrap(), "\"late\"");
    }
}
