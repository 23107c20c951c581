//! `jeju eval`: runs a case file through the pipeline and writes `report.json` and
//! `report.md`; `jeju eval generate`: writes case sets generated from the data in the graph.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jeju_eval::generate::{self, GenerateOptions};
use jeju_eval::{Evaluator, Report, ReportMeta, TruthTable};

use crate::cli::{EvalArgs, EvalGenerateArgs, EvalMode, EvalSetArg};
use crate::graph_cmd::{connect, project_home};

/// The truth file to use: `--data DIR` (or a truth.jsonl), else the full data's if present.
fn truth_path(data: Option<&Path>) -> Option<PathBuf> {
    match data {
        Some(d) => Some(d.to_path_buf()),
        None => {
            let default = project_home().join(".jeju/data/full-42");
            default
                .join(jeju_data::files::TRUTH)
                .is_file()
                .then_some(default)
        }
    }
}

pub async fn run(args: &EvalArgs) -> Result<()> {
    let Some(cases_path) = &args.cases else {
        bail!("`jeju eval` needs --cases FILE.jsonl (or the `generate` subcommand)");
    };
    let Some(out) = &args.out else {
        bail!("`jeju eval` needs --out DIR");
    };
    let mut cases = jeju_eval::load_cases(cases_path)?;
    if let Some(n) = args.limit {
        cases.truncate(n);
    }
    if cases.is_empty() {
        bail!("{}: no cases", cases_path.display());
    }
    let use_llm = args.mode == EvalMode::Llm;
    let pipeline = crate::pipeline_setup::build(use_llm).await?;
    let graph = connect(false).await?;
    let stores = graph.counts().await?.node("Store");
    let truth_file = truth_path(args.data.as_deref());
    let truth = match &truth_file {
        Some(p) => Some(
            TruthTable::load(p).with_context(|| format!("reading the truth of {}", p.display()))?,
        ),
        None => {
            eprintln!("no truth file (--data DIR): truth-fit is not scored");
            None
        }
    };
    let evaluator = Evaluator::new(graph, truth);

    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("eval {bar:30} {pos}/{len} {elapsed_precise} eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut failed = 0usize;
    let results = evaluator
        .run_all(&pipeline, &cases, &mut |r| {
            failed += usize::from(!r.ok);
            bar.set_message(format!("{failed} failed, last {}", r.id));
            bar.inc(1);
        })
        .await;
    bar.finish_and_clear();
    let report = Report::build(
        ReportMeta {
            cases_file: cases_path.display().to_string(),
            mode: if use_llm { "llm" } else { "no-llm" }.into(),
            llm_configured: pipeline.has_llm(),
            graph_stores: stores,
            truth_file: truth_file.map(|p| p.display().to_string()),
            wall_s: started.elapsed().as_secs_f64(),
        },
        results,
    );
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let json = out.join("report.json");
    std::fs::write(&json, report.to_json()?)
        .with_context(|| format!("writing {}", json.display()))?;
    let md = out.join("report.md");
    std::fs::write(&md, report.to_markdown())
        .with_context(|| format!("writing {}", md.display()))?;
    print_summary(&report);
    println!("wrote {} and {}", json.display(), md.display());
    Ok(())
}

fn print_summary(r: &Report) {
    let s = &r.summary;
    let total = s.latency_ms.get("total").cloned().unwrap_or_default();
    println!(
        "{} cases, {} passed ({:.1} s)",
        s.cases, s.cases_ok, r.meta.wall_s
    );
    println!(
        "search: execution accuracy {}/{} ({:.1}%)",
        s.search.correct,
        s.search.turns,
        s.search.execution_accuracy * 100.0
    );
    for (name, t) in [("recommend", &s.recommend), ("multi-turn", &s.multi_turn)] {
        if t.turns > 0 {
            println!(
                "{name}: hard-constraint satisfaction {}/{} ({:.1}%), precision@3 {:.3}, at least one pick {}/{}, hallucinated ids {}",
                t.hard_ok,
                t.picks,
                t.hard_constraint_satisfaction * 100.0,
                t.precision_at_3,
                t.at_least_one,
                t.turns,
                t.hallucinated_ids
            );
        }
    }
    println!(
        "latency per turn: p50 {:.1} ms, p95 {:.1} ms; LLM {} calls, {} + {} tokens",
        total.p50, total.p95, s.llm.calls, s.llm.prompt_tokens, s.llm.completion_tokens
    );
    for f in s.failure_classes.iter().take(5) {
        println!(
            "failure ×{:<3} {} (e.g. {})",
            f.cases,
            f.class,
            f.examples.join(", ")
        );
    }
}

pub async fn generate(args: &EvalGenerateArgs) -> Result<()> {
    let truth = TruthTable::load(&args.data)
        .with_context(|| format!("reading the truth of {}", args.data.display()))?;
    let graph = connect(false).await?;
    let mut opts = match args.set {
        EvalSetArg::Full => GenerateOptions::full(),
        EvalSetArg::Smoke => GenerateOptions::smoke(),
    };
    if let Some(seed) = args.seed {
        opts.seed = seed;
    }
    let sets = generate::generate_verified(&graph, &truth, &opts).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let files: Vec<(String, Vec<jeju_eval::Case>)> = match args.set {
        EvalSetArg::Smoke => vec![("smoke.jsonl".into(), sets.all())],
        EvalSetArg::Full => vec![
            (
                "search.jsonl".into(),
                sets.search.iter().map(|(c, _)| c.clone()).collect(),
            ),
            ("recommend.jsonl".into(), sets.recommend.clone()),
            ("multi_turn.jsonl".into(), sets.multi_turn.clone()),
            ("full.jsonl".into(), sets.all()),
        ],
    };
    for (name, cases) in files {
        let path = args.out.join(&name);
        jeju_eval::case::write_cases(&path, &cases)?;
        println!("{}: {} cases", path.display(), cases.len());
    }
    Ok(())
}
