//! The HTTP API and the server-rendered page against a real graph server with the small
//! data set (no LLM: the deterministic path).

mod common;

use jeju_pipeline::Stage;
use std::collections::BTreeSet;

use common::Server;
use jeju_api::{AnswerKind, ApiError, AskResponse, ErrorCode, StageStatus, StreamEvent};
use serde_json::{json, Value};

fn response(v: Value) -> AskResponse {
    serde_json::from_value(v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_recommendations_follow_ups_and_data_questions() {
    let s = Server::start(21).await;

    let (status, body) = s
        .ask(json!({"question": "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let first = response(body);
    assert_eq!(first.kind, AnswerKind::Recommend);
    assert_eq!(first.turn, 1);
    assert_eq!(first.picks.len(), 3, "{}", first.text);
    for (i, p) in first.picks.iter().enumerate() {
        assert_eq!(p.rank as usize, i + 1);
        assert_eq!(p.region.as_deref(), Some("애월읍"));
        assert!(p.map.naver.starts_with("https://map.naver.com/"));
        assert!(p.map.kakao.starts_with("https://map.kakao.com/"));
        let range = p.price_range.expect("a menu with prices");
        assert!(range.min <= range.max);
        assert!(p.menu.iter().any(|m| m.contains("흑돼지")), "{:?}", p.menu);
        // Who visits is on the card once: in the visitor facts, or in the pick's facts.
        let who: Vec<&String> = p.visitor_facts.iter().chain(&p.facts).collect();
        assert_eq!(
            who.iter().filter(|f| f.contains("현지인")).count(),
            1,
            "{who:?}"
        );
        assert!(!p.reason.is_empty());
        assert!(first.text.contains(&p.name));
    }
    assert!(!first.trace.cypher.is_empty());
    assert_eq!(first.trace.stages.len(), 6);
    assert!(first.trace.candidates.len() >= 3);
    // The candidates by name with their scores; the picks among them.
    let names: BTreeSet<&str> = first
        .trace
        .candidates
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert!(first.picks.iter().all(|p| names.contains(p.name.as_str())));
    assert!(first.trace.candidates.iter().all(|c| c.score.is_finite()));
    // Each stage told for people, in the answer's language, without server paths or CLI
    // commands; no LLM is how this server runs, not a failure.
    for stage in &first.trace.stages {
        assert!(!stage.summary.is_empty(), "{stage:?}");
        assert!(
            !stage.summary.contains('/') && !stage.summary.contains("jeju "),
            "{stage:?}"
        );
        assert!(!stage.failed, "{stage:?}");
    }
    assert!(
        first.trace.stages[0].summary.contains("애월읍"),
        "{:?}",
        first.trace.stages[0]
    );
    // Fallbacks are `stage: reason_code` (their messages may name paths: the log has them).
    for f in &first.trace.fallbacks {
        let (_, code) = f.split_once(": ").expect("stage: code");
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
            "{f}"
        );
    }
    // The same answer told in English, for the page's language switch: the same places.
    let other = first
        .other_language
        .as_ref()
        .expect("the English rendition");
    assert_eq!(other.language, jeju_api::Language::En);
    let ids = |picks: &[jeju_api::PickCard]| picks.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&other.picks), ids(&first.picks));
    assert!(other
        .picks
        .iter()
        .all(|p| p.place_label.as_deref() == Some("Aewol-eup")));
    assert_eq!(other.stage_summaries.len(), first.trace.stages.len());
    assert_eq!(
        other.map.region.as_ref().map(|r| r.label.as_str()),
        Some("Aewol-eup")
    );
    // The map: the asked region, the picks' coordinates on the island.
    let region = first
        .map
        .region
        .as_ref()
        .expect("the asked region on the map");
    assert_eq!(region.label, "애월읍");
    for p in &first.picks {
        assert!(p.map.google.starts_with("https://www.google.com/maps/"));
        assert_eq!(
            p.store_type_label, p.store_type,
            "Korean labels are the data's"
        );
        assert_eq!(p.place_label.as_deref(), Some("애월읍"));
        // The rating is on the card once (its own stat), not again among the facts.
        assert!(
            !p.facts.iter().any(|f| f.starts_with("평점")),
            "{:?}",
            p.facts
        );
    }

    // The follow-up continues the session: cheaper than the cheapest earlier pick, none of
    // the earlier picks again.
    let (status, body) = s
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": first.session_id}))
        .await;
    assert_eq!(status, 200, "{body}");
    let second = response(body);
    assert_eq!(second.session_id, first.session_id);
    assert_eq!(second.turn, 2);
    assert!(second.request.contains("→"), "{}", second.request);
    let earlier: BTreeSet<_> = first.picks.iter().map(|p| p.id.clone()).collect();
    let cheapest = first
        .picks
        .iter()
        .filter_map(|p| p.price_per_person)
        .min()
        .unwrap();
    assert!(!second.picks.is_empty(), "{}", second.text);
    for p in &second.picks {
        assert!(!earlier.contains(&p.id), "{} again", p.name);
        assert!(
            p.price_per_person.unwrap() < cheapest,
            "{} not cheaper",
            p.name
        );
    }

    // A data question: the figure and the rows behind it.
    let (status, body) = s
        .ask(json!({"question": "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let search = response(body);
    assert_ne!(
        search.session_id, first.session_id,
        "no session id: a new session"
    );
    assert_eq!(search.kind, AnswerKind::Search);
    let table = search.search.expect("a search answer");
    assert_eq!(table.rows.len(), 1);
    assert!(table.headline.contains(&table.rows[0].name));
    // The sentence names what was ranked and the answer.
    assert!(table.sentence.contains("한림읍"), "{}", table.sentence);
    assert!(
        table.sentence.contains(&table.rows[0].name),
        "{}",
        table.sentence
    );
    assert!(table.sentence.contains("30대"), "{}", table.sentence);
    assert_eq!(search.trace.candidates.len(), 0);
    assert!(table.rows[0].display.ends_with('%'), "{:?}", table.rows[0]);
    assert!(table.measure.contains("30대"), "{}", table.measure);

    // The page language can set the answer's language.
    let (status, body) = s
        .ask(json!({"question": "애월읍 흑돼지 맛집 추천해줘", "language": "en"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let english = response(body);
    assert_eq!(english.language, jeju_api::Language::En);
    assert!(!english.picks.is_empty(), "{}", english.text);
    // English labels from the gazetteer and the dish vocabulary; names stay as they are.
    for p in &english.picks {
        assert!(p.store_type_label.is_ascii(), "{}", p.store_type_label);
        assert_eq!(p.place_label.as_deref(), Some("Aewol-eup"));
        // A glossed dish: "흑돼지 오겹살 (five-layer pork belly, 200g) ₩19,000".
        assert!(
            p.menu
                .iter()
                .any(|m| m.contains("흑돼지") && m.contains(" (") && m.contains('₩')),
            "{:?}",
            p.menu
        );
        for korean in ["손님", "현지인", "리뷰", "평점", "방문", "원"] {
            assert!(!p.reason.contains(korean), "{}", p.reason);
        }
    }
    assert_eq!(
        english.map.region.as_ref().map(|r| r.label.as_str()),
        Some("Aewol-eup")
    );
    for s in &english.trace.stages {
        let hangul = s
            .summary
            .chars()
            .any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
        assert!(!hangul, "{s:?}");
    }
    for p in &english.picks {
        let who: Vec<&String> = p.visitor_facts.iter().chain(&p.facts).collect();
        assert!(
            who.iter().any(|f| f.to_lowercase().contains("local")),
            "{who:?}"
        );
        assert!(!who.iter().any(|f| f.contains("현지인")), "{who:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_4xx_never_a_5xx() {
    let s = Server::start(22).await;
    let cases: Vec<(Value, u16, ErrorCode)> = vec![
        (json!({"question": ""}), 400, ErrorCode::EmptyQuestion),
        (
            json!({"question": "   \n\t "}),
            400,
            ErrorCode::EmptyQuestion,
        ),
        (
            json!({"question": "\u{0}\u{7}\u{1b}"}),
            400,
            ErrorCode::EmptyQuestion,
        ),
        (
            json!({"question": "\u{200b}\u{feff}\u{202e}\u{2066}"}),
            400,
            ErrorCode::EmptyQuestion,
        ),
        (
            json!({"question": "흑".repeat(jeju_api::MAX_QUESTION_CHARS + 1)}),
            400,
            ErrorCode::QuestionTooLong,
        ),
        (
            json!({"question": "a".repeat(20_000)}),
            413,
            ErrorCode::BodyTooLarge,
        ),
        (json!({"question": 42}), 400, ErrorCode::InvalidRequest),
        (json!({"q": "애월"}), 400, ErrorCode::InvalidRequest),
        (
            json!({"question": "애월", "drop": true}),
            400,
            ErrorCode::InvalidRequest,
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = s.ask(body.clone()).await;
        assert_eq!(got, status, "{body}: {answer}");
        let e: ApiError = serde_json::from_value(answer).unwrap();
        assert_eq!(e.code, code, "{body}");
        assert!(!e.message.is_empty());
    }
    // Not JSON at all, and JSON without its content type.
    for (ctype, body) in [
        ("application/json", "{not json"),
        ("text/plain", "{\"question\":\"애월\"}"),
    ] {
        let r = s
            .http
            .post(s.url("/api/ask"))
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 400, "{ctype} {body}");
        let e: ApiError = r.json().await.unwrap();
        assert_eq!(e.code, ErrorCode::InvalidRequest);
    }
    // Odd but askable questions are answered (200), whatever they find.
    for q in [
        "🍖🍖🍖",
        "<script>alert(1)</script> 애월 흑돼지",
        "애월 black pork 맛집 近く",
        "' OR 1=1 --",
        "애월읍\u{0} 흑돼지\u{202e} 맛집\u{7} 추천",
        "<img src=x onerror=alert(1)> 한림읍 카페",
        "👨\u{200d}👩\u{200d}👧 가족 식당",
    ] {
        let (status, body) = s.ask(json!({ "question": q })).await;
        assert_eq!(status, 200, "{q}: {body}");
    }
    // The stream refuses bad input before it starts.
    let r = s
        .http
        .get(s.url("/api/ask/stream?question=%20%20"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    // A 5,000-character question in the stream's query string (45 KB encoded; the client
    // library refuses URIs over 64 KB): refused, not answered.
    let r = s
        .http
        .get(s.url("/api/ask/stream"))
        .query(&[("question", "흑".repeat(5_000))])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert!((400..500).contains(&status), "{status}");
    // Unknown API paths are JSON 404s.
    let r = s.http.get(s.url("/api/nope")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

/// Parses an SSE body into (event, data) pairs.
fn sse_events(body: &str) -> Vec<StreamEvent> {
    let mut out = Vec::new();
    for block in body.split("\n\n") {
        let mut event = None;
        let mut data = String::new();
        for line in block.lines() {
            if let Some(e) = line.strip_prefix("event:") {
                event = Some(e.trim().to_owned());
            } else if let Some(d) = line.strip_prefix("data:") {
                data.push_str(d.strip_prefix(' ').unwrap_or(d));
            }
        }
        if let Some(e) = event {
            out.push(StreamEvent::from_sse(&e, &data).unwrap());
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_reports_every_stage_then_each_pick_then_the_answer() {
    let s = Server::start(23).await;
    let r = s
        .http
        .get(s.url("/api/ask/stream"))
        .query(&[
            ("question", "애월읍 흑돼지 맛집 추천해줘"),
            ("language", "ko"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let events = sse_events(&r.text().await.unwrap());
    let started: Vec<Stage> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Stage(s) if s.status == StageStatus::Started => Some(s.stage),
            _ => None,
        })
        .collect();
    assert_eq!(started, Stage::ALL.to_vec());
    let finished = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::Stage(s) if s.status == StageStatus::Finished && s.ms.is_some()))
        .count();
    assert_eq!(finished, 6);
    let picks: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Pick(p) => Some(p.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(picks.len(), 3);
    let Some(StreamEvent::Answer(answer)) = events.last() else {
        panic!("the answer is not last: {events:?}")
    };
    assert_eq!(answer.picks, picks, "the streamed cards are the final ones");
    // Each pick came before the answer stage finished.
    let first_pick = events
        .iter()
        .position(|e| matches!(e, StreamEvent::Pick(_)))
        .unwrap();
    let answer_done = events
        .iter()
        .position(|e| matches!(e, StreamEvent::Stage(s) if s.stage == Stage::Answer && s.status == StageStatus::Finished))
        .unwrap();
    assert!(first_pick < answer_done);
}

/// The text of every `<script>` that runs (no `src`, not a JSON data block).
fn inline_scripts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        let body = &rest[tag_end + 1..close];
        if !tag.contains("src=") && !tag.contains("application/json") {
            out.push(body.to_owned());
        }
        rest = &rest[close..];
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_openapi_and_the_server_rendered_page() {
    let s = Server::start(24).await;
    let r = s.http.get(s.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let health: jeju_api::Health = r.json().await.unwrap();
    assert!(health.graph);
    assert_eq!(health.llm, None);
    assert_eq!(
        health.status,
        jeju_api::HealthStatus::Degraded,
        "no review index here"
    );

    let doc: Value = s
        .http
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/ask", "/api/ask/stream", "/api/health"] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
    // The documented AskResponse and PickCard have exactly the fields a real answer has.
    let (_, body) = s
        .ask(json!({"question": "애월읍 흑돼지 맛집 추천해줘"}))
        .await;
    let schemas = &doc["components"]["schemas"];
    for (schema, value) in [("AskResponse", &body), ("PickCard", &body["picks"][0])] {
        let documented: BTreeSet<&str> = schemas[schema]["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{schema} missing"))
            .keys()
            .map(String::as_str)
            .collect();
        let actual: BTreeSet<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(documented, actual, "{schema}");
    }
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

    // A question outside what the service knows is declined, with a reason and no picks.
    let (status, body) = s
        .ask(json!({"question": "부산 해운대 맛집 추천해줘"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["kind"], "declined", "{body}");
    assert_eq!(body["declined"]["reason"], "out_of_area");
    assert_eq!(body["declined"]["word"], "부산");
    assert_eq!(body["picks"].as_array().map(Vec::len), Some(0));
    assert!(body["text"].as_str().unwrap().contains("제주"), "{body}");

    // The page: server-rendered, with the conversation of its session.
    let r = s.http.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"question\""));
    assert!(html.contains("jeju-state"));
    // Without JavaScript: the plain form asks, then redirects to the conversation.
    let r = s
        .http
        .get(s.url("/"))
        .query(&[("q", "애월읍 흑돼지 맛집 추천해줘"), ("lang", "ko")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/?session_id="), "{location}");
    let html = s
        .http
        .get(s.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("pick-card"), "no cards rendered");
    assert!(html.contains("애월읍 흑돼지 맛집 추천해줘"));
    // The Content-Security-Policy allows every inline script the page has, by hash, and
    // nothing the policy would block is on the page (inline styles, event handlers).
    let r = s.http.get(s.url(&location)).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let inline = inline_scripts(&html);
    assert_eq!(
        inline.len(),
        usize::from(jeju_server::hydrates()),
        "{inline:?}"
    );
    for script in &inline {
        use base64::Engine;
        use sha2::Digest;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
        assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}\n{script}");
    }
    assert!(
        !html.contains(" style="),
        "an inline style the policy blocks"
    );
    assert!(
        !html.contains(" onclick="),
        "an inline handler the policy blocks"
    );
    // The wasm bundle and the stylesheet are served under the bundle's content hash, cached
    // for a year; the unversioned paths still answer, briefly cached.
    let assets = jeju_server::assets_dir();
    assert!(assets.len() > "/pkg/".len(), "{assets}");
    let css_link = format!("{assets}/jeju_web.css");
    assert!(html.contains(&css_link), "{html}");
    let css = s.http.get(s.url(&css_link)).send().await.unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let plain = s.http.get(s.url("/pkg/jeju_web.css")).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 200);
    assert_eq!(plain.headers()["cache-control"], "public, max-age=300");
    let stale = s
        .http
        .get(s.url("/pkg/000000000000/jeju_web.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 200);
    assert_eq!(stale.headers()["cache-control"], "no-cache");
    if jeju_server::hydrates() {
        for f in ["jeju_web.js", "jeju_web_bg.wasm"] {
            let link = format!("{assets}/{f}");
            assert!(html.contains(&link), "{link}");
            let r = s.http.get(s.url(&link)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{link}");
        }
    }
    // The icon.
    assert!(html.contains(r#"<link rel="icon" href="/favicon.svg""#));
    let icon = s.http.get(s.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.unwrap().starts_with("<svg"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_turns_stages_fallbacks_and_errors_and_probes_answer() {
    let s = Server::start(21).await;
    for q in [
        "애월읍 흑돼지 맛집 추천해줘",
        "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?",
    ] {
        let (status, body) = s.ask(json!({"question": q})).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _) = s.ask(json!({"question": "   "})).await;
    assert_eq!(status, 400);
    let r = s.http.get(s.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let metrics = r.text().await.unwrap();
    for series in [
        "jeju_turn_duration_seconds_count{outcome=\"answered\"} 2",
        "jeju_stage_duration_seconds_count{stage=\"route\"} 2",
        "jeju_stage_duration_seconds_bucket{le=\"0.001\",stage=\"text2cypher\"}",
        "jeju_fallbacks_total{stage=\"route\",reason=\"no_llm\"} 2",
        "jeju_errors_total{code=\"empty_question\"} 1",
        "jeju_turns_waiting 0",
        "jeju_turns_running 0",
    ] {
        assert!(metrics.contains(series), "{series} missing from\n{metrics}");
    }
    // Every response carries a request id; one the proxy sent is kept.
    let r = s
        .http
        .get(s.url("/api/live"))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["x-request-id"], "proxy-7f3a");
    let live: Value = r.json().await.unwrap();
    assert_eq!(live["live"], true);
    let r = s.http.get(s.url("/api/ready")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(!r.headers()["x-request-id"].is_empty());
    let ready: Value = r.json().await.unwrap();
    assert_eq!(
        ready,
        json!({"ready": true, "graph": true, "session_store": null})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graph_killed_mid_session_is_a_clear_503_and_the_service_recovers() {
    let mut s = Server::start(25).await;
    let (status, body) = s
        .ask(json!({"question": "애월읍 흑돼지 맛집 추천해줘"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let session = response(body).session_id;

    s.graph.graph.kill_server();
    let (status, body) = s
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": session, "language": "en"}))
        .await;
    assert_eq!(status, 503, "{body}");
    let e: ApiError = serde_json::from_value(body).unwrap();
    assert_eq!(e.code, ErrorCode::GraphUnavailable);
    assert!(e.message.contains("database"), "{}", e.message);
    let r = s.http.get(s.url("/api/health")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let health: jeju_api::Health = r.json().await.unwrap();
    assert_eq!(health.status, jeju_api::HealthStatus::Down);
    // Not ready for questions, but the process lives (a probe must not restart it).
    let r = s.http.get(s.url("/api/ready")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    let ready: Value = r.json().await.unwrap();
    assert_eq!(ready["graph"], false);
    let r = s.http.get(s.url("/api/live")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // The stream ends with the same error.
    let r = s
        .http
        .get(s.url("/api/ask/stream"))
        .query(&[("question", "애월읍 흑돼지 맛집 추천해줘")])
        .send()
        .await
        .unwrap();
    let events = sse_events(&r.text().await.unwrap());
    assert!(
        matches!(events.last(), Some(StreamEvent::Error(e)) if e.code == ErrorCode::GraphUnavailable),
        "{events:?}"
    );

    // The server comes back: the same session continues (its follow-up still works).
    s.graph.graph.restart().await;
    let mut last = (0, Value::Null);
    for _ in 0..20 {
        last = s
            .ask(json!({"question": "더 저렴한 곳은?", "session_id": session}))
            .await;
        if last.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert_eq!(last.0, 200, "not recovered: {}", last.1);
    let again = response(last.1);
    assert_eq!(again.session_id, session);
    assert!(again.request.contains("→"), "{}", again.request);
}
