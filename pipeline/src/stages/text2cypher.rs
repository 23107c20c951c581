//! Text2cypher: the query that answers. With an LLM and a fresh question, the model writes
//! it (`llm_cypher`: guarded, checked, repaired once); otherwise, or when the LLM's query
//! does not serve, the query composed from the constraints (`compose`) answers. Which of the
//! two answers is decided by the pure functions [`search_choice`] and [`recommend_choice`].

use crate::answer::AnswerBody;
use crate::compose;
use crate::error::PipelineError;
use crate::intent::{Intent, Route};
use crate::llm_cypher::{self, Text2CypherError};
use crate::recommend::{self, Candidate};
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason, TracedQuery};
use crate::turn::{LlmGate, StageReport};

/// Candidates handed on to the select stage at most (the shortlist).
pub const MAX_CANDIDATES: usize = 6;
/// Rows the candidate query may return.
pub const CANDIDATE_LIMIT: u32 = 500;

/// What the query found.
pub enum Retrieved {
    /// A data question's answer.
    Search(AnswerBody),
    /// A recommendation's stores that pass the hard constraints, best first.
    Candidates(Vec<Candidate>),
}

/// Which query answers a data question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchChoice {
    /// The LLM's rows.
    Llm,
    /// The composed query's rows: the LLM's answered fewer than asked, the composed more.
    Composed,
}

/// Whether the composed search query must be run to compare: the LLM's query answered fewer
/// than asked (none, `LIMIT 1` for "3 places", or a store without the value sorted first).
pub fn search_needs_comparison(llm_answered: usize, wanted: usize) -> bool {
    llm_answered < wanted
}

/// The query whose answer a data question gets: the LLM's, unless it answered fewer than
/// asked and the composed query answered more.
pub fn search_choice(
    llm_answered: usize,
    wanted: usize,
    composed_answered: Option<usize>,
) -> SearchChoice {
    match composed_answered {
        Some(c) if search_needs_comparison(llm_answered, wanted) && c > llm_answered => {
            SearchChoice::Composed
        }
        _ => SearchChoice::Llm,
    }
}

/// What a recommendation does with the LLM's query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecommendChoice {
    /// The query found no store: the composed query answers.
    FoundNothing,
    /// None of its stores passes the hard constraints: the composed query answers.
    OutsideFilters,
    /// Its stores that pass the hard constraints are the candidates; `top_up`: they are fewer
    /// than the shortlist, so the composed query's best stores fill it (rather than FastRP
    /// neighbours that break the filters).
    Llm { top_up: bool },
}

/// The choice for a recommendation whose LLM query returned `llm_ids` stores of which
/// `passing` pass the hard constraints.
pub fn recommend_choice(llm_ids: usize, passing: usize) -> RecommendChoice {
    if llm_ids == 0 {
        RecommendChoice::FoundNothing
    } else if passing == 0 {
        RecommendChoice::OutsideFilters
    } else {
        RecommendChoice::Llm {
            top_up: passing < MAX_CANDIDATES,
        }
    }
}

/// Whether the LLM's query can change the answer: the composed query expresses every
/// constraint the rules read, so the model writes Cypher only for what the composer cannot
/// express — a data question it has no query for, or words of the question nothing in the
/// rules' vocabulary explained (`unexplained`). A follow-up is revised by the session and
/// always composed.
pub fn llm_query_can_help(intent: &Intent, fresh: bool, unexplained: bool) -> bool {
    fresh
        && (unexplained
            || (intent.route == Route::Search && compose::search_query(intent).is_none()))
}

