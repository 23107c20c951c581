//! The held-out templates against a private graph server holding the small data of seed 7
//! (the data seed of the committed held-out set): every class is generated, every gold
//! query returns the answer computed from the facts in Rust (`generate_verified` runs them
//! all), and every recommendation's hard constraints are met by ≥ 3 stores of the graph by
//! the harness's own satisfying query, with ≥ 2 of them fitting each soft ask of the truth.
//! The wording is not checked against the pipeline's parser: that is the point of the set.

use std::collections::BTreeSet;
use std::path::Path;

use jeju_eval::case::{parse_cases, CaseKind, QualityAsk, HIGH_QUALITY};
use jeju_eval::check;
use jeju_eval::generate::{self, GenerateOptions};
use jeju_eval::heldout::{FOLLOWUP_CLASSES, RECOMMEND_CLASSES, SEARCH_CLASSES};
use jeju_eval::TruthTable;
use jeju_tests::{loaded_small_graph, small_data};

const SEED: u64 = 7;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heldout_templates_cover_every_class_and_their_gold_answers_agree() {
    let loaded = loaded_small_graph(SEED).await;
    let client = loaded.graph.client.clone();
    let truth = TruthTable::load(small_data(SEED).path()).expect("truth of the small data");
    let opts = GenerateOptions::heldout();
    let sets = generate::generate_verified(&client, &truth, &opts)
        .await
        .expect("generate the held-out set on the small data (every gold query verified)");

    let classes = |cases: &[jeju_eval::Case]| -> BTreeSet<String> {
        cases.iter().filter_map(|c| c.class.clone()).collect()
    };
    let search: Vec<jeju_eval::Case> = sets.search.iter().map(|(c, _)| c.clone()).collect();
    for (want, got) in [
        (&SEARCH_CLASSES[..], classes(&search)),
        (&RECOMMEND_CLASSES[..], classes(&sets.recommend)),
        (&FOLLOWUP_CLASSES[..], classes(&sets.multi_turn)),
    ] {
        for class in want {
            assert!(
                got.contains(*class),
                "no {class} case on the small data: {got:?}"
            );
        }
    }
    assert_eq!(sets.search.len(), opts.search);
    assert_eq!(sets.recommend.len(), opts.recommend);
    assert!(sets.multi_turn.len() >= FOLLOWUP_CLASSES.len());

    // The file parses back (ids unique, every case valid) and has both languages.
    let all = sets.all();
    let mut text = String::new();
    for c in &all {
        text.push_str(&serde_json::to_string(c).unwrap());
        text.push('\n');
    }
    let parsed = parse_cases(&text, Path::new("heldout.jsonl")).expect("the set parses");
    assert_eq!(parsed.len(), all.len());
    let en = all.iter().filter(|c| c.lang == "en").count();
    assert!(
        en * 100 >= all.len() * 35 && en * 100 <= all.len() * 55,
        "{en} of {} in English",
        all.len()
    );
    assert!(
        all.iter().all(|c| c.class.is_some()),
        "a case without class"
    );

    // Recommendations, checked against the graph with the harness's own query and the truth.
    for case in parsed.iter().filter(|c| c.kind == CaseKind::Recommend) {
        let c = case.constraints.as_ref().unwrap();
        let ok = check::satisfying_stores(&client, c).await.unwrap();
        assert!(ok.len() >= 3, "{}: {} satisfying stores", case.id, ok.len());
        let truths: Vec<_> = ok.iter().filter_map(|s| truth.get(&s.id)).collect();
        let fits = |f: &dyn Fn(&jeju_data::catalog::StoreTruth) -> bool| {
            truths.iter().filter(|t| f(t)).count()
        };
        if let Some(m) = c.mood {
            assert!(fits(&|t| t.mood == m) >= 2, "{}: mood", case.id);
        }
        if let Some(v) = c.view {
            assert!(fits(&|t| t.view == v) >= 2, "{}: view", case.id);
        }
        if c.quality == Some(QualityAsk::High) {
            assert!(
                fits(&|t| t.quality >= HIGH_QUALITY) >= 2,
                "{}: quality",
                case.id
            );
        }
        if let Some(comp) = c.companion {
            assert!(
                fits(&|t| t.good_for.contains(&comp)) >= 2,
                "{}: companion",
                case.id
            );
        }
        match case.class.as_deref() {
            Some("recommend_city") => assert!(c.city.is_some() && c.region.is_none()),
            Some("recommend_regionless") => assert!(c.city.is_none() && c.region.is_none()),
            _ => {}
        }
    }
    // Conversations: turn 1 has ≥ 3 satisfying stores, a narrowing turn asks among them.
    for case in parsed.iter().filter(|c| c.kind == CaseKind::MultiTurn) {
        let turns = case.as_turns();
        let first = check::satisfying_stores(&client, turns[0].constraints.as_ref().unwrap())
            .await
            .unwrap();
        assert!(first.len() >= 3, "{}", case.id);
        if case.class.as_deref() == Some("followup_narrow") {
            assert!(turns[1].expect.among_previous, "{}", case.id);
        }
    }

    // The same options give the same set.
    let again = generate::generate_verified(&client, &truth, &opts)
        .await
        .unwrap();
    assert_eq!(again.all(), all, "generation is deterministic");
}
