//! Helpers for the crates that own a local server process (`jeju-arcadedb`, `jeju-llm`).

use std::path::Path;

/// Is a process with this pid running (and not a zombie)? Linux `/proc` only.
pub fn pid_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

/// The last `lines` lines of a log file ("" if it cannot be read).
pub fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A TCP port free on loopback right now (for tests that start their own servers).
pub fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_work_on_this_process_and_files() {
        assert!(pid_alive(std::process::id()));
        assert!(!pid_alive(u32::MAX));
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("x.log");
        std::fs::write(&log, "a\nb\nc\n").unwrap();
        assert_eq!(log_tail(&log, 2), "b\nc");
        assert_eq!(log_tail(&dir.path().join("missing"), 2), "");
        assert!(free_port().unwrap() > 0);
    }
}
