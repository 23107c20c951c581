//! HyDE review search inside the pipeline: a real e5 index over the reviews of the small
//! data's 애월읍 stores (through the cache shared by test processes), then a turn with and
//! without it.

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

    let stage = after.trace.stage("review_search").unwrap();
    assert!(stage.fallback.is_none(), "{stage:?}");
    assert!(
        stage.detail.contains("candidates matched"),
        "{}",
        stage.detail
    );
    let plain_stage = before.trace.stage("review_search").unwrap();
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
