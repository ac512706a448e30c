//! Segmentation: which customers belong together, and why.
//!
//! Two ways to segment a customer base, for two different questions:
//!
//! - [`rfm`] answers "who are my best, my slipping and my lost customers?" with the
//!   marketer's classic: recency, frequency and monetary value scored 1–5 by quintiles and named
//!   by the widely published R×FM grid (Champions, At Risk, Lost…). It needs only orders, and
//!   its scores equal pandas' `qcut(rank(method="first"), 5)` so they can be checked.
//! - [`kmeans`] answers "which groups are there?" without a grid: k-means (k-means++ seeding,
//!   several restarts, Hamerly's bounds to skip most distance computations) on per-customer
//!   [`features`], standardised first. [`quality`] chooses k by silhouette and gives the elbow
//!   curve, [`pca`] a 2-D projection for the scatter plot, and [`profile`] describes each segment
//!   in a marketer's words and explains why a customer is in it.
//!
//! Everything here is pure computation on slices and `ndarray` matrices: no IO, no clock, and
//! randomness only from a generator the caller seeds, so the same data and seed give the same
//! segments natively and in the browser. Long fits report progress through a callback that can
//! stop them ([`kmeans::KMeansParams::fit_with_progress`]).

mod error;
pub mod features;
pub mod kmeans;
pub mod pca;
pub mod profile;
pub mod quality;
pub mod rfm;

pub use error::SegmentError;
