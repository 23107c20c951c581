//! The manifest written after a complete build: what the index was built from, so that a
//! stale index (other data, other model, interrupted build) is detected.

use std::path::Path;

use jeju_data::catalog::Review;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::{ReviewIndexPaths, ReviewSearchError};

/// Format tag of the manifest (bumped when the index layout or the fingerprint changes).
pub const MANIFEST_FORMAT: &str = "jeju-review-search/1";

/// What a complete build wrote (`reviews-manifest.json` in the index directory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`].
    pub format: String,
    /// The embedder's model id (weights name plus file hash).
    pub model_id: String,
    /// Vector dimension.
    pub dims: usize,
    /// Points in the store: one per distinct review id.
    pub count: usize,
    /// [`data_fingerprint`] of the reviews it was built from.
    pub fingerprint: String,
    /// The vector store backend: `"embedded"` or `"qdrant"`.
    pub backend: String,
    /// When the build finished (seconds since the Unix epoch).
    pub built_unix_s: u64,
}

impl Manifest {
    /// Why this manifest does not describe an index of `reviews` embedded by `model_id`
    /// (`None`: it does).
    pub fn mismatch(&self, fingerprint: &str, count: usize, model_id: &str) -> Option<String> {
        if self.format != MANIFEST_FORMAT {
            Some(format!(
                "format {:?}, expected {MANIFEST_FORMAT:?}",
                self.format
            ))
        } else if self.model_id != model_id {
            Some(format!(
                "built with model {}, the installed model is {model_id}",
                self.model_id
            ))
        } else if self.count != count || self.fingerprint != fingerprint {
            Some(format!(
                "built from other reviews ({} then, {count} now; fingerprint {} then, {fingerprint} now)",
                self.count, self.fingerprint
            ))
        } else {
            None
        }
    }
}

