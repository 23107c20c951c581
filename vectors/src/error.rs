//! The crate's error type.

use std::path::PathBuf;

/// What can go wrong in a vector store.
#[derive(Debug, thiserror::Error)]
pub enum VectorError {
    /// No saved index in the directory.
    #[error("no vector index in {0}")]
    NotFound(PathBuf),
    /// A saved index that cannot be used (damaged, truncated, other version or dimension).
    #[error("vector index in {path} is unusable: {reason}")]
    Corrupt {
        /// The directory or file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A vector of the wrong length.
    #[error("vector has {found} dimensions, the store holds {expected}")]
    Dimensions {
        /// The store's dimension.
        expected: usize,
        /// The vector's length.
        found: usize,
    },
    /// A zero or non-finite vector.
    #[error("invalid vector: {0}")]
    InvalidVector(String),
    /// The index library failed.
    #[error("vector index error: {0}")]
    Index(String),
    /// The backend is not in this build.
    #[error("{0}")]
    Unsupported(String),
    /// The Qdrant server failed or could not be reached.
    #[error("qdrant: {0}")]
    Qdrant(String),
}

impl VectorError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        VectorError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        VectorError::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
