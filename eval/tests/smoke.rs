//! The CI smoke evaluation: the committed smoke set (`eval/cases/smoke.jsonl`, generated from
//! the small data of seed 21) runs through the deterministic pipeline against a private graph
//! server holding that data. Fails on any hallucinated id, or when hard-constraint
//! satisfaction or search accuracy drops below the thresholds set from the measured baseline.

use std::path::PathBuf;

use jeju_eval::case::{parse_cases, CaseKind};
use jeju_eval::generate::{self, GenerateOptions};
use jeju_eval::{Evaluator, Report, ReportMeta, TruthTable};
use jeju_pipeline::Pipeline;
use jeju_tests::{loaded_small_graph, small_data, workspace_root};

/// Seed of the small data the smoke set was generated from.
const SMOKE_SEED: u64 = 21;
/// Baseline (no-llm, small data seed 21): see the report in docs/eval-format.md.
const MIN_HARD_SATISFACTION: f64 = 0.9;
const MIN_SEARCH_ACCURACY: f64 = 0.75;

fn smoke_path() -> PathBuf {
    workspace_root().join("eval/cases/smoke.jsonl")
}

fn truth() -> TruthTable {
    let dir = small_data(SMOKE_SEED);
    TruthTable::load(dir.path()).expect("truth of the small data")
}

fn meta() -> ReportMeta {
    ReportMeta {
        cases_file: "smoke".into(),
        mode: "no-llm".into(),
        llm_configured: false,
        graph_stores: 0,
        truth_file: Some("small data, seed 21".into()),
        wall_s: 0.0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_set_meets_the_thresholds_and_the_harness_catches_wrong_answers() {
    let loaded = loaded_small_graph(SMOKE_SEED).await;
    let client = loaded.graph.client.clone();
    let truth = truth();
    let pipeline = Pipeline::new(client.clone()).unwrap();
    let evaluator = Evaluator::new(client.clone(), Some(truth.clone()));

    let cases = jeju_eval::load_cases(&smoke_path()).expect("the committed smoke set");
    let kinds = |k: CaseKind| cases.iter().filter(|c| c.kind == k).count();
    assert!(cases.len() >= 8, "smoke set has {} cases", cases.len());
    assert!(kinds(CaseKind::Search) >= 3 && kinds(CaseKind::Recommend) >= 3);
    assert!(kinds(CaseKind::MultiTurn) >= 1);

    let results = evaluator.run_all(&pipeline, &cases, &mut |_| {}).await;
    let report = Report::build(meta(), results);
    let s = &report.summary;
    let markdown = report.to_markdown();
    eprintln!("{markdown}");
    assert_eq!(s.errors, 0, "pipeline errors");
    assert_eq!(
        s.recommend.hallucinated_ids + s.multi_turn.hallucinated_ids,
        0,
        "hallucinated ids"
    );
    let picks = s.recommend.picks + s.multi_turn.picks;
    let hard_ok = s.recommend.hard_ok + s.multi_turn.hard_ok;
    assert!(picks > 0, "no picks at all");
    let satisfaction = hard_ok as f64 / picks as f64;
    assert!(
        satisfaction >= MIN_HARD_SATISFACTION,
        "hard-constraint satisfaction {satisfaction:.3} < {MIN_HARD_SATISFACTION}"
    );
    assert!(
        s.search.execution_accuracy >= MIN_SEARCH_ACCURACY,
        "search execution accuracy {:.3} < {MIN_SEARCH_ACCURACY}",
        s.search.execution_accuracy
    );
    assert!(markdown.contains("## Failure classes") && markdown.contains("| id | lang | ok |"));
    // This pipeline has no review index: the report says so in its header.
    let reached = s.review_search.reached;
    assert!(
        reached > 0 && s.review_search.ran == 0,
        "{:?}",
        s.review_search
    );
    assert!(
        markdown.contains(&format!(
            "review search: **off in {reached} of {reached} turns**"
        )),
        "the header hides that review search was off"
    );

    // Negative controls: the same questions with gold answers and constraints they do not
    // meet must be scored as failures (so the thresholds above can fail).
    let search = cases
        .iter()
        .find(|c| {
            c.kind == CaseKind::Search
                && c.gold_cypher
                    .as_deref()
                    .is_some_and(|g| g.contains("ORDER BY"))
        })
        .expect("an ordered search case");
    let gold = search.gold_cypher.clone().unwrap();
    let flipped = if gold.contains(" DESC,") {
        gold.replacen(" DESC,", " ASC,", 1)
    } else {
        gold.replacen(" ASC,", " DESC,", 1)
    };
    let recommend = cases
        .iter()
        .find(|c| c.kind == CaseKind::Recommend)
        .expect("a recommend case");
    let region = recommend
        .constraints
        .as_ref()
        .and_then(|c| c.region.clone())
        .expect("a region");
    let other = if region == "애월읍" {
        "한림읍"
    } else {
        "애월읍"
    };
    let wrong = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "neg-s", "kind": "search", "lang": search.lang, "question": search.question, "gold_cypher": flipped}),
        serde_json::json!({"id": "neg-r", "kind": "recommend", "lang": recommend.lang, "question": recommend.question, "constraints": {"region": other, "price_max_per_person": 1000}}),
    );
    let negatives = parse_cases(&wrong, &PathBuf::from("negatives")).unwrap();
    let neg = evaluator.run_all(&pipeline, &negatives, &mut |_| {}).await;
    assert!(!neg[0].ok, "a flipped gold order must fail: {:?}", neg[0]);
    assert!(
        !neg[1].ok,
        "picks outside the asked region must fail: {:?}",
        neg[1]
    );
    assert!(
        neg[1]
            .failures
            .iter()
            .any(|f| f == "recommend: pick violates region"),
        "{:?}",
        neg[1].failures
    );
    let neg_report = Report::build(meta(), neg);
    assert_eq!(neg_report.summary.search.correct, 0);
    assert_eq!(neg_report.summary.recommend.hard_ok, 0);

    // The generator works on this graph: non-empty sets whose gold queries agree with the
    // facts (generate_verified runs every gold query).
    let sets = generate::generate_verified(&client, &truth, &GenerateOptions::smoke())
        .await
        .expect("generate the smoke set");
    assert_eq!(sets.search.len(), 4);
    assert_eq!(sets.recommend.len(), 4);
    assert!(!sets.multi_turn.is_empty());
}

/// Rewrites `eval/cases/smoke.jsonl` from the small data (run with `--run-ignored only`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "writes eval/cases/smoke.jsonl; run by hand after changing the generator"]
async fn regenerate_smoke_set() {
    let loaded = loaded_small_graph(SMOKE_SEED).await;
    let sets =
        generate::generate_verified(&loaded.graph.client, &truth(), &GenerateOptions::smoke())
            .await
            .expect("generate");
    jeju_eval::case::write_cases(&smoke_path(), &sets.all()).expect("write smoke.jsonl");
}
