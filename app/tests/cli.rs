//! The `jeju` binary end to end: generate, ingest into a real server, samples, and clear
//! errors for bad input.

use std::process::{Command, Output};

use jeju_tests::TestGraph;

fn jeju(graph: Option<&TestGraph>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jeju"));
    cmd.args(args);
    let home = tempfile::tempdir().unwrap();
    cmd.env("JEJU_HOME", home.path());
    match graph {
        Some(g) => {
            let c = &g.graph_config;
            cmd.env("JEJU_GRAPH_URI", &c.uri)
                .env("JEJU_GRAPH_USER", &c.user)
                .env("JEJU_GRAPH_PASSWORD", &c.password)
                .env("JEJU_GRAPH_DB", &c.database);
        }
        // A port nothing listens on, so the test never reaches a developer's server.
        None => {
            cmd.env("JEJU_GRAPH_URI", "bolt://127.0.0.1:9");
        }
    }
    let out = cmd.output().expect("run jeju");
    // Keep the home alive until the command is done.
    drop(home);
    out
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_ingest_and_samples_through_the_binary() {
    let graph = TestGraph::start().await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().join("small");
    let dir_s = dir.to_str().unwrap();

    let out = jeju(
        None,
        &[
            "data",
            "generate",
            "--scale",
            "small",
            "--seed",
            "5",
            "--out",
            dir_s,
            "--encoding",
            "utf-8",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("stores"), "{}", text(&out));

    let out = jeju(Some(&graph), &["ingest", dir_s, "--batch-size", "500"]);
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("UTF-8"), "{log}");
    assert!(log.contains("Store") && log.contains("HAS_REVIEW"), "{log}");
    assert!(log.contains("0 rows rejected"), "{log}");
    let stores = graph.client.counts().await.unwrap().node("Store");
    assert!(stores > 100, "{stores}");

    let out = jeju(Some(&graph), &["samples"]);
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("한림읍") && log.contains("→ {"), "{log}");

    // A corrupt row with --strict fails before anything is written; without it, it is reported.
    std::fs::write(
        dir.join("reviews.jsonl"),
        format!(
            "{}not json\n",
            std::fs::read_to_string(dir.join("reviews.jsonl")).unwrap()
        ),
    )
    .unwrap();
    let out = jeju(Some(&graph), &["ingest", dir_s, "--strict"]);
    let log = text(&out);
    assert!(!out.status.success(), "{log}");
    assert!(
        log.contains("reviews.jsonl:") && log.contains("invalid record"),
        "{log}"
    );
    assert!(log.contains("--strict"), "{log}");
}

#[test]
fn bad_input_gives_a_clear_error_not_a_panic() {
    let out = jeju(None, &["ingest", "/nonexistent/data", "--no-start"]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("/nonexistent/data"), "{log}");
    assert!(!log.contains("panicked"), "{log}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.csv"), "a,b\n1,2\n").unwrap();
    let out = jeju(
        None,
        &["ingest", dir.path().to_str().unwrap(), "--no-start"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("not a contest CSV") && log.contains("missing columns"),
        "{log}"
    );

    // A valid file but no server: a connection error that names the URI.
    let csv = dir.path().join("x.csv");
    std::fs::write(
        &csv,
        format!(
            "{}\n202301,가게,20200101,커피,제주 제주시 연동 1,1_상위 10% 이하,2_10~25%,3_25~50%{}\n",
            jeju_data_columns(),
            ",0.05".repeat(20)
        ),
    )
    .unwrap();
    let out = jeju(None, &["ingest", csv.to_str().unwrap(), "--no-start"]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("bolt://127.0.0.1:9"), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}

fn jeju_data_columns() -> String {
    jeju_data::contest::COLUMNS.join(",")
}

#[test]
fn eval_compare_reports_differences_and_exits_1_with_identical() {
    let golden = jeju_tests::workspace_root().join("eval/golden/smoke-no-llm.jsonl");
    let golden_s = golden.to_str().unwrap();
    let out = jeju(
        None,
        &["eval", "compare", golden_s, golden_s, "--identical"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("verdict: IDENTICAL answers"), "{log}");

    // The same answers with the first two picks of the first recommendation swapped.
    let dir = tempfile::tempdir().unwrap();
    let mut swapped = false;
    let lines: Vec<String> = std::fs::read_to_string(&golden)
        .unwrap()
        .lines()
        .map(|line| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let recommend = v["kind"] == "recommend";
            let ids = &mut v["turns"][0]["ids"];
            if !swapped && recommend && ids.as_array().is_some_and(|a| a.len() > 1) {
                ids.as_array_mut().unwrap().swap(0, 1);
                swapped = true;
            }
            v.to_string()
        })
        .collect();
    assert!(swapped);
    let changed = dir.path().join("changed.jsonl");
    std::fs::write(&changed, lines.join("\n")).unwrap();
    let changed_s = changed.to_str().unwrap();

    let out = jeju(None, &["eval", "compare", golden_s, changed_s]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("answers: differ in 1 turn of 1 case") && log.contains("[order]"),
        "{log}"
    );
    let out = jeju(
        None,
        &["eval", "compare", golden_s, changed_s, "--identical"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("--identical: answers differ in 1 turn"),
        "{log}"
    );

    let out = jeju(None, &["eval", "compare", golden_s, changed_s, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["differences"].as_array().unwrap().len(), 1);
    assert_eq!(json["differences"][0]["what"][0], "order");

    let out = jeju(None, &["eval", "compare", golden_s, "/nonexistent/run"]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(
        log.contains("/nonexistent/run") && !log.contains("panicked"),
        "{log}"
    );
}
