//! The pipeline's seams to the outside: the graph, the LLM and the review index, as traits.
//! The real clients implement them here; the unit tests of the stages and of the driver use
//! in-memory fakes (`crate::fakes`), so they run in milliseconds without a server. `neo4rs`
//! stays inside `jeju-graph`: rows arrive as [`Record`]s.

use std::time::Duration;

use async_trait::async_trait;
use jeju_graph::{GraphClient, GraphError, Record, Statement};
use jeju_llm::{ChatRequest, ChatResponse, LlmClient, LlmError, StreamUsage, TextStream};
use jeju_review_search::{
    QueryEmbedding, ReviewSearch, ReviewSearchError, SearchStats, StoreMatch,
};

/// Read queries against the graph.
#[async_trait]
pub trait GraphPort: Send + Sync {
    /// Runs a statement the code composed (values as parameters).
    async fn records(&self, statement: &Statement) -> Result<Vec<Record>, GraphError>;

    /// Runs Cypher the LLM wrote (already passed by the guard): as the read-only user, in a
    /// transaction that is always rolled back, within `limit`.
    async fn generated(&self, cypher: &str, limit: Duration) -> Result<Vec<Record>, GraphError>;
}

#[async_trait]
impl GraphPort for GraphClient {
    async fn records(&self, statement: &Statement) -> Result<Vec<Record>, GraphError> {
        GraphClient::records(self, statement).await
    }

    async fn generated(&self, cypher: &str, limit: Duration) -> Result<Vec<Record>, GraphError> {
        self.records_generated(cypher, limit).await
    }
}

/// An OpenAI-compatible chat model.
#[async_trait]
pub trait ChatModel: Send + Sync {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError>;

    /// The answer as a stream of text pieces, and the token counts once it has ended.
    async fn chat_stream_counted(
        &self,
        request: &ChatRequest,
    ) -> Result<(TextStream, StreamUsage), LlmError>;

    /// Whether the model answers now.
    async fn health(&self) -> Result<(), LlmError>;
}

#[async_trait]
impl ChatModel for LlmClient {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        LlmClient::chat(self, request).await
    }

    async fn chat_stream_counted(
        &self,
        request: &ChatRequest,
    ) -> Result<(TextStream, StreamUsage), LlmError> {
        LlmClient::chat_stream_counted(self, request).await
    }

    async fn health(&self) -> Result<(), LlmError> {
        LlmClient::health(self).await.map(|_| ())
    }
}

/// HyDE review search: the query text is embedded in the background while other work runs.
#[async_trait]
pub trait ReviewIndex: Send + Sync {
    /// Starts embedding `hyde_text` and returns at once.
    fn embed_in_background(&self, hyde_text: &str) -> QueryEmbedding;

    /// The stores (of `restrict_to`, when given) whose reviews best match the query.
    async fn search_stores_embedded(
        &self,
        query: QueryEmbedding,
        restrict_to: Option<&[String]>,
        k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError>;
}

#[async_trait]
impl ReviewIndex for ReviewSearch {
    fn embed_in_background(&self, hyde_text: &str) -> QueryEmbedding {
        ReviewSearch::embed_in_background(self, hyde_text)
    }

    async fn search_stores_embedded(
        &self,
        query: QueryEmbedding,
        restrict_to: Option<&[String]>,
        k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError> {
        ReviewSearch::search_stores_embedded(self, query, restrict_to, k_stores).await
    }
}
