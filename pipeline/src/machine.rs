//! The typed state machine of one turn: each stage consumes its state and returns the next,
//! and records what it did in the [`Trace`].

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use tracing::Instrument;

use jeju_graph::GraphClient;
use serde::Serialize;

use crate::compose::{self, ComposedQuery};
use crate::error::PipelineError;
use crate::intent::{Intent, Lang, Measure, Route};
use crate::prompts::Prompts;
use crate::recommend::{self, Candidate, Card, Pick};
use crate::session::{self, PickRef, Revision, Session};

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2_000;
/// Candidates handed to the select stage.
pub const MAX_CANDIDATES: usize = 6;
/// Rows the candidate query may return.
const CANDIDATE_LIMIT: u32 = 500;

/// One stage's record.
#[derive(Debug, Clone, Serialize)]
pub struct StageTrace {
    pub stage: &'static str,
    pub ms: f64,
    pub detail: String,
    /// Set when the stage used its deterministic fallback (or was skipped), and why.
    pub fallback: Option<String>,
}

/// What happened in a turn.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    pub stages: Vec<StageTrace>,
    pub cypher: Vec<ComposedQuery>,
    pub candidates: Vec<String>,
}

impl Trace {
    fn record(
        &mut self,
        stage: &'static str,
        started: Instant,
        detail: String,
        fallback: Option<String>,
    ) {
        self.stages.push(StageTrace {
            stage,
            ms: started.elapsed().as_secs_f64() * 1000.0,
            detail,
            fallback,
        });
    }

    /// Stages that fell back, as `stage: why`.
    pub fn fallbacks(&self) -> Vec<String> {
        self.stages
            .iter()
            .filter_map(|s| s.fallback.as_ref().map(|f| format!("{}: {f}", s.stage)))
            .collect()
    }
}

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
    pub intent: Intent,
    pub body: AnswerBody,
    pub text: String,
    pub trace: Trace,
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

/// The states of a turn.
enum State {
    Route(String),
    Text2Cypher(Intent),
    ReviewSearch(Intent, Vec<Candidate>),
    Backfill(Intent, Vec<Candidate>),
    Select(Intent, Vec<Card>),
    Answer(Intent, AnswerBody),
    Done(Answer),
}

/// The pipeline with its connections.
pub struct Pipeline {
    graph: GraphClient,
    prompts: Prompts,
    /// The LLM for the route stage, when configured (`with_llm`); `None` = fallbacks only.
    llm: Option<jeju_llm::LlmClient>,
    /// FastRP vectors of every store, loaded from the graph on first use.
    store_vectors: tokio::sync::OnceCell<BTreeMap<String, Vec<f32>>>,
}

/// A graph-backfill neighbour must be at least this similar (cosine) to the candidates:
/// below it, FastRP vectors are noise (stores without visit keywords).
const MIN_BACKFILL_SIMILARITY: f32 = 0.6;

impl Pipeline {
    pub fn new(graph: GraphClient) -> Result<Pipeline, PipelineError> {
        Ok(Pipeline {
            graph,
            prompts: Prompts::load()?,
            llm: None,
            store_vectors: tokio::sync::OnceCell::new(),
        })
    }

    /// Uses an LLM for the stages that have an LLM version (currently the route); each still
    /// falls back to its deterministic version when the LLM fails.
    pub fn with_llm(mut self, llm: jeju_llm::LlmClient) -> Pipeline {
        self.llm = Some(llm);
        self
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
        let answer = self.turn(session, question).await?;
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
        Ok(answer)
    }

