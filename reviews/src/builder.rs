//! [`build_index`]: every review embedded (through the cache) and written to the vector
//! store, then the manifest.

use std::future::Future;
use std::time::{Duration, Instant};

use jeju_data::catalog::Review;
use jeju_data::dataset::DataSet;
use jeju_embed::{Embedder, EmbeddingCache, DIMS};
use jeju_progress::Progress;
use jeju_vectors::{open_from_env, EmbeddedStore, Point, VectorStore, QDRANT_URL_ENV};
use tracing::Instrument;

use crate::build_progress::FileProgress;
use crate::lock::FileLock;
use crate::manifest::{
    data_fingerprint, distinct_reviews, read_manifest, remove_manifest, write_manifest, Manifest,
    MANIFEST_FORMAT,
};
use crate::{ReviewIndexPaths, ReviewSearchError};

/// Progress stage names (what the bars show).
pub const STAGE_EMBED: &str = "review vectors";
/// The stage that writes the vector store.
pub const STAGE_INDEX: &str = "review index";

/// Points per upsert call (each advances the progress bar).
const UPSERT_CHUNK: usize = 4096;

/// What [`build_index`] did.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    /// Reviews in the data.
    pub reviews: usize,
    /// Points in the store (one per distinct review id).
    pub points: usize,
    /// Distinct texts this run embedded (the rest came from the cache).
    pub embedded: usize,
    /// Reviews whose vector was already in the cache.
    pub cached: usize,
    /// Time spent embedding (cache loading included).
    pub embed_time: Duration,
    /// Time spent writing and persisting the vector store.
    pub index_time: Duration,
    /// Wall time of the whole call (lock waits included).
    pub elapsed: Duration,
    /// The index already matched the data and model: nothing was done.
    pub up_to_date: bool,
    /// The manifest now in the index directory.
    pub manifest: Manifest,
}

impl BuildSummary {
    /// Passages embedded per second by this run (`None` when nothing was embedded).
    pub fn passages_per_s(&self) -> Option<f64> {
        (self.embedded > 0 && !self.embed_time.is_zero())
            .then(|| self.embedded as f64 / self.embed_time.as_secs_f64())
    }
}

/// Builds (or confirms) the review index of `data`: see [`build_index_from_reviews`].
pub async fn build_index(
    data: &DataSet,
    embedder: &Embedder,
    paths: &ReviewIndexPaths,
    progress: &(dyn Progress + Sync),
) -> Result<BuildSummary, ReviewSearchError> {
    build_index_from_reviews(&data.reviews, embedder, paths, progress).await
}

/// Builds the review index of `reviews`:
///
/// 1. If the manifest says the index holds exactly these reviews embedded by this model,
///    and the store has that many points: nothing to do (`up_to_date`).
/// 2. Otherwise, holding an exclusive lock on the cache (`<cache>.lock`) and on the index
///    directory (`<index_dir>.lock`), so that concurrent builders (two test processes, two
///    `jeju ingest`) wait for each other instead of writing the same files: embeds what the
///    cache lacks (stage [`STAGE_EMBED`]; flushed per batch, so an interrupted run resumes
///    where it stopped), removes the manifest, writes every point into the store chosen by
///    [`jeju_vectors::open_from_env`] (stage [`STAGE_INDEX`]; the embedded index is first
///    replaced by an empty one, so reviews gone from the data leave it), persists it, and
///    writes the manifest last.
///
/// CPU-bound for as long as embedding takes (≈ 62 reviews/s on 2 cores): on a
/// multi-threaded tokio runtime that work runs under `block_in_place`, so other tasks keep
/// running; on a current-thread runtime it blocks the runtime.
///
/// With Qdrant, points of reviews that left the data stay in the collection (the
/// [`VectorStore`] trait has no delete); the summary's `points` then exceeds the reviews'
/// count and a warning is logged.
pub async fn build_index_from_reviews(
    reviews: &[Review],
    embedder: &Embedder,
    paths: &ReviewIndexPaths,
    progress: &(dyn Progress + Sync),
) -> Result<BuildSummary, ReviewSearchError> {
    let span = tracing::info_span!(
        "review_index.build",
        reviews = reviews.len(),
        index = %paths.index_dir.display()
    );
    build(reviews, embedder, paths, progress)
        .instrument(span)
        .await
}

