use std::path::PathBuf;

/// One malformed input row: where it is and what is wrong with it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct RowError {
    pub file: PathBuf,
    /// 1-based physical line number (the header is line 1 in a CSV file).
    pub line: u64,
    pub message: String,
}

/// Errors that stop reading a file as a whole (as opposed to one bad row).
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a contest CSV: {reason}", path.display())]
    NotContestCsv { path: PathBuf, reason: String },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: text cannot be encoded as cp949: {sample}", path.display())]
    Unencodable { path: PathBuf, sample: String },
    #[error("{}: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl DataError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io {
            path: path.into(),
            source,
        }
    }
}
