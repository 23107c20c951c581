//! The LLM route: when the rules leave words of a fresh question unexplained, one small
//! JSON-schema call says what each of those words means here, in the graph's own closed
//! vocabulary (a region, a companion, an age band, a time of day), or that it is something
//! the data cannot tell ("none": parking, pets, diets; such a word is still named in the
//! answer, and no LLM query is written for it). The prompt's vocabulary is static, so the
//! server's prompt cache keeps it; what is sent per question is the question and its unread
//! words, and what comes back is a few tokens per word.
//!
//! Every reading is a proposal, checked here: the word must be one of the unread words, the
//! value one of the vocabulary's (the grammar enforces both on llama-server; other servers
//! are checked), and a slot the rules filled stays theirs. Dishes, kinds of place and menu
//! words are not offered: the default 1.5B model read "ojingeo" (squid) as pizza and
//! "gluten" as 분식, and a wrong dish or kind is a wrong answer, while the menus and the
//! everyday vocabulary of `data/words/` already ground what they can. The route (search or
//! recommend) stays the rules': a data question needs a measure they understood.

use std::time::Instant;

use jeju_data::gazetteer;
use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
use jeju_llm::{ChatRequest, LlmError};
use serde::Deserialize;

use crate::intent::Constraints;
use crate::ports::ChatModel;
use crate::prompts::Prompts;
use crate::trace::LlmUsage;
use crate::understand::{Role, Understood};

/// Completion budget per unread word (`{"word":"…","means":"…"}` is about 15 tokens).
const TOKENS_PER_WORD: u32 = 24;

/// What the model may say a word means.
#[derive(Debug, Clone, PartialEq)]
pub enum Meaning {
    Region(&'static gazetteer::Region),
    Companion(Companion),
    Age(AgeBand),
    Time(TimeOfDay),
    /// Nothing the data can tell (parking, pets, views).
    NotInData,
}

impl Meaning {
    /// The vocabulary's label of a value (`region:애월읍`, `with:parents`, `none` …).
    pub fn label(&self) -> String {
        match self {
            Meaning::Region(r) => format!("region:{}", r.name),
            Meaning::Companion(c) => format!("with:{}", serde_name(c)),
            Meaning::Age(a) => format!("age:{}", serde_name(a)),
            Meaning::Time(t) => format!("time:{}", serde_name(t)),
            Meaning::NotInData => "none".to_owned(),
        }
    }

    /// Reads a label; `None` for anything outside the vocabulary.
    pub fn parse(label: &str) -> Option<Meaning> {
        let label = label.trim();
        if label == "none" {
            return Some(Meaning::NotInData);
        }
        let (kind, value) = label.split_once(':')?;
        let value = value.trim();
        match kind {
            "region" => gazetteer::regions()
                .iter()
                .find(|r| r.name == value)
                .map(Meaning::Region),
            "with" => from_serde_name(value).map(Meaning::Companion),
            "age" => from_serde_name(value).map(Meaning::Age),
            "time" => from_serde_name(value).map(Meaning::Time),
            _ => None,
        }
    }
}

/// A vocabulary value's serde spelling (what the labels use: `parents`, `60+`, `dinner`).
fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The vocabulary value spelt `name`.
fn from_serde_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::json!(name)).ok()
}

/// Every label the grammar allows.
pub fn closed_labels() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    out.extend(
        gazetteer::regions()
            .iter()
            .map(|r| Meaning::Region(r).label()),
    );
    out.extend(Companion::ALL.map(|c| Meaning::Companion(c).label()));
    out.extend(AgeBand::ALL.map(|a| Meaning::Age(a).label()));
    out.extend(TimeOfDay::ALL.map(|t| Meaning::Time(t).label()));
    out.push(Meaning::NotInData.label());
    out
}

