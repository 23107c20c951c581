//! `jeju bench --llm`: what a turn with the LLM costs, over a fixed set of fresh questions
//! ([`BENCH_QUESTIONS`] and [`UNSURE_BENCH_QUESTIONS`]): the time to the first cards (the
//! rules' preliminary picks, or the answer when there are none), the time to the LLM's final
//! answer, and per stage the LLM calls, prompt, cached and completion tokens and the time
//! spent waiting for the model. Turns are classed by language, by what was answered and by
//! whether the rules left a word unexplained (then the LLM is asked to understand it).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{bail, Result};
use jeju_pipeline::intent::{Lang, Route};
use jeju_pipeline::session::Session;
use jeju_pipeline::stats::percentile;
use jeju_pipeline::{
    AnswerBody, LlmUsage, Stage, TurnEvent, BENCH_QUESTIONS, UNSURE_BENCH_QUESTIONS,
};

use crate::cli::BenchArgs;
use crate::graph_cmd::project_home;

/// One measured turn.
struct Measured {
    first_ms: f64,
    total_ms: f64,
    class: Class,
    per_stage: BTreeMap<Stage, LlmUsage>,
}

/// What kind of turn it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Class {
    lang: Lang,
    answered: Answered,
    /// The rules left a word of the question unexplained.
    unsure: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Answered {
    Recommend,
    Search,
    Declined,
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lang = match self.lang {
            Lang::Ko => "ko",
            Lang::En => "en",
        };
        let answered = match self.answered {
            Answered::Recommend => "recommend",
            Answered::Search => "search",
            Answered::Declined => "declined",
        };
        let words = if self.unsure {
            "word left"
        } else {
            "all words read"
        };
        write!(f, "{lang} {answered}, {words}")
    }
}

pub async fn llm_bench(args: &BenchArgs) -> Result<()> {
    let pipeline = crate::pipeline_setup::build(true).await?;
    if !pipeline.has_llm() {
        bail!("no LLM configured: `jeju llm start` starts the local one (or set JEJU_LLM_URL)");
    }
    let config = jeju_llm::LlmConfig::from_env();
    let settings = if config.is_local_default() {
        jeju_llm::server::running_settings(&jeju_llm::ServerConfig::local(&project_home()))
            .unwrap_or_else(|| "not started by `jeju llm start`".to_owned())
    } else {
        "remote".to_owned()
    };
    let style = crate::pipeline_setup::select_style()?;
    println!(
        "LLM bench: {} at {} ({settings}); select style {}; review search {}; {} cores",
        config.model,
        config.base_url,
        style.as_str(),
        if pipeline.has_review_search() {
            "on"
        } else {
            "off"
        },
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // One turn first, not counted: the server's prompt cache then holds the static
    // instructions, as it does on a server that has answered once.
    pipeline.ask(BENCH_QUESTIONS[0]).await?;
    let questions: Vec<&str> = BENCH_QUESTIONS
        .iter()
        .chain(UNSURE_BENCH_QUESTIONS.iter())
        .copied()
        .take(args.questions.unwrap_or(usize::MAX))
        .collect();
    let mut measured = Vec::new();
    for q in &questions {
        let started = Instant::now();
        let first: Mutex<Option<f64>> = Mutex::new(None);
        let observer = |event: TurnEvent<'_>| {
            if matches!(
                event,
                TurnEvent::Preliminary { .. } | TurnEvent::Pick { .. }
            ) {
                if let Ok(mut first) = first.lock() {
                    first.get_or_insert(started.elapsed().as_secs_f64() * 1000.0);
                }
            }
        };
        let answer = pipeline
            .ask_observed(&mut Session::default(), q, &observer)
            .await?;
        let total_ms = started.elapsed().as_secs_f64() * 1000.0;
        let first_ms = first
            .into_inner()
            .ok()
            .flatten()
            .unwrap_or(total_ms)
            .min(total_ms);
        let answered = match (&answer.body, answer.intent.route) {
            (AnswerBody::Declined { .. }, _) => Answered::Declined,
            (_, Route::Search) => Answered::Search,
            (_, Route::Recommend) => Answered::Recommend,
        };
        let class = Class {
            lang: answer.intent.lang,
            answered,
            unsure: !answer.understanding.unmatched.is_empty(),
        };
        let per_stage: BTreeMap<Stage, LlmUsage> = answer
            .trace
            .stages
            .iter()
            .filter_map(|s| s.llm.map(|u| (s.stage, u)))
            .collect();
        let calls: u32 = per_stage.values().map(|u| u.calls).sum();
        eprintln!(
            "{:>6.2} s first, {:>6.1} s final, {calls} call(s)  [{class}]  {q}",
            first_ms / 1000.0,
            total_ms / 1000.0
        );
        measured.push(Measured {
            first_ms,
            total_ms,
            class,
            per_stage,
        });
    }
    print_report(&measured);
    Ok(())
}

fn p(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, q).unwrap_or(0.0) / 1000.0
}

fn print_report(measured: &[Measured]) {
    let unsure = measured.iter().filter(|m| m.class.unsure).count();
    println!(
        "{} turns, {unsure} with a word the rules left unexplained",
        measured.len()
    );
    println!(
        "{:<34} {:>5} {:>10} {:>10} {:>10} {:>10}",
        "class", "turns", "first p50", "first p95", "final p50", "final p95"
    );
    let row = |label: &str, of: &[&Measured]| {
        let first: Vec<f64> = of.iter().map(|m| m.first_ms).collect();
        let total: Vec<f64> = of.iter().map(|m| m.total_ms).collect();
        println!(
            "{:<34} {:>5} {:>9.2}s {:>9.2}s {:>9.1}s {:>9.1}s",
            label,
            of.len(),
            p(&first, 0.5),
            p(&first, 0.95),
            p(&total, 0.5),
            p(&total, 0.95)
        );
    };
    let mut classes: BTreeMap<Class, Vec<&Measured>> = BTreeMap::new();
    for m in measured {
        classes.entry(m.class).or_default().push(m);
    }
    for (class, of) in &classes {
        row(&class.to_string(), of);
    }
    row("all", &measured.iter().collect::<Vec<_>>());
    println!(
        "{:<14} {:>6} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "stage", "calls", "prompt", "cached", "complete", "LLM s", "s/call", "tok/s"
    );
    let mut stages: BTreeMap<Stage, LlmUsage> = BTreeMap::new();
    for m in measured {
        for (stage, u) in &m.per_stage {
            stages.entry(*stage).or_default().merge(u);
        }
    }
    for (stage, u) in &stages {
        let secs = u.ms / 1000.0;
        println!(
            "{:<14} {:>6} {:>9} {:>9} {:>9} {:>9.1} {:>8.2} {:>9.1}",
            stage.as_str(),
            u.calls,
            u.prompt_tokens,
            u.cached_tokens,
            u.completion_tokens,
            secs,
            secs / f64::from(u.calls.max(1)),
            // Completion tokens per second of LLM time (prompt processing included).
            f64::from(u.completion_tokens) / secs.max(1e-9)
        );
    }
    let turns = measured.len().max(1) as f64;
    let calls: u32 = stages.values().map(|u| u.calls).sum();
    println!(
        "LLM calls per turn {:.2}; turns without an LLM call {}",
        f64::from(calls) / turns,
        measured.iter().filter(|m| m.per_stage.is_empty()).count()
    );
}
