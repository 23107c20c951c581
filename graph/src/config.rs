use std::time::Duration;

/// How to reach the graph server. The same binary talks to the local ArcadeDB and to a
/// production Neo4j 5; only these settings differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphConfig {
    /// `bolt://host:port` (also `neo4j://`), from `JEJU_GRAPH_URI`.
    pub uri: String,
    /// `JEJU_GRAPH_USER`.
    pub user: String,
    /// `JEJU_GRAPH_PASSWORD`.
    pub password: String,
    /// `JEJU_GRAPH_DB`.
    pub database: String,
    pub max_connections: usize,
    /// Rows fetched per Bolt PULL.
    pub fetch_size: usize,
    /// Upper bound on any one query or batch, client side.
    pub query_timeout: Duration,
    /// The server user that runs generated (LLM-written) Cypher: one whose role can only
    /// read, so a write that got past every client-side check still fails at the server.
    /// `JEJU_GRAPH_READER_USER` / `JEJU_GRAPH_READER_PASSWORD`; the local server's is
    /// created by `jeju graph start`. `None` (a remote server with no reader configured, e.g.
    /// Neo4j Community, which has no roles): generated Cypher runs as [`GraphConfig::user`],
    /// still behind the guard and in a rolled-back transaction.
    pub reader: Option<GraphUser>,
}

/// A user name and password on the graph server.
#[derive(Clone, PartialEq, Eq)]
pub struct GraphUser {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for GraphUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphUser")
            .field("user", &self.user)
            .field("password", &"…")
            .finish()
    }
}

/// The local server's defaults (see `jeju-arcadedb`).
pub const DEFAULT_URI: &str = "bolt://127.0.0.1:7687";
pub const DEFAULT_USER: &str = "root";
pub const DEFAULT_PASSWORD: &str = "jeju-local-dev";
pub const DEFAULT_DATABASE: &str = "jeju";
/// The local server's read-only user (see `jeju_arcadedb::ensure_reader`).
pub const DEFAULT_READER_USER: &str = "jeju_reader";
pub const DEFAULT_READER_PASSWORD: &str = "jeju-local-reader";

impl GraphUser {
    /// The local server's read-only user.
    pub fn local_reader() -> GraphUser {
        GraphUser {
            user: DEFAULT_READER_USER.into(),
            password: DEFAULT_READER_PASSWORD.into(),
        }
    }
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            uri: DEFAULT_URI.into(),
            user: DEFAULT_USER.into(),
            password: DEFAULT_PASSWORD.into(),
            database: DEFAULT_DATABASE.into(),
            max_connections: 4,
            fetch_size: 500,
            query_timeout: Duration::from_secs(120),
            reader: Some(GraphUser::local_reader()),
        }
    }
}

impl GraphConfig {
    /// Defaults overridden by `JEJU_GRAPH_URI`, `JEJU_GRAPH_USER`, `JEJU_GRAPH_PASSWORD`,
    /// `JEJU_GRAPH_DB` (else, for a server other than the local one, `NEO4J_URI`,
    /// `NEO4J_USERNAME`, `NEO4J_PASSWORD`, `NEO4J_DATABASE`; a blank value never replaces
    /// one), `JEJU_GRAPH_READER_USER` and `JEJU_GRAPH_READER_PASSWORD`. The local
    /// server has its read-only user by default; another server has one only when
    /// `JEJU_GRAPH_READER_USER` names it (`none` turns it off for the local server too).
    pub fn from_env() -> GraphConfig {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`GraphConfig::from_env`] with an explicit lookup (testable).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> GraphConfig {
        let d = GraphConfig::default();
        // The ecosystem's names are fallbacks: NEO4J_URI for the server, NEO4J_USERNAME,
        // NEO4J_PASSWORD and NEO4J_DATABASE only for a server other than the local one (a
        // Neo4j password in the shell must not break the local ArcadeDB's login).
        let own_or = |own: &str, theirs: &str, remote: bool| {
            get(own)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .or_else(|| {
                    get(theirs)
                        .map(|v| v.trim().to_owned())
                        .filter(|v| !v.is_empty() && remote)
                })
        };
        let uri = own_or("JEJU_GRAPH_URI", "NEO4J_URI", true).unwrap_or(d.uri.clone());
        let remote = uri != DEFAULT_URI;
        let reader = match get("JEJU_GRAPH_READER_USER").map(|v| v.trim().to_owned()) {
            Some(user) if user.eq_ignore_ascii_case("none") => None,
            Some(user) if !user.is_empty() => Some(GraphUser {
                user,
                password: get("JEJU_GRAPH_READER_PASSWORD").unwrap_or_default(),
            }),
            _ if uri == DEFAULT_URI => d.reader.clone(),
            _ => None,
        };
        GraphConfig {
            user: own_or("JEJU_GRAPH_USER", "NEO4J_USERNAME", remote).unwrap_or(d.user),
            password: own_or("JEJU_GRAPH_PASSWORD", "NEO4J_PASSWORD", remote).unwrap_or(d.password),
            database: own_or("JEJU_GRAPH_DB", "NEO4J_DATABASE", remote).unwrap_or(d.database),
            uri,
            reader,
            ..d
        }
    }

