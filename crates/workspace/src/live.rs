//! Live streams in the worker: records as they arrive, scored, counted, windowed and watched.
//!
//! [`LiveFeed`] is the synchronous half of the Live view, free of any JavaScript so it runs
//! natively in tests: the runtime (`stream`) hands it every message a stream delivers
//! ([`LiveFeed::receive`]), lets it work through its queue in batches between events
//! ([`LiveFeed::process`]) and asks it for a [`LiveUpdate`] at most every 250 ms.
//!
//! Each JSON record (a message may carry several, one per line: NDJSON) is read as ingestion
//! reads a table: the meaning of each key comes from `converge_core::schema` detection, run on
//! the first records that carry a key never seen before (so a stream of posts, orders and events
//! is understood without configuration). Its role follows: a record with customer text is an
//! interaction, one with an amount an order, anything else an event; unless the user said what
//! the stream's records are ([`LiveFeed::set_role`]), since detection cannot tell an order's
//! note from a review, and then only an interaction's text is scored and only an order's amount
//! is revenue. Its text is scored on
//! arrival (VADER with the social reading, as the worker scores imports); its customer is looked
//! up in the [`LiveDirectory`] (the converged customers and their RFM segments, when computed);
//! then it feeds the rolling windows and the alert engine of `converge_core::live` and the
//! breakdowns by channel, product and segment ([`breakdown`]), and is appended to the live table
//! in columnar chunks (never a rebuild).
//!
//! Nothing is dropped silently: every record received is processed, refused with a reason
//! (counted per reason, with an example), recognised as a duplicate of one already counted (a
//! stream that resends after a reconnect), or still queued; [`LiveCounts`] always adds up.

use std::collections::{HashMap, VecDeque};
use std::io::Cursor;

use converge_core::identity::{CustomerId, IdentityField, IdentityMatcher};
use converge_core::ingest::{ingest, parse_timestamp, ReadOptions};
use converge_core::live::{Alert, AlertEngine, AlertKind, AlertRules, LiveRecord, RollingWindow};
use converge_core::schema::{detect, Field, Overrides};
use converge_core::sentiment::{TextPiece, Vader};
use converge_core::table::instant_text;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::answer::Verbatim;

pub mod breakdown;

use breakdown::KeyedWindows;
pub use breakdown::{LiveBreakdown, LiveBreakdownRow, LiveDimension};

/// Records held waiting to be processed at most; beyond, a record is refused (and counted).
pub const MAX_QUEUED: usize = 1_000_000;
/// The newest scored texts an update carries.
pub const LATEST_VERBATIMS: usize = 50;
/// Seconds of the live chart.
pub const SERIES_SECONDS: usize = 120;
/// Channels drawn besides the total, the busiest in the chart's span.
pub const CHART_CHANNELS: usize = 4;
/// Alerts the feed remembers (the newest).
pub const MAX_ALERTS_KEPT: usize = 200;
/// Rows of one chunk of the live table.
pub const CHUNK_ROWS: usize = 4_096;
/// Rows the live table keeps at most (whole chunks: 244 of [`CHUNK_ROWS`], 999,424 rows). Older
/// rows go a chunk at a time; what they added to the counts, windows and alerts stays.
pub const MAX_TABLE_ROWS: usize = 1_000_000;
/// Keys whose meaning is remembered; further new keys are read as nothing in particular.
const MAX_KEYS: usize = 512;
/// Records of one batch used to detect what new keys mean.
const DETECTION_SAMPLE: usize = 200;
/// Distinct reasons of refusal listed (the rest are counted under the last).
const MAX_FAILURE_REASONS: usize = 16;
/// Words and handles of one text that a surge may be about.
const MAX_TERMS: usize = 12;

/// How a stream is doing, as the connection indicator shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LiveConnection {
    /// No stream and no simulation.
    Off,
    Connecting {
        url: String,
        attempt: u32,
    },
    Live {
        url: String,
        /// When the stream opened (ms since 1970, the worker's clock).
        since_ms: f64,
    },
    /// Lost; the next attempt starts at `retry_at_ms` (ms since 1970), after a wait of `wait_ms`.
    Reconnecting {
        url: String,
        retry_at_ms: f64,
        wait_ms: f64,
        attempt: u32,
        reason: String,
    },
    /// Closed by the worker, which fell behind: it reopens the stream where it left off
    /// (`?from=N`) once the `n_queued` records waiting are processed.
    Paused {
        url: String,
        n_queued: u64,
    },
    /// Ended (the stream said so, or it cannot be reached); nothing more will come.
    Closed {
        url: String,
        reason: String,
    },
    /// The loaded data replayed inside the worker.
    Simulating {
        records_per_second: u32,
        sources: Vec<String>,
    },
}

/// What a record is: detected from its fields, or chosen by the user for a whole stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LiveRole {
    /// Customer text (a post, review, ticket): its text is scored. Chosen, its amounts are not
    /// revenue.
    Interaction,
    /// A purchase: its amount is revenue. Chosen, its text (an order note) is kept but not
    /// scored as customer voice.
    Order,
    /// Anything else (a page view, a login). Chosen, neither scored nor summed.
    Event,
}

impl LiveRole {
    /// `interaction`, `order` or `event`.
    pub fn label(self) -> &'static str {
        match self {
            LiveRole::Interaction => "interaction",
            LiveRole::Order => "order",
            LiveRole::Event => "event",
        }
    }
}

/// Every record received, by what became of it:
/// `n_received == n_processed + n_failed + n_duplicates + n_queued`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LiveCounts {
    pub n_received: u64,
    pub n_processed: u64,
    pub n_failed: u64,
    /// Records tied to a converged customer, and of those, how many the fit's model placed
    /// (no email, handle or customer id of the held data named them).
    pub n_known_customer: u64,
    pub n_placed_by_model: u64,
    /// Records the stream sent again (an id at or below one already counted).
    pub n_duplicates: u64,
    /// Times the stream was paused because the worker fell behind (and resumed where it left
    /// off once it caught up).
    pub n_pauses: u64,
    pub n_queued: u64,
    pub n_interactions: u64,
    pub n_orders: u64,
    pub n_events: u64,
    /// Why records were refused, with how many and an example.
    pub failures: Vec<LiveFailure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveFailure {
    pub reason: String,
    pub n_records: u64,
    /// The start of one refused record, as received.
    pub example: String,
}

/// One second of the chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LivePoint {
    /// The second's start, ms since 1970 (the records' own time).
    pub at_ms: i64,
    pub n_records: u64,
    /// Net sentiment of the second's texts in points (-100 to 100); `None` without texts.
    pub net_sentiment: Option<f64>,
    /// The second's texts, and how many of them read positive and negative (for sums over
    /// several seconds).
    pub n_texts: u32,
    pub n_positive: u32,
    pub n_negative: u32,
}

/// The chart's line for one channel (or all of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveSeries {
    /// `None` for all channels together.
    pub channel: Option<String>,
    pub points: Vec<LivePoint>,
}

/// An alert, with the customer behind it when it is about one the worker knows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveAlert {
    /// Its position among the feed's alerts, from 1.
    pub number: u64,
    pub alert: Alert,
    pub customer: Option<CustomerId>,
}

/// A scored text of the stream, explained word by word as in the Voice view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveVerbatim {
    /// The record's id in the feed (from 1).
    pub record: u64,
    pub at_ms: i64,
    /// The converged customer, when the record's email, handle or customer id names one.
    pub customer: Option<CustomerId>,
    pub segment: Option<String>,
    pub verbatim: Verbatim,
}

