//! LLM select (PALR): the model ranks at most six candidate cards and returns the best three
//! as JSON, `{"picks": [{"id", "reason"}]}`. The answer streams: each pick is handed on as soon
//! as its object is complete, so the first recommendation shows while the model still writes
//! the others.
//!
//! What comes back is checked, never trusted: ids must be candidate ids (a JSON schema with
//! an `enum` of them makes llama-server's grammar enforce it; other servers are checked here),
//! each id once; a reason must be non-empty and every number in it must appear in that
//! candidate's card (prices, shares, ratings), otherwise the templated reason replaces it.
//! No valid pick at all → one retry → the caller's deterministic ranker.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::StreamExt;
use jeju_llm::{ChatRequest, LlmError};
use serde::Deserialize;

use crate::fact;
use crate::intent::Intent;
use crate::ports::ChatModel;
use crate::prompts::{Prompt, Prompts};
use crate::recommend::{self, Card, Pick, PICKS};
use crate::trace::LlmUsage;

/// Completion budget: three reasons of ≤ 110 characters plus the JSON around them.
const MAX_TOKENS: u32 = 360;
/// Longest reason kept, in characters (a longer one is cut at a sentence or clause end).
pub const MAX_REASON_CHARS: usize = 110;
/// The grammar's limit: some room past [`MAX_REASON_CHARS`] so that the model can end its
/// sentence instead of being cut mid-word.
const GRAMMAR_REASON_CHARS: usize = 150;

#[derive(Debug, Deserialize)]
struct PickJson {
    id: String,
    reason: String,
}

/// The selection with what had to be corrected.
#[derive(Debug)]
pub struct Selection {
    pub picks: Vec<Pick>,
    /// Corrections made to the model's output (dropped ids, replaced reasons, fill-ups).
    pub notes: Vec<String>,
    /// Whether the first answer was unusable and the retry was used.
    pub retried: bool,
}

/// Why the LLM could not select.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("LLM: {0}")]
    Llm(#[from] LlmError),
    #[error("prompt: {0}")]
    Prompt(String),
    #[error("no usable pick in two answers (last: {0})")]
    Unusable(String),
}

/// The JSON schema of the answer, with the candidate ids as an enum.
pub fn select_schema(ids: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "picks": {
                "type": "array",
                "minItems": 1,
                "maxItems": PICKS,
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"enum": ids},
                        "reason": {"type": "string", "minLength": 10, "maxLength": GRAMMAR_REASON_CHARS}
                    },
                    "required": ["id", "reason"]
                }
            }
        },
        "required": ["picks"]
    })
}

/// The select prompt exactly as it is sent, and each candidate's (alias, card line): short
/// aliases (`c1`…`c6`) instead of store ids, fewer tokens and nothing to misspell.
pub fn select_prompt(
    prompts: &Prompts,
    request: &str,
    intent: &Intent,
    cards: &[Card],
) -> Result<(Prompt, Vec<(String, String)>), crate::PipelineError> {
    let texts = cards
        .iter()
        .enumerate()
        .map(|(i, card)| {
            Ok((
                alias(i),
                prompts.card_line(card, &intent.constraints, intent.lang)?,
            ))
        })
        .collect::<Result<Vec<(String, String)>, crate::PipelineError>>()?;
    let intent_text = prompts.intent_line(intent)?;
    let prompt = prompts.select(request, &intent_text, &texts, intent.lang)?;
    Ok((prompt, texts))
}

