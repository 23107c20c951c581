//! [`QdrantStore`]: review vectors in a Qdrant collection (cargo feature `qdrant`).
//!
//! **How this is exercised.** No Qdrant server runs on the development machines (DESIGN §5),
//! so this backend is *untested against a live server*. What is checked: it compiles under
//! `--features qdrant` (and passes clippy there), and the unit tests below check the requests
//! it sends — collection size and distance, the keyword index on `store_id`, batched upserts
//! with their ids and payloads, the nearest query with its store filter — and the parsing of
//! returned points, all without a server. The production shape (docker-compose) points
//! `JEJU_QDRANT_URL` at Qdrant's gRPC port (6334).
//!
//! Layout: one collection (`JEJU_QDRANT_COLLECTION`, default `jeju_reviews`), cosine
//! distance, one unnamed dense vector per point. Point id: xxh3-64 of the review id (Qdrant
//! ids are integers or UUIDs); payload `{review_id, store_id}` with a keyword index on
//! `store_id`, which the search filter (`match any`) uses.

use std::time::Duration;

use qdrant_client::qdrant::{
    point_id::PointIdOptions, value::Kind, Condition, CountPointsBuilder, CreateCollection,
    CreateCollectionBuilder, CreateFieldIndexCollection, CreateFieldIndexCollectionBuilder,
    Distance, FieldType, Filter, PointStruct, QueryPoints, QueryPointsBuilder, ScoredPoint,
    UpsertPoints, UpsertPointsBuilder, VectorParamsBuilder,
};
use qdrant_client::{Payload, Qdrant};

use crate::{normalized, BoxFuture, Hit, Point, VectorError, VectorStore};

/// Collection name when `JEJU_QDRANT_COLLECTION` is unset.
pub const DEFAULT_COLLECTION: &str = "jeju_reviews";
/// Points per upsert request.
pub const DEFAULT_BATCH: usize = 256;

/// Where and how to store vectors in Qdrant.
#[derive(Debug, Clone, PartialEq)]
pub struct QdrantConfig {
    /// gRPC URL, e.g. `http://localhost:6334`.
    pub url: String,
    /// Collection name.
    pub collection: String,
    /// Vector dimension.
    pub dims: usize,
    /// API key, if the server wants one.
    pub api_key: Option<String>,
    /// Points per upsert request.
    pub batch_size: usize,
    /// Per-request timeout.
    pub timeout: Duration,
}

impl QdrantConfig {
    /// `url` with the collection from `JEJU_QDRANT_COLLECTION` (default `jeju_reviews`) and
    /// the key from `JEJU_QDRANT_API_KEY`.
    pub fn from_env(url: &str, dims: usize) -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        QdrantConfig {
            url: url.to_string(),
            collection: var("JEJU_QDRANT_COLLECTION")
                .unwrap_or_else(|| DEFAULT_COLLECTION.to_string()),
            dims,
            api_key: var("JEJU_QDRANT_API_KEY"),
            batch_size: DEFAULT_BATCH,
            timeout: Duration::from_secs(30),
        }
    }

    /// The collection: `dims`-sized vectors, cosine distance.
    pub fn create_collection_request(&self) -> CreateCollection {
        CreateCollectionBuilder::new(self.collection.clone())
            .vectors_config(VectorParamsBuilder::new(self.dims as u64, Distance::Cosine))
            .build()
    }

    /// The keyword index on `store_id` that filtered searches use.
    pub fn store_index_request(&self) -> CreateFieldIndexCollection {
        CreateFieldIndexCollectionBuilder::new(
            self.collection.clone(),
            "store_id",
            FieldType::Keyword,
        )
        .wait(true)
        .build()
    }

    /// Upsert requests of at most `batch_size` points each (vectors normalised, checked
    /// before any request is built).
    pub fn upsert_requests(&self, points: &[Point]) -> Result<Vec<UpsertPoints>, VectorError> {
        let structs = points
            .iter()
            .map(|p| {
                let v = normalized(&p.vector, self.dims)?;
                let payload = Payload::from([
                    ("review_id", p.review_id.as_str().into()),
                    ("store_id", p.store_id.as_str().into()),
                ]);
                Ok(PointStruct::new(point_id(&p.review_id), v, payload))
            })
            .collect::<Result<Vec<_>, VectorError>>()?;
        Ok(structs
            .chunks(self.batch_size.max(1))
            .map(|chunk| {
                UpsertPointsBuilder::new(self.collection.clone(), chunk.to_vec())
                    .wait(true)
                    .build()
            })
            .collect())
    }

    /// The nearest-`k` query, with the store allow-list as a `match any` filter on
    /// `store_id`. `None` when the allow-list is empty (nothing can match).
    pub fn query_request(
        &self,
        query: &[f32],
        k: usize,
        filter: Option<&[String]>,
    ) -> Result<Option<QueryPoints>, VectorError> {
        let q = normalized(query, self.dims)?;
        let mut builder = QueryPointsBuilder::new(self.collection.clone())
            .query(q)
            .limit(k as u64)
            .with_payload(true);
        if let Some(stores) = filter {
            if stores.is_empty() {
                return Ok(None);
            }
            builder = builder.filter(Filter::must([Condition::matches(
                "store_id",
                stores.to_vec(),
            )]));
        }
        Ok(Some(builder.build()))
    }
}

