//! Running cases through the pipeline and scoring every turn.

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use jeju_graph::GraphClient;
use jeju_pipeline::session::Session;
use jeju_pipeline::{Answer, AnswerBody, LlmUsage, Pipeline};
use serde::{Deserialize, Serialize};
use tracing::Instrument;

use crate::case::{Case, CaseKind, Turn, DEFAULT_NEAR_M};
use crate::check::{self, ConstraintCheck, GoldAnswer};
use crate::error::EvalError;
use crate::facts::{self, StoreFact, TruthTable};

/// How one pick fared.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PickResult {
    /// 1-based.
    pub rank: usize,
    pub id: String,
    pub name: String,
    /// A `Store` with this id exists in the graph.
    pub in_catalogue: bool,
    /// Among the turn's candidates (`trace.candidates`).
    pub candidate: bool,
    /// Added by the FastRP backfill rather than the filters.
    pub backfilled: bool,
    /// Hard constraints, then the turn's expectations (`cheaper`, `near_pick`, `new_picks`).
    pub hard: Vec<ConstraintCheck>,
    pub hard_ok: bool,
    /// The hard constraints the answer says this pick does not meet (`region`, `city`,
    /// `time`, `price`: the pipeline's relaxation, read from its card).
    #[serde(default)]
    pub stated_unmet: Vec<String>,
    /// The pick misses hard constraints, but honestly: fewer than three stores of the graph
    /// meet them all, every one it misses is stated, and the answer marks the pick.
    #[serde(default)]
    pub relaxed_ok: bool,
    /// Soft constraints against the truth file (`None` without a truth record).
    pub truth: Option<Vec<ConstraintCheck>>,
    /// Every asked soft constraint holds in the truth (vacuously true when none is asked).
    pub truth_fit: Option<bool>,
    /// Counts for precision@3: hard constraints hold and the truth fits.
    pub relevant: bool,
    pub why: String,
}

/// The scored outcome of a turn.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum TurnOutcome {
    Search {
        gold: Option<GoldAnswer>,
        got_ids: Vec<String>,
        got_count: Option<i64>,
        correct: bool,
        why: String,
    },
    Recommend {
        picks: Vec<PickResult>,
        at_least_one: bool,
        hallucinated: usize,
        /// Relevant picks among the first three, over 3.
        precision_at_3: f64,
        /// Stores in the graph that satisfy every hard constraint and expectation.
        satisfying_stores: usize,
        /// Share of those that fit the truth (`None` when no soft constraint is asked or no
        /// truth is loaded): what picking at random would score.
        base_truth_rate: Option<f64>,
        /// Whether the turn asks a soft constraint (companion, age, time, mood, view, quality).
        #[serde(default)]
        soft_ask: bool,
        /// Expected precision@3 of three picks drawn uniformly from the satisfying stores
        /// (exact: the fitting share, or fitting/3 when fewer than three satisfy).
        #[serde(default)]
        random_precision_at_3: Option<f64>,
        /// The best precision@3 possible: min(3, satisfying stores that fit the truth) / 3.
        #[serde(default)]
        oracle_precision_at_3: Option<f64>,
    },
    /// A question that must be declined.
    Refuse {
        /// The answer named no store and no count.
        declined: bool,
        why: String,
    },
}

/// A stage's time, fallback and LLM cost.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StageResult {
    pub stage: jeju_pipeline::Stage,
    pub ms: f64,
    /// The fallback's message, for people.
    pub fallback: Option<String>,
    /// The fallback's reason code (`no_llm`, `llm_failed`, …; absent in logs written before
    /// the codes existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    pub llm: Option<LlmUsage>,
}

/// What the pipeline answered, as it answered it (whatever the turn was expected to be): the
/// part of a turn that `jeju eval compare` and the smoke golden compare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnAnswer {
    /// The answer body: `search` or `recommend`.
    pub body: String,
    /// The store ids it names, in order: the search rows or the picks.
    pub ids: Vec<String>,
    /// A search's count.
    pub count: Option<i64>,
}

impl TurnAnswer {
    pub fn of(answer: &Answer) -> TurnAnswer {
        let (body, count) = match &answer.body {
            AnswerBody::Search { count, .. } => ("search", *count),
            AnswerBody::Recommend { .. } => ("recommend", None),
            AnswerBody::Declined { .. } => ("declined", None),
        };
        TurnAnswer {
            body: body.to_owned(),
            ids: answer.ids(),
            count,
        }
    }
}

