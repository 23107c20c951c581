//! `jeju ask`.

use std::io::BufRead;

use anyhow::Result;
use jeju_pipeline::session::Session;
use jeju_pipeline::{Answer, Pipeline};

use crate::cli::{AskArgs, ChatArgs};
use crate::graph_cmd::connect;

/// The pipeline, with the configured LLM unless `no_llm` (a dead LLM only costs a failed
/// TCP connect per turn: each LLM stage falls back).
async fn pipeline(no_llm: bool) -> Result<Pipeline> {
    let graph = connect(false).await?;
    let pipeline = Pipeline::new(graph)?;
    if no_llm {
        return Ok(pipeline);
    }
    Ok(match jeju_llm::LlmClient::from_env() {
        Ok(llm) => pipeline.with_llm(llm),
        Err(e) => {
            eprintln!("LLM not used: {e}");
            pipeline
        }
    })
}

pub async fn ask(args: &AskArgs) -> Result<()> {
    let pipeline = pipeline(args.no_llm).await?;
    let answer = pipeline.ask(&args.question).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    println!("{}", answer.text);
    if args.trace {
        print_trace(&answer)?;
    }
    Ok(())
}

pub async fn chat(args: &ChatArgs) -> Result<()> {
    let pipeline = pipeline(args.no_llm).await?;
    let mut session = Session::default();
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            break;
        }
        println!("> {}", line.trim());
        match pipeline.ask_in(&mut session, &line).await {
            Ok(answer) => {
                println!("{}\n", answer.text);
                if args.trace {
                    print_trace(&answer)?;
                }
            }
            // A bad question is answered with its reason; the conversation goes on.
            Err(e) => println!("({e})\n"),
        }
    }
    Ok(())
}

fn print_trace(answer: &Answer) -> Result<()> {
    {
        println!("\n── trace ──");
        for s in &answer.trace.stages {
            let fallback = s
                .fallback
                .as_deref()
                .map(|f| format!("  [fallback: {f}]"))
                .unwrap_or_default();
            println!("{:<14} {:>8.1} ms  {}{}", s.stage, s.ms, s.detail, fallback);
        }
        for q in &answer.trace.cypher {
            println!("cypher: {}", q.cypher);
            println!("params: {}", serde_json::to_string(&q.params)?);
        }
        println!("candidates: {}", answer.trace.candidates.join(", "));
    }
    Ok(())
}
