//! A force-directed layout for drawing the graph, computed in steps.
//!
//! Fruchterman–Reingold forces: every pair of nodes repels (k²/d), every edge attracts (d²/k),
//! and a weak pull to the centre keeps separate components on screen. The all-pairs repulsion is
//! approximated by Barnes–Hut: nodes are grouped in a quadtree and a group far enough away
//! (cell size / distance < θ) acts as one body at its centre of mass, so a step costs
//! O(n log n + edges) instead of O(n²), which is what makes 10,000+ nodes interactive. Each
//! [`ForceLayout::step`] moves every node by at most the current temperature, which cools
//! linearly, so the picture settles visibly while the worker streams positions. The start is
//! random from a seed, hence deterministic.

use std::ops::ControlFlow;

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::{Graph, NetworkError};

/// How to lay out; checked before any work by [`LayoutParams::start`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayoutParams {
    seed: u64,
    iterations: usize,
    theta: f64,
    gravity: f64,
}

impl Default for LayoutParams {
    fn default() -> LayoutParams {
        LayoutParams {
            seed: 0,
            iterations: 300,
            theta: 0.8,
            gravity: 0.05,
        }
    }
}

impl LayoutParams {
    pub fn seed(mut self, seed: u64) -> LayoutParams {
        self.seed = seed;
        self
    }

    /// Steps until the layout is cold (300).
    pub fn iterations(mut self, iterations: usize) -> LayoutParams {
        self.iterations = iterations;
        self
    }

    /// Barnes–Hut opening angle: 0 is exact, larger is faster and rougher (0.8).
    pub fn theta(mut self, theta: f64) -> LayoutParams {
        self.theta = theta;
        self
    }

    /// Checks the parameters and places the nodes at random.
    pub fn start(self, graph: &Graph) -> Result<ForceLayout, NetworkError> {
        if !(self.theta.is_finite() && self.theta >= 0.0) {
            return Err(NetworkError::BadParameter {
                name: "theta",
                value: self.theta,
                expected: "a number ≥ 0",
            });
        }
        if self.iterations == 0 {
            return Err(NetworkError::BadParameter {
                name: "iterations",
                value: 0.0,
                expected: "at least 1",
            });
        }
        let n_nodes = graph.n_nodes();
        let side = (n_nodes as f64).sqrt().max(1.0);
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let positions = (0..n_nodes)
            .map(|_| [rng.random_range(-side..side), rng.random_range(-side..side)])
            .collect();
        let (offsets, targets, _) = graph.out_csr();
        Ok(ForceLayout {
            params: self,
            offsets: offsets.to_vec(),
            targets: targets.to_vec(),
            positions,
            displacement: vec![[0.0; 2]; n_nodes],
            tree: Vec::new(),
            iteration: 0,
            start_temperature: side * 0.2,
        })
    }
}

/// A layout in progress (with its own copy of the edges, so a worker can keep it between
/// messages). See the module docs.
#[derive(Debug, Clone)]
pub struct ForceLayout {
    params: LayoutParams,
    offsets: Vec<u32>,
    targets: Vec<u32>,
    positions: Vec<[f64; 2]>,
    displacement: Vec<[f64; 2]>,
    tree: Vec<Cell>,
    iteration: usize,
    start_temperature: f64,
}

/// A quadtree cell: its square, its mass and centre of mass, its children (0 = none; the root
/// is never a child) and, while it holds exactly one node, that node.
#[derive(Debug, Clone, Copy)]
struct Cell {
    centre: [f64; 2],
    half: f64,
    mass: f64,
    mass_x: f64,
    mass_y: f64,
    children: [u32; 4],
    body: Option<u32>,
}

impl Cell {
    fn new(centre: [f64; 2], half: f64) -> Cell {
        Cell {
            centre,
            half,
            mass: 0.0,
            mass_x: 0.0,
            mass_y: 0.0,
            children: [0; 4],
            body: None,
        }
    }

    fn quadrant(&self, point: [f64; 2]) -> usize {
        usize::from(point[0] >= self.centre[0]) + 2 * usize::from(point[1] >= self.centre[1])
    }

    fn child_centre(&self, quadrant: usize) -> [f64; 2] {
        let offset = self.half / 2.0;
        [
            self.centre[0] + if quadrant & 1 == 1 { offset } else { -offset },
            self.centre[1] + if quadrant & 2 == 2 { offset } else { -offset },
        ]
    }
}

