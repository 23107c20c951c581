//! [`EmbeddedStore`]: an in-process HNSW index (`hnsw_rs`) saved to a directory.
//!
//! # Files in the index directory
//!
//! - `index.hnsw.graph`, `index.hnsw.data`: `hnsw_rs`'s dump of the graph and the vectors.
//! - `meta.json`: format tag, dimension, HNSW parameters, the xxh3-64 of both dump files,
//!   the store ids, and per point (in `hnsw_rs` data-id order) its review id, store index and
//!   whether it is live (a replaced vector stays in the graph, dead).
//!
//! A save writes everything into a fresh staging folder, removes the old `meta.json`, moves
//! the dump files in and `meta.json` last: an interrupted save leaves no `meta.json`
//! ([`VectorError::NotFound`]) or a consistent set. A load checks the hashes before
//! `hnsw_rs` reads anything, and runs `hnsw_rs`'s loader under `catch_unwind` (it asserts
//! on bad input), so damaged files give [`VectorError::Corrupt`], never a panic.
//!
//! # Search
//!
//! Unfiltered: HNSW (`ef_search` wide). With a store allow-list: if the allowed stores hold
//! at most `exact_scan_max` points (the usual case: a handful of candidate stores), an exact
//! scan of those points; otherwise HNSW with the filter. Scores are cosine similarities.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use hnsw_rs::prelude::{AnnT, Distance, Hnsw, HnswIo};
use serde::{Deserialize, Serialize};

use crate::{normalized, BoxFuture, Hit, Point, VectorError, VectorStore};

const FORMAT: &str = "jeju-vectors/hnsw-1";
const BASENAME: &str = "index";
const META_FILE: &str = "meta.json";
const MAX_LAYERS: usize = 16;
/// Batches at least this large are inserted with `hnsw_rs`'s parallel insert (rayon).
const PARALLEL_INSERT_MIN: usize = 256;

/// HNSW parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HnswParams {
    /// Links per node (`M`); more: better recall, bigger and slower to build.
    pub max_connections: usize,
    /// Candidate list width while building.
    pub ef_construction: usize,
    /// Candidate list width while searching (at least `k` is used).
    pub ef_search: usize,
    /// A filtered search scans exactly when the allowed stores hold at most this many points.
    pub exact_scan_max: usize,
}

impl Default for HnswParams {
    fn default() -> Self {
        HnswParams {
            max_connections: 32,
            ef_construction: 100,
            ef_search: 128,
            exact_scan_max: 20_000,
        }
    }
}

/// `1 - dot` on unit vectors (cosine distance), clamped to `[0, 2]` (`hnsw_rs` requires
/// non-negative distances; rounding can push `dot` of a vector with itself above 1).
#[derive(Debug, Default, Clone, Copy)]
pub struct CosineDistance;

impl Distance<f32> for CosineDistance {
    fn eval(&self, va: &[f32], vb: &[f32]) -> f32 {
        (1.0 - dot(va, vb)).clamp(0.0, 2.0)
    }
}

/// Dot product; AVX2+FMA code when the CPU has it (checked once, cached by std).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports the features `dot_avx2` is compiled for.
            return unsafe { dot_avx2(a, b) };
        }
    }
    dot_lanes(a, b)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn dot_avx2(a: &[f32], b: &[f32]) -> f32 {
    dot_lanes(a, b)
}

