//! The per-turn pipeline of jeju-rec: a typed state machine
//! (route → text2cypher → review search → backfill → select → answer) with a per-turn trace.
//!
//! With an LLM (`Pipeline::with_llm`), route, text2cypher and select ask it (JSON-schema
//! output, a guarded and repaired query, a streamed selection); every LLM stage has a
//! deterministic fallback (gazetteer parser, composed Cypher, graph-signal ranker) that the
//! trace names when it fires.

pub mod compose;
pub mod error;
pub mod guard;
pub mod intent;
pub mod lexicon;
pub mod llm_cypher;
pub mod llm_route;
pub mod llm_select;
pub mod machine;
pub mod parse;
pub mod prompts;
pub mod recommend;
pub mod schema;
pub mod session;
pub mod trace;

pub use error::PipelineError;
pub use machine::{Answer, AnswerBody, Observer, PartsHealth, Pipeline, TurnEvent, STAGES};
pub use trace::{LlmUsage, StageTrace, Trace};
