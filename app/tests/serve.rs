//! `jeju serve` as a process: `jeju health` reports it, and SIGTERM lets a slow turn (a paced
//! fake LLM) finish before the process exits 0; afterwards `jeju health` fails clearly.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jeju_llm::fake::{FakeLlm, Reply};
use jeju_tests::{call_of, Call};

const MODELS_JSON: &str = r#"{"object": "list", "data": [{"id": "fake", "object": "model", "created": 0, "owned_by": "test"}]}"#;
const QUESTION: &str = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";

fn jeju(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jeju"));
    cmd.env("JEJU_HOME", home);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_slow_turn_finish_and_health_follows_the_server() {
    // The model writes its three picks over about three seconds.
    let answer = r#"{"picks": [{"id": "c1", "facts": [1]}, {"id": "c2", "facts": [1]}, {"id": "c3", "facts": [1]}]}"#;
    let cuts: Vec<usize> = ["}, {\"id\": \"c2\"", "}, {\"id\": \"c3\""]
        .iter()
        .map(|at| answer[..answer.find(at).unwrap() + 1].chars().count())
        .collect();
    let fake = FakeLlm::scripted(Arc::new(move |body: &str| match call_of(body) {
        Call::Select => Reply::paced_stream(answer, &cuts, Duration::from_millis(1500)),
        _ => Reply::http("200 OK", "application/json", MODELS_JSON),
    }))
    .await
    .unwrap();
    let graph = jeju_tests::loaded_small_graph(41).await;
    let home = tempfile::tempdir().unwrap();
    let port = jeju_process::free_port().unwrap();
    let addr = format!("127.0.0.1:{port}");
    let c = &graph.graph.graph_config;
    let log = home.path().join("serve.log");
    let mut serve = jeju(home.path())
        .args(["serve", "--addr", &addr])
        .env("JEJU_GRAPH_URI", &c.uri)
        .env("JEJU_GRAPH_USER", &c.user)
        .env("JEJU_GRAPH_PASSWORD", &c.password)
        .env("JEJU_GRAPH_DB", &c.database)
        .env("JEJU_LLM_URL", &fake.url)
        .env("JEJU_LLM_MAX_RETRIES", "0")
        .env("JEJU_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn,jeju_server=info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start jeju serve");
    let health = || {
        jeju(home.path())
            .args(["health", "--addr", &addr, "--timeout", "2"])
            .output()
            .expect("run jeju health")
    };

    // `jeju health` succeeds once the server answers.
    let started = Instant::now();
    let up = loop {
        let out = health();
        if out.status.success() {
            break out;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no health: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let status = String::from_utf8_lossy(&up.stdout);
    assert!(status.contains(r#""graph":true"#), "{status}");

    // A slow turn is in flight when SIGTERM comes.
    let url = format!("http://{addr}/api/ask");
    let turn = tokio::spawn(async move {
        reqwest::Client::new()
            .post(&url)
            .json(&serde_json::json!({"question": QUESTION}))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(!turn.is_finished(), "the turn was not slow");
    let term = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());

    // The turn finishes with its answer; then the process exits 0.
    let response = turn.await.unwrap().expect("the turn's answer");
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(request_id.len() >= 32, "{request_id}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["picks"].as_array().map(Vec::len), Some(3), "{body}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(status) = serve.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "jeju serve did not stop");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let log_text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(code.success(), "exit {code:?}\n{log_text}");
    assert!(
        log_text.contains("finishing the questions in flight"),
        "{log_text}"
    );
    // JEJU_LOG_FORMAT=json: the turn's log line is one JSON object carrying the request id
    // the response returned.
    let turn_line = log_text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON log line"))
        .find(|v| v["fields"]["message"] == "turn answered")
        .unwrap_or_else(|| panic!("no turn line in\n{log_text}"));
    let spans = turn_line["spans"].as_array().expect("the spans");
    assert!(
        spans.iter().any(|s| s["request_id"] == request_id.as_str()),
        "{turn_line}"
    );

    // Nothing listens now: `jeju health` fails and says why.
    let down = health();
    assert_eq!(down.status.code(), Some(1));
    let err = String::from_utf8_lossy(&down.stderr);
    assert!(
        err.contains("no answer") && !err.contains("panicked"),
        "{err}"
    );
}
