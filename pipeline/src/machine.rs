//! The typed state machine of one turn: each stage consumes its state and returns the next,
//! and records what it did in the [`Trace`].

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use tracing::Instrument;

use jeju_graph::GraphClient;
use jeju_review_search::{QueryEmbedding, ReviewSearch};
use serde::Serialize;

use crate::compose::{self, ComposedQuery};
use crate::error::PipelineError;
use crate::intent::{Intent, Lang, Measure, Route};
use crate::prompts::Prompts;
use crate::recommend::{self, Candidate, Card, Pick};
use crate::schema::GraphSchema;
use crate::session::{self, PickRef, Revision, Session};
use crate::trace::{LlmUsage, QuerySource, StageTrace, Trace, TracedQuery};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2_000;
/// Candidates handed to the select stage.
pub const MAX_CANDIDATES: usize = 6;
/// Rows the candidate query may return.
pub const CANDIDATE_LIMIT: u32 = 500;

/// A row of a search answer.
#[derive(Debug, Clone, Serialize)]
pub struct SearchRow {
    pub id: String,
    pub name: String,
    pub value: f64,
}

/// The structured result of a turn.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AnswerBody {
    Search {
        rows: Vec<SearchRow>,
        count: Option<i64>,
    },
    Recommend {
        picks: Vec<Pick>,
    },
}

/// A turn's answer: intent, structured body, rendered text and trace.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// What the turn answered: the question, or for a follow-up the earlier request with the
    /// follow-up appended ("애월 흑돼지 추천 → 더 저렴한 곳은?").
    pub request: String,
    pub intent: Intent,
    pub body: AnswerBody,
    pub text: String,
    /// Shown above the answer when a part did not work and a fallback answered (e.g. the LLM
    /// did not respond); `None` when every configured part worked.
    pub notice: Option<String>,
    pub trace: Trace,
}

impl AnswerBody {
    /// How many answers a search body holds: its rows, or one for a count; 0 for picks.
    fn answered(&self) -> usize {
        match self {
            AnswerBody::Search { rows, count } => rows.len().max(usize::from(count.is_some())),
            AnswerBody::Recommend { .. } => 0,
        }
    }

    /// Keeps the first `top` search rows; returns how many were cut.
    fn keep_top(&mut self, top: usize) -> usize {
        match self {
            AnswerBody::Search { rows, .. } if rows.len() > top => {
                let cut = rows.len() - top;
                rows.truncate(top);
                cut
            }
            _ => 0,
        }
    }
}

impl Answer {
    /// The store ids the answer names (picks or search rows), in order.
    pub fn ids(&self) -> Vec<String> {
        match &self.body {
            AnswerBody::Search { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
            AnswerBody::Recommend { picks } => picks.iter().map(|p| p.card.id.clone()).collect(),
        }
    }
}

/// What a turn reports while it runs, for progress displays and streaming.
#[derive(Debug, Clone, Copy)]
pub enum TurnEvent<'a> {
    /// A stage begins (`route`, `text2cypher`, `review_search`, `backfill`, `select`,
    /// `answer`).
    StageStarted(&'static str),
    /// A stage ended, with its record.
    StageFinished(&'a StageTrace),
    /// A recommendation is known: with the LLM, as soon as the model has written it.
    Pick { index: usize, pick: &'a Pick },
}

/// A receiver of [`TurnEvent`]s.
pub type Observer<'o> = &'o (dyn Fn(TurnEvent<'_>) + Send + Sync);

/// The stages of a turn, in order (the names in [`StageTrace::stage`]).
pub const STAGES: [&str; 6] = [
    "route",
    "text2cypher",
    "review_search",
    "backfill",
    "select",
    "answer",
];

/// The states of a turn.
enum State {
    Route,
    Text2Cypher(Intent),
    ReviewSearch(Intent, Vec<Candidate>),
    Backfill(Intent, Vec<Candidate>),
    Select(Intent, Vec<Card>),
    Answer(Intent, AnswerBody),
    Done(Answer),
}

impl State {
    fn stage(&self) -> Option<&'static str> {
        Some(match self {
            State::Route => "route",
            State::Text2Cypher(..) => "text2cypher",
            State::ReviewSearch(..) => "review_search",
            State::Backfill(..) => "backfill",
            State::Select(..) => "select",
            State::Answer(..) => "answer",
            State::Done(..) => return None,
        })
    }
}

/// What the stages of one turn share.
struct TurnCtx<'o> {
    question: String,
    /// The question, or for a follow-up the earlier request → this question (what the select
    /// prompt shows as the user's request).
    request: String,
    /// A new question (not a follow-up revised by the session).
    fresh: bool,
    trace: Trace,
    observer: Observer<'o>,
    /// Set when an LLM call found the server unavailable: the rest of the turn skips the LLM
    /// instead of waiting for it again.
    llm_down: Option<String>,
    /// The HyDE text's embedding, started when the route is known so that it overlaps the
    /// graph query (review search then only waits for what is left of it).
    hyde_embedding: Option<QueryEmbedding>,
}

impl TurnCtx<'_> {
    fn finish(
        &mut self,
        stage: &'static str,
        started: Instant,
        detail: String,
        fallback: Option<String>,
        llm: Option<LlmUsage>,
    ) {
        self.trace.record(stage, started, detail, fallback, llm);
        if let Some(last) = self.trace.stages.last() {
            (self.observer)(TurnEvent::StageFinished(last));
        }
    }

    /// The LLM to use for this stage, or why there is none.
    fn llm<'p>(
        &self,
        llm: &'p Option<jeju_llm::LlmClient>,
    ) -> Result<&'p jeju_llm::LlmClient, String> {
        match (llm, &self.llm_down) {
            (None, _) => Err("no LLM configured".to_owned()),
            (Some(_), Some(why)) => Err(format!("LLM unavailable earlier in this turn ({why})")),
            (Some(l), None) => Ok(l),
        }
    }

