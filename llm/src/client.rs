//! The chat client: every LLM call of the product goes through here, to any
//! OpenAI-compatible base URL, via async-openai.

use std::fmt;
use std::pin::Pin;
use std::time::{Duration, Instant};

use async_openai::config::OpenAIConfig;
use async_openai::middleware::retry::OpenAIRetryLayer;
use async_openai::middleware::ReqwestService;
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    ChatCompletionStreamOptions, CreateChatCompletionRequest, FinishReason as OpenAiFinish,
    ResponseFormat, ResponseFormatJsonSchema, StopConfiguration,
};
use futures_util::{Stream, StreamExt};
use tower::Layer;

use crate::config::LlmConfig;
use crate::error::{from_openai, LlmError};

/// Who said an earlier turn of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

/// One earlier message of a multi-turn conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub role: Role,
    pub content: String,
}

impl Turn {
    pub fn user(content: impl Into<String>) -> Turn {
        Turn {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> Turn {
        Turn {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// One chat completion request: a system prompt, earlier turns, the new user message and
/// the sampling settings. Build it with [`ChatRequest::new`] and the `with_*` methods.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    /// System prompt; left out of the request when empty. Keep it identical between calls
    /// so that the server's prompt cache can reuse it.
    pub system: String,
    /// Earlier turns, oldest first.
    pub history: Vec<Turn>,
    /// The new user message.
    pub user: String,
    /// 0 = greedy (the default: reproducible answers).
    pub temperature: f32,
    /// Upper bound on generated tokens.
    pub max_tokens: u32,
    /// Ask for a JSON object (`response_format: {"type": "json_object"}`). llama-server
    /// enforces it with a grammar, so the text always parses as JSON (unless cut off by
    /// `max_tokens`).
    pub json: bool,
    /// A JSON Schema the answer must follow (`response_format: {"type": "json_schema"}`);
    /// implies `json`. llama-server turns it into a grammar, enums included.
    pub json_schema: Option<serde_json::Value>,
    /// Stop sequences (OpenAI accepts at most 4).
    pub stop: Vec<String>,
    /// Sampling seed, for reproducible non-greedy answers.
    pub seed: Option<i64>,
}

impl ChatRequest {
    /// A request with greedy sampling and at most 256 new tokens.
    pub fn new(system: impl Into<String>, user: impl Into<String>) -> ChatRequest {
        ChatRequest {
            system: system.into(),
            history: Vec::new(),
            user: user.into(),
            temperature: 0.0,
            max_tokens: 256,
            json: false,
            json_schema: None,
            stop: Vec::new(),
            seed: None,
        }
    }

    pub fn with_history(mut self, history: Vec<Turn>) -> ChatRequest {
        self.history = history;
        self
    }

    pub fn with_temperature(mut self, temperature: f32) -> ChatRequest {
        self.temperature = temperature;
        self
    }

    pub fn with_max_tokens(mut self, max_tokens: u32) -> ChatRequest {
        self.max_tokens = max_tokens;
        self
    }

    /// Ask for any JSON object.
    pub fn with_json(mut self) -> ChatRequest {
        self.json = true;
        self
    }

    /// Ask for JSON following `schema` (a JSON Schema object).
    pub fn with_json_schema(mut self, schema: serde_json::Value) -> ChatRequest {
        self.json = true;
        self.json_schema = Some(schema);
        self
    }

    pub fn with_stop(mut self, stop: impl IntoIterator<Item = impl Into<String>>) -> ChatRequest {
        self.stop = stop.into_iter().map(Into::into).collect();
        self
    }

    pub fn with_seed(mut self, seed: i64) -> ChatRequest {
        self.seed = Some(seed);
        self
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    /// A natural end or a stop sequence.
    Stop,
    /// `max_tokens` was reached: the text is cut off.
    Length,
    /// Anything else the server reported (tool calls, content filter).
    Other(String),
    /// The server did not say.
    Unknown,
}

impl FinishReason {
    fn from_openai(r: Option<OpenAiFinish>) -> FinishReason {
        match r {
            Some(OpenAiFinish::Stop) => FinishReason::Stop,
            Some(OpenAiFinish::Length) => FinishReason::Length,
            Some(other) => FinishReason::Other(format!("{other:?}").to_lowercase()),
            None => FinishReason::Unknown,
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FinishReason::Stop => f.write_str("stop"),
            FinishReason::Length => f.write_str("length"),
            FinishReason::Other(s) => f.write_str(s),
            FinishReason::Unknown => f.write_str("unknown"),
        }
    }
}

/// A completed answer with its cost.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub text: String,
    /// Prompt tokens as the server counted them (0 if it did not say).
    pub prompt_tokens: u32,
    /// Of those, how many came from the server's prompt cache (0 if it did not say).
    pub cached_tokens: u32,
    pub completion_tokens: u32,
    /// Wall time of the call, connection check included.
    pub elapsed: Duration,
    pub finish_reason: FinishReason,
    /// The model that answered, as the server names it.
    pub model: String,
}

impl ChatResponse {
    /// Parses the text (from a JSON-mode request) into `T`. A text cut off by `max_tokens`
    /// says so in the error: raise `max_tokens` or tighten the schema.
    pub fn parse_json<T: serde::de::DeserializeOwned>(&self) -> Result<T, LlmError> {
        serde_json::from_str(self.text.trim()).map_err(|e| {
            let cut = if self.finish_reason == FinishReason::Length {
                " (cut off by max_tokens)"
            } else {
                ""
            };
            LlmError::InvalidResponse {
                message: format!(
                    "answer is not the expected JSON{cut}: {e}; text: {:?}",
                    crate::error::snippet(&self.text)
                ),
            }
        })
    }
}

/// What [`LlmClient::health`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    /// The models the server offers.
    pub models: Vec<String>,
    /// Whether the configured model is among them. A single-model server such as
    /// llama-server answers with its one model whatever name is asked for.
    pub configured_available: bool,
    pub elapsed: Duration,
}

/// Text deltas of a streamed answer, in order. Ends after the last delta; a stream that
/// produced no text at all ends with [`LlmError::EmptyCompletion`].
pub type TextStream = Pin<Box<dyn Stream<Item = Result<String, LlmError>> + Send>>;

/// A client of one OpenAI-compatible server. Cheap to clone.
#[derive(Clone)]
pub struct LlmClient {
    inner: async_openai::Client<OpenAIConfig>,
    config: LlmConfig,
    /// `host:port` of the base URL, for the fast connection check.
    authority: (String, u16),
}

impl fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl LlmClient {
    /// A client for `config`. Fails only on a malformed URL or key; it does not connect.
    pub fn new(config: LlmConfig) -> Result<LlmClient, LlmError> {
        let url = reqwest::Url::parse(&config.base_url).map_err(|e| {
            LlmError::InvalidRequest(format!("JEJU_LLM_URL {:?}: {e}", config.base_url))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LlmError::InvalidRequest(format!(
                "JEJU_LLM_URL {:?}: scheme must be http or https",
                config.base_url
            )));
        }
        let host = url
            .host_str()
            .ok_or_else(|| {
                LlmError::InvalidRequest(format!("JEJU_LLM_URL {:?}: no host", config.base_url))
            })?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port_or_known_default().unwrap_or(80);
        let key = config.api_key.clone().unwrap_or_default();
        if key.bytes().any(|b| !(0x20..0x7f).contains(&b)) {
            // async-openai would panic building the Authorization header.
            return Err(LlmError::InvalidRequest(
                "JEJU_LLM_KEY contains characters not allowed in an HTTP header".into(),
            ));
        }
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let mut http = reqwest::Client::builder().connect_timeout(config.connect_timeout);
        if loopback {
            http = http.no_proxy();
        }
        let http = http
            .build()
            .map_err(|e| LlmError::InvalidRequest(format!("HTTP client: {e}")))?;
        let openai = OpenAIConfig::new()
            .with_api_base(config.base_url.trim_end_matches('/'))
            .with_api_key(key)
            .with_org_id("")
            .with_project_id("");
        let service = OpenAIRetryLayer::new(config.max_retries).layer(ReqwestService::new(http));
        let inner = async_openai::Client::with_config(openai).with_http_service(service);
        Ok(LlmClient {
            inner,
            config,
            authority: (host, port),
        })
    }

    /// A client configured from the environment ([`LlmConfig::from_env`]).
    pub fn from_env() -> Result<LlmClient, LlmError> {
        LlmClient::new(LlmConfig::from_env())
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    fn timeout_error(&self, limit: Duration) -> LlmError {
        LlmError::Timeout {
            url: self.config.base_url.clone(),
            seconds: limit.as_secs_f64(),
        }
    }

    /// Fails fast when nothing listens: one TCP connect, bounded by the connect timeout,
    /// instead of retries and the request timeout.
    async fn check_reachable(&self) -> Result<(), LlmError> {
        let (host, port) = (&self.authority.0, self.authority.1);
        let unreachable = |message: String| LlmError::Unreachable {
            url: self.config.base_url.clone(),
            message,
        };
        match tokio::time::timeout(
            self.config.connect_timeout,
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(unreachable(e.to_string())),
            Err(_) => Err(unreachable(format!(
                "no connection within {:?}",
                self.config.connect_timeout
            ))),
        }
    }

    // `max_tokens` rather than `max_completion_tokens`: every OpenAI-compatible server reads
    // it. `seed` is deprecated by OpenAI but honoured by llama-server and vLLM.
    #[allow(deprecated)]
    fn request(&self, req: &ChatRequest) -> CreateChatCompletionRequest {
        let mut messages: Vec<ChatCompletionRequestMessage> =
            Vec::with_capacity(req.history.len() + 2);
        if !req.system.is_empty() {
            messages.push(ChatCompletionRequestSystemMessage::from(req.system.as_str()).into());
        }
        for turn in &req.history {
            messages.push(match turn.role {
                Role::User => ChatCompletionRequestUserMessage::from(turn.content.as_str()).into(),
                Role::Assistant => {
                    ChatCompletionRequestAssistantMessage::from(turn.content.as_str()).into()
                }
            });
        }
        messages.push(ChatCompletionRequestUserMessage::from(req.user.as_str()).into());
        let response_format = match (&req.json_schema, req.json) {
            (Some(schema), _) => Some(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: "answer".into(),
                    schema: schema.clone(),
                    strict: Some(true),
                },
            }),
            (None, true) => Some(ResponseFormat::JsonObject),
            (None, false) => None,
        };
        CreateChatCompletionRequest {
            model: self.config.model.clone(),
            messages,
            temperature: Some(req.temperature),
            max_tokens: Some(req.max_tokens),
            response_format,
            stop: (!req.stop.is_empty()).then(|| StopConfiguration::StringArray(req.stop.clone())),
            seed: req.seed,
            ..Default::default()
        }
    }

    /// Asks for one complete answer.
    pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let started = Instant::now();
        let limit = self.config.request_timeout;
        self.check_reachable().await?;
        let request = self.request(req);
        let remaining = limit.saturating_sub(started.elapsed());
        let resp = tokio::time::timeout(remaining, self.inner.chat().create(request))
            .await
            .map_err(|_| self.timeout_error(limit))?
            .map_err(|e| from_openai(e, &self.config.base_url))?;
        let elapsed = started.elapsed();
        let usage = resp.usage.clone().unwrap_or_default();
        let choice = resp
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::InvalidResponse {
                message: "no choices in the completion".into(),
            })?;
        let finish_reason = FinishReason::from_openai(choice.finish_reason);
        let text = choice.message.content.unwrap_or_default();
        if text.trim().is_empty() {
            return Err(LlmError::EmptyCompletion {
                finish_reason: finish_reason.to_string(),
            });
        }
        let response = ChatResponse {
            text,
            prompt_tokens: usage.prompt_tokens,
            cached_tokens: usage
                .prompt_tokens_details
                .and_then(|d| d.cached_tokens)
                .unwrap_or(0),
            completion_tokens: usage.completion_tokens,
            elapsed,
            finish_reason,
            model: resp.model,
        };
        tracing::debug!(
            prompt_tokens = response.prompt_tokens,
            cached_tokens = response.cached_tokens,
            completion_tokens = response.completion_tokens,
            elapsed_ms = elapsed.as_millis() as u64,
            finish = %response.finish_reason,
            "LLM chat"
        );
        Ok(response)
    }