/// A fingerprint of the reviews as the index sees them: xxh3-64 over (id, store id, text)
/// of every review, in id order (so file order does not matter), as 16 hex digits.
pub fn data_fingerprint(reviews: &[Review]) -> String {
    let mut order: Vec<&Review> = reviews.iter().collect();
    order.sort_by(|a, b| a.id.cmp(&b.id));
    let mut h = Xxh3::new();
    h.update(MANIFEST_FORMAT.as_bytes());
    for r in order {
        for part in [&r.id, &r.store_id, &r.text] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    format!("{:016x}", h.digest())
}

/// Number of distinct review ids (= points in a complete index).
pub fn distinct_reviews(reviews: &[Review]) -> usize {
    reviews
        .iter()
        .map(|r| r.id.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len()
}

/// Where an index stands relative to some data and model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexStatus {
    /// No complete build (no manifest).
    Missing,
    /// Built, but not from these reviews or not with this model; the reason.
    Stale(String),
    /// Built from exactly these reviews with this model.
    Fresh(Manifest),
}

/// Compares the manifest in `paths` with `reviews` and `model_id`. Reads one small file;
/// does not open the vector store.
pub fn index_status(
    paths: &ReviewIndexPaths,
    reviews: &[Review],
    model_id: &str,
) -> Result<IndexStatus, ReviewSearchError> {
    let Some(manifest) = read_manifest(&paths.manifest_file())? else {
        return Ok(IndexStatus::Missing);
    };
    let fingerprint = data_fingerprint(reviews);
    Ok(
        match manifest.mismatch(&fingerprint, distinct_reviews(reviews), model_id) {
            Some(reason) => IndexStatus::Stale(reason),
            None => IndexStatus::Fresh(manifest),
        },
    )
}

/// The manifest at `path`, `None` when there is none.
pub fn read_manifest(path: &Path) -> Result<Option<Manifest>, ReviewSearchError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReviewSearchError::io(path, e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ReviewSearchError::Manifest {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Writes the manifest atomically (temporary file, sync, rename).
pub(crate) fn write_manifest(path: &Path, manifest: &Manifest) -> Result<(), ReviewSearchError> {
    let json = serde_json::to_vec_pretty(manifest).map_err(|e| ReviewSearchError::Manifest {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let tmp = path.with_extension(format!("json.tmp-{}", std::process::id()));
    std::fs::write(&tmp, json).map_err(|e| ReviewSearchError::io(&tmp, e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| ReviewSearchError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| ReviewSearchError::io(path, e))
}

/// Removes the manifest (before a rebuild starts, so that an interrupted rebuild is never
/// taken for a complete one).
/// Sets an index aside: without its manifest, review search does not open it and the next
/// build writes it again (its vectors stay in the embedding cache).
pub fn invalidate(paths: &crate::ReviewIndexPaths) -> Result<(), ReviewSearchError> {
    remove_manifest(&paths.manifest_file())
}

pub(crate) fn remove_manifest(path: &Path) -> Result<(), ReviewSearchError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ReviewSearchError::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_data::catalog::ReviewSource;

    fn review(id: &str, store: &str, text: &str) -> Review {
        Review {
            id: id.into(),
            store_id: store.into(),
            source: ReviewSource::Naver,
            rating: None,
            text: text.into(),
            keywords: Vec::new(),
            visited: None,
        }
    }

    #[test]
    fn fingerprint_ignores_order_but_not_content() {
        let a = [
            review("R1", "S1", "맛있어요"),
            review("R2", "S2", "친절해요"),
        ];
        let b = [a[1].clone(), a[0].clone()];
        assert_eq!(data_fingerprint(&a), data_fingerprint(&b));
        let mut c = a.clone();
        c[1].text.push('!');
        assert_ne!(data_fingerprint(&a), data_fingerprint(&c));
        let mut d = a.clone();
        d[0].store_id = "S9".into();
        assert_ne!(data_fingerprint(&a), data_fingerprint(&d));
        // Field boundaries are part of the hash.
        let e = [review("R1", "S1x", "y")];
        let f = [review("R1", "S1", "xy")];
        assert_ne!(data_fingerprint(&e), data_fingerprint(&f));
        assert_eq!(distinct_reviews(&[a[0].clone(), a[0].clone()]), 1);
    }

    #[test]
    fn manifest_round_trip_and_mismatch() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ReviewIndexPaths::new(dir.path().join("idx"), dir.path().join("c.bin"));
        let reviews = [review("R1", "S1", "흑돼지")];
        assert_eq!(
            index_status(&paths, &reviews, "m").unwrap(),
            IndexStatus::Missing
        );
        std::fs::create_dir_all(&paths.index_dir).unwrap();
        let m = Manifest {
            format: MANIFEST_FORMAT.into(),
            model_id: "m".into(),
            dims: 384,
            count: 1,
            fingerprint: data_fingerprint(&reviews),
            backend: "embedded".into(),
            built_unix_s: 1,
        };
        write_manifest(&paths.manifest_file(), &m).unwrap();
        assert_eq!(
            index_status(&paths, &reviews, "m").unwrap(),
            IndexStatus::Fresh(m.clone())
        );
        match index_status(&paths, &reviews, "other").unwrap() {
            IndexStatus::Stale(reason) => assert!(reason.contains("model"), "{reason}"),
            s => panic!("{s:?}"),
        }
        match index_status(&paths, &[], "m").unwrap() {
            IndexStatus::Stale(reason) => assert!(reason.contains("other reviews"), "{reason}"),
            s => panic!("{s:?}"),
        }
        std::fs::write(paths.manifest_file(), "{").unwrap();
        assert!(matches!(
            index_status(&paths, &reviews, "m"),
            Err(ReviewSearchError::Manifest { .. })
        ));
        remove_manifest(&paths.manifest_file()).unwrap();
        remove_manifest(&paths.manifest_file()).unwrap();
        assert_eq!(
            index_status(&paths, &reviews, "m").unwrap(),
            IndexStatus::Missing
        );
    }
}