/// What the Live view shows, posted at most every 250 ms while a stream runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveUpdate {
    pub connection: LiveConnection,
    pub counts: LiveCounts,
    /// Records processed per second, over the last few seconds.
    pub records_per_second: f64,
    /// How long the oldest queued record has waited, in ms (0 when nothing waits).
    pub lag_ms: f64,
    /// The last id the stream gave (SSE `id:`), or its records counted so far when it gives none.
    pub last_stream_id: Option<u64>,
    /// Volume and net sentiment per second, for all channels and the busiest ones.
    pub series: Vec<LiveSeries>,
    /// The records, texts and revenue of the last minute, hour and day (stream time).
    pub last_minute: Totals,
    pub last_hour: Totals,
    pub last_day: Totals,
    /// The same spans by channel, by product and by customer segment, in that order.
    pub breakdowns: Vec<LiveBreakdown>,
    /// Alerts fired since the previous update, oldest first.
    pub new_alerts: Vec<LiveAlert>,
    /// The newest scored texts, newest first.
    pub latest: Vec<LiveVerbatim>,
    pub rules: AlertRules,
    /// What the user said the stream's records are; `None`: detected record by record.
    pub role: Option<LiveRole>,
    /// Whether customers were converged (and segments computed) when the feed started.
    pub n_known_customers: u64,
    pub segments_known: bool,
    /// Rows of the live table (the newest, at most about [`MAX_TABLE_ROWS`]).
    pub n_rows: u64,
    /// Older rows the table let go to stay within [`MAX_TABLE_ROWS`]: still counted, windowed
    /// and alerted on, but no longer opened as evidence.
    pub n_rows_dropped: u64,
}

/// Sums over a span of the stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub n_records: u64,
    pub n_texts: u32,
    pub net_sentiment: Option<f64>,
    pub revenue: f64,
}

/// Who the stream's customers are: normalised emails, handles and customer ids of the held
/// datasets, with the converged customer and RFM segment behind each; and, once customers are
/// converged, the fit's model, which places a record no key names (a name and a postcode, a
/// phone number) as the fit would have.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveDirectory {
    by_key: HashMap<String, Known>,
    pub(crate) n_customers: u64,
    pub(crate) segments_known: bool,
    matcher: Option<SharedMatcher>,
    /// Each customer's segment, for a customer the model found.
    segment_of: HashMap<CustomerId, String>,
}

/// The convergence's matcher, shared by the feeds built from one directory (compared by
/// identity: two directories hold the same matcher or not).
#[derive(Debug, Clone)]
struct SharedMatcher(std::sync::Arc<IdentityMatcher>);

impl PartialEq for SharedMatcher {
    fn eq(&self, other: &SharedMatcher) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What identity resolution compares of a record, by the meaning of its keys.
const IDENTITY_FIELDS: [(Field, IdentityField); 11] = [
    (Field::Email, IdentityField::Email),
    (Field::Phone, IdentityField::Phone),
    (Field::Handle, IdentityField::Handle),
    (Field::CustomerId, IdentityField::CustomerKey),
    (Field::FirstName, IdentityField::FirstName),
    (Field::LastName, IdentityField::LastName),
    (Field::FullName, IdentityField::FullName),
    (Field::Address, IdentityField::Address),
    (Field::Postcode, IdentityField::Postcode),
    (Field::City, IdentityField::City),
    (Field::BirthDate, IdentityField::BirthDate),
];

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Known {
    pub customer: Option<CustomerId>,
    pub segment: Option<String>,
}

impl LiveDirectory {
    /// Remembers what `raw` (a value of `field`) stands for; a value known already keeps what
    /// it has and gains what it lacked.
    pub(crate) fn insert(&mut self, field: Field, raw: &str, known: Known) {
        let Some(key) = directory_key(field, raw) else {
            return;
        };
        let entry = self.by_key.entry(key).or_default();
        if entry.customer.is_none() {
            entry.customer = known.customer;
        }
        if entry.segment.is_none() {
            entry.segment = known.segment;
        }
    }

    pub(crate) fn lookup(&self, field: Field, raw: &str) -> Option<&Known> {
        self.by_key.get(&directory_key(field, raw)?)
    }

    /// Gives every key of a customer the segment another of its keys has.
    pub(crate) fn spread_segments(&mut self) {
        let mut segment_of: HashMap<CustomerId, String> = HashMap::new();
        for known in self.by_key.values() {
            if let (Some(customer), Some(segment)) = (known.customer, &known.segment) {
                segment_of
                    .entry(customer)
                    .or_insert_with(|| segment.clone());
            }
        }
        for known in self.by_key.values_mut() {
            if known.segment.is_none() {
                known.segment = known.customer.and_then(|c| segment_of.get(&c).cloned());
            }
        }
        self.segment_of = segment_of;
    }

    /// Places records no key names with the convergence's model.
    pub(crate) fn set_matcher(&mut self, matcher: IdentityMatcher) {
        self.matcher = Some(SharedMatcher(std::sync::Arc::new(matcher)));
    }

    /// The customer the model places a record with these identity values with, and its
    /// segment; `None` without a convergence or a match at its threshold.
    pub(crate) fn place(&self, values: &[(IdentityField, &str)]) -> Option<Known> {
        let found = self.matcher.as_ref()?.0.find(values)?;
        Some(Known {
            customer: Some(found.customer),
            segment: self.segment_of.get(&found.customer).cloned(),
        })
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}

/// The one spelling of an identifier the directory compares: emails and handles as identity
/// resolution normalises them, customer ids trimmed.
fn directory_key(field: Field, raw: &str) -> Option<String> {
    use converge_core::identity::normalise;
    match field {
        Field::Email => normalise::email(raw, normalise::EmailRules::default())
            .map(|email| format!("email:{email}")),
        Field::Handle => normalise::handle(raw).map(|handle| format!("handle:{handle}")),
        Field::CustomerId => {
            let id = raw.trim();
            (!id.is_empty()).then(|| format!("id:{id}"))
        }
        _ => None,
    }
}

/// A message waiting to be processed.
#[derive(Debug)]
struct Incoming {
    stream_id: Option<u64>,
    data: String,
    received_ms: f64,
    /// What its source says the record is (a simulated dataset's role), if it says.
    role: Option<LiveRole>,
}

/// The live table: the newest processed records, in chunks of [`CHUNK_ROWS`] columns, at most
/// [`MAX_TABLE_ROWS`]; the oldest chunk goes whole when a new one would pass the limit, so
/// memory stays bounded however long the stream runs.
#[derive(Debug)]
pub struct LiveTable {
    chunks: VecDeque<LiveChunk>,
    chunk_rows: usize,
    max_chunks: usize,
    /// Rows held.
    n_rows: u64,
    /// Rows let go, the oldest: the first held row's id is `n_dropped + 1`.
    n_dropped: u64,
}

impl Default for LiveTable {
    fn default() -> LiveTable {
        LiveTable::with_capacity(CHUNK_ROWS, MAX_TABLE_ROWS / CHUNK_ROWS)
    }
}

/// One chunk of the live table, column by column.
#[derive(Debug, Default)]
struct LiveChunk {
    ids: Vec<u64>,
    at_ms: Vec<i64>,
    roles: Vec<LiveRole>,
    channels: Vec<Option<String>>,
    customers: Vec<Option<String>>,
    customer_ids: Vec<Option<CustomerId>>,
    segments: Vec<Option<String>>,
    texts: Vec<Option<String>>,
    products: Vec<Option<String>>,
    compounds: Vec<f32>,
    amounts: Vec<f64>,
}

/// A queued record and its object (or why it is none).
type Parsed = (Incoming, Result<Map<String, Json>, String>);

/// One processed record, on its way into the table.
struct Row {
    record: LiveRecord,
    role: LiveRole,
    text: Option<String>,
    product: Option<String>,
    customer_id: Option<CustomerId>,
}

impl LiveTable {
    /// A table of at most `max_chunks` chunks of `chunk_rows` rows (each at least 1).
    fn with_capacity(chunk_rows: usize, max_chunks: usize) -> LiveTable {
        LiveTable {
            chunks: VecDeque::new(),
            chunk_rows: chunk_rows.max(1),
            max_chunks: max_chunks.max(1),
            n_rows: 0,
            n_dropped: 0,
        }
    }

