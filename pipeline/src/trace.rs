//! The per-turn trace: what each stage did, how long it took, what the LLM cost, which
//! fallbacks fired, the Cypher that ran and the candidates. The CLI prints it with `--trace`,
//! the UI shows it, the evaluation harness aggregates it.

use std::time::Instant;

use jeju_api::Stage;
use serde::{Deserialize, Serialize};

use crate::compose::ComposedQuery;

/// What the LLM calls of one stage cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmUsage {
    pub calls: u32,
    /// Token counts as the server reported them (0 when it did not).
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Prompt tokens the server took from its prompt cache (0 when it did not say).
    #[serde(default)]
    pub cached_tokens: u32,
    /// Sizes of what was sent (system + user parts) and received, in characters.
    pub prompt_chars: usize,
    pub response_chars: usize,
    /// Wall time spent waiting for the LLM.
    pub ms: f64,
}

impl LlmUsage {
    /// Adds one call.
    /// Prompt tokens of the last call that the server's prompt cache served.
    pub fn add_cached(&mut self, tokens: u32) {
        self.cached_tokens += tokens;
    }

    pub fn add_call(
        &mut self,
        prompt_chars: usize,
        response_chars: usize,
        tokens: Option<(u32, u32)>,
        started: Instant,
    ) {
        self.calls += 1;
        self.prompt_chars += prompt_chars;
        self.response_chars += response_chars;
        if let Some((p, c)) = tokens {
            self.prompt_tokens += p;
            self.completion_tokens += c;
        }
        self.ms += started.elapsed().as_secs_f64() * 1000.0;
    }

    /// Adds a completed [`jeju_llm::ChatResponse`] to a prompt of `prompt_chars`.
    pub fn add_response(
        &mut self,
        prompt_chars: usize,
        resp: &jeju_llm::ChatResponse,
        started: Instant,
    ) {
        self.add_cached(resp.cached_tokens);
        self.add_call(
            prompt_chars,
            resp.text.chars().count(),
            Some((resp.prompt_tokens, resp.completion_tokens)),
            started,
        );
    }

    /// Adds another stage's usage.
    pub fn merge(&mut self, other: &LlmUsage) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.cached_tokens += other.cached_tokens;
        self.prompt_chars += other.prompt_chars;
        self.response_chars += other.response_chars;
        self.ms += other.ms;
    }
}

/// Why a stage used its deterministic fallback: a stable code to count and match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FallbackReason {
    /// No LLM is configured (`--no-llm`): the rules answer by design.
    NoLlm,
    /// An earlier LLM call of this turn found the server unavailable.
    LlmDownEarlier,
    /// The LLM call failed (unreachable, timeout, bad answer).
    LlmFailed,
    /// The LLM's query failed its checks twice (guard, literals, goal, server, rows).
    LlmQueryRejected,
    /// The LLM's recommendation query found no store.
    LlmQueryFoundNothing,
    /// None of the stores of the LLM's query passes the hard constraints.
    LlmQueryOutsideFilters,
    /// The LLM's search query answered fewer rows than asked, the composed query more.
    LlmQueryAnsweredFewer,
    /// The LLM's selection was unusable twice (or its prompt could not be made).
    LlmAnswerUnusable,
    /// The review index or the embedding model is missing.
    ReviewSearchUnavailable,
    /// The review search failed.
    ReviewSearchFailed,
    /// The graph has no FastRP vectors.
    NoStoreVectors,
    /// The FastRP vectors could not be loaded.
    StoreVectorsFailed,
}

impl FallbackReason {
    /// Did a configured part fail? No LLM, no review index and no FastRP vectors are how
    /// the service was set up, not failures: the page marks only failures.
    pub fn is_failure(self) -> bool {
        !matches!(
            self,
            FallbackReason::NoLlm
                | FallbackReason::ReviewSearchUnavailable
                | FallbackReason::NoStoreVectors
        )
    }

