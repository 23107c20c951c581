//! End to end in a real browser: headless Debian Chromium (installed by `setup.sh`), driven
//! through chromedriver with fantoccini, against `jeju serve`'s router on loopback with the
//! small data. Types a Korean question, waits for three cards, asks a follow-up and checks
//! that the second answer changed accordingly (cheaper, none of the first picks). With a slow
//! fake LLM, the rules' preliminary cards show while the model writes, and its picks take
//! their places one by one. Screenshots (desktop, a 390-px-wide phone, preliminary cards)
//! are written to `target/e2e/`.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;

use common::Server;
use fantoccini::{Client, ClientBuilder, Locator};
use jeju_llm::fake::{FakeLlm, Reply};
use jeju_process::OwnedChild;
use jeju_tests::{call_of, Call};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// How long one answer may take in the browser (the no-LLM path answers in milliseconds;
/// this is for a loaded CI machine).
const ANSWER_WAIT: Duration = Duration::from_secs(60);

struct Browser {
    client: Client,
    _driver: OwnedChild,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start() -> Browser {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                std::path::Path::new(bin).exists(),
                "{bin} is missing: ./setup.sh installs Debian's chromium and chromium-driver"
            );
        }
        let port = jeju_process::free_port().unwrap();
        let driver = OwnedChild::new(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic", "--no-first-run",
                    "--window-size=1280,1000", "--lang=ko-KR",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session");
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    /// chromedriver goes with its handle, but the browser it started would outlive it (a
    /// failed test never reaches `close`): kill every process that uses this test's profile.
    fn drop(&mut self) {
        let needle = self._profile.path().to_string_lossy().into_owned();
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return;
        };
        for entry in procs.flatten() {
            let pid = entry.file_name().to_string_lossy().into_owned();
            if !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains(&needle) {
                let _ = Command::new("kill").args(["-9", &pid]).status();
            }
        }
    }
}

