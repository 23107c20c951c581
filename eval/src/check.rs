//! The checks: hard constraints against the graph's facts, soft constraints against the
//! truth file, and search answers against the gold query. Nothing here trusts what the
//! pipeline says about a store (its cards); the facts come from the harness's own queries.

use jeju_data::catalog::StoreTruth;
use jeju_graph::{GraphClient, Param, Statement};
use jeju_pipeline::AnswerBody;
use serde::{Deserialize, Serialize};

use crate::case::{CaseConstraints, QualityAsk, HIGH_QUALITY};
use crate::error::EvalError;
use crate::facts::StoreFact;

/// The data have no opening hours; a store "serves" a time band when at least this share of
/// its card transactions falls in it (cafés have ≈ 2 % after 23 h, pubs ≈ 40 %).
pub const MIN_TIME_SHARE: f64 = 0.05;

/// One constraint checked on one store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintCheck {
    pub constraint: String,
    pub ok: bool,
    pub detail: String,
}

fn check(constraint: &str, ok: bool, detail: String) -> ConstraintCheck {
    ConstraintCheck {
        constraint: constraint.to_owned(),
        ok,
        detail,
    }
}

/// Hard constraints of `c` on a store (every asked one, in a fixed order).
pub fn hard_checks(c: &CaseConstraints, f: &StoreFact) -> Vec<ConstraintCheck> {
    let mut out = Vec::new();
    let none = || "none".to_owned();
    if let Some(r) = &c.region {
        out.push(check(
            "region",
            f.region.as_deref() == Some(r.as_str()),
            format!("{} (asked {r})", f.region.clone().unwrap_or_else(none)),
        ));
    }
    if let Some(city) = &c.city {
        out.push(check(
            "city",
            f.city.as_deref() == Some(city.as_str()),
            format!("{} (asked {city})", f.city.clone().unwrap_or_else(none)),
        ));
    }
    if !c.store_types.is_empty() {
        out.push(check(
            "type",
            c.store_types.contains(&f.store_type),
            format!("{} (asked {})", f.store_type, c.store_types.join("/")),
        ));
    }
    if let Some(d) = &c.dish {
        let terms = d.terms();
        let hit = f
            .menu_names
            .iter()
            .find(|m| terms.iter().any(|t| m.contains(t.as_str())));
        out.push(check(
            "dish",
            hit.is_some(),
            match hit {
                Some(m) => format!("menu has {m}"),
                None => format!("no menu item with {}", terms.join("|")),
            },
        ));
    }
    if let Some(p) = c.price_max_per_person {
        out.push(check(
            "price",
            f.price_per_person.is_some_and(|v| v <= i64::from(p)),
            format!(
                "{} won per person (max {p})",
                f.price_per_person
                    .map(|v| v.to_string())
                    .unwrap_or_else(none)
            ),
        ));
    }
    if let Some(t) = c.time {
        let share = f.ratio(t.property());
        out.push(check(
            "time",
            share.is_some_and(|s| s >= MIN_TIME_SHARE),
            format!(
                "{} = {} (min {MIN_TIME_SHARE})",
                t.property(),
                share.map(|s| format!("{s:.3}")).unwrap_or_else(none)
            ),
        ));
    }
    out
}

/// Soft constraints of `c` against a store's hidden truth.
pub fn truth_checks(c: &CaseConstraints, t: &StoreTruth) -> Vec<ConstraintCheck> {
    let mut out = Vec::new();
    if let Some(comp) = c.companion {
        out.push(check(
            "companion",
            t.good_for.contains(&comp),
            format!("good for {:?}", t.good_for),
        ));
    }
    if let Some(a) = c.age_band {
        out.push(check(
            "age_band",
            t.age_focus.contains(&a),
            format!("age focus {:?}", t.age_focus),
        ));
    }
    if let Some(time) = c.time {
        out.push(check(
            "busy_time",
            t.busy_times.contains(&time),
            format!("busy {:?}", t.busy_times),
        ));
    }
    if let Some(mood) = c.mood {
        out.push(check("mood", t.mood == mood, format!("mood {:?}", t.mood)));
    }
    if let Some(view) = c.view {
        out.push(check("view", t.view == view, format!("view {:?}", t.view)));
    }
    if let Some(QualityAsk::High) = c.quality {
        out.push(check(
            "quality",
            t.quality >= HIGH_QUALITY,
            format!("quality {:.2} (min {HIGH_QUALITY})", t.quality),
        ));
    }
    out
}

