//! Cypher composed by code from parsed constraints: the text2cypher fallback and the
//! candidate query of recommendations. Values always travel as parameters; the only
//! identifiers spliced into the text are allow-listed property names.

use jeju_data::contest::RATIO_PROPERTIES;
use jeju_data::vocab::companion_keyword;
pub use jeju_graph::Param;

use crate::intent::{Constraints, Intent, Measure, SearchGoal};
use crate::lexicon;

/// Least share of a store's transactions in the asked time of day for it to count as open
/// then.
pub const MIN_TIME_SHARE: f64 = 0.05;

/// The store's opening date (`YYYYMMDD` text); a search orders by it as a number.
pub const OPENED: &str = "opened";

/// Store properties a search may order by.
pub fn is_orderable(property: &str) -> bool {
    RATIO_PROPERTIES.contains(&property)
        || matches!(
            property,
            OPENED
                | "review_count"
                | "distance_m"
                | "rating"
                | "price_per_person"
                | "price_min"
                | "price_max"
                | "cnt_rank"
                | "amt_rank"
        )
}

/// A query with its parameters, printable for the trace.
pub type ComposedQuery = jeju_graph::Statement;

/// The shared `MATCH … WHERE` of both queries.
fn filters(
    c: &Constraints,
    goal: Option<&SearchGoal>,
    only_ids: Option<&[String]>,
    params: &mut Vec<(String, Param)>,
) -> String {
    let mut text = String::from("MATCH (s:Store)");
    let mut conds: Vec<String> = Vec::new();
    if let Some(ids) = only_ids {
        conds.push("s.id IN $only_ids".into());
        params.push(("only_ids".into(), Param::List(ids.to_vec())));
    }
    if let Some(a) = &c.near_attraction {
        text.push_str(" MATCH (s)-[near:NEAR]->(:Attraction {name: $attraction})");
        params.push(("attraction".into(), Param::Text(a.clone())));
    }
    if let Some(Measure::VisitKeyword { companion }) = goal.map(|g| &g.measure) {
        text.push_str(" MATCH (s)-[k:HAS_VISIT_KEYWORD]->(:VisitKeyword {name: $keyword})");
        params.push((
            "keyword".into(),
            Param::Text(companion_keyword(*companion).to_owned()),
        ));
    }
    if let Some(ym) = goal.and_then(|g| g.month) {
        text.push_str(" MATCH (s)-[u:USE]->(:Month {ym: $ym})");
        params.push(("ym".into(), Param::Int(i64::from(ym))));
        if let Some(band) = goal.and_then(|g| g.band) {
            let p = band.property();
            conds.push(format!("u.{p} >= $band_first AND u.{p} <= $band_last"));
            let buckets = band.buckets();
            params.push(("band_first".into(), Param::Int(i64::from(*buckets.start()))));
            params.push(("band_last".into(), Param::Int(i64::from(*buckets.end()))));
        }
    }
    if let Some(p) = &c.near_point {
        // A bounding box here; the exact distance is computed with the candidates.
        let dlat = p.radius_m / 111_000.0;
        let dlng = p.radius_m / (111_000.0 * p.lat.to_radians().cos().max(0.1));
        conds.push(
            "s.lat >= $lat_min AND s.lat <= $lat_max AND s.lng >= $lng_min AND s.lng <= $lng_max"
                .into(),
        );
        for (k, v) in [
            ("lat_min", p.lat - dlat),
            ("lat_max", p.lat + dlat),
            ("lng_min", p.lng - dlng),
            ("lng_max", p.lng + dlng),
        ] {
            params.push((k.into(), Param::Float(v)));
        }
    }
    if !c.within_ids.is_empty() {
        conds.push("s.id IN $within".into());
        params.push(("within".into(), Param::List(c.within_ids.clone())));
    }
    if !c.exclude_ids.is_empty() {
        conds.push("NOT s.id IN $exclude".into());
        params.push(("exclude".into(), Param::List(c.exclude_ids.clone())));
    }
    if c.near_attraction.is_some() || c.near_point.is_some() {
        // Distance decides; a region boundary next to the place would only cut.
    } else if let Some(r) = &c.region {
        conds.push("s.region = $region".into());
        params.push(("region".into(), Param::Text(r.clone())));
    } else if let Some(city) = &c.city {
        conds.push("s.city = $city".into());
        params.push(("city".into(), Param::Text(city.clone())));
    }
    if !c.store_types.is_empty() {
        conds.push("s.type IN $types".into());
        params.push(("types".into(), Param::List(c.store_types.clone())));
    }
    if let Some(d) = &c.dish {
        let terms = lexicon::menu_terms(d);
        conds.push(
            "any(m IN coalesce(s.menu_names, []) WHERE any(t IN $dish_terms WHERE m CONTAINS t))"
                .into(),
        );
        params.push(("dish_terms".into(), Param::List(terms)));
    }
    if let Some(floor) = c.min_share {
        let (cond, min) = floor.condition();
        conds.push(cond);
        params.push(("share_min".into(), Param::Float(min)));
    }
    if let Some(r) = c.min_rating {
        conds.push("s.rating >= $rating_min".into());
        params.push(("rating_min".into(), Param::Float(r)));
    }
    if let Some(p) = c.price_max_per_person {
        conds.push("s.price_per_person <= $price_max".into());
        params.push(("price_max".into(), Param::Int(i64::from(p))));
    }
    if let Some(t) = c.time {
        // The data have no opening hours: a place "open" at a time of day does at least this
        // share of its business then (the evaluation harness uses the same rule).
        conds.push(format!("s.{} >= $time_min", t.property()));
        params.push(("time_min".into(), Param::Float(MIN_TIME_SHARE)));
    }
    if let Some(
        g @ SearchGoal {
            measure: Measure::Property { property, .. },
            ..
        },
    ) = goal
    {
        conds.push(format!("{}.{property} IS NOT NULL", owner(g, property)));
    }
    if !conds.is_empty() {
        text.push_str(" WHERE ");
        text.push_str(&conds.join(" AND "));
    }
    text
}

