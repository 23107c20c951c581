//! FastRP: very sparse random projection followed by neighbourhood averaging.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::graph::{Csr, Graph};

/// Sparsity `s` of the initial random vectors: each entry is `+1` with probability
/// `1/(2s)`, `-1` with probability `1/(2s)` and `0` otherwise (Achlioptas 2003; also GDS's
/// choice). With `s = 3` a 64-d vector has about 21 non-zeros, so two nodes' initial vectors
/// are nearly orthogonal (|cos| ≈ 0.1 on average) even for the many low-degree review
/// nodes. Li et al.'s `s = √D` ("very sparse"; 1/√d ≈ 1/8 non-zeros here) pays off when
/// the projection itself is the cost; here the vectors are propagated densely anyway, so
/// sparser would save nothing and only make chance overlaps between a few non-zeros
/// (hence cosines far from 0) more common.
pub const SPARSITY: u32 = 3;

/// Parameters of [`fastrp`].
#[derive(Debug, Clone, PartialEq)]
pub struct FastRpConfig {
    /// Length of every embedding.
    pub dims: usize,
    /// `iteration_weights[i]` weighs the embedding after `i + 1` propagation steps
    /// (GDS semantics: the initial random vector itself has no weight; the number of
    /// iterations is the length of this list). Non-finite weights count as 0.
    pub iteration_weights: Vec<f32>,
    /// β: each node's initial vector is scaled by `degree^β` (weighted degree; isolated
    /// nodes use 1), so β < 0 discounts hubs and β > 0 favours them. Non-finite counts as 0.
    pub normalization_strength: f32,
    /// Seed of the ChaCha8 generator of the initial vectors.
    pub seed: u64,
}

impl Default for FastRpConfig {
    /// 64 dimensions, weights `[1.0, 0.5, 0.25]`, β = 0, seed 42.
    ///
    /// Tuned for [`crate::store_embeddings`] (GDS's default is `[0.0, 1.0, 1.0]`). There a
    /// store's 1-hop average already holds its keyword mix (Store–VisitKeyword edges), and
    /// each further hop mostly adds what *all* stores share (the keywords' own neighbourhoods
    /// span thousands of stores), which raises every cosine and blurs the differences.
    /// Halving the weight per hop keeps the 1-hop signal first and lets 2 and 3 hops smooth
    /// stores with few reviews towards keywords that co-occur with theirs. On the full
    /// synthetic set (measure of [`crate::STORE_KEYWORD_WEIGHT`], printed by the ignored
    /// test `full_data_timings`): 1.93 for these weights, 1.80 for GDS's `[0, 1, 1]` and for
    /// `[0, 1, 1, 0.5]`, 1.90 for `[1, 1, 1]`, 1.95 for `[1]` alone. β = 0.5 gained nothing
    /// (1.93 against 1.96 in the same run), β = −0.5 lost (1.27: it discounts the keyword
    /// hubs that carry the signal). 128 dimensions scored 1.97 for twice the time, 32
    /// dimensions 1.91.
    fn default() -> Self {
        FastRpConfig {
            dims: 64,
            iteration_weights: vec![1.0, 0.5, 0.25],
            normalization_strength: 0.0,
            seed: 42,
        }
    }
}

