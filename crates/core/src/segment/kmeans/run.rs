//! One k-means run: k-means++ seeding, then Lloyd iterations with Hamerly's bounds, one per step.

use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::model::KMeansModel;
use super::params::KMeansParams;
use super::squared_distance;
use crate::segment::SegmentError;

/// One restart of k-means, advanced an iteration at a time with [`step`](Self::step).
pub struct KMeansRun<'a> {
    /// Row-major `n × d`.
    data: &'a [f64],
    n_features: usize,
    n_segments: usize,
    max_iterations: usize,
    /// Row-major `k × d`.
    centroids: Vec<f64>,
    /// The same, feature-major (`d × k`), so that a row's distances to every centre are summed
    /// side by side (vectorised across centres) rather than one centre after another.
    centroids_by_feature: Vec<f64>,
    labels: Vec<u32>,
    /// Distance (not squared) to the assigned centre, an upper bound.
    upper: Vec<f64>,
    /// A lower bound on the distance to every other centre.
    lower: Vec<f64>,
    /// Per-segment sums of the assigned rows, kept up to date as rows move.
    sums: Vec<f64>,
    counts: Vec<usize>,
    n_iterations: usize,
    converged: bool,
    /// The total squared centre shift under which the run counts as settled (0: only a fixed
    /// point ends it).
    settle_below: f64,
    settled: bool,
}

