//! Ingest of the small synthetic data set into a real ArcadeDB server over Bolt (neo4rs):
//! counts, idempotence, malformed-row reports, and sample questions whose answers are
//! computed independently from the files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::Path;

use jeju_data::address::parse_address;
use jeju_data::contest::{MonthlyRecord, RATIO_PROPERTIES};
use jeju_data::dataset::DataSet;
use jeju_data::{files, gazetteer, vocab};
use jeju_graph::ingest::{ingest, IngestOptions, NoProgress};
use jeju_graph::samples;
use jeju_graph::GraphCounts;
use jeju_tests::{loaded_small_graph, small_data, LoadedGraph, TestGraph};

/// The counts the graph must have after loading `data`, computed from the files alone.
fn expected_counts(data: &DataSet) -> GraphCounts {
    let records = &data.contest.records;
    let latest = latest_records(records);
    let mut regions: BTreeSet<String> = gazetteer::regions()
        .iter()
        .map(|r| r.name.clone())
        .collect();
    let mut cities: BTreeSet<String> = gazetteer::regions()
        .iter()
        .map(|r| r.city.clone())
        .collect();
    let mut has_store = 0;
    for r in latest.values() {
        if let Some(p) = parse_address(&r.address) {
            regions.insert(p.region);
            cities.insert(p.city);
            has_store += 1;
        }
    }
    let months: BTreeSet<u32> = records.iter().map(|r| r.ym).collect();
    let uses: BTreeSet<(String, u32)> = records.iter().map(|r| (r.store_id(), r.ym)).collect();
    let review_keywords: usize = data
        .reviews
        .iter()
        .map(|r| r.keywords.iter().collect::<BTreeSet<_>>().len())
        .sum();
    let store_keywords: BTreeSet<(&str, &str)> = data
        .reviews
        .iter()
        .flat_map(|r| {
            r.keywords
                .iter()
                .map(move |k| (r.store_id.as_str(), k.as_str()))
        })
        .collect();
    let near = data
        .stores
        .iter()
        .flat_map(|s| {
            data.attractions
                .iter()
                .filter(move |a| gazetteer::distance_m(s.lat, s.lng, a.lat, a.lng) <= 3_000.0)
        })
        .count();
    let n = |v: usize| v as i64;
    let mut c = GraphCounts::default();
    c.nodes.insert("City".into(), n(cities.len()));
    c.nodes.insert("Region".into(), n(regions.len()));
    c.nodes.insert("Store".into(), n(latest.len()));
    c.nodes.insert("Month".into(), n(months.len()));
    c.nodes.insert("Review".into(), n(data.reviews.len()));
    c.nodes
        .insert("VisitKeyword".into(), n(vocab::VISIT_KEYWORDS.len()));
    c.nodes
        .insert("Attraction".into(), n(data.attractions.len()));
    c.relationships
        .insert("HAS_REGION".into(), n(regions.len()));
    c.relationships.insert("HAS_STORE".into(), n(has_store));
    c.relationships.insert("USE".into(), n(uses.len()));
    c.relationships
        .insert("HAS_REVIEW".into(), n(data.reviews.len()));
    c.relationships.insert(
        "HAS_VISIT_KEYWORD".into(),
        n(review_keywords + store_keywords.len()),
    );
    c.relationships.insert("NEAR".into(), n(near));
    c.relationships
        .insert("LOCATED_IN".into(), n(data.attractions.len()));
    c
}

/// Each store's latest monthly record, by store id.
fn latest_records(records: &[MonthlyRecord]) -> BTreeMap<String, &MonthlyRecord> {
    let mut latest: BTreeMap<String, &MonthlyRecord> = BTreeMap::new();
    for r in records {
        let e = latest.entry(r.store_id()).or_insert(r);
        if r.ym > e.ym {
            *e = r;
        }
    }
    latest
}

