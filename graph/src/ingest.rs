//! Loads a [`DataSet`] into the graph with batched, idempotent `UNWIND $rows … MERGE`
//! statements: a second run over the same data changes no counts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use jeju_data::address::parse_address;
use jeju_data::catalog::{Attraction, Review, StoreProfile};
use jeju_data::contest::{MonthlyRecord, COLUMNS, FIRST_RATIO, RATIO_PROPERTIES};
use jeju_data::dataset::DataSet;
use jeju_data::{gazetteer, vocab};
use neo4rs::{query, BoltType};

use crate::client::{GraphClient, GraphCounts};
use crate::error::GraphError;
use crate::schema;

/// Progress of each ingest stage (the CLI draws bars; tests pass [`NoProgress`]); defined in
/// `jeju-progress`, re-exported here for the callers of [`ingest`].
pub use jeju_progress::{NoProgress, Progress};

/// Tuning knobs.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Rows per `UNWIND` transaction.
    pub batch_size: usize,
    /// A store is `NEAR` an attraction within this distance.
    pub near_radius_m: f64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: 1000,
            near_radius_m: 3_000.0,
        }
    }
}

/// What one ingest did.
#[derive(Debug, Clone)]
pub struct IngestSummary {
    /// (stage, rows written, time) in order.
    pub stages: Vec<(String, u64, Duration)>,
    pub counts: GraphCounts,
    pub elapsed: Duration,
}

/// Rows for one `UNWIND` statement.
struct Batch {
    stage: String,
    cypher: &'static str,
    rows: Vec<BoltType>,
}

const CYPHER_CITY_REGION: &str = "UNWIND $rows AS r \
    MERGE (c:City {name: r.city}) \
    MERGE (g:Region {name: r.name}) SET g += r.props \
    MERGE (c)-[:HAS_REGION]->(g)";
const CYPHER_MONTH: &str = "UNWIND $rows AS r MERGE (m:Month {ym: r.ym}) SET m += r.props";
const CYPHER_STORE: &str = "UNWIND $rows AS r \
    MERGE (s:Store {id: r.id}) SET s += r.props \
    WITH s, r MATCH (g:Region {name: r.region}) \
    MERGE (g)-[:HAS_STORE]->(s)";
const CYPHER_USE: &str = "UNWIND $rows AS r \
    MATCH (s:Store {id: r.id}) MATCH (m:Month {ym: r.ym}) \
    MERGE (s)-[u:USE]->(m) SET u += r.props";
const CYPHER_PROFILE: &str = "UNWIND $rows AS r MATCH (s:Store {id: r.id}) SET s += r.props";
const CYPHER_ATTRACTION: &str = "UNWIND $rows AS r \
    MERGE (a:Attraction {name: r.name}) SET a += r.props \
    WITH a, r MATCH (g:Region {name: r.region}) \
    MERGE (a)-[:LOCATED_IN]->(g)";
const CYPHER_NEAR: &str = "UNWIND $rows AS r \
    MATCH (s:Store {id: r.store}) MATCH (a:Attraction {name: r.attraction}) \
    MERGE (s)-[n:NEAR]->(a) SET n.distance_m = r.distance_m";
const CYPHER_KEYWORD: &str =
    "UNWIND $rows AS r MERGE (k:VisitKeyword {name: r.name}) SET k += r.props";
const CYPHER_REVIEW: &str = "UNWIND $rows AS r \
    MATCH (s:Store {id: r.store_id}) \
    MERGE (v:Review {id: r.id}) SET v += r.props \
    MERGE (s)-[:HAS_REVIEW]->(v) \
    WITH v, r UNWIND r.keywords AS kw \
    MATCH (k:VisitKeyword {name: kw}) \
    MERGE (v)-[:HAS_VISIT_KEYWORD]->(k)";
const CYPHER_STORE_KEYWORD: &str = "UNWIND $rows AS r \
    MATCH (s:Store {id: r.store}) MATCH (k:VisitKeyword {name: r.keyword}) \
    MERGE (s)-[e:HAS_VISIT_KEYWORD]->(k) SET e.count = r.count";

