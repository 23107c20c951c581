//! The per-turn trace: what each stage did, how long it took, what the LLM cost, which
//! fallbacks fired, the Cypher that ran and the candidates. The CLI prints it with `--trace`,
//! the UI shows it, the evaluation harness aggregates it.

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::compose::ComposedQuery;

/// What the LLM calls of one stage cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct LlmUsage {
    pub calls: u32,
    /// Token counts as the server reported them (0 when it did not).
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    /// Sizes of what was sent (system + user parts) and received, in characters.
    pub prompt_chars: usize,
    pub response_chars: usize,
    /// Wall time spent waiting for the LLM.
    pub ms: f64,
}

impl LlmUsage {
    /// Adds one call.
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
        self.prompt_chars += other.prompt_chars;
        self.response_chars += other.response_chars;
        self.ms += other.ms;
    }
}

/// One stage's record.
#[derive(Debug, Clone, Serialize)]
pub struct StageTrace {
    pub stage: &'static str,
    pub ms: f64,
    pub detail: String,
    /// Set when the stage used its deterministic fallback (or was skipped), and why.
    pub fallback: Option<String>,
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

/// What happened in a turn.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    pub stages: Vec<StageTrace>,
    pub cypher: Vec<TracedQuery>,
    pub candidates: Vec<String>,
}

impl Trace {
    pub(crate) fn record(
        &mut self,
        stage: &'static str,
        started: Instant,
        detail: String,
        fallback: Option<String>,
        llm: Option<LlmUsage>,
    ) {
        self.stages.push(StageTrace {
            stage,
            ms: started.elapsed().as_secs_f64() * 1000.0,
            detail,
            fallback,
            llm: llm.filter(|u| u.calls > 0),
        });
    }

    pub(crate) fn composed(&mut self, query: ComposedQuery) {
        self.cypher.push(TracedQuery {
            source: QuerySource::Composed,
            query,
        });
    }

    /// The record of a stage, by name (see [`crate::STAGES`]).
    pub fn stage(&self, name: &str) -> Option<&StageTrace> {
        self.stages.iter().find(|s| s.stage == name)
    }

    /// Stages that fell back, as `stage: why`.
    pub fn fallbacks(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| s.fallback.as_ref().map(|f| format!("{}: {f}", s.stage)))
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
