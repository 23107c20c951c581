//! The report: totals per metric, latency percentiles, LLM cost, fallbacks, failure classes,
//! and every case; as JSON (`report.json`) and as Markdown (`report.md`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jeju_pipeline::stats::percentile;
use serde::Serialize;

use crate::case::CaseKind;
use crate::run::{is_soft_failure, CaseResult, TurnOutcome, TurnResult};
use crate::vocab::Disagreement;

/// What was run.
#[derive(Debug, Clone, Serialize)]
pub struct ReportMeta {
    pub cases_file: String,
    /// `llm` or `no-llm`.
    pub mode: String,
    /// Whether an LLM was actually configured for the run.
    pub llm_configured: bool,
    pub graph_stores: i64,
    /// The truth file used for truth-fit, if any.
    pub truth_file: Option<String>,
    pub wall_s: f64,
    /// Which build ran it, on what, with which model.
    pub provenance: Provenance,
    /// Where the evaluation's vocabulary and the pipeline's lexicon read a word differently
    /// (on the graph's menu items).
    pub vocabulary_disagreements: Vec<Disagreement>,
}

/// Which build produced a report, on what machine, with which model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Provenance {
    /// `git rev-parse HEAD` of the checkout the binary ran in (`None` outside a checkout).
    pub commit: Option<String>,
    /// Tracked files differ from the commit (`git status --porcelain --untracked-files=no`).
    pub dirty: Option<bool>,
    /// Logical cores the process could use.
    pub cores: usize,
    /// The CPU model (`/proc/cpuinfo`), when known.
    pub cpu: Option<String>,
    /// The LLM's model and endpoint (`None` in no-LLM mode).
    pub llm_model: Option<String>,
    pub llm_url: Option<String>,
    /// The local `llama-server`'s settings as it runs (threads, context, slots), or why
    /// they are unknown (a remote server).
    pub llm_server: Option<String>,
    /// What the LLM select writes per pick (`facts` or `sentence`); `None` in no-LLM mode.
    #[serde(default)]
    pub llm_select_style: Option<String>,
    /// Builds that scored the report's cases → cases (more than one only when a resumed run
    /// was allowed to mix them).
    pub case_builds: BTreeMap<String, usize>,
}

impl Provenance {
    /// `commit[..12]`, with `-dirty` when the tree was; `unknown` outside a checkout.
    pub fn build_id(&self) -> String {
        match &self.commit {
            Some(c) => format!(
                "{}{}",
                &c[..c.len().min(12)],
                if self.dirty == Some(true) {
                    "-dirty"
                } else {
                    ""
                }
            ),
            None => "unknown".into(),
        }
    }
}

/// Nearest-rank percentiles of a sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub n: usize,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(values: &[f64]) -> Percentiles {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        Percentiles {
            n: v.len(),
            p50: percentile(&v, 0.5).unwrap_or(0.0),
            p95: percentile(&v, 0.95).unwrap_or(0.0),
            max: v.last().copied().unwrap_or(0.0),
        }
    }
}

/// Search totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SearchTotals {
    pub turns: usize,
    pub correct: usize,
    pub execution_accuracy: f64,
    /// (turns, correct) per language.
    pub by_lang: BTreeMap<String, (usize, usize)>,
}

/// Recommendation totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecommendTotals {
    pub turns: usize,
    pub picks: usize,
    pub in_catalogue: usize,
    pub candidates: usize,
    pub backfilled: usize,
    /// Picks satisfying every hard constraint (and expectation).
    pub hard_ok: usize,
    /// `hard_ok / picks`.
    pub hard_constraint_satisfaction: f64,
    /// Picks that miss hard constraints honestly (fewer than three strict matches in the
    /// graph, every miss stated and marked): not failures, not counted in `hard_ok`.
    #[serde(default)]
    pub relaxed_ok: usize,
    /// (checked, satisfied) per hard constraint or expectation.
    pub per_constraint: BTreeMap<String, (usize, usize)>,
    /// Picks with a truth record, and how many of them fit.
    pub truth_checked: usize,
    pub truth_fit: usize,
    pub truth_fit_rate: f64,
    /// (checked, fit) per soft constraint.
    pub per_soft: BTreeMap<String, (usize, usize)>,
    /// Mean over turns of a random satisfying store's truth-fit (turns with soft asks).
    pub base_truth_rate: Option<f64>,
    /// Truth-fit of the picks on those same turns (compare with `base_truth_rate`).
    pub truth_fit_rate_same_turns: Option<f64>,
    pub precision_at_3: f64,
    pub at_least_one: usize,
    pub at_least_one_rate: f64,
    pub hallucinated_ids: usize,
    /// (turns, mean precision@3) per language.
    pub by_lang: BTreeMap<String, (usize, f64)>,
    /// precision@3 beside its baselines: every scored turn, the turns with a soft ask, and
    /// those without one (which score 1.0 whenever the hard constraints hold).
    pub precision_all: PrecisionBaselines,
    pub precision_soft_ask: PrecisionBaselines,
    pub precision_no_soft_ask: PrecisionBaselines,
    /// Share of scored turns that ask no soft constraint.
    pub no_soft_ask_share: f64,
}

