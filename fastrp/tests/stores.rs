//! `store_embeddings` on the synthetic data sets, and `nearest`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use jeju_data::catalog::StoreTruth;
use jeju_data::dataset::DataSet;
use jeju_data::vocab::Companion;
use jeju_fastrp::{nearest, store_embeddings, store_graph, FastRpConfig, NodeKind};

fn generate(dir: &Path, scale: jeju_synth::Scale, seed: u64) -> DataSet {
    jeju_synth::generate(dir, &jeju_synth::GenerateOptions::new(scale, seed)).unwrap();
    DataSet::load(dir).unwrap()
}

fn cos(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (na * nb)
}

/// Mean cosine over the pairs within `a` and over the pairs across `a` × `b`.
fn intra_inter(emb: &BTreeMap<String, Vec<f32>>, a: &[&String], b: &[&String]) -> (f32, f32) {
    let mut intra = (0.0, 0);
    for (i, x) in a.iter().enumerate() {
        for y in &a[i + 1..] {
            intra.0 += cos(&emb[*x], &emb[*y]);
            intra.1 += 1;
        }
    }
    let mut inter = (0.0, 0);
    for x in a {
        for y in b {
            inter.0 += cos(&emb[*x], &emb[*y]);
            inter.1 += 1;
        }
    }
    (intra.0 / intra.1 as f32, inter.0 / inter.1 as f32)
}

#[test]
fn small_data_set_every_store_gets_a_unit_vector() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), jeju_synth::Scale::Small, 1);
    let config = FastRpConfig::default();
    let emb = store_embeddings(&data, &config);
    let ids: BTreeSet<String> = data.contest.records.iter().map(|r| r.store_id()).collect();
    assert_eq!(emb.keys().cloned().collect::<BTreeSet<_>>(), ids);
    for (id, v) in &emb {
        assert_eq!(v.len(), config.dims, "{id}");
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "{id}: {norm}");
    }
    // Deterministic, and the seed matters.
    assert_eq!(emb, store_embeddings(&data, &config));
    let other = store_embeddings(
        &data,
        &FastRpConfig {
            seed: 7,
            ..config.clone()
        },
    );
    assert_ne!(emb, other);

    // The graph has what the docs say.
    let sg = store_graph(&data);
    assert_eq!(sg.stores.len(), ids.len());
    assert_eq!(
        sg.graph.nodes_of(NodeKind::Review).count(),
        data.reviews.len()
    );
    let keywords: BTreeSet<&String> = data.reviews.iter().flat_map(|r| &r.keywords).collect();
    assert_eq!(
        sg.graph.nodes_of(NodeKind::VisitKeyword).count(),
        keywords.len()
    );
}

#[test]
fn parent_keyword_stores_are_near_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let data = generate(dir.path(), jeju_synth::Scale::Small, 1);
    let emb = store_embeddings(&data, &FastRpConfig::default());

    // By the keywords: stores whose keyworded reviews say 부모님과 often vs never.
    let mut tally: HashMap<&str, (u32, u32)> = HashMap::new();
    for r in data.reviews.iter().filter(|r| !r.keywords.is_empty()) {
        let t = tally.entry(r.store_id.as_str()).or_default();
        t.0 += 1;
        t.1 += u32::from(r.keywords.iter().any(|k| k == "부모님과"));
    }
    let often: Vec<&String> = emb
        .keys()
        .filter(|id| {
            tally
                .get(id.as_str())
                .is_some_and(|&(n, p)| p >= 2 && p * 10 >= n * 3)
        })
        .collect();
    let never: Vec<&String> = emb
        .keys()
        .filter(|id| {
            tally
                .get(id.as_str())
                .is_some_and(|&(n, p)| n >= 2 && p == 0)
        })
        .collect();
    assert!(
        often.len() >= 10 && never.len() >= 10,
        "{} {}",
        often.len(),
        never.len()
    );
    let (intra, inter) = intra_inter(&emb, &often, &never);
    assert!(
        intra > inter + 0.2,
        "keywords: intra {intra}, inter {inter}"
    );

    // By the hidden truth: stores good for parents vs the others (noisier: the truth shows
    // through the reviews only with noise).
    let truth = jeju_data::jsonl::read_jsonl::<StoreTruth>(&dir.path().join("truth.jsonl"))
        .unwrap()
        .items;
    let parents: HashSet<&str> = truth
        .iter()
        .filter(|t| t.good_for.contains(&Companion::Parents))
        .map(|t| t.store_id.as_str())
        .collect();
    let reviewed: HashSet<&str> = tally.keys().copied().collect();
    let (yes, no): (Vec<&String>, Vec<&String>) = emb
        .keys()
        .filter(|id| reviewed.contains(id.as_str()))
        .partition(|id| parents.contains(id.as_str()));
    let (intra, inter) = intra_inter(&emb, &yes, &no);
    assert!(intra > inter + 0.05, "truth: intra {intra}, inter {inter}");

    // And the backfill question itself: the neighbours of three parent stores are parent
    // stores more often than the base rate.
    let base = yes.len() as f32 / (yes.len() + no.len()) as f32;
    let (mut hits, mut total) = (0, 0);
    for q in 0..20 {
        let picks: Vec<&String> = (0..3).map(|j| yes[(q * 7 + j * 11) % yes.len()]).collect();
        let query: Vec<&[f32]> = picks.iter().map(|id| emb[*id].as_slice()).collect();
        let exclude: HashSet<String> = picks.iter().map(|id| id.to_string()).collect();
        for (id, _) in nearest(&query, &emb, &exclude, 6) {
            total += 1;
            hits += usize::from(parents.contains(id.as_str()));
        }
    }
    let precision = hits as f32 / total as f32;
    assert!(precision > base + 0.2, "precision {precision}, base {base}");
}

