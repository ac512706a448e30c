//! Per-customer features and how they are scaled before clustering.
//!
//! k-means measures distance, so a feature in euros would drown one in days unless every feature
//! is put on the same footing first. [`Scaling::ZScore`] is scikit-learn's `StandardScaler`
//! (mean 0, population standard deviation 1; a constant feature stays 0);
//! [`Scaling::Robust`] centres on the median and divides by the interquartile range, so a few
//! whales do not squash everyone else; `log_features` first takes `sign(x)·ln(1 + |x|)` of skewed
//! money columns (signed, so refunds stay negative).
//!
//! Features are a dense `ndarray` matrix, one row per customer, named columns. RFM gives
//! `recency_days`, `frequency`, `monetary` ([`super::rfm::Rfm::features`]); engagement and
//! sentiment features are further columns in the same matrix.

use ndarray::{Array1, Array2, Axis};

use super::SegmentError;

/// Named numeric features, one row per customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFeatures {
    pub names: Vec<String>,
    /// `n_customers × names.len()`.
    pub values: Array2<f64>,
}

impl CustomerFeatures {
    /// Features from row-major `values` (`values.len()` must be a multiple of `names.len()`);
    /// every value must be finite.
    pub fn from_rows(
        names: Vec<String>,
        values: Vec<f64>,
    ) -> Result<CustomerFeatures, SegmentError> {
        let n_features = names.len();
        if n_features == 0 {
            return Err(SegmentError::NoFeatures);
        }
        if !values.len().is_multiple_of(n_features) {
            return Err(SegmentError::ShapeMismatch {
                what: "the value list",
                found: values.len(),
                expected: n_features,
                unit: "columns (not a multiple)",
            });
        }
        if let Some(idx) = values.iter().position(|value| !value.is_finite()) {
            return Err(SegmentError::NotFinite {
                row: idx / n_features,
                feature: names[idx % n_features].clone(),
                value: values[idx],
            });
        }
        let n_rows = values.len() / n_features;
        let values = Array2::from_shape_vec((n_rows, n_features), values)
            .expect("the length is a multiple of the number of features");
        Ok(CustomerFeatures { names, values })
    }

    pub fn n_customers(&self) -> usize {
        self.values.nrows()
    }

    /// Adds a feature (engagement, sentiment…) with one value per customer, in the customers'
    /// order.
    pub fn push_feature(
        &mut self,
        name: impl Into<String>,
        values: &[f64],
    ) -> Result<(), SegmentError> {
        let name = name.into();
        if values.len() != self.n_customers() {
            return Err(SegmentError::ShapeMismatch {
                what: "the new feature",
                found: values.len(),
                expected: self.n_customers(),
                unit: "rows",
            });
        }
        if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(SegmentError::NotFinite {
                row,
                feature: name,
                value,
            });
        }
        let column = ndarray::ArrayView1::from(values);
        self.values
            .push_column(column)
            .expect("the column has one value per row");
        self.names.push(name);
        Ok(())
    }

    pub fn n_features(&self) -> usize {
        self.values.ncols()
    }
}

/// How each feature is centred and scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Scaling {
    /// As they are.
    #[default]
    None,
    /// `(x - mean) / std`, std the population standard deviation (scikit-learn's
    /// `StandardScaler`); a constant feature becomes 0.
    ZScore,
    /// `(x - median) / IQR` (scikit-learn's `RobustScaler`); a feature with no spread between
    /// its quartiles is only centred.
    Robust,
}

/// Parameters of a [`Scaler`]: the scaling and which features are log-transformed first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScalerParams {
    pub scaling: Scaling,
    /// Indexes of features to transform with `sign(x)·ln(1 + |x|)` before scaling.
    pub log_features: Vec<usize>,
}

/// A fitted scaling: what was subtracted and divided, per feature, to map back to units.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Scaler {
    pub centers: Vec<f64>,
    pub scales: Vec<f64>,
    pub log_features: Vec<bool>,
}

impl ScalerParams {
    pub fn new(scaling: Scaling) -> ScalerParams {
        ScalerParams {
            scaling,
            log_features: Vec::new(),
        }
    }

    pub fn log_features(mut self, features: Vec<usize>) -> ScalerParams {
        self.log_features = features;
        self
    }