    async fn turn(&self, session: &Session, question: &str) -> Result<Answer, PipelineError> {
        let question = question.trim();
        if question.is_empty() {
            return Err(PipelineError::EmptyQuestion);
        }
        let chars = question.chars().count();
        if chars > MAX_QUESTION_CHARS {
            return Err(PipelineError::QuestionTooLong(chars, MAX_QUESTION_CHARS));
        }
        let mut trace = Trace::default();
        let mut state = State::Route(question.to_owned());
        loop {
            state = match state {
                State::Route(q) => {
                    self.route(session, &q, &mut trace)
                        .instrument(tracing::info_span!("route"))
                        .await
                }
                State::Text2Cypher(intent) => {
                    self.text2cypher(intent, &mut trace)
                        .instrument(tracing::info_span!("text2cypher"))
                        .await?
                }
                State::ReviewSearch(intent, cands) => self.review_search(intent, cands, &mut trace),
                State::Backfill(intent, cands) => {
                    self.backfill(intent, cands, &mut trace)
                        .instrument(tracing::info_span!("backfill"))
                        .await?
                }
                State::Select(intent, cards) => self.select(intent, cards, &mut trace),
                State::Answer(intent, body) => self.answer(intent, body, &mut trace)?,
                State::Done(answer) => return Ok(answer),
            };
        }
    }

