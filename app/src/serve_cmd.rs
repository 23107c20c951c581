//! `jeju serve`: the chat page and the JSON API, and (when the review index is missing) its
//! build in the background at the lowest CPU priority.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Result;
use jeju_api::{ReviewIndexHealth, ReviewIndexPhase};
use jeju_review_search::ReviewIndexState;
use jeju_server::session_store::SessionStoreConfig;
use jeju_server::sessions::Sessions;
use jeju_server::{AppState, Listener, ReviewIndexProbe, ServerConfig};

use crate::cli::{ReviewVectorsArg, ServeArgs};
use crate::graph_cmd::project_home;
use crate::{pipeline_setup, review_build};

pub async fn serve(args: &ServeArgs) -> Result<()> {
    let pipeline = Arc::new(pipeline_setup::build_for_server(!args.no_llm).await?);
    let home = project_home();
    let builder = if pipeline.has_review_search() || args.review_vectors == ReviewVectorsArg::Skip {
        None
    } else {
        start_background_build(&home, pipeline.clone())
    };
    let config = ServerConfig::for_pipeline(pipeline.has_llm());
    let store = SessionStoreConfig::from_env()?;
    let sessions = Sessions::with_store(config.session_ttl, config.max_sessions, &store)?;
    if sessions.store_answers().await == Some(false) {
        eprintln!(
            "warning: the session store {} does not answer: conversations go on in this process until it does",
            store.describe()
        );
    }
    let builder_running = builder.as_ref().map(|b| b.running());
    let probe = review_index_probe(&home, builder_running);
    let state = AppState::with_parts(pipeline, config, sessions, Some(probe));
    let listener = Listener::bind(args.addr).await?;
    let addr = listener.local_addr()?;
    eprintln!(
        "jeju-rec is listening on http://{addr}/ (API: /api/ask, /api/openapi.json; conversations in {}; Ctrl-C stops)",
        store.describe()
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
    if let Some(builder) = builder {
        // Its cache keeps what it embedded: the next `jeju serve` resumes.
        builder.stop().await;
    }
    match tokio::time::timeout(DRAIN_DEADLINE, server).await {
        Ok(served) => served??,
        Err(_) => eprintln!("stopping: questions still in flight after the deadline were cut"),
    }
    Ok(())
}

/// Starts the background build of the review index, and opens review search as soon as it
/// is done; a failure to start is reported and the server runs without review search.
fn start_background_build(
    home: &Path,
    pipeline: Arc<jeju_pipeline::Pipeline>,
) -> Option<review_build::BackgroundBuild> {
    let log = review_build::background_log(home);
    let on_done = move |success: bool| async move {
        if !success {
            eprintln!(
                "warning: the background review index build failed (see {}); review search stays off",
                log.display()
            );
            return;
        }
        match pipeline.open_review_search_now().await {
            Ok(_) => eprintln!("review index built: review search is on"),
            Err(e) => eprintln!("warning: the review index was built but does not open: {e}"),
        }
    };
    match review_build::spawn_background(home, on_done) {
        Ok(Some(build)) => {
            eprintln!(
                "review search is off until its index is built: building it in the background at low priority \
                 (pid {}, log {}; progress: `jeju status` or /api/health)",
                build.pid().unwrap_or_default(),
                build.log().display()
            );
            Some(build)
        }
        Ok(None) => {
            eprintln!("review search is off until its index is built: a build is already running (`jeju status`)");
            None
        }
        Err(e) => {
            eprintln!("warning: the review index cannot be built in the background: {e:#}");
            None
        }
    }
}

/// `/api/health`'s view of the review index, read from the build's progress file; a builder
/// this server started counts as building from its start (before its first progress).
fn review_index_probe(home: &Path, builder_running: Option<Arc<AtomicBool>>) -> ReviewIndexProbe {
    let home = home.to_path_buf();
    Arc::new(move || {
        let state = review_build::state(&home).ok()?;
        let starting = matches!(state, ReviewIndexState::NotBuilt { .. })
            && builder_running
                .as_ref()
                .is_some_and(|r| r.load(Ordering::SeqCst));
        Some(ReviewIndexHealth {
            state: match &state {
                ReviewIndexState::Ready { .. } => ReviewIndexPhase::Ready,
                ReviewIndexState::Building(_) => ReviewIndexPhase::Building,
                ReviewIndexState::NotBuilt { .. } if starting => ReviewIndexPhase::Building,
                ReviewIndexState::NotBuilt { .. } => ReviewIndexPhase::NotBuilt,
            },
            percent: if starting { Some(0) } else { state.percent() },
            eta_s: match &state {
                ReviewIndexState::Building(p) => p.eta_s(),
                _ => None,
            },
        })
    })
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
