//! How far a review-index build has come, in a small JSON file beside the index
//! (`<index_dir>.build.json`), so that another process can show it: `jeju status`, the
//! server's `/api/health` and the page read what a background builder writes.
//!
//! [`FileProgress`] is a [`Progress`] that writes the file (atomically, at most once a
//! second); [`read_build_state`] turns the file, the manifest and the builder's liveness into
//! a [`ReviewIndexState`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jeju_progress::Progress;
use serde::{Deserialize, Serialize};

use crate::manifest::read_manifest;
use crate::{ReviewIndexPaths, ReviewSearchError, STAGE_EMBED};

/// How often [`FileProgress`] rewrites the file while a stage advances.
const WRITE_EVERY: Duration = Duration::from_secs(1);

/// What a builder last wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildProgress {
    /// The builder's process id (to tell a running build from an interrupted one).
    pub pid: u32,
    /// The stage under way ([`crate::STAGE_EMBED`] or [`crate::STAGE_INDEX`]).
    pub stage: String,
    /// Items of the stage done, of `total`.
    pub done: u64,
    pub total: u64,
    /// When the stage began and when the file was last written (Unix seconds).
    pub stage_started_unix_s: u64,
    pub updated_unix_s: u64,
    /// Items done at the stage's first report, when `stage_started_unix_s` is taken (a
    /// resumed build reports its cached vectors first: the rate counts only what this run
    /// embedded).
    #[serde(default)]
    pub done_at_start: u64,
    /// Set when the build ended in an error: its message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

impl BuildProgress {
    /// Items per second over this run of the stage (`None` before there is a rate).
    pub fn rate_per_s(&self) -> Option<f64> {
        let secs = self
            .updated_unix_s
            .saturating_sub(self.stage_started_unix_s);
        let done = self.done.saturating_sub(self.done_at_start);
        (secs > 0 && done > 0).then(|| done as f64 / secs as f64)
    }

    /// Seconds left at the current rate.
    pub fn eta_s(&self) -> Option<u64> {
        let rate = self.rate_per_s()?;
        Some((self.total.saturating_sub(self.done) as f64 / rate).round() as u64)
    }
}

/// Where the review index stands, as a status line or a health check shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewIndexState {
    /// A complete index (its point count): review search can use it.
    Ready { points: usize },
    /// A builder is running.
    Building(BuildProgress),
    /// No complete index and no running builder; the last build stopped here (`None`:
    /// never started). `failed` is the error it stopped on, if any.
    NotBuilt { last: Option<BuildProgress> },
}

impl ReviewIndexState {
    /// Percent done of a running build: embedding counts for 95 %, writing the index for
    /// the rest.
    pub fn percent(&self) -> Option<u8> {
        match self {
            ReviewIndexState::Ready { .. } => Some(100),
            ReviewIndexState::Building(p) => Some(overall_percent(p)),
            ReviewIndexState::NotBuilt { .. } => None,
        }
    }
}

fn overall_percent(p: &BuildProgress) -> u8 {
    let part = if p.total == 0 {
        0.0
    } else {
        (p.done.min(p.total) as f64) / (p.total as f64)
    };
    let overall = if p.stage == STAGE_EMBED {
        part * 95.0
    } else {
        95.0 + part * 5.0
    };
    overall.floor().clamp(0.0, 99.0) as u8
}

impl ReviewIndexPaths {
    /// The build's progress file (`<index_dir>.build.json`, beside the directory, so that a
    /// rebuild can empty the directory).
    pub fn build_progress_file(&self) -> PathBuf {
        let mut name = self
            .index_dir
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_else(|| "review-index".into());
        name.push(".build.json");
        self.index_dir.with_file_name(name)
    }
}

/// Reads the progress file (`None` when there is none or it cannot be parsed: a file being
/// replaced is never half-read, since writes rename a complete file into place).
pub fn read_build_progress(path: &Path) -> Option<BuildProgress> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The index's state: ready when the manifest says a build completed, building when the
/// progress file names a live process, not built otherwise. `is_alive` tells whether a pid
/// is still the builder (the caller knows what its builder's command line looks like).
pub fn read_build_state(
    paths: &ReviewIndexPaths,
    is_alive: impl Fn(u32) -> bool,
) -> Result<ReviewIndexState, ReviewSearchError> {
    let progress = read_build_progress(&paths.build_progress_file());
    if let Some(p) = progress.as_ref() {
        if p.failed.is_none() && is_alive(p.pid) {
            return Ok(ReviewIndexState::Building(p.clone()));
        }
    }
    if let Some(manifest) = read_manifest(&paths.manifest_file())? {
        return Ok(ReviewIndexState::Ready {
            points: manifest.count,
        });
    }
    Ok(ReviewIndexState::NotBuilt { last: progress })
}

/// A [`Progress`] that writes [`BuildProgress`] to a file (and forwards to another
/// [`Progress`], e.g. the terminal's bars).
pub struct FileProgress<'a> {
    path: PathBuf,
    inner: &'a (dyn Progress + Sync),
    state: Mutex<WriterState>,
}

struct WriterState {
    progress: BuildProgress,
    last_write: Option<Instant>,
    /// Whether the stage has had its first report (the rate's starting point).
    reported: bool,
}

