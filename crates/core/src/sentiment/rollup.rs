//! Sentiment summed up the ways a marketer asks about it: overall, over time, by channel and
//! product, per customer, and who or what moved most lately.
//!
//! A rollup is fed one scored text at a time, so the same code serves an imported table and a
//! live stream. It keeps tallies (counts of positive, neutral and negative texts and the summed
//! compound) per day and per group, and per customer their dated scores, which is what the
//! questions need and far less than the texts.
//!
//! Net sentiment is the share of positive texts less the share of negative ones, in points
//! (-100 to 100), the figure marketing teams report. A customer's trend is the mean compound of
//! their more recent half of texts less that of their older half: a plain, explainable
//! direction that needs no model and is defined from two texts on.

use std::collections::BTreeMap;

use super::vader::SentimentLabel;
use crate::hashing::FastMap;

/// Texts counted by label, and their summed compound score.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tally {
    pub n_positive: u32,
    pub n_neutral: u32,
    pub n_negative: u32,
    pub sum_compound: f64,
}

impl Tally {
    pub fn add(&mut self, compound: f64) {
        match SentimentLabel::of(compound) {
            SentimentLabel::Positive => self.n_positive += 1,
            SentimentLabel::Neutral => self.n_neutral += 1,
            SentimentLabel::Negative => self.n_negative += 1,
        }
        self.sum_compound += compound;
    }

    pub fn merge(&mut self, other: &Tally) {
        self.n_positive += other.n_positive;
        self.n_neutral += other.n_neutral;
        self.n_negative += other.n_negative;
        self.sum_compound += other.sum_compound;
    }

    pub fn n_texts(&self) -> u32 {
        self.n_positive + self.n_neutral + self.n_negative
    }

    /// % positive − % negative, in points; 0 for no texts.
    pub fn net(&self) -> f64 {
        let n = self.n_texts();
        if n == 0 {
            return 0.0;
        }
        100.0 * (f64::from(self.n_positive) - f64::from(self.n_negative)) / f64::from(n)
    }

    /// Mean compound score; 0 for no texts.
    pub fn mean(&self) -> f64 {
        let n = self.n_texts();
        if n == 0 {
            0.0
        } else {
            self.sum_compound / f64::from(n)
        }
    }

    /// Share of negative texts, 0 to 1.
    pub fn share_negative(&self) -> f64 {
        let n = self.n_texts();
        if n == 0 {
            0.0
        } else {
            f64::from(self.n_negative) / f64::from(n)
        }
    }
}

/// One scored text and what is known around it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScoredText<'a> {
    pub compound: f64,
    /// Days since 1970-01-01, when the text is dated.
    pub day: Option<i32>,
    pub channel: Option<&'a str>,
    pub product: Option<&'a str>,
    pub customer: Option<&'a str>,
}

/// What the rollup groups by besides time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Dimension {
    Channel,
    Product,
    Customer,
}

/// Time buckets for a trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Granularity {
    Day,
    /// Weeks starting on Monday, keyed by their Monday.
    Week,
}

/// A group's sentiment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GroupSentiment {
    pub name: String,
    pub tally: Tally,
}

/// A customer's sentiment over their texts.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerSentiment {
    pub customer: String,
    pub tally: Tally,
    /// The compound score of their most recent dated text (their last text if none is dated).
    pub latest: f64,
    /// Mean compound of the newer half of their dated texts less that of the older half.
    pub trend: Option<f64>,
}

/// A group whose net sentiment changed between two equal windows ending at the last day seen.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mover {
    pub name: String,
    pub before: Tally,
    pub after: Tally,
    /// `after.net() - before.net()`, in points.
    pub change_in_net: f64,
}

/// Sentiment tallies, fed one text at a time.
#[derive(Debug, Clone, Default)]
pub struct SentimentRollup {
    overall: Tally,
    by_day: BTreeMap<i32, Tally>,
    groups: [Groups; 3],
    /// Per customer, their (day, compound) in arrival order.
    customer_scores: Vec<Vec<(Option<i32>, f64)>>,
    last_day: Option<i32>,
}

#[derive(Debug, Clone, Default)]
struct Groups {
    names: Vec<String>,
    ids: FastMap<String, u32>,
    totals: Vec<Tally>,
    by_day: BTreeMap<(u32, i32), Tally>,
}

impl Groups {
    fn add(&mut self, name: &str, day: Option<i32>, compound: f64) -> usize {
        let id = match self.ids.get(name) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
                self.names.push(name.to_owned());
                self.ids.insert(name.to_owned(), id);
                self.totals.push(Tally::default());
                id
            }
        };
        if let Some(total) = self.totals.get_mut(id as usize) {
            total.add(compound);
        }
        if let Some(day) = day {
            self.by_day.entry((id, day)).or_default().add(compound);
        }
        id as usize
    }
}

