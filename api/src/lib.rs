//! The JSON types of jeju-rec's HTTP API.
//!
//! Shared by the server (`jeju-server`) and the browser client (`jeju-web`, compiled to
//! wasm32), so this crate depends on serde alone. The OpenAPI document served at
//! `/api/openapi.json` describes exactly these shapes.
//!
//! Endpoints:
//! - `POST /api/ask` with [`AskRequest`] → [`AskResponse`] (or [`ApiError`] with a 4xx/5xx).
//! - `GET /api/ask/stream?question=…&session_id=…&language=ko|en` → Server-Sent Events, one
//!   [`StreamEvent`] per event (`event:` is the variant name, `data:` its JSON).
//! - `GET /api/health` → [`Health`].

use serde::{Deserialize, Serialize};

pub mod format;
mod stage;
pub use stage::Stage;

/// The longest question accepted, in characters (Unicode scalar values).
pub const MAX_QUESTION_CHARS: usize = 500;
/// The largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The language of the page and of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ko,
    En,
}

impl Language {
    pub fn code(self) -> &'static str {
        match self {
            Language::Ko => "ko",
            Language::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ko" | "kr" | "ko-kr" => Some(Language::Ko),
            "en" | "en-us" | "en-gb" => Some(Language::En),
            _ => None,
        }
    }
}

/// A question to answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub question: String,
    /// The conversation to continue; a new one is started when absent or unknown.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The language of messages (errors, notices). The answer itself follows the question's
    /// language unless this is given.
    #[serde(default)]
    pub language: Option<Language>,
}

/// What kind of answer a turn produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    /// Three restaurants with reasons.
    Recommend,
    /// The exact answer of a data question.
    Search,
    /// Not answered: the question is outside what the service knows ([`Declined`]).
    Declined,
}

/// Why a question was not answered with restaurants or figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    /// It names a place outside Jeju (and no place in Jeju).
    OutOfArea,
    /// It is about the trip but not about eating or drinking (weather, car rental, hotels, …).
    OffTopic,
    /// Nothing in it could be matched to the data.
    Nonsense,
}

impl DeclineReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::OutOfArea => "out_of_area",
            DeclineReason::OffTopic => "off_topic",
            DeclineReason::Nonsense => "nonsense",
        }
    }
}

/// A declined question: the reason and the word that decided it (the place or topic word;
/// none for nonsense). The answer's `text` says it to the user, with suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Declined {
    pub reason: DeclineReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word: Option<String>,
}

/// What a word of the question became: the answer's accounting of the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WordRole {
    /// A region, city or attraction.
    Place,
    /// A kind of place: store types.
    Kind,
    /// A dish: menu-name fragments.
    Dish,
    Companion,
    Age,
    Time,
    Price,
    /// What a data question measures (a share, a count, a rating).
    Measure,
    /// A mood, view or occasion, read from the reviews rather than a constraint.
    Mood,
}

/// A word of the question and what it became in the graph's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnderstoodWord {
    /// As written (lower-cased).
    pub word: String,
    pub role: WordRole,
    /// The graph's value: a region name, store types ("커피"), a menu fragment (전복죽) …
    pub value: String,
}

/// A misspelt word read as a known one (짬봉 → 짬뽕).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadAs {
    pub written: String,
    pub read_as: String,
}

