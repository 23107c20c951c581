//! `jeju graph …`, `jeju stats`, `jeju samples`, and the shared "connect, starting the local
//! server if needed" step.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use jeju_arcadedb::{ArcadeDb, ServerConfig};
use jeju_graph::client::row_to_json;
use jeju_graph::{samples, GraphClient, GraphConfig};

/// The checkout (or install) folder that holds `.jeju/`: `JEJU_HOME`, else the current
/// directory.
pub fn project_home() -> PathBuf {
    std::env::var_os("JEJU_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))
}

/// The local server's settings for `graph` (its password and database; `JEJU_ARCADEDB_HOME`).
pub(crate) fn local_server_config(graph: &GraphConfig) -> ServerConfig {
    let mut server = ServerConfig::local(&project_home());
    if let Some(home) = std::env::var_os("JEJU_ARCADEDB_HOME") {
        server.home = PathBuf::from(home);
    }
    server.database = graph.database.clone();
    server.root_password = graph.password.clone();
    server.reader = graph
        .reader
        .as_ref()
        .map(|r| (r.user.clone(), r.password.clone()));
    server
}

pub async fn start() -> Result<()> {
    let graph = GraphConfig::from_env();
    if !graph.is_local_default() {
        bail!(
            "JEJU_GRAPH_URI is {}: `jeju graph start` manages only the local server at {}",
            graph.uri,
            jeju_graph::config::DEFAULT_URI
        );
    }
    let server = ArcadeDb::spawn_detached(local_server_config(&graph)).await?;
    let c = server.config();
    println!(
        "graph server ready: {} (ArcadeDB, database '{}', data in {}, log {})",
        c.bolt_uri(),
        c.database,
        c.root.display(),
        c.log_file().display()
    );
    Ok(())
}

pub async fn stop() -> Result<()> {
    use jeju_arcadedb::StopOutcome;
    let config = local_server_config(&GraphConfig::from_env());
    let report = jeju_arcadedb::stop_detached(&config, Duration::from_secs(20)).await?;
    if let Some(pid) = report.foreign_pid {
        eprintln!(
            "the recorded graph server pid {pid} now belongs to another process (the server \
             ended and its pid was reused): left it alone, removed the stale pid file"
        );
    }
    match report.outcome {
        StopOutcome::NotRunning => println!("graph server was not running"),
        StopOutcome::Stopped => println!("graph server stopped"),
        StopOutcome::Killed => println!("graph server stopped (killed after 20 s)"),
        StopOutcome::StillAnswering => bail!(
            "something still answers on {}:{} after 20 s and no pid of the graph server in {} \
             is known: stop it by hand",
            config.host,
            config.http_port,
            config.root.display()
        ),
    }
    Ok(())
}

/// Connects to the configured graph; when it is the local default and nothing answers,
/// starts the local server first (unless `autostart` is false).
pub async fn connect(autostart: bool) -> Result<GraphClient> {
    let config = GraphConfig::from_env();
    match GraphClient::connect(&config).await {
        Ok(c) => Ok(c),
        Err(first) if autostart && config.is_local_default() => {
            eprintln!("graph server not running; starting the local one …");
            ArcadeDb::spawn_detached(local_server_config(&config))
                .await
                .with_context(|| format!("after: {first}"))?;
            Ok(GraphClient::connect(&config).await?)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn status() -> Result<()> {
    let client = connect(false).await?;
    let counts = client.counts().await?;
    println!(
        "graph at {} (database '{}') is up: {} stores, {} reviews",
        client.config().uri,
        client.config().database,
        counts.node("Store"),
        counts.node("Review")
    );
    Ok(())
}

pub fn print_counts(counts: &jeju_graph::GraphCounts) {
    println!("nodes:");
    for (label, n) in &counts.nodes {
        println!("  {label:<14} {n:>9}");
    }
    println!("relationships:");
    for (rel, n) in &counts.relationships {
        println!("  {rel:<18} {n:>9}");
    }
}

pub async fn stats() -> Result<()> {
    let client = connect(false).await?;
    print_counts(&client.counts().await?);
    Ok(())
}

pub async fn run_samples(client: &GraphClient) -> Result<()> {
    for s in samples::ALL {
        println!("\nQ: {}\n   {}", s.question_ko, s.question_en);
        println!("   cypher: {}  [{}]", s.cypher, s.describe_params());
        let started = std::time::Instant::now();
        let rows = client.rows(s.cypher, s.query()).await?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        if rows.is_empty() {
            println!("   → no rows ({ms:.0} ms)");
        }
        for row in &rows {
            let json = serde_json::to_string(&row_to_json(row)).unwrap_or_default();
            println!("   → {json} ({ms:.0} ms)");
        }
    }
    Ok(())
}

pub async fn samples() -> Result<()> {
    let client = connect(false).await?;
    run_samples(&client).await
}