/// A store that satisfies the static hard constraints, with what follow-up expectations need.
#[derive(Debug, Clone, PartialEq)]
pub struct Satisfier {
    pub id: String,
    pub price_per_person: Option<i64>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

/// The harness's own query for every store satisfying the hard constraints of `c` (values
/// as parameters). Written independently of the pipeline's composer.
pub fn satisfying_query(c: &CaseConstraints) -> Statement {
    let mut conds: Vec<String> = Vec::new();
    if c.region.is_some() {
        conds.push("s.region = $region".into());
    }
    if c.city.is_some() {
        conds.push("s.city = $city".into());
    }
    if !c.store_types.is_empty() {
        conds.push("s.type IN $types".into());
    }
    if c.dish.is_some() {
        conds.push(
            "any(m IN coalesce(s.menu_names, []) WHERE any(t IN $terms WHERE m CONTAINS t))".into(),
        );
    }
    if c.price_max_per_person.is_some() {
        conds.push("s.price_per_person <= $price".into());
    }
    if let Some(t) = c.time {
        conds.push(format!("s.{} >= $min_time_share", t.property()));
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    };
    let text = format!(
        "MATCH (s:Store){filter} RETURN s.id AS id, s.price_per_person AS price, s.lat AS lat, s.lng AS lng"
    );
    let mut q = Statement::text(text);
    if let Some(r) = &c.region {
        q = q.param("region", Param::Text(r.clone()));
    }
    if let Some(city) = &c.city {
        q = q.param("city", Param::Text(city.clone()));
    }
    if !c.store_types.is_empty() {
        q = q.param("types", Param::List(c.store_types.clone()));
    }
    if let Some(d) = &c.dish {
        q = q.param("terms", Param::List(d.terms()));
    }
    if let Some(p) = c.price_max_per_person {
        q = q.param("price", Param::Int(i64::from(p)));
    }
    if c.time.is_some() {
        q = q.param("min_time_share", Param::Float(MIN_TIME_SHARE));
    }
    q
}

/// Runs [`satisfying_query`].
pub async fn satisfying_stores(
    graph: &GraphClient,
    c: &CaseConstraints,
) -> Result<Vec<Satisfier>, EvalError> {
    let rows = graph.records(&satisfying_query(c)).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(Satisfier {
                id: r.get("id").ok()?,
                price_per_person: r.get::<i64>("price").ok(),
                lat: r.get::<f64>("lat").ok(),
                lng: r.get::<f64>("lng").ok(),
            })
        })
        .collect())
}

/// What a gold query returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum GoldAnswer {
    /// Store ids; `ordered` when the query ends in `ORDER BY … LIMIT k`.
    Ids { ids: Vec<String>, ordered: bool },
    /// A single count.
    Count { count: i64 },
}

