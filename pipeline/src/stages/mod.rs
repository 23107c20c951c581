//! The stages of a turn, one file each. Each is a function from its typed input to its typed
//! output plus a [`StageReport`]; the driver (`machine.rs`) runs them in order and records
//! the reports. A new stage goes here, with a variant in `jeju_api::Stage`.
//!
//! ```text
//! route        Session, question      → Routed (intent, fresh or follow-up, request)
//! text2cypher  Intent                 → Retrieved::Search(answer) | Retrieved::Candidates
//! review_search Candidates            → Candidates (re-ranked by review match)
//! backfill     Candidates             → Cards (FastRP neighbours when few pass the filters)
//! select       Cards                  → Picks (LLM or the deterministic ranker)
//! answer       AnswerBody             → text and notice
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::PipelineError;
use crate::ports::{ChatModel, GraphPort};
use crate::prompts::Prompts;
use crate::review_slot::ReviewSlot;
use crate::schema::GraphSchema;
use crate::scope::GraphWords;

pub mod answer;
pub mod backfill;
pub mod review_search;
pub mod route;
pub mod select;
pub mod text2cypher;

/// What the stages use: the seams to the outside and what is loaded once per pipeline.
pub(crate) struct Parts {
    pub graph: Arc<dyn GraphPort>,
    pub prompts: Prompts,
    /// The LLM of the route, text2cypher and select stages; `None` = fallbacks only.
    pub llm: Option<Arc<dyn ChatModel>>,
    /// HyDE review search; empty = rank by graph signals only.
    pub reviews: ReviewSlot,
    /// What the LLM writes for each pick (fact numbers or a short reason).
    pub select_style: crate::llm_select::SelectStyle,
    /// A negative control of the evaluation (never set otherwise).
    pub ablation: Option<crate::ablation::Ablation>,
    /// FastRP vectors of every store, loaded from the graph on first use.
    store_vectors: tokio::sync::OnceCell<BTreeMap<String, Vec<f32>>>,
    /// The graph's schema, introspected on first use (for the text2cypher prompt).
    schema: tokio::sync::OnceCell<GraphSchema>,
    /// Menu-item, store-name and type words, read on first use (for [`crate::scope`]).
    graph_words: tokio::sync::OnceCell<GraphWords>,
}

impl Parts {
    pub fn new(graph: Arc<dyn GraphPort>, prompts: Prompts) -> Parts {
        Parts {
            graph,
            prompts,
            llm: None,
            reviews: ReviewSlot::default(),
            select_style: Default::default(),
            ablation: None,
            store_vectors: tokio::sync::OnceCell::new(),
            schema: tokio::sync::OnceCell::new(),
            graph_words: tokio::sync::OnceCell::new(),
        }
    }

    /// The graph's words (menu items, store names, types, address villages), read once.
    /// When the graph does not answer, empty this time (and tried again on the next turn):
    /// then no question is declined as nonsense.
    pub async fn graph_words(&self) -> Option<&GraphWords> {
        let loaded = self
            .graph_words
            .get_or_try_init(|| async {
                let q = jeju_graph::Statement::text(
                    "MATCH (s:Store) RETURN s.name AS name, s.type AS type, \
                     s.menu_names AS menu_names, s.address AS address",
                );
                let rows = self.graph.records(&q).await?;
                let mut names: Vec<String> = Vec::new();
                let mut menus: std::collections::BTreeSet<String> = Default::default();
                let mut addresses: Vec<String> = Vec::new();
                for r in &rows {
                    names.extend(r.get::<String>("name").ok());
                    names.extend(r.get::<String>("type").ok());
                    menus.extend(r.get::<Vec<String>>("menu_names").unwrap_or_default());
                    addresses.extend(r.get::<String>("address").ok());
                }
                Ok::<_, PipelineError>(
                    GraphWords::from_menus_and_names(
                        menus.iter().map(String::as_str),
                        names.iter().map(String::as_str),
                    )
                    .with_addresses(addresses.iter().map(String::as_str)),
                )
            })
            .await;
        match loaded {
            Ok(words) => Some(words),
            Err(e) => {
                tracing::warn!("graph words not read ({e}): nothing is declined as nonsense");
                None
            }
        }
    }

    pub fn graph(&self) -> &dyn GraphPort {
        self.graph.as_ref()
    }

    /// The graph's schema, introspected once.
    pub async fn schema(&self) -> Result<&GraphSchema, PipelineError> {
        self.schema
            .get_or_try_init(|| GraphSchema::introspect(self.graph.as_ref()))
            .await
    }

    /// Every store's FastRP vector (empty when the graph has none), loaded once.
    pub async fn vectors(&self) -> Result<&BTreeMap<String, Vec<f32>>, PipelineError> {
        self.store_vectors
            .get_or_try_init(|| backfill::load_store_vectors(self.graph.as_ref()))
            .await
    }
}
