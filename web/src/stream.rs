//! The browser side of `GET /api/ask/stream`: one `EventSource` per turn.
//!
//! Events: `stage` (progress row), `preliminary` (the rules' cards while the AI model
//! judges), `pick` (a card: confirms or replaces the preliminary one of its rank), `answer`
//! (the final result, last), `error` (an `ApiError`, last). The EventSource's own `error` event (a plain `Event`,
//! not a `MessageEvent`) means the connection broke or never opened, e.g. the server answered
//! a 4xx JSON error instead of a stream: the turn then ends with "connection lost". The source
//! is closed after the last event, so the browser never reconnects and re-asks.
//!
//! This compiles everywhere (so the server build type-checks it) but only runs in the browser.

use std::{cell::RefCell, rc::Rc, time::Duration};

use jeju_api::{ApiError, ErrorCode, Language, StreamEvent};
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{Event, EventSource, MessageEvent};

use crate::{
    app::Chat,
    format::url_encode,
    model::{Failure, Phase},
};

/// The SSE event names the server sends.
const EVENTS: [&str; 5] = ["stage", "preliminary", "pick", "answer", "error"];
/// A turn that hears nothing for this long ends with a timeout (the server has its own turn
/// timeout; this only guarantees that the page never waits forever).
const SILENCE_LIMIT: Duration = Duration::from_secs(240);

/// The stream URL of a question.
pub fn stream_url(question: &str, session_id: &str, language: Language) -> String {
    let mut url = format!(
        "/api/ask/stream?question={}&language={}",
        url_encode(question),
        language.code()
    );
    if !session_id.is_empty() {
        url.push_str("&session_id=");
        url.push_str(&url_encode(session_id));
    }
    url
}

/// An open stream: what must live until the turn ends.
struct Open {
    source: EventSource,
    _handler: Closure<dyn FnMut(Event)>,
    watchdog: Option<TimeoutHandle>,
}

/// `None` once the turn has ended (late events are then ignored).
type Slot = Rc<RefCell<Option<Open>>>;

/// Opens the stream of a turn whose phase is `phase` (already `Running`).
pub fn start(chat: Chat, phase: RwSignal<Phase>, question: &str) {
    let url = stream_url(
        question,
        &chat.session.get_untracked(),
        chat.lang.get_untracked(),
    );
    let source = match EventSource::new(&url) {
        Ok(source) => source,
        Err(_) => {
            chat.finish(phase, Phase::Failed(Failure::ConnectionLost));
            return;
        }
    };
    let slot: Slot = Rc::new(RefCell::new(None));
    let handler = {
        let slot = Rc::clone(&slot);
        Closure::<dyn FnMut(Event)>::new(move |event: Event| on_event(&slot, chat, phase, event))
    };
    for name in EVENTS {
        // Only fails for a non-callable listener, which this is not.
        let _ = source.add_event_listener_with_callback(name, handler.as_ref().unchecked_ref());
    }
    *slot.borrow_mut() = Some(Open {
        source,
        _handler: handler,
        watchdog: None,
    });
    arm_watchdog(&slot, chat, phase);
}

fn on_event(slot: &Slot, chat: Chat, phase: RwSignal<Phase>, event: Event) {
    if slot.borrow().is_none() {
        return;
    }
    let name = event.type_();
    let data = event
        .dyn_ref::<MessageEvent>()
        .and_then(|message| message.data().as_string());
    let Some(data) = data else {
        if name == "error" {
            // The connection broke (or the server refused with a non-stream answer).
            end(slot, chat, phase, Phase::Failed(Failure::ConnectionLost));
        }
        return;
    };
    match StreamEvent::from_sse(&name, &data) {
        Ok(StreamEvent::Stage(stage)) => {
            phase.update(|p| {
                if let Phase::Running(live) = p {
                    live.on_stage(&stage);
                }
            });
            arm_watchdog(slot, chat, phase);
        }
        Ok(StreamEvent::Pick(pick)) => {
            phase.update(|p| {
                if let Phase::Running(live) = p {
                    live.on_pick(pick);
                }
            });
            arm_watchdog(slot, chat, phase);
            crate::app::scroll_to_end();
        }
        Ok(StreamEvent::Preliminary(preliminary)) => {
            phase.update(|p| {
                if let Phase::Running(live) = p {
                    live.on_preliminary(preliminary.picks);
                }
            });
            arm_watchdog(slot, chat, phase);
            crate::app::scroll_to_end();
        }
        Ok(StreamEvent::Answer(answer)) => {
            if !answer.session_id.is_empty() {
                chat.session.set(answer.session_id.clone());
            }
            end(slot, chat, phase, Phase::Done(answer));
        }
        Ok(StreamEvent::Error(error)) => end(slot, chat, phase, Phase::Failed(Failure::Api(error))),
        Err(_) if name == "answer" || name == "error" => {
            end(slot, chat, phase, Phase::Failed(Failure::Unreadable));
        }
        // A stage or pick that cannot be read only costs that bit of progress.
        Err(err) => leptos::logging::warn!("jeju-web: unreadable `{name}` event: {err}"),
    }
}

/// (Re)starts the silence timer of a turn.
fn arm_watchdog(slot: &Slot, chat: Chat, phase: RwSignal<Phase>) {
    let mut guard = slot.borrow_mut();
    let Some(open) = guard.as_mut() else {
        return;
    };
    if let Some(old) = open.watchdog.take() {
        old.clear();
    }
    let timer_slot = Rc::clone(slot);
    open.watchdog = set_timeout_with_handle(
        move || {
            let timeout = ApiError::new(ErrorCode::Timeout, chat.lang.get_untracked());
            end(
                &timer_slot,
                chat,
                phase,
                Phase::Failed(Failure::Api(timeout)),
            );
        },
        SILENCE_LIMIT,
    )
    .ok();
}

/// Ends a turn once: closes the source, stops the timer and shows `outcome`.
fn end(slot: &Slot, chat: Chat, phase: RwSignal<Phase>, outcome: Phase) {
    let Some(open) = slot.borrow_mut().take() else {
        return;
    };
    open.source.close();
    if let Some(timer) = &open.watchdog {
        timer.clear();
    }
    // The handler may be the caller: drop it only after this event has been handled.
    queue_microtask(move || drop(open));
    chat.finish(phase, outcome);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_urls_carry_the_question_language_and_session() {
        assert_eq!(
            stream_url("애월 흑돼지?", "", Language::Ko),
            "/api/ask/stream?question=%EC%95%A0%EC%9B%94%20%ED%9D%91%EB%8F%BC%EC%A7%80%3F&language=ko"
        );
        assert_eq!(
            stream_url("a&b", "s-1", Language::En),
            "/api/ask/stream?question=a%26b&language=en&session_id=s-1"
        );
    }
}