/// The JSON schema llama-server turns into a grammar: each unread word once at most, each
/// meaning a label of the vocabulary.
pub fn route_schema(words: &[String]) -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "words": {
                "type": "array",
                "minItems": 1,
                "maxItems": words.len().max(1),
                "items": {
                    "type": "object",
                    "properties": {
                        "word": {"enum": words},
                        "means": {"enum": closed_labels()}
                    },
                    "required": ["word", "means"]
                }
            }
        },
        "required": ["words"]
    })
}

#[derive(Debug, Deserialize)]
struct ReadingsJson {
    words: Vec<ReadingJson>,
}

#[derive(Debug, Deserialize)]
struct ReadingJson {
    word: String,
    means: String,
}

/// A reading that became a constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The word, its role and the graph's value, as the answer's accounting lists it.
    pub understood: Understood,
    /// The model's label (`with:parents`), for the trace.
    pub label: String,
}

/// What the LLM's readings did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Readings {
    /// Words that became a constraint.
    pub applied: Vec<Applied>,
    /// Words the model says the data cannot tell (they stay named as unmatched).
    pub not_in_data: Vec<String>,
    /// Readings not used, and why.
    pub rejected: Vec<String>,
}

/// Asks the LLM what the `unread` words of `question` mean and applies what checks out to
/// `c`. `usage` collects the cost of the call.
pub async fn read_words(
    llm: &dyn ChatModel,
    prompts: &Prompts,
    question: &str,
    unread: &[String],
    c: &mut Constraints,
    usage: &mut LlmUsage,
) -> Result<Readings, LlmError> {
    let prompt = prompts
        .route(question, unread)
        .map_err(|e| LlmError::InvalidRequest(e.to_string()))?;
    let prompt_chars = prompt.system.chars().count() + prompt.user.chars().count();
    let words = u32::try_from(unread.len()).unwrap_or(u32::MAX).max(1);
    let req = ChatRequest::new(prompt.system, prompt.user)
        .with_json_schema(route_schema(unread))
        .with_max_tokens(16 + TOKENS_PER_WORD.saturating_mul(words));
    let started = Instant::now();
    let resp = match llm.chat(&req).await {
        Ok(r) => r,
        Err(e) => {
            usage.add_call(prompt_chars, 0, None, started);
            return Err(e);
        }
    };
    usage.add_response(prompt_chars, &resp, started);
    let json: ReadingsJson = resp.parse_json()?;
    Ok(apply(json, unread, c))
}

/// Applies the readings that check out; a slot the rules (or an earlier reading) filled
/// stays as it is.
fn apply(json: ReadingsJson, unread: &[String], c: &mut Constraints) -> Readings {
    let mut out = Readings::default();
    let mut seen: Vec<String> = Vec::new();
    for r in json.words {
        let word = r.word.trim().to_lowercase();
        if !unread.contains(&word) {
            out.rejected.push(format!("'{word}' is not an unread word"));
            continue;
        }
        if seen.contains(&word) {
            continue;
        }
        seen.push(word.clone());
        let Some(meaning) = Meaning::parse(&r.means) else {
            out.rejected
                .push(format!("'{word}' → {:?}: not in the vocabulary", r.means));
            continue;
        };
        let label = meaning.label();
        let taken = |what: &str| format!("'{word}' → {label}: the {what} is already set");
        let applied = match meaning {
            Meaning::NotInData => {
                out.not_in_data.push(word);
                continue;
            }
            Meaning::Region(r) => {
                if c.region.is_some() || c.city.is_some() || c.near_attraction.is_some() {
                    Err(taken("place"))
                } else {
                    c.region = Some(r.name.clone());
                    c.city = Some(r.city.clone());
                    Ok((Role::Place, r.name.clone()))
                }
            }
            Meaning::Companion(v) => {
                fill(&mut c.companion, v, Role::Companion).ok_or_else(|| taken("companion"))
            }
            Meaning::Age(v) => fill(&mut c.age_band, v, Role::Age).ok_or_else(|| taken("age")),
            Meaning::Time(v) => fill(&mut c.time, v, Role::Time).ok_or_else(|| taken("time")),
        };
        match applied {
            Ok((role, value)) => out.applied.push(Applied {
                understood: Understood { word, role, value },
                label,
            }),
            Err(why) => out.rejected.push(why),
        }
    }
    out
}