fn region_of(r: &MonthlyRecord) -> Option<String> {
    parse_address(&r.address).map(|p| p.region)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn small_ingest_has_exact_counts_and_is_idempotent() {
    let graph = TestGraph::start().await;
    let dir = small_data(7);
    let data = DataSet::load(dir.path()).unwrap();
    assert!(
        data.errors.is_empty(),
        "generated data must be clean: {:?}",
        &data.errors[..data.errors.len().min(5)]
    );
    assert!(
        data.reviews.len() > 1000 && data.stores.len() > 100,
        "small data too small"
    );

    let first = ingest(&graph.client, &data, &IngestOptions::default(), &NoProgress)
        .await
        .unwrap();
    let expected = expected_counts(&data);
    assert_eq!(first.counts, expected);
    assert_eq!(first.counts, graph.client.counts().await.unwrap());

    // A second run with a different batch size changes nothing.
    let options = IngestOptions {
        batch_size: 333,
        ..IngestOptions::default()
    };
    let second = ingest(&graph.client, &data, &options, &NoProgress)
        .await
        .unwrap();
    assert_eq!(second.counts, first.counts);

    // Properties are loaded, not just nodes: spot-check one store against its files.
    let latest = latest_records(&data.contest.records);
    let profile = &data.stores[data.stores.len() / 2];
    let rec = latest[&profile.id];
    let rows = graph
        .client
        .rows(
            "store by id",
            neo4rs::query(
                "MATCH (s:Store {id: $id}) RETURN s.name AS name, s.type AS type, s.lat AS lat, \
                 s.menu AS menu, s.age_60_over_ratio AS age60, s.latest_ym AS ym, s.review_count AS reviews",
            )
            .param("id", profile.id.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.get::<String>("name").unwrap(), rec.name);
    assert_eq!(row.get::<String>("type").unwrap(), rec.store_type);
    assert!((row.get::<f64>("lat").unwrap() - profile.lat).abs() < 1e-9);
    let menu: Vec<String> = row.get("menu").unwrap();
    assert_eq!(menu.len(), profile.menu.len());
    assert_eq!(
        menu[0],
        format!("{}:{}", profile.menu[0].name, profile.menu[0].price)
    );
    assert_eq!(row.get::<i64>("ym").unwrap(), i64::from(rec.ym));
    let age60_index = RATIO_PROPERTIES
        .iter()
        .position(|p| *p == "age_60_over_ratio")
        .unwrap();
    match rec.ratios[age60_index] {
        Some(v) => assert!((row.get::<f64>("age60").unwrap() - v).abs() < 1e-12),
        None => assert!(row.get::<f64>("age60").is_err()),
    }
    let n_reviews = data
        .reviews
        .iter()
        .filter(|r| r.store_id == profile.id)
        .count() as i64;
    if n_reviews > 0 {
        assert_eq!(row.get::<i64>("reviews").unwrap(), n_reviews);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_questions_match_answers_computed_from_the_files() {
    let LoadedGraph { graph, data, .. } = loaded_small_graph(11).await;
    let latest = latest_records(&data.contest.records);
    let age30 = RATIO_PROPERTIES
        .iter()
        .position(|p| *p == "age_30_ratio")
        .unwrap();

    // 한림읍 cafe (커피) with the highest 30s share; ties by id.
    let mut cafes: Vec<(f64, &String)> = latest
        .iter()
        .filter(|(_, r)| region_of(r).as_deref() == Some("한림읍") && r.store_type == "커피")
        .filter_map(|(id, r)| r.ratios[age30].map(|v| (v, id)))
        .collect();
    assert!(
        cafes.len() >= 3,
        "small data needs several 한림읍 cafes, has {}",
        cafes.len()
    );
    cafes.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let rows = graph
        .client
        .rows(
            samples::TOP_30S_CAFE_HALLIM.cypher,
            samples::TOP_30S_CAFE_HALLIM.query(),
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0].get::<String>("id").unwrap(), cafes[0].1);
    assert!((rows[0].get::<f64>("value").unwrap() - cafes[0].0).abs() < 1e-12);

    // 애월읍 stores with 흑돼지 on the menu.
    let black_pork = data
        .stores
        .iter()
        .filter(|s| region_of(latest[&s.id]).as_deref() == Some("애월읍"))
        .filter(|s| s.menu.iter().any(|m| m.name.contains("흑돼지")))
        .count() as i64;
    assert!(
        black_pork >= 3,
        "small data needs 애월읍 black pork, has {black_pork}"
    );
    let rows = graph
        .client
        .rows(
            samples::BLACK_PORK_COUNT_AEWOL.cypher,
            samples::BLACK_PORK_COUNT_AEWOL.query(),
        )
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("value").unwrap(), black_pork);

    // 서귀포시 stores most reviewed as a visit with parents.
    let mut per_store: HashMap<&str, i64> = HashMap::new();
    for r in &data.reviews {
        let in_seogwipo =
            parse_address(&latest[&r.store_id].address).is_some_and(|p| p.city == "서귀포시");
        if in_seogwipo && r.keywords.iter().any(|k| k == "부모님과") {
            *per_store.entry(r.store_id.as_str()).or_default() += 1;
        }
    }
    let mut top: Vec<(i64, &str)> = per_store.into_iter().map(|(s, n)| (n, s)).collect();
    top.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    top.truncate(3);
    assert_eq!(top.len(), 3);
    let rows = graph
        .client
        .rows(
            samples::PARENTS_TOP_SEOGWIPO.cypher,
            samples::PARENTS_TOP_SEOGWIPO.query(),
        )
        .await
        .unwrap();
    let got: Vec<(i64, String)> = rows
        .iter()
        .map(|r| {
            (
                r.get::<i64>("value").unwrap(),
                r.get::<String>("id").unwrap(),
            )
        })
        .collect();
    let want: Vec<(i64, String)> = top.iter().map(|(n, s)| (*n, s.to_string())).collect();
    assert_eq!(got, want);

    // 애월읍 stores in the busiest bucket in 2023-08.
    let busiest = data
        .contest
        .records
        .iter()
        .filter(|r| r.ym == 202308 && r.count_bucket.rank() == 1)
        .filter(|r| region_of(r).as_deref() == Some("애월읍"))
        .count() as i64;
    let rows = graph
        .client
        .rows(
            samples::BUSIEST_AEWOL_AUGUST.cypher,
            samples::BUSIEST_AEWOL_AUGUST.query(),
        )
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i64>("value").unwrap(), busiest);
}

/// Appends text to a file in the given encoding.
fn append(path: &Path, text: &str, cp949: bool) {
    let bytes = if cp949 {
        let (bytes, unencodable) = jeju_data::contest::encode_cp949(text);
        assert!(!unencodable);
        bytes
    } else {
        text.as_bytes().to_vec()
    };
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(&bytes).unwrap();
}

fn line_count(path: &Path) -> u64 {
    std::fs::read(path)
        .unwrap()
        .iter()
        .filter(|b| **b == b'\n')
        .count() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_rows_are_reported_with_file_and_line_and_the_rest_loads() {
    let graph = TestGraph::start().await;
    let dir = small_data(3);
    let clean = DataSet::load(dir.path()).unwrap();
    let csv = dir.path().join(files::CONTEST_CSV);
    let reviews = dir.path().join(files::REVIEWS);
    let csv_lines = line_count(&csv);
    let review_lines = line_count(&reviews);

    let good = clean.contest.records[0].clone();
    let row = |bucket: &str| {
        format!(
            "202312,새가게,20230101,커피,제주 제주시 연동 1,{bucket},2_10~25%,3_25~50%{}\r\n",
            ",0.05".repeat(20)
        )
    };
    append(&csv, &row("7_없는구간"), true);
    append(&csv, "202312,짧은행\r\n", true);
    append(
        &csv,
        &row("1_상위 10% 이하").replace("202312", "2023-12"),
        true,
    );
    append(&reviews, "{not json\n", false);
    append(
        &reviews,
        "{\"id\":\"RX1\",\"store_id\":\"S0000000000000000\",\"source\":\"naver\",\"text\":\"좋아요\",\"keywords\":[]}\n",
        false,
    );
    append(
        &reviews,
        &format!(
            "{{\"id\":\"RX2\",\"store_id\":\"{}\",\"source\":\"google\",\"rating\":9,\"text\":\"별로\"}}\n",
            good.store_id()
        ),
        false,
    );

    let data = DataSet::load(dir.path()).unwrap();
    let got: Vec<(String, u64)> = data
        .errors
        .iter()
        .map(|e| {
            (
                e.file.file_name().unwrap().to_string_lossy().into_owned(),
                e.line,
            )
        })
        .collect();
    let csv_name = files::CONTEST_CSV.to_string();
    let rev_name = files::REVIEWS.to_string();
    assert_eq!(
        got,
        vec![
            (csv_name.clone(), csv_lines + 1),
            (csv_name.clone(), csv_lines + 2),
            (csv_name, csv_lines + 3),
            (rev_name.clone(), review_lines + 1),
            (rev_name.clone(), review_lines + 2),
            (rev_name, review_lines + 3),
        ]
    );
    let messages: Vec<&str> = data.errors.iter().map(|e| e.message.as_str()).collect();
    assert!(messages[0].contains("UE_CNT_GRP"), "{}", messages[0]);
    assert!(messages[1].contains("fields"), "{}", messages[1]);
    assert!(messages[2].contains("YM"), "{}", messages[2]);
    assert!(messages[4].contains("unknown store"), "{}", messages[4]);
    assert!(messages[5].contains("rating 9"), "{}", messages[5]);

    // Everything else loads: the same graph as the clean files give.
    let summary = ingest(&graph.client, &data, &IngestOptions::default(), &NoProgress)
        .await
        .unwrap();
    assert_eq!(summary.counts, expected_counts(&clean));
}
