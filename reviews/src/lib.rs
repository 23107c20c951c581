//! HyDE review search: every review embedded at ingest, searched by a hypothetical review.
//!
//! - [`build_index`] (called by `jeju ingest`): embeds every review with e5
//!   (`jeju_embed`, through the resumable [`jeju_embed::EmbeddingCache`]), writes one point
//!   per review (review id, store id, vector) into the store that
//!   [`jeju_vectors::open_from_env`] picks (the embedded HNSW index, or Qdrant when
//!   `JEJU_QDRANT_URL` is set), persists it, and writes a [`Manifest`] (count, model id,
//!   data fingerprint). Builders sharing a cache or an index directory take turns through
//!   exclusive file locks. An index that already matches the data and model is left alone.
//! - [`ReviewSearch`] (used by the pipeline): [`ReviewSearch::open`] with clear errors
//!   ([`ReviewSearchError::NotBuilt`], [`ReviewSearchError::EmbedderMissing`],
//!   [`ReviewSearchError::Stale`]); [`ReviewSearch::search_stores`] embeds the HyDE text as
//!   a query, fetches the nearest reviews (optionally only of some stores) and ranks stores
//!   by the rule documented in [`aggregate`].
//! - [`ReviewIndexPaths`]: `.jeju/vectors/reviews` and `.jeju/cache/e5-reviews.bin`,
//!   overridable by `JEJU_REVIEW_INDEX_DIR` and `JEJU_EMBED_CACHE`.
//!
//! Cost on 2 cores: ≈ 62 reviews/s to embed, so the full data (108,451 reviews, 99,853
//! distinct) takes about 28 minutes once; a re-ingest with everything cached takes seconds. A search takes the
//! query embedding (≈ 25 ms) plus about a millisecond.

pub mod aggregate;
mod build_progress;
mod builder;
mod error;
mod lock;
mod manifest;
mod paths;
mod search;

pub use aggregate::{StoreMatch, SECOND_HIT_BONUS, SECOND_HIT_WINDOW};
pub use build_progress::{
    read_build_progress, read_build_state, BuildProgress, FileProgress, ReviewIndexState,
};
pub use builder::{build_index, build_index_from_reviews, BuildSummary, STAGE_EMBED, STAGE_INDEX};
pub use error::ReviewSearchError;
pub use manifest::{
    data_fingerprint, index_status, invalidate, read_manifest, IndexStatus, Manifest,
    MANIFEST_FORMAT,
};
pub use paths::{
    ReviewIndexPaths, DEFAULT_CACHE_FILE, DEFAULT_INDEX_DIR, EMBED_CACHE_ENV, INDEX_DIR_ENV,
};
pub use search::{QueryEmbedding, ReviewSearch, SearchStats, HITS_PER_STORE, MIN_HITS};

// The search is shared across tasks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ReviewSearch>();
};