/// FastRP embeddings of every node of `graph`, indexed by [`crate::NodeId::index`].
///
/// 1. Each node `v` gets a sparse random vector `r_v` (see [`SPARSITY`]) from its own
///    ChaCha8 stream (seed = `config.seed`, stream = `v`), L2-normalised, then scaled by
///    `degree(v)^β`. Normalising first makes every neighbour count by its edge weight, not
///    by how many non-zeros it happened to draw.
/// 2. `e⁰ = r`; for `i = 1..=k` (`k` = number of weights): `eⁱ_v = normalize(Σ_u w_vu ·
///    eⁱ⁻¹_u)`. This is the degree-normalised mean of the neighbours (`D⁻¹A`) followed by
///    L2 normalisation as in GDS; dividing by the degree only rescales a node's vector,
///    which the normalisation undoes, so it is skipped.
/// 3. `e_v = normalize(Σ_i iteration_weights[i-1] · eⁱ_v)`.
///
/// Every returned vector has unit L2 norm (when `dims > 0`). A node whose weighted sum is
/// the zero vector — an isolated node, a node whose only edges have weight 0, or every node
/// when all weights are 0 — gets its own normalised initial vector instead, so it is
/// nearly orthogonal to everything rather than undefined. An empty graph gives an empty
/// result (and so does a `dims` so large that `node_count × dims` overflows `usize`).
///
/// Cost: `O((n + m) · dims · k)` time for `n` nodes, `m` edges and `k` steps (trailing zero
/// weights are not computed), three `n × dims` f32 buffers of memory, one thread.
pub fn fastrp(graph: &Graph, config: &FastRpConfig) -> Vec<Vec<f32>> {
    let d = config.dims;
    let flat = fastrp_flat(graph, config);
    if d == 0 {
        return vec![Vec::new(); graph.node_count()];
    }
    flat.chunks_exact(d).map(<[f32]>::to_vec).collect()
}

