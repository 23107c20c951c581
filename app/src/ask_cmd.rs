//! `jeju ask`.

use anyhow::Result;
use jeju_pipeline::Pipeline;

use crate::cli::AskArgs;
use crate::graph_cmd::connect;

pub async fn ask(args: &AskArgs) -> Result<()> {
    let graph = connect(false).await?;
    let pipeline = Pipeline::new(graph)?;
    let answer = pipeline.ask(&args.question).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    println!("{}", answer.text);
    if args.trace {
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