    fn push(&mut self, row: Row) {
        if self
            .chunks
            .back()
            .is_none_or(|chunk| chunk.ids.len() >= self.chunk_rows)
        {
            if self.chunks.len() >= self.max_chunks {
                if let Some(oldest) = self.chunks.pop_front() {
                    let n = oldest.ids.len() as u64;
                    self.n_rows -= n;
                    self.n_dropped += n;
                }
            }
            self.chunks.push_back(LiveChunk::default());
        }
        let Some(chunk) = self.chunks.back_mut() else {
            return;
        };
        let record = row.record;
        chunk.ids.push(record.id);
        chunk.at_ms.push(record.at_ms);
        chunk.roles.push(row.role);
        chunk.channels.push(record.channel);
        chunk.customers.push(record.customer);
        chunk.customer_ids.push(row.customer_id);
        chunk.segments.push(record.segment);
        chunk.texts.push(row.text);
        chunk.products.push(row.product);
        chunk
            .compounds
            .push(record.compound.map_or(f32::NAN, |c| c as f32));
        chunk.amounts.push(record.amount.unwrap_or(f64::NAN));
        self.n_rows += 1;
    }

    /// The rows held as JSON Lines, oldest first, one object per record with its time, role,
    /// channel, product, customer (as the stream named it, and the converged one), segment,
    /// text, sentiment and amount (keys without a value left out): what an import reads.
    fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for chunk in &self.chunks {
            for row in 0..chunk.ids.len() {
                let (Some(id), Some(at_ms), Some(role)) = (
                    chunk.ids.get(row),
                    chunk.at_ms.get(row),
                    chunk.roles.get(row),
                ) else {
                    continue;
                };
                let mut object = Map::new();
                object.insert("record".to_owned(), Json::from(*id));
                object.insert("timestamp".to_owned(), Json::from(instant_text(*at_ms)));
                object.insert("role".to_owned(), Json::from(role.label()));
                let texts = [
                    ("channel", &chunk.channels),
                    ("product", &chunk.products),
                    ("customer", &chunk.customers),
                    ("segment", &chunk.segments),
                    ("text", &chunk.texts),
                ];
                for (key, column) in texts {
                    if let Some(Some(value)) = column.get(row) {
                        object.insert(key.to_owned(), Json::from(value.as_str()));
                    }
                }
                if let Some(Some(customer)) = chunk.customer_ids.get(row) {
                    object.insert("converged_customer".to_owned(), Json::from(customer.0));
                }
                let numbers = [
                    ("sentiment", chunk.compounds.get(row).map(|c| f64::from(*c))),
                    ("amount", chunk.amounts.get(row).copied()),
                ];
                for (key, value) in numbers {
                    if let Some(value) = value.filter(|v| v.is_finite()) {
                        object.insert(key.to_owned(), Json::from(value));
                    }
                }
                out.push_str(&Json::Object(object).to_string());
                out.push('\n');
            }
        }
        out
    }

    /// Rows held.
    pub fn n_rows(&self) -> u64 {
        self.n_rows
    }

    /// Rows let go to stay within the limit.
    pub fn n_dropped(&self) -> u64 {
        self.n_dropped
    }

    /// Rows ever appended: the id of the last one.
    fn n_appended(&self) -> u64 {
        self.n_rows + self.n_dropped
    }

    /// The record with feed id `id` (ids are 1, 2, 3… in table order); `None` for an id let go
    /// or not yet given.
    fn row(&self, id: u64) -> Option<(&LiveChunk, usize)> {
        let idx = usize::try_from(id.checked_sub(self.n_dropped + 1)?).ok()?;
        let chunk = self.chunks.get(idx / self.chunk_rows)?;
        let row = idx % self.chunk_rows;
        (chunk.ids.get(row) == Some(&id)).then_some((chunk, row))
    }
}

/// A text kept for the "latest verbatims" list, explained only when an update shows it.
#[derive(Debug, Clone)]
struct Latest {
    id: u64,
    explained: Option<LiveVerbatim>,
}

/// The meaning of each key the stream's records carry.
#[derive(Debug, Default)]
struct KeyFields {
    by_key: HashMap<String, Option<Field>>,
}

impl KeyFields {
    fn knows_all(&self, object: &Map<String, Json>) -> bool {
        object.keys().all(|key| self.by_key.contains_key(key))
    }

    /// Detects the meaning of the new keys of `sample` (records as JSON objects) by ingesting
    /// them as a small JSON Lines table and running schema detection on it, as an import would.
    fn learn(&mut self, sample: &[&Map<String, Json>]) {
        let mut ndjson = String::new();
        for object in sample.iter().take(DETECTION_SAMPLE) {
            ndjson.push_str(&Json::Object((*object).clone()).to_string());
            ndjson.push('\n');
        }
        let detected: HashMap<String, Option<Field>> = ingest(
            "stream.jsonl",
            Cursor::new(ndjson.into_bytes()),
            ReadOptions::default(),
        )
        .map(|ingested| {
            detect(&ingested.table, &Overrides::default())
                .fields
                .into_iter()
                .map(|guess| (guess.column, guess.field))
                .collect()
        })
        .unwrap_or_default();
        for object in sample {
            for key in object.keys() {
                if self.by_key.len() >= MAX_KEYS {
                    return;
                }
                if !self.by_key.contains_key(key) {
                    let field = detected.get(key).copied().flatten();
                    self.by_key.insert(key.clone(), field);
                }
            }
        }
    }

    /// The first key of `object` meaning `field`.
    fn value<'a>(&self, object: &'a Map<String, Json>, field: Field) -> Option<&'a Json> {
        object
            .iter()
            .find(|(key, value)| {
                !value.is_null() && self.by_key.get(*key).copied().flatten() == Some(field)
            })
            .map(|(_, value)| value)
    }
}

/// The feed: queue in, windows, alerts, table and updates out.
pub struct LiveFeed {
    vader: Vader,
    fields: KeyFields,
    directory: LiveDirectory,
    engine: AlertEngine,
    /// What the user said the records are, if they did.
    role: Option<LiveRole>,
    overall: RollingWindow,
    /// Per-minute buckets over the last day: the last hour and day figures.
    day: RollingWindow,
    /// The last minute, hour and day by channel, product and segment.
    by_channel: KeyedWindows,
    by_product: KeyedWindows,
    by_segment: KeyedWindows,
    queue: VecDeque<Incoming>,
    counts: LiveCounts,
    last_stream_id: Option<u64>,
    /// Records taken from the stream, for a resume when it gives no ids.
    n_from_stream: u64,
    /// The latest record time seen, once the stream carries times.
    stream_ms: Option<i64>,
    table: LiveTable,
    latest: VecDeque<Latest>,
    fresh_alerts: Vec<LiveAlert>,
    n_alerts: u64,
    /// (when, records processed then), for the rate.
    rate_marks: VecDeque<(f64, u64)>,
}

impl std::fmt::Debug for LiveFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveFeed")
            .field("counts", &self.counts)
            .finish_non_exhaustive()
    }
}

impl LiveFeed {
    pub fn new(rules: AlertRules, directory: LiveDirectory) -> LiveFeed {
        LiveFeed {
            vader: Vader::shared().clone().with_social_reading(true),
            fields: KeyFields::default(),
            directory,
            engine: AlertEngine::new(rules),
            role: None,
            overall: RollingWindow::new(1_000, SERIES_SECONDS),
            day: RollingWindow::new(60_000, 24 * 60),
            by_channel: KeyedWindows::new(LiveDimension::Channel),
            by_product: KeyedWindows::new(LiveDimension::Product),
            by_segment: KeyedWindows::new(LiveDimension::Segment),
            queue: VecDeque::new(),
            counts: LiveCounts::default(),
            last_stream_id: None,
            n_from_stream: 0,
            stream_ms: None,
            table: LiveTable::default(),
            latest: VecDeque::new(),
            fresh_alerts: Vec::new(),
            n_alerts: 0,
            rate_marks: VecDeque::new(),
        }
    }

    /// Replaces the alert rules; baselines start again from what comes next.
    pub fn set_rules(&mut self, rules: AlertRules) {
        self.engine = AlertEngine::new(rules);
    }

    pub fn rules(&self) -> &AlertRules {
        self.engine.rules()
    }

    /// Says what the records that follow are (`None`: detected from each record's fields).
    pub fn set_role(&mut self, role: Option<LiveRole>) {
        self.role = role;
    }

    /// Replaces who the customers are (after a convergence or a segmentation).
    pub fn set_directory(&mut self, directory: LiveDirectory) {
        self.directory = directory;
    }

