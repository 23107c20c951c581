//! The review index built in the background: `jeju serve` over a graph without a review
//! index answers at once, builds the index in a low-priority child (`jeju reviews build
//! --background`), shows its progress in `/api/health` and `jeju status`, and switches review
//! search on when it is done, without a restart.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jeju_api::{AskResponse, Health, ReviewIndexPhase, Stage};

/// Reviews kept in the graph (a few seconds of embedding on a loaded CI machine).
const REVIEWS: usize = 120;

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_builds_the_missing_review_index_in_the_background_and_switches_review_search_on() {
    let model = workspace_root().join(".jeju/e5");
    assert!(
        model.join("e5-small-q4.bin").is_file(),
        "this test needs the e5 model in {} (./setup.sh installs it)",
        model.display()
    );
    let graph =
        jeju_tests::loaded_small_graph_with(43, |data| data.reviews.truncate(REVIEWS)).await;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".jeju")).unwrap();
    std::os::unix::fs::symlink(&model, home.path().join(".jeju/e5")).unwrap();
    let c = &graph.graph.graph_config;
    let jeju = |args: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_jeju"));
        cmd.args(args)
            .env("JEJU_HOME", home.path())
            .env("JEJU_GRAPH_URI", &c.uri)
            .env("JEJU_GRAPH_USER", &c.user)
            .env("JEJU_GRAPH_PASSWORD", &c.password)
            .env("JEJU_GRAPH_DB", &c.database)
            .env("JEJU_LLM_URL", "http://127.0.0.1:9/v1")
            .env_remove("JEJU_REVIEW_INDEX_DIR")
            .env_remove("JEJU_EMBED_CACHE")
            .env_remove("JEJU_REVIEW_VECTORS");
        cmd
    };
    let port = jeju_process::free_port().unwrap();
    let addr = format!("127.0.0.1:{port}");

    let before = jeju(&["status", "--addr", &addr]).output().unwrap();
    let before = String::from_utf8_lossy(&before.stdout).into_owned();
    assert!(before.contains("reviews: not built"), "{before}");
    assert!(before.contains("server:  not running"), "{before}");

    let log = home.path().join("serve.log");
    let mut serve = jeju_process::OwnedChild::new(
        jeju(&["serve", "--no-llm", "--addr", &addr])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let http = reqwest::Client::new();
    let health = || async {
        let r = http
            .get(format!("http://{addr}/api/health"))
            .send()
            .await
            .ok()?;
        r.json::<Health>().await.ok()
    };

    // Until the index is ready, health reports the build (or already its end), and the
    // server answers meanwhile.
    let started = Instant::now();
    let mut phases = Vec::new();
    let ready = loop {
        if let Some(h) = health().await {
            let phase = h.review_index.as_ref().map(|r| r.state);
            if phases.last() != Some(&phase) {
                phases.push(phase);
            }
            if h.review_search {
                break h;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "review search did not switch on; phases {phases:?}\n{}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default(),
            std::fs::read_to_string(home.path().join(".jeju/logs/reviews-build.log"))
                .unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let index = ready.review_index.expect("the index is tracked");
    assert_eq!(index.state, ReviewIndexPhase::Ready);
    assert_eq!(index.percent, Some(100));
    assert!(
        phases.iter().all(|p| matches!(
            p,
            Some(ReviewIndexPhase::Building | ReviewIndexPhase::Ready)
        )),
        "{phases:?}"
    );
    let serve_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        serve_log.contains("building it in the background at low priority"),
        "{serve_log}"
    );
    assert!(serve_log.contains("review search is on"), "{serve_log}");

    // A recommendation now uses review search (no restart happened).
    let answer: AskResponse = http
        .post(format!("http://{addr}/api/ask"))
        .json(&serde_json::json!({"question": "분위기 좋은 애월읍 카페 추천해줘"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let review_stage = answer
        .trace
        .stages
        .iter()
        .find(|s| s.stage == Stage::ReviewSearch)
        .expect("a review search stage");
    assert_ne!(
        review_stage.fallback.as_deref(),
        Some("review_search_unavailable"),
        "{review_stage:?}"
    );
    assert!(answer.warming_up.is_none());

    // `jeju status` tells the same.
    let after = jeju(&["status", "--addr", &addr]).output().unwrap();
    let after = String::from_utf8_lossy(&after.stdout).into_owned();
    assert!(
        after.contains(&format!("reviews: ready ({REVIEWS} reviews)")),
        "{after}"
    );
    assert!(after.contains("server:  answering"), "{after}");

    // A second server finds the index ready and starts no build.
    let port2 = jeju_process::free_port().unwrap();
    let addr2 = format!("127.0.0.1:{port2}");
    let log2 = home.path().join("serve2.log");
    let _serve2 = jeju_process::OwnedChild::new(
        jeju(&["serve", "--no-llm", "--addr", &addr2])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log2).unwrap())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    loop {
        if let Ok(r) = http.get(format!("http://{addr2}/api/health")).send().await {
            let h: Health = r.json().await.unwrap();
            assert!(h.review_search, "{h:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the second server did not start"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let second_log = std::fs::read_to_string(&log2).unwrap_or_default();
    assert!(!second_log.contains("background"), "{second_log}");
    serve.kill();
}
