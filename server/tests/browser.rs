//! End to end in a real browser: headless Debian Chromium (installed by `setup.sh`), driven
//! through chromedriver with fantoccini, against `jeju serve`'s router on loopback with the
//! small data.
//! - Korean: a question, three cards and a map with three numbered pins; the trace in people's
//!   words (no file path, no English outside an allowlist); a cheaper follow-up; a "near #2"
//!   follow-up whose map draws the radius; a data question answered with a sentence; axe-core
//!   finds no serious accessibility violation.
//! - English: English store types, regions and reasons; a phone-sized page.
//! - With a slow fake LLM, the rules' preliminary cards show while the model writes, and its
//!   picks take their places one by one.
//!
//! Screenshots are written to `target/e2e/`: `chat-desktop.png` (Korean), `chat-trace.png`
//! (an open trace), `chat-map-near.png` (the map after "2번 근처"), `chat-data.png` (a data
//! answer), `chat-phone.png` (Korean, 390 px), `chat-phone-en.png` (English, 390 px),
//! `chat-preliminary.png`.

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

/// The axe-core script (installed by `setup.sh` under `web/e2e/node_modules`).
fn axe_source() -> String {
    let path = jeju_tests::workspace_root().join("web/e2e/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (./setup.sh installs axe-core with npm)",
            path.display()
        )
    })
}

/// Runs axe-core on the page as it is; panics on any serious or critical violation.
async fn check_accessibility(c: &Client, what: &str) {
    c.execute(&axe_source(), vec![])
        .await
        .expect("axe-core loads");
    let script = "const done = arguments[arguments.length - 1]; \
        axe.run(document, {resultTypes: ['violations']}) \
          .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, \
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' '))})))) \
          .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));";
    let value = c.execute_async(script, vec![]).await.expect("axe.run");
    let violations = value.as_array().cloned().unwrap_or_default();
    eprintln!(
        "axe-core on {what}: {} violations: {value}",
        violations.len()
    );
    let serious: Vec<&serde_json::Value> = violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    assert!(serious.is_empty(), "axe-core on {what}: {serious:#?}");
}

/// The map of the `n`th finished answer: each pin's (rank, lat, lng), and whether the radius
/// of a "near" question is drawn.
async fn map_of_answer(c: &Client, n: usize) -> (Vec<(u32, f64, f64)>, bool) {
    let script = "const a = document.querySelectorAll('.message.assistant.done')[arguments[0]]; \
        const pins = Array.from(a.querySelectorAll('.answer-map .pin')).map(p => \
          [Number(p.dataset.rank), Number(p.dataset.lat), Number(p.dataset.lng)]); \
        return [pins, a.querySelector('.answer-map .map-near .radius') !== null];";
    let value = c
        .execute(script, vec![serde_json::json!(n - 1)])
        .await
        .unwrap();
    serde_json::from_value(value).unwrap()
}

/// Every pin lies in the island's box, and the ranks are 1, 2, 3.
fn assert_three_pins_on_jeju(pins: &[(u32, f64, f64)]) {
    let (south, west, north, east) = jeju_web::map::island_box();
    let ranks: Vec<u32> = pins.iter().map(|p| p.0).collect();
    assert_eq!(ranks, [1, 2, 3], "{pins:?}");
    for (rank, lat, lng) in pins {
        assert!(
            (south..=north).contains(lat) && (west..=east).contains(lng),
            "pin {rank} at {lat},{lng} is off the island ({south}..{north}, {west}..{east})"
        );
    }
}

/// The text of the `n`th answer's trace for people: without the Cypher (code) and the store
/// names, which may be in any script.
async fn trace_prose(c: &Client, n: usize) -> String {
    let script = "const a = document.querySelectorAll('.message.assistant.done')[arguments[0]]; \
        const t = a.querySelector('details.trace').cloneNode(true); \
        t.querySelectorAll('.cypher, .candidate-name').forEach(e => e.remove()); \
        return t.textContent;";
    let value = c
        .execute(script, vec![serde_json::json!(n - 1)])
        .await
        .unwrap();
    value.as_str().unwrap_or_default().to_owned()
}