    /// Where a resumed stream should start: the last id it gave, else how many records it sent.
    pub fn resume_after(&self) -> u64 {
        self.last_stream_id.unwrap_or(self.n_from_stream)
    }

    /// Forgets the position in the stream (a new URL starts from its beginning).
    pub fn restart_stream(&mut self) {
        self.last_stream_id = None;
        self.n_from_stream = 0;
    }

    /// Takes one message of the stream: one record, or several as JSON Lines. `stream_id` is its
    /// SSE id, if any. Nothing is processed yet; a full queue refuses the record, counted.
    pub fn receive(&mut self, stream_id: Option<u64>, data: &str, now_ms: f64) {
        self.receive_as(None, stream_id, data, now_ms);
    }

    /// As [`LiveFeed::receive`], for records whose source says what they are (`role`; `None`:
    /// the feed's role, chosen or detected).
    pub fn receive_as(
        &mut self,
        role: Option<LiveRole>,
        stream_id: Option<u64>,
        data: &str,
        now_ms: f64,
    ) {
        let mut lines = data
            .lines()
            .filter(|line| !line.trim().is_empty())
            .peekable();
        if lines.peek().is_none() {
            return;
        }
        let several = data.lines().filter(|l| !l.trim().is_empty()).count() > 1;
        for line in lines {
            self.counts.n_received += 1;
            if self.queue.len() >= MAX_QUEUED {
                self.fail(
                    "the queue was full (the stream sends faster than it can be scored)",
                    line,
                );
                continue;
            }
            self.queue.push_back(Incoming {
                // Only a message of one record can carry its id.
                stream_id: if several { None } else { stream_id },
                data: line.to_owned(),
                received_ms: now_ms,
                role,
            });
        }
        self.counts.n_queued = self.queue.len() as u64;
    }

    /// Counts a pause of the stream (the worker fell behind).
    pub fn paused(&mut self) {
        self.counts.n_pauses += 1;
    }

    pub fn n_queued(&self) -> usize {
        self.queue.len()
    }

    /// Processes up to `max_records` queued records; returns how many it took. A record without
    /// a time of its own happens when it arrived (not when it is processed).
    pub fn process(&mut self, max_records: usize) -> usize {
        let n = max_records.min(self.queue.len());
        let batch: Vec<Incoming> = self.queue.drain(..n).collect();
        let parsed: Vec<Parsed> = batch
            .into_iter()
            .map(|incoming| {
                let parsed = match serde_json::from_str::<Json>(&incoming.data) {
                    Ok(Json::Object(object)) => Ok(object),
                    Ok(_) => Err("not a JSON object".to_owned()),
                    Err(err) => Err(format!("not JSON ({err})")),
                };
                (incoming, parsed)
            })
            .collect();
        let unknown: Vec<&Map<String, Json>> = parsed
            .iter()
            .filter_map(|(_, parsed)| parsed.as_ref().ok())
            .filter(|object| !self.fields.knows_all(object))
            .collect();
        if !unknown.is_empty() {
            self.fields.learn(&unknown);
        }
        for (incoming, parsed) in parsed {
            if let Some(id) = incoming.stream_id {
                if self.last_stream_id.is_some_and(|last| id <= last) {
                    self.counts.n_duplicates += 1;
                    continue;
                }
                self.last_stream_id = Some(id);
            }
            self.n_from_stream += 1;
            match parsed {
                Ok(object) => {
                    let role = incoming.role.or(self.role);
                    self.take(&object, incoming.received_ms, role);
                }
                Err(reason) => self.fail(&reason, &incoming.data),
            }
        }
        self.counts.n_queued = self.queue.len() as u64;
        n
    }

    /// Advances stream time without records (for a dip, or a bucket that closes in silence).
    pub fn advance_to(&mut self, at_ms: i64) {
        let alerts = self.engine.advance_to(at_ms);
        self.keep_alerts(alerts, None);
    }

    fn fail(&mut self, reason: &str, data: &str) {
        self.counts.n_failed += 1;
        let example: String = data.chars().take(120).collect();
        if let Some(failure) = self
            .counts
            .failures
            .iter_mut()
            .find(|failure| failure.reason == reason)
        {
            failure.n_records += 1;
        } else if self.counts.failures.len() < MAX_FAILURE_REASONS {
            self.counts.failures.push(LiveFailure {
                reason: reason.to_owned(),
                n_records: 1,
                example,
            });
        } else if let Some(last) = self.counts.failures.last_mut() {
            last.n_records += 1;
        }
    }

    /// One well-formed record: scored, looked up, windowed, watched and kept. `chosen` is what
    /// the record is when the user (or its source) said so; else its fields decide.
    fn take(&mut self, object: &Map<String, Json>, now_ms: f64, chosen: Option<LiveRole>) {
        let fields = &self.fields;
        let text = fields
            .value(object, Field::Text)
            .and_then(Json::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned);
        let amount = fields.value(object, Field::Amount).and_then(number);
        let at_ms = fields
            .value(object, Field::Timestamp)
            .and_then(instant)
            .inspect(|&at| self.stream_ms = Some(self.stream_ms.map_or(at, |s| s.max(at))))
            .or(self.stream_ms)
            .unwrap_or(now_ms as i64);
        let channel = fields
            .value(object, Field::Channel)
            .and_then(text_of)
            .filter(|c| !c.is_empty());
        let product = fields.value(object, Field::Product).and_then(text_of);
        let mut customer = None;
        let mut known = None;
        for field in [Field::CustomerId, Field::Email, Field::Handle] {
            if let Some(raw) = fields.value(object, field).and_then(text_of) {
                if known.is_none() {
                    known = self.directory.lookup(field, &raw).cloned();
                }
                customer.get_or_insert(raw);
            }
        }
        if known.is_none() && self.directory.matcher.is_some() {
            let values: Vec<(IdentityField, String)> = IDENTITY_FIELDS
                .iter()
                .filter_map(|(field, identity)| {
                    Some((*identity, fields.value(object, *field).and_then(text_of)?))
                })
                .collect();
            let values: Vec<(IdentityField, &str)> =
                values.iter().map(|(f, v)| (*f, v.as_str())).collect();
            known = self.directory.place(&values);
            if known.is_some() {
                self.counts.n_placed_by_model += 1;
            }
        }
        if known.as_ref().is_some_and(|k| k.customer.is_some()) {
            self.counts.n_known_customer += 1;
        }
        let detected = if text.is_some() {
            LiveRole::Interaction
        } else if amount.is_some() {
            LiveRole::Order
        } else {
            LiveRole::Event
        };
        let role = chosen.unwrap_or(detected);
        // Detected, a record's text is customer voice and its amount revenue. Chosen, only an
        // interaction's text is voice (an order's note is not) and only an order's amount revenue.
        let (voice, amount) = match chosen {
            None => (text.as_deref(), amount),
            Some(LiveRole::Interaction) => (text.as_deref(), None),
            Some(LiveRole::Order) => (None, amount),
            Some(LiveRole::Event) => (None, None),
        };
        let compound = voice.map(|text| self.vader.score(text).compound);
        let terms = voice.map(terms_of).unwrap_or_default();
        let id = self.table.n_appended() + 1;
        let (customer_id, segment) = known.map_or((None, None), |k| (k.customer, k.segment));
        let record = LiveRecord {
            id,
            at_ms,
            channel,
            compound,
            customer,
            segment,
            amount,
            terms,
        };
        self.overall.add(at_ms, compound, amount);
        self.day.add(at_ms, compound, amount);
        self.by_channel
            .add(record.channel.as_deref(), at_ms, compound, amount);
        self.by_product
            .add(product.as_deref(), at_ms, compound, amount);
        self.by_segment
            .add(record.segment.as_deref(), at_ms, compound, amount);
        let alerts = self.engine.push(&record);
        self.keep_alerts(alerts, customer_id);
        match role {
            LiveRole::Interaction => self.counts.n_interactions += 1,
            LiveRole::Order => self.counts.n_orders += 1,
            LiveRole::Event => self.counts.n_events += 1,
        }
        self.counts.n_processed += 1;
        if compound.is_some() {
            self.latest.push_front(Latest {
                id,
                explained: None,
            });
            self.latest.truncate(LATEST_VERBATIMS);
        }
        self.table.push(Row {
            record,
            role,
            text,
            product,
            customer_id,
        });
    }

