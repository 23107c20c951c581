//! Property tests of `fastrp` on seeded random graphs (hand-rolled generators: each case is
//! a ChaCha8 stream, so a failure names the case that reproduces it).

use jeju_fastrp::{fastrp, FastRpConfig, Graph, NodeId, NodeKind};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CASES: u64 = 60;

/// A random graph: 1–80 nodes, some isolated, random weighted edges (with parallel edges
/// and self-loops now and then).
fn random_graph(case: u64) -> Graph {
    let mut rng = ChaCha8Rng::seed_from_u64(case);
    let n = rng.random_range(1..80usize);
    let mut g = Graph::new();
    let ids: Vec<NodeId> = (0..n).map(|_| g.add_node(NodeKind::Other(0))).collect();
    let m = rng.random_range(0..n * 3);
    for _ in 0..m {
        let a = ids[rng.random_range(0..n)];
        let b = ids[rng.random_range(0..n)];
        let w = if rng.random_bool(0.5) {
            1.0
        } else {
            rng.random_range(0.0..5.0f32)
        };
        g.add_edge(a, b, w).unwrap();
    }
    g
}

fn random_config(case: u64) -> FastRpConfig {
    let mut rng = ChaCha8Rng::seed_from_u64(case ^ 0x5eed);
    let dims = [1, 2, 7, 16, 64][rng.random_range(0..5usize)];
    let len = rng.random_range(0..5usize);
    FastRpConfig {
        dims,
        iteration_weights: (0..len).map(|_| rng.random_range(-0.5..2.0f32)).collect(),
        normalization_strength: rng.random_range(-1.0..1.0f32),
        seed: rng.random(),
    }
}

fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>() / (norm(a) * norm(b))
}

#[test]
fn one_unit_vector_of_the_right_length_per_node() {
    for case in 0..CASES {
        let g = random_graph(case);
        let config = random_config(case);
        let e = fastrp(&g, &config);
        assert_eq!(e.len(), g.node_count(), "case {case}");
        for (i, v) in e.iter().enumerate() {
            assert_eq!(v.len(), config.dims, "case {case} node {i}");
            assert!(
                (norm(v) - 1.0).abs() < 1e-4,
                "case {case} node {i}: norm {}",
                norm(v)
            );
        }
    }
}

#[test]
fn same_seed_same_vectors_other_seed_other_vectors() {
    for case in 0..CASES {
        let g = random_graph(case);
        let config = FastRpConfig {
            seed: case,
            ..FastRpConfig::default()
        };
        let a = fastrp(&g, &config);
        assert_eq!(a, fastrp(&g, &config), "case {case}");
        let other = FastRpConfig {
            seed: case + 1000,
            ..config
        };
        let b = fastrp(&g, &other);
        assert_ne!(a, b, "case {case}");
        // Not just different: unrelated (independent random projections).
        let mean_cos = a.iter().zip(&b).map(|(x, y)| cos(x, y)).sum::<f32>() / a.len() as f32;
        assert!(mean_cos.abs() < 0.5, "case {case}: {mean_cos}");
    }
}

#[test]
fn isolated_nodes_keep_their_own_random_vector() {
    let mut g = Graph::new();
    let isolated: Vec<NodeId> = (0..20).map(|_| g.add_node(NodeKind::Other(0))).collect();
    let e = fastrp(&g, &FastRpConfig::default());
    for v in &e {
        assert!((norm(v) - 1.0).abs() < 1e-5);
    }
    // Nearly orthogonal to each other: |cos| of independent sparse vectors is small.
    let mut total = 0.0;
    let mut pairs = 0;
    for (i, a) in isolated.iter().enumerate() {
        for b in &isolated[i + 1..] {
            total += cos(&e[a.index()], &e[b.index()]).abs();
            pairs += 1;
        }
    }
    assert!(total / (pairs as f32) < 0.25, "{}", total / pairs as f32);
}

