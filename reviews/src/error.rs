//! The crate's error type.

use std::path::PathBuf;

use jeju_embed::EmbedError;
use jeju_vectors::VectorError;

/// What can go wrong when building or searching the review index.
#[derive(Debug, thiserror::Error)]
pub enum ReviewSearchError {
    /// No review index has been built in this directory (or its store holds no point).
    #[error("review index not built in {dir}: `jeju serve` builds it in the background, `jeju reviews build` in the foreground")]
    NotBuilt {
        /// The index directory that was looked in.
        dir: PathBuf,
    },
    /// The e5 weights (or the engine compiled against them) are not installed.
    #[error("review search needs the e5 embedding model: {0}")]
    EmbedderMissing(#[source] EmbedError),
    /// The index was built from other data, by another model, or is incomplete.
    #[error("review index in {dir} is stale: {reason}; `jeju serve` rebuilds it in the background, `jeju reviews build` in the foreground")]
    Stale {
        /// The index directory.
        dir: PathBuf,
        /// What does not match.
        reason: String,
    },
    /// Embedding failed (engine error, unusable cache file, …).
    #[error("embedding: {0}")]
    Embed(#[from] EmbedError),
    /// The vector store failed.
    #[error("vector store: {0}")]
    Vector(#[from] VectorError),
    /// The manifest file is unreadable.
    #[error("review index manifest {path}: {reason}")]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file could not be read, written or locked.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A blocking task (query embedding) panicked or was cancelled.
    #[error("query embedding task failed: {0}")]
    Task(String),
}

impl ReviewSearchError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ReviewSearchError::Io {
            path: path.into(),
            source,
        }
    }

    /// Whether review search is simply unavailable here (not built, stale, or no model), as
    /// opposed to broken: callers fall back to graph signals and say why.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            ReviewSearchError::NotBuilt { .. }
                | ReviewSearchError::EmbedderMissing(_)
                | ReviewSearchError::Stale { .. }
        )
    }
}
