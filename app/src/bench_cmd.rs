//! `jeju bench`: per-stage latency of the pipeline over a fixed question set, with `--ingest`
//! the ingest throughput per stage, and with `--load` concurrent sessions against the HTTP
//! API (`jeju_server::load`); each ends with the peak memory of this process and of the local
//! graph server.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use jeju_data::dataset::DataSet;
use jeju_graph::ingest::IngestOptions;
use jeju_graph::{GraphClient, GraphConfig};
use jeju_pipeline::stats::percentile;
use jeju_pipeline::BENCH_QUESTIONS;
use jeju_server::load::{self, LoadPlan, LoadReport};
use jeju_server::{AppState, Listener, ServerConfig};

use crate::cli::{BenchArgs, EncodingArg, GenerateArgs, ScaleArg};
use crate::graph_cmd::{local_server_config, project_home};
use crate::ingest_cmd::{generate, is_generated};
use crate::progress::Bars;

pub async fn bench(args: &BenchArgs) -> Result<()> {
    if args.ingest {
        return ingest_bench(args).await;
    }
    if args.load {
        return load_bench(args).await;
    }
    if args.llm {
        return crate::llm_bench::llm_bench(args).await;
    }
    let pipeline = crate::pipeline_setup::build(false).await?;
    let rounds = args.rounds.max(1);
    for q in BENCH_QUESTIONS {
        pipeline.ask(q).await?;
    }
    let mut per_stage: BTreeMap<jeju_pipeline::Stage, Vec<f64>> = BTreeMap::new();
    let mut totals = Vec::new();
    let mut fallbacks: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..rounds {
        for q in BENCH_QUESTIONS {
            let started = Instant::now();
            let answer = pipeline.ask(q).await?;
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            totals.push(ms);
            for s in &answer.trace.stages {
                per_stage.entry(s.stage).or_default().push(s.ms);
                if let Some(f) = &s.fallback {
                    let key = format!("{}: {}", s.stage, f.reason.as_str());
                    *fallbacks.entry(key).or_default() += 1;
                }
            }
        }
    }
    println!(
        "{} turns ({} questions × {rounds} round(s), after a warm-up round), LLM off \
         (`jeju bench --llm` measures the LLM)",
        totals.len(),
        BENCH_QUESTIONS.len(),
    );
    println!(
        "{:<14} {:>9} {:>9} {:>9}",
        "stage", "p50 ms", "p95 ms", "max ms"
    );
    for stage in jeju_pipeline::Stage::ALL {
        if let Some(v) = per_stage.get_mut(&stage) {
            v.sort_by(f64::total_cmp);
            println!(
                "{:<14} {:>9.1} {:>9.1} {:>9.1}",
                stage.as_str(),
                percentile(v, 0.5).unwrap_or(0.0),
                percentile(v, 0.95).unwrap_or(0.0),
                v[v.len() - 1]
            );
        }
    }
    totals.sort_by(f64::total_cmp);
    println!(
        "{:<14} {:>9.1} {:>9.1} {:>9.1}",
        "total",
        percentile(&totals, 0.5).unwrap_or(0.0),
        percentile(&totals, 0.95).unwrap_or(0.0),
        totals[totals.len() - 1]
    );
    for (what, n) in &fallbacks {
        println!("fallback ×{n:<3} {what}");
    }
    print_peak_memory(&GraphConfig::from_env(), None);
    Ok(())
}

/// How long `jeju bench --load` waits after the load before it reads the memory again.
const SETTLE: Duration = Duration::from_secs(5);

