//! LLM text2cypher: the model writes one query from the live schema, the literals the
//! gazetteer resolved and the nearest few-shot examples. What it writes must pass, in order:
//! the read-only guard ([`crate::guard::check`]), the literal check (every resolved value is
//! used, no other string literal appears: small models misspell places and invent filters),
//! the goal check (the asked property, the asked direction, a count for "how many"), the
//! server's `EXPLAIN` and a rolled-back run, and a shape check of the rows. The first failure
//! is sent back once with the query and the error (the repair round); a second failure is the
//! caller's cue to use the composed query.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use jeju_graph::Record;
use jeju_llm::{ChatRequest, LlmError, Turn};

use crate::guard::{self, CheckedCypher};
use crate::intent::{Intent, Measure, Route};
use crate::ports::{ChatModel, GraphPort};
use crate::prompts::{self, Prompt, Prompts};
use crate::trace::LlmUsage;

/// Few-shot examples put in the prompt.
pub const EXAMPLES: usize = 3;
/// Time limit of the generated query on the server (plan and run each).
const QUERY_TIME_LIMIT: Duration = Duration::from_secs(5);
/// Longest generated query accepted, in completion tokens.
const MAX_TOKENS: u32 = 220;

/// A generated query that passed every check, with its rows.
#[derive(Debug)]
pub struct Generated {
    pub checked: CheckedCypher,
    pub rows: Vec<Record>,
    /// What was wrong with the first query, when the repair round fixed it.
    pub repaired: Option<String>,
}

/// Why no generated query could be used.
#[derive(Debug, thiserror::Error)]
pub enum Text2CypherError {
    #[error("LLM: {0}")]
    Llm(#[from] LlmError),
    #[error("prompt: {0}")]
    Prompt(String),
    #[error("{0}")]
    Rejected(String),
}

/// What the rows of the query must look like.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    /// One row with an integer `value`.
    Count,
    /// Rows of `id`, `name` and a numeric `value`.
    Ranked,
    /// Rows with an `id` (the stores that fit a recommendation).
    Ids,
}

impl Expect {
    fn of(intent: &Intent) -> Expect {
        match (&intent.route, intent.goal.as_ref().map(|g| &g.measure)) {
            (Route::Search, Some(Measure::Count)) => Expect::Count,
            (Route::Search, Some(_)) => Expect::Ranked,
            _ => Expect::Ids,
        }
    }
}

/// Asks the LLM for a query answering `question` (schema text already filtered), checks it,
/// runs it, and repairs it once. `usage` collects the cost of every call, failed or not.
/// The text2cypher prompt exactly as it is sent: the filtered schema, the literals the
/// question resolved to and the [`EXAMPLES`] nearest few-shot examples.
pub fn text2cypher_prompt(
    prompts: &Prompts,
    schema: &str,
    intent: &Intent,
    question: &str,
) -> Result<Prompt, crate::PipelineError> {
    let values = prompts::fixed_values(intent);
    let examples = prompts::nearest_examples(question, EXAMPLES);
    prompts.text2cypher(schema, &values, &examples, question)
}

