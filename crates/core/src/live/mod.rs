//! Data in motion: rolling views of a live stream and alerts a marketer can act on.
//!
//! A stream of records (events, posts, orders) arrives one at a time, in roughly the order it
//! happened. Two things are asked of it, both here, both fed one record at a time and both
//! bounded in memory whatever the stream's length:
//!
//! - [`window`]: rolling windows of volume, sentiment and revenue (overall and per channel) at a
//!   per-second and a per-minute resolution, for the live chart and the "last minute / hour /
//!   day" figures.
//! - [`alerts`]: rules that watch the stream and fire with their evidence: a volume spike or dip
//!   against an exponentially weighted baseline (mean ± k·σ, a minimum count, a cooldown), net
//!   sentiment below a threshold over a window, a high-value customer posting negatively, and a
//!   surge of mentions of a term or handle. Every alert carries the baseline, the observed value,
//!   the window and the records that triggered it.
//!
//! Time is the records' own (`at_ms`, milliseconds since 1970), never the clock: a replayed
//! stream fires the same alerts as the live one did, and the tests need no waiting. Like the rest
//! of the core, nothing here does IO.

pub mod alerts;
mod baseline;
pub mod window;

pub use alerts::{Alert, AlertEngine, AlertKind, AlertRules};
pub use baseline::Ewma;
pub use window::{LiveTally, RollingWindow};

/// One record of the stream, as the rules and windows need it.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LiveRecord {
    /// The stream's own id for the record (its position, if it has none).
    pub id: u64,
    /// When it happened, in milliseconds since 1970-01-01 UTC.
    pub at_ms: i64,
    pub channel: Option<String>,
    /// Its text's compound sentiment score, when it has a text.
    pub compound: Option<f64>,
    pub customer: Option<String>,
    /// The customer's segment (an RFM name such as "Champions"), when known.
    pub segment: Option<String>,
    /// Revenue, for an order.
    pub amount: Option<f64>,
    /// The words and @handles of its text that a surge may be about (lower case).
    pub terms: Vec<String>,
}
