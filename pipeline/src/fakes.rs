//! In-memory stand-ins for the pipeline's seams (`ports`), for unit tests that run without a
//! server: a graph that answers by the kind of statement, a scripted model, a review index
//! with fixed matches.

use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use jeju_graph::{GraphError, Record, Statement};
use jeju_llm::{ChatRequest, ChatResponse, FinishReason, LlmError, StreamUsage, TextStream};
use jeju_review_search::{QueryEmbedding, ReviewSearchError, SearchStats, StoreMatch};
use serde_json::{json, Value};

use crate::ports::{ChatModel, GraphPort, ReviewIndex};

/// A store of the fake graph.
#[derive(Debug, Clone)]
pub struct FakeStore {
    pub id: &'static str,
    pub name: &'static str,
    pub rating: f64,
    pub reviews: i64,
    pub menu: Vec<(&'static str, u32)>,
    pub fastrp: Option<Vec<f64>>,
    pub region: &'static str,
    pub lat: f64,
    pub lng: f64,
}

impl FakeStore {
    pub fn new(id: &'static str, rating: f64, reviews: i64) -> FakeStore {
        FakeStore {
            id,
            name: id,
            rating,
            reviews,
            menu: vec![("흑돼지 오겹살", 19_000), ("고기국수", 9_000)],
            fastrp: None,
            region: "애월읍",
            lat: 33.46,
            lng: 126.33,
        }
    }
}

/// A graph that answers each kind of statement the pipeline runs from a list of stores:
/// the `$ids`/`$only_ids`/`$within`/`$exclude` lists, `$region` and `$dish_terms` restrict as the real
/// queries do, and a store passes every other filter (the filters' Cypher is tested against
/// a real server). Records every statement.
#[derive(Default)]
pub struct FakeGraph {
    pub stores: Vec<FakeStore>,
    /// Answered to `generated` (LLM-written Cypher), whatever the text.
    pub generated_rows: Vec<Record>,
    pub ran: Mutex<Vec<String>>,
}

impl FakeGraph {
    pub fn with_stores(stores: Vec<FakeStore>) -> FakeGraph {
        FakeGraph {
            stores,
            ..FakeGraph::default()
        }
    }

    fn listed(statement: &Statement, name: &str) -> Option<Vec<String>> {
        statement.params.iter().find_map(|(k, v)| match v {
            jeju_graph::Param::List(l) if k == name => Some(l.clone()),
            _ => None,
        })
    }

    fn store_record(s: &FakeStore) -> Record {
        let menu_names: Vec<&str> = s.menu.iter().map(|(n, _)| *n).collect();
        let menu: Vec<String> = s.menu.iter().map(|(n, p)| format!("{n}:{p}")).collect();
        Record::new([
            ("id", json!(s.id)),
            ("name", json!(s.name)),
            ("type", json!("가정식")),
            ("city", json!("제주시")),
            ("region", json!(s.region)),
            ("address", json!(format!("제주 제주시 {} 1", s.region))),
            ("lat", json!(s.lat)),
            ("lng", json!(s.lng)),
            ("menu", json!(menu)),
            ("menu_names", json!(menu_names)),
            ("price", json!(s.menu.first().map_or(0, |m| m.1))),
            ("rating", json!(s.rating)),
            ("local_ratio", json!(0.35)),
            ("age_60_over_ratio", json!(0.2)),
            ("hr_18_22_ratio", json!(0.5)),
            ("companion_reviews", json!(1)),
            ("reviews", json!(s.reviews)),
            ("age_share", json!(0.2)),
            ("time_share", Value::Null),
            ("distance_m", Value::Null),
            ("value", json!(s.rating)),
        ])
    }
}

#[async_trait]
impl GraphPort for FakeGraph {
    async fn records(&self, statement: &Statement) -> Result<Vec<Record>, GraphError> {
        let text = &statement.cypher;
        self.ran.lock().unwrap().push(text.clone());
        let only = FakeGraph::listed(statement, "only_ids")
            .or_else(|| FakeGraph::listed(statement, "ids"));
        let exclude = FakeGraph::listed(statement, "exclude").unwrap_or_default();
        let within = FakeGraph::listed(statement, "within");
        let dish_terms = FakeGraph::listed(statement, "dish_terms");
        let region = statement.params.iter().find_map(|(k, v)| match v {
            jeju_graph::Param::Text(r) if k == "region" => Some(r.clone()),
            _ => None,
        });
        let stores = self.stores.iter().filter(|s| {
            only.as_ref()
                .is_none_or(|ids| ids.iter().any(|i| i == s.id))
                && !exclude.iter().any(|i| i == s.id)
                && within.as_ref().is_none_or(|w| w.iter().any(|i| i == s.id))
                && region.as_deref().is_none_or(|r| r == s.region)
                && dish_terms.as_ref().is_none_or(|terms| {
                    s.menu
                        .iter()
                        .any(|(m, _)| terms.iter().any(|t| m.contains(t.as_str())))
                })
        });
        if text.contains("RETURN 1 AS one") {
            return Ok(vec![Record::new([("one", json!(1))])]);
        }
        if text.contains("s.fastrp AS v") {
            return Ok(self
                .stores
                .iter()
                .filter_map(|s| {
                    let v = s.fastrp.clone()?;
                    Some(Record::new([("id", json!(s.id)), ("v", json!(v))]))
                })
                .collect());
        }
        if text.contains("HAS_REVIEW") {
            return Ok(stores
                .map(|s| {
                    Record::new([
                        ("id", json!(s.id)),
                        ("rid", json!(format!("R-{}", s.id))),
                        (
                            "text",
                            json!(format!(
                                "{} 흑돼지가 정말 맛있었어요, 부모님도 좋아하셨어요",
                                s.name
                            )),
                        ),
                        ("rating", json!(5)),
                        ("keywords", json!(["부모님과"])),
                    ])
                })
                .collect());
        }
        if text.contains("count(") {
            return Ok(vec![Record::new([("value", json!(self.stores.len()))])]);
        }
        if text.contains("keys(") {
            return Ok(Vec::new());
        }
        Ok(stores.map(FakeGraph::store_record).collect())
    }

