use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use neo4rs::{ConfigBuilder, Graph, Query, Row};
use serde_json::Value;

use crate::config::GraphConfig;
use crate::error::GraphError;
use crate::record::{Record, Statement};
use crate::schema::{NODE_LABELS, REL_TYPES};

/// A connection pool to the graph server.
#[derive(Clone)]
pub struct GraphClient {
    graph: Graph,
    /// The read-only user's pool for generated Cypher ([`GraphConfig::reader`]); `None`
    /// when no reader is configured.
    reader: Option<Graph>,
    config: GraphConfig,
    /// Set when a call lost its connection: the next calls first check that the server's
    /// port answers, so a dead server fails each call at once instead of leaving neo4rs's
    /// pool to retry until the query timeout (it is cleared when the port answers again).
    connection_lost: Arc<AtomicBool>,
}

/// How long the reachability check of a client that lost its connection waits.
const REACHABLE_PROBE: Duration = Duration::from_secs(2);

/// Node counts per label and relationship counts per type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GraphCounts {
    pub nodes: BTreeMap<String, i64>,
    pub relationships: BTreeMap<String, i64>,
}

impl GraphCounts {
    pub fn node(&self, label: &str) -> i64 {
        self.nodes.get(label).copied().unwrap_or(0)
    }

    pub fn relationship(&self, rel: &str) -> i64 {
        self.relationships.get(rel).copied().unwrap_or(0)
    }
}