pub async fn generate(
    llm: &dyn ChatModel,
    prompts: &Prompts,
    graph: &dyn GraphPort,
    schema: &str,
    intent: &Intent,
    question: &str,
    usage: &mut LlmUsage,
) -> Result<Generated, Text2CypherError> {
    let prompt = text2cypher_prompt(prompts, schema, intent, question)
        .map_err(|e| Text2CypherError::Prompt(e.to_string()))?;
    let expect = Expect::of(intent);
    let mut request = ChatRequest::new(prompt.system.clone(), prompt.user.clone())
        .with_max_tokens(MAX_TOKENS)
        .with_stop(["\nQuestion:", "\n\n\n"]);
    let mut first_problem: Option<String> = None;
    loop {
        let started = Instant::now();
        let prompt_chars = request.system.chars().count()
            + request.user.chars().count()
            + request
                .history
                .iter()
                .map(|t| t.content.chars().count())
                .sum::<usize>();
        let resp = llm.chat(&request).await;
        let resp = match resp {
            Ok(r) => r,
            Err(e) => {
                usage.add_call(prompt_chars, 0, None, started);
                return Err(e.into());
            }
        };
        usage.add_response(prompt_chars, &resp, started);
        let cypher = extract_cypher(&resp.text);
        match try_query(graph, &cypher, intent, &expect).await {
            Ok((checked, rows)) => {
                return Ok(Generated {
                    checked,
                    rows,
                    repaired: first_problem,
                })
            }
            Err(problem) => {
                tracing::debug!(%cypher, %problem, "generated Cypher rejected");
                if let Some(first) = first_problem {
                    return Err(Text2CypherError::Rejected(format!(
                        "first query: {first}; repaired query: {problem}"
                    )));
                }
                request = request.with_history(vec![
                    Turn::user(prompt.user.clone()),
                    Turn::assistant(cypher.clone()),
                ]);
                request.user = prompts
                    .repair(&problem)
                    .map_err(|e| Text2CypherError::Prompt(e.to_string()))?;
                first_problem = Some(problem);
            }
        }
    }
}

/// Runs every check and the query; `Err` is the text for the repair round.
async fn try_query(
    graph: &dyn GraphPort,
    cypher: &str,
    intent: &Intent,
    expect: &Expect,
) -> Result<(CheckedCypher, Vec<Record>), String> {
    let checked = guard::check(cypher).map_err(|e| format!("refused: {e}"))?;
    check_literals(&checked.cypher, intent)?;
    check_goal(&checked.cypher, intent, expect)?;
    let (checked, rows) = guard::run_guarded(graph, &checked.cypher, QUERY_TIME_LIMIT)
        .await
        .map_err(|e| format!("database error: {e}"))?;
    check_rows(&rows, expect)?;
    Ok((checked, rows))
}

