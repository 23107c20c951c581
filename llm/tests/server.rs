//! Against the real local model: each test starts its own `llama-server` (installed by
//! ./setup.sh) on a free loopback port. Few tests, each sharing its server across checks:
//! loading the model and generating on a 2-core CPU take seconds.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jeju_llm::server::{free_port, health, stop_detached, Health};
use jeju_llm::{ChatRequest, LlamaServer, LlmClient, ServerConfig, Turn};
use serde::Deserialize;

fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// A server config on a free port with its log in `dir`.
fn test_config(dir: &std::path::Path) -> ServerConfig {
    let mut config = ServerConfig::local(&project_root());
    config.port = free_port().unwrap();
    config.root = dir.to_path_buf();
    // Other tests run beside these: one generation thread degrades gracefully when the
    // cores are busy, more threads do not (see `ServerConfig::threads`).
    config.threads = 1;
    config
}

/// Generous: the CI machine has 2 cores and other tests may be running beside this one.
fn client_for(server: &LlamaServer) -> LlmClient {
    let mut config = server.client_config();
    config.request_timeout = Duration::from_secs(300);
    LlmClient::new(config).unwrap()
}

#[derive(Debug, Deserialize)]
struct Route {
    route: String,
}

const ROUTER_SYSTEM: &str = "Classify the question. Reply with only this JSON object and \
nothing else: {\"route\": \"search\"} or {\"route\": \"recommend\"}. \"search\": a fact or \
ranking from the data (counts, shares, the top store). \"recommend\": a request for suggestions.";

