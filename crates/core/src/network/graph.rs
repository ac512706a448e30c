//! The graph itself: names to ids, and edges in compressed sparse rows both ways.
//!
//! Edges arrive one by one from whatever the user loaded; repeated edges add their weights (a
//! reply thread of ten messages is one edge of weight ten). With [`GraphBuilder::undirected`]
//! every edge counts both ways (a self-loop once), as networkx's `Graph.to_directed()` does, so
//! the same code ranks and clusters both kinds.

use crate::hashing::FastMap;

use super::NetworkError;

/// A node: an index into [`Graph::names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NodeId(pub u32);

/// Collects edges by node name; [`GraphBuilder::finish`] compresses them.
#[derive(Debug, Default)]
pub struct GraphBuilder {
    undirected: bool,
    names: Vec<String>,
    index: FastMap<String, u32>,
    /// `(source, target, weight)` as added, before merging.
    edges: Vec<(u32, u32, f64)>,
    /// Per node: the weighted sum and the weight of the sentiment of the mentions it made.
    tone_sum: Vec<f64>,
    tone_weight: Vec<f64>,
    n_edges_added: u64,
}

impl GraphBuilder {
    /// A directed graph: an edge goes from the one who mentions to the one mentioned.
    pub fn directed() -> GraphBuilder {
        GraphBuilder::default()
    }

    /// An undirected graph: every edge counts both ways.
    pub fn undirected() -> GraphBuilder {
        GraphBuilder {
            undirected: true,
            ..GraphBuilder::default()
        }
    }

    /// Room for `n_edges` more edges.
    pub fn reserve(&mut self, n_edges: usize) {
        self.edges.reserve(n_edges);
    }

    /// The id of the node called `name`, added if new.
    pub fn node(&mut self, name: &str) -> Result<NodeId, NetworkError> {
        if let Some(id) = self.index.get(name) {
            return Ok(NodeId(*id));
        }
        let id = u32::try_from(self.names.len())
            .ok()
            .filter(|id| *id < u32::MAX)
            .ok_or(NetworkError::TooManyNodes {
                max: u32::MAX as usize - 1,
            })?;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), id);
        self.tone_sum.push(0.0);
        self.tone_weight.push(0.0);
        Ok(NodeId(id))
    }

    /// Adds `weight` to the edge `source → target` (both ways if undirected).
    pub fn add_edge(
        &mut self,
        source: &str,
        target: &str,
        weight: f64,
    ) -> Result<(), NetworkError> {
        self.add_mention(source, target, weight, None)
    }

    /// Adds an edge that a mention of the given `sentiment` (a compound score in [-1, 1]) made:
    /// the sentiment counts towards the tone of `source`, the one who spoke.
    pub fn add_mention(
        &mut self,
        source: &str,
        target: &str,
        weight: f64,
        sentiment: Option<f64>,
    ) -> Result<(), NetworkError> {
        if !weight.is_finite() || weight < 0.0 {
            return Err(NetworkError::BadWeight {
                source_node: source.to_owned(),
                target_node: target.to_owned(),
                weight,
            });
        }
        if let Some(sentiment) = sentiment {
            if !(-1.0..=1.0).contains(&sentiment) {
                return Err(NetworkError::BadSentiment {
                    source_node: source.to_owned(),
                    target_node: target.to_owned(),
                    sentiment,
                });
            }
        }
        let NodeId(from) = self.node(source)?;
        let NodeId(to) = self.node(target)?;
        self.add_edge_by_id(NodeId(from), NodeId(to), weight);
        if let Some(sentiment) = sentiment {
            let from = from as usize;
            self.tone_sum[from] += weight.max(f64::MIN_POSITIVE) * sentiment;
            self.tone_weight[from] += weight.max(f64::MIN_POSITIVE);
        }
        Ok(())
    }

    /// Adds an edge between nodes already known, for callers that keep their own ids.
    /// Ids not made by [`GraphBuilder::node`] are ignored; so are weights that are not finite
    /// and ≥ 0 (use [`GraphBuilder::add_edge`] to hear about them).
    pub fn add_edge_by_id(&mut self, source: NodeId, target: NodeId, weight: f64) {
        let n_nodes = self.names.len();
        if source.0 as usize >= n_nodes || target.0 as usize >= n_nodes {
            return;
        }
        if !weight.is_finite() || weight < 0.0 {
            return;
        }
        self.n_edges_added += 1;
        self.edges.push((source.0, target.0, weight));
        if self.undirected && source != target {
            self.edges.push((target.0, source.0, weight));
        }
    }

    /// Merges repeated edges and compresses the graph.
    pub fn finish(self) -> Graph {
        let n_nodes = self.names.len();
        let mut edges = self.edges;
        edges.sort_unstable_by_key(|(from, to, _)| (*from, *to));
        // Merge repeats, summing weights.
        let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(edges.len());
        for (from, to, weight) in edges {
            match merged.last_mut() {
                Some(last) if last.0 == from && last.1 == to => last.2 += weight,
                _ => merged.push((from, to, weight)),
            }
        }
        let mut out_offsets = vec![0u32; n_nodes + 1];
        let mut in_offsets = vec![0u32; n_nodes + 1];
        for (from, to, _) in &merged {
            out_offsets[*from as usize + 1] += 1;
            in_offsets[*to as usize + 1] += 1;
        }
        for idx in 0..n_nodes {
            out_offsets[idx + 1] += out_offsets[idx];
            in_offsets[idx + 1] += in_offsets[idx];
        }
        let out_targets: Vec<u32> = merged.iter().map(|(_, to, _)| *to).collect();
        let out_weights: Vec<f64> = merged.iter().map(|(_, _, weight)| *weight).collect();
        let mut in_sources = vec![0u32; merged.len()];
        let mut in_weights = vec![0.0f64; merged.len()];
        let mut cursor: Vec<u32> = in_offsets[..n_nodes].to_vec();
        // `merged` is sorted by source, so each node's in-edges come out sorted by source too.
        for (from, to, weight) in &merged {
            let slot = &mut cursor[*to as usize];
            in_sources[*slot as usize] = *from;
            in_weights[*slot as usize] = *weight;
            *slot += 1;
        }
        let tone = self
            .tone_sum
            .iter()
            .zip(&self.tone_weight)
            .map(|(sum, weight)| (*weight > 0.0).then(|| sum / weight))
            .collect();
        Graph {
            directed: !self.undirected,
            names: self.names,
            out_offsets,
            out_targets,
            out_weights,
            in_offsets,
            in_sources,
            in_weights,
            tone,
            n_edges_added: self.n_edges_added,
        }
    }
}

