//! Alert rules over a live stream, each alert with its evidence.
//!
//! The rules, with defaults a marketing team can start from (all editable in [`AlertRules`]):
//!
//! - **Volume spike or dip**, overall and per channel: the records of each bucket (one second)
//!   against an exponentially weighted baseline of the buckets before ([`Ewma`], α = 0.05): a
//!   spike when the count exceeds mean + k·σ (k = 4) and is at least `min_count`; a dip when it
//!   falls below mean − k·σ while the baseline expects at least `min_count`. σ is floored at
//!   √mean (Poisson noise), so a perfectly steady stream does not alert on its first wobble.
//!   A baseline needs `warmup_buckets` before it judges.
//! - **Net sentiment low**: the net sentiment (% positive − % negative) of the texts of the last
//!   `window_ms` falls below `below` with at least `min_texts` texts.
//! - **High-value customer unhappy**: a customer of a watched segment (Champions, Loyal
//!   Customers, At Risk, Can't Lose Them) posts a negative text.
//! - **Surge of a term or handle**: a word or @handle's mentions per bucket (one minute) against
//!   its own baseline, as for volume; a term never seen before has a baseline of zero.
//!
//! Each rule has a cooldown per subject (a channel, a term, a customer): one alert per incident,
//! not one per record. The evidence is the baseline, the observed value, the window and up to
//! [`MAX_EVIDENCE`] ids of the records that triggered it.

use super::baseline::Ewma;
use super::window::RollingWindow;
use super::LiveRecord;
use crate::hashing::FastMap;
use crate::sentiment::SentimentLabel;

/// Record ids an alert carries at most.
pub const MAX_EVIDENCE: usize = 50;
/// Empty buckets replayed into a baseline at most when time jumps (beyond, it has forgotten).
const MAX_GAP_BUCKETS: i64 = 500;
/// The subject of overall volume alerts.
pub const ALL_CHANNELS: &str = "all channels";

/// Which rule fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum AlertKind {
    VolumeSpike,
    VolumeDip,
    NetSentimentLow,
    HighValueNegative,
    TermSurge,
}

/// An alert and why it fired.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alert {
    pub kind: AlertKind,
    /// When it fired (the end of the bucket or window it judged), ms since 1970.
    pub at_ms: i64,
    /// What it is about: a channel (or "all channels"), a term, a customer.
    pub subject: String,
    pub observed: f64,
    /// What was expected (the baseline's mean, or the rule's threshold).
    pub expected: f64,
    /// The line crossed (mean ± k·σ, or the threshold).
    pub limit: f64,
    pub window_ms: i64,
    /// Ids of the records behind it, at most [`MAX_EVIDENCE`].
    pub evidence: Vec<u64>,
    /// The alert in a sentence.
    pub message: String,
}

/// Spike and dip detection on counts per bucket.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BaselineRule {
    pub bucket_ms: i64,
    /// The baseline's smoothing (weight of the newest bucket).
    pub alpha: f64,
    /// How many standard deviations away counts as unusual.
    pub k: f64,
    /// The fewest records (or mentions) a spike must have.
    pub min_count: u64,
    pub cooldown_ms: i64,
    /// Buckets a baseline must have seen before it judges.
    pub warmup_buckets: u64,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct NetSentimentRule {
    pub window_ms: i64,
    /// Fires below this net sentiment, in points (-100 to 100).
    pub below: f64,
    pub min_texts: u32,
    pub cooldown_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HighValueRule {
    /// The segments whose unhappiness matters most.
    pub segments: Vec<String>,
    pub cooldown_ms: i64,
}

/// The rules in force; `None` turns one off.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlertRules {
    pub volume: Option<BaselineRule>,
    pub net_sentiment: Option<NetSentimentRule>,
    pub high_value_negative: Option<HighValueRule>,
    pub term_surge: Option<BaselineRule>,
}