/// A property map under construction. Absent values are left out, never written as null.
#[derive(Default)]
struct Props(HashMap<String, BoltType>);

impl Props {
    fn set(mut self, key: &str, value: impl Into<BoltType>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    fn opt<T: Into<BoltType>>(self, key: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }

    fn into_bolt(self) -> BoltType {
        BoltType::from(self.0)
    }
}

/// Loads the data set. Rows the data layer rejected are not in `data` any more; they are
/// reported by the caller from `data.errors`.
pub async fn ingest(
    client: &GraphClient,
    data: &DataSet,
    options: &IngestOptions,
    progress: &dyn Progress,
) -> Result<IngestSummary, GraphError> {
    let started = Instant::now();
    let mut stages = Vec::new();

    let t = Instant::now();
    progress.begin("schema", schema::statements().len() as u64);
    schema::apply(client).await?;
    progress.advance(schema::statements().len() as u64);
    progress.end();
    stages.push((
        "schema".to_owned(),
        schema::statements().len() as u64,
        t.elapsed(),
    ));

    let contest_name = file_name(&data.contest_path);
    let stores = aggregate_stores(&data.contest.records);
    let profiles: HashMap<&str, &StoreProfile> =
        data.stores.iter().map(|p| (p.id.as_str(), p)).collect();

    let mut batches = vec![
        Batch {
            stage: "regions".into(),
            cypher: CYPHER_CITY_REGION,
            rows: region_rows(&stores),
        },
        Batch {
            stage: "months".into(),
            cypher: CYPHER_MONTH,
            rows: month_rows(&data.contest.records),
        },
        Batch {
            stage: format!("{contest_name}: stores"),
            cypher: CYPHER_STORE,
            rows: stores
                .values()
                .map(|s| store_row(s, profiles.get(s.id.as_str()).copied()))
                .collect(),
        },
        Batch {
            stage: format!("{contest_name}: monthly usage"),
            cypher: CYPHER_USE,
            rows: data.contest.records.iter().map(use_row).collect(),
        },
    ];
    if let Some(path) = &data.stores_path {
        batches.push(Batch {
            stage: file_name(path),
            cypher: CYPHER_PROFILE,
            rows: data.stores.iter().map(profile_row).collect(),
        });
    }
    let attraction_stage = match &data.attraction_source {
        jeju_data::dataset::AttractionSource::File(p) => file_name(p),
        jeju_data::dataset::AttractionSource::Gazetteer => "attractions (gazetteer)".into(),
    };
    batches.push(Batch {
        stage: attraction_stage,
        cypher: CYPHER_ATTRACTION,
        rows: data.attractions.iter().map(attraction_row).collect(),
    });
    batches.push(Batch {
        stage: "near attractions".into(),
        cypher: CYPHER_NEAR,
        rows: near_rows(&data.stores, &data.attractions, options.near_radius_m),
    });
    batches.push(Batch {
        stage: "visit keywords".into(),
        cypher: CYPHER_KEYWORD,
        rows: keyword_rows(),
    });
    if let Some(path) = &data.reviews_path {
        batches.push(Batch {
            stage: file_name(path),
            cypher: CYPHER_REVIEW,
            rows: data.reviews.iter().map(review_row).collect(),
        });
        let (keyword_counts, review_counts) = review_aggregates(&data.reviews);
        batches.push(Batch {
            stage: "store keywords".into(),
            cypher: CYPHER_STORE_KEYWORD,
            rows: keyword_counts,
        });
        batches.push(Batch {
            stage: "review counts".into(),
            cypher: CYPHER_PROFILE,
            rows: review_counts,
        });
    }

    for batch in batches {
        let t = Instant::now();
        let n = batch.rows.len() as u64;
        progress.begin(&batch.stage, n);
        let _span = tracing::info_span!("ingest_stage", stage = %batch.stage, rows = n).entered();
        for chunk in batch.rows.chunks(options.batch_size.max(1)) {
            let q = query(batch.cypher).param("rows", chunk.to_vec());
            client.write(batch.cypher, q).await?;
            progress.advance(chunk.len() as u64);
        }
        progress.end();
        stages.push((batch.stage, n, t.elapsed()));
    }

    let counts = client.counts().await?;
    Ok(IngestSummary {
        stages,
        counts,
        elapsed: started.elapsed(),
    })
}

/// Store properties that may hold a vector written by [`write_store_vectors`].
pub const VECTOR_PROPERTIES: [&str; 1] = ["fastrp"];

const CYPHER_STORE_VECTOR: &str = "UNWIND $rows AS r MATCH (s:Store {id: r.id}) SET s += r.props";

/// Writes one vector per store (e.g. FastRP embeddings) as a list property. Idempotent.
pub async fn write_store_vectors(
    client: &GraphClient,
    property: &str,
    vectors: &BTreeMap<String, Vec<f32>>,
    options: &IngestOptions,
    progress: &dyn Progress,
) -> Result<(), GraphError> {
    if !VECTOR_PROPERTIES.contains(&property) {
        return Err(GraphError::Query {
            query: CYPHER_STORE_VECTOR.into(),
            message: format!("{property} is not a vector property"),
        });
    }
    let rows: Vec<BoltType> = vectors
        .iter()
        .map(|(id, v)| {
            let values: Vec<f64> = v.iter().map(|x| f64::from(*x)).collect();
            Props::default()
                .set("id", id.as_str())
                .set("props", Props::default().set(property, values).into_bolt())
                .into_bolt()
        })
        .collect();
    progress.begin(&format!("store vectors ({property})"), rows.len() as u64);
    for chunk in rows.chunks(options.batch_size.max(1)) {
        let q = query(CYPHER_STORE_VECTOR).param("rows", chunk.to_vec());
        client.write(CYPHER_STORE_VECTOR, q).await?;
        progress.advance(chunk.len() as u64);
    }
    progress.end();
    Ok(())
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// One merchant, summarised over its monthly rows.
struct StoreAgg<'a> {
    id: String,
    city: Option<String>,
    region: Option<String>,
    months: u32,
    /// The latest month's row: its RC_M12 shares cover the last 12 months.
    latest: &'a MonthlyRecord,
    count_rank_sum: u32,
}

fn aggregate_stores(records: &[MonthlyRecord]) -> BTreeMap<String, StoreAgg<'_>> {
    let mut stores: BTreeMap<String, StoreAgg<'_>> = BTreeMap::new();
    for r in records {
        let id = r.store_id();
        let entry = stores.entry(id.clone()).or_insert_with(|| {
            let parts = parse_address(&r.address);
            StoreAgg {
                id,
                city: parts.as_ref().map(|p| p.city.clone()),
                region: parts.map(|p| p.region),
                months: 0,
                latest: r,
                count_rank_sum: 0,
            }
        });
        entry.months += 1;
        entry.count_rank_sum += u32::from(r.count_bucket.rank());
        if r.ym > entry.latest.ym {
            entry.latest = r;
        }
    }
    stores
}

