//! Communities by Louvain modularity optimisation (Blondel et al., 2008), as networkx does it.
//!
//! Each level moves single nodes, in a seeded random order, to the neighbouring community that
//! raises modularity most, until no move helps (nodes are revisited only when a neighbour moved,
//! the "fast local move" of Leiden); then each community becomes one node and the next
//! level starts. The gain of a move is networkx's `_one_level` formula: standard modularity for
//! an undirected graph, directed modularity (Leicht & Newman: `k_out·Σ_in + k_in·Σ_out`) for a
//! directed one. Both are handled by one code path: an undirected graph is held as arcs both
//! ways (self-loops doubled), for which the directed formula equals the undirected one.
//!
//! Louvain is greedy and order-dependent, so a result can be improved cheaply: after the last
//! level, single nodes get one more chance to move on the original graph (the fine-tuning step of
//! Blondel et al.); if any does, the levels run again from those communities. And
//! [`LouvainParams::trials`] runs from different seeds keep the best. With
//! the defaults the result is at least as modular as networkx's `louvain_communities` on every
//! reference graph we test. Everything is deterministic for a seed.

use std::ops::ControlFlow;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;

use super::{Graph, NetworkError};

/// Which modularity was optimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ModularityKind {
    /// Newman–Girvan modularity, for undirected graphs.
    Undirected,
    /// Leicht–Newman modularity, for directed graphs.
    Directed,
}

impl ModularityKind {
    pub fn label(self) -> &'static str {
        match self {
            ModularityKind::Undirected => "undirected",
            ModularityKind::Directed => "directed",
        }
    }
}

/// How to run Louvain; checked before any work by [`LouvainParams::start`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LouvainParams {
    seed: u64,
    resolution: f64,
    /// `None`: chosen by the graph's size (see [`LouvainParams::trials`]).
    trials: Option<usize>,
    max_levels: usize,
}

/// By default, trials × arcs is about this (a second or so natively), between
/// [`MIN_TRIALS`] and [`MAX_TRIALS`] trials: small graphs get many cheap restarts, a graph of a
/// million edges three.
const TRIAL_BUDGET_ARCS: usize = 3_000_000;
const MIN_TRIALS: usize = 3;
const MAX_TRIALS: usize = 32;

impl Default for LouvainParams {
    fn default() -> LouvainParams {
        LouvainParams {
            seed: 0,
            resolution: 1.0,
            trials: None,
            max_levels: 64,
        }
    }
}

impl LouvainParams {
    /// The seed of the node orders (0).
    pub fn seed(mut self, seed: u64) -> LouvainParams {
        self.seed = seed;
        self
    }

    /// Above 1 favours smaller communities, below 1 larger ones (1).
    pub fn resolution(mut self, resolution: f64) -> LouvainParams {
        self.resolution = resolution;
        self
    }

    /// Runs from different seeds (derived from [`LouvainParams::seed`]); the most modular wins.
    /// By default 32 for graphs of up to about 100,000 arcs (milliseconds each), fewer above,
    /// down to 3 from a million arcs.
    pub fn trials(mut self, trials: usize) -> LouvainParams {
        self.trials = Some(trials);
        self
    }

    /// Checks the parameters and prepares the first level.
    pub fn start(self, graph: &Graph) -> Result<Louvain, NetworkError> {
        if !(self.resolution.is_finite() && self.resolution > 0.0) {
            return Err(NetworkError::BadParameter {
                name: "resolution",
                value: self.resolution,
                expected: "a number > 0",
            });
        }
        if self.trials == Some(0) {
            return Err(NetworkError::BadParameter {
                name: "trials",
                value: 0.0,
                expected: "at least 1",
            });
        }
        let n_trials = self
            .trials
            .unwrap_or((TRIAL_BUDGET_ARCS / graph.n_arcs().max(1)).clamp(MIN_TRIALS, MAX_TRIALS));
        let base = Level::from_graph(graph);
        let kind = if graph.is_directed() {
            ModularityKind::Directed
        } else {
            ModularityKind::Undirected
        };
        let mut louvain = Louvain {
            params: self,
            n_trials,
            kind,
            total_weight: base.k_out.iter().sum(),
            n_nodes: base.n_nodes(),
            base,
            trial: 0,
            state: None,
            best: None,
            n_levels_done: 0,
        };
        louvain.start_trial();
        Ok(louvain)
    }
}