pub(crate) async fn run(
    parts: &Parts,
    gate: &mut LlmGate<'_>,
    intent: &Intent,
    question: &str,
    fresh: bool,
    unexplained: bool,
) -> Result<(Retrieved, StageReport), PipelineError> {
    let mut report = StageReport::default();
    let mut skipped = "";
    let fallback = match gate.get() {
        Ok(_) if !fresh => None,
        Ok(_) if !llm_query_can_help(intent, fresh, unexplained) => {
            skipped = " [the composed query expresses every constraint: no LLM call]";
            None
        }
        Ok(llm) => {
            let schema = parts.schema().await?.render_for(intent, question);
            let generated = llm_cypher::generate(
                llm,
                &parts.prompts,
                parts.graph(),
                &schema,
                intent,
                question,
                &mut report.llm,
            )
            .await;
            match generated {
                Ok(g) => {
                    let repaired = g
                        .repaired
                        .as_ref()
                        .map(|p| format!(" (repaired after: {p})"))
                        .unwrap_or_default();
                    report
                        .queries
                        .push(TracedQuery::llm(g.checked.cypher.clone()));
                    if intent.route == Route::Search {
                        let body =
                            llm_search(parts, intent, &g.rows, &repaired, &mut report).await?;
                        return Ok((Retrieved::Search(body), report));
                    }
                    match llm_recommend(parts, intent, &g.rows, &repaired, &mut report).await? {
                        Ok(candidates) => return Ok((Retrieved::Candidates(candidates), report)),
                        Err(fallback) => Some(fallback),
                    }
                }
                Err(e) => {
                    let reason = match &e {
                        Text2CypherError::Llm(le) => {
                            gate.note_error(le);
                            FallbackReason::LlmFailed
                        }
                        _ => FallbackReason::LlmQueryRejected,
                    };
                    Some(Fallback::new(
                        reason,
                        format!("LLM query not used ({e}): composed query"),
                    ))
                }
            }
        }
        Err(why) => Some(why.fallback("composed query")),
    };
    report.fallback = fallback;
    let follow_up = if fresh {
        skipped
    } else {
        " (follow-up: composed from the revised constraints)"
    };
    if intent.route == Route::Search {
        if let Some(q) = compose::search_query(intent) {
            let rows = parts.graph().records(&q).await?;
            let body = AnswerBody::from_search_rows(intent, &rows);
            report.queries.push(TracedQuery::composed(q));
            report.detail = format!("composed search query{follow_up}");
            return Ok((Retrieved::Search(body), report));
        }
    }
    let q = compose::candidate_query(&intent.constraints, CANDIDATE_LIMIT);
    let rows = parts.graph().records(&q).await?;
    report.queries.push(TracedQuery::composed(q));
    let candidates = recommend::candidates_from_rows(&rows, &intent.constraints);
    report.detail = format!(
        "{} stores pass the hard constraints{follow_up}",
        candidates.len()
    );
    Ok((Retrieved::Candidates(candidates), report))
}

/// A data question answered by the LLM's rows, or by the composed query's when those answer
/// more of what was asked.
async fn llm_search(
    parts: &Parts,
    intent: &Intent,
    rows: &[jeju_graph::Record],
    repaired: &str,
    report: &mut StageReport,
) -> Result<AnswerBody, PipelineError> {
    // Only rows with an id, a name and a value answer: `ORDER BY value DESC` without
    // `IS NOT NULL` puts stores without the value first.
    let mut body = AnswerBody::from_search_rows(intent, rows);
    let found = body.answered();
    let unusable = rows.len().saturating_sub(found);
    let wanted = intent.goal.as_ref().map_or(1, |g| (g.top as usize).max(1));
    if search_needs_comparison(found, wanted) {
        if let Some(q) = compose::search_query(intent) {
            let composed = parts.graph().records(&q).await?;
            let composed = AnswerBody::from_search_rows(intent, &composed);
            if search_choice(found, wanted, Some(composed.answered())) == SearchChoice::Composed {
                report.queries.push(TracedQuery::composed(q));
                report.detail = format!("composed search query{repaired}");
                report.fallback = Some(Fallback::new(
                    FallbackReason::LlmQueryAnsweredFewer,
                    format!("the LLM query answered {found} of the asked {wanted}: composed query"),
                ));
                return Ok(composed);
            }
        }
    }
    // The question asked for the top N: a larger LIMIT does not widen the answer ("가장 높은
    // 곳" is one place).
    let top = intent.goal.as_ref().map_or(usize::MAX, |g| g.top as usize);
    let mut notes = String::new();
    if unusable > 0 {
        notes.push_str(&format!(
            " ({unusable} rows without an id, name or value left out)"
        ));
    }
    let cut = body.keep_top(top.max(1));
    if cut > 0 {
        notes.push_str(&format!(" ({cut} rows over the asked top {top} cut)"));
    }
    report.detail = format!("LLM query{repaired}{notes}");
    Ok(body)
}