    fn note_llm_error(&mut self, e: &jeju_llm::LlmError) {
        if e.is_unavailable() {
            self.llm_down = Some(e.to_string());
        }
    }
}

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
    graph: GraphClient,
    prompts: Prompts,
    /// The LLM of the route, text2cypher and select stages (`with_llm`); `None` = fallbacks.
    llm: Option<jeju_llm::LlmClient>,
    /// FastRP vectors of every store, loaded from the graph on first use.
    store_vectors: tokio::sync::OnceCell<BTreeMap<String, Vec<f32>>>,
    /// The graph's schema, introspected on first use (for the text2cypher prompt).
    schema: tokio::sync::OnceCell<GraphSchema>,
    /// HyDE review search (`with_reviews`, or opened later by `with_review_opener`); empty =
    /// rank by graph signals only.
    reviews: ReviewSlot,
}

/// Opens the review search: its index and its embedding model. `Err` says what is missing.
pub type ReviewOpener = Arc<
    dyn Fn() -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<ReviewSearch, String>> + Send>,
        > + Send
        + Sync,
>;

/// The review search, if open, and how to open it when it is not: a part missing at start
/// (the index not built yet, the embedding model not installed) comes back without a restart.
#[derive(Default)]
struct ReviewSlot {
    shared: Arc<std::sync::Mutex<ReviewState>>,
    opener: Option<(ReviewOpener, std::time::Duration)>,
}

#[derive(Default)]
struct ReviewState {
    open: Option<Arc<ReviewSearch>>,
    /// When the opener last started, whether it is running, and why it last failed.
    tried_at: Option<Instant>,
    running: bool,
    error: Option<String>,
}

impl ReviewSlot {
    fn state(&self) -> std::sync::MutexGuard<'_, ReviewState> {
        // A panic while holding this lock cannot leave the state half-written (each field
        // is set on its own), so a poisoned lock is still usable.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_open(&self) -> bool {
        self.state().open.is_some()
    }

    /// The open review search. When there is none, starts the opener in the background (at
    /// most once per retry interval; the turn does not wait) so that a later turn has it.
    fn get(&self) -> Option<Arc<ReviewSearch>> {
        let mut state = self.state();
        if let Some(open) = &state.open {
            return Some(open.clone());
        }
        let (opener, every) = self.opener.as_ref()?;
        let due = state.tried_at.is_none_or(|t| t.elapsed() >= *every);
        if state.running || !due || tokio::runtime::Handle::try_current().is_err() {
            return None;
        }
        state.running = true;
        state.tried_at = Some(Instant::now());
        let shared = self.shared.clone();
        let opening = opener();
        tokio::spawn(async move {
            let outcome = opening.await;
            let mut state = shared.lock().unwrap_or_else(|e| e.into_inner());
            state.running = false;
            match outcome {
                Ok(search) => {
                    tracing::info!("review search opened");
                    state.open = Some(Arc::new(search));
                    state.error = None;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "review search still not available");
                    state.error = Some(e);
                }
            }
        });
        None
    }

    /// Why the review search is not open, for the trace.
    fn missing_reason(&self) -> String {
        match &self.state().error {
            Some(e) => format!("review search not available ({e}): ranking by graph signals only"),
            None => "review vector index not available: ranking by graph signals only".into(),
        }
    }
}