impl Default for AlertRules {
    fn default() -> AlertRules {
        AlertRules {
            volume: Some(BaselineRule {
                bucket_ms: 1_000,
                alpha: 0.05,
                k: 4.0,
                min_count: 20,
                cooldown_ms: 60_000,
                warmup_buckets: 30,
            }),
            net_sentiment: Some(NetSentimentRule {
                window_ms: 5 * 60_000,
                below: -20.0,
                min_texts: 30,
                cooldown_ms: 10 * 60_000,
            }),
            high_value_negative: Some(HighValueRule {
                segments: ["Champions", "Loyal Customers", "At Risk", "Can't Lose Them"]
                    .map(str::to_owned)
                    .to_vec(),
                cooldown_ms: 60 * 60_000,
            }),
            term_surge: Some(BaselineRule {
                bucket_ms: 60_000,
                alpha: 0.1,
                k: 5.0,
                min_count: 20,
                cooldown_ms: 30 * 60_000,
                warmup_buckets: 5,
            }),
        }
    }
}

/// Watches a stream: feed it records in time order with [`AlertEngine::push`], and tell it when
/// time moves on without records with [`AlertEngine::advance_to`].
#[derive(Debug, Clone)]
pub struct AlertEngine {
    rules: AlertRules,
    volume: Option<Counter>,
    surge: Option<Counter>,
    sentiment: Option<SentimentWatch>,
    last_fired: FastMap<(AlertKind, String), i64>,
}

impl AlertEngine {
    pub fn new(rules: AlertRules) -> AlertEngine {
        AlertEngine {
            volume: rules.volume.clone().map(Counter::new),
            surge: rules.term_surge.clone().map(Counter::new),
            sentiment: rules.net_sentiment.clone().map(SentimentWatch::new),
            rules,
            last_fired: FastMap::default(),
        }
    }

    pub fn rules(&self) -> &AlertRules {
        &self.rules
    }

    /// Counts one record; returns the alerts it (or the time it marks) set off.
    pub fn push(&mut self, record: &LiveRecord) -> Vec<Alert> {
        let mut alerts = self.close_buckets(record.at_ms);
        if let Some(volume) = &mut self.volume {
            volume.count(ALL_CHANNELS, record.id);
            if let Some(channel) = record.channel.as_deref().filter(|c| !c.is_empty()) {
                volume.count(channel, record.id);
            }
        }
        if let Some(surge) = &mut self.surge {
            for term in &record.terms {
                surge.count(term, record.id);
            }
        }
        if let Some(sentiment) = &mut self.sentiment {
            alerts.extend(sentiment.observe(record));
        }
        if let (Some(rule), Some(compound)) = (&self.rules.high_value_negative, record.compound) {
            let watched = record
                .segment
                .as_ref()
                .is_some_and(|segment| rule.segments.iter().any(|s| s == segment));
            if watched && SentimentLabel::of(compound) == SentimentLabel::Negative {
                let customer = record.customer.clone().unwrap_or_default();
                let segment = record.segment.clone().unwrap_or_default();
                alerts.push(Alert {
                    kind: AlertKind::HighValueNegative,
                    at_ms: record.at_ms,
                    message: format!(
                        "{segment} customer {customer} wrote something negative (score {compound:+.2})."
                    ),
                    subject: customer,
                    observed: compound,
                    expected: 0.0,
                    limit: -0.05,
                    window_ms: 0,
                    evidence: vec![record.id],
                });
            }
        }
        self.with_cooldowns(alerts)
    }

    /// Closes every bucket that ended by `now_ms`, judging each; returns the alerts.
    pub fn advance_to(&mut self, now_ms: i64) -> Vec<Alert> {
        let alerts = self.close_buckets(now_ms);
        self.with_cooldowns(alerts)
    }

    /// The alerts of the buckets that ended by `now_ms`, before cooldowns.
    fn close_buckets(&mut self, now_ms: i64) -> Vec<Alert> {
        let mut alerts = Vec::new();
        if let Some(volume) = &mut self.volume {
            alerts.extend(volume.close_until(now_ms, Subject::Volume));
        }
        if let Some(surge) = &mut self.surge {
            alerts.extend(surge.close_until(now_ms, Subject::Term));
        }
        if let Some(sentiment) = &mut self.sentiment {
            sentiment.window.advance_to(now_ms);
        }
        alerts
    }

