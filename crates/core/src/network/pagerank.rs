//! PageRank, exactly as networkx computes it, so that the two can be checked against each other.
//!
//! `networkx.pagerank(G, alpha=0.85, weight="weight")` (its scipy implementation) starts from
//! 1/N everywhere, spreads the rank of dangling nodes (no out-weight) uniformly, teleports
//! uniformly, and stops once the L1 change of an iteration is below N × tolerance (1e-6), giving
//! up after 100 iterations. We do the same iteration with the same stopping rule, so our scores
//! equal networkx's default output up to rounding, not merely the true fixed point to within its
//! tolerance. Callers who want the fixed point more tightly lower the tolerance.

use std::ops::ControlFlow;

use super::{Graph, NetworkError};

/// How to run PageRank; checked before any work by [`PageRankParams::start`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRankParams {
    damping: f64,
    tolerance: f64,
    max_iterations: usize,
}

impl Default for PageRankParams {
    fn default() -> PageRankParams {
        PageRankParams {
            damping: 0.85,
            tolerance: 1e-6,
            max_iterations: 100,
        }
    }
}

impl PageRankParams {
    /// The probability of following an edge rather than jumping anywhere (0.85).
    pub fn damping(mut self, damping: f64) -> PageRankParams {
        self.damping = damping;
        self
    }

    /// Converged once an iteration changes the scores by less than `n_nodes × tolerance` in
    /// total (1e-6, networkx's `tol`).
    pub fn tolerance(mut self, tolerance: f64) -> PageRankParams {
        self.tolerance = tolerance;
        self
    }

    /// Iterations at most (100).
    pub fn max_iterations(mut self, max_iterations: usize) -> PageRankParams {
        self.max_iterations = max_iterations;
        self
    }

    /// Checks the parameters and prepares the iteration on `graph`.
    pub fn start(self, graph: &Graph) -> Result<PageRank, NetworkError> {
        if !(0.0..=1.0).contains(&self.damping) {
            return Err(NetworkError::BadParameter {
                name: "damping",
                value: self.damping,
                expected: "between 0 and 1",
            });
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(NetworkError::BadParameter {
                name: "tolerance",
                value: self.tolerance,
                expected: "a number > 0",
            });
        }
        let n_nodes = graph.n_nodes();
        let out_degree = graph.out_degree();
        let (offsets, sources, weights) = graph.in_csr();
        // Each in-edge's weight divided by its source's out-weight: one row of the transition
        // matrix, read by column.
        let transition = sources
            .iter()
            .zip(weights)
            .map(|(from, weight)| {
                let total = out_degree[*from as usize];
                if total != 0.0 {
                    weight * (1.0 / total)
                } else {
                    0.0
                }
            })
            .collect();
        let dangling = (0..n_nodes as u32)
            .filter(|node| out_degree[*node as usize] == 0.0)
            .collect();
        let start = if n_nodes == 0 {
            0.0
        } else {
            1.0 / n_nodes as f64
        };
        Ok(PageRank {
            params: self,
            offsets: offsets.to_vec(),
            sources: sources.to_vec(),
            transition,
            dangling,
            scores: vec![start; n_nodes],
            next: vec![0.0; n_nodes],
            iterations: 0,
            last_change: f64::INFINITY,
            converged: n_nodes == 0,
        })
    }
}

/// PageRank in progress: call [`PageRank::step`] until it breaks, or [`PageRank::run`]. It holds
/// its own copy of the in-edges (12 bytes per edge), so a worker can keep it between messages.
#[derive(Debug, Clone)]
pub struct PageRank {
    params: PageRankParams,
    offsets: Vec<u32>,
    sources: Vec<u32>,
    transition: Vec<f64>,
    dangling: Vec<u32>,
    scores: Vec<f64>,
    next: Vec<f64>,
    iterations: usize,
    last_change: f64,
    converged: bool,
}

/// PageRank's result.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRankScores {
    /// One score per node, indexed by [`NodeId`](super::NodeId); they sum to 1.
    pub scores: Vec<f64>,
    pub iterations: usize,
    /// False if `max_iterations` ran out first (networkx would raise).
    pub converged: bool,
    /// The L1 change of the last iteration.
    pub last_change: f64,
}

impl PageRank {
    /// The default parameters (networkx's).
    pub fn params() -> PageRankParams {
        PageRankParams::default()
    }