/// [`fastrp`] as one row-major `node_count × dims` matrix.
pub(crate) fn fastrp_flat(graph: &Graph, config: &FastRpConfig) -> Vec<f32> {
    let n = graph.node_count();
    let d = config.dims;
    if n == 0 || d == 0 || n.checked_mul(d).is_none() {
        return Vec::new();
    }
    let csr = graph.csr();
    let beta = finite_or_zero(config.normalization_strength);
    let weights: Vec<f32> = config
        .iteration_weights
        .iter()
        .map(|w| finite_or_zero(*w))
        .collect();
    // Steps after the last non-zero weight cannot change the result.
    let steps = weights.iter().rposition(|w| *w != 0.0).map_or(0, |i| i + 1);

    let mut prev = vec![0f32; n * d];
    for (v, row) in prev.chunks_exact_mut(d).enumerate() {
        initial_vector(config.seed, v, row);
        let scale = degree_scale(csr.degree[v], beta);
        row.iter_mut().for_each(|x| *x *= scale);
    }
    let mut cur = vec![0f32; n * d];
    let mut out = vec![0f32; n * d];
    for &alpha in &weights[..steps] {
        propagate(&csr, d, &prev, &mut cur);
        if alpha != 0.0 {
            axpy(&mut out, alpha, &cur);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    for (v, row) in out.chunks_exact_mut(d).enumerate() {
        if !normalize(row) {
            initial_vector(config.seed, v, row);
        }
    }
    out
}

/// `cur_v = normalize(Σ_u w_vu · prev_u)` for every node.
fn propagate(csr: &Csr, d: usize, prev: &[f32], cur: &mut [f32]) {
    for (v, row) in cur.chunks_exact_mut(d).enumerate() {
        row.fill(0.0);
        let (start, end) = (csr.offsets[v], csr.offsets[v + 1]);
        for (&u, &w) in csr.targets[start..end].iter().zip(&csr.weights[start..end]) {
            let u = u as usize;
            axpy(row, w, &prev[u * d..(u + 1) * d]);
        }
        normalize(row);
    }
}

/// `y += a · x`.
fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Scales `v` to unit L2 norm; leaves it zero and returns false when its norm is 0 or not
/// finite.
fn normalize(v: &mut [f32]) -> bool {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 && norm.is_finite() {
        let inv = 1.0 / norm;
        v.iter_mut().for_each(|x| *x *= inv);
        true
    } else {
        v.fill(0.0);
        false
    }
}

fn degree_scale(degree: f32, beta: f32) -> f32 {
    if beta == 0.0 || degree <= 0.0 {
        return 1.0;
    }
    let s = degree.powf(beta);
    if s.is_finite() && s > 0.0 {
        s
    } else {
        1.0
    }
}

fn finite_or_zero(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

/// Node `v`'s very sparse random vector, L2-normalised, written into `row`.
///
/// Its own ChaCha8 stream makes it independent of how many other nodes the graph has. Each
/// entry takes one `u32` draw: below `2³²/(2s)` it is `+1`, below `2³²/s` it is `-1`, else
/// `0` (the rounding of the thresholds biases the probabilities by < 10⁻⁹). A draw with no
/// non-zero entry (probability (2/3)^dims) gets one `+1` at a random place, so no node
/// starts from the zero vector.
fn initial_vector(seed: u64, v: usize, row: &mut [f32]) {
    const PLUS: u32 = (u32::MAX as u64 / (2 * SPARSITY as u64)) as u32;
    const NONZERO: u32 = (u32::MAX as u64 / SPARSITY as u64) as u32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(v as u64);
    let mut any = false;
    for x in row.iter_mut() {
        let u = rng.next_u32();
        *x = if u < PLUS {
            1.0
        } else if u < NONZERO {
            -1.0
        } else {
            0.0
        };
        any |= *x != 0.0;
    }
    if !any && !row.is_empty() {
        let i = rng.random_range(0..row.len());
        row[i] = 1.0;
    }
    normalize(row);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeKind;

    #[test]
    fn initial_vectors_are_sparse_unit_and_seeded() {
        let mut a = vec![0f32; 64];
        let mut b = vec![0f32; 64];
        initial_vector(7, 3, &mut a);
        initial_vector(7, 3, &mut b);
        assert_eq!(a, b);
        initial_vector(7, 4, &mut b);
        assert_ne!(a, b);
        let nonzero = a.iter().filter(|x| **x != 0.0).count();
        assert!((5..=45).contains(&nonzero), "{nonzero}");
        let norm: f32 = a.iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        let mut one = vec![0f32; 1];
        for v in 0..50 {
            initial_vector(1, v, &mut one);
            assert_eq!(one[0].abs(), 1.0);
        }
    }

    #[test]
    fn trailing_zero_weights_change_nothing() {
        let mut g = Graph::new();
        let ids: Vec<_> = (0..6).map(|_| g.add_node(NodeKind::Other(0))).collect();
        for w in ids.windows(2) {
            g.add_edge(w[0], w[1], 1.0).unwrap();
        }
        let base = FastRpConfig {
            iteration_weights: vec![0.0, 1.0, 1.0],
            ..FastRpConfig::default()
        };
        let longer = FastRpConfig {
            iteration_weights: vec![0.0, 1.0, 1.0, 0.0, 0.0],
            ..base.clone()
        };
        assert_eq!(fastrp(&g, &base), fastrp(&g, &longer));
    }

    #[test]
    fn odd_configs_do_not_panic() {
        let mut g = Graph::new();
        let a = g.add_node(NodeKind::Other(0));
        let b = g.add_node(NodeKind::Other(0));
        g.add_edge(a, b, 1.0).unwrap();
        for config in [
            FastRpConfig {
                dims: 0,
                ..FastRpConfig::default()
            },
            FastRpConfig {
                iteration_weights: vec![],
                ..FastRpConfig::default()
            },
            FastRpConfig {
                iteration_weights: vec![f32::NAN, 1.0],
                normalization_strength: f32::INFINITY,
                ..FastRpConfig::default()
            },
            FastRpConfig {
                normalization_strength: -40.0,
                ..FastRpConfig::default()
            },
        ] {
            let e = fastrp(&g, &config);
            assert_eq!(e.len(), 2);
            for v in &e {
                assert_eq!(v.len(), config.dims);
                assert!(v.iter().all(|x| x.is_finite()));
            }
        }
        assert!(fastrp(&Graph::new(), &FastRpConfig::default()).is_empty());
    }
}