/// The structured result of one turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AskResponse {
    pub session_id: String,
    /// 1 for the first question of a session.
    pub turn: u32,
    pub question: String,
    /// What was answered: the question, or for a follow-up the earlier request with it.
    pub request: String,
    pub language: Language,
    pub kind: AnswerKind,
    /// The whole answer as text (what `jeju ask` prints).
    pub text: String,
    /// Recommendations (empty for a search answer).
    pub picks: Vec<PickCard>,
    /// The figure and rows of a search answer.
    pub search: Option<SearchAnswer>,
    /// Set when the question was declined (`kind` is then `declined`, no picks, no search);
    /// `null` otherwise. Since API 0.2.0.
    #[serde(default)]
    pub declined: Option<Declined>,
    /// What each word of the question became. Since API 0.3.0.
    #[serde(default)]
    pub understood: Vec<UnderstoodWord>,
    /// Misspelt words read as known ones. Since API 0.3.0.
    #[serde(default)]
    pub read_as: Vec<ReadAs>,
    /// Words of the question nothing in the data explains: left out, and named in `text`.
    /// Since API 0.3.0.
    #[serde(default)]
    pub unmatched: Vec<String>,
    /// A message shown above the answer, e.g. that the AI model did not answer and the rule
    /// based fallback did.
    pub notice: Option<String>,
    /// What the map of the answer shows beside its picks: the asked region, the point a
    /// "near …" question measured from with its radius, and attractions near the picks.
    /// Since API 0.5.0.
    #[serde(default)]
    pub map: MapView,
    pub trace: TraceView,
    /// The same answer told in the other language, from the same data: what the page shows
    /// after its language is switched. `null` in the answer inside it. Since API 0.5.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_language: Option<Box<Rendition>>,
    /// Set when review search could not help this answer because its index is still being
    /// built in the background (the answer ranks by graph signals); the page shows a quiet
    /// note. `null` otherwise. Since API 0.6.0.
    #[serde(default)]
    pub warming_up: Option<WarmingUp>,
}

/// A part that is still being prepared ([`AskResponse::warming_up`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarmingUp {
    /// How much of the review index is built, in percent.
    pub review_index_percent: u8,
}

/// An answer's language-dependent parts in one language ([`AskResponse::other_language`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rendition {
    pub language: Language,
    pub text: String,
    pub picks: Vec<PickCard>,
    pub search: Option<SearchAnswer>,
    pub notice: Option<String>,
    pub map: MapView,
    /// Each stage's summary ([`StageView::summary`]), in the order of `trace.stages`.
    pub stage_summaries: Vec<String>,
}

impl AskResponse {
    /// The language the answer is shown in on a page in `lang`: `lang` when the answer is
    /// in it or carries its rendition, else the answer's own.
    pub fn shown_language(&self, lang: Language) -> Language {
        match &self.other_language {
            Some(r) if r.language == lang => lang,
            _ => self.language,
        }
    }

    /// The answer as shown in `lang`: itself, or its other-language rendition when it has
    /// one (else itself: an older answer has none).
    pub fn in_language(&self, lang: Language) -> std::borrow::Cow<'_, AskResponse> {
        use std::borrow::Cow;
        match &self.other_language {
            Some(r) if self.language != lang && r.language == lang => {
                let mut shown = self.clone();
                shown.other_language = None;
                shown.language = r.language;
                shown.text = r.text.clone();
                shown.picks = r.picks.clone();
                shown.search = r.search.clone();
                shown.notice = r.notice.clone();
                shown.map = r.map.clone();
                for (stage, summary) in shown.trace.stages.iter_mut().zip(&r.stage_summaries) {
                    stage.summary = summary.clone();
                }
                Cow::Owned(shown)
            }
            _ => Cow::Borrowed(self),
        }
    }
}

/// A named point of the map, with its label in the answer's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapPoint {
    /// As shown ("애월읍" / "Aewol-eup").
    pub label: String,
    pub lat: f64,
    pub lng: f64,
}

/// The centre and radius of a "near …" question ("2번 근처", "near Seongsan Ilchulbong").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapCircle {
    pub center: MapPoint,
    pub radius_m: f64,
}

/// What the answer's map shows beside the picks (which carry their own coordinates).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapView {
    /// The asked region's centre (a 읍/면/동 of the question; a city is too large to point
    /// at), highlighted.
    pub region: Option<MapPoint>,
    /// The asked attraction or earlier pick and the search radius around it.
    pub near: Option<MapCircle>,
    /// Well-known attractions near the picks.
    pub attractions: Vec<MapPoint>,
}

