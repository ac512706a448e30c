//! Bounded-memory summaries of a column: how many distinct values, and which are most common.
//!
//! A million-row column must be summarised without keeping a set of its values. The distinct
//! count is a HyperLogLog estimate (Flajolet et al., 2007; 2,048 registers, about 2.3 % standard
//! error, and linear counting while few registers are set, which is near exact for small counts),
//! at constant cost per value. Where an exact count is cheap it is used instead: a category
//! column's dictionary holds each value once. The most common values are found by Misra-Gries
//! (1982), at amortised constant cost, and then counted exactly in one more pass.

use crate::hashing::{hash_str, FastMap};

/// log2 of the number of HyperLogLog registers.
const PRECISION: u32 = 11;

/// Counts distinct values by HyperLogLog.
#[derive(Debug, Clone)]
pub struct DistinctSketch {
    registers: Vec<u8>,
}

impl Default for DistinctSketch {
    fn default() -> DistinctSketch {
        DistinctSketch {
            registers: vec![0; 1 << PRECISION],
        }
    }
}

impl DistinctSketch {
    pub fn insert(&mut self, value: &str) {
        let hash = hash_str(value);
        let register_idx = (hash >> (64 - PRECISION)) as usize;
        let rank = ((hash << PRECISION) | (1 << (PRECISION - 1))).leading_zeros() as u8 + 1;
        let register = &mut self.registers[register_idx];
        *register = (*register).max(rank);
    }

    pub fn estimate(&self) -> u64 {
        let m = self.registers.len() as f64;
        let n_empty = self.registers.iter().filter(|r| **r == 0).count();
        if n_empty as f64 == m {
            return 0;
        }
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|r| 2f64.powi(-i32::from(*r)))
            .sum();
        let raw = alpha * m * m / sum;
        let estimate = if raw <= 2.5 * m && n_empty > 0 {
            // Small range: linear counting is the better estimate.
            m * (m / n_empty as f64).ln()
        } else {
            raw
        };
        (estimate.round() as u64).max(1)
    }
}

/// Candidates for the most frequent values, by Misra-Gries: any value that fills more than
/// `1 / capacity` of the stream is among them, at amortised constant cost per value. Their
/// counts are lower bounds; [`TopValues::recount`] makes them exact in one more pass.
#[derive(Debug, Clone)]
pub struct TopValues {
    capacity: usize,
    counters: FastMap<String, u64>,
}

impl TopValues {
    pub fn new(capacity: usize) -> TopValues {
        TopValues {
            capacity: capacity.max(1),
            counters: FastMap::default(),
        }
    }

    pub fn insert(&mut self, value: &str) {
        if let Some(count) = self.counters.get_mut(value) {
            *count += 1;
            return;
        }
        if self.counters.len() < self.capacity {
            self.counters.insert(value.to_owned(), 1);
            return;
        }
        // Full: every counter pays one, and those that reach zero make room.
        self.counters.retain(|_, count| {
            *count -= 1;
            *count > 0
        });
    }

    /// Up to `n` candidates, most frequent first (ties in alphabetical order), with their
    /// lower-bound counts.
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self
            .counters
            .iter()
            .map(|(value, count)| (value.clone(), *count))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// The exact counts of the `n` leading candidates, from one more pass over the values.
    pub fn recount<'a>(
        &self,
        n: usize,
        values: impl Iterator<Item = &'a str>,
    ) -> Vec<(String, u64)> {
        let mut exact: FastMap<String, u64> = self
            .top(n)
            .into_iter()
            .map(|(value, _)| (value, 0))
            .collect();
        for value in values {
            if let Some(count) = exact.get_mut(value) {
                *count += 1;
            }
        }
        let mut all: Vec<(String, u64)> = exact.into_iter().collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all
    }
}

/// Counts of values in equal-width bins between the smallest and largest value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Histogram {
    pub min: f64,
    pub max: f64,
    pub counts: Vec<u64>,
}

impl Histogram {
    /// `None` for no values. A constant column gets one bin.
    pub fn of(values: impl Iterator<Item = f64> + Clone, n_bins: usize) -> Option<Histogram> {
        let (min, max) = values.clone().filter(|v| v.is_finite()).fold(
            None,
            |range: Option<(f64, f64)>, v| match range {
                None => Some((v, v)),
                Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
            },
        )?;
        let n_bins = if max > min { n_bins.max(1) } else { 1 };
        let mut counts = vec![0u64; n_bins];
        let width = (max - min) / n_bins as f64;
        for v in values.filter(|v| v.is_finite()) {
            let bin_idx = if width > 0.0 {
                (((v - min) / width) as usize).min(n_bins - 1)
            } else {
                0
            };
            counts[bin_idx] += 1;
        }
        Some(Histogram { min, max, counts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_counts_are_close_at_every_size() {
        for n_distinct in [1usize, 3, 40, 700, 3_000, 200_000] {
            let mut sketch = DistinctSketch::default();
            for i in 0..n_distinct.max(5_000) {
                sketch.insert(&format!("customer-{}", i % n_distinct));
            }
            let estimate = sketch.estimate() as f64;
            let error = (estimate / n_distinct as f64 - 1.0).abs();
            let allowed = if n_distinct <= 40 { 0.0 } else { 0.07 };
            assert!(error <= allowed, "{n_distinct}: {estimate}");
        }
        assert_eq!(DistinctSketch::default().estimate(), 0);
    }

    #[test]
    fn frequent_values_are_found_among_many_rare_ones_and_counted_exactly() {
        let values: Vec<String> = (0..10_000)
            .map(|i| match i % 10 {
                0..=3 => "FR".to_owned(),
                4..=5 => "DE".to_owned(),
                _ => format!("rare-{i}"),
            })
            .collect();
        let mut top = TopValues::new(16);
        for value in &values {
            top.insert(value);
        }
        let found = top.top(2);
        assert_eq!((found[0].0.as_str(), found[1].0.as_str()), ("FR", "DE"));
        assert!(
            found[0].1 <= 4_000 && found[1].1 <= 2_000,
            "lower bounds: {found:?}"
        );
        let exact = top.recount(2, values.iter().map(String::as_str));
        assert_eq!(
            exact,
            vec![("FR".to_owned(), 4_000), ("DE".to_owned(), 2_000)]
        );
    }

    #[test]
    fn histograms_cover_every_value() {
        let values = [1.0, 2.0, 2.5, 10.0];
        let histogram = Histogram::of(values.iter().copied(), 3).unwrap();
        assert_eq!(histogram.counts, vec![3, 0, 1]);
        assert_eq!((histogram.min, histogram.max), (1.0, 10.0));
        let constant = Histogram::of([4.0, 4.0].iter().copied(), 10).unwrap();
        assert_eq!(constant.counts, vec![2]);
        assert!(Histogram::of(std::iter::empty(), 10).is_none());
    }
}