/// Dot product in 16 independent lanes (vectorises well).
#[inline(always)]
fn dot_lanes(a: &[f32], b: &[f32]) -> f32 {
    const L: usize = 16;
    let mut acc = [0f32; L];
    let (ca, cb) = (a.chunks_exact(L), b.chunks_exact(L));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..L {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

type Index = Hnsw<'static, f32, CosineDistance>;
type IndexPoint = hnsw_rs::hnsw::Point<'static, f32>;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PointMeta {
    review_id: String,
    store: u32,
    live: bool,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    format: String,
    dims: usize,
    distance: String,
    params: HnswParams,
    graph_xxh3: String,
    data_xxh3: String,
    stores: Vec<String>,
    points: Vec<PointMeta>,
}

#[derive(Default)]
struct Inner {
    index: Option<Index>,
    points: Vec<PointMeta>,
    /// Vector handles by data id (shared with the index; no copy).
    handles: Vec<Option<Arc<IndexPoint>>>,
    by_review: HashMap<String, usize>,
    stores: Vec<String>,
    store_index: HashMap<String, u32>,
    /// Live data ids per store.
    by_store: Vec<Vec<usize>>,
    live: usize,
}

/// An HNSW index of review embeddings, in memory, saved to a directory.
///
/// `Send + Sync`: searches run concurrently; upserts and saves take turns with them.
pub struct EmbeddedStore {
    dims: usize,
    params: HnswParams,
    dir: Option<PathBuf>,
    inner: RwLock<Inner>,
}

impl std::fmt::Debug for EmbeddedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedStore")
            .field("dims", &self.dims)
            .field("params", &self.params)
            .field("dir", &self.dir)
            .field("len", &self.count())
            .finish()
    }
}

impl EmbeddedStore {
    /// An empty store in memory (nothing saved until [`EmbeddedStore::save`]).
    pub fn new(dims: usize) -> Self {
        Self::with_params(dims, HnswParams::default())
    }

    /// An empty store with chosen HNSW parameters.
    pub fn with_params(dims: usize, params: HnswParams) -> Self {
        EmbeddedStore {
            dims,
            params,
            dir: None,
            inner: RwLock::new(Inner::default()),
        }
    }

    /// The store saved in `dir` if there is one, else an empty store that
    /// [`VectorStore::persist`] saves there. A damaged index is an error.
    pub fn open_or_create(dir: &Path, dims: usize) -> Result<Self, VectorError> {
        match Self::load(dir) {
            Ok(store) if store.dims == dims => Ok(store),
            Ok(store) => Err(VectorError::corrupt(
                dir,
                format!("holds {}-dimensional vectors, expected {dims}", store.dims),
            )),
            Err(VectorError::NotFound(_)) => {
                let mut store = Self::new(dims);
                store.dir = Some(dir.to_path_buf());
                Ok(store)
            }
            Err(e) => Err(e),
        }
    }

    /// Vector dimension.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The HNSW parameters.
    pub fn params(&self) -> HnswParams {
        self.params
    }

    /// Changes the search-time parameters (`ef_search`, `exact_scan_max`); the build-time
    /// ones are fixed once the index exists.
    pub fn set_search_params(&mut self, ef_search: usize, exact_scan_max: usize) {
        self.params.ef_search = ef_search.max(1);
        self.params.exact_scan_max = exact_scan_max;
    }

