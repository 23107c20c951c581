//! Snapshots of the rendered prompts, made by the same functions that build what is sent to
//! the model (aliases `c1`…, the described intent, the repair turn), and of the answer and
//! pick templates: a change to a template or to what feeds it shows up as a reviewed diff
//! (`cargo insta review`, or INSTA_UPDATE=always and read the .snap diff).

use std::collections::{BTreeMap, BTreeSet};

use jeju_data::vocab::{AgeBand, TimeOfDay};
use jeju_pipeline::llm_cypher::text2cypher_prompt as build_text2cypher_prompt;
use jeju_pipeline::llm_select::{select_prompt, SelectAsk, SelectStyle};
use jeju_pipeline::parse::parse;
use jeju_pipeline::prompts::Prompts;
use jeju_pipeline::recommend::{deterministic_select, Card};
use jeju_pipeline::schema::GraphSchema;

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A fixed schema, as introspection returns it, so the snapshot does not depend on a server.
fn schema() -> GraphSchema {
    let mut nodes = BTreeMap::new();
    nodes.insert(
        "Store".to_owned(),
        set(&[
            "id",
            "name",
            "type",
            "region",
            "city",
            "address",
            "menu",
            "menu_names",
            "price_per_person",
            "rating",
            "review_count",
            "local_ratio",
            "age_30_ratio",
            "age_60_over_ratio",
            "hr_12_13_ratio",
            "mon_ratio",
            "lat",
            "lng",
        ]),
    );
    nodes.insert("Month".to_owned(), set(&["ym", "year", "month"]));
    nodes.insert(
        "VisitKeyword".to_owned(),
        set(&["name", "kind", "companion"]),
    );
    let mut rels = BTreeMap::new();
    rels.insert(
        ("Store".into(), "USE".into(), "Month".into()),
        set(&["ym", "cnt_rank", "age_30_ratio", "hr_12_13_ratio"]),
    );
    rels.insert(
        (
            "Store".into(),
            "HAS_VISIT_KEYWORD".into(),
            "VisitKeyword".into(),
        ),
        set(&["count"]),
    );
    GraphSchema { nodes, rels }
}

#[test]
fn route_prompt() {
    let p = Prompts::load()
        .unwrap()
        .route(
            "60대 부모님과 가기 좋은 애월읍 오션뷰 흑돼지 맛집 추천해줘",
            &["오션뷰".to_owned()],
        )
        .unwrap();
    insta::assert_snapshot!(format!("SYSTEM:\n{}\n\nUSER:\n{}", p.system, p.user));
}

#[test]
fn text2cypher_prompt() {
    let q = "2023년 8월 한림읍 카페 중 30대 비중이 가장 높은 곳은?";
    let intent = parse(q);
    let schema = schema().render_for(&intent, q);
    let prompts = Prompts::load().unwrap();
    let p = build_text2cypher_prompt(&prompts, &schema, &intent, q).unwrap();
    insta::assert_snapshot!(format!("SYSTEM:\n{}\n\nUSER:\n{}", p.system, p.user));
}

#[test]
fn text2cypher_repair_turn() {
    let repair = Prompts::load()
        .unwrap()
        .repair("the literal '한림' is not one of the fixed values (allowed: '한림읍', '커피')")
        .unwrap();
    insta::assert_snapshot!(repair);
}

/// A card as the backfill stage loads it.
fn card(id: &str, name: &str, backfilled: bool) -> Card {
    Card {
        id: id.into(),
        name: name.into(),
        store_type: "가정식".into(),
        city: Some("제주시".into()),
        region: Some("애월읍".into()),
        address: "제주 제주시 애월읍 애월리 123-4번지".into(),
        lat: Some(33.46),
        lng: Some(126.33),
        menu: vec![
            ("흑돼지 오겹살 (200g)".into(), 19_000),
            ("고기국수".into(), 9_000),
        ],
        price_per_person: Some(19_000),
        rating: Some(4.4),
        review_count: 12,
        companion_reviews: 5,
        ages: vec![(AgeBand::SixtyPlus, 0.21)],
        local_ratio: Some(0.35),
        busiest_time: Some((TimeOfDay::Dinner, 0.52)),
        distance_m: None,
        quotes: vec!["부모님 모시고 갔는데 너무 좋아하셨어요. 흑돼지 오겹살 최고!".into()],
        backfilled,
        relaxed: Vec::new(),
    }
}

/// Both styles of the select prompt, as sent (English too: the instructions differ only in
/// the written style).
#[test]
fn select_prompt_as_sent() {
    let q = "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘";
    // A FastRP neighbour without the dish, and a store whose dish is further down the menu
    // than the three items its line lists.
    let mut neighbour = card("S0000000000000003", "한라식당", true);
    neighbour.menu = vec![("갈치조림".into(), 35_000)];
    let mut dish_below = card("S0000000000000004", "바당식당", false);
    dish_below.menu = vec![
        ("고등어구이".into(), 15_000),
        ("옥돔구이".into(), 25_000),
        ("성게미역국".into(), 14_000),
        ("흑돼지 두루치기".into(), 12_000),
    ];
    let cards = vec![
        card("S0000000000000001", "돌담흑돼지", false),
        card("S0000000000000002", "애월숯불", false),
        neighbour,
        dish_below,
    ];
    let prompts = Prompts::load().unwrap();
    let mut out = String::new();
    // The last asks for a view: its cards show the start of a review.
    for (style, q, soft) in [
        (SelectStyle::Facts, q, false),
        (SelectStyle::Sentence, q, false),
        (
            SelectStyle::Sentence,
            "Black pork with a sea view in Aewol for my parents in their 60s?",
            true,
        ),
    ] {
        let intent = parse(q);
        let ask = SelectAsk {
            request: q,
            intent: &intent,
            soft,
            style,
        };
        let (p, shown) = select_prompt(&prompts, ask, &cards).unwrap();
        assert_eq!(
            shown.iter().map(|s| s.alias.as_str()).collect::<Vec<_>>(),
            ["c1", "c2", "c3", "c4"]
        );
        out.push_str(&format!(
            "=== {} ===\nSYSTEM:\n{}\n\nUSER:\n{}\n\n",
            style.as_str(),
            p.system,
            p.user
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn answer_and_picks_as_shown() {
    let prompts = Prompts::load().unwrap();
    let mut out = String::new();
    for q in [
        "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘",
        "Where can I take my parents for black pork in Aewol?",
    ] {
        let intent = parse(q);
        // The third was found by a widened search: it says what it does not meet.
        let mut widened = card("S0000000000000003", "한림숯불", false);
        widened.region = Some("한림읍".into());
        widened.relaxed = vec![jeju_pipeline::relax::Relaxation::Place {
            asked: "애월읍".into(),
            region: Some("한림읍".into()),
            distance_m: Some(8_240),
        }];
        let cards = vec![
            card("S0000000000000001", "돌담흑돼지", false),
            card("S0000000000000002", "애월숯불", false),
            widened,
        ];
        let picks =
            deterministic_select(&cards, &intent.constraints, intent.lang, &prompts).unwrap();
        out.push_str(&format!("{q}\n"));
        for (i, p) in picks.iter().enumerate() {
            out.push_str(&prompts.pick(i, p, intent.lang).unwrap());
            out.push('\n');
        }
        out.push_str(&prompts.picks_header(intent.lang).unwrap());
        out.push_str("\n\n");
    }
    insta::assert_snapshot!(out);
}
