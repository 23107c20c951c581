//! Test harness: a private ArcadeDB server per test (free loopback ports, a temporary root,
//! killed when the test ends) and small synthetic data sets.

use std::path::{Path, PathBuf};

use jeju_arcadedb::{ArcadeDb, ServerConfig};
use jeju_graph::{GraphClient, GraphConfig};
use tempfile::TempDir;

/// The workspace root (this crate lives in `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// A running server with a connected client. Dropping it stops the server and deletes its
/// files.
pub struct TestGraph {
    pub client: GraphClient,
    pub graph_config: GraphConfig,
    _server: ArcadeDb,
    _root: TempDir,
}

impl TestGraph {
    /// Starts ArcadeDB as installed by `./setup.sh` (`.jeju/arcadedb`, or
    /// `JEJU_ARCADEDB_HOME`). Panics with the setup hint when it is not installed: these
    /// tests must not pass silently without a server.
    pub async fn start() -> TestGraph {
        let root = tempfile::tempdir().expect("temp dir");
        let mut config = ServerConfig::local(&workspace_root());
        if let Some(home) = std::env::var_os("JEJU_ARCADEDB_HOME") {
            config.home = PathBuf::from(home);
        }
        config.root = root.path().join("graph");
        config.bolt_port = jeju_arcadedb::free_port().expect("free port");
        config.http_port = jeju_arcadedb::free_port().expect("free port");
        config.root_password = "jeju-test-password".into();
        config.database = "jeju".into();
        config.heap_mb = 768;
        let server = ArcadeDb::spawn_owned(config.clone())
            .await
            .unwrap_or_else(|e| panic!("cannot start the test graph server: {e}"));
        let graph_config = GraphConfig {
            uri: config.bolt_uri(),
            user: "root".into(),
            password: config.root_password.clone(),
            database: config.database.clone(),
            ..GraphConfig::default()
        };
        let client = GraphClient::connect(&graph_config)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to the test graph server: {e}"));
        TestGraph {
            client,
            graph_config,
            _server: server,
            _root: root,
        }
    }
}

/// Generates the small synthetic data set into a fresh temporary directory.
pub fn small_data(seed: u64) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    jeju_synth::generate(
        dir.path(),
        &jeju_synth::GenerateOptions {
            scale: jeju_synth::Scale::Small,
            seed,
            encoding: jeju_data::contest::TextEncoding::Cp949,
        },
    )
    .expect("generate small data");
    dir
}

/// A private server holding the small data set of one seed, ingested.
pub struct LoadedGraph {
    pub graph: TestGraph,
    pub data: jeju_data::dataset::DataSet,
    _dir: TempDir,
}

/// Starts a server and ingests the small data set of `seed` into it.
pub async fn loaded_small_graph(seed: u64) -> LoadedGraph {
    let graph = TestGraph::start().await;
    let dir = small_data(seed);
    let data = jeju_data::dataset::DataSet::load(dir.path()).expect("load the small data");
    jeju_graph::ingest::ingest(
        &graph.client,
        &data,
        &jeju_graph::ingest::IngestOptions::default(),
        &jeju_graph::ingest::NoProgress,
    )
    .await
    .expect("ingest the small data");
    LoadedGraph {
        graph,
        data,
        _dir: dir,
    }
}

/// Asserts that `answer` recommends three catalogue stores, each a candidate of the turn, in
/// `region` (from its address in the data files) with `dish` on its menu, with a reason.
pub fn assert_three_picks_in(
    data: &jeju_data::dataset::DataSet,
    answer: &jeju_pipeline::Answer,
    region: &str,
    dish: &str,
) {
    let jeju_pipeline::AnswerBody::Recommend { picks } = &answer.body else {
        panic!("not a recommendation: {}", answer.text)
    };
    assert_eq!(picks.len(), 3, "{}", answer.text);
    for p in picks {
        let profile = data
            .stores
            .iter()
            .find(|s| s.id == p.card.id)
            .unwrap_or_else(|| panic!("{} is not in the catalogue", p.card.id));
        let found = jeju_data::address::parse_address(&profile.address).map(|a| a.region);
        assert_eq!(
            found.as_deref(),
            Some(region),
            "{} is not in {region}",
            profile.name
        );
        assert!(
            profile.menu.iter().any(|m| m.name.contains(dish)),
            "{} has no {dish}",
            profile.name
        );
        assert!(
            answer.trace.candidates.contains(&p.card.id),
            "{} was not a candidate",
            profile.name
        );
        assert!(
            !p.reason.trim().is_empty(),
            "{} has no reason",
            profile.name
        );
    }
}
