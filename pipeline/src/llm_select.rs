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

/// Completion budget of the `facts` style: three ids with two fact numbers each and the
/// JSON around them (about 40 tokens).
const FACTS_MAX_TOKENS: u32 = 80;
/// Completion budget of the `sentence` style: three short clauses plus the JSON.
const SENTENCE_MAX_TOKENS: u32 = 220;
/// Longest reason kept, in characters (a longer one is cut at a sentence or clause end).
pub const MAX_REASON_CHARS: usize = 110;
/// The grammar's limit of a written reason: the prompt asks for at most 60 characters; some
/// room past it lets the model end its clause instead of being cut mid-word.
const GRAMMAR_REASON_CHARS: usize = 90;
/// Facts a card offers to cite, at most (in the order [`fact::facts`] tells them).
pub const MAX_CITABLE_FACTS: usize = 4;
/// Facts one pick may cite.
const MAX_CITED_FACTS: usize = 2;

/// What the model writes for each pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SelectStyle {
    /// The numbers of the facts that show why it fits; the reason is rendered from them
    /// (`prompts/fact.tera`). Few output tokens, every reason grounded by construction.
    #[default]
    Facts,
    /// A short clause of its own, checked (numbers from the card, no pasted review, no
    /// companion nobody asked for) and replaced by the templated reason when it fails.
    Sentence,
}

impl SelectStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            SelectStyle::Facts => "facts",
            SelectStyle::Sentence => "sentence",
        }
    }

    fn max_tokens(self) -> u32 {
        match self {
            SelectStyle::Facts => FACTS_MAX_TOKENS,
            SelectStyle::Sentence => SENTENCE_MAX_TOKENS,
        }
    }
}

impl std::str::FromStr for SelectStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<SelectStyle, String> {
        match s.trim() {
            "facts" => Ok(SelectStyle::Facts),
            "sentence" => Ok(SelectStyle::Sentence),
            other => Err(format!(
                "unknown select style {other:?} (expected facts or sentence)"
            )),
        }
    }
}

#[derive(Debug, Deserialize)]
struct PickJson {
    id: String,
    #[serde(default)]
    reason: Option<String>,
    /// The cited fact numbers (`"why"`; `"facts"`, the key's earlier name, is read too).
    #[serde(default, alias = "facts")]
    why: Vec<serde_json::Value>,
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

/// The key of a pick's cited fact numbers in the `facts` style.
///
/// A grammar-constrained model writes an object's keys in the schema's order, and the
/// schema is sent with its keys sorted (`serde_json` without `preserve_order`): a key that
/// sorts before `"id"` (such as `"facts"`) made the model cite fact numbers before it had
/// chosen the place, and then choose the place to fit them (it skipped the best-scored
/// candidate in 9 of 51 turns). `"why"` sorts after `"id"`, as `"reason"` does.
const CITED_KEY: &str = "why";

/// The JSON schema of the answer: the candidate aliases as an enum, and per style either
/// fact numbers (an enum up to the most any card offers) or a short reason. The id comes
/// first in every pick object (see [`CITED_KEY`]).
pub fn select_schema(ids: &[&str], style: SelectStyle, most_facts: usize) -> serde_json::Value {
    let why = match style {
        SelectStyle::Facts => {
            let numbers: Vec<usize> = (1..=most_facts.max(1)).collect();
            (
                CITED_KEY,
                serde_json::json!({
                    "type": "array",
                    "items": {"enum": numbers},
                    "minItems": 1,
                    "maxItems": MAX_CITED_FACTS
                }),
            )
        }
        SelectStyle::Sentence => (
            "reason",
            serde_json::json!({"type": "string", "minLength": 10, "maxLength": GRAMMAR_REASON_CHARS}),
        ),
    };
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
                        (why.0): why.1
                    },
                    "required": ["id", why.0]
                }
            }
        },
        "required": ["picks"]
    })
}

/// One candidate as the select prompt shows it.
#[derive(Debug, Clone)]
pub struct PromptCard {
    /// `c1`…`c6`: fewer tokens than store ids and nothing to misspell.
    pub alias: String,
    /// The facts it may cite, numbered from 1 in its line.
    pub citable: Vec<crate::fact::Fact>,
    /// Its line as sent: what a written reason's numbers are checked against.
    pub line: String,
}

