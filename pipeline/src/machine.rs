//! The pipeline and the driver of one turn: the stages of `stages/` in order, each one's
//! typed output the next one's input, each one's report recorded in the [`Trace`].
//!
//! ```text
//! route ─► text2cypher ─┬─ search ──────────────────────────────────► answer
//!                       └─ candidates ─► review_search ─► backfill ─► select ─► answer
//! ```

use std::sync::Arc;

use jeju_api::Stage;
use serde::Serialize;
use tracing::Instrument;

use crate::answer::{Answer, AnswerBody};
use crate::error::PipelineError;
use crate::intent::{Intent, Route};
use crate::ports::{ChatModel, GraphPort, ReviewIndex};
use crate::prompts::Prompts;
use crate::recommend::Pick;
use crate::review_slot::ReviewOpener;
use crate::session::{PickRef, Session};
use crate::stages::text2cypher::Retrieved;
use crate::stages::{self, Parts};
use crate::turn::{LlmGate, Observer, TraceBuilder, TurnEvent};
use crate::understand::Understanding;

/// Longest question accepted, in characters: the HTTP API's limit, for every caller.
pub use jeju_api::MAX_QUESTION_CHARS;

/// How long [`Pipeline::health`] waits for each part.
pub const HEALTH_PROBE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Which parts of the pipeline answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PartsHealth {
    pub graph: bool,
    /// `None` when no LLM is configured.
    pub llm: Option<bool>,
    pub review_search: bool,
}

/// The pipeline with its connections.
pub struct Pipeline {
    parts: Parts,
}

