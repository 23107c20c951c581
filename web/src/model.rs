//! The state of one turn on the page, and how stream events change it (pure; tested natively).

use jeju_api::{
    ApiError, AskResponse, ErrorCode, Language, PickCard, Stage, StageEvent, StageStatus,
};

use crate::{i18n, ChatTurn};

/// The progress row has four steps; the pipeline's six stages map onto them.
pub const STEPS: usize = 4;

/// The step (0-based) a pipeline stage belongs to: route → 1, text2cypher → 2,
/// review_search + backfill → 3, select + answer → 4.
pub fn step_of(stage: Stage) -> usize {
    match stage {
        Stage::Route => 0,
        Stage::Text2Cypher => 1,
        Stage::ReviewSearch | Stage::Backfill => 2,
        Stage::Select | Stage::Answer => 3,
    }
}

/// The first stage of each step: its label is the step's.
pub const STEP_STAGES: [Stage; STEPS] = [
    Stage::Route,
    Stage::Text2Cypher,
    Stage::ReviewSearch,
    Stage::Select,
];

/// Whether `stage` is the last stage of its step (the step is done when it finishes).
fn ends_step(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Route | Stage::Text2Cypher | Stage::Backfill | Stage::Answer
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StepStatus {
    #[default]
    Pending,
    Active,
    Done,
}

impl StepStatus {
    pub fn class(self) -> &'static str {
        match self {
            StepStatus::Pending => "pending",
            StepStatus::Active => "active",
            StepStatus::Done => "done",
        }
    }
}

/// One step of the progress row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    pub status: StepStatus,
    /// The sum of the finished stages' milliseconds.
    pub ms: f64,
    /// Some stage of this step fell back to its deterministic path.
    pub fallback: bool,
}

/// A turn that is still running: the progress row and the picks streamed so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Live {
    pub steps: [Step; STEPS],
    /// Provisional picks, ordered by rank (replaced by the answer's).
    pub picks: Vec<PickCard>,
}

impl Live {
    pub fn on_stage(&mut self, event: &StageEvent) {
        let i = step_of(event.stage);
        // A later step starting means every earlier one is over (a stage may be skipped
        // without events, e.g. backfill when there were enough candidates).
        for step in &mut self.steps[..i] {
            step.status = StepStatus::Done;
        }
        let step = &mut self.steps[i];
        match event.status {
            StageStatus::Started => {
                if step.status != StepStatus::Done {
                    step.status = StepStatus::Active;
                }
            }
            StageStatus::Finished => {
                step.ms += event.ms.filter(|ms| ms.is_finite()).unwrap_or(0.0);
                step.fallback |= event.fallback.is_some();
                step.status = if ends_step(event.stage) {
                    StepStatus::Done
                } else {
                    StepStatus::Active
                };
            }
        }
    }

    pub fn on_pick(&mut self, pick: PickCard) {
        // The choosing step is under way once picks arrive.
        if self.steps[STEPS - 1].status == StepStatus::Pending {
            self.on_stage(&StageEvent {
                stage: Stage::Select,
                status: StageStatus::Started,
                ms: None,
                fallback: None,
            });
        }
        match self.picks.iter_mut().find(|p| p.rank == pick.rank) {
            Some(slot) => *slot = pick,
            None => {
                self.picks.push(pick);
                self.picks.sort_by_key(|p| p.rank);
            }
        }
    }
}

/// Why a turn ended without an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The server answered with an error.
    Api(ApiError),
    /// The event stream broke before the answer (or never opened).
    ConnectionLost,
    /// The server's last event could not be parsed.
    Unreadable,
}

impl Failure {
    /// A stable name for tests and styling (`data-code`).
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Api(e) => e.code.as_str(),
            Failure::ConnectionLost => "connection_lost",
            Failure::Unreadable => "unreadable",
        }
    }

    pub fn heading(&self, lang: Language) -> &'static str {
        match self {
            Failure::Api(e) => i18n::error_heading(lang, e.code),
            Failure::ConnectionLost if lang == Language::Ko => "연결 안 됨",
            Failure::ConnectionLost => "Connection lost",
            Failure::Unreadable => i18n::strings(lang).error_title,
        }
    }

    /// The message in the page's language (the code's own message, so it follows the toggle).
    pub fn message(&self, lang: Language) -> String {
        match self {
            Failure::Api(e) => e.code.message(lang),
            Failure::ConnectionLost => i18n::strings(lang).connection_lost.to_owned(),
            Failure::Unreadable => i18n::strings(lang).unreadable_answer.to_owned(),
        }
    }
}

/// Where a turn is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Running(Live),
    Done(Box<AskResponse>),
    Failed(Failure),
}

/// The variant of a [`Phase`] alone (what decides the shape of the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhaseKind {
    Running,
    Done,
    Failed,
}

