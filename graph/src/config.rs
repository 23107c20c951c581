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
}

/// The local server's defaults (see `jeju-arcadedb`).
pub const DEFAULT_URI: &str = "bolt://127.0.0.1:7687";
pub const DEFAULT_USER: &str = "root";
pub const DEFAULT_PASSWORD: &str = "jeju-local-dev";
pub const DEFAULT_DATABASE: &str = "jeju";

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
        }
    }
}

impl GraphConfig {
    /// Defaults overridden by `JEJU_GRAPH_URI`, `JEJU_GRAPH_USER`, `JEJU_GRAPH_PASSWORD`,
    /// `JEJU_GRAPH_DB`.
    pub fn from_env() -> GraphConfig {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`GraphConfig::from_env`] with an explicit lookup (testable).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> GraphConfig {
        let d = GraphConfig::default();
        let pick = |key: &str, default: String| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .unwrap_or(default)
        };
        GraphConfig {
            uri: pick("JEJU_GRAPH_URI", d.uri),
            user: pick("JEJU_GRAPH_USER", d.user),
            password: pick("JEJU_GRAPH_PASSWORD", d.password),
            database: pick("JEJU_GRAPH_DB", d.database),
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
}
