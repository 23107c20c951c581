//! Paired comparison of two runs (`jeju eval compare A B`), and the answers-only files that
//! the smoke test's golden is made of.
//!
//! Cases are paired by id, turns by index. Per turn the **answer** is compared: the route,
//! the store ids in order (search rows or picks) and a search's count; a pipeline error is an
//! answer too (its message is not compared). Then the **scores**: cases whose `ok` flipped,
//! by failure class, and precision@3 on the turns whose answer differs. Nothing else is
//! compared: not the answer text, the reasons, the Cypher, the stage trace (names, times,
//! fallbacks) or the LLM cost, so logs of older and newer builds compare as long as these
//! few fields keep their meaning.
//!
//! Inputs are read leniently ([`load_run`]): a `results.jsonl` line is parsed for the fields
//! above only (unknown fields, and any change to the ones not read, are ignored), and an
//! answers file (the golden, [`write_answers`]) holds [`CaseAnswers`] lines directly.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::EvalError;
use crate::log::{LoggedCase, RESULTS_FILE};
use crate::run::{is_soft_failure, CaseResult, TurnAnswer, TurnOutcome, TurnResult};

/// One turn as compared: its answer, and (from a results log, not in an answers file) its
/// scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnAnswers {
    /// Shown, and checked to be the same question on both sides; not part of the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// `search` or `recommend` (`None`: the pipeline failed before routing was logged).
    #[serde(default)]
    pub route: Option<String>,
    /// The store ids the answer names, in order: search rows or picks.
    #[serde(default)]
    pub ids: Vec<String>,
    /// A search's count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// The pipeline failed: no answer (the message is shown, not compared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Score: precision@3 of a recommendation turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision_at_3: Option<f64>,
    /// Score: a search turn's answer was right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
}

impl TurnAnswers {
    /// The same answer: route, ids in order, count, and whether the pipeline failed.
    pub fn same_answer(&self, other: &TurnAnswers) -> bool {
        self.differences(other).is_empty()
    }

    /// How the answers differ (empty when they are the same).
    pub fn differences(&self, other: &TurnAnswers) -> Vec<DiffKind> {
        let mut out = Vec::new();
        if self.error.is_some() != other.error.is_some() {
            out.push(DiffKind::Error);
        }
        if self.route != other.route {
            out.push(DiffKind::Route);
        }
        if self.ids != other.ids {
            let mut a = self.ids.clone();
            let mut b = other.ids.clone();
            a.sort();
            b.sort();
            out.push(if a == b {
                DiffKind::Order
            } else {
                DiffKind::Ids
            });
        }
        if self.count != other.count {
            out.push(DiffKind::Count);
        }
        out
    }

    /// The answer only (what the golden holds).
    pub fn answer_only(&self) -> TurnAnswers {
        TurnAnswers {
            precision_at_3: None,
            correct: None,
            ..self.clone()
        }
    }

    /// One line: `recommend: S1, S2, S3`, `search: count 5`, `error: …`.
    pub fn render(&self) -> String {
        if let Some(e) = &self.error {
            return format!("error: {e}");
        }
        let route = self.route.as_deref().unwrap_or("?");
        let ids = if self.ids.is_empty() {
            "no ids".to_owned()
        } else {
            format!("{}: {}", counted(self.ids.len(), "id"), self.ids.join(", "))
        };
        match self.count {
            Some(c) if self.ids.is_empty() => format!("{route}: count {c}"),
            Some(c) => format!("{route}: count {c}, {ids}"),
            None => format!("{route}: {ids}"),
        }
    }
}

/// One case as compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAnswers {
    pub id: String,
    /// `no-llm` or `llm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `search`, `recommend` or `multi_turn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Score: the case passed (`None` in an answers file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ok: Option<bool>,
    /// Score: the case's failure classes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    pub turns: Vec<TurnAnswers>,
}

impl CaseAnswers {
    /// A scored case of this build.
    pub fn from_result(result: &CaseResult, mode: Option<&str>) -> CaseAnswers {
        CaseAnswers {
            id: result.id.clone(),
            mode: mode.map(str::to_owned),
            kind: serde_json::to_value(result.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned)),
            ok: Some(result.ok),
            failures: result.failures.clone(),
            turns: result.turns.iter().map(turn_answers).collect(),
        }
    }

    pub fn from_logged(entry: &LoggedCase) -> CaseAnswers {
        CaseAnswers::from_result(&entry.result, Some(&entry.mode))
    }

    /// The answers only, without the scores (what the golden holds).
    pub fn answers_only(&self) -> CaseAnswers {
        CaseAnswers {
            ok: None,
            failures: Vec::new(),
            turns: self.turns.iter().map(TurnAnswers::answer_only).collect(),
            ..self.clone()
        }
    }

    /// The failure classes that fail the case (not the soft ones).
    fn hard_failures(&self) -> Vec<String> {
        let hard: Vec<String> = self
            .failures
            .iter()
            .filter(|f| !is_soft_failure(f))
            .cloned()
            .collect();
        if hard.is_empty() {
            vec!["(no failure class logged)".into()]
        } else {
            hard
        }
    }
}

fn turn_answers(t: &TurnResult) -> TurnAnswers {
    let (precision_at_3, correct) = match &t.outcome {
        Some(TurnOutcome::Recommend { precision_at_3, .. }) => (Some(*precision_at_3), None),
        Some(TurnOutcome::Search { correct, .. }) => (None, Some(*correct)),
        Some(TurnOutcome::Refuse { declined, .. }) => (None, Some(*declined)),
        None => (None, None),
    };
    let (ids, count, error) = match (&t.answer, &t.outcome) {
        (Some(a), _) => (a.ids.clone(), a.count, None),
        (None, outcome) => answer_from_outcome(outcome.as_ref(), t.error.as_deref()),
    };
    TurnAnswers {
        question: Some(t.question.clone()),
        route: t.route.clone(),
        ids,
        count,
        error,
        precision_at_3,
        correct,
    }
}