impl GraphClient {
    /// Connects and checks the server answers a trivial query.
    pub async fn connect(config: &GraphConfig) -> Result<GraphClient, GraphError> {
        let connect_err = |message: String| GraphError::Connect {
            uri: config.uri.clone(),
            message,
        };
        // A refused port fails at once here; neo4rs's pool would retry until its timeout.
        let addr = host_port(&config.uri);
        tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::TcpStream::connect(&addr),
        )
        .await
        .map_err(|_| GraphError::Timeout {
            uri: config.uri.clone(),
            seconds: 5,
        })?
        .map_err(|e| connect_err(e.to_string()))?;
        let graph = Self::pool(config, &config.user, &config.password).await?;
        let reader = match &config.reader {
            Some(r) => Some(Self::pool(config, &r.user, &r.password).await.map_err(
                |e| match e {
                    GraphError::Connect { message, .. } => connect_err(format!(
                        "the read-only user '{}' cannot log in ({message}); `jeju graph start` \
                         creates the local one, JEJU_GRAPH_READER_USER names another \
                         (`none`: no reader)",
                        r.user
                    )),
                    other => other,
                },
            )?),
            None => None,
        };
        Ok(GraphClient {
            graph,
            reader,
            config: config.clone(),
            connection_lost: Arc::new(AtomicBool::new(false)),
        })
    }

    /// A client for a server that did not answer yet (down when the service started): the
    /// pools are made without connecting, and every call first checks that the server's port
    /// answers, so calls fail at once with [`GraphError::Connect`] until the server is up,
    /// then work. The logins are checked by the first calls, not here.
    pub async fn connect_lazy(config: &GraphConfig) -> Result<GraphClient, GraphError> {
        let graph = Self::unchecked_pool(config, &config.user, &config.password).await?;
        let reader = match &config.reader {
            Some(r) => Some(Self::unchecked_pool(config, &r.user, &r.password).await?),
            None => None,
        };
        Ok(GraphClient {
            graph,
            reader,
            config: config.clone(),
            connection_lost: Arc::new(AtomicBool::new(true)),
        })
    }

    /// A connection pool as `user`, checked with a trivial query.
    async fn pool(config: &GraphConfig, user: &str, password: &str) -> Result<Graph, GraphError> {
        let connect_err = |message: String| GraphError::Connect {
            uri: config.uri.clone(),
            message,
        };
        let graph = Self::unchecked_pool(config, user, password).await?;
        // In a transaction: neo4rs retries `Graph::run` on errors such as a refused login
        // for up to a minute, a transaction fails at once.
        let check = async {
            let mut txn = graph.start_txn().await?;
            txn.run(neo4rs::query("RETURN 1")).await?;
            txn.rollback().await
        };
        tokio::time::timeout(Duration::from_secs(15), check)
            .await
            .map_err(|_| GraphError::Timeout {
                uri: config.uri.clone(),
                seconds: 15,
            })?
            .map_err(|e| connect_err(e.to_string()))?;
        Ok(graph)
    }

    /// A connection pool as `user` (neo4rs connects on first use).
    async fn unchecked_pool(
        config: &GraphConfig,
        user: &str,
        password: &str,
    ) -> Result<Graph, GraphError> {
        let connect_err = |message: String| GraphError::Connect {
            uri: config.uri.clone(),
            message,
        };
        let neo = ConfigBuilder::default()
            .uri(config.uri.as_str())
            .user(user)
            .password(password)
            .db(config.database.as_str())
            .fetch_size(config.fetch_size)
            .max_connections(config.max_connections)
            .build()
            .map_err(|e| connect_err(e.to_string()))?;
        tokio::time::timeout(Duration::from_secs(15), Graph::connect(neo))
            .await
            .map_err(|_| GraphError::Timeout {
                uri: config.uri.clone(),
                seconds: 15,
            })?
            .map_err(|e| connect_err(e.to_string()))
    }

    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    async fn with_timeout<T>(
        &self,
        text: &str,
        limit: Duration,
        fut: impl Future<Output = Result<T, neo4rs::Error>>,
    ) -> Result<T, GraphError> {
        if self.connection_lost.load(Ordering::Relaxed) {
            let addr = host_port(&self.config.uri);
            match tokio::time::timeout(REACHABLE_PROBE, tokio::net::TcpStream::connect(&addr)).await
            {
                Ok(Ok(_)) => self.connection_lost.store(false, Ordering::Relaxed),
                Ok(Err(e)) => {
                    return Err(GraphError::Connect {
                        uri: self.config.uri.clone(),
                        message: e.to_string(),
                    })
                }
                Err(_) => {
                    return Err(GraphError::Timeout {
                        uri: self.config.uri.clone(),
                        seconds: REACHABLE_PROBE.as_secs(),
                    })
                }
            }
        }
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(limit, fut) => outcome,
            gone = self.watch_reachable() => {
                self.connection_lost.store(true, Ordering::Relaxed);
                return Err(gone);
            }
        };
        match outcome {
            Ok(Ok(v)) => Ok(v),
            // The server went away (killed, restarted, network): the same error as a
            // failed connect, so callers can tell it from a bad query.
            Ok(Err(e @ (neo4rs::Error::IOError { .. } | neo4rs::Error::ConnectionError))) => {
                self.connection_lost.store(true, Ordering::Relaxed);
                Err(GraphError::Connect {
                    uri: self.config.uri.clone(),
                    message: e.to_string(),
                })
            }
            Ok(Err(e)) => Err(GraphError::Query {
                query: text.to_owned(),
                message: e.to_string(),
            }),
            Err(_) => {
                // A server that stopped answering looks the same as a slow query: check
                // the port on the next call.
                self.connection_lost.store(true, Ordering::Relaxed);
                Err(GraphError::Timeout {
                    uri: self.config.uri.clone(),
                    seconds: limit.as_secs(),
                })
            }
        }
    }

    /// Resolves only when the server's port stops answering, checked every second after the
    /// first: a call that waits on a dead server (neo4rs's pool retries its connections until
    /// the query timeout) then fails within seconds with a connection error.
    async fn watch_reachable(&self) -> GraphError {
        let addr = host_port(&self.config.uri);
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            match tokio::time::timeout(REACHABLE_PROBE, tokio::net::TcpStream::connect(&addr)).await
            {
                Ok(Ok(_)) => continue,
                Ok(Err(e)) => {
                    return GraphError::Connect {
                        uri: self.config.uri.clone(),
                        message: e.to_string(),
                    }
                }
                Err(_) => {
                    return GraphError::Timeout {
                        uri: self.config.uri.clone(),
                        seconds: REACHABLE_PROBE.as_secs(),
                    }
                }
            }
        }
    }

    /// Runs one statement in its own write transaction and commits it.
    pub async fn write(&self, text: &str, q: Query) -> Result<(), GraphError> {
        self.with_timeout(text, self.config.query_timeout, async {
            let mut txn = self.graph.start_txn().await?;
            txn.run(q).await?;
            txn.commit().await
        })
        .await
    }

    /// Runs a query and collects every row.
    pub async fn rows(&self, text: &str, q: Query) -> Result<Vec<Row>, GraphError> {
        self.with_timeout(text, self.config.query_timeout, async {
            let mut stream = self.graph.execute(q).await?;
            let mut rows = Vec::new();
            while let Some(row) = stream.next().await? {
                rows.push(row);
            }
            Ok(rows)
        })
        .await
    }

    /// Runs a query inside an explicit transaction that is always rolled back, never
    /// committed: the last line of defence for generated Cypher (neo4rs 0.8 cannot open a
    /// Bolt read-mode transaction, so a write that got past the guard is undone instead).
    pub async fn rows_rolled_back(
        &self,
        text: &str,
        q: Query,
        limit: Duration,
    ) -> Result<Vec<Row>, GraphError> {
        self.rolled_back_on(&self.graph, text, q, limit).await
    }

    async fn rolled_back_on(
        &self,
        graph: &Graph,
        text: &str,
        q: Query,
        limit: Duration,
    ) -> Result<Vec<Row>, GraphError> {
        self.with_timeout(text, limit, async {
            let mut txn = graph.start_txn().await?;
            let result = async {
                let mut stream = txn.execute(q).await?;
                let mut rows = Vec::new();
                while let Some(row) = stream.next(txn.handle()).await? {
                    rows.push(row);
                }
                Ok::<_, neo4rs::Error>(rows)
            }
            .await;
            txn.rollback().await?;
            result
        })
        .await
    }

    /// Runs generated Cypher: as the read-only user when one is configured, inside a
    /// transaction that is always rolled back (see [`GraphClient::rows_rolled_back`]).
    pub async fn rows_generated(
        &self,
        text: &str,
        q: Query,
        limit: Duration,
    ) -> Result<Vec<Row>, GraphError> {
        let graph = self.reader.as_ref().unwrap_or(&self.graph);
        self.rolled_back_on(graph, text, q, limit).await
    }

    /// The server user that generated Cypher runs as.
    pub fn generated_cypher_user(&self) -> &str {
        match (&self.reader, &self.config.reader) {
            (Some(_), Some(r)) => &r.user,
            _ => &self.config.user,
        }
    }

    /// Runs a statement and collects every row as [`Record`]s.
    pub async fn records(&self, statement: &Statement) -> Result<Vec<Record>, GraphError> {
        let rows = self.rows(&statement.cypher, statement.to_query()).await?;
        rows.iter().map(to_record).collect()
    }

    /// Runs generated Cypher as [`GraphClient::rows_generated`] does (the read-only user, a
    /// transaction that is always rolled back, `limit`), as [`Record`]s.
    pub async fn records_generated(
        &self,
        cypher: &str,
        limit: Duration,
    ) -> Result<Vec<Record>, GraphError> {
        let rows = self
            .rows_generated(cypher, neo4rs::query(cypher), limit)
            .await?;
        rows.iter().map(to_record).collect()
    }

    /// Runs a query whose text is also its description.
    pub async fn rows_of(&self, text: &str) -> Result<Vec<Row>, GraphError> {
        self.rows(text, neo4rs::query(text)).await
    }

    /// A single integer column of the first row.
    pub async fn scalar_i64(&self, text: &str, column: &str) -> Result<i64, GraphError> {
        let rows = self.rows_of(text).await?;
        let row = rows.first().ok_or_else(|| GraphError::Decode {
            column: column.into(),
            message: "no rows".into(),
        })?;
        row.get::<i64>(column).map_err(|e| GraphError::Decode {
            column: column.into(),
            message: e.to_string(),
        })
    }

    /// Counts every label and relationship type of the schema.
    pub async fn counts(&self) -> Result<GraphCounts, GraphError> {
        let mut counts = GraphCounts::default();
        for label in NODE_LABELS {
            let n = self
                .scalar_i64(&format!("MATCH (n:{label}) RETURN count(n) AS n"), "n")
                .await?;
            counts.nodes.insert(label.to_string(), n);
        }
        for rel in REL_TYPES {
            let n = self
                .scalar_i64(&format!("MATCH ()-[r:{rel}]->() RETURN count(r) AS n"), "n")
                .await?;
            counts.relationships.insert(rel.to_string(), n);
        }
        Ok(counts)
    }
}

