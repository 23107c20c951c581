//! One turn over HTTP: input checks, the queue, the session, the pipeline with a deadline,
//! and the mapping of failures to [`ErrorCode`]s.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use jeju_api::{ApiError, AskRequest, AskResponse, ErrorCode, Language, StreamEvent};
use jeju_pipeline::intent::Lang;
use jeju_pipeline::{PipelineError, TurnEvent};
use jeju_web::ChatTurn;
use tokio::sync::mpsc::UnboundedSender;

use crate::convert::{self, language_of};
use crate::AppState;

/// The question with control characters turned into spaces and the ends trimmed, or why it
/// cannot be asked.
pub fn clean_question(raw: &str) -> Result<String, ErrorCode> {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || is_invisible(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        return Err(ErrorCode::EmptyQuestion);
    }
    if cleaned.chars().count() > jeju_api::MAX_QUESTION_CHARS {
        return Err(ErrorCode::QuestionTooLong);
    }
    Ok(cleaned.to_owned())
}

/// Zero-width and direction-control characters: they show nothing, so a question made of
/// them is empty, and inside a question they only hide what the words are.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// The language of messages for a request: the one asked for, else the question's.
pub fn message_language(req: &AskRequest) -> Language {
    req.language
        .unwrap_or_else(|| language_of(Lang::detect(&req.question)))
}

/// What a pipeline failure means for the user.
pub fn error_code(e: &PipelineError) -> ErrorCode {
    match e {
        PipelineError::EmptyQuestion => ErrorCode::EmptyQuestion,
        PipelineError::QuestionTooLong(..) => ErrorCode::QuestionTooLong,
        PipelineError::Graph(g) if g.is_unavailable() => ErrorCode::GraphUnavailable,
        _ => ErrorCode::Internal,
    }
}