async fn build(
    reviews: &[Review],
    embedder: &Embedder,
    paths: &ReviewIndexPaths,
    progress: &(dyn Progress + Sync),
) -> Result<BuildSummary, ReviewSearchError> {
    let started = Instant::now();
    let fingerprint = data_fingerprint(reviews);
    let count = distinct_reviews(reviews);
    let model_id = embedder.model_id().to_owned();

    if let Some(manifest) = up_to_date(paths, &fingerprint, count, &model_id).await? {
        return Ok(noop(reviews.len(), manifest, started));
    }
    let _cache_lock = FileLock::exclusive(&paths.cache_lock_file())?;
    let _index_lock = FileLock::exclusive(&paths.index_lock_file())?;
    // Another builder may have finished while this one waited.
    if let Some(manifest) = up_to_date(paths, &fingerprint, count, &model_id).await? {
        return Ok(noop(reviews.len(), manifest, started));
    }
    // From here the build reports its progress to the file other processes read.
    let file_progress = FileProgress::new(paths.build_progress_file(), progress);
    let result = build_locked(reviews, embedder, paths, &file_progress, started).await;
    match &result {
        Ok(_) => file_progress.finished(),
        Err(e) => file_progress.failed(&e.to_string()),
    }
    result
}

/// [`build`] once it holds the locks and the index is known to need building.
async fn build_locked(
    reviews: &[Review],
    embedder: &Embedder,
    paths: &ReviewIndexPaths,
    progress: &(dyn Progress + Sync),
    started: Instant,
) -> Result<BuildSummary, ReviewSearchError> {
    let fingerprint = data_fingerprint(reviews);
    let count = distinct_reviews(reviews);
    let model_id = embedder.model_id().to_owned();

    // Embed (through the cache).
    let embed_started = Instant::now();
    let (vectors, embedded, cached) =
        heavy_sync(|| embed_reviews(reviews, embedder, paths, progress))?;
    let embed_time = embed_started.elapsed();
    tracing::info!(
        embedded,
        cached,
        secs = embed_time.as_secs_f64(),
        "review vectors ready"
    );

    // Write the store, then the manifest.
    let index_started = Instant::now();
    remove_manifest(&paths.manifest_file())?;
    std::fs::create_dir_all(&paths.index_dir)
        .map_err(|e| ReviewSearchError::io(&paths.index_dir, e))?;
    let qdrant = std::env::var(QDRANT_URL_ENV).is_ok_and(|v| !v.trim().is_empty());
    if !qdrant {
        // Start from an empty embedded index (saving one replaces the old files), so that
        // reviews gone from the data leave it. Nothing else in the directory is touched.
        EmbeddedStore::new(DIMS).save(&paths.index_dir)?;
    }
    let store = open_from_env(&paths.index_dir, DIMS).await?;
    let points = write_points(store.as_ref(), reviews, vectors, progress).await?;
    if points != count {
        tracing::warn!(
            points,
            reviews = count,
            backend = store.backend(),
            "the store holds points of reviews no longer in the data (no delete in this backend)"
        );
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        model_id,
        dims: DIMS,
        count,
        fingerprint,
        backend: store.backend().into(),
        built_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    };
    write_manifest(&paths.manifest_file(), &manifest)?;
    let index_time = index_started.elapsed();
    tracing::info!(
        points,
        secs = index_time.as_secs_f64(),
        backend = store.backend(),
        "review index written"
    );
    Ok(BuildSummary {
        reviews: reviews.len(),
        points,
        embedded,
        cached,
        embed_time,
        index_time,
        elapsed: started.elapsed(),
        up_to_date: false,
        manifest,
    })
}

fn noop(reviews: usize, manifest: Manifest, started: Instant) -> BuildSummary {
    tracing::info!(points = manifest.count, "review index up to date");
    BuildSummary {
        reviews,
        points: manifest.count,
        embedded: 0,
        cached: reviews,
        embed_time: Duration::ZERO,
        index_time: Duration::ZERO,
        elapsed: started.elapsed(),
        up_to_date: true,
        manifest,
    }
}

