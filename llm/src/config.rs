//! Where the LLM is and how patiently to talk to it.

use std::fmt;
use std::time::Duration;

/// The local `llama-server`'s OpenAI-compatible base URL (see [`crate::server`]).
pub const DEFAULT_URL: &str = "http://127.0.0.1:8012/v1";
/// The name the local server reports for its model (its `--alias`).
pub const DEFAULT_MODEL: &str = "qwen2.5-coder-1.5b-instruct-q4_k_m";
/// Generous: a 2-core CPU reads a prompt at ≈ 65 tokens/s and writes ≈ 23 tokens/s.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Retries of a request that got no connection or a 5xx/429 answer.
pub const DEFAULT_MAX_RETRIES: usize = 1;
/// How long to wait for a TCP connection before calling the server unreachable: a loopback
/// server answers at once or not at all.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// The same for a server elsewhere (DNS and a handshake over the internet).
pub const REMOTE_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How to reach the LLM. The same code talks to the local `llama-server` and to any
/// OpenAI-compatible service (vLLM, Ollama, OpenAI); only these settings differ.
#[derive(Clone, PartialEq, Eq)]
pub struct LlmConfig {
    /// OpenAI-compatible base URL, ending before `/chat/completions` (`JEJU_LLM_URL`).
    pub base_url: String,
    /// Model name sent with every request (`JEJU_LLM_MODEL`).
    pub model: String,
    /// Bearer token (`JEJU_LLM_KEY`); none for the local server.
    pub api_key: Option<String>,
    /// Upper bound on one call, streaming included (`JEJU_LLM_TIMEOUT_S`).
    pub request_timeout: Duration,
    /// Upper bound on opening the TCP connection.
    pub connect_timeout: Duration,
    /// Extra attempts after a connection failure or a 5xx/429 answer (`JEJU_LLM_MAX_RETRIES`).
    pub max_retries: usize,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: DEFAULT_URL.into(),
            model: DEFAULT_MODEL.into(),
            api_key: None,
            request_timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
        }
    }
}

impl fmt::Debug for LlmConfig {
    // The key never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_retries", &self.max_retries)
            .finish()
    }
}

impl LlmConfig {
    /// Defaults overridden by `JEJU_LLM_URL` (else `OPENAI_BASE_URL`), `JEJU_LLM_MODEL`,
    /// `JEJU_LLM_KEY` (else `OPENAI_API_KEY`, for a server other than the local one),
    /// `JEJU_LLM_TIMEOUT_S` and `JEJU_LLM_MAX_RETRIES`. A blank value never replaces one.
    pub fn from_env() -> LlmConfig {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`LlmConfig::from_env`] with an explicit lookup (testable). Blank values and
    /// numbers that do not parse keep the default.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> LlmConfig {
        let d = LlmConfig::default();
        let value = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let timeout = value("JEJU_LLM_TIMEOUT_S")
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(d.request_timeout);
        // The ecosystem's names are fallbacks: OPENAI_BASE_URL for the server, and
        // OPENAI_API_KEY only for a server that is not the local one (a key in the shell for
        // another tool must not turn the local llama-server into a "remote" one).
        let base_url = value("JEJU_LLM_URL")
            .or_else(|| value("OPENAI_BASE_URL"))
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or(d.base_url);
        let api_key = value("JEJU_LLM_KEY")
            .or_else(|| value("OPENAI_API_KEY").filter(|_| base_url != DEFAULT_URL));
        LlmConfig {
            connect_timeout: connect_timeout_for(&base_url),
            base_url,
            model: value("JEJU_LLM_MODEL").unwrap_or(d.model),
            api_key,
            request_timeout: timeout,
            max_retries: value("JEJU_LLM_MAX_RETRIES")
                .and_then(|v| v.parse::<usize>().ok())
                .map(|n| n.min(5))
                .unwrap_or(d.max_retries),
        }
    }

    /// A config for an OpenAI-compatible server at `base_url`, other settings default.
    pub fn for_url(base_url: impl Into<String>) -> LlmConfig {
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        LlmConfig {
            connect_timeout: connect_timeout_for(&base_url),
            base_url,
            ..LlmConfig::default()
        }
    }

    /// Is this the local loopback `llama-server` that this project starts itself?
    pub fn is_local_default(&self) -> bool {
        self.base_url.trim_end_matches('/') == DEFAULT_URL && self.api_key.is_none()
    }
}

