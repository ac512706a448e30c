//! The stream broken down by channel, product and customer segment: the last minute, hour and
//! day of each value, in bounded memory.
//!
//! Each dimension keeps two rolling windows per value it has seen (per-second buckets over the
//! live chart's span, so "the last minute" is not one minute bucket just begun and the chart's
//! line of a channel is read from the same buckets, and per-minute buckets over a day, as the
//! feed's own windows), at most [`MAX_KEYS_PER_DIMENSION`] values: a stream
//! with thousands of products must not hold thousands of day-long windows. Records of further
//! values are not dropped but summed into one "other values" window, and the breakdown says so;
//! a value silent for a whole day gives its place up at the next update. Records that name no
//! value at all (an event without a product) are summed apart too, so every row, the rest and
//! the unnamed add up to the stream's own totals.
//!
//! Each window's end is the stream's latest time, not the latest record of that value: a
//! product last ordered three hours ago has nothing in its last hour.

use std::collections::HashMap;

use converge_core::live::RollingWindow;
use serde::{Deserialize, Serialize};

use super::{totals, Totals, SERIES_SECONDS};

/// Values with a window of their own per dimension; records of further values count together.
pub const MAX_KEYS_PER_DIMENSION: usize = 64;
/// Rows of a breakdown an update carries: the busiest values of the last hour.
pub const BREAKDOWN_ROWS: usize = 8;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
const MINUTES_PER_DAY: usize = 24 * 60;

/// What a breakdown groups the records by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveDimension {
    /// The record's channel field.
    Channel,
    /// The record's product field.
    Product,
    /// The RFM segment of the record's customer, from the directory (once customers are
    /// segmented).
    Segment,
}

/// One value's records, texts, net sentiment and revenue over the last minute, hour and day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveBreakdownRow {
    /// The value as the stream wrote it (a channel, a product, a segment's name).
    pub name: String,
    /// The last 60 seconds, the latest included.
    pub last_minute: Totals,
    /// The last 60 minutes, the latest included.
    pub last_hour: Totals,
    /// The last 1,440 minutes, the latest included.
    pub last_day: Totals,
}

/// The stream by one dimension: the busiest values of the last hour, and what the rest add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveBreakdown {
    pub dimension: LiveDimension,
    /// At most [`BREAKDOWN_ROWS`], by last-hour records (then last-day records, then name).
    pub rows: Vec<LiveBreakdownRow>,
    /// Every named record not in `rows`: values beyond the rows shown, and values beyond
    /// [`MAX_KEYS_PER_DIMENSION`]. `None` when there are none in the last day.
    pub other: Option<LiveBreakdownRow>,
    /// Values with a window of their own, shown or not.
    pub n_values: usize,
    /// Whether records of values beyond [`MAX_KEYS_PER_DIMENSION`] arrived in the last day (they
    /// are in `other`, not told apart).
    pub over_cap: bool,
    /// Records that name no value (no product, no known segment).
    pub unnamed: LiveBreakdownRow,
}

/// The windows of one dimension.
#[derive(Debug, Clone)]
pub(crate) struct KeyedWindows {
    dimension: LiveDimension,
    max_keys: usize,
    by_key: HashMap<String, Spans>,
    /// Records of values that found no room.
    beyond_cap: Spans,
    unnamed: Spans,
    /// The latest record time seen, named or not: where every window ends.
    end_ms: Option<i64>,
    /// When silent values were last forgotten.
    swept_ms: Option<i64>,
}

/// The chart's span (the last minute included) by the second and the last day by the minute, of
/// one value.
#[derive(Debug, Clone)]
struct Spans {
    seconds: RollingWindow,
    minutes: RollingWindow,
}

impl Spans {
    fn new() -> Spans {
        Spans {
            seconds: RollingWindow::new(1_000, SERIES_SECONDS),
            minutes: RollingWindow::new(MINUTE_MS, MINUTES_PER_DAY),
        }
    }

    fn add(&mut self, at_ms: i64, compound: Option<f64>, amount: Option<f64>) {
        self.seconds.add(at_ms, compound, amount);
        self.minutes.add(at_ms, compound, amount);
    }

    fn advance_to(&mut self, end_ms: i64) {
        self.seconds.advance_to(end_ms);
        self.minutes.advance_to(end_ms);
    }

