//! Faults at the server's edge, against a real graph server with the small data: the graph
//! down when the service starts, and the LLM down then back. Each gives a clear error or a
//! degraded answer, and the service recovers when the part comes back, without a restart.
//! (The graph killed mid-session: `api.rs`; the review index and embedding model missing:
//! `tests/tests/pipeline_reviews.rs`; LLM garbage, hangs and truncation: `pipeline_llm.rs`.)

mod common;

use jeju_pipeline::Stage;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Server;
use jeju_api::{ApiError, AskResponse, ErrorCode, Health, HealthStatus};
use jeju_graph::GraphClient;
use jeju_llm::fake::{FakeLlm, Reply};
use jeju_llm::{LlmClient, LlmConfig};
use jeju_pipeline::Pipeline;
use jeju_server::ServerConfig;
use jeju_tests::{call_of, loaded_small_graph, Call};
use serde_json::{json, Value};

const QUESTION: &str = "애월읍 흑돼지 맛집 추천해줘";

async fn health(s: &Server) -> (u16, Health) {
    let r = s.http.get(s.url("/api/health")).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// Asks until the answer is a 200 (at most `tries` times, 250 ms apart).
async fn ask_until_ok(s: &Server, body: Value, tries: usize) -> (u16, Value) {
    let mut last = (0, Value::Null);
    for _ in 0..tries {
        last = s.ask(body.clone()).await;
        if last.0 == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    last
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graph_down_at_start_is_a_clear_503_until_it_comes_up() {
    let mut graph = loaded_small_graph(26).await;
    graph.graph.kill_server();
    let config = graph.graph.graph_config.clone();
    let refused = GraphClient::connect(&config)
        .await
        .err()
        .expect("connects to nothing");
    assert!(refused.is_unavailable(), "{refused}");
    // What `jeju serve` does then: start anyway, on a client that connects when it can.
    let client = GraphClient::connect_lazy(&config).await.unwrap();
    let pipeline = Pipeline::new(client).unwrap();
    let mut s = Server::start_with(graph, pipeline, ServerConfig::for_pipeline(false)).await;

    let (status, h) = health(&s).await;
    assert_eq!(
        (status, h.status, h.graph),
        (503, HealthStatus::Down, false)
    );
    let started = Instant::now();
    let (status, body) = s.ask(json!({"question": QUESTION, "language": "ko"})).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, 503, "{body}");
    let e: ApiError = serde_json::from_value(body).unwrap();
    assert_eq!(e.code, ErrorCode::GraphUnavailable);
    // The page still renders (with the question box) while the graph is down.
    let r = s.http.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);

    s.graph.graph.restart().await;
    let (status, body) = ask_until_ok(&s, json!({"question": QUESTION}), 40).await;
    assert_eq!(status, 200, "{body}");
    let answer: AskResponse = serde_json::from_value(body).unwrap();
    assert_eq!(answer.picks.len(), 3);
    let (status, h) = health(&s).await;
    // Up; "degraded" only because this server has no review search.
    assert_eq!((status, h.graph, h.review_search), (200, true, false));
    assert_eq!(h.status, HealthStatus::Degraded);
}

const ROUTE_JSON: &str = r#"{"route": "recommend", "region": "애월읍", "store_type": null, "dish": "흑돼지", "companion": null, "hyde": "두툼한 흑돼지가 맛있었어요"}"#;
const MODELS_JSON: &str = r#"{"object": "list", "data": [{"id": "fake", "object": "model", "created": 0, "owned_by": "test"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_llm_that_is_down_gives_rule_based_answers_until_it_is_back() {
    let graph = loaded_small_graph(27).await;
    let up = Arc::new(AtomicBool::new(false));
    let fake = {
        let up = up.clone();
        FakeLlm::scripted(Arc::new(move |body: &str| {
            if !up.load(Ordering::SeqCst) {
                return Reply::http("503 Service Unavailable", "text/plain", "loading model");
            }
            match call_of(body) {
                Call::Route => Reply::completion(ROUTE_JSON),
                Call::Other => Reply::http("200 OK", "application/json", MODELS_JSON),
                // The later stages get nothing usable: their own fallbacks are tested in
                // pipeline_llm.rs; here only "the LLM is used again" matters.
                _ => Reply::http("200 OK", "application/json", "{}"),
            }
        }))
        .await
        .unwrap()
    };
    let mut config = LlmConfig::for_url(&fake.url);
    config.request_timeout = Duration::from_secs(5);
    config.max_retries = 0;
    let pipeline = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_llm(LlmClient::new(config).unwrap());
    let s = Server::start_with(graph, pipeline, ServerConfig::for_pipeline(true)).await;

    // Down: a correct rule-based answer that says so, and health says degraded.
    let (status, h) = health(&s).await;
    assert_eq!(
        (status, h.status, h.llm),
        (200, HealthStatus::Degraded, Some(false))
    );
    let (status, body) = s.ask(json!({"question": QUESTION, "language": "ko"})).await;
    assert_eq!(status, 200, "{body}");
    let down: AskResponse = serde_json::from_value(body).unwrap();
    assert_eq!(down.picks.len(), 3);
    assert!(
        down.picks
            .iter()
            .all(|p| p.region.as_deref() == Some("애월읍")),
        "{:?}",
        down.picks
    );
    assert!(
        down.notice.is_some(),
        "no notice that the LLM did not answer"
    );
    // The rules understood every word, so neither the route nor text2cypher asks the LLM:
    // select is the stage that tries it.
    let select = |r: &AskResponse| {
        r.trace
            .stages
            .iter()
            .find(|t| t.stage == Stage::Select)
            .cloned()
            .unwrap()
    };
    assert!(select(&down).fallback.is_some(), "{:?}", down.trace);

    // Back: the next turn uses it again (no restart, no circuit left open).
    up.store(true, Ordering::SeqCst);
    let (status, h) = health(&s).await;
    assert_eq!((status, h.llm), (200, Some(true)));
    let (status, body) = s.ask(json!({"question": QUESTION, "language": "ko"})).await;
    assert_eq!(status, 200, "{body}");
    let back: AskResponse = serde_json::from_value(body).unwrap();
    assert_eq!(back.picks.len(), 3);
    let picked = select(&back);
    assert!(
        picked.llm_calls > 0 && back.notice.is_none(),
        "the LLM was not used again: {picked:?}, notice {:?}",
        back.notice
    );
    // /metrics counts the LLM's calls and the fallback of the turn it was down.
    let metrics = s
        .http
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("jeju_llm_calls_total{stage=\"select\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("jeju_llm_tokens_total{stage=\"select\",kind=\"prompt\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("jeju_fallbacks_total{stage=\"select\",reason=\"llm_failed\"}")
            || metrics
                .contains("jeju_fallbacks_total{stage=\"select\",reason=\"llm_down_earlier\"}"),
        "{metrics}"
    );
}
