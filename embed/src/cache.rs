//! [`EmbeddingCache`]: an append-only, resumable on-disk store of vectors keyed by a hash of
//! (model id, prefixed text).
//!
//! # File format (little-endian)
//!
//! ```text
//! header  16 bytes   magic "JEJUVEC1" (8) | dims: u32 | reserved: u32 (0)
//! record  repeated   key: u64 | dims × f32 | check: u32
//! ```
//!
//! `key` is [`cache_key`]; `check` is the low 32 bits of xxh3-64 over the record's key and
//! vector bytes. Records are only ever appended, one batch at a time, and each batch is
//! flushed and synced before the next is embedded. On open, records are read up to the first
//! incomplete or damaged one; that tail (a crash mid-write) is dropped and cut off the file so
//! that later appends line up again. A later record with the same key wins.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::EmbedError;

const MAGIC: &[u8; 8] = b"JEJUVEC1";
const HEADER_LEN: u64 = 16;

/// The cache key of `text` embedded by model `model_id` with e5 prefix `prefix`
/// (`"query: "` or `"passage: "`): xxh3-64 of `model_id`, a NUL byte, then the prefixed text.
pub fn cache_key(model_id: &str, prefix: &str, text: &str) -> u64 {
    let mut h = Xxh3::new();
    h.update(model_id.as_bytes());
    h.update(&[0]);
    h.update(prefix.as_bytes());
    h.update(text.as_bytes());
    h.digest()
}

/// Vectors by key, in memory, backed by an append-only file (or by nothing, see
/// [`EmbeddingCache::in_memory`]).
pub struct EmbeddingCache {
    dims: usize,
    index: HashMap<u64, usize>,
    data: Vec<f32>,
    path: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
    dropped_bytes: u64,
}

impl std::fmt::Debug for EmbeddingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddingCache")
            .field("path", &self.path)
            .field("dims", &self.dims)
            .field("len", &self.index.len())
            .finish()
    }
}