/// The facts a card offers the model: what speaks to this request, at most
/// [`MAX_CITABLE_FACTS`] (the local share always, the busiest time when a time was asked,
/// are left out: every card has them, and each costs prompt time); and what it does not
/// meet (the warnings, never cited as a reason).
pub fn citable_facts(
    card: &Card,
    c: &crate::intent::Constraints,
) -> (Vec<crate::fact::Fact>, Vec<crate::fact::Fact>) {
    use crate::fact::FactKind;
    let (warnings, mut citable): (Vec<_>, Vec<_>) = fact::facts(card, c)
        .into_iter()
        .filter(|f| match f.kind() {
            FactKind::LocalShare => false,
            FactKind::BusiestTime => c.time.is_some(),
            _ => true,
        })
        .partition(|f| matches!(f.kind(), FactKind::Backfilled | FactKind::Unmet));
    citable.truncate(MAX_CITABLE_FACTS);
    (citable, warnings)
}

/// What the select prompt is made of, besides the cards.
#[derive(Debug, Clone, Copy)]
pub struct SelectAsk<'a> {
    /// The question, or for a follow-up the earlier request → this question.
    pub request: &'a str,
    pub intent: &'a Intent,
    /// The request asks for a mood, view or occasion: the cards show the start of a review.
    pub soft: bool,
    pub style: SelectStyle,
}

/// The select prompt exactly as it is sent, and each candidate as shown.
pub fn select_prompt(
    prompts: &Prompts,
    ask: SelectAsk<'_>,
    cards: &[Card],
) -> Result<(Prompt, Vec<PromptCard>), crate::PipelineError> {
    let intent = ask.intent;
    let asked_region = intent.constraints.region.as_deref();
    let shown = cards
        .iter()
        .enumerate()
        .map(|(i, card)| {
            let (citable, warnings) = citable_facts(card, &intent.constraints);
            let alias = alias(i);
            let line = prompts.card_line(
                &alias,
                card,
                asked_region,
                (&citable, &warnings),
                ask.soft,
                intent.lang,
            )?;
            Ok(PromptCard {
                alias,
                citable,
                line,
            })
        })
        .collect::<Result<Vec<PromptCard>, crate::PipelineError>>()?;
    let lines: Vec<String> = shown.iter().map(|c| c.line.clone()).collect();
    let prompt = prompts.select(ask.request, &lines, intent.lang, ask.style)?;
    Ok((prompt, shown))
}