    async fn generated(&self, cypher: &str, _limit: Duration) -> Result<Vec<Record>, GraphError> {
        self.ran
            .lock()
            .unwrap()
            .push(format!("generated: {cypher}"));
        Ok(self.generated_rows.clone())
    }
}

/// What the scripted model answers one request with.
pub type ModelScript = Box<dyn Fn(&ChatRequest) -> Result<String, LlmError> + Send + Sync>;

/// A model that answers each request as its script says (streamed in pieces of 7 characters),
/// and remembers the requests.
pub struct FakeModel {
    script: ModelScript,
    pub requests: Mutex<Vec<ChatRequest>>,
}

impl FakeModel {
    pub fn new(
        script: impl Fn(&ChatRequest) -> Result<String, LlmError> + Send + Sync + 'static,
    ) -> FakeModel {
        FakeModel {
            script: Box::new(script),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// A model whose server cannot be reached.
    pub fn unreachable() -> FakeModel {
        FakeModel::new(|_| {
            Err(LlmError::Unreachable {
                url: "http://127.0.0.1:9/v1".into(),
                message: "connection refused".into(),
            })
        })
    }

    fn answer(&self, request: &ChatRequest) -> Result<String, LlmError> {
        self.requests.lock().unwrap().push(request.clone());
        (self.script)(request)
    }
}

#[async_trait]
impl ChatModel for FakeModel {
    async fn chat(&self, request: &ChatRequest) -> Result<ChatResponse, LlmError> {
        let text = self.answer(request)?;
        Ok(ChatResponse {
            text,
            prompt_tokens: 10,
            cached_tokens: 0,
            completion_tokens: 5,
            elapsed: Duration::ZERO,
            finish_reason: FinishReason::Stop,
            model: "fake".into(),
        })
    }

    async fn chat_stream_counted(
        &self,
        request: &ChatRequest,
    ) -> Result<(TextStream, StreamUsage), LlmError> {
        let text = self.answer(request)?;
        let chars: Vec<char> = text.chars().collect();
        let pieces: Vec<Result<String, LlmError>> = chars
            .chunks(7)
            .map(|c| Ok(c.iter().collect::<String>()))
            .collect();
        Ok((
            Box::pin(futures_util::stream::iter(pieces)),
            StreamUsage::reported(10, 5),
        ))
    }

    async fn health(&self) -> Result<(), LlmError> {
        Ok(())
    }
}

/// A review index whose search returns fixed matches (best first).
pub struct FakeReviews {
    pub matches: Vec<(&'static str, f32)>,
}

#[async_trait]
impl ReviewIndex for FakeReviews {
    fn embed_in_background(&self, _hyde_text: &str) -> QueryEmbedding {
        QueryEmbedding::ready(vec![0.0; 4])
    }

    async fn search_stores_embedded(
        &self,
        _query: QueryEmbedding,
        restrict_to: Option<&[String]>,
        _k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError> {
        let matches = self
            .matches
            .iter()
            .filter(|(id, _)| restrict_to.is_none_or(|r| r.iter().any(|x| x == id)))
            .map(|(id, score)| StoreMatch {
                store_id: (*id).to_owned(),
                score: *score,
                best: *score,
                review_ids: vec![format!("R-{id}")],
                hits: 1,
            })
            .collect();
        Ok((matches, SearchStats::default()))
    }
}
