//! What the harness knows about stores, read by its own queries: the graph's facts (to check
//! hard constraints and to generate cases) and the generator's hidden truth (soft fit).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jeju_data::catalog::StoreTruth;
use jeju_data::contest::RATIO_PROPERTIES;
use jeju_graph::{GraphClient, Param, Record, Statement};

use crate::error::EvalError;

/// A store as the graph holds it (only what the checks and the generator use).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StoreFact {
    pub id: String,
    pub name: String,
    pub city: Option<String>,
    pub region: Option<String>,
    pub store_type: String,
    pub menu_names: Vec<String>,
    pub price_per_person: Option<i64>,
    pub rating: Option<f64>,
    pub review_count: Option<i64>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    /// The latest month's ratio properties present on the store (`age_30_ratio`, …).
    pub ratios: BTreeMap<String, f64>,
}

impl StoreFact {
    pub fn ratio(&self, property: &str) -> Option<f64> {
        self.ratios.get(property).copied()
    }
}

fn opt_f64(r: &Record, col: &str) -> Option<f64> {
    r.get::<f64>(col)
        .ok()
        .or_else(|| r.get::<i64>(col).ok().map(|v| v as f64))
}

fn opt_i64(r: &Record, col: &str) -> Option<i64> {
    r.get::<i64>(col)
        .ok()
        .or_else(|| r.get::<f64>(col).ok().map(|v| v.round() as i64))
}

/// Reads stores from the graph: the given ids, or every store when `ids` is `None`.
pub async fn store_facts(
    graph: &GraphClient,
    ids: Option<&[String]>,
) -> Result<BTreeMap<String, StoreFact>, EvalError> {
    let ratio_cols: Vec<String> = RATIO_PROPERTIES
        .iter()
        .map(|p| format!("s.{p} AS {p}"))
        .collect();
    let filter = if ids.is_some() {
        " WHERE s.id IN $ids"
    } else {
        ""
    };
    let text = format!(
        "MATCH (s:Store){filter} RETURN s.id AS id, s.name AS name, s.city AS city, \
         s.region AS region, s.type AS type, s.menu_names AS menu_names, \
         s.price_per_person AS price, s.rating AS rating, s.review_count AS review_count, \
         s.lat AS lat, s.lng AS lng, {}",
        ratio_cols.join(", ")
    );
    let mut q = Statement::text(text);
    if let Some(ids) = ids {
        q = q.param("ids", Param::List(ids.to_vec()));
    }
    let rows = graph.records(&q).await?;
    let mut out = BTreeMap::new();
    for r in &rows {
        let Ok(id) = r.get::<String>("id") else {
            continue;
        };
        let ratios = RATIO_PROPERTIES
            .iter()
            .filter_map(|p| opt_f64(r, p).map(|v| ((*p).to_owned(), v)))
            .collect();
        out.insert(
            id.clone(),
            StoreFact {
                id,
                name: r.get("name").unwrap_or_default(),
                city: r.get("city").ok(),
                region: r.get("region").ok(),
                store_type: r.get("type").unwrap_or_default(),
                menu_names: r.get("menu_names").unwrap_or_default(),
                price_per_person: opt_i64(r, "price"),
                rating: opt_f64(r, "rating"),
                review_count: opt_i64(r, "review_count"),
                lat: opt_f64(r, "lat"),
                lng: opt_f64(r, "lng"),
                ratios,
            },
        );
    }
    Ok(out)
}

/// Every distinct menu item name of the given stores.
pub fn menu_items<'a>(
    stores: impl IntoIterator<Item = &'a StoreFact>,
) -> std::collections::BTreeSet<String> {
    stores
        .into_iter()
        .flat_map(|s| s.menu_names.iter().cloned())
        .collect()
}

/// The generator's hidden traits per store (`truth.jsonl`).
#[derive(Debug, Clone, Default)]
pub struct TruthTable {
    by_id: HashMap<String, StoreTruth>,
}