/// Who holds the measured property: the month's `USE` relation for a month's share, the
/// `NEAR` relation for the distance to the asked attraction, else the store.
fn owner(goal: &SearchGoal, property: &str) -> &'static str {
    if property == "distance_m" {
        "near"
    } else if goal.month.is_some() && RATIO_PROPERTIES.contains(&property) {
        "u"
    } else {
        "s"
    }
}

/// The composed answer query of a search question. Returns `None` when the intent has no
/// search goal or orders by a property outside the allow-list.
pub fn search_query(intent: &Intent) -> Option<ComposedQuery> {
    let goal = intent.goal.as_ref()?;
    let mut params = Vec::new();
    let mut cypher = filters(&intent.constraints, Some(goal), None, &mut params);
    match &goal.measure {
        Measure::Count => cypher.push_str(" RETURN count(DISTINCT s) AS value"),
        Measure::VisitKeyword { .. } => {
            cypher.push_str(
                " RETURN s.id AS id, s.name AS name, k.count AS value \
                 ORDER BY value DESC, id ASC LIMIT $top",
            );
            params.push(("top".into(), Param::Int(i64::from(goal.top.max(1)))));
        }
        Measure::Property {
            property,
            descending,
        } => {
            if !is_orderable(property) {
                return None;
            }
            // "Closest to X" needs X: the distance is the NEAR relation's.
            if property == "distance_m" && intent.constraints.near_attraction.is_none() {
                return None;
            }
            let owner = owner(goal, property);
            let dir = if *descending { "DESC" } else { "ASC" };
            let value = if property == OPENED {
                format!("toInteger({owner}.{property})")
            } else {
                format!("{owner}.{property}")
            };
            cypher.push_str(&format!(
                " RETURN s.id AS id, s.name AS name, {value} AS value ORDER BY value {dir}, id ASC LIMIT $top"
            ));
            params.push(("top".into(), Param::Int(i64::from(goal.top.max(1)))));
        }
    }
    Some(ComposedQuery { cypher, params })
}

/// The candidate query of a recommendation: every store passing the hard constraints, with
/// the signals the ranker needs.
pub fn candidate_query(c: &Constraints, limit: u32) -> ComposedQuery {
    let mut params = Vec::new();
    let filter = filters(c, None, None, &mut params);
    with_candidate_columns(filter, c, params, limit)
}

/// The candidate query restricted to given stores (those a generated query found): the
/// hard constraints still apply, so generated Cypher can narrow the candidates, never widen.
pub fn candidate_query_within(c: &Constraints, ids: &[String], limit: u32) -> ComposedQuery {
    let mut params = Vec::new();
    let filter = filters(c, None, Some(ids), &mut params);
    with_candidate_columns(filter, c, params, limit)
}

/// The candidate query of a relaxed request (`crate::relax`): the relaxed constraints
/// filter, the asked ones choose the columns (the asked time's share, age band and
/// companion), so that each store found can say what it does not meet.
pub fn candidate_query_relaxed(
    relaxed: &Constraints,
    asked: &Constraints,
    only_ids: Option<&[String]>,
    limit: u32,
) -> ComposedQuery {
    let mut params = Vec::new();
    let filter = filters(relaxed, None, only_ids, &mut params);
    let columns = Constraints {
        near_attraction: relaxed.near_attraction.clone(),
        ..asked.clone()
    };
    with_candidate_columns(filter, &columns, params, limit)
}

