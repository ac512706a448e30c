//! How good a segmentation is, and how many segments to ask for.
//!
//! - The **silhouette** of a customer is `(b - a) / max(a, b)`, `a` their mean distance to the
//!   others in their segment and `b` the mean distance to the nearest other segment; the mean over
//!   customers is near 1 for tight, separate segments and near 0 for arbitrary ones. It is exact
//!   (all pairs, O(n²)) up to [`EXACT_SILHOUETTE_MAX_ROWS`] customers and computed on a seeded
//!   random sample of that many above, as scikit-learn's `silhouette_score(sample_size=…)` does.
//! - The **elbow** curve is the inertia for each k; it always falls, so it is shown, not used.
//! - [`choose_n_segments`] fits every k of a range and keeps the best mean silhouette.
//! - The **adjusted Rand index** compares two segmentations (1 identical, about 0 random), used
//!   to check that planted segments are found again.

use std::collections::HashMap;
use std::ops::{ControlFlow, RangeInclusive};

use ndarray::ArrayView2;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::kmeans::{squared_distance, KMeansModel, KMeansParams};
use super::SegmentError;

/// Up to this many customers the silhouette is exact; above, it is computed on a sample this big.
pub const EXACT_SILHOUETTE_MAX_ROWS: usize = 10_000;

/// The mean silhouette of `labels` on `data` (customers × features), over all customers. `None`
/// when it is undefined: fewer than two segments, or every customer in a segment of their own.
pub fn silhouette(data: ArrayView2<'_, f64>, labels: &[usize]) -> Option<f64> {
    let rows: Vec<usize> = (0..data.nrows().min(labels.len())).collect();
    silhouette_of_rows(&data, labels, &rows)
}

/// The mean silhouette, exact up to [`EXACT_SILHOUETTE_MAX_ROWS`] customers, above that on a
/// random sample of that many drawn from `rng`.
pub fn silhouette_sampled(
    data: ArrayView2<'_, f64>,
    labels: &[usize],
    rng: &mut impl Rng,
) -> Option<f64> {
    let n = data.nrows().min(labels.len());
    if n <= EXACT_SILHOUETTE_MAX_ROWS {
        return silhouette(data, labels);
    }
    // A partial Fisher–Yates shuffle: the first `EXACT_SILHOUETTE_MAX_ROWS` of a permutation.
    let mut rows: Vec<usize> = (0..n).collect();
    for idx in 0..EXACT_SILHOUETTE_MAX_ROWS {
        let other = rng.random_range(idx..n);
        rows.swap(idx, other);
    }
    rows.truncate(EXACT_SILHOUETTE_MAX_ROWS);
    silhouette_of_rows(&data, labels, &rows)
}

fn silhouette_of_rows(data: &ArrayView2<'_, f64>, labels: &[usize], rows: &[usize]) -> Option<f64> {
    let n = rows.len();
    let k = rows.iter().map(|&row| labels[row] + 1).max()?;
    let mut sizes = vec![0usize; k];
    for &row in rows {
        sizes[labels[row]] += 1;
    }
    if sizes.iter().filter(|&&size| size > 0).count() < 2 {
        return None;
    }
    let points: Vec<Vec<f64>> = rows.iter().map(|&row| data.row(row).to_vec()).collect();
    // Sum of distances from each sampled customer to each segment.
    let mut sums = vec![0.0; n * k];
    for i in 0..n {
        let label_i = labels[rows[i]];
        for j in (i + 1)..n {
            let dist = squared_distance(&points[i], &points[j]).sqrt();
            sums[i * k + labels[rows[j]]] += dist;
            sums[j * k + label_i] += dist;
        }
    }
    let mut total = 0.0;
    for i in 0..n {
        let label = labels[rows[i]];
        if sizes[label] < 2 {
            continue; // scikit-learn: a customer alone in a segment scores 0.
        }
        let a = sums[i * k + label] / (sizes[label] - 1) as f64;
        let b = (0..k)
            .filter(|&other| other != label && sizes[other] > 0)
            .map(|other| sums[i * k + other] / sizes[other] as f64)
            .fold(f64::INFINITY, f64::min);
        let s = (b - a) / a.max(b);
        if s.is_finite() {
            total += s;
        }
    }
    Some(total / n as f64)
}

/// One k of a [`choose_n_segments`] scan.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentCountCandidate {
    pub n_segments: usize,
    /// The elbow curve's value.
    pub inertia: f64,
    pub silhouette: Option<f64>,
}

/// The scan of a range of k and the model of the best.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentCountChoice {
    pub candidates: Vec<SegmentCountCandidate>,
    pub best: KMeansModel,
    pub best_silhouette: Option<f64>,
}