impl<'a> KMeansRun<'a> {
    /// Seeds the centres with k-means++ from `seed` and assigns every row.
    pub fn start(
        params: &KMeansParams,
        data: ArrayView2<'a, f64>,
        seed: u64,
    ) -> Result<KMeansRun<'a>, SegmentError> {
        params.check(&data)?;
        let n_features = data.ncols();
        let data = data.to_slice().ok_or(SegmentError::BadParameter {
            parameter: "data",
            value: "a strided view".to_owned(),
            reason: "k-means needs rows stored one after another (standard layout)",
        })?;
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let seeding = kmeans_plus_plus(
            data,
            n_features,
            params.n_segments,
            params.seeding_trials,
            &mut rng,
        );
        let centroids = seeding.centroids;
        let mut run = KMeansRun {
            data,
            n_features,
            n_segments: params.n_segments,
            max_iterations: params.max_iterations,
            centroids_by_feature: transpose(&centroids, params.n_segments, n_features),
            centroids,
            labels: seeding.labels,
            // Seeding measured every row against every centre: the bounds are exact.
            upper: seeding.nearest.into_iter().map(f64::sqrt).collect(),
            lower: seeding.second.into_iter().map(f64::sqrt).collect(),
            sums: vec![0.0; params.n_segments * n_features],
            counts: vec![0; params.n_segments],
            n_iterations: 0,
            converged: false,
            settle_below: params.tolerance * mean_variance(data, n_features),
            settled: false,
        };
        run.sum_segments();
        Ok(run)
    }

    /// Recomputes each segment's sum and count from the labels.
    fn sum_segments(&mut self) {
        self.sums.iter_mut().for_each(|sum| *sum = 0.0);
        self.counts.iter_mut().for_each(|count| *count = 0);
        let d = self.n_features;
        for (point, &label) in self.data.chunks_exact(d).zip(&self.labels) {
            let label = label as usize;
            self.counts[label] += 1;
            for (s, x) in self.sums[label * d..(label + 1) * d].iter_mut().zip(point) {
                *s += x;
            }
        }
    }

    fn row(&self, idx: usize) -> &'a [f64] {
        let data: &'a [f64] = self.data;
        &data[idx * self.n_features..(idx + 1) * self.n_features]
    }

    fn centroid(&self, segment: usize) -> &[f64] {
        &self.centroids[segment * self.n_features..(segment + 1) * self.n_features]
    }

    /// The nearest and second-nearest centre of `point`: (segment, distance, second distance).
    fn nearest_two(&self, point: &[f64]) -> (usize, f64, f64) {
        macro_rules! fixed {
            ($($k:literal)*) => {
                match self.n_segments {
                    $($k => nearest_two_fixed::<$k>(point, &self.centroids_by_feature),)*
                    _ => self.nearest_two_any(point),
                }
            };
        }
        let (best, best_sq, second_sq) = fixed!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
        (best, best_sq.sqrt(), second_sq.sqrt())
    }

    /// [`nearest_two`](Self::nearest_two) for any number of centres, in squared distances.
    fn nearest_two_any(&self, point: &[f64]) -> (usize, f64, f64) {
        let (mut best, mut best_sq, mut second_sq) = (0, f64::INFINITY, f64::INFINITY);
        for segment in 0..self.n_segments {
            let dist = squared_distance(point, self.centroid(segment));
            if dist < best_sq {
                second_sq = best_sq;
                best_sq = dist;
                best = segment;
            } else if dist < second_sq {
                second_sq = dist;
            }
        }
        (best, best_sq, second_sq)
    }

    /// Assigns every row from scratch and recomputes the sums.
    fn assign_all(&mut self) {
        self.sums.iter_mut().for_each(|sum| *sum = 0.0);
        self.counts.iter_mut().for_each(|count| *count = 0);
        for idx in 0..self.labels.len() {
            let point = self.row(idx);
            let (best, upper, lower) = self.nearest_two(point);
            self.labels[idx] = best as u32;
            self.upper[idx] = upper;
            self.lower[idx] = lower;
            self.counts[best] += 1;
            let sum = &mut self.sums[best * self.n_features..(best + 1) * self.n_features];
            for (s, x) in sum.iter_mut().zip(point) {
                *s += x;
            }
        }
    }

    /// One Lloyd iteration: move every centre to the mean of its rows, then reassign rows.
    /// Returns `true` once the run has finished (no row changed segment, or the iteration cap).
    pub fn step(&mut self) -> bool {
        if self.is_finished() {
            return true;
        }
        self.n_iterations += 1;
        let (k, d) = (self.n_segments, self.n_features);
        // Move the centres and see how far each moved.
        let mut moved = vec![0.0; k];
        let mut any_empty = false;
        for (segment, shift_out) in moved.iter_mut().enumerate() {
            if self.counts[segment] == 0 {
                any_empty = true;
                continue;
            }
            let count = self.counts[segment] as f64;
            let mut shift = 0.0;
            for f in 0..d {
                let new = self.sums[segment * d + f] / count;
                let diff = new - self.centroids[segment * d + f];
                shift += diff * diff;
                self.centroids[segment * d + f] = new;
            }
            *shift_out = shift.sqrt();
        }
        if any_empty {
            self.relocate_empty_segments();
            self.centroids_by_feature = transpose(&self.centroids, k, d);
            let before = self.labels.clone();
            self.assign_all();
            self.converged = before == self.labels;
            return self.is_finished();
        }
        self.centroids_by_feature = transpose(&self.centroids, k, d);
        // Hamerly: the largest and second-largest moves loosen the lower bounds.
        let (mut far, mut far_move, mut second_move) = (0, 0.0, 0.0);
        for (segment, &shift) in moved.iter().enumerate() {
            if shift > far_move {
                second_move = far_move;
                far_move = shift;
                far = segment;
            } else if shift > second_move {
                second_move = shift;
            }
        }
        // Half the distance from each centre to its nearest other centre.
        let mut half_gap = vec![f64::INFINITY; k];
        for a in 0..k {
            for b in (a + 1)..k {
                let gap = 0.5 * squared_distance(self.centroid(a), self.centroid(b)).sqrt();
                half_gap[a] = half_gap[a].min(gap);
                half_gap[b] = half_gap[b].min(gap);
            }
        }
        let mut n_changed = 0usize;
        for idx in 0..self.labels.len() {
            let label = self.labels[idx] as usize;
            self.upper[idx] += moved[label];
            self.lower[idx] -= if label == far { second_move } else { far_move };
            let bound = half_gap[label].max(self.lower[idx]);
            if self.upper[idx] <= bound {
                continue;
            }
            let point = self.row(idx);
            self.upper[idx] = squared_distance(point, self.centroid(label)).sqrt();
            if self.upper[idx] <= bound {
                continue;
            }
            let (best, upper, lower) = self.nearest_two(point);
            self.upper[idx] = upper;
            self.lower[idx] = lower;
            if best != label {
                n_changed += 1;
                self.labels[idx] = best as u32;
                self.counts[label] -= 1;
                self.counts[best] += 1;
                for (f, x) in point.iter().enumerate() {
                    self.sums[label * d + f] -= x;
                    self.sums[best * d + f] += x;
                }
            }
        }
        self.converged = n_changed == 0;
        let total_shift: f64 = moved.iter().map(|shift| shift * shift).sum();
        self.settled = total_shift <= self.settle_below;
        self.is_finished()
    }

    /// Puts each empty segment's centre on the row farthest from its own centre (as scikit-learn
    /// does), so that no segment stays empty.
    fn relocate_empty_segments(&mut self) {
        let d = self.n_features;
        let mut taken = vec![false; self.labels.len()];
        for segment in 0..self.n_segments {
            if self.counts[segment] != 0 {
                continue;
            }
            let mut far = None;
            let mut far_dist = -1.0;
            for (idx, (&label, &is_taken)) in self.labels.iter().zip(&taken).enumerate() {
                let label = label as usize;
                if is_taken || self.counts[label] < 2 {
                    continue;
                }
                let dist = squared_distance(self.row(idx), self.centroid(label));
                if dist > far_dist {
                    far_dist = dist;
                    far = Some(idx);
                }
            }
            let Some(idx) = far else { continue };
            taken[idx] = true;
            let point = self.row(idx);
            self.centroids[segment * d..(segment + 1) * d].copy_from_slice(point);
        }
    }

    pub fn n_iterations(&self) -> usize {
        self.n_iterations
    }

    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Whether stepping is over: a fixed point, the centres settled (moving less in total than
    /// the tolerance), or the iteration cap.
    pub fn is_finished(&self) -> bool {
        self.converged || self.settled || self.n_iterations >= self.max_iterations
    }

    /// Goes on to a fixed point, whatever the tolerance: the winning run is finished this way.
    pub fn until_fixed_point(&mut self) {
        self.settle_below = 0.0;
        self.settled = false;
    }

    /// Each row's current segment.
    pub fn labels(&self) -> Vec<usize> {
        self.labels.iter().map(|&label| label as usize).collect()
    }

    /// The sum of squared distances of rows to their current centres, computed exactly.
    pub fn inertia(&self) -> f64 {
        (0..self.labels.len())
            .map(|idx| squared_distance(self.row(idx), self.centroid(self.labels[idx] as usize)))
            .sum()
    }

    /// The fitted model: centres recomputed exactly as the means of their rows.
    pub fn into_model(mut self) -> KMeansModel {
        let d = self.n_features;
        let mut sums = vec![0.0; self.n_segments * d];
        let mut counts = vec![0usize; self.n_segments];
        for idx in 0..self.labels.len() {
            let label = self.labels[idx] as usize;
            counts[label] += 1;
            for (s, x) in sums[label * d..(label + 1) * d]
                .iter_mut()
                .zip(self.row(idx))
            {
                *s += x;
            }
        }
        for segment in 0..self.n_segments {
            if counts[segment] > 0 {
                for f in 0..d {
                    self.centroids[segment * d + f] =
                        sums[segment * d + f] / counts[segment] as f64;
                }
            }
        }
        let inertia = self.inertia();
        KMeansModel {
            centroids: Array2::from_shape_vec((self.n_segments, d), self.centroids.clone())
                .expect("k × d centroids"),
            labels: self.labels(),
            inertia,
            n_iterations: self.n_iterations,
            converged: self.converged,
        }
    }
}