    /// Is this the local loopback server that `jeju graph start` manages?
    pub fn is_local_default(&self) -> bool {
        self.uri == DEFAULT_URI
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_defaults() {
        let c = GraphConfig::from_lookup(|k| match k {
            "JEJU_GRAPH_URI" => Some("neo4j://db.internal:7687".into()),
            "JEJU_GRAPH_PASSWORD" => Some("  ".into()),
            _ => None,
        });
        assert_eq!(c.uri, "neo4j://db.internal:7687");
        assert_eq!(c.password, DEFAULT_PASSWORD);
        assert!(!c.is_local_default());
        assert!(GraphConfig::from_lookup(|_| None).is_local_default());
    }

    #[test]
    fn the_neo4j_names_are_fallbacks_for_a_remote_server() {
        let neo4j = GraphConfig::from_lookup(|k| match k {
            "NEO4J_URI" => Some("neo4j+s://db.example.io".into()),
            "NEO4J_USERNAME" => Some("neo4j".into()),
            "NEO4J_PASSWORD" => Some("s3cret".into()),
            "JEJU_GRAPH_PASSWORD" => Some("".into()),
            _ => None,
        });
        assert_eq!(neo4j.uri, "neo4j+s://db.example.io");
        assert_eq!(neo4j.user, "neo4j");
        assert_eq!(neo4j.password, "s3cret");
        // The project's own names come first.
        let own = GraphConfig::from_lookup(|k| match k {
            "JEJU_GRAPH_URI" => Some("neo4j://db.internal:7687".into()),
            "NEO4J_URI" => Some("neo4j+s://db.example.io".into()),
            "JEJU_GRAPH_USER" => Some("jeju".into()),
            "NEO4J_USERNAME" => Some("neo4j".into()),
            _ => None,
        });
        assert_eq!(own.uri, "neo4j://db.internal:7687");
        assert_eq!(own.user, "jeju");
        // A Neo4j password in the shell leaves the local server's login alone.
        let local = GraphConfig::from_lookup(|k| (k == "NEO4J_PASSWORD").then(|| "x".into()));
        assert!(local.is_local_default());
        assert_eq!(local.password, DEFAULT_PASSWORD);
    }

    #[test]
    fn the_reader_is_the_local_one_unless_configured() {
        assert_eq!(
            GraphConfig::from_lookup(|_| None).reader,
            Some(GraphUser::local_reader())
        );
        // A remote server has no reader unless one is named.
        let remote = |k: &str| (k == "JEJU_GRAPH_URI").then(|| "neo4j://db:7687".to_owned());
        assert_eq!(GraphConfig::from_lookup(remote).reader, None);
        let named = GraphConfig::from_lookup(|k| match k {
            "JEJU_GRAPH_URI" => Some("neo4j://db:7687".into()),
            "JEJU_GRAPH_READER_USER" => Some(" jeju_ro ".into()),
            "JEJU_GRAPH_READER_PASSWORD" => Some("secret".into()),
            _ => None,
        });
        assert_eq!(
            named.reader,
            Some(GraphUser {
                user: "jeju_ro".into(),
                password: "secret".into()
            })
        );
        assert!(!format!("{named:?}").contains("secret"));
        let off =
            GraphConfig::from_lookup(|k| (k == "JEJU_GRAPH_READER_USER").then(|| "none".into()));
        assert_eq!(off.reader, None);
    }
}
