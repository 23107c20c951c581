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
    /// A negative control of the evaluation (never set otherwise).
    pub ablation: Option<crate::ablation::Ablation>,
    /// FastRP vectors of every store, loaded from the graph on first use.
    store_vectors: tokio::sync::OnceCell<BTreeMap<String, Vec<f32>>>,
    /// The graph's schema, introspected on first use (for the text2cypher prompt).
    schema: tokio::sync::OnceCell<GraphSchema>,
}

impl Parts {
    pub fn new(graph: Arc<dyn GraphPort>, prompts: Prompts) -> Parts {
        Parts {
            graph,
            prompts,
            llm: None,
            reviews: ReviewSlot::default(),
            ablation: None,
            store_vectors: tokio::sync::OnceCell::new(),
            schema: tokio::sync::OnceCell::new(),
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