#[tokio::test]
async fn local_model_answers_korean_json_and_streams() {
    let dir = tempfile::tempdir().unwrap();
    let server = LlamaServer::spawn_owned(test_config(dir.path()))
        .await
        .unwrap();
    println!("model loaded in {:.1} s", server.load_time().as_secs_f64());
    let llm = client_for(&server);

    let info = llm.health().await.unwrap();
    println!("models: {:?}", info.models);
    assert!(info.configured_available, "{info:?}");

    // A short Korean question.
    let req = ChatRequest::new(
        "당신은 제주도 맛집 안내원입니다. 한국어로 짧게 답하세요.",
        "제주도의 대표 음식 하나만 한 문장으로 알려줘.",
    )
    .with_max_tokens(48);
    let r = llm.chat(&req).await.unwrap();
    println!(
        "ko: {:?} | prompt {} (cached {}), completion {}, {:.1} s, {}",
        r.text,
        r.prompt_tokens,
        r.cached_tokens,
        r.completion_tokens,
        r.elapsed.as_secs_f64(),
        r.finish_reason
    );
    assert!(!r.text.trim().is_empty());
    assert!(r.prompt_tokens > 10 && r.completion_tokens > 0, "{r:?}");

    // Multi-turn: the earlier turns reach the model.
    let req = ChatRequest::new("Answer with one word.", "What did I just say my name was?")
        .with_history(vec![
            Turn::user("My name is Halla."),
            Turn::assistant("Nice to meet you, Halla."),
        ])
        .with_max_tokens(8);
    let r = llm.chat(&req).await.unwrap();
    println!("multi-turn: {:?}", r.text);
    assert!(r.text.contains("Halla"), "{r:?}");

    // JSON mode: any object, grammar-constrained by llama-server.
    let question = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";
    // (Without a schema the model may add keys of its own; `max_tokens` leaves room.)
    let req = ChatRequest::new(ROUTER_SYSTEM, question)
        .with_json()
        .with_max_tokens(64);
    let r = llm.chat(&req).await.unwrap();
    println!(
        "json_object: {:?} ({} tokens, {})",
        r.text, r.completion_tokens, r.finish_reason
    );
    let v: serde_json::Value = r.parse_json().unwrap();
    assert!(v.is_object(), "{v}");

    // JSON Schema: the enum is enforced, so the text always parses into the struct.
    let schema = serde_json::json!({
        "type": "object",
        "properties": {"route": {"type": "string", "enum": ["search", "recommend"]}},
        "required": ["route"],
        "additionalProperties": false
    });
    for (q, expected) in [
        (question, "recommend"),
        (
            "제주시 한림읍에 있는 커피 가게 중 30대 이용 비중이 가장 높은 곳은?",
            "search",
        ),
    ] {
        let req = ChatRequest::new(ROUTER_SYSTEM, q)
            .with_json_schema(schema.clone())
            .with_max_tokens(24);
        let r = llm.chat(&req).await.unwrap();
        let route: Route = r.parse_json().unwrap();
        println!(
            "json_schema: {q} -> {} (expected {expected}; {} prompt tokens, {} cached)",
            route.route, r.prompt_tokens, r.cached_tokens
        );
        assert!(["search", "recommend"].contains(&route.route.as_str()));
    }

    // Streaming: several deltas that add up to the answer.
    let req = ChatRequest::new(
        "당신은 제주도 맛집 안내원입니다. 한국어로 답하세요.",
        "애월읍에서 바다가 보이는 카페를 고를 때 볼 점 두 가지를 알려줘.",
    )
    .with_max_tokens(40);
    let started = Instant::now();
    let mut stream = llm.chat_stream(&req).await.unwrap();
    let mut deltas = Vec::new();
    let mut first = None;
    while let Some(delta) = stream.next().await {
        first.get_or_insert_with(|| started.elapsed());
        deltas.push(delta.unwrap());
    }
    let text: String = deltas.concat();
    println!(
        "stream: {} deltas, first after {:.2} s, all after {:.2} s: {text:?}",
        deltas.len(),
        first.unwrap_or_default().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    assert!(deltas.len() >= 3, "{deltas:?}");
    assert!(!text.trim().is_empty());
}

#[tokio::test]
async fn detached_server_starts_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    let server = LlamaServer::spawn_detached(config.clone()).await.unwrap();
    assert_eq!(health(&config).await.unwrap(), Health::Ready);
    let pid: u32 = std::fs::read_to_string(dir.path().join("server.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Dropping the handle leaves a detached server running.
    drop(server);
    assert_eq!(health(&config).await.unwrap(), Health::Ready);
    // A second start finds it instead of starting another.
    let again = LlamaServer::spawn_detached(config.clone()).await.unwrap();
    assert_eq!(again.load_time(), Duration::ZERO);
    assert!(stop_detached(&config, Duration::from_secs(10))
        .await
        .unwrap());
    assert!(health(&config).await.is_err());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists() || {
            // A zombie until the test process reaps it is fine: it no longer serves.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| s.contains(") Z "))
                .unwrap_or(true)
        }
    );
    assert!(!stop_detached(&config, Duration::from_secs(1))
        .await
        .unwrap());
}

/// Load time and throughput of the local model on this machine:
/// `cargo test -p jeju-llm --release --test server -- --ignored --nocapture throughput`.
/// Reads llama-server's own `timings` (not part of the OpenAI API), so it posts raw JSON.
#[tokio::test]
#[ignore = "measurement, prints numbers; run by hand"]
async fn throughput_on_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    if let Some(n) = std::env::var("JEJU_LLM_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        config.threads = n;
    } else {
        config.threads = config.threads_batch;
    }
    let threads = (config.threads, config.threads_batch);
    let server = LlamaServer::spawn_owned(config.clone()).await.unwrap();
    println!(
        "threads (generation, prompt) {threads:?}; model load (spawn to /health 200): {:.2} s",
        server.load_time().as_secs_f64()
    );
    // ≈ 300 prompt tokens with the chat template.
    let stores: Vec<String> = (1..=5)
        .map(|i| {
            format!(
                "{i}. 애월읍 흑돼지 식당 {i}호점: 오겹살 18000원, 평점 4.{i}, 부모님과 방문 많음"
            )
        })
        .collect();
    let user = format!(
        "다음 가게 중 60대 부모님과 가기 좋은 곳 세 곳을 골라 이유와 함께 추천해줘.\n{}",
        stores.join("\n")
    );
    let http = reqwest::Client::new();
    for (label, cache_prompt) in [("cold", false), ("cached prefix", true), ("again", true)] {
        let body = serde_json::json!({
            "model": config.alias,
            "messages": [
                {"role": "system", "content": "당신은 제주도 맛집 추천 도우미입니다. 한국어로 간결하게 답하세요."},
                {"role": "user", "content": user}
            ],
            "max_tokens": 128,
            "temperature": 0,
            "cache_prompt": cache_prompt
        });
        let started = Instant::now();
        let v: serde_json::Value = http
            .post(format!("{}/chat/completions", config.base_url()))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let t = &v["timings"];
        println!(
            "{label}: prompt {} tok ({} processed) at {:.1} tok/s, generation {} tok at {:.1} tok/s, wall {:.1} s",
            v["usage"]["prompt_tokens"],
            t["prompt_n"],
            t["prompt_per_second"].as_f64().unwrap_or(0.0),
            t["predicted_n"],
            t["predicted_per_second"].as_f64().unwrap_or(0.0),
            started.elapsed().as_secs_f64()
        );
    }
}
