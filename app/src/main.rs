//! `jeju`: the command line of jeju-rec.

mod ask_cmd;
mod bench_cmd;
mod cli;
mod eval_cmd;
mod graph_cmd;
mod health_cmd;
mod ingest_cmd;
mod llm_bench;
mod llm_cmd;
mod pipeline_setup;
mod progress;
mod review_build;
mod serve_cmd;
mod status_cmd;

use anyhow::Result;
use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    init_logs();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs on stderr, filtered by `RUST_LOG` (default `warn`): text, or one JSON object per
/// line with `JEJU_LOG_FORMAT=json` (for a log collector; each line carries its spans'
/// fields, e.g. a request's `request_id`).
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let json =
        std::env::var("JEJU_LOG_FORMAT").is_ok_and(|v| v.trim().eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .init();
    } else {
        builder.init();
    }
}

async fn run(cli: cli::Cli) -> Result<()> {
    use cli::{Command, DataCommand, GraphCommand, LlmCommand};
    match cli.command {
        Command::Data {
            command: DataCommand::Generate(args),
        } => ingest_cmd::generate(&args),
        Command::Ingest(args) => ingest_cmd::ingest(&args).await.map(|_| ()),
        Command::Graph { command } => match command {
            GraphCommand::Start => graph_cmd::start().await,
            GraphCommand::Stop => graph_cmd::stop().await,
            GraphCommand::Status => graph_cmd::status().await,
        },
        Command::Llm { command } => match command {
            LlmCommand::Start { threads } => llm_cmd::start(threads).await,
            LlmCommand::Stop => llm_cmd::stop().await,
            LlmCommand::Status => llm_cmd::status().await,
        },
        Command::Stats => graph_cmd::stats().await,
        Command::Samples => graph_cmd::samples().await,
        Command::Ask(args) => ask_cmd::ask(&args).await,
        Command::Chat(args) => ask_cmd::chat(&args).await,
        Command::Bench(args) => bench_cmd::bench(&args).await,
        Command::Serve(args) => serve_cmd::serve(&args).await,
        Command::Health(args) => health_cmd::health(&args).await,
        Command::Quickstart(args) => ingest_cmd::quickstart(&args).await,
        Command::Reviews {
            command: cli::ReviewsCommand::Build(args),
        } => review_build::build(&args).await,
        Command::Status(args) => status_cmd::status(&args).await,
        Command::Eval(args) => match &args.command {
            Some(cli::EvalCommand::Generate(g)) => eval_cmd::generate(g).await,
            Some(cli::EvalCommand::Compare(c)) => eval_cmd::compare(c),
            None => eval_cmd::run(&args).await,
        },
    }
}
