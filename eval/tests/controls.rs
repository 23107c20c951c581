//! Negative controls of the evaluation: deliberately broken pipelines must score worse, or
//! the metrics do not measure what they claim.
//!
//! - A pipeline that forgets the companion and the age band (`Ablation::IgnoreCompanionAndAge`)
//!   must fall to about the random baseline of precision@3 on turns that ask for them, while
//!   the real pipeline stays clearly above it.
//! - A pipeline that forgets the dish (`Ablation::IgnoreDish`) must be scored as failing the
//!   dish constraint by the independent checker.
//!
//! Both run on a private graph with the small data (seed 21) and recommendation cases
//! generated from it, without the LLM.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use jeju_eval::case::{parse_cases, CaseKind};
use jeju_eval::generate::{self, GenerateOptions};
use jeju_eval::report::PrecisionBaselines;
use jeju_eval::{Case, CaseResult, Evaluator, Report, ReportMeta, TruthTable};
use jeju_pipeline::ablation::Ablation;
use jeju_pipeline::Pipeline;
use jeju_tests::{loaded_small_graph, small_data};

const SEED: u64 = 21;

fn meta() -> ReportMeta {
    common::small_data_meta("controls", SEED)
}

fn soft_precision(results: Vec<CaseResult>) -> PrecisionBaselines {
    Report::build(meta(), results)
        .summary
        .recommend
        .precision_soft_ask
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_pipelines_score_worse() {
    let loaded = loaded_small_graph(SEED).await;
    let client = loaded.graph.client.clone();
    let truth = TruthTable::load(small_data(SEED).path()).expect("truth of the small data");
    let snap = generate::snapshot(&client).await.expect("snapshot");
    // Dish cases: the generator's recommendation requests on this graph.
    let opts = GenerateOptions {
        prefix: "controls".into(),
        search: 0,
        recommend: 120,
        multi_turn: 0,
        seed: 7,
        templates: generate::Templates::Tuning,
    };
    let dish: Vec<Case> = generate::generate(&snap, &truth, &opts)
        .recommend
        .into_iter()
        .filter(|c| c.constraints.as_ref().is_some_and(|k| k.dish.is_some()))
        .collect();
    // Companion and age cases: every region with enough stores, asked with each companion
    // and age band in everyday words (the generator makes too few on the small data).
    let mut per_region: BTreeMap<&str, usize> = BTreeMap::new();
    for s in snap.stores.values() {
        if let Some(r) = &s.region {
            *per_region.entry(r.as_str()).or_default() += 1;
        }
    }
    let mut lines = Vec::new();
    for (region, _) in per_region.iter().filter(|(_, n)| **n >= 15) {
        for (word, companion) in [
            ("부모님과", "parents"),
            ("아이와", "kids"),
            ("친구들과", "friends"),
            ("연인과", "couple"),
        ] {
            lines.push(serde_json::json!({"id": format!("who-{}", lines.len()), "kind": "recommend", "lang": "ko",
                "question": format!("{region}에서 {word} 가기 좋은 맛집 추천해줘"),
                "constraints": {"region": region, "companion": companion}}));
        }
        for (word, age) in [("20대", "20-"), ("40대", "40"), ("60대", "60+")] {
            lines.push(serde_json::json!({"id": format!("who-{}", lines.len()), "kind": "recommend", "lang": "ko",
                "question": format!("{word}가 많이 가는 {region} 맛집 추천해줘"),
                "constraints": {"region": region, "age_band": age}}));
        }
    }
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let who = parse_cases(&text.join("\n"), Path::new("controls")).expect("control cases");
    assert!(
        who.len() >= 30 && dish.len() >= 10,
        "too few cases to measure: {} with companion/age, {} with a dish",
        who.len(),
        dish.len()
    );
    assert!(who.iter().all(|c| c.kind == CaseKind::Recommend));

    let evaluator = Evaluator::new(client.clone(), Some(truth));
    let real = Pipeline::new(client.clone()).unwrap();
    let no_who = Pipeline::new(client.clone())
        .unwrap()
        .with_ablation(Ablation::IgnoreCompanionAndAge);
    let no_dish = Pipeline::new(client.clone())
        .unwrap()
        .with_ablation(Ablation::IgnoreDish);

    // Soft asks must matter.
    let real_p = soft_precision(evaluator.run_all(&real, &who, &mut |_| {}).await);
    let ablated_p = soft_precision(evaluator.run_all(&no_who, &who, &mut |_| {}).await);
    eprintln!("precision@3 on {} turns asking companion/age: real {real_p:?}, without companion and age {ablated_p:?}", who.len());
    assert_eq!(real_p.turns, ablated_p.turns);
    assert!(
        (real_p.random - ablated_p.random).abs() < 1e-9,
        "the random baseline depends on the cases only"
    );
    assert!(
        real_p.system >= real_p.random + 0.10,
        "the ranker does not beat a random satisfying pick by 0.10 on soft asks: {real_p:?}"
    );
    assert!(
        ablated_p.system <= ablated_p.random + 0.05,
        "ignoring companion and age should fall to about the random baseline: {ablated_p:?} \
         (the metric would not measure the ranker)"
    );
    assert!(
        real_p.system - ablated_p.system >= 0.08,
        "{real_p:?} vs {ablated_p:?}"
    );

    // The dish must be checked by the evaluation's own vocabulary.
    let real_r = Report::build(meta(), evaluator.run_all(&real, &dish, &mut |_| {}).await);
    let broken = Report::build(
        meta(),
        evaluator.run_all(&no_dish, &dish, &mut |_| {}).await,
    );
    let dish_check = |r: &Report| {
        r.summary
            .recommend
            .per_constraint
            .get("dish")
            .copied()
            .unwrap_or_default()
    };
    let (real_n, real_ok) = dish_check(&real_r);
    let (broken_n, broken_ok) = dish_check(&broken);
    eprintln!("dish satisfied: real {real_ok}/{real_n}, ignoring the dish {broken_ok}/{broken_n}");
    assert!(real_n > 0 && broken_n > 0);
    assert!(
        real_ok as f64 / real_n as f64 >= 0.9,
        "the real pipeline meets the dish: {real_ok}/{real_n}"
    );
    assert!(
        (broken_ok as f64 / broken_n as f64) <= 0.5,
        "picks that ignore the dish must fail the dish check: {broken_ok}/{broken_n}"
    );
    assert!(
        broken.summary.cases_ok < real_r.summary.cases_ok,
        "ignoring the dish must fail cases: {} vs {}",
        broken.summary.cases_ok,
        real_r.summary.cases_ok
    );
}