    /// Drops the alerts whose subject fired less than the rule's cooldown ago.
    fn with_cooldowns(&mut self, alerts: Vec<Alert>) -> Vec<Alert> {
        let mut kept = Vec::new();
        for alert in alerts {
            let cooldown_ms = match alert.kind {
                AlertKind::VolumeSpike | AlertKind::VolumeDip => self
                    .rules
                    .volume
                    .as_ref()
                    .map_or(0, |rule| rule.cooldown_ms),
                AlertKind::TermSurge => self
                    .rules
                    .term_surge
                    .as_ref()
                    .map_or(0, |rule| rule.cooldown_ms),
                AlertKind::NetSentimentLow => self
                    .rules
                    .net_sentiment
                    .as_ref()
                    .map_or(0, |rule| rule.cooldown_ms),
                AlertKind::HighValueNegative => self
                    .rules
                    .high_value_negative
                    .as_ref()
                    .map_or(0, |rule| rule.cooldown_ms),
            };
            let key = (alert.kind, alert.subject.clone());
            let cooling = self
                .last_fired
                .get(&key)
                .is_some_and(|last| alert.at_ms < last + cooldown_ms);
            if !cooling {
                self.last_fired.insert(key, alert.at_ms);
                kept.push(alert);
            }
        }
        kept
    }
}

#[derive(Clone, Copy)]
enum Subject {
    Volume,
    Term,
}

/// Counts per key and bucket, each key with its baseline.
#[derive(Debug, Clone)]
struct Counter {
    rule: BaselineRule,
    /// The start of the bucket being filled.
    bucket: Option<i64>,
    /// Buckets closed so far: a key first seen now has had zero in all of them.
    n_closed: u64,
    keys: FastMap<String, KeyState>,
}

#[derive(Debug, Clone)]
struct KeyState {
    baseline: Ewma,
    /// The count and the first record ids of the open bucket.
    count: u64,
    ids: Vec<u64>,
    /// How many closed buckets the baseline has taken in.
    n_closed_seen: u64,
}

impl Counter {
    fn new(rule: BaselineRule) -> Counter {
        Counter {
            rule: BaselineRule {
                bucket_ms: rule.bucket_ms.max(1),
                ..rule
            },
            bucket: None,
            n_closed: 0,
            keys: FastMap::default(),
        }
    }

    fn count(&mut self, key: &str, id: u64) {
        let n_closed = self.n_closed;
        let alpha = self.rule.alpha;
        let state = self.keys.entry(key.to_owned()).or_insert_with(|| KeyState {
            baseline: Ewma::new(alpha),
            count: 0,
            ids: Vec::new(),
            n_closed_seen: n_closed,
        });
        state.count += 1;
        if state.ids.len() < MAX_EVIDENCE {
            state.ids.push(id);
        }
    }

    /// Closes the open bucket and any empty ones after it that ended by `now_ms`.
    fn close_until(&mut self, now_ms: i64, subject: Subject) -> Vec<Alert> {
        let bucket_ms = self.rule.bucket_ms;
        let now_bucket = now_ms - now_ms.rem_euclid(bucket_ms);
        let Some(open) = self.bucket else {
            self.bucket = Some(now_bucket);
            return Vec::new();
        };
        if now_bucket <= open {
            return Vec::new();
        }
        let mut alerts = Vec::new();
        let n_buckets = ((now_bucket - open) / bucket_ms).min(MAX_GAP_BUCKETS);
        for step in 0..n_buckets {
            let start = open + step * bucket_ms;
            self.n_closed += 1;
            let n_closed = self.n_closed;
            for (key, state) in &mut self.keys {
                // A key's baseline takes in the empty buckets it missed, then this one.
                let missed = n_closed - 1 - state.n_closed_seen;
                for _ in 0..missed.min(MAX_GAP_BUCKETS as u64) {
                    state.baseline.update(0.0);
                }
                let observed = state.count as f64;
                if let Some(alert) = judge(&self.rule, key, state, observed, start, subject) {
                    alerts.push(alert);
                }
                state.baseline.update(observed);
                state.n_closed_seen = n_closed;
                state.count = 0;
                state.ids.clear();
            }
        }
        // Keys whose baseline has faded to nothing are forgotten, so memory stays bounded.
        self.keys
            .retain(|_, state| state.baseline.mean() >= 1e-3 || state.count > 0);
        self.bucket = Some(now_bucket);
        alerts
    }
}

