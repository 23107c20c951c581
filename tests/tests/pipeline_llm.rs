//! The LLM stages against a scripted misbehaving server (`jeju_llm::fake`): each stage's
//! checks, its repair or retry, and its fallback, on a real graph server with the small data.
//! (The same stages against the real local model: `pipeline_local_llm.rs`.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use jeju_llm::fake::{FakeLlm, Reply};
use jeju_llm::{LlmClient, LlmConfig};
use jeju_pipeline::{Answer, AnswerBody, Pipeline};
use jeju_tests::{assert_three_picks_in, call_of, loaded_small_graph, Call, LoadedGraph};

/// Every word of it is the rules': only select asks the LLM.
const QUESTION: &str = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";
/// With a word nothing explains: the route asks the LLM to read it and, when it cannot,
/// text2cypher asks it for a query.
const UNSURE: &str = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘 뷁뷁";

/// The route's reading of the unread words: none (the word stays unexplained).
const ROUTE_JSON: &str = r#"{"words": []}"#;
const GOOD_CYPHER: &str = "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') RETURN s.id AS id, s.name AS name ORDER BY s.age_60_over_ratio DESC LIMIT 50";

async fn pipeline_with(
    graph: &LoadedGraph,
    timeout: Duration,
    script: impl Fn(Call) -> Reply + Send + Sync + 'static,
) -> (Pipeline, FakeLlm) {
    let fake = FakeLlm::scripted(Arc::new(move |body: &str| script(call_of(body))))
        .await
        .unwrap();
    let mut config = LlmConfig::for_url(&fake.url);
    config.request_timeout = timeout;
    let llm = LlmClient::new(config).unwrap();
    let pipeline = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_llm(llm);
    (pipeline, fake)
}

fn stage<'a>(answer: &'a Answer, name: &str) -> &'a jeju_pipeline::StageTrace {
    answer
        .trace
        .stage(jeju_pipeline::Stage::parse(name).expect("a stage name"))
        .unwrap_or_else(|| panic!("no {name} stage"))
}

