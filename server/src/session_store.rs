//! Where conversations live beyond one process: Redis (`JEJU_SESSION_STORE=redis://…`), so
//! that a conversation continues after a restart and on any of several `jeju serve`
//! processes behind one address.
//!
//! Per session id two keys, both expiring with the session's time to live (renewed by every
//! turn, so Redis forgets an idle conversation by itself):
//! - `jeju:session:<id>`: the pipeline's [`Session`] and the number of questions asked, JSON;
//! - `jeju:session:<id>:turns`: the turns shown on the page, a list of JSON [`ChatTurn`]s
//!   trimmed to the last [`MAX_TURNS_KEPT`].
//!
//! Every turn's keys are written in one `MULTI`/`EXEC`, so a reader never sees a turn without
//! the state that produced it.

use std::time::Duration;

use jeju_pipeline::session::Session;
use jeju_web::ChatTurn;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::sessions::MAX_TURNS_KEPT;

/// The environment variable that selects the store.
pub const SESSION_STORE_ENV: &str = "JEJU_SESSION_STORE";

/// How long one store call may take before the turn goes on without it.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);

/// Errors of the shared store (a turn is still answered; the conversation may not continue
/// elsewhere).
#[derive(Debug, thiserror::Error)]
pub enum SessionStoreError {
    #[error("session store {url}: {message}")]
    Redis { url: String, message: String },
    #[error("session store {url}: no answer within {} s", STORE_TIMEOUT.as_secs())]
    Timeout { url: String },
    #[error("session store: a stored conversation could not be read: {0}")]
    Decode(String),
    #[error("{SESSION_STORE_ENV}={0}: expected `memory` or a redis:// (rediss://) URL")]
    Config(String),
}

/// Which store the server keeps conversations in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SessionStoreConfig {
    /// In the process only: lost on restart, not shared between processes.
    #[default]
    Memory,
    /// A Redis (or Valkey) server at this URL.
    Redis(String),
}

impl SessionStoreConfig {
    /// From [`SESSION_STORE_ENV`]: unset, blank or `memory` → memory; a `redis://` or
    /// `rediss://` URL → Redis.
    pub fn from_env() -> Result<SessionStoreConfig, SessionStoreError> {
        Self::parse(&std::env::var(SESSION_STORE_ENV).unwrap_or_default())
    }

    pub fn parse(value: &str) -> Result<SessionStoreConfig, SessionStoreError> {
        let v = value.trim();
        if v.is_empty() || v.eq_ignore_ascii_case("memory") {
            Ok(SessionStoreConfig::Memory)
        } else if v.starts_with("redis://")
            || v.starts_with("rediss://")
            || v.starts_with("redis+unix://")
        {
            Ok(SessionStoreConfig::Redis(v.to_owned()))
        } else {
            Err(SessionStoreError::Config(v.to_owned()))
        }
    }

    /// For logs and health: the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            SessionStoreConfig::Memory => "memory".into(),
            SessionStoreConfig::Redis(url) => redacted(url),
        }
    }
}

/// `redis://user:secret@host` → `redis://user:***@host`.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
            } else {
                url.to_owned()
            }
        }
        _ => url.to_owned(),
    }
}

/// A conversation's state as stored (its turns are a separate list).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredState {
    pub session: Session,
    pub asked: u32,
}

/// The Redis store. Connects on first use and reconnects by itself
/// ([`ConnectionManager`]).
pub struct RedisStore {
    url: String,
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    ttl: Duration,
}

impl RedisStore {
    pub fn new(url: &str, ttl: Duration) -> Result<RedisStore, SessionStoreError> {
        let client = redis::Client::open(url).map_err(|e| SessionStoreError::Redis {
            url: redacted(url),
            message: e.to_string(),
        })?;
        Ok(RedisStore {
            url: redacted(url),
            client,
            connection: OnceCell::new(),
            ttl,
        })
    }

    fn error(&self, e: redis::RedisError) -> SessionStoreError {
        SessionStoreError::Redis {
            url: self.url.clone(),
            message: e.to_string(),
        }
    }

    async fn connection(&self) -> Result<ConnectionManager, SessionStoreError> {
        self.connection
            .get_or_try_init(|| async {
                ConnectionManager::new(self.client.clone())
                    .await
                    .map_err(|e| self.error(e))
            })
            .await
            .cloned()
    }

