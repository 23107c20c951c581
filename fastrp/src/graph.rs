//! An undirected, weighted graph built node by node and edge by edge, and its compressed
//! adjacency (CSR) for propagation.

/// The id of a node: its index, `0..graph.node_count()`, in the order nodes were added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// The node's index: the position of its vector in [`crate::fastrp`]'s output.
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The id of the node at `index` (whether such a node exists is up to the graph);
    /// `None` past `u32::MAX`.
    pub fn from_index(index: usize) -> Option<NodeId> {
        u32::try_from(index).ok().map(NodeId)
    }
}

/// What a node stands for. FastRP itself treats every node alike (as GDS does with
/// heterogeneous nodes); the kind is kept for callers that pick nodes of one kind out of
/// the result, e.g. [`Graph::nodes_of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Store,
    Review,
    VisitKeyword,
    /// Anything else, with a caller-chosen tag (tests use it for communities).
    Other(u16),
}

/// Why an edge was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("node {index} does not exist (the graph has {count} nodes)")]
    UnknownNode { index: usize, count: usize },
    #[error("edge weight {0} is not a finite number ≥ 0")]
    BadWeight(f32),
    #[error("the graph is full ({} nodes)", u32::MAX)]
    TooManyNodes,
}

/// An undirected graph with nodes `0..n` and weighted edges.
///
/// Parallel edges add up (two edges of weight 1 act as one of weight 2). A self-loop makes
/// the node one of its own neighbours, once. Zero-weight edges are accepted and ignored.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    kinds: Vec<NodeKind>,
    edges: Vec<(u32, u32, f32)>,
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// An empty graph with room for `nodes` nodes and `edges` edges.
    pub fn with_capacity(nodes: usize, edges: usize) -> Graph {
        Graph {
            kinds: Vec::with_capacity(nodes),
            edges: Vec::with_capacity(edges),
        }
    }

    /// Adds a node and returns its id (ids are consecutive from 0).
    ///
    /// Fails only when the graph already has 2³² nodes.
    pub fn try_add_node(&mut self, kind: NodeKind) -> Result<NodeId, GraphError> {
        let id = u32::try_from(self.kinds.len()).map_err(|_| GraphError::TooManyNodes)?;
        self.kinds.push(kind);
        Ok(NodeId(id))
    }

    /// Adds a node and returns its id (ids are consecutive from 0).
    ///
    /// A graph holds at most 2³² nodes (their embeddings would take terabytes); past that
    /// the node is not added and the last id, `u32::MAX`, is returned again. Use
    /// [`Graph::try_add_node`] to be told instead.
    pub fn add_node(&mut self, kind: NodeKind) -> NodeId {
        self.try_add_node(kind).unwrap_or(NodeId(u32::MAX))
    }

    /// Adds the undirected edge `a`–`b` with `weight` (use 1.0 for an unweighted graph).
    ///
    /// Refuses ids that are not nodes of this graph and weights that are negative, NaN or
    /// infinite; the graph is unchanged then.
    pub fn add_edge(&mut self, a: NodeId, b: NodeId, weight: f32) -> Result<(), GraphError> {
        for id in [a, b] {
            if id.index() >= self.kinds.len() {
                return Err(GraphError::UnknownNode {
                    index: id.index(),
                    count: self.kinds.len(),
                });
            }
        }
        if !weight.is_finite() || weight < 0.0 {
            return Err(GraphError::BadWeight(weight));
        }
        self.edges.push((a.0, b.0, weight));
        Ok(())
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.kinds.len()
    }

    /// Number of edges added (parallel edges counted separately).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The kind a node was added with.
    pub fn kind(&self, id: NodeId) -> Option<NodeKind> {
        self.kinds.get(id.index()).copied()
    }

    /// The nodes of one kind, in id order.
    pub fn nodes_of(&self, kind: NodeKind) -> impl Iterator<Item = NodeId> + '_ {
        self.kinds
            .iter()
            .enumerate()
            .filter(move |(_, k)| **k == kind)
            .map(|(i, _)| NodeId(i as u32))
    }

    /// The symmetric adjacency in compressed sparse rows.
    pub(crate) fn csr(&self) -> Csr {
        Csr::build(self.kinds.len(), &self.edges)
    }
}

