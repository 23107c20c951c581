//! The vector store behind review retrieval.
//!
//! [`VectorStore`] is the interface the pipeline uses: [`VectorStore::upsert`] points (a
//! review id, its store id, an embedding), [`VectorStore::search`] the `k` nearest with an
//! optional allow-list of store ids, [`VectorStore::len`], [`VectorStore::persist`]. Scores
//! are cosine similarities (vectors are normalised on the way in).
//!
//! Two implementations:
//! - [`EmbeddedStore`] (the default): an HNSW index from the `hnsw_rs` crate, kept in memory
//!   and saved to / loaded from a directory. Missing or damaged files are an error
//!   ([`VectorError::NotFound`], [`VectorError::Corrupt`]), never a panic, so the caller
//!   can rebuild.
//! - `QdrantStore` (cargo feature `qdrant`, off by default): a Qdrant collection through
//!   `qdrant-client` 1.20 (gRPC), for production. Off by default because it more than
//!   doubles a cold build of this crate (measured on 2 busy cores: 395 s with the feature,
//!   182 s without). It compiles and its request building and response parsing are unit
//!   tested (`cargo nextest run -p jeju-vectors --features qdrant`), but it has **not been
//!   run against a live Qdrant server**: none can run on the development machines.
//!
//! [`open_from_env`] picks one: `JEJU_QDRANT_URL` set → Qdrant, unset → embedded.

mod embedded;
mod error;
#[cfg(feature = "qdrant")]
pub mod qdrant;

use std::future::Future;
use std::path::Path;
use std::pin::Pin;

pub use embedded::{EmbeddedStore, HnswParams};
pub use error::VectorError;
#[cfg(feature = "qdrant")]
pub use qdrant::{QdrantConfig, QdrantStore};

/// A boxed, `Send` future (what [`VectorStore`]'s methods return, so that the trait can be
/// used as `dyn VectorStore`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One embedded review.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The review's id (unique key: upserting it again replaces the vector).
    pub review_id: String,
    /// The store the review belongs to (the payload searches filter on).
    pub store_id: String,
    /// The embedding; normalised by the store.
    pub vector: Vec<f32>,
}

impl Point {
    /// A point.
    pub fn new(
        review_id: impl Into<String>,
        store_id: impl Into<String>,
        vector: Vec<f32>,
    ) -> Self {
        Point {
            review_id: review_id.into(),
            store_id: store_id.into(),
            vector,
        }
    }
}

/// A search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The review.
    pub review_id: String,
    /// Its store.
    pub store_id: String,
    /// Cosine similarity to the query (higher is closer).
    pub score: f32,
}

/// A vector store of review embeddings.
///
/// Methods return boxed futures so that `Box<dyn VectorStore>` / `Arc<dyn VectorStore>`
/// work. The embedded store does its work inline when polled (searches take about a
/// millisecond; a bulk [`VectorStore::upsert`] of many thousands of points takes seconds, so
/// run that from `tokio::task::spawn_blocking` or use [`EmbeddedStore::upsert_points`]).
pub trait VectorStore: Send + Sync {
    /// Inserts or replaces points (by review id).
    fn upsert<'a>(&'a self, points: &'a [Point]) -> BoxFuture<'a, Result<(), VectorError>>;

    /// The `k` points nearest to `query`, best first. With `filter`, only points whose store
    /// id is in the list are considered (an empty list matches nothing).
    fn search<'a>(
        &'a self,
        query: &'a [f32],
        k: usize,
        filter: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<Vec<Hit>, VectorError>>;

    /// Number of points.
    fn len(&self) -> BoxFuture<'_, Result<usize, VectorError>>;

    /// Whether the store holds no point.
    fn is_empty(&self) -> BoxFuture<'_, Result<bool, VectorError>> {
        let len = self.len();
        Box::pin(async move { Ok(len.await? == 0) })
    }

    /// Makes the current contents durable: the embedded store saves to its directory; a
    /// server-backed store has nothing to do.
    fn persist(&self) -> BoxFuture<'_, Result<(), VectorError>>;

    /// A short name for logs: `"embedded"` or `"qdrant"`.
    fn backend(&self) -> &'static str;
}

/// The environment variable that selects Qdrant (its URL, e.g. `http://localhost:6334`).
pub const QDRANT_URL_ENV: &str = "JEJU_QDRANT_URL";

/// Opens the configured store for vectors of `dims` dimensions.
///
/// `JEJU_QDRANT_URL` set (and non-empty): a Qdrant collection (see `QdrantConfig::from_env`;
/// without the `qdrant` feature this is [`VectorError::Unsupported`]). Unset: the embedded
/// index saved in `embedded_dir` (loaded if present, new and empty if absent; a damaged
/// index is an error, so that the caller can delete and rebuild it).
pub async fn open_from_env(
    embedded_dir: &Path,
    dims: usize,
) -> Result<Box<dyn VectorStore>, VectorError> {
    match std::env::var(QDRANT_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => open_qdrant(url.trim(), dims).await,
        _ => Ok(Box::new(EmbeddedStore::open_or_create(embedded_dir, dims)?)),
    }
}

#[cfg(feature = "qdrant")]
async fn open_qdrant(url: &str, dims: usize) -> Result<Box<dyn VectorStore>, VectorError> {
    let config = QdrantConfig::from_env(url, dims);
    Ok(Box::new(QdrantStore::connect(config).await?))
}

#[cfg(not(feature = "qdrant"))]
async fn open_qdrant(url: &str, _dims: usize) -> Result<Box<dyn VectorStore>, VectorError> {
    Err(VectorError::Unsupported(format!(
        "{QDRANT_URL_ENV}={url} asks for Qdrant, but this build lacks it: rebuild `jeju` with `cargo build --release --features qdrant`, or unset {QDRANT_URL_ENV} to use the embedded index"
    )))
}

/// `v` scaled to unit length; an error for a zero, non-finite or wrong-length vector.
pub(crate) fn normalized(v: &[f32], dims: usize) -> Result<Vec<f32>, VectorError> {
    if v.len() != dims {
        return Err(VectorError::Dimensions {
            expected: dims,
            found: v.len(),
        });
    }
    if v.iter().any(|x| !x.is_finite()) {
        return Err(VectorError::InvalidVector("non-finite component".into()));
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm <= f32::EPSILON {
        return Err(VectorError::InvalidVector("zero vector".into()));
    }
    Ok(v.iter().map(|x| x / norm).collect())
}