/// The query text outside string literals, upper-cased (to find keywords only).
fn keywords_only(cypher: &str) -> String {
    let mut out = String::with_capacity(cypher.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in cypher.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == q {
                    quote = None;
                }
            }
            None if ch == '\'' || ch == '"' => quote = Some(ch),
            None => out.extend(ch.to_uppercase()),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The order rule: ids are compared in order exactly when the gold query has `ORDER BY`
/// followed by `LIMIT` (a top-k question); otherwise as sets.
pub fn gold_is_ordered(cypher: &str) -> bool {
    let k = keywords_only(cypher);
    match k.rfind("ORDER BY") {
        Some(pos) => k[pos..].contains(" LIMIT "),
        None => false,
    }
}

/// Runs a gold query and reads its answer: an `id` column (one row per store), or one row
/// whose only (or `count`/`value`) column is an integer.
pub async fn run_gold(graph: &GraphClient, cypher: &str) -> Result<GoldAnswer, EvalError> {
    let rows = graph.records(&Statement::text(cypher)).await?;
    let ordered = gold_is_ordered(cypher);
    let maps: Vec<_> = rows.iter().map(jeju_graph::Record::columns).collect();
    let Some(first) = maps.first() else {
        return Ok(GoldAnswer::Ids {
            ids: Vec::new(),
            ordered,
        });
    };
    if first.contains_key("id") {
        let ids = maps
            .iter()
            .map(|m| match m.get("id") {
                Some(serde_json::Value::String(s)) => Ok(s.clone()),
                other => Err(EvalError::Mismatch(format!(
                    "gold query's id column is not a string: {other:?}"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(GoldAnswer::Ids { ids, ordered });
    }
    let value = if first.len() == 1 {
        first.values().next()
    } else {
        first.get("count").or_else(|| first.get("value"))
    };
    match (maps.len(), value.and_then(serde_json::Value::as_i64)) {
        (1, Some(count)) => Ok(GoldAnswer::Count { count }),
        _ => Err(EvalError::Mismatch(format!(
            "gold query returns neither an id column nor one integer: {first:?}"
        ))),
    }
}

/// Execution accuracy of one search answer: (correct, why).
pub fn compare_search(gold: &GoldAnswer, body: &AnswerBody) -> (bool, String) {
    match (gold, body) {
        (_, AnswerBody::Declined { reason, .. }) => {
            (false, format!("declined ({})", reason.as_str()))
        }
        (_, AnswerBody::Recommend { picks }) => (
            false,
            format!("routed as a recommendation ({} picks)", picks.len()),
        ),
        (GoldAnswer::Count { count }, AnswerBody::Search { count: got, rows }) => match got {
            Some(g) if g == count => (true, format!("count {g}")),
            Some(g) => (false, format!("count {g}, gold {count}")),
            None => (
                false,
                format!(
                    "answered {} rows instead of a count (gold {count})",
                    rows.len()
                ),
            ),
        },
        (GoldAnswer::Ids { ids, ordered }, AnswerBody::Search { rows, count }) => {
            let got: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            if got.is_empty() && count.is_some() {
                return (
                    false,
                    format!("answered a count instead of {} ids", ids.len()),
                );
            }
            if *ordered {
                if &got == ids {
                    (true, format!("{} ids in order", ids.len()))
                } else {
                    let mut a = got.clone();
                    let mut b = ids.clone();
                    a.sort();
                    b.sort();
                    if a == b {
                        (false, "same ids, wrong order".into())
                    } else {
                        (false, format!("ids {got:?}, gold {ids:?}"))
                    }
                }
            } else {
                let mut a = got.clone();
                let mut b = ids.clone();
                a.sort();
                a.dedup();
                b.sort();
                b.dedup();
                if a == b {
                    (true, format!("{} ids (as a set)", b.len()))
                } else {
                    (false, format!("ids {got:?}, gold {ids:?} (as sets)"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jeju_data::catalog::{Mood, View, Wait};
    use jeju_data::vocab::{AgeBand, Companion, TimeOfDay};
    use jeju_pipeline::SearchRow;

    fn store() -> StoreFact {
        StoreFact {
            id: "S1".into(),
            name: "가게".into(),
            city: Some("제주시".into()),
            region: Some("애월읍".into()),
            store_type: "단품요리 전문".into(),
            menu_names: vec!["흑돼지 오겹살".into(), "김치찌개".into()],
            price_per_person: Some(18_000),
            ratios: [
                ("hr_23_4_ratio".to_owned(), 0.02),
                ("hr_18_22_ratio".to_owned(), 0.5),
            ]
            .into_iter()
            .collect(),
            ..StoreFact::default()
        }
    }

    #[test]
    fn hard_constraints_each_pass_and_fail_on_the_facts() {
        let mut c = CaseConstraints {
            region: Some("애월읍".into()),
            dish: Some("흑돼지".into()),
            price_max_per_person: Some(20_000),
            time: Some(TimeOfDay::Dinner),
            ..Default::default()
        };
        assert!(hard_checks(&c, &store()).iter().all(|x| x.ok));
        c.region = Some("한림읍".into());
        c.price_max_per_person = Some(15_000);
        c.time = Some(TimeOfDay::Late);
        c.dish = Some("해산물".into());
        c.store_types = vec!["커피".into()];
        let failed: Vec<String> = hard_checks(&c, &store())
            .into_iter()
            .filter(|x| !x.ok)
            .map(|x| x.constraint)
            .collect();
        assert_eq!(failed, ["region", "type", "dish", "price", "time"]);
        // A store without a price cannot satisfy a price cap.
        let mut s = store();
        s.price_per_person = None;
        let c = CaseConstraints {
            price_max_per_person: Some(50_000),
            ..Default::default()
        };
        assert!(!hard_checks(&c, &s)[0].ok);
    }

    #[test]
    fn truth_fit_uses_the_hidden_traits() {
        let t = StoreTruth {
            store_id: "S1".into(),
            good_for: vec![Companion::Parents, Companion::Group],
            age_focus: vec![AgeBand::SixtyPlus],
            signature_dishes: vec![],
            dish_tags: vec![],
            view: View::None,
            mood: Mood::Quiet,
            price_level: 2,
            wait: Wait::None,
            busy_times: vec![TimeOfDay::Dinner],
            local_favorite: false,
            quality: 0.5,
        };
        let c = CaseConstraints {
            companion: Some(Companion::Parents),
            age_band: Some(AgeBand::SixtyPlus),
            time: Some(TimeOfDay::Lunch),
            ..Default::default()
        };
        let oks: Vec<bool> = truth_checks(&c, &t).iter().map(|x| x.ok).collect();
        assert_eq!(oks, [true, true, false]);
        assert!(truth_checks(&CaseConstraints::default(), &t).is_empty());
    }

    #[test]
    fn order_matters_only_for_order_by_with_limit() {
        assert!(gold_is_ordered(
            "MATCH (s:Store) RETURN s.id AS id ORDER BY s.rating DESC, s.id LIMIT 3"
        ));
        assert!(!gold_is_ordered(
            "MATCH (s:Store) RETURN s.id AS id ORDER BY s.id"
        ));
        assert!(!gold_is_ordered(
            "MATCH (s:Store) RETURN s.id AS id LIMIT 3"
        ));
        // Keywords inside string literals do not count.
        assert!(!gold_is_ordered(
            "MATCH (s:Store {name: 'ORDER BY x LIMIT 1'}) RETURN s.id AS id"
        ));
    }

    fn rows(ids: &[&str]) -> AnswerBody {
        AnswerBody::Search {
            rows: ids
                .iter()
                .map(|id| SearchRow {
                    id: (*id).into(),
                    name: String::new(),
                    value: 0.0,
                })
                .collect(),
            count: None,
        }
    }

    #[test]
    fn search_answers_compare_by_the_rule() {
        let ordered = GoldAnswer::Ids {
            ids: vec!["a".into(), "b".into()],
            ordered: true,
        };
        assert!(compare_search(&ordered, &rows(&["a", "b"])).0);
        let (ok, why) = compare_search(&ordered, &rows(&["b", "a"]));
        assert!(!ok && why.contains("order"), "{why}");
        let set = GoldAnswer::Ids {
            ids: vec!["a".into(), "b".into()],
            ordered: false,
        };
        assert!(compare_search(&set, &rows(&["b", "a"])).0);
        assert!(!compare_search(&set, &rows(&["a"])).0);
        let count = GoldAnswer::Count { count: 7 };
        let body = |c| AnswerBody::Search {
            rows: vec![],
            count: Some(c),
        };
        assert!(compare_search(&count, &body(7)).0);
        assert!(!compare_search(&count, &body(6)).0);
        assert!(!compare_search(&count, &rows(&["a"])).0);
        let (ok, why) = compare_search(&count, &AnswerBody::Recommend { picks: vec![] });
        assert!(!ok && why.contains("routed"));
    }
}

/// Whether one `must_ground` word of a case was accounted for by the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroundCheck {
    pub word: String,
    pub accounted: bool,
    /// How: `understood as <role> <value>`, `read as <word>`, `named as unmatched`, or why
    /// not.
    pub how: String,
}

/// Each `must_ground` word (a phrase of the question) is accounted for when one of its words
/// (two characters or more, else the whole phrase; compared case-blind and as substrings
/// either way, so that "애월"
/// meets "애월읍") is among the words the answer says it understood or read, or among the
/// words it says it could not match and names in its text. The pipeline's lists are read,
/// not its vocabulary: whether the understood meaning is right is the hard checks' job.
pub fn must_ground(words: &[String], answer: &jeju_pipeline::Answer) -> Vec<GroundCheck> {
    let u = &answer.understanding;
    let text = answer.text.to_lowercase();
    let meets = |a: &str, b: &str| a.contains(b) || b.contains(a);
    words
        .iter()
        .map(|phrase| {
            let lower = phrase.to_lowercase();
            let mut parts: Vec<&str> = lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| p.chars().count() >= 2)
                .collect();
            // A phrase of one-syllable words ("회", "더 싼") is compared whole.
            if parts.is_empty() {
                parts.push(lower.trim());
            }
            let found = parts.iter().find_map(|p| {
                if let Some(w) = u.understood.iter().find(|w| meets(&w.word, p)) {
                    return Some(format!(
                        "understood as {} {}",
                        serde_json::to_value(w.role)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        w.value
                    ));
                }
                if let Some(c) = u.corrections.iter().find(|c| meets(&c.written, p)) {
                    return Some(format!("read as {}", c.read_as));
                }
                u.unmatched
                    .iter()
                    .find(|w| meets(w, p) && text.contains(w.as_str()))
                    .map(|_| "named as unmatched".to_owned())
            });
            GroundCheck {
                word: phrase.clone(),
                accounted: found.is_some(),
                how: found.unwrap_or_else(|| "neither understood nor named".to_owned()),
            }
        })
        .collect()
}