/// One recommended restaurant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PickCard {
    /// 1-based position in the answer.
    pub rank: u32,
    pub id: String,
    pub name: String,
    /// The contest's store type, as in the data ("가정식").
    pub store_type: String,
    /// The store type in the answer's language ("Korean home cooking"). Since API 0.5.0.
    #[serde(default)]
    pub store_type_label: String,
    pub city: Option<String>,
    pub region: Option<String>,
    /// The region (or city) in the answer's language ("Aewol-eup"). Since API 0.5.0.
    #[serde(default)]
    pub place_label: Option<String>,
    pub address: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub map: MapLinks,
    /// Cheapest and dearest menu item, in won.
    pub price_range: Option<PriceRange>,
    /// The contest data's typical spend per person, in won.
    pub price_per_person: Option<i64>,
    pub rating: Option<f64>,
    pub review_count: i64,
    /// Up to three menu items with prices ("흑돼지 오겹살 21,000원"; in English with the
    /// dish's English name where known: "흑돼지 오겹살 (black pork) ₩21,000").
    pub menu: Vec<String>,
    /// Up to two review quotes.
    pub quotes: Vec<String>,
    /// Who visits, rendered ("60대 이상 손님 비중 18%", "현지인 35%", "가장 붐비는 시간: 저녁").
    pub visitor_facts: Vec<String>,
    /// Facts that support the pick for this question.
    pub facts: Vec<String>,
    pub reason: String,
    /// Found by graph similarity rather than by the question's filters.
    pub backfilled: bool,
    /// What of the request this place does not meet, in the answer's language ("애월읍 밖
    /// 한림읍(애월읍에서 8.2km)"): fewer than three places meet it all, so the search was
    /// widened in a stated order (time, price, then the area). Empty when it meets it all.
    #[serde(default)]
    pub unmet: Vec<String>,
}

/// Map search links for a place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapLinks {
    pub kakao: String,
    pub naver: String,
    /// Since API 0.5.0.
    #[serde(default)]
    pub google: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceRange {
    pub min: u32,
    pub max: u32,
}

/// The answer of a data question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchAnswer {
    /// What was counted or ranked, and the answer, as a sentence ("한림읍 커피 가게 중 30대
    /// 손님 비중이 가장 높은 곳은 OO카페(42.0%)이에요."). Since API 0.5.0.
    #[serde(default)]
    pub sentence: String,
    /// The figure asked for, e.g. "OO카페: 30대 손님 비중 42.0%", or "12곳".
    pub headline: String,
    /// What the rows' values are ("30대 손님 비중"); empty for a count.
    pub measure: String,
    pub count: Option<i64>,
    pub rows: Vec<SearchRowView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchRowView {
    pub rank: u32,
    pub id: String,
    pub name: String,
    pub value: f64,
    /// The value as shown ("42.0%", "1,204").
    pub display: String,
}

/// How a turn was answered: "How did you pick these?".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TraceView {
    pub stages: Vec<StageView>,
    pub cypher: Vec<CypherView>,
    /// The candidates handed to the select stage, in order, with their scores (since API
    /// 0.5.0; before, their ids).
    pub candidates: Vec<CandidateView>,
    /// `stage: reason code` of every fallback that fired (the messages, which may name
    /// server paths, go to the server log).
    pub fallbacks: Vec<String>,
    pub total_ms: f64,
}

/// A candidate of the select stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateView {
    pub id: String,
    pub name: String,
    /// The graph-signal ranker's score.
    pub score: f64,
    /// Added as a similar place (FastRP backfill), not found by the filters.
    pub backfilled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageView {
    /// `route`, `text2cypher`, `review_search`, `backfill`, `select` or `answer`.
    pub stage: Stage,
    pub ms: f64,
    /// What the stage did, for developers (English, may name internals).
    pub detail: String,
    /// What the stage did, for people, in the answer's language ("AI 모델 없이 규칙으로
    /// 조건을 읽었어요: 애월읍 · 흑돼지"). Since API 0.5.0.
    #[serde(default)]
    pub summary: String,
    /// The reason code when the stage used its deterministic path (`no_llm`, `llm_failed`,
    /// …).
    pub fallback: Option<String>,
    /// The fallback was a configured part failing (not a part that is not set up, such as
    /// no LLM). Since API 0.5.0.
    #[serde(default)]
    pub failed: bool,
    pub llm_calls: u32,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CypherView {
    /// `llm` (written by the model, checked) or `composed` (built from the parsed question).
    pub source: String,
    pub query: String,
    /// The query's parameters by name.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub params: serde_json::Value,
}

/// Whether a stage began or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageStatus {
    Started,
    Finished,
}

