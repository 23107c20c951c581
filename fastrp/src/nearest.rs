//! Brute-force cosine neighbours of a centroid.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

/// The `k` entries of `all` most similar (cosine) to the centroid of `query`, best first,
/// ties by id; ids in `exclude` are skipped.
///
/// The centroid is the mean of the query vectors after each is L2-normalised, so every
/// candidate counts equally whatever its norm. Query vectors whose length differs from the
/// first one's, zero vectors and vectors with non-finite entries are ignored, and so are
/// entries of `all` of another length or with zero norm. An empty query, a centroid of zero
/// norm (vectors that cancel out) or `k == 0` give an empty result.
///
/// Brute force: one dot product per store, about 0.6 M multiply-adds for 9,250 × 64.
pub fn nearest(
    query: &[&[f32]],
    all: &BTreeMap<String, Vec<f32>>,
    exclude: &HashSet<String>,
    k: usize,
) -> Vec<(String, f32)> {
    let Some(centroid) = centroid(query) else {
        return Vec::new();
    };
    if k == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(&String, f32)> = all
        .iter()
        .filter(|(id, v)| v.len() == centroid.len() && !exclude.contains(*id))
        .filter_map(|(id, v)| {
            let norm = dot(v, v).sqrt();
            (norm > 0.0 && norm.is_finite()).then(|| (id, dot(&centroid, v) / norm))
        })
        .collect();
    // Best first; NaN (not reachable with finite inputs) sorts last; equal scores by id.
    let order = |a: &(&String, f32), b: &(&String, f32)| -> Ordering {
        let score = |x: f32| if x.is_nan() { f32::NEG_INFINITY } else { x };
        score(b.1).total_cmp(&score(a.1)).then_with(|| a.0.cmp(b.0))
    };
    if scored.len() > k {
        scored.select_nth_unstable_by(k - 1, order);
        scored.truncate(k);
    }
    scored.sort_unstable_by(order);
    scored
        .into_iter()
        .map(|(id, score)| (id.clone(), score))
        .collect()
}

/// Unit-length mean direction of the usable query vectors.
fn centroid(query: &[&[f32]]) -> Option<Vec<f32>> {
    let dims = query.first()?.len();
    let mut sum = vec![0f32; dims];
    for v in query.iter().filter(|v| v.len() == dims) {
        let norm = dot(v, v).sqrt();
        if norm > 0.0 && norm.is_finite() {
            for (s, x) in sum.iter_mut().zip(v.iter()) {
                *s += x / norm;
            }
        }
    }
    let norm = dot(&sum, &sum).sqrt();
    if norm > 1e-12 && norm.is_finite() {
        sum.iter_mut().for_each(|x| *x /= norm);
        Some(sum)
    } else {
        None
    }
}

/// Dot product with eight independent partial sums, so the compiler can vectorise it
/// (a single running sum is a chain of dependent additions).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in a8.zip(b8) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}
