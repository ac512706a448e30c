//! k-means: customers grouped around `k` centres so that each is nearest its own centre.
//!
//! Why written here rather than taken from `linfa-clustering`: the worker needs a fit it can
//! step, report progress on and cancel, deterministic for a seed on every platform (the browser
//! runs it single-threaded), with an inertia that never loses to scikit-learn's on the same data.
//! The pieces are the standard ones:
//!
//! - **Seeding**: k-means++ (each new centre drawn with probability proportional to the squared
//!   distance to the nearest centre so far); `seeding_trials` > 1 gives scikit-learn's greedy
//!   variant (the best of several candidates per centre), which costs a pass over the data per
//!   centre and, after the steps below, did not lower the inertia on our reference data sets.
//!   Seeding measures every customer against every centre anyway, so it hands the first
//!   assignment and its bounds to the iterations.
//! - **Iterations**: Lloyd's, accelerated by Hamerly's bounds (2010): one upper bound to the
//!   assigned centre and one lower bound to every other centre per customer, so that once the
//!   centres settle most customers are confirmed without computing any distance. It gives
//!   Lloyd's assignments.
//! - **Restarts**: `n_init` runs from different seeds, each until its centres settle (they move
//!   less, in total squared distance, than `tolerance` times the mean feature variance, as
//!   scikit-learn's `tol`); the lowest inertia (sum of squared distances to the assigned centre)
//!   wins, ties to the earlier run. Natively the runs are shared among the cores.
//! - **Finish**: the winner alone goes on until no customer changes segment (a fixed point of
//!   Lloyd's algorithm, or `max_iterations`), then Hartigan's single-customer moves lower the
//!   inertia where Lloyd's cannot. A segment left empty gets the customer farthest from their
//!   centre, as scikit-learn does.
//!
//! Segments are numbered by size, the largest 0, so the numbering does not depend on which
//! restart won. A [`KMeansRun`] is one restart, stepped one iteration at a time.

mod model;
mod params;
mod run;

pub use model::KMeansModel;
pub use params::{KMeans, KMeansParams};
pub use run::KMeansRun;

/// Squared Euclidean distance, summed in four independent lanes so that the compiler can keep
/// several multiply-adds in flight (a single running sum waits on every addition).
#[inline]
pub(crate) fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0.0f64; 4];
    let mut a_chunks = a.chunks_exact(4);
    let mut b_chunks = b.chunks_exact(4);
    for (x, y) in (&mut a_chunks).zip(&mut b_chunks) {
        for lane in 0..4 {
            let diff = x[lane] - y[lane];
            lanes[lane] += diff * diff;
        }
    }
    let mut tail = 0.0;
    for (x, y) in a_chunks.remainder().iter().zip(b_chunks.remainder()) {
        let diff = x - y;
        tail += diff * diff;
    }
    (lanes[0] + lanes[2]) + (lanes[1] + lanes[3]) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_lane_sum_is_the_squared_distance() {
        for d in 0..12 {
            let a: Vec<f64> = (0..d).map(|f| f as f64 * 1.5).collect();
            let b: Vec<f64> = (0..d).map(|f| 3.0 - f as f64).collect();
            let expect: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
            assert!((squared_distance(&a, &b) - expect).abs() < 1e-9, "d = {d}");
        }
    }
}