    fn row(&self, name: String) -> LiveBreakdownRow {
        LiveBreakdownRow {
            name,
            last_minute: totals(&self.seconds, MINUTE_MS),
            last_hour: totals(&self.minutes, HOUR_MS),
            last_day: totals(&self.minutes, DAY_MS),
        }
    }
}

impl KeyedWindows {
    pub(crate) fn new(dimension: LiveDimension) -> KeyedWindows {
        KeyedWindows::with_max_keys(dimension, MAX_KEYS_PER_DIMENSION)
    }

    /// As [`KeyedWindows::new`] with room for `max_keys` values (tests use a few).
    pub(crate) fn with_max_keys(dimension: LiveDimension, max_keys: usize) -> KeyedWindows {
        KeyedWindows {
            dimension,
            max_keys,
            by_key: HashMap::new(),
            beyond_cap: Spans::new(),
            unnamed: Spans::new(),
            end_ms: None,
            swept_ms: None,
        }
    }

    /// Counts one record under `key` (`None`: it names no value).
    pub(crate) fn add(
        &mut self,
        key: Option<&str>,
        at_ms: i64,
        compound: Option<f64>,
        amount: Option<f64>,
    ) {
        self.end_ms = Some(self.end_ms.map_or(at_ms, |end| end.max(at_ms)));
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            self.unnamed.add(at_ms, compound, amount);
            return;
        };
        if let Some(window) = self.by_key.get_mut(key) {
            window.add(at_ms, compound, amount);
            return;
        }
        // Full: values silent for a day give their place up (looked for once a stream minute).
        if self.by_key.len() >= self.max_keys
            && self.swept_ms.is_none_or(|swept| at_ms >= swept + MINUTE_MS)
        {
            self.sweep();
        }
        if self.by_key.len() < self.max_keys {
            let mut window = Spans::new();
            window.add(at_ms, compound, amount);
            self.by_key.insert(key.to_owned(), window);
        } else {
            self.beyond_cap.add(at_ms, compound, amount);
        }
    }

    /// Each value's per-second window (the chart's span), in no particular order.
    pub(crate) fn seconds(&self) -> impl Iterator<Item = (&str, &RollingWindow)> {
        self.by_key
            .iter()
            .map(|(name, spans)| (name.as_str(), &spans.seconds))
    }

    /// Moves every window's end to the stream's latest time and forgets values with nothing in
    /// the last day.
    fn sweep(&mut self) {
        let Some(end) = self.end_ms else {
            return;
        };
        self.swept_ms = Some(end);
        for window in self.by_key.values_mut() {
            window.advance_to(end);
        }
        self.beyond_cap.advance_to(end);
        self.unnamed.advance_to(end);
        self.by_key
            .retain(|_, window| window.minutes.last(DAY_MS).n_records > 0);
    }

    /// The breakdown at the stream's latest time, with at most `n_rows` rows. Values with
    /// nothing in the last day are forgotten, making room for new ones.
    pub(crate) fn breakdown(&mut self, n_rows: usize) -> LiveBreakdown {
        self.sweep();
        let mut rows: Vec<LiveBreakdownRow> = self
            .by_key
            .iter()
            .map(|(name, window)| window.row(name.clone()))
            .collect();
        rows.sort_by(|a, b| {
            b.last_hour
                .n_records
                .cmp(&a.last_hour.n_records)
                .then_with(|| b.last_day.n_records.cmp(&a.last_day.n_records))
                .then_with(|| a.name.cmp(&b.name))
        });
        let n_values = rows.len();
        let rest = rows.split_off(n_rows.min(rows.len()));
        let beyond_cap = self.beyond_cap.row("Other".to_owned());
        let over_cap = beyond_cap.last_day.n_records > 0;
        let other = (!rest.is_empty() || over_cap).then(|| {
            let mut other = beyond_cap;
            for row in &rest {
                other.last_minute = sum(&other.last_minute, &row.last_minute);
                other.last_hour = sum(&other.last_hour, &row.last_hour);
                other.last_day = sum(&other.last_day, &row.last_day);
            }
            other
        });
        LiveBreakdown {
            dimension: self.dimension,
            rows,
            other,
            n_values,
            over_cap,
            unnamed: self.unnamed.row("None".to_owned()),
        }
    }
}