    /// The directory [`VectorStore::persist`] saves to (where it was loaded from or opened).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Number of live points.
    pub fn count(&self) -> usize {
        self.read().live
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        // Every mutation leaves `Inner` consistent before anything can panic, so a
        // poisoned lock is still safe to use.
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Inserts or replaces points (synchronously). Vectors are normalised; a point whose
    /// review id, store and vector are already stored is skipped. All vectors are checked
    /// before anything changes.
    pub fn upsert_points(&self, points: &[Point]) -> Result<(), VectorError> {
        // Validate first; the last occurrence of a review id in the batch wins.
        let mut last: HashMap<&str, usize> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            last.insert(p.review_id.as_str(), i);
        }
        let mut batch: Vec<(usize, Vec<f32>)> = Vec::with_capacity(last.len());
        for (i, p) in points.iter().enumerate() {
            if last.get(p.review_id.as_str()) == Some(&i) {
                batch.push((i, normalized(&p.vector, self.dims)?));
            }
        }

        let mut inner = self.write();
        let inner = &mut *inner;
        let mut to_insert: Vec<(usize, Vec<f32>)> = Vec::with_capacity(batch.len());
        for (i, vector) in batch {
            let p = &points[i];
            if let Some(&old) = inner.by_review.get(&p.review_id) {
                let same_store = inner.stores[inner.points[old].store as usize] == p.store_id;
                let same_vector = inner.handles[old].as_ref().is_some_and(|h| {
                    h.get_v()
                        .iter()
                        .zip(&vector)
                        .all(|(a, b)| (a - b).abs() <= 1e-6)
                });
                if inner.points[old].live && same_store && same_vector {
                    continue;
                }
                inner.kill(old);
            }
            let store = inner.store_slot(&p.store_id);
            let id = inner.points.len();
            inner.points.push(PointMeta {
                review_id: p.review_id.clone(),
                store,
                live: true,
            });
            inner.handles.push(None);
            inner.by_review.insert(p.review_id.clone(), id);
            inner.by_store[store as usize].push(id);
            inner.live += 1;
            to_insert.push((id, vector));
        }
        if to_insert.is_empty() {
            return Ok(());
        }
        let params = self.params;
        let index = inner.index.get_or_insert_with(|| {
            Hnsw::new(
                params.max_connections,
                to_insert.len().max(1024),
                MAX_LAYERS,
                params.ef_construction,
                CosineDistance,
            )
        });
        if to_insert.len() >= PARALLEL_INSERT_MIN {
            let refs: Vec<(&[f32], usize)> = to_insert
                .iter()
                .map(|(id, v)| (v.as_slice(), *id))
                .collect();
            index.parallel_insert_slice(&refs);
        } else {
            for (id, v) in &to_insert {
                index.insert_slice((v.as_slice(), *id));
            }
        }
        inner.refresh_handles();
        Ok(())
    }