impl Phase {
    pub fn kind(&self) -> PhaseKind {
        match self {
            Phase::Running(_) => PhaseKind::Running,
            Phase::Done(_) => PhaseKind::Done,
            Phase::Failed(_) => PhaseKind::Failed,
        }
    }

    /// A finished turn from the server-rendered state.
    pub fn from_turn(turn: &ChatTurn) -> Phase {
        match (&turn.answer, &turn.error) {
            (Some(answer), _) => Phase::Done(Box::new(answer.clone())),
            (None, Some(error)) => Phase::Failed(Failure::Api(error.clone())),
            (None, None) => Phase::Failed(Failure::Api(ApiError::new(
                ErrorCode::Internal,
                Language::Ko,
            ))),
        }
    }
}

/// The client-side check of a question, with the server's rules: the trimmed question, or
/// the code of the error the server would answer.
pub fn validate(question: &str) -> Result<&str, ErrorCode> {
    let q = question.trim();
    if q.chars().all(char::is_control) {
        // Empty, or only whitespace/control characters.
        Err(ErrorCode::EmptyQuestion)
    } else if q.chars().count() > jeju_api::MAX_QUESTION_CHARS {
        Err(ErrorCode::QuestionTooLong)
    } else {
        Ok(q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(name: &str, status: StageStatus, ms: Option<f64>, fallback: bool) -> StageEvent {
        StageEvent {
            stage: Stage::parse(name).expect("a stage name"),
            status,
            ms,
            fallback: fallback.then(|| "no llm".to_owned()),
        }
    }

    fn statuses(live: &Live) -> Vec<StepStatus> {
        live.steps.iter().map(|s| s.status).collect()
    }

    #[test]
    fn stages_map_onto_four_steps() {
        use StageStatus::*;
        use StepStatus::*;
        let mut live = Live::default();
        assert_eq!(statuses(&live), [Pending; 4]);
        live.on_stage(&stage("route", Started, None, false));
        assert_eq!(statuses(&live), [Active, Pending, Pending, Pending]);
        live.on_stage(&stage("route", Finished, Some(3.0), true));
        assert_eq!(statuses(&live), [Done, Pending, Pending, Pending]);
        assert!(live.steps[0].fallback);
        live.on_stage(&stage("text2cypher", Started, None, false));
        live.on_stage(&stage("text2cypher", Finished, Some(40.0), false));
        live.on_stage(&stage("review_search", Started, None, false));
        live.on_stage(&stage("review_search", Finished, Some(10.0), false));
        // Backfill may follow: the step stays active until it or a later step runs.
        assert_eq!(statuses(&live), [Done, Done, Active, Pending]);
        live.on_stage(&stage("backfill", Started, None, false));
        live.on_stage(&stage("backfill", Finished, Some(5.0), false));
        assert_eq!(statuses(&live), [Done, Done, Done, Pending]);
        assert_eq!(live.steps[2].ms, 15.0);
        live.on_stage(&stage("select", Started, None, false));
        live.on_stage(&stage("select", Finished, Some(1.0), false));
        live.on_stage(&stage("answer", Started, None, false));
        assert_eq!(statuses(&live), [Done, Done, Done, Active]);
        live.on_stage(&stage("answer", Finished, Some(2.0), false));
        assert_eq!(statuses(&live), [Done; 4]);
        assert_eq!(live.steps[3].ms, 3.0);
        assert!(!live.steps[3].fallback);
    }

    #[test]
    fn a_skipped_stage_is_done_when_a_later_one_starts() {
        use StageStatus::*;
        let mut live = Live::default();
        live.on_stage(&stage("review_search", Finished, Some(1.0), false));
        live.on_stage(&stage("select", Started, None, false));
        assert_eq!(live.steps[2].status, StepStatus::Done);
        assert_eq!(live.steps[0].status, StepStatus::Done);
        // An unknown stage name never reaches the live state: the event does not parse, and
        // the stream handler only logs a stage event it cannot read.
        let mystery = r#"{"stage":"mystery","status":"started","ms":null,"fallback":null}"#;
        assert!(jeju_api::StreamEvent::from_sse("stage", mystery).is_err());
        assert_eq!(live.steps[3].status, StepStatus::Active);
    }

    #[test]
    fn client_validation_follows_the_server_rules() {
        assert_eq!(validate("  \n\t "), Err(ErrorCode::EmptyQuestion));
        assert_eq!(validate(""), Err(ErrorCode::EmptyQuestion));
        assert_eq!(validate(" 애월 흑돼지 "), Ok("애월 흑돼지"));
        let max = "가".repeat(jeju_api::MAX_QUESTION_CHARS);
        assert_eq!(validate(&max), Ok(max.as_str()));
        let over = "가".repeat(jeju_api::MAX_QUESTION_CHARS + 1);
        assert_eq!(validate(&over), Err(ErrorCode::QuestionTooLong));
    }
}
