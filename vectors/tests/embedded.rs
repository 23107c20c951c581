//! The embedded HNSW store: recall against brute force, filters, persistence, damaged files.

use std::sync::OnceLock;
use std::time::Instant;

use jeju_vectors::{EmbeddedStore, Hit, Point, VectorError, VectorStore};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const DIMS: usize = 384;
const N: usize = 5_000;
const STORES: usize = 250;

fn unit(rng: &mut ChaCha8Rng) -> Vec<f32> {
    let v: Vec<f32> = (0..DIMS).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.into_iter().map(|x| x / n).collect()
}

fn points() -> &'static Vec<Point> {
    static P: OnceLock<Vec<Point>> = OnceLock::new();
    P.get_or_init(|| {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        (0..N)
            .map(|i| {
                Point::new(
                    format!("R{i:06}"),
                    format!("S{:03}", i % STORES),
                    unit(&mut rng),
                )
            })
            .collect()
    })
}

fn queries(n: usize) -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    (0..n).map(|_| unit(&mut rng)).collect()
}

fn built() -> EmbeddedStore {
    let store = EmbeddedStore::new(DIMS);
    let t = Instant::now();
    store.upsert_points(points()).unwrap();
    eprintln!(
        "built {} points in {:.2} s",
        store.count(),
        t.elapsed().as_secs_f64()
    );
    store
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.review_id.as_str()).collect()
}

/// Brute force over the raw points, optionally restricted to some stores.
fn brute(q: &[f32], k: usize, stores: Option<&[String]>) -> Vec<String> {
    let mut all: Vec<(f32, &Point)> = points()
        .iter()
        .filter(|p| stores.is_none_or(|s| s.contains(&p.store_id)))
        .map(|p| (p.vector.iter().zip(q).map(|(a, b)| a * b).sum::<f32>(), p))
        .collect();
    all.sort_by(|a, b| b.0.total_cmp(&a.0));
    all.into_iter()
        .take(k)
        .map(|(_, p)| p.review_id.clone())
        .collect()
}

#[test]
fn recall_filters_replace_and_persist() {
    let store = built();
    let qs = queries(100);
    let mut found = 0usize;
    let t = Instant::now();
    for q in &qs {
        let hits = store.search_points(q, 10, None).unwrap();
        assert_eq!(hits.len(), 10);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
        let truth = brute(q, 10, None);
        found += hits.iter().filter(|h| truth.contains(&h.review_id)).count();
    }
    let per_query_ms = t.elapsed().as_secs_f64() * 1e3 / qs.len() as f64;
    let recall = found as f64 / (10 * qs.len()) as f64;
    eprintln!("recall@10 = {recall:.3} over {} random queries ({per_query_ms:.2} ms per search + brute force)", qs.len());
    assert!(recall >= 0.95, "recall@10 {recall}");

    // A stored vector finds itself first, with cosine ~1.
    let p = &points()[1234];
    let hits = store.search_points(&p.vector, 1, None).unwrap();
    assert_eq!(hits[0].review_id, p.review_id);
    assert_eq!(hits[0].store_id, p.store_id);
    assert!((hits[0].score - 1.0).abs() < 1e-4);

    filters_replace_and_persist(store);
}

