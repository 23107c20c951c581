//! [`ReviewSearch`]: HyDE text → query embedding → nearest reviews → ranked stores.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jeju_embed::{EmbedError, Embedder, DIMS};
use jeju_vectors::{open_from_env, VectorError, VectorStore};
use serde::Serialize;
use tracing::Instrument;

use crate::aggregate::{aggregate, StoreMatch};
use crate::manifest::{read_manifest, Manifest, MANIFEST_FORMAT};
use crate::{ReviewIndexPaths, ReviewSearchError};

/// Review hits fetched per store asked for.
pub const HITS_PER_STORE: usize = 8;
/// Review hits fetched at least.
pub const MIN_HITS: usize = 50;

/// Timings of one search, for the pipeline's trace.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchStats {
    /// Embedding the query text (on a blocking thread).
    pub embed: Duration,
    /// The vector search.
    pub search: Duration,
    /// Review hits retrieved.
    pub hits: usize,
    /// Review hits asked for.
    pub k_hits: usize,
    /// The store backend (`"embedded"`, `"qdrant"`).
    pub backend: &'static str,
}

/// The review index opened for searching. `Send + Sync`: share it behind an `Arc`.
pub struct ReviewSearch {
    embedder: Arc<Embedder>,
    store: Box<dyn VectorStore>,
    manifest: Manifest,
    paths: ReviewIndexPaths,
}

impl std::fmt::Debug for ReviewSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewSearch")
            .field("index_dir", &self.paths.index_dir)
            .field("backend", &self.store.backend())
            .field("points", &self.manifest.count)
            .field("model_id", &self.manifest.model_id)
            .finish()
    }
}

impl ReviewSearch {
    /// Opens the index in `paths`, loading the e5 model from `project_root` (`.jeju/e5`).
    ///
    /// Errors, checked in this order: [`ReviewSearchError::NotBuilt`] (no complete build:
    /// run `jeju ingest`), [`ReviewSearchError::EmbedderMissing`] (the weights are not
    /// installed), [`ReviewSearchError::Stale`] (built by another model, damaged, or
    /// holding fewer points than its manifest says).
    pub async fn open(
        paths: &ReviewIndexPaths,
        project_root: &Path,
    ) -> Result<ReviewSearch, ReviewSearchError> {
        let manifest = manifest_of(paths)?;
        let embedder = match Embedder::load_default(project_root) {
            Ok(e) => e,
            Err(e @ EmbedError::NotInstalled { .. }) => {
                return Err(ReviewSearchError::EmbedderMissing(e))
            }
            Err(e) => return Err(e.into()),
        };
        Self::open_checked(paths, Arc::new(embedder), manifest).await
    }

    /// Opens the index in `paths` with an already loaded embedder (shared with other users).
    pub async fn open_with_embedder(
        paths: &ReviewIndexPaths,
        embedder: Arc<Embedder>,
    ) -> Result<ReviewSearch, ReviewSearchError> {
        let manifest = manifest_of(paths)?;
        Self::open_checked(paths, embedder, manifest).await
    }

    async fn open_checked(
        paths: &ReviewIndexPaths,
        embedder: Arc<Embedder>,
        manifest: Manifest,
    ) -> Result<ReviewSearch, ReviewSearchError> {
        let stale = |reason: String| ReviewSearchError::Stale {
            dir: paths.index_dir.clone(),
            reason,
        };
        if manifest.model_id != embedder.model_id() {
            return Err(stale(format!(
                "built with model {}, the installed model is {}",
                manifest.model_id,
                embedder.model_id()
            )));
        }
        let store = match open_from_env(&paths.index_dir, DIMS).await {
            Ok(s) => s,
            Err(e @ VectorError::Corrupt { .. }) => return Err(stale(e.to_string())),
            Err(e) => return Err(e.into()),
        };
        let len = store.len().await?;
        if len == 0 && manifest.count > 0 {
            return Err(ReviewSearchError::NotBuilt {
                dir: paths.index_dir.clone(),
            });
        }
        if len < manifest.count {
            return Err(stale(format!(
                "the store holds {len} points, the manifest says {}",
                manifest.count
            )));
        }
        tracing::debug!(
            points = len,
            backend = store.backend(),
            "review index opened"
        );
        Ok(ReviewSearch {
            embedder,
            store,
            manifest,
            paths: paths.clone(),
        })
    }

    /// The manifest of the opened index (count, model, data fingerprint).
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The embedder (shared).
    pub fn embedder(&self) -> &Arc<Embedder> {
        &self.embedder
    }

    /// The vector store.
    pub fn store(&self) -> &dyn VectorStore {
        self.store.as_ref()
    }