fn region_rows(stores: &BTreeMap<String, StoreAgg<'_>>) -> Vec<BoltType> {
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    for g in gazetteer::regions() {
        seen.insert(g.name.clone());
        let props = Props::default()
            .set("city", g.city.as_str())
            .set("kind", g.kind.as_str())
            .set("romanized", g.romanized.as_str())
            .set("lat", g.lat)
            .set("lng", g.lng);
        rows.push(
            Props::default()
                .set("city", g.city.as_str())
                .set("name", g.name.as_str())
                .set("props", props.into_bolt())
                .into_bolt(),
        );
    }
    // Regions that appear in addresses but not in the gazetteer still get a node.
    for s in stores.values() {
        if let (Some(city), Some(region)) = (&s.city, &s.region) {
            if seen.insert(region.clone()) {
                let kind: String = region.chars().last().map(String::from).unwrap_or_default();
                let props = Props::default()
                    .set("city", city.as_str())
                    .set("kind", kind);
                rows.push(
                    Props::default()
                        .set("city", city.as_str())
                        .set("name", region.as_str())
                        .set("props", props.into_bolt())
                        .into_bolt(),
                );
            }
        }
    }
    rows
}

fn month_rows(records: &[MonthlyRecord]) -> Vec<BoltType> {
    let months: BTreeSet<u32> = records.iter().map(|r| r.ym).collect();
    months
        .into_iter()
        .map(|ym| {
            let props = Props::default()
                .set("year", i64::from(ym / 100))
                .set("month", i64::from(ym % 100));
            Props::default()
                .set("ym", i64::from(ym))
                .set("props", props.into_bolt())
                .into_bolt()
        })
        .collect()
}

