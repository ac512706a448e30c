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
