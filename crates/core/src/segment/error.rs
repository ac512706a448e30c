//! The one error type of segmentation: each variant names the input that caused it.

/// Segmentation could not start: its input or its parameters are unusable.
///
/// A customer with odd values is not an error (callers skip and report such rows before they get
/// here); only a request that cannot be answered at all is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SegmentError {
    #[error("there are no customers (rows) to segment")]
    NoRows,
    #[error("there are no features (columns) to segment on")]
    NoFeatures,
    #[error("{n_segments} segments were asked for but there are only {n_rows} customers")]
    TooFewRows { n_segments: usize, n_rows: usize },
    #[error("the number of segments must be at least {min}, not {n_segments}")]
    TooFewSegments { n_segments: usize, min: usize },
    #[error("row {row}, feature `{feature}`: {value} is not a finite number")]
    NotFinite {
        row: usize,
        feature: String,
        value: f64,
    },
    #[error("parameter `{parameter}` is {value}: {reason}")]
    BadParameter {
        parameter: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("{what} has {found} values but the features have {expected} {unit}")]
    ShapeMismatch {
        what: &'static str,
        found: usize,
        expected: usize,
        unit: &'static str,
    },
    #[error("the fit was stopped before it finished")]
    Cancelled,
}