/// precision@3 of the system, of a random satisfying pick (expected value, exact) and of the
/// best possible picks (oracle from the truth), over the same turns.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrecisionBaselines {
    pub turns: usize,
    pub system: f64,
    pub random: f64,
    pub oracle: f64,
}

/// Refusal totals: turns that had to be declined.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RefuseTotals {
    pub turns: usize,
    pub declined: usize,
}

/// Per case class (the case file's `class`): cases and how many passed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClassTotals {
    pub cases: usize,
    pub ok: usize,
}

/// One failure class with how many cases show it.
#[derive(Debug, Clone, Serialize)]
pub struct FailureClass {
    pub class: String,
    pub cases: usize,
    pub examples: Vec<String>,
    /// Only lowers precision (a truth misfit), does not fail the case.
    pub soft: bool,
}

/// LLM cost of the run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LlmTotals {
    pub calls: u32,
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
    pub turns_with_calls: usize,
    pub llm_ms: f64,
}

/// Turns that reached the review-search stage, and those where it ran (no fallback).
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ReviewSearchTotals {
    pub reached: usize,
    pub ran: usize,
}

/// Every total of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub cases: usize,
    pub cases_ok: usize,
    pub by_kind: BTreeMap<String, (usize, usize)>,
    pub errors: usize,
    pub search: SearchTotals,
    /// Turns that had to be declined (`refuse`).
    pub refuse: RefuseTotals,
    /// Cases per class of the case file (cases without a class are not counted).
    pub by_class: BTreeMap<String, ClassTotals>,
    /// Turns per class (turn classes of conversations included).
    pub turns_by_class: BTreeMap<String, ClassTotals>,
    /// Turns of `recommend` cases.
    pub recommend: RecommendTotals,
    /// Recommendation turns of multi-turn cases (follow-ups included).
    pub multi_turn: RecommendTotals,
    pub llm: LlmTotals,
    /// Per stage and `total` (the whole turn), in ms.
    pub latency_ms: BTreeMap<String, Percentiles>,
    /// `stage: reason` (up to the reason's first detail) → turns.
    pub fallbacks: BTreeMap<String, usize>,
    /// Whether review search took part: a run without the review index ranks by graph signals
    /// only, and its numbers are not those of the full system.
    pub review_search: ReviewSearchTotals,
    /// Most frequent first.
    pub failure_classes: Vec<FailureClass>,
    /// `must_ground` words of answered turns: (checked, accounted for).
    #[serde(default)]
    pub must_ground: (usize, usize),
    /// The words not accounted for, with their case's turn question (first 40).
    #[serde(default)]
    pub unaccounted: Vec<(String, String)>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub meta: ReportMeta,
    pub summary: Summary,
    pub cases: Vec<CaseResult>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn search_totals<'a>(turns: impl Iterator<Item = (&'a str, &'a TurnResult)>) -> SearchTotals {
    let mut t = SearchTotals::default();
    for (lang, turn) in turns {
        if turn.expected != CaseKind::Search {
            continue;
        }
        let correct = matches!(
            turn.outcome,
            Some(TurnOutcome::Search { correct: true, .. })
        );
        t.turns += 1;
        t.correct += usize::from(correct);
        let e = t.by_lang.entry(lang.to_owned()).or_default();
        e.0 += 1;
        e.1 += usize::from(correct);
    }
    t.execution_accuracy = ratio(t.correct, t.turns);
    t
}