/// Stores the review search returns (the candidates it re-ranks).
pub const REVIEW_SEARCH_STORES: usize = 24;
/// Weight of the review match in a candidate's score (the best match adds this much; graph
/// signals add up to about 2.5): a tie-breaker. On the eval sets, whose soft asks are graph
/// signals (companion, age, busy time), more weight only lowered precision@3 (no-LLM, full
/// data: 0.747 without review search, 0.737 at 0.15, 0.707 at 0.3, 0.697 at 0.6).
const REVIEW_WEIGHT: f64 = 0.15;

/// A graph-backfill neighbour must be at least this similar (cosine) to the candidates:
/// below it, FastRP vectors are noise (stores without visit keywords).
pub const MIN_BACKFILL_SIMILARITY: f32 = 0.6;

fn ignore_events(_: TurnEvent<'_>) {}

impl Pipeline {
    pub fn new(graph: GraphClient) -> Result<Pipeline, PipelineError> {
        Ok(Pipeline {
            graph,
            prompts: Prompts::load()?,
            llm: None,
            store_vectors: tokio::sync::OnceCell::new(),
            schema: tokio::sync::OnceCell::new(),
            reviews: ReviewSlot::default(),
        })
    }

    /// Uses HyDE review search to re-rank the candidates.
    pub fn with_reviews(self, reviews: Arc<ReviewSearch>) -> Pipeline {
        self.reviews.state().open = Some(reviews);
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
        self.reviews.opener = Some((opener, retry));
        let _ = self.reviews.get();
        self
    }

    /// Uses an LLM for the route, text2cypher and select stages; each still falls back to
    /// its deterministic version when the LLM fails.
    pub fn with_llm(mut self, llm: jeju_llm::LlmClient) -> Pipeline {
        self.llm = Some(llm);
        self
    }

    /// Whether the review search is open now.
    pub fn has_review_search(&self) -> bool {
        self.reviews.is_open()
    }

    /// Whether an LLM is configured.
    pub fn has_llm(&self) -> bool {
        self.llm.is_some()
    }

    /// Whether each part answers now (each probe waits at most [`HEALTH_PROBE_TIMEOUT`]).
    pub async fn health(&self) -> PartsHealth {
        let graph = tokio::time::timeout(
            HEALTH_PROBE_TIMEOUT,
            self.graph.scalar_i64("RETURN 1 AS one", "one"),
        )
        .await
        .is_ok_and(|r| r.is_ok_and(|one| one == 1));
        let llm = match &self.llm {
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
            review_search: self.reviews.is_open(),
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
            AnswerBody::Recommend { picks } => picks
                .iter()
                .map(|p| PickRef {
                    id: p.card.id.clone(),
                    name: p.card.name.clone(),
                    lat: p.card.lat,
                    lng: p.card.lng,
                    price_per_person: p.card.price_per_person,
                })
                .collect(),
            AnswerBody::Search { .. } => Vec::new(),
        };
        session.remember(&answer.intent, picks);
        if answer.intent.route == Route::Recommend {
            session.last_request = Some(answer.request.clone());
        }
        Ok(answer)
    }

    /// One pick as the answer shows it (`1. name (type, region)`, the reason, a quote).
    pub fn pick_text(&self, index: usize, pick: &Pick) -> Result<String, PipelineError> {
        let mut ctx = tera::Context::new();
        ctx.insert("index", &(index + 1));
        ctx.insert("name", &pick.card.name);
        ctx.insert("store_type", &pick.card.store_type);
        ctx.insert("region", &pick.card.region.clone().unwrap_or_default());
        ctx.insert("reason", &pick.reason);
        ctx.insert(
            "quote",
            &pick.card.quotes.first().cloned().unwrap_or_default(),
        );
        self.prompts.render("pick", &ctx)
    }

    async fn turn(
        &self,
        session: &Session,
        question: &str,
        observer: Observer<'_>,
    ) -> Result<Answer, PipelineError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(PipelineError::EmptyQuestion);
        }
        let chars = question.chars().count();
        if chars > MAX_QUESTION_CHARS {
            return Err(PipelineError::QuestionTooLong(chars, MAX_QUESTION_CHARS));
        }
        let mut turn = TurnCtx {
            question: question.to_owned(),
            request: question.to_owned(),
            fresh: true,
            trace: Trace::default(),
            observer,
            llm_down: None,
            hyde_embedding: None,
        };
        let mut state = State::Route;
        loop {
            if let Some(stage) = state.stage() {
                observer(TurnEvent::StageStarted(stage));
            }
            state = match state {
                State::Route => {
                    self.route(session, &mut turn)
                        .instrument(tracing::info_span!("route"))
                        .await
                }
                State::Text2Cypher(intent) => {
                    self.text2cypher(&mut turn, intent)
                        .instrument(tracing::info_span!("text2cypher"))
                        .await?
                }
                State::ReviewSearch(intent, cands) => {
                    self.review_search(&mut turn, intent, cands)
                        .instrument(tracing::info_span!("review_search"))
                        .await
                }
                State::Backfill(intent, cands) => {
                    self.backfill(&mut turn, intent, cands)
                        .instrument(tracing::info_span!("backfill"))
                        .await?
                }
                State::Select(intent, cards) => {
                    self.select(&mut turn, intent, cards)
                        .instrument(tracing::info_span!("select"))
                        .await
                }
                State::Answer(intent, body) => {
                    let _span = tracing::info_span!("answer").entered();
                    self.answer(&mut turn, intent, body)?
                }
                State::Done(answer) => return Ok(answer),
            };
        }
    }

    async fn route(&self, session: &Session, turn: &mut TurnCtx<'_>) -> State {
        let started = Instant::now();
        let (intent, revision) = session::resolve(session, &turn.question);
        turn.fresh = matches!(revision, Revision::Fresh);
        if let (false, Some(earlier)) = (turn.fresh, &session.last_request) {
            turn.request = format!("{earlier} → {}", turn.question);
        }
        let mut usage = LlmUsage::default();
        let (intent, fallback, note) = match (turn.llm(&self.llm), &revision) {
            (Ok(llm), Revision::Fresh) => {
                match crate::llm_route::route_with_llm(
                    llm,
                    &self.prompts,
                    &turn.question,
                    intent.clone(),
                    &mut usage,
                )
                .await
                {
                    Ok((merged, notes)) if notes.is_empty() => (merged, None, String::new()),
                    Ok((merged, notes)) => (merged, None, format!(" [{}]", notes.join("; "))),
                    Err(e) => {
                        turn.note_llm_error(&e);
                        (
                            intent,
                            Some(format!("LLM failed ({e}): gazetteer parser")),
                            String::new(),
                        )
                    }
                }
            }
            (Ok(_), Revision::FollowUp(_)) => (
                intent,
                None,
                " [follow-up: revised by the session]".to_owned(),
            ),
            (Err(why), _) => (
                intent,
                Some(format!("{why}: gazetteer parser")),
                String::new(),
            ),
        };
        let detail = match &revision {
            Revision::Fresh => serde_json::to_string(&intent).unwrap_or_default(),
            Revision::FollowUp(changes) => format!(
                "follow-up ({}): {}",
                changes.join(", "),
                serde_json::to_string(&intent).unwrap_or_default()
            ),
        };
        turn.finish(
            "route",
            started,
            format!("{detail}{note}"),
            fallback,
            Some(usage),
        );
        let mut intent = intent;
        if let Some(lang) = session.language {
            intent.lang = lang;
        }
        if intent.route == Route::Recommend {
            if let Some(reviews) = self.reviews.get() {
                turn.hyde_embedding = Some(reviews.embed_in_background(&intent.hyde));
            }
        }
        State::Text2Cypher(intent)
    }

    async fn schema(&self) -> Result<&GraphSchema, PipelineError> {
        self.schema
            .get_or_try_init(|| GraphSchema::introspect(&self.graph))
            .await
    }

    async fn text2cypher(
        &self,
        turn: &mut TurnCtx<'_>,
        intent: Intent,
    ) -> Result<State, PipelineError> {
        let started = Instant::now();
        let mut usage = LlmUsage::default();
        let fallback = match (turn.llm(&self.llm), turn.fresh) {
            (Ok(llm), true) => {
                let schema = self.schema().await?.render_for(&intent, &turn.question);
                let generated = crate::llm_cypher::generate(
                    llm,
                    &self.prompts,
                    &self.graph,
                    &schema,
                    &intent,
                    &turn.question,
                    &mut usage,
                )
                .await;
                match generated {
                    Ok(g) => {
                        let repaired = g
                            .repaired
                            .as_ref()
                            .map(|p| format!(" (repaired after: {p})"))
                            .unwrap_or_default();
                        turn.trace.cypher.push(TracedQuery {
                            source: QuerySource::Llm,
                            query: ComposedQuery {
                                cypher: g.checked.cypher.clone(),
                                params: Vec::new(),
                            },
                        });
                        if intent.route == Route::Search {
                            // Only rows with an id, a name and a value answer: `ORDER BY value
                            // DESC` without `IS NOT NULL` puts stores without the value first.
                            let mut body = search_body(&intent, &g.rows);
                            let found = body.answered();
                            let unusable = g.rows.len().saturating_sub(found);
                            // Fewer answers than asked (none, `LIMIT 1` for "3 bakeries", or a
                            // null value first): the composed query answers when it finds more.
                            let wanted =
                                intent.goal.as_ref().map_or(1, |g| (g.top as usize).max(1));
                            if found < wanted {
                                if let Some(q) = compose::search_query(&intent) {
                                    let composed = self.graph.rows(&q.cypher, q.to_query()).await?;
                                    let composed = search_body(&intent, &composed);
                                    if composed.answered() > found {
                                        let why = format!(
                                            "the LLM query answered {found} of the asked {wanted}: composed query"
                                        );
                                        return Ok(answer_composed_search(
                                            turn,
                                            started,
                                            intent,
                                            q,
                                            composed,
                                            format!("composed search query{repaired}"),
                                            Some(why),
                                            usage,
                                        ));
                                    }
                                }
                            }
                            // The question asked for the top N: a larger LIMIT does not widen
                            // the answer ("가장 높은 곳" is one place).
                            let top = intent.goal.as_ref().map_or(usize::MAX, |g| g.top as usize);
                            let mut notes = String::new();
                            if unusable > 0 {
                                notes.push_str(&format!(
                                    " ({unusable} rows without an id, name or value left out)"
                                ));
                            }
                            let cut = body.keep_top(top.max(1));
                            if cut > 0 {
                                notes.push_str(&format!(
                                    " ({cut} rows over the asked top {top} cut)"
                                ));
                            }
                            turn.finish(
                                "text2cypher",
                                started,
                                format!("LLM query{repaired}{notes}"),
                                None,
                                Some(usage),
                            );
                            return Ok(State::Answer(intent, body));
                        }
                        let mut ids: Vec<String> = Vec::new();
                        for r in &g.rows {
                            if let Ok(id) = r.get::<String>("id") {
                                if !ids.contains(&id) {
                                    ids.push(id);
                                }
                            }
                        }
                        if ids.is_empty() {
                            Some("the LLM query found no store: composed query".to_owned())
                        } else {
                            let q = compose::candidate_query_within(
                                &intent.constraints,
                                &ids,
                                CANDIDATE_LIMIT,
                            );
                            let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
                            turn.trace.composed(q);
                            let mut candidates =
                                recommend::candidates_from_rows(&rows, &intent.constraints);
                            if !candidates.is_empty() {
                                let narrowed = candidates.len();
                                // Narrowed below the shortlist (`LIMIT 1` for "a bakery"):
                                // stores that pass the filters fill it, not FastRP neighbours
                                // that break them.
                                let mut topped = String::new();
                                if narrowed < MAX_CANDIDATES {
                                    let q = compose::candidate_query(
                                        &intent.constraints,
                                        CANDIDATE_LIMIT,
                                    );
                                    let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
                                    turn.trace.composed(q);
                                    let more =
                                        recommend::candidates_from_rows(&rows, &intent.constraints);
                                    for c in more {
                                        if candidates.len() >= MAX_CANDIDATES {
                                            break;
                                        }
                                        if !candidates.iter().any(|k| k.id == c.id) {
                                            candidates.push(c);
                                        }
                                    }
                                    if candidates.len() > narrowed {
                                        topped = format!(
                                            "; {} more from the composed query",
                                            candidates.len() - narrowed
                                        );
                                    }
                                }
                                turn.finish(
                                    "text2cypher",
                                    started,
                                    format!(
                                        "LLM query found {} stores, {narrowed} pass the hard constraints{topped}{repaired}",
                                        ids.len(),
                                    ),
                                    None,
                                    Some(usage),
                                );
                                return Ok(State::ReviewSearch(intent, candidates));
                            }
                            Some(format!(
                                "none of the {} stores of the LLM query passes the hard constraints: composed query",
                                ids.len()
                            ))
                        }
                    }
                    Err(e) => {
                        if let crate::llm_cypher::Text2CypherError::Llm(le) = &e {
                            turn.note_llm_error(le);
                        }
                        Some(format!("LLM query not used ({e}): composed query"))
                    }
                }
            }
            (Ok(_), false) => None,
            (Err(why), _) => Some(format!("{why}: composed query")),
        };
        let follow_up = if turn.fresh {
            ""
        } else {
            " (follow-up: composed from the revised constraints)"
        };
        if intent.route == Route::Search {
            if let Some(q) = compose::search_query(&intent) {
                let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
                let body = search_body(&intent, &rows);
                return Ok(answer_composed_search(
                    turn,
                    started,
                    intent,
                    q,
                    body,
                    format!("composed search query{follow_up}"),
                    fallback,
                    usage,
                ));
            }
        }
        let q = compose::candidate_query(&intent.constraints, CANDIDATE_LIMIT);
        let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
        turn.trace.composed(q);
        let candidates = recommend::candidates_from_rows(&rows, &intent.constraints);
        turn.finish(
            "text2cypher",
            started,
            format!(
                "{} stores pass the hard constraints{follow_up}",
                candidates.len()
            ),
            fallback,
            Some(usage),
        );
        Ok(State::ReviewSearch(intent, candidates))
    }

    async fn review_search(
        &self,
        turn: &mut TurnCtx<'_>,
        intent: Intent,
        mut candidates: Vec<Candidate>,
    ) -> State {
        let started = Instant::now();
        let Some(reviews) = self.reviews.get() else {
            turn.finish(
                "review_search",
                started,
                format!("hyde: {}", intent.hyde),
                Some(self.reviews.missing_reason()),
                None,
            );
            return State::Backfill(intent, candidates);
        };
        if candidates.is_empty() {
            turn.finish(
                "review_search",
                started,
                "no candidates to search".into(),
                None,
                None,
            );
            return State::Backfill(intent, candidates);
        }
        let ids: Vec<String> = candidates.iter().map(|c| c.id.clone()).collect();
        let query = turn
            .hyde_embedding
            .take()
            .unwrap_or_else(|| reviews.embed_in_background(&intent.hyde));
        let found = reviews
            .search_stores_embedded(query, Some(&ids), REVIEW_SEARCH_STORES)
            .await;
        let (detail, fallback) = match found {
            Ok((matches, stats)) => {
                let best = matches.first().map(|m| m.score).unwrap_or(0.0);
                let worst = matches.last().map(|m| m.score).unwrap_or(0.0);
                let span = (best - worst).max(1e-3);
                for m in &matches {
                    if let Some(c) = candidates.iter_mut().find(|c| c.id == m.store_id) {
                        // Relative to this search's matches: e5 similarities crowd 0.8–0.95.
                        let relative = f64::from((m.score - worst) / span);
                        c.score += REVIEW_WEIGHT * relative;
                        c.review_match = Some(m.score);
                        c.hyde_reviews = m.review_ids.iter().take(2).cloned().collect();
                    }
                }
                candidates.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
                (
                    format!(
                        "hyde: {} → {} of {} candidates matched (best {best:.3}); embed {:.0} ms (started after the route), search {:.1} ms, {} hits ({})",
                        intent.hyde,
                        matches.len(),
                        ids.len(),
                        stats.embed.as_secs_f64() * 1000.0,
                        stats.search.as_secs_f64() * 1000.0,
                        stats.hits,
                        stats.backend
                    ),
                    None,
                )
            }
            Err(e) => (
                format!("hyde: {}", intent.hyde),
                Some(format!(
                    "review search failed ({e}): ranking by graph signals only"
                )),
            ),
        };
        turn.finish("review_search", started, detail, fallback, None);
        State::Backfill(intent, candidates)
    }

    async fn backfill(
        &self,
        turn: &mut TurnCtx<'_>,
        intent: Intent,
        mut candidates: Vec<Candidate>,
    ) -> Result<State, PipelineError> {
        let started = Instant::now();
        candidates.truncate(MAX_CANDIDATES);
        let mut fallback = None;
        let mut detail = format!("{} candidates from the filters", candidates.len());
        if !candidates.is_empty() && candidates.len() < MAX_CANDIDATES {
            match self.vectors().await {
                Ok(all) if !all.is_empty() => {
                    let anchors: Vec<&[f32]> = candidates
                        .iter()
                        .filter_map(|c| all.get(&c.id).map(Vec::as_slice))
                        .collect();
                    let exclude: HashSet<String> = candidates
                        .iter()
                        .map(|c| c.id.clone())
                        .chain(intent.constraints.exclude_ids.iter().cloned())
                        .collect();
                    let want = MAX_CANDIDATES - candidates.len();
                    let near: Vec<String> = jeju_fastrp::nearest(&anchors, all, &exclude, want)
                        .into_iter()
                        .filter(|(_, sim)| *sim >= MIN_BACKFILL_SIMILARITY)
                        .map(|(id, _)| id)
                        .collect();
                    if !near.is_empty() {
                        let q = compose::candidate_query_for_ids(&intent.constraints, &near);
                        let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
                        turn.trace.composed(q);
                        let mut extra = recommend::candidates_from_rows(&rows, &intent.constraints);
                        for e in &mut extra {
                            e.backfilled = true;
                        }
                        detail.push_str(&format!(", {} added by FastRP neighbours", extra.len()));
                        candidates.extend(extra);
                    } else {
                        detail.push_str(", no FastRP neighbour similar enough");
                    }
                }
                Ok(_) => {
                    fallback = Some(
                        "no FastRP vectors in the graph (re-run `jeju ingest`): not filled"
                            .to_owned(),
                    )
                }
                Err(e) => fallback = Some(format!("FastRP vectors unavailable ({e}): not filled")),
            }
        }
        turn.trace.candidates = candidates.iter().map(|c| c.id.clone()).collect();
        let cards = recommend::load_cards(&self.graph, &candidates, &intent.constraints).await?;
        turn.finish("backfill", started, detail, fallback, None);
        Ok(State::Select(intent, cards))
    }

    /// Every store's FastRP vector (empty when the graph has none), loaded once.
    async fn vectors(&self) -> Result<&BTreeMap<String, Vec<f32>>, PipelineError> {
        self.store_vectors
            .get_or_try_init(|| load_store_vectors(&self.graph))
            .await
    }

    async fn select(&self, turn: &mut TurnCtx<'_>, intent: Intent, cards: Vec<Card>) -> State {
        let started = Instant::now();
        let observer = turn.observer;
        let mut usage = LlmUsage::default();
        let deterministic = |why: String| {
            let picks = recommend::deterministic_select(&cards, &intent.constraints, intent.lang);
            for (index, pick) in picks.iter().enumerate() {
                observer(TurnEvent::Pick { index, pick });
            }
            (
                picks,
                Some(format!("{why}: deterministic ranker")),
                String::new(),
            )
        };
        let (picks, fallback, detail) = if cards.is_empty() {
            (Vec::new(), None, "no candidates".to_owned())
        } else {
            match turn.llm(&self.llm) {
                Err(why) => deterministic(why),
                Ok(llm) => {
                    let mut on_pick =
                        |index: usize, pick: &Pick| observer(TurnEvent::Pick { index, pick });
                    let (shortlist, held_back) = recommend::select_shortlist(&cards);
                    let selected = crate::llm_select::select_with_llm(
                        llm,
                        &self.prompts,
                        &turn.request,
                        &intent,
                        &shortlist,
                        &mut usage,
                        &mut on_pick,
                    )
                    .await;
                    match selected {
                        Ok(sel) => {
                            let mut detail = format!("LLM picked {}", sel.picks.len());
                            if held_back > 0 {
                                detail.push_str(&format!(
                                    " of {} stores that pass the filters ({held_back} FastRP \
                                     neighbours held back)",
                                    shortlist.len()
                                ));
                            }
                            if sel.retried {
                                detail.push_str(" after one retry");
                            }
                            if !sel.notes.is_empty() {
                                detail.push_str(&format!(" [{}]", sel.notes.join("; ")));
                            }
                            (sel.picks, None, detail)
                        }
                        Err(e) => {
                            if let crate::llm_select::SelectError::Llm(le) = &e {
                                turn.note_llm_error(le);
                            }
                            deterministic(format!("LLM select failed ({e})"))
                        }
                    }
                }
            }
        };
        let detail = if detail.is_empty() {
            format!("{} picks", picks.len())
        } else {
            detail
        };
        turn.finish("select", started, detail, fallback, Some(usage));
        State::Answer(intent, AnswerBody::Recommend { picks })
    }

    fn answer(
        &self,
        turn: &mut TurnCtx<'_>,
        intent: Intent,
        body: AnswerBody,
    ) -> Result<State, PipelineError> {
        let started = Instant::now();
        let ko = intent.lang == Lang::Ko;
        let mut ctx = tera::Context::new();
        ctx.insert("lang", if ko { "ko" } else { "en" });
        let notice = match (&self.llm, &turn.llm_down) {
            (Some(_), Some(_)) if ko => "(AI 모델이 응답하지 않아 규칙 기반으로 답했어요.)",
            (Some(_), Some(_)) => {
                "(The AI model did not answer; this answer comes from the rule-based fallback.)"
            }
            _ => "",
        };
        ctx.insert("notice", notice);
        let notice = (!notice.is_empty()).then(|| notice.to_owned());
        match &body {
            AnswerBody::Search { rows, count } => {
                ctx.insert("route", "search");
                ctx.insert("count", count);
                let shown: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let value = search_value_text(&intent, r.value);
                        serde_json::json!({"name": r.name, "value": value})
                    })
                    .collect();
                ctx.insert("rows", &shown);
                ctx.insert("measure_label", &search_measure_label(&intent));
                ctx.insert("picks", &Vec::<String>::new());
            }
            AnswerBody::Recommend { picks } => {
                ctx.insert("route", "recommend");
                ctx.insert("count", &Option::<i64>::None);
                ctx.insert("rows", &Vec::<String>::new());
                ctx.insert("measure_label", "");
                let shown = picks
                    .iter()
                    .enumerate()
                    .map(|(i, p)| self.pick_text(i, p))
                    .collect::<Result<Vec<String>, _>>()?;
                ctx.insert("picks", &shown);
            }
        }
        let text = self.prompts.render("answer", &ctx)?;
        turn.finish(
            "answer",
            started,
            format!("{} chars", text.chars().count()),
            None,
            None,
        );
        Ok(State::Done(Answer {
            request: turn.request.clone(),
            intent,
            body,
            text: text.trim().to_owned(),
            notice,
            trace: std::mem::take(&mut turn.trace),
        }))
    }
}

