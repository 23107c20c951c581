//! The graph schema: labels, relationship types, constraints and indexes.
//!
//! ```text
//! (City)-[:HAS_REGION]->(Region)-[:HAS_STORE]->(Store)-[:USE {monthly metrics}]->(Month)
//! (Store)-[:HAS_REVIEW]->(Review)-[:HAS_VISIT_KEYWORD]->(VisitKeyword)
//! (Store)-[:HAS_VISIT_KEYWORD {count}]->(VisitKeyword)
//! (Store)-[:NEAR {distance_m}]->(Attraction)-[:LOCATED_IN]->(Region)
//! ```
//! Property names are listed in ARCHITECTURE.md. The statements use Neo4j 5 syntax, which
//! ArcadeDB's openCypher accepts as well.

use crate::client::GraphClient;
use crate::error::GraphError;

pub const NODE_LABELS: [&str; 7] = [
    "City",
    "Region",
    "Store",
    "Month",
    "Review",
    "VisitKeyword",
    "Attraction",
];

pub const REL_TYPES: [&str; 7] = [
    "HAS_REGION",
    "HAS_STORE",
    "USE",
    "HAS_REVIEW",
    "HAS_VISIT_KEYWORD",
    "NEAR",
    "LOCATED_IN",
];

/// Uniqueness constraints: each also serves as the lookup index of `MERGE`.
pub const CONSTRAINTS: [(&str, &str, &str); 7] = [
    ("city_name", "City", "name"),
    ("region_name", "Region", "name"),
    ("store_id", "Store", "id"),
    ("month_ym", "Month", "ym"),
    ("review_id", "Review", "id"),
    ("visit_keyword_name", "VisitKeyword", "name"),
    ("attraction_name", "Attraction", "name"),
];

/// Secondary indexes for the filters questions use most.
pub const INDEXES: [(&str, &str, &str); 3] = [
    ("store_type", "Store", "type"),
    ("store_region", "Store", "region"),
    ("store_name", "Store", "name"),
];

/// The DDL statements, in order.
pub fn statements() -> Vec<String> {
    let mut out = Vec::new();
    for (name, label, prop) in CONSTRAINTS {
        out.push(format!(
            "CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label}) REQUIRE n.{prop} IS UNIQUE"
        ));
    }
    for (name, label, prop) in INDEXES {
        out.push(format!(
            "CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        ));
    }
    out
}

/// Creates the constraints and indexes (idempotent).
pub async fn apply(client: &GraphClient) -> Result<(), GraphError> {
    for stmt in statements() {
        // DDL runs outside an explicit transaction on Neo4j 5.
        client.run_auto(&stmt).await?;
    }
    Ok(())
}
