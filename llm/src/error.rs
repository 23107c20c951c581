//! What can go wrong when asking the model.

use async_openai::error::{OpenAIError, StreamError};

/// Errors of an LLM call. Each kind of failure has its own variant, so callers can fall
/// back (e.g. to the no-LLM path) when the server is down without parsing messages.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// No TCP connection (refused, unknown host, connect timeout). Reported at once, without
    /// waiting for the request timeout.
    #[error(
        "LLM server unreachable at {url}: {message} (for the local model: `jeju llm start`, \
         or set JEJU_LLM_URL)"
    )]
    Unreachable { url: String, message: String },
    /// The call did not finish within the configured timeout.
    #[error("LLM call to {url} timed out after {seconds:.1} s")]
    Timeout { url: String, seconds: f64 },
    /// The server answered with an HTTP error status (or an error object in a stream).
    #[error("LLM server returned HTTP {status}: {message}")]
    Status { status: u16, message: String },
    /// The answer is not the OpenAI-compatible JSON (or SSE) it should be.
    #[error("invalid LLM response: {message}")]
    InvalidResponse { message: String },
    /// The connection broke after it was made (reset, closed early).
    #[error("LLM connection failed: {message}")]
    Transport { message: String },
    /// A well-formed answer without any text.
    #[error("LLM returned an empty completion (finish reason: {finish_reason})")]
    EmptyCompletion { finish_reason: String },
    /// The request could not be built (bad URL, bad arguments).
    #[error("invalid LLM request: {0}")]
    InvalidRequest(String),
}

impl LlmError {
    /// Is this the kind of failure after which the no-LLM path should take over
    /// (nothing answered in time, or the server says it cannot serve now), as opposed to a
    /// bad answer?
    pub fn is_unavailable(&self) -> bool {
        // 429/502/503/504 (after the retries): overloaded, still loading its model, or a
        // proxy with no server behind it: nothing will answer this turn either.
        matches!(
            self,
            LlmError::Unreachable { .. }
                | LlmError::Timeout { .. }
                | LlmError::Transport { .. }
                | LlmError::Status {
                    status: 429 | 502 | 503 | 504,
                    ..
                }
        )
    }
}

/// Longest piece of a response body quoted in an error.
const SNIPPET: usize = 300;

pub(crate) fn snippet(text: &str) -> String {
    let text = text.trim();
    if text.len() <= SNIPPET {
        return text.to_owned();
    }
    let mut end = SNIPPET;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// An `{"error": …}` body, as llama-server and OpenAI send it (also inside SSE streams).
fn error_object(body: &str) -> Option<LlmError> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let err = v.get("error")?;
    let message = err
        .get("message")
        .and_then(|m| m.as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| err.to_string());
    let status = err
        .get("code")
        .and_then(|c| c.as_u64())
        .and_then(|c| u16::try_from(c).ok())
        .filter(|c| (400..600).contains(c))
        .unwrap_or(500);
    Some(LlmError::Status { status, message })
}

/// Maps async-openai's error to ours. `url` names the server in messages.
pub(crate) fn from_openai(err: OpenAIError, url: &str) -> LlmError {
    match err {
        OpenAIError::Reqwest(e) => from_reqwest(e, url),
        OpenAIError::ApiError(api) => LlmError::Status {
            status: api.status_code.as_u16(),
            message: snippet(&api.api_error.message),
        },
        OpenAIError::JSONDeserialize(e, body) => {
            error_object(&body).unwrap_or_else(|| LlmError::InvalidResponse {
                message: format!("{e}; body: {:?}", snippet(&body)),
            })
        }
        OpenAIError::StreamError(e) => match *e {
            StreamError::EventStream(message) => LlmError::Transport { message },
            StreamError::UnknownEvent(ev) => LlmError::InvalidResponse {
                message: format!("unexpected stream event {:?}", snippet(&ev.data)),
            },
        },
        OpenAIError::InvalidArgument(m) => LlmError::InvalidRequest(m),
        other => LlmError::InvalidRequest(other.to_string()),
    }
}

pub(crate) fn from_reqwest(e: reqwest::Error, url: &str) -> LlmError {
    if e.is_connect() {
        LlmError::Unreachable {
            url: url.to_owned(),
            message: source_chain(&e),
        }
    } else if let Some(status) = e.status() {
        LlmError::Status {
            status: status.as_u16(),
            message: source_chain(&e),
        }
    } else {
        // Includes reqwest's "decode" kind: async-openai reads the body as bytes and parses
        // it itself, so that kind here means the body broke off while being read.
        LlmError::Transport {
            message: source_chain(&e),
        }
    }
}

/// An error with its causes, `a: b: c` (reqwest hides the useful part in the chain).
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        cur = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_objects_in_bodies_become_status_errors() {
        let e = error_object(r#"{"error":{"code":503,"message":"Loading model","type":"x"}}"#);
        match e {
            Some(LlmError::Status { status, message }) => {
                assert_eq!(status, 503);
                assert_eq!(message, "Loading model");
            }
            other => panic!("{other:?}"),
        }
        assert!(error_object("not json").is_none());
        assert!(error_object(r#"{"choices":[]}"#).is_none());
    }

    #[test]
    fn snippets_cut_on_char_boundaries() {
        let long = "제주".repeat(200);
        let s = snippet(&long);
        assert!(s.ends_with('…'));
        assert!(s.len() <= SNIPPET + '…'.len_utf8());
    }
}