/// Every store's FastRP vector by store id (empty when the graph has none): what the
/// backfill stage searches.
pub async fn load_store_vectors(
    graph: &GraphClient,
) -> Result<BTreeMap<String, Vec<f32>>, PipelineError> {
    let text = "MATCH (s:Store) WHERE s.fastrp IS NOT NULL RETURN s.id AS id, s.fastrp AS v";
    let rows = graph.rows_of(text).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let v: Vec<f64> = r.get("v").ok()?;
            Some((
                r.get::<String>("id").ok()?,
                v.into_iter().map(|x| x as f32).collect(),
            ))
        })
        .collect())
}

/// A search row's value as the answer shows it: a share as "42.0%", a count or a rating as
/// the number.
pub fn search_value_text(intent: &Intent, value: f64) -> String {
    let ratio = matches!(
        intent.goal.as_ref().map(|g| &g.measure),
        Some(Measure::Property { property, .. }) if property.ends_with("_ratio")
    );
    if ratio {
        format!("{:.1}%", value * 100.0)
    } else {
        format!("{value}")
    }
}

/// What a search answer's values measure ("30대 손님 비중"); empty for a count.
pub fn search_measure_label(intent: &Intent) -> String {
    match intent.goal.as_ref().map(|g| &g.measure) {
        Some(Measure::Property { property, .. }) => {
            crate::lexicon::measure_label(property, intent.lang == Lang::Ko)
        }
        _ => String::new(),
    }
}

