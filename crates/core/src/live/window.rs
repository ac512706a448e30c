//! Rolling windows: the last minute, hour or day of a stream, at a fixed resolution, in bounded
//! memory.
//!
//! A window is a ring of time buckets (one second, one minute…); a record adds to the bucket of
//! its time, and buckets older than the window's span are dropped as time moves on. Sums over
//! "the last N" are sums over buckets, so a query costs the number of buckets, not of records.

use std::collections::VecDeque;

use crate::sentiment::Tally;

/// What a bucket holds: records, their sentiment, and revenue.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LiveTally {
    pub n_records: u64,
    /// Texts by label (records without a text are not in it).
    pub sentiment: Tally,
    pub revenue: f64,
}

impl LiveTally {
    pub fn add(&mut self, compound: Option<f64>, amount: Option<f64>) {
        self.n_records += 1;
        if let Some(compound) = compound.filter(|c| c.is_finite()) {
            self.sentiment.add(compound);
        }
        if let Some(amount) = amount.filter(|a| a.is_finite()) {
            self.revenue += amount;
        }
    }

    pub fn merge(&mut self, other: &LiveTally) {
        self.n_records += other.n_records;
        self.sentiment.merge(&other.sentiment);
        self.revenue += other.revenue;
    }
}

/// Buckets of `resolution_ms` covering the last `n_buckets` of them.
#[derive(Debug, Clone, PartialEq)]
pub struct RollingWindow {
    resolution_ms: i64,
    n_buckets: usize,
    /// `(bucket start, tally)`, oldest first, only buckets that received records.
    buckets: VecDeque<(i64, LiveTally)>,
    /// The latest time seen: the window ends here.
    now_ms: Option<i64>,
}

impl RollingWindow {
    /// A window of `n_buckets` buckets of `resolution_ms` each (both at least 1).
    pub fn new(resolution_ms: i64, n_buckets: usize) -> RollingWindow {
        RollingWindow {
            resolution_ms: resolution_ms.max(1),
            n_buckets: n_buckets.max(1),
            buckets: VecDeque::new(),
            now_ms: None,
        }
    }

    fn bucket_of(&self, at_ms: i64) -> i64 {
        at_ms - at_ms.rem_euclid(self.resolution_ms)
    }

    /// The start of the oldest bucket still in the window.
    fn oldest_kept(&self, now_ms: i64) -> i64 {
        self.bucket_of(now_ms) - self.resolution_ms * (self.n_buckets as i64 - 1)
    }

    /// Moves the window's end to `now_ms` (never backwards), dropping what falls out.
    pub fn advance_to(&mut self, now_ms: i64) {
        let now_ms = self.now_ms.map_or(now_ms, |now| now.max(now_ms));
        self.now_ms = Some(now_ms);
        let oldest = self.oldest_kept(now_ms);
        while self
            .buckets
            .front()
            .is_some_and(|(start, _)| *start < oldest)
        {
            self.buckets.pop_front();
        }
    }

    /// Counts one record. A record older than the window is not counted (returns false).
    pub fn add(&mut self, at_ms: i64, compound: Option<f64>, amount: Option<f64>) -> bool {
        self.advance_to(at_ms);
        let now_ms = self.now_ms.unwrap_or(at_ms);
        let bucket = self.bucket_of(at_ms);
        if bucket < self.oldest_kept(now_ms) {
            return false;
        }
        // Records mostly arrive in order: the last bucket, or one near the end.
        let position = self.buckets.iter().rposition(|(start, _)| *start <= bucket);
        match position {
            Some(idx) if self.buckets[idx].0 == bucket => {
                self.buckets[idx].1.add(compound, amount);
            }
            Some(idx) => {
                let mut tally = LiveTally::default();
                tally.add(compound, amount);
                self.buckets.insert(idx + 1, (bucket, tally));
            }
            None => {
                let mut tally = LiveTally::default();
                tally.add(compound, amount);
                self.buckets.push_front((bucket, tally));
            }
        }
        true
    }

    /// The sum of the buckets of the last `span_ms` (at most the whole window), the bucket of the
    /// latest time seen included: `last(3_000)` at one-second resolution is that second and the
    /// two before it.
    pub fn last(&self, span_ms: i64) -> LiveTally {
        let Some(now_ms) = self.now_ms else {
            return LiveTally::default();
        };
        let n_buckets = (span_ms.max(1) + self.resolution_ms - 1) / self.resolution_ms;
        let from = self.bucket_of(now_ms) - (n_buckets - 1) * self.resolution_ms;
        let mut total = LiveTally::default();
        for (_, tally) in self.buckets.iter().filter(|(start, _)| *start >= from) {
            total.merge(tally);
        }
        total
    }

    /// Every bucket of the window in time order, empty ones included: the series a chart draws.
    pub fn series(&self) -> Vec<(i64, LiveTally)> {
        let Some(now_ms) = self.now_ms else {
            return Vec::new();
        };
        let mut held = self.buckets.iter().peekable();
        let oldest = self.oldest_kept(now_ms);
        (0..self.n_buckets as i64)
            .map(|idx| {
                let start = oldest + idx * self.resolution_ms;
                let tally = held
                    .next_if(|(bucket, _)| *bucket == start)
                    .map_or_else(LiveTally::default, |(_, tally)| *tally);
                (start, tally)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_only_its_span() {
        // Ten one-second buckets.
        let mut window = RollingWindow::new(1_000, 10);
        for second in 0..30 {
            window.add(second * 1_000 + 500, Some(0.5), Some(2.0));
        }
        assert_eq!(window.last(10_000).n_records, 10);
        assert_eq!(window.last(3_000).n_records, 3);
        assert_eq!(
            window.last(60_000).n_records,
            10,
            "no more than the window holds"
        );
        assert_eq!(window.last(3_000).revenue, 6.0);
        assert_eq!(window.last(3_000).sentiment.n_positive, 3);
        // A record from before the window is refused, one inside it lands in its bucket.
        assert!(!window.add(5_000, None, None));
        assert!(window.add(25_100, Some(-0.9), None));
        assert_eq!(window.last(5_000).sentiment.n_negative, 1);
        let series = window.series();
        assert_eq!(series.len(), 10);
        assert_eq!(series[0].0, 20_000);
        assert_eq!(series[5].1.n_records, 2);
        // Time moving on empties it.
        window.advance_to(100_000);
        assert_eq!(window.last(10_000).n_records, 0);
        assert!(window.series().iter().all(|(_, t)| t.n_records == 0));
    }

    #[test]
    fn records_without_text_or_amount_are_still_counted() {
        let mut tally = LiveTally::default();
        tally.add(None, None);
        tally.add(Some(f64::NAN), Some(f64::INFINITY));
        assert_eq!(tally.n_records, 2);
        assert_eq!(tally.sentiment.n_texts(), 0);
        assert_eq!(tally.revenue, 0.0);
    }
}