impl TruthTable {
    /// Reads a `truth.jsonl` (or the one inside a data directory). A line that does not
    /// parse is an error: a truth file is generated, never hand-edited.
    pub fn load(path: &Path) -> Result<TruthTable, EvalError> {
        let file = if path.is_dir() {
            path.join(jeju_data::files::TRUTH)
        } else {
            path.to_path_buf()
        };
        let parsed = jeju_data::jsonl::read_jsonl::<StoreTruth>(&file)?;
        if let Some(e) = parsed.errors.first() {
            return Err(EvalError::Mismatch(format!(
                "{}:{}: {}",
                e.file.display(),
                e.line,
                e.message
            )));
        }
        Ok(TruthTable::from_records(parsed.items))
    }

    pub fn from_records(records: impl IntoIterator<Item = StoreTruth>) -> TruthTable {
        TruthTable {
            by_id: records
                .into_iter()
                .map(|t| (t.store_id.clone(), t))
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&StoreTruth> {
        self.by_id.get(id)
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// One `(Store)-[:USE]->(Month)` edge: a store's figures in one month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthFact {
    pub id: String,
    /// `YYYYMM`.
    pub ym: i64,
    /// Transaction-count bucket, 1 = busiest 10 %.
    pub cnt_rank: Option<i64>,
    /// Sales-amount bucket, 1 = top 10 %.
    pub amt_rank: Option<i64>,
    /// The month's ratio properties present on the edge.
    pub ratios: BTreeMap<String, f64>,
}

impl MonthFact {
    pub fn ratio(&self, property: &str) -> Option<f64> {
        self.ratios.get(property).copied()
    }
}

/// Every `USE` edge with its ranks and ratios.
pub async fn month_facts(graph: &GraphClient) -> Result<Vec<MonthFact>, EvalError> {
    let ratio_cols: Vec<String> = RATIO_PROPERTIES
        .iter()
        .map(|p| format!("u.{p} AS {p}"))
        .collect();
    let text = format!(
        "MATCH (s:Store)-[u:USE]->(m:Month) RETURN s.id AS id, m.ym AS ym, \
         u.cnt_rank AS cnt_rank, u.amt_rank AS amt_rank, {}",
        ratio_cols.join(", ")
    );
    let rows = graph.records(&Statement::text(text)).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(MonthFact {
                id: r.get("id").ok()?,
                ym: opt_i64(r, "ym")?,
                cnt_rank: opt_i64(r, "cnt_rank"),
                amt_rank: opt_i64(r, "amt_rank"),
                ratios: RATIO_PROPERTIES
                    .iter()
                    .filter_map(|p| opt_f64(r, p).map(|v| ((*p).to_owned(), v)))
                    .collect(),
            })
        })
        .collect())
}

/// A store's edge to a named node with an integer on it: a visit keyword and its review
/// count, or an attraction and its distance in metres.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeFact {
    pub id: String,
    pub name: String,
    pub value: i64,
}

/// Every `(Store)-[:HAS_VISIT_KEYWORD {count}]->(VisitKeyword {name})`.
pub async fn visit_keyword_facts(graph: &GraphClient) -> Result<Vec<EdgeFact>, EvalError> {
    edge_facts(
        graph,
        "MATCH (s:Store)-[e:HAS_VISIT_KEYWORD]->(k:VisitKeyword) \
         RETURN s.id AS id, k.name AS name, e.count AS value",
    )
    .await
}

/// Every `(Store)-[:NEAR {distance_m}]->(Attraction {name})`.
pub async fn near_facts(graph: &GraphClient) -> Result<Vec<EdgeFact>, EvalError> {
    edge_facts(
        graph,
        "MATCH (s:Store)-[e:NEAR]->(a:Attraction) \
         RETURN s.id AS id, a.name AS name, e.distance_m AS value",
    )
    .await
}

async fn edge_facts(graph: &GraphClient, text: &str) -> Result<Vec<EdgeFact>, EvalError> {
    let rows = graph.records(&Statement::text(text)).await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(EdgeFact {
                id: r.get("id").ok()?,
                name: r.get("name").ok()?,
                value: opt_i64(r, "value")?,
            })
        })
        .collect())
}