/// One turn's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TurnResult {
    pub question: String,
    pub expected: CaseKind,
    /// The pipeline's route (`search`/`recommend`).
    pub route: Option<String>,
    /// The answer (`None` when the pipeline failed; absent in logs of older builds).
    #[serde(default)]
    pub answer: Option<TurnAnswer>,
    /// The queries that ran (`[llm]` or `[composed]`, with parameters).
    pub cypher: Vec<String>,
    /// Wall time of the whole turn.
    pub ms: f64,
    pub stages: Vec<StageResult>,
    pub llm: LlmUsage,
    pub outcome: Option<TurnOutcome>,
    pub error: Option<String>,
    /// Failure classes of this turn (empty when it passed).
    pub failures: Vec<String>,
    /// The turn's class in the case file (`typo`, `followup_swap`, …), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// The case's `must_ground` words and whether the answer accounted for each (not for
    /// turns to decline: declining accounts for the question as a whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grounding: Vec<check::GroundCheck>,
}

/// One case's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseResult {
    pub id: String,
    pub kind: CaseKind,
    pub lang: String,
    pub turns: Vec<TurnResult>,
    /// Every turn passed: the right search answer, or at least one pick, every pick in the
    /// catalogue and satisfying the hard constraints.
    pub ok: bool,
    pub failures: Vec<String>,
    /// The case's class in the case file, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
}

/// Scores cases against a graph (and, if given, the generator's truth).
pub struct Evaluator {
    graph: GraphClient,
    truth: Option<TruthTable>,
}

/// Earlier turns' picks, for follow-up expectations.
#[derive(Default)]
struct History {
    /// Every earlier pick id.
    all: HashSet<String>,
    /// The previous recommendation's picks with their facts, in rank order.
    previous: Vec<Option<StoreFact>>,
}

impl Evaluator {
    pub fn new(graph: GraphClient, truth: Option<TruthTable>) -> Evaluator {
        Evaluator { graph, truth }
    }

    /// The graph it scores against.
    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    pub fn has_truth(&self) -> bool {
        self.truth.is_some()
    }