/// One level's graph: nodes (original nodes, or communities of the level below), each with its
/// neighbours (in- and out-weights added, self-loops apart), in/out strengths and self-loops.
#[derive(Debug, Clone)]
struct Level {
    offsets: Vec<usize>,
    neighbours: Vec<u32>,
    weights: Vec<f64>,
    k_out: Vec<f64>,
    k_in: Vec<f64>,
}

impl Level {
    fn n_nodes(&self) -> usize {
        self.k_out.len()
    }

    fn from_graph(graph: &Graph) -> Level {
        let n_nodes = graph.n_nodes();
        // Undirected graphs hold a self-loop as one arc; modularity counts it twice.
        let loop_factor = if graph.is_directed() { 1.0 } else { 2.0 };
        let (out_offsets, out_targets, out_weights) = graph.out_csr();
        let (in_offsets, in_sources, in_weights) = graph.in_csr();
        let mut offsets = Vec::with_capacity(n_nodes + 1);
        offsets.push(0);
        let mut neighbours = Vec::with_capacity(out_targets.len());
        let mut weights = Vec::with_capacity(out_targets.len());
        let mut k_out = vec![0.0; n_nodes];
        let mut k_in = vec![0.0; n_nodes];
        for node in 0..n_nodes {
            let outs = out_offsets[node] as usize..out_offsets[node + 1] as usize;
            let ins = in_offsets[node] as usize..in_offsets[node + 1] as usize;
            let mut out_iter = out_targets[outs.clone()]
                .iter()
                .zip(&out_weights[outs])
                .peekable();
            let mut in_iter = in_sources[ins.clone()]
                .iter()
                .zip(&in_weights[ins])
                .peekable();
            // Both lists are sorted by neighbour: merge them.
            loop {
                let (neighbour, weight, is_out) = match (out_iter.peek(), in_iter.peek()) {
                    (None, None) => break,
                    (Some((to, _)), Some((from, _))) if **from < **to => {
                        let (from, w) = in_iter.next().expect("peeked");
                        (*from, *w, false)
                    }
                    (Some(_), _) => {
                        let (to, w) = out_iter.next().expect("peeked");
                        (*to, *w, true)
                    }
                    (None, Some(_)) => {
                        let (from, w) = in_iter.next().expect("peeked");
                        (*from, *w, false)
                    }
                };
                if neighbour as usize == node {
                    if is_out {
                        k_out[node] += weight * loop_factor;
                    } else {
                        k_in[node] += weight * loop_factor;
                    }
                    continue;
                }
                if is_out {
                    k_out[node] += weight;
                } else {
                    k_in[node] += weight;
                }
                if neighbours.len() > offsets[node] && neighbours.last() == Some(&neighbour) {
                    *weights.last_mut().expect("a neighbour was pushed") += weight;
                } else {
                    neighbours.push(neighbour);
                    weights.push(weight);
                }
            }
            offsets.push(neighbours.len());
        }
        Level {
            offsets,
            neighbours,
            weights,
            k_out,
            k_in,
        }
    }