fn ratio_props(mut props: Props, r: &MonthlyRecord) -> Props {
    for (name, value) in RATIO_PROPERTIES.iter().zip(r.ratios.iter()) {
        props = props.opt(name, *value);
    }
    props
}

fn store_row(s: &StoreAgg<'_>, profile: Option<&StoreProfile>) -> BoltType {
    let r = s.latest;
    let mut props = Props::default()
        .set("name", r.name.as_str())
        .set("type", r.store_type.as_str())
        .set("address", r.address.as_str())
        .set("opened", r.opened.as_str())
        .opt("city", s.city.clone())
        .opt("region", s.region.clone())
        .set("months", i64::from(s.months))
        .set("latest_ym", i64::from(r.ym))
        .set("cnt_rank", i64::from(r.count_bucket.rank()))
        .set("amt_rank", i64::from(r.amount_bucket.rank()))
        .set("per_trsn_rank", i64::from(r.per_transaction_bucket.rank()))
        .set(
            "avg_cnt_rank",
            f64::from(s.count_rank_sum) / f64::from(s.months.max(1)),
        );
    props = ratio_props(props, r);
    if profile.is_none() {
        // No side file: place the store at its region's centroid, and say so.
        if let Some(g) = s.region.as_deref().and_then(gazetteer::region) {
            props = props
                .set("lat", g.lat)
                .set("lng", g.lng)
                .set("coord_source", "region");
        }
    }
    Props::default()
        .set("id", s.id.as_str())
        .opt("region", s.region.clone())
        .set("props", props.into_bolt())
        .into_bolt()
}

fn use_row(r: &MonthlyRecord) -> BoltType {
    debug_assert_eq!(COLUMNS.len() - FIRST_RATIO, RATIO_PROPERTIES.len());
    let props = Props::default()
        .set("ym", i64::from(r.ym))
        .set("cnt_grp", r.count_bucket.as_str())
        .set("cnt_rank", i64::from(r.count_bucket.rank()))
        .set("amt_grp", r.amount_bucket.as_str())
        .set("amt_rank", i64::from(r.amount_bucket.rank()))
        .set("per_trsn_grp", r.per_transaction_bucket.as_str())
        .set("per_trsn_rank", i64::from(r.per_transaction_bucket.rank()));
    Props::default()
        .set("id", r.store_id())
        .set("ym", i64::from(r.ym))
        .set("props", ratio_props(props, r).into_bolt())
        .into_bolt()
}

/// The median price of a menu, a robust "price per person".
fn median_price(prices: &mut [u32]) -> Option<u32> {
    prices.sort_unstable();
    prices.get(prices.len() / 2).copied()
}

fn profile_row(p: &StoreProfile) -> BoltType {
    let mut prices: Vec<u32> = p.menu.iter().map(|m| m.price).collect();
    let menu: Vec<String> = p
        .menu
        .iter()
        .map(|m| format!("{}:{}", m.name, m.price))
        .collect();
    let names: Vec<String> = p.menu.iter().map(|m| m.name.clone()).collect();
    let ratings: Vec<f32> = [p.ratings.kakao, p.ratings.naver, p.ratings.google]
        .into_iter()
        .flatten()
        .collect();
    let mean_rating = (!ratings.is_empty())
        .then(|| ratings.iter().map(|r| f64::from(*r)).sum::<f64>() / ratings.len() as f64);
    let props = Props::default()
        .set("lat", p.lat)
        .set("lng", p.lng)
        .set("coord_source", "profile")
        .set("menu", menu)
        .set("menu_names", names)
        .opt("price_min", prices.iter().min().map(|v| i64::from(*v)))
        .opt("price_max", prices.iter().max().map(|v| i64::from(*v)))
        .opt("price_per_person", median_price(&mut prices).map(i64::from))
        .opt("rating_kakao", p.ratings.kakao.map(f64::from))
        .opt("rating_naver", p.ratings.naver.map(f64::from))
        .opt("rating_google", p.ratings.google.map(f64::from))
        .opt("rating", mean_rating.map(|r| (r * 100.0).round() / 100.0));
    Props::default()
        .set("id", p.id.as_str())
        .set("props", props.into_bolt())
        .into_bolt()
}

