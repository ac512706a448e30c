//! An exponentially weighted moving average and variance: what "normal" is for a stream whose
//! normal drifts (more traffic at lunch than at night) without storing its history.
//!
//! With smoothing `α`, each new value `x` moves the mean by `α·(x − mean)` and the variance by
//! the standard incremental rule `var ← (1 − α)·(var + α·(x − mean)²)` (Finch 2009, "Incremental
//! calculation of weighted mean and variance"). The first value seeds the mean.

/// A moving baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ewma {
    alpha: f64,
    mean: f64,
    variance: f64,
    n_seen: u64,
}

impl Ewma {
    /// `alpha` in `(0, 1]`: the weight of the newest value (0.1 ≈ the last 20 values matter).
    pub fn new(alpha: f64) -> Ewma {
        Ewma {
            alpha: alpha.clamp(f64::EPSILON, 1.0),
            mean: 0.0,
            variance: 0.0,
            n_seen: 0,
        }
    }

    pub fn update(&mut self, value: f64) {
        if self.n_seen == 0 {
            self.mean = value;
            self.variance = 0.0;
        } else {
            let delta = value - self.mean;
            self.mean += self.alpha * delta;
            self.variance = (1.0 - self.alpha) * (self.variance + self.alpha * delta * delta);
        }
        self.n_seen += 1;
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    pub fn std_dev(&self) -> f64 {
        self.variance.max(0.0).sqrt()
    }

    /// How many values it has seen: a baseline of a few values is not yet one to judge by.
    pub fn n_seen(&self) -> u64 {
        self.n_seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_stream_has_its_mean_and_no_spread() {
        let mut baseline = Ewma::new(0.2);
        for _ in 0..50 {
            baseline.update(10.0);
        }
        assert_eq!(baseline.mean(), 10.0);
        assert_eq!(baseline.std_dev(), 0.0);
        assert_eq!(baseline.n_seen(), 50);
    }

    /// Alternating 8 and 12 settles near mean 10 and standard deviation 2 (the population values)
    /// for a small α.
    #[test]
    fn an_alternating_stream_has_its_spread() {
        let mut baseline = Ewma::new(0.02);
        for idx in 0..5_000 {
            baseline.update(if idx % 2 == 0 { 8.0 } else { 12.0 });
        }
        assert!((baseline.mean() - 10.0).abs() < 0.1, "{}", baseline.mean());
        assert!(
            (baseline.std_dev() - 2.0).abs() < 0.1,
            "{}",
            baseline.std_dev()
        );
    }

    #[test]
    fn the_first_value_seeds_the_mean() {
        let mut baseline = Ewma::new(0.1);
        baseline.update(42.0);
        assert_eq!((baseline.mean(), baseline.std_dev()), (42.0, 0.0));
    }
}