    /// Learns centres and scales from `values` (customers × features).
    pub fn fit(&self, values: &Array2<f64>) -> Result<Scaler, SegmentError> {
        let n_features = values.ncols();
        if let Some(&bad) = self.log_features.iter().find(|&&idx| idx >= n_features) {
            return Err(SegmentError::BadParameter {
                parameter: "log_features",
                value: bad.to_string(),
                reason: "there is no feature with that index",
            });
        }
        if values.nrows() == 0 {
            return Err(SegmentError::NoRows);
        }
        let mut log_features = vec![false; n_features];
        for &idx in &self.log_features {
            log_features[idx] = true;
        }
        let mut centers = vec![0.0; n_features];
        let mut scales = vec![1.0; n_features];
        for (feature, column) in values.axis_iter(Axis(1)).enumerate() {
            let column: Vec<f64> = column
                .iter()
                .map(|&x| {
                    if log_features[feature] {
                        signed_log(x)
                    } else {
                        x
                    }
                })
                .collect();
            let (center, scale) = match self.scaling {
                Scaling::None => (0.0, 1.0),
                Scaling::ZScore => {
                    let n = column.len() as f64;
                    let mean = column.iter().sum::<f64>() / n;
                    let var = column.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
                    (mean, var.sqrt())
                }
                Scaling::Robust => {
                    let mut sorted = column;
                    sorted.sort_by(f64::total_cmp);
                    let (q1, median, q3) = (
                        quantile(&sorted, 0.25),
                        quantile(&sorted, 0.5),
                        quantile(&sorted, 0.75),
                    );
                    (median, q3 - q1)
                }
            };
            centers[feature] = center;
            // scikit-learn's `_handle_zeros_in_scale`: a scale of (nearly) zero becomes 1.
            scales[feature] = if scale.abs() < 10.0 * f64::EPSILON * center.abs().max(1.0) {
                1.0
            } else {
                scale
            };
        }
        Ok(Scaler {
            centers,
            scales,
            log_features,
        })
    }
}

impl Scaler {
    /// `values` in the scaled space.
    pub fn transform(&self, values: &Array2<f64>) -> Array2<f64> {
        let mut out = values.clone();
        for mut row in out.axis_iter_mut(Axis(0)) {
            for (feature, x) in row.iter_mut().enumerate() {
                *x = self.transform_value(feature, *x);
            }
        }
        out
    }

    pub fn transform_value(&self, feature: usize, x: f64) -> f64 {
        let x = if self.log_features.get(feature).copied().unwrap_or(false) {
            signed_log(x)
        } else {
            x
        };
        (x - self.centers.get(feature).copied().unwrap_or(0.0))
            / self.scales.get(feature).copied().unwrap_or(1.0)
    }

    /// A point of the scaled space (a centroid) back in the features' units.
    pub fn inverse_point(&self, point: &[f64]) -> Vec<f64> {
        point
            .iter()
            .enumerate()
            .map(|(feature, &z)| {
                let x = z * self.scales.get(feature).copied().unwrap_or(1.0)
                    + self.centers.get(feature).copied().unwrap_or(0.0);
                if self.log_features.get(feature).copied().unwrap_or(false) {
                    x.signum() * x.abs().exp_m1()
                } else {
                    x
                }
            })
            .collect()
    }
}

/// `sign(x)·ln(1 + |x|)`: a log for money that may be negative.
pub fn signed_log(x: f64) -> f64 {
    x.signum() * x.abs().ln_1p()
}

/// The `q` quantile of sorted values, linear interpolation (numpy's default).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lower = pos.floor() as usize;
    let upper = (lower + 1).min(sorted.len() - 1);
    let t = pos - lower as f64;
    sorted[lower] + (sorted[upper] - sorted[lower]) * t
}

/// Per-feature mean and population standard deviation.
pub(crate) fn mean_and_std(values: &Array2<f64>) -> (Array1<f64>, Array1<f64>) {
    let n = values.nrows().max(1) as f64;
    let mean = values.sum_axis(Axis(0)) / n;
    let mut var = Array1::<f64>::zeros(values.ncols());
    for row in values.axis_iter(Axis(0)) {
        for ((v, &x), &m) in var.iter_mut().zip(row.iter()).zip(mean.iter()) {
            *v += (x - m) * (x - m);
        }
    }
    (mean, var.mapv(|v| (v / n).sqrt()))
}

/// One per-customer feature the app's segmentation computes: its column name, what it measures
/// and in which unit. [`CUSTOMER_FEATURES`] is the one place they are defined; names ending in
/// `*` stand for a family with one column per value (a channel, an event type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FeatureDefinition {
    pub name: &'static str,
    pub unit: &'static str,
    pub meaning: &'static str,
}

