//! A scriptable OpenAI-compatible server on loopback for fault tests (feature `fake`): each
//! request's body goes to a script that says what to send back, so that tests can make any
//! one call of a pipeline misbehave (garbage, truncated JSON, a hang, a cut stream) while the
//! others answer normally. Hand-written HTTP/1.1: the point is to send what no real server
//! would.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fake server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Writes these bytes (a whole HTTP response) and closes.
    Raw(String),
    /// Reads the request and never answers.
    Hang,
    /// Writes these bytes, then keeps the connection open without another byte.
    RawThenHang(String),
    /// Waits this long after reading the request, then does what the inner reply says (a
    /// slow model: the call holds its connection and its caller for the whole delay).
    Delayed(Duration, Box<Reply>),
    /// Writes each part after its pause, then closes (a model that writes slowly: what
    /// the caller does with the first part can be seen before the rest arrives).
    Paced(Vec<(Duration, String)>),
}

impl Reply {
    /// A whole response with a body.
    pub fn http(status: &str, content_type: &str, body: &str) -> Reply {
        Reply::Raw(format!(
            "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    /// A 200 chat completion whose message is `content`.
    pub fn completion(content: &str) -> Reply {
        let body = serde_json::json!({
            "id": "fake", "object": "chat.completion", "created": 1, "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        });
        Reply::http("200 OK", "application/json", &body.to_string())
    }

    /// This reply, sent after `delay`.
    pub fn after(self, delay: Duration) -> Reply {
        Reply::Delayed(delay, Box::new(self))
    }

    /// A 200 event stream that sends `content` in pieces of `piece` characters and stops.
    pub fn stream(content: &str, piece: usize) -> Reply {
        let chars: Vec<char> = content.chars().collect();
        let mut body = sse_head();
        for part in chars.chunks(piece.max(1)) {
            body.push_str(&sse_chunk(&part.iter().collect::<String>(), None));
        }
        body.push_str(&sse_chunk("", Some("stop")));
        body.push_str("data: [DONE]\n\n");
        Reply::Raw(body)
    }
}

impl Reply {
    /// A 200 event stream that sends the pieces of `content` split at `cuts` (character
    /// positions), waiting `pause` before each piece.
    pub fn paced_stream(content: &str, cuts: &[usize], pause: Duration) -> Reply {
        let chars: Vec<char> = content.chars().collect();
        let mut parts = vec![(Duration::ZERO, sse_head())];
        let mut from = 0;
        for &to in cuts.iter().chain(std::iter::once(&chars.len())) {
            let to = to.clamp(from, chars.len());
            let piece: String = chars[from..to].iter().collect();
            parts.push((pause, sse_chunk(&piece, None)));
            from = to;
        }
        parts.push((
            Duration::ZERO,
            format!("{}data: [DONE]\n\n", sse_chunk("", Some("stop"))),
        ));
        Reply::Paced(parts)
    }
}

/// The head of a 200 event-stream response.
pub fn sse_head() -> String {
    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n".to_owned()
}

/// One `data:` event of a streamed chat completion.
pub fn sse_chunk(content: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_owned(), |f| format!("\"{f}\""));
    format!(
        "data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\
         \"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":{finish}}}]}}\n\n",
        serde_json::to_string(content).unwrap_or_else(|_| "\"\"".to_owned())
    )
}

/// The script: the request body in, the reply out.
pub type Script = Arc<dyn Fn(&str) -> Reply + Send + Sync>;

/// A running fake server (it stops with the runtime that started it).
pub struct FakeLlm {
    /// Base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub url: String,
    seen: Arc<AtomicUsize>,
}

impl FakeLlm {
    /// Starts a server answering every request with `reply`.
    pub async fn constant(reply: Reply) -> std::io::Result<FakeLlm> {
        FakeLlm::scripted(Arc::new(move |_| reply.clone())).await
    }

    /// Starts a server answering each request as `script` says.
    pub async fn scripted(script: Script) -> std::io::Result<FakeLlm> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let script = script.clone();
                let counter = counter.clone();
                tokio::spawn(async move { serve(sock, script, counter).await });
            }
        });
        Ok(FakeLlm {
            url: format!("http://127.0.0.1:{port}/v1"),
            seen,
        })
    }

    /// Requests answered so far.
    pub fn requests(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

/// With `JEJU_FAKE_LLM_LOG=FILE`, every request body is appended to FILE, one JSON line
/// each: what the pipeline sent, byte for byte, so that two builds' prompts can be diffed
/// (`sort` the file first: tests run in parallel).
fn log_request(body: &str) {
    use std::io::Write;
    let Some(path) = std::env::var_os("JEJU_FAKE_LLM_LOG") else {
        return;
    };
    let line = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(v) => v.to_string(),
        Err(_) => serde_json::Value::String(body.to_owned()).to_string(),
    };
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(f, "{line}");
    }
}

async fn serve(mut sock: TcpStream, script: Script, seen: Arc<AtomicUsize>) {
    // Read the head, then the body by content-length.
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let head_end = loop {
        match sock.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match sock.read(&mut tmp).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&tmp[..n]),
        }
    }
    seen.fetch_add(1, Ordering::SeqCst);
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    log_request(&body);
    let mut reply = script(&body);
    loop {
        match reply {
            Reply::Raw(bytes) => {
                let _ = sock.write_all(bytes.as_bytes()).await;
                let _ = sock.shutdown().await;
            }
            Reply::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
            Reply::RawThenHang(bytes) => {
                let _ = sock.write_all(bytes.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Reply::Delayed(delay, inner) => {
                tokio::time::sleep(delay).await;
                reply = *inner;
                continue;
            }
            Reply::Paced(parts) => {
                for (pause, bytes) in parts {
                    tokio::time::sleep(pause).await;
                    if sock.write_all(bytes.as_bytes()).await.is_err() {
                        return;
                    }
                    let _ = sock.flush().await;
                }
                let _ = sock.shutdown().await;
            }
        }
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    async fn post(url: &str) -> String {
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/v1")
            .to_owned();
        let mut sock = TcpStream::connect(addr).await.unwrap();
        let body = "{}";
        let req = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        sock.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        sock.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn a_delayed_reply_comes_after_its_delay() {
        let fake = FakeLlm::constant(Reply::completion("slow").after(Duration::from_millis(300)))
            .await
            .unwrap();
        let started = Instant::now();
        let answer = post(&fake.url).await;
        let took = started.elapsed();
        assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        assert!(answer.contains("\"slow\""), "{answer}");
        assert!(took >= Duration::from_millis(300), "{took:?}");
        assert_eq!(fake.requests(), 1);
    }

    #[tokio::test]
    async fn a_paced_stream_sends_its_pieces_with_pauses() {
        let fake = FakeLlm::constant(Reply::paced_stream(
            "abcdef",
            &[2, 4],
            Duration::from_millis(100),
        ))
        .await
        .unwrap();
        let started = Instant::now();
        let answer = post(&fake.url).await;
        assert!(started.elapsed() >= Duration::from_millis(300));
        for piece in ["\"ab\"", "\"cd\"", "\"ef\"", "[DONE]"] {
            assert!(answer.contains(piece), "{piece} in {answer}");
        }
        assert!(answer.find("\"ab\"") < answer.find("\"ef\""));
    }
}