#[test]
fn identical_neighbourhoods_give_identical_vectors() {
    for case in 0..CASES {
        let mut g = random_graph(case);
        let mut rng = ChaCha8Rng::seed_from_u64(case + 77);
        let n = g.node_count();
        let twin_a = g.add_node(NodeKind::Other(1));
        let twin_b = g.add_node(NodeKind::Other(1));
        let k = rng.random_range(1..=n.min(6));
        for _ in 0..k {
            let other = NodeId::from_index(rng.random_range(0..n)).unwrap();
            let w = rng.random_range(0.5..3.0f32);
            g.add_edge(twin_a, other, w).unwrap();
            g.add_edge(twin_b, other, w).unwrap();
        }
        for config in [FastRpConfig::default(), random_config(case)] {
            let e = fastrp(&g, &config);
            let c = cos(&e[twin_a.index()], &e[twin_b.index()]);
            // An all-zero weight list leaves every node on its own random vector.
            if config.iteration_weights.iter().any(|w| *w != 0.0) {
                assert!(c > 0.9999, "case {case}: cos {c} with {config:?}");
            }
        }
    }
}

#[test]
fn two_communities_joined_by_one_edge_separate() {
    for case in 0..10 {
        let mut rng = ChaCha8Rng::seed_from_u64(case);
        let mut g = Graph::new();
        let size = 30;
        let left: Vec<NodeId> = (0..size).map(|_| g.add_node(NodeKind::Other(0))).collect();
        let right: Vec<NodeId> = (0..size).map(|_| g.add_node(NodeKind::Other(1))).collect();
        for side in [&left, &right] {
            for i in 0..size {
                for j in i + 1..size {
                    if rng.random_bool(0.3) {
                        g.add_edge(side[i], side[j], 1.0).unwrap();
                    }
                }
            }
        }
        g.add_edge(left[0], right[0], 1.0).unwrap();
        for config in [
            FastRpConfig::default(),
            FastRpConfig {
                iteration_weights: vec![0.0, 1.0, 1.0],
                seed: case,
                ..FastRpConfig::default()
            },
        ] {
            let e = fastrp(&g, &config);
            let mean = |a: &[NodeId], b: &[NodeId], same: bool| {
                let mut total = 0.0;
                let mut count = 0;
                for (i, x) in a.iter().enumerate() {
                    for (j, y) in b.iter().enumerate() {
                        if same && j <= i {
                            continue;
                        }
                        total += cos(&e[x.index()], &e[y.index()]);
                        count += 1;
                    }
                }
                total / count as f32
            };
            let intra = (mean(&left, &left, true) + mean(&right, &right, true)) / 2.0;
            let inter = mean(&left, &right, false);
            assert!(
                intra > inter + 0.3,
                "case {case}: intra {intra}, inter {inter} with {config:?}"
            );
        }
    }
}

#[test]
fn heavier_edges_pull_harder() {
    // x is tied to a's side by weight 10 and to b's side by weight 1.
    let mut g = Graph::new();
    let a: Vec<NodeId> = (0..5).map(|_| g.add_node(NodeKind::Other(0))).collect();
    let b: Vec<NodeId> = (0..5).map(|_| g.add_node(NodeKind::Other(1))).collect();
    let x = g.add_node(NodeKind::Other(2));
    for side in [&a, &b] {
        for i in 0..5 {
            for j in i + 1..5 {
                g.add_edge(side[i], side[j], 1.0).unwrap();
            }
        }
    }
    g.add_edge(x, a[0], 10.0).unwrap();
    g.add_edge(x, b[0], 1.0).unwrap();
    let e = fastrp(&g, &FastRpConfig::default());
    let to = |side: &[NodeId]| {
        side.iter()
            .map(|n| cos(&e[x.index()], &e[n.index()]))
            .sum::<f32>()
            / side.len() as f32
    };
    assert!(to(&a) > to(&b) + 0.2, "{} vs {}", to(&a), to(&b));
}

#[test]
fn empty_graph_gives_nothing() {
    assert!(fastrp(&Graph::new(), &FastRpConfig::default()).is_empty());
}