/// Whether a closed bucket's count is a spike or a dip against the key's baseline.
fn judge(
    rule: &BaselineRule,
    key: &str,
    state: &KeyState,
    observed: f64,
    bucket_start: i64,
    subject: Subject,
) -> Option<Alert> {
    // Buckets closed since the engine started: a key first seen late has had zeros before.
    if state.n_closed_seen < rule.warmup_buckets {
        return None;
    }
    let mean = state.baseline.mean();
    // Counts are at least Poisson-noisy: never trust a spread below √mean.
    let spread = state.baseline.std_dev().max(mean.sqrt());
    let upper = mean + rule.k * spread;
    let lower = mean - rule.k * spread;
    let at_ms = bucket_start + rule.bucket_ms;
    let seconds = rule.bucket_ms as f64 / 1_000.0;
    if observed > upper && observed >= rule.min_count as f64 {
        let (kind, message) = match subject {
            Subject::Volume => (
                AlertKind::VolumeSpike,
                format!(
                    "Volume spike on {key}: {observed:.0} records in {seconds:.0} s against {mean:.1} usually (limit {upper:.1})."
                ),
            ),
            Subject::Term => (
                AlertKind::TermSurge,
                format!(
                    "“{key}” surges: {observed:.0} mentions in {seconds:.0} s against {mean:.1} usually (limit {upper:.1})."
                ),
            ),
        };
        return Some(Alert {
            kind,
            at_ms,
            subject: key.to_owned(),
            observed,
            expected: mean,
            limit: upper,
            window_ms: rule.bucket_ms,
            evidence: state.ids.clone(),
            message,
        });
    }
    if matches!(subject, Subject::Volume) && observed < lower && mean >= rule.min_count as f64 {
        return Some(Alert {
            kind: AlertKind::VolumeDip,
            at_ms,
            subject: key.to_owned(),
            observed,
            expected: mean,
            limit: lower,
            window_ms: rule.bucket_ms,
            evidence: state.ids.clone(),
            message: format!(
                "Volume dip on {key}: {observed:.0} records in {seconds:.0} s against {mean:.1} usually (limit {lower:.1})."
            ),
        });
    }
    None
}

/// Net sentiment over a rolling window, with the latest negative texts as evidence.
#[derive(Debug, Clone)]
struct SentimentWatch {
    rule: NetSentimentRule,
    window: RollingWindow,
    /// `(at_ms, id)` of the latest negative texts, at most [`MAX_EVIDENCE`].
    negatives: std::collections::VecDeque<(i64, u64)>,
}

impl SentimentWatch {
    fn new(rule: NetSentimentRule) -> SentimentWatch {
        let window_ms = rule.window_ms.max(1_000);
        SentimentWatch {
            window: RollingWindow::new(1_000, usize::try_from(window_ms / 1_000).unwrap_or(1)),
            rule: NetSentimentRule { window_ms, ..rule },
            negatives: std::collections::VecDeque::new(),
        }
    }