/// Asks the LLM to pick from `cards` (best-scored first), streaming each accepted pick to
/// `on_pick`. Fills up to three picks from the deterministic order when the model returns
/// fewer (noted).
pub async fn select_with_llm(
    llm: &dyn ChatModel,
    prompts: &Prompts,
    question: &str,
    intent: &Intent,
    cards: &[Card],
    usage: &mut LlmUsage,
    on_pick: &mut (dyn FnMut(usize, &Pick) + Send),
) -> Result<Selection, SelectError> {
    let c = &intent.constraints;
    let lang = intent.lang;
    let (prompt, texts) = select_prompt(prompts, question, intent, cards)
        .map_err(|e| SelectError::Prompt(e.to_string()))?;
    let aliases: Vec<String> = (0..cards.len()).map(alias).collect();
    let ids: Vec<&str> = aliases.iter().map(String::as_str).collect();
    let request = ChatRequest::new(prompt.system.clone(), prompt.user.clone())
        .with_json_schema(select_schema(&ids))
        .with_max_tokens(MAX_TOKENS);
    let prompt_chars = prompt.system.chars().count() + prompt.user.chars().count();

    let mut last_problem = String::new();
    for attempt in 0..2 {
        let started = Instant::now();
        let mut accepted: Vec<Pick> = Vec::new();
        let mut notes = Vec::new();
        let (mut stream, counted) = match llm.chat_stream_counted(&request).await {
            Ok(s) => s,
            Err(e) => {
                usage.add_call(prompt_chars, 0, None, started);
                return Err(e.into());
            }
        };
        let mut text = String::new();
        let mut seen_objects = 0;
        let mut stream_error = None;
        while let Some(delta) = stream.next().await {
            match delta {
                Ok(d) => text.push_str(&d),
                Err(e) => {
                    stream_error = Some(e);
                    break;
                }
            }
            for object in complete_pick_objects(&text).into_iter().skip(seen_objects) {
                seen_objects += 1;
                match accept(object, cards, &texts, &accepted, prompts, intent) {
                    Ok((pick, note)) => {
                        notes.extend(note);
                        on_pick(accepted.len(), &pick);
                        accepted.push(pick);
                    }
                    Err(why) => notes.push(why),
                }
            }
        }
        usage.add_call(
            prompt_chars,
            text.chars().count(),
            counted.tokens(),
            started,
        );
        if accepted.is_empty() {
            last_problem = match stream_error {
                Some(e) => e.to_string(),
                None if notes.is_empty() => format!(
                    "no pick object in the answer: {:?}",
                    text.chars().take(120).collect::<String>()
                ),
                None => notes.join("; "),
            };
            tracing::debug!(attempt, problem = %last_problem, "select answer unusable");
            continue;
        }
        if let Some(e) = stream_error {
            notes.push(format!(
                "the answer broke off after {} picks ({e})",
                accepted.len()
            ));
        }
        // Fewer than three: fill from the deterministic order.
        let want = cards.len().min(PICKS);
        if accepted.len() < want {
            let chosen: HashSet<String> = accepted.iter().map(|p| p.card.id.clone()).collect();
            let rest: Vec<Card> = cards
                .iter()
                .filter(|c| !chosen.contains(&c.id))
                .cloned()
                .collect();
            let fill = recommend::deterministic_select(&rest, c, lang, prompts)
                .map_err(|e| SelectError::Prompt(e.to_string()))?;
            let n = want - accepted.len();
            notes.push(format!("{n} pick(s) filled by the deterministic ranker"));
            for pick in fill.into_iter().take(n) {
                on_pick(accepted.len(), &pick);
                accepted.push(pick);
            }
        }
        return Ok(Selection {
            picks: accepted,
            notes,
            retried: attempt == 1,
        });
    }
    Err(SelectError::Unusable(last_problem))
}

/// The prompt's name of the `i`-th candidate.
fn alias(i: usize) -> String {
    format!("c{}", i + 1)
}