fn attraction_row(a: &Attraction) -> BoltType {
    let props = Props::default()
        .set("romanized", a.romanized.as_str())
        .set("region", a.region.as_str())
        .set("lat", a.lat)
        .set("lng", a.lng);
    Props::default()
        .set("name", a.name.as_str())
        .set("region", a.region.as_str())
        .set("props", props.into_bolt())
        .into_bolt()
}

fn near_rows(stores: &[StoreProfile], attractions: &[Attraction], radius_m: f64) -> Vec<BoltType> {
    let mut rows = Vec::new();
    for s in stores {
        for a in attractions {
            let d = gazetteer::distance_m(s.lat, s.lng, a.lat, a.lng);
            if d <= radius_m {
                rows.push(
                    Props::default()
                        .set("store", s.id.as_str())
                        .set("attraction", a.name.as_str())
                        .set("distance_m", d.round() as i64)
                        .into_bolt(),
                );
            }
        }
    }
    rows
}

fn keyword_rows() -> Vec<BoltType> {
    vocab::VISIT_KEYWORDS
        .iter()
        .map(|k| {
            let kind = match k.kind {
                vocab::KeywordKind::Companion => "companion",
                vocab::KeywordKind::Purpose => "purpose",
            };
            let companion = k
                .companion
                .and_then(|c| serde_json::to_value(c).ok())
                .and_then(|v| v.as_str().map(str::to_owned));
            let props = Props::default()
                .set("kind", kind)
                .opt("companion", companion);
            Props::default()
                .set("name", k.name)
                .set("props", props.into_bolt())
                .into_bolt()
        })
        .collect()
}

fn review_row(r: &Review) -> BoltType {
    let props = Props::default()
        .set("store_id", r.store_id.as_str())
        .set("source", r.source.as_str())
        .set("text", r.text.as_str())
        .set("keywords", r.keywords.clone())
        .opt("rating", r.rating.map(i64::from))
        .opt("visited", r.visited.clone());
    Props::default()
        .set("id", r.id.as_str())
        .set("store_id", r.store_id.as_str())
        .set("keywords", r.keywords.clone())
        .set("props", props.into_bolt())
        .into_bolt()
}

/// Per-store keyword counts and review counts.
fn review_aggregates(reviews: &[Review]) -> (Vec<BoltType>, Vec<BoltType>) {
    let mut keywords: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut per_store: BTreeMap<&str, i64> = BTreeMap::new();
    for r in reviews {
        *per_store.entry(r.store_id.as_str()).or_default() += 1;
        for k in &r.keywords {
            *keywords
                .entry((r.store_id.as_str(), k.as_str()))
                .or_default() += 1;
        }
    }
    let keyword_rows = keywords
        .into_iter()
        .map(|((store, keyword), count)| {
            Props::default()
                .set("store", store)
                .set("keyword", keyword)
                .set("count", count)
                .into_bolt()
        })
        .collect();
    let count_rows = per_store
        .into_iter()
        .map(|(store, n)| {
            Props::default()
                .set("id", store)
                .set("props", Props::default().set("review_count", n).into_bolt())
                .into_bolt()
        })
        .collect();
    (keyword_rows, count_rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_price_is_the_middle_item() {
        assert_eq!(median_price(&mut [30_000, 9_000, 12_000]), Some(12_000));
        assert_eq!(median_price(&mut []), None);
    }
}