/// A weighted graph in compressed sparse rows, both directions. Undirected graphs hold each
/// edge as two arcs (a self-loop as one).
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    directed: bool,
    names: Vec<String>,
    out_offsets: Vec<u32>,
    out_targets: Vec<u32>,
    out_weights: Vec<f64>,
    in_offsets: Vec<u32>,
    in_sources: Vec<u32>,
    in_weights: Vec<f64>,
    tone: Vec<Option<f64>>,
    n_edges_added: u64,
}

impl Graph {
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    pub fn n_nodes(&self) -> usize {
        self.names.len()
    }

    /// Distinct arcs after merging (an undirected edge is two arcs, a self-loop one).
    pub fn n_arcs(&self) -> usize {
        self.out_targets.len()
    }

    /// Distinct edges as the user sees them: arcs for a directed graph, pairs for an
    /// undirected one.
    pub fn n_edges(&self) -> usize {
        if self.directed {
            self.n_arcs()
        } else {
            let n_loops = (0..self.n_nodes() as u32)
                .filter(|node| {
                    self.out_neighbours(NodeId(*node))
                        .any(|(to, _)| to.0 == *node)
                })
                .count();
            (self.n_arcs() - n_loops) / 2 + n_loops
        }
    }

    /// Edges added, repeats included.
    pub fn n_edges_added(&self) -> u64 {
        self.n_edges_added
    }

    /// Node names, indexed by [`NodeId`].
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn name(&self, node: NodeId) -> Option<&str> {
        self.names.get(node.0 as usize).map(String::as_str)
    }

    fn range(offsets: &[u32], node: NodeId) -> std::ops::Range<usize> {
        let idx = node.0 as usize;
        match (offsets.get(idx), offsets.get(idx + 1)) {
            (Some(start), Some(end)) => *start as usize..*end as usize,
            _ => 0..0,
        }
    }

    /// Where `node`'s edges go, with their weights, sorted by target.
    pub fn out_neighbours(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let range = Graph::range(&self.out_offsets, node);
        self.out_targets[range.clone()]
            .iter()
            .zip(&self.out_weights[range])
            .map(|(to, weight)| (NodeId(*to), *weight))
    }