/// [`DEFAULT_CONNECT_TIMEOUT`] for a loopback URL, [`REMOTE_CONNECT_TIMEOUT`] otherwise.
fn connect_timeout_for(url: &str) -> Duration {
    let host = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?'])
        .next()
        .unwrap_or_default();
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        DEFAULT_CONNECT_TIMEOUT
    } else {
        REMOTE_CONNECT_TIMEOUT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults() {
        let c = LlmConfig::from_lookup(|k| match k {
            "JEJU_LLM_URL" => Some("https://api.example.com/v1/".into()),
            "JEJU_LLM_MODEL" => Some("  ".into()),
            "JEJU_LLM_KEY" => Some("sk-test".into()),
            "JEJU_LLM_TIMEOUT_S" => Some("2.5".into()),
            "JEJU_LLM_MAX_RETRIES" => Some("99".into()),
            _ => None,
        });
        assert_eq!(c.base_url, "https://api.example.com/v1");
        assert_eq!(c.model, DEFAULT_MODEL);
        assert_eq!(c.api_key.as_deref(), Some("sk-test"));
        assert_eq!(c.request_timeout, Duration::from_millis(2500));
        assert_eq!(c.max_retries, 5);
        assert_eq!(c.connect_timeout, REMOTE_CONNECT_TIMEOUT);
        assert!(!c.is_local_default());
        assert!(!format!("{c:?}").contains("sk-test"));
    }

    #[test]
    fn the_openai_names_are_fallbacks_and_a_blank_never_wins() {
        let openai = LlmConfig::from_lookup(|k| match k {
            "OPENAI_BASE_URL" => Some("https://api.example.com/v1".into()),
            "OPENAI_API_KEY" => Some("sk-openai".into()),
            "JEJU_LLM_KEY" => Some("   ".into()),
            _ => None,
        });
        assert_eq!(openai.base_url, "https://api.example.com/v1");
        assert_eq!(openai.api_key.as_deref(), Some("sk-openai"));
        // The project's own names come first.
        let own = LlmConfig::from_lookup(|k| match k {
            "JEJU_LLM_URL" => Some("https://llm.internal/v1".into()),
            "OPENAI_BASE_URL" => Some("https://api.example.com/v1".into()),
            "JEJU_LLM_KEY" => Some("sk-own".into()),
            "OPENAI_API_KEY" => Some("sk-openai".into()),
            _ => None,
        });
        assert_eq!(own.base_url, "https://llm.internal/v1");
        assert_eq!(own.api_key.as_deref(), Some("sk-own"));
        // A key in the shell for another tool leaves the local server local.
        let local = LlmConfig::from_lookup(|k| (k == "OPENAI_API_KEY").then(|| "sk-x".into()));
        assert!(local.is_local_default());
        assert_eq!(local.api_key, None);
        let blank = LlmConfig::from_lookup(|k| (k == "OPENAI_BASE_URL").then(|| " ".into()));
        assert!(blank.is_local_default());
    }

    #[test]
    fn defaults_are_the_local_server() {
        let c = LlmConfig::from_lookup(|k| (k == "JEJU_LLM_TIMEOUT_S").then(|| "-3".into()));
        assert!(c.is_local_default());
        assert_eq!(c.request_timeout, DEFAULT_TIMEOUT);
        assert_eq!(c.max_retries, DEFAULT_MAX_RETRIES);
        assert!(LlmConfig::for_url("http://127.0.0.1:8012/v1/").is_local_default());
        for url in [
            "http://localhost:8000/v1",
            "http://[::1]:8012/v1",
            "http://127.0.0.2/v1",
        ] {
            assert_eq!(
                LlmConfig::for_url(url).connect_timeout,
                DEFAULT_CONNECT_TIMEOUT,
                "{url}"
            );
        }
    }
}
