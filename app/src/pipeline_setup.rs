//! The pipeline as `jeju ask`, `chat` and `bench` use it: the graph, the configured LLM
//! (unless told not to) and HyDE review search when its index is built.

use std::sync::Arc;

use anyhow::Result;
use jeju_pipeline::Pipeline;
use jeju_review_search::{ReviewIndexPaths, ReviewSearch};

use crate::graph_cmd::{connect, project_home};

/// Connects the parts. A missing LLM or review index is reported on stderr and the pipeline
/// runs without it (each stage has its fallback); a missing graph is an error.
pub async fn build(use_llm: bool) -> Result<Pipeline> {
    let graph = connect(false).await?;
    let mut pipeline = Pipeline::new(graph)?;
    if use_llm {
        match jeju_llm::LlmClient::from_env() {
            Ok(llm) => pipeline = pipeline.with_llm(llm),
            Err(e) => eprintln!("LLM not used: {e}"),
        }
    }
    let home = project_home();
    match ReviewSearch::open(&ReviewIndexPaths::local(&home), &home).await {
        Ok(reviews) => pipeline = pipeline.with_reviews(Arc::new(reviews)),
        Err(e) => eprintln!("review search off: {e}"),
    }
    Ok(pipeline)
}
