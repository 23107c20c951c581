//! End to end against the real e5 model (installed by `./setup.sh` into `.jeju/e5`; a
//! missing model fails these tests with that message, it never skips them) and the embedded
//! HNSW store, on a deterministic subset of the small synthetic data.
//!
//! Vectors go through one cache shared by every test process (`$JEJU_EMBED_CACHE`, else
//! `target/tmp/jeju-review-search/e5-reviews.bin`), so only the first run embeds (≈ 230
//! reviews, a few seconds); the builders' file lock keeps concurrent tests from writing it
//! at the same time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jeju_data::catalog::Review;
use jeju_data::dataset::DataSet;
use jeju_embed::{Embedder, DIMS};
use jeju_progress::NoProgress;
use jeju_review_search::{
    build_index, build_index_from_reviews, index_status, IndexStatus, ReviewIndexPaths,
    ReviewSearch, ReviewSearchError,
};

const HYDE: &str = "흑돼지 구이가 맛있고 부모님과 가기 좋아요";
const PORK_WORDS: [&str; 9] = [
    "돼지",
    "고기",
    "삼겹",
    "오겹",
    "갈비",
    "구이",
    "목살",
    "근고기",
    "돔베",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn embedder() -> Arc<Embedder> {
    match Embedder::load_default(root()) {
        Ok(m) => Arc::new(m),
        Err(e) => panic!(
            "these tests need the e5 model in {}/.jeju/e5 (./setup.sh installs it): {e}",
            root().display()
        ),
    }
}

fn shared_cache() -> PathBuf {
    std::env::var_os("JEJU_EMBED_CACHE")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("jeju-review-search/e5-reviews.bin")
        })
}