impl<'a> FileProgress<'a> {
    pub fn new(path: PathBuf, inner: &'a (dyn Progress + Sync)) -> FileProgress<'a> {
        FileProgress {
            path,
            inner,
            state: Mutex::new(WriterState {
                progress: BuildProgress {
                    pid: std::process::id(),
                    stage: String::new(),
                    done: 0,
                    total: 0,
                    stage_started_unix_s: now_unix_s(),
                    updated_unix_s: now_unix_s(),
                    done_at_start: 0,
                    failed: None,
                },
                last_write: None,
                reported: false,
            }),
        }
    }

    /// Records that the build stopped on `error` (the file stays, so a status shows why).
    pub fn failed(&self, error: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.progress.failed = Some(error.to_owned());
        self.write(&mut state);
    }

    /// Removes the file (a completed build: the manifest now tells).
    pub fn finished(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    fn write(&self, state: &mut WriterState) {
        state.progress.updated_unix_s = now_unix_s();
        state.last_write = Some(Instant::now());
        if let Err(e) = write_atomically(&self.path, &state.progress) {
            tracing::warn!(path = %self.path.display(), error = %e, "cannot write the build progress");
        }
    }
}

impl Progress for FileProgress<'_> {
    fn begin(&self, stage: &str, total: u64) {
        self.inner.begin(stage, total);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.progress.stage = stage.to_owned();
        state.progress.total = total;
        state.progress.done = 0;
        state.progress.done_at_start = 0;
        state.progress.stage_started_unix_s = now_unix_s();
        state.reported = false;
        self.write(&mut state);
    }

    fn advance(&self, n: u64) {
        self.inner.advance(n);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.progress.done += n;
        let first = !state.reported;
        if first {
            state.reported = true;
            state.progress.done_at_start = state.progress.done;
            state.progress.stage_started_unix_s = now_unix_s();
        }
        let due = first || state.last_write.is_none_or(|t| t.elapsed() >= WRITE_EVERY);
        if due {
            self.write(&mut state);
        }
    }

    fn end(&self) {
        self.inner.end();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.progress.done = state.progress.total;
        self.write(&mut state);
    }
}

fn write_atomically(path: &Path, progress: &BuildProgress) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let json = serde_json::to_vec(progress).map_err(std::io::Error::other)?;
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, path)
}

fn now_unix_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_progress::NoProgress;

    fn paths(dir: &Path) -> ReviewIndexPaths {
        ReviewIndexPaths::new(dir.join("vectors/reviews"), dir.join("cache/e5.bin"))
    }

    #[test]
    fn a_live_builder_is_building_with_its_percent_and_a_dead_one_is_not_built() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        assert_eq!(
            read_build_state(&paths, |_| true).unwrap(),
            ReviewIndexState::NotBuilt { last: None }
        );
        let file = FileProgress::new(paths.build_progress_file(), &NoProgress);
        file.begin(STAGE_EMBED, 1000);
        file.advance(400);
        // A second advance within a second is not written yet.
        file.advance(1);
        let state = read_build_state(&paths, |pid| pid == std::process::id()).unwrap();
        let ReviewIndexState::Building(p) = &state else {
            panic!("{state:?}")
        };
        assert_eq!(p.stage, STAGE_EMBED);
        assert_eq!((p.done, p.total), (400, 1000));
        assert_eq!(state.percent(), Some(38));

        let state = read_build_state(&paths, |_| false).unwrap();
        let ReviewIndexState::NotBuilt { last: Some(last) } = state else {
            panic!("{state:?}")
        };
        assert_eq!(last.done, 400);
    }

    #[test]
    fn a_failed_build_is_not_building_even_while_its_process_lives() {
        let dir = tempfile::tempdir().unwrap();
        let paths = paths(dir.path());
        let file = FileProgress::new(paths.build_progress_file(), &NoProgress);
        file.begin(STAGE_EMBED, 10);
        file.failed("the e5 model is missing");
        let state = read_build_state(&paths, |_| true).unwrap();
        let ReviewIndexState::NotBuilt { last: Some(last) } = state else {
            panic!("{state:?}")
        };
        assert_eq!(last.failed.as_deref(), Some("the e5 model is missing"));
    }

    #[test]
    fn the_rate_counts_only_what_this_run_did() {
        let p = BuildProgress {
            pid: 1,
            stage: STAGE_EMBED.into(),
            done: 1_500,
            total: 10_000,
            stage_started_unix_s: 100,
            updated_unix_s: 110,
            done_at_start: 1_000,
            failed: None,
        };
        assert_eq!(p.rate_per_s(), Some(50.0));
        assert_eq!(p.eta_s(), Some(170));
        assert_eq!(overall_percent(&p), 14);
        let index = BuildProgress {
            stage: crate::STAGE_INDEX.into(),
            done: 5_000,
            ..p
        };
        assert_eq!(overall_percent(&index), 97);
    }

    #[test]
    fn the_progress_file_sits_beside_the_index_directory() {
        let p = ReviewIndexPaths::new("/p/.jeju/vectors/reviews", "/p/c.bin");
        assert_eq!(
            p.build_progress_file(),
            Path::new("/p/.jeju/vectors/reviews.build.json")
        );
    }
}