    async fn timed<T>(
        &self,
        work: impl std::future::Future<Output = Result<T, SessionStoreError>>,
    ) -> Result<T, SessionStoreError> {
        tokio::time::timeout(STORE_TIMEOUT, work)
            .await
            .map_err(|_| SessionStoreError::Timeout {
                url: self.url.clone(),
            })?
    }

    fn state_key(id: &str) -> String {
        format!("jeju:session:{id}")
    }

    fn turns_key(id: &str) -> String {
        format!("jeju:session:{id}:turns")
    }

    /// The stored state of `id`, `None` when the store has no such (live) conversation.
    pub async fn load_state(&self, id: &str) -> Result<Option<StoredState>, SessionStoreError> {
        self.timed(async {
            let mut con = self.connection().await?;
            let json: Option<String> = redis::cmd("GET")
                .arg(Self::state_key(id))
                .query_async(&mut con)
                .await
                .map_err(|e| self.error(e))?;
            json.map(|j| {
                serde_json::from_str(&j).map_err(|e| SessionStoreError::Decode(e.to_string()))
            })
            .transpose()
        })
        .await
    }

    /// The turns kept for the page, oldest first (unreadable ones are skipped and logged).
    pub async fn load_turns(&self, id: &str) -> Result<Vec<ChatTurn>, SessionStoreError> {
        self.timed(async {
            let mut con = self.connection().await?;
            let items: Vec<String> = redis::cmd("LRANGE")
                .arg(Self::turns_key(id))
                .arg(0)
                .arg(-1)
                .query_async(&mut con)
                .await
                .map_err(|e| self.error(e))?;
            Ok(items
                .iter()
                .filter_map(|j| {
                    serde_json::from_str(j)
                        .map_err(|e| tracing::warn!(error = %e, "a stored turn is unreadable"))
                        .ok()
                })
                .collect())
        })
        .await
    }

    /// Saves a turn: the new state and the turn appended, both keys' time to live renewed.
    pub async fn save_turn(
        &self,
        id: &str,
        state: &StoredState,
        turn: &ChatTurn,
    ) -> Result<(), SessionStoreError> {
        let state_json =
            serde_json::to_string(state).map_err(|e| SessionStoreError::Decode(e.to_string()))?;
        let turn_json =
            serde_json::to_string(turn).map_err(|e| SessionStoreError::Decode(e.to_string()))?;
        let ttl = self.ttl.as_secs().max(1);
        self.timed(async {
            let mut con = self.connection().await?;
            let turns = Self::turns_key(id);
            redis::pipe()
                .atomic()
                .cmd("SET")
                .arg(Self::state_key(id))
                .arg(state_json)
                .arg("EX")
                .arg(ttl)
                .ignore()
                .cmd("RPUSH")
                .arg(&turns)
                .arg(turn_json)
                .ignore()
                .cmd("LTRIM")
                .arg(&turns)
                .arg(-(MAX_TURNS_KEPT as i64))
                .arg(-1)
                .ignore()
                .cmd("EXPIRE")
                .arg(&turns)
                .arg(ttl)
                .ignore()
                .query_async::<()>(&mut con)
                .await
                .map_err(|e| self.error(e))
        })
        .await
    }

    /// Whether the store answers (`PING`).
    pub async fn ping(&self) -> Result<(), SessionStoreError> {
        self.timed(async {
            let mut con = self.connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut con)
                .await
                .map(|_| ())
                .map_err(|e| self.error(e))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_setting_is_memory_or_a_redis_url_and_anything_else_is_an_error() {
        assert_eq!(
            SessionStoreConfig::parse("").unwrap(),
            SessionStoreConfig::Memory
        );
        assert_eq!(
            SessionStoreConfig::parse(" Memory ").unwrap(),
            SessionStoreConfig::Memory
        );
        assert_eq!(
            SessionStoreConfig::parse("redis://127.0.0.1:6379/0").unwrap(),
            SessionStoreConfig::Redis("redis://127.0.0.1:6379/0".into())
        );
        assert!(SessionStoreConfig::parse("postgres://x").is_err());
    }

    #[test]
    fn a_password_in_the_url_is_not_shown() {
        let c = SessionStoreConfig::Redis("redis://app:s3cret@cache:6379/0".into());
        assert_eq!(c.describe(), "redis://app:***@cache:6379/0");
        let c = SessionStoreConfig::Redis("redis://cache:6379".into());
        assert_eq!(c.describe(), "redis://cache:6379");
    }
}