impl EmbeddingCache {
    /// Opens (or creates) the cache file at `path` for vectors of `dims` dimensions, loading
    /// every complete record. A damaged or incomplete tail is dropped (see
    /// [`EmbeddingCache::dropped_bytes`]); a file that is not a cache, or holds another
    /// dimension, is an error ([`EmbedError::CacheFormat`]) and is left untouched.
    pub fn open(path: impl AsRef<Path>, dims: usize) -> Result<EmbeddingCache, EmbedError> {
        let path = path.as_ref().to_path_buf();
        let dims32 = u32::try_from(dims).map_err(|_| EmbedError::CacheFormat {
            path: path.clone(),
            reason: format!("unsupported dimension {dims}"),
        })?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| EmbedError::io(dir, e))?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| EmbedError::io(&path, e))?;
        let len = file.metadata().map_err(|e| EmbedError::io(&path, e))?.len();

        let mut cache = EmbeddingCache {
            dims,
            index: HashMap::new(),
            data: Vec::new(),
            path: Some(path.clone()),
            writer: None,
            dropped_bytes: 0,
        };

        let good_end = if len < HEADER_LEN {
            // New file, or a crash while writing the header: (re)write it.
            let mut header = Vec::with_capacity(HEADER_LEN as usize);
            header.extend_from_slice(MAGIC);
            header.extend_from_slice(&dims32.to_le_bytes());
            header.extend_from_slice(&0u32.to_le_bytes());
            if len > 0 && !MAGIC.starts_with(&read_prefix(&mut file, &path, len)?) {
                return Err(EmbedError::CacheFormat {
                    path,
                    reason: "not an embedding cache".into(),
                });
            }
            file.set_len(0).map_err(|e| EmbedError::io(&path, e))?;
            file.seek(SeekFrom::Start(0))
                .map_err(|e| EmbedError::io(&path, e))?;
            file.write_all(&header)
                .map_err(|e| EmbedError::io(&path, e))?;
            file.sync_data().map_err(|e| EmbedError::io(&path, e))?;
            cache.dropped_bytes = len;
            HEADER_LEN
        } else {
            let end = cache.load_records(&mut file, &path, dims32, len)?;
            cache.dropped_bytes = len - end;
            if end < len {
                tracing::warn!(
                    path = %path.display(),
                    dropped_bytes = len - end,
                    "embedding cache: dropping an incomplete or damaged tail"
                );
                file.set_len(end).map_err(|e| EmbedError::io(&path, e))?;
                file.sync_data().map_err(|e| EmbedError::io(&path, e))?;
            }
            end
        };
        file.seek(SeekFrom::Start(good_end))
            .map_err(|e| EmbedError::io(&path, e))?;
        cache.writer = Some(BufWriter::with_capacity(1 << 20, file));
        Ok(cache)
    }

    /// A cache that lives in memory only (nothing is written).
    pub fn in_memory(dims: usize) -> EmbeddingCache {
        EmbeddingCache {
            dims,
            index: HashMap::new(),
            data: Vec::new(),
            path: None,
            writer: None,
            dropped_bytes: 0,
        }
    }

    /// Reads records after the header; returns the offset after the last good one.
    fn load_records(
        &mut self,
        file: &mut File,
        path: &Path,
        dims: u32,
        len: u64,
    ) -> Result<u64, EmbedError> {
        let mut reader = BufReader::with_capacity(1 << 20, &mut *file);
        let mut header = [0u8; HEADER_LEN as usize];
        reader
            .read_exact(&mut header)
            .map_err(|e| EmbedError::io(path, e))?;
        if &header[..8] != MAGIC {
            return Err(EmbedError::CacheFormat {
                path: path.to_path_buf(),
                reason: "not an embedding cache".into(),
            });
        }
        let found = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
        if found != dims {
            return Err(EmbedError::CacheFormat {
                path: path.to_path_buf(),
                reason: format!("holds {found}-dimensional vectors, expected {dims}"),
            });
        }
        let rec_len = record_len(self.dims);
        let n_records = (len - HEADER_LEN) / rec_len as u64;
        self.data.reserve(
            usize::try_from(n_records)
                .unwrap_or(0)
                .saturating_mul(self.dims),
        );
        let mut rec = vec![0u8; rec_len];
        let mut end = HEADER_LEN;
        while end + rec_len as u64 <= len {
            if reader.read_exact(&mut rec).is_err() {
                break;
            }
            let body = &rec[..rec_len - 4];
            let check = u32::from_le_bytes([
                rec[rec_len - 4],
                rec[rec_len - 3],
                rec[rec_len - 2],
                rec[rec_len - 1],
            ]);
            if check != xxh3_64(body) as u32 {
                break;
            }
            let key = u64::from_le_bytes([
                body[0], body[1], body[2], body[3], body[4], body[5], body[6], body[7],
            ]);
            let vector = body[8..]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            self.put(key, vector);
            end += rec_len as u64;
        }
        Ok(end)
    }

    fn put(&mut self, key: u64, vector: impl Iterator<Item = f32>) {
        match self.index.get(&key) {
            Some(&slot) => {
                for (dst, x) in self.data[slot * self.dims..(slot + 1) * self.dims]
                    .iter_mut()
                    .zip(vector)
                {
                    *dst = x;
                }
            }
            None => {
                let slot = self.data.len() / self.dims.max(1);
                self.data.extend(vector);
                self.index.insert(key, slot);
            }
        }
    }

    /// Adds vectors and writes them through: appended, flushed and synced before returning.
    pub fn append(&mut self, entries: &[(u64, &[f32])]) -> Result<(), EmbedError> {
        if let Some((_, v)) = entries.iter().find(|(_, v)| v.len() != self.dims) {
            return Err(EmbedError::Dimensions {
                expected: self.dims,
                found: v.len(),
            });
        }
        if let (Some(writer), Some(path)) = (self.writer.as_mut(), self.path.as_ref()) {
            let mut rec = Vec::with_capacity(record_len(self.dims));
            for (key, vector) in entries {
                rec.clear();
                rec.extend_from_slice(&key.to_le_bytes());
                for x in *vector {
                    rec.extend_from_slice(&x.to_le_bytes());
                }
                let check = xxh3_64(&rec) as u32;
                rec.extend_from_slice(&check.to_le_bytes());
                writer
                    .write_all(&rec)
                    .map_err(|e| EmbedError::io(path, e))?;
            }
            writer.flush().map_err(|e| EmbedError::io(path, e))?;
            writer
                .get_ref()
                .sync_data()
                .map_err(|e| EmbedError::io(path, e))?;
        }
        for (key, vector) in entries {
            self.put(*key, vector.iter().copied());
        }
        Ok(())
    }

    /// The vector stored under `key`.
    pub fn get(&self, key: u64) -> Option<&[f32]> {
        self.index
            .get(&key)
            .map(|&slot| &self.data[slot * self.dims..(slot + 1) * self.dims])
    }

    /// Whether `key` is stored.
    pub fn contains(&self, key: u64) -> bool {
        self.index.contains_key(&key)
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Vector dimension.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The backing file (`None` for an in-memory cache).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Bytes of an incomplete or damaged tail dropped when the file was opened.
    pub fn dropped_bytes(&self) -> u64 {
        self.dropped_bytes
    }
}

fn record_len(dims: usize) -> usize {
    8 + 4 * dims + 4
}