/// Checks one pick object; returns the pick and a note when its reason was replaced.
fn accept(
    object: &str,
    cards: &[Card],
    texts: &[(String, String)],
    accepted: &[Pick],
    prompts: &Prompts,
    intent: &Intent,
) -> Result<(Pick, Option<String>), String> {
    let lang = intent.lang;
    let json: PickJson =
        serde_json::from_str(object).map_err(|e| format!("unreadable pick ({e})"))?;
    let alias_given = json.id.trim();
    let at = texts
        .iter()
        .position(|(a, _)| a == alias_given)
        .ok_or_else(|| format!("id {alias_given:?} is not a candidate: dropped"))?;
    let (card, card_text) = (&cards[at], &texts[at].1);
    let id = card.id.as_str();
    if accepted.iter().any(|p| p.card.id == id) {
        return Err(format!("id {id} picked twice: dropped"));
    }
    let facts = prompts
        .fact_lines(fact::facts(card, &intent.constraints), lang)
        .map_err(|e| format!("facts of {id}: {e}"))?;
    // The model sometimes names a place by its alias ("c1은 …"): use the name.
    let mut reason = tidy_reason(&json.reason);
    for (i, other) in cards.iter().enumerate().rev() {
        let a = alias(i);
        reason = reason
            .replace(&format!("[{a}]"), &other.name)
            .replace(&a, &other.name);
    }
    let problem = if reason.chars().count() < 5 {
        Some("empty".to_owned())
    } else if copies_a_review(&reason, &card.quotes) {
        Some("copies a review".to_owned())
    } else if let Some(who) =
        crate::parse::companion_in(&reason).filter(|w| Some(*w) != intent.constraints.companion)
    {
        // "suitable for families with children" when nobody asked and no data says so.
        Some(format!("claims it suits {who:?} visits, which nothing given says").to_lowercase())
    } else {
        ungrounded_number(&reason, card_text).map(|n| format!("cites {n}, not in its data"))
    };
    let templated = || Pick::templated_reason(&facts, lang);
    let (reason, note) = match problem {
        None => (reason, None),
        Some(p) => (
            templated(),
            Some(format!("reason for {id} {p}: templated reason used")),
        ),
    };
    Ok((
        Pick {
            card: card.clone(),
            facts,
            reason,
        },
        note,
    ))
}

/// The reason trimmed to [`MAX_REASON_CHARS`]: a longer one (or one the grammar cut off)
/// ends at its last sentence or clause boundary past the first third.
pub fn tidy_reason(reason: &str) -> String {
    let reason = reason.trim();
    let chars: Vec<char> = reason.chars().collect();
    let ended = matches!(chars.last(), Some('.' | '!' | '?' | '。'));
    if chars.len() <= MAX_REASON_CHARS && ended {
        return reason.to_owned();
    }
    let head = &chars[..chars.len().min(MAX_REASON_CHARS)];
    // A boundary mark is followed by a space or the end ("4.0" and "18,000" are numbers).
    let boundary = |at: usize, marks: &[char]| {
        marks.contains(&head[at]) && chars.get(at + 1).is_none_or(|c| c.is_whitespace())
    };
    let cut = (0..head.len())
        .rev()
        .find(|&at| boundary(at, &['.', '!', '?', '。']))
        .or_else(|| (0..head.len()).rev().find(|&at| boundary(at, &[',', ';'])))
        .filter(|&at| at >= MAX_REASON_CHARS / 3);
    match cut {
        Some(at) => {
            let mut s: String = head[..=at].iter().collect();
            if s.ends_with(',') || s.ends_with(';') {
                s.pop();
                s.push('.');
            }
            s
        }
        None => head.iter().collect(),
    }
}

/// Whether the reason repeats 20 or more characters of a review in a row (a small model
/// pastes a quote, complaints included, instead of saying why the place fits).
pub fn copies_a_review(reason: &str, quotes: &[String]) -> bool {
    const RUN: usize = 20;
    let chars: Vec<char> = reason.chars().collect();
    if chars.len() < RUN {
        return false;
    }
    chars.windows(RUN).any(|w| {
        let piece: String = w.iter().collect();
        quotes.iter().any(|q| q.contains(&piece))
    })
}

/// The first number of `reason` (two or more digits, or with a decimal point; thousands
/// separators ignored) that the card does not contain.
pub fn ungrounded_number(reason: &str, card_text: &str) -> Option<String> {
    let known = numbers(card_text);
    numbers(reason)
        .into_iter()
        .find(|n| (n.len() >= 2 || n.contains('.')) && !known.contains(n))
}