/// The mean over features of their (population) variance: scikit-learn scales its tolerance by it.
fn mean_variance(data: &[f64], d: usize) -> f64 {
    let n = (data.len() / d.max(1)).max(1) as f64;
    let mut sums = vec![0.0; d];
    let mut squares = vec![0.0; d];
    for row in data.chunks_exact(d) {
        for f in 0..d {
            sums[f] += row[f];
            squares[f] += row[f] * row[f];
        }
    }
    (0..d)
        .map(|f| (squares[f] / n - (sums[f] / n).powi(2)).max(0.0))
        .sum::<f64>()
        / d.max(1) as f64
}

/// `rows` (row-major, `n × d`) as feature-major `d × n`.
fn transpose(rows: &[f64], n: usize, d: usize) -> Vec<f64> {
    let mut out = vec![0.0; n * d];
    for (idx, row) in rows.chunks_exact(d).enumerate().take(n) {
        for (f, &x) in row.iter().enumerate() {
            out[f * n + idx] = x;
        }
    }
    out
}

/// The nearest and second-nearest of `K` centres stored feature-major, in squared distances.
/// `K` known at compile time lets the sums for all centres run in vector registers.
#[inline]
fn nearest_two_fixed<const K: usize>(
    point: &[f64],
    centres_by_feature: &[f64],
) -> (usize, f64, f64) {
    let mut sums = [0.0f64; K];
    for (&x, centres) in point.iter().zip(centres_by_feature.chunks_exact(K)) {
        let Ok(centres) = <&[f64; K]>::try_from(centres) else {
            continue;
        };
        for j in 0..K {
            let diff = x - centres[j];
            sums[j] += diff * diff;
        }
    }
    let (mut best, mut best_sq, mut second_sq) = (0, f64::INFINITY, f64::INFINITY);
    for (segment, &dist) in sums.iter().enumerate() {
        if dist < best_sq {
            second_sq = best_sq;
            best_sq = dist;
            best = segment;
        } else if dist < second_sq {
            second_sq = dist;
        }
    }
    (best, best_sq, second_sq)
}