/// Fits `params` for every k in `n_segments` (at least 2) and keeps the k of the highest mean
/// silhouette (ties: the smaller k). Each k is fitted from its own seed drawn from `rng`, and the
/// silhouette sample from another, so the result depends only on the data and `rng`'s seed.
pub fn choose_n_segments(
    data: ArrayView2<'_, f64>,
    n_segments: RangeInclusive<usize>,
    params: &KMeansParams,
    rng: &mut impl Rng,
    mut progress: impl FnMut(f32) -> ControlFlow<()>,
) -> Result<SegmentCountChoice, SegmentError> {
    let (low, high) = (*n_segments.start(), *n_segments.end());
    if low < 2 {
        return Err(SegmentError::TooFewSegments {
            n_segments: low,
            min: 2,
        });
    }
    if high < low {
        return Err(SegmentError::BadParameter {
            parameter: "n_segments",
            value: format!("{low}..{high}"),
            reason: "the range is empty",
        });
    }
    let n_ks = (high - low + 1) as f32;
    let mut candidates = Vec::new();
    let mut best: Option<(KMeansModel, Option<f64>)> = None;
    for (idx, k) in n_segments.enumerate() {
        let mut fit_rng = Pcg64Mcg::seed_from_u64(rng.next_u64());
        let mut sample_rng = Pcg64Mcg::seed_from_u64(rng.next_u64());
        let model =
            params
                .clone_with_segments(k)
                .fit_with_progress(data, &mut fit_rng, |fraction| {
                    progress((idx as f32 + fraction * 0.9) / n_ks)
                })?;
        let score = silhouette_sampled(data, &model.labels, &mut sample_rng);
        candidates.push(SegmentCountCandidate {
            n_segments: k,
            inertia: model.inertia,
            silhouette: score,
        });
        let better = match &best {
            None => true,
            Some((_, best_score)) => {
                score.unwrap_or(f64::NEG_INFINITY) > best_score.unwrap_or(f64::NEG_INFINITY)
            }
        };
        if better {
            best = Some((model, score));
        }
        if progress((idx + 1) as f32 / n_ks).is_break() {
            return Err(SegmentError::Cancelled);
        }
    }
    let (best, best_silhouette) = best.expect("the range holds at least one k");
    Ok(SegmentCountChoice {
        candidates,
        best,
        best_silhouette,
    })
}

/// The adjusted Rand index of two labellings of the same customers (Hubert & Arabie 1985):
/// 1 when they group customers identically, about 0 for unrelated groupings.
pub fn adjusted_rand_index<A, B>(a: &[A], b: &[B]) -> f64
where
    A: std::hash::Hash + Eq,
    B: std::hash::Hash + Eq,
{
    let n = a.len().min(b.len());
    let pairs = |count: u64| (count * count.saturating_sub(1) / 2) as f64;
    let mut joint: HashMap<(&A, &B), u64> = HashMap::new();
    let mut rows: HashMap<&A, u64> = HashMap::new();
    let mut cols: HashMap<&B, u64> = HashMap::new();
    for (x, y) in a.iter().zip(b).take(n) {
        *joint.entry((x, y)).or_default() += 1;
        *rows.entry(x).or_default() += 1;
        *cols.entry(y).or_default() += 1;
    }
    let index: f64 = joint.values().map(|&c| pairs(c)).sum();
    let sum_rows: f64 = rows.values().map(|&c| pairs(c)).sum();
    let sum_cols: f64 = cols.values().map(|&c| pairs(c)).sum();
    let total = pairs(n as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sum_rows * sum_cols / total;
    let max = 0.5 * (sum_rows + sum_cols);
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn silhouette_by_hand() {
        // Two pairs: within-pair distance 1, between pairs 10 and 11 (mean 10.5 from each).
        let data = array![[0.0], [1.0], [11.0], [12.0]];
        let s = silhouette(data.view(), &[0, 0, 1, 1]).unwrap();
        // Row 0: a = 1, b = (11 + 12) / 2 = 11.5 → 10.5 / 11.5; row 1: a = 1, b = 10.5 → 9.5/10.5.
        let expect = (10.5 / 11.5 + 9.5 / 10.5 + 9.5 / 10.5 + 10.5 / 11.5) / 4.0;
        assert!((s - expect).abs() < 1e-12, "{s} vs {expect}");
        assert_eq!(silhouette(data.view(), &[0, 0, 0, 0]), None);
    }

    #[test]
    fn a_customer_alone_scores_zero() {
        let data = array![[0.0], [1.0], [10.0]];
        let s = silhouette(data.view(), &[0, 0, 1]).unwrap();
        let expect = ((10.0 - 1.0) / 10.0 + (9.0 - 1.0) / 9.0 + 0.0) / 3.0;
        assert!((s - expect).abs() < 1e-12);
    }

    #[test]
    fn adjusted_rand_index_by_hand() {
        assert_eq!(adjusted_rand_index(&[0, 0, 1, 1], &[5, 5, 2, 2]), 1.0);
        // sklearn.metrics.adjusted_rand_score([0, 0, 1, 1], [0, 1, 0, 1]) == -0.5
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) + 0.5).abs() < 1e-12);
        // sklearn: adjusted_rand_score([0, 0, 1, 2], [0, 0, 1, 1]) == 0.5714285714285715
        assert!((adjusted_rand_index(&[0, 0, 1, 2], &[0, 0, 1, 1]) - 4.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn three_blobs_choose_three() {
        let mut values = Vec::new();
        for (cx, cy) in [(0.0, 0.0), (20.0, 0.0), (0.0, 20.0)] {
            for i in 0..20 {
                values.extend([cx + (i % 5) as f64 * 0.3, cy + (i / 5) as f64 * 0.3]);
            }
        }
        let data = ndarray::Array2::from_shape_vec((60, 2), values).unwrap();
        let choice = choose_n_segments(
            data.view(),
            2..=6,
            &crate::segment::kmeans::KMeans::params(2).n_init(4),
            &mut Pcg64Mcg::seed_from_u64(9),
            |_| ControlFlow::Continue(()),
        )
        .unwrap();
        assert_eq!(choice.best.n_segments(), 3);
        assert_eq!(choice.candidates.len(), 5);
        // The elbow curve falls as k grows.
        assert!(choice
            .candidates
            .windows(2)
            .all(|pair| pair[1].inertia <= pair[0].inertia + 1e-9));
    }
}
