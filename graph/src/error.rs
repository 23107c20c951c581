/// Errors of the graph layer.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("cannot connect to the graph server at {uri}: {message} (is it running? `jeju graph start` starts the local one)")]
    Connect { uri: String, message: String },
    #[error("graph server at {uri} did not answer within {seconds} s")]
    Timeout { uri: String, seconds: u64 },
    #[error("graph query failed: {message}\nquery: {query}")]
    Query { query: String, message: String },
    #[error("unexpected value in column {column}: {message}")]
    Decode { column: String, message: String },
}

impl GraphError {
    /// The server cannot be reached (down, killed mid-session, or not answering), as opposed
    /// to a query it refused or a value it returned.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            GraphError::Connect { .. } | GraphError::Timeout { .. }
        )
    }
}
