//! The LLM, end to end.
//!
//! Every LLM call of the product goes through [`LlmClient`], which speaks the OpenAI chat
//! API (through `async-openai`) to any compatible base URL: by default the local
//! llama.cpp `llama-server` with Qwen2.5-Coder-1.5B-Instruct (no key, no network), in
//! production a GPU-served model (vLLM, Ollama, OpenAI) chosen by `JEJU_LLM_URL`,
//! `JEJU_LLM_MODEL` and `JEJU_LLM_KEY`.
//!
//! - [`config`]: [`LlmConfig`] from the environment.
//! - [`client`]: [`LlmClient::chat`] (one answer, optionally grammar-constrained JSON),
//!   [`LlmClient::chat_stream`] (text deltas), [`LlmClient::health`].
//! - [`error`]: [`LlmError`], one variant per kind of failure; an unreachable server is
//!   reported at once.
//! - [`server`]: [`LlamaServer`] owns the local `llama-server` process (loopback only).

pub mod client;
pub mod config;
pub mod error;
pub mod server;

pub use client::{
    ChatRequest, ChatResponse, FinishReason, LlmClient, ModelInfo, Role, StreamUsage, TextStream,
    Turn,
};
#[cfg(feature = "fake")]
pub mod fake;
pub use config::LlmConfig;
pub use error::LlmError;
pub use server::{LlamaServer, ServerConfig, ServerError};