fn recommend_totals<'a>(turns: impl Iterator<Item = (&'a str, &'a TurnResult)>) -> RecommendTotals {
    let mut t = RecommendTotals::default();
    let mut precision_sum = 0.0;
    let mut lang_sum: BTreeMap<String, (usize, f64)> = BTreeMap::new();
    let (mut base_sum, mut base_n, mut same_fit, mut same_checked) = (0.0, 0usize, 0usize, 0usize);
    // (turns, system, random, oracle) sums: all, with a soft ask, without.
    let mut sums = [(0usize, 0.0, 0.0, 0.0); 3];
    for (lang, turn) in turns {
        if turn.expected != CaseKind::Recommend {
            continue;
        }
        t.turns += 1;
        let Some(TurnOutcome::Recommend {
            picks,
            at_least_one,
            hallucinated,
            precision_at_3,
            base_truth_rate,
            soft_ask,
            random_precision_at_3,
            oracle_precision_at_3,
            ..
        }) = &turn.outcome
        else {
            // An error or a misrouted turn: no picks, precision 0.
            lang_sum.entry(lang.to_owned()).or_default().0 += 1;
            continue;
        };
        precision_sum += precision_at_3;
        // A turn nothing satisfies scores 0 for every picker.
        let (random, oracle) = (
            random_precision_at_3.unwrap_or(0.0),
            oracle_precision_at_3.unwrap_or(0.0),
        );
        for i in [0, if *soft_ask { 1 } else { 2 }] {
            sums[i].0 += 1;
            sums[i].1 += precision_at_3;
            sums[i].2 += random;
            sums[i].3 += oracle;
        }
        let e = lang_sum.entry(lang.to_owned()).or_default();
        e.0 += 1;
        e.1 += precision_at_3;
        t.at_least_one += usize::from(*at_least_one);
        t.hallucinated_ids += hallucinated;
        for p in picks {
            t.picks += 1;
            t.in_catalogue += usize::from(p.in_catalogue);
            t.candidates += usize::from(p.candidate);
            t.backfilled += usize::from(p.backfilled);
            t.hard_ok += usize::from(p.hard_ok);
            t.relaxed_ok += usize::from(p.relaxed_ok);
            for x in &p.hard {
                let e = t.per_constraint.entry(x.constraint.clone()).or_default();
                e.0 += 1;
                e.1 += usize::from(x.ok);
            }
            if let Some(truth) = &p.truth {
                t.truth_checked += 1;
                t.truth_fit += usize::from(p.truth_fit == Some(true));
                for x in truth {
                    let e = t.per_soft.entry(x.constraint.clone()).or_default();
                    e.0 += 1;
                    e.1 += usize::from(x.ok);
                }
            }
        }
        if let Some(b) = base_truth_rate {
            base_sum += b;
            base_n += 1;
            for p in picks.iter().filter(|p| p.truth.is_some()) {
                same_checked += 1;
                same_fit += usize::from(p.truth_fit == Some(true));
            }
        }
    }
    t.hard_constraint_satisfaction = ratio(t.hard_ok, t.picks);
    t.truth_fit_rate = ratio(t.truth_fit, t.truth_checked);
    t.base_truth_rate = (base_n > 0).then(|| base_sum / base_n as f64);
    t.truth_fit_rate_same_turns = (same_checked > 0).then(|| ratio(same_fit, same_checked));
    t.precision_at_3 = if t.turns == 0 {
        0.0
    } else {
        precision_sum / t.turns as f64
    };
    t.at_least_one_rate = ratio(t.at_least_one, t.turns);
    let row = |(n, sys, random, oracle): (usize, f64, f64, f64)| {
        let d = n.max(1) as f64;
        PrecisionBaselines {
            turns: n,
            system: sys / d,
            random: random / d,
            oracle: oracle / d,
        }
    };
    t.precision_all = row(sums[0]);
    t.precision_soft_ask = row(sums[1]);
    t.precision_no_soft_ask = row(sums[2]);
    t.no_soft_ask_share = ratio(sums[2].0, sums[0].0);
    t.by_lang = lang_sum
        .into_iter()
        .map(|(l, (n, s))| (l, (n, if n == 0 { 0.0 } else { s / n as f64 })))
        .collect();
    t
}

