//! The offline evaluation harness of jeju-rec.
//!
//! - [`case`]: the case format (DESIGN.md §4; `docs/eval-format.md`).
//! - [`generate`]: case sets generated from the synthetic data in the graph, gold queries by
//!   templates (never by the system under test), each gold answer checked twice.
//! - [`heldout`]: the held-out set's templates (another data seed, wording written the way
//!   people ask, never tuned against); its results are reported, never used to change code.
//! - [`run`]: every case through the same [`jeju_pipeline::Pipeline`] the CLI uses; each pick
//!   checked against the graph with the harness's own queries and against the truth file.
//! - [`log`]: `results.jsonl`, every case as it finishes, so a long run can resume.
//! - [`report`]: totals, latency percentiles, LLM cost, fallbacks, failure classes; JSON and
//!   Markdown.
//! - [`compare`]: two runs (or a run and the smoke golden) paired case by case: answer
//!   identity, score flips by failure class, precision@3 on the turns that differ.

pub mod case;
pub mod check;
pub mod compare;
pub mod error;
pub mod facts;
pub mod generate;
pub mod heldout;
pub mod log;
pub mod report;
pub mod run;
pub mod vocab;

pub use case::{load_cases, Case, CaseConstraints, CaseKind};
pub use error::EvalError;
pub use facts::TruthTable;
pub use report::{Report, ReportMeta};
pub use run::{CaseResult, Evaluator};