    /// The stable code (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            FallbackReason::NoLlm => "no_llm",
            FallbackReason::LlmDownEarlier => "llm_down_earlier",
            FallbackReason::LlmFailed => "llm_failed",
            FallbackReason::LlmQueryRejected => "llm_query_rejected",
            FallbackReason::LlmQueryFoundNothing => "llm_query_found_nothing",
            FallbackReason::LlmQueryOutsideFilters => "llm_query_outside_filters",
            FallbackReason::LlmQueryAnsweredFewer => "llm_query_answered_fewer",
            FallbackReason::LlmAnswerUnusable => "llm_answer_unusable",
            FallbackReason::ReviewSearchUnavailable => "review_search_unavailable",
            FallbackReason::ReviewSearchFailed => "review_search_failed",
            FallbackReason::NoStoreVectors => "no_store_vectors",
            FallbackReason::StoreVectorsFailed => "store_vectors_failed",
        }
    }
}

/// A fallback that fired: its reason code and a message for people (trace, logs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fallback {
    pub reason: FallbackReason,
    pub message: String,
}

impl Fallback {
    pub fn new(reason: FallbackReason, message: impl Into<String>) -> Fallback {
        Fallback {
            reason,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One stage's record.
#[derive(Debug, Clone, Serialize)]
pub struct StageTrace {
    pub stage: Stage,
    pub ms: f64,
    pub detail: String,
    /// Set when the stage used its deterministic fallback (or was skipped), and why.
    pub fallback: Option<Fallback>,
    /// The LLM calls of the stage (`None` when it made none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm: Option<LlmUsage>,
}

/// Where a query of the trace came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QuerySource {
    /// Written by the LLM and checked by the guard.
    Llm,
    /// Composed by code from the parsed constraints.
    Composed,
}

/// A query that ran, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TracedQuery {
    pub source: QuerySource,
    #[serde(flatten)]
    pub query: ComposedQuery,
}

/// A candidate handed to the select stage, as the trace shows it to people.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TracedCandidate {
    pub id: String,
    pub name: String,
    /// The graph-signal ranker's score (`recommend::score`).
    pub score: f64,
    /// Added by the FastRP backfill rather than found by the filters.
    pub backfilled: bool,
}

/// What happened in a turn.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    pub stages: Vec<StageTrace>,
    pub cypher: Vec<TracedQuery>,
    /// The ids of the candidates handed to the select stage, in order.
    pub candidates: Vec<String>,
    /// The same candidates with their names and scores (those whose card loaded).
    pub shortlist: Vec<TracedCandidate>,
}

impl Trace {
    /// The record of a stage.
    pub fn stage(&self, stage: Stage) -> Option<&StageTrace> {
        self.stages.iter().find(|s| s.stage == stage)
    }

    /// Stages that fell back, as `stage: message`.
    pub fn fallbacks(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| s.fallback.as_ref().map(|f| format!("{}: {f}", s.stage)))
            .collect()
    }

    /// Stages that fell back, with their reason codes.
    pub fn fallback_reasons(&self) -> Vec<(Stage, FallbackReason)> {
        self.stages
            .iter()
            .filter_map(|s| s.fallback.as_ref().map(|f| (s.stage, f.reason)))
            .collect()
    }

    /// The LLM cost of the whole turn.
    pub fn llm_total(&self) -> LlmUsage {
        let mut total = LlmUsage::default();
        for s in &self.stages {
            if let Some(u) = &s.llm {
                total.merge(u);
            }
        }
        total
    }
}

impl TracedQuery {
    /// A query composed by code.
    pub fn composed(query: ComposedQuery) -> TracedQuery {
        TracedQuery {
            source: QuerySource::Composed,
            query,
        }
    }

    /// A query the LLM wrote (checked by the guard).
    pub fn llm(cypher: impl Into<String>) -> TracedQuery {
        TracedQuery {
            source: QuerySource::Llm,
            query: ComposedQuery::text(cypher),
        }
    }
}