/// Takes the query out of what the model wrote: code fences, a leading `Cypher:` and any
/// explanation after a blank line are dropped; lines keep their breaks (so a `//` comment
/// the model wrote ends at its line instead of swallowing the rest of the query).
pub fn extract_cypher(text: &str) -> String {
    let mut body = text.trim();
    if let Some(start) = body.find("```") {
        let after = &body[start + 3..];
        // Skip a language tag on the fence line.
        let after = match after.find('\n') {
            Some(nl) if !after[..nl].trim().contains(' ') => &after[nl + 1..],
            _ => after,
        };
        body = match after.find("```") {
            Some(end) => &after[..end],
            None => after,
        };
    }
    let body = body.trim();
    let body = body
        .strip_prefix("Cypher:")
        .or_else(|| body.strip_prefix("cypher:"))
        .unwrap_or(body);
    body.trim()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The string values the query may use, and the groups of which one value must appear.
fn literal_sets(intent: &Intent) -> (BTreeSet<String>, Vec<(String, Vec<String>)>) {
    let c = &intent.constraints;
    let mut allowed = BTreeSet::new();
    let mut required: Vec<(String, Vec<String>)> = Vec::new();
    let mut need = |what: &str, values: Vec<String>, allowed: &mut BTreeSet<String>| {
        allowed.extend(values.iter().cloned());
        required.push((what.to_owned(), values));
    };
    if let Some(r) = &c.region {
        need("the region", vec![r.clone()], &mut allowed);
        if let Some(city) = &c.city {
            allowed.insert(city.clone());
        }
    } else if let Some(city) = &c.city {
        need("the city", vec![city.clone()], &mut allowed);
    }
    if !c.store_types.is_empty() {
        need("the store type", c.store_types.clone(), &mut allowed);
    }
    if let Some(d) = &c.dish {
        let terms = crate::lexicon::menu_terms(d);
        need("the dish", terms, &mut allowed);
    }
    if let Some(comp) = c.companion {
        let kw = jeju_data::vocab::companion_keyword(comp).to_owned();
        // A data question about a companion counts its reviews; a recommendation only
        // prefers such places (the ranker weighs it), so there the keyword is optional.
        if intent.route == Route::Search {
            need("the visit keyword", vec![kw], &mut allowed);
        } else {
            allowed.insert(kw);
        }
    }
    if let Some(a) = &c.near_attraction {
        need("the attraction", vec![a.clone()], &mut allowed);
    }
    (allowed, required)
}

/// Every resolved value appears; no other string literal does.
fn check_literals(cypher: &str, intent: &Intent) -> Result<(), String> {
    let literals = guard::string_literals(cypher).map_err(|e| format!("refused: {e}"))?;
    let (allowed, required) = literal_sets(intent);
    for lit in &literals {
        if !allowed.contains(lit) {
            let list = if allowed.is_empty() {
                "none: the question names no place, type or dish".to_owned()
            } else {
                allowed
                    .iter()
                    .map(|v| format!("'{v}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Err(format!(
                "the literal '{lit}' is not one of the fixed values (allowed: {list})"
            ));
        }
    }
    for (what, values) in &required {
        if !values.iter().any(|v| literals.contains(v)) {
            return Err(format!(
                "{what} is missing: filter with '{}'",
                values.first().map(String::as_str).unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// The query asks for what the question asked: the property, its direction, a count, the
/// band of the month's ranking when one was asked, and for a data question the rating and
/// share floors (its answer sentence states them).
fn check_goal(cypher: &str, intent: &Intent, expect: &Expect) -> Result<(), String> {
    if let Some(band) = intent.goal.as_ref().and_then(|g| g.band) {
        band_kept(cypher, band)?;
    }
    if *expect != Expect::Ids {
        floors_kept(cypher, &intent.constraints)?;
    }
    let upper = cypher.to_ascii_uppercase();
    match (expect, intent.goal.as_ref().map(|g| &g.measure)) {
        (Expect::Count, _) if !upper.contains("COUNT(") => {
            Err("the question asks how many: return count(...) AS value".into())
        }
        (
            Expect::Ranked,
            Some(Measure::Property {
                property,
                descending,
            }),
        ) => {
            if !cypher.contains(&format!(".{property}")) {
                return Err(format!("the value asked for is {property}: order by it"));
            }
            let has_desc = upper.contains(" DESC");
            if *descending != has_desc {
                let dir = if *descending { "DESC" } else { "ASC" };
                return Err(format!("order by value {dir}"));
            }
            Ok(())
        }
        (Expect::Ranked, Some(Measure::VisitKeyword { .. })) => {
            if !cypher.contains("HAS_VISIT_KEYWORD") {
                return Err("the value asked for is a visit keyword's count: \
                            order by HAS_VISIT_KEYWORD's count"
                    .into());
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The rows carry the columns the answer needs.
fn check_rows(rows: &[Record], expect: &Expect) -> Result<(), String> {
    let numeric = |r: &Record| {
        r.get::<f64>("value").is_ok() || r.get::<i64>("value").is_ok() || {
            // A null value (no data for that store) is acceptable in a ranking.
            matches!(r.get::<Option<f64>>("value"), Ok(None))
        }
    };
    match expect {
        Expect::Count => match rows.first() {
            Some(r) if r.get::<i64>("value").is_ok() => Ok(()),
            _ => Err("return the count as one row: RETURN count(s) AS value".into()),
        },
        Expect::Ranked => {
            if rows.iter().all(|r| {
                r.get::<String>("id").is_ok() && r.get::<String>("name").is_ok() && numeric(r)
            }) {
                Ok(())
            } else {
                Err("return s.id AS id, s.name AS name and the number AS value".into())
            }
        }
        Expect::Ids => {
            if rows.iter().all(|r| r.get::<String>("id").is_ok()) {
                Ok(())
            } else {
                Err("return s.id AS id for every store".into())
            }
        }
    }
}

/// Whether the query compares `prop` with numbers, each of them `ok`: the numbers within a
/// few characters after each mention of the property ("cnt_rank = 6", "rating >= 4.5").
fn compares(cypher: &str, prop: &str, ok: impl Fn(f64) -> bool) -> bool {
    let mut compared = false;
    for (at, _) in cypher.match_indices(prop) {
        let tail: String = cypher[at + prop.len()..].chars().take(16).collect();
        for n in tail
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter_map(|d| d.parse::<f64>().ok())
        {
            if !ok(n) {
                return false;
            }
            compared = true;
        }
    }
    compared
}

/// The query keeps only the asked band: every number it compares the rank property with is
/// one of the band's buckets, and there is one ("하위 10%" is `cnt_rank = 6`, not `= 1`).
fn band_kept(cypher: &str, band: crate::intent::RankBand) -> Result<(), String> {
    let prop = band.property();
    let buckets = band.buckets();
    let in_band = |n: f64| n.fract() == 0.0 && buckets.contains(&(n as u8));
    if compares(cypher, prop, in_band) {
        return Ok(());
    }
    Err(format!(
        "the question keeps only the buckets {}..{} of {prop} (1 = top 10%, 6 = bottom 10%)",
        buckets.start(),
        buckets.end()
    ))
}

/// The query keeps the asked rating floor and share floor, with their values.
fn floors_kept(cypher: &str, c: &crate::intent::Constraints) -> Result<(), String> {
    let same = |want: f64| move |n: f64| (n - want).abs() < 1e-9;
    if let Some(r) = c.min_rating {
        if !compares(cypher, "rating", same(r)) {
            return Err(format!("the question asks for a rating of {r} or higher"));
        }
    }
    if let Some(floor) = c.min_share {
        let (cond, min) = floor.condition();
        let prop = cond
            .split_whitespace()
            .next()
            .and_then(|p| p.strip_prefix("s."))
            .unwrap_or_default();
        if !compares(cypher, prop, same(min)) {
            return Err(format!(
                "the question keeps only the stores where {cond} ({min})"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn the_query_is_taken_out_of_fences_and_chatter() {
        assert_eq!(
            extract_cypher(
                "```cypher\nMATCH (s:Store)\nRETURN s.id AS id LIMIT 3\n```\nThis finds…"
            ),
            "MATCH (s:Store)\nRETURN s.id AS id LIMIT 3"
        );
        // A comment on one line does not hide the lines after it.
        assert_eq!(
            extract_cypher("MATCH (s:Store) // every store\nRETURN s.id AS id LIMIT 3"),
            "MATCH (s:Store) // every store\nRETURN s.id AS id LIMIT 3"
        );
        assert!(crate::guard::check(&extract_cypher(
            "MATCH (s:Store) // every store\nRETURN s.id AS id LIMIT 3"
        ))
        .is_ok());
        assert_eq!(
            extract_cypher("Cypher: MATCH (s:Store) RETURN count(s) AS value\n\nExplanation: …"),
            "MATCH (s:Store) RETURN count(s) AS value"
        );
        assert_eq!(extract_cypher("  "), "");
    }

    #[test]
    fn literals_must_be_the_resolved_values() {
        let intent = parse("제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?");
        let good = "MATCH (s:Store) WHERE s.region = '한림읍' AND s.type = '커피' RETURN s.id AS id, s.name AS name, s.age_30_ratio AS value ORDER BY value DESC LIMIT 1";
        assert_eq!(check_literals(good, &intent), Ok(()));
        let expect = Expect::of(&intent);
        assert_eq!(expect, Expect::Ranked);
        assert_eq!(check_goal(good, &intent, &expect), Ok(()));
        // A misspelt region, a missing one, an invented filter, the wrong direction.
        let misspelt = good.replace("'한림읍'", "'한림'");
        assert!(check_literals(&misspelt, &intent)
            .unwrap_err()
            .contains("'한림' is not one of the fixed values"));
        let missing = "MATCH (s:Store) WHERE s.type = '커피' RETURN s.id AS id LIMIT 1";
        assert!(check_literals(missing, &intent)
            .unwrap_err()
            .contains("the region is missing"));
        let invented = good.replace("s.type = '커피'", "s.type = '커피' AND s.name = '바다'");
        assert!(check_literals(&invented, &intent).is_err());
        let ascending = good.replace(" DESC", "");
        assert_eq!(
            check_goal(&ascending, &intent, &expect),
            Err("order by value DESC".into())
        );
        let other = good.replace("age_30_ratio", "age_40_ratio");
        assert!(check_goal(&other, &intent, &expect).is_err());
    }

    #[test]
    fn counts_and_dishes_are_checked() {
        let intent = parse("애월읍에 흑돼지 메뉴가 있는 가게는 몇 곳?");
        let expect = Expect::of(&intent);
        assert_eq!(expect, Expect::Count);
        let good = "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') RETURN count(s) AS value";
        assert_eq!(check_literals(good, &intent), Ok(()));
        assert_eq!(check_goal(good, &intent, &expect), Ok(()));
        let no_count = "MATCH (s:Store) WHERE s.region = '애월읍' AND any(m IN s.menu_names WHERE m CONTAINS '흑돼지') RETURN s.id AS id";
        assert!(check_goal(no_count, &intent, &expect).is_err());
        let no_dish = "MATCH (s:Store) WHERE s.region = '애월읍' RETURN count(s) AS value";
        assert!(check_literals(no_dish, &intent)
            .unwrap_err()
            .contains("the dish is missing"));
        // The bottom 10% is the last bucket, not the first.
        let bottom = crate::parse::parse(
            "2023년 3월에 이용건수 가장 적은 구간(하위 10%)이었던 우도 가게 수는?",
        );
        let expect = Expect::of(&bottom);
        let top = "MATCH (s:Store)-[u:USE]->(m:Month {ym: 202303}) WHERE s.region = '우도면' \
                   AND u.cnt_rank = 1 RETURN count(DISTINCT s) AS value";
        assert!(check_goal(top, &bottom, &expect).is_err());
        assert_eq!(
            check_goal(&top.replace("= 1", "= 6"), &bottom, &expect),
            Ok(())
        );
        let unbanded = top.replace(" AND u.cnt_rank = 1", "");
        assert!(check_goal(&unbanded, &bottom, &expect).is_err());
        // A data question's rating and share floors are kept, with their values.
        let rated = parse("How many Chinese restaurants in Jeju City are rated 4.5 or higher?");
        let expect = Expect::of(&rated);
        let with = "MATCH (s:Store) WHERE s.city = '제주시' AND s.type = '중식' \
                    AND s.rating >= 4.5 RETURN count(s) AS value";
        assert_eq!(check_goal(with, &rated, &expect), Ok(()));
        assert!(check_goal(&with.replace("4.5", "4.0"), &rated, &expect).is_err());
        let without = with.replace(" AND s.rating >= 4.5", "");
        assert!(check_goal(&without, &rated, &expect).is_err());
        let locals = parse(
            "How many places in Aewol get more than half of their customers from Jeju residents?",
        );
        let expect = Expect::of(&locals);
        let with = "MATCH (s:Store) WHERE s.region = '애월읍' AND s.local_ratio > 0.5 \
                    RETURN count(s) AS value";
        assert_eq!(check_goal(with, &locals, &expect), Ok(()));
        assert!(check_goal(
            &with.replace(" AND s.local_ratio > 0.5", ""),
            &locals,
            &expect
        )
        .is_err());
    }
}