/// For logs of builds before `TurnResult::answer`: the answer as the scored outcome recorded
/// it. (A recommendation turn answered with a search logged no ids; the route still differs.)
fn answer_from_outcome(
    outcome: Option<&TurnOutcome>,
    error: Option<&str>,
) -> (Vec<String>, Option<i64>, Option<String>) {
    match outcome {
        Some(TurnOutcome::Search {
            got_ids, got_count, ..
        }) => (got_ids.clone(), *got_count, None),
        Some(TurnOutcome::Recommend { picks, .. }) => {
            (picks.iter().map(|p| p.id.clone()).collect(), None, None)
        }
        Some(TurnOutcome::Refuse { .. }) => (Vec::new(), None, None),
        // No outcome: the pipeline failed, or the scoring did (then the answer is unknown).
        None => match error {
            Some(e) if !e.starts_with("scoring failed") => (Vec::new(), None, Some(e.to_owned())),
            _ => (Vec::new(), None, None),
        },
    }
}

// ---- lenient reading of results.jsonl lines --------------------------------------------

/// A results-log line, reduced to what is compared. Every other field (stages, fallbacks,
/// LLM usage, cypher, per-pick checks) is ignored, whatever its type.
#[derive(Deserialize)]
struct LooseLogged {
    #[serde(default)]
    mode: Option<String>,
    result: LooseCase,
}

#[derive(Deserialize)]
struct LooseCase {
    id: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    ok: Option<bool>,
    #[serde(default)]
    failures: Vec<String>,
    #[serde(default)]
    turns: Vec<LooseTurn>,
}

#[derive(Deserialize)]
struct LooseTurn {
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    route: Option<String>,
    #[serde(default)]
    answer: Option<TurnAnswer>,
    #[serde(default)]
    outcome: Option<LooseOutcome>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct LooseOutcome {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    got_ids: Vec<String>,
    #[serde(default)]
    got_count: Option<i64>,
    #[serde(default)]
    correct: Option<bool>,
    #[serde(default)]
    picks: Vec<LoosePick>,
    #[serde(default)]
    precision_at_3: Option<f64>,
}

#[derive(Deserialize)]
struct LoosePick {
    id: String,
}

impl LooseLogged {
    fn into_answers(self) -> CaseAnswers {
        let c = self.result;
        CaseAnswers {
            id: c.id,
            mode: self.mode,
            kind: c.kind,
            ok: c.ok,
            failures: c.failures,
            turns: c.turns.into_iter().map(LooseTurn::into_answers).collect(),
        }
    }
}

impl LooseTurn {
    fn into_answers(self) -> TurnAnswers {
        let search = self.outcome.as_ref().filter(|o| o.kind == "search");
        let recommend = self.outcome.as_ref().filter(|o| o.kind == "recommend");
        let (ids, count, error) = match (self.answer, search, recommend) {
            (Some(a), _, _) => (a.ids, a.count, None),
            (None, Some(o), _) => (o.got_ids.clone(), o.got_count, None),
            (None, None, Some(o)) => (o.picks.iter().map(|p| p.id.clone()).collect(), None, None),
            (None, None, None) => answer_from_outcome(None, self.error.as_deref()),
        };
        TurnAnswers {
            question: self.question,
            route: self.route,
            ids,
            count,
            error,
            precision_at_3: recommend.and_then(|o| o.precision_at_3),
            correct: search.and_then(|o| o.correct),
        }
    }
}

/// Parses one line: a results-log entry (it has `result`) or an answers-file line.
pub fn parse_line(line: &str) -> Result<CaseAnswers, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(line)?;
    if value.get("result").is_some() {
        serde_json::from_value::<LooseLogged>(value).map(LooseLogged::into_answers)
    } else {
        serde_json::from_value::<CaseAnswers>(value)
    }
}

/// The cases of one side.
#[derive(Debug, Clone)]
pub struct Run {
    /// The file read.
    pub source: PathBuf,
    /// In first-seen order; for an id logged twice (a resumed run), the last line.
    pub cases: Vec<CaseAnswers>,
    /// Lines that were dropped because a later line had the same case id.
    pub superseded: usize,
    /// Unreadable lines dropped (a line torn by a kill is expected at the end of a log).
    pub unreadable: Vec<(usize, String)>,
}

/// A run directory (its `results.jsonl`), a `results.jsonl`, or an answers file (the golden).
pub fn load_run(path: &Path) -> Result<Run, EvalError> {
    let file = if path.is_dir() {
        path.join(RESULTS_FILE)
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| EvalError::io(&file, e))?;
    let mut run = parse_run(&text, &file);
    if run.cases.is_empty() {
        let why = match run.unreadable.first() {
            Some((line, e)) => format!("no readable case (line {line}: {e})"),
            None => "no cases".to_owned(),
        };
        return Err(EvalError::Mismatch(format!("{}: {why}", file.display())));
    }
    run.source = file;
    Ok(run)
}

