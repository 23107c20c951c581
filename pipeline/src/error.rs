/// Errors of the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Graph(#[from] jeju_graph::GraphError),
    #[error("generated Cypher refused: {0}")]
    Guard(#[from] crate::guard::GuardError),
    #[error("answer template: {0}")]
    Template(String),
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("the question is too long ({0} characters; at most {1})")]
    QuestionTooLong(usize, usize),
}
