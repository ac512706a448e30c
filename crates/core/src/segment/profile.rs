//! What each segment is like, in a marketer's words, and why a customer is in theirs.
//!
//! A segment's profile is its size, its share of revenue and each feature's mean, in the
//! features' units and as a z-score against the whole base (`(segment mean − base mean) / base
//! std`), so "+1.8 monetary" reads as "spends far more than the typical customer". The suggested
//! name is built from the (at most two) features that stand out most, `|z| ≥ 0.5`, in plain words:
//! "recent, high spend", "lapsed, rare". Features the code knows by name (recency, frequency,
//! monetary, sentiment…) get words of their own; others read "high basket_size".
//!
//! [`explain_membership`] answers "why is this customer in this segment?": the nearest centre,
//! the runner-up, and the features that pull them towards their own centre rather than the
//! runner-up's, strongest first.

use ndarray::{ArrayView2, Axis};

use super::features::mean_and_std;
use super::kmeans::KMeansModel;
use super::SegmentError;

/// One segment described.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentProfile {
    pub segment: usize,
    pub n_customers: usize,
    pub share_of_customers: f64,
    /// The segment's share of the revenue feature's total, if one was named.
    pub revenue_share: Option<f64>,
    /// Each feature's mean in the segment, in the features' units.
    pub means: Vec<f64>,
    /// Each feature's segment mean as a z-score against the whole base.
    pub z_scores: Vec<f64>,
    /// A plain-language name from the features that stand out, such as "recent, high spend".
    pub suggested_name: String,
}

/// Profiles of `n_segments` segments of customers `features` (customers × features, in units)
/// labelled `labels`. `revenue_feature` is the index of the money feature, if any.
pub fn profile_segments(
    feature_names: &[String],
    features: ArrayView2<'_, f64>,
    labels: &[usize],
    n_segments: usize,
    revenue_feature: Option<usize>,
) -> Result<Vec<SegmentProfile>, SegmentError> {
    let (n, d) = features.dim();
    if labels.len() != n {
        return Err(SegmentError::ShapeMismatch {
            what: "the segment labels",
            found: labels.len(),
            expected: n,
            unit: "rows",
        });
    }
    if feature_names.len() != d {
        return Err(SegmentError::ShapeMismatch {
            what: "the feature names",
            found: feature_names.len(),
            expected: d,
            unit: "columns",
        });
    }
    if let Some(&bad) = labels.iter().find(|&&label| label >= n_segments) {
        return Err(SegmentError::BadParameter {
            parameter: "labels",
            value: bad.to_string(),
            reason: "a label is not below the number of segments",
        });
    }
    if n == 0 {
        return Err(SegmentError::NoRows);
    }
    let owned = features.to_owned();
    let (base_mean, base_std) = mean_and_std(&owned);
    let mut sums = vec![0.0; n_segments * d];
    let mut counts = vec![0usize; n_segments];
    for (row, &label) in features.axis_iter(Axis(0)).zip(labels) {
        counts[label] += 1;
        for (sum, x) in sums[label * d..(label + 1) * d].iter_mut().zip(row.iter()) {
            *sum += x;
        }
    }
    let revenue_total: Option<f64> = revenue_feature
        .filter(|&idx| idx < d)
        .map(|idx| features.column(idx).sum());
    Ok((0..n_segments)
        .map(|segment| {
            let count = counts[segment];
            let means: Vec<f64> = (0..d)
                .map(|f| {
                    if count == 0 {
                        0.0
                    } else {
                        sums[segment * d + f] / count as f64
                    }
                })
                .collect();
            let z_scores: Vec<f64> = means
                .iter()
                .enumerate()
                .map(|(f, m)| {
                    if base_std[f] > 0.0 && count > 0 {
                        (m - base_mean[f]) / base_std[f]
                    } else {
                        0.0
                    }
                })
                .collect();
            let revenue_share = revenue_feature.zip(revenue_total).map(|(idx, total)| {
                if total == 0.0 {
                    0.0
                } else {
                    sums[segment * d + idx] / total
                }
            });
            SegmentProfile {
                segment,
                n_customers: count,
                share_of_customers: count as f64 / n as f64,
                revenue_share,
                suggested_name: suggest_name(feature_names, &z_scores),
                means,
                z_scores,
            }
        })
        .collect())
}

/// A name from the (at most two) features of largest |z| ≥ 0.5; "typical" when none stands out.
pub fn suggest_name(feature_names: &[String], z_scores: &[f64]) -> String {
    let mut order: Vec<usize> = (0..z_scores.len().min(feature_names.len()))
        .filter(|&f| z_scores[f].abs() >= 0.5)
        .collect();
    order.sort_by(|&a, &b| z_scores[b].abs().total_cmp(&z_scores[a].abs()));
    let words: Vec<String> = order
        .iter()
        .take(2)
        .map(|&f| describe(&feature_names[f], z_scores[f] > 0.0))
        .collect();
    if words.is_empty() {
        "typical".to_owned()
    } else {
        words.join(", ")
    }
}

