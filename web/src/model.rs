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
    /// A configured part of this step failed and its deterministic path answered (not a
    /// part that is not set up, such as no LLM).
    pub failed: bool,
}

/// Where a card shown during a turn stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardState {
    /// The rules' card, shown at once; the AI model is still judging.
    Preliminary,
    /// The AI model picked the same place for this rank.
    Confirmed,
    /// The AI model picked another place for this rank: the new card takes the old one's
    /// slot (no layout jump) and fades in.
    Replaced,
    /// A pick with no preliminary card before it (no AI model in this turn).
    Picked,
    /// A preliminary card whose place the AI model picked at another rank: dimmed until its
    /// own slot's pick arrives (the place is not shown twice as a live pick).
    Moved,
}

impl CardState {
    /// The card's class and `data-state`.
    pub fn class(self) -> &'static str {
        match self {
            CardState::Preliminary => "preliminary",
            CardState::Confirmed => "confirmed",
            CardState::Replaced => "replaced",
            CardState::Picked => "picked",
            CardState::Moved => "moved",
        }
    }
}

/// A card shown while its turn runs.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveCard {
    pub pick: PickCard,
    pub state: CardState,
}

/// A turn that is still running: the progress row and the cards streamed so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Live {
    pub steps: [Step; STEPS],
    /// Cards by rank: preliminary ones and picks (replaced by the answer's when it comes).
    pub picks: Vec<LiveCard>,
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
                step.failed |= event.failed;
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
                failed: false,
            });
        }
        let (rank, id) = (pick.rank, pick.id.clone());
        match self.picks.iter_mut().find(|c| c.pick.rank == rank) {
            Some(slot) => {
                slot.state = match slot.state {
                    CardState::Preliminary if slot.pick.id == pick.id => CardState::Confirmed,
                    CardState::Preliminary | CardState::Moved | CardState::Replaced => {
                        CardState::Replaced
                    }
                    CardState::Confirmed | CardState::Picked => CardState::Picked,
                };
                slot.pick = pick;
            }
            None => self.insert(pick, CardState::Picked),
        }
        for other in &mut self.picks {
            if other.state == CardState::Preliminary
                && other.pick.rank != rank
                && other.pick.id == id
            {
                other.state = CardState::Moved;
            }
        }
    }

    /// The rules' cards, before the AI model's picks: each fills its rank's slot unless a
    /// pick already holds it.
    pub fn on_preliminary(&mut self, picks: Vec<PickCard>) {
        for pick in picks {
            if !self.picks.iter().any(|c| c.pick.rank == pick.rank) {
                self.insert(pick, CardState::Preliminary);
            }
        }
    }

    fn insert(&mut self, pick: PickCard, state: CardState) {
        self.picks.push(LiveCard { pick, state });
        self.picks.sort_by_key(|c| c.pick.rank);
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

/// A card with only a rank and an id that matter (for the page's tests).
#[cfg(test)]
pub(crate) fn test_card(rank: u32, id: &str) -> PickCard {
    PickCard {
        rank,
        id: id.into(),
        name: format!("store {id}"),
        store_type: "국수".into(),
        store_type_label: "국수".into(),
        city: None,
        region: None,
        place_label: None,
        address: String::new(),
        lat: None,
        lng: None,
        map: jeju_api::MapLinks {
            kakao: String::new(),
            naver: String::new(),
            google: String::new(),
        },
        price_range: None,
        price_per_person: None,
        rating: None,
        review_count: 0,
        menu: vec![],
        quotes: vec![],
        visitor_facts: vec![],
        facts: vec![],
        reason: String::new(),
        backfilled: false,
        unmet: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage event; `failed`: a configured part failed (the LLM did not answer).
    fn stage(name: &str, status: StageStatus, ms: Option<f64>, failed: bool) -> StageEvent {
        StageEvent {
            stage: Stage::parse(name).expect("a stage name"),
            status,
            ms,
            fallback: failed.then(|| "llm_failed".to_owned()),
            failed,
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
        assert!(live.steps[0].failed);
        live.on_stage(&stage("text2cypher", Started, None, false));
        // A part that is not set up (no LLM) is how the service runs, not a failure.
        live.on_stage(&StageEvent {
            fallback: Some("no_llm".to_owned()),
            ..stage("text2cypher", Finished, Some(40.0), false)
        });
        assert!(!live.steps[1].failed);
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
        assert!(!live.steps[3].failed);
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

    fn shown(live: &Live) -> Vec<(u32, &str, CardState)> {
        live.picks
            .iter()
            .map(|c| (c.pick.rank, c.pick.id.as_str(), c.state))
            .collect()
    }

    use crate::model::test_card as card;

    #[test]
    fn the_models_picks_confirm_or_replace_the_preliminary_cards_in_place() {
        use CardState::*;
        let mut live = Live::default();
        live.on_preliminary(vec![card(1, "A"), card(2, "B"), card(3, "C")]);
        assert_eq!(
            shown(&live),
            [
                (1, "A", Preliminary),
                (2, "B", Preliminary),
                (3, "C", Preliminary)
            ]
        );
        live.on_pick(card(1, "B"));
        live.on_pick(card(2, "A"));
        assert_eq!(
            shown(&live),
            [
                (1, "B", Replaced),
                (2, "A", Replaced),
                (3, "C", Preliminary)
            ]
        );
        live.on_pick(card(3, "C"));
        assert_eq!(shown(&live)[2], (3, "C", Confirmed));
        // Without an AI model there is no preliminary card: picks are just picks.
        let mut plain = Live::default();
        plain.on_pick(card(2, "B"));
        plain.on_pick(card(1, "A"));
        assert_eq!(shown(&plain), [(1, "A", Picked), (2, "B", Picked)]);
        // A late preliminary card never covers a pick.
        plain.on_preliminary(vec![card(1, "X"), card(3, "Z")]);
        assert_eq!(
            shown(&plain),
            [(1, "A", Picked), (2, "B", Picked), (3, "Z", Preliminary)]
        );
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
