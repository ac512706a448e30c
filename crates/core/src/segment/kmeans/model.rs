//! A fitted k-means model: centres, every customer's segment, and how good the fit is.

use ndarray::{Array2, ArrayView2, Axis};

use super::squared_distance;

/// The result of a fit, in the space that was clustered.
#[derive(Debug, Clone, PartialEq)]
pub struct KMeansModel {
    /// `n_segments × n_features`.
    pub centroids: Array2<f64>,
    /// Each customer's segment, `0..n_segments`.
    pub labels: Vec<usize>,
    /// Sum of squared distances of customers to their segment's centre.
    pub inertia: f64,
    /// Lloyd iterations of the winning run.
    pub n_iterations: usize,
    /// Whether the winning run reached a fixed point (rather than `max_iterations`).
    pub converged: bool,
}

impl KMeansModel {
    pub fn n_segments(&self) -> usize {
        self.centroids.nrows()
    }

    /// The nearest centre of each row of `data` (which must have the model's features).
    pub fn predict(&self, data: ArrayView2<'_, f64>) -> Vec<usize> {
        data.axis_iter(Axis(0))
            .map(|row| {
                let row = row.to_vec();
                self.nearest(&row).0
            })
            .collect()
    }

    /// The nearest centre of `point` and its squared distance.
    pub fn nearest(&self, point: &[f64]) -> (usize, f64) {
        let mut best = (0, f64::INFINITY);
        for (idx, centre) in self.centroids.axis_iter(Axis(0)).enumerate() {
            let dist = centre
                .as_slice()
                .map(|centre| squared_distance(point, centre))
                .unwrap_or_else(|| squared_distance(point, &centre.to_vec()));
            if dist < best.1 {
                best = (idx, dist);
            }
        }
        best
    }

    /// Customers per segment.
    pub fn sizes(&self) -> Vec<usize> {
        let mut sizes = vec![0; self.n_segments()];
        for &label in &self.labels {
            sizes[label] += 1;
        }
        sizes
    }

    /// Hartigan's single-customer moves from a Lloyd fixed point: a customer moves from segment
    /// A to B when that lowers the inertia, `n_B/(n_B+1)·d(x,c_B)² < n_A/(n_A-1)·d(x,c_A)²`,
    /// centres updated at once. Lloyd cannot see these moves (it compares plain distances), so this
    /// escapes some of its shallow local minima; the result is still a Lloyd fixed point.
    /// `data` is row-major with the model's features. Returns the number of moves.
    pub(crate) fn polish(&mut self, data: &[f64], max_passes: usize) -> usize {
        let (k, d) = self.centroids.dim();
        if k < 2 || d == 0 {
            return 0;
        }
        let mut centroids: Vec<f64> = self.centroids.iter().copied().collect();
        let mut counts = self.sizes();
        let mut n_moves = 0;
        for _ in 0..max_passes {
            let mut moved_this_pass = 0;
            for (idx, point) in data.chunks_exact(d).enumerate() {
                let from = self.labels[idx];
                let n_from = counts[from];
                if n_from < 2 {
                    continue;
                }
                let removal = n_from as f64 / (n_from - 1) as f64
                    * squared_distance(point, &centroids[from * d..(from + 1) * d]);
                let mut best: Option<(usize, f64)> = None;
                for to in (0..k).filter(|&to| to != from) {
                    let n_to = counts[to] as f64;
                    let addition = n_to / (n_to + 1.0)
                        * squared_distance(point, &centroids[to * d..(to + 1) * d]);
                    if addition < best.map_or(removal, |(_, cost)| cost) {
                        best = Some((to, addition));
                    }
                }
                let Some((to, _)) = best else { continue };
                let (n_from, n_to) = (n_from as f64, counts[to] as f64);
                for (f, &x) in point.iter().enumerate() {
                    let a = &mut centroids[from * d + f];
                    *a = (*a * n_from - x) / (n_from - 1.0);
                    let b = &mut centroids[to * d + f];
                    *b = (*b * n_to + x) / (n_to + 1.0);
                }
                counts[from] -= 1;
                counts[to] += 1;
                self.labels[idx] = to;
                moved_this_pass += 1;
            }
            n_moves += moved_this_pass;
            if moved_this_pass == 0 {
                break;
            }
        }
        if n_moves > 0 {
            let mut sums = vec![0.0; k * d];
            for (point, &label) in data.chunks_exact(d).zip(&self.labels) {
                for (s, x) in sums[label * d..(label + 1) * d].iter_mut().zip(point) {
                    *s += x;
                }
            }
            for segment in 0..k {
                if counts[segment] > 0 {
                    for f in 0..d {
                        self.centroids[[segment, f]] =
                            sums[segment * d + f] / counts[segment] as f64;
                    }
                }
            }
            self.inertia = data
                .chunks_exact(d)
                .zip(&self.labels)
                .map(|(point, &label)| {
                    let centre = self.centroids.row(label);
                    let centre = centre.as_slice().expect("centroids are stored row by row");
                    squared_distance(point, centre)
                })
                .sum();
        }
        n_moves
    }

    /// Renumbers segments by size, the largest 0 (ties: the one whose first customer comes first).
    pub(crate) fn numbered_by_size(mut self) -> KMeansModel {
        let k = self.n_segments();
        let sizes = self.sizes();
        let mut first_row = vec![usize::MAX; k];
        for (row, &label) in self.labels.iter().enumerate().rev() {
            first_row[label] = row;
        }
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by_key(|&segment| (std::cmp::Reverse(sizes[segment]), first_row[segment]));
        let mut new_id = vec![0; k];
        for (new, &old) in order.iter().enumerate() {
            new_id[old] = new;
        }
        let mut centroids = Array2::zeros(self.centroids.raw_dim());
        for (old, row) in self.centroids.axis_iter(Axis(0)).enumerate() {
            centroids.row_mut(new_id[old]).assign(&row);
        }
        for label in &mut self.labels {
            *label = new_id[*label];
        }
        self.centroids = centroids;
        self
    }
}
