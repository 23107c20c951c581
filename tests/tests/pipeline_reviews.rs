//! HyDE review search inside the pipeline: a real e5 index over the reviews of the small
//! data's 애월읍 stores (through the cache shared by test processes), then a turn with and
//! without it.

use jeju_pipeline::Stage;
use std::path::PathBuf;
use std::sync::Arc;

use jeju_data::address::parse_address;
use jeju_embed::Embedder;
use jeju_graph::ingest::NoProgress;
use jeju_pipeline::{AnswerBody, Pipeline};
use jeju_review_search::{build_index_from_reviews, ReviewIndexPaths, ReviewSearch};
use jeju_tests::{loaded_small_graph, workspace_root};

fn shared_cache() -> PathBuf {
    std::env::var_os("JEJU_EMBED_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("jeju-review-search/e5-reviews.bin")
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_search_reranks_the_candidates_and_the_constraints_hold() {
    let graph = loaded_small_graph(21).await;
    let in_aewol: std::collections::HashSet<&str> = graph
        .data
        .stores
        .iter()
        .filter(|s| parse_address(&s.address).is_some_and(|a| a.region == "애월읍"))
        .map(|s| s.id.as_str())
        .collect();
    let reviews: Vec<_> = graph
        .data
        .reviews
        .iter()
        .filter(|r| in_aewol.contains(r.store_id.as_str()))
        .cloned()
        .collect();
    assert!(reviews.len() > 50, "{} reviews", reviews.len());
    let embedder = Embedder::load_default(workspace_root())
        .unwrap_or_else(|e| panic!("the e5 model is installed by ./setup.sh: {e}"));
    let index = tempfile::tempdir().unwrap();
    let paths = ReviewIndexPaths::new(index.path().join("reviews"), shared_cache());
    let built = build_index_from_reviews(&reviews, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    assert_eq!(built.points, reviews.len());
    let search = ReviewSearch::open_with_embedder(&paths, Arc::new(embedder))
        .await
        .unwrap();

    let question = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";
    let plain = Pipeline::new(graph.graph.client.clone()).unwrap();
    let with_reviews = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_reviews(Arc::new(search));
    let before = plain.ask(question).await.unwrap();
    let after = with_reviews.ask(question).await.unwrap();

    let stage = after.trace.stage(Stage::ReviewSearch).unwrap();
    assert!(stage.fallback.is_none(), "{stage:?}");
    assert!(
        stage.detail.contains("candidates matched"),
        "{}",
        stage.detail
    );
    let plain_stage = before.trace.stage(Stage::ReviewSearch).unwrap();
    assert!(plain_stage.fallback.is_some());

    // Re-ranking only reorders what the filters let through.
    let AnswerBody::Recommend { picks } = &after.body else {
        panic!("{}", after.text)
    };
    assert_eq!(picks.len(), 3);
    for p in picks {
        assert!(in_aewol.contains(p.card.id.as_str()), "{}", p.card.name);
        assert!(p.card.quotes.iter().all(|q| !q.is_empty()));
    }
}

/// Faults: the review index not built, then the embedding model not installed, while the
/// pipeline runs. Each turn still answers (ranked by graph signals, the trace says which part
/// is missing), and once both are there the pipeline opens the review search by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_review_index_or_embedding_model_is_a_fallback_until_it_appears() {
    use std::time::Duration;

    let graph = loaded_small_graph(21).await;
    let root = tempfile::tempdir().unwrap();
    let paths = ReviewIndexPaths::new(root.path().join("reviews"), shared_cache());
    let opener: jeju_pipeline::ReviewOpener = {
        let (paths, root) = (paths.clone(), root.path().to_owned());
        Arc::new(move || {
            let (paths, root) = (paths.clone(), root.clone());
            Box::pin(async move {
                ReviewSearch::open(&paths, &root)
                    .await
                    .map_err(|e| e.to_string())
            })
        })
    };
    let pipeline = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_review_opener(opener, Duration::ZERO);
    let question = "애월읍 흑돼지 맛집 추천해줘";
    // Each turn starts an attempt in the background (the retry interval is zero here); the
    // next turn's trace says why the last one failed.
    let fallback_after_attempt = || async {
        let _ = pipeline.ask(question).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        let answer = pipeline.ask(question).await.unwrap();
        let AnswerBody::Recommend { picks } = &answer.body else {
            panic!("{}", answer.text)
        };
        assert_eq!(picks.len(), 3, "the turn still answers");
        let stage = answer.trace.stage(Stage::ReviewSearch).unwrap();
        stage
            .fallback
            .as_ref()
            .map(|f| f.message.clone())
            .expect("review search is missing")
    };
    let why = fallback_after_attempt().await;
    assert!(why.contains("not built"), "{why}");
    assert!(!pipeline.health().await.review_search);

    // The index is built, the model is still missing.
    let embedder = Embedder::load_default(workspace_root())
        .unwrap_or_else(|e| panic!("the e5 model is installed by ./setup.sh: {e}"));
    let aewol: Vec<_> = graph
        .data
        .reviews
        .iter()
        .filter(|r| {
            graph.data.stores.iter().any(|s| {
                s.id == r.store_id
                    && parse_address(&s.address).is_some_and(|a| a.region == "애월읍")
            })
        })
        .cloned()
        .collect();
    build_index_from_reviews(&aewol, &embedder, &paths, &NoProgress)
        .await
        .unwrap();
    let why = fallback_after_attempt().await;
    assert!(why.contains("embedding model"), "{why}");

    // The model is installed: the pipeline opens the review search without a restart.
    let weights = jeju_embed::default_weights_path(root.path());
    std::fs::create_dir_all(weights.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(jeju_embed::default_weights_path(workspace_root()), &weights)
        .unwrap();
    let _ = pipeline.ask(question).await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !pipeline.has_review_search() {
        assert!(std::time::Instant::now() < deadline, "never opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(pipeline.health().await.review_search);
    let answer = pipeline.ask(question).await.unwrap();
    let stage = answer.trace.stage(Stage::ReviewSearch).unwrap();
    assert!(stage.fallback.is_none(), "{stage:?}");
    assert!(
        stage.detail.contains("candidates matched"),
        "{}",
        stage.detail
    );
}