    fn observe(&mut self, record: &LiveRecord) -> Option<Alert> {
        let compound = record.compound.filter(|c| c.is_finite())?;
        self.window.add(record.at_ms, Some(compound), None);
        if SentimentLabel::of(compound) == SentimentLabel::Negative {
            self.negatives.push_back((record.at_ms, record.id));
            if self.negatives.len() > MAX_EVIDENCE {
                self.negatives.pop_front();
            }
        }
        let tally = self.window.last(self.rule.window_ms).sentiment;
        if tally.n_texts() < self.rule.min_texts || tally.net() >= self.rule.below {
            return None;
        }
        let from = record.at_ms - self.rule.window_ms;
        let evidence = self
            .negatives
            .iter()
            .filter(|(at, _)| *at > from)
            .map(|(_, id)| *id)
            .collect();
        Some(Alert {
            kind: AlertKind::NetSentimentLow,
            at_ms: record.at_ms,
            subject: ALL_CHANNELS.to_owned(),
            observed: tally.net(),
            expected: self.rule.below,
            limit: self.rule.below,
            window_ms: self.rule.window_ms,
            evidence,
            message: format!(
                "Net sentiment is {:+.0} over the last {} minutes ({} texts), below {:+.0}.",
                tally.net(),
                self.rule.window_ms / 60_000,
                tally.n_texts(),
                self.rule.below
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: u64, at_ms: i64) -> LiveRecord {
        LiveRecord {
            id,
            at_ms,
            channel: Some("web".into()),
            ..LiveRecord::default()
        }
    }

    /// `per_second[s]` records in second `s`, spread over it; returns every alert.
    fn run(engine: &mut AlertEngine, per_second: &[u64]) -> Vec<Alert> {
        let mut alerts = Vec::new();
        let mut id = 0;
        for (second, &n) in per_second.iter().enumerate() {
            for idx in 0..n {
                let at_ms = second as i64 * 1_000 + (idx * 1_000 / n.max(1)) as i64;
                alerts.extend(engine.push(&record(id, at_ms)));
                id += 1;
            }
        }
        alerts.extend(engine.advance_to(per_second.len() as i64 * 1_000 + 1));
        alerts
    }

    fn volume_only() -> AlertRules {
        AlertRules {
            net_sentiment: None,
            high_value_negative: None,
            term_surge: None,
            ..AlertRules::default()
        }
    }

    /// Between 40 and 60 records a second, in a fixed wobble: nothing unusual.
    fn steady(n_seconds: usize) -> Vec<u64> {
        (0..n_seconds).map(|s| 40 + (s as u64 * 7) % 21).collect()
    }

    #[test]
    fn steady_traffic_fires_nothing() {
        let mut engine = AlertEngine::new(AlertRules::default());
        assert_eq!(run(&mut engine, &steady(600)), []);
    }

    #[test]
    fn a_planted_spike_fires_once_with_its_evidence_and_cooldown() {
        let mut engine = AlertEngine::new(volume_only());
        let mut traffic = steady(120);
        traffic[100] = 400;
        traffic[105] = 400; // within the cooldown: the same incident
        let alerts = run(&mut engine, &traffic);
        let spikes: Vec<&Alert> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::VolumeSpike)
            .collect();
        // Overall and for the web channel (every record is on the web), once each.
        assert_eq!(spikes.len(), 2, "{alerts:#?}");
        let overall = spikes.iter().find(|a| a.subject == ALL_CHANNELS).unwrap();
        assert_eq!(overall.observed, 400.0);
        assert_eq!(overall.at_ms, 101_000);
        assert!((40.0..=60.0).contains(&overall.expected), "{overall:?}");
        assert!(overall.limit < 400.0 && overall.limit > overall.expected);
        assert_eq!(overall.evidence.len(), MAX_EVIDENCE);
        let first_id_of_second_100: u64 = traffic[..100].iter().sum();
        assert_eq!(overall.evidence[0], first_id_of_second_100);
        assert!(overall
            .message
            .starts_with("Volume spike on all channels: 400 records"));

        // After the cooldown the next spike is a new incident.
        let mut engine = AlertEngine::new(volume_only());
        let mut traffic = steady(300);
        traffic[100] = 400;
        traffic[200] = 400;
        let alerts = run(&mut engine, &traffic);
        let at: Vec<i64> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::VolumeSpike && a.subject == ALL_CHANNELS)
            .map(|a| a.at_ms)
            .collect();
        assert_eq!(at, [101_000, 201_000]);
    }

    #[test]
    fn no_spike_before_the_baseline_is_warm() {
        let mut engine = AlertEngine::new(volume_only());
        let mut traffic = steady(20);
        traffic[10] = 400;
        assert_eq!(run(&mut engine, &traffic), []);
    }

    #[test]
    fn silence_after_steady_traffic_is_a_dip() {
        let mut engine = AlertEngine::new(volume_only());
        let mut traffic = steady(100);
        traffic.extend([0, 0, 0]);
        let alerts = run(&mut engine, &traffic);
        let dips: Vec<&Alert> = alerts
            .iter()
            .filter(|a| a.kind == AlertKind::VolumeDip && a.subject == ALL_CHANNELS)
            .collect();
        assert_eq!(dips.len(), 1, "{alerts:#?}");
        assert_eq!(dips[0].at_ms, 101_000);
        assert_eq!(dips[0].observed, 0.0);
    }

    #[test]
    fn net_sentiment_below_the_threshold_fires_with_the_negative_texts() {
        let rules = AlertRules {
            volume: None,
            term_surge: None,
            high_value_negative: None,
            net_sentiment: Some(NetSentimentRule {
                window_ms: 60_000,
                below: -20.0,
                min_texts: 20,
                cooldown_ms: 600_000,
            }),
        };
        let mut engine = AlertEngine::new(rules);
        let mut alerts = Vec::new();
        // Two minutes of mostly happy texts, then a minute of angry ones.
        for idx in 0..180_i64 {
            let compound = if idx < 120 {
                if idx % 4 == 0 {
                    -0.5
                } else {
                    0.6
                }
            } else {
                -0.7
            };
            alerts.extend(engine.push(&LiveRecord {
                id: idx as u64,
                at_ms: idx * 1_000,
                compound: Some(compound),
                ..LiveRecord::default()
            }));
        }
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        let alert = &alerts[0];
        assert_eq!(alert.kind, AlertKind::NetSentimentLow);
        assert!(alert.observed < -20.0);
        assert!(alert.evidence.iter().all(|id| *id >= 60));
        assert!(alert.evidence.contains(&(alert.at_ms as u64 / 1_000)));
    }

    #[test]
    fn a_high_value_customer_posting_negatively_fires_once_per_cooldown() {
        let rules = AlertRules {
            volume: None,
            term_surge: None,
            net_sentiment: None,
            ..AlertRules::default()
        };
        let mut engine = AlertEngine::new(rules);
        let post = |id: u64, at_ms: i64, customer: &str, segment: &str, compound: f64| LiveRecord {
            id,
            at_ms,
            customer: Some(customer.into()),
            segment: Some(segment.into()),
            compound: Some(compound),
            ..LiveRecord::default()
        };
        let mut alerts = Vec::new();
        alerts.extend(engine.push(&post(1, 0, "C1", "Champions", -0.6)));
        alerts.extend(engine.push(&post(2, 1_000, "C1", "Champions", -0.8)));
        alerts.extend(engine.push(&post(3, 2_000, "C2", "Hibernating", -0.9)));
        alerts.extend(engine.push(&post(4, 3_000, "C3", "At Risk", 0.4)));
        alerts.extend(engine.push(&post(5, 4_000, "C3", "At Risk", -0.3)));
        let subjects: Vec<(&str, Vec<u64>)> = alerts
            .iter()
            .map(|a| (a.subject.as_str(), a.evidence.clone()))
            .collect();
        assert_eq!(subjects, [("C1", vec![1]), ("C3", vec![5])]);
        assert!(alerts[0]
            .message
            .starts_with("Champions customer C1 wrote something negative"));
    }

    #[test]
    fn a_surge_of_one_term_fires_and_background_terms_do_not() {
        let rules = AlertRules {
            volume: None,
            net_sentiment: None,
            high_value_negative: None,
            ..AlertRules::default()
        };
        let mut engine = AlertEngine::new(rules);
        let mut alerts = Vec::new();
        let background = ["delivery", "price", "app", "store", "staff"];
        let mut id = 0;
        for minute in 0..30_i64 {
            for idx in 0..50_i64 {
                let mut terms = vec![background[(idx % 5) as usize].to_owned()];
                if minute == 25 && idx < 40 {
                    terms.push("recall".to_owned());
                }
                alerts.extend(engine.push(&LiveRecord {
                    id,
                    at_ms: minute * 60_000 + idx * 1_000,
                    terms,
                    ..LiveRecord::default()
                }));
                id += 1;
            }
        }
        alerts.extend(engine.advance_to(30 * 60_000));
        assert_eq!(alerts.len(), 1, "{alerts:#?}");
        assert_eq!(alerts[0].kind, AlertKind::TermSurge);
        assert_eq!(alerts[0].subject, "recall");
        assert_eq!(alerts[0].observed, 40.0);
        assert_eq!(alerts[0].at_ms, 26 * 60_000);
    }
}