fn artifacts() -> PathBuf {
    let dir = jeju_tests::workspace_root().join("target/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The cards of the `n`th finished answer (1-based): (store id, price per person).
async fn cards_of_answer(c: &Client, n: usize) -> Vec<(String, i64)> {
    let answers = c
        .find_all(Locator::Css(".message.assistant.done"))
        .await
        .unwrap();
    let answer = &answers[n - 1];
    let mut out = Vec::new();
    for card in answer.find_all(Locator::Css(".pick-card")).await.unwrap() {
        let id = card.attr("data-id").await.unwrap().unwrap_or_default();
        let price = card
            .attr("data-price-per-person")
            .await
            .unwrap()
            .and_then(|p| p.parse().ok())
            .unwrap_or(i64::MAX);
        out.push((id, price));
    }
    out
}

/// Waits until `n` answers are finished; returns the time it took.
async fn wait_for_answers(c: &Client, n: usize) -> Duration {
    let started = Instant::now();
    loop {
        let done = c
            .find_all(Locator::Css(".message.assistant.done"))
            .await
            .unwrap()
            .len();
        let errors = c.find_all(Locator::Css(".message.error")).await.unwrap();
        if let Some(e) = errors.first() {
            panic!(
                "the page shows an error: {}",
                e.text().await.unwrap_or_default()
            );
        }
        if done >= n {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < ANSWER_WAIT,
            "no answer {n} after {ANSWER_WAIT:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Types `question` and sends it; returns when it was sent.
async fn send(c: &Client, question: &str) -> Instant {
    let input = c.find(Locator::Css("#question")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(question).await.unwrap();
    let sent = Instant::now();
    c.find(Locator::Css("#send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    sent
}

async fn ask(c: &Client, question: &str) -> (Duration, Duration) {
    let before = c
        .find_all(Locator::Css(".message.assistant.done"))
        .await
        .unwrap()
        .len();
    let sent = send(c, question).await;
    // Progress shows first (or the answer is already there on a fast machine).
    let progress = c
        .wait()
        .at_most(ANSWER_WAIT)
        .every(Duration::from_millis(10))
        .for_element(Locator::Css(".progress, .message.assistant.done"))
        .await
        .map(|_| sent.elapsed())
        .expect("no progress shown");
    wait_for_answers(c, before + 1).await;
    (progress, sent.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_korean_question_then_a_follow_up_in_headless_chromium() {
    let server = Server::start(31).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    let out = artifacts();

    c.goto(&server.url("/?lang=ko")).await.unwrap();
    // The page hydrates (the wasm client marks the root) before it is used.
    if jeju_server::hydrates() {
        c.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("[data-hydrated='true']"))
            .await
            .expect("the page did not hydrate");
    }
    let starters = c.find_all(Locator::Css(".starter")).await.unwrap();
    assert!(
        (4..=6).contains(&starters.len()),
        "{} starters",
        starters.len()
    );

    let (progress, full) = ask(c, "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘").await;
    eprintln!("first answer: progress visible after {progress:?}, full answer after {full:?}");
    let first = cards_of_answer(c, 1).await;
    assert_eq!(first.len(), 3, "three cards");
    let page = c.source().await.unwrap();
    assert!(page.contains("애월읍"));
    std::fs::write(out.join("chat-desktop.png"), c.screenshot().await.unwrap()).unwrap();

    // The trace opens and shows the Cypher that ran.
    let trace = c
        .find(Locator::Css(
            ".message.assistant.done details.trace summary",
        ))
        .await
        .unwrap();
    // Scrolled clear of the sticky question box, as a user would.
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(&trace).unwrap()],
    )
    .await
    .unwrap();
    trace.click().await.unwrap();
    let details = c
        .find(Locator::Css(".message.assistant.done details.trace"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(details.contains("MATCH"), "{details}");

    // The follow-up continues the session: cheaper places, none of the first three.
    let (_, full) = ask(c, "더 저렴한 곳은?").await;
    eprintln!("follow-up: full answer after {full:?}");
    let second = cards_of_answer(c, 2).await;
    assert!(!second.is_empty(), "the follow-up found nothing");
    let earlier: BTreeSet<&str> = first.iter().map(|(id, _)| id.as_str()).collect();
    let cheapest = first.iter().map(|(_, p)| *p).min().unwrap();
    for (id, price) in &second {
        assert!(!earlier.contains(id.as_str()), "{id} was a first pick");
        assert!(*price < cheapest, "{id}: {price} is not below {cheapest}");
    }

    // A phone-sized window: the same conversation, one column.
    c.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(out.join("chat-phone.png"), c.screenshot().await.unwrap()).unwrap();
    let overflow = c
        .execute(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        overflow,
        serde_json::json!(false),
        "the page scrolls sideways at 390 px"
    );

    c.clone().close().await.unwrap();
}

/// What the fake model answers when it is not asked to select (the health probe's models).
const MODELS_JSON: &str = r#"{"object": "list", "data": [{"id": "fake", "object": "model", "created": 0, "owned_by": "test"}]}"#;
/// The slow model's pause before each pick it writes.
const MODEL_PAUSE: Duration = Duration::from_millis(1500);

/// The live cards of the running answer: (state, store id) by rank, read in one script so
/// that the view is one moment's.
async fn live_cards(c: &Client) -> Vec<(String, String)> {
    let script = "return Array.from(document.querySelectorAll('.message.assistant.running .live-card')).map(card => { const pick = card.querySelector('.pick-card'); return [card.dataset.state || '', pick ? (pick.dataset.id || '') : '']; });";
    let value = c.execute(script, vec![]).await.unwrap_or_default();
    serde_json::from_value(value).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_slow_llm_the_rules_cards_show_first_and_the_models_picks_take_their_places() {
    if !jeju_server::hydrates() {
        panic!("the page was built without its wasm client (./setup.sh adds the wasm32 target)");
    }
    // The model writes one pick every 1.5 s: c3 first (the third of the shortlist, which the
    // rules did not rank first), then c1, then c2.
    let answer = r#"{"picks": [{"id": "c3", "facts": [1]}, {"id": "c1", "facts": [2]}, {"id": "c2", "facts": [1]}]}"#;
    let cuts: Vec<usize> = ["}, {\"id\": \"c1\"", "}, {\"id\": \"c2\""]
        .iter()
        .map(|at| answer[..answer.find(at).unwrap() + 1].chars().count())
        .collect();
    let fake = FakeLlm::scripted(Arc::new(move |body: &str| match call_of(body) {
        Call::Select => Reply::paced_stream(answer, &cuts, MODEL_PAUSE),
        Call::Other => Reply::http("200 OK", "application/json", MODELS_JSON),
        // A question the rules read in full asks nothing else.
        other => panic!("unexpected {other:?} call"),
    }))
    .await
    .unwrap();
    let graph = jeju_tests::loaded_small_graph(37).await;
    let mut config = jeju_llm::LlmConfig::for_url(&fake.url);
    config.max_retries = 0;
    let pipeline = jeju_pipeline::Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_llm(jeju_llm::LlmClient::new(config).unwrap());
    let server = Server::start_with(
        graph,
        pipeline,
        jeju_server::ServerConfig::for_pipeline(true),
    )
    .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&server.url("/?lang=ko")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-hydrated='true']"))
        .await
        .expect("the page did not hydrate");
    let sent = send(c, "60대 부모님과 가기 좋은 애월읍 흑돼지 맛집 추천해줘").await;

    // Every view of the running answer, until it is done.
    let mut views: Vec<(Duration, Vec<(String, String)>)> = Vec::new();
    let mut shot = false;
    loop {
        let cards = live_cards(c).await;
        if !cards.is_empty() && views.last().map(|(_, v)| v) != Some(&cards) {
            if !shot && cards.iter().all(|(state, _)| state == "preliminary") {
                std::fs::write(
                    artifacts().join("chat-preliminary.png"),
                    c.screenshot().await.unwrap(),
                )
                .unwrap();
                shot = true;
            }
            views.push((sent.elapsed(), cards));
        }
        let done = c
            .find_all(Locator::Css(".message.assistant.done"))
            .await
            .unwrap();
        if !done.is_empty() {
            break;
        }
        assert!(sent.elapsed() < ANSWER_WAIT, "no answer: {views:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let total = sent.elapsed();
    eprintln!("views of the running answer: {views:?}; answer after {total:?}");
    // First: the rules' three cards, all preliminary, well before the model's first pick.
    let (at, first) = &views[0];
    assert_eq!(first.len(), 3, "{views:?}");
    assert!(first.iter().all(|(s, _)| s == "preliminary"), "{views:?}");
    assert!(*at < MODEL_PAUSE, "preliminary cards after {at:?}");
    // Then the model's picks take the slots one by one: always three cards, and a view where
    // the first slot is the model's while the second is still the rules'.
    assert!(views.iter().all(|(_, v)| v.len() == 3), "{views:?}");
    let partial = views
        .iter()
        .find(|(_, v)| v[0].0 != "preliminary" && v[1].0 == "preliminary")
        .unwrap_or_else(|| panic!("no view with the first pick in place: {views:?}"));
    // A rules' card whose place the model picked first is marked as moved, not shown twice.
    for (_, v) in &views {
        let live: Vec<&str> = v
            .iter()
            .filter(|(state, _)| state != "moved")
            .map(|(_, id)| id.as_str())
            .collect();
        let unique: BTreeSet<&str> = live.iter().copied().collect();
        assert_eq!(unique.len(), live.len(), "a place shown twice: {views:?}");
    }
    assert!(
        ["replaced", "confirmed"].contains(&partial.1[0].0.as_str()),
        "{partial:?}"
    );
    // The answer is the model's picks, in its order.
    let finished = cards_of_answer(c, 1).await;
    assert_eq!(finished.len(), 3);
    assert_eq!(finished[0].0, partial.1[0].1, "{views:?}");
    assert!(total >= MODEL_PAUSE * 3, "the model's pauses: {total:?}");
    c.clone().close().await.unwrap();
}