    /// The graph of communities: `community[node]` numbered `0..n_communities`.
    fn aggregate(&self, community: &[u32], n_communities: usize) -> Level {
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_communities];
        let mut k_out = vec![0.0; n_communities];
        let mut k_in = vec![0.0; n_communities];
        for (node, com) in community.iter().enumerate() {
            members[*com as usize].push(node as u32);
            k_out[*com as usize] += self.k_out[node];
            k_in[*com as usize] += self.k_in[node];
        }
        let mut offsets = Vec::with_capacity(n_communities + 1);
        offsets.push(0);
        let mut neighbours = Vec::new();
        let mut weights = Vec::new();
        let mut to_community = vec![0.0; n_communities];
        let mut is_touched = vec![false; n_communities];
        let mut touched: Vec<u32> = Vec::new();
        for (com, nodes) in members.iter().enumerate() {
            for node in nodes {
                let range = self.offsets[*node as usize]..self.offsets[*node as usize + 1];
                for (neighbour, weight) in self.neighbours[range.clone()]
                    .iter()
                    .zip(&self.weights[range])
                {
                    let other = community[*neighbour as usize];
                    if other as usize == com {
                        continue;
                    }
                    if !is_touched[other as usize] {
                        is_touched[other as usize] = true;
                        touched.push(other);
                    }
                    to_community[other as usize] += weight;
                }
            }
            touched.sort_unstable();
            for other in touched.drain(..) {
                neighbours.push(other);
                is_touched[other as usize] = false;
                weights.push(std::mem::take(&mut to_community[other as usize]));
            }
            offsets.push(neighbours.len());
        }
        Level {
            offsets,
            neighbours,
            weights,
            k_out,
            k_in,
        }
    }
}

/// Local moving on one level: which community each node is in, and the communities' strengths.
#[derive(Debug)]
struct Moving {
    level: Level,
    community: Vec<u32>,
    sum_in: Vec<f64>,
    sum_out: Vec<f64>,
    /// Nodes still to visit: all of them at first, then the neighbours of nodes that moved.
    queue: std::collections::VecDeque<u32>,
    in_queue: Vec<bool>,
    to_community: Vec<f64>,
    is_touched: Vec<bool>,
    touched: Vec<u32>,
    moved_this_level: bool,
    n_moves: usize,
}

impl Moving {
    fn new(level: Level, community: Vec<u32>, rng: &mut Pcg64Mcg) -> Moving {
        let n_nodes = level.n_nodes();
        let mut sum_in = vec![0.0; n_nodes];
        let mut sum_out = vec![0.0; n_nodes];
        for (node, com) in community.iter().enumerate() {
            sum_in[*com as usize] += level.k_in[node];
            sum_out[*com as usize] += level.k_out[node];
        }
        let mut order: Vec<u32> = (0..n_nodes as u32).collect();
        order.shuffle(rng);
        Moving {
            level,
            community,
            sum_in,
            sum_out,
            queue: order.into(),
            in_queue: vec![true; n_nodes],
            to_community: vec![0.0; n_nodes],
            is_touched: vec![false; n_nodes],
            touched: Vec::new(),
            moved_this_level: false,
            n_moves: 0,
        }
    }

