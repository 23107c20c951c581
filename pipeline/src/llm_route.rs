//! The LLM route: one JSON-schema-constrained call whose output is checked against the
//! gazetteer. Literals the gazetteer found win; the LLM may add a region, type or dish only
//! when its value appears in the question and resolves to the graph's own vocabulary (a 1.5B
//! model invents companions and places otherwise); companions come from the parser only. The
//! route and the HyDE sentence come from the LLM.

use jeju_data::gazetteer;
use jeju_data::vocab::Companion;
use jeju_llm::{ChatRequest, LlmError};
use serde::Deserialize;
use std::time::Instant;

use crate::intent::{Intent, Route};
use crate::lexicon::{DISHES, TYPE_WORDS};
use crate::ports::ChatModel;
use crate::prompts::Prompts;
use crate::trace::LlmUsage;

/// Above this bigram overlap with the question, the LLM's HyDE text is a restatement.
const MAX_HYDE_OVERLAP: f64 = 0.5;

/// What the route prompt asks the LLM for.
#[derive(Debug, Deserialize)]
pub struct RouteJson {
    pub route: String,
    pub region: Option<String>,
    pub store_type: Option<String>,
    pub dish: Option<String>,
    pub companion: Option<Companion>,
    pub hyde: String,
}

/// The JSON schema llama-server turns into a grammar (so the output always parses).
pub fn route_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "route": {"enum": ["search", "recommend"]},
            "region": {"type": ["string", "null"]},
            "store_type": {"type": ["string", "null"]},
            "dish": {"type": ["string", "null"]},
            "companion": {"enum": ["parents", "kids", "couple", "friends", "solo", "group", null]},
            "hyde": {"type": "string", "maxLength": 80}
        },
        "required": ["route", "region", "store_type", "dish", "companion", "hyde"]
    })
}

/// Asks the LLM to route `question` and merges its answer into the deterministic `intent`.
/// `usage` collects the cost of the call; the notes say what of the LLM's answer was
/// overruled.
pub async fn route_with_llm(
    llm: &dyn ChatModel,
    prompts: &Prompts,
    question: &str,
    mut intent: Intent,
    usage: &mut LlmUsage,
) -> Result<(Intent, Vec<String>), LlmError> {
    let prompt = prompts
        .route(question)
        .map_err(|e| LlmError::InvalidRequest(e.to_string()))?;
    let prompt_chars = prompt.system.chars().count() + prompt.user.chars().count();
    let req = ChatRequest::new(prompt.system, prompt.user)
        .with_json_schema(route_schema())
        .with_max_tokens(256);
    let started = Instant::now();
    let resp = match llm.chat(&req).await {
        Ok(r) => r,
        Err(e) => {
            usage.add_call(prompt_chars, 0, None, started);
            return Err(e);
        }
    };
    usage.add_response(prompt_chars, &resp, started);
    let json: RouteJson = resp.parse_json()?;
    let notes = merge(&mut intent, json, question);
    Ok((intent, notes))
}