/// Below this depth coincident nodes share a cell rather than splitting forever.
const MAX_DEPTH: usize = 48;
/// The ideal edge length.
const K: f64 = 1.0;

impl ForceLayout {
    /// Positions `[x, y]`, indexed by [`NodeId`](super::NodeId).
    pub fn positions(&self) -> &[[f64; 2]] {
        &self.positions
    }

    pub fn fraction_done(&self) -> f32 {
        self.iteration as f32 / self.params.iterations as f32
    }

    fn build_tree(&mut self) {
        self.tree.clear();
        let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in &self.positions {
            for axis in 0..2 {
                min[axis] = min[axis].min(p[axis]);
                max[axis] = max[axis].max(p[axis]);
            }
        }
        let half = ((max[0] - min[0]).max(max[1] - min[1]) / 2.0).max(1e-9) * 1.0001;
        let centre = [(min[0] + max[0]) / 2.0, (min[1] + max[1]) / 2.0];
        self.tree.push(Cell::new(centre, half));
        for body in 0..self.positions.len() {
            self.insert(body as u32);
        }
    }

    fn insert(&mut self, body: u32) {
        let point = self.positions[body as usize];
        let mut cell = 0usize;
        let mut depth = 0;
        loop {
            let node = &mut self.tree[cell];
            node.mass += 1.0;
            node.mass_x += point[0];
            node.mass_y += point[1];
            if node.mass == 1.0 {
                node.body = Some(body);
                return;
            }
            if depth >= MAX_DEPTH {
                node.body = None;
                return;
            }
            // A leaf holding one body pushes it down before splitting.
            if let Some(resident) = node.body.take() {
                let resident_point = self.positions[resident as usize];
                let quadrant = node.quadrant(resident_point);
                let child = self.child(cell, quadrant);
                let child_cell = &mut self.tree[child];
                child_cell.mass = 1.0;
                child_cell.mass_x = resident_point[0];
                child_cell.mass_y = resident_point[1];
                child_cell.body = Some(resident);
            }
            let quadrant = self.tree[cell].quadrant(point);
            cell = self.child(cell, quadrant);
            depth += 1;
        }
    }

    fn child(&mut self, cell: usize, quadrant: usize) -> usize {
        let existing = self.tree[cell].children[quadrant];
        if existing != 0 {
            return existing as usize;
        }
        let parent = self.tree[cell];
        let idx = self.tree.len();
        self.tree
            .push(Cell::new(parent.child_centre(quadrant), parent.half / 2.0));
        self.tree[cell].children[quadrant] = idx as u32;
        idx
    }

