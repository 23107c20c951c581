//! Backfill: when fewer than [`PICKS`] stores meet every hard constraint, the request is
//! relaxed in a stated order (`crate::relax`: time, price, then the place widened by
//! distance; never the dish or the kind of place), and each store found says what it does
//! not meet. When fewer than [`MAX_CANDIDATES`] remain, the FastRP neighbours of the
//! candidates (cosine ≥ [`MIN_BACKFILL_SIMILARITY`] to their centroid) that have the asked
//! dish and kind of place, within the widest relaxation of the place, fill the shortlist;
//! they rank after the others and say so. Then the shortlist's cards are loaded.

use std::collections::{BTreeMap, HashSet};

use jeju_graph::Statement;

use crate::compose;
use crate::error::PipelineError;
use crate::intent::{Constraints, Intent};
use crate::ports::GraphPort;
use crate::recommend::{self, Candidate, Card, PICKS};
use crate::relax;
use crate::stages::text2cypher::MAX_CANDIDATES;
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason, TracedCandidate, TracedQuery};
use crate::turn::StageReport;

/// A graph-backfill neighbour must be at least this similar (cosine) to the candidates:
/// below it, FastRP vectors are noise (stores without visit keywords).
pub const MIN_BACKFILL_SIMILARITY: f32 = 0.6;

/// The backfill's output: the shortlist's ids and names with scores (for the trace) and
/// their cards, in order.
pub struct Shortlist {
    pub candidate_ids: Vec<String>,
    pub traced: Vec<TracedCandidate>,
    pub cards: Vec<Card>,
}