/// The first `min(len, 8)` bytes of the file.
fn read_prefix(file: &mut File, path: &Path, len: u64) -> Result<Vec<u8>, EmbedError> {
    let mut buf = vec![0u8; usize::try_from(len.min(8)).unwrap_or(8)];
    file.seek(SeekFrom::Start(0))
        .map_err(|e| EmbedError::io(path, e))?;
    file.read_exact(&mut buf)
        .map_err(|e| EmbedError::io(path, e))?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vec_of(seed: u32, dims: usize) -> Vec<f32> {
        (0..dims)
            .map(|i| (seed as f32) + i as f32 / 1000.0)
            .collect()
    }

    #[test]
    fn round_trip_and_truncated_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("vectors.bin");
        let dims = 8;
        {
            let mut c = EmbeddingCache::open(&path, dims).unwrap();
            assert!(c.is_empty());
            let a = vec_of(1, dims);
            let b = vec_of(2, dims);
            c.append(&[(1, &a), (2, &b)]).unwrap();
            let d = vec_of(3, dims);
            c.append(&[(3, &d)]).unwrap();
        }
        let full = std::fs::metadata(&path).unwrap().len();
        assert_eq!(full, HEADER_LEN + 3 * record_len(dims) as u64);
        {
            let c = EmbeddingCache::open(&path, dims).unwrap();
            assert_eq!(c.len(), 3);
            assert_eq!(c.get(2).unwrap(), vec_of(2, dims).as_slice());
            assert_eq!(c.dropped_bytes(), 0);
        }
        // Cut the last record in half: it is dropped, the others load, appends line up.
        let f = OpenOptions::new().write(true).open(&path).unwrap();
        f.set_len(full - 10).unwrap();
        drop(f);
        {
            let mut c = EmbeddingCache::open(&path, dims).unwrap();
            assert_eq!(c.len(), 2);
            assert!(c.get(3).is_none());
            assert_eq!(c.dropped_bytes(), record_len(dims) as u64 - 10);
            let e = vec_of(4, dims);
            c.append(&[(4, &e)]).unwrap();
        }
        let c = EmbeddingCache::open(&path, dims).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(4).unwrap(), vec_of(4, dims).as_slice());
    }

    #[test]
    fn damaged_record_and_wrong_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.bin");
        {
            let mut c = EmbeddingCache::open(&path, 4).unwrap();
            c.append(&[(1, &[1.0, 2.0, 3.0, 4.0]), (2, &[5.0, 6.0, 7.0, 8.0])])
                .unwrap();
        }
        // Zero out the second record (what a crash can leave behind on some filesystems).
        let mut bytes = std::fs::read(&path).unwrap();
        let start = HEADER_LEN as usize + record_len(4);
        bytes[start..].fill(0);
        std::fs::write(&path, &bytes).unwrap();
        let c = EmbeddingCache::open(&path, 4).unwrap();
        assert_eq!(c.len(), 1);
        drop(c);

        // Another dimension: an error, file untouched.
        let before = std::fs::read(&path).unwrap();
        assert!(matches!(
            EmbeddingCache::open(&path, 5),
            Err(EmbedError::CacheFormat { .. })
        ));
        assert_eq!(std::fs::read(&path).unwrap(), before);

        // Not a cache at all.
        let other = dir.path().join("other.txt");
        std::fs::write(&other, "hello, this is not a cache file").unwrap();
        assert!(matches!(
            EmbeddingCache::open(&other, 4),
            Err(EmbedError::CacheFormat { .. })
        ));
        std::fs::write(&other, "hello").unwrap();
        assert!(matches!(
            EmbeddingCache::open(&other, 4),
            Err(EmbedError::CacheFormat { .. })
        ));

        // A header cut short by a crash is rewritten.
        let short = dir.path().join("short.bin");
        std::fs::write(&short, b"JEJUV").unwrap();
        let c = EmbeddingCache::open(&short, 4).unwrap();
        assert!(c.is_empty());

        // Wrong vector length.
        let mut c = EmbeddingCache::in_memory(4);
        assert!(matches!(
            c.append(&[(1, &[1.0])]),
            Err(EmbedError::Dimensions { .. })
        ));
    }

    #[test]
    fn keys_depend_on_model_prefix_and_text() {
        let k = cache_key("m1", "passage: ", "맛있어요");
        assert_eq!(k, cache_key("m1", "passage: ", "맛있어요"));
        assert_ne!(k, cache_key("m2", "passage: ", "맛있어요"));
        assert_ne!(k, cache_key("m1", "query: ", "맛있어요"));
        assert_ne!(k, cache_key("m1", "passage: ", "맛없어요"));
    }
}
