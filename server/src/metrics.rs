//! `GET /metrics`: the server's counters in the Prometheus text format (through the
//! `prometheus-client` crate; one registry per server, no global state).
//!
//! | series | type | labels |
//! |---|---|---|
//! | `jeju_turn_duration_seconds` | histogram | `outcome` (`answered` or an error code) |
//! | `jeju_stage_duration_seconds` | histogram | `stage` |
//! | `jeju_llm_calls_total` | counter | `stage` |
//! | `jeju_llm_tokens_total` | counter | `stage`, `kind` (`prompt`, `completion`, `cached`) |
//! | `jeju_fallbacks_total` | counter | `stage`, `reason` |
//! | `jeju_errors_total` | counter | `code` |
//! | `jeju_turns_waiting` | gauge | (turns queued for a slot) |
//! | `jeju_turns_running` | gauge | (turns holding a slot) |

use std::sync::atomic::AtomicI64;

use jeju_api::ErrorCode;
use jeju_pipeline::Trace;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabel {
    stage: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    stage: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FallbackLabels {
    stage: String,
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: String,
}

/// Turn latencies span a millisecond (no LLM) to minutes (a local LLM on a busy machine):
/// 1 ms × 2ⁿ up to ≈ 262 s.
fn turn_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 19))
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    turn_duration: Family<OutcomeLabel, Histogram>,
    stage_duration: Family<StageLabel, Histogram>,
    llm_calls: Family<StageLabel, Counter>,
    llm_tokens: Family<TokenLabels, Counter>,
    fallbacks: Family<FallbackLabels, Counter>,
    errors: Family<CodeLabel, Counter>,
    waiting: Gauge<i64, AtomicI64>,
    running: Gauge<i64, AtomicI64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("jeju");
        let turn_duration =
            Family::<OutcomeLabel, Histogram>::new_with_constructor(turn_histogram as fn() -> _);
        let stage_duration =
            Family::<StageLabel, Histogram>::new_with_constructor(turn_histogram as fn() -> _);
        let llm_calls = Family::<StageLabel, Counter>::default();
        let llm_tokens = Family::<TokenLabels, Counter>::default();
        let fallbacks = Family::<FallbackLabels, Counter>::default();
        let errors = Family::<CodeLabel, Counter>::default();
        let waiting = Gauge::<i64, AtomicI64>::default();
        let running = Gauge::<i64, AtomicI64>::default();
        registry.register_with_unit(
            "turn_duration",
            "Time to answer a turn, by outcome (answered or the error code)",
            prometheus_client::registry::Unit::Seconds,
            turn_duration.clone(),
        );
        registry.register_with_unit(
            "stage_duration",
            "Time spent in each pipeline stage of answered turns",
            prometheus_client::registry::Unit::Seconds,
            stage_duration.clone(),
        );
        registry.register("llm_calls", "LLM requests, by stage", llm_calls.clone());
        registry.register(
            "llm_tokens",
            "LLM tokens by stage and kind (prompt, completion, cached prompt tokens)",
            llm_tokens.clone(),
        );
        registry.register(
            "fallbacks",
            "Stages that used their deterministic fallback, by stage and reason",
            fallbacks.clone(),
        );
        registry.register(
            "errors",
            "Turns answered with an error, by code",
            errors.clone(),
        );
        registry.register(
            "turns_waiting",
            "Turns waiting for a slot (the queue's depth)",
            waiting.clone(),
        );
        registry.register("turns_running", "Turns holding a slot", running.clone());
        Metrics {
            registry,
            turn_duration,
            stage_duration,
            llm_calls,
            llm_tokens,
            fallbacks,
            errors,
            waiting,
            running,
        }
    }

    /// Records an answered turn from its trace.
    pub fn answered(&self, seconds: f64, trace: &Trace) {
        self.turn_duration
            .get_or_create(&OutcomeLabel {
                outcome: "answered".into(),
            })
            .observe(seconds);
        for stage in &trace.stages {
            let name = stage.stage.as_str().to_owned();
            self.stage_duration
                .get_or_create(&StageLabel {
                    stage: name.clone(),
                })
                .observe(stage.ms / 1000.0);
            if let Some(fallback) = &stage.fallback {
                self.fallbacks
                    .get_or_create(&FallbackLabels {
                        stage: name.clone(),
                        reason: fallback.reason.as_str().to_owned(),
                    })
                    .inc();
            }
            if let Some(llm) = &stage.llm {
                self.llm_calls
                    .get_or_create(&StageLabel {
                        stage: name.clone(),
                    })
                    .inc_by(u64::from(llm.calls));
                for (kind, n) in [
                    ("prompt", llm.prompt_tokens),
                    ("completion", llm.completion_tokens),
                    ("cached", llm.cached_tokens),
                ] {
                    self.llm_tokens
                        .get_or_create(&TokenLabels {
                            stage: name.clone(),
                            kind: kind.into(),
                        })
                        .inc_by(u64::from(n));
                }
            }
        }
    }

    /// Records a turn answered with an error.
    pub fn failed(&self, seconds: f64, code: ErrorCode) {
        self.turn_duration
            .get_or_create(&OutcomeLabel {
                outcome: code.as_str().to_owned(),
            })
            .observe(seconds);
        self.error(code);
    }

    /// Counts an error answered before a turn began (e.g. an empty question).
    pub fn error(&self, code: ErrorCode) {
        self.errors
            .get_or_create(&CodeLabel {
                code: code.as_str().to_owned(),
            })
            .inc();
    }

    /// The queue gauges: a turn starts or stops waiting, starts or stops running.
    pub fn waiting(&self, delta: i64) {
        self.waiting.inc_by(delta);
    }

    pub fn running(&self, delta: i64) {
        self.running.inc_by(delta);
    }

    /// The text exposition (`text/plain; version=0.0.4`-compatible OpenMetrics text).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "metrics could not be encoded");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_counted_by_code_and_timed_by_outcome() {
        let m = Metrics::new();
        m.failed(0.5, ErrorCode::Busy);
        m.failed(0.25, ErrorCode::Busy);
        m.waiting(3);
        m.waiting(-1);
        let text = m.encode();
        assert!(
            text.contains("jeju_errors_total{code=\"busy\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("jeju_turn_duration_seconds_count{outcome=\"busy\"} 2"),
            "{text}"
        );
        assert!(text.contains("jeju_turns_waiting 2"), "{text}");
    }
}
