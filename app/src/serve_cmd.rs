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
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(listener.serve(state, async {
        let _ = stopped.await;
    }));
    stop_signal().await?;
    eprintln!(
        "stopping: finishing the questions in flight (at most {} s)",
        DRAIN_DEADLINE.as_secs()
    );
    let _ = stop.send(());
    match tokio::time::timeout(DRAIN_DEADLINE, server).await {
        Ok(served) => served??,
        Err(_) => eprintln!("stopping: questions still in flight after the deadline were cut"),
    }
    Ok(())
}

/// How long in-flight turns may take to finish after SIGTERM or Ctrl-C.
const DRAIN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Ctrl-C (SIGINT) or SIGTERM (what a container runtime sends to PID 1).
async fn stop_signal() -> Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    Ok(())
}
