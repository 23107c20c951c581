//! The per-turn pipeline of jeju-rec: a typed state machine
//! (route → text2cypher → review search → backfill → select → answer) with a per-turn trace.
//!
//! Status: the deterministic path (gazetteer route, composed Cypher, graph-signal ranking)
//! runs end to end. The LLM stages, HyDE review search and FastRP backfill are being added;
//! until then the trace names each stage's fallback.

pub mod compose;
pub mod error;
pub mod guard;
pub mod intent;
pub mod lexicon;
pub mod llm_route;
pub mod machine;
pub mod parse;
pub mod prompts;
pub mod recommend;
pub mod schema;
pub mod session;

pub use error::PipelineError;
pub use machine::{Answer, AnswerBody, Pipeline};