/// Every feature of a customer segmentation, in the order they are built. "As-of day" is the day
/// after the last order in the data, so recency is never negative.
pub const CUSTOMER_FEATURES: &[FeatureDefinition] = &[
    FeatureDefinition {
        name: "recency_days",
        unit: "days",
        meaning: "Days from the customer's last order to the as-of day.",
    },
    FeatureDefinition {
        name: "frequency",
        unit: "orders",
        meaning: "Distinct orders (the lines of one order id count once).",
    },
    FeatureDefinition {
        name: "monetary",
        unit: "currency",
        meaning: "Total amount of the customer's order lines (refunds subtract).",
    },
    FeatureDefinition {
        name: "mean_order_value",
        unit: "currency",
        meaning: "monetary / frequency.",
    },
    FeatureDefinition {
        name: "tenure_days",
        unit: "days",
        meaning: "Days from the first order to the as-of day.",
    },
    FeatureDefinition {
        name: "cadence_days",
        unit: "days",
        meaning: "Mean days between orders: (last - first) / (frequency - 1); a one-order \
                  customer gets their tenure (they have not reordered in that long).",
    },
    FeatureDefinition {
        name: "channel_*",
        unit: "touchpoints",
        meaning: "Orders, events and texts of the customer in that channel (the 4 busiest \
                  channels of the data).",
    },
    FeatureDefinition {
        name: "event_*",
        unit: "events",
        meaning: "Events of that type (the 4 commonest event types of the data).",
    },
    FeatureDefinition {
        name: "sessions_30d",
        unit: "sessions",
        meaning: "Distinct sessions (or active days, without a session column) with an event \
                  in the 30 days before the as-of day.",
    },
    FeatureDefinition {
        name: "sessions_90d",
        unit: "sessions",
        meaning: "The same over 90 days.",
    },
    FeatureDefinition {
        name: "texts",
        unit: "texts",
        meaning: "Customer texts scored for sentiment (posts, reviews, tickets, answers).",
    },
    FeatureDefinition {
        name: "mean_sentiment",
        unit: "compound, -1..1",
        meaning: "Mean VADER compound of the customer's texts; 0 (neutral) without texts.",
    },
    FeatureDefinition {
        name: "negative_share",
        unit: "share, 0..1",
        meaning: "Share of the customer's texts that read negative (compound <= -0.05).",
    },
    FeatureDefinition {
        name: "mentions_received",
        unit: "mentions",
        meaning: "Posts by others that address one of the customer's handles: an @mention in \
                  the text (or a column of mentioned handles) or a reply to them; a post counts \
                  once per customer. Handles are the customer's through a handle column next to \
                  their id, or through converged customers.",
    },
];

/// The definition of a feature column, matching a family (`channel_web` → `channel_*`).
pub fn feature_definition(name: &str) -> Option<&'static FeatureDefinition> {
    CUSTOMER_FEATURES
        .iter()
        .find(|definition| match definition.name.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => definition.name == name,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn z_score_uses_the_population_std_and_keeps_constants_at_zero() {
        let values = array![[1.0, 5.0], [3.0, 5.0]];
        let scaler = ScalerParams::new(Scaling::ZScore).fit(&values).unwrap();
        let scaled = scaler.transform(&values);
        assert_eq!(scaled, array![[-1.0, 0.0], [1.0, 0.0]]);
        assert_eq!(scaler.inverse_point(&[1.0, 0.0]), vec![3.0, 5.0]);
    }

    #[test]
    fn robust_scaling_centres_on_the_median() {
        let values = array![[1.0], [2.0], [3.0], [4.0], [100.0]];
        let scaler = ScalerParams::new(Scaling::Robust).fit(&values).unwrap();
        assert_eq!(scaler.centers, vec![3.0]);
        assert_eq!(scaler.scales, vec![2.0]);
    }

    #[test]
    fn log_features_are_signed_and_invertible() {
        let values = array![[-9.0], [0.0], [99.0]];
        let scaler = ScalerParams::new(Scaling::None)
            .log_features(vec![0])
            .fit(&values)
            .unwrap();
        let scaled = scaler.transform(&values);
        assert!((scaled[[2, 0]] - 100f64.ln()).abs() < 1e-12);
        assert!((scaled[[0, 0]] + 10f64.ln()).abs() < 1e-12);
        let back = scaler.inverse_point(&[scaled[[0, 0]]]);
        assert!((back[0] + 9.0).abs() < 1e-9);
        assert!(ScalerParams::new(Scaling::None)
            .log_features(vec![3])
            .fit(&values)
            .is_err());
    }

    #[test]
    fn features_grow_a_column_at_a_time() {
        let mut features =
            CustomerFeatures::from_rows(vec!["recency_days".into()], vec![3.0, 40.0]).unwrap();
        features.push_feature("sentiment", &[0.5, -0.2]).unwrap();
        assert_eq!(features.values, array![[3.0, 0.5], [40.0, -0.2]]);
        assert_eq!(features.names, ["recency_days", "sentiment"]);
        assert!(features.push_feature("visits", &[1.0]).is_err());
        assert!(features.push_feature("visits", &[1.0, f64::NAN]).is_err());
    }

    #[test]
    fn every_feature_family_is_defined_once() {
        assert_eq!(feature_definition("channel_web").unwrap().name, "channel_*");
        assert_eq!(feature_definition("monetary").unwrap().unit, "currency");
        assert!(feature_definition("shoe_size").is_none());
        let mut names: Vec<_> = CUSTOMER_FEATURES.iter().map(|d| d.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CUSTOMER_FEATURES.len());
    }

    #[test]
    fn features_refuse_non_finite_values_naming_them() {
        let err = CustomerFeatures::from_rows(
            vec!["a".into(), "b".into()],
            vec![1.0, 2.0, 3.0, f64::INFINITY],
        )
        .unwrap_err();
        assert_eq!(
            err,
            SegmentError::NotFinite {
                row: 1,
                feature: "b".into(),
                value: f64::INFINITY
            }
        );
    }
}