    fn keep_alerts(&mut self, alerts: Vec<Alert>, customer: Option<CustomerId>) {
        for alert in alerts {
            self.n_alerts += 1;
            let customer = (alert.kind == AlertKind::HighValueNegative)
                .then_some(customer)
                .flatten();
            self.fresh_alerts.push(LiveAlert {
                number: self.n_alerts,
                alert,
                customer,
            });
        }
        // The page keeps the feed; the worker holds what an update has not taken yet, bounded.
        let excess = self.fresh_alerts.len().saturating_sub(MAX_ALERTS_KEPT);
        self.fresh_alerts.drain(..excess);
    }

    /// The live table's rows (the newest [`MAX_TABLE_ROWS`] at most) as JSON Lines, for an
    /// import that makes them a dataset of the other views; `None` while it holds none.
    pub fn as_json_lines(&self) -> Option<String> {
        (self.table.n_rows() > 0).then(|| self.table.to_json_lines())
    }

    /// The records with these feed ids, explained (texts) or described (orders and events).
    pub fn records(&self, ids: &[u64]) -> Vec<LiveVerbatim> {
        ids.iter().filter_map(|&id| self.explain(id)).collect()
    }

    fn explain(&self, id: u64) -> Option<LiveVerbatim> {
        let (chunk, row) = self.table.row(id)?;
        let at_ms = *chunk.at_ms.get(row)?;
        let text = chunk.texts.get(row).cloned().flatten();
        let scored = chunk.compounds.get(row).is_some_and(|c| c.is_finite());
        let (score, pieces) = match &text {
            Some(text) if scored => {
                let explained = self.vader.explain_text(text);
                (explained.score, explained.pieces)
            }
            // Not customer voice: said plainly, unscored.
            _ => {
                let amount = chunk.amounts.get(row).copied().filter(|a| a.is_finite());
                let what = match (chunk.roles.get(row), amount) {
                    (Some(LiveRole::Order), Some(amount)) => format!("An order of {amount:.2}."),
                    (Some(LiveRole::Order), None) => "An order (no amount).".to_owned(),
                    (Some(LiveRole::Interaction), _) => "An interaction (no text).".to_owned(),
                    _ => "An event.".to_owned(),
                };
                let described = match &text {
                    Some(text) => format!("{what} Its text (not read as customer voice): {text}"),
                    None if what == "An event." => "An event (no text).".to_owned(),
                    None => what,
                };
                let piece = TextPiece {
                    text: described,
                    valence: 0.0,
                    rules: Vec::new(),
                    reading: None,
                };
                (self.vader.score(""), vec![piece])
            }
        };
        Some(LiveVerbatim {
            record: id,
            at_ms,
            customer: chunk.customer_ids.get(row).copied().flatten(),
            segment: chunk.segments.get(row).cloned().flatten(),
            verbatim: Verbatim {
                row: id.saturating_sub(1),
                day: Some(at_ms.div_euclid(86_400_000) as i32),
                channel: chunk.channels.get(row).cloned().flatten(),
                customer: chunk.customers.get(row).cloned().flatten(),
                score,
                pieces,
            },
        })
    }

    /// What the view shows now; takes the alerts fired since the last update.
    pub fn update(&mut self, now_ms: f64, connection: LiveConnection) -> LiveUpdate {
        self.rate_marks.push_back((now_ms, self.counts.n_processed));
        while self
            .rate_marks
            .front()
            .is_some_and(|(at, _)| now_ms - at > 5_000.0)
        {
            self.rate_marks.pop_front();
        }
        let records_per_second = match (self.rate_marks.front(), self.rate_marks.back()) {
            (Some((t0, n0)), Some((t1, n1))) if t1 - t0 >= 200.0 => {
                (n1 - n0) as f64 / ((t1 - t0) / 1_000.0)
            }
            _ => 0.0,
        };
        let lag_ms = self
            .queue
            .front()
            .map_or(0.0, |oldest| (now_ms - oldest.received_ms).max(0.0));
        let ids: Vec<u64> = self
            .latest
            .iter()
            .filter(|l| l.explained.is_none())
            .map(|l| l.id)
            .collect();
        let explained: HashMap<u64, LiveVerbatim> = ids
            .into_iter()
            .filter_map(|id| self.explain(id).map(|v| (id, v)))
            .collect();
        let mut latest = Vec::with_capacity(self.latest.len());
        for kept in self.latest.iter_mut() {
            if kept.explained.is_none() {
                kept.explained = explained.get(&kept.id).cloned();
            }
            if let Some(verbatim) = &kept.explained {
                latest.push(verbatim.clone());
            }
        }
        LiveUpdate {
            connection,
            counts: self.counts.clone(),
            records_per_second,
            lag_ms,
            last_stream_id: self.last_stream_id.or(Some(self.n_from_stream)),
            series: self.series(),
            last_minute: totals(&self.overall, 60_000),
            last_hour: totals(&self.day, 3_600_000),
            last_day: totals(&self.day, 86_400_000),
            breakdowns: vec![
                self.by_channel.breakdown(breakdown::BREAKDOWN_ROWS),
                self.by_product.breakdown(breakdown::BREAKDOWN_ROWS),
                self.by_segment.breakdown(breakdown::BREAKDOWN_ROWS),
            ],
            new_alerts: std::mem::take(&mut self.fresh_alerts),
            latest,
            rules: self.engine.rules().clone(),
            role: self.role,
            n_known_customers: self.directory.n_customers,
            segments_known: self.directory.segments_known,
            n_rows: self.table.n_rows(),
            n_rows_dropped: self.table.n_dropped(),
        }
    }

    fn series(&self) -> Vec<LiveSeries> {
        let mut series = vec![LiveSeries {
            channel: None,
            points: points(&self.overall),
        }];
        // The channels' lines come from the breakdown's per-second windows of each channel.
        let mut busiest: Vec<(&str, &RollingWindow, u64)> = self
            .by_channel
            .seconds()
            .map(|(name, window)| {
                let n = window.last(SERIES_SECONDS as i64 * 1_000).n_records;
                (name, window, n)
            })
            .filter(|(_, _, n)| *n > 0)
            .collect();
        busiest.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        for (name, window, _) in busiest.into_iter().take(CHART_CHANNELS) {
            let mut window = window.clone();
            // Every line ends where the stream is, so they share the chart's time axis.
            if let Some(now) = self.overall.series().last().map(|(start, _)| *start) {
                window.advance_to(now);
            }
            series.push(LiveSeries {
                channel: Some(name.to_owned()),
                points: points(&window),
            });
        }
        series
    }
}

fn points(window: &RollingWindow) -> Vec<LivePoint> {
    window
        .series()
        .into_iter()
        .map(|(at_ms, tally)| LivePoint {
            at_ms,
            n_records: tally.n_records,
            net_sentiment: (tally.sentiment.n_texts() > 0).then(|| tally.sentiment.net()),
            n_texts: tally.sentiment.n_texts(),
            n_positive: tally.sentiment.n_positive,
            n_negative: tally.sentiment.n_negative,
        })
        .collect()
}

fn totals(window: &RollingWindow, span_ms: i64) -> Totals {
    let tally = window.last(span_ms);
    Totals {
        n_records: tally.n_records,
        n_texts: tally.sentiment.n_texts(),
        net_sentiment: (tally.sentiment.n_texts() > 0).then(|| tally.sentiment.net()),
        revenue: tally.revenue,
    }
}

/// A number, or a text that spells one (`"12.50"`).
fn number(value: &Json) -> Option<f64> {
    match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|n| n.is_finite())
}

/// An instant: ISO 8601 text, or a number of seconds or milliseconds since 1970.
fn instant(value: &Json) -> Option<i64> {
    match value {
        Json::String(s) => parse_timestamp(s).or_else(|| {
            converge_core::table::day_of_text(s).map(|day| i64::from(day) * 86_400_000)
        }),
        Json::Number(n) => {
            let n = n.as_f64()?;
            // Below 10^11 it is seconds (until the year 5138), above milliseconds.
            let ms = if n.abs() < 1e11 { n * 1_000.0 } else { n };
            ms.is_finite().then_some(ms as i64)
        }
        _ => None,
    }
}

