//! Where the review index and the embedding cache live.

use std::path::{Path, PathBuf};

/// Overrides the index directory (default `<root>/.jeju/vectors/reviews`).
pub const INDEX_DIR_ENV: &str = "JEJU_REVIEW_INDEX_DIR";
/// Overrides the embedding cache file (default `<root>/.jeju/cache/e5-reviews.bin`). Tests
/// point several processes at one shared cache with it; the builder's file lock keeps them
/// from writing it at the same time.
pub const EMBED_CACHE_ENV: &str = "JEJU_EMBED_CACHE";

/// The index directory under the project root.
pub const DEFAULT_INDEX_DIR: &str = ".jeju/vectors/reviews";
/// The embedding cache file under the project root.
pub const DEFAULT_CACHE_FILE: &str = ".jeju/cache/e5-reviews.bin";

/// The manifest's file name inside the index directory.
pub(crate) const MANIFEST_FILE: &str = "reviews-manifest.json";

/// The files of one review index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewIndexPaths {
    /// The embedded HNSW store's directory (with a Qdrant backend it holds only the
    /// manifest).
    pub index_dir: PathBuf,
    /// The append-only embedding cache (see `jeju_embed::EmbeddingCache`).
    pub cache_file: PathBuf,
}

impl ReviewIndexPaths {
    /// The project's paths: `<project_root>/.jeju/vectors/reviews` and
    /// `<project_root>/.jeju/cache/e5-reviews.bin`, each overridden by its environment
    /// variable ([`INDEX_DIR_ENV`], [`EMBED_CACHE_ENV`]) when that is set and non-empty.
    pub fn local(project_root: impl AsRef<Path>) -> Self {
        Self::from_lookup(project_root.as_ref(), |k| std::env::var_os(k))
    }

    /// Explicit paths (no environment lookup).
    pub fn new(index_dir: impl Into<PathBuf>, cache_file: impl Into<PathBuf>) -> Self {
        ReviewIndexPaths {
            index_dir: index_dir.into(),
            cache_file: cache_file.into(),
        }
    }

    fn from_lookup(root: &Path, lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        let var = |k: &str| lookup(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        ReviewIndexPaths {
            index_dir: var(INDEX_DIR_ENV).unwrap_or_else(|| root.join(DEFAULT_INDEX_DIR)),
            cache_file: var(EMBED_CACHE_ENV).unwrap_or_else(|| root.join(DEFAULT_CACHE_FILE)),
        }
    }

    /// The manifest written after a complete build.
    pub fn manifest_file(&self) -> PathBuf {
        self.index_dir.join(MANIFEST_FILE)
    }

    /// The lock file that serialises builders sharing the cache (`<cache>.lock`).
    pub fn cache_lock_file(&self) -> PathBuf {
        sibling_lock(&self.cache_file)
    }

    /// The lock file that serialises builders sharing the index directory
    /// (`<index_dir>.lock`, beside it, so that a rebuild can empty the directory).
    pub fn index_lock_file(&self) -> PathBuf {
        sibling_lock(&self.index_dir)
    }
}

fn sibling_lock(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "review-index".into());
    name.push(".lock");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let root = Path::new("/proj");
        let p = ReviewIndexPaths::from_lookup(root, |_| None);
        assert_eq!(p.index_dir, Path::new("/proj/.jeju/vectors/reviews"));
        assert_eq!(p.cache_file, Path::new("/proj/.jeju/cache/e5-reviews.bin"));
        assert_eq!(
            p.manifest_file(),
            Path::new("/proj/.jeju/vectors/reviews/reviews-manifest.json")
        );
        assert_eq!(
            p.cache_lock_file(),
            Path::new("/proj/.jeju/cache/e5-reviews.bin.lock")
        );
        assert_eq!(
            p.index_lock_file(),
            Path::new("/proj/.jeju/vectors/reviews.lock")
        );

        let p = ReviewIndexPaths::from_lookup(root, |k| match k {
            INDEX_DIR_ENV => Some("/tmp/idx".into()),
            EMBED_CACHE_ENV => Some("".into()),
            _ => None,
        });
        assert_eq!(p.index_dir, Path::new("/tmp/idx"));
        assert_eq!(p.cache_file, Path::new("/proj/.jeju/cache/e5-reviews.bin"));
    }
}