/// Opens the `n`th answer's trace (scrolled clear of the sticky question box, as a user
/// would) and returns its element.
async fn open_trace(c: &Client, n: usize) -> fantoccini::elements::Element {
    let answers = c
        .find_all(Locator::Css(".message.assistant.done"))
        .await
        .unwrap();
    let trace = answers[n - 1]
        .find(Locator::Css("details.trace summary"))
        .await
        .unwrap();
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'});",
        vec![serde_json::to_value(&trace).unwrap()],
    )
    .await
    .unwrap();
    trace.click().await.unwrap();
    answers[n - 1]
        .find(Locator::Css("details.trace"))
        .await
        .unwrap()
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
    // The map: three numbered pins on the island.
    let (pins, _) = map_of_answer(c, 1).await;
    assert_three_pins_on_jeju(&pins);
    std::fs::write(out.join("chat-desktop.png"), c.screenshot().await.unwrap()).unwrap();

    // The trace opens and shows the Cypher that ran, and the rest in people's words: no file
    // path or command, and on this Korean page no English outside the allowlist.
    let trace = open_trace(c, 1).await;
    let details = trace.text().await.unwrap();
    assert!(details.contains("MATCH"), "{details}");
    let prose = trace_prose(c, 1).await;
    assert!(prose.contains("규칙으로 조건을 읽었어요"), "{prose}");
    for path_like in [".jeju", "/vectors", "jeju ingest", "`"] {
        assert!(
            !details.contains(path_like),
            "{path_like:?} in the trace: {details}"
        );
    }
    const ALLOWED: [&str; 4] = ["AI", "ms", "km", "Cypher"];
    let english: Vec<&str> = prose
        .split(|ch: char| !ch.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2 && !ALLOWED.contains(w))
        .collect();
    assert!(
        english.is_empty(),
        "English in the Korean trace: {english:?}\n{prose}"
    );
    // The open trace at the top of the screen, clear of the sticky header.
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -70);",
        vec![serde_json::to_value(&trace).unwrap()],
    )
    .await
    .unwrap();
    std::fs::write(out.join("chat-trace.png"), c.screenshot().await.unwrap()).unwrap();
    check_accessibility(c, "a Korean answer with its trace open").await;

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

    // Near an earlier pick: the map draws the radius around it.
    ask(c, "2번 근처 다른 곳도 추천해줘").await;
    let (pins, radius) = map_of_answer(c, 3).await;
    assert!(radius, "no radius on the map of a near question");
    assert!(!pins.is_empty(), "no pin near #2");
    let map = c
        .find_all(Locator::Css(".message.assistant.done .answer-map"))
        .await
        .unwrap();
    let map = map.last().expect("the near answer's map");
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(map).unwrap()],
    )
    .await
    .unwrap();
    std::fs::write(
        out.join("chat-map-near.png"),
        map.screenshot().await.unwrap(),
    )
    .unwrap();

    // A data question: a sentence that names what was ranked, then the table.
    ask(c, "한림읍 카페 중 30대 이용 비중이 가장 높은 곳은?").await;
    let data = c
        .find_all(Locator::Css(".message.assistant.done"))
        .await
        .unwrap();
    let data = &data[3];
    assert_eq!(
        data.attr("data-kind").await.unwrap().as_deref(),
        Some("search")
    );
    let sentence = text_in(data, ".search-answer .sentence").await;
    assert!(
        sentence.contains("한림읍") && sentence.contains("30대"),
        "{sentence}"
    );
    let title = text_in(data, "details.trace summary").await;
    assert_eq!(title, "어떻게 계산했나요?");
    c.execute(
        "arguments[0].scrollIntoView({block: 'center'});",
        vec![serde_json::to_value(data).unwrap()],
    )
    .await
    .unwrap();
    std::fs::write(out.join("chat-data.png"), c.screenshot().await.unwrap()).unwrap();

    // A phone-sized window: the same conversation, one column.
    c.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    std::fs::write(out.join("chat-phone.png"), c.screenshot().await.unwrap()).unwrap();
    assert_no_sideways_scrolling(c).await;

    // Switching the page to English tells the earlier answers again in English: types and
    // regions, reasons, the trace.
    c.find(Locator::Css("#lang-toggle"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let first_answer = c
        .find(Locator::Css(".message.assistant.done"))
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(".message.assistant.done[lang='en']"))
        .await
        .expect("the answers did not switch to English");
    let meta = text_in(&first_answer, ".pick-card .meta").await;
    assert!(!has_hangul(&meta) && meta.contains("Aewol-eup"), "{meta}");
    let reason = text_in(&first_answer, ".pick-card .reason").await;
    assert!(
        reason.starts_with("Why ") && !reason.contains("손님"),
        "{reason}"
    );
    let summary = text_in(&first_answer, "details.trace summary").await;
    assert_eq!(summary, "How did you pick these?");

    // The data answer follows the switch too.
    let data_sentence = c
        .find(Locator::Css(".search-answer .sentence"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(data_sentence.contains("Hallim-eup"), "{data_sentence}");

    c.clone().close().await.unwrap();
}

/// The page fits the window's width (nothing scrolls sideways).
async fn assert_no_sideways_scrolling(c: &Client) {
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
        "the page scrolls sideways"
    );
}

/// The text of the first element under `within` that matches `css`.
async fn text_in(within: &fantoccini::elements::Element, css: &str) -> String {
    within
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Hangul syllables in `text`.
fn has_hangul(text: &str) -> bool {
    text.chars()
        .any(|ch| ('\u{AC00}'..='\u{D7A3}').contains(&ch))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_question_gets_english_cards_and_reasons_on_a_phone() {
    if !jeju_server::hydrates() {
        panic!("the page was built without its wasm client (./setup.sh adds the wasm32 target)");
    }
    let server = Server::start(31).await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&server.url("/?lang=en")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("[data-hydrated='true']"))
        .await
        .expect("the page did not hydrate");
    // The page's language first among the starters.
    let first_starter = c
        .find(Locator::Css(".starter"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(first_starter.is_ascii(), "{first_starter}");

    ask(c, "Where can I take my parents for black pork in Aewol?").await;
    let cards = c
        .find_all(Locator::Css(".message.assistant.done .pick-card"))
        .await
        .unwrap();
    assert_eq!(cards.len(), 3);
    for card in &cards {
        // "Korean home cooking · Aewol-eup": the type and region in English.
        let meta = text_in(card, ".meta").await;
        assert!(!has_hangul(&meta), "{meta}");
        assert!(meta.contains("Aewol-eup"), "{meta}");
        // The reason in English: menu names stay Korean beside their English gloss.
        let reason = text_in(card, ".reason").await;
        for korean in ["손님", "현지인", "리뷰", "평점", "방문", "원"] {
            assert!(!reason.contains(korean), "{reason}");
        }
        assert!(reason.starts_with("Why "), "{reason}");
        let menu = text_in(card, ".menu").await;
        assert!(menu.contains('₩') && !menu.contains('원'), "{menu}");
    }
    let (pins, _) = map_of_answer(c, 1).await;
    assert_three_pins_on_jeju(&pins);
    assert_no_sideways_scrolling(c).await;
    // The title stays on one line on a phone.
    let title_lines = c
        .execute(
            "const h = document.querySelector('.brand h1'); \
             return Math.round(h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(title_lines, serde_json::json!(1), "the title wraps");
    // A compact question bar: under a fifth of the screen (it was 21 %).
    let dock_share = c
        .execute(
            "return document.querySelector('.dock').getBoundingClientRect().height / window.innerHeight;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    eprintln!(
        "the question bar takes {:.0} % of the phone's screen",
        dock_share * 100.0
    );
    assert!(dock_share < 0.2, "{dock_share}");
    let first_card = &cards[0];
    // Its top clear of the sticky header.
    c.execute(
        "arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -60);",
        vec![serde_json::to_value(first_card).unwrap()],
    )
    .await
    .unwrap();
    std::fs::write(
        artifacts().join("chat-phone-en.png"),
        c.screenshot().await.unwrap(),
    )
    .unwrap();
    check_accessibility(c, "an English answer on a phone").await;
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
