//! The jeju-rec graph, reached over Bolt with `neo4rs`.
//!
//! This crate knows Bolt and the graph schema (DESIGN.md §2, refined in ARCHITECTURE.md): how
//! to connect ([`GraphConfig`], from `JEJU_GRAPH_*` settings), the constraints and indexes
//! ([`schema`]), the batched, idempotent `UNWIND … MERGE` load of a [`jeju_data::dataset::DataSet`]
//! ([`ingest`]), and read queries with typed rows ([`GraphClient`]). The Cypher it writes runs
//! on both Neo4j 5 and ArcadeDB's openCypher; dialect differences are listed in
//! ARCHITECTURE.md.

pub mod client;
pub mod config;
pub mod error;
pub mod ingest;
pub mod record;
pub mod reviews;
pub mod samples;
pub mod schema;

pub use client::{GraphClient, GraphCounts};
pub use config::{GraphConfig, GraphUser};
pub use error::GraphError;
pub use record::{Param, Record, Statement};
