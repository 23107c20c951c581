//! The Store–Review–VisitKeyword graph of a data set, and its store embeddings.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use jeju_data::dataset::DataSet;

use crate::fastrp::{fastrp_flat, FastRpConfig};
use crate::graph::{Graph, NodeId, NodeKind};

/// Weight of a `Store–VisitKeyword` edge per review carrying the keyword.
///
/// Measured on the full synthetic set (seed 42) with the measure printed by the ignored test
/// `full_data_timings` (precision@10 of [`crate::nearest`] to three stores truly good for a
/// companion, as a multiple of the base rate, mean over the six companions), default
/// [`FastRpConfig`]: without these edges ≈ 1.0 (no signal: a store's 1-hop average is its
/// reviews' private random vectors and its 2-hop average is mostly itself), weight 1 ≈ 1.8,
/// 3 ≈ 1.96, 5 ≈ 1.97. 3 is where it stops improving: the keyword evidence then outweighs
/// the reviews' noise, while the reviews still shape the keywords' own vectors (keywords
/// that co-occur in reviews end up close). For scale, a plain 13-dim keyword-count profile
/// scores 1.91.
pub const STORE_KEYWORD_WEIGHT: f32 = 3.0;

/// The graph [`store_embeddings`] embeds, with the store id of each store node.
#[derive(Debug, Clone)]
pub struct StoreGraph {
    pub graph: Graph,
    /// Store ids and their nodes, sorted by id. Store nodes are nodes `0..stores.len()`.
    pub stores: Vec<(String, NodeId)>,
}

/// Builds the Store–Review–VisitKeyword graph of `data`:
///
/// - one `Store` node per distinct store of `data.contest.records`, in id order;
/// - one `VisitKeyword` node per keyword name that occurs in a review, in name order;
/// - one `Review` node per review of a known store (reviews of stores not in the contest
///   file — which [`DataSet::load`] already rejects — are skipped), in file order;
/// - `Store–Review` (weight 1) for each review, `Review–VisitKeyword` (weight 1) for each
///   distinct keyword of a review;
/// - `Store–VisitKeyword` with weight [`STORE_KEYWORD_WEIGHT`] × the number of the store's
///   reviews that carry the keyword (the `HAS_VISIT_KEYWORD {count}` edge of the property
///   graph). Without it a store meets its keywords only two hops away, through reviews whose
///   own random vectors are private noise (every review is a leaf with its own vector, and
///   reviews without keywords — Kakao, Google — are nothing but that noise); with it the
///   keyword mix is in the store's 1-hop neighbourhood, weighted by evidence (a store with
///   12 부모님과 reviews leans further than one with 1).
///
/// Stores without reviews have no edges: they keep their own random initial vector (see
/// [`crate::fastrp`]), which is nearly orthogonal to every other store, so they are never
/// anyone's confident neighbour. Stores whose reviews carry no keywords (Kakao and Google
/// only) are in the same position: their vector is their reviews' private noise. On the full
/// synthetic set the best neighbour of a keyworded store scores a median cosine of 0.93
/// (the 6th best 0.91), that of a store without keywords or reviews about 0.35–0.4 (chance
/// level among 9,250 random 64-d vectors), so a caller can read a score below ≈ 0.6 as
/// "no real neighbour". No Region/type edges are added: the backfill filters by
/// region and type itself, and such edges would drown the companion/purpose signal that
/// the embedding is for.
pub fn store_graph(data: &DataSet) -> StoreGraph {
    // One id per distinct (name, address, opened, type): hashing the borrowed fields first
    // saves formatting and hashing an id for each of the ~68k monthly rows.
    let tuples: HashSet<(&str, &str, &str, &str)> = data
        .contest
        .records
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.address.as_str(),
                r.opened.as_str(),
                r.store_type.as_str(),
            )
        })
        .collect();
    let store_ids: BTreeSet<String> = tuples
        .into_iter()
        .map(|(name, address, opened, store_type)| {
            jeju_data::store_id(name, address, opened, store_type)
        })
        .collect();
    let keyword_names: BTreeSet<&str> = data
        .reviews
        .iter()
        .flat_map(|r| r.keywords.iter().map(String::as_str))
        .collect();
    let mut graph = Graph::with_capacity(
        store_ids.len() + keyword_names.len() + data.reviews.len(),
        data.reviews.len() * 3,
    );
    let stores: Vec<(String, NodeId)> = store_ids
        .into_iter()
        .map(|id| (id, graph.add_node(NodeKind::Store)))
        .collect();
    let store_node: HashMap<&str, NodeId> =
        stores.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    let keyword_node: HashMap<&str, NodeId> = keyword_names
        .iter()
        .map(|k| (*k, graph.add_node(NodeKind::VisitKeyword)))
        .collect();

    let mut store_keyword: HashMap<(NodeId, NodeId), u32> = HashMap::new();
    for review in &data.reviews {
        let Some(&store) = store_node.get(review.store_id.as_str()) else {
            continue;
        };
        let node = graph.add_node(NodeKind::Review);
        // Ids come from this graph and weights are constants: these edges cannot fail.
        let _ = graph.add_edge(store, node, 1.0);
        for (i, k) in review.keywords.iter().enumerate() {
            if review.keywords[..i].contains(k) {
                continue; // a keyword listed twice counts once
            }
            if let Some(&kw) = keyword_node.get(k.as_str()) {
                let _ = graph.add_edge(node, kw, 1.0);
                *store_keyword.entry((store, kw)).or_default() += 1;
            }
        }
    }
    // Sorted, so that the edge order (and with it every floating-point sum) is the same on
    // every run.
    let mut store_keyword: Vec<((NodeId, NodeId), u32)> = store_keyword.into_iter().collect();
    store_keyword.sort_unstable();
    for ((store, kw), count) in store_keyword {
        let _ = graph.add_edge(store, kw, STORE_KEYWORD_WEIGHT * count as f32);
    }
    StoreGraph { graph, stores }
}

/// FastRP embeddings of every store of `data.contest.records`, by store id, on the graph of
/// [`store_graph`]. Every vector has `config.dims` entries and unit norm.
pub fn store_embeddings(data: &DataSet, config: &FastRpConfig) -> BTreeMap<String, Vec<f32>> {
    let StoreGraph { graph, stores } = store_graph(data);
    let flat = fastrp_flat(&graph, config);
    let d = config.dims;
    stores
        .into_iter()
        .map(|(id, node)| {
            let row = flat
                .get(node.index() * d..(node.index() + 1) * d)
                .map(<[f32]>::to_vec)
                .unwrap_or_default();
            (id, row)
        })
        .collect()
}
