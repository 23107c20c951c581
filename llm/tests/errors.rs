//! Failure modes of the client against a dead port and a tiny hand-written HTTP server that
//! misbehaves on purpose. Each failure must come back as its own `LlmError` variant, fast,
//! without a panic.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use jeju_llm::fake::{sse_chunk as chunk, sse_head, FakeLlm, Reply};
use jeju_llm::{ChatRequest, LlmClient, LlmConfig, LlmError};

fn http(status: &str, content_type: &str, body: &str) -> Reply {
    Reply::http(status, content_type, body)
}

/// A loopback server answering every request with `reply`; its base URL and the server
/// (whose request count some tests read).
async fn fake(reply: Reply) -> (String, FakeLlm) {
    let server = FakeLlm::constant(reply).await.unwrap();
    (server.url.clone(), server)
}

fn client(url: &str, timeout: Duration) -> LlmClient {
    let mut config = LlmConfig::for_url(url);
    config.request_timeout = timeout;
    LlmClient::new(config).unwrap()
}

fn req() -> ChatRequest {
    ChatRequest::new("system", "안녕?").with_max_tokens(8)
}

const COMPLETION: &str = r#"{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"안녕하세요"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#;

#[tokio::test]
async fn dead_port_is_unreachable_at_once() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(
        &format!("http://127.0.0.1:{port}/v1"),
        Duration::from_secs(60),
    );
    let started = Instant::now();
    let err = c.chat(&req()).await.unwrap_err();
    assert!(matches!(err, LlmError::Unreachable { .. }), "{err:?}");
    assert!(err.is_unavailable());
    let err = c.chat_stream(&req()).await.err().unwrap();
    assert!(matches!(err, LlmError::Unreachable { .. }), "{err:?}");
    let err = c.health().await.unwrap_err();
    assert!(matches!(err, LlmError::Unreachable { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("unreachable"), "{err}");
}

#[tokio::test]
async fn a_good_answer_from_the_fake_parses() {
    let (url, _) = fake(http("200 OK", "application/json", COMPLETION)).await;
    let r = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap();
    assert_eq!(r.text, "안녕하세요");
    assert_eq!((r.prompt_tokens, r.completion_tokens), (12, 3));
    assert_eq!(r.finish_reason, jeju_llm::FinishReason::Stop);
}

#[tokio::test]
async fn garbage_body_is_an_invalid_response() {
    let (url, _) = fake(http("200 OK", "application/json", "<html>hello</html>")).await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("hello"), "{err}");
}