/// One Server-Sent Event of `GET /api/ask/stream`. The SSE `event:` field is the variant name
/// in snake case (`stage`, `pick`, `answer`, `error`); `data:` is the JSON of its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "event", content = "data", rename_all = "snake_case")]
// Events live for one send; boxing the card would only add an allocation per pick.
#[allow(clippy::large_enum_variant)]
pub enum StreamEvent {
    /// A pipeline stage began or ended.
    Stage(StageEvent),
    /// A recommendation is known (with the LLM, as soon as the model has written it). With
    /// an LLM it replaces the preliminary card of the same rank, or confirms it (same id).
    Pick(PickCard),
    /// With an LLM, before any LLM call: the rules' three cards, shown at once and marked as
    /// preliminary until `pick` events confirm or replace them. Since API 0.4.0.
    Preliminary(PreliminaryPicks),
    /// The turn is done: the whole result. Always the last event of a successful turn.
    Answer(Box<AskResponse>),
    /// The turn failed. Always the last event of a failed turn.
    Error(ApiError),
}

impl StreamEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            StreamEvent::Stage(_) => "stage",
            StreamEvent::Pick(_) => "pick",
            StreamEvent::Preliminary(_) => "preliminary",
            StreamEvent::Answer(_) => "answer",
            StreamEvent::Error(_) => "error",
        }
    }

    /// The SSE `data:` JSON.
    pub fn data_json(&self) -> String {
        let value = match self {
            StreamEvent::Stage(s) => serde_json::to_string(s),
            StreamEvent::Pick(p) => serde_json::to_string(p),
            StreamEvent::Preliminary(p) => serde_json::to_string(p),
            StreamEvent::Answer(a) => serde_json::to_string(a),
            StreamEvent::Error(e) => serde_json::to_string(e),
        };
        value.unwrap_or_else(|_| "null".to_owned())
    }

    /// Parses an SSE event back (what the browser client does).
    pub fn from_sse(event: &str, data: &str) -> Result<StreamEvent, serde_json::Error> {
        let value: serde_json::Value = serde_json::from_str(data)?;
        serde_json::from_value(serde_json::json!({"event": event, "data": value}))
    }
}

/// The rules' cards of a turn that an LLM will still judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreliminaryPicks {
    pub picks: Vec<PickCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageEvent {
    pub stage: Stage,
    pub status: StageStatus,
    /// Set when finished.
    pub ms: Option<f64>,
    /// Set when the stage fell back to its deterministic path: the reason code.
    pub fallback: Option<String>,
    /// The fallback was a configured part failing. Since API 0.5.0.
    #[serde(default)]
    pub failed: bool,
}

/// Stable error codes. Each maps to one HTTP status and one message per language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The question is empty or only whitespace/control characters.
    EmptyQuestion,
    /// The question is longer than [`MAX_QUESTION_CHARS`].
    QuestionTooLong,
    /// The request body is not the JSON of [`AskRequest`].
    InvalidRequest,
    /// The request body is larger than [`MAX_BODY_BYTES`].
    BodyTooLarge,
    /// Too many questions are waiting; try again shortly.
    Busy,
    /// The graph database cannot be reached.
    GraphUnavailable,
    /// The turn took longer than the server allows.
    Timeout,
    /// Anything else (a bug): logged with details on the server.
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::EmptyQuestion,
        ErrorCode::QuestionTooLong,
        ErrorCode::InvalidRequest,
        ErrorCode::BodyTooLarge,
        ErrorCode::Busy,
        ErrorCode::GraphUnavailable,
        ErrorCode::Timeout,
        ErrorCode::Internal,
    ];

    /// The HTTP status this code is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::EmptyQuestion | ErrorCode::QuestionTooLong | ErrorCode::InvalidRequest => {
                400
            }
            ErrorCode::BodyTooLarge => 413,
            ErrorCode::Busy => 429,
            ErrorCode::GraphUnavailable => 503,
            ErrorCode::Timeout => 504,
            ErrorCode::Internal => 500,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::EmptyQuestion => "empty_question",
            ErrorCode::QuestionTooLong => "question_too_long",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::Busy => "busy",
            ErrorCode::GraphUnavailable => "graph_unavailable",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
        }
    }

    /// The message a user sees.
    pub fn message(self, lang: Language) -> String {
        let ko = lang == Language::Ko;
        match self {
            ErrorCode::EmptyQuestion if ko => "질문을 입력해 주세요.".to_owned(),
            ErrorCode::EmptyQuestion => "Please type a question.".to_owned(),
            ErrorCode::QuestionTooLong if ko => {
                format!("질문이 너무 길어요. {MAX_QUESTION_CHARS}자 이내로 줄여 주세요.")
            }
            ErrorCode::QuestionTooLong => {
                format!("That question is too long: please keep it under {MAX_QUESTION_CHARS} characters.")
            }
            ErrorCode::InvalidRequest if ko => "요청 형식이 올바르지 않아요.".to_owned(),
            ErrorCode::InvalidRequest => "The request is not valid.".to_owned(),
            ErrorCode::BodyTooLarge if ko => "요청이 너무 커요.".to_owned(),
            ErrorCode::BodyTooLarge => "The request is too large.".to_owned(),
            ErrorCode::Busy if ko => {
                "지금 질문이 많이 밀려 있어요. 잠시 후 다시 시도해 주세요.".to_owned()
            }
            ErrorCode::Busy => {
                "Many questions are waiting right now; please try again in a moment.".to_owned()
            }
            ErrorCode::GraphUnavailable if ko => {
                "맛집 데이터베이스에 연결할 수 없어요. 잠시 후 다시 시도해 주세요.".to_owned()
            }
            ErrorCode::GraphUnavailable => {
                "The restaurant database cannot be reached; please try again shortly.".to_owned()
            }
            ErrorCode::Timeout if ko => {
                "답을 만드는 데 너무 오래 걸렸어요. 다시 시도해 주세요.".to_owned()
            }
            ErrorCode::Timeout => "The answer took too long; please try again.".to_owned(),
            ErrorCode::Internal if ko => {
                "문제가 생겨 답하지 못했어요. 다시 시도해 주세요.".to_owned()
            }
            ErrorCode::Internal => "Something went wrong; please try again.".to_owned(),
        }
    }
}