impl Report {
    /// Aggregates case results.
    pub fn build(meta: ReportMeta, cases: Vec<CaseResult>) -> Report {
        let mut s = Summary {
            cases: cases.len(),
            cases_ok: cases.iter().filter(|c| c.ok).count(),
            ..Summary::default()
        };
        for c in &cases {
            let kind = serde_json::to_value(c.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let e = s.by_kind.entry(kind).or_default();
            e.0 += 1;
            e.1 += usize::from(c.ok);
        }
        let all_turns = || {
            cases
                .iter()
                .flat_map(|c| c.turns.iter().map(move |t| (c.lang.as_str(), t)))
        };
        let turns_of = |kind: CaseKind| {
            cases
                .iter()
                .filter(move |c| c.kind == kind)
                .flat_map(|c| c.turns.iter().map(move |t| (c.lang.as_str(), t)))
        };
        s.search = search_totals(all_turns());
        for (_, t) in all_turns() {
            if t.expected == CaseKind::Refuse {
                s.refuse.turns += 1;
                s.refuse.declined += usize::from(matches!(
                    t.outcome,
                    Some(TurnOutcome::Refuse { declined: true, .. })
                ));
            }
            for g in &t.grounding {
                s.must_ground.0 += 1;
                s.must_ground.1 += usize::from(g.accounted);
                if !g.accounted && s.unaccounted.len() < 40 {
                    s.unaccounted.push((g.word.clone(), t.question.clone()));
                }
            }
            if let Some(class) = &t.class {
                let e = s.turns_by_class.entry(class.clone()).or_default();
                e.cases += 1;
                e.ok += usize::from(t.failures.iter().all(|f| is_soft_failure(f)));
            }
        }
        for c in &cases {
            if let Some(class) = &c.class {
                let e = s.by_class.entry(class.clone()).or_default();
                e.cases += 1;
                e.ok += usize::from(c.ok);
            }
        }
        s.recommend = recommend_totals(turns_of(CaseKind::Recommend));
        s.multi_turn = recommend_totals(turns_of(CaseKind::MultiTurn));

        let mut per_stage: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for (_, t) in all_turns() {
            s.errors += usize::from(t.error.is_some());
            per_stage.entry("total".into()).or_default().push(t.ms);
            for st in &t.stages {
                per_stage
                    .entry(st.stage.as_str().to_owned())
                    .or_default()
                    .push(st.ms);
                if st.stage == jeju_pipeline::Stage::ReviewSearch {
                    s.review_search.reached += 1;
                    s.review_search.ran += usize::from(st.fallback.is_none());
                }
                if let Some(f) = &st.fallback {
                    // The reason code; a log from before the codes: the message up to its
                    // first detail, so that alike fallbacks add up.
                    let reason = st
                        .fallback_reason
                        .as_deref()
                        .unwrap_or_else(|| f.split(" (").next().unwrap_or(f));
                    *s.fallbacks
                        .entry(format!("{}: {reason}", st.stage))
                        .or_default() += 1;
                }
            }
            if t.llm.calls > 0 {
                s.llm.turns_with_calls += 1;
                s.llm.calls += t.llm.calls;
                s.llm.prompt_tokens += t.llm.prompt_tokens;
                s.llm.completion_tokens += t.llm.completion_tokens;
                s.llm.llm_ms += t.llm.ms;
            }
        }
        s.latency_ms = per_stage
            .into_iter()
            .map(|(k, v)| (k, Percentiles::of(&v)))
            .collect();

        let mut classes: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in &cases {
            for f in &c.failures {
                classes.entry(f.clone()).or_default().push(c.id.clone());
            }
        }
        let mut classes: Vec<FailureClass> = classes
            .into_iter()
            .map(|(class, ids)| FailureClass {
                soft: is_soft_failure(&class),
                cases: ids.len(),
                examples: ids.into_iter().take(5).collect(),
                class,
            })
            .collect();
        classes.sort_by(|a, b| {
            a.soft
                .cmp(&b.soft)
                .then(b.cases.cmp(&a.cases))
                .then(a.class.cmp(&b.class))
        });
        s.failure_classes = classes;
        Report {
            meta,
            summary: s,
            cases,
        }
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        markdown(self)
    }
}

/// A table cell: one line, pipes escaped, cut to `max` characters.
fn cell(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = if one_line.chars().count() > max {
        let mut s: String = one_line.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        one_line
    };
    cut.replace('|', "\\|")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn frac(a: usize, b: usize) -> String {
    format!("{a}/{b} ({})", pct(ratio(a, b)))
}

/// An ASCII histogram of latencies on doubling buckets (≤1 ms, ≤2 ms, … ).
pub fn ascii_histogram(values: &[f64], width: usize) -> String {
    if values.is_empty() {
        return String::new();
    }
    let mut buckets: BTreeMap<u32, usize> = BTreeMap::new();
    for v in values {
        let b = v.max(1.0).log2().ceil().max(0.0) as u32;
        *buckets.entry(b).or_default() += 1;
    }
    let (lo, hi) = (
        *buckets.keys().next().unwrap_or(&0),
        *buckets.keys().last().unwrap_or(&0),
    );
    let most = buckets.values().copied().max().unwrap_or(1).max(1);
    let mut out = String::new();
    for b in lo..=hi {
        let n = buckets.get(&b).copied().unwrap_or(0);
        let bar = "#".repeat((n * width).div_ceil(most));
        let upper = 2f64.powi(b as i32);
        let label = if upper >= 1000.0 {
            format!("≤ {:.0} s", upper / 1000.0)
        } else {
            format!("≤ {upper:.0} ms")
        };
        let _ = writeln!(out, "{label:>10} | {bar} {n}");
    }
    out
}

fn recommend_section(out: &mut String, title: &str, t: &RecommendTotals) {
    let _ = writeln!(out, "\n## {title}\n");
    if t.turns == 0 {
        let _ = writeln!(out, "No such turns.");
        return;
    }
    let _ = writeln!(out, "| metric | value |\n|---|---|");
    let _ = writeln!(out, "| turns | {} |", t.turns);
    let _ = writeln!(
        out,
        "| at least one pick | {} |",
        frac(t.at_least_one, t.turns)
    );
    let _ = writeln!(out, "| picks | {} |", t.picks);
    let _ = writeln!(
        out,
        "| in the catalogue | {} |",
        frac(t.in_catalogue, t.picks)
    );
    let _ = writeln!(out, "| **hallucinated ids** | **{}** |", t.hallucinated_ids);
    let _ = writeln!(out, "| were candidates | {} |", frac(t.candidates, t.picks));
    let _ = writeln!(
        out,
        "| backfilled (FastRP) | {} |",
        frac(t.backfilled, t.picks)
    );
    let _ = writeln!(
        out,
        "| **hard-constraint satisfaction** | **{}** |",
        frac(t.hard_ok, t.picks)
    );
    let _ = writeln!(
        out,
        "| relaxed honestly (< 3 strict matches, stated and marked) | {} |",
        frac(t.relaxed_ok, t.picks)
    );
    let _ = writeln!(
        out,
        "| truth-fit | {} |",
        frac(t.truth_fit, t.truth_checked)
    );
    if let (Some(b), Some(f)) = (t.base_truth_rate, t.truth_fit_rate_same_turns) {
        let _ = writeln!(
            out,
            "| truth-fit on turns with soft asks: picks vs a random satisfying store | {} vs {} |",
            pct(f),
            pct(b)
        );
    }
    let _ = writeln!(
        out,
        "| **precision@3** (mean) | **{:.3}** |",
        t.precision_at_3
    );
    for (lang, (n, p)) in &t.by_lang {
        let _ = writeln!(out, "| precision@3, {lang} ({n} turns) | {p:.3} |");
    }
    let _ = writeln!(
        out,
        "\nprecision@3 beside its baselines, over the same turns: a random satisfying pick (its expected value, exact) and the best possible picks (oracle, from the truth). {} of the scored turns ask no soft constraint; they score 1.0 whenever the hard constraints hold.\n\n| turns | n | system | random | oracle |\n|---|---|---|---|---|",
        pct(t.no_soft_ask_share)
    );
    for (name, b) in [
        ("all", &t.precision_all),
        ("**with a soft ask**", &t.precision_soft_ask),
        ("without a soft ask", &t.precision_no_soft_ask),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {:.3} | {:.3} | {:.3} |",
            b.turns, b.system, b.random, b.oracle
        );
    }
    let _ = writeln!(
        out,
        "\n| constraint | kind | picks checked | satisfied |\n|---|---|---|---|"
    );
    for (name, (n, ok)) in &t.per_constraint {
        let _ = writeln!(out, "| {name} | hard | {n} | {} |", frac(*ok, *n));
    }
    for (name, (n, ok)) in &t.per_soft {
        let _ = writeln!(out, "| {name} | truth | {n} | {} |", frac(*ok, *n));
    }
}

fn markdown(r: &Report) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let _ = writeln!(out, "# Evaluation report\n");
    let _ = writeln!(
        out,
        "- cases: `{}` ({} cases)\n- mode: `{}` (LLM {})\n- graph: {} stores\n- truth: {}\n- wall time: {:.1} s",
        r.meta.cases_file,
        s.cases,
        r.meta.mode,
        if r.meta.llm_configured { "configured" } else { "off" },
        r.meta.graph_stores,
        r.meta
            .truth_file
            .as_deref()
            .map(|t| format!("`{t}`"))
            .unwrap_or_else(|| "none (truth-fit not scored)".into()),
        r.meta.wall_s
    );
    let p = &r.meta.provenance;
    let _ = writeln!(
        out,
        "- build: `{}`{}\n- machine: {} cores{}\n- model: {}",
        p.build_id(),
        match p.dirty {
            Some(true) => " (**uncommitted changes**: the numbers are not those of the commit)",
            Some(false) => "",
            None => " (not run from a git checkout)",
        },
        p.cores,
        p.cpu
            .as_deref()
            .map(|c| format!(", {c}"))
            .unwrap_or_default(),
        match (&p.llm_model, &p.llm_url) {
            (Some(m), Some(u)) => format!(
                "`{m}` at {u}{}{}",
                p.llm_server
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default(),
                p.llm_select_style
                    .as_deref()
                    .map(|s| format!(", select style `{s}`"))
                    .unwrap_or_default()
            ),
            _ => "none (no-LLM mode)".to_owned(),
        }
    );
    if p.case_builds.len() > 1 {
        let builds: Vec<String> = p
            .case_builds
            .iter()
            .map(|(b, n)| format!("`{b}` {n} cases"))
            .collect();
        let _ = writeln!(
            out,
            "- **mixed builds** (a resumed run allowed to mix them): {}",
            builds.join(", ")
        );
    }
    let rs = s.review_search;
    let _ = match (rs.reached, rs.reached - rs.ran) {
        (0, _) => writeln!(out, "- review search: no turn reached it"),
        (n, 0) => writeln!(out, "- review search: ran in all {n} turns that reach it"),
        (n, off) => writeln!(
            out,
            "- review search: **off in {off} of {n} turns** that reach it (see Fallbacks): they rank by graph signals only"
        ),
    };
    let total = s.latency_ms.get("total").cloned().unwrap_or_default();
    let _ = writeln!(out, "\n## Headline\n\n| metric | value |\n|---|---|");
    let _ = writeln!(out, "| cases passed | {} |", frac(s.cases_ok, s.cases));
    for (kind, (n, ok)) in &s.by_kind {
        let _ = writeln!(out, "| {kind} cases passed | {} |", frac(*ok, *n));
    }
    let _ = writeln!(
        out,
        "| search execution accuracy | {} |",
        frac(s.search.correct, s.search.turns)
    );
    let _ = writeln!(
        out,
        "| recommend hard-constraint satisfaction | {} |",
        frac(s.recommend.hard_ok, s.recommend.picks)
    );
    let b = &s.recommend.precision_all;
    let _ = writeln!(
        out,
        "| recommend precision@3 (random / oracle) | {:.3} ({:.3} / {:.3}) |",
        s.recommend.precision_at_3, b.random, b.oracle
    );
    let b = &s.recommend.precision_soft_ask;
    let _ = writeln!(
        out,
        "| recommend precision@3 with a soft ask, {} turns (random / oracle) | {:.3} ({:.3} / {:.3}) |",
        b.turns, b.system, b.random, b.oracle
    );
    if s.refuse.turns > 0 {
        let _ = writeln!(
            out,
            "| questions to decline, declined | {} |",
            frac(s.refuse.declined, s.refuse.turns)
        );
    }
    if s.must_ground.0 > 0 {
        let _ = writeln!(
            out,
            "| `must_ground` words accounted for (understood, read or named as unmatched) | {} |",
            frac(s.must_ground.1, s.must_ground.0)
        );
    }
    let _ = writeln!(
        out,
        "| hallucinated ids (all turns) | {} |",
        s.recommend.hallucinated_ids + s.multi_turn.hallucinated_ids
    );
    let _ = writeln!(
        out,
        "| multi-turn hard-constraint satisfaction | {} |",
        frac(s.multi_turn.hard_ok, s.multi_turn.picks)
    );
    let _ = writeln!(
        out,
        "| turn latency p50 / p95 | {:.1} / {:.1} ms |",
        total.p50, total.p95
    );
    let _ = writeln!(
        out,
        "| LLM calls / prompt tokens / completion tokens | {} / {} / {} |",
        s.llm.calls, s.llm.prompt_tokens, s.llm.completion_tokens
    );
    let _ = writeln!(out, "| turns with a pipeline error | {} |", s.errors);

