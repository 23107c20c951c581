//! The reviews as ingest wrote them, read back from the graph: what a review-index builder
//! embeds when it runs apart from ingest (`jeju reviews build`, the server's background
//! build), so that it needs the graph only, not the data files.

use jeju_data::catalog::Review;
use neo4rs::query;

use crate::client::{row_to_json, GraphClient};
use crate::GraphError;

/// Every review node's properties, in id order.
const CYPHER_REVIEWS: &str = "MATCH (v:Review) \
    RETURN v.id AS id, v.store_id AS store_id, v.source AS source, v.rating AS rating, \
    v.text AS text, coalesce(v.keywords, []) AS keywords, v.visited AS visited \
    ORDER BY id";

impl GraphClient {
    /// Every review in the graph, with the fields ingest stored (id, store id, source,
    /// rating, text, visit keywords, visit month). A row that does not decode is an error
    /// naming it, not a review silently left out.
    pub async fn reviews(&self) -> Result<Vec<Review>, GraphError> {
        let rows = self.rows(CYPHER_REVIEWS, query(CYPHER_REVIEWS)).await?;
        rows.iter()
            .map(|row| {
                let json = serde_json::Value::Object(row_to_json(row).into_iter().collect());
                serde_json::from_value::<Review>(json.clone()).map_err(|e| GraphError::Decode {
                    column: "review".into(),
                    message: format!("{e} in {json}"),
                })
            })
            .collect()
    }
}
