//! The stages of one turn, shared by the pipeline (which runs them), the server and the page
//! (which show them), the CLI, the evaluation and the benchmarks. The serde names are part of
//! the HTTP API (`StageView::stage`, `StageEvent::stage`) and never change.

use serde::{Deserialize, Serialize};

use crate::Language;

/// One stage of a turn, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Stage {
    /// What the question asks: parser (and LLM), or a follow-up revised by the session.
    #[serde(rename = "route")]
    Route,
    /// The query: LLM-written and guarded, or composed from the constraints.
    #[serde(rename = "text2cypher")]
    Text2Cypher,
    /// HyDE review search over the candidates' reviews.
    #[serde(rename = "review_search")]
    ReviewSearch,
    /// FastRP neighbours when few stores pass the filters; the candidates' cards.
    #[serde(rename = "backfill")]
    Backfill,
    /// The three picks (LLM or the deterministic ranker).
    #[serde(rename = "select")]
    Select,
    /// The answer text.
    #[serde(rename = "answer")]
    Answer,
}

impl Stage {
    /// Every stage, in the order a recommendation runs them (a data question ends after
    /// `Text2Cypher` with `Answer`).
    pub const ALL: [Stage; 6] = [
        Stage::Route,
        Stage::Text2Cypher,
        Stage::ReviewSearch,
        Stage::Backfill,
        Stage::Select,
        Stage::Answer,
    ];

    /// The stable name (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Route => "route",
            Stage::Text2Cypher => "text2cypher",
            Stage::ReviewSearch => "review_search",
            Stage::Backfill => "backfill",
            Stage::Select => "select",
            Stage::Answer => "answer",
        }
    }

    /// The stage of a stable name.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// What a user sees for the stage (progress lines, the trace table).
    pub fn label(self, lang: Language) -> &'static str {
        let ko = lang == Language::Ko;
        match self {
            Stage::Route if ko => "조건 분석",
            Stage::Route => "Understanding",
            Stage::Text2Cypher if ko => "후보 검색",
            Stage::Text2Cypher => "Finding candidates",
            Stage::ReviewSearch if ko => "리뷰 검색",
            Stage::ReviewSearch => "Reading reviews",
            Stage::Backfill if ko => "비슷한 곳 보충",
            Stage::Backfill => "Similar places",
            Stage::Select if ko => "선택",
            Stage::Select => "Choosing",
            Stage::Answer if ko => "답 작성",
            Stage::Answer => "Writing the answer",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_round_trip() {
        let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "route",
                "text2cypher",
                "review_search",
                "backfill",
                "select",
                "answer"
            ]
        );
        for s in Stage::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), s);
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Stage::parse("text2_cypher"), None);
    }

    #[test]
    fn every_stage_has_a_label_in_each_language() {
        for s in Stage::ALL {
            let (ko, en) = (s.label(Language::Ko), s.label(Language::En));
            assert!(!ko.is_empty() && !en.is_empty() && ko != en, "{s}");
            assert!(en.is_ascii(), "{en}");
        }
    }
}