    /// Where `node`'s incoming edges come from, with their weights, sorted by source.
    pub fn in_neighbours(&self, node: NodeId) -> impl Iterator<Item = (NodeId, f64)> + '_ {
        let range = Graph::range(&self.in_offsets, node);
        self.in_sources[range.clone()]
            .iter()
            .zip(&self.in_weights[range])
            .map(|(from, weight)| (NodeId(*from), *weight))
    }

    /// The weighted out-degree of every node (an undirected edge counts both ways). Nodes
    /// without edges have 0 (not the -0 an empty float sum gives).
    pub fn out_degree(&self) -> Vec<f64> {
        (0..self.n_nodes())
            .map(|idx| {
                self.out_neighbours(NodeId(idx as u32))
                    .fold(0.0, |total, (_, w)| total + w)
            })
            .collect()
    }

    /// The weighted in-degree of every node.
    pub fn in_degree(&self) -> Vec<f64> {
        (0..self.n_nodes())
            .map(|idx| {
                self.in_neighbours(NodeId(idx as u32))
                    .fold(0.0, |total, (_, w)| total + w)
            })
            .collect()
    }

    /// The mean sentiment of the mentions each node made, weighted by edge weight; `None` for a
    /// node whose mentions carried no sentiment.
    pub fn tone(&self) -> &[Option<f64>] {
        &self.tone
    }

    /// The raw arrays for the algorithms: `(offsets, neighbours, weights)` of the in-edges.
    pub(super) fn in_csr(&self) -> (&[u32], &[u32], &[f64]) {
        (&self.in_offsets, &self.in_sources, &self.in_weights)
    }

    /// The raw arrays of the out-edges.
    pub(super) fn out_csr(&self) -> (&[u32], &[u32], &[f64]) {
        (&self.out_offsets, &self.out_targets, &self.out_weights)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_edges_add_their_weights() {
        let mut builder = GraphBuilder::directed();
        builder.add_edge("a", "b", 1.0).unwrap();
        builder.add_edge("a", "b", 2.5).unwrap();
        builder.add_edge("b", "a", 1.0).unwrap();
        let graph = builder.finish();
        assert_eq!(graph.n_nodes(), 2);
        assert_eq!(graph.n_arcs(), 2);
        assert_eq!(graph.n_edges_added(), 3);
        assert_eq!(graph.out_degree(), vec![3.5, 1.0]);
        let mut builder = GraphBuilder::directed();
        builder.add_edge("a", "b", 1.0).unwrap();
        let sink = builder.finish().out_degree()[1];
        assert!(sink == 0.0 && sink.is_sign_positive(), "{sink}");
        assert_eq!(graph.in_degree(), vec![1.0, 3.5]);
    }

    #[test]
    fn undirected_edges_go_both_ways_and_self_loops_once() {
        let mut builder = GraphBuilder::undirected();
        builder.add_edge("a", "b", 2.0).unwrap();
        builder.add_edge("b", "a", 1.0).unwrap();
        builder.add_edge("c", "c", 4.0).unwrap();
        let graph = builder.finish();
        assert_eq!(graph.n_arcs(), 3);
        assert_eq!(graph.n_edges(), 2);
        assert_eq!(graph.out_degree(), vec![3.0, 3.0, 4.0]);
        assert_eq!(graph.in_degree(), vec![3.0, 3.0, 4.0]);
    }

    #[test]
    fn bad_weights_and_sentiments_name_the_edge() {
        let mut builder = GraphBuilder::directed();
        let err = builder.add_edge("a", "b", -1.0).unwrap_err();
        assert!(err.to_string().contains("\"a\" → \"b\""), "{err}");
        assert!(builder.add_edge("a", "b", f64::NAN).is_err());
        assert!(builder.add_mention("a", "b", 1.0, Some(1.5)).is_err());
        assert_eq!(builder.finish().n_arcs(), 0);
    }

    #[test]
    fn tone_is_the_weighted_mean_sentiment_of_what_a_node_says() {
        let mut builder = GraphBuilder::directed();
        builder.add_mention("a", "b", 1.0, Some(1.0)).unwrap();
        builder.add_mention("a", "c", 3.0, Some(-0.5)).unwrap();
        builder.add_edge("b", "c", 1.0).unwrap();
        let graph = builder.finish();
        assert_eq!(graph.tone(), &[Some(-0.125), None, None]);
    }
}
