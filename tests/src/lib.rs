//! Test harness: a private ArcadeDB server per test (free loopback ports, a temporary root,
//! killed when the test ends), small synthetic data sets, and a checksum of everything a graph
//! holds (to prove that something did not write).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use jeju_arcadedb::{ArcadeDb, ServerConfig};
use jeju_graph::{GraphClient, GraphConfig, GraphUser};
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
    /// Kills the server process (a crash mid-session, for fault tests); [`TestGraph::restart`]
    /// brings it back on the same ports with the same files.
    pub fn kill_server(&mut self) {
        self._server.kill();
    }

    /// Starts the server again after [`TestGraph::kill_server`].
    pub async fn restart(&mut self) {
        let config = self._server.config().clone();
        self._server = ArcadeDb::spawn_owned(config)
            .await
            .unwrap_or_else(|e| panic!("cannot restart the test graph server: {e}"));
    }

    /// The server's settings (HTTP port, root password), for tests that administer it.
    pub fn server_config(&self) -> &ServerConfig {
        self._server.config()
    }
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
            // Made by the server's start (`jeju_arcadedb::ensure_reader`).
            reader: config
                .reader
                .clone()
                .map(|(user, password)| GraphUser { user, password }),
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
    loaded_small_graph_with(seed, |_| {}).await
}

/// [`loaded_small_graph`], with the data set changed by `edit` (after loading, before the
/// ingest): extra reviews, renamed stores.
pub async fn loaded_small_graph_with(
    seed: u64,
    edit: impl FnOnce(&mut jeju_data::dataset::DataSet),
) -> LoadedGraph {
    let graph = TestGraph::start().await;
    let dir = small_data(seed);
    let mut data = jeju_data::dataset::DataSet::load(dir.path()).expect("load the small data");
    edit(&mut data);
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

/// Everything a graph holds, reduced to what a test compares: nodes per label set,
/// relationships per type, a digest of every element's identity, labels or type, endpoints
/// and properties, and the indexes and constraints.
/// Two checksums are equal only if nothing was created, deleted or changed (a deleted and
/// re-created node has a new element id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphChecksum {
    pub nodes: BTreeMap<String, i64>,
    pub relationships: BTreeMap<String, i64>,
    /// Properties seen, over all elements.
    pub properties: usize,
    pub digest: u64,
    /// Indexes and constraints (`SHOW INDEXES`, `SHOW CONSTRAINTS`), one line each, sorted.
    pub schema: Vec<String>,
}

/// The [`GraphChecksum`] of the graph behind `client` (two full scans, side by side).
pub async fn checksum(client: &GraphClient) -> GraphChecksum {
    let (nodes, rels) = tokio::join!(
        client.rows_of(
            "MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"
        ),
        client.rows_of(
            "MATCH (a)-[r]->(b) RETURN elementId(r) AS id, type(r) AS type, \
             elementId(a) AS a, elementId(b) AS b, properties(r) AS props",
        )
    );
    let (nodes, rels) = (
        nodes.expect("scan the nodes"),
        rels.expect("scan the relationships"),
    );
    let mut sum = GraphChecksum {
        nodes: BTreeMap::new(),
        relationships: BTreeMap::new(),
        properties: 0,
        digest: 0,
        schema: schema_lines(client).await,
    };
    // Each element is hashed on its own and the hashes are added: the digest does not depend
    // on the order the server returns them in.
    for r in &nodes {
        let mut labels: Vec<String> = r.get("labels").expect("labels");
        labels.sort();
        let labels = labels.join(":");
        let props: neo4rs::BoltMap = r.get("props").expect("node properties");
        sum.properties += props.value.len();
        let mut h = std::hash::DefaultHasher::new();
        ("node", r.get::<String>("id").expect("node id"), &labels).hash(&mut h);
        hash_map(&props, &mut h);
        sum.digest = sum.digest.wrapping_add(h.finish());
        *sum.nodes.entry(labels).or_default() += 1;
    }
    for r in &rels {
        let kind: String = r.get("type").expect("type");
        let props: neo4rs::BoltMap = r.get("props").expect("relationship properties");
        sum.properties += props.value.len();
        let mut h = std::hash::DefaultHasher::new();
        (
            "relationship",
            r.get::<String>("id").expect("relationship id"),
            &kind,
            r.get::<String>("a").expect("start"),
            r.get::<String>("b").expect("end"),
        )
            .hash(&mut h);
        hash_map(&props, &mut h);
        sum.digest = sum.digest.wrapping_add(h.finish());
        *sum.relationships.entry(kind).or_default() += 1;
    }
    sum
}

/// One line per index and constraint: name, type, what it covers.
async fn schema_lines(client: &GraphClient) -> Vec<String> {
    let mut lines = Vec::new();
    for (kind, text) in [
        ("index", "SHOW INDEXES"),
        ("constraint", "SHOW CONSTRAINTS"),
    ] {
        for r in client.rows_of(text).await.expect(text) {
            let text = |k: &str| r.get::<String>(k).unwrap_or_default();
            let list = |k: &str| r.get::<Vec<String>>(k).unwrap_or_default().join(",");
            lines.push(format!(
                "{kind} {} {} {} {}({})",
                text("name"),
                text("type"),
                text("entityType"),
                list("labelsOrTypes"),
                list("properties")
            ));
        }
    }
    lines.sort();
    lines
}

/// Hashes a map with its keys sorted (Bolt maps are hash maps).
fn hash_map(map: &neo4rs::BoltMap, h: &mut impl Hasher) {
    let mut entries: Vec<_> = map.value.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.value.cmp(&b.0.value));
    entries.len().hash(h);
    for (k, v) in entries {
        k.value.hash(h);
        hash_value(v, h);
    }
}

/// Hashes a property value (SipHash with fixed keys: the same in every process of a build).
fn hash_value(value: &neo4rs::BoltType, h: &mut impl Hasher) {
    use neo4rs::BoltType as B;
    match value {
        B::String(s) => (0u8, &s.value).hash(h),
        B::Integer(i) => (1u8, i.value).hash(h),
        B::Float(f) => (2u8, f.value.to_bits()).hash(h),
        B::Boolean(b) => (3u8, b.value).hash(h),
        B::Null(_) => 4u8.hash(h),
        B::List(l) => {
            (5u8, l.value.len()).hash(h);
            for v in &l.value {
                hash_value(v, h);
            }
        }
        B::Map(m) => {
            6u8.hash(h);
            hash_map(m, h);
        }
        other => (7u8, format!("{other:?}")).hash(h),
    }
}

/// `s` as a JSON string literal (quotes, backslashes and control characters escaped), for
/// hand-written JSON such as a fake LLM's answers.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_well_formed() {
        assert_eq!(
            json_string("a\"b\\c\nd\u{1}é"),
            "\"a\\\"b\\\\c\\nd\\u0001é\""
        );
    }
}

/// Which prompt of the pipeline a request body to the (fake) LLM carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    Route,
    Cypher,
    Repair,
    Select,
    Other,
}

pub fn call_of(body: &str) -> Call {
    if body.contains("That query failed") {
        Call::Repair
    } else if body.contains("router of a Jeju") {
        Call::Route
    } else if body.contains("read-only Cypher") {
        Call::Cypher
    } else if body.contains("You recommend restaurants") {
        Call::Select
    } else {
        Call::Other
    }
}