/// The small synthetic data (seed 1), with its reviews cut down to: up to 6 reviews each of
/// the 8 stores with the most reviews mentioning 흑돼지 (those reviews first), and up to 6
/// reviews each of 30 stores none of whose reviews mention pork or grilled meat.
/// Returns the data and the two store sets.
fn small_subset() -> (DataSet, Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    jeju_synth::generate(
        dir.path(),
        &jeju_synth::GenerateOptions::new(jeju_synth::Scale::Small, 1),
    )
    .unwrap();
    let mut data = DataSet::load(dir.path()).unwrap();
    let mut by_store: BTreeMap<String, Vec<Review>> = BTreeMap::new();
    for r in &data.reviews {
        by_store
            .entry(r.store_id.clone())
            .or_default()
            .push(r.clone());
    }
    let black_pork = |r: &Review| r.text.contains("흑돼지");
    let mut pork: Vec<(usize, String)> = by_store
        .iter()
        .map(|(s, rs)| (rs.iter().filter(|r| black_pork(r)).count(), s.clone()))
        .filter(|(n, _)| *n >= 3)
        .collect();
    pork.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let pork: Vec<String> = pork.into_iter().take(8).map(|(_, s)| s).collect();
    let unrelated: Vec<String> = by_store
        .iter()
        .filter(|(_, rs)| {
            rs.len() >= 3
                && !rs
                    .iter()
                    .any(|r| PORK_WORDS.iter().any(|w| r.text.contains(w)))
        })
        .map(|(s, _)| s.clone())
        .take(30)
        .collect();
    assert_eq!(
        pork.len(),
        8,
        "the small data has changed: too few 흑돼지 stores"
    );
    assert_eq!(
        unrelated.len(),
        30,
        "the small data has changed: too few other stores"
    );
    let mut reviews = Vec::new();
    for s in &pork {
        let mut rs = by_store[s].clone();
        rs.sort_by_key(|r| !black_pork(r));
        reviews.extend(rs.into_iter().take(6));
    }
    for s in &unrelated {
        reviews.extend(by_store[s].iter().take(6).cloned());
    }
    data.reviews = reviews;
    (data, pork, unrelated)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hyde_search_ranks_black_pork_stores_first_and_honours_the_filter() {
    let embedder = embedder();
    let (data, pork, unrelated) = small_subset();
    let dir = tempfile::tempdir().unwrap();
    let paths = ReviewIndexPaths::new(dir.path().join("index"), shared_cache());

    let built = build_index(&data, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert!(!built.up_to_date);
    assert_eq!(built.reviews, data.reviews.len());
    assert_eq!(built.points, data.reviews.len());
    assert_eq!(built.manifest.count, data.reviews.len());
    assert_eq!(built.manifest.model_id, embedder.model_id());
    eprintln!(
        "built {} points: {} embedded, {} cached, embed {:.2} s ({:?}/s), index {:.2} s",
        built.points,
        built.embedded,
        built.cached,
        built.embed_time.as_secs_f64(),
        built.passages_per_s(),
        built.index_time.as_secs_f64()
    );

    let search = ReviewSearch::open_with_embedder(&paths, Arc::clone(&embedder))
        .await
        .unwrap();
    let (stores, stats) = search.search_stores(HYDE, None, 10).await.unwrap();
    eprintln!("{stats:?}");
    assert_eq!(stores.len(), 10);
    assert_eq!(stats.k_hits, 80);
    assert_eq!(stats.hits, 80);
    assert_eq!(stats.backend, "embedded");
    // Best first; each store's reviews best first and belonging to it.
    for w in stores.windows(2) {
        assert!(w[0].score >= w[1].score, "{stores:?}");
    }
    for s in &stores {
        assert_eq!(s.hits, s.review_ids.len());
        assert!(s.score >= s.best);
        for id in &s.review_ids {
            let r = data.reviews.iter().find(|r| &r.id == id).unwrap();
            assert_eq!(r.store_id, s.store_id);
        }
    }
    let is_pork = |s: &str| pork.iter().any(|p| p == s);
    let top: Vec<bool> = stores.iter().map(|s| is_pork(&s.store_id)).collect();
    for s in &stores {
        eprintln!(
            "{} {:.4} best {:.4} hits {:2} 흑돼지 store: {}",
            s.store_id,
            s.score,
            s.best,
            s.hits,
            is_pork(&s.store_id)
        );
    }
    // All eight 흑돼지 stores rank above every other store (measured: the eighth scores
    // ≈ 0.92, the best other store ≈ 0.90).
    assert_eq!(
        top,
        [true, true, true, true, true, true, true, true, false, false],
        "{stores:#?}"
    );
    // The best 흑돼지 hit mentions 흑돼지.
    let best_review = &stores[0].review_ids[0];
    let text = &data
        .reviews
        .iter()
        .find(|r| &r.id == best_review)
        .unwrap()
        .text;
    assert!(text.contains("흑돼지"), "{text}");

    // Restricted: only the allowed stores come back; the one 흑돼지 store among them wins.
    let allowed: Vec<String> = unrelated[..4]
        .iter()
        .cloned()
        .chain([pork[7].clone()])
        .collect();
    let (stores, _) = search.search_stores(HYDE, Some(&allowed), 3).await.unwrap();
    assert_eq!(stores.len(), 3);
    assert!(
        stores.iter().all(|s| allowed.contains(&s.store_id)),
        "{stores:?}"
    );
    assert_eq!(stores[0].store_id, pork[7], "{stores:?}");
    let (stores, _) = search.search_stores(HYDE, Some(&[]), 3).await.unwrap();
    assert!(stores.is_empty());
    let (stores, _) = search
        .search_stores(HYDE, Some(&["S-unknown".to_owned()]), 3)
        .await
        .unwrap();
    assert!(stores.is_empty());
    let (stores, _) = search.search_stores(HYDE, None, 0).await.unwrap();
    assert!(stores.is_empty());

    // Rebuilding for the same data and model is a no-op.
    let again = build_index(&data, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert!(again.up_to_date);
    assert_eq!(again.embedded, 0);
    assert_eq!(again.manifest, built.manifest);
    assert!(
        again.elapsed.as_secs_f64() < 2.0,
        "no-op rebuild took {:?}",
        again.elapsed
    );

    // Clear errors: the model missing under another root; an index never built.
    let elsewhere = tempfile::tempdir().unwrap();
    let err = ReviewSearch::open(&paths, elsewhere.path())
        .await
        .unwrap_err();
    assert!(
        matches!(err, ReviewSearchError::EmbedderMissing(_)),
        "{err}"
    );
    assert!(err.is_unavailable());
    assert!(err.to_string().contains("setup.sh"), "{err}");
    let nowhere = ReviewIndexPaths::new(elsewhere.path().join("none"), shared_cache());
    let err = ReviewSearch::open(&nowhere, &root()).await.unwrap_err();
    assert!(matches!(err, ReviewSearchError::NotBuilt { .. }), "{err}");
    assert!(err.to_string().contains("jeju reviews build"), "{err}");
    // Through the project root (the real model) the built index opens.
    let opened = ReviewSearch::open(&paths, &root()).await.unwrap();
    assert_eq!(opened.manifest().count, data.reviews.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_or_damaged_index_is_detected_and_rebuilt() {
    let embedder = embedder();
    let (data, _, _) = small_subset();
    let reviews = &data.reviews[..60];
    let dir = tempfile::tempdir().unwrap();
    let paths = ReviewIndexPaths::new(dir.path().join("index"), shared_cache());
    let built = build_index_from_reviews(reviews, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert_eq!(built.points, 60);
    assert!(matches!(
        index_status(&paths, reviews, embedder.model_id()).unwrap(),
        IndexStatus::Fresh(_)
    ));

    // One review fewer: stale; the rebuild drops its point and embeds nothing new.
    let fewer = &reviews[..59];
    match index_status(&paths, fewer, embedder.model_id()).unwrap() {
        IndexStatus::Stale(reason) => assert!(reason.contains("other reviews"), "{reason}"),
        s => panic!("{s:?}"),
    }
    let rebuilt = build_index_from_reviews(fewer, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert!(!rebuilt.up_to_date);
    assert_eq!(rebuilt.points, 59);
    assert_eq!(rebuilt.embedded, 0);
    assert_eq!(rebuilt.cached, 59);
    let search = ReviewSearch::open_with_embedder(&paths, Arc::clone(&embedder))
        .await
        .unwrap();
    assert_eq!(search.store().len().await.unwrap(), 59);
    drop(search);

    // Store files gone but the manifest left: not built (open), rebuilt (build).
    for entry in std::fs::read_dir(&paths.index_dir).unwrap() {
        let p = entry.unwrap().path();
        if p != paths.manifest_file() {
            std::fs::remove_file(&p).unwrap();
        }
    }
    let err = ReviewSearch::open_with_embedder(&paths, Arc::clone(&embedder))
        .await
        .unwrap_err();
    assert!(matches!(err, ReviewSearchError::NotBuilt { .. }), "{err}");
    let rebuilt = build_index_from_reviews(fewer, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert!(!rebuilt.up_to_date);
    assert_eq!(rebuilt.points, 59);

    // Built by another model: stale, with the reason.
    let manifest_path = paths.manifest_file();
    let text = std::fs::read_to_string(&manifest_path).unwrap();
    std::fs::write(
        &manifest_path,
        text.replace(
            embedder.model_id(),
            "multilingual-e5-small-q4:0000000000000000",
        ),
    )
    .unwrap();
    let err = ReviewSearch::open_with_embedder(&paths, Arc::clone(&embedder))
        .await
        .unwrap_err();
    assert!(matches!(err, ReviewSearchError::Stale { .. }), "{err}");
    assert!(err.to_string().contains("model"), "{err}");
    let rebuilt = build_index_from_reviews(fewer, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert!(!rebuilt.up_to_date);
    ReviewSearch::open_with_embedder(&paths, embedder)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_builders_embed_each_text_once_into_a_shared_cache() {
    let embedder = embedder();
    let (data, _, _) = small_subset();
    // A fresh cache of its own, so that this test really embeds (40 reviews, ≈ 1 s).
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache/e5.bin");
    let reviews: Arc<Vec<Review>> = Arc::new(data.reviews[data.reviews.len() - 40..].to_vec());
    let distinct: std::collections::HashSet<&str> =
        reviews.iter().map(|r| r.text.as_str()).collect();
    let distinct = distinct.len();

    let tasks: Vec<_> = (0..2)
        .map(|i| {
            let paths = ReviewIndexPaths::new(dir.path().join(format!("index-{i}")), &cache);
            let embedder = Arc::clone(&embedder);
            let reviews = Arc::clone(&reviews);
            tokio::spawn(async move {
                build_index_from_reviews(&reviews, &embedder, &paths, &NoProgress).await
            })
        })
        .collect();
    let mut embedded = 0;
    for t in tasks {
        let summary = t.await.unwrap().unwrap();
        assert_eq!(summary.points, 40);
        embedded += summary.embedded;
    }
    // One builder embedded everything, the other found it all in the cache.
    assert_eq!(embedded, distinct);
    let record = 8 + DIMS as u64 * 4 + 4;
    let len = std::fs::metadata(&cache).unwrap().len();
    assert_eq!(len, 16 + distinct as u64 * record, "cache written twice?");
    // Both indexes work.
    for i in 0..2 {
        let paths = ReviewIndexPaths::new(dir.path().join(format!("index-{i}")), &cache);
        let search = ReviewSearch::open_with_embedder(&paths, Arc::clone(&embedder))
            .await
            .unwrap();
        let (stores, _) = search.search_stores(HYDE, None, 3).await.unwrap();
        assert!(!stores.is_empty());
    }
}