    /// One power iteration. Breaks once converged or out of iterations.
    pub fn step(&mut self) -> ControlFlow<()> {
        if self.converged || self.iterations >= self.params.max_iterations {
            return ControlFlow::Break(());
        }
        let n_nodes = self.scores.len();
        let alpha = self.params.damping;
        let uniform = 1.0 / n_nodes as f64;
        let dangling_sum: f64 = self
            .dangling
            .iter()
            .map(|node| self.scores[*node as usize])
            .sum();
        let mut change = 0.0;
        for (node, next) in self.next.iter_mut().enumerate() {
            let (start, end) = (self.offsets[node] as usize, self.offsets[node + 1] as usize);
            let followed: f64 = self.sources[start..end]
                .iter()
                .zip(&self.transition[start..end])
                .map(|(from, share)| self.scores[*from as usize] * share)
                .sum();
            *next = alpha * (followed + dangling_sum * uniform) + (1.0 - alpha) * uniform;
            change += (*next - self.scores[node]).abs();
        }
        std::mem::swap(&mut self.scores, &mut self.next);
        self.iterations += 1;
        self.last_change = change;
        if change < n_nodes as f64 * self.params.tolerance {
            self.converged = true;
            return ControlFlow::Break(());
        }
        if self.iterations >= self.params.max_iterations {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    /// How far along: iterations done over the most allowed (a pessimistic estimate).
    pub fn fraction_done(&self) -> f32 {
        if self.converged {
            1.0
        } else {
            self.iterations as f32 / self.params.max_iterations.max(1) as f32
        }
    }

    /// Runs to the end.
    pub fn run(mut self) -> PageRankScores {
        while self.step().is_continue() {}
        self.finish()
    }

    /// The scores as they stand.
    pub fn finish(self) -> PageRankScores {
        PageRankScores {
            scores: self.scores,
            iterations: self.iterations,
            converged: self.converged,
            last_change: self.last_change,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::GraphBuilder;

    fn pagerank(edges: &[(&str, &str)], undirected: bool) -> Vec<f64> {
        let mut builder = if undirected {
            GraphBuilder::undirected()
        } else {
            GraphBuilder::directed()
        };
        for (from, to) in edges {
            builder.add_edge(from, to, 1.0).unwrap();
        }
        let graph = builder.finish();
        PageRank::params()
            .tolerance(1e-13)
            .max_iterations(1000)
            .start(&graph)
            .unwrap()
            .run()
            .scores
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_ring_ranks_everyone_the_same() {
        let scores = pagerank(&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")], false);
        assert!(scores.iter().all(|s| close(*s, 0.25)), "{scores:?}");
    }

    #[test]
    fn a_star_ranks_its_centre_first() {
        // Undirected star, centre c and 4 leaves: by symmetry leaves share 1 - centre, and the
        // centre's score solves x = 0.15/5 + 0.85 (1 - x), so x = (0.03 + 0.85) / 1.85.
        let scores = pagerank(&[("c", "1"), ("c", "2"), ("c", "3"), ("c", "4")], true);
        let centre = (0.03 + 0.85) / 1.85;
        assert!(close(scores[0], centre), "{scores:?}");
        assert!(scores[1..].iter().all(|s| close(*s, (1.0 - centre) / 4.0)));
    }

    #[test]
    fn dangling_nodes_spread_their_rank_uniformly() {
        // a → b, b dangling: b's rank goes everywhere. x_a = 0.15/2 + 0.85 x_b / 2,
        // x_b = 0.15/2 + 0.85 (x_a + x_b / 2); with x_a + x_b = 1, x_a = 0.075 + 0.425 x_b.
        let scores = pagerank(&[("a", "b")], false);
        let x_b = (1.0 - 0.075) / 1.425;
        assert!(close(scores[1], x_b), "{scores:?}");
        assert!(close(scores.iter().sum::<f64>(), 1.0));
    }

    #[test]
    fn parameters_are_checked_first() {
        let graph = GraphBuilder::directed().finish();
        assert!(PageRank::params().damping(1.5).start(&graph).is_err());
        assert!(PageRank::params().tolerance(0.0).start(&graph).is_err());
        let empty = PageRank::params().start(&graph).unwrap().run();
        assert!(empty.scores.is_empty() && empty.converged);
    }

    #[test]
    fn it_stops_when_networkx_would() {
        let mut builder = GraphBuilder::directed();
        for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("a", "c")] {
            builder.add_edge(from, to, 1.0).unwrap();
        }
        let graph = builder.finish();
        let result = PageRank::params().start(&graph).unwrap().run();
        assert!(result.converged);
        assert!(result.last_change < 3.0 * 1e-6);
        let capped = PageRank::params()
            .max_iterations(2)
            .start(&graph)
            .unwrap()
            .run();
        assert_eq!((capped.iterations, capped.converged), (2, false));
    }
}
