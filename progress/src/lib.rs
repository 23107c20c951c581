//! How long jobs report their progress: the graph ingest (`jeju-graph`) and the review
//! embedding (`jeju-review-search`) call a [`Progress`]; the CLI (`jeju-app`) draws bars for
//! it, tests pass [`NoProgress`]. No dependencies, so that a crate can report progress
//! without depending on the graph.

/// Reports progress of each stage of a job (the CLI draws bars; tests pass [`NoProgress`]).
pub trait Progress {
    fn begin(&self, stage: &str, total: u64);
    fn advance(&self, n: u64);
    fn end(&self);
}

/// Progress that reports nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
    fn end(&self) {}
}
