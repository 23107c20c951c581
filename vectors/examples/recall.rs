//! Build time, search time and recall@10 of the embedded index on random unit vectors.
//!
//! `cargo run --release -p jeju-vectors --example recall -- [N] [M] [EF_CONSTRUCTION] [EF_SEARCH]`
//!
//! With `RECALL_BASE=<jeju-embed cache file>` (e.g. written by jeju-embed's `embed_reviews`
//! example), the points are real review embeddings, repeated with noise (cosine ≈ 0.9 to
//! their original) up to N, and queries are noisy copies too: closer to real use than
//! uniform random vectors, which are HNSW's worst case.

use std::time::Instant;

use jeju_vectors::{EmbeddedStore, HnswParams, Point};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let d = HnswParams::default();
    let n = args.first().copied().unwrap_or(5_000);
    let params = HnswParams {
        max_connections: args.get(1).copied().unwrap_or(d.max_connections),
        ef_construction: args.get(2).copied().unwrap_or(d.ef_construction),
        ef_search: args.get(3).copied().unwrap_or(d.ef_search),
        ..d
    };
    let dims = 384;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (points, queries): (Vec<Point>, Vec<Vec<f32>>) = match std::env::var("RECALL_BASE") {
        Ok(path) => {
            let base = read_cache(&path, dims);
            println!("base: {} real embeddings from {path}", base.len());
            let points = (0..n)
                .map(|i| {
                    let b = &base[i % base.len()];
                    let v = if i < base.len() {
                        b.clone()
                    } else {
                        noisy(&mut rng, b)
                    };
                    Point::new(format!("R{i}"), format!("S{}", i % 500), v)
                })
                .collect();
            let queries = (0..200)
                .map(|i| noisy(&mut rng, &base[(i * 7919) % base.len()]))
                .collect();
            (points, queries)
        }
        Err(_) => {
            let points = (0..n)
                .map(|i| {
                    Point::new(
                        format!("R{i}"),
                        format!("S{}", i % 500),
                        unit(&mut rng, dims),
                    )
                })
                .collect();
            let queries = (0..200).map(|_| unit(&mut rng, dims)).collect();
            (points, queries)
        }
    };

    let store = EmbeddedStore::with_params(dims, params);
    let t = Instant::now();
    store.upsert_points(&points).unwrap();
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let results: Vec<_> = queries
        .iter()
        .map(|q| store.search_points(q, 10, None).unwrap())
        .collect();
    let search_ms = t.elapsed().as_secs_f64() * 1e3 / queries.len() as f64;
    let t = Instant::now();
    let mut found = 0;
    for (q, hits) in queries.iter().zip(&results) {
        let truth = store.search_exact(q, 10).unwrap();
        found += hits
            .iter()
            .filter(|h| truth.iter().any(|t| t.review_id == h.review_id))
            .count();
    }
    let exact_ms = t.elapsed().as_secs_f64() * 1e3 / queries.len() as f64;
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    store.save(dir.path()).unwrap();
    let save = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let loaded = EmbeddedStore::load(dir.path()).unwrap();
    let load = t.elapsed().as_secs_f64();
    assert_eq!(loaded.count(), n);
    println!(
        "n={n} M={} efc={} ef={}: build {build:.2} s ({:.0} points/s), search {search_ms:.3} ms, exact {exact_ms:.2} ms, recall@10 {:.3}, save {save:.2} s, load {load:.2} s",
        params.max_connections,
        params.ef_construction,
        params.ef_search,
        n as f64 / build,
        found as f64 / (10 * queries.len()) as f64
    );
}

/// Vectors of a jeju-embed cache file (16-byte header; records: key u64, dims × f32, u32).
fn read_cache(path: &str, dims: usize) -> Vec<Vec<f32>> {
    let bytes = std::fs::read(path).expect("cache file");
    let rec = 8 + 4 * dims + 4;
    bytes[16..]
        .chunks_exact(rec)
        .map(|r| {
            r[8..8 + 4 * dims]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        })
        .collect()
}

/// A uniform random unit vector.
fn unit(rng: &mut ChaCha8Rng, dims: usize) -> Vec<f32> {
    let v: Vec<f32> = (0..dims).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / norm).collect()
}

/// `v` plus noise (roughly Gaussian), renormalised: cosine to `v` ≈ 0.9.
fn noisy(rng: &mut ChaCha8Rng, v: &[f32]) -> Vec<f32> {
    let scale = 0.485 / (v.len() as f32).sqrt();
    let w: Vec<f32> = v
        .iter()
        .map(|x| {
            let g: f32 = (0..4).map(|_| rng.random::<f32>() - 0.5).sum::<f32>() * 1.732;
            x + g * scale
        })
        .collect();
    let norm = w.iter().map(|x| x * x).sum::<f32>().sqrt();
    w.into_iter().map(|x| x / norm).collect()
}
