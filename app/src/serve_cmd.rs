//! `jeju serve`: the chat page and the JSON API.

use std::sync::Arc;

use anyhow::Result;
use jeju_server::{AppState, Listener, ServerConfig};

use crate::cli::ServeArgs;
use crate::pipeline_setup;

pub async fn serve(args: &ServeArgs) -> Result<()> {
    let pipeline = Arc::new(pipeline_setup::build_for_server(!args.no_llm).await?);
    let config = ServerConfig::for_pipeline(pipeline.has_llm());
    let state = AppState::new(pipeline, config);
    let listener = Listener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    eprintln!(
        "jeju-rec is listening on http://{addr}/ (API: /api/ask, /api/openapi.json; Ctrl-C stops)"
    );
    if !jeju_server::hydrates() {
        eprintln!("note: the page's wasm bundle was not built (no wasm32 target): the page works as plain forms");
    }
    listener
        .serve(state, async {
            let _ = tokio::signal::ctrl_c().await;
            eprintln!("stopping: finishing the questions in flight");
        })
        .await?;
    Ok(())
}