    /// Asks for an answer as a stream of text deltas (for showing the final answer while it
    /// is written). The whole stream shares the request timeout: a delta that would arrive
    /// after it yields [`LlmError::Timeout`] and ends the stream.
    pub async fn chat_stream(&self, req: &ChatRequest) -> Result<TextStream, LlmError> {
        Ok(self.chat_stream_counted(req).await?.0)
    }

    /// [`LlmClient::chat_stream`], and a handle that holds the token counts once the server
    /// has sent them (in its last chunk; servers that do not report usage leave it empty).
    pub async fn chat_stream_counted(
        &self,
        req: &ChatRequest,
    ) -> Result<(TextStream, StreamUsage), LlmError> {
        let limit = self.config.request_timeout;
        let deadline = tokio::time::Instant::now() + limit;
        self.check_reachable().await?;
        let mut request = self.request(req);
        request.stream_options = Some(ChatCompletionStreamOptions {
            include_usage: Some(true),
            include_obfuscation: None,
        });
        let inner = tokio::time::timeout_at(deadline, self.inner.chat().create_stream(request))
            .await
            .map_err(|_| self.timeout_error(limit))?
            .map_err(|e| from_openai(e, &self.config.base_url))?;
        let usage = StreamUsage::default();
        let state = StreamState {
            usage: usage.clone(),
            inner,
            deadline,
            limit,
            url: self.config.base_url.clone(),
            events: 0,
            got_text: false,
            finish: None,
            done: false,
        };
        Ok((
            Box::pin(futures_util::stream::unfold(state, next_delta)),
            usage,
        ))
    }