/// An error answer: `{"code": "question_too_long", "message": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, lang: Language) -> ApiError {
        ApiError {
            code,
            message: code.message(lang),
        }
    }
}

/// The state of the parts behind the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the graph answers; `degraded` when an optional part (LLM, review search) is
    /// missing; `down` when the graph does not answer.
    pub status: HealthStatus,
    pub graph: bool,
    /// `None` when no LLM is configured (`--no-llm`).
    pub llm: Option<bool>,
    pub review_search: bool,
    /// The review index behind review search: ready, building in the background (with its
    /// percent and an estimate of the time left) or not built. `null` when the server does
    /// not track it. Since API 0.6.0.
    #[serde(default)]
    pub review_index: Option<ReviewIndexHealth>,
    pub version: String,
}

/// Where the review index stands ([`Health::review_index`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewIndexHealth {
    pub state: ReviewIndexPhase,
    /// Percent built (100 when ready; `null` when not built and no build runs).
    pub percent: Option<u8>,
    /// Seconds left at the build's current rate, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_s: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewIndexPhase {
    Ready,
    Building,
    NotBuilt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Degraded,
    Down,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_events_round_trip_through_their_sse_form() {
        let events = [
            StreamEvent::Stage(StageEvent {
                stage: Stage::Route,
                status: StageStatus::Finished,
                ms: Some(1.5),
                fallback: Some("no_llm".into()),
                failed: false,
            }),
            StreamEvent::Error(ApiError::new(ErrorCode::Busy, Language::En)),
        ];
        for e in events {
            let back = StreamEvent::from_sse(e.name(), &e.data_json()).unwrap();
            assert_eq!(back, e);
        }
    }

    #[test]
    fn every_code_has_a_client_or_server_status_and_messages_in_both_languages() {
        for code in ErrorCode::ALL {
            let s = code.http_status();
            assert!((400..600).contains(&s), "{code:?}");
            assert_ne!(code.message(Language::Ko), code.message(Language::En));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        // A user's mistake is never a 5xx.
        for code in [
            ErrorCode::EmptyQuestion,
            ErrorCode::QuestionTooLong,
            ErrorCode::InvalidRequest,
            ErrorCode::BodyTooLarge,
        ] {
            assert!(code.http_status() < 500, "{code:?}");
        }
    }

    #[test]
    fn requests_with_unknown_fields_are_refused() {
        let ok: AskRequest =
            serde_json::from_str(r#"{"question":"애월 흑돼지","language":"ko"}"#).unwrap();
        assert_eq!(ok.language, Some(Language::Ko));
        assert!(serde_json::from_str::<AskRequest>(r#"{"question":"x","admin":true}"#).is_err());
    }
}
