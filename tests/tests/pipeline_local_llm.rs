//! The whole pipeline with the real local model (llama-server and the GGUF installed by
//! ./setup.sh) on the small data: every LLM stage is called, and whatever the 1.5B model
//! writes, the answer keeps the hard constraints (the checks and fallbacks make sure).

use std::time::Duration;

use jeju_llm::{LlamaServer, LlmClient, ServerConfig};
use jeju_pipeline::Pipeline;
use jeju_tests::{assert_three_picks_in, loaded_small_graph, workspace_root};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_model_runs_every_llm_stage_and_the_constraints_hold() {
    let graph = loaded_small_graph(21).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::local(&workspace_root());
    config.port = jeju_llm::server::free_port().unwrap();
    config.root = dir.path().to_path_buf();
    config.threads = 1;
    let server = LlamaServer::spawn_owned(config)
        .await
        .unwrap_or_else(|e| panic!("cannot start the local llama-server (./setup.sh): {e}"));
    let mut llm_config = server.client_config();
    // Generous: 2 cores shared with other tests.
    llm_config.request_timeout = Duration::from_secs(240);
    let llm = LlmClient::new(llm_config).unwrap();
    let pipeline = Pipeline::new(graph.graph.client.clone())
        .unwrap()
        .with_llm(llm);

    let answer = pipeline
        // "grandparents" is a word the rules do not know: the route asks the model (a
        // question whose every word they know is routed without it).
        .ask("Where can I take my grandparents for black pork in Aewol?")
        .await
        .unwrap();
    println!("{}", answer.text);
    for s in &answer.trace.stages {
        println!(
            "{:<14} {:>9.0} ms  {:?}  {}",
            s.stage.as_str(),
            s.ms,
            s.fallback,
            s.detail
        );
    }
    // The route and select made their calls (none was skipped as unavailable); text2cypher
    // asks the model only when a word is still unexplained after the route's reading.
    let t2c = answer
        .trace
        .stage(jeju_pipeline::Stage::Text2Cypher)
        .unwrap();
    assert_eq!(
        t2c.llm.is_some(),
        answer.understanding.has_unexplained(),
        "{t2c:?} {:?}",
        answer.understanding
    );
    for name in [jeju_pipeline::Stage::Route, jeju_pipeline::Stage::Select] {
        let s = answer.trace.stage(name).unwrap();
        let usage = s
            .llm
            .unwrap_or_else(|| panic!("{name} made no LLM call: {s:?}"));
        assert!(usage.completion_tokens > 0, "{name}: {usage:?}");
        assert!(
            !s.fallback
                .as_ref()
                .map(|f| f.message.as_str())
                .unwrap_or_default()
                .contains("unavailable"),
            "{s:?}"
        );
    }
    assert_three_picks_in(&graph.data, &answer, "애월읍", "흑돼지");
}