fn ignore_events(_: TurnEvent<'_>) {}

impl Pipeline {
    /// A pipeline over `graph` (the real [`jeju_graph::GraphClient`], or a fake in tests).
    pub fn new(graph: impl GraphPort + 'static) -> Result<Pipeline, PipelineError> {
        Ok(Pipeline {
            parts: Parts::new(Arc::new(graph), Prompts::load()?),
        })
    }

    /// Breaks the pipeline on purpose, for the evaluation's negative controls
    /// ([`crate::ablation`]).
    pub fn with_ablation(mut self, ablation: crate::ablation::Ablation) -> Pipeline {
        self.parts.ablation = Some(ablation);
        self
    }

    /// Uses HyDE review search to re-rank the candidates.
    pub fn with_reviews(self, reviews: Arc<dyn ReviewIndex>) -> Pipeline {
        self.parts.reviews.state().open = Some(reviews);
        self
    }

    /// Opens the review search with `opener` when it is not open: at once (in the
    /// background), then at most once per `retry` from the turns that find it missing. A
    /// review index built or an embedding model installed while the server runs is then
    /// used without a restart; until then turns rank by graph signals, and the trace says
    /// why.
    pub fn with_review_opener(
        mut self,
        opener: ReviewOpener,
        retry: std::time::Duration,
    ) -> Pipeline {
        self.parts.reviews.opener = Some((opener, retry));
        let _ = self.parts.reviews.get();
        self
    }

    /// Uses an LLM for the route, text2cypher and select stages; each still falls back to
    /// its deterministic version when the LLM fails.
    pub fn with_llm(mut self, llm: impl ChatModel + 'static) -> Pipeline {
        self.parts.llm = Some(Arc::new(llm));
        self
    }

    /// What the LLM select writes for each pick (default: the numbers of the facts that
    /// show why it fits, from which the reason is rendered).
    pub fn with_select_style(mut self, style: crate::llm_select::SelectStyle) -> Pipeline {
        self.parts.select_style = style;
        self
    }

    /// Whether the review search is open now.
    pub fn has_review_search(&self) -> bool {
        self.parts.reviews.is_open()
    }

    /// Opens the review search now through the opener of [`Pipeline::with_review_opener`]
    /// (a server that just finished building the index calls it, instead of waiting for the
    /// next retry). `Ok(true)` when it opened; `Ok(false)` when it was open already or there is
    /// no opener; `Err` says what is still missing.
    pub async fn open_review_search_now(&self) -> Result<bool, String> {
        self.parts.reviews.open_now().await
    }

    /// Whether an LLM is configured.
    pub fn has_llm(&self) -> bool {
        self.parts.llm.is_some()
    }

    /// `answer` told in `lang`, from the data it carries (no graph or LLM call):
    /// [`crate::relang`].
    pub fn answer_in(
        &self,
        answer: &Answer,
        lang: crate::intent::Lang,
    ) -> Result<Answer, PipelineError> {
        crate::relang::answer_in(&self.parts.prompts, answer, lang)
    }

    /// The prompt and answer templates.
    pub fn prompts(&self) -> &Prompts {
        &self.parts.prompts
    }

    /// Whether each part answers now (each probe waits at most [`HEALTH_PROBE_TIMEOUT`]).
    pub async fn health(&self) -> PartsHealth {
        let one = jeju_graph::Statement::text("RETURN 1 AS one");
        let graph = tokio::time::timeout(HEALTH_PROBE_TIMEOUT, self.parts.graph().records(&one))
            .await
            .is_ok_and(|r| {
                r.is_ok_and(|rows| rows.first().and_then(|r| r.get::<i64>("one").ok()) == Some(1))
            });
        let llm = match &self.parts.llm {
            None => None,
            Some(llm) => Some(
                tokio::time::timeout(HEALTH_PROBE_TIMEOUT, llm.health())
                    .await
                    .is_ok_and(|r| r.is_ok()),
            ),
        };
        PartsHealth {
            graph,
            llm,
            review_search: self.parts.reviews.is_open(),
        }
    }

    /// Answers one question with no conversation before it.
    pub async fn ask(&self, question: &str) -> Result<Answer, PipelineError> {
        self.ask_in(&mut Session::default(), question).await
    }

    /// Answers one question of a conversation: a follow-up revises the session's last
    /// recommendation, and this turn's picks are remembered.
    pub async fn ask_in(
        &self,
        session: &mut Session,
        question: &str,
    ) -> Result<Answer, PipelineError> {
        self.ask_observed(session, question, &ignore_events).await
    }

    /// [`Pipeline::ask_in`], reporting stages and picks to `observer` as they happen.
    pub async fn ask_observed(
        &self,
        session: &mut Session,
        question: &str,
        observer: Observer<'_>,
    ) -> Result<Answer, PipelineError> {
        let answer = self.turn(session, question, observer).await?;
        let picks = match &answer.body {
            AnswerBody::Recommend { picks } => picks.iter().map(pick_ref).collect(),
            AnswerBody::Search { .. } => Vec::new(),
            // A declined question leaves the conversation as it was: a follow-up after it
            // still refers to the answer before.
            AnswerBody::Declined { .. } => return Ok(answer),
        };
        session.remember(&answer.intent, picks);
        if answer.intent.route == Route::Recommend {
            session.last_request = Some(answer.request.clone());
        }
        Ok(answer)
    }

    /// One turn. With an LLM, the rules' answer comes first: its picks go to the observer as
    /// [`TurnEvent::Preliminary`] before any LLM call (milliseconds), then the stages run
    /// again with the LLM, whose picks confirm or replace them.
    async fn turn(
        &self,
        session: &Session,
        question: &str,
        observer: Observer<'_>,
    ) -> Result<Answer, PipelineError> {
        let question = checked_question(question)?;
        if self.parts.llm.is_some() {
            self.preliminary(session, question, observer).await;
        }
        self.stages(
            session,
            question,
            observer,
            LlmGate::new(self.parts.llm.as_deref()),
        )
        .await
    }

    /// The rules' picks for `question`, reported as preliminary; nothing when the rules'
    /// turn fails or recommends nothing (the LLM turn then answers alone).
    async fn preliminary(&self, session: &Session, question: &str, observer: Observer<'_>) {
        let rules = self
            .stages(session, question, &ignore_events, LlmGate::new(None))
            .instrument(tracing::info_span!("preliminary"))
            .await;
        match rules {
            Ok(Answer {
                body: AnswerBody::Recommend { picks },
                ..
            }) if !picks.is_empty() => observer(TurnEvent::Preliminary { picks: &picks }),
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "no preliminary picks"),
        }
    }

    /// The stages in order.
    async fn stages(
        &self,
        session: &Session,
        question: &str,
        observer: Observer<'_>,
        mut gate: LlmGate<'_>,
    ) -> Result<Answer, PipelineError> {
        let parts = &self.parts;
        let mut trace = TraceBuilder::new(observer);

        trace.start(Stage::Route);
        let (routed, report) = stages::route::run(parts, &mut gate, session, question)
            .instrument(tracing::info_span!("route"))
            .await;
        trace.finish(report);
        let intent = routed.intent;
        if let Some(decline) = routed.decline {
            let body = AnswerBody::Declined {
                reason: decline.reason,
                word: decline.word,
                topic: decline.topic,
            };
            return self.answered(
                routed.request,
                intent,
                routed.understanding,
                body,
                &gate,
                trace,
            );
        }

        trace.start(Stage::Text2Cypher);
        let (retrieved, report) = stages::text2cypher::run(
            parts,
            &mut gate,
            &intent,
            question,
            routed.fresh,
            routed.understanding.has_unexplained(),
        )
        .instrument(tracing::info_span!("text2cypher"))
        .await?;
        trace.finish(report);

        let body = match retrieved {
            Retrieved::Search(body) => body,
            Retrieved::Candidates(candidates) => {
                trace.start(Stage::ReviewSearch);
                let (candidates, report) = stages::review_search::run(
                    parts,
                    &intent.hyde,
                    routed.hyde_embedding,
                    candidates,
                )
                .instrument(tracing::info_span!("review_search"))
                .await;
                trace.finish(report);

                trace.start(Stage::Backfill);
                let (shortlist, report) =
                    stages::backfill::run(parts, &intent, routed.asked_price, candidates)
                        .instrument(tracing::info_span!("backfill"))
                        .await?;
                trace.set_candidates(shortlist.candidate_ids, shortlist.traced);
                trace.finish(report);

                trace.start(Stage::Select);
                let (picks, report) = stages::select::run(
                    parts,
                    &mut gate,
                    trace.observer(),
                    &routed.request,
                    &intent,
                    routed.understanding.asks_mood(),
                    shortlist.cards,
                )
                .instrument(tracing::info_span!("select"))
                .await?;
                trace.finish(report);
                AnswerBody::Recommend { picks }
            }
        };

        self.answered(
            routed.request,
            intent,
            routed.understanding,
            body,
            &gate,
            trace,
        )
    }

    /// The answer stage and the turn's result.
    fn answered(
        &self,
        request: String,
        intent: Intent,
        understanding: Understanding,
        body: AnswerBody,
        gate: &LlmGate<'_>,
        mut trace: TraceBuilder<'_>,
    ) -> Result<Answer, PipelineError> {
        trace.start(Stage::Answer);
        let (written, report) = {
            let _span = tracing::info_span!("answer").entered();
            stages::answer::run(
                &self.parts.prompts,
                &intent,
                &body,
                &understanding.unmatched,
                gate.went_down(),
            )?
        };
        trace.finish(report);
        Ok(Answer {
            request,
            intent,
            understanding,
            body,
            text: written.text,
            notice: written.notice,
            sentence: written.sentence,
            trace: trace.into_trace(),
        })
    }
}

/// The question trimmed, or why it cannot be asked.
fn checked_question(question: &str) -> Result<&str, PipelineError> {
    let question = question.trim();
    if question.is_empty() {
        return Err(PipelineError::EmptyQuestion);
    }
    let chars = question.chars().count();
    if chars > MAX_QUESTION_CHARS {
        return Err(PipelineError::QuestionTooLong(chars, MAX_QUESTION_CHARS));
    }
    Ok(question)
}

/// What a later turn may refer to in a pick.
fn pick_ref(p: &Pick) -> PickRef {
    PickRef {
        id: p.card.id.clone(),
        name: p.card.name.clone(),
        lat: p.card.lat,
        lng: p.card.lng,
        price_per_person: p.card.price_per_person,
    }
}

/// The UI serves turns from a multi-threaded runtime: a turn's future must be `Send`.
#[allow(dead_code)]
fn turn_future_is_send(pipeline: &Pipeline, session: &mut Session) {
    fn send<T: Send>(_: &T) {}
    send(&pipeline.ask_in(session, "x"));
}
