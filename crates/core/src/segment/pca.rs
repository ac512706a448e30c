//! A 2-D picture of customers: their projection on the two principal components.
//!
//! The scatter plot of segments needs two axes that keep as much of the spread as possible; those
//! are the two eigenvectors of the features' covariance matrix with the largest eigenvalues. The
//! features are few (tens at most), so the covariance is small and its eigenvectors are found by
//! Jacobi rotations, exactly and without a linear-algebra dependency. Each component's sign is
//! fixed (its largest coefficient positive) so the picture does not flip between runs.

use ndarray::{Array2, ArrayView2, Axis};

use super::SegmentError;

/// The fitted projection and the customers' coordinates.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Projection {
    /// The mean subtracted before projecting.
    pub mean: Vec<f64>,
    /// The two principal axes (unit vectors in feature space); the second is zero for one feature.
    pub components: [Vec<f64>; 2],
    /// The share of the total variance along each axis.
    pub explained_variance_ratio: [f64; 2],
    /// Each customer's `(x, y)`.
    pub points: Vec<[f64; 2]>,
}

impl Projection {
    /// Where a new point (in the same features) lands.
    pub fn project(&self, point: &[f64]) -> [f64; 2] {
        let coord = |component: &[f64]| {
            component
                .iter()
                .zip(point.iter().zip(&self.mean))
                .map(|(c, (x, m))| c * (x - m))
                .sum()
        };
        [coord(&self.components[0]), coord(&self.components[1])]
    }
}

/// Projects `data` (customers × features) on its two principal components.
pub fn project_2d(data: ArrayView2<'_, f64>) -> Result<Projection, SegmentError> {
    let (n, d) = data.dim();
    if n == 0 {
        return Err(SegmentError::NoRows);
    }
    if d == 0 {
        return Err(SegmentError::NoFeatures);
    }
    let mean = data.mean_axis(Axis(0)).expect("n > 0 rows");
    let mut covariance = Array2::<f64>::zeros((d, d));
    for row in data.axis_iter(Axis(0)) {
        let centred: Vec<f64> = row.iter().zip(mean.iter()).map(|(x, m)| x - m).collect();
        for a in 0..d {
            for b in a..d {
                covariance[[a, b]] += centred[a] * centred[b];
            }
        }
    }
    for a in 0..d {
        for b in 0..a {
            covariance[[a, b]] = covariance[[b, a]];
        }
    }
    covariance /= (n.max(2) - 1) as f64;
    let (eigenvalues, eigenvectors) = jacobi_eigen(covariance);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eigenvalues[b].total_cmp(&eigenvalues[a]));
    let total: f64 = eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let component = |rank: usize| -> (Vec<f64>, f64) {
        let Some(&idx) = order.get(rank) else {
            return (vec![0.0; d], 0.0);
        };
        let mut vector: Vec<f64> = eigenvectors.column(idx).to_vec();
        let largest = vector
            .iter()
            .copied()
            .max_by(|a, b| a.abs().total_cmp(&b.abs()))
            .unwrap_or(0.0);
        if largest < 0.0 {
            vector.iter_mut().for_each(|v| *v = -*v);
        }
        let ratio = if total > 0.0 {
            eigenvalues[idx].max(0.0) / total
        } else {
            0.0
        };
        (vector, ratio)
    };
    let (first, first_ratio) = component(0);
    let (second, second_ratio) = component(1);
    let mut projection = Projection {
        mean: mean.to_vec(),
        components: [first, second],
        explained_variance_ratio: [first_ratio, second_ratio],
        points: Vec::with_capacity(n),
    };
    projection.points = data
        .axis_iter(Axis(0))
        .map(|row| projection.project(&row.to_vec()))
        .collect();
    Ok(projection)
}

/// Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations.
fn jacobi_eigen(mut a: Array2<f64>) -> (Vec<f64>, Array2<f64>) {
    let d = a.nrows();
    let mut v = Array2::<f64>::eye(d);
    for _sweep in 0..100 {
        let off: f64 = (0..d)
            .flat_map(|p| ((p + 1)..d).map(move |q| (p, q)))
            .map(|(p, q)| a[[p, q]] * a[[p, q]])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..d {
            for q in (p + 1)..d {
                if a[[p, q]].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[[q, q]] - a[[p, p]]) / (2.0 * a[[p, q]]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..d {
                    let (akp, akq) = (a[[k, p]], a[[k, q]]);
                    a[[k, p]] = c * akp - s * akq;
                    a[[k, q]] = s * akp + c * akq;
                }
                for k in 0..d {
                    let (apk, aqk) = (a[[p, k]], a[[q, k]]);
                    a[[p, k]] = c * apk - s * aqk;
                    a[[q, k]] = s * apk + c * aqk;
                }
                for k in 0..d {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - s * vkq;
                    v[[k, q]] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..d).map(|i| a[[i, i]]).collect(), v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn points_on_a_line_project_onto_the_first_axis() {
        let data = array![[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [3.0, 6.0]];
        let projection = project_2d(data.view()).unwrap();
        let norm = 5f64.sqrt();
        assert!((projection.components[0][0] - 1.0 / norm).abs() < 1e-12);
        assert!((projection.components[0][1] - 2.0 / norm).abs() < 1e-12);
        assert!((projection.explained_variance_ratio[0] - 1.0).abs() < 1e-12);
        // Centred at the mean (1.5, 3): the first point is 1.5·√5 before it.
        assert!((projection.points[0][0] + 1.5 * norm).abs() < 1e-12);
        assert!(projection.points.iter().all(|p| p[1].abs() < 1e-12));
    }

    #[test]
    fn the_axes_are_the_directions_of_most_spread() {
        // Wide along the second feature, narrow along the first.
        let data = array![[1.0, -10.0], [-1.0, 10.0], [1.0, 10.0], [-1.0, -10.0]];
        let projection = project_2d(data.view()).unwrap();
        assert!((projection.components[0][1] - 1.0).abs() < 1e-12);
        assert!((projection.components[1][0].abs() - 1.0).abs() < 1e-12);
        assert!((projection.explained_variance_ratio[0] - 100.0 / 101.0).abs() < 1e-12);
    }

    #[test]
    fn one_feature_has_no_second_axis() {
        let projection = project_2d(array![[1.0], [3.0]].view()).unwrap();
        assert_eq!(projection.components[1], vec![0.0]);
        assert_eq!(projection.points, vec![[-1.0, 0.0], [1.0, 0.0]]);
    }
}
