//! The LLM route: one JSON-schema-constrained call whose output is checked against the
//! gazetteer. Literals the gazetteer found win; the LLM may add a region, type or dish only
//! when its value appears in the question and resolves to the graph's own vocabulary (a 1.5B
//! model invents companions and places otherwise); companions come from the parser only. The
//! route and the HyDE sentence come from the LLM.

use jeju_data::gazetteer;
use jeju_data::vocab::Companion;
use jeju_llm::{ChatRequest, LlmClient, LlmError};
use serde::Deserialize;

use crate::intent::{Intent, Route};
use crate::lexicon::{DISHES, TYPE_WORDS};
use crate::prompts::Prompts;

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

/// Token counts of the call, for the trace.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    pub prompt_tokens: u32,
    pub completion_tokens: u32,
}

/// Asks the LLM to route `question` and merges its answer into the deterministic `intent`.
pub async fn route_with_llm(
    llm: &LlmClient,
    prompts: &Prompts,
    question: &str,
    mut intent: Intent,
) -> Result<(Intent, Usage), LlmError> {
    let prompt = prompts
        .route(question)
        .map_err(|e| LlmError::InvalidRequest(e.to_string()))?;
    let req = ChatRequest::new(prompt.system, prompt.user)
        .with_json_schema(route_schema())
        .with_max_tokens(256);
    let resp = llm.chat(&req).await?;
    let json: RouteJson = resp.parse_json()?;
    merge(&mut intent, json, question);
    Ok((
        intent,
        Usage {
            prompt_tokens: resp.prompt_tokens,
            completion_tokens: resp.completion_tokens,
        },
    ))
}

/// The gazetteer's values stay; the LLM fills gaps only with values that resolve.
fn merge(intent: &mut Intent, json: RouteJson, question: &str) {
    let asked = question.to_lowercase();
    let grounded = |v: &Option<String>| {
        v.as_deref()
            .map(|x| x.trim().to_lowercase())
            .filter(|x| x.chars().count() >= 2 && asked.contains(x.as_str()))
    };
    // A data question needs a measure the parser understood; otherwise recommend.
    if json.route == "recommend" {
        intent.route = Route::Recommend;
        intent.goal = None;
    } else if intent.goal.is_some() {
        intent.route = Route::Search;
    }
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
    let hyde = json.hyde.trim();
    if !hyde.is_empty() {
        intent.hyde = hyde.chars().take(80).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

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
