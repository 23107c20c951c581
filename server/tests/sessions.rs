//! Conversations in the shared store (Redis, as `JEJU_SESSION_STORE=redis://…` selects it):
//! a follow-up is answered by a second server process and after a restart, the page shows
//! the whole conversation from any of them, and a server whose store is down still answers.
//! Debian's redis-server (installed by setup.sh) is started on a free loopback port.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use jeju_api::{AnswerKind, AskResponse};
use jeju_pipeline::Pipeline;
use jeju_process::OwnedChild;
use jeju_server::session_store::SessionStoreConfig;
use jeju_server::sessions::Sessions;
use jeju_server::{AppState, Listener, ServerConfig};
use jeju_tests::loaded_small_graph;
use serde_json::{json, Value};

const REDIS: &str = "redis-server";

struct Redis {
    url: String,
    _child: OwnedChild,
    _dir: tempfile::TempDir,
}

async fn start_redis() -> Redis {
    let dir = tempfile::tempdir().unwrap();
    let port = jeju_process::free_port().unwrap();
    let child = Command::new(REDIS)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("{REDIS} does not start ({e}): ./setup.sh installs Debian's redis-server")
        });
    let child = OwnedChild::new(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Redis {
                url: format!("redis://127.0.0.1:{port}/0"),
                _child: child,
                _dir: dir,
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{REDIS} did not listen on {port}");
}

/// One `jeju serve` (the no-LLM pipeline) over `graph` with conversations in `store`; stops
/// when dropped.
struct Served {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Served {
    async fn start(graph: &jeju_graph::GraphClient, store: &SessionStoreConfig) -> Served {
        let config = ServerConfig::for_pipeline(false);
        let sessions =
            Sessions::with_store(config.session_ttl, config.max_sessions, store).unwrap();
        let pipeline = Arc::new(Pipeline::new(graph.clone()).unwrap());
        let state = AppState::with_parts(pipeline, config, sessions, None);
        let listener = Listener::bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            listener
                .serve(state, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
        });
        Served {
            addr,
            stop: Some(stop),
            task: Some(task),
        }
    }

    async fn ask(&self, body: Value) -> AskResponse {
        let r = reqwest::Client::new()
            .post(format!("http://{}/api/ask", self.addr))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    async fn page(&self, session_id: &str) -> String {
        reqwest::get(format!("http://{}/?session_id={session_id}", self.addr))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// Stops the server as SIGTERM does (in-flight requests finish).
    async fn shut_down(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

fn ids(r: &AskResponse) -> BTreeSet<String> {
    r.picks.iter().map(|p| p.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_continues_on_a_second_server_and_after_a_restart() {
    let redis = start_redis().await;
    let graph = loaded_small_graph(21).await;
    let client = &graph.graph.client;
    let store = SessionStoreConfig::Redis(redis.url.clone());

    let a = Served::start(client, &store).await;
    let b = Served::start(client, &store).await;

    let first = a
        .ask(json!({"question": "애월읍 흑돼지 맛집 추천해줘"}))
        .await;
    assert_eq!(first.kind, AnswerKind::Recommend);
    assert_eq!(first.turn, 1);
    assert_eq!(first.picks.len(), 3, "{}", first.text);
    let session = first.session_id.clone();

    // The follow-up goes to the other process: it knows the earlier request and picks.
    let second = b
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": session}))
        .await;
    assert_eq!(second.session_id, session);
    assert_eq!(second.turn, 2);
    assert!(second.request.contains("→"), "{}", second.request);
    assert!(second.request.contains("흑돼지"), "{}", second.request);
    assert!(!second.picks.is_empty(), "{}", second.text);
    assert!(
        ids(&second).is_disjoint(&ids(&first)),
        "earlier picks again"
    );
    let cheapest = first.picks.iter().filter_map(|p| p.price_per_person).min();
    for p in &second.picks {
        assert!(p.price_per_person < cheapest, "{} is not cheaper", p.name);
    }

    // Both servers restart (a deploy): the conversation goes on from the store.
    a.shut_down().await;
    b.shut_down().await;
    let c = Served::start(client, &store).await;
    let third = c
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": session}))
        .await;
    assert_eq!(third.session_id, session);
    assert_eq!(third.turn, 3);
    assert!(third.request.contains("흑돼지"), "{}", third.request);
    assert!(
        ids(&third).is_disjoint(&ids(&second)),
        "earlier picks again"
    );

    // The page of the conversation, from the restarted server, shows every turn.
    let page = c.page(&session).await;
    assert!(page.matches("더 저렴한 곳은?").count() >= 2, "{page}");
    assert!(page.contains("애월읍 흑돼지 맛집 추천해줘"));

    // Without the store a server does not know the session: a new conversation starts.
    let alone = Served::start(client, &SessionStoreConfig::Memory).await;
    let fresh = alone
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": session}))
        .await;
    assert_ne!(fresh.session_id, session);
    assert_eq!(fresh.turn, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_whose_store_is_down_still_answers_and_keeps_the_conversation_in_memory() {
    let graph = loaded_small_graph(21).await;
    let port = jeju_process::free_port().unwrap();
    let store = SessionStoreConfig::Redis(format!("redis://127.0.0.1:{port}/0"));
    let s = Served::start(&graph.graph.client, &store).await;
    let first = s
        .ask(json!({"question": "애월읍 흑돼지 맛집 추천해줘"}))
        .await;
    assert_eq!(first.picks.len(), 3, "{}", first.text);
    let second = s
        .ask(json!({"question": "더 저렴한 곳은?", "session_id": first.session_id}))
        .await;
    assert_eq!(second.session_id, first.session_id);
    assert_eq!(second.turn, 2);
    assert!(second.request.contains("→"), "{}", second.request);
}
