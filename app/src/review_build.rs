//! The review index built apart from ingest: `jeju reviews build` (from the reviews in the
//! graph), and the same command started by `jeju serve` in the background at the lowest CPU
//! priority while it answers, so that the first answer does not wait for the embedding.
//!
//! Progress goes to the file beside the index ([`ReviewIndexPaths::build_progress_file`]),
//! which `jeju status`, `/api/health` and the page read; the embedding cache makes every run
//! resumable.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::{Context, Result};
use jeju_progress::{NoProgress, Progress};
use jeju_review_search::{
    index_status, read_build_state, IndexStatus, ReviewIndexPaths, ReviewIndexState,
};

use crate::cli::ReviewsBuildArgs;
use crate::graph_cmd::{connect, project_home};
use crate::progress::Bars;

/// The niceness of the background builder: the lowest priority, so that answer turns (and
/// the graph server) get the cores first.
const BACKGROUND_NICENESS: &str = "19";

/// Where the background builder's output goes.
pub fn background_log(home: &Path) -> PathBuf {
    home.join(".jeju/logs/reviews-build.log")
}

/// `jeju reviews build`: embeds the graph's reviews into the review index (what the cache
/// lacks), unless it is already up to date.
pub async fn build(args: &ReviewsBuildArgs) -> Result<()> {
    let home = project_home();
    let client = connect(false).await?;
    let started = std::time::Instant::now();
    let reviews = client.reviews().await?;
    println!(
        "review vectors: {} reviews read from the graph in {:.1} s",
        reviews.len(),
        started.elapsed().as_secs_f64()
    );
    if reviews.is_empty() {
        println!(
            "review vectors: the graph has no reviews, nothing to embed (run `jeju ingest` first)"
        );
        return Ok(());
    }
    let embedder = jeju_embed::Embedder::load_default(&home).context(
        "review vectors need the e5 model (./setup.sh installs it); review search stays off",
    )?;
    let bars = Bars::new();
    let progress: &(dyn Progress + Sync) = if args.background { &NoProgress } else { &bars };
    embed_and_report(&reviews, &embedder, &home, progress).await
}

/// Builds the review index of `reviews` in the project at `home` (only what the cache
/// lacks) and prints what it did: `jeju reviews build` and `jeju ingest` share it.
pub async fn embed_and_report(
    reviews: &[jeju_data::catalog::Review],
    embedder: &jeju_embed::Embedder,
    home: &Path,
    progress: &(dyn Progress + Sync),
) -> Result<()> {
    let paths = ReviewIndexPaths::local(home);
    println!(
        "review vectors: {} reviews, e5 on {} threads ({} engine), cache {}, index {}",
        reviews.len(),
        embedder.threads(),
        embedder.engine(),
        paths.cache_file.display(),
        paths.index_dir.display()
    );
    let summary = jeju_review_search::build_index_from_reviews(reviews, embedder, &paths, progress)
        .await
        .context(
            "building the review vectors (run the same command again to resume from the cache)",
        )?;
    if summary.up_to_date {
        println!(
            "review vectors: index up to date ({} points, checked in {:.1} s)",
            summary.points,
            summary.elapsed.as_secs_f64()
        );
    } else {
        let rate = summary
            .passages_per_s()
            .map_or_else(String::new, |r| format!(" at {r:.0}/s"));
        println!(
            "review vectors: {} embedded{rate}, {} from cache, in {:.1} s; {} points in the {} index in {:.1} s",
            summary.embedded,
            summary.cached,
            summary.embed_time.as_secs_f64(),
            summary.points,
            summary.manifest.backend,
            summary.index_time.as_secs_f64()
        );
    }
    Ok(())
}

/// A builder started by [`spawn_background`], watched by a task; [`BackgroundBuild::stop`]
/// stops it (its cache keeps what it embedded: the next build resumes).
pub struct BackgroundBuild {
    pid: Option<u32>,
    running: Arc<AtomicBool>,
    log: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    watcher: tokio::task::JoinHandle<()>,
}

impl BackgroundBuild {
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    pub fn log(&self) -> &Path {
        &self.log
    }

    /// Whether the builder still runs (true from its start, before it has written any
    /// progress).
    pub fn running(&self) -> Arc<AtomicBool> {
        self.running.clone()
    }

    /// Stops the builder if it still runs.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.watcher).await;
    }
}