/// Ends text2cypher with the answer of the composed search query: traces the query, records
/// the stage and answers.
#[allow(clippy::too_many_arguments)]
fn answer_composed_search(
    turn: &mut TurnCtx<'_>,
    started: Instant,
    intent: Intent,
    query: ComposedQuery,
    body: AnswerBody,
    detail: String,
    fallback: Option<String>,
    usage: LlmUsage,
) -> State {
    turn.trace.composed(query);
    turn.finish("text2cypher", started, detail, fallback, Some(usage));
    State::Answer(intent, body)
}

/// The structured answer of a search query's rows (`value` = the count, or `id`, `name`,
/// `value` per store).
fn search_body(intent: &Intent, rows: &[neo4rs::Row]) -> AnswerBody {
    if matches!(
        intent.goal.as_ref().map(|g| &g.measure),
        Some(Measure::Count)
    ) {
        let count = rows.first().and_then(|r| r.get::<i64>("value").ok());
        return AnswerBody::Search {
            rows: Vec::new(),
            count,
        };
    }
    let rows = rows
        .iter()
        .filter_map(|r| {
            Some(SearchRow {
                id: r.get("id").ok()?,
                name: r.get("name").ok()?,
                value: r
                    .get::<f64>("value")
                    .or_else(|_| r.get::<i64>("value").map(|v| v as f64))
                    .ok()?,
            })
        })
        .collect();
    AnswerBody::Search { rows, count: None }
}

/// The UI serves turns from a multi-threaded runtime: a turn's future must be `Send`.
#[allow(dead_code)]
fn turn_future_is_send(pipeline: &Pipeline, session: &mut Session) {
    fn send<T: Send>(_: &T) {}
    send(&pipeline.ask_in(session, "x"));
}