fn map(entries: &[(&str, [f32; 2])]) -> BTreeMap<String, Vec<f32>> {
    entries
        .iter()
        .map(|(id, v)| (id.to_string(), v.to_vec()))
        .collect()
}

#[test]
fn nearest_orders_by_cosine_then_id_and_excludes() {
    let all = map(&[
        ("a", [1.0, 0.0]),
        ("b", [0.0, 1.0]),
        ("c", [0.6, 0.8]),
        ("d", [-1.0, 0.0]),
        ("e", [2.0, 0.0]), // same direction as a: ties with a, broken by id
        ("f", [0.0, 0.0]), // no direction: never returned
        ("g", [3.0, 0.0]),
    ]);
    let q: Vec<&[f32]> = vec![&all["a"]];
    let none = HashSet::new();
    let got = nearest(&q, &all, &none, 10);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["a", "e", "g", "c", "b", "d"]);
    assert!((got[0].1 - 1.0).abs() < 1e-6 && (got[3].1 - 0.6).abs() < 1e-6);
    assert!((got[5].1 + 1.0).abs() < 1e-6);

    let exclude: HashSet<String> = ["a", "g"].iter().map(|s| s.to_string()).collect();
    let got = nearest(&q, &all, &exclude, 2);
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["e", "c"]);

    // The centroid of a and b points at c.
    let q: Vec<&[f32]> = vec![&all["a"], &all["b"]];
    let exclude: HashSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    assert_eq!(nearest(&q, &all, &exclude, 1)[0].0, "c");
    // Query vectors count by direction, not length: [10, 0] and [0, 1] still point at c.
    let long = [10.0f32, 0.0];
    let q: Vec<&[f32]> = vec![&long, &all["b"]];
    assert_eq!(nearest(&q, &all, &exclude, 1)[0].0, "c");
}

#[test]
fn nearest_edge_cases() {
    let all = map(&[("a", [1.0, 0.0]), ("b", [0.0, 1.0])]);
    let none = HashSet::new();
    let a: &[f32] = &all["a"];
    assert!(nearest(&[], &all, &none, 3).is_empty());
    assert!(nearest(&[a], &all, &none, 0).is_empty());
    assert!(nearest(&[a], &BTreeMap::new(), &none, 3).is_empty());
    // Opposite vectors cancel: no direction to look in.
    let minus_a = [-1.0f32, 0.0];
    assert!(nearest(&[a, &minus_a], &all, &none, 3).is_empty());
    // Vectors of another length are skipped, on either side.
    let three = [1.0f32, 0.0, 0.0];
    assert!(nearest(&[&three], &all, &none, 3).is_empty());
    assert_eq!(nearest(&[a, &three], &all, &none, 3).len(), 2);
    let nan = [f32::NAN, 1.0];
    assert_eq!(nearest(&[a, &nan], &all, &none, 3)[0].0, "a");
    // k larger than what is there.
    let all_excluded: HashSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    assert!(nearest(&[a], &all, &all_excluded, 3).is_empty());
}