pub(crate) async fn run(
    parts: &Parts,
    intent: &Intent,
    keep_price: bool,
    mut candidates: Vec<Candidate>,
) -> Result<(Shortlist, StageReport), PipelineError> {
    candidates.truncate(MAX_CANDIDATES);
    let c = &intent.constraints;
    let mut report = StageReport::new(format!("{} candidates from the filters", candidates.len()));
    if candidates.len() < PICKS {
        relax(parts, c, keep_price, &mut candidates, &mut report).await?;
    }
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
                    .chain(c.exclude_ids.iter().cloned())
                    .collect();
                let want = MAX_CANDIDATES - candidates.len();
                // More neighbours than wanted: those without the asked dish or kind of place,
                // or beyond the widest relaxation around the asked place, are dropped.
                let near: Vec<String> = jeju_fastrp::nearest(&anchors, all, &exclude, want * 4)
                    .into_iter()
                    .filter(|(_, sim)| *sim >= MIN_BACKFILL_SIMILARITY)
                    .map(|(id, _)| id)
                    .collect();
                if !near.is_empty() {
                    let widest = relax::widest(c, keep_price);
                    let q = compose::candidate_query_relaxed(
                        &widest,
                        c,
                        Some(&near),
                        near.len() as u32,
                    );
                    let rows = parts.graph().records(&q).await?;
                    report.queries.push(TracedQuery::composed(q));
                    let mut extra = recommend::candidates_from_rows(&rows, &scoring(&widest, c));
                    // In the neighbours' order of similarity.
                    extra.sort_by_key(|e| near.iter().position(|n| *n == e.id));
                    extra.truncate(want);
                    for e in &mut extra {
                        e.backfilled = true;
                        forget_foreign_distance(c, e);
                    }
                    report.detail.push_str(&format!(
                        ", {} added by FastRP neighbours (with the asked dish and kind of place)",
                        extra.len()
                    ));
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
    let cards = recommend::load_cards(parts.graph(), &candidates, c).await?;
    let traced = candidates
        .iter()
        .filter_map(|x| {
            let card = cards.iter().find(|card| card.id == x.id)?;
            Some(TracedCandidate {
                id: x.id.clone(),
                name: card.name.clone(),
                score: x.score,
                backfilled: x.backfilled,
            })
        })
        .collect();
    Ok((
        Shortlist {
            candidate_ids,
            traced,
            cards,
        },
        report,
    ))
}

/// Fewer than [`PICKS`] candidates: first the graph's own strict matches (an LLM query may
/// have narrowed them), then the relaxation steps in order, until there are [`PICKS`].
async fn relax(
    parts: &Parts,
    c: &Constraints,
    keep_price: bool,
    candidates: &mut Vec<Candidate>,
    report: &mut StageReport,
) -> Result<(), PipelineError> {
    let found = |candidates: &Vec<Candidate>| -> Vec<String> {
        candidates
            .iter()
            .map(|x| x.id.clone())
            .chain(c.exclude_ids.iter().cloned())
            .collect()
    };
    let strict = Constraints {
        exclude_ids: found(candidates),
        ..c.clone()
    };
    let q = compose::candidate_query(&strict, MAX_CANDIDATES as u32);
    let rows = parts.graph().records(&q).await?;
    let more = recommend::candidates_from_rows(&rows, &strict);
    if !more.is_empty() {
        report.queries.push(TracedQuery::composed(q));
        report
            .detail
            .push_str(&format!(", {} more meet every constraint", more.len()));
        candidates.extend(more);
    }
    for step in relax::steps(c, keep_price) {
        if candidates.len() >= PICKS {
            break;
        }
        let widened = Constraints {
            exclude_ids: found(candidates),
            ..relax::relaxed(c, step)
        };
        let want = (MAX_CANDIDATES - candidates.len()) as u32;
        let q = compose::candidate_query_relaxed(&widened, c, None, want);
        let rows = parts.graph().records(&q).await?;
        report.queries.push(TracedQuery::composed(q));
        let mut extra = recommend::candidates_from_rows(&rows, &scoring(&widened, c));
        for e in &mut extra {
            e.relaxed = true;
            forget_foreign_distance(c, e);
        }
        report.detail.push_str(&format!(
            ", relaxed ({}): {} found",
            relax::describe(step),
            extra.len()
        ));
        candidates.extend(extra);
    }
    Ok(())
}

/// What a relaxed candidate is scored with: the relaxed filters (a widened place scores by
/// distance from it) with the asked time (its share still counts).
fn scoring(relaxed: &Constraints, asked: &Constraints) -> Constraints {
    Constraints {
        time: asked.time,
        ..relaxed.clone()
    }
}

/// A distance means "from the asked attraction or earlier pick"; from a region's centre it
/// is only the relaxation's (which states it), not a fact of the card.
fn forget_foreign_distance(asked: &Constraints, cand: &mut Candidate) {
    if asked.near_attraction.is_none() && asked.near_point.is_none() {
        cand.distance_m = None;
    }
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
    use crate::relax::Relaxation;

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

    /// A store in 한림읍, about 8 km west of 애월읍's centre.
    fn hallim(id: &'static str, v: [f64; 2]) -> FakeStore {
        FakeStore {
            region: "한림읍",
            lat: 33.41,
            lng: 126.27,
            ..store(id, v)
        }
    }

    #[tokio::test]
    async fn too_few_strict_matches_widen_the_place_and_each_store_says_what_it_misses() {
        let parts = parts(vec![
            store("a", [1.0, 0.0]),
            hallim("h1", [0.0, 1.0]),
            hallim("h2", [0.0, 1.0]),
            FakeStore {
                menu: vec![("고기국수", 9_000)],
                ..hallim("no-pork", [1.0, 0.0])
            },
        ]);
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cands = candidates_of(&parts, &["a"], &intent).await;
        let (short, report) = run(&parts, &intent, false, cands).await.unwrap();
        assert_eq!(short.candidate_ids, ["a", "h1", "h2"], "{}", report.detail);
        assert!(
            report
                .detail
                .contains("relaxed (within 10 km of the place): 2 found"),
            "{}",
            report.detail
        );
        assert!(short.cards[0].relaxed.is_empty());
        let Relaxation::Place {
            asked,
            region,
            distance_m,
        } = &short.cards[1].relaxed[0]
        else {
            panic!("{:?}", short.cards[1].relaxed);
        };
        assert_eq!(
            (asked.as_str(), region.as_deref()),
            ("애월읍", Some("한림읍"))
        );
        assert!(distance_m.is_some_and(|d| (1_000..10_000).contains(&d)));
    }

    #[tokio::test]
    async fn similar_neighbours_with_the_dish_fill_a_short_list_and_are_marked() {
        let parts = parts(vec![
            store("a", [1.0, 0.0]),
            store("b", [0.9, 0.1]),
            store("c", [0.9, 0.1]),
            store("near", [0.95, 0.05]),
            FakeStore {
                menu: vec![("고기국수", 9_000)],
                ..store("no-pork", [0.95, 0.05])
            },
            store("far", [0.0, 1.0]),
        ]);
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cands = candidates_of(&parts, &["a", "b", "c"], &intent).await;
        let (short, report) = run(&parts, &intent, false, cands).await.unwrap();
        assert!(report.fallback.is_none(), "{report:?}");
        assert_eq!(
            short.candidate_ids,
            ["a", "b", "c", "near"],
            "{}",
            report.detail
        );
        assert!(report.detail.contains("1 added by FastRP neighbours"));
        assert!(short.cards[3].backfilled && !short.cards[0].backfilled);
        assert!(
            short.cards[3].relaxed.is_empty(),
            "it meets every constraint"
        );
    }

    #[tokio::test]
    async fn without_vectors_nothing_is_filled_and_the_trace_says_why() {
        let parts = parts(vec![FakeStore::new("a", 4.0, 3)]);
        let intent = parse("애월읍 흑돼지 맛집 추천해줘");
        let cands = candidates_of(&parts, &["a"], &intent).await;
        let (short, report) = run(&parts, &intent, false, cands).await.unwrap();
        assert_eq!(short.candidate_ids, ["a"]);
        assert_eq!(
            report.fallback.map(|f| f.reason),
            Some(FallbackReason::NoStoreVectors)
        );
    }
}
