//! `jeju serve`: the chat page and the JSON/SSE API over the pipeline.
//!
//! - `GET /`: the chat page, rendered on the server (Leptos) and hydrated in the browser
//!   from the wasm bundle under `/pkg/`. `?q=…` answers a question without JavaScript
//!   (a plain form), then redirects to the conversation.
//! - `POST /api/ask`, `GET /api/ask/stream` (Server-Sent Events), `GET /api/health`,
//!   `GET /api/openapi.json`: see [`jeju_api`] and [`openapi`].
//!
//! [`load`] is a load generator for `POST /api/ask` (`jeju bench --load`, `tests/load.rs`).
//!
//! Every turn runs in its own task under a deadline, behind a bounded queue, and the turns of
//! one session run one after another; failures become an [`jeju_api::ApiError`] with a stable
//! code and HTTP status, never a panic or a 500 for the user's input.

mod bundle;
pub mod convert;
pub mod load;
mod map_view;
pub mod metrics;
pub mod openapi;
mod routes;
pub mod session_store;
pub mod sessions;
pub mod trace_summary;
pub mod turn;

use std::net::SocketAddr;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Duration;

use jeju_pipeline::Pipeline;
use tokio::sync::Semaphore;

pub use routes::router;

/// Limits of the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Turns that run at once (the rest queue).
    pub max_concurrent_turns: usize,
    /// Turns that may wait for a slot; more are answered `busy` at once.
    pub max_waiting_turns: usize,
    /// How long a turn may wait for a slot before it is answered `busy`.
    pub queue_timeout: Duration,
    /// How long a turn may run before it is answered `timeout`.
    pub turn_timeout: Duration,
    /// A conversation idle this long is forgotten.
    pub session_ttl: Duration,
    /// Conversations kept at most (the least recently used go first).
    pub max_sessions: usize,
}

impl ServerConfig {
    /// Limits that suit the pipeline: with a local LLM one turn takes tens of seconds and the
    /// LLM server answers one request at a time, so turns queue longer and fewer run at once.
    pub fn for_pipeline(has_llm: bool) -> ServerConfig {
        if has_llm {
            ServerConfig {
                max_concurrent_turns: 2,
                max_waiting_turns: 32,
                queue_timeout: Duration::from_secs(300),
                turn_timeout: Duration::from_secs(240),
                session_ttl: Duration::from_secs(6 * 3600),
                max_sessions: 10_000,
            }
        } else {
            ServerConfig {
                max_concurrent_turns: 16,
                max_waiting_turns: 256,
                queue_timeout: Duration::from_secs(30),
                turn_timeout: Duration::from_secs(30),
                session_ttl: Duration::from_secs(6 * 3600),
                max_sessions: 10_000,
            }
        }
    }
}

/// Tells where the review index stands (a background build's progress): the binary reads
/// the build's progress file; `None` when nothing is known.
pub type ReviewIndexProbe = Arc<dyn Fn() -> Option<jeju_api::ReviewIndexHealth> + Send + Sync>;

/// What every request handler shares.
pub struct AppState {
    pub pipeline: Arc<Pipeline>,
    pub sessions: sessions::Sessions,
    pub config: ServerConfig,
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    review_index: Option<ReviewIndexProbe>,
    /// What `/metrics` exposes.
    pub metrics: metrics::Metrics,
}

impl AppState {
    /// The state with conversations in this process and no review-index probe.
    pub fn new(pipeline: Arc<Pipeline>, config: ServerConfig) -> Arc<AppState> {
        let sessions = sessions::Sessions::new(config.session_ttl, config.max_sessions);
        AppState::with_parts(pipeline, config, sessions, None)
    }

    /// [`AppState::new`] with its conversations in `sessions` (e.g. a shared store, see
    /// [`sessions::Sessions::with_store`]) and a probe of the review index, shown in
    /// `/api/health` and, while a build runs, as [`jeju_api::AskResponse::warming_up`] on
    /// answers review search could not help.
    pub fn with_parts(
        pipeline: Arc<Pipeline>,
        config: ServerConfig,
        sessions: sessions::Sessions,
        review_index: Option<ReviewIndexProbe>,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            pipeline,
            sessions,
            permits: Arc::new(Semaphore::new(config.max_concurrent_turns.max(1))),
            waiting: AtomicUsize::new(0),
            config,
            review_index,
            metrics: metrics::Metrics::new(),
        })
    }

    /// Where the review index stands, if the server tracks it.
    pub fn review_index(&self) -> Option<jeju_api::ReviewIndexHealth> {
        self.review_index.as_ref().and_then(|probe| probe())
    }
}

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// Whether the page's wasm bundle was built (without it the page works as plain forms).
pub fn hydrates() -> bool {
    bundle::HYDRATE
}

/// Where the page links the bundle's files from: `/pkg/<content hash>`.
pub fn assets_dir() -> String {
    format!("{}/{}", jeju_web::PKG_PATH, bundle::VERSION)
}

/// A bound listener, before it serves.
pub struct Listener {
    listener: tokio::net::TcpListener,
}

impl Listener {
    pub async fn bind(addr: SocketAddr) -> Result<Listener, ServerError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Bind { addr, source })?;
        Ok(Listener { listener })
    }

    /// The address actually bound (port 0 picks a free port).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn serve(
        self,
        state: Arc<AppState>,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        axum::serve(self.listener, router(state))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(ServerError::Serve)
    }
}
