//! The live graph schema, introspected once per pipeline and rendered compactly (filtered to
//! what a question needs) for the text2cypher prompt.

use std::collections::{BTreeMap, BTreeSet};

use jeju_graph::schema::{NODE_LABELS, REL_TYPES};
use jeju_graph::Statement;

use crate::error::PipelineError;
use crate::intent::Intent;
use crate::ports::GraphPort;

/// Labels and relationship patterns with their property keys, as found in the data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphSchema {
    pub nodes: BTreeMap<String, BTreeSet<String>>,
    /// (from label, type, to label) → property keys.
    pub rels: BTreeMap<(String, String, String), BTreeSet<String>>,
}

/// Nodes sampled per label to collect property keys.
const SAMPLE: i64 = 50;

impl GraphSchema {
    /// Reads the schema from the data (property keys of sampled nodes and relationships).
    pub async fn introspect(graph: &dyn GraphPort) -> Result<GraphSchema, PipelineError> {
        let mut schema = GraphSchema::default();
        for label in NODE_LABELS {
            let text = format!("MATCH (n:{label}) WITH n LIMIT {SAMPLE} UNWIND keys(n) AS k RETURN DISTINCT k AS k");
            let rows = graph.records(&Statement::text(text)).await?;
            let keys = rows
                .iter()
                .filter_map(|r| r.get::<String>("k").ok())
                .collect();
            schema.nodes.insert(label.to_string(), keys);
        }
        for rel in REL_TYPES {
            let text = format!(
                "MATCH (a)-[r:{rel}]->(b) WITH a, r, b LIMIT {SAMPLE} \
                 RETURN DISTINCT labels(a)[0] AS from, labels(b)[0] AS to, keys(r) AS keys"
            );
            for r in graph.records(&Statement::text(text)).await? {
                let (Ok(from), Ok(to)) = (r.get::<String>("from"), r.get::<String>("to")) else {
                    continue;
                };
                let keys: Vec<String> = r.get("keys").unwrap_or_default();
                schema
                    .rels
                    .entry((from, rel.to_string(), to))
                    .or_default()
                    .extend(keys);
            }
        }
        Ok(schema)
    }

    /// The schema text for a question: always `Store` (without the per-weekday and per-hour
    /// shares unless asked), plus the parts the intent touches.
    pub fn render_for(&self, intent: &Intent, question: &str) -> String {
        let c = &intent.constraints;
        let goal = intent.goal.as_ref();
        let q = question.to_lowercase();
        let wants_month = goal.is_some_and(|g| g.month.is_some() || g.band.is_some());
        let wants_keyword = c.companion.is_some()
            || ["리뷰", "review", "방문", "visit"]
                .iter()
                .any(|w| q.contains(w));
        let wants_near = c.near_attraction.is_some()
            || ["근처", "가까운", "near", "close"]
                .iter()
                .any(|w| q.contains(w));
        let wants_weekday = ["요일", "day"].iter().any(|w| q.contains(w));
        let wants_hours = c.time.is_some()
            || [
                "시간", "아침", "점심", "저녁", "심야", "morning", "lunch", "dinner", "night",
            ]
            .iter()
            .any(|w| q.contains(w));

        let keep_store_prop = |p: &str| {
            let weekday = ["mon_", "tue_", "wed_", "thu_", "fri_", "sat_", "sun_"]
                .iter()
                .any(|d| p.starts_with(d));
            let hours = p.starts_with("hr_");
            (!weekday || wants_weekday)
                && (!hours || wants_hours)
                && !matches!(p, "menu" | "coord_source" | "lat" | "lng")
        };
        let mut lines = Vec::new();
        if let Some(props) = self.nodes.get("Store") {
            let props: Vec<&str> = props
                .iter()
                .map(String::as_str)
                .filter(|p| keep_store_prop(p))
                .collect();
            lines.push(format!("(:Store {{{}}})", props.join(", ")));
        }
        let mut rel_line = |from: &str, rel: &str, to: &str| {
            if let Some(props) = self
                .rels
                .get(&(from.to_owned(), rel.to_owned(), to.to_owned()))
            {
                let to_props = self
                    .nodes
                    .get(to)
                    .map(|p| p.iter().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                let rel_props = if props.is_empty() {
                    String::new()
                } else {
                    let shown: Vec<&str> = props
                        .iter()
                        .map(String::as_str)
                        .filter(|p| keep_store_prop(p))
                        .collect();
                    format!(" {{{}}}", shown.join(", "))
                };
                lines.push(format!(
                    "(:{from})-[:{rel}{rel_props}]->(:{to} {{{to_props}}})"
                ));
            }
        };
        if wants_month {
            rel_line("Store", "USE", "Month");
        }
        if wants_keyword {
            rel_line("Store", "HAS_VISIT_KEYWORD", "VisitKeyword");
        }
        if wants_near {
            rel_line("Store", "NEAR", "Attraction");
        }
        lines.join("\n")
    }
}