/// The Qdrant point id of a review: xxh3-64 of its id.
pub fn point_id(review_id: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(review_id.as_bytes())
}

/// A [`Hit`] from a returned point (its payload carries the ids).
pub fn hit_from(point: &ScoredPoint) -> Option<Hit> {
    let text = |key: &str| match point.payload.get(key).and_then(|v| v.kind.as_ref()) {
        Some(Kind::StringValue(s)) => Some(s.clone()),
        _ => None,
    };
    Some(Hit {
        review_id: text("review_id")?,
        store_id: text("store_id")?,
        score: point.score,
    })
}

/// Review vectors in a Qdrant collection. Untested against a live server (see the module
/// documentation).
pub struct QdrantStore {
    client: Qdrant,
    config: QdrantConfig,
}

impl std::fmt::Debug for QdrantStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QdrantStore")
            .field("url", &self.config.url)
            .field("collection", &self.config.collection)
            .finish()
    }
}

fn qerr(e: impl std::fmt::Display) -> VectorError {
    VectorError::Qdrant(e.to_string())
}

impl QdrantStore {
    /// Connects and makes sure the collection (and its `store_id` index) exists.
    pub async fn connect(config: QdrantConfig) -> Result<Self, VectorError> {
        let mut builder = Qdrant::from_url(&config.url).timeout(config.timeout);
        if let Some(key) = &config.api_key {
            builder = builder.api_key(key.clone());
        }
        let client = builder.build().map_err(qerr)?;
        let store = QdrantStore { client, config };
        store.ensure_collection().await?;
        Ok(store)
    }

    /// The configuration.
    pub fn config(&self) -> &QdrantConfig {
        &self.config
    }

    async fn ensure_collection(&self) -> Result<(), VectorError> {
        let exists = self
            .client
            .collection_exists(self.config.collection.clone())
            .await
            .map_err(qerr)?;
        if !exists {
            self.client
                .create_collection(self.config.create_collection_request())
                .await
                .map_err(qerr)?;
            self.client
                .create_field_index(self.config.store_index_request())
                .await
                .map_err(qerr)?;
        }
        Ok(())
    }
}

impl VectorStore for QdrantStore {
    fn upsert<'a>(&'a self, points: &'a [Point]) -> BoxFuture<'a, Result<(), VectorError>> {
        Box::pin(async move {
            for request in self.config.upsert_requests(points)? {
                self.client.upsert_points(request).await.map_err(qerr)?;
            }
            Ok(())
        })
    }

    fn search<'a>(
        &'a self,
        query: &'a [f32],
        k: usize,
        filter: Option<&'a [String]>,
    ) -> BoxFuture<'a, Result<Vec<Hit>, VectorError>> {
        Box::pin(async move {
            if k == 0 {
                return Ok(Vec::new());
            }
            let Some(request) = self.config.query_request(query, k, filter)? else {
                return Ok(Vec::new());
            };
            let response = self.client.query(request).await.map_err(qerr)?;
            Ok(response.result.iter().filter_map(hit_from).collect())
        })
    }

    fn len(&self) -> BoxFuture<'_, Result<usize, VectorError>> {
        Box::pin(async move {
            let response = self
                .client
                .count(CountPointsBuilder::new(self.config.collection.clone()).exact(true))
                .await
                .map_err(qerr)?;
            Ok(response.result.map_or(0, |r| r.count as usize))
        })
    }

    fn persist(&self) -> BoxFuture<'_, Result<(), VectorError>> {
        // Upserts are sent with `wait: true`: once they return, the server has applied them.
        Box::pin(async { Ok(()) })
    }

    fn backend(&self) -> &'static str {
        "qdrant"
    }
}