    /// The `k` nearest live points to `query` (synchronously); see [`VectorStore::search`].
    pub fn search_points(
        &self,
        query: &[f32],
        k: usize,
        filter: Option<&[String]>,
    ) -> Result<Vec<Hit>, VectorError> {
        let q = normalized(query, self.dims)?;
        let inner = self.read();
        if k == 0 || inner.live == 0 {
            return Ok(Vec::new());
        }
        let Some(index) = inner.index.as_ref() else {
            return Ok(Vec::new());
        };
        let ef = self.params.ef_search.max(k);
        let mut hits: Vec<(usize, f32)> = match filter {
            Some(allowed) => {
                let mut allow = vec![false; inner.stores.len()];
                for s in allowed {
                    if let Some(&i) = inner.store_index.get(s) {
                        allow[i as usize] = true;
                    }
                }
                let candidates: usize = allow
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| **a)
                    .map(|(i, _)| inner.by_store[i].len())
                    .sum();
                if candidates == 0 {
                    return Ok(Vec::new());
                }
                if candidates <= self.params.exact_scan_max {
                    let ids = allow
                        .iter()
                        .enumerate()
                        .filter(|(_, a)| **a)
                        .flat_map(|(i, _)| inner.by_store[i].iter().copied());
                    inner.exact(&q, k, ids)
                } else {
                    let keep = |id: &usize| {
                        inner
                            .points
                            .get(*id)
                            .is_some_and(|p| p.live && allow[p.store as usize])
                    };
                    index
                        .search_filter(&q, k, ef, Some(&keep))
                        .into_iter()
                        .map(|n| (n.d_id, n.distance))
                        .collect()
                }
            }
            None => {
                let dead = inner.points.len() - inner.live;
                let want = k + dead.min(1024);
                let mut found: Vec<(usize, f32)> = index
                    .search(&q, want, ef.max(want))
                    .into_iter()
                    .filter(|n| inner.points.get(n.d_id).is_some_and(|p| p.live))
                    .map(|n| (n.d_id, n.distance))
                    .collect();
                if found.len() < k.min(inner.live) && dead > 0 {
                    let keep = |id: &usize| inner.points.get(*id).is_some_and(|p| p.live);
                    found = index
                        .search_filter(&q, k, ef, Some(&keep))
                        .into_iter()
                        .map(|n| (n.d_id, n.distance))
                        .collect();
                }
                found
            }
        };
        hits.sort_by(|a, b| a.1.total_cmp(&b.1));
        hits.truncate(k);
        Ok(hits
            .into_iter()
            .filter_map(|(id, distance)| {
                let p = inner.points.get(id)?;
                Some(Hit {
                    review_id: p.review_id.clone(),
                    store_id: inner.stores[p.store as usize].clone(),
                    score: 1.0 - distance,
                })
            })
            .collect())
    }

    /// Exact top-`k` over every live point (for tests and measurements of recall).
    pub fn search_exact(&self, query: &[f32], k: usize) -> Result<Vec<Hit>, VectorError> {
        let q = normalized(query, self.dims)?;
        let inner = self.read();
        let ids: Vec<usize> = (0..inner.points.len())
            .filter(|&i| inner.points[i].live)
            .collect();
        let hits = inner.exact(&q, k, ids.into_iter());
        Ok(hits
            .into_iter()
            .map(|(id, d)| Hit {
                review_id: inner.points[id].review_id.clone(),
                store_id: inner.stores[inner.points[id].store as usize].clone(),
                score: 1.0 - d,
            })
            .collect())
    }

    /// Saves the index into `dir` (created if needed), replacing what was there.
    pub fn save(&self, dir: &Path) -> Result<(), VectorError> {
        std::fs::create_dir_all(dir).map_err(|e| VectorError::io(dir, e))?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let staging = dir.join(format!(".staging-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&staging).map_err(|e| VectorError::io(&staging, e))?;
        let result = self.save_staged(dir, &staging);
        let _ = std::fs::remove_dir_all(&staging);
        result
    }

    fn save_staged(&self, dir: &Path, staging: &Path) -> Result<(), VectorError> {
        let inner = self.read();
        let graph_name = format!("{BASENAME}.hnsw.graph");
        let data_name = format!("{BASENAME}.hnsw.data");
        let (graph_xxh3, data_xxh3) =
            match inner.index.as_ref().filter(|_| !inner.points.is_empty()) {
                Some(index) => {
                    let dumped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        index.file_dump(staging, BASENAME)
                    }));
                    match dumped {
                        Ok(Ok(name)) if name == BASENAME => {}
                        Ok(Ok(name)) => {
                            return Err(VectorError::Index(format!(
                                "hnsw_rs dumped under another name: {name}"
                            )))
                        }
                        Ok(Err(e)) => {
                            return Err(VectorError::Index(format!("hnsw_rs dump failed: {e}")))
                        }
                        Err(_) => return Err(VectorError::Index("hnsw_rs dump panicked".into())),
                    }
                    (
                        hash_file(&staging.join(&graph_name))?,
                        hash_file(&staging.join(&data_name))?,
                    )
                }
                None => (String::new(), String::new()),
            };
        let meta = Meta {
            format: FORMAT.into(),
            dims: self.dims,
            distance: "cosine".into(),
            params: self.params,
            graph_xxh3,
            data_xxh3,
            stores: inner.stores.clone(),
            points: inner.points.clone(),
        };
        drop(inner);
        let meta_tmp = staging.join(META_FILE);
        let json =
            serde_json::to_vec(&meta).map_err(|e| VectorError::Index(format!("meta: {e}")))?;
        std::fs::write(&meta_tmp, json).map_err(|e| VectorError::io(&meta_tmp, e))?;
        for name in [graph_name.as_str(), data_name.as_str(), META_FILE] {
            let p = staging.join(name);
            if p.exists() {
                std::fs::File::open(&p)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| VectorError::io(&p, e))?;
            }
        }
        // Old meta first (so a crash never pairs it with new dump files), meta last.
        match std::fs::remove_file(dir.join(META_FILE)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(VectorError::io(dir.join(META_FILE), e)),
        }
        for name in [graph_name.as_str(), data_name.as_str()] {
            let (from, to) = (staging.join(name), dir.join(name));
            if from.exists() {
                std::fs::rename(&from, &to).map_err(|e| VectorError::io(&to, e))?;
            } else {
                let _ = std::fs::remove_file(&to);
            }
        }
        std::fs::rename(&meta_tmp, dir.join(META_FILE))
            .map_err(|e| VectorError::io(dir.join(META_FILE), e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Loads the index saved in `dir`. [`VectorError::NotFound`] when there is none,
    /// [`VectorError::Corrupt`] when it cannot be used.
    pub fn load(dir: &Path) -> Result<Self, VectorError> {
        let meta_path = dir.join(META_FILE);
        let bytes = match std::fs::read(&meta_path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(VectorError::NotFound(dir.to_path_buf()))
            }
            Err(e) => return Err(VectorError::io(&meta_path, e)),
        };
        let meta: Meta = serde_json::from_slice(&bytes)
            .map_err(|e| VectorError::corrupt(&meta_path, e.to_string()))?;
        if meta.format != FORMAT {
            return Err(VectorError::corrupt(
                &meta_path,
                format!("format {:?}, expected {FORMAT:?}", meta.format),
            ));
        }
        if meta
            .points
            .iter()
            .any(|p| p.store as usize >= meta.stores.len())
        {
            return Err(VectorError::corrupt(
                &meta_path,
                "point with an unknown store",
            ));
        }
        let mut inner = Inner {
            stores: meta.stores,
            points: meta.points,
            ..Inner::default()
        };
        if !inner.points.is_empty() {
            for (name, want) in [("graph", &meta.graph_xxh3), ("data", &meta.data_xxh3)] {
                let path = dir.join(format!("{BASENAME}.hnsw.{name}"));
                if !path.is_file() {
                    return Err(VectorError::corrupt(&path, "missing"));
                }
                if &hash_file(&path)? != want {
                    return Err(VectorError::corrupt(
                        &path,
                        "checksum mismatch (damaged or from another save)",
                    ));
                }
            }
            // hnsw_rs's reloader borrows the HnswIo for the index's lifetime; it is small and
            // lives as long as the index, so it is leaked once per load.
            let io: &'static mut HnswIo = Box::leak(Box::new(HnswIo::new(dir, BASENAME)));
            let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                let io = io;
                load_index(io)
            }));
            let index: Index = match loaded {
                Ok(Ok(index)) => index,
                Ok(Err(e)) => return Err(VectorError::corrupt(dir, format!("hnsw_rs: {e}"))),
                Err(_) => return Err(VectorError::corrupt(dir, "hnsw_rs failed reading the dump")),
            };
            if index.get_nb_point() != inner.points.len() {
                return Err(VectorError::corrupt(
                    dir,
                    format!(
                        "index holds {} points, meta lists {}",
                        index.get_nb_point(),
                        inner.points.len()
                    ),
                ));
            }
            inner.index = Some(index);
            inner.handles = vec![None; inner.points.len()];
            inner.refresh_handles();
            if inner.handles.iter().any(Option::is_none) {
                return Err(VectorError::corrupt(
                    dir,
                    "index and meta disagree on point ids",
                ));
            }
            if let Some(h) = inner
                .handles
                .iter()
                .flatten()
                .find(|h| h.get_v().len() != meta.dims)
            {
                return Err(VectorError::corrupt(
                    dir,
                    format!("a vector has {} dimensions", h.get_v().len()),
                ));
            }
        }
        inner.store_index = inner
            .stores
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u32))
            .collect();
        inner.by_store = vec![Vec::new(); inner.stores.len()];
        for (id, p) in inner.points.iter().enumerate() {
            if p.live {
                inner.by_review.insert(p.review_id.clone(), id);
                inner.by_store[p.store as usize].push(id);
                inner.live += 1;
            }
        }
        Ok(EmbeddedStore {
            dims: meta.dims,
            params: meta.params,
            dir: Some(dir.to_path_buf()),
            inner: RwLock::new(inner),
        })
    }
}