/// [`load_run`] on text.
pub fn parse_run(text: &str, source: &Path) -> Run {
    let mut cases: Vec<CaseAnswers> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut superseded = 0;
    let mut unreadable = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        match parse_line(line) {
            Ok(c) => match at.get(&c.id) {
                Some(&k) => {
                    cases[k] = c;
                    superseded += 1;
                }
                None => {
                    at.insert(c.id.clone(), cases.len());
                    cases.push(c);
                }
            },
            Err(e) => unreadable.push((i + 1, e.to_string())),
        }
    }
    Run {
        source: source.to_path_buf(),
        cases,
        superseded,
        unreadable,
    }
}

/// Writes an answers file: one [`CaseAnswers`] line per case, scores left out.
pub fn write_answers(path: &Path, cases: &[CaseAnswers]) -> Result<(), EvalError> {
    let mut text = String::new();
    for c in cases {
        let line = serde_json::to_string(&c.answers_only()).map_err(EvalError::Json)?;
        text.push_str(&line);
        text.push('\n');
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| EvalError::io(dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| EvalError::io(path, e))
}

// ---- the comparison ---------------------------------------------------------------------

/// How two answers of a turn differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    /// One side failed (pipeline error), the other answered.
    Error,
    /// Routed differently (search vs recommend).
    Route,
    /// Other store ids.
    Ids,
    /// The same ids in another order.
    Order,
    /// Another search count.
    Count,
    /// The turn exists on one side only (the case has more turns there).
    Missing,
}

impl DiffKind {
    pub fn label(self) -> &'static str {
        match self {
            DiffKind::Error => "error",
            DiffKind::Route => "route",
            DiffKind::Ids => "ids",
            DiffKind::Order => "order",
            DiffKind::Count => "count",
            DiffKind::Missing => "missing turn",
        }
    }
}

/// A turn whose answers differ.
#[derive(Debug, Clone, Serialize)]
pub struct TurnDiff {
    pub case: String,
    /// 1-based.
    pub turn: usize,
    pub what: Vec<DiffKind>,
    pub a: Option<TurnAnswers>,
    pub b: Option<TurnAnswers>,
}

/// Which way a case's `ok` flipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlipDirection {
    /// Ok in A, failed in B.
    Broke,
    /// Failed in A, ok in B.
    Fixed,
}

/// A case whose `ok` flipped, with the failure classes of the failing side.
#[derive(Debug, Clone, Serialize)]
pub struct Flip {
    pub case: String,
    pub direction: FlipDirection,
    pub classes: Vec<String>,
}

/// The flips of one failure class.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ClassFlips {
    pub class: String,
    /// Cases ok in A that fail in B with this class.
    pub broke: Vec<String>,
    /// Cases failing in A with this class that are ok in B.
    pub fixed: Vec<String>,
}

/// precision@3 on the recommendation turns whose answer differs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PrecisionChange {
    /// Differing turns scored on both sides.
    pub turns: usize,
    /// Sum of precision@3 over those turns.
    pub a: f64,
    pub b: f64,
    /// `b − a`: the change of the sum (the change of a mean over all N turns is this / N).
    pub net: f64,
}

/// One side, as the header shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub source: String,
    /// Distinct modes of its cases (`no-llm`, `llm`); empty when not recorded.
    pub modes: Vec<String>,
    pub cases: usize,
    pub turns: usize,
    /// Cases that passed, when every case is scored.
    pub ok: Option<usize>,
    /// Mean precision@3 over its scored recommendation turns.
    pub precision_at_3: Option<f64>,
}

impl Side {
    fn of(source: &str, cases: &[CaseAnswers]) -> Side {
        let mut modes: Vec<String> = cases.iter().filter_map(|c| c.mode.clone()).collect();
        modes.sort();
        modes.dedup();
        let ok = cases
            .iter()
            .map(|c| c.ok.map(usize::from))
            .sum::<Option<usize>>();
        let p3: Vec<f64> = cases
            .iter()
            .flat_map(|c| c.turns.iter().filter_map(|t| t.precision_at_3))
            .collect();
        Side {
            source: source.to_owned(),
            modes,
            cases: cases.len(),
            turns: cases.iter().map(|c| c.turns.len()).sum(),
            ok,
            precision_at_3: (!p3.is_empty()).then(|| p3.iter().sum::<f64>() / p3.len() as f64),
        }
    }

    fn mode_label(&self) -> String {
        if self.modes.is_empty() {
            "mode not recorded".into()
        } else {
            self.modes.join(" + ")
        }
    }
}

/// The paired comparison of two runs.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    /// Cases present on both sides, and their turns present on both.
    pub paired_cases: usize,
    pub paired_turns: usize,
    /// Paired turns with the same answer.
    pub identical_turns: usize,
    /// Every turn whose answer differs, in A's case order.
    pub differences: Vec<TurnDiff>,
    pub only_in_a: Vec<String>,
    pub only_in_b: Vec<String>,
    /// Cases whose `ok` flipped (only where both sides are scored).
    pub flips: Vec<Flip>,
    /// The flips by failure class, most cases first.
    pub flips_by_class: Vec<ClassFlips>,
    pub precision: PrecisionChange,
    /// Things worth knowing that are not answer differences (other questions, other modes,
    /// scores that changed with the same answer).
    pub notes: Vec<String>,
}

impl Comparison {
    /// Every case on both sides, every turn with the same answer.
    pub fn identical(&self) -> bool {
        self.differences.is_empty() && self.only_in_a.is_empty() && self.only_in_b.is_empty()
    }

    /// Cases with at least one differing turn.
    pub fn differing_cases(&self) -> usize {
        let mut ids: Vec<&str> = self.differences.iter().map(|d| d.case.as_str()).collect();
        ids.dedup();
        ids.len()
    }

