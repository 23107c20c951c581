//! From review hits to ranked stores.
//!
//! # The rule
//!
//! A store's score is its **best** review's cosine similarity plus a small bonus for a
//! **second** good review:
//!
//! ```text
//! score = best + SECOND_HIT_BONUS × clamp(1 − (best − second) / SECOND_HIT_WINDOW, 0, 1)
//! ```
//!
//! A second hit as close as the best adds [`SECOND_HIT_BONUS`] (0.02); one
//! [`SECOND_HIT_WINDOW`] (0.05) or more below the best adds nothing; in between, linearly.
//! Further hits add nothing, so a store with many mediocre reviews cannot outrank one with a
//! clearly better review: the bonus (≤ 0.02) is smaller than the gaps between a matching and
//! a non-matching review under e5 (typically 0.03–0.10). Relative to the best hit rather than
//! an absolute threshold because e5's similarities sit in a narrow band (≈ 0.75–0.92).
//!
//! Ties: higher best hit, then more hits, then the smaller store id (deterministic).

use std::collections::HashMap;

use jeju_vectors::Hit;
use serde::Serialize;

/// The most a second good review adds to a store's score.
pub const SECOND_HIT_BONUS: f32 = 0.02;
/// A second review this far (or more) below the store's best adds nothing.
pub const SECOND_HIT_WINDOW: f32 = 0.05;

/// One store found through its reviews.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreMatch {
    /// The store.
    pub store_id: String,
    /// The aggregated score (see the module docs); higher is better.
    pub score: f32,
    /// Cosine similarity of its best review.
    pub best: f32,
    /// Its reviews among the hits, best first.
    pub review_ids: Vec<String>,
    /// How many of the retrieved review hits belong to it.
    pub hits: usize,
}

/// The score of a store whose hits have these similarities, best first (see the module
/// docs). An empty slice scores `f32::NEG_INFINITY`.
pub fn store_score(sorted_scores: &[f32]) -> f32 {
    let Some(&best) = sorted_scores.first() else {
        return f32::NEG_INFINITY;
    };
    let bonus = sorted_scores.get(1).map_or(0.0, |&second| {
        let closeness = 1.0 - (best - second) / SECOND_HIT_WINDOW;
        SECOND_HIT_BONUS * closeness.clamp(0.0, 1.0)
    });
    best + bonus
}

/// Groups `hits` by store, scores each store, and returns the best `k_stores`, best first.
pub fn aggregate(hits: &[Hit], k_stores: usize) -> Vec<StoreMatch> {
    let mut by_store: HashMap<&str, Vec<&Hit>> = HashMap::new();
    for h in hits {
        by_store.entry(h.store_id.as_str()).or_default().push(h);
    }
    let mut out: Vec<StoreMatch> = by_store
        .into_iter()
        .map(|(store, mut hs)| {
            hs.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.review_id.cmp(&b.review_id))
            });
            let scores: Vec<f32> = hs.iter().map(|h| h.score).collect();
            StoreMatch {
                store_id: store.to_owned(),
                score: store_score(&scores),
                best: scores[0],
                review_ids: hs.iter().map(|h| h.review_id.clone()).collect(),
                hits: hs.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| b.best.total_cmp(&a.best))
            .then_with(|| b.hits.cmp(&a.hits))
            .then_with(|| a.store_id.cmp(&b.store_id))
    });
    out.truncate(k_stores);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(review: &str, store: &str, score: f32) -> Hit {
        Hit {
            review_id: review.into(),
            store_id: store.into(),
            score,
        }
    }

    fn close(a: f32, b: f32) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn score_is_best_plus_bounded_second_hit_bonus() {
        assert_eq!(store_score(&[]), f32::NEG_INFINITY);
        assert!(close(store_score(&[0.8]), 0.8));
        // A second hit equal to the best: full bonus.
        assert!(close(store_score(&[0.8, 0.8]), 0.82));
        // Half the window below: half the bonus.
        assert!(close(store_score(&[0.8, 0.775]), 0.81));
        // At or beyond the window: nothing.
        assert!(close(store_score(&[0.8, 0.75]), 0.8));
        assert!(close(store_score(&[0.8, 0.1]), 0.8));
        // Third and later hits add nothing.
        assert!(close(store_score(&[0.8, 0.8, 0.8, 0.8]), 0.82));
    }

    #[test]
    fn many_mediocre_reviews_do_not_beat_one_clearly_better_review() {
        let hits = vec![
            hit("a1", "A", 0.86),
            hit("b1", "B", 0.83),
            hit("b2", "B", 0.83),
            hit("b3", "B", 0.83),
            hit("b4", "B", 0.82),
        ];
        let stores = aggregate(&hits, 10);
        assert_eq!(stores[0].store_id, "A");
        assert_eq!(stores[1].store_id, "B");
        assert_eq!(stores[1].hits, 4);
        assert!(close(stores[1].score, 0.85));
        assert!(close(stores[1].best, 0.83));
    }

    #[test]
    fn a_second_good_hit_breaks_a_near_tie() {
        // A's best is a hair better; B has a second review just as good.
        let hits = vec![
            hit("a1", "A", 0.850),
            hit("a2", "A", 0.700),
            hit("b1", "B", 0.845),
            hit("b2", "B", 0.840),
        ];
        let stores = aggregate(&hits, 10);
        let ids: Vec<&str> = stores.iter().map(|s| s.store_id.as_str()).collect();
        assert_eq!(ids, ["B", "A"]);
        assert!(close(stores[0].score, 0.845 + 0.02 * 0.9));
        assert!(close(stores[1].score, 0.85));
    }

    #[test]
    fn review_ids_best_first_ties_deterministic_and_k_respected() {
        let hits = vec![
            hit("c2", "C", 0.70),
            hit("c1", "C", 0.90),
            hit("c3", "C", 0.80),
            hit("d1", "D", 0.60),
            hit("e1", "E", 0.60),
            hit("f1", "F", 0.50),
        ];
        let stores = aggregate(&hits, 3);
        assert_eq!(stores.len(), 3);
        assert_eq!(stores[0].store_id, "C");
        assert_eq!(stores[0].review_ids, ["c1", "c3", "c2"]);
        assert_eq!(stores[0].hits, 3);
        // Equal scores: the smaller store id first.
        assert_eq!(stores[1].store_id, "D");
        assert_eq!(stores[2].store_id, "E");
        assert!(aggregate(&hits, 0).is_empty());
        assert!(aggregate(&[], 5).is_empty());
    }
}
