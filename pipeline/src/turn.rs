//! What the stages of one turn share: the events a caller observes, the LLM's availability in
//! this turn, each stage's report and the trace they build.

use std::time::Instant;

use jeju_api::Stage;
use jeju_llm::LlmError;

use crate::ports::ChatModel;
use crate::recommend::Pick;
use crate::trace::{
    Fallback, FallbackReason, LlmUsage, StageTrace, Trace, TracedCandidate, TracedQuery,
};

/// What a turn reports while it runs, for progress displays and streaming.
#[derive(Debug, Clone, Copy)]
pub enum TurnEvent<'a> {
    /// A stage begins.
    StageStarted(Stage),
    /// A stage ended, with its record.
    StageFinished(&'a StageTrace),
    /// A recommendation is known: with the LLM, as soon as the model has written it.
    Pick { index: usize, pick: &'a Pick },
    /// With an LLM, before any LLM call: the rules' picks (parser, composed query, ranker),
    /// shown at once; the [`TurnEvent::Pick`]s that follow confirm or replace them by index.
    Preliminary { picks: &'a [Pick] },
}

/// A receiver of [`TurnEvent`]s.
pub type Observer<'o> = &'o (dyn Fn(TurnEvent<'_>) + Send + Sync);

/// What one stage did, for the trace: the driver adds the stage and its time.
#[derive(Debug, Default)]
pub struct StageReport {
    pub detail: String,
    pub fallback: Option<Fallback>,
    pub llm: LlmUsage,
    /// The queries the stage ran, in order.
    pub queries: Vec<TracedQuery>,
}

impl StageReport {
    pub fn new(detail: impl Into<String>) -> StageReport {
        StageReport {
            detail: detail.into(),
            ..StageReport::default()
        }
    }

    pub fn with_fallback(mut self, fallback: Option<Fallback>) -> StageReport {
        self.fallback = fallback;
        self
    }
}

/// Why a stage cannot ask the LLM in this turn.
#[derive(Debug, Clone, PartialEq)]
pub enum NoLlm {
    /// None is configured (`--no-llm`).
    NotConfigured,
    /// An earlier call of this turn found it unavailable (the message of that error).
    DownEarlier(String),
}

impl NoLlm {
    /// The stage's fallback: "`why`: `then`" (e.g. "no LLM configured: composed query").
    pub fn fallback(&self, then: &str) -> Fallback {
        match self {
            NoLlm::NotConfigured => {
                Fallback::new(FallbackReason::NoLlm, format!("no LLM configured: {then}"))
            }
            NoLlm::DownEarlier(why) => Fallback::new(
                FallbackReason::LlmDownEarlier,
                format!("LLM unavailable earlier in this turn ({why}): {then}"),
            ),
        }
    }
}

/// The LLM of this turn: once a call finds the server unavailable, the rest of the turn skips
/// it instead of waiting for it again.
pub struct LlmGate<'p> {
    llm: Option<&'p dyn ChatModel>,
    down: Option<String>,
}

impl<'p> LlmGate<'p> {
    pub fn new(llm: Option<&'p dyn ChatModel>) -> LlmGate<'p> {
        LlmGate { llm, down: None }
    }

    /// The LLM to ask now, or why there is none.
    pub fn get(&self) -> Result<&'p dyn ChatModel, NoLlm> {
        match (self.llm, &self.down) {
            (None, _) => Err(NoLlm::NotConfigured),
            (Some(_), Some(why)) => Err(NoLlm::DownEarlier(why.clone())),
            (Some(l), None) => Ok(l),
        }
    }

    /// Notes a failed call: an unavailable server closes the gate for this turn.
    pub fn note_error(&mut self, e: &LlmError) {
        if e.is_unavailable() {
            self.down = Some(e.to_string());
        }
    }

    /// An LLM is configured but did not answer in this turn.
    pub fn went_down(&self) -> bool {
        self.llm.is_some() && self.down.is_some()
    }
}

/// The trace of a turn as its stages finish, reported to the observer.
pub struct TraceBuilder<'o> {
    trace: Trace,
    observer: Observer<'o>,
    started: Option<(Stage, Instant)>,
}

impl<'o> TraceBuilder<'o> {
    pub fn new(observer: Observer<'o>) -> TraceBuilder<'o> {
        TraceBuilder {
            trace: Trace::default(),
            observer,
            started: None,
        }
    }

    pub fn observer(&self) -> Observer<'o> {
        self.observer
    }

    /// A stage begins: observed, and its clock starts.
    pub fn start(&mut self, stage: Stage) {
        (self.observer)(TurnEvent::StageStarted(stage));
        self.started = Some((stage, Instant::now()));
    }

    /// The stage that was started ends with `report`: recorded and observed.
    pub fn finish(&mut self, report: StageReport) {
        let Some((stage, started)) = self.started.take() else {
            debug_assert!(false, "finish without start");
            return;
        };
        if let Some(f) = &report.fallback {
            // The message may name server paths or commands: the log has it, the API only the
            // reason code.
            tracing::info!(%stage, reason = f.reason.as_str(), "fallback: {}", f.message);
        }
        self.trace.cypher.extend(report.queries);
        self.trace.stages.push(StageTrace {
            stage,
            ms: started.elapsed().as_secs_f64() * 1000.0,
            detail: report.detail,
            fallback: report.fallback,
            llm: Some(report.llm).filter(|u| u.calls > 0),
        });
        if let Some(last) = self.trace.stages.last() {
            (self.observer)(TurnEvent::StageFinished(last));
        }
    }

    /// The candidates handed to the select stage.
    pub fn set_candidates(&mut self, ids: Vec<String>, shortlist: Vec<TracedCandidate>) {
        self.trace.candidates = ids;
        self.trace.shortlist = shortlist;
    }

    pub fn into_trace(self) -> Trace {
        self.trace
    }
}