/// `host:port` of a Bolt URI (`bolt://h:p`, `neo4j://h:p`, `neo4j+s://h`, or `h:p`); port 7687
/// when none is given.
fn host_port(uri: &str) -> String {
    let rest = uri.split_once("://").map(|(_, r)| r).unwrap_or(uri);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if has_port {
        authority.to_owned()
    } else {
        format!("{authority}:7687")
    }
}

/// A row as a [`Record`]: every column must be a plain value (no nodes or paths).
fn to_record(row: &Row) -> Result<Record, GraphError> {
    row.to::<BTreeMap<String, Value>>()
        .map(Record::from)
        .map_err(|e| GraphError::Decode {
            column: "*".into(),
            message: e.to_string(),
        })
}

/// Converts a row to JSON-like values, for printing query results.
pub fn row_to_json(row: &Row) -> BTreeMap<String, Value> {
    row.to::<BTreeMap<String, Value>>().unwrap_or_default()
}

impl GraphClient {
    /// Runs a statement in an auto-commit transaction (needed for schema DDL on Neo4j).
    pub async fn run_auto(&self, text: &str) -> Result<(), GraphError> {
        self.with_timeout(text, self.config.query_timeout, async {
            self.graph.run(neo4rs::query(text)).await
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::host_port;

    #[test]
    fn host_port_of_bolt_uris() {
        assert_eq!(host_port("bolt://127.0.0.1:7687"), "127.0.0.1:7687");
        assert_eq!(host_port("neo4j+s://db.example.com"), "db.example.com:7687");
        assert_eq!(host_port("neo4j://user@db:7999/path"), "db:7999");
        assert_eq!(host_port("localhost:1234"), "localhost:1234");
    }
}
