//! An exclusive advisory lock on a file (`flock` through the `fs4` crate), released on drop
//! and by the OS when the process dies (so Ctrl-C never leaves a stale lock behind).

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::ReviewSearchError;

/// Holds the lock until dropped.
#[derive(Debug)]
pub(crate) struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the exclusive lock on `path` (created if needed), waiting for another holder
    /// (another builder process or thread) to finish. Logs when it has to wait.
    pub(crate) fn exclusive(path: &Path) -> Result<FileLock, ReviewSearchError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ReviewSearchError::io(dir, e))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| ReviewSearchError::io(path, e))?;
        // Fully qualified: `File::try_lock`/`lock` are also std methods since Rust 1.89,
        // newer than this workspace's rust-version.
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(fs4::TryLockError::WouldBlock) => {
                let started = Instant::now();
                tracing::info!(lock = %path.display(), "waiting for another review-index builder");
                fs4::FileExt::lock(&file).map_err(|e| ReviewSearchError::io(path, e))?;
                tracing::info!(
                    lock = %path.display(),
                    waited_ms = started.elapsed().as_millis() as u64,
                    "lock acquired"
                );
            }
            Err(fs4::TryLockError::Error(e)) => return Err(ReviewSearchError::io(path, e)),
        }
        Ok(FileLock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Whether `path` is locked by someone else right now (tests).
    #[cfg(test)]
    pub(crate) fn is_held(path: &Path) -> bool {
        let Ok(f) = OpenOptions::new().read(true).write(true).open(path) else {
            return false;
        };
        match fs4::FileExt::try_lock(&f) {
            Ok(()) => {
                let _ = fs4::FileExt::unlock(&f);
                false
            }
            Err(_) => true,
        }
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        if let Err(e) = fs4::FileExt::unlock(&self.file) {
            tracing::warn!(lock = %self.path.display(), error = %e, "unlocking failed (the OS releases it on close)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn exclusive_between_handles_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/c.bin.lock");
        let lock = FileLock::exclusive(&path).unwrap();
        assert!(FileLock::is_held(&path));
        // A second builder (here a thread) waits until the first lets go.
        let p2 = path.clone();
        let waiter = std::thread::spawn(move || {
            let t = Instant::now();
            let _l = FileLock::exclusive(&p2).unwrap();
            t.elapsed()
        });
        std::thread::sleep(Duration::from_millis(200));
        drop(lock);
        let waited = waiter.join().unwrap();
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(!FileLock::is_held(&path));
    }
}