/// Whether a point id is the one [`point_id`] gives for `review_id`.
pub fn is_point_of(id: &qdrant_client::qdrant::PointId, review_id: &str) -> bool {
    matches!(id.point_id_options, Some(PointIdOptions::Num(n)) if n == point_id(review_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use qdrant_client::qdrant::{vectors_config, Value};

    fn config() -> QdrantConfig {
        QdrantConfig {
            url: "http://127.0.0.1:6334".into(),
            collection: "test_reviews".into(),
            dims: 4,
            api_key: None,
            batch_size: 2,
            timeout: Duration::from_secs(1),
        }
    }

    #[test]
    fn collection_is_cosine_with_the_right_size() {
        let c = config().create_collection_request();
        assert_eq!(c.collection_name, "test_reviews");
        match c.vectors_config.and_then(|v| v.config) {
            Some(vectors_config::Config::Params(p)) => {
                assert_eq!(p.size, 4);
                assert_eq!(p.distance, Distance::Cosine as i32);
            }
            other => panic!("unexpected vectors config {other:?}"),
        }
        let idx = config().store_index_request();
        assert_eq!(idx.field_name, "store_id");
        assert_eq!(idx.field_type, Some(FieldType::Keyword as i32));
    }

    #[test]
    fn upserts_are_batched_with_ids_and_payload() {
        let points: Vec<Point> = (0..5)
            .map(|i| {
                Point::new(
                    format!("R{i}"),
                    format!("S{}", i % 2),
                    vec![1.0, 2.0, 2.0, i as f32],
                )
            })
            .collect();
        let reqs = config().upsert_requests(&points).unwrap();
        assert_eq!(
            reqs.iter().map(|r| r.points.len()).collect::<Vec<_>>(),
            vec![2, 2, 1]
        );
        assert!(reqs
            .iter()
            .all(|r| r.wait == Some(true) && r.collection_name == "test_reviews"));
        let first = &reqs[0].points[0];
        assert!(is_point_of(first.id.as_ref().unwrap(), "R0"));
        assert_eq!(first.payload.get("store_id"), Some(&Value::from("S0")));
        assert_eq!(first.payload.get("review_id"), Some(&Value::from("R0")));
        // Vectors are normalised: [1,2,2,0] / 3.
        let dbg = format!("{:?}", first.vectors);
        assert!(
            dbg.contains("0.33333334") && dbg.contains("0.6666667"),
            "{dbg}"
        );
        // A bad vector fails the whole call before anything is sent.
        let bad = vec![Point::new("x", "S", vec![1.0; 3])];
        assert!(matches!(
            config().upsert_requests(&bad),
            Err(VectorError::Dimensions { .. })
        ));
    }

    #[test]
    fn queries_carry_limit_payload_and_store_filter() {
        let c = config();
        let q = c
            .query_request(&[0.0, 0.0, 3.0, 4.0], 7, None)
            .unwrap()
            .unwrap();
        assert_eq!(q.limit, Some(7));
        assert!(q.filter.is_none());
        assert!(q.with_payload.is_some());
        let stores = vec!["S1".to_string(), "S2".to_string()];
        let q = c
            .query_request(&[0.0, 0.0, 3.0, 4.0], 3, Some(&stores))
            .unwrap()
            .unwrap();
        let filter = format!("{:?}", q.filter.unwrap());
        assert!(
            filter.contains("store_id") && filter.contains("\"S1\"") && filter.contains("\"S2\""),
            "{filter}"
        );
        assert!(c
            .query_request(&[1.0, 0.0, 0.0, 0.0], 3, Some(&[]))
            .unwrap()
            .is_none());
        assert!(c.query_request(&[1.0], 3, None).is_err());
    }

    #[test]
    fn hits_are_read_from_payload() {
        let mut point = ScoredPoint {
            score: 0.75,
            ..Default::default()
        };
        point.payload.insert("review_id".into(), Value::from("R9"));
        point.payload.insert("store_id".into(), Value::from("S3"));
        assert_eq!(
            hit_from(&point),
            Some(Hit {
                review_id: "R9".into(),
                store_id: "S3".into(),
                score: 0.75
            })
        );
        point.payload.remove("store_id");
        assert_eq!(hit_from(&point), None);
    }

    #[test]
    fn config_from_env_defaults() {
        let c = QdrantConfig::from_env("http://q:6334", 384);
        assert_eq!(c.url, "http://q:6334");
        assert_eq!(c.dims, 384);
        if std::env::var("JEJU_QDRANT_COLLECTION").is_err() {
            assert_eq!(c.collection, DEFAULT_COLLECTION);
        }
    }
}
