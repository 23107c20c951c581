//! Conversations by session id: the pipeline's [`Session`] (for follow-ups) and the turns shown
//! on the page. Bounded in count and age; turns of one session run one after another in a
//! process.
//!
//! With a shared store ([`crate::session_store`], Redis) every turn starts from the stored
//! state and saves its result, so a conversation continues after a restart and on another
//! `jeju serve` process; the page's turns come from the store too. Two processes answering
//! the same session at the same moment is not prevented across processes (the page sends one
//! question at a time): the later save wins.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jeju_pipeline::session::Session;
use jeju_web::ChatTurn;
use tokio::sync::OwnedMutexGuard;

use crate::session_store::{RedisStore, SessionStoreConfig, SessionStoreError, StoredState};

/// Turns of a conversation kept for the page (the pipeline's session needs only the last).
pub const MAX_TURNS_KEPT: usize = 30;

/// One conversation.
#[derive(Debug, Default)]
pub struct Conversation {
    pub session: Session,
    /// The last [`MAX_TURNS_KEPT`] turns.
    pub turns: Vec<ChatTurn>,
    /// Questions asked in all (numbering of turns).
    pub asked: u32,
}

impl Conversation {
    pub fn push(&mut self, turn: ChatTurn) {
        self.turns.push(turn);
        if self.turns.len() > MAX_TURNS_KEPT {
            let extra = self.turns.len() - MAX_TURNS_KEPT;
            self.turns.drain(..extra);
        }
    }
}

struct Entry {
    conversation: Arc<tokio::sync::Mutex<Conversation>>,
    last_used: Instant,
}

/// The conversations of the server.
pub struct Sessions {
    entries: Mutex<HashMap<String, Entry>>,
    ttl: Duration,
    max: usize,
    shared: Option<RedisStore>,
}

impl Sessions {
    /// Conversations in this process only.
    pub fn new(ttl: Duration, max: usize) -> Sessions {
        Sessions {
            entries: Mutex::new(HashMap::new()),
            ttl,
            max: max.max(1),
            shared: None,
        }
    }

    /// Conversations in the store `config` names (in this process for
    /// [`SessionStoreConfig::Memory`]).
    pub fn with_store(
        ttl: Duration,
        max: usize,
        config: &SessionStoreConfig,
    ) -> Result<Sessions, SessionStoreError> {
        let mut sessions = Sessions::new(ttl, max);
        if let SessionStoreConfig::Redis(url) = config {
            sessions.shared = Some(RedisStore::new(url, ttl)?);
        }
        Ok(sessions)
    }

    /// Whether conversations are kept in a shared store.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Whether the shared store answers (`None` without one).
    pub async fn store_answers(&self) -> Option<bool> {
        let store = self.shared.as_ref()?;
        Some(store.ping().await.is_ok())
    }

    /// The conversation of `id` for a turn, locked until the guard drops: a live session id
    /// continues its conversation (from the shared store's state, when there is one), anything
    /// else starts a new conversation under a new id. Returns the id in use.
    pub async fn begin_turn(&self, id: Option<&str>) -> (String, OwnedMutexGuard<Conversation>) {
        let stored = self.stored_state(id).await;
        let (id, conversation) = self.local(id, stored.is_some());
        let mut guard = conversation.lock_owned().await;
        if let Some(state) = stored {
            guard.session = state.session;
            guard.asked = state.asked;
        }
        (id, guard)
    }

    /// Records a finished turn: in the conversation, and in the shared store when there is
    /// one (a store failure is logged; the answer stands).
    pub async fn finish_turn(&self, id: &str, conversation: &mut Conversation, turn: ChatTurn) {
        conversation.asked += 1;
        if let Some(store) = &self.shared {
            let state = StoredState {
                session: conversation.session.clone(),
                asked: conversation.asked,
            };
            if let Err(e) = store.save_turn(id, &state, &turn).await {
                tracing::warn!(error = %e, "the turn was not saved to the session store");
            }
        }
        conversation.push(turn);
    }

