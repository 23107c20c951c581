//! A jeju server on a free loopback port over a private graph server with the small data.

use std::net::SocketAddr;
use std::sync::Arc;

use jeju_pipeline::Pipeline;
use jeju_server::{AppState, Listener, ServerConfig};
use jeju_tests::{loaded_small_graph, LoadedGraph};
use serde_json::Value;

pub struct Server {
    pub addr: SocketAddr,
    pub http: reqwest::Client,
    /// The graph server (kept alive with the server; fault tests kill and restart it).
    #[allow(dead_code)] // not every test binary touches it
    pub graph: LoadedGraph,
    /// The server's shared state (its sessions, its limits).
    #[allow(dead_code)] // not every test binary looks inside
    pub state: Arc<AppState>,
}

impl Server {
    /// The no-LLM pipeline with the no-LLM limits.
    #[allow(dead_code)] // not every test binary uses the plain server
    pub async fn start(seed: u64) -> Server {
        let graph = loaded_small_graph(seed).await;
        let pipeline = Pipeline::new(graph.graph.client.clone()).unwrap();
        Server::start_with(graph, pipeline, ServerConfig::for_pipeline(false)).await
    }

    /// A server over `pipeline` (built on `graph`) with `config`.
    #[allow(dead_code)] // not every test binary needs another pipeline
    pub async fn start_with(
        graph: LoadedGraph,
        pipeline: Pipeline,
        config: ServerConfig,
    ) -> Server {
        let state = AppState::new(Arc::new(pipeline), config);
        let listener = Listener::bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(listener.serve(state.clone(), std::future::pending()));
        Server {
            addr,
            state,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            graph,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    #[allow(dead_code)] // not every test binary asks over the API
    pub async fn ask(&self, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(self.url("/api/ask"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap())
    }
}
