//! Query results and statements in the workspace's own types, so that no caller of this crate
//! sees `neo4rs` (and a test can build results without a server).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::GraphError;

/// One result row: column name → value (JSON-like: integers and floats stay apart).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Record(BTreeMap<String, Value>);

impl Record {
    /// A row of these columns (for tests and fakes).
    pub fn new<K: Into<String>>(columns: impl IntoIterator<Item = (K, Value)>) -> Record {
        Record(columns.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A column's value as `T`, with serde's conversions (an integer reads as a float, not
    /// the reverse; a null reads as `None` for an `Option`). A missing column is an error,
    /// like a null read as a non-optional type.
    pub fn get<T: DeserializeOwned>(&self, column: &str) -> Result<T, GraphError> {
        let value = self.0.get(column).ok_or_else(|| GraphError::Decode {
            column: column.to_owned(),
            message: "no such column".to_owned(),
        })?;
        T::deserialize(value).map_err(|e| GraphError::Decode {
            column: column.to_owned(),
            message: e.to_string(),
        })
    }

    /// Every column, by name.
    pub fn columns(&self) -> &BTreeMap<String, Value> {
        &self.0
    }
}

impl From<BTreeMap<String, Value>> for Record {
    fn from(map: BTreeMap<String, Value>) -> Record {
        Record(map)
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    Text(String),
    Int(i64),
    Float(f64),
    List(Vec<String>),
}

/// A query with its parameters (values always travel as parameters), printable for traces.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub cypher: String,
    pub params: Vec<(String, Param)>,
}

impl Statement {
    /// A statement without parameters.
    pub fn text(cypher: impl Into<String>) -> Statement {
        Statement {
            cypher: cypher.into(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, name: &str, value: Param) -> Statement {
        self.params.push((name.to_owned(), value));
        self
    }

    pub(crate) fn to_query(&self) -> neo4rs::Query {
        let mut q = neo4rs::query(&self.cypher);
        for (k, v) in &self.params {
            q = match v {
                Param::Text(s) => q.param(k, s.as_str()),
                Param::Int(i) => q.param(k, *i),
                Param::Float(f) => q.param(k, *f),
                Param::List(l) => q.param(k, l.clone()),
            };
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_read_with_serde_conversions() {
        let r = Record::new([
            ("id", json!("S1")),
            ("n", json!(3)),
            ("x", json!(0.25)),
            ("none", Value::Null),
            ("menu", json!(["a", "b"])),
        ]);
        assert_eq!(r.get::<String>("id").unwrap(), "S1");
        assert_eq!(r.get::<i64>("n").unwrap(), 3);
        // An integer reads as a float; a float never reads as an integer.
        assert_eq!(r.get::<f64>("n").unwrap(), 3.0);
        assert!(r.get::<i64>("x").is_err());
        assert_eq!(r.get::<Option<f64>>("none").unwrap(), None);
        assert!(r.get::<f64>("none").is_err());
        assert!(r.get::<String>("missing").is_err());
        assert_eq!(r.get::<Vec<String>>("menu").unwrap(), ["a", "b"]);
    }
}