    /// The turns of `id` for the page (a new, empty conversation for an unknown id). Returns
    /// the id in use.
    pub async fn page_turns(&self, id: Option<&str>) -> (String, Vec<ChatTurn>) {
        if let (Some(store), Some(id)) = (&self.shared, id.filter(|id| valid_id(id))) {
            match store.load_state(id).await {
                Ok(Some(_)) => match store.load_turns(id).await {
                    Ok(turns) => {
                        self.local(Some(id), true);
                        return (id.to_owned(), turns);
                    }
                    Err(e) => tracing::warn!(error = %e, "the page's turns were not loaded"),
                },
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "the session store did not answer"),
            }
        }
        let (id, conversation) = self.local(id, false);
        let turns = conversation.lock().await.turns.clone();
        (id, turns)
    }

    /// The shared store's state of a valid `id` (`None` without a store, for an unknown id or
    /// when the store fails: the conversation then goes on from this process's memory).
    async fn stored_state(&self, id: Option<&str>) -> Option<StoredState> {
        let store = self.shared.as_ref()?;
        let id = id.filter(|id| valid_id(id))?;
        match store.load_state(id).await {
            Ok(state) => state,
            Err(e) => {
                tracing::warn!(error = %e, "the session store did not answer: going on from memory");
                None
            }
        }
    }

    /// The in-process entry of `id` if it is live (or `known` elsewhere: the store has it),
    /// else a new entry under a new id.
    fn local(
        &self,
        id: Option<&str>,
        known: bool,
    ) -> (String, Arc<tokio::sync::Mutex<Conversation>>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = id.filter(|id| valid_id(id)) {
            if let Some(entry) = entries.get_mut(id) {
                if known || now.duration_since(entry.last_used) <= self.ttl {
                    entry.last_used = now;
                    return (id.to_owned(), entry.conversation.clone());
                }
            }
        }
        entries.retain(|_, e| now.duration_since(e.last_used) <= self.ttl);
        while entries.len() >= self.max {
            let oldest = entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => entries.remove(&k),
                None => break,
            };
        }
        let id = match id.filter(|id| known && valid_id(id)) {
            Some(id) => id.to_owned(),
            None => new_id(),
        };
        let conversation = Arc::new(tokio::sync::Mutex::new(Conversation::default()));
        entries.insert(
            id.clone(),
            Entry {
                conversation: conversation.clone(),
                last_used: now,
            },
        );
        (id, conversation)
    }

    /// The conversation of `id` for a turn or the page, without the shared store: see
    /// [`Sessions::begin_turn`] and [`Sessions::page_turns`].
    pub fn get_or_create(
        &self,
        id: Option<&str>,
    ) -> (String, Arc<tokio::sync::Mutex<Conversation>>) {
        self.local(id, false)
    }

    /// The conversation of a live session id in this process, without creating one.
    pub fn get(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<Conversation>>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|e| e.last_used.elapsed() <= self.ttl)
            .map(|e| e.conversation.clone())
    }

    /// Conversations held in this process.
    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A random, unguessable id (UUID v4 without dashes).
fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// What a session id may look like: what [`new_id`] makes.
pub fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_id_continues_its_conversation_and_a_bad_or_unknown_one_starts_a_new_one() {
        let s = Sessions::new(Duration::from_secs(60), 10);
        let (id, _) = s.get_or_create(None);
        assert!(valid_id(&id));
        let (again, _) = s.get_or_create(Some(&id));
        assert_eq!(again, id);
        let (other, _) = s.get_or_create(Some("../../etc/passwd"));
        assert_ne!(other, id);
        let (unknown, _) = s.get_or_create(Some(&"a".repeat(32)));
        assert_ne!(unknown, "a".repeat(32));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn the_oldest_conversation_goes_when_the_store_is_full() {
        let s = Sessions::new(Duration::from_secs(60), 2);
        let (first, _) = s.get_or_create(None);
        std::thread::sleep(Duration::from_millis(2));
        let (second, _) = s.get_or_create(None);
        std::thread::sleep(Duration::from_millis(2));
        let (_third, _) = s.get_or_create(None);
        assert_eq!(s.len(), 2);
        assert!(s.get(&first).is_none());
        assert!(s.get(&second).is_some());
    }

    #[test]
    fn expired_conversations_are_not_continued() {
        let s = Sessions::new(Duration::from_millis(1), 10);
        let (id, _) = s.get_or_create(None);
        std::thread::sleep(Duration::from_millis(5));
        let (next, _) = s.get_or_create(Some(&id));
        assert_ne!(next, id);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn only_the_last_turns_are_kept() {
        let mut c = Conversation::default();
        for i in 0..(MAX_TURNS_KEPT + 5) {
            c.push(ChatTurn {
                question: i.to_string(),
                answer: None,
                error: None,
            });
        }
        assert_eq!(c.turns.len(), MAX_TURNS_KEPT);
        assert_eq!(c.turns[0].question, "5");
    }
}