#[tokio::test]
async fn truncated_json_is_an_invalid_response() {
    let cut = &COMPLETION[..COMPLETION.len() / 2];
    let (url, _) = fake(http("200 OK", "application/json", cut)).await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn body_cut_by_the_connection_is_a_transport_error() {
    // Announces more bytes than it sends, then closes.
    let bytes = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        COMPLETION.len(),
        &COMPLETION[..20]
    );
    let (url, _) = fake(Reply::Raw(bytes)).await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn http_500_is_a_status_error_after_one_retry() {
    let (url, seen) = fake(http(
        "500 Internal Server Error",
        "application/json",
        r#"{"error":{"code":500,"message":"boom","type":"server_error"}}"#,
    ))
    .await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    match &err {
        LlmError::Status { status, message } => {
            assert_eq!(*status, 500);
            assert!(message.contains("boom"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The default is one retry: two requests in all.
    assert_eq!(seen.requests(), 2);
    // A 500 is a broken answer, not a server that cannot serve now.
    assert!(!err.is_unavailable());
}

#[tokio::test]
async fn http_503_while_the_model_loads_counts_as_unavailable() {
    let (url, seen) = fake(http(
        "503 Service Unavailable",
        "text/plain",
        "Loading model",
    ))
    .await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(
        matches!(err, LlmError::Status { status: 503, .. }),
        "{err:?}"
    );
    assert!(err.is_unavailable(), "{err:?}");
    assert_eq!(seen.requests(), 2);
}

#[tokio::test]
async fn http_400_is_a_status_error_without_retry() {
    let (url, seen) = fake(http(
        "400 Bad Request",
        "application/json",
        r#"{"error":{"code":400,"message":"the request exceeds the available context size","type":"invalid_request_error"}}"#,
    ))
    .await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(
        matches!(err, LlmError::Status { status: 400, .. }),
        "{err:?}"
    );
    assert_eq!(seen.requests(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (url, _) = fake(Reply::Hang).await;
    let c = client(&url, Duration::from_millis(800));
    let started = Instant::now();
    let err = c.chat(&req()).await.unwrap_err();
    assert!(matches!(err, LlmError::Timeout { .. }), "{err:?}");
    assert!(err.is_unavailable());
    let err = c.chat_stream(&req()).await.err().unwrap();
    assert!(matches!(err, LlmError::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[tokio::test]
async fn an_empty_answer_is_an_empty_completion() {
    let body = COMPLETION.replace("안녕하세요", "  ");
    let (url, _) = fake(http("200 OK", "application/json", &body)).await;
    let err = client(&url, Duration::from_secs(5))
        .chat(&req())
        .await
        .unwrap_err();
    assert!(matches!(err, LlmError::EmptyCompletion { .. }), "{err:?}");
}

#[tokio::test]
async fn streams_from_the_fake() {
    // Well-formed: deltas in order, then the end.
    let body = format!(
        "{}{}{}{}data: [DONE]\n\n",
        sse_head(),
        chunk("", None),
        chunk("제주", None),
        chunk("도", Some("stop"))
    );
    let (url, _) = fake(Reply::Raw(body)).await;
    let c = client(&url, Duration::from_secs(5));
    let parts: Vec<_> = c.chat_stream(&req()).await.unwrap().collect().await;
    let parts: Vec<String> = parts.into_iter().map(Result::unwrap).collect();
    assert_eq!(parts, ["제주", "도"]);

    // Garbage in a data line.
    let body = format!("{}{}data: {{not json\n\n", sse_head(), chunk("a", None));
    let (url, _) = fake(Reply::Raw(body)).await;
    let mut s = client(&url, Duration::from_secs(5))
        .chat_stream(&req())
        .await
        .unwrap();
    assert_eq!(s.next().await.unwrap().unwrap(), "a");
    let err = s.next().await.unwrap().unwrap_err();
    assert!(matches!(err, LlmError::InvalidResponse { .. }), "{err:?}");
    assert!(s.next().await.is_none());

    // An error object inside the stream.
    let body = format!(
        "{}data: {{\"error\":{{\"code\":500,\"message\":\"slot died\"}}}}\n\n",
        sse_head()
    );
    let (url, _) = fake(Reply::Raw(body)).await;
    let mut s = client(&url, Duration::from_secs(5))
        .chat_stream(&req())
        .await
        .unwrap();
    let err = s.next().await.unwrap().unwrap_err();
    assert!(
        matches!(err, LlmError::Status { status: 500, .. }),
        "{err:?}"
    );

    // Cut off before the model finished.
    let body = format!("{}{}", sse_head(), chunk("제", None));
    let (url, _) = fake(Reply::Raw(body)).await;
    let mut s = client(&url, Duration::from_secs(5))
        .chat_stream(&req())
        .await
        .unwrap();
    assert_eq!(s.next().await.unwrap().unwrap(), "제");
    let err = s.next().await.unwrap().unwrap_err();
    assert!(matches!(err, LlmError::Transport { .. }), "{err:?}");

    // Not a stream at all.
    let (url, _) = fake(http("200 OK", "text/event-stream", "hello")).await;
    let mut s = client(&url, Duration::from_secs(5))
        .chat_stream(&req())
        .await
        .unwrap();
    let err = s.next().await.unwrap().unwrap_err();
    assert!(matches!(err, LlmError::InvalidResponse { .. }), "{err:?}");

    // Stalls after the first delta: the request timeout ends it.
    let body = format!("{}{}", sse_head(), chunk("제", None));
    let (url, _) = fake(Reply::RawThenHang(body)).await;
    let mut s = client(&url, Duration::from_millis(800))
        .chat_stream(&req())
        .await
        .unwrap();
    assert_eq!(s.next().await.unwrap().unwrap(), "제");
    let err = s.next().await.unwrap().unwrap_err();
    assert!(matches!(err, LlmError::Timeout { .. }), "{err:?}");
    assert!(s.next().await.is_none());
}