    /// Visits as many nodes as the level has (or fewer, if the queue empties first); returns
    /// whether the queue is empty. A node that moves puts its neighbours outside its new
    /// community back in the queue (the "fast local move" of Traag et al., 2019): nodes whose
    /// surroundings did not change are not visited again, which is what makes later sweeps cheap.
    fn pass(&mut self, m: f64, resolution: f64, max_nodes: usize) -> bool {
        let m2 = m * m;
        for _ in 0..self.level.n_nodes().min(max_nodes) {
            let Some(node) = self.queue.pop_front() else {
                break;
            };
            let node = node as usize;
            self.in_queue[node] = false;
            let current = self.community[node];
            let range = self.level.offsets[node]..self.level.offsets[node + 1];
            for (neighbour, weight) in self.level.neighbours[range.clone()]
                .iter()
                .zip(&self.level.weights[range])
            {
                let com = self.community[*neighbour as usize];
                if !self.is_touched[com as usize] {
                    self.is_touched[com as usize] = true;
                    self.touched.push(com);
                }
                self.to_community[com as usize] += weight;
            }
            let k_in = self.level.k_in[node];
            let k_out = self.level.k_out[node];
            self.sum_in[current as usize] -= k_in;
            self.sum_out[current as usize] -= k_out;
            let cost = |to: f64, sum_in: f64, sum_out: f64| {
                to / m - resolution * (k_out * sum_in + k_in * sum_out) / m2
            };
            let stay = cost(
                self.to_community[current as usize],
                self.sum_in[current as usize],
                self.sum_out[current as usize],
            );
            let mut best = current;
            let mut best_gain = 0.0;
            for &com in &self.touched {
                let gain = cost(
                    self.to_community[com as usize],
                    self.sum_in[com as usize],
                    self.sum_out[com as usize],
                ) - stay;
                if gain > best_gain {
                    best_gain = gain;
                    best = com;
                }
            }
            for com in self.touched.drain(..) {
                self.to_community[com as usize] = 0.0;
                self.is_touched[com as usize] = false;
            }
            self.sum_in[best as usize] += k_in;
            self.sum_out[best as usize] += k_out;
            if best != current {
                self.community[node] = best;
                self.moved_this_level = true;
                self.n_moves += 1;
                let range = self.level.offsets[node]..self.level.offsets[node + 1];
                for &neighbour in &self.level.neighbours[range] {
                    let slot = neighbour as usize;
                    if !self.in_queue[slot] && self.community[slot] != best {
                        self.in_queue[slot] = true;
                        self.queue.push_back(neighbour);
                    }
                }
            }
        }
        self.queue.is_empty() || self.n_moves > MAX_MOVES_PER_NODE * self.level.n_nodes()
    }
}

/// Moves per node at most in one level: a guard against rounding making two communities trade a
/// node forever (every move gains, so this is never reached in exact arithmetic).
const MAX_MOVES_PER_NODE: usize = 64;
/// Times at most that fine-tuning restarts the levels.
const MAX_ROUNDS: usize = 8;

#[derive(Debug)]
enum Phase {
    /// Moving nodes of the current level (the base graph at level 0).
    Levels,
    /// Fine-tuning: single original nodes move between the final communities.
    Refining,
}

#[derive(Debug)]
struct TrialState {
    rng: Pcg64Mcg,
    moving: Moving,
    /// The current level's node of each original node.
    membership: Vec<u32>,
    phase: Phase,
    n_levels: usize,
    /// Times fine-tuning sent the run back to the levels.
    n_rounds: usize,
    moved_in_round: bool,
}

/// Louvain in progress: call [`Louvain::step`] until it breaks, then [`Louvain::finish`].
#[derive(Debug)]
pub struct Louvain {
    params: LouvainParams,
    n_trials: usize,
    kind: ModularityKind,
    base: Level,
    n_nodes: usize,
    total_weight: f64,
    trial: usize,
    state: Option<TrialState>,
    best: Option<(f64, Vec<u32>)>,
    n_levels_done: usize,
}

/// Louvain's result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Communities {
    /// The community of each node, indexed by [`NodeId`](super::NodeId); community 0 is the
    /// largest, ties broken by the smallest node id in them.
    pub membership: Vec<u32>,
    pub n_communities: usize,
    pub modularity: f64,
    pub kind: ModularityKind,
    /// Levels of the winning run.
    pub levels: usize,
}

impl Louvain {
    /// The default parameters: seed 0, resolution 1, trials by the graph's size.
    pub fn params() -> LouvainParams {
        LouvainParams::default()
    }

