//! `jeju graph start` / `stop` against the real server: a detached ArcadeDB (as `./setup.sh`
//! installs it: `.jeju/arcadedb`, or `JEJU_ARCADEDB_HOME`) on a temporary root and free
//! loopback ports is recognised by its command line and stopped.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jeju_arcadedb::{stop_detached, ArcadeDb, ServerConfig, StopOutcome};

/// Kills the server if the test fails before it stopped it.
struct KillOnDrop(u32);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if jeju_process::pid_alive(self.0) {
            let _ = std::process::Command::new("kill")
                .arg("-9")
                .arg(self.0.to_string())
                .status();
        }
    }
}

#[tokio::test]
async fn a_detached_server_is_recognised_and_stopped() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::local(workspace);
    if let Some(home) = std::env::var_os("JEJU_ARCADEDB_HOME") {
        config.home = PathBuf::from(home);
    }
    config.root = dir.path().join("graph");
    config.http_port = jeju_arcadedb::free_port().unwrap();
    config.bolt_port = jeju_arcadedb::free_port().unwrap();
    config.heap_mb = 512;
    config.reader = None;
    let server = ArcadeDb::spawn_detached(config.clone())
        .await
        .unwrap_or_else(|e| panic!("cannot start the graph server (run ./setup.sh): {e}"));
    drop(server);
    let pid: u32 = std::fs::read_to_string(config.root.join("server.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let _guard = KillOnDrop(pid);
    assert_eq!(config.running_pid(), Some(pid));

    let report = stop_detached(&config, Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(report.outcome, StopOutcome::Stopped, "{report:?}");
    assert_eq!(report.foreign_pid, None);
    assert!(!jeju_process::pid_alive(pid));
    assert!(jeju_arcadedb::health(&config).await.is_err());
    assert!(!config.root.join("server.pid").exists());
    assert_eq!(config.running_pid(), None);

    let again = stop_detached(&config, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(again.outcome, StopOutcome::NotRunning);
}
