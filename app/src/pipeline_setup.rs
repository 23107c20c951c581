//! The pipeline as `jeju ask`, `chat` and `bench` use it: the graph, the configured LLM
//! (unless told not to) and HyDE review search when its index is built.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use jeju_graph::{GraphClient, GraphConfig};
use jeju_pipeline::llm_select::SelectStyle;
use jeju_pipeline::{Pipeline, ReviewOpener};
use jeju_review_search::{ReviewIndexPaths, ReviewSearch};

use crate::graph_cmd::{connect, project_home};

/// How often a server whose review search was missing tries to open it again.
pub const REVIEW_RETRY: Duration = Duration::from_secs(30);

/// Connects the parts. A missing LLM or review index is reported on stderr and the pipeline
/// runs without it (each stage has its fallback); a missing graph is an error.
pub async fn build(use_llm: bool) -> Result<Pipeline> {
    let graph = connect(false).await?;
    Ok(with_parts(Pipeline::new(graph)?, use_llm).await)
}

/// [`build`] for a long-running server, which must come up even when a part is missing and
/// recover when it comes back: a graph that does not answer yet is reported, and the server
/// answers `graph_unavailable` until it does; a missing review index or embedding model is
/// tried again every [`REVIEW_RETRY`].
pub async fn build_for_server(use_llm: bool) -> Result<Pipeline> {
    let config = GraphConfig::from_env();
    let graph = match GraphClient::connect(&config).await {
        Ok(graph) => graph,
        Err(e) if e.is_unavailable() => {
            eprintln!(
                "warning: {e}\nstarting without the graph: /api/health reports it down and questions \
                 get `graph_unavailable` until it answers"
            );
            GraphClient::connect_lazy(&config).await?
        }
        Err(e) => return Err(e.into()),
    };
    let pipeline = with_parts(Pipeline::new(graph)?, use_llm).await;
    if pipeline.has_review_search() {
        return Ok(pipeline);
    }
    let home = project_home();
    let opener: ReviewOpener = Arc::new(move || {
        let home = home.clone();
        Box::pin(async move {
            ReviewSearch::open(&ReviewIndexPaths::local(&home), &home)
                .await
                .map_err(|e| e.to_string())
        })
    });
    Ok(pipeline.with_review_opener(opener, REVIEW_RETRY))
}

/// What the LLM select writes for each pick: `JEJU_SELECT_STYLE` (`facts`, the default, or
/// `sentence`).
pub fn select_style() -> Result<SelectStyle> {
    match std::env::var("JEJU_SELECT_STYLE") {
        Ok(v) if !v.trim().is_empty() => v
            .parse()
            .map_err(|e: String| anyhow::anyhow!("JEJU_SELECT_STYLE: {e}")),
        _ => Ok(SelectStyle::default()),
    }
}

/// The optional parts: the LLM (unless `use_llm` is false) and the review search.
async fn with_parts(mut pipeline: Pipeline, use_llm: bool) -> Pipeline {
    if use_llm {
        match jeju_llm::LlmClient::from_env() {
            Ok(llm) => pipeline = pipeline.with_llm(llm),
            Err(e) => eprintln!("LLM not used: {e}"),
        }
        match select_style() {
            Ok(style) => pipeline = pipeline.with_select_style(style),
            Err(e) => eprintln!("{e}: the default (facts) is used"),
        }
    }
    let home = project_home();
    match ReviewSearch::open(&ReviewIndexPaths::local(&home), &home).await {
        Ok(reviews) => pipeline = pipeline.with_reviews(Arc::new(reviews)),
        Err(e) => eprintln!("review search off: {e}"),
    }
    pipeline
}