    /// One line: what differs, for an exit message.
    pub fn summary(&self) -> String {
        format!(
            "answers differ in {} of {}; {} only in A, {} only in B",
            counted(self.differences.len(), "turn"),
            counted(self.differing_cases(), "case"),
            counted(self.only_in_a.len(), "case"),
            counted(self.only_in_b.len(), "case")
        )
    }

    /// The human-readable diff (what `jeju eval compare` prints).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let side = |name: &str, s: &Side| {
            let ok = s.ok.map(|k| format!(", {k} ok")).unwrap_or_default();
            let p3 = s
                .precision_at_3
                .map(|p| format!(", mean precision@3 {p:.3}"))
                .unwrap_or_default();
            format!(
                "{name}: {} [{}] {} cases, {} turns{ok}{p3}\n",
                s.source,
                s.mode_label(),
                s.cases,
                s.turns
            )
        };
        out.push_str(&side("A", &self.a));
        out.push_str(&side("B", &self.b));
        let _ = writeln!(
            out,
            "paired: {} cases, {} turns; only in A: {}; only in B: {}",
            self.paired_cases,
            self.paired_turns,
            self.only_in_a.len(),
            self.only_in_b.len()
        );

        out.push('\n');
        if self.differences.is_empty() {
            let _ = writeln!(
                out,
                "answers: identical in {} of {} paired turns",
                self.identical_turns, self.paired_turns
            );
        } else {
            let _ = writeln!(
                out,
                "answers: differ in {} of {} ({} of {} paired turns identical)",
                counted(self.differences.len(), "turn"),
                counted(self.differing_cases(), "case"),
                self.identical_turns,
                self.paired_turns
            );
            for d in &self.differences {
                let what: Vec<&str> = d.what.iter().map(|w| w.label()).collect();
                let question =
                    d.a.as_ref()
                        .or(d.b.as_ref())
                        .and_then(|t| t.question.as_deref())
                        .map(|q| format!("  {q}"))
                        .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} turn {} [{}]{question}",
                    d.case,
                    d.turn,
                    what.join(", ")
                );
                for (name, t) in [("A", &d.a), ("B", &d.b)] {
                    let text = match t {
                        Some(t) => {
                            let p3 = t
                                .precision_at_3
                                .map(|p| format!("   (p@3 {p:.3})"))
                                .unwrap_or_default();
                            let correct = match t.correct {
                                Some(true) => "   (right)",
                                Some(false) => "   (wrong)",
                                None => "",
                            };
                            format!("{}{p3}{correct}", t.render())
                        }
                        None => "no such turn".into(),
                    };
                    let _ = writeln!(out, "    {name}: {text}");
                }
            }
        }

        out.push('\n');
        if self.a.ok.is_none() || self.b.ok.is_none() {
            out.push_str("score flips: not scored (an answers file has no scores)\n");
        }
        let broke = self
            .flips
            .iter()
            .filter(|f| f.direction == FlipDirection::Broke)
            .count();
        let fixed = self.flips.len() - broke;
        if self.a.ok.is_some() && self.b.ok.is_some() {
            let _ = writeln!(
                out,
                "score flips: A ok → B fails: {}; A fails → B ok: {}",
                counted(broke, "case"),
                counted(fixed, "case")
            );
        }
        for c in &self.flips_by_class {
            let mut parts = Vec::new();
            if !c.broke.is_empty() {
                parts.push(format!("A ok → B fails: {}", c.broke.join(", ")));
            }
            if !c.fixed.is_empty() {
                parts.push(format!("A fails → B ok: {}", c.fixed.join(", ")));
            }
            let _ = writeln!(out, "  {}: {}", c.class, parts.join("; "));
        }
        if self.precision.turns > 0 {
            let _ = writeln!(
                out,
                "precision@3 summed over the differing recommendation turns ({}): A {:.3}, B {:.3}, net {:+.3}",
                self.precision.turns, self.precision.a, self.precision.b, self.precision.net
            );
        }

        for (name, ids) in [("A", &self.only_in_a), ("B", &self.only_in_b)] {
            if !ids.is_empty() {
                let _ = writeln!(out, "\nonly in {name} ({}): {}", ids.len(), ids.join(", "));
            }
        }
        if !self.notes.is_empty() {
            out.push_str("\nnotes:\n");
            for n in &self.notes {
                let _ = writeln!(out, "  {n}");
            }
        }
        out.push('\n');
        out.push_str(if self.identical() {
            "verdict: IDENTICAL answers\n"
        } else {
            "verdict: answers DIFFER\n"
        });
        out
    }
}

/// `1 turn`, `2 turns`.
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Compares two runs, `a` the baseline. Cases are paired by id, turns by index.
pub fn compare(a: &Run, b: &Run) -> Comparison {
    compare_cases(
        &a.source.display().to_string(),
        &a.cases,
        &b.source.display().to_string(),
        &b.cases,
    )
}

