//! FastRP graph embeddings for jeju-rec's graph backfill.
//!
//! When fewer than six candidate stores survive the recommender's filters, the backfill
//! stage adds the stores nearest to the survivors in a graph-embedding space. GDS is not
//! available (ArcadeDB locally), so this crate computes FastRP (Chen et al. 2019, "Fast and
//! Accurate Network Embeddings via Very Sparse Random Projection") itself, with Neo4j GDS's
//! semantics for `iterationWeights` and `normalizationStrength`:
//!
//! - [`Graph`]: a small undirected, weighted graph builder;
//! - [`fastrp`]: one unit-norm vector per node;
//! - [`store_embeddings`]: the Store–Review–VisitKeyword graph of a [`jeju_data::dataset::DataSet`]
//!   ([`store_graph`]) embedded, by store id;
//! - [`nearest`]: brute-force cosine neighbours of the candidates' centroid.
//!
//! Everything is deterministic for a given seed and input order, and nothing panics on
//! empty input: an empty graph gives no vectors, an empty query no neighbours.

mod fastrp;
mod graph;
mod nearest;
mod stores;

pub use crate::fastrp::{fastrp, FastRpConfig, SPARSITY};
pub use crate::graph::{Graph, GraphError, NodeId, NodeKind};
pub use crate::nearest::nearest;
pub use crate::stores::{store_embeddings, store_graph, StoreGraph, STORE_KEYWORD_WEIGHT};
