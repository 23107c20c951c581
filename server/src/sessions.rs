//! Conversations by session id: the pipeline's [`Session`] (for follow-ups) and the turns shown
//! on the page. Bounded in count and age; turns of one session run one after another.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jeju_pipeline::session::Session;
use jeju_web::ChatTurn;

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
}

impl Sessions {
    pub fn new(ttl: Duration, max: usize) -> Sessions {
        Sessions {
            entries: Mutex::new(HashMap::new()),
            ttl,
            max: max.max(1),
        }
    }

    /// The conversation of `id` if it is a live session id, else a new conversation under a
    /// new id. Returns the id in use.
    pub fn get_or_create(
        &self,
        id: Option<&str>,
    ) -> (String, Arc<tokio::sync::Mutex<Conversation>>) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = id.filter(|id| valid_id(id)) {
            if let Some(entry) = entries.get_mut(id) {
                if now.duration_since(entry.last_used) <= self.ttl {
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
        let id = new_id();
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

    /// The conversation of a live session id, without creating one.
    pub fn get(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<Conversation>>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(id)
            .filter(|e| e.last_used.elapsed() <= self.ttl)
            .map(|e| e.conversation.clone())
    }

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