    /// Runs every case in order; `on_case` sees each result as it is ready.
    pub async fn run_all(
        &self,
        pipeline: &Pipeline,
        cases: &[Case],
        on_case: &mut (dyn FnMut(&CaseResult) + Send),
    ) -> Vec<CaseResult> {
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            let r = self.run_case(pipeline, case).await;
            on_case(&r);
            out.push(r);
        }
        out
    }

    /// Runs one case: its turns share one session.
    pub async fn run_case(&self, pipeline: &Pipeline, case: &Case) -> CaseResult {
        let span = tracing::info_span!("eval_case", id = %case.id);
        async {
            let mut session = Session::default();
            let mut history = History::default();
            let turns = case.as_turns();
            let mut results = Vec::with_capacity(turns.len());
            for (i, turn) in turns.iter().enumerate() {
                let mut r = self
                    .run_turn(pipeline, &mut session, turn, &mut history)
                    .instrument(tracing::info_span!("eval_turn", turn = i + 1))
                    .await;
                if case.kind == CaseKind::MultiTurn {
                    for f in &mut r.failures {
                        *f = format!("turn {}: {f}", i + 1);
                    }
                }
                results.push(r);
            }
            let mut failures: Vec<String> = Vec::new();
            for r in &results {
                for f in &r.failures {
                    // Classes without the turn number, once per case.
                    let class = f.split_once(": ").map_or(f.as_str(), |(head, tail)| {
                        if head.starts_with("turn ") {
                            tail
                        } else {
                            f.as_str()
                        }
                    });
                    let class = if case.kind == CaseKind::MultiTurn {
                        format!("multi-turn {class}")
                    } else {
                        class.to_owned()
                    };
                    if !failures.contains(&class) {
                        failures.push(class);
                    }
                }
            }
            let ok = results
                .iter()
                .all(|r| r.failures.iter().all(|f| is_soft_failure(f)));
            CaseResult {
                id: case.id.clone(),
                kind: case.kind,
                lang: case.lang.clone(),
                turns: results,
                ok,
                failures,
                class: case.class.clone(),
            }
        }
        .instrument(span)
        .await
    }

    async fn run_turn(
        &self,
        pipeline: &Pipeline,
        session: &mut Session,
        turn: &Turn,
        history: &mut History,
    ) -> TurnResult {
        let started = Instant::now();
        let asked = pipeline.ask_in(session, &turn.question).await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut result = TurnResult {
            question: turn.question.clone(),
            expected: turn.kind,
            route: None,
            answer: None,
            cypher: Vec::new(),
            ms,
            stages: Vec::new(),
            llm: LlmUsage::default(),
            outcome: None,
            error: None,
            failures: Vec::new(),
            class: turn.class.clone(),
            grounding: Vec::new(),
        };
        let answer = match asked {
            Ok(a) => a,
            Err(e) => {
                result.error = Some(e.to_string());
                result.failures.push("pipeline error".into());
                if turn.kind == CaseKind::Recommend {
                    history.previous.clear();
                }
                return result;
            }
        };
        record_trace(&mut result, &answer);
        if turn.kind != CaseKind::Refuse {
            result.grounding = check::must_ground(&turn.must_ground, &answer);
        }
        let scored = match turn.kind {
            CaseKind::Search => self.score_search(turn, &answer).await,
            CaseKind::Refuse => Ok(score_refuse(&answer)),
            _ => self.score_recommend(turn, &answer, history).await,
        };
        match scored {
            Ok((outcome, failures)) => {
                result.outcome = Some(outcome);
                result.failures = failures;
            }
            Err(e) => {
                result.error = Some(format!("scoring failed: {e}"));
                result.failures.push("scoring error".into());
            }
        }
        result
    }

    async fn score_search(
        &self,
        turn: &Turn,
        answer: &Answer,
    ) -> Result<(TurnOutcome, Vec<String>), EvalError> {
        let cypher = turn.gold_cypher.as_deref().unwrap_or_default();
        let (got_ids, got_count) = match &answer.body {
            AnswerBody::Search { count, .. } => (answer.ids(), *count),
            AnswerBody::Recommend { .. } | AnswerBody::Declined { .. } => (answer.ids(), None),
        };
        let gold = match check::run_gold(&self.graph, cypher).await {
            Ok(g) => g,
            Err(e) => {
                return Ok((
                    TurnOutcome::Search {
                        gold: None,
                        got_ids,
                        got_count,
                        correct: false,
                        why: format!("gold query failed: {e}"),
                    },
                    vec!["search: gold query failed".into()],
                ))
            }
        };
        let (correct, why) = check::compare_search(&gold, &answer.body);
        let mut failures = Vec::new();
        if !correct {
            failures.push(
                match (&gold, &answer.body) {
                    (_, AnswerBody::Recommend { .. }) => "search: routed as a recommendation",
                    (_, AnswerBody::Declined { .. }) => "declined an in-scope question",
                    (GoldAnswer::Count { .. }, AnswerBody::Search { count: None, .. }) => {
                        "search: rows instead of a count"
                    }
                    (GoldAnswer::Count { .. }, _) => "search: wrong count",
                    (GoldAnswer::Ids { .. }, _) if why.contains("wrong order") => {
                        "search: right ids, wrong order"
                    }
                    (GoldAnswer::Ids { .. }, AnswerBody::Search { count: Some(_), .. }) => {
                        "search: a count instead of ids"
                    }
                    (GoldAnswer::Ids { .. }, _) => "search: wrong ids",
                }
                .to_owned(),
            );
        }
        Ok((
            TurnOutcome::Search {
                gold: Some(gold),
                got_ids,
                got_count,
                correct,
                why,
            },
            failures,
        ))
    }

    async fn score_recommend(
        &self,
        turn: &Turn,
        answer: &Answer,
        history: &mut History,
    ) -> Result<(TurnOutcome, Vec<String>), EvalError> {
        let c = turn.constraints.clone().unwrap_or_default();
        let mut failures: Vec<String> = Vec::new();
        let picks: &[jeju_pipeline::recommend::Pick] = match &answer.body {
            AnswerBody::Recommend { picks } => picks,
            AnswerBody::Search { .. } => {
                failures.push("recommend: routed as a search".into());
                &[]
            }
            AnswerBody::Declined { .. } => {
                failures.push("declined an in-scope question".into());
                &[]
            }
        };
        let ids: Vec<String> = picks.iter().map(|p| p.card.id.clone()).collect();
        let facts = facts::store_facts(&self.graph, Some(&ids)).await?;

        // The expectations' reference values, from the previous turn.
        let e = &turn.expect;
        let prev_min_price = history
            .previous
            .iter()
            .flatten()
            .filter_map(|f| f.price_per_person)
            .min();
        let near_point = e.near_pick.map(|n| {
            history
                .previous
                .get(n.wrapping_sub(1))
                .and_then(|f| f.as_ref())
                .and_then(|f| Some((f.lat?, f.lng?, f.name.clone())))
        });
        let radius = e.within_m.unwrap_or(DEFAULT_NEAR_M);
        let previous_ids: HashSet<&str> = history
            .previous
            .iter()
            .flatten()
            .map(|f| f.id.as_str())
            .collect();
        let expectation_checks = |id: &str, f: &StoreFact| -> Vec<ConstraintCheck> {
            let mut out = Vec::new();
            if e.cheaper {
                let ok =
                    matches!((f.price_per_person, prev_min_price), (Some(p), Some(m)) if p < m);
                out.push(ConstraintCheck {
                    constraint: "cheaper".into(),
                    ok,
                    detail: format!(
                        "{:?} won vs the previous turn's cheapest {:?}",
                        f.price_per_person, prev_min_price
                    ),
                });
            }
            if let Some(point) = &near_point {
                let (ok, detail) = match (point, f.lat, f.lng) {
                    (Some((lat, lng, name)), Some(a), Some(b)) => {
                        let d = jeju_data::gazetteer::distance_m(*lat, *lng, a, b);
                        (
                            d <= radius,
                            format!("{d:.0} m from {name} (max {radius:.0})"),
                        )
                    }
                    (None, _, _) => (false, "the previous turn has no such pick".to_owned()),
                    _ => (false, "no coordinates".to_owned()),
                };
                out.push(ConstraintCheck {
                    constraint: "near_pick".into(),
                    ok,
                    detail,
                });
            }
            if e.among_previous {
                let ok = previous_ids.contains(id);
                out.push(ConstraintCheck {
                    constraint: "among_previous".into(),
                    ok,
                    detail: if ok {
                        "one of the previous turn's picks".into()
                    } else {
                        "not among the previous turn's picks".into()
                    },
                });
            }
            if e.new_picks {
                let ok = !history.all.contains(id);
                out.push(ConstraintCheck {
                    constraint: "new_picks".into(),
                    ok,
                    detail: if ok {
                        "not picked before".into()
                    } else {
                        "picked in an earlier turn".into()
                    },
                });
            }
            out
        };

        let mut results = Vec::new();
        for (i, pick) in picks.iter().enumerate() {
            let (id, backfilled) = (&pick.card.id, pick.card.backfilled);
            let candidate = answer.trace.candidates.contains(id);
            let Some(f) = facts.get(id) else {
                results.push(PickResult {
                    rank: i + 1,
                    id: id.clone(),
                    name: pick.card.name.clone(),
                    in_catalogue: false,
                    candidate,
                    backfilled,
                    hard: Vec::new(),
                    hard_ok: false,
                    stated_unmet: Vec::new(),
                    relaxed_ok: false,
                    truth: None,
                    truth_fit: None,
                    relevant: false,
                    why: "hallucinated: no store with this id".into(),
                });
                continue;
            };
            let mut hard = check::hard_checks(&c, f);
            hard.extend(expectation_checks(id, f));
            let hard_ok = hard.iter().all(|x| x.ok);
            let truth = self
                .truth
                .as_ref()
                .and_then(|t| t.get(id))
                .map(|t| check::truth_checks(&c, t));
            let truth_fit = truth.as_ref().map(|t| t.iter().all(|x| x.ok));
            let relevant = hard_ok && truth_fit != Some(false);
            let mut why: Vec<String> = hard
                .iter()
                .filter(|x| !x.ok)
                .map(|x| format!("{}: {}", x.constraint, x.detail))
                .collect();
            if let Some(t) = &truth {
                why.extend(
                    t.iter()
                        .filter(|x| !x.ok)
                        .map(|x| format!("truth {}: {}", x.constraint, x.detail)),
                );
            }
            if !candidate {
                why.push("not a candidate".into());
            }
            results.push(PickResult {
                rank: i + 1,
                id: id.clone(),
                name: f.name.clone(),
                in_catalogue: true,
                candidate,
                backfilled,
                hard,
                hard_ok,
                stated_unmet: stated_unmet(&pick.card.relaxed),
                relaxed_ok: false,
                truth,
                truth_fit,
                relevant,
                why: if why.is_empty() {
                    "ok".into()
                } else {
                    why.join("; ")
                },
            });
        }

        // Every store the graph offers for this turn: the size of the task and a random
        // picker's truth-fit.
        let mut satisfying = check::satisfying_stores(&self.graph, &c).await?;
        satisfying.retain(|s| {
            let cheaper_ok = !e.cheaper
                || matches!((s.price_per_person, prev_min_price), (Some(p), Some(m)) if p < m);
            let near_ok = match &near_point {
                None => true,
                Some(Some((lat, lng, _))) => match (s.lat, s.lng) {
                    (Some(a), Some(b)) => {
                        jeju_data::gazetteer::distance_m(*lat, *lng, a, b) <= radius
                    }
                    _ => false,
                },
                Some(None) => false,
            };
            let new_ok = !e.new_picks || !history.all.contains(&s.id);
            let among_ok = !e.among_previous || previous_ids.contains(s.id.as_str());
            cheaper_ok && near_ok && new_ok && among_ok
        });
        // How many of them a perfect ranker could show as relevant: those that fit the truth
        // (all of them when nothing soft is asked; without a truth file, soft asks are not
        // scored, as for the picks).
        let fitting = match (&self.truth, c.has_soft()) {
            (Some(t), true) => satisfying
                .iter()
                .filter(|s| {
                    t.get(&s.id)
                        .is_some_and(|tr| check::truth_checks(&c, tr).iter().all(|x| x.ok))
                })
                .count(),
            _ => satisfying.len(),
        };
        let base_truth_rate = match (&self.truth, c.has_soft(), satisfying.is_empty()) {
            (Some(_), true, false) => Some(fitting as f64 / satisfying.len() as f64),
            _ => None,
        };
        let (random_precision_at_3, oracle_precision_at_3) = baselines(satisfying.len(), fitting);

        // A relaxed pick is honest when the graph has fewer than three strict matches, it
        // misses only what it states, and the answer marks it.
        for p in results.iter_mut().filter(|p| p.in_catalogue && !p.hard_ok) {
            let missed_only_stated = p
                .hard
                .iter()
                .filter(|x| !x.ok)
                .all(|x| p.stated_unmet.contains(&x.constraint));
            p.relaxed_ok = satisfying.len() < 3
                && missed_only_stated
                && marked_in_answer(&answer.text, &p.name);
        }
        let hallucinated = results.iter().filter(|p| !p.in_catalogue).count();
        let relevant = results.iter().take(3).filter(|p| p.relevant).count();
        // No picks is right when nothing in the graph satisfies the turn.
        if results.is_empty() && failures.is_empty() && !satisfying.is_empty() {
            failures.push("recommend: no picks".into());
        }
        for p in &results {
            let mut classes = Vec::new();
            if !p.in_catalogue {
                classes.push("recommend: hallucinated id".to_owned());
            }
            if p.in_catalogue && !p.candidate {
                classes.push("recommend: pick not a candidate".to_owned());
            }
            if !p.hard_ok && !p.stated_unmet.is_empty() && satisfying.len() >= 3 {
                classes.push(format!(
                    "recommend: relaxed although {} stores meet every constraint",
                    satisfying.len()
                ));
            }
            for x in p.hard.iter().filter(|x| !x.ok && !p.relaxed_ok) {
                let origin = if p.backfilled {
                    "backfilled pick"
                } else {
                    "pick"
                };
                classes.push(format!("recommend: {origin} violates {}", x.constraint));
            }
            for x in p.truth.iter().flatten().filter(|x| !x.ok) {
                classes.push(format!("recommend: pick misfits truth ({})", x.constraint));
            }
            for class in classes {
                if !failures.contains(&class) {
                    failures.push(class);
                }
            }
        }
        // A truth misfit lowers precision; it does not fail the turn.
        let hard_failures: Vec<String> = failures
            .iter()
            .filter(|f| !f.contains("misfits truth"))
            .cloned()
            .collect();
        let soft_failures: Vec<String> = failures
            .into_iter()
            .filter(|f| f.contains("misfits truth"))
            .collect();

        history.all.extend(ids.iter().cloned());
        history.previous = ids.iter().map(|id| facts.get(id).cloned()).collect();

        let outcome = TurnOutcome::Recommend {
            at_least_one: !results.is_empty(),
            hallucinated,
            precision_at_3: relevant as f64 / 3.0,
            satisfying_stores: satisfying.len(),
            base_truth_rate,
            soft_ask: c.has_soft(),
            random_precision_at_3,
            oracle_precision_at_3,
            picks: results,
        };
        // Soft misfits are kept as classes for the report, after the hard ones.
        let mut all = hard_failures;
        all.extend(soft_failures.into_iter().map(|f| format!("(soft) {f}")));
        Ok((outcome, all))
    }
}