    /// Moves every node once. Breaks when the layout is cold.
    pub fn step(&mut self) -> ControlFlow<()> {
        if self.iteration >= self.params.iterations || self.positions.is_empty() {
            return ControlFlow::Break(());
        }
        self.build_tree();
        let theta2 = self.params.theta * self.params.theta;
        let mut stack: Vec<u32> = Vec::new();
        // Repulsion, Barnes–Hut.
        for (body, point) in self.positions.iter().enumerate() {
            let mut force = [0.0, 0.0];
            stack.clear();
            stack.push(0);
            while let Some(cell) = stack.pop() {
                let cell = &self.tree[cell as usize];
                if cell.mass == 0.0 || cell.body == Some(body as u32) {
                    continue;
                }
                let centre = [cell.mass_x / cell.mass, cell.mass_y / cell.mass];
                let dx = point[0] - centre[0];
                let dy = point[1] - centre[1];
                let d2 = dx * dx + dy * dy;
                let size = 2.0 * cell.half;
                let is_leaf = cell.children == [0; 4];
                if is_leaf || size * size < theta2 * d2 {
                    // A leaf may hold this body among coincident ones: its own share is excluded.
                    let mut mass = cell.mass;
                    if is_leaf && cell.body.is_none() && d2 < 1e-18 {
                        mass -= 1.0;
                    }
                    let d2 = d2.max(1e-4);
                    let push = K * K * mass / d2;
                    force[0] += dx * push;
                    force[1] += dy * push;
                } else {
                    stack.extend(cell.children.iter().filter(|child| **child != 0));
                }
            }
            self.displacement[body] = force;
        }
        // Attraction along edges, and gravity.
        for from in 0..self.positions.len() {
            let range = self.offsets[from] as usize..self.offsets[from + 1] as usize;
            for to in &self.targets[range] {
                let to = *to as usize;
                if to == from {
                    continue;
                }
                let dx = self.positions[from][0] - self.positions[to][0];
                let dy = self.positions[from][1] - self.positions[to][1];
                let d = (dx * dx + dy * dy).sqrt();
                let pull = d / K;
                self.displacement[from][0] -= dx * pull;
                self.displacement[from][1] -= dy * pull;
                self.displacement[to][0] += dx * pull;
                self.displacement[to][1] += dy * pull;
            }
            let [x, y] = self.positions[from];
            let d = (x * x + y * y).sqrt();
            self.displacement[from][0] -= self.params.gravity * x * d.max(1.0).sqrt();
            self.displacement[from][1] -= self.params.gravity * y * d.max(1.0).sqrt();
        }
        let cooled = 1.0 - self.iteration as f64 / self.params.iterations as f64;
        let temperature = (self.start_temperature * cooled).max(1e-3);
        for (point, [dx, dy]) in self.positions.iter_mut().zip(&self.displacement) {
            let length = (dx * dx + dy * dy).sqrt();
            if length > 0.0 && length.is_finite() {
                let moved = length.min(temperature);
                point[0] += dx / length * moved;
                point[1] += dy / length * moved;
            }
        }
        self.iteration += 1;
        if self.iteration >= self.params.iterations {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Runs to the end and returns the positions.
    pub fn run(mut self) -> Vec<[f64; 2]> {
        while self.step().is_continue() {}
        self.positions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::GraphBuilder;

    fn two_cliques(size: usize) -> Graph {
        let mut builder = GraphBuilder::undirected();
        for group in ["a", "b"] {
            for i in 0..size {
                for j in i + 1..size {
                    builder
                        .add_edge(&format!("{group}{i}"), &format!("{group}{j}"), 1.0)
                        .unwrap();
                }
            }
        }
        builder.add_edge("a0", "b0", 1.0).unwrap();
        builder.finish()
    }

    fn mean_distances(graph: &Graph, positions: &[[f64; 2]]) -> (f64, f64) {
        let (mut same, mut n_same, mut other, mut n_other) = (0.0, 0, 0.0, 0);
        for i in 0..graph.n_nodes() {
            for j in i + 1..graph.n_nodes() {
                let d = ((positions[i][0] - positions[j][0]).powi(2)
                    + (positions[i][1] - positions[j][1]).powi(2))
                .sqrt();
                if graph.names()[i][..1] == graph.names()[j][..1] {
                    same += d;
                    n_same += 1;
                } else {
                    other += d;
                    n_other += 1;
                }
            }
        }
        (same / n_same as f64, other / n_other as f64)
    }

    #[test]
    fn connected_nodes_end_nearer_than_unconnected_ones() {
        let graph = two_cliques(8);
        let positions = LayoutParams::default().seed(3).start(&graph).unwrap().run();
        assert!(positions.iter().flatten().all(|v| v.is_finite()));
        let (same, other) = mean_distances(&graph, &positions);
        assert!(same * 2.0 < other, "within {same}, across {other}");
        // Deterministic for a seed.
        let again = LayoutParams::default().seed(3).start(&graph).unwrap().run();
        assert_eq!(positions, again);
    }

    #[test]
    fn barnes_hut_with_theta_zero_is_the_exact_layout_and_large_theta_agrees() {
        let graph = two_cliques(6);
        let exact = LayoutParams::default()
            .theta(0.0)
            .start(&graph)
            .unwrap()
            .run();
        let (same, other) = mean_distances(&graph, &exact);
        assert!(same * 2.0 < other, "within {same}, across {other}");
        let rough = LayoutParams::default()
            .theta(1.2)
            .start(&graph)
            .unwrap()
            .run();
        let (same, other) = mean_distances(&graph, &rough);
        assert!(same * 2.0 < other, "within {same}, across {other}");
    }

    #[test]
    fn steps_are_streamed_and_parameters_checked() {
        let graph = two_cliques(3);
        let mut layout = LayoutParams::default().iterations(5).start(&graph).unwrap();
        let mut n_steps = 0;
        while layout.step().is_continue() {
            n_steps += 1;
        }
        assert_eq!(n_steps, 4);
        assert_eq!(layout.fraction_done(), 1.0);
        assert!(LayoutParams::default().theta(-1.0).start(&graph).is_err());
        assert!(LayoutParams::default().iterations(0).start(&graph).is_err());
    }
}