    /// Checks the server answers and lists its models (`GET /models`). llama-server
    /// answers 503 while it is still loading the model.
    pub async fn health(&self) -> Result<ModelInfo, LlmError> {
        let started = Instant::now();
        let limit = self.config.request_timeout.min(Duration::from_secs(10));
        self.check_reachable().await?;
        let list = tokio::time::timeout(limit, self.inner.models().list())
            .await
            .map_err(|_| self.timeout_error(limit))?
            .map_err(|e| from_openai(e, &self.config.base_url))?;
        let models: Vec<String> = list.data.into_iter().map(|m| m.id).collect();
        if models.is_empty() {
            return Err(LlmError::InvalidResponse {
                message: "the server lists no models".into(),
            });
        }
        let configured_available = models.len() == 1 || models.contains(&self.config.model);
        Ok(ModelInfo {
            models,
            configured_available,
            elapsed: started.elapsed(),
        })
    }
}

/// Token counts of a streamed answer, set when the server reports them at the end of the
/// stream.
#[derive(Debug, Clone, Default)]
pub struct StreamUsage(std::sync::Arc<std::sync::Mutex<Option<StreamTokens>>>);

/// What a server reported for one streamed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StreamTokens {
    prompt: u32,
    completion: u32,
    /// Prompt tokens the server took from its cache (`prompt_tokens_details.cached_tokens`).
    cached: Option<u32>,
}

