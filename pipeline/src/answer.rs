//! What a turn returns: the structured answer (search rows or picks), its text and trace.

use jeju_graph::Record;
use serde::Serialize;

use crate::intent::{Intent, Lang, Measure};
use crate::recommend::Pick;
use crate::trace::Trace;

/// A row of a search answer.
#[derive(Debug, Clone, Serialize)]
pub struct SearchRow {
    pub id: String,
    pub name: String,
    pub value: f64,
}

/// The structured result of a turn.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AnswerBody {
    Search {
        rows: Vec<SearchRow>,
        count: Option<i64>,
    },
    Recommend {
        picks: Vec<Pick>,
    },
    /// Not answered: outside Jeju, another topic, or nothing to ground (`crate::scope`).
    Declined {
        reason: jeju_api::DeclineReason,
        /// The place or topic word that decided it.
        word: Option<String>,
        /// The off-topic topic (`weather`, `lodging`, …).
        topic: Option<String>,
    },
}

/// A turn's answer: intent, structured body, rendered text and trace.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// What the turn answered: the question, or for a follow-up the earlier request with the
    /// follow-up appended ("애월 흑돼지 추천 → 더 저렴한 곳은?").
    pub request: String,
    pub intent: Intent,
    /// What each word of the question became, and the words nothing explains (named in
    /// the text).
    pub understanding: crate::understand::Understanding,
    pub body: AnswerBody,
    pub text: String,
    /// A data answer's opening sentence: what was counted or ranked, and the answer
    /// (`prompts/search_sentence.tera`); `None` for recommendations and declined questions.
    pub sentence: Option<String>,
    /// Shown above the answer when a part did not work and a fallback answered (e.g. the LLM
    /// did not respond); `None` when every configured part worked.
    pub notice: Option<String>,
    pub trace: Trace,
}

impl AnswerBody {
    /// The answer of a search query's rows: the count (`value` of the first row) for a
    /// how-many question, else the rows that have an `id`, a `name` and a numeric `value`.
    pub fn from_search_rows(intent: &Intent, rows: &[Record]) -> AnswerBody {
        if matches!(
            intent.goal.as_ref().map(|g| &g.measure),
            Some(Measure::Count)
        ) {
            let count = rows.first().and_then(|r| r.get::<i64>("value").ok());
            return AnswerBody::Search {
                rows: Vec::new(),
                count,
            };
        }
        let rows = rows
            .iter()
            .filter_map(|r| {
                Some(SearchRow {
                    id: r.get("id").ok()?,
                    name: r.get("name").ok()?,
                    value: r
                        .get::<f64>("value")
                        .or_else(|_| r.get::<i64>("value").map(|v| v as f64))
                        .ok()?,
                })
            })
            .collect();
        AnswerBody::Search { rows, count: None }
    }

    /// How many answers a search body holds: its rows, or one for a count; 0 for picks.
    pub fn answered(&self) -> usize {
        match self {
            AnswerBody::Search { rows, count } => rows.len().max(usize::from(count.is_some())),
            AnswerBody::Recommend { .. } | AnswerBody::Declined { .. } => 0,
        }
    }

    /// Keeps the first `top` search rows; returns how many were cut.
    pub fn keep_top(&mut self, top: usize) -> usize {
        match self {
            AnswerBody::Search { rows, .. } if rows.len() > top => {
                let cut = rows.len() - top;
                rows.truncate(top);
                cut
            }
            _ => 0,
        }
    }
}

impl Answer {
    /// The store ids the answer names (picks or search rows), in order.
    pub fn ids(&self) -> Vec<String> {
        match &self.body {
            AnswerBody::Search { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
            AnswerBody::Recommend { picks } => picks.iter().map(|p| p.card.id.clone()).collect(),
            AnswerBody::Declined { .. } => Vec::new(),
        }
    }
}

/// A search row's value as the answer shows it: a share as "42.0%", a count or a rating as
/// the number.
pub fn search_value_text(intent: &Intent, value: f64) -> String {
    let ratio = matches!(
        intent.goal.as_ref().map(|g| &g.measure),
        Some(Measure::Property { property, .. }) if property.ends_with("_ratio")
    );
    let opened = matches!(
        intent.goal.as_ref().map(|g| &g.measure),
        Some(Measure::Property { property, .. }) if property == crate::compose::OPENED
    );
    if ratio {
        format!("{:.1}%", value * 100.0)
    } else if opened {
        // 20221212 → 2022-12-12
        let d = value as i64;
        format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100)
    } else {
        format!("{value}")
    }
}

/// What a search answer's values measure ("30대 손님 비중"); empty for a count.
pub fn search_measure_label(intent: &Intent) -> String {
    match intent.goal.as_ref().map(|g| &g.measure) {
        Some(Measure::Property { property, .. }) => {
            crate::lexicon::measure_label(property, intent.lang == Lang::Ko)
        }
        Some(Measure::VisitKeyword { companion }) => {
            let label = crate::lexicon::companion_label(*companion, intent.lang == Lang::Ko);
            match intent.lang {
                Lang::Ko => format!("'{label}' 방문 리뷰 수"),
                Lang::En => format!("reviews of visits {label}"),
            }
        }
        _ => String::new(),
    }
}
