//! `jeju status`: where the parts stand, one line each, without starting anything.

use std::time::Duration;

use anyhow::Result;
use jeju_graph::{GraphClient, GraphConfig};

use crate::cli::StatusArgs;
use crate::graph_cmd::project_home;
use crate::review_build;

/// How long each probe may take.
const PROBE: Duration = Duration::from_secs(3);

pub async fn status(args: &StatusArgs) -> Result<()> {
    let graph_config = GraphConfig::from_env();
    let graph = match tokio::time::timeout(PROBE, GraphClient::connect(&graph_config)).await {
        Err(_) => format!(
            "{}: no answer within {} s",
            graph_config.uri,
            PROBE.as_secs()
        ),
        Ok(Err(e)) => format!("down ({e})"),
        Ok(Ok(client)) => match client.counts().await {
            Ok(c) => format!(
                "up at {} (database '{}'): {} stores, {} reviews",
                graph_config.uri,
                graph_config.database,
                c.node("Store"),
                c.node("Review")
            ),
            Err(e) => format!("up at {}, but counting failed: {e}", graph_config.uri),
        },
    };
    println!("graph:   {graph}");

    let llm = match jeju_llm::LlmClient::from_env() {
        Err(e) => format!("not configured ({e})"),
        Ok(client) => match tokio::time::timeout(PROBE, client.health()).await {
            Ok(Ok(_)) => format!(
                "up at {} ({})",
                client.config().base_url,
                client.config().model
            ),
            Ok(Err(e)) => format!("not answering ({e})"),
            Err(_) => format!(
                "{}: no answer within {} s",
                client.config().base_url,
                PROBE.as_secs()
            ),
        },
    };
    println!("LLM:     {llm}");

    let reviews = match review_build::state(&project_home()) {
        Ok(state) => review_build::describe(&state),
        Err(e) => format!("unknown ({e})"),
    };
    println!("reviews: {reviews}");

    let url = format!("http://{}/api/health", crate::health_cmd::target(args.addr));
    let server = match reqwest::Client::builder()
        .timeout(PROBE)
        .build()?
        .get(&url)
        .send()
        .await
    {
        Ok(r) => match r.json::<jeju_api::Health>().await {
            Ok(h) => format!(
                "answering at http://{} (status {})",
                crate::health_cmd::target(args.addr),
                serde_json::to_value(h.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ),
            Err(e) => format!("{url} answered, but not with a health report ({e})"),
        },
        Err(_) => format!(
            "not running at http://{} (`jeju serve` starts it)",
            args.addr
        ),
    };
    println!("server:  {server}");
    Ok(())
}