/// `jeju bench --load`: sessions against `--url`, or against the server started here.
async fn load_bench(args: &BenchArgs) -> Result<()> {
    let sessions = args.connections.max(1);
    let duration = Duration::from_secs(args.duration_secs.max(1));
    if let Some(url) = &args.url {
        let plan = LoadPlan::mixed(url.as_str(), sessions, duration, !args.no_llm);
        println!(
            "load test: {sessions} sessions for {} s against {} ({} questions, ko/en, with follow-ups; client timeout {} s)",
            duration.as_secs(),
            plan.base_url,
            plan.questions.len(),
            plan.request_timeout.as_secs()
        );
        let report = load::run(&plan).await?;
        print!("{report}");
        return gate(&report);
    }
    let pipeline = Arc::new(crate::pipeline_setup::build_for_server(!args.no_llm).await?);
    let has_llm = pipeline.has_llm();
    let config = ServerConfig::for_pipeline(has_llm);
    let room = config.max_concurrent_turns + config.max_waiting_turns;
    if sessions > room {
        eprintln!(
            "warning: {sessions} sessions, but the server lets {} turns run and {} wait: expect `busy` (HTTP 429)",
            config.max_concurrent_turns, config.max_waiting_turns
        );
    }
    let limits = format!(
        "{} turn slots, {} waiting, turn deadline {} s",
        config.max_concurrent_turns,
        config.max_waiting_turns,
        config.turn_timeout.as_secs()
    );
    let state = AppState::new(pipeline, config);
    let listener = Listener::bind(std::net::SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(listener.serve(state.clone(), std::future::pending()));
    let plan = LoadPlan::mixed(format!("http://{addr}"), sessions, duration, has_llm);
    println!(
        "load test: {sessions} sessions for {} s against the server in this process on http://{addr} (LLM {}; {limits}); {} questions, ko/en, with follow-ups",
        duration.as_secs(),
        if has_llm { "on" } else { "off" },
        plan.questions.len()
    );
    let rss_before = proc_status_kib("self", "VmRSS");
    let report = load::run(&plan).await?;
    let rss_after = proc_status_kib("self", "VmRSS");
    tokio::time::sleep(SETTLE).await;
    let rss_settled = proc_status_kib("self", "VmRSS");
    print!("{report}");
    println!(
        "  {:<20} {} kept (bounded at {})",
        "server conversations",
        state.sessions.len(),
        state.config.max_sessions
    );
    let show = |kib: Option<u64>| kib.map_or_else(|| "unknown".to_owned(), mib);
    println!(
        "RSS of jeju (server + load client, VmRSS): {} before the load, {} right after, {} {} s later",
        show(rss_before),
        show(rss_after),
        show(rss_settled),
        SETTLE.as_secs()
    );
    print_peak_memory(&GraphConfig::from_env(), None);
    gate(&report)
}

/// An error when any request failed, so that `jeju bench --load` can gate a deployment.
fn gate(report: &LoadReport) -> Result<()> {
    if report.errors() > 0 {
        bail!(
            "{} of {} requests did not get an answer ({} error responses, {} transport errors)",
            report.errors(),
            report.requests,
            report.error_responses(),
            report.transport_error_count()
        );
    }
    if report.answers == 0 {
        bail!("no request was answered");
    }
    Ok(())
}

/// The scratch database `jeju bench --ingest` loads into (recreated at the start, dropped at
/// the end).
const SCRATCH_DB: &str = "jeju_bench_ingest";

/// Review vectors are not measured here: e5 embedding dominates them (see README).
const REVIEW_VECTORS_NOTE: &str = "review vectors: skipped (their throughput is known: \
≈ 62 reviews/s on 2 cores, e5-small 4-bit; ≈ 28 min for the full data's 108,451 reviews)";

/// `jeju bench --ingest`: the data directory ingested into a fresh scratch database.
async fn ingest_bench(args: &BenchArgs) -> Result<()> {
    let mut generated = false;
    let dir = match &args.data {
        Some(dir) => dir.clone(),
        None => {
            let dir = project_home().join(".jeju/data/full-42");
            if !is_generated(&dir) {
                generate(&GenerateArgs {
                    scale: ScaleArg::Full,
                    seed: 42,
                    out: dir.clone(),
                    encoding: EncodingArg::Cp949,
                })?;
                generated = true;
            }
            dir
        }
    };
    let graph = GraphConfig::from_env();
    if !graph.is_local_default() {
        bail!(
            "JEJU_GRAPH_URI is {}: `jeju bench --ingest` creates and drops its scratch database \
             through the local server's HTTP API, so it runs only against the local server ({})",
            graph.uri,
            jeju_graph::config::DEFAULT_URI
        );
    }
    if graph.database == SCRATCH_DB {
        bail!("JEJU_GRAPH_DB is {SCRATCH_DB}, the scratch database of this benchmark: use another name");
    }
    let mut scratch = local_server_config(&graph);
    scratch.database = SCRATCH_DB.to_owned();
    // Starts the local server when it is not running (and leaves it running, as `jeju
    // ingest` does), then recreates the scratch database empty.
    jeju_arcadedb::ArcadeDb::spawn_detached(scratch.clone()).await?;
    jeju_arcadedb::drop_database(&scratch).await?;
    jeju_arcadedb::ensure_database(&scratch).await?;
    let server_hwm_before = scratch
        .running_pid()
        .and_then(|pid| proc_status_kib(&pid.to_string(), "VmHWM"));
    let location = scratch.root.join("databases").join(SCRATCH_DB);
    println!(
        "ingest benchmark: {} into the scratch database '{SCRATCH_DB}' on {} ({}); the '{}' database is not touched",
        dir.display(),
        jeju_graph::config::DEFAULT_URI,
        location.display(),
        graph.database
    );
    // Ingest writes as root; the read-only user has no rights on the scratch database.
    let scratch_graph = GraphConfig {
        database: SCRATCH_DB.to_owned(),
        reader: None,
        ..graph.clone()
    };
    let measured = measure_ingest(&dir, &scratch_graph).await;
    let dropped = jeju_arcadedb::drop_database(&scratch).await;
    let rows = measured?;
    print_ingest_table(&rows);
    println!("{REVIEW_VECTORS_NOTE}");
    match dropped {
        Ok(_) => println!(
            "scratch database '{SCRATCH_DB}' dropped ({} removed)",
            location.display()
        ),
        Err(e) => eprintln!(
            "warning: the scratch database '{SCRATCH_DB}' was not dropped ({e}); it is recreated on the next run"
        ),
    }
    if generated {
        println!("(this run generated the data first: jeju's peak includes the generator)");
    }
    print_peak_memory(&graph, server_hwm_before);
    Ok(())
}

const READ_STAGE: &str = "read + validate the files";
const FASTRP_STAGE: &str = "FastRP (computed in Rust)";

/// One measured ingest step.
struct StageRow {
    stage: String,
    rows: u64,
    time: Duration,
    /// Whether rows/s means something (not for the schema statements).
    counted: bool,
}

async fn measure_ingest(dir: &Path, scratch: &GraphConfig) -> Result<Vec<StageRow>> {
    let mut out = Vec::new();
    let started = Instant::now();
    let data = DataSet::load(dir).with_context(|| format!("reading {}", dir.display()))?;
    let read_rows = data.contest.rows
        + (data.stores.len() + data.reviews.len() + data.attractions.len()) as u64;
    out.push(StageRow {
        stage: READ_STAGE.into(),
        rows: read_rows,
        time: started.elapsed(),
        counted: true,
    });
    if !data.errors.is_empty() {
        eprintln!(
            "warning: {} rows rejected by the data layer (not ingested; `jeju ingest` lists them)",
            data.errors.len()
        );
    }
    let client = GraphClient::connect(scratch).await?;
    let options = IngestOptions::default();
    let bars = Bars::new();
    let summary = jeju_graph::ingest::ingest(&client, &data, &options, &bars).await?;
    let mut staged = Duration::ZERO;
    for (stage, rows, time) in summary.stages {
        let counted = stage != "schema";
        staged += time;
        out.push(StageRow {
            stage,
            rows,
            time,
            counted,
        });
    }
    // The rest of `ingest`: counting every label and relationship type at the end.
    out.push(StageRow {
        stage: "node/relationship counts".into(),
        rows: 0,
        time: summary.elapsed.saturating_sub(staged),
        counted: false,
    });
    let t = Instant::now();
    let vectors = jeju_fastrp::store_embeddings(&data, &jeju_fastrp::FastRpConfig::default());
    out.push(StageRow {
        stage: FASTRP_STAGE.into(),
        rows: vectors.len() as u64,
        time: t.elapsed(),
        counted: true,
    });
    let t = Instant::now();
    jeju_graph::ingest::write_store_vectors(&client, "fastrp", &vectors, &options, &bars).await?;
    out.push(StageRow {
        stage: "store vectors (fastrp) written".into(),
        rows: vectors.len() as u64,
        time: t.elapsed(),
        counted: true,
    });
    let nodes: i64 = summary.counts.nodes.values().sum();
    let rels: i64 = summary.counts.relationships.values().sum();
    println!(
        "scratch graph: {nodes} nodes, {rels} relationships ({} stores, {} reviews)",
        summary.counts.node("Store"),
        summary.counts.node("Review")
    );
    Ok(out)
}

fn print_ingest_table(rows: &[StageRow]) {
    println!("{:<44} {:>9} {:>9} {:>10}", "stage", "rows", "s", "rows/s");
    let mut total = Duration::ZERO;
    let (mut written, mut writing) = (0, Duration::ZERO);
    for r in rows {
        if r.counted && r.stage != READ_STAGE && r.stage != FASTRP_STAGE {
            written += r.rows;
            writing += r.time;
        }
        let s = r.time.as_secs_f64();
        let rate = if s > 0.0 && r.counted {
            format!("{:.0}", r.rows as f64 / s)
        } else {
            "-".to_owned()
        };
        println!("{:<44} {:>9} {:>9.2} {:>10}", r.stage, r.rows, s, rate);
        total += r.time;
    }
    println!(
        "{:<44} {:>9} {:>9.1} {:>10}",
        "graph writes",
        written,
        writing.as_secs_f64(),
        format!("{:.0}", written as f64 / writing.as_secs_f64().max(1e-9))
    );
    println!(
        "{:<44} {:>9} {:>9.1}",
        "total (review vectors skipped)",
        "",
        total.as_secs_f64()
    );
}

/// A `kB` field of `/proc/<pid>/status` (`pid` may be `self`), e.g. `VmHWM` (peak resident
/// set) or `VmRSS`. `None` off Linux or when the process is gone.
fn proc_status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

fn mib(kib: u64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// Peak RSS (VmHWM) of this process and of the local graph server (found by its pid file,
/// as `jeju graph stop` finds it). `server_before`: the server's peak before the measured
/// work, to tell whether the work raised it.
fn print_peak_memory(graph: &GraphConfig, server_before: Option<u64>) {
    match proc_status_kib("self", "VmHWM") {
        Some(kib) => println!("peak RSS: jeju {} (VmHWM)", mib(kib)),
        None => println!("peak RSS: jeju unknown (no /proc/self/status)"),
    }
    if !graph.is_local_default() {
        println!(
            "peak RSS: graph server not measured ({} is not the local server)",
            graph.uri
        );
        return;
    }
    let Some(pid) = local_server_config(graph).running_pid() else {
        println!("peak RSS: graph server not found (no live pid in .jeju/graph/server.pid)");
        return;
    };
    let pid = pid.to_string();
    match (
        proc_status_kib(&pid, "VmHWM"),
        proc_status_kib(&pid, "VmRSS"),
    ) {
        (Some(hwm), rss) => {
            let before = server_before
                .map(|b| format!(", {} before this run", mib(b)))
                .unwrap_or_default();
            let now = rss.map(|r| format!(", {} now", mib(r))).unwrap_or_default();
            println!(
                "peak RSS: graph server (ArcadeDB, pid {pid}) {} since it started (VmHWM){before}{now}",
                mib(hwm)
            );
        }
        (None, _) => println!("peak RSS: graph server pid {pid} unreadable"),
    }
}