/// Compressed sparse rows of the symmetric adjacency: the neighbours of node `v` are
/// `targets[offsets[v]..offsets[v + 1]]` with `weights` alongside.
///
/// Plain arrays rather than a sparse-matrix crate (`sprs`): the only operation FastRP needs
/// is "for each node, the weighted sum of its neighbours' dense rows", which is a loop over
/// these three arrays; a sparse × dense product in `sprs` would need `ndarray` as well, and
/// building from triplets costs the same counting sort as below. `u32` targets halve the
/// memory traffic of the inner loop against `usize`.
pub(crate) struct Csr {
    pub offsets: Vec<usize>,
    pub targets: Vec<u32>,
    pub weights: Vec<f32>,
    /// Weighted degree (sum of incident edge weights; a self-loop counts once).
    pub degree: Vec<f32>,
}

impl Csr {
    fn build(n: usize, edges: &[(u32, u32, f32)]) -> Csr {
        let mut counts = vec![0usize; n + 1];
        let mut degree = vec![0f32; n];
        for &(a, b, w) in edges {
            if w == 0.0 {
                continue;
            }
            counts[a as usize + 1] += 1;
            degree[a as usize] += w;
            if a != b {
                counts[b as usize + 1] += 1;
                degree[b as usize] += w;
            }
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let offsets = counts;
        let total = offsets[n];
        let mut next = offsets[..n].to_vec();
        let mut targets = vec![0u32; total];
        let mut weights = vec![0f32; total];
        let mut put = |from: u32, to: u32, w: f32| {
            let slot = &mut next[from as usize];
            targets[*slot] = to;
            weights[*slot] = w;
            *slot += 1;
        };
        for &(a, b, w) in edges {
            if w == 0.0 {
                continue;
            }
            put(a, b, w);
            if a != b {
                put(b, a, w);
            }
        }
        Csr {
            offsets,
            targets,
            weights,
            degree,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_is_symmetric_with_self_loops_once() {
        let mut g = Graph::new();
        let a = g.add_node(NodeKind::Other(0));
        let b = g.add_node(NodeKind::Other(0));
        let c = g.add_node(NodeKind::Other(1));
        g.add_edge(a, b, 2.0).unwrap();
        g.add_edge(b, b, 1.0).unwrap();
        g.add_edge(a, c, 0.0).unwrap();
        let csr = g.csr();
        assert_eq!(csr.offsets, vec![0, 1, 3, 3]);
        assert_eq!(csr.targets, vec![1, 0, 1]);
        assert_eq!(csr.weights, vec![2.0, 2.0, 1.0]);
        assert_eq!(csr.degree, vec![2.0, 3.0, 0.0]);
        assert_eq!(g.nodes_of(NodeKind::Other(0)).count(), 2);
        assert_eq!(g.kind(c), Some(NodeKind::Other(1)));
    }

    #[test]
    fn bad_edges_are_refused() {
        let mut g = Graph::new();
        let a = g.add_node(NodeKind::Store);
        let mut other = Graph::new();
        other.add_node(NodeKind::Store);
        let far = other.add_node(NodeKind::Store);
        assert!(matches!(
            g.add_edge(a, far, 1.0),
            Err(GraphError::UnknownNode { index: 1, count: 1 })
        ));
        assert!(g.add_edge(a, a, -1.0).is_err());
        assert!(g.add_edge(a, a, f32::NAN).is_err());
        assert!(g.add_edge(a, a, f32::INFINITY).is_err());
        assert_eq!(g.edge_count(), 0);
    }
}