    fn start_trial(&mut self) {
        let seed = self
            .params
            .seed
            .wrapping_add((self.trial as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let singletons: Vec<u32> = (0..self.n_nodes as u32).collect();
        let moving = Moving::new(self.base.clone(), singletons.clone(), &mut rng);
        self.state = Some(TrialState {
            rng,
            moving,
            membership: singletons,
            phase: Phase::Levels,
            n_levels: 0,
            n_rounds: 0,
            moved_in_round: false,
        });
    }

    /// One sweep of local moving (as many node visits as the level has nodes), or the step that
    /// ends a level or a trial. Breaks when every trial is done.
    pub fn step(&mut self) -> ControlFlow<()> {
        self.step_nodes(usize::MAX)
    }

    /// Like [`Louvain::step`], visiting at most `max_nodes` nodes: finer steps for a caller that
    /// must yield often (a sweep of a million-edge graph takes about 0.1 s natively).
    pub fn step_nodes(&mut self, max_nodes: usize) -> ControlFlow<()> {
        let Some(state) = self.state.as_mut() else {
            return ControlFlow::Break(());
        };
        let m = self.total_weight;
        if m <= 0.0 {
            // No weight, no structure: every node is its own community.
            self.best = Some((0.0, (0..self.n_nodes as u32).collect()));
            self.state = None;
            return ControlFlow::Break(());
        }
        if !state
            .moving
            .pass(m, self.params.resolution, max_nodes.max(1))
        {
            return ControlFlow::Continue(());
        }
        match state.phase {
            Phase::Levels => {
                let moved = state.moving.moved_this_level;
                let (renumbered, n_communities) = renumber(&state.moving.community);
                for node in state.membership.iter_mut() {
                    *node = renumbered[*node as usize];
                }
                state.n_levels += 1;
                state.moved_in_round |= moved;
                if moved && n_communities > 1 && state.n_levels < self.params.max_levels {
                    let next = state.moving.level.aggregate(&renumbered, n_communities);
                    let singletons = (0..n_communities as u32).collect();
                    state.moving = Moving::new(next, singletons, &mut state.rng);
                } else if state.n_rounds > 0 && !state.moved_in_round {
                    // Fine-tuning sent us back, and the levels changed nothing: done.
                    state.phase = Phase::Refining;
                    state.moving.moved_this_level = false;
                    state.moving.queue.clear();
                    state.moving.community = state.membership.clone();
                    state.moving.level = self.base.clone();
                } else {
                    let base = self.base.clone();
                    let mut moving = Moving::new(base, state.membership.clone(), &mut state.rng);
                    moving.moved_this_level = false;
                    state.moving = moving;
                    state.phase = Phase::Refining;
                }
                ControlFlow::Continue(())
            }
            Phase::Refining => {
                let (membership, n_communities) = renumber(&state.moving.community);
                if state.moving.moved_this_level && state.n_rounds < MAX_ROUNDS {
                    // Fine-tuning moved nodes: start the levels again from its communities.
                    state.n_rounds += 1;
                    state.moved_in_round = false;
                    let next = self.base.aggregate(&membership, n_communities);
                    let singletons = (0..n_communities as u32).collect();
                    state.moving = Moving::new(next, singletons, &mut state.rng);
                    state.membership = membership;
                    state.phase = Phase::Levels;
                    return ControlFlow::Continue(());
                }
                let modularity = modularity_of(&self.base, &membership, self.params.resolution);
                self.n_levels_done = self.n_levels_done.max(state.n_levels);
                let better = match &self.best {
                    Some((best, _)) => modularity > *best,
                    None => true,
                };
                if better {
                    self.best = Some((modularity, membership));
                }
                self.trial += 1;
                if self.trial < self.n_trials {
                    self.start_trial();
                    ControlFlow::Continue(())
                } else {
                    self.state = None;
                    ControlFlow::Break(())
                }
            }
        }
    }

    /// Trials done over trials asked.
    pub fn fraction_done(&self) -> f32 {
        self.trial as f32 / self.n_trials as f32
    }

    /// Runs to the end.
    pub fn run(mut self) -> Communities {
        while self.step().is_continue() {}
        self.finish()
    }

    /// The best communities found so far (singletons if none yet), numbered by decreasing size.
    pub fn finish(self) -> Communities {
        let (modularity, membership) = match self.best {
            Some(best) => best,
            None => {
                let singletons: Vec<u32> = (0..self.n_nodes as u32).collect();
                let q = if self.total_weight > 0.0 {
                    modularity_of(&self.base, &singletons, self.params.resolution)
                } else {
                    0.0
                };
                (q, singletons)
            }
        };
        let (membership, n_communities) = number_by_size(&membership);
        Communities {
            membership,
            n_communities,
            modularity,
            kind: self.kind,
            levels: self.n_levels_done,
        }
    }
}

/// Community labels renumbered `0..n` in order of first appearance.
fn renumber(community: &[u32]) -> (Vec<u32>, usize) {
    let mut new_id = vec![u32::MAX; community.len()];
    let mut next = 0u32;
    let renumbered = community
        .iter()
        .map(|com| {
            let slot = &mut new_id[*com as usize];
            if *slot == u32::MAX {
                *slot = next;
                next += 1;
            }
            *slot
        })
        .collect();
    (renumbered, next as usize)
}

/// Community labels renumbered by decreasing size, ties by the smallest member.
fn number_by_size(membership: &[u32]) -> (Vec<u32>, usize) {
    let (first_seen, n_communities) = renumber(membership);
    let mut sizes = vec![0usize; n_communities];
    for com in &first_seen {
        sizes[*com as usize] += 1;
    }
    // First-seen order is the order of smallest member.
    let mut by_size: Vec<u32> = (0..n_communities as u32).collect();
    by_size.sort_by_key(|com| (std::cmp::Reverse(sizes[*com as usize]), *com));
    let mut rank = vec![0u32; n_communities];
    for (idx, com) in by_size.iter().enumerate() {
        rank[*com as usize] = idx as u32;
    }
    (
        first_seen.iter().map(|com| rank[*com as usize]).collect(),
        n_communities,
    )
}

fn modularity_of(level: &Level, membership: &[u32], resolution: f64) -> f64 {
    let m: f64 = level.k_out.iter().sum();
    if m <= 0.0 {
        return 0.0;
    }
    let n_communities = membership
        .iter()
        .map(|c| *c as usize + 1)
        .max()
        .unwrap_or(0);
    let mut inside = vec![0.0; n_communities];
    let mut sum_in = vec![0.0; n_communities];
    let mut sum_out = vec![0.0; n_communities];
    for (node, com) in membership.iter().enumerate() {
        let com = *com as usize;
        sum_in[com] += level.k_in[node];
        sum_out[com] += level.k_out[node];
        // Self-loops are the strength not accounted for by neighbours.
        let range = level.offsets[node]..level.offsets[node + 1];
        let mut to_neighbours = 0.0;
        for (neighbour, weight) in level.neighbours[range.clone()]
            .iter()
            .zip(&level.weights[range])
        {
            if membership[*neighbour as usize] as usize == com {
                // Each arc is seen from both ends, in- and out-weights added: half of it.
                inside[com] += weight / 2.0;
            }
            to_neighbours += weight;
        }
        let loops = (level.k_out[node] + level.k_in[node] - to_neighbours) / 2.0;
        inside[com] += loops.max(0.0);
    }
    (0..n_communities)
        .map(|com| inside[com] / m - resolution * sum_out[com] * sum_in[com] / (m * m))
        .sum()
}

/// The modularity of a partition of `graph` (`membership[node]` = community), of the kind the
/// graph calls for (see [`ModularityKind`]), as `networkx.community.modularity` computes it.
pub fn modularity(graph: &Graph, membership: &[u32]) -> Result<f64, NetworkError> {
    if membership.len() != graph.n_nodes() {
        return Err(NetworkError::WrongLength {
            what: "membership",
            got: membership.len(),
            n_nodes: graph.n_nodes(),
        });
    }
    Ok(modularity_of(&Level::from_graph(graph), membership, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::GraphBuilder;

    fn graph(edges: &[(&str, &str)], undirected: bool) -> Graph {
        let mut builder = if undirected {
            GraphBuilder::undirected()
        } else {
            GraphBuilder::directed()
        };
        for (from, to) in edges {
            builder.add_edge(from, to, 1.0).unwrap();
        }
        builder.finish()
    }

    fn two_cliques() -> Vec<(String, String)> {
        let mut edges = Vec::new();
        for group in ["a", "b"] {
            for i in 0..5 {
                for j in i + 1..5 {
                    edges.push((format!("{group}{i}"), format!("{group}{j}")));
                }
            }
        }
        edges.push(("a0".into(), "b0".into()));
        edges
    }

    #[test]
    fn two_cliques_joined_by_a_bridge_are_two_communities() {
        let edges = two_cliques();
        let refs: Vec<(&str, &str)> = edges
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let graph = graph(&refs, true);
        let found = Louvain::params().start(&graph).unwrap().run();
        assert_eq!(found.n_communities, 2);
        let a = found.membership[0];
        for (idx, name) in graph.names().iter().enumerate() {
            assert_eq!(found.membership[idx] == a, name.starts_with('a'), "{name}");
        }
        // Hand-computed: m = 21, each community has 10 inner edges and degree 21.
        let expected = 2.0 * (10.0 / 21.0 - (21.0f64 / 42.0).powi(2));
        assert!(
            (found.modularity - expected).abs() < 1e-12,
            "{}",
            found.modularity
        );
        assert_eq!(
            modularity(&graph, &found.membership).unwrap(),
            found.modularity
        );
        assert_eq!(found.kind, ModularityKind::Undirected);
    }

    #[test]
    fn the_same_seed_gives_the_same_communities() {
        let edges = two_cliques();
        let refs: Vec<(&str, &str)> = edges
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let graph = graph(&refs, false);
        let first = Louvain::params().seed(7).start(&graph).unwrap().run();
        let second = Louvain::params().seed(7).start(&graph).unwrap().run();
        assert_eq!(first, second);
        assert_eq!(first.kind, ModularityKind::Directed);
    }

    #[test]
    fn modularity_matches_hand_computation_with_self_loops() {
        // Undirected: a–b, b–c, c–c (self-loop counted twice in degrees), m = 3.
        let g = graph(&[("a", "b"), ("b", "c"), ("c", "c")], true);
        // {a, b} | {c}: inner 1 and 1 (the loop); degrees 1+2 = 3 and 1+2 = 3.
        let q = modularity(&g, &[0, 0, 1]).unwrap();
        let expected = (1.0 / 3.0 - (3.0f64 / 6.0).powi(2)) * 2.0;
        assert!((q - expected).abs() < 1e-12, "{q} {expected}");
        // Directed: a→b, b→a, b→c; {a, b} | {c}: m = 3.
        let d = graph(&[("a", "b"), ("b", "a"), ("b", "c")], false);
        let q = modularity(&d, &[0, 0, 1]).unwrap();
        let expected = 2.0 / 3.0 - (3.0 * 2.0) / 9.0 + (0.0 - 0.0 * 1.0 / 9.0);
        assert!((q - expected).abs() < 1e-12, "{q} {expected}");
    }

    #[test]
    fn small_steps_give_the_same_communities() {
        let edges = two_cliques();
        let refs: Vec<(&str, &str)> = edges
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let graph = graph(&refs, true);
        let mut louvain = Louvain::params().start(&graph).unwrap();
        let mut n_steps = 0;
        while louvain.step_nodes(3).is_continue() {
            n_steps += 1;
        }
        assert!(n_steps > 10, "{n_steps}");
        assert_eq!(
            louvain.finish(),
            Louvain::params().start(&graph).unwrap().run()
        );
    }

    #[test]
    fn a_graph_without_weight_is_all_singletons() {
        let mut builder = GraphBuilder::directed();
        builder.add_edge("a", "b", 0.0).unwrap();
        let graph = builder.finish();
        let found = Louvain::params().start(&graph).unwrap().run();
        assert_eq!(found.n_communities, 2);
        assert_eq!(found.modularity, 0.0);
        assert!(Louvain::params().trials(0).start(&graph).is_err());
        assert!(Louvain::params().resolution(-1.0).start(&graph).is_err());
    }
}