/// Two spans' totals together; net sentiment weighted by each side's texts.
fn sum(a: &Totals, b: &Totals) -> Totals {
    let n_texts = a.n_texts + b.n_texts;
    let weighted = |t: &Totals| t.net_sentiment.unwrap_or(0.0) * f64::from(t.n_texts);
    Totals {
        n_records: a.n_records + b.n_records,
        n_texts,
        net_sentiment: (n_texts > 0).then(|| (weighted(a) + weighted(b)) / f64::from(n_texts)),
        revenue: a.revenue + b.revenue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T00:00:00Z.
    const T0: i64 = 1_767_225_600_000;

    fn check(breakdown: &LiveBreakdown, expect: &[(&str, [u64; 3], [f64; 3])]) {
        let got: Vec<(&str, [u64; 3], [f64; 3])> = breakdown
            .rows
            .iter()
            .chain(&breakdown.other)
            .map(|r| {
                (
                    r.name.as_str(),
                    [
                        r.last_minute.n_records,
                        r.last_hour.n_records,
                        r.last_day.n_records,
                    ],
                    [
                        r.last_minute.revenue,
                        r.last_hour.revenue,
                        r.last_day.revenue,
                    ],
                )
            })
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn a_value_silent_for_an_hour_has_nothing_in_its_last_hour() {
        let mut windows = KeyedWindows::new(LiveDimension::Product);
        windows.add(Some("Blender"), T0, None, Some(10.0));
        windows.add(Some("Kettle"), T0 + 3 * HOUR_MS, None, Some(5.0));
        let breakdown = windows.breakdown(8);
        check(
            &breakdown,
            &[
                ("Kettle", [1, 1, 1], [5.0, 5.0, 5.0]),
                ("Blender", [0, 0, 1], [0.0, 0.0, 10.0]),
            ],
        );
        assert_eq!(breakdown.other, None);
        assert!(!breakdown.over_cap);
    }

    #[test]
    fn values_beyond_the_cap_and_the_rows_shown_count_as_other() {
        let mut windows = KeyedWindows::with_max_keys(LiveDimension::Channel, 3);
        // a: 4 records, b: 3, c: 2 (all tracked), d and e: 1 each, beyond the cap of 3.
        for (key, n) in [("a", 4), ("b", 3), ("c", 2), ("d", 1), ("e", 1)] {
            for _ in 0..n {
                windows.add(Some(key), T0, None, Some(1.0));
            }
        }
        windows.add(None, T0, None, None);
        windows.add(Some("  "), T0, None, None);
        let breakdown = windows.breakdown(2);
        // Other = c (2, shown nowhere) + d + e (1 each, beyond the cap).
        check(
            &breakdown,
            &[
                ("a", [4, 4, 4], [4.0, 4.0, 4.0]),
                ("b", [3, 3, 3], [3.0, 3.0, 3.0]),
                ("Other", [4, 4, 4], [4.0, 4.0, 4.0]),
            ],
        );
        assert_eq!(breakdown.n_values, 3);
        assert!(breakdown.over_cap);
        assert_eq!(breakdown.unnamed.last_day.n_records, 2, "blank is no value");
        // A day later the values are forgotten, and a new one finds room.
        windows.add(Some("f"), T0 + DAY_MS + MINUTE_MS, None, None);
        let breakdown = windows.breakdown(2);
        check(&breakdown, &[("f", [1, 1, 1], [0.0, 0.0, 0.0])]);
        windows.add(Some("g"), T0 + DAY_MS + MINUTE_MS, None, None);
        assert_eq!(windows.breakdown(2).n_values, 2);
        assert!(!windows.breakdown(2).over_cap);
    }

    #[test]
    fn other_weighs_net_sentiment_by_texts() {
        let a = Totals {
            n_records: 3,
            n_texts: 3,
            net_sentiment: Some(100.0),
            revenue: 0.0,
        };
        let b = Totals {
            n_records: 2,
            n_texts: 1,
            net_sentiment: Some(-100.0),
            revenue: 2.5,
        };
        let both = sum(&a, &b);
        assert_eq!((both.n_records, both.n_texts), (5, 4));
        assert_eq!(both.net_sentiment, Some(50.0), "(3 - 1) / 4 texts");
        assert_eq!(
            sum(&Totals::default(), &Totals::default()).net_sentiment,
            None
        );
    }
}