/// Continues on the store built above (one build per test process keeps the suite fast).
fn filters_replace_and_persist(mut store: EmbeddedStore) {
    let q = &queries(1)[0];

    // A few stores: exact scan; results only from them and equal to brute force.
    let allowed: Vec<String> = vec!["S007".into(), "S100".into(), "S249".into()];
    let hits = store.search_points(q, 5, Some(&allowed)).unwrap();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| allowed.contains(&h.store_id)));
    assert_eq!(
        ids(&hits),
        brute(q, 5, Some(&allowed))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    // Asking for more than the stores hold returns all of theirs (20 each).
    assert_eq!(
        store.search_points(q, 100, Some(&allowed)).unwrap().len(),
        60
    );
    // Empty list or unknown stores: nothing.
    assert!(store.search_points(q, 5, Some(&[])).unwrap().is_empty());
    assert!(store
        .search_points(q, 5, Some(&["nope".to_string()]))
        .unwrap()
        .is_empty());

    // A large allow-list goes through HNSW's filter: still only allowed stores.
    let defaults = store.params();
    store.set_search_params(defaults.ef_search, 100);
    let half: Vec<String> = (0..STORES).step_by(2).map(|i| format!("S{i:03}")).collect();
    let mut overlap = 0;
    for q in queries(10) {
        let hits = store.search_points(&q, 10, Some(&half)).unwrap();
        assert_eq!(hits.len(), 10);
        assert!(hits.iter().all(|h| half.contains(&h.store_id)));
        let truth = brute(&q, 10, Some(&half));
        overlap += hits.iter().filter(|h| truth.contains(&h.review_id)).count();
    }
    eprintln!(
        "filtered HNSW recall@10 (half the stores) = {:.2}",
        overlap as f64 / 100.0
    );
    assert!(overlap >= 90, "filtered HNSW recall {overlap}/100");
    // Small allow-lists still scan exactly.
    assert_eq!(
        ids(&store.search_points(q, 5, Some(&allowed)).unwrap()),
        brute(q, 5, Some(&allowed))
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    store.set_search_params(defaults.ef_search, defaults.exact_scan_max);

    // Replacing a review's vector (and store): same count, new vector found, old one gone.
    let target = points()[42].clone();
    let moved = Point::new(target.review_id.clone(), "S-new", q.clone());
    store.upsert_points(std::slice::from_ref(&moved)).unwrap();
    assert_eq!(store.count(), N);
    let hits = store.search_points(q, 1, None).unwrap();
    assert_eq!(
        (hits[0].review_id.as_str(), hits[0].store_id.as_str()),
        (target.review_id.as_str(), "S-new")
    );
    let own = store.search_points(&target.vector, 3, None).unwrap();
    assert!(own.iter().all(|h| h.review_id != target.review_id));
    // Upserting the same thing again changes nothing.
    store.upsert_points(&[moved]).unwrap();
    assert_eq!(store.count(), N);

    // Save, load, same answers; the loaded store accepts more points and saves again.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vectors");
    store.save(&path).unwrap();
    let loaded = EmbeddedStore::load(&path).unwrap();
    assert_eq!(loaded.count(), N);
    assert_eq!(loaded.dims(), DIMS);
    for q in queries(20) {
        assert_eq!(
            loaded.search_points(&q, 10, None).unwrap(),
            store.search_points(&q, 10, None).unwrap()
        );
    }
    assert_eq!(
        loaded.search_points(q, 5, Some(&allowed)).unwrap(),
        store.search_points(q, 5, Some(&allowed)).unwrap()
    );
    let extra = Point::new("R-extra", "S001", queries(3)[2].clone());
    loaded.upsert_points(std::slice::from_ref(&extra)).unwrap();
    assert_eq!(loaded.count(), N + 1);
    assert_eq!(
        loaded.search_points(&extra.vector, 1, None).unwrap()[0].review_id,
        "R-extra"
    );
    loaded.save(&path).unwrap();
    assert_eq!(EmbeddedStore::load(&path).unwrap().count(), N + 1);
    let names: Vec<String> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}"); // no staging leftovers
}

#[test]
fn damaged_or_missing_index_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idx");
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::NotFound(_))
    ));

    let store = EmbeddedStore::new(DIMS);
    store.upsert_points(&points()[..300]).unwrap();
    store.save(&path).unwrap();
    assert_eq!(EmbeddedStore::load(&path).unwrap().count(), 300);

    let data = path.join("index.hnsw.data");
    let graph = path.join("index.hnsw.graph");
    let meta = path.join("meta.json");
    let keep = |p: &std::path::Path| std::fs::read(p).unwrap();
    let (data0, graph0, meta0) = (keep(&data), keep(&graph), keep(&meta));

    // One flipped byte in the vectors.
    let mut bad = data0.clone();
    bad[data0.len() / 2] ^= 0x55;
    std::fs::write(&data, &bad).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    std::fs::write(&data, &data0).unwrap();

    // A truncated graph.
    std::fs::write(&graph, &graph0[..graph0.len() / 3]).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    // The graph missing.
    std::fs::remove_file(&graph).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    std::fs::write(&graph, &graph0).unwrap();

    // Garbage or truncated meta.
    std::fs::write(&meta, b"{not json").unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    std::fs::write(&meta, &meta0[..meta0.len() / 2]).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    assert!(EmbeddedStore::open_or_create(&path, DIMS).is_err());

    // Meta whose hashes match but whose content is wrong for hnsw_rs: the loader's own
    // checks (asserts) are caught.
    let mut m: serde_json::Value = serde_json::from_slice(&meta0).unwrap();
    m["points"].as_array_mut().unwrap().truncate(10);
    std::fs::write(&meta, serde_json::to_vec(&m).unwrap()).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));
    std::fs::write(&meta, &meta0).unwrap();
    assert_eq!(EmbeddedStore::load(&path).unwrap().count(), 300);

    // Data file replaced by a well-formed-looking but wrong one, hash updated to match.
    let mut bad = data0.clone();
    bad[0] ^= 0xff; // hnsw_rs's magic number
    std::fs::write(&data, &bad).unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(&meta0).unwrap();
    let h = xxhash_rust::xxh3::xxh3_64(&bad);
    m["data_xxh3"] = serde_json::Value::String(format!("{h:016x}"));
    std::fs::write(&meta, serde_json::to_vec(&m).unwrap()).unwrap();
    assert!(matches!(
        EmbeddedStore::load(&path),
        Err(VectorError::Corrupt { .. })
    ));

    // An empty store saves and loads.
    let empty_dir = dir.path().join("empty");
    EmbeddedStore::new(DIMS).save(&empty_dir).unwrap();
    let e = EmbeddedStore::load(&empty_dir).unwrap();
    assert_eq!(e.count(), 0);
    assert!(e
        .search_points(&points()[0].vector, 5, None)
        .unwrap()
        .is_empty());
}