    async fn route(&self, session: &Session, question: &str, trace: &mut Trace) -> State {
        let started = Instant::now();
        let (intent, revision) = session::resolve(session, question);
        let (intent, fallback, usage) = match (&self.llm, &revision) {
            (Some(llm), Revision::Fresh) => {
                match crate::llm_route::route_with_llm(llm, &self.prompts, question, intent.clone())
                    .await
                {
                    Ok((merged, usage)) => (
                        merged,
                        None,
                        format!(
                            " [LLM: {} prompt + {} completion tokens]",
                            usage.prompt_tokens, usage.completion_tokens
                        ),
                    ),
                    Err(e) => (
                        intent,
                        Some(format!("LLM failed ({e}): gazetteer parser")),
                        String::new(),
                    ),
                }
            }
            (Some(_), Revision::FollowUp(_)) => (
                intent,
                None,
                " [follow-up: revised by the session]".to_owned(),
            ),
            (None, _) => (
                intent,
                Some("no LLM configured: gazetteer parser".to_owned()),
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
        trace.record("route", started, format!("{detail}{usage}"), fallback);
        State::Text2Cypher(intent)
    }

    async fn text2cypher(&self, intent: Intent, trace: &mut Trace) -> Result<State, PipelineError> {
        let started = Instant::now();
        let fallback = Some("no LLM configured: composed query".to_owned());
        if intent.route == Route::Search {
            if let Some(q) = compose::search_query(&intent) {
                let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
                trace.cypher.push(q);
                let body = if matches!(
                    intent.goal.as_ref().map(|g| &g.measure),
                    Some(Measure::Count)
                ) {
                    let count = rows.first().and_then(|r| r.get::<i64>("value").ok());
                    AnswerBody::Search {
                        rows: Vec::new(),
                        count,
                    }
                } else {
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
                };
                trace.record("text2cypher", started, "search query".into(), fallback);
                return Ok(State::Answer(intent, body));
            }
        }
        let q = compose::candidate_query(&intent.constraints, CANDIDATE_LIMIT);
        let rows = self.graph.rows(&q.cypher, q.to_query()).await?;
        trace.cypher.push(q);
        let candidates = recommend::candidates_from_rows(&rows, &intent.constraints);
        trace.record(
            "text2cypher",
            started,
            format!("{} stores pass the hard constraints", candidates.len()),
            fallback,
        );
        Ok(State::ReviewSearch(intent, candidates))
    }

    fn review_search(
        &self,
        intent: Intent,
        candidates: Vec<Candidate>,
        trace: &mut Trace,
    ) -> State {
        let started = Instant::now();
        trace.record(
            "review_search",
            started,
            format!("hyde: {}", intent.hyde),
            Some("review vector index not available: ranking by graph signals only".into()),
        );
        State::Backfill(intent, candidates)
    }

    async fn backfill(
        &self,
        intent: Intent,
        mut candidates: Vec<Candidate>,
        trace: &mut Trace,
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
                        trace.cypher.push(q);
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
        trace.candidates = candidates.iter().map(|c| c.id.clone()).collect();
        let cards = recommend::load_cards(&self.graph, &candidates, &intent.constraints).await?;
        trace.record("backfill", started, detail, fallback);
        Ok(State::Select(intent, cards))
    }

    /// Every store's FastRP vector (empty when the graph has none).
    async fn vectors(&self) -> Result<&BTreeMap<String, Vec<f32>>, PipelineError> {
        self.store_vectors
            .get_or_try_init(|| async {
                let text =
                    "MATCH (s:Store) WHERE s.fastrp IS NOT NULL RETURN s.id AS id, s.fastrp AS v";
                let rows = self.graph.rows_of(text).await?;
                Ok::<_, PipelineError>(
                    rows.iter()
                        .filter_map(|r| {
                            let v: Vec<f64> = r.get("v").ok()?;
                            Some((
                                r.get::<String>("id").ok()?,
                                v.into_iter().map(|x| x as f32).collect(),
                            ))
                        })
                        .collect(),
                )
            })
            .await
    }

    fn select(&self, intent: Intent, cards: Vec<Card>, trace: &mut Trace) -> State {
        let started = Instant::now();
        let picks = recommend::deterministic_select(&cards, &intent.constraints, intent.lang);
        trace.record(
            "select",
            started,
            format!("{} picks", picks.len()),
            Some("no LLM configured: deterministic ranker".into()),
        );
        State::Answer(intent, AnswerBody::Recommend { picks })
    }

    fn answer(
        &self,
        intent: Intent,
        body: AnswerBody,
        trace: &mut Trace,
    ) -> Result<State, PipelineError> {
        let started = Instant::now();
        let mut ctx = tera::Context::new();
        ctx.insert("lang", if intent.lang == Lang::Ko { "ko" } else { "en" });
        ctx.insert("notice", "");
        match &body {
            AnswerBody::Search { rows, count } => {
                ctx.insert("route", "search");
                ctx.insert("count", count);
                let measure = intent.goal.as_ref().map(|g| &g.measure);
                let ratio = matches!(measure, Some(Measure::Property { property, .. }) if property.ends_with("_ratio"));
                let shown: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let value = if ratio {
                            format!("{:.1}%", r.value * 100.0)
                        } else {
                            format!("{}", r.value)
                        };
                        serde_json::json!({"name": r.name, "value": value})
                    })
                    .collect();
                ctx.insert("rows", &shown);
                let label = match measure {
                    Some(Measure::Property { property, .. }) => {
                        crate::lexicon::measure_label(property, intent.lang == Lang::Ko)
                    }
                    _ => String::new(),
                };
                ctx.insert("measure_label", &label);
                ctx.insert("picks", &Vec::<String>::new());
            }
            AnswerBody::Recommend { picks } => {
                ctx.insert("route", "recommend");
                ctx.insert("count", &Option::<i64>::None);
                ctx.insert("rows", &Vec::<String>::new());
                ctx.insert("measure_label", "");
                let shown: Vec<serde_json::Value> = picks
                    .iter()
                    .map(|p| {
                        serde_json::json!({
                            "name": p.card.name, "store_type": p.card.store_type,
                            "region": p.card.region.clone().unwrap_or_default(),
                            "address": p.card.address, "reason": p.reason, "quotes": p.card.quotes,
                        })
                    })
                    .collect();
                ctx.insert("picks", &shown);
            }
        }
        let text = self.prompts.render("answer", &ctx)?;
        trace.record(
            "answer",
            started,
            format!("{} chars", text.chars().count()),
            None,
        );
        Ok(State::Done(Answer {
            intent,
            body,
            text: text.trim().to_owned(),
            trace: std::mem::take(trace),
        }))
    }
}

/// The UI serves turns from a multi-threaded runtime: a turn's future must be `Send`.
#[allow(dead_code)]
fn turn_future_is_send(pipeline: &Pipeline, session: &mut Session) {
    fn send<T: Send>(_: &T) {}
    send(&pipeline.ask_in(session, "x"));
}