impl StreamUsage {
    /// Counts already known (a model that is not a server, e.g. a test's fake).
    pub fn reported(prompt: u32, completion: u32) -> StreamUsage {
        let usage = StreamUsage::default();
        usage.set(prompt, completion, None);
        usage
    }

    /// `(prompt_tokens, completion_tokens)`, if the server reported them.
    pub fn tokens(&self) -> Option<(u32, u32)> {
        self.get().map(|t| (t.prompt, t.completion))
    }

    /// The prompt tokens the server reused from its cache, if it said.
    pub fn cached_tokens(&self) -> Option<u32> {
        self.get().and_then(|t| t.cached)
    }

    fn get(&self) -> Option<StreamTokens> {
        self.0.lock().ok().and_then(|g| *g)
    }

    fn set(&self, prompt: u32, completion: u32, cached: Option<u32>) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(StreamTokens {
                prompt,
                completion,
                cached,
            });
        }
    }
}

struct StreamState {
    usage: StreamUsage,
    inner: async_openai::types::chat::ChatCompletionResponseStream,
    deadline: tokio::time::Instant,
    limit: Duration,
    url: String,
    /// Chunks received, text or not.
    events: usize,
    got_text: bool,
    finish: Option<FinishReason>,
    done: bool,
}

/// One step of [`LlmClient::chat_stream`]: the next non-empty delta, or the error that ends
/// the stream.
async fn next_delta(mut st: StreamState) -> Option<(Result<String, LlmError>, StreamState)> {
    if st.done {
        return None;
    }
    loop {
        let item = match tokio::time::timeout_at(st.deadline, st.inner.next()).await {
            Err(_) => {
                st.done = true;
                let err = LlmError::Timeout {
                    url: st.url.clone(),
                    seconds: st.limit.as_secs_f64(),
                };
                return Some((Err(err), st));
            }
            Ok(item) => item,
        };
        match item {
            None => {
                st.done = true;
                let err = if st.events == 0 {
                    LlmError::InvalidResponse {
                        message: "the stream ended without any event".into(),
                    }
                } else if !st.got_text {
                    LlmError::EmptyCompletion {
                        finish_reason: st
                            .finish
                            .clone()
                            .unwrap_or(FinishReason::Unknown)
                            .to_string(),
                    }
                } else if st.finish.is_none() {
                    LlmError::Transport {
                        message: "the stream ended before the model finished".into(),
                    }
                } else {
                    return None;
                };
                return Some((Err(err), st));
            }
            Some(Err(e)) => {
                st.done = true;
                let err = from_openai(e, &st.url);
                return Some((Err(err), st));
            }
            Some(Ok(chunk)) => {
                st.events += 1;
                if let Some(u) = &chunk.usage {
                    let cached = u
                        .prompt_tokens_details
                        .as_ref()
                        .and_then(|d| d.cached_tokens);
                    st.usage.set(u.prompt_tokens, u.completion_tokens, cached);
                }
                let mut text = String::new();
                for choice in chunk.choices {
                    if choice.finish_reason.is_some() {
                        st.finish = Some(FinishReason::from_openai(choice.finish_reason));
                    }
                    if let Some(delta) = choice.delta.content {
                        text.push_str(&delta);
                    }
                }
                if !text.is_empty() {
                    st.got_text = true;
                    return Some((Ok(text), st));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> LlmClient {
        LlmClient::new(LlmConfig::default()).unwrap()
    }

    #[test]
    fn request_carries_turns_and_json_mode() {
        let req = ChatRequest::new("sys", "질문")
            .with_history(vec![Turn::user("앞 질문"), Turn::assistant("앞 대답")])
            .with_json()
            .with_stop(["\n\n"])
            .with_max_tokens(32);
        let body = serde_json::to_value(client().request(&req)).unwrap();
        let roles: Vec<&str> = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["system", "user", "assistant", "user"]);
        assert_eq!(body["messages"][3]["content"], "질문");
        assert_eq!(body["response_format"]["type"], "json_object");
        assert_eq!(body["max_tokens"], 32);
        assert_eq!(body["temperature"], 0.0);
        assert_eq!(body["stop"][0], "\n\n");
        assert!(body.get("stream").is_none());
    }

    #[test]
    fn schema_and_empty_system() {
        let schema = serde_json::json!({"type": "object"});
        let req = ChatRequest::new("", "q").with_json_schema(schema.clone());
        let body = serde_json::to_value(client().request(&req)).unwrap();
        assert_eq!(body["messages"].as_array().unwrap().len(), 1);
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["response_format"]["json_schema"]["schema"], schema);
    }

    #[test]
    fn bad_urls_and_keys_are_rejected() {
        assert!(LlmClient::new(LlmConfig::for_url("not a url")).is_err());
        assert!(LlmClient::new(LlmConfig::for_url("ftp://h/v1")).is_err());
        let c = LlmConfig {
            api_key: Some("bad\nkey".into()),
            ..LlmConfig::default()
        };
        assert!(matches!(
            LlmClient::new(c),
            Err(LlmError::InvalidRequest(_))
        ));
        let c = LlmClient::new(LlmConfig::for_url("https://api.openai.com/v1")).unwrap();
        assert_eq!(c.authority, ("api.openai.com".to_owned(), 443));
    }
}