/// The eval's names of the hard constraints a pick's card says it does not meet.
fn stated_unmet(relaxed: &[jeju_pipeline::relax::Relaxation]) -> Vec<String> {
    use jeju_pipeline::relax::Relaxation;
    let mut out: Vec<String> = Vec::new();
    for r in relaxed {
        let names: &[&str] = match r {
            Relaxation::Place { .. } => &["region", "city"],
            Relaxation::Time { .. } => &["time"],
            Relaxation::Dish { .. } => &["dish"],
            Relaxation::Price { .. } => &["price"],
        };
        out.extend(names.iter().map(|n| (*n).to_owned()));
    }
    out
}

/// Whether the answer text marks the pick named `name` as not meeting every condition (a ⚠
/// on its lines, before the next pick).
fn marked_in_answer(text: &str, name: &str) -> bool {
    let Some(at) = text.find(name) else {
        return false;
    };
    let rest = &text[at..];
    let end = rest
        .char_indices()
        .skip(1)
        .find(|&(i, _)| {
            rest[..i].ends_with('\n')
                && rest[i..].chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].contains('⚠')
}

/// The random and the oracle precision@3 of a turn with `satisfying` stores of which
/// `fitting` are relevant. Random: three distinct stores drawn uniformly (all of them when
/// fewer than three), so the expected number of relevant ones among three is
/// 3 · fitting / satisfying, or `fitting` when fewer than three satisfy. Oracle: the relevant
/// ones first. `None` when no store satisfies the turn (nothing to pick).
pub fn baselines(satisfying: usize, fitting: usize) -> (Option<f64>, Option<f64>) {
    if satisfying == 0 {
        return (None, None);
    }
    let random = if satisfying >= 3 {
        fitting as f64 / satisfying as f64
    } else {
        fitting as f64 / 3.0
    };
    let oracle = fitting.min(3) as f64 / 3.0;
    (Some(random), Some(oracle))
}

/// A turn that must be declined passes when the answer names no store and no count: no
/// picks, no rows. (How the pipeline words its refusal is not scored here.)
fn score_refuse(answer: &Answer) -> (TurnOutcome, Vec<String>) {
    let ids = answer.ids();
    let (declined, why) = match &answer.body {
        AnswerBody::Recommend { .. } if !ids.is_empty() => {
            (false, format!("recommended {} stores", ids.len()))
        }
        AnswerBody::Search { count: Some(c), .. } => (false, format!("answered a count ({c})")),
        AnswerBody::Search { .. } if !ids.is_empty() => {
            (false, format!("answered {} rows", ids.len()))
        }
        _ => (true, "no store and no count".to_owned()),
    };
    let failures = if declined {
        Vec::new()
    } else {
        vec!["refuse: answered instead of declining".to_owned()]
    };
    (TurnOutcome::Refuse { declined, why }, failures)
}

fn record_trace(result: &mut TurnResult, answer: &Answer) {
    result.route = Some(
        match answer.intent.route {
            jeju_pipeline::intent::Route::Search => "search",
            jeju_pipeline::intent::Route::Recommend => "recommend",
        }
        .to_owned(),
    );
    result.answer = Some(TurnAnswer::of(answer));
    result.cypher = answer
        .trace
        .cypher
        .iter()
        .map(|q| {
            let source = serde_json::to_value(q.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let params: BTreeMap<&str, serde_json::Value> = q
                .query
                .params
                .iter()
                .map(|(k, v)| (k.as_str(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            if params.is_empty() {
                format!("[{source}] {}", q.query.cypher)
            } else {
                format!(
                    "[{source}] {} -- {}",
                    q.query.cypher,
                    serde_json::to_string(&params).unwrap_or_default()
                )
            }
        })
        .collect();
    result.stages = answer
        .trace
        .stages
        .iter()
        .map(|s| StageResult {
            stage: s.stage,
            ms: s.ms,
            fallback: s.fallback.as_ref().map(|f| f.message.clone()),
            fallback_reason: s.fallback.as_ref().map(|f| f.reason.as_str().to_owned()),
            llm: s.llm,
        })
        .collect();
    result.llm = answer.trace.llm_total();
}

/// Whether a turn's failure is only a soft one (truth misfit).
pub fn is_soft_failure(class: &str) -> bool {
    class.contains("(soft)")
}
