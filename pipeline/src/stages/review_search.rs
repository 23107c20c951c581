//! Review search: the HyDE text (the review the ideal place would get) against the
//! candidates' reviews. The relative match adds up to [`REVIEW_WEIGHT`] to a candidate's
//! score, and its best-matching reviews are preferred as quotes. Without an open review
//! search the candidates keep their graph-signal order, and the trace says why.

use jeju_review_search::QueryEmbedding;

use crate::recommend::Candidate;
use crate::stages::Parts;
use crate::trace::{Fallback, FallbackReason};
use crate::turn::StageReport;

/// Stores the review search returns (the candidates it re-ranks).
pub const REVIEW_SEARCH_STORES: usize = 24;
/// Weight of the review match in a candidate's score (the best match adds this much; graph
/// signals add up to about 2.5): a tie-breaker. On the eval sets, whose soft asks are graph
/// signals (companion, age, busy time), more weight only lowered precision@3 (no-LLM, full
/// data: 0.747 without review search, 0.737 at 0.15, 0.707 at 0.3, 0.697 at 0.6).
pub const REVIEW_WEIGHT: f64 = 0.15;

pub(crate) async fn run(
    parts: &Parts,
    hyde: &str,
    hyde_embedding: Option<QueryEmbedding>,
    mut candidates: Vec<Candidate>,
) -> (Vec<Candidate>, StageReport) {
    let Some(reviews) = parts.reviews.get() else {
        let fallback = Fallback::new(
            FallbackReason::ReviewSearchUnavailable,
            parts.reviews.missing_reason(),
        );
        return (
            candidates,
            StageReport::new(format!("hyde: {hyde}")).with_fallback(Some(fallback)),
        );
    };
    if candidates.is_empty() {
        return (candidates, StageReport::new("no candidates to search"));
    }
    let ids: Vec<String> = candidates.iter().map(|c| c.id.clone()).collect();
    let query = hyde_embedding.unwrap_or_else(|| reviews.embed_in_background(hyde));
    let found = reviews
        .search_stores_embedded(query, Some(&ids), REVIEW_SEARCH_STORES)
        .await;
    let report = match found {
        Ok((matches, stats)) => {
            let best = matches.first().map(|m| m.score).unwrap_or(0.0);
            let worst = matches.last().map(|m| m.score).unwrap_or(0.0);
            let span = (best - worst).max(1e-3);
            for m in &matches {
                if let Some(c) = candidates.iter_mut().find(|c| c.id == m.store_id) {
                    // Relative to this search's matches: e5 similarities crowd 0.8–0.95.
                    let relative = f64::from((m.score - worst) / span);
                    c.score += REVIEW_WEIGHT * relative;
                    c.review_match = Some(m.score);
                    c.hyde_reviews = m.review_ids.iter().take(2).cloned().collect();
                }
            }
            candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
            StageReport::new(format!(
                "hyde: {hyde} → {} of {} candidates matched (best {best:.3}); embed {:.0} ms (started after the route), search {:.1} ms, {} hits ({})",
                matches.len(),
                ids.len(),
                stats.embed.as_secs_f64() * 1000.0,
                stats.search.as_secs_f64() * 1000.0,
                stats.hits,
                stats.backend
            ))
        }
        Err(e) => StageReport::new(format!("hyde: {hyde}")).with_fallback(Some(Fallback::new(
            FallbackReason::ReviewSearchFailed,
            format!("review search failed ({e}): ranking by graph signals only"),
        ))),
    };
    (candidates, report)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::fakes::{FakeGraph, FakeReviews};
    use crate::prompts::Prompts;

    fn candidate(id: &str, score: f64) -> Candidate {
        Candidate {
            score,
            ..Candidate::unscored(id)
        }
    }

    #[tokio::test]
    async fn without_an_index_the_order_stays_and_the_trace_says_why() {
        let parts = Parts::new(Arc::new(FakeGraph::default()), Prompts::load().unwrap());
        let (out, report) = run(&parts, "맛있어요", None, vec![candidate("a", 1.0)]).await;
        assert_eq!(out[0].id, "a");
        assert_eq!(
            report.fallback.map(|f| f.reason),
            Some(FallbackReason::ReviewSearchUnavailable)
        );
    }

    #[tokio::test]
    async fn the_best_review_match_lifts_a_close_candidate() {
        let mut parts = Parts::new(Arc::new(FakeGraph::default()), Prompts::load().unwrap());
        parts.reviews.state().open = Some(Arc::new(FakeReviews {
            matches: vec![("b", 0.93), ("a", 0.81)],
        }));
        let cands = vec![candidate("a", 1.0), candidate("b", 0.9)];
        let (out, report) = run(&parts, "부모님이 좋아하셨어요", None, cands).await;
        assert!(report.fallback.is_none(), "{report:?}");
        assert_eq!(out[0].id, "b");
        assert!((out[0].score - (0.9 + REVIEW_WEIGHT)).abs() < 1e-9);
        assert_eq!(out[0].hyde_reviews, ["R-b"]);
        assert_eq!(out[1].review_match, Some(0.81));
        let (none, report) = run(&parts, "x", None, Vec::new()).await;
        assert!(none.is_empty());
        assert_eq!(report.detail, "no candidates to search");
        let _ = &mut parts;
    }
}