/// Precision@10 of `nearest` to three stores truly good for a companion, as a multiple of
/// the base rate, averaged over the six companions (200 queries each); stores with reviews.
fn companion_lift(
    emb: &BTreeMap<String, Vec<f32>>,
    truth: &HashMap<String, StoreTruth>,
    reviewed: &HashSet<&str>,
) -> f32 {
    let pool: Vec<&String> = emb
        .keys()
        .filter(|id| reviewed.contains(id.as_str()))
        .collect();
    let mut lift = 0.0;
    for c in Companion::ALL {
        let good = |id: &str| truth.get(id).is_some_and(|t| t.good_for.contains(&c));
        let pos: Vec<&String> = pool.iter().copied().filter(|id| good(id)).collect();
        let base = pos.len() as f32 / pool.len() as f32;
        let (mut hits, mut total) = (0, 0);
        for q in 0..200 {
            let picks: Vec<&String> = (0..3)
                .map(|j| pos[(q * 7919 + j * 104_729) % pos.len()])
                .collect();
            let query: Vec<&[f32]> = picks.iter().map(|id| emb[*id].as_slice()).collect();
            let exclude: HashSet<String> = picks.iter().map(|id| id.to_string()).collect();
            for (id, _) in nearest(&query, emb, &exclude, 10) {
                total += 1;
                hits += usize::from(good(&id));
            }
        }
        lift += hits as f32 / total as f32 / base;
    }
    lift / Companion::ALL.len() as f32
}

/// The full-size synthetic set (9,250 stores, ~108k reviews): prints the time of
/// `store_embeddings` and of one `nearest` call, and the quality measure quoted in the
/// docs for a few weight lists. Run with
/// `cargo test -p jeju-fastrp --release --test stores -- --ignored --nocapture`
/// (or `cargo nextest run -p jeju-fastrp --release --run-ignored only --no-capture`).
#[test]
#[ignore = "generates the full data set (seconds); run for timings"]
fn full_data_timings() {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let data = generate(dir.path(), jeju_synth::Scale::Full, 42);
    println!(
        "generate + load: {:.2?} ({} monthly rows, {} reviews)",
        t.elapsed(),
        data.contest.records.len(),
        data.reviews.len()
    );
    let config = FastRpConfig::default();
    let mut times = Vec::new();
    let mut emb = BTreeMap::new();
    for _ in 0..3 {
        let t = Instant::now();
        emb = store_embeddings(&data, &config);
        times.push(t.elapsed());
    }
    println!(
        "store_embeddings: {:.2?} (then {:.2?}, {:.2?}) for {} stores × {} dims",
        times[0],
        times[1],
        times[2],
        emb.len(),
        config.dims
    );
    assert_eq!(emb.len(), 9_250);

    let ids: Vec<&String> = emb.keys().step_by(997).take(3).collect();
    let query: Vec<&[f32]> = ids.iter().map(|id| emb[*id].as_slice()).collect();
    let exclude: HashSet<String> = ids.iter().map(|id| id.to_string()).collect();
    let t = Instant::now();
    let got = nearest(&query, &emb, &exclude, 6);
    let one = t.elapsed();
    let runs = 200;
    let t = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(nearest(&query, &emb, &exclude, 6));
    }
    println!(
        "nearest (3 query vectors, k = 6, 9,250 stores): first call {one:.2?}, mean of {runs} {:.2?}",
        t.elapsed() / runs
    );
    assert_eq!(got.len(), 6);

    let truth: HashMap<String, StoreTruth> =
        jeju_data::jsonl::read_jsonl::<StoreTruth>(&dir.path().join("truth.jsonl"))
            .unwrap()
            .items
            .into_iter()
            .map(|t| (t.store_id.clone(), t))
            .collect();
    let reviewed: HashSet<&str> = data.reviews.iter().map(|r| r.store_id.as_str()).collect();
    for weights in [
        vec![1.0, 0.5, 0.25],
        vec![0.0, 1.0, 1.0],
        vec![0.0, 1.0, 1.0, 0.5],
        vec![1.0, 1.0, 1.0],
        vec![1.0],
    ] {
        let config = FastRpConfig {
            iteration_weights: weights.clone(),
            ..FastRpConfig::default()
        };
        let emb = store_embeddings(&data, &config);
        println!(
            "companion lift of nearest@10, weights {weights:?}: {:.2}",
            companion_lift(&emb, &truth, &reviewed)
        );
    }
}