/// Starts `jeju reviews build --background` under `nice -n 19` (the lowest CPU priority;
/// every thread it starts inherits it), its output in `.jeju/logs/reviews-build.log`.
/// `on_done(success)` runs when the builder exits by itself (e.g. to open review search at
/// once). `None` when a builder already runs (its progress file names a live `jeju`
/// process).
pub fn spawn_background<F, Fut>(home: &Path, on_done: F) -> Result<Option<BackgroundBuild>>
where
    F: FnOnce(bool) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    if let ReviewIndexState::Building(p) = state(home)? {
        tracing::info!(pid = p.pid, "a review index build is already running");
        return Ok(None);
    }
    let weights = jeju_embed::default_weights_path(home);
    if !jeju_embed::engine_built() || !weights.is_file() {
        anyhow::bail!(
            "the e5 model is not installed ({}; ./setup.sh installs it): review search stays off",
            weights.display()
        );
    }
    let exe = std::env::current_exe().context("finding the jeju binary")?;
    let log = background_log(home);
    if let Some(dir) = log.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let out = std::fs::File::create(&log).with_context(|| format!("writing {}", log.display()))?;
    let err = out.try_clone()?;
    let mut command = if nice_available() {
        let mut c = tokio::process::Command::new("nice");
        c.args(["-n", BACKGROUND_NICENESS]).arg(exe);
        c
    } else {
        tracing::warn!("`nice` not found: the review index builds at normal priority");
        tokio::process::Command::new(exe)
    };
    command
        .args(["reviews", "build", "--background"])
        .env("JEJU_HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .context("starting the background review index build")?;
    let pid = child.id();
    let running = Arc::new(AtomicBool::new(true));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let watcher = tokio::spawn({
        let running = running.clone();
        async move {
            tokio::select! {
                status = child.wait() => {
                    running.store(false, Ordering::SeqCst);
                    let success = status.is_ok_and(|s| s.success());
                    on_done(success).await;
                }
                _ = stopped => {
                    let _ = child.kill().await;
                    running.store(false, Ordering::SeqCst);
                }
            }
        }
    });
    Ok(Some(BackgroundBuild {
        pid,
        running,
        log,
        stop: Some(stop),
        watcher,
    }))
}

fn nice_available() -> bool {
    std::process::Command::new("nice")
        .arg("true")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Is `pid` a running `jeju` process (a builder: `jeju reviews build` or `jeju ingest`)?
pub fn is_builder(pid: u32) -> bool {
    jeju_process::pid_runs(pid, |args| {
        args.iter().take(2).any(|a| {
            Path::new(a)
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("jeju"))
        })
    })
}

/// The review index's state in the project at `home`.
pub fn state(home: &Path) -> Result<ReviewIndexState> {
    Ok(read_build_state(
        &ReviewIndexPaths::local(home),
        is_builder,
    )?)
}

/// After an ingest that leaves the review vectors to the server: an index built from other
/// reviews (or by another model) is marked stale, so that review search does not serve it and
/// the server rebuilds it. Returns whether the index is fresh for these reviews.
pub fn check_against(home: &Path, reviews: &[jeju_data::catalog::Review]) -> Result<bool> {
    let paths = ReviewIndexPaths::local(home);
    let model_id = match jeju_embed::Embedder::load_default(home) {
        Ok(e) => e.model_id().to_owned(),
        Err(_) => return Ok(false),
    };
    Ok(match index_status(&paths, reviews, &model_id)? {
        IndexStatus::Fresh(_) => true,
        IndexStatus::Missing => false,
        IndexStatus::Stale(reason) => {
            jeju_review_search::invalidate(&paths)?;
            println!(
                "review vectors: the index was built from {reason}; it is set aside until rebuilt"
            );
            false
        }
    })
}

/// One line for a status: where the review index stands.
pub fn describe(state: &ReviewIndexState) -> String {
    match state {
        ReviewIndexState::Ready { points } => format!("ready ({points} reviews)"),
        ReviewIndexState::Building(p) => {
            let mut line = format!(
                "building {} % ({} {} of {}",
                state.percent().unwrap_or(0),
                p.stage,
                p.done,
                p.total
            );
            if let Some(rate) = p.rate_per_s() {
                line.push_str(&format!(", {rate:.0}/s"));
            }
            if let Some(eta) = p.eta_s() {
                line.push_str(&format!(", about {} min left", eta.div_ceil(60)));
            }
            line.push_str(&format!("; pid {})", p.pid));
            line
        }
        ReviewIndexState::NotBuilt { last: None } => {
            "not built (`jeju serve` builds it in the background; `jeju reviews build` in the foreground)".into()
        }
        ReviewIndexState::NotBuilt { last: Some(p) } => match &p.failed {
            Some(error) => format!("not built: the last build failed: {error}"),
            None => format!(
                "not built: the last build stopped at {} {} of {} (the next build resumes from the cache)",
                p.stage, p.done, p.total
            ),
        },
    }
}
