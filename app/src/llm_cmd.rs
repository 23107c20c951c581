//! `jeju llm start | stop | status`.

use std::time::Duration;

use anyhow::{bail, Result};
use jeju_llm::server::{LlamaServer, ServerConfig};
use jeju_llm::{LlmClient, LlmConfig};

use crate::graph_cmd::project_home;

fn local_config() -> ServerConfig {
    ServerConfig::local(&project_home())
}

pub async fn start(threads: Option<usize>) -> Result<()> {
    let client = LlmConfig::from_env();
    if !client.is_local_default() {
        bail!(
            "JEJU_LLM_URL is {}: `jeju llm start` manages only the local server",
            client.base_url
        );
    }
    let mut config = local_config();
    if let Some(n) = threads {
        if n == 0 {
            bail!("--threads must be at least 1");
        }
        config.threads = n;
    }
    let server = LlamaServer::spawn_detached(config).await?;
    println!("LLM server ready at {}", describe(&server));
    Ok(())
}

/// Where a started server listens and how it runs, for the line that says it is up.
fn describe(server: &LlamaServer) -> String {
    format!(
        "{} (model loaded in {:.1} s, {} generation threads, log {})",
        server.config().base_url(),
        server.load_time().as_secs_f64(),
        server.config().threads,
        server.config().log_file().display()
    )
}

/// For `quickstart`, before it serves: the local LLM server, started when it is not
/// answering (as ingest starts the graph server). Nothing happens when `JEJU_LLM_URL` points
/// elsewhere. A failure is reported, not fatal: the page then answers with the rules and
/// `/api/health` says the LLM is down.
pub async fn ensure_local_running() {
    if !LlmConfig::from_env().is_local_default() {
        return;
    }
    match LlamaServer::spawn_detached(local_config()).await {
        Ok(server) if server.load_time().is_zero() => {}
        Ok(server) => println!(
            "LLM server started at {}; `jeju llm stop` stops it",
            describe(&server)
        ),
        Err(e) => eprintln!(
            "LLM server not started: {e}\nanswers use the rules until it runs (`jeju llm start`)"
        ),
    }
}

pub async fn stop() -> Result<()> {
    if jeju_llm::server::stop_detached(&local_config(), Duration::from_secs(15)).await? {
        println!("LLM server stopped");
    } else {
        println!("LLM server was not running");
    }
    Ok(())
}

pub async fn status() -> Result<()> {
    let client = LlmClient::from_env()?;
    let info = client.health().await?;
    println!("LLM at {} is up: {info:?}", client.config().base_url);
    Ok(())
}