/// The gazetteer's values stay; the LLM fills gaps only with values that resolve.
fn merge(intent: &mut Intent, json: RouteJson, question: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let asked = question.to_lowercase();
    let grounded = |v: &Option<String>| {
        v.as_deref()
            .map(|x| x.trim().to_lowercase())
            .filter(|x| x.chars().count() >= 2 && asked.contains(x.as_str()))
    };
    // A data question needs a measure the parser understood: with one, it is a search
    // whatever the LLM says (the 1.5B model calls "which cafe has the highest share of 30s?"
    // a recommendation); without one, a recommendation.
    let route = if intent.goal.is_some() {
        Route::Search
    } else {
        Route::Recommend
    };
    let said = if json.route == "search" {
        Route::Search
    } else {
        Route::Recommend
    };
    if said != route {
        notes.push(format!("LLM route {:?} overruled: {:?}", said, route).to_lowercase());
    }
    intent.route = route;
    let c = &mut intent.constraints;
    if c.region.is_none() {
        if let Some(r) = grounded(&json.region)
            .as_deref()
            .and_then(gazetteer::resolve_region)
        {
            c.region = Some(r.name.clone());
            c.city = Some(r.city.clone());
        }
    }
    if c.store_types.is_empty() {
        if let Some(word) = grounded(&json.store_type) {
            if let Some((_, types)) = TYPE_WORDS.iter().find(|(w, _)| *w == word) {
                c.store_types = types.iter().map(|t| t.to_string()).collect();
            } else if gazetteer::is_store_type(&word) {
                c.store_types = vec![word];
            }
        }
    }
    if c.dish.is_none() {
        if let Some(word) = grounded(&json.dish) {
            if let Some(d) = DISHES
                .iter()
                .find(|d| d.name == word || d.words.contains(&word.as_str()))
            {
                c.dish = Some(d.name.to_owned());
            }
        }
    }
    // json.companion is deliberately ignored: see the module comment.
    if json.companion.is_some() && c.companion != json.companion {
        notes.push(format!("LLM companion {:?} ignored", json.companion).to_lowercase());
    }
    // A HyDE text that only restates the question searches for the question, not for the
    // review the ideal place would get: the parser's templated review stays then.
    let hyde = json.hyde.trim();
    if hyde.chars().count() < 8 {
        notes.push("LLM hyde too short: templated".into());
    } else if is_repetitive(hyde) {
        notes.push("LLM hyde repeats itself: templated".into());
    } else if crate::prompts::bigram_similarity(hyde, question) > MAX_HYDE_OVERLAP {
        notes.push("LLM hyde repeats the question: templated".into());
    } else {
        intent.hyde = hyde.chars().take(80).collect();
    }
    notes
}

/// Whether some run of 8 characters occurs twice (a small model looping on a phrase).
fn is_repetitive(text: &str) -> bool {
    const RUN: usize = 8;
    let chars: Vec<char> = text.chars().collect();
    let mut seen = std::collections::HashSet::new();
    chars
        .windows(RUN)
        .any(|w| !seen.insert(w.iter().collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn looping_hyde_is_detected() {
        assert!(is_repetitive(
            "애월읍에서 흑돼지 맛있는 가족 레스토랑 찾는 부모님은 애월읍에서 흑돼지 맛있는 가족"
        ));
        assert!(!is_repetitive(
            "바다 보면서 먹는 흑돼지가 두툼하고 육즙이 좋아요"
        ));
    }

    #[test]
    fn gazetteer_literals_win_and_llm_values_must_resolve() {
        let q = "한림읍 카페 중 30대 비중이 가장 높은 곳은?";
        let mut intent = parse(q);
        merge(
            &mut intent,
            RouteJson {
                route: "search".into(),
                region: Some("제주시".into()),
                store_type: Some("카페".into()),
                dish: Some("unicorn steak".into()),
                companion: None,
                hyde: "".into(),
            },
            q,
        );
        assert_eq!(intent.route, Route::Search);
        assert_eq!(intent.constraints.region.as_deref(), Some("한림읍"));
        assert_eq!(intent.constraints.dish, None);

        // Values the question does not contain are dropped, and so is any companion.
        let q = "바다 보이는 분위기 좋은 곳 추천해줘";
        let mut intent = parse(q);
        let llm = |region: &str| RouteJson {
            route: "recommend".into(),
            region: Some(region.into()),
            store_type: Some("cafe".into()),
            dish: Some("black pork".into()),
            companion: Some(Companion::Parents),
            hyde: "바다가 보이는 분위기 좋은 곳이에요.".into(),
        };
        merge(&mut intent, llm("애월읍"), q);
        let c = &intent.constraints;
        assert_eq!(
            (c.region.as_deref(), c.dish.as_deref(), c.companion),
            (None, None, None)
        );
        assert!(c.store_types.is_empty());
        assert_eq!(intent.hyde, "바다가 보이는 분위기 좋은 곳이에요.");
        // A spelling the parser missed but the LLM normalised is kept when it resolves.
        let q = "ildo 1-dong cafe suggestions";
        let mut intent = parse(q);
        intent.constraints.region = None;
        merge(&mut intent, llm("Ildo 1-dong"), q);
        assert_eq!(intent.constraints.region.as_deref(), Some("일도일동"));
    }
}