impl Inner {
    fn store_slot(&mut self, store_id: &str) -> u32 {
        if let Some(&i) = self.store_index.get(store_id) {
            return i;
        }
        let i = self.stores.len() as u32;
        self.stores.push(store_id.to_string());
        self.store_index.insert(store_id.to_string(), i);
        self.by_store.push(Vec::new());
        i
    }

    /// Marks a point dead (its vector stays in the graph, unused).
    fn kill(&mut self, id: usize) {
        if let Some(p) = self.points.get_mut(id) {
            if p.live {
                p.live = false;
                self.live -= 1;
                self.by_store[p.store as usize].retain(|&x| x != id);
            }
        }
    }

    /// Fills `handles` from the index (new points get their shared vector handle).
    fn refresh_handles(&mut self) {
        let Some(index) = self.index.as_ref() else {
            return;
        };
        for point in index.get_point_indexation() {
            let id = point.get_origin_id();
            if let Some(slot) = self.handles.get_mut(id) {
                if slot.is_none() {
                    *slot = Some(point);
                }
            }
        }
    }

    /// Exact nearest among `ids`: (data id, cosine distance), best first, at most `k`.
    fn exact(&self, q: &[f32], k: usize, ids: impl Iterator<Item = usize>) -> Vec<(usize, f32)> {
        let mut all: Vec<(usize, f32)> = ids
            .filter_map(|id| {
                let h = self.handles.get(id)?.as_ref()?;
                Some((id, CosineDistance.eval(q, h.get_v())))
            })
            .collect();
        if all.len() > k {
            all.select_nth_unstable_by(k, |a, b| a.1.total_cmp(&b.1));
            all.truncate(k);
        }
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all
    }
}

