use std::path::PathBuf;

/// Errors of the evaluation harness.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Case {
        path: PathBuf,
        line: u64,
        message: String,
    },
    #[error(transparent)]
    Json(serde_json::Error),
    #[error(transparent)]
    Graph(#[from] jeju_graph::GraphError),
    #[error(transparent)]
    Data(#[from] jeju_data::DataError),
    #[error(
        "the case generator found a gold query that disagrees with the data ({id}): {message}"
    )]
    Gold { id: String, message: String },
    #[error("{0}")]
    Mismatch(String),
}

impl EvalError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> EvalError {
        EvalError::Io {
            path: path.into(),
            source,
        }
    }
}
