//! The pipeline's deterministic path against a real graph server with the small data set.

use jeju_pipeline::Stage;
use std::collections::HashMap;

use jeju_data::address::parse_address;
use jeju_data::dataset::DataSet;
use jeju_graph::ingest::{ingest, IngestOptions, NoProgress};
use jeju_graph::samples;
use jeju_pipeline::intent::{Lang, Route};
use jeju_pipeline::{AnswerBody, Pipeline, PipelineError};
use jeju_tests::{assert_three_picks_in, loaded_small_graph, small_data, LoadedGraph, TestGraph};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_recommends_and_answers_search_questions_from_the_graph() {
    let LoadedGraph { graph, data, .. } = loaded_small_graph(21).await;
    let pipeline = Pipeline::new(graph.client.clone()).unwrap();

    // Korean recommendation: three real stores in 애월읍 with black pork on the menu.
    let answer = pipeline
        .ask("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘")
        .await
        .unwrap();
    assert_eq!(answer.intent.route, Route::Recommend);
    assert_three_picks_in(&data, &answer, "애월읍", "흑돼지");
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("not a recommendation")
    };
    for p in picks {
        assert!(answer.text.contains(&p.card.name));
    }
    assert!(answer.text.contains("이런 곳은"), "{}", answer.text);
    assert!(!answer.trace.cypher.is_empty());

    // English question, English answer, same constraints.
    let answer = pipeline
        .ask("Where can I take my parents for black pork in Aewol?")
        .await
        .unwrap();
    assert_eq!(answer.intent.lang, Lang::En);
    assert!(
        answer.text.starts_with("Here are my picks"),
        "{}",
        answer.text
    );
    assert_eq!(answer.ids().len(), 3);

    // A data question: exactly the gold query's answer.
    let answer = pipeline
        .ask("제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?")
        .await
        .unwrap();
    assert_eq!(answer.intent.route, Route::Search);
    let gold = graph
        .client
        .rows(
            samples::TOP_30S_CAFE_HALLIM.cypher,
            samples::TOP_30S_CAFE_HALLIM.query(),
        )
        .await
        .unwrap();
    let gold_ids: Vec<String> = gold
        .iter()
        .map(|r| r.get::<String>("id").unwrap())
        .collect();
    assert_eq!(answer.ids(), gold_ids);

    let answer = pipeline
        .ask("애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?")
        .await
        .unwrap();
    let gold = graph
        .client
        .rows(
            samples::BLACK_PORK_COUNT_AEWOL.cypher,
            samples::BLACK_PORK_COUNT_AEWOL.query(),
        )
        .await
        .unwrap();
    let AnswerBody::Search { count, .. } = answer.body else {
        panic!("not a search")
    };
    assert_eq!(count, Some(gold[0].get::<i64>("value").unwrap()));

    // Bad input: a clear error, no panic.
    assert!(matches!(
        pipeline.ask("   ").await,
        Err(PipelineError::EmptyQuestion)
    ));
    let long = "가".repeat(20_000);
    assert!(matches!(
        pipeline.ask(&long).await,
        Err(PipelineError::QuestionTooLong(20_000, _))
    ));
    // Nothing matches: an empty, friendly answer.
    let answer = pipeline.ask("우도면 스테이크 부페 추천해줘").await.unwrap();
    assert!(
        answer.text.contains("찾지 못했어요") || answer.ids().len() <= 3,
        "{}",
        answer.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_ups_revise_the_previous_turn() {
    let LoadedGraph { graph, data, .. } = loaded_small_graph(21).await;
    let pipeline = Pipeline::new(graph.client.clone()).unwrap();
    let profiles: HashMap<&str, &jeju_data::catalog::StoreProfile> =
        data.stores.iter().map(|s| (s.id.as_str(), s)).collect();
    let region = |id: &str| parse_address(&profiles[id].address).map(|a| a.region);
    let mut session = jeju_pipeline::session::Session::default();

    let first = pipeline
        .ask_in(&mut session, "애월읍 흑돼지 맛집 추천해줘")
        .await
        .unwrap();
    let AnswerBody::Recommend { picks: first_picks } = &first.body else {
        panic!()
    };
    assert_eq!(first_picks.len(), 3);
    let cheapest = first_picks
        .iter()
        .filter_map(|p| p.card.price_per_person)
        .min()
        .unwrap();

    // "Cheaper": same region and dish, every pick below the cheapest earlier pick, none repeated.
    let cheaper = pipeline
        .ask_in(&mut session, "더 저렴한 곳은?")
        .await
        .unwrap();
    let AnswerBody::Recommend { picks } = &cheaper.body else {
        panic!("{}", cheaper.text)
    };
    assert!(!picks.is_empty(), "{}", cheaper.text);
    // The request the select stage sees keeps the earlier question.
    assert!(
        cheaper.request.contains("애월읍") && cheaper.request.ends_with("→ 더 저렴한 곳은?"),
        "{}",
        cheaper.request
    );
    for p in picks {
        assert!(
            p.card.price_per_person.unwrap() < cheapest,
            "{} is not cheaper",
            p.card.name
        );
        assert_eq!(region(&p.card.id).as_deref(), Some("애월읍"));
        assert!(profiles[p.card.id.as_str()]
            .menu
            .iter()
            .any(|m| m.name.contains("흑돼지")));
        assert!(first_picks.iter().all(|f| f.card.id != p.card.id));
    }

    // "Cafes near no. 2": cafes within 1.5 km of the second pick of the last turn.
    let AnswerBody::Recommend { picks: last_picks } = &cheaper.body else {
        panic!()
    };
    let anchor = last_picks
        .get(1)
        .or(last_picks.first())
        .unwrap()
        .card
        .clone();
    let which = if last_picks.len() >= 2 {
        "2번"
    } else {
        "1번"
    };
    let near = pipeline
        .ask_in(&mut session, &format!("{which} 근처 카페도"))
        .await
        .unwrap();
    let AnswerBody::Recommend { picks } = &near.body else {
        panic!()
    };
    for p in picks {
        assert_eq!(p.card.store_type, "커피", "{}", near.text);
        let d = jeju_data::gazetteer::distance_m(
            anchor.lat.unwrap(),
            anchor.lng.unwrap(),
            p.card.lat.unwrap(),
            p.card.lng.unwrap(),
        );
        // Within the 1.5 km of "근처", or further and saying so (fewer than three cafés
        // are that near: the area was widened, stated on the card).
        assert!(
            d <= 1_500.0 || !p.card.relaxed.is_empty(),
            "{} is {d:.0} m away",
            p.card.name
        );
    }

    // English follow-up in a new conversation: seafood instead of pork.
    let mut session = jeju_pipeline::session::Session::default();
    pipeline
        .ask_in(
            &mut session,
            "Where can I take my parents for black pork in Aewol?",
        )
        .await
        .unwrap();
    let seafood = pipeline
        .ask_in(&mut session, "not pork, seafood instead")
        .await
        .unwrap();
    assert_eq!(seafood.intent.constraints.dish.as_deref(), Some("해산물"));
    assert!(
        seafood.text.starts_with("Here are") || seafood.text.starts_with("I could not"),
        "{}",
        seafood.text
    );
    let AnswerBody::Recommend { picks } = &seafood.body else {
        panic!()
    };
    for p in picks {
        assert_eq!(region(&p.card.id).as_deref(), Some("애월읍"));
        assert!(!profiles[p.card.id.as_str()]
            .menu
            .iter()
            .all(|m| m.name.contains("흑돼지")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_backfill_fills_up_to_six_candidates_with_fastrp_neighbours() {
    let graph = TestGraph::start().await;
    let dir = small_data(21);
    let data = DataSet::load(dir.path()).unwrap();
    let options = IngestOptions::default();
    ingest(&graph.client, &data, &options, &NoProgress)
        .await
        .unwrap();
    let vectors = jeju_fastrp::store_embeddings(&data, &jeju_fastrp::FastRpConfig::default());
    let pipeline = Pipeline::new(graph.client.clone()).unwrap();
    // Find a region and type with one or two stores, so that the backfill must act.
    let mut per_pair: std::collections::BTreeMap<(String, String), usize> = Default::default();
    for p in &data.stores {
        if let Some(a) = parse_address(&p.address) {
            if vectors.contains_key(&p.id) && p.store_type != "커피" {
                *per_pair
                    .entry((a.region, p.store_type.clone()))
                    .or_default() += 1;
            }
        }
    }
    let ((region, store_type), n) = per_pair
        .into_iter()
        .find(|((r, t), n)| {
            *n <= 2
                && jeju_data::gazetteer::region(r).is_some()
                && !t.contains('/')
                && t.chars().count() >= 2
        })
        .expect("a narrow region/type pair in the small data");
    let narrow = format!("{region} {store_type} 추천해줘");
    // Too few stores meet the request: the backfill widens the area (the type is never
    // given up), and without vectors in the graph says why FastRP did not fill the rest.
    let before = pipeline.ask(&narrow).await.unwrap();
    let stage = before.trace.stage(Stage::Backfill).unwrap();
    assert!(
        stage.detail.contains("relaxed (within 10 km of the place)"),
        "{stage:?}"
    );
    if before.trace.candidates.len() < 6 {
        assert!(
            stage
                .fallback
                .as_ref()
                .is_some_and(|f| f.message.contains("no FastRP vectors")),
            "{stage:?}"
        );
    }
    jeju_graph::ingest::write_store_vectors(
        &graph.client,
        "fastrp",
        &vectors,
        &options,
        &NoProgress,
    )
    .await
    .unwrap();
    let pipeline = Pipeline::new(graph.client.clone()).unwrap();
    let answer = pipeline.ask(&narrow).await.unwrap();
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!()
    };
    let backfill = answer.trace.stage(Stage::Backfill).unwrap();
    assert!(backfill.fallback.is_none(), "{backfill:?}");
    assert!(
        backfill
            .detail
            .contains(&format!("{n} candidates from the filters")),
        "{narrow}: {backfill:?}"
    );
    assert!(answer.trace.candidates.len() > n && answer.trace.candidates.len() <= 6);
    assert_eq!(picks.len(), 3, "{}", answer.text);
    // The stores that meet the request come first; the others keep the type, lie outside
    // the region and say so on their card and in the answer.
    assert!(
        picks[..n].iter().all(|p| p.card.relaxed.is_empty()),
        "{}",
        answer.text
    );
    for p in &picks[n..] {
        assert_eq!(p.card.store_type, store_type, "{}", answer.text);
        assert!(
            matches!(
                p.card.relaxed.first(),
                Some(jeju_pipeline::relax::Relaxation::Place { .. })
            ),
            "{:?}",
            p.card.relaxed
        );
        assert!(answer.text.contains('⚠'), "{}", answer.text);
    }
    // Writing the vectors again changes no counts.
    let counts = graph.client.counts().await.unwrap();
    jeju_graph::ingest::write_store_vectors(
        &graph.client,
        "fastrp",
        &vectors,
        &options,
        &NoProgress,
    )
    .await
    .unwrap();
    assert_eq!(graph.client.counts().await.unwrap(), counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_llm_falls_back_to_the_gazetteer_route_at_once() {
    let LoadedGraph { graph, .. } = loaded_small_graph(21).await;
    let port = jeju_arcadedb::free_port().unwrap();
    let llm = jeju_llm::LlmClient::new(jeju_llm::LlmConfig::for_url(format!(
        "http://127.0.0.1:{port}/v1"
    )))
    .unwrap();
    let pipeline = Pipeline::new(graph.client.clone()).unwrap().with_llm(llm);
    let started = std::time::Instant::now();
    let answer = pipeline
        .ask("60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘")
        .await
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // Every word is understood by the rules: neither the route nor text2cypher asks the
    // LLM; select is the stage that tries it, and fails at once.
    for stage in [Stage::Route, Stage::Text2Cypher] {
        let s = answer.trace.stage(stage).unwrap();
        assert!(s.detail.contains("no LLM call"), "{s:?}");
    }
    let select = answer.trace.stage(Stage::Select).unwrap();
    assert!(
        select
            .fallback
            .as_ref()
            .is_some_and(|f| f.reason == jeju_pipeline::FallbackReason::LlmFailed
                && f.message.contains("unreachable")),
        "{select:?}"
    );
    assert_eq!(answer.intent.constraints.region.as_deref(), Some("애월읍"));
    assert_eq!(answer.ids().len(), 3);
}

/// A dish asked more narrowly than any menu has it (광어회 where the menus have only other
/// 회) is read as the broader dish, and every pick says what it lacks, on its card and in
/// the answer; a dish the menus have whole is not marked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dish_no_menu_has_is_read_broader_and_every_pick_says_so() {
    use jeju_pipeline::relax::Relaxation;
    let LoadedGraph { graph, data, .. } = loaded_small_graph(21).await;
    let items: Vec<&str> = data
        .stores
        .iter()
        .flat_map(|s| s.menu.iter().map(|m| m.name.as_str()))
        .collect();
    assert!(
        !items.iter().any(|m| m.contains("광어")),
        "the data has 광어"
    );
    assert!(items.iter().any(|m| m.contains("고등어회")));
    let pipeline = Pipeline::new(graph.client.clone()).unwrap();

    let answer = pipeline.ask("제주시 광어회 맛집 알려줘").await.unwrap();
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("not a recommendation: {}", answer.text)
    };
    assert!(!picks.is_empty(), "{}", answer.text);
    for p in picks {
        assert!(
            p.card.menu.iter().any(|(item, _)| item.contains('회')),
            "{} serves no 회: {:?}",
            p.card.name,
            p.card.menu
        );
        assert!(
            p.card.relaxed.contains(&Relaxation::Dish {
                asked: "광어회".into(),
                served: "회".into()
            }),
            "{:?}",
            p.card.relaxed
        );
    }
    assert!(
        answer.text.contains("광어회 메뉴는 데이터에 없어") && answer.text.contains('⚠'),
        "{}",
        answer.text
    );
    let route = answer.trace.stage(Stage::Route).unwrap();
    assert!(route.detail.contains("'광어회' is on no menu"), "{route:?}");

    let answer = pipeline.ask("제주시 고등어회 맛집 알려줘").await.unwrap();
    let AnswerBody::Recommend { picks } = &answer.body else {
        panic!("not a recommendation: {}", answer.text)
    };
    assert!(
        picks.iter().all(|p| !p
            .card
            .relaxed
            .iter()
            .any(|r| matches!(r, Relaxation::Dish { .. }))),
        "{}",
        answer.text
    );
}