/// A feature's high or low side in plain words.
fn describe(feature: &str, high: bool) -> String {
    let name = feature.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| name.contains(word));
    let (up, down) = if has(&["recency", "days_since", "last_order_days"]) {
        ("lapsed", "recent")
    } else if has(&["frequency", "orders", "visits", "purchases"]) {
        ("frequent", "rare")
    } else if has(&["monetary", "revenue", "spend", "amount", "value", "sales"]) {
        ("high spend", "low spend")
    } else if has(&["sentiment", "satisfaction", "happiness", "nps"]) {
        ("happy", "unhappy")
    } else if has(&["engagement", "sessions", "clicks", "opens"]) {
        ("engaged", "disengaged")
    } else {
        return format!("{} {feature}", if high { "high" } else { "low" });
    };
    (if high { up } else { down }).to_owned()
}

/// How one feature weighs in a customer's membership.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FeaturePull {
    pub feature: usize,
    /// The customer's value in the clustered space.
    pub value: f64,
    /// Their segment centre's value.
    pub centre: f64,
    /// How much closer this feature makes them to their own centre than to the runner-up's
    /// (squared-distance units; positive keeps them in their segment).
    pub pull: f64,
}

/// Why a customer is in their segment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Membership {
    pub segment: usize,
    pub distance: f64,
    /// The next nearest segment and its distance (none with a single segment).
    pub runner_up: Option<(usize, f64)>,
    /// Every feature, strongest pull first.
    pub pulls: Vec<FeaturePull>,
}

/// Explains the segment of `point` (in the space the model was fitted in).
pub fn explain_membership(model: &KMeansModel, point: &[f64]) -> Result<Membership, SegmentError> {
    let d = model.centroids.ncols();
    if point.len() != d {
        return Err(SegmentError::ShapeMismatch {
            what: "the customer",
            found: point.len(),
            expected: d,
            unit: "features",
        });
    }
    let (segment, distance_sq) = model.nearest(point);
    let runner_up = (0..model.n_segments())
        .filter(|&other| other != segment)
        .map(|other| {
            let centre = model.centroids.row(other);
            let dist: f64 = point
                .iter()
                .zip(centre.iter())
                .map(|(x, c)| (x - c) * (x - c))
                .sum();
            (other, dist)
        })
        .min_by(|a, b| a.1.total_cmp(&b.1));
    let own = model.centroids.row(segment);
    let mut pulls: Vec<FeaturePull> = (0..d)
        .map(|f| {
            let to_own = (point[f] - own[f]).powi(2);
            let to_other = runner_up
                .map(|(other, _)| (point[f] - model.centroids[[other, f]]).powi(2))
                .unwrap_or(to_own);
            FeaturePull {
                feature: f,
                value: point[f],
                centre: own[f],
                pull: to_other - to_own,
            }
        })
        .collect();
    pulls.sort_by(|a, b| b.pull.total_cmp(&a.pull));
    Ok(Membership {
        segment,
        distance: distance_sq.sqrt(),
        runner_up: runner_up.map(|(other, dist)| (other, dist.sqrt())),
        pulls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn names() -> Vec<String> {
        ["recency_days", "frequency", "monetary"]
            .map(str::to_owned)
            .to_vec()
    }

    #[test]
    fn profiles_by_hand() {
        let features = array![
            [1.0, 10.0, 500.0],
            [2.0, 12.0, 700.0],
            [300.0, 1.0, 20.0],
            [301.0, 1.0, 30.0]
        ];
        let profiles =
            profile_segments(&names(), features.view(), &[0, 0, 1, 1], 2, Some(2)).unwrap();
        assert_eq!(profiles[0].n_customers, 2);
        assert_eq!(profiles[0].means, vec![1.5, 11.0, 600.0]);
        assert!((profiles[0].revenue_share.unwrap() - 1200.0 / 1250.0).abs() < 1e-12);
        // Two equal groups: every mean is one standard deviation from the base mean.
        assert!((profiles[0].z_scores[0] + 1.0).abs() < 1e-3);
        assert_eq!(profiles[0].suggested_name, "recent, frequent");
        assert_eq!(profiles[1].suggested_name, "lapsed, rare");
    }

    #[test]
    fn names_for_unknown_and_quiet_features() {
        let names = vec!["basket_size".to_owned(), "sentiment".to_owned()];
        assert_eq!(suggest_name(&names, &[0.2, -0.1]), "typical");
        assert_eq!(
            suggest_name(&names, &[0.6, -1.5]),
            "unhappy, high basket_size"
        );
    }

    #[test]
    fn membership_names_the_features_that_decide() {
        let model = KMeansModel {
            centroids: array![[0.0, 0.0], [0.0, 10.0]],
            labels: vec![],
            inertia: 0.0,
            n_iterations: 0,
            converged: true,
        };
        let why = explain_membership(&model, &[3.0, 1.0]).unwrap();
        assert_eq!(why.segment, 0);
        assert_eq!(why.runner_up.map(|r| r.0), Some(1));
        // Only the second feature tells the centres apart: 81 - 1 = 80 in favour of segment 0.
        assert_eq!(why.pulls[0].feature, 1);
        assert_eq!(why.pulls[0].pull, 80.0);
        assert_eq!(why.pulls[1].pull, 0.0);
        assert!(explain_membership(&model, &[1.0]).is_err());
    }
}