fn fill<T: Copy + serde::Serialize>(
    slot: &mut Option<T>,
    v: T,
    role: Role,
) -> Option<(Role, String)> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(v);
    Some((role, serde_name(&v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn readings(pairs: &[(&str, &str)]) -> ReadingsJson {
        ReadingsJson {
            words: pairs
                .iter()
                .map(|(w, m)| ReadingJson {
                    word: (*w).to_owned(),
                    means: (*m).to_owned(),
                })
                .collect(),
        }
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn labels_round_trip_and_anything_else_is_refused() {
        for label in closed_labels() {
            let meaning = Meaning::parse(&label).unwrap_or_else(|| panic!("{label}"));
            assert_eq!(meaning.label(), label);
        }
        assert!(closed_labels().contains(&"age:60+".to_owned()));
        assert!(closed_labels().contains(&"with:parents".to_owned()));
        for bad in [
            "region:부산",
            "type:커피",
            "dish:흑돼지",
            "menu:한치",
            "with:dog",
            "time:noon",
            "maybe",
        ] {
            assert_eq!(Meaning::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn readings_fill_empty_slots_only() {
        let q = "zzq qqx 좋은 곳";
        let mut c = parse(q).constraints;
        assert_eq!(
            (c.region.as_deref(), c.companion, c.time),
            (None, None, None)
        );
        let unread = words(&["zzq", "qqx", "parking", "view"]);
        let out = apply(
            readings(&[
                ("zzq", "with:parents"),
                ("qqx", "region:애월읍"),
                ("parking", "none"),
                ("view", "dish:해산물"),
                ("uninvited", "time:dinner"),
                ("zzq", "with:kids"),
            ]),
            &unread,
            &mut c,
        );
        assert_eq!(c.companion, Some(Companion::Parents));
        assert_eq!(c.region.as_deref(), Some("애월읍"));
        assert_eq!(c.city.as_deref(), Some("제주시"));
        assert_eq!((c.dish.as_deref(), c.time), (None, None));
        assert_eq!(out.not_in_data, ["parking"]);
        assert_eq!(
            out.applied
                .iter()
                .map(|a| {
                    let u = &a.understood;
                    (u.word.as_str(), u.role, u.value.as_str())
                })
                .collect::<Vec<_>>(),
            [
                ("zzq", Role::Companion, "parents"),
                ("qqx", Role::Place, "애월읍")
            ]
        );
        assert!(
            out.rejected
                .iter()
                .any(|r| r.contains("not in the vocabulary")),
            "{out:?}"
        );
        assert!(
            out.rejected
                .iter()
                .any(|r| r.contains("not an unread word")),
            "{out:?}"
        );
        // A slot the rules filled is not overwritten.
        let mut c = parse("애월읍 부모님과 흑돼지 맛집").constraints;
        let out = apply(
            readings(&[("xyz", "region:한림읍"), ("abc", "with:kids")]),
            &words(&["xyz", "abc"]),
            &mut c,
        );
        assert_eq!(c.region.as_deref(), Some("애월읍"));
        assert_eq!(c.companion, Some(Companion::Parents));
        assert!(out.applied.is_empty());
        assert_eq!(out.rejected.len(), 2, "{out:?}");
    }

    #[test]
    fn the_schema_lists_the_unread_words_and_the_vocabulary() {
        let schema = route_schema(&words(&["반려견", "동반"]));
        let item = &schema["properties"]["words"]["items"]["properties"];
        assert_eq!(item["word"]["enum"], serde_json::json!(["반려견", "동반"]));
        let labels = item["means"]["enum"].as_array().unwrap();
        assert!(labels.contains(&serde_json::json!("none")));
        assert!(labels.contains(&serde_json::json!("region:애월읍")));
        assert_eq!(schema["properties"]["words"]["maxItems"], 2);
    }
}
