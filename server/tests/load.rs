//! The load test in its short form (CI): many sessions asking mixed questions with follow-ups
//! through [`jeju_server::load`] against a real graph server with the small data. The long
//! form is `jeju bench --load` (docs/deploy.md).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Server;
use jeju_llm::fake::{FakeLlm, Reply};
use jeju_llm::{LlmClient, LlmConfig};
use jeju_pipeline::Pipeline;
use jeju_server::load::{self, LoadPlan};
use jeju_server::ServerConfig;
use jeju_tests::{call_of, loaded_small_graph, Call};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_sessions_for_eight_seconds_without_the_llm_answer_everything_in_their_sessions() {
    const SESSIONS: usize = 20;
    let s = Server::start(26).await;
    let plan = LoadPlan::mixed(s.url(""), SESSIONS, Duration::from_secs(8), false);
    let report = load::run(&plan).await.unwrap();
    eprintln!("{report}");

    assert_eq!(report.error_responses(), 0, "{report}");
    assert_eq!(report.transport_error_count(), 0, "{report}");
    assert!(report.answers >= 20, "{report}");
    assert_eq!(report.requests, report.answers, "{report}");
    assert_eq!(report.answers_per_session.len(), SESSIONS);
    assert!(
        report.answers_per_session.iter().all(|&n| n >= 1),
        "a session got no answer: {:?}",
        report.answers_per_session
    );
    assert!(report.recommend > 0 && report.search > 0, "{report}");
    assert!(report.latency.p50 <= report.latency.p95);
    assert!(report.latency.p95 <= report.latency.max);

    // Each session is one conversation: its follow-ups were sent with its session id and
    // revised its earlier request, and the server keeps one conversation per session, not
    // one per request.
    assert!(
        report.follow_ups > 0,
        "no follow-up was understood: {report}"
    );
    assert_eq!(report.session_ids, SESSIONS, "{report}");
    let kept = s.state.sessions.len();
    assert!(
        (SESSIONS..=SESSIONS + 3).contains(&kept),
        "{kept} conversations on the server after {} requests from {SESSIONS} sessions",
        report.requests
    );
}

/// How long the fake model takes to answer the select call (the one LLM call of a question
/// whose words the rules all understand: neither the route nor text2cypher asks); its other
/// calls answer at once.
const FIRST_CALL_DELAY: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_slow_llm_turns_queue_for_the_two_slots_instead_of_failing() {
    const SESSIONS: usize = 8;
    let graph = loaded_small_graph(27).await;
    // Garbage for every call (each stage falls back to its deterministic path), the select
    // call after a delay: a recommendation holds its slot at least that long.
    let fake = FakeLlm::scripted(Arc::new(|body: &str| {
        let garbage = Reply::http("200 OK", "application/json", "<html>not an API</html>");
        match call_of(body) {
            Call::Select => garbage.after(FIRST_CALL_DELAY),
            _ => garbage,
        }
    }))
    .await
    .unwrap();
    let mut llm_config = LlmConfig::for_url(&fake.url);
    llm_config.request_timeout = Duration::from_secs(20);
    let pipeline = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_llm(LlmClient::new(llm_config).unwrap());
    let config = ServerConfig::for_pipeline(true);
    assert_eq!(config.max_concurrent_turns, 2);
    let s = Server::start_with(graph, pipeline, config).await;

    // One turn alone (after a first one that warms up): the time of a turn without a queue.
    let question = jeju_pipeline::BENCH_QUESTIONS[0];
    let mut lone = Duration::ZERO;
    for _ in 0..2 {
        let started = Instant::now();
        let (status, body) = s.ask(json!({ "question": question })).await;
        lone = started.elapsed();
        assert_eq!(status, 200, "{body}");
    }
    assert!(lone >= FIRST_CALL_DELAY, "a lone turn took {lone:?}");

    let plan = LoadPlan::mixed(s.url(""), SESSIONS, Duration::from_secs(6), true);
    let report = load::run(&plan).await.unwrap();
    eprintln!("{report} (a lone turn: {lone:?})");

    // Nothing refused (`busy`) or cut off (`timeout`): the turns waited for a slot.
    assert_eq!(report.errors(), 0, "{report}");
    assert!(
        report.answers_per_session.iter().all(|&n| n >= 1),
        "a session got no answer: {:?}",
        report.answers_per_session
    );
    // They did wait: some answer took more than two lone turns.
    assert!(
        report.latency.max > lone * 2,
        "no request queued: max {:?}, a lone turn {lone:?}\n{report}",
        report.latency.max
    );
    // And no more than two turns ran at once: each fresh question (not a follow-up) held a
    // slot for the route delay, so two slots answer at most two per delay.
    let fresh = report.answers - report.follow_ups;
    let most = 2.0 * report.elapsed.as_secs_f64() / FIRST_CALL_DELAY.as_secs_f64() + 2.0;
    assert!(
        fresh as f64 <= most,
        "{fresh} fresh turns in {:?}: more than two slots' worth ({most:.0})\n{report}",
        report.elapsed
    );
    assert!(fake.requests() >= fresh, "{} LLM requests", fake.requests());
}