/// Runs one turn of the session named in `req` (a new session when it names none or an
/// unknown one). Events go to `events` as they happen; the result is recorded in the
/// conversation either way. Returns the session id in use and the result.
pub async fn run_turn(
    state: &Arc<AppState>,
    req: AskRequest,
    events: Option<UnboundedSender<StreamEvent>>,
) -> (String, Result<AskResponse, ApiError>) {
    let lang = message_language(&req);
    let question = match clean_question(&req.question) {
        Ok(q) => q,
        Err(code) => {
            let (session_id, _) = state.sessions.page_turns(req.session_id.as_deref()).await;
            return (session_id, Err(ApiError::new(code, lang)));
        }
    };
    let (session_id, mut conv) = state.sessions.begin_turn(req.session_id.as_deref()).await;
    let started = std::time::Instant::now();
    let mut trace = None;
    let result = match state.queue().await {
        Err(code) => Err(ApiError::new(code, lang)),
        Ok(_permit) => {
            state.metrics.running(1);
            let _running = RunningGuard(&state.metrics);
            conv.session.language = req.language.map(convert::lang_of);
            let observer = |event: TurnEvent<'_>| {
                let Some(tx) = &events else { return };
                let event = match event {
                    TurnEvent::StageStarted(stage) => {
                        StreamEvent::Stage(convert::stage_started(stage))
                    }
                    TurnEvent::StageFinished(s) => StreamEvent::Stage(convert::stage_finished(s)),
                    TurnEvent::Pick { index, pick } => {
                        StreamEvent::Pick(convert::pick_card(index, pick, lang))
                    }
                    TurnEvent::Preliminary { picks } => {
                        StreamEvent::Preliminary(jeju_api::PreliminaryPicks {
                            picks: picks
                                .iter()
                                .enumerate()
                                .map(|(i, pick)| convert::pick_card(i, pick, lang))
                                .collect(),
                        })
                    }
                };
                // A closed stream (the browser left) does not stop the turn.
                let _ = tx.send(event);
            };
            let asked = tokio::time::timeout(
                state.config.turn_timeout,
                state
                    .pipeline
                    .ask_observed(&mut conv.session, &question, &observer),
            )
            .await;
            match asked {
                Err(_) => {
                    tracing::warn!(question = %question, "turn timed out");
                    Err(ApiError::new(ErrorCode::Timeout, lang))
                }
                Ok(Err(e)) => {
                    let code = error_code(&e);
                    tracing::error!(question = %question, error = %e, code = code.as_str(), "turn failed");
                    Err(ApiError::new(code, lang))
                }
                Ok(Ok(answer)) => {
                    // The other language too, so that the page can switch without asking
                    // again; an answer that cannot be told again is served as it is.
                    let other = match answer.intent.lang {
                        Lang::Ko => Lang::En,
                        Lang::En => Lang::Ko,
                    };
                    let again = state
                        .pipeline
                        .answer_in(&answer, other)
                        .map_err(|e| tracing::warn!(error = %e, "answer not told again"))
                        .ok();
                    let mut response = convert::response_with_other(
                        &session_id,
                        conv.asked + 1,
                        &question,
                        &answer,
                        again.as_ref(),
                    );
                    response.warming_up = warming_up(state, &answer);
                    trace = Some(answer.trace);
                    Ok(response)
                }
            }
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    match (&result, &trace) {
        (Ok(r), Some(trace)) => {
            state.metrics.answered(seconds, trace);
            tracing::info!(
                session = %session_id,
                turn = r.turn,
                kind = ?r.kind,
                ms = seconds * 1000.0,
                "turn answered"
            );
        }
        (Ok(_), None) => {}
        (Err(e), _) => {
            state.metrics.failed(seconds, e.code);
            tracing::info!(session = %session_id, code = e.code.as_str(), ms = seconds * 1000.0, "turn failed");
        }
    }
    let turn = ChatTurn {
        question: question.clone(),
        answer: result.as_ref().ok().cloned(),
        error: result.as_ref().err().cloned(),
    };
    state
        .sessions
        .finish_turn(&session_id, &mut conv, turn)
        .await;
    if let Some(tx) = &events {
        let _ = tx.send(match &result {
            Ok(r) => StreamEvent::Answer(Box::new(r.clone())),
            Err(e) => StreamEvent::Error(e.clone()),
        });
    }
    (session_id, result)
}

/// Set when review search was unavailable for `answer` while its index is being built.
fn warming_up(state: &AppState, answer: &jeju_pipeline::Answer) -> Option<jeju_api::WarmingUp> {
    let unavailable = answer.trace.fallback_reasons().iter().any(|(_, reason)| {
        *reason == jeju_pipeline::trace::FallbackReason::ReviewSearchUnavailable
    });
    if !unavailable {
        return None;
    }
    let index = state.review_index()?;
    (index.state == jeju_api::ReviewIndexPhase::Building).then(|| jeju_api::WarmingUp {
        review_index_percent: index.percent.unwrap_or(0),
    })
}

impl AppState {
    /// Waits for a turn slot: at most `max_concurrent_turns` run at once, at most
    /// `max_waiting_turns` wait (more are refused at once), none waits longer than
    /// `queue_timeout`.
    async fn queue(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ErrorCode> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let waiting = self.waiting.fetch_add(1, Ordering::SeqCst);
        let _leave = WaitingGuard(&self.waiting, &self.metrics);
        self.metrics.waiting(1);
        if waiting >= self.config.max_waiting_turns {
            return Err(ErrorCode::Busy);
        }
        match tokio::time::timeout(
            self.config.queue_timeout,
            self.permits.clone().acquire_owned(),
        )
        .await
        {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => Err(ErrorCode::Busy),
        }
    }
}

/// A turn waiting for a slot (the count and the queue gauge).
struct WaitingGuard<'a>(
    &'a std::sync::atomic::AtomicUsize,
    &'a crate::metrics::Metrics,
);

impl Drop for WaitingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
        self.1.waiting(-1);
    }
}

/// A turn holding a slot (the running gauge).
struct RunningGuard<'a>(&'a crate::metrics::Metrics);

impl Drop for RunningGuard<'_> {
    fn drop(&mut self) {
        self.0.running(-1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_cleaned_and_checked() {
        assert_eq!(
            clean_question("  애월\u{0}흑돼지\n "),
            Ok("애월 흑돼지".to_owned())
        );
        assert_eq!(clean_question(" \t\r\n"), Err(ErrorCode::EmptyQuestion));
        assert_eq!(clean_question("\u{7}\u{1b}"), Err(ErrorCode::EmptyQuestion));
        assert_eq!(
            clean_question("\u{200B}\u{FEFF}\u{202E} \u{2066}"),
            Err(ErrorCode::EmptyQuestion)
        );
        assert_eq!(
            clean_question("애월\u{202E}읍 흑\u{200B}돼지").as_deref(),
            Ok("애월 읍 흑 돼지")
        );
        let long = "가".repeat(jeju_api::MAX_QUESTION_CHARS + 1);
        assert_eq!(clean_question(&long), Err(ErrorCode::QuestionTooLong));
        let at_limit = "가".repeat(jeju_api::MAX_QUESTION_CHARS);
        assert!(clean_question(&at_limit).is_ok());
    }
}