/// Asks the LLM to pick from `cards` (best-scored first), streaming each accepted pick to
/// `on_pick`. Fills up to three picks from the deterministic order when the model returns
/// fewer (noted).
pub async fn select_with_llm(
    llm: &dyn ChatModel,
    prompts: &Prompts,
    ask: SelectAsk<'_>,
    cards: &[Card],
    usage: &mut LlmUsage,
    on_pick: &mut (dyn FnMut(usize, &Pick) + Send),
) -> Result<Selection, SelectError> {
    let (intent, style) = (ask.intent, ask.style);
    let c = &intent.constraints;
    let lang = intent.lang;
    let (prompt, shown) =
        select_prompt(prompts, ask, cards).map_err(|e| SelectError::Prompt(e.to_string()))?;
    let ids: Vec<&str> = shown.iter().map(|s| s.alias.as_str()).collect();
    let most_facts = shown.iter().map(|s| s.citable.len()).max().unwrap_or(1);
    let request = ChatRequest::new(prompt.system.clone(), prompt.user.clone())
        .with_json_schema(select_schema(&ids, style, most_facts))
        .with_max_tokens(style.max_tokens());
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
                match accept(object, cards, &shown, &accepted, prompts, intent) {
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
        if let Some(cached) = counted.cached_tokens() {
            usage.add_cached(cached);
        }
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
    shown: &[PromptCard],
    accepted: &[Pick],
    prompts: &Prompts,
    intent: &Intent,
) -> Result<(Pick, Option<String>), String> {
    let lang = intent.lang;
    let json: PickJson =
        serde_json::from_str(object).map_err(|e| format!("unreadable pick ({e})"))?;
    let alias_given = json.id.trim();
    let at = shown
        .iter()
        .position(|s| s.alias == alias_given)
        .ok_or_else(|| format!("id {alias_given:?} is not a candidate: dropped"))?;
    let (card, shown) = (&cards[at], &shown[at]);
    let id = card.id.as_str();
    if accepted.iter().any(|p| p.card.id == id) {
        return Err(format!("id {id} picked twice: dropped"));
    }
    let facts = prompts
        .fact_lines(fact::facts(card, &intent.constraints), lang)
        .map_err(|e| format!("facts of {id}: {e}"))?;
    let templated = || Pick::templated_reason(&facts, lang);
    let (reason, note) = match json.reason {
        Some(written) => match written_reason_problem(&written, card, cards, shown, intent) {
            Ok(reason) => (reason, None),
            Err(p) => (
                templated(),
                Some(format!("reason for {id} {p}: templated reason used")),
            ),
        },
        None => match cited_reason(&json.why, shown, prompts, lang) {
            Ok(reason) => (reason, None),
            Err(p) => (
                templated(),
                Some(format!("facts for {id} {p}: templated reason used")),
            ),
        },
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

/// The reason told by the facts the model cited (numbers of the card's line): each valid
/// number once, in the model's order, joined as the templated reason joins facts.
fn cited_reason(
    cited: &[serde_json::Value],
    shown: &PromptCard,
    prompts: &Prompts,
    lang: crate::intent::Lang,
) -> Result<String, String> {
    let mut used: Vec<usize> = Vec::new();
    for n in cited.iter().filter_map(serde_json::Value::as_u64) {
        let Some(i) = usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < shown.citable.len())
        else {
            continue;
        };
        if !used.contains(&i) && used.len() < MAX_CITED_FACTS {
            used.push(i);
        }
    }
    if used.is_empty() {
        return Err(format!("{cited:?} name no fact of its line"));
    }
    let chosen = used.iter().map(|&i| shown.citable[i].clone()).collect();
    let lines = prompts
        .fact_lines(chosen, lang)
        .map_err(|e| e.to_string())?;
    Ok(Pick::templated_reason(&lines, lang))
}

/// A written reason, tidied, or what is wrong with it.
fn written_reason_problem(
    written: &str,
    card: &Card,
    cards: &[Card],
    shown: &PromptCard,
    intent: &Intent,
) -> Result<String, String> {
    // The model sometimes names a place by its alias ("c1은 …"): use the name.
    let mut reason = tidy_reason(written);
    for (i, other) in cards.iter().enumerate().rev() {
        let a = alias(i);
        reason = reason
            .replace(&format!("[{a}]"), &other.name)
            .replace(&a, &other.name);
    }
    if reason.chars().count() < 5 {
        return Err("empty".to_owned());
    }
    if copies_a_review(&reason, &card.quotes) {
        return Err("copies a review".to_owned());
    }
    if let Some(who) =
        crate::parse::companion_in(&reason).filter(|w| Some(*w) != intent.constraints.companion)
    {
        // "suitable for families with children" when nobody asked and no data says so.
        return Err(
            format!("claims it suits {who:?} visits, which nothing given says").to_lowercase(),
        );
    }
    if let Some(n) = ungrounded_number(&reason, &shown.line) {
        return Err(format!("cites {n}, not in its data"));
    }
    Ok(reason)
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
        assert_eq!(first.reason.as_deref(), Some("흑돼지 {맛집} \"최고\""));
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

    #[test]
    fn the_schema_asks_for_the_place_before_why() {
        // What llama-server's grammar follows is the order of the keys as sent.
        for style in [SelectStyle::Facts, SelectStyle::Sentence] {
            let sent = select_schema(&["c1", "c2"], style, 3).to_string();
            let id = sent.find(r#""id":"#).unwrap();
            let why = sent
                .find(&format!(r#""{CITED_KEY}":"#))
                .or_else(|| sent.find(r#""reason":"#))
                .unwrap();
            assert!(id < why, "{style:?}: {sent}");
        }
        // An answer with the key's earlier name still reads.
        let old: PickJson = serde_json::from_str(r#"{"id":"c1","facts":[2]}"#).unwrap();
        assert_eq!(old.why, vec![serde_json::json!(2)]);
    }
}