/// The same columns for given stores (graph backfill), whatever the filters.
pub fn candidate_query_for_ids(c: &Constraints, ids: &[String]) -> ComposedQuery {
    let params = vec![("ids".to_owned(), Param::List(ids.to_vec()))];
    let filter = "MATCH (s:Store) WHERE s.id IN $ids".to_owned();
    let unconstrained = Constraints {
        near_attraction: None,
        ..c.clone()
    };
    with_candidate_columns(filter, &unconstrained, params, ids.len() as u32)
}

fn with_candidate_columns(
    mut cypher: String,
    c: &Constraints,
    mut params: Vec<(String, Param)>,
    limit: u32,
) -> ComposedQuery {
    let keyword = c.companion.map(companion_keyword).unwrap_or("");
    params.push(("companion_keyword".into(), Param::Text(keyword.to_owned())));
    let age = c
        .age_band
        .map(|a| a.property())
        .unwrap_or("age_60_over_ratio");
    let time = c.time.map(|t| t.property()).unwrap_or("hr_12_13_ratio");
    let distance = if c.near_attraction.is_some() {
        "near.distance_m"
    } else {
        "null"
    };
    cypher.push_str(&format!(
        " OPTIONAL MATCH (s)-[k:HAS_VISIT_KEYWORD]->(:VisitKeyword {{name: $companion_keyword}}) \
         RETURN s.id AS id, coalesce(k.count, 0) AS companion_reviews, coalesce(s.review_count, 0) AS reviews, \
         s.rating AS rating, s.{age} AS age_share, s.{time} AS time_share, {distance} AS distance_m, \
         s.lat AS lat, s.lng AS lng, s.menu_names AS menu_names \
         LIMIT $limit"
    ));
    params.push(("limit".into(), Param::Int(i64::from(limit.max(1)))));
    ComposedQuery { cypher, params }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn search_query_uses_parameters_not_literals() {
        let i = parse("제주시 한림읍에 있는 카페 중 30대 이용 비중이 가장 높은 곳은?");
        let q = search_query(&i).unwrap();
        assert!(
            !q.cypher.contains("한림읍") && !q.cypher.contains("커피"),
            "{}",
            q.cypher
        );
        assert!(
            q.cypher
                .contains("s.age_30_ratio AS value ORDER BY value DESC"),
            "{}",
            q.cypher
        );
        assert!(q
            .params
            .contains(&("region".into(), Param::Text("한림읍".into()))));
    }

    #[test]
    fn bands_keywords_and_rating_floors_are_parameters() {
        let q = search_query(&parse(
            "2023년 3월에 이용건수 가장 적은 구간(하위 25%)이었던 애월읍 가게 수는?",
        ))
        .unwrap();
        assert!(
            q.cypher
                .contains("u.cnt_rank >= $band_first AND u.cnt_rank <= $band_last"),
            "{}",
            q.cypher
        );
        assert!(q.params.contains(&("band_first".into(), Param::Int(5))));
        assert!(q.params.contains(&("band_last".into(), Param::Int(6))));
        let q = search_query(&parse(
            "성산읍 가게 가운데 '아이와' 방문 키워드가 많은 곳 top 3",
        ))
        .unwrap();
        assert!(
            q.cypher
                .contains("[k:HAS_VISIT_KEYWORD]->(:VisitKeyword {name: $keyword})")
                && q.cypher.contains("k.count AS value ORDER BY value DESC"),
            "{}",
            q.cypher
        );
        assert!(q
            .params
            .contains(&("keyword".into(), Param::Text("아이와".into()))));
        let q = search_query(&parse("제주시 평점 4.5 이상 중식집은 몇 곳?")).unwrap();
        assert!(q.cypher.contains("s.rating >= $rating_min"), "{}", q.cypher);
        assert!(q.params.contains(&("rating_min".into(), Param::Float(4.5))));
    }

    #[test]
    fn injection_in_values_stays_a_value() {
        let mut i = parse("애월읍 흑돼지 가게 몇 곳?");
        i.constraints.region = Some("x' OR 1=1 DETACH DELETE s //".into());
        let q = search_query(&i).unwrap();
        assert!(!q.cypher.contains("DETACH"));
        i.goal = Some(SearchGoal {
            measure: Measure::Property {
                property: "name DETACH DELETE s".into(),
                descending: true,
            },
            top: 1,
            month: None,
            band: None,
        });
        assert!(search_query(&i).is_none());
    }
}