fn slot(dimension: Dimension) -> usize {
    match dimension {
        Dimension::Channel => 0,
        Dimension::Product => 1,
        Dimension::Customer => 2,
    }
}

impl SentimentRollup {
    /// Counts one text; a text with no score (a `NaN` compound) is not counted.
    pub fn add(&mut self, text: ScoredText<'_>) {
        if !text.compound.is_finite() {
            return;
        }
        let compound = text.compound;
        self.overall.add(compound);
        if let Some(day) = text.day {
            self.by_day.entry(day).or_default().add(compound);
            self.last_day = Some(self.last_day.map_or(day, |last| last.max(day)));
        }
        for (dimension, name) in [
            (Dimension::Channel, text.channel),
            (Dimension::Product, text.product),
        ] {
            if let Some(name) = name.map(str::trim).filter(|name| !name.is_empty()) {
                self.groups[slot(dimension)].add(name, text.day, compound);
            }
        }
        if let Some(name) = text.customer.map(str::trim).filter(|name| !name.is_empty()) {
            let idx = self.groups[slot(Dimension::Customer)].add(name, text.day, compound);
            if idx >= self.customer_scores.len() {
                self.customer_scores.resize(idx + 1, Vec::new());
            }
            self.customer_scores[idx].push((text.day, compound));
        }
    }

    pub fn overall(&self) -> Tally {
        self.overall
    }

    /// The last day any text was dated.
    pub fn last_day(&self) -> Option<i32> {
        self.last_day
    }

    /// Tallies per day or week, in time order, only for buckets with texts.
    pub fn series(&self, granularity: Granularity) -> Vec<(i32, Tally)> {
        match granularity {
            Granularity::Day => self.by_day.iter().map(|(day, t)| (*day, *t)).collect(),
            Granularity::Week => {
                let mut weeks: BTreeMap<i32, Tally> = BTreeMap::new();
                for (day, tally) in &self.by_day {
                    weeks.entry(week_start(*day)).or_default().merge(tally);
                }
                weeks.into_iter().collect()
            }
        }
    }

    /// Each group's tally, most texts first (ties by name).
    pub fn groups(&self, dimension: Dimension) -> Vec<GroupSentiment> {
        let groups = &self.groups[slot(dimension)];
        let mut out: Vec<GroupSentiment> = groups
            .names
            .iter()
            .zip(&groups.totals)
            .map(|(name, tally)| GroupSentiment {
                name: name.clone(),
                tally: *tally,
            })
            .collect();
        out.sort_by(|a, b| {
            b.tally
                .n_texts()
                .cmp(&a.tally.n_texts())
                .then_with(|| a.name.cmp(&b.name))
        });
        out
    }

    /// Per customer: their tally, latest score and trend, in order of first appearance.
    pub fn customers(&self) -> Vec<CustomerSentiment> {
        let groups = &self.groups[slot(Dimension::Customer)];
        groups
            .names
            .iter()
            .zip(&groups.totals)
            .zip(&self.customer_scores)
            .map(|((name, tally), scores)| {
                let mut dated: Vec<(i32, f64)> = scores
                    .iter()
                    .filter_map(|(day, compound)| day.map(|day| (day, *compound)))
                    .collect();
                // Stable: texts of one day keep their arrival order.
                dated.sort_by_key(|(day, _)| *day);
                let latest = dated
                    .last()
                    .map(|(_, compound)| *compound)
                    .or_else(|| scores.last().map(|(_, compound)| *compound))
                    .unwrap_or(0.0);
                let trend = (dated.len() >= 2).then(|| {
                    let half = dated.len() / 2;
                    let older = &dated[..half];
                    let newer = &dated[dated.len() - half..];
                    mean(newer.iter().map(|(_, c)| *c)) - mean(older.iter().map(|(_, c)| *c))
                });
                CustomerSentiment {
                    customer: name.clone(),
                    tally: *tally,
                    latest,
                    trend,
                }
            })
            .collect()
    }

    /// Groups whose net sentiment changed most between the `window_days` before the last dated
    /// day and the `window_days` before those, among groups with at least `min_texts` texts in
    /// each window; biggest change (up or down) first.
    pub fn movers(&self, dimension: Dimension, window_days: i32, min_texts: u32) -> Vec<Mover> {
        let Some(last_day) = self.last_day else {
            return Vec::new();
        };
        let window_days = window_days.max(1);
        let after_from = last_day - window_days + 1;
        let before_from = after_from - window_days;
        let groups = &self.groups[slot(dimension)];
        let mut windows: Vec<(Tally, Tally)> = vec![Default::default(); groups.names.len()];
        for ((id, day), tally) in &groups.by_day {
            let Some((before, after)) = windows.get_mut(*id as usize) else {
                continue;
            };
            if (after_from..=last_day).contains(day) {
                after.merge(tally);
            } else if (before_from..after_from).contains(day) {
                before.merge(tally);
            }
        }
        let mut movers: Vec<Mover> = groups
            .names
            .iter()
            .zip(windows)
            .filter(|(_, (before, after))| {
                before.n_texts() >= min_texts.max(1) && after.n_texts() >= min_texts.max(1)
            })
            .map(|(name, (before, after))| Mover {
                name: name.clone(),
                before,
                after,
                change_in_net: after.net() - before.net(),
            })
            .collect();
        movers.sort_by(|a, b| {
            b.change_in_net
                .abs()
                .total_cmp(&a.change_in_net.abs())
                .then_with(|| a.name.cmp(&b.name))
        });
        movers
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0_u32), |(sum, n), value| (sum + value, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / f64::from(n)
    }
}