/// `hnsw_rs`'s reload; the index borrows `io` for good.
fn load_index(io: &'static mut HnswIo) -> Result<Index, String> {
    io.load_hnsw::<f32, CosineDistance>()
        .map_err(|e| e.to_string())
}

fn hash_file(path: &Path) -> Result<String, VectorError> {
    let mut f = std::fs::File::open(path).map_err(|e| VectorError::io(path, e))?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(|e| VectorError::io(path, e))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:016x}", h.digest()))
}

impl VectorStore for EmbeddedStore {
    fn upsert<'a>(&'a self, points: &'a [Point]) -> BoxFuture<'a, Result<(), VectorError>> {
        Box::pin(async move { self.upsert_points(points) })
    }

    fn search<'a>(
        &'a self,
        query: &'a [f32],
        k: usize,
        filter: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<Vec<Hit>, VectorError>> {
        Box::pin(async move { self.search_points(query, k, filter) })
    }

    fn len(&self) -> BoxFuture<'_, Result<usize, VectorError>> {
        Box::pin(async move { Ok(self.count()) })
    }

    fn persist(&self) -> BoxFuture<'_, Result<(), VectorError>> {
        Box::pin(async move {
            match &self.dir {
                Some(dir) => self.save(dir),
                None => Ok(()),
            }
        })
    }

    fn backend(&self) -> &'static str {
        "embedded"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_distance_is_clamped_and_exact() {
        let v = [0.6f32, 0.8];
        assert!(CosineDistance.eval(&v, &v) >= 0.0);
        assert!((dot(&[1.0; 19], &[2.0; 19]) - 38.0).abs() < 1e-5);
        assert_eq!(CosineDistance.eval(&[1.0, 0.0], &[-1.0, 0.0]), 2.0);
    }
}
