//! `jeju eval`: runs a case file through the pipeline and writes `report.json` and
//! `report.md`; `jeju eval generate`: writes case sets generated from the data in the graph;
//! `jeju eval compare`: two runs paired case by case.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jeju_eval::compare;
use jeju_eval::generate::{self, GenerateOptions};
use jeju_eval::log::{self, LoggedCase, ResultsLog};
use jeju_eval::report::Provenance;
use jeju_eval::{Evaluator, Report, ReportMeta, TruthTable};

use crate::cli::{EvalArgs, EvalCompareArgs, EvalGenerateArgs, EvalMode, EvalSetArg};
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

/// Runs `git` in the project home; `None` when it is not a checkout or git is missing.
fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(project_home())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The CPU model from `/proc/cpuinfo` (Linux).
fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
}

/// Which build runs, on what, with which model (the report's header).
fn provenance(use_llm: bool) -> Provenance {
    let commit = git(&["rev-parse", "HEAD"]);
    let dirty = commit
        .as_ref()
        .and_then(|_| git(&["status", "--porcelain", "--untracked-files=no"]))
        .map(|s| !s.is_empty());
    let llm = use_llm.then(jeju_llm::LlmConfig::from_env);
    let local = jeju_llm::ServerConfig::local(&project_home());
    let llm_server = llm.as_ref().map(|c| {
        if c.base_url == local.base_url() {
            jeju_llm::server::running_settings(&local)
                .unwrap_or_else(|| "local server settings unknown: not started by jeju".into())
        } else {
            "remote server: settings unknown".into()
        }
    });
    Provenance {
        commit,
        dirty,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu: cpu_model(),
        llm_model: llm.as_ref().map(|c| c.model.clone()),
        llm_url: llm.as_ref().map(|c| c.base_url.clone()),
        llm_server,
        llm_select_style: use_llm.then(|| {
            crate::pipeline_setup::select_style()
                .unwrap_or_default()
                .as_str()
                .to_owned()
        }),
        case_builds: Default::default(),
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
    let mode = if use_llm { "llm" } else { "no-llm" };

    let mut provenance = provenance(use_llm);
    let build = provenance.build_id();
    let (mut results_log, logged) = ResultsLog::open(out, args.resume)?;
    let others = log::other_builds(&logged, mode, &build);
    if !others.is_empty() && !args.mix_builds {
        let list: Vec<String> = others.iter().map(|(b, n)| format!("{n} by {b}")).collect();
        bail!(
            "--resume: {} holds cases scored by another build ({}; this is {build}); a report \
             must not mix builds silently: run without --resume, or pass --mix-builds to keep \
             them (the report then lists every build)",
            results_log.path().display(),
            list.join(", ")
        );
    }
    let mut done = log::done_by_fingerprint(logged, mode);
    let fingerprints: Vec<String> = cases.iter().map(log::fingerprint).collect();
    let todo: Vec<jeju_eval::Case> = cases
        .iter()
        .zip(&fingerprints)
        .filter(|(_, f)| !done.contains_key(*f))
        .map(|(c, _)| c.clone())
        .collect();
    if args.resume {
        eprintln!(
            "resuming from {}: {} of {} cases already scored in {mode} mode, {} to run",
            results_log.path().display(),
            cases.len() - todo.len(),
            cases.len(),
            todo.len()
        );
    }

    let bar = ProgressBar::new(todo.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("eval {bar:30} {pos}/{len} {elapsed_precise} eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let fingerprint_of: std::collections::HashMap<&str, &str> = cases
        .iter()
        .zip(&fingerprints)
        .map(|(c, f)| (c.id.as_str(), f.as_str()))
        .collect();
    let mut failed = 0usize;
    let mut case_started = Instant::now();
    let mut fresh_seconds = 0.0;
    let mut log_error = None;
    let fresh = evaluator
        .run_all(&pipeline, &todo, &mut |r| {
            let seconds = case_started.elapsed().as_secs_f64();
            case_started = Instant::now();
            fresh_seconds += seconds;
            failed += usize::from(!r.ok);
            bar.set_message(format!("{failed} failed, last {}", r.id));
            bar.inc(1);
            let entry = LoggedCase {
                mode: mode.to_owned(),
                fingerprint: fingerprint_of
                    .get(r.id.as_str())
                    .copied()
                    .unwrap_or("")
                    .to_owned(),
                build: Some(build.clone()),
                seconds,
                result: r.clone(),
            };
            if let Err(e) = results_log.append(&entry) {
                log_error.get_or_insert(e);
            }
        })
        .await;
    bar.finish_and_clear();
    if let Some(e) = log_error {
        eprintln!("warning: the results log could not be written ({e}); the report is complete");
    }
    // Every case in file order, from this run or an earlier one; the wall time is the sum of
    // the cases' own times, so a resumed run reports what the whole set took.
    let mut fresh: std::collections::HashMap<String, jeju_eval::CaseResult> =
        fresh.into_iter().map(|r| (r.id.clone(), r)).collect();
    let mut wall_s = fresh_seconds;
    let mut results = Vec::with_capacity(cases.len());
    for (case, f) in cases.iter().zip(&fingerprints) {
        if let Some(entry) = done.remove(f) {
            wall_s += entry.seconds;
            *provenance
                .case_builds
                .entry(entry.build.unwrap_or_else(|| "unknown".into()))
                .or_default() += 1;
            results.push(entry.result);
        } else if let Some(r) = fresh.remove(&case.id) {
            *provenance.case_builds.entry(build.clone()).or_default() += 1;
            results.push(r);
        }
    }
    let all_stores = jeju_eval::facts::store_facts(evaluator.graph(), None).await?;
    let vocabulary_disagreements = jeju_eval::vocab::disagreements(
        jeju_eval::vocab::Vocabulary::builtin(),
        &jeju_eval::facts::menu_items(all_stores.values()),
    );

    let report = Report::build(
        ReportMeta {
            cases_file: cases_path.display().to_string(),
            mode: if use_llm { "llm" } else { "no-llm" }.into(),
            llm_configured: pipeline.has_llm(),
            graph_stores: stores,
            truth_file: truth_file.map(|p| p.display().to_string()),
            wall_s,
            provenance,
            vocabulary_disagreements,
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

/// The data seed the tuning sets (`full`, `search`, …) were generated from.
const TUNING_DATA_SEED: u64 = 42;

/// The seed in a data directory's `manifest.json`, if it says.
fn data_seed(data: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(data.join("manifest.json")).ok()?;
    serde_json::from_str::<serde_json::Value>(&text).ok()?["seed"].as_u64()
}

pub async fn generate(args: &EvalGenerateArgs) -> Result<()> {
    let truth = TruthTable::load(&args.data)
        .with_context(|| format!("reading the truth of {}", args.data.display()))?;
    let graph = connect(false).await?;
    let mut opts = match args.set {
        EvalSetArg::Full => GenerateOptions::full(),
        EvalSetArg::Smoke => GenerateOptions::smoke(),
        EvalSetArg::Heldout => GenerateOptions::heldout(),
    };
    if let Some(seed) = args.seed {
        opts.seed = seed;
    }
    if args.set == EvalSetArg::Heldout && data_seed(&args.data) == Some(TUNING_DATA_SEED) {
        bail!(
            "the held-out set must come from another data seed than the tuning set's \
             ({TUNING_DATA_SEED}); generate it from e.g. `jeju data generate --scale full --seed 7`"
        );
    }
    let sets = generate::generate_verified(&graph, &truth, &opts).await?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let files: Vec<(String, Vec<jeju_eval::Case>)> = match args.set {
        EvalSetArg::Smoke => vec![("smoke.jsonl".into(), sets.all())],
        EvalSetArg::Heldout => vec![("heldout.jsonl".into(), sets.all())],
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

pub fn compare(args: &EvalCompareArgs) -> Result<()> {
    let a = compare::load_run(&args.a)?;
    let b = compare::load_run(&args.b)?;
    for run in [&a, &b] {
        if run.superseded > 0 {
            eprintln!(
                "{}: {} earlier lines of re-run cases ignored (the last line of a case counts)",
                run.source.display(),
                run.superseded
            );
        }
        for (line, e) in &run.unreadable {
            eprintln!("{}:{line}: skipped, unreadable: {e}", run.source.display());
        }
    }
    let comparison = compare::compare(&a, &b);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        print!("{}", comparison.to_text());
    }
    if args.identical && !comparison.identical() {
        bail!("--identical: {}", comparison.summary());
    }
    Ok(())
}