/// [`compare`] on case lists (an id appearing twice: the last one counts).
pub fn compare_cases(
    a_name: &str,
    a: &[CaseAnswers],
    b_name: &str,
    b: &[CaseAnswers],
) -> Comparison {
    let by_id = |cases: &[CaseAnswers]| -> HashMap<String, CaseAnswers> {
        cases.iter().map(|c| (c.id.clone(), c.clone())).collect()
    };
    let a_by = by_id(a);
    let b_by = by_id(b);
    let mut seen = std::collections::HashSet::new();
    let a_order: Vec<&CaseAnswers> = a.iter().filter(|c| seen.insert(&c.id)).collect();
    let mut seen = std::collections::HashSet::new();
    let b_order: Vec<&CaseAnswers> = b.iter().filter(|c| seen.insert(&c.id)).collect();
    let a_cases: Vec<CaseAnswers> = a_order.iter().map(|c| a_by[&c.id].clone()).collect();
    let b_cases: Vec<CaseAnswers> = b_order.iter().map(|c| b_by[&c.id].clone()).collect();

    let mut cmp = Comparison {
        a: Side::of(a_name, &a_cases),
        b: Side::of(b_name, &b_cases),
        paired_cases: 0,
        paired_turns: 0,
        identical_turns: 0,
        differences: Vec::new(),
        only_in_a: a_cases
            .iter()
            .filter(|c| !b_by.contains_key(&c.id))
            .map(|c| c.id.clone())
            .collect(),
        only_in_b: b_cases
            .iter()
            .filter(|c| !a_by.contains_key(&c.id))
            .map(|c| c.id.clone())
            .collect(),
        flips: Vec::new(),
        flips_by_class: Vec::new(),
        precision: PrecisionChange::default(),
        notes: Vec::new(),
    };
    if !cmp.a.modes.is_empty() && !cmp.b.modes.is_empty() && cmp.a.modes != cmp.b.modes {
        cmp.notes.push(format!(
            "the sides ran in different modes (A {}, B {})",
            cmp.a.mode_label(),
            cmp.b.mode_label()
        ));
    }
    let mut rescored = Vec::new();
    let mut classes: BTreeMap<String, ClassFlips> = BTreeMap::new();
    for ca in &a_cases {
        let Some(cb) = b_by.get(&ca.id) else { continue };
        cmp.paired_cases += 1;
        let n = ca.turns.len().max(cb.turns.len());
        for i in 0..n {
            let (ta, tb) = (ca.turns.get(i), cb.turns.get(i));
            let (Some(ta), Some(tb)) = (ta, tb) else {
                cmp.differences.push(TurnDiff {
                    case: ca.id.clone(),
                    turn: i + 1,
                    what: vec![DiffKind::Missing],
                    a: ta.cloned(),
                    b: tb.cloned(),
                });
                continue;
            };
            cmp.paired_turns += 1;
            if let (Some(qa), Some(qb)) = (&ta.question, &tb.question) {
                if qa != qb {
                    cmp.notes.push(format!(
                        "{} turn {}: the question differs (A {qa:?}, B {qb:?}): was the case edited?",
                        ca.id,
                        i + 1
                    ));
                }
            }
            let what = ta.differences(tb);
            if what.is_empty() {
                cmp.identical_turns += 1;
                let p3_changed = ta.precision_at_3.is_some()
                    && tb.precision_at_3.is_some()
                    && ta.precision_at_3 != tb.precision_at_3;
                let correct_changed =
                    ta.correct.is_some() && tb.correct.is_some() && ta.correct != tb.correct;
                if p3_changed || correct_changed {
                    rescored.push(format!("{} turn {}", ca.id, i + 1));
                }
                continue;
            }
            if let (Some(pa), Some(pb)) = (ta.precision_at_3, tb.precision_at_3) {
                cmp.precision.turns += 1;
                cmp.precision.a += pa;
                cmp.precision.b += pb;
            }
            cmp.differences.push(TurnDiff {
                case: ca.id.clone(),
                turn: i + 1,
                what,
                a: Some(ta.clone()),
                b: Some(tb.clone()),
            });
        }
        if let (Some(oa), Some(ob)) = (ca.ok, cb.ok) {
            let flip = match (oa, ob) {
                (true, false) => Some((FlipDirection::Broke, cb.hard_failures())),
                (false, true) => Some((FlipDirection::Fixed, ca.hard_failures())),
                _ => None,
            };
            if let Some((direction, cls)) = flip {
                for class in &cls {
                    let entry = classes.entry(class.clone()).or_insert_with(|| ClassFlips {
                        class: class.clone(),
                        ..ClassFlips::default()
                    });
                    match direction {
                        FlipDirection::Broke => entry.broke.push(ca.id.clone()),
                        FlipDirection::Fixed => entry.fixed.push(ca.id.clone()),
                    }
                }
                cmp.flips.push(Flip {
                    case: ca.id.clone(),
                    direction,
                    classes: cls,
                });
            }
        }
    }
    cmp.precision.net = cmp.precision.b - cmp.precision.a;
    let mut by_class: Vec<ClassFlips> = classes.into_values().collect();
    by_class.sort_by_key(|c| std::cmp::Reverse(c.broke.len() + c.fixed.len()));
    cmp.flips_by_class = by_class;
    if !rescored.is_empty() {
        cmp.notes.push(format!(
            "{} turns have the same answer but another score (another truth file or harness?): {}",
            rescored.len(),
            rescored.join(", ")
        ));
    }
    cmp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::CaseKind;
    use crate::run::PickResult;
    use jeju_pipeline::LlmUsage;

    fn pick(rank: usize, id: &str, relevant: bool) -> PickResult {
        PickResult {
            rank,
            id: id.into(),
            name: format!("store {id}"),
            in_catalogue: true,
            candidate: true,
            backfilled: false,
            hard: Vec::new(),
            hard_ok: relevant,
            stated_unmet: Vec::new(),
            relaxed_ok: false,
            truth: None,
            truth_fit: None,
            relevant,
            why: "ok".into(),
        }
    }

    fn turn(route: &str, answer: TurnAnswer, outcome: TurnOutcome) -> TurnResult {
        TurnResult {
            question: "q".into(),
            expected: if answer.body == "search" {
                CaseKind::Search
            } else {
                CaseKind::Recommend
            },
            route: Some(route.into()),
            answer: Some(answer),
            cypher: vec!["[composed] MATCH (s:Store) RETURN s".into()],
            ms: 12.5,
            stages: vec![crate::run::StageResult {
                stage: jeju_pipeline::Stage::Route,
                ms: 0.1,
                fallback: Some("no llm".into()),
                fallback_reason: Some("no_llm".into()),
                llm: None,
            }],
            llm: LlmUsage::default(),
            outcome: Some(outcome),
            error: None,
            failures: Vec::new(),
            class: None,
            grounding: Vec::new(),
        }
    }

    fn recommend_turn(ids: &[&str], relevant: &[bool]) -> TurnResult {
        let picks: Vec<PickResult> = ids
            .iter()
            .zip(relevant)
            .enumerate()
            .map(|(i, (id, r))| pick(i + 1, id, *r))
            .collect();
        let p3 = relevant.iter().take(3).filter(|r| **r).count() as f64 / 3.0;
        turn(
            "recommend",
            TurnAnswer {
                body: "recommend".into(),
                ids: ids.iter().map(|s| (*s).to_owned()).collect(),
                count: None,
            },
            TurnOutcome::Recommend {
                picks,
                at_least_one: !ids.is_empty(),
                hallucinated: 0,
                precision_at_3: p3,
                satisfying_stores: 10,
                base_truth_rate: None,
                soft_ask: false,
                random_precision_at_3: None,
                oracle_precision_at_3: None,
            },
        )
    }

    fn search_turn(ids: &[&str], count: Option<i64>, correct: bool) -> TurnResult {
        let ids: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        turn(
            "search",
            TurnAnswer {
                body: "search".into(),
                ids: ids.clone(),
                count,
            },
            TurnOutcome::Search {
                gold: None,
                got_ids: ids,
                got_count: count,
                correct,
                why: "…".into(),
            },
        )
    }

    fn case(id: &str, kind: CaseKind, turns: Vec<TurnResult>, failures: &[&str]) -> LoggedCase {
        let failures: Vec<String> = failures.iter().map(|s| (*s).to_owned()).collect();
        LoggedCase {
            mode: "no-llm".into(),
            fingerprint: format!("f-{id}"),
            build: None,
            seconds: 0.02,
            result: CaseResult {
                id: id.into(),
                kind,
                lang: "ko".into(),
                turns,
                ok: failures.iter().all(|f| is_soft_failure(f)),
                failures,
                class: None,
            },
        }
    }

    /// A small run: two searches (ids, count), a recommendation, a two-turn case.
    fn baseline() -> Vec<LoggedCase> {
        vec![
            case(
                "s-1",
                CaseKind::Search,
                vec![search_turn(&["S1", "S2", "S3"], None, true)],
                &[],
            ),
            case(
                "s-2",
                CaseKind::Search,
                vec![search_turn(&[], Some(7), true)],
                &[],
            ),
            case(
                "r-1",
                CaseKind::Recommend,
                vec![recommend_turn(&["R1", "R2", "R3"], &[true, true, false])],
                &["(soft) recommend: pick misfits truth (companion)"],
            ),
            case(
                "m-1",
                CaseKind::MultiTurn,
                vec![
                    recommend_turn(&["M1", "M2", "M3"], &[true, true, true]),
                    recommend_turn(&["M4", "M5", "M6"], &[true, true, true]),
                ],
                &[],
            ),
        ]
    }

    fn answers(run: &[LoggedCase]) -> Vec<CaseAnswers> {
        run.iter().map(CaseAnswers::from_logged).collect()
    }

    fn cmp(a: &[LoggedCase], b: &[LoggedCase]) -> Comparison {
        compare_cases("a", &answers(a), "b", &answers(b))
    }

    #[test]
    fn identical_runs_have_no_differences() {
        let c = cmp(&baseline(), &baseline());
        assert!(c.identical(), "{}", c.to_text());
        assert_eq!(c.paired_cases, 4);
        assert_eq!(c.paired_turns, 5);
        assert_eq!(c.identical_turns, 5);
        assert!(c.differences.is_empty() && c.flips.is_empty());
        assert!(c.only_in_a.is_empty() && c.only_in_b.is_empty());
        assert_eq!(c.a.modes, vec!["no-llm".to_owned()]);
        assert_eq!(c.a.ok, Some(4));
        let text = c.to_text();
        assert!(text.contains("identical in 5 of 5"), "{text}");
        assert!(text.contains("IDENTICAL"), "{text}");
    }

    #[test]
    fn timings_stages_and_cypher_are_not_compared() {
        let mut b = baseline();
        for c in &mut b {
            c.seconds = 99.0;
            for t in &mut c.result.turns {
                t.ms = 1234.0;
                t.cypher = vec!["[llm] MATCH (n) RETURN n".into()];
                t.stages.clear();
                t.llm.calls = 3;
            }
        }
        assert!(cmp(&baseline(), &b).identical());
    }

    #[test]
    fn a_reordered_pick_is_reported_as_an_order_difference() {
        let mut b = baseline();
        // m-1 turn 2: M5 before M4.
        b[3].result.turns[1] = recommend_turn(&["M5", "M4", "M6"], &[true, true, true]);
        let c = cmp(&baseline(), &b);
        assert!(!c.identical());
        assert_eq!(c.differences.len(), 1, "{}", c.to_text());
        let d = &c.differences[0];
        assert_eq!((d.case.as_str(), d.turn), ("m-1", 2));
        assert_eq!(d.what, vec![DiffKind::Order]);
        assert_eq!(d.a.as_ref().unwrap().ids, ["M4", "M5", "M6"]);
        assert_eq!(d.b.as_ref().unwrap().ids, ["M5", "M4", "M6"]);
        assert_eq!(c.identical_turns, 4);
        assert!(c.flips.is_empty());
        // Same relevance: no precision change.
        assert_eq!(c.precision.turns, 1);
        assert_eq!(c.precision.net, 0.0);
        let text = c.to_text();
        assert!(
            text.contains("answers: differ in 1 turn of 1 case"),
            "{text}"
        );
        assert!(text.contains("m-1 turn 2 [order]"), "{text}");
        assert!(text.contains("A: recommend: 3 ids: M4, M5, M6"), "{text}");
        assert!(text.contains("B: recommend: 3 ids: M5, M4, M6"), "{text}");
        assert!(text.contains("DIFFER"), "{text}");
    }

    #[test]
    fn another_pick_and_a_changed_search_count_are_reported() {
        let mut b = baseline();
        b[1].result.turns[0] = search_turn(&[], Some(8), false);
        b[1].result.failures = vec!["search: wrong count".into()];
        b[1].result.ok = false;
        b[2].result.turns[0] = recommend_turn(&["R1", "R2", "R9"], &[true, true, true]);
        let c = cmp(&baseline(), &b);
        let what: Vec<(&str, &[DiffKind])> = c
            .differences
            .iter()
            .map(|d| (d.case.as_str(), d.what.as_slice()))
            .collect();
        assert_eq!(
            what,
            vec![
                ("s-2", &[DiffKind::Count][..]),
                ("r-1", &[DiffKind::Ids][..])
            ]
        );
        // precision@3 only on the differing recommendation turn: 2/3 → 3/3.
        assert_eq!(c.precision.turns, 1);
        assert!(
            (c.precision.net - 1.0 / 3.0).abs() < 1e-9,
            "{:?}",
            c.precision
        );
        let text = c.to_text();
        assert!(text.contains("A: search: count 7"), "{text}");
        assert!(text.contains("B: search: count 8"), "{text}");
        assert!(text.contains("net +0.333"), "{text}");
    }

    #[test]
    fn a_search_answered_in_another_order_or_route_is_reported() {
        let mut b = baseline();
        b[0].result.turns[0] = search_turn(&["S1", "S3", "S2"], None, false);
        let mut routed = recommend_turn(&["S1", "S2", "S3"], &[true, true, true]);
        routed.expected = CaseKind::Search;
        b[1].result.turns[0] = routed;
        let c = cmp(&baseline(), &b);
        assert_eq!(c.differences[0].what, vec![DiffKind::Order]);
        assert_eq!(
            c.differences[1].what,
            vec![DiffKind::Route, DiffKind::Ids, DiffKind::Count]
        );
    }

    #[test]
    fn ok_flips_are_counted_in_their_failure_class() {
        let mut b = baseline();
        // s-1 breaks (A ok → B fails), r-1 ... stays ok; in the reverse direction, a case
        // failing in A is fixed in B.
        b[0].result.turns[0] = search_turn(&["S1", "S2", "S4"], None, false);
        b[0].result.failures = vec!["search: wrong ids".into()];
        b[0].result.ok = false;
        // r-1 breaks too; its soft class is no cause of the flip.
        b[2].result.turns[0] = recommend_turn(&["R1", "R2", "X9"], &[true, true, false]);
        b[2].result.failures = vec![
            "recommend: pick violates region".into(),
            "(soft) recommend: pick misfits truth (companion)".into(),
        ];
        b[2].result.ok = false;
        let mut a = baseline();
        a[3].result.turns[1] = recommend_turn(&["M1", "M5", "M6"], &[false, true, true]);
        a[3].result.failures = vec!["multi-turn recommend: pick violates new_picks".into()];
        a[3].result.ok = false;
        let c = cmp(&a, &b);
        let broke: Vec<&Flip> = c
            .flips
            .iter()
            .filter(|f| f.direction == FlipDirection::Broke)
            .collect();
        let fixed: Vec<&Flip> = c
            .flips
            .iter()
            .filter(|f| f.direction == FlipDirection::Fixed)
            .collect();
        assert_eq!(broke.len(), 2);
        assert_eq!(broke[0].case, "s-1");
        assert_eq!(broke[0].classes, ["search: wrong ids"]);
        assert_eq!(broke[1].case, "r-1");
        assert_eq!(broke[1].classes, ["recommend: pick violates region"]);
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].case, "m-1");
        let class = |name: &str| c.flips_by_class.iter().find(|x| x.class == name).unwrap();
        assert_eq!(class("search: wrong ids").broke, ["s-1"]);
        assert_eq!(class("recommend: pick violates region").broke, ["r-1"]);
        assert!(class("search: wrong ids").fixed.is_empty());
        assert_eq!(
            class("multi-turn recommend: pick violates new_picks").fixed,
            ["m-1"]
        );
        // A soft class never counts as a flip's cause.
        assert!(c.flips_by_class.iter().all(|x| !x.class.contains("(soft)")));
        let text = c.to_text();
        assert!(
            text.contains("score flips: A ok → B fails: 2 cases; A fails → B ok: 1 case"),
            "{text}"
        );
        assert!(
            text.contains("search: wrong ids: A ok → B fails: s-1"),
            "{text}"
        );
    }

    #[test]
    fn cases_and_turns_on_one_side_only_are_differences() {
        let a = baseline();
        let mut b = baseline();
        b.remove(1);
        b.push(case(
            "s-new",
            CaseKind::Search,
            vec![search_turn(&[], Some(1), true)],
            &[],
        ));
        b[2].result.turns.pop(); // m-1 now has one turn.
        let c = cmp(&a, &b);
        assert_eq!(c.only_in_a, ["s-2"]);
        assert_eq!(c.only_in_b, ["s-new"]);
        assert_eq!(c.differences.len(), 1);
        assert_eq!(c.differences[0].what, vec![DiffKind::Missing]);
        assert!(c.differences[0].b.is_none());
        assert!(!c.identical());
        // Only the extra case: still not identical.
        let mut b = baseline();
        b.push(case(
            "x",
            CaseKind::Search,
            vec![search_turn(&[], Some(1), true)],
            &[],
        ));
        assert!(!cmp(&baseline(), &b).identical());
    }

    #[test]
    fn a_pipeline_error_is_an_answer_but_its_message_is_not_compared() {
        let err = |msg: &str| {
            let mut t = search_turn(&[], None, false);
            t.answer = None;
            t.outcome = None;
            t.route = None;
            t.error = Some(msg.into());
            t
        };
        let mut a = baseline();
        a[0].result.turns[0] = err("graph unavailable after 1.2 s");
        let mut b = baseline();
        b[0].result.turns[0] = err("graph unavailable after 3.4 s");
        assert!(cmp(&a, &b).identical());
        let c = cmp(&a, &baseline());
        assert!(c.differences[0].what.contains(&DiffKind::Error));
        assert!(c.to_text().contains("A: error: graph unavailable"));
    }

    #[test]
    fn log_lines_of_other_builds_parse_and_compare_by_their_answers() {
        let run = baseline();
        // This build's lines.
        let text: String = run
            .iter()
            .map(|c| serde_json::to_string(c).unwrap() + "\n")
            .collect();
        let parsed = parse_run(&text, Path::new("this.jsonl"));
        assert_eq!(parsed.cases, answers(&run));

        // A newer build: fallbacks and stage names of another type, fields not known here.
        let mut newer = String::new();
        for c in &run {
            let mut v = serde_json::to_value(c).unwrap();
            for t in v["result"]["turns"].as_array_mut().unwrap() {
                t["stages"] = serde_json::json!([
                    {"stage": {"name": "route"}, "fallback": {"reason": "no llm", "code": 3}},
                    {"stage": "select", "fallback": ["a", "b"], "llm": "n/a"}
                ]);
                t["llm"] = serde_json::json!(null);
                t["something_new"] = serde_json::json!({"x": 1});
            }
            newer.push_str(&serde_json::to_string(&v).unwrap());
            newer.push('\n');
        }
        let newer = parse_run(&newer, Path::new("newer.jsonl"));
        assert!(newer.unreadable.is_empty(), "{:?}", newer.unreadable);
        assert!(compare_cases("a", &parsed.cases, "b", &newer.cases).identical());

        // An older build: no `answer` field; the answer comes from the scored outcome.
        let mut older = String::new();
        for c in &run {
            let mut v = serde_json::to_value(c).unwrap();
            for t in v["result"]["turns"].as_array_mut().unwrap() {
                t.as_object_mut().unwrap().remove("answer");
            }
            older.push_str(&serde_json::to_string(&v).unwrap());
            older.push('\n');
        }
        let older = parse_run(&older, Path::new("older.jsonl"));
        assert!(compare_cases("a", &parsed.cases, "b", &older.cases).identical());
        // And a real difference still shows through the lenient reading.
        let mut changed = run.clone();
        changed[2].result.turns[0] = recommend_turn(&["R2", "R1", "R3"], &[true, true, false]);
        let text: String = changed
            .iter()
            .map(|c| serde_json::to_string(c).unwrap() + "\n")
            .collect();
        let changed = parse_run(&text, Path::new("changed.jsonl"));
        let c = compare_cases("a", &older.cases, "b", &changed.cases);
        assert_eq!(c.differences.len(), 1);
        assert_eq!(c.differences[0].what, vec![DiffKind::Order]);
    }

    #[test]
    fn an_answers_file_round_trips_without_scores_and_compares_with_a_log() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("golden.jsonl");
        write_answers(&path, &answers(&baseline())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("precision_at_3") && !text.contains("\"ok\""),
            "{text}"
        );
        let golden = load_run(&path).unwrap();
        assert_eq!(golden.cases.len(), 4);
        assert!(golden.cases.iter().all(|c| c.ok.is_none()));
        let c = compare_cases("golden", &golden.cases, "run", &answers(&baseline()));
        assert!(c.identical(), "{}", c.to_text());
        // No scores on one side: no flips, no precision totals.
        assert!(c.flips.is_empty() && c.precision.turns == 0);
        assert!(
            c.to_text().contains("score flips: not scored"),
            "{}",
            c.to_text()
        );
    }

    #[test]
    fn a_resumed_log_counts_the_last_line_of_a_case_and_skips_a_torn_one() {
        let mut run = baseline();
        let mut again = run[0].clone();
        again.result.turns[0] = search_turn(&["S9"], None, false);
        run.push(again);
        let mut text: String = run
            .iter()
            .map(|c| serde_json::to_string(c).unwrap() + "\n")
            .collect();
        text.push_str("{\"mode\":\"no-llm\",\"fing");
        let parsed = parse_run(&text, Path::new("r.jsonl"));
        assert_eq!(parsed.cases.len(), 4);
        assert_eq!(parsed.superseded, 1);
        assert_eq!(parsed.unreadable.len(), 1);
        assert_eq!(parsed.cases[0].turns[0].ids, ["S9"]);
    }
}