#[test]
fn bad_vectors_are_rejected_before_any_change() {
    let store = EmbeddedStore::new(DIMS);
    let good = points()[0].clone();
    let short = Point::new("x", "S1", vec![1.0; 10]);
    assert!(matches!(
        store.upsert_points(&[good.clone(), short]),
        Err(VectorError::Dimensions { .. })
    ));
    let zero = Point::new("z", "S1", vec![0.0; DIMS]);
    assert!(matches!(
        store.upsert_points(&[zero]),
        Err(VectorError::InvalidVector(_))
    ));
    let mut nan = good.vector.clone();
    nan[3] = f32::NAN;
    assert!(matches!(
        store.upsert_points(&[Point::new("n", "S1", nan)]),
        Err(VectorError::InvalidVector(_))
    ));
    assert_eq!(store.count(), 0);
    assert!(matches!(
        store.search_points(&[1.0; 3], 5, None),
        Err(VectorError::Dimensions { .. })
    ));
    assert!(store
        .search_points(&good.vector, 5, None)
        .unwrap()
        .is_empty());
    // Unnormalised input is normalised: scores are cosines.
    let scaled: Vec<f32> = good.vector.iter().map(|x| x * 7.0).collect();
    store
        .upsert_points(&[Point::new("a", "S1", scaled)])
        .unwrap();
    let hit = &store.search_points(&good.vector, 1, None).unwrap()[0];
    assert!((hit.score - 1.0).abs() < 1e-4);
}

#[tokio::test]
async fn through_the_trait_and_env() {
    std::env::remove_var(jeju_vectors::QDRANT_URL_ENV);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v");
    let store: Box<dyn VectorStore> = jeju_vectors::open_from_env(&path, DIMS).await.unwrap();
    assert_eq!(store.backend(), "embedded");
    assert!(store.is_empty().await.unwrap());
    store.upsert(&points()[..50]).await.unwrap();
    assert_eq!(store.len().await.unwrap(), 50);
    let hits = store.search(&points()[7].vector, 3, None).await.unwrap();
    assert_eq!(hits[0].review_id, points()[7].review_id);
    store.persist().await.unwrap();
    let again = jeju_vectors::open_from_env(&path, DIMS).await.unwrap();
    assert_eq!(again.len().await.unwrap(), 50);
    // Another dimension than the saved one.
    assert!(jeju_vectors::open_from_env(&path, 128).await.is_err());

    #[cfg(not(feature = "qdrant"))]
    {
        std::env::set_var(jeju_vectors::QDRANT_URL_ENV, "http://127.0.0.1:6334");
        let err = jeju_vectors::open_from_env(&path, DIMS)
            .await
            .err()
            .expect("no qdrant in this build");
        assert!(matches!(err, VectorError::Unsupported(_)), "{err}");
        std::env::remove_var(jeju_vectors::QDRANT_URL_ENV);
    }
    #[cfg(feature = "qdrant")]
    {
        // Nothing listens there: a clean error, no panic, no hang.
        std::env::set_var(jeju_vectors::QDRANT_URL_ENV, "http://127.0.0.1:9");
        let err = jeju_vectors::open_from_env(&path, DIMS)
            .await
            .err()
            .expect("no server");
        assert!(matches!(err, VectorError::Qdrant(_)), "{err}");
        std::env::remove_var(jeju_vectors::QDRANT_URL_ENV);
    }
}