/// The Monday on or before `day` (days since 1970-01-01, a Thursday).
pub fn week_start(day: i32) -> i32 {
    day - (day + 3).rem_euclid(7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(compound: f64, day: i32, channel: &'a str, customer: &'a str) -> ScoredText<'a> {
        ScoredText {
            compound,
            day: Some(day),
            channel: Some(channel),
            product: None,
            customer: Some(customer),
        }
    }

    #[test]
    fn net_sentiment_is_positive_share_less_negative_share() {
        let mut tally = Tally::default();
        for compound in [0.5, 0.05, 0.0, -0.049, -0.05, 0.9, f64::NAN] {
            if compound.is_finite() {
                tally.add(compound);
            }
        }
        assert_eq!(
            (tally.n_positive, tally.n_neutral, tally.n_negative),
            (3, 2, 1)
        );
        assert!((tally.net() - 100.0 * 2.0 / 6.0).abs() < 1e-12);
        assert_eq!(Tally::default().net(), 0.0);
    }

    #[test]
    fn weeks_start_on_monday() {
        // 1970-01-01 was a Thursday; 1969-12-29 the Monday before it.
        assert_eq!(week_start(0), -3);
        assert_eq!(week_start(4), 4); // 1970-01-05, a Monday
        assert_eq!(week_start(10), 4);
        assert_eq!(week_start(11), 11);
        assert_eq!(week_start(-4), -10);
    }

    #[test]
    fn rollups_answer_by_time_channel_and_customer() {
        let mut rollup = SentimentRollup::default();
        rollup.add(text(0.6, 10, "twitter", "ada"));
        rollup.add(text(-0.6, 11, "twitter", "bo"));
        rollup.add(text(0.7, 11, "reviews", "ada"));
        rollup.add(text(-0.8, 12, "twitter", "ada"));
        rollup.add(ScoredText {
            compound: f64::NAN,
            ..ScoredText::default()
        });
        rollup.add(ScoredText {
            compound: 0.0,
            ..ScoredText::default()
        });
        assert_eq!(rollup.overall().n_texts(), 5);
        let days: Vec<(i32, u32)> = rollup
            .series(Granularity::Day)
            .iter()
            .map(|(day, t)| (*day, t.n_texts()))
            .collect();
        assert_eq!(days, [(10, 1), (11, 2), (12, 1)]);
        // Day 10 is Sunday 1970-01-11; days 11 and 12 fall in the week of Monday the 12th.
        let weeks: Vec<(i32, u32)> = rollup
            .series(Granularity::Week)
            .iter()
            .map(|(week, t)| (*week, t.n_texts()))
            .collect();
        assert_eq!(weeks, [(4, 1), (11, 3)]);
        let channels = rollup.groups(Dimension::Channel);
        assert_eq!(channels[0].name, "twitter");
        assert_eq!(channels[0].tally.n_texts(), 3);
        let customers = rollup.customers();
        let ada = &customers[0];
        assert_eq!(ada.customer, "ada");
        assert_eq!(ada.latest, -0.8);
        // Older half [0.6], newer half [-0.8] of three dated texts.
        assert!((ada.trend.unwrap() - (-0.8 - 0.6)).abs() < 1e-12);
        assert_eq!(customers[1].trend, None);
    }

    #[test]
    fn movers_compare_two_equal_windows() {
        let mut rollup = SentimentRollup::default();
        for day in 0..14 {
            // Twitter sours in the second week; reviews stay happy.
            let twitter = if day < 7 { 0.5 } else { -0.5 };
            rollup.add(text(twitter, day, "twitter", "x"));
            rollup.add(text(0.5, day, "reviews", "y"));
        }
        rollup.add(text(-0.9, 13, "forum", "z"));
        let movers = rollup.movers(Dimension::Channel, 7, 3);
        assert_eq!(movers.len(), 2, "the forum has too few texts: {movers:?}");
        assert_eq!(movers[0].name, "twitter");
        assert!((movers[0].change_in_net + 200.0).abs() < 1e-9);
        assert_eq!(movers[1].change_in_net, 0.0);
    }
}