    let _ = writeln!(out, "\n## Search\n");
    let _ = writeln!(
        out,
        "Execution accuracy: {}. Ids are compared in order when the gold query ends in `ORDER BY … LIMIT k`, as sets otherwise; a count question compares the count.\n",
        frac(s.search.correct, s.search.turns)
    );
    let _ = writeln!(out, "| language | turns | correct |\n|---|---|---|");
    for (lang, (n, ok)) in &s.search.by_lang {
        let _ = writeln!(out, "| {lang} | {n} | {} |", frac(*ok, *n));
    }
    recommend_section(&mut out, "Recommend", &s.recommend);
    recommend_section(&mut out, "Multi-turn (recommendation turns)", &s.multi_turn);
    if !s.by_class.is_empty() || !s.turns_by_class.is_empty() {
        let _ = writeln!(
            out,
            "\n## By class\n\nThe case file's `class` of each case (a conversation counts once) and of each turn; a case or turn passes as above (soft misfits do not fail it).\n\n| class | cases passed | turns passed |\n|---|---|---|"
        );
        let mut names: Vec<&String> = s.by_class.keys().chain(s.turns_by_class.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            let show = |t: Option<&ClassTotals>| t.map(|t| frac(t.ok, t.cases)).unwrap_or_default();
            let _ = writeln!(
                out,
                "| {name} | {} | {} |",
                show(s.by_class.get(name)),
                show(s.turns_by_class.get(name))
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## Latency (ms)\n\n| stage | n | p50 | p95 | max |\n|---|---|---|---|---|"
    );
    let order: Vec<&str> = jeju_pipeline::Stage::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(["total"])
        .collect();
    let mut names: Vec<&String> = s.latency_ms.keys().collect();
    names.sort_by_key(|n| order.iter().position(|o| o == n).unwrap_or(order.len()));
    for name in names {
        let p = &s.latency_ms[name];
        let _ = writeln!(
            out,
            "| {name} | {} | {:.1} | {:.1} | {:.1} |",
            p.n, p.p50, p.p95, p.max
        );
    }
    let totals: Vec<f64> = r
        .cases
        .iter()
        .flat_map(|c| c.turns.iter().map(|t| t.ms))
        .collect();
    let _ = writeln!(
        out,
        "\nTurn latency histogram:\n\n```\n{}```",
        ascii_histogram(&totals, 50)
    );
    let _ = writeln!(
        out,
        "\n## LLM\n\n{} calls in {} turns, {} prompt + {} completion tokens, {:.1} s waiting for the model.",
        s.llm.calls,
        s.llm.turns_with_calls,
        s.llm.prompt_tokens,
        s.llm.completion_tokens,
        s.llm.llm_ms / 1000.0
    );
    let _ = writeln!(out, "\n## Fallbacks\n");
    if s.fallbacks.is_empty() {
        let _ = writeln!(out, "None fired.");
    } else {
        let _ = writeln!(out, "| stage: reason | turns |\n|---|---|");
        for (f, n) in &s.fallbacks {
            let _ = writeln!(out, "| {} | {n} |", cell(f, 140));
        }
    }
    if s.must_ground.0 > 0 {
        let _ = writeln!(out, "\n## Words to ground\n");
        let _ = writeln!(
            out,
            "Each case's `must_ground` words (written by hand with the case): accounted for when the \
             answer lists one of its words as understood or read, or names it as unmatched in its \
             text. {} accounted for.",
            frac(s.must_ground.1, s.must_ground.0)
        );
        if !s.unaccounted.is_empty() {
            let _ = writeln!(out, "\n| word | question |\n|---|---|");
            for (w, q) in &s.unaccounted {
                let _ = writeln!(out, "| {} | {} |", cell(w, 40), cell(q, 90));
            }
        }
    }
    let _ = writeln!(out, "\n## Failure classes\n");
    if s.failure_classes.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let _ = writeln!(out, "| class | cases | examples |\n|---|---|---|");
        for f in &s.failure_classes {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&f.class, 100),
                f.cases,
                f.examples.join(", ")
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## Vocabulary: where the evaluation and the pipeline disagree\n\nThe checker reads dish and place words with its own vocabulary (`eval/vocab.toml`); the pipeline with its lexicon. Judged on the graph's menu items:\n"
    );
    if r.meta.vocabulary_disagreements.is_empty() {
        let _ = writeln!(out, "No disagreement.");
    } else {
        let _ = writeln!(out, "| kind | word | difference |\n|---|---|---|");
        for d in &r.meta.vocabulary_disagreements {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                d.kind,
                d.word,
                cell(&d.detail, 300)
            );
        }
    }