/// The numbers of a text, with thousands separators removed.
fn numbers(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        let next_digit = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        if ch.is_ascii_digit() {
            cur.push(ch);
        } else if (ch == ',' || ch == '.') && !cur.is_empty() && next_digit {
            if ch == '.' {
                cur.push('.');
            }
        } else if !cur.is_empty() {
            out.insert(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.insert(cur);
    }
    out
}

/// The complete objects of the `picks` array written so far (string-aware brace matching),
/// so that a streamed answer can be used pick by pick.
pub fn complete_pick_objects(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = None;
    for (i, ch) in text.char_indices() {
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' | '[' => {
                depth += 1;
                // The outer object is depth 1, the array depth 2, a pick object depth 3.
                if ch == '{' && depth == 3 {
                    start = Some(i);
                }
            }
            '}' | ']' => {
                if ch == '}' && depth == 3 {
                    if let Some(s) = start.take() {
                        out.push(&text[s..=i]);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_objects_are_found_as_they_complete() {
        let full = r#"{"picks": [{"id": "S1", "reason": "흑돼지 {맛집} \"최고\""}, {"id": "S2", "reason": "ok"}]}"#;
        let objects = complete_pick_objects(full);
        assert_eq!(objects.len(), 2);
        let first: PickJson = serde_json::from_str(objects[0]).unwrap();
        assert_eq!(first.reason, "흑돼지 {맛집} \"최고\"");
        // Mid-stream: only the finished object counts.
        let cut = &full[..full.find(r#"{"id": "S2""#).unwrap() + 12];
        assert_eq!(complete_pick_objects(cut).len(), 1);
        assert!(complete_pick_objects("not json at all }").is_empty());
    }

    #[test]
    fn companions_nobody_asked_for_are_not_claimed() {
        assert_eq!(
            crate::parse::companion_in("suitable for families with children"),
            Some(jeju_data::vocab::Companion::Kids)
        );
        assert_eq!(
            crate::parse::companion_in("아이스 아메리카노가 5,500원"),
            None
        );
        assert_eq!(
            crate::parse::companion_in("부모님과 가기 좋은 곳"),
            Some(jeju_data::vocab::Companion::Parents)
        );
    }

    #[test]
    fn long_reasons_end_at_a_boundary() {
        let cut = "The menu includes black pork, a popular dish in Aewol. The restaurant has a high rating of 4.0 out of";
        assert_eq!(
            tidy_reason(cut),
            "The menu includes black pork, a popular dish in Aewol."
        );
        assert_eq!(
            tidy_reason("  짧고 좋은 이유입니다.  "),
            "짧고 좋은 이유입니다."
        );
    }

    #[test]
    fn pasted_reviews_are_not_reasons() {
        let quotes = vec![
            "친구 추천으로 가봤어요 평범한 맛이에요! 흑돼지 가브리살은 유명한 만큼은 아니었어요"
                .to_owned(),
        ];
        assert!(copies_a_review(
            "친구 추천으로 가봤어요 평범한 맛이에요! 흑돼지 가브리살은",
            &quotes
        ));
        assert!(!copies_a_review(
            "60대 이상 손님이 22%로 많고 흑돼지 오겹살이 18,000원입니다.",
            &quotes
        ));
    }

    #[test]
    fn numbers_must_come_from_the_card() {
        let card =
            "도새기 (한식, 애월읍) | 메뉴: 흑돼지 오겹살 18,000원 | 60대 이상 손님 22% | 평점 4.6";
        assert_eq!(
            ungrounded_number("흑돼지 오겹살이 18000원, 평점 4.6", card),
            None
        );
        assert_eq!(ungrounded_number("60대 이상이 22%", card), None);
        assert_eq!(
            ungrounded_number("평점 4.9의 맛집", card),
            Some("4.9".into())
        );
        assert_eq!(
            ungrounded_number("15,000원에 즐기는", card),
            Some("15000".into())
        );
        // Single digits ("3곳", "1번") are not claims about the data.
        assert_eq!(ungrounded_number("3가지 이유", card), None);
    }
}