    /// The stores whose reviews best match `hyde_text` (a hypothetical review written for
    /// the question), best first, at most `k_stores`.
    ///
    /// Embeds the text as an e5 query on a blocking thread (≈ 25 ms on one core), fetches
    /// `max(k_stores × HITS_PER_STORE, MIN_HITS)` nearest reviews (only reviews of
    /// `restrict_to` when given; an empty list matches nothing), and ranks their stores by
    /// the rule of [`crate::aggregate`] (best review plus a small bonus for a second good
    /// one). Returns the timings too.
    pub async fn search_stores(
        &self,
        hyde_text: &str,
        restrict_to: Option<&[String]>,
        k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError> {
        let span = tracing::info_span!(
            "review_search",
            k_stores,
            restrict = restrict_to.map(<[String]>::len),
            embed_ms = tracing::field::Empty,
            search_ms = tracing::field::Empty,
            hits = tracing::field::Empty,
        );
        self.search_inner(hyde_text, restrict_to, k_stores)
            .instrument(span)
            .await
    }

    async fn search_inner(
        &self,
        hyde_text: &str,
        restrict_to: Option<&[String]>,
        k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError> {
        let query = self.embed_in_background(hyde_text);
        self.search_stores_embedded(query, restrict_to, k_stores)
            .await
    }

    /// Starts embedding `hyde_text` as an e5 query on a blocking thread and returns at once,
    /// so that a caller can overlap it with other work (the pipeline embeds while the graph
    /// query runs) and hand it to [`ReviewSearch::search_stores_embedded`] later.
    pub fn embed_in_background(&self, hyde_text: &str) -> QueryEmbedding {
        let embedder = Arc::clone(&self.embedder);
        let text = hyde_text.to_owned();
        QueryEmbedding {
            handle: tokio::task::spawn_blocking(move || {
                let started = Instant::now();
                embedder.embed_query(&text).map(|v| (v, started.elapsed()))
            }),
        }
    }

    /// [`ReviewSearch::search_stores`] with the query embedded by
    /// [`ReviewSearch::embed_in_background`]. `SearchStats::embed` is the embedding's own
    /// compute time, however much of it overlapped other work.
    pub async fn search_stores_embedded(
        &self,
        query: QueryEmbedding,
        restrict_to: Option<&[String]>,
        k_stores: usize,
    ) -> Result<(Vec<StoreMatch>, SearchStats), ReviewSearchError> {
        let k_hits = k_stores.saturating_mul(HITS_PER_STORE).max(MIN_HITS);
        let mut stats = SearchStats {
            k_hits,
            backend: self.store.backend(),
            ..SearchStats::default()
        };
        if k_stores == 0 || restrict_to.is_some_and(<[String]>::is_empty) {
            return Ok((Vec::new(), stats));
        }
        let (query, embed_time) = query
            .handle
            .await
            .map_err(|e| ReviewSearchError::Task(e.to_string()))??;
        stats.embed = embed_time;

        let started = Instant::now();
        let hits = self.store.search(&query, k_hits, restrict_to).await?;
        stats.search = started.elapsed();
        stats.hits = hits.len();
        let span = tracing::Span::current();
        span.record("embed_ms", stats.embed.as_secs_f64() * 1e3);
        span.record("search_ms", stats.search.as_secs_f64() * 1e3);
        span.record("hits", hits.len());
        Ok((aggregate(&hits, k_stores), stats))
    }
}

/// A query being embedded on a blocking thread ([`ReviewSearch::embed_in_background`]).
/// Dropping it lets the embedding finish unused.
#[derive(Debug)]
pub struct QueryEmbedding {
    handle:
        tokio::task::JoinHandle<Result<(Vec<f32>, std::time::Duration), jeju_embed::EmbedError>>,
}

impl QueryEmbedding {
    /// An embedding that is already known (for callers that embed elsewhere, and fakes).
    pub fn ready(vector: Vec<f32>) -> QueryEmbedding {
        QueryEmbedding {
            handle: tokio::task::spawn_blocking(move || Ok((vector, std::time::Duration::ZERO))),
        }
    }
}

fn manifest_of(paths: &ReviewIndexPaths) -> Result<Manifest, ReviewSearchError> {
    let Some(manifest) = read_manifest(&paths.manifest_file())? else {
        return Err(ReviewSearchError::NotBuilt {
            dir: paths.index_dir.clone(),
        });
    };
    if manifest.format != MANIFEST_FORMAT {
        return Err(ReviewSearchError::Stale {
            dir: paths.index_dir.clone(),
            reason: format!("format {:?}, expected {MANIFEST_FORMAT:?}", manifest.format),
        });
    }
    Ok(manifest)
}
