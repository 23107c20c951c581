//! The review search of a pipeline: open, or missing with a way to open it later. A part
//! missing at start (the index not built yet, the embedding model not installed) comes back
//! without a restart.

use std::sync::Arc;
use std::time::Instant;

use jeju_review_search::ReviewSearch;

use crate::ports::ReviewIndex;

/// Opens the review search: its index and its embedding model. `Err` says what is missing.
pub type ReviewOpener = Arc<
    dyn Fn() -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<ReviewSearch, String>> + Send>,
        > + Send
        + Sync,
>;

/// The review search, if open, and how to open it when it is not: a part missing at start
/// (the index not built yet, the embedding model not installed) comes back without a restart.
#[derive(Default)]
pub(crate) struct ReviewSlot {
    shared: Arc<std::sync::Mutex<ReviewState>>,
    pub(crate) opener: Option<(ReviewOpener, std::time::Duration)>,
}

#[derive(Default)]
pub(crate) struct ReviewState {
    pub(crate) open: Option<Arc<dyn ReviewIndex>>,
    /// When the opener last started, whether it is running, and why it last failed.
    tried_at: Option<Instant>,
    running: bool,
    error: Option<String>,
}

impl ReviewSlot {
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, ReviewState> {
        // A panic while holding this lock cannot leave the state half-written (each field
        // is set on its own), so a poisoned lock is still usable.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn is_open(&self) -> bool {
        self.state().open.is_some()
    }

    /// The open review search. When there is none, starts the opener in the background (at
    /// most once per retry interval; the turn does not wait) so that a later turn has it.
    pub(crate) fn get(&self) -> Option<Arc<dyn ReviewIndex>> {
        let mut state = self.state();
        if let Some(open) = &state.open {
            return Some(open.clone());
        }
        let (opener, every) = self.opener.as_ref()?;
        let due = state.tried_at.is_none_or(|t| t.elapsed() >= *every);
        if state.running || !due || tokio::runtime::Handle::try_current().is_err() {
            return None;
        }
        state.running = true;
        state.tried_at = Some(Instant::now());
        let shared = self.shared.clone();
        let opening = opener();
        tokio::spawn(async move {
            let outcome = opening.await;
            let mut state = shared.lock().unwrap_or_else(|e| e.into_inner());
            state.running = false;
            match outcome {
                Ok(search) => {
                    tracing::info!("review search opened");
                    state.open = Some(Arc::new(search) as Arc<dyn ReviewIndex>);
                    state.error = None;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "review search still not available");
                    state.error = Some(e);
                }
            }
        });
        None
    }

    /// Runs the opener now, whatever the retry interval (e.g. when the caller knows the index
    /// was just built). `Ok(false)` when the search was already open or there is no opener.
    pub(crate) async fn open_now(&self) -> Result<bool, String> {
        let Some((opener, _)) = self.opener.as_ref() else {
            return Ok(false);
        };
        if self.is_open() {
            return Ok(false);
        }
        let outcome = opener().await;
        let mut state = self.state();
        state.tried_at = Some(Instant::now());
        match outcome {
            Ok(search) => {
                tracing::info!("review search opened");
                state.open = Some(Arc::new(search) as Arc<dyn ReviewIndex>);
                state.error = None;
                Ok(true)
            }
            Err(e) => {
                state.error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Why the review search is not open, for the trace.
    pub(crate) fn missing_reason(&self) -> String {
        match &self.state().error {
            Some(e) => format!("review search not available ({e}): ranking by graph signals only"),
            None => "review vector index not available: ranking by graph signals only".into(),
        }
    }
}