/// The manifest, when it matches and the store really holds its points.
async fn up_to_date(
    paths: &ReviewIndexPaths,
    fingerprint: &str,
    count: usize,
    model_id: &str,
) -> Result<Option<Manifest>, ReviewSearchError> {
    let Some(manifest) = read_manifest(&paths.manifest_file())? else {
        return Ok(None);
    };
    if let Some(reason) = manifest.mismatch(fingerprint, count, model_id) {
        tracing::info!(%reason, "review index is stale: rebuilding");
        return Ok(None);
    }
    // Loading the embedded index costs about a second per 50k points.
    let store = match open_from_env(&paths.index_dir, DIMS).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "review index unusable: rebuilding");
            return Ok(None);
        }
    };
    let len = store.len().await?;
    if len < manifest.count {
        tracing::warn!(
            len,
            expected = manifest.count,
            "review index incomplete: rebuilding"
        );
        return Ok(None);
    }
    Ok(Some(manifest))
}

/// Embeds every review's text through the cache; returns the vectors (in review order), the
/// distinct texts embedded now, and the reviews served from the cache.
fn embed_reviews(
    reviews: &[Review],
    embedder: &Embedder,
    paths: &ReviewIndexPaths,
    progress: &(dyn Progress + Sync),
) -> Result<(Vec<Vec<f32>>, usize, usize), ReviewSearchError> {
    let mut cache = EmbeddingCache::open(&paths.cache_file, DIMS)?;
    if cache.dropped_bytes() > 0 {
        tracing::warn!(
            bytes = cache.dropped_bytes(),
            "embedding cache had an incomplete tail (an interrupted run): dropped, resuming"
        );
    }
    let texts: Vec<&str> = reviews.iter().map(|r| r.text.as_str()).collect();
    let cached = texts
        .iter()
        .filter(|t| cache.contains(embedder.passage_key(t)))
        .count();
    let before = cache.len();
    progress.begin(STAGE_EMBED, texts.len() as u64);
    let mut shown = 0usize;
    let result = embedder.embed_all(&texts, &mut cache, |done, _total| {
        if done > shown {
            progress.advance((done - shown) as u64);
            shown = done;
        }
    });
    progress.end();
    let vectors = result?;
    Ok((vectors, cache.len() - before, cached))
}

/// Upserts the points in chunks (stage [`STAGE_INDEX`]) and persists; returns the store's
/// point count.
async fn write_points(
    store: &dyn VectorStore,
    reviews: &[Review],
    vectors: Vec<Vec<f32>>,
    progress: &(dyn Progress + Sync),
) -> Result<usize, ReviewSearchError> {
    let embedded_backend = store.backend() == "embedded";
    progress.begin(STAGE_INDEX, reviews.len() as u64);
    let result = async {
        let mut vectors = vectors.into_iter();
        for chunk in reviews.chunks(UPSERT_CHUNK) {
            let points: Vec<Point> = chunk
                .iter()
                .zip(vectors.by_ref())
                .map(|(r, v)| Point::new(r.id.clone(), r.store_id.clone(), v))
                .collect();
            let upsert = store.upsert(&points);
            if embedded_backend {
                heavy_async(upsert).await?;
            } else {
                upsert.await?;
            }
            progress.advance(chunk.len() as u64);
        }
        let persist = store.persist();
        if embedded_backend {
            heavy_async(persist).await?;
        } else {
            persist.await?;
        }
        Ok::<_, ReviewSearchError>(store.len().await?)
    }
    .await;
    progress.end();
    result
}

/// Runs CPU-bound `f` without starving other tasks: under `block_in_place` on a
/// multi-threaded runtime, inline otherwise.
fn heavy_sync<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// A future that does CPU-bound work when polled (the embedded store's upsert and save):
/// driven under `block_in_place` on a multi-threaded runtime, awaited otherwise.
async fn heavy_async<F: Future>(fut: F) -> F::Output {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(|| h.block_on(fut))
        }
        _ => fut.await,
    }
}