/// Seeding's centres, and what it learnt on the way: each row's nearest centre and its squared
/// distance to the nearest and the second-nearest, so that the first assignment costs nothing.
struct Seeding {
    centroids: Vec<f64>,
    labels: Vec<u32>,
    nearest: Vec<f64>,
    second: Vec<f64>,
}

/// k-means++ seeding (Arthur & Vassilvitskii 2007): each new centre is a row drawn with
/// probability proportional to its squared distance to the nearest centre so far. With
/// `n_trials` above 1 it is the greedy variant scikit-learn uses: that many rows are drawn and the
/// one that lowers the total squared distance most is kept.
fn kmeans_plus_plus(
    data: &[f64],
    d: usize,
    k: usize,
    n_trials: usize,
    rng: &mut Pcg64Mcg,
) -> Seeding {
    let n = data.len() / d;
    let row = |idx: usize| &data[idx * d..(idx + 1) * d];
    let n_trials = n_trials.max(1);
    let mut centroids = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centroids.extend_from_slice(row(first));
    let mut labels = vec![0u32; n];
    let mut closest: Vec<f64> = Vec::with_capacity(n);
    let mut second = vec![f64::INFINITY; n];
    let mut cumulative = Vec::with_capacity(n);
    let mut running = 0.0;
    for idx in 0..n {
        let dist = squared_distance(row(idx), row(first));
        running += dist;
        closest.push(dist);
        cumulative.push(running);
    }
    let mut candidates = Vec::with_capacity(n_trials);
    let mut potentials = vec![0.0; n_trials];
    for centre in 1..k {
        candidates.clear();
        for _ in 0..n_trials {
            let target = rng.random::<f64>() * running;
            // The first row whose cumulative weight reaches the target (numpy's searchsorted).
            candidates.push(cumulative.partition_point(|&c| c < target).min(n - 1));
        }
        let mut chosen = candidates[0];
        if n_trials > 1 {
            // All the trials weighed in one pass over the rows (as scikit-learn does with one
            // distance matrix): the rows are read once, not once per trial.
            potentials.iter_mut().for_each(|p| *p = 0.0);
            for (idx, &nearest) in closest.iter().enumerate() {
                let point = row(idx);
                for (potential, &candidate) in potentials.iter_mut().zip(&candidates) {
                    *potential += squared_distance(point, row(candidate)).min(nearest);
                }
            }
            // The first trial of lowest potential wins, as numpy's argmin picks it.
            let mut best = 0;
            for (trial, &potential) in potentials.iter().enumerate() {
                if potential < potentials[best] {
                    best = trial;
                }
            }
            chosen = candidates[best];
        }
        centroids.extend_from_slice(row(chosen));
        // The new nearest (and second-nearest) distances and their running sum, in one pass.
        running = 0.0;
        for idx in 0..n {
            let dist = squared_distance(row(idx), row(chosen));
            if dist < closest[idx] {
                second[idx] = closest[idx];
                closest[idx] = dist;
                labels[idx] = centre as u32;
            } else if dist < second[idx] {
                second[idx] = dist;
            }
            running += closest[idx];
            cumulative[idx] = running;
        }
    }
    Seeding {
        centroids,
        labels,
        nearest: closest,
        second,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::kmeans::KMeans;
    use ndarray::Array2;

    /// Three tight blobs far apart, 30 rows each, interleaved.
    fn blobs() -> (Array2<f64>, Vec<usize>) {
        let centres = [[0.0, 0.0], [10.0, 10.0], [-10.0, 10.0]];
        let mut values = Vec::new();
        let mut truth = Vec::new();
        for i in 0..90 {
            let blob = i % 3;
            let jitter = ((i * 7919) % 13) as f64 / 13.0 - 0.5;
            values.extend([centres[blob][0] + jitter, centres[blob][1] - jitter]);
            truth.push(blob);
        }
        (Array2::from_shape_vec((90, 2), values).unwrap(), truth)
    }

    #[test]
    fn separated_blobs_are_recovered_exactly() {
        let (data, truth) = blobs();
        let model = KMeans::params(3)
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(1))
            .unwrap();
        // Same partition as the truth, whatever the numbering.
        let mut map = [usize::MAX; 3];
        for (&label, &blob) in model.labels.iter().zip(&truth) {
            if map[blob] == usize::MAX {
                map[blob] = label;
            }
            assert_eq!(map[blob], label);
        }
        assert!(model.converged);
    }

    #[test]
    fn greedy_seeding_and_a_strict_tolerance_find_the_blobs_too() {
        let (data, _) = blobs();
        let plain = KMeans::params(3)
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(4))
            .unwrap();
        let greedy = KMeans::params(3)
            .seeding_trials(3)
            .tolerance(0.0)
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(4))
            .unwrap();
        assert!((plain.inertia - greedy.inertia).abs() < 1e-9);
        assert!(matches!(
            KMeans::params(3)
                .seeding_trials(0)
                .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(4)),
            Err(SegmentError::BadParameter {
                parameter: "seeding_trials",
                ..
            })
        ));
        assert!(matches!(
            KMeans::params(3)
                .tolerance(f64::NAN)
                .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(4)),
            Err(SegmentError::BadParameter {
                parameter: "tolerance",
                ..
            })
        ));
    }

    #[test]
    fn the_same_seed_gives_the_same_model() {
        let (data, _) = blobs();
        let fit = |seed| {
            KMeans::params(4)
                .n_init(3)
                .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(seed))
                .unwrap()
        };
        assert_eq!(fit(7), fit(7));
    }

    #[test]
    fn parallel_runs_and_stepped_runs_give_the_same_model() {
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        let values: Vec<f64> = (0..3000).map(|_| rng.random_range(-10.0..10.0)).collect();
        let data = Array2::from_shape_vec((1000, 3), values).unwrap();
        let params = KMeans::params(6).n_init(7);
        let parallel = params
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(11))
            .unwrap();
        let stepped = params
            .fit_with_progress(data.view(), &mut Pcg64Mcg::seed_from_u64(11), |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        assert_eq!(parallel, stepped);
    }

    #[test]
    fn the_vectorised_search_finds_the_same_centres() {
        let mut rng = Pcg64Mcg::seed_from_u64(2);
        for k in [2, 5, 8, 16, 17, 20] {
            let data = Array2::from_shape_vec(
                (40, 3),
                (0..120).map(|_| rng.random_range(-5.0..5.0)).collect(),
            )
            .unwrap();
            let run = KMeansRun::start(&KMeans::params(k), data.view(), 1).unwrap();
            for row in data.outer_iter() {
                let point = row.to_vec();
                let (best, d1, d2) = run.nearest_two(&point);
                let (any_best, any_d1, any_d2) = run.nearest_two_any(&point);
                assert_eq!(best, any_best, "k = {k}");
                assert!((d1 * d1 - any_d1).abs() < 1e-9 && (d2 * d2 - any_d2).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn one_segment_is_the_mean() {
        let data = ndarray::array![[1.0, 2.0], [3.0, 6.0]];
        let model = KMeans::params(1)
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(0))
            .unwrap();
        assert_eq!(model.centroids, ndarray::array![[2.0, 4.0]]);
        assert_eq!(model.inertia, 1.0 + 4.0 + 1.0 + 4.0);
    }

    #[test]
    fn duplicate_rows_leave_no_segment_empty() {
        // Four identical rows and one other: k-means++ can only pick two distinct centres.
        let data = ndarray::array![[1.0], [1.0], [1.0], [1.0], [5.0]];
        let model = KMeans::params(3)
            .fit(data.view(), &mut Pcg64Mcg::seed_from_u64(3))
            .unwrap();
        assert_eq!(model.labels.len(), 5);
        assert_eq!(model.inertia, 0.0);
    }

    #[test]
    fn parameters_are_checked_first() {
        let data = ndarray::array![[1.0], [f64::NAN]];
        let mut rng = Pcg64Mcg::seed_from_u64(0);
        assert!(matches!(
            KMeans::params(3).fit(data.view(), &mut rng),
            Err(SegmentError::TooFewRows { .. })
        ));
        assert!(matches!(
            KMeans::params(2).fit(data.view(), &mut rng),
            Err(SegmentError::NotFinite { row: 1, .. })
        ));
        assert!(matches!(
            KMeans::params(0).fit(data.view(), &mut rng),
            Err(SegmentError::TooFewSegments { .. })
        ));
        let cancelled = KMeans::params(1).fit_with_progress(
            ndarray::array![[1.0], [2.0]].view(),
            &mut rng,
            |_| std::ops::ControlFlow::Break(()),
        );
        assert_eq!(cancelled, Err(SegmentError::Cancelled));
    }
}
