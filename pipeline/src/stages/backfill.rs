//! Backfill: when fewer than [`MAX_CANDIDATES`] stores pass the filters, the FastRP
//! neighbours of the candidates (cosine ≥ [`MIN_BACKFILL_SIMILARITY`] to their centroid) fill
//! the shortlist; they rank after the filtered ones and say so. Then the shortlist's cards
//! are loaded.

use std::collections::{BTreeMap, HashSet};

use jeju_graph::Statement;

use crate::compose;
use crate::error::PipelineError;
use crate::intent::Intent;
use crate::ports::GraphPort;
use crate::recommend::{self, Candidate, Card};
use crate::stages::text2cypher::MAX_CANDIDATES;
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason, TracedQuery};
use crate::turn::StageReport;

/// A graph-backfill neighbour must be at least this similar (cosine) to the candidates:
/// below it, FastRP vectors are noise (stores without visit keywords).
pub const MIN_BACKFILL_SIMILARITY: f32 = 0.6;

/// The backfill's output: the shortlist's ids (for the trace) and their cards, in order.
pub struct Shortlist {
    pub candidate_ids: Vec<String>,
    pub cards: Vec<Card>,
}

pub(crate) async fn run(
    parts: &Parts,
    intent: &Intent,
    mut candidates: Vec<Candidate>,
) -> Result<(Shortlist, StageReport), PipelineError> {
    candidates.truncate(MAX_CANDIDATES);
    let mut report = StageReport::new(format!("{} candidates from the filters", candidates.len()));
    if !candidates.is_empty() && candidates.len() < MAX_CANDIDATES {
        match parts.vectors().await {
            Ok(all) if !all.is_empty() => {
                let anchors: Vec<&[f32]> = candidates
                    .iter()
                    .filter_map(|c| all.get(&c.id).map(Vec::as_slice))
                    .collect();
                let exclude: HashSet<String> = candidates
                    .iter()
                    .map(|c| c.id.clone())
                    .chain(intent.constraints.exclude_ids.iter().cloned())
                    .collect();
                let want = MAX_CANDIDATES - candidates.len();
                let near: Vec<String> = jeju_fastrp::nearest(&anchors, all, &exclude, want)
                    .into_iter()
                    .filter(|(_, sim)| *sim >= MIN_BACKFILL_SIMILARITY)
                    .map(|(id, _)| id)
                    .collect();
                if !near.is_empty() {
                    let q = compose::candidate_query_for_ids(&intent.constraints, &near);
                    let rows = parts.graph().records(&q).await?;
                    report.queries.push(TracedQuery::composed(q));
                    let mut extra = recommend::candidates_from_rows(&rows, &intent.constraints);
                    for e in &mut extra {
                        e.backfilled = true;
                    }
                    report
                        .detail
                        .push_str(&format!(", {} added by FastRP neighbours", extra.len()));
                    candidates.extend(extra);
                } else {
                    report
                        .detail
                        .push_str(", no FastRP neighbour similar enough");
                }
            }
            Ok(_) => {
                report.fallback = Some(Fallback::new(
                    FallbackReason::NoStoreVectors,
                    "no FastRP vectors in the graph (re-run `jeju ingest`): not filled",
                ))
            }
            Err(e) => {
                report.fallback = Some(Fallback::new(
                    FallbackReason::StoreVectorsFailed,
                    format!("FastRP vectors unavailable ({e}): not filled"),
                ))
            }
        }
    }
    let candidate_ids = candidates.iter().map(|c| c.id.clone()).collect();
    let cards = recommend::load_cards(parts.graph(), &candidates, &intent.constraints).await?;
    Ok((
        Shortlist {
            candidate_ids,
            cards,
        },
        report,
    ))
}

/// Every store's FastRP vector by store id (empty when the graph has none): what the
/// backfill searches.
pub async fn load_store_vectors(
    graph: &dyn GraphPort,
) -> Result<BTreeMap<String, Vec<f32>>, PipelineError> {
    let text = "MATCH (s:Store) WHERE s.fastrp IS NOT NULL RETURN s.id AS id, s.fastrp AS v";
    let rows = graph.records(&Statement::text(text)).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let v: Vec<f64> = r.get("v").ok()?;
            Some((
                r.get::<String>("id").ok()?,
                v.into_iter().map(|x| x as f32).collect(),
            ))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::fakes::{FakeGraph, FakeStore};
    use crate::parse::parse;
    use crate::prompts::Prompts;

    fn store(id: &'static str, v: [f64; 2]) -> FakeStore {
        FakeStore {
            fastrp: Some(v.to_vec()),
            ..FakeStore::new(id, 4.0, 3)
        }
    }

    fn parts(stores: Vec<FakeStore>) -> Parts {
        Parts::new(
            Arc::new(FakeGraph::with_stores(stores)),
            Prompts::load().unwrap(),
        )
    }

    async fn candidates_of(parts: &Parts, ids: &[&str], intent: &Intent) -> Vec<Candidate> {
        let q = compose::candidate_query_for_ids(
            &intent.constraints,
            &ids.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        );
        recommend::candidates_from_rows(
            &parts.graph().records(&q).await.unwrap(),
            &intent.constraints,
        )
    }

    #[tokio::test]
    async fn similar_neighbours_fill_a_short_list_and_are_marked() {
        let parts = parts(vec![
            store("a", [1.0, 0.0]),
            store("b", [0.9, 0.1]),
            store("near", [0.95, 0.05]),
            store("far", [0.0, 1.0]),
        ]);
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cands = candidates_of(&parts, &["a", "b"], &intent).await;
        let (short, report) = run(&parts, &intent, cands).await.unwrap();
        assert!(report.fallback.is_none(), "{report:?}");
        assert_eq!(short.candidate_ids, ["a", "b", "near"], "{}", report.detail);
        assert!(report.detail.contains("1 added by FastRP neighbours"));
        assert_eq!(short.cards.len(), 3);
        assert!(short.cards[2].backfilled && !short.cards[0].backfilled);
    }

    #[tokio::test]
    async fn without_vectors_nothing_is_filled_and_the_trace_says_why() {
        let parts = parts(vec![FakeStore::new("a", 4.0, 3)]);
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cands = candidates_of(&parts, &["a"], &intent).await;
        let (short, report) = run(&parts, &intent, cands).await.unwrap();
        assert_eq!(short.candidate_ids, ["a"]);
        assert_eq!(
            report.fallback.map(|f| f.reason),
            Some(FallbackReason::NoStoreVectors)
        );
    }
}