fn assert_constraints_hold(graph: &LoadedGraph, answer: &Answer) {
    assert_three_picks_in(&graph.data, answer, "애월읍", "흑돼지");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_from_every_llm_call_falls_back_stage_by_stage() {
    let graph = loaded_small_graph(21).await;
    let (pipeline, fake) = pipeline_with(&graph, Duration::from_secs(5), |_| {
        Reply::http("200 OK", "application/json", "<html>not an API</html>")
    })
    .await;
    let answer = pipeline.ask(QUESTION).await.unwrap();
    // The rules understood every word: neither the route nor text2cypher asks the LLM.
    for name in ["route", "text2cypher"] {
        let s = stage(&answer, name);
        assert!(
            s.llm.is_none() && s.detail.contains("no LLM call"),
            "{name}: {s:?}"
        );
    }
    let select = stage(&answer, "select");
    assert!(
        select.fallback.is_some(),
        "select did not fall back: {select:?}"
    );
    assert!(select.llm.is_some_and(|u| u.calls >= 1), "{select:?}");
    assert_constraints_hold(&graph, &answer);
    assert!(fake.requests() >= 1);
    // A word the rules do not know sends the route, then text2cypher, to the LLM; the
    // garbage of each falls back.
    let unsure = pipeline.ask(UNSURE).await.unwrap();
    for name in ["route", "text2cypher", "select"] {
        let s = stage(&unsure, name);
        assert!(s.fallback.is_some(), "{name} did not fall back: {s:?}");
        assert!(s.llm.is_some_and(|u| u.calls >= 1), "{name}: {s:?}");
    }
    assert_constraints_hold(&graph, &unsure);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writing_query_is_refused_twice_and_the_composed_query_answers() {
    let graph = loaded_small_graph(21).await;
    let before = graph.graph.client.counts().await.unwrap();
    let (pipeline, _fake) = pipeline_with(&graph, Duration::from_secs(5), |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        Call::Cypher => Reply::completion("MATCH (s:Store) DETACH DELETE s RETURN count(*) AS id"),
        Call::Repair => Reply::completion(
            "MATCH (s:Store) WHERE s.region = '애월읍' SET s.name = 'x' RETURN s.id AS id",
        ),
        _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
    })
    .await;
    let answer = pipeline.ask(UNSURE).await.unwrap();
    let t2c = stage(&answer, "text2cypher");
    let why = t2c
        .fallback
        .as_ref()
        .map(|f| f.message.as_str())
        .unwrap_or_default();
    assert!(why.contains("DETACH") && why.contains("SET"), "{why}");
    assert_eq!(t2c.llm.unwrap().calls, 2, "one repair round");
    assert_constraints_hold(&graph, &answer);
    assert_eq!(graph.graph.client.counts().await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misspelt_literal_is_repaired_and_the_llm_query_is_used() {
    let graph = loaded_small_graph(21).await;
    let (pipeline, _fake) = pipeline_with(&graph, Duration::from_secs(5), |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        // The small-model mistake the gazetteer exists for: "애월" for "애월읍".
        Call::Cypher => Reply::completion(&GOOD_CYPHER.replace("'애월읍'", "'애월'")),
        Call::Repair => Reply::completion(&format!("```cypher\n{GOOD_CYPHER}\n```")),
        _ => Reply::http("200 OK", "application/json", "{}"),
    })
    .await;
    let answer = pipeline.ask(UNSURE).await.unwrap();
    let t2c = stage(&answer, "text2cypher");
    assert!(t2c.fallback.is_none(), "{t2c:?}");
    assert!(
        t2c.detail.contains("repaired after") && t2c.detail.contains("'애월'"),
        "{}",
        t2c.detail
    );
    assert_eq!(answer.trace.cypher[0].query.cypher, GOOD_CYPHER);
    assert_constraints_hold(&graph, &answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn select_streams_checked_picks_and_replaces_invented_facts() {
    let graph = loaded_small_graph(21).await;
    let select = r#"{"picks": [{"id": "c2", "reason": "부모님과 함께 가기 좋은 흑돼지 전문점이에요."}, {"id": "c9", "reason": "없는 후보입니다."}, {"id": "c1", "reason": "평점 4.99에 흑돼지 1인분이 12,345원이에요."}]}"#;
    let (pipeline, _fake) = pipeline_with(&graph, Duration::from_secs(5), move |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        Call::Cypher => Reply::completion(GOOD_CYPHER),
        Call::Select => Reply::stream(select, 9),
        _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
    })
    .await;
    let mut session = jeju_pipeline::session::Session::default();
    let seen = std::sync::Mutex::new(Vec::new());
    let observer = |e: jeju_pipeline::TurnEvent<'_>| {
        if let jeju_pipeline::TurnEvent::Pick { index, pick } = e {
            seen.lock().unwrap().push((index, pick.card.id.clone()));
        }
    };
    let answer = pipeline
        .ask_observed(&mut session, QUESTION, &observer)
        .await
        .unwrap();
    let sel = stage(&answer, "select");
    assert!(sel.fallback.is_none(), "{sel:?}");
    assert!(
        sel.detail.contains("\"c9\" is not a candidate"),
        "{}",
        sel.detail
    );
    assert!(sel.detail.contains("not in its data"), "{}", sel.detail);
    assert!(
        sel.detail.contains("filled by the deterministic ranker"),
        "{}",
        sel.detail
    );
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!()
    };
    let candidates = &answer.trace.candidates;
    // c2 first, with the model's reason; c1 second, its invented numbers replaced.
    assert_eq!(picks[0].card.id, candidates[1]);
    assert_eq!(
        picks[0].reason,
        "부모님과 함께 가기 좋은 흑돼지 전문점이에요."
    );
    assert_eq!(picks[1].card.id, candidates[0]);
    assert!(!picks[1].reason.contains("12,345") && !picks[1].reason.contains("4.99"));
    // Every pick was handed to the observer, in order, before the turn ended.
    let ids: Vec<String> = picks.iter().map(|p| p.card.id.clone()).collect();
    let streamed: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, id)| id.clone())
        .collect();
    assert_eq!(streamed, ids);
    assert_constraints_hold(&graph, &answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_select_json_is_retried_once_then_the_ranker_answers() {
    let graph = loaded_small_graph(21).await;
    let (pipeline, fake) = pipeline_with(&graph, Duration::from_secs(5), |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        Call::Cypher => Reply::completion(GOOD_CYPHER),
        Call::Select => Reply::stream(r#"{"picks": [{"id": "c1", "reas"#, 5),
        _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
    })
    .await;
    let answer = pipeline.ask(QUESTION).await.unwrap();
    let sel = stage(&answer, "select");
    assert_eq!(sel.llm.unwrap().calls, 2, "one retry: {sel:?}");
    assert!(
        sel.fallback
            .as_ref()
            .map(|f| f.message.as_str())
            .is_some_and(|f| f.contains("deterministic ranker")),
        "{sel:?}"
    );
    assert_eq!(
        fake.requests(),
        2,
        "select twice (the rules understood every word: no route or cypher call)"
    );
    assert_constraints_hold(&graph, &answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_llm_costs_one_timeout_per_turn_not_one_per_stage() {
    let graph = loaded_small_graph(21).await;
    let (pipeline, fake) = pipeline_with(&graph, Duration::from_secs(2), |_| Reply::Hang).await;
    let started = Instant::now();
    let answer = pipeline.ask(UNSURE).await.unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(fake.requests(), 1, "later stages skip the LLM");
    // The route is the first stage that asks (a word is left); the others skip it.
    let sel = stage(&answer, "select");
    assert!(
        sel.fallback
            .as_ref()
            .map(|f| f.message.as_str())
            .is_some_and(|f| f.contains("unavailable earlier in this turn")),
        "{sel:?}"
    );
    assert!(answer.text.contains("규칙 기반"), "{}", answer.text);
    assert_constraints_hold(&graph, &answer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_answer_keeps_the_asked_top_even_if_the_llm_asks_for_more() {
    let graph = loaded_small_graph(21).await;
    let cypher = "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') AND s.rating IS NOT NULL RETURN s.id AS id, s.name AS name, s.rating AS value ORDER BY value DESC LIMIT 5";
    let (pipeline, _fake) = pipeline_with(&graph, Duration::from_secs(5), move |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        Call::Cypher => Reply::completion(cypher),
        _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
    })
    .await;
    let answer = pipeline
        .ask("애월읍에서 평점이 가장 높은 흑돼지 맛집은? 뷁뷁")
        .await
        .unwrap();
    let t2c = stage(&answer, "text2cypher");
    assert!(t2c.fallback.is_none(), "{t2c:?}");
    assert!(
        t2c.detail.contains("over the asked top 1 cut"),
        "{}",
        t2c.detail
    );
    let AnswerBody::Search { rows, .. } = &answer.body else {
        panic!("{}", answer.text)
    };
    assert_eq!(rows.len(), 1, "{}", answer.text);
}

/// A search whose LLM query answers fewer than asked (no rows, `LIMIT 1` for "3 places", or rows
/// without a value, as `ORDER BY value DESC` puts stores without the property first) is answered
/// by the composed query when that finds more; the trace says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_llm_query_that_finds_less_than_asked_gives_way_to_the_composed_one() {
    let graph = loaded_small_graph(21).await;
    let route = ROUTE_JSON;
    // Each with a word left, so that the LLM writes the query.
    for (question, cypher, want) in [
        (
            "애월읍에서 평점이 가장 높은 흑돼지 맛집은? 뷁뷁",
            "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') AND s.rating > 100 RETURN s.id AS id, s.name AS name, s.rating AS value ORDER BY value DESC LIMIT 1",
            1,
        ),
        (
            "애월읍에서 평점이 가장 높은 흑돼지 맛집 3곳은? 뷁뷁",
            "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') AND s.rating IS NOT NULL RETURN s.id AS id, s.name AS name, s.rating AS value ORDER BY value DESC LIMIT 1",
            3,
        ),
        (
            "애월읍에서 평점이 가장 높은 흑돼지 맛집은? 뷁뷁",
            "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') RETURN s.id AS id, s.name AS name, null AS value ORDER BY s.rating DESC LIMIT 1",
            1,
        ),
    ] {
        let (pipeline, _fake) =
            pipeline_with(&graph, Duration::from_secs(5), move |call| match call {
                Call::Route => Reply::completion(route),
                Call::Cypher => Reply::completion(cypher),
                _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
            })
            .await;
        let answer = pipeline.ask(question).await.unwrap();
        let t2c = stage(&answer, "text2cypher");
        let why = t2c.fallback.as_ref().map(|f| f.message.clone()).unwrap_or_default();
        assert!(
            why.contains(&format!("of the asked {want}: composed query")),
            "{question}: {t2c:?}"
        );
        let AnswerBody::Search { rows, .. } = &answer.body else {
            panic!("{}", answer.text)
        };
        assert_eq!(rows.len(), want, "{question}: {}", answer.text);
    }
}

/// A recommendation whose LLM query narrows below the shortlist (`LIMIT 1`) is topped up with
/// stores that pass the filters, so no FastRP neighbour that breaks them is picked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recommend_llm_query_that_narrows_to_one_store_is_topped_up_by_the_filters() {
    let graph = loaded_small_graph(21).await;
    let one = GOOD_CYPHER.replace("LIMIT 50", "LIMIT 1");
    let (pipeline, _fake) = pipeline_with(&graph, Duration::from_secs(5), move |call| match call {
        Call::Route => Reply::completion(ROUTE_JSON),
        Call::Cypher => Reply::completion(&one),
        _ => Reply::http("500 Internal Server Error", "text/plain", "down"),
    })
    .await;
    let answer = pipeline.ask(UNSURE).await.unwrap();
    let t2c = stage(&answer, "text2cypher");
    assert!(t2c.fallback.is_none(), "{t2c:?}");
    assert!(
        t2c.detail
            .contains("1 pass the hard constraints; 5 more from the composed query"),
        "{}",
        t2c.detail
    );
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("{}", answer.text)
    };
    assert_eq!(picks.len(), 3, "{}", answer.text);
    assert!(
        picks.iter().all(|p| !p.card.backfilled),
        "a backfilled pick: {}",
        answer.text
    );
    assert_constraints_hold(&graph, &answer);
}