/// A recommendation's candidates from the LLM's stores (the hard constraints still hold: the
/// LLM can narrow, never widen), topped up from the composed query; `Err` is the fallback
/// when its stores do not serve.
async fn llm_recommend(
    parts: &Parts,
    intent: &Intent,
    rows: &[jeju_graph::Record],
    repaired: &str,
    report: &mut StageReport,
) -> Result<Result<Vec<Candidate>, Fallback>, PipelineError> {
    let mut ids: Vec<String> = Vec::new();
    for r in rows {
        if let Ok(id) = r.get::<String>("id") {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let mut candidates = Vec::new();
    if !ids.is_empty() {
        let q = compose::candidate_query_within(&intent.constraints, &ids, CANDIDATE_LIMIT);
        let rows = parts.graph().records(&q).await?;
        report.queries.push(TracedQuery::composed(q));
        candidates = recommend::candidates_from_rows(&rows, &intent.constraints);
    }
    let narrowed = candidates.len();
    let top_up = match recommend_choice(ids.len(), narrowed) {
        RecommendChoice::FoundNothing => {
            return Ok(Err(Fallback::new(
                FallbackReason::LlmQueryFoundNothing,
                "the LLM query found no store: composed query",
            )))
        }
        RecommendChoice::OutsideFilters => {
            return Ok(Err(Fallback::new(
                FallbackReason::LlmQueryOutsideFilters,
                format!(
                    "none of the {} stores of the LLM query passes the hard constraints: composed query",
                    ids.len()
                ),
            )))
        }
        RecommendChoice::Llm { top_up } => top_up,
    };
    let mut topped = String::new();
    if top_up {
        let q = compose::candidate_query(&intent.constraints, CANDIDATE_LIMIT);
        let rows = parts.graph().records(&q).await?;
        report.queries.push(TracedQuery::composed(q));
        for c in recommend::candidates_from_rows(&rows, &intent.constraints) {
            if candidates.len() >= MAX_CANDIDATES {
                break;
            }
            if !candidates.iter().any(|k| k.id == c.id) {
                candidates.push(c);
            }
        }
        if candidates.len() > narrowed {
            topped = format!(
                "; {} more from the composed query",
                candidates.len() - narrowed
            );
        }
    }
    report.detail = format!(
        "LLM query found {} stores, {narrowed} pass the hard constraints{topped}{repaired}",
        ids.len(),
    );
    Ok(Ok(candidates))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::fakes::{FakeGraph, FakeModel, FakeStore};
    use crate::parse::parse;
    use crate::prompts::Prompts;

    const TOP3: &str = "한림읍 카페 중 30대 비중이 가장 높은 3곳은?";
    const LLM_TOP1: &str = "MATCH (s:Store) WHERE s.region = '한림읍' AND s.type = '커피' RETURN s.id AS id, s.name AS name, s.age_30_ratio AS value ORDER BY value DESC LIMIT 1";

    fn parts(generated: Vec<jeju_graph::Record>) -> Parts {
        let graph = FakeGraph {
            generated_rows: generated,
            ..FakeGraph::with_stores(
                [("S1", 4.9, 30), ("S2", 4.1, 3), ("S3", 3.5, 1)]
                    .into_iter()
                    .map(|(id, rating, reviews)| FakeStore {
                        region: "한림읍",
                        ..FakeStore::new(id, rating, reviews)
                    })
                    .collect(),
            )
        };
        Parts::new(Arc::new(graph), Prompts::load().unwrap())
    }

    #[tokio::test]
    async fn an_llm_search_that_answers_fewer_than_asked_gives_way_to_the_composed_query() {
        let one = jeju_graph::Record::new([
            ("id", json!("S9")),
            ("name", json!("x")),
            ("value", json!(0.5)),
        ]);
        let parts = parts(vec![one]);
        let model = FakeModel::new(|_| Ok(LLM_TOP1.to_owned()));
        let mut gate = LlmGate::new(Some(&model));
        let intent = parse(TOP3);
        // A word the rules left unexplained: the LLM writes the query.
        let (found, report) = run(&parts, &mut gate, &intent, TOP3, true, true)
            .await
            .unwrap();
        let Retrieved::Search(body) = found else {
            panic!("a search answer")
        };
        assert_eq!(body.answered(), 3);
        assert_eq!(
            report.fallback.as_ref().map(|f| f.reason),
            Some(FallbackReason::LlmQueryAnsweredFewer),
            "{report:?}"
        );
        // The LLM's query and the composed one that answered are both in the trace.
        let sources: Vec<_> = report.queries.iter().map(|q| q.source).collect();
        assert_eq!(
            sources,
            [
                crate::trace::QuerySource::Llm,
                crate::trace::QuerySource::Composed
            ]
        );
    }

    #[tokio::test]
    async fn a_follow_up_is_composed_without_asking_the_llm() {
        let parts = parts(Vec::new());
        let model = FakeModel::new(|_| panic!("the LLM was asked"));
        let mut gate = LlmGate::new(Some(&model));
        let intent = parse("한림읍 흑돼지 맛집 추천해줘");
        let (found, report) = run(&parts, &mut gate, &intent, "더 저렴한 곳은?", false, true)
            .await
            .unwrap();
        let Retrieved::Candidates(c) = found else {
            panic!("candidates")
        };
        assert_eq!(c.len(), 3);
        assert!(report.fallback.is_none());
        assert_eq!(
            report.detail,
            "3 stores pass the hard constraints (follow-up: composed from the revised constraints)"
        );
    }

    #[tokio::test]
    async fn a_question_the_rules_fully_read_is_composed_without_asking_the_llm() {
        let parts = parts(Vec::new());
        let model = FakeModel::new(|_| panic!("the LLM was asked"));
        let mut gate = LlmGate::new(Some(&model));
        let q = "한림읍 흑돼지 맛집 추천해줘";
        let intent = parse(q);
        let (found, report) = run(&parts, &mut gate, &intent, q, true, false)
            .await
            .unwrap();
        let Retrieved::Candidates(c) = found else {
            panic!("candidates")
        };
        assert_eq!(c.len(), 3);
        assert!(report.fallback.is_none());
        assert_eq!(report.llm.calls, 0);
        assert!(
            report
                .detail
                .ends_with("[the composed query expresses every constraint: no LLM call]"),
            "{}",
            report.detail
        );
        // The same for a data question the composer has a query for.
        let intent = parse(TOP3);
        assert!(compose::search_query(&intent).is_some());
        assert!(!llm_query_can_help(&intent, true, false));
        assert!(llm_query_can_help(&intent, true, true));
        assert!(!llm_query_can_help(&intent, false, true), "a follow-up");
    }

    #[test]
    fn the_llm_answers_a_data_question_unless_it_answered_fewer_and_the_composed_query_more() {
        assert_eq!(search_choice(3, 3, None), SearchChoice::Llm);
        // Enough rows: the composed query is not even run.
        assert!(!search_needs_comparison(3, 3));
        assert!(!search_needs_comparison(5, 3));
        assert_eq!(search_choice(3, 3, Some(10)), SearchChoice::Llm);
        // Fewer than asked: the composed query wins only with more.
        assert!(search_needs_comparison(1, 3));
        assert_eq!(search_choice(1, 3, Some(3)), SearchChoice::Composed);
        assert_eq!(search_choice(1, 3, Some(1)), SearchChoice::Llm);
        assert_eq!(search_choice(0, 1, Some(0)), SearchChoice::Llm);
        assert_eq!(search_choice(0, 1, None), SearchChoice::Llm);
        assert_eq!(search_choice(0, 1, Some(1)), SearchChoice::Composed);
    }

    #[test]
    fn a_recommendation_uses_the_llm_stores_that_pass_the_filters() {
        assert_eq!(recommend_choice(0, 0), RecommendChoice::FoundNothing);
        assert_eq!(recommend_choice(4, 0), RecommendChoice::OutsideFilters);
        assert_eq!(
            recommend_choice(1, 1),
            RecommendChoice::Llm { top_up: true }
        );
        assert_eq!(
            recommend_choice(9, MAX_CANDIDATES - 1),
            RecommendChoice::Llm { top_up: true }
        );
        assert_eq!(
            recommend_choice(20, MAX_CANDIDATES),
            RecommendChoice::Llm { top_up: false }
        );
    }
}