fn text_of(value: &Json) -> Option<String> {
    match value {
        Json::String(s) => Some(s.trim().to_owned()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The @handles, #hashtags and longer words of a text, lower case, each once.
fn terms_of(text: &str) -> Vec<String> {
    const STOP: [&str; 24] = [
        "this", "that", "with", "have", "from", "they", "what", "just", "your", "were", "been",
        "will", "about", "would", "there", "their", "when", "which", "than", "them", "then",
        "very", "really", "into",
    ];
    let mut terms: Vec<String> = Vec::new();
    for raw in text.split_whitespace() {
        let word =
            raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '@' && c != '#' && c != '_');
        let word = word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '_');
        let is_tag = word.starts_with('@') || word.starts_with('#');
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if word.starts_with("http") || (!is_tag && letters < 4) || (is_tag && word.len() < 2) {
            continue;
        }
        let lower = word.to_lowercase();
        if !is_tag && STOP.contains(&lower.as_str()) {
            continue;
        }
        if !terms.contains(&lower) {
            terms.push(lower);
        }
        if terms.len() >= MAX_TERMS {
            break;
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> LiveFeed {
        LiveFeed::new(AlertRules::default(), LiveDirectory::default())
    }

    fn post(id: u64, second: i64, text: &str, channel: &str) -> String {
        serde_json::json!({
            "post_id": id,
            "timestamp": format!("2026-01-01T00:{:02}:{:02}Z", second / 60, second % 60),
            "channel": channel,
            "text": text,
        })
        .to_string()
    }

    fn check_counts(feed: &LiveFeed) {
        let c = &feed.counts;
        assert_eq!(
            c.n_received,
            c.n_processed + c.n_failed + c.n_duplicates + c.n_queued,
            "{c:?}"
        );
    }

    /// The live records kept as a dataset: one JSON line each, oldest first, with what the
    /// feed made of them, read back by ingestion as any import.
    #[test]
    fn the_live_records_are_kept_as_a_dataset() {
        use converge_core::table::Value;
        let mut feed = feed();
        assert!(feed.as_json_lines().is_none(), "nothing held yet");
        feed.receive(None, &post(1, 1, "I love this so much!", "twitter"), 0.0);
        let order = serde_json::json!({
            "order_id": "O1", "timestamp": "2026-01-01T00:00:02Z", "amount": 12.5,
            "product": "desk lamp", "channel": "web",
        });
        feed.receive(None, &order.to_string(), 0.0);
        feed.receive(None, &post(3, 3, "Worst service ever.", "twitter"), 0.0);
        feed.process(10);
        let lines = feed.as_json_lines().unwrap();
        let kept = ingest(
            "live_stream.jsonl",
            Cursor::new(lines.into_bytes()),
            ReadOptions::default(),
        )
        .unwrap();
        let table = &kept.table;
        assert_eq!(table.n_rows(), 3);
        assert_eq!(kept.report.rows_rejected, 0);
        let cell = |column: &str, row: usize| table.column(column).unwrap().display(row);
        assert_eq!(cell("record", 0).as_deref(), Some("1"));
        assert_eq!(cell("role", 0).as_deref(), Some("interaction"));
        assert_eq!(cell("role", 1).as_deref(), Some("order"));
        assert_eq!(cell("text", 0).as_deref(), Some("I love this so much!"));
        assert_eq!(cell("text", 1), None);
        assert_eq!(cell("product", 1).as_deref(), Some("desk lamp"));
        assert_eq!(cell("channel", 2).as_deref(), Some("twitter"));
        assert_eq!(
            table.column("timestamp").unwrap().get(1),
            Value::Timestamp(1_767_225_602_000)
        );
        let amount = table.column("amount").unwrap();
        assert_eq!(amount.get(1), Value::Decimal(12.5));
        assert_eq!(amount.get(0), Value::Null);
        // vaderSentiment 3.3.2: "I love this so much!" 0.6696; "Worst service ever." -0.6249.
        let sentiment = table.column("sentiment").unwrap();
        let score = |row: usize| match sentiment.get(row) {
            Value::Decimal(score) => score,
            other => panic!("{other:?}"),
        };
        assert!((score(0) - 0.6696).abs() < 1e-3, "{}", score(0));
        assert!((score(2) + 0.6249).abs() < 1e-3, "{}", score(2));
        let schema = detect(table, &Overrides::default());
        assert_eq!(schema.text_column(), Some("text"));
    }

    /// The chart: all channels, then each channel busiest first, every line a point per second
    /// over the chart's span ending at the stream's latest second.
    #[test]
    fn the_chart_has_a_line_per_channel_on_one_time_axis() {
        let mut feed = feed();
        let posts = [
            (1, "web"),
            (1, "web"),
            (1, "web"),
            (2, "app"),
            (2, "app"),
            (2, "web"),
        ];
        for (id, (second, channel)) in posts.iter().enumerate() {
            feed.receive(None, &post(id as u64 + 1, *second, "Fine", channel), 0.0);
        }
        feed.process(10);
        let series = feed.update(0.0, LiveConnection::Off).series;
        let lines: Vec<(Option<&str>, u64, u64, u64)> = series
            .iter()
            .map(|line| {
                let n = |idx: usize| line.points[line.points.len() - idx].n_records;
                let total = line.points.iter().map(|p| p.n_records).sum();
                (line.channel.as_deref(), total, n(2), n(1))
            })
            .collect();
        assert_eq!(
            lines,
            [
                (None, 6, 3, 3),
                (Some("web"), 4, 3, 1),
                (Some("app"), 2, 0, 2)
            ]
        );
        assert!(series
            .iter()
            .all(|line| line.points.len() == SERIES_SECONDS));
        let ends: Vec<i64> = series
            .iter()
            .map(|line| line.points[SERIES_SECONDS - 1].at_ms)
            .collect();
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}");
    }

    #[test]
    fn records_are_scored_and_their_roles_detected() {
        let mut feed = feed();
        feed.receive(
            Some(1),
            &post(1, 0, "I love this, great service!", "twitter"),
            0.0,
        );
        feed.receive(
            Some(2),
            r#"{"order_id": "O1", "timestamp": "2026-01-01T00:00:01Z", "amount": 12.5, "channel": "web"}"#,
            0.0,
        );
        feed.receive(
            Some(3),
            r#"{"event_id": 7, "timestamp": "2026-01-01T00:00:02Z", "event_type": "page_view", "channel": "web"}"#,
            0.0,
        );
        check_counts(&feed);
        assert_eq!(feed.process(100), 3);
        check_counts(&feed);
        let c = &feed.counts;
        assert_eq!(
            (c.n_interactions, c.n_orders, c.n_events),
            (1, 1, 1),
            "{c:?}"
        );
        let update = feed.update(10.0, LiveConnection::Off);
        assert_eq!(update.latest.len(), 1);
        let latest = &update.latest[0];
        assert!(latest.verbatim.score.compound > 0.5, "{latest:?}");
        assert_eq!(latest.verbatim.channel.as_deref(), Some("twitter"));
        let text: String = latest
            .verbatim
            .pieces
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(text, "I love this, great service!");
        assert_eq!(update.last_minute.n_records, 3);
        assert!((update.last_minute.revenue - 12.5).abs() < 1e-9);
        assert_eq!(update.n_rows, 3);
        assert_eq!(update.last_stream_id, Some(3));
    }

    #[test]
    fn the_last_minute_hour_and_day_count_what_falls_in_them() {
        let mut feed = feed();
        // Orders 25 h, 2 h, 30 min and 10 s before the last one, then the last one.
        let times = [
            "2026-01-01T00:00:00Z",
            "2026-01-01T23:00:00Z",
            "2026-01-02T00:30:00Z",
            "2026-01-02T00:59:50Z",
            "2026-01-02T01:00:00Z",
        ];
        for (id, at) in (1u64..).zip(times) {
            let order = format!(r#"{{"order_id": "O{id}", "timestamp": "{at}", "amount": 10}}"#);
            feed.receive(Some(id), &order, 0.0);
        }
        assert_eq!(feed.process(100), 5);
        let update = feed.update(10.0, LiveConnection::Off);
        assert_eq!(update.last_minute.n_records, 2);
        assert_eq!(update.last_hour.n_records, 3);
        assert_eq!(update.last_day.n_records, 4);
        assert!((update.last_day.revenue - 40.0).abs() < 1e-9);
    }

    #[test]
    fn each_product_and_segment_has_its_last_minute_hour_and_day() {
        let mut directory = LiveDirectory::default();
        for (id, segment) in [("C000001", "Champions"), ("C000002", "At Risk")] {
            directory.insert(
                Field::CustomerId,
                id,
                Known {
                    customer: None,
                    segment: Some(segment.to_owned()),
                },
            );
        }
        let mut feed = LiveFeed::new(AlertRules::default(), directory);
        // Stream time ends at 2026-01-02T01:00:00Z; the last day starts at 01:01 the day before
        // (1,440 minutes, this one included), the last hour at 00:01, the last minute at
        // 00:59:01 (60 seconds, this one included).
        let records = [
            // 25 h before: in no span.
            r#"{"order_id": "O1", "timestamp": "2026-01-01T00:00:00Z", "product": "Blender", "customer_id": "C000001", "amount": 100}"#,
            // 23 h before: the last day.
            r#"{"order_id": "O2", "timestamp": "2026-01-01T02:00:00Z", "product": "Blender", "customer_id": "C000002", "amount": 50}"#,
            // 30 min before: the last hour and day.
            r#"{"order_id": "O3", "timestamp": "2026-01-02T00:30:00Z", "product": "Kettle", "customer_id": "C000001", "amount": 20}"#,
            // 30 s before: every span.
            r#"{"order_id": "O4", "timestamp": "2026-01-02T00:59:30Z", "product": "Blender", "customer_id": "C000001", "amount": 10}"#,
            // An event of an at-risk customer, 15 s before: no product, no revenue.
            r#"{"event_id": "E1", "timestamp": "2026-01-02T00:59:45Z", "event_type": "page_view", "customer_id": "C000002"}"#,
            // The last record: a product, no known customer.
            r#"{"order_id": "O5", "timestamp": "2026-01-02T01:00:00Z", "product": "Kettle", "customer_id": "C000009", "amount": 5}"#,
        ];
        for (id, record) in (1u64..).zip(records) {
            feed.receive(Some(id), record, 0.0);
        }
        assert_eq!(feed.process(100), 6);
        let update = feed.update(0.0, LiveConnection::Off);
        let dimensions: Vec<LiveDimension> =
            update.breakdowns.iter().map(|b| b.dimension).collect();
        assert_eq!(
            dimensions,
            [
                LiveDimension::Channel,
                LiveDimension::Product,
                LiveDimension::Segment
            ]
        );
        type Expect<'a> = (&'a str, [u64; 3], [f64; 3]);
        let spans = |row: &LiveBreakdownRow| -> (String, [u64; 3], [f64; 3]) {
            (
                row.name.clone(),
                [
                    row.last_minute.n_records,
                    row.last_hour.n_records,
                    row.last_day.n_records,
                ],
                [
                    row.last_minute.revenue,
                    row.last_hour.revenue,
                    row.last_day.revenue,
                ],
            )
        };
        let check = |breakdown: &LiveBreakdown, rows: &[Expect], unnamed: Expect| {
            let got: Vec<_> = breakdown.rows.iter().map(spans).collect();
            let want: Vec<_> = rows
                .iter()
                .map(|(name, n, revenue)| (name.to_string(), *n, *revenue))
                .collect();
            assert_eq!(got, want, "{:?}", breakdown.dimension);
            let (name, n, revenue) = unnamed;
            assert_eq!(
                spans(&breakdown.unnamed),
                ("None".to_owned(), n, revenue),
                "{name}"
            );
            assert_eq!(breakdown.other, None);
        };
        // Kettle: O3 (hour, day) and O5 (all); Blender: O2 (day) and O4 (all); O1 too old.
        check(
            &update.breakdowns[1],
            &[
                ("Kettle", [1, 2, 2], [5.0, 25.0, 25.0]),
                ("Blender", [1, 1, 2], [10.0, 10.0, 60.0]),
            ],
            ("the event names no product", [1, 1, 1], [0.0, 0.0, 0.0]),
        );
        // Champions: O3 and O4 (O1 too old); At Risk: O2 (day) and the event (all).
        check(
            &update.breakdowns[2],
            &[
                ("Champions", [1, 2, 2], [10.0, 30.0, 30.0]),
                ("At Risk", [1, 1, 2], [0.0, 0.0, 50.0]),
            ],
            ("O5's customer is unknown", [1, 1, 1], [5.0, 5.0, 5.0]),
        );
        check(
            &update.breakdowns[0],
            &[],
            ("no record names a channel", [3, 4, 5], [15.0, 35.0, 85.0]),
        );
    }

    /// One record through a feed told that records are `role`: (interactions, orders, events),
    /// (texts, revenue) of the last minute, the latest texts, and the record as explained.
    fn as_role(role: Option<LiveRole>, record: &str) -> ([u64; 3], (u32, f64), usize, String) {
        let mut feed = feed();
        feed.set_role(role);
        feed.receive(Some(1), record, 0.0);
        assert_eq!(feed.process(10), 1);
        let update = feed.update(0.0, LiveConnection::Off);
        assert_eq!(update.role, role);
        let c = &update.counts;
        let explained: String = feed.records(&[1])[0]
            .verbatim
            .pieces
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        (
            [c.n_interactions, c.n_orders, c.n_events],
            (update.last_minute.n_texts, update.last_minute.revenue),
            update.latest.len(),
            explained,
        )
    }

    #[test]
    fn a_chosen_role_decides_what_is_scored_and_what_is_revenue() {
        let both = r#"{"id": 1, "timestamp": "2026-01-01T00:00:00Z", "text": "Terrible packaging, awful", "amount": 12.5}"#;
        // Detected: a text makes an interaction, scored; its amount still counts.
        let text = "Terrible packaging, awful".to_owned();
        assert_eq!(as_role(None, both), ([1, 0, 0], (1, 12.5), 1, text.clone()));
        // An interaction: the text is scored, the amount is not revenue.
        assert_eq!(
            as_role(Some(LiveRole::Interaction), both),
            ([1, 0, 0], (1, 0.0), 1, text.clone())
        );
        // An order: the amount is revenue; its note is kept, said plainly, and not scored.
        assert_eq!(
            as_role(Some(LiveRole::Order), both),
            (
                [0, 1, 0],
                (0, 12.5),
                0,
                "An order of 12.50. Its text (not read as customer voice): Terrible packaging, awful"
                    .to_owned()
            )
        );
        // An event: neither.
        assert_eq!(
            as_role(Some(LiveRole::Event), both),
            (
                [0, 0, 1],
                (0, 0.0),
                0,
                "An event. Its text (not read as customer voice): Terrible packaging, awful"
                    .to_owned()
            )
        );
        // Chosen, a record without the fields its role expects is still of that role.
        let bare = r#"{"id": 1, "timestamp": "2026-01-01T00:00:00Z", "page": "/home"}"#;
        assert_eq!(
            as_role(Some(LiveRole::Interaction), bare),
            (
                [1, 0, 0],
                (0, 0.0),
                0,
                "An interaction (no text).".to_owned()
            )
        );
        assert_eq!(
            as_role(Some(LiveRole::Order), bare),
            ([0, 1, 0], (0, 0.0), 0, "An order (no amount).".to_owned())
        );
        assert_eq!(
            as_role(None, bare),
            ([0, 0, 1], (0, 0.0), 0, "An event (no text).".to_owned())
        );
    }

    #[test]
    fn a_chosen_order_note_raises_no_sentiment_alert() {
        let mut directory = LiveDirectory::default();
        directory.insert(
            Field::CustomerId,
            "C000007",
            Known {
                customer: Some(CustomerId(7)),
                segment: Some("Champions".into()),
            },
        );
        let record = r#"{"customer_id": "C000007", "timestamp": "2026-01-01T00:00:00Z", "text": "This is terrible, I want a refund. Awful.", "amount": 40}"#;
        let alerts = |role: Option<LiveRole>| {
            let mut feed = LiveFeed::new(AlertRules::default(), directory.clone());
            feed.set_role(role);
            feed.receive(Some(1), record, 0.0);
            feed.process(10);
            feed.update(0.0, LiveConnection::Off).new_alerts.len()
        };
        assert_eq!(alerts(None), 1, "a Champion writing this is an alert");
        assert_eq!(alerts(Some(LiveRole::Order)), 0, "an order's note is not");
    }

    #[test]
    fn the_live_table_lets_its_oldest_chunks_go_and_counts_them() {
        let mut feed = feed();
        // Three chunks of two rows: at most six rows.
        feed.table = LiveTable::with_capacity(2, 3);
        for id in 1..=9 {
            feed.receive(Some(id), &post(id, id as i64, "good stuff", "web"), 0.0);
        }
        assert_eq!(feed.process(100), 9);
        // [1 2] [3 4] [5 6], then 7 lets [1 2] go, and 9 lets [3 4] go.
        let update = feed.update(0.0, LiveConnection::Off);
        assert_eq!((update.n_rows, update.n_rows_dropped), (5, 4));
        assert_eq!(update.counts.n_processed, 9);
        assert_eq!(
            update.last_minute.n_records, 9,
            "the windows keep every record"
        );
        let held: Vec<u64> = feed
            .records(&[0, 1, 3, 4, 5, 9, 10, u64::MAX])
            .iter()
            .map(|r| r.record)
            .collect();
        assert_eq!(held, [5, 9], "ids let go (or never given) answer nothing");
        // Texts 1 to 4 were let go before an update explained them: they are not shown.
        assert_eq!(update.latest.len(), 5);
        // Texts explained while they were held stay shown.
        for id in 10..=13 {
            feed.receive(Some(id), &post(id, id as i64, "fine", "web"), 0.0);
        }
        feed.process(100);
        let update = feed.update(0.0, LiveConnection::Off);
        assert_eq!((update.n_rows, update.n_rows_dropped), (5, 8));
        assert_eq!(
            update.latest.len(),
            9,
            "5 to 8 as explained before, 9 to 13"
        );
        assert_eq!(feed.records(&[8, 9, 13]).len(), 2);
    }

    #[test]
    fn the_default_table_keeps_at_most_a_million_rows() {
        let table = LiveTable::default();
        assert_eq!(table.chunk_rows * table.max_chunks, 999_424);
        assert!(table.chunk_rows * table.max_chunks <= MAX_TABLE_ROWS);
    }

    #[test]
    fn malformed_records_are_counted_with_their_reason_and_duplicates_once() {
        let mut feed = feed();
        feed.receive(Some(1), &post(1, 0, "fine", "x"), 0.0);
        feed.receive(Some(2), "{not json", 0.0);
        feed.receive(Some(3), "[1, 2]", 0.0);
        feed.receive(Some(2), &post(2, 1, "resent", "x"), 0.0);
        feed.receive(Some(4), &post(4, 1, "ok", "x"), 0.0);
        feed.receive(Some(5), "   ", 0.0);
        feed.process(100);
        check_counts(&feed);
        let c = &feed.counts;
        assert_eq!(
            (c.n_received, c.n_processed, c.n_failed, c.n_duplicates),
            (5, 2, 2, 1)
        );
        let reasons: Vec<&str> = c.failures.iter().map(|f| f.reason.as_str()).collect();
        assert!(reasons[0].starts_with("not JSON"), "{reasons:?}");
        assert_eq!(reasons[1], "not a JSON object");
        assert_eq!(c.failures[1].example, "[1, 2]");
        assert_eq!(feed.resume_after(), 4);
    }

    #[test]
    fn a_message_of_several_lines_is_several_records() {
        let mut feed = feed();
        let lines = [
            post(1, 0, "good", "a"),
            post(2, 0, "bad", "a"),
            post(3, 1, "meh", "b"),
        ];
        feed.receive(None, &lines.join("\n"), 0.0);
        assert_eq!(feed.n_queued(), 3);
        feed.process(2);
        check_counts(&feed);
        assert_eq!(feed.counts.n_queued, 1);
        let update = feed.update(100.0, LiveConnection::Off);
        assert_eq!(update.lag_ms, 100.0);
        feed.process(2);
        assert_eq!(feed.counts.n_processed, 3);
        assert_eq!(feed.resume_after(), 3, "positions stand in for missing ids");
    }

    #[test]
    fn a_planted_spike_fires_one_volume_alert_with_its_evidence() {
        let mut feed = feed();
        let mut id = 0;
        // 60 quiet seconds of 20 records, then one second of 200, then quiet again.
        for second in 0..90 {
            let n = if second == 60 { 200 } else { 20 };
            for _ in 0..n {
                id += 1;
                feed.receive(Some(id), &post(id, second, "just a post", "web"), 0.0);
            }
            feed.process(usize::MAX);
        }
        check_counts(&feed);
        let update = feed.update(0.0, LiveConnection::Off);
        let spikes: Vec<&LiveAlert> = update
            .new_alerts
            .iter()
            .filter(|a| a.alert.kind == AlertKind::VolumeSpike)
            .collect();
        assert_eq!(spikes.len(), 2, "overall and web: {:?}", update.new_alerts);
        let overall = spikes
            .iter()
            .find(|a| a.alert.subject == converge_core::live::alerts::ALL_CHANNELS)
            .expect("the overall spike fired");
        assert_eq!(overall.alert.observed, 200.0);
        assert!((overall.alert.expected - 20.0).abs() < 1.0, "{overall:?}");
        assert!(!overall.alert.evidence.is_empty());
        // The evidence opens the records: they are of the spike's second.
        let records = feed.records(&overall.alert.evidence[..3]);
        assert_eq!(records.len(), 3);
        let spike_start = 1_767_225_600_000 + 60_000;
        assert!(records
            .iter()
            .all(|r| r.at_ms >= spike_start && r.at_ms < spike_start + 1_000));
    }

    #[test]
    fn customers_and_segments_come_from_the_directory() {
        let mut directory = LiveDirectory::default();
        directory.insert(
            Field::Email,
            "Ada@Example.com",
            Known {
                customer: Some(CustomerId(7)),
                segment: None,
            },
        );
        directory.insert(
            Field::CustomerId,
            "C000007",
            Known {
                customer: Some(CustomerId(7)),
                segment: Some("Champions".into()),
            },
        );
        directory.spread_segments();
        let mut feed = LiveFeed::new(AlertRules::default(), directory);
        feed.receive(
            Some(1),
            r#"{"email": " ada@example.COM", "timestamp": "2026-01-01T00:00:00Z", "text": "This is terrible, I want a refund. Awful."}"#,
            0.0,
        );
        feed.process(10);
        let update = feed.update(0.0, LiveConnection::Off);
        let alert = update
            .new_alerts
            .iter()
            .find(|a| a.alert.kind == AlertKind::HighValueNegative)
            .expect("a Champion posting negatively alerts");
        assert_eq!(alert.customer, Some(CustomerId(7)));
        assert_eq!(update.latest[0].customer, Some(CustomerId(7)));
        assert_eq!(update.latest[0].segment.as_deref(), Some("Champions"));
    }

    #[test]
    fn terms_are_handles_tags_and_longer_words() {
        assert_eq!(
            terms_of("Loving the new @Acme #Blender, really loving it! http://x.y"),
            ["loving", "@acme", "#blender"]
        );
    }

    #[test]
    fn instants_in_text_seconds_or_milliseconds() {
        assert_eq!(instant(&Json::from("1970-01-01T00:00:01Z")), Some(1_000));
        assert_eq!(instant(&Json::from(2)), Some(2_000));
        assert_eq!(
            instant(&Json::from(1_767_225_600_000_i64)),
            Some(1_767_225_600_000)
        );
        assert_eq!(instant(&Json::from("soon")), None);
    }
}