    let _ = writeln!(
        out,
        "\n## Search cases\n\n| id | lang | ok | question | why | Cypher | ms |\n|---|---|---|---|---|---|---|"
    );
    for c in r.cases.iter().filter(|c| c.kind == CaseKind::Search) {
        for t in &c.turns {
            let why = match (&t.outcome, &t.error) {
                (_, Some(e)) => e.clone(),
                (Some(TurnOutcome::Search { why, .. }), _) => why.clone(),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | `{}` | {:.1} |",
                c.id,
                c.lang,
                if c.ok { "✓" } else { "✗" },
                cell(&t.question, 90),
                cell(&why, 120),
                cell(t.cypher.first().map(String::as_str).unwrap_or(""), 400),
                t.ms
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## Recommend and multi-turn cases\n\n| id | turn | ok | question | picks (✓ hard constraints hold, ✗ why not) | P@3 | satisfying | Cypher | ms |\n|---|---|---|---|---|---|---|---|---|"
    );
    for c in r.cases.iter().filter(|c| c.kind != CaseKind::Search) {
        for (i, t) in c.turns.iter().enumerate() {
            let (picks, p3, sat) = match (&t.outcome, &t.error) {
                (_, Some(e)) => (format!("error: {e}"), String::new(), String::new()),
                (
                    Some(TurnOutcome::Recommend {
                        picks,
                        precision_at_3,
                        satisfying_stores,
                        ..
                    }),
                    _,
                ) => (
                    picks
                        .iter()
                        .map(|p| {
                            let mark = match (p.hard_ok, p.relaxed_ok) {
                                (true, _) => "✓",
                                (false, true) => "≈ (relaxed, stated)",
                                (false, false) => "✗",
                            };
                            let truth = match p.truth_fit {
                                Some(true) => " (truth fits)",
                                Some(false) => " (truth misfit)",
                                None => "",
                            };
                            if p.why == "ok" {
                                format!("{}. {mark} {}{truth}", p.rank, p.name)
                            } else {
                                format!("{}. {mark} {}{truth}: {}", p.rank, p.name, p.why)
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("<br>"),
                    format!("{precision_at_3:.2}"),
                    satisfying_stores.to_string(),
                ),
                (Some(TurnOutcome::Search { why, .. } | TurnOutcome::Refuse { why, .. }), _) => {
                    (why.clone(), String::new(), String::new())
                }
                (None, None) => (String::new(), String::new(), String::new()),
            };
            let ok = if t.failures.iter().all(|f| is_soft_failure(f)) {
                "✓"
            } else {
                "✗"
            };
            let _ = writeln!(
                out,
                "| {} | {} | {ok} | {} | {} | {p3} | {sat} | `{}` | {:.1} |",
                c.id,
                i + 1,
                cell(&t.question, 90),
                cell(&picks, 900),
                cell(t.cypher.first().map(String::as_str).unwrap_or(""), 300),
                t.ms
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_rounded_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(&v);
        assert_eq!((p.n, p.p50, p.p95, p.max), (100, 51.0, 95.0, 100.0));
        assert_eq!(Percentiles::of(&[]).n, 0);
        assert_eq!(Percentiles::of(&[3.0]).p95, 3.0);
    }

    #[test]
    fn cells_stay_on_one_line_and_escape_pipes() {
        assert_eq!(cell("a |b\nc", 20), "a \\|b c");
        assert_eq!(cell("abcdef", 4), "abc…");
    }

    #[test]
    fn histogram_buckets_double() {
        let h = ascii_histogram(&[0.5, 3.0, 3.5, 100.0, 1500.0], 10);
        let lines: Vec<&str> = h.lines().collect();
        assert!(
            lines[0].contains("≤ 1 ms") && lines[0].ends_with(" 1"),
            "{h}"
        );
        assert!(h.contains("≤ 4 ms | ########## 2"), "{h}");
        assert!(h.contains("≤ 128 ms | ##### 1"), "{h}");
        assert!(h.contains("≤ 2 s | ##### 1"), "{h}");
        assert!(h.contains("≤ 8 ms |  0"), "{h}");
    }
}
