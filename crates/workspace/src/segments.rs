//! The "Segments" view's work: one segmentation of the customers across every dataset held.
//!
//! Orders give each customer their RFM scores and the order features; events and interactions
//! (joined on the customer id, on an email or handle the customers table maps to an id, or, once
//! the customers are converged, on the converged customer of the row) add engagement; scored
//! texts add sentiment; posts that @mention or reply to a customer's handle add the mentions they
//! receive. Every feature is defined once, in
//! [`converge_core::segment::features::CUSTOMER_FEATURES`]. k-means runs on the z-scored features
//! (money and counts logged first, so a few whales do not squash everyone else) for every k from
//! 2 to 8, one k per [`SegmentJob::step`] so a cancel lands between two fits; the k of the best
//! silhouette wins. The result stays in the worker: the page asks for a summary (capped for the
//! wire), pages of one audience's customers, one customer's explanation and audience exports,
//! one row per customer or, once the customers are converged, one per household (one mailer
//! per address, from a [`HouseholdDirectory`]).

use std::collections::{HashMap, HashSet};

use converge_core::export::neutralise;
use converge_core::identity::{CustomerId, IdentityField};
use converge_core::network::{mentions, normalise_handle};
use converge_core::schema::{Field, Role, TableSchema};
use converge_core::segment::features::{CustomerFeatures, Scaler, ScalerParams, Scaling};
use converge_core::segment::kmeans::{KMeans, KMeansModel, KMeansParams};
use converge_core::segment::pca::project_2d;
use converge_core::segment::profile::{explain_membership, profile_segments};
use converge_core::segment::quality::{silhouette, SegmentCountCandidate};
use converge_core::segment::rfm::{CustomerRfm, RfmBuilder, RfmScore, RfmSegment};
use converge_core::table::{Column, Table, Value};
use ndarray::Array2;
use rand::{RngCore, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::answer::{ErrorCode, WorkerError};
use crate::job::Step;

/// The most scatter points one summary carries; above it every n-th customer is sent.
pub const MAX_SCATTER_POINTS: usize = 20_000;
/// The most customers one page of an audience carries.
pub const MAX_AUDIENCE_PAGE: u64 = 500;
/// Segment counts tried: 2 up to this (and fewer than the customers).
const MAX_SEGMENTS: usize = 8;
/// Restarts per k: fewer than scikit-learn's 10, as every k of the range is fitted.
const N_INIT: usize = 4;
/// The seed of the segmentation: the same data always gives the same segments.
const SEED: u64 = 20_260_701;
/// Customers the silhouette of each k is measured on: the exact silhouette is quadratic, and a
/// seeded sample of this many customers puts it within about ±0.01 of the whole base's in well
/// under a second in the browser.
const SILHOUETTE_SAMPLE: usize = 3_000;
/// Channels and event types kept as features (the busiest ones).
const TOP_VALUES: usize = 4;
/// A text at or below this compound reads negative (VADER's convention).
const NEGATIVE_AT: f32 = -0.05;
const POSITIVE_AT: f32 = 0.05;

/// A group of customers the page can list or export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Audience {
    All,
    /// A k-means segment (0 the largest).
    Segment {
        segment: u32,
    },
    /// A named RFM segment.
    Rfm {
        segment: RfmSegment,
    },
    /// One cell of the R × FM grid.
    RfmCell {
        recency: u8,
        frequency_monetary: u8,
    },
}

impl Audience {
    fn slug(&self, report: &SegmentsReport) -> String {
        match self {
            Audience::All => "all customers".into(),
            Audience::Segment { segment } => report
                .segments
                .get(*segment as usize)
                .map_or_else(|| format!("segment {segment}"), |card| card.name.clone()),
            Audience::Rfm { segment } => segment.label().to_owned(),
            Audience::RfmCell {
                recency,
                frequency_monetary,
            } => format!("R{recency} FM{frequency_monetary}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AudienceFormat {
    Csv,
    Json,
}

/// What the Segments view draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentsReport {
    /// The orders table and the tables that added engagement or sentiment.
    pub orders_dataset: String,
    pub joined_datasets: Vec<String>,
    pub n_customers: u64,
    /// Order rows left out for a missing customer, date or amount.
    pub n_order_rows_skipped: u64,
    /// Days since 1970-01-01: the day after the last order.
    pub as_of_day: i64,
    /// The features clustered on, with their unit.
    pub features: Vec<FeatureColumn>,
    /// The 25 cells of the grid, R 5 to 1 then FM 1 to 5.
    pub rfm_cells: Vec<RfmCell>,
    pub rfm_segments: Vec<RfmSegmentSize>,
    pub silhouette: Option<f64>,
    /// Inertia and silhouette of every k tried (the elbow curve).
    pub candidates: Vec<SegmentCountCandidate>,
    pub segments: Vec<SegmentCard>,
    /// The channels of the segment × channel breakdown, busiest first.
    pub channels: Vec<String>,
    /// Customers on the two principal axes; every `scatter_stride`-th customer when there are
    /// more than [`MAX_SCATTER_POINTS`].
    pub points: Vec<ScatterPoint>,
    pub scatter_stride: u64,
    pub explained_variance_ratio: [f64; 2],
    /// The columns an audience export can hold.
    pub export_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureColumn {
    pub name: String,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmCell {
    pub recency: u8,
    pub frequency_monetary: u8,
    pub segment: RfmSegment,
    pub n_customers: u64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RfmSegmentSize {
    pub segment: RfmSegment,
    pub n_customers: u64,
    pub revenue: f64,
}

/// A k-means segment as its card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCard {
    pub segment: u32,
    /// The suggested name ("recent, high spend"), unique among the cards.
    pub name: String,
    pub n_customers: u64,
    pub share_of_customers: f64,
    pub revenue_share: Option<f64>,
    /// Per feature, in the order of [`SegmentsReport::features`].
    pub means: Vec<f64>,
    pub z_scores: Vec<f64>,
    /// Texts of its customers: positive, neutral, negative.
    pub sentiment: [u64; 3],
    /// Touchpoints per channel, in the order of [`SegmentsReport::channels`].
    pub channels: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScatterPoint {
    pub x: f32,
    pub y: f32,
    pub segment: u32,
    /// The customer's index, for the request that explains a customer.
    pub customer: u32,
}

/// One customer of an audience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCustomer {
    pub index: u32,
    pub customer_id: String,
    pub segment: u32,
    pub rfm: RfmScore,
    pub rfm_segment: RfmSegment,
    /// Per feature, in the order of [`SegmentsReport::features`].
    pub values: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentCustomerPage {
    pub audience: Audience,
    pub offset: u64,
    pub n_total: u64,
    /// Biggest spenders first.
    pub customers: Vec<SegmentCustomer>,
}

/// Why a customer is in their segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerExplanation {
    pub customer: SegmentCustomer,
    pub segment_name: String,
    pub runner_up: Option<String>,
    /// `(feature, pull)`, strongest first; positive keeps them in their segment.
    pub pulls: Vec<(String, f64)>,
}

/// One segmentation, kept by the worker until the next.
#[derive(Debug)]
pub struct Segmentation {
    report: SegmentsReport,
    rfm: Vec<CustomerRfm>,
    features: CustomerFeatures,
    scaled: Array2<f64>,
    model: KMeansModel,
}

/// The per-customer data gathered from the tables, before clustering.
#[derive(Debug)]
pub struct Gathered {
    orders_dataset: String,
    joined_datasets: Vec<String>,
    n_order_rows_skipped: u64,
    rfm: Vec<CustomerRfm>,
    as_of_day: i64,
    features: CustomerFeatures,
    /// Per customer: positive, neutral, negative texts.
    sentiment: Vec<[u64; 3]>,
    channels: Vec<String>,
    /// Per customer, touchpoints per channel of `channels`.
    channel_counts: Vec<Vec<u64>>,
}

/// A dataset's table and schema, as the service holds them.
pub struct Source<'t> {
    pub table: &'t Table,
    pub schema: &'t TableSchema,
    /// Compound per row of its text column, once every text is scored.
    pub compounds: Option<&'t [f32]>,
    /// The converged customer of each row, once the customers are converged and the table is
    /// one of the sources.
    pub resolved: Option<&'t [Option<CustomerId>]>,
}

impl Source<'_> {
    fn column(&self, field: Field) -> Option<&Column> {
        self.schema
            .fields
            .iter()
            .find(|guess| guess.field == Some(field))
            .and_then(|guess| self.table.column(&guess.column))
    }
}

fn invalid(message: impl Into<String>) -> WorkerError {
    WorkerError::new(ErrorCode::Invalid, message)
}

fn number_of(value: Value<'_>) -> Option<f64> {
    match value {
        Value::Integer(n) => Some(n as f64),
        Value::Decimal(x) => Some(x),
        Value::Text(text) => text.trim().replace(',', "").parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn text_of(column: Option<&Column>, row: usize) -> Option<String> {
    column?
        .display(row)
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// Reads the customers, their orders, engagement and texts from the held datasets.
pub fn gather(sources: &[Source<'_>]) -> Result<Gathered, WorkerError> {
    let has_orders = |source: &&Source<'_>| {
        source.column(Field::CustomerId).is_some()
            && source.column(Field::Timestamp).is_some()
            && source.column(Field::Amount).is_some()
    };
    // The orders table loaded last: a newer export replaces an older one in the user's mind.
    let orders = sources
        .iter()
        .rev()
        .filter(has_orders)
        .find(|source| source.schema.role.role == Role::Orders)
        .or_else(|| sources.iter().rev().find(has_orders))
        .ok_or_else(|| {
            invalid(
                "Segments need an orders table with a customer id, a date and an amount. Load \
                 one, or mark its columns in the Data view.",
            )
        })?;
    let (Some(customer), Some(date), Some(amount)) = (
        orders.column(Field::CustomerId),
        orders.column(Field::Timestamp),
        orders.column(Field::Amount),
    ) else {
        return Err(invalid("The orders table lost a column."));
    };
    let order_id = orders.column(Field::OrderId);
    let order_channel = orders.column(Field::Channel);

    let mut builder = RfmBuilder::new();
    let mut first_last: Vec<(i64, i64)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut skipped = 0u64;
    let mut touch: Vec<(usize, Option<String>)> = Vec::new();
    for row in 0..orders.table.n_rows() {
        let (Some(id), Some(day), Some(value)) = (
            text_of(Some(customer), row),
            date.get(row).day(),
            number_of(amount.get(row)),
        ) else {
            skipped += 1;
            continue;
        };
        let order = text_of(order_id, row);
        if builder
            .add_order_line(&id, order.as_deref(), day, value)
            .is_err()
        {
            skipped += 1;
            continue;
        }
        let next = index.len();
        let idx = *index.entry(id).or_insert(next);
        if idx == first_last.len() {
            first_last.push((day, day));
        }
        if let Some(span) = first_last.get_mut(idx) {
            span.0 = span.0.min(day);
            span.1 = span.1.max(day);
        }
        touch.push((idx, text_of(order_channel, row)));
    }
    let rfm = builder.finish(None).map_err(|_| {
        invalid(format!(
            "{} has no order with a customer, a date and an amount.",
            orders.table.name()
        ))
    })?;
    let as_of_day = rfm.as_of_day;
    let n = rfm.customers.len();

    // Other ways of naming a customer (email, handle) from tables that hold them next to the id.
    let mut alias: HashMap<String, usize> = HashMap::new();
    for source in sources {
        let Some(ids) = source.column(Field::CustomerId) else {
            continue;
        };
        for field in [Field::Email, Field::Handle] {
            let Some(names) = source.column(field) else {
                continue;
            };
            for row in 0..source.table.n_rows() {
                if let (Some(id), Some(name)) = (text_of(Some(ids), row), text_of(Some(names), row))
                {
                    if let Some(&idx) = index.get(&id) {
                        alias.entry(name.to_lowercase()).or_insert(idx);
                    }
                }
            }
        }
    }
    let find = |key: &str| {
        index
            .get(key)
            .or_else(|| alias.get(&key.to_lowercase()))
            .copied()
    };
    // Handles, compared as the platforms do, of the customers they are known to belong to.
    let mut handle_of: HashMap<String, usize> = HashMap::new();
    for (name, &idx) in &alias {
        let handle = normalise_handle(name);
        if !handle.is_empty() {
            handle_of.entry(handle).or_insert(idx);
        }
    }
    // Customers converged across the sources: a row resolved to the same customer as an order
    // joins that order's customer, whether or not it carries their id, email or handle.
    let mut by_resolved: HashMap<CustomerId, usize> = HashMap::new();
    for source in sources {
        let (Some(resolved), Some(ids)) = (source.resolved, source.column(Field::CustomerId))
        else {
            continue;
        };
        for (row, customer) in resolved.iter().enumerate() {
            if let (Some(customer), Some(&idx)) = (
                customer,
                text_of(Some(ids), row).and_then(|id| index.get(&id)),
            ) {
                by_resolved.entry(*customer).or_insert(idx);
            }
        }
    }
    let converged = |source: &Source<'_>, row: usize| {
        source
            .resolved
            .and_then(|resolved| resolved.get(row).copied().flatten())
            .and_then(|customer| by_resolved.get(&customer).copied())
    };

    let mut sessions: [HashSet<(usize, String)>; 2] = [HashSet::new(), HashSet::new()];
    let mut events: Vec<(usize, String)> = Vec::new();
    let mut texts = vec![(0u64, 0f64, 0u64); n];
    let mut sentiment = vec![[0u64; 3]; n];
    let mut joined = Vec::new();
    for source in sources {
        if std::ptr::eq(source.table, orders.table) {
            continue;
        }
        let role = source.schema.role.role;
        if !matches!(role, Role::Events | Role::Interactions) {
            continue;
        }
        let key = source
            .column(Field::CustomerId)
            .or_else(|| source.column(Field::Email))
            .or_else(|| source.column(Field::Handle));
        if key.is_none() && source.resolved.is_none() {
            continue;
        }
        let author = source.column(Field::Handle);
        let (channel, event_type, session) = (
            source.column(Field::Channel),
            source.column(Field::EventType),
            source.column(Field::SessionId),
        );
        let date = source.column(Field::Timestamp);
        let mut matched = 0u64;
        for row in 0..source.table.n_rows() {
            let Some(idx) = text_of(key, row)
                .and_then(|key| find(&key))
                .or_else(|| converged(source, row))
            else {
                continue;
            };
            matched += 1;
            if let Some(handle) = text_of(author, row).map(|handle| normalise_handle(&handle)) {
                if !handle.is_empty() {
                    handle_of.entry(handle).or_insert(idx);
                }
            }
            touch.push((idx, text_of(channel, row)));
            if let Some(kind) = text_of(event_type, row) {
                events.push((idx, kind));
            }
            if role == Role::Events {
                if let Some(day) = date.and_then(|date| date.get(row).day()) {
                    let session = text_of(session, row).unwrap_or_else(|| format!("day {day}"));
                    for (slot, window) in [30, 90].into_iter().enumerate() {
                        if day < as_of_day && as_of_day - day <= window {
                            sessions[slot].insert((idx, session.clone()));
                        }
                    }
                }
            }
            if let Some(compound) = source
                .compounds
                .and_then(|compounds| compounds.get(row))
                .filter(|c| c.is_finite())
            {
                let tally = &mut texts[idx];
                tally.0 += 1;
                tally.1 += f64::from(*compound);
                let slot = if *compound >= POSITIVE_AT {
                    0
                } else if *compound <= NEGATIVE_AT {
                    2
                } else {
                    1
                };
                tally.2 += u64::from(slot == 2);
                sentiment[idx][slot] += 1;
            }
        }
        if matched > 0 {
            joined.push(source.table.name().to_owned());
        }
    }

    let mut mentions_received = vec![0f64; n];
    for handle in addressed_handles(sources, orders.table) {
        if let Some(count) = handle_of
            .get(&handle)
            .and_then(|&idx| mentions_received.get_mut(idx))
        {
            *count += 1.0;
        }
    }

    let busiest = |values: &mut dyn Iterator<Item = &String>| {
        let mut counts: HashMap<&String, u64> = HashMap::new();
        for value in values {
            *counts.entry(value).or_default() += 1;
        }
        let mut counts: Vec<(&String, u64)> = counts.into_iter().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        // A value that is rarer than this is an identifier, not a type (a column of event ids
        // read as event types, say).
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        counts
            .into_iter()
            .filter(|(_, n)| n * 100 >= total)
            .take(TOP_VALUES)
            .map(|(value, _)| value.clone())
            .collect::<Vec<String>>()
    };
    let channels = busiest(&mut touch.iter().filter_map(|(_, c)| c.as_ref()));
    let kinds = busiest(&mut events.iter().map(|(_, kind)| kind));
    let mut channel_counts = vec![vec![0u64; channels.len()]; n];
    for (idx, channel) in &touch {
        if let (Some(counts), Some(slot)) = (
            channel_counts.get_mut(*idx),
            channel
                .as_ref()
                .and_then(|c| channels.iter().position(|k| k == c)),
        ) {
            counts[slot] += 1;
        }
    }
    let mut kind_counts = vec![vec![0f64; kinds.len()]; n];
    for (idx, kind) in &events {
        if let (Some(counts), Some(slot)) = (
            kind_counts.get_mut(*idx),
            kinds.iter().position(|k| k == kind),
        ) {
            counts[slot] += 1.0;
        }
    }

    let mut names: Vec<String> = [
        "recency_days",
        "frequency",
        "monetary",
        "mean_order_value",
        "tenure_days",
        "cadence_days",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut values = Vec::with_capacity(n * names.len());
    for (customer, (first, last)) in rfm.customers.iter().zip(&first_last) {
        let frequency = customer.frequency.max(1) as f64;
        let tenure = (as_of_day - first) as f64;
        values.extend([
            customer.recency_days as f64,
            customer.frequency as f64,
            customer.monetary,
            customer.monetary / frequency,
            tenure,
            if customer.frequency > 1 {
                (last - first) as f64 / (frequency - 1.0)
            } else {
                tenure
            },
        ]);
    }
    let mut features = CustomerFeatures::from_rows(names.clone(), values)
        .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
    let mut push = |name: String, column: Vec<f64>| -> Result<(), WorkerError> {
        if column.iter().any(|&x| x != 0.0) {
            features
                .push_feature(name.clone(), &column)
                .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
            names.push(name);
        }
        Ok(())
    };
    for (slot, channel) in channels.iter().enumerate() {
        push(
            format!("channel_{channel}"),
            channel_counts.iter().map(|c| c[slot] as f64).collect(),
        )?;
    }
    for (slot, kind) in kinds.iter().enumerate() {
        push(
            format!("event_{kind}"),
            kind_counts.iter().map(|c| c[slot]).collect(),
        )?;
    }
    for (slot, name) in ["sessions_30d", "sessions_90d"].into_iter().enumerate() {
        let mut column = vec![0.0; n];
        for (idx, _) in &sessions[slot] {
            if let Some(x) = column.get_mut(*idx) {
                *x += 1.0;
            }
        }
        push(name.to_owned(), column)?;
    }
    push("texts".into(), texts.iter().map(|t| t.0 as f64).collect())?;
    push(
        "mean_sentiment".into(),
        texts
            .iter()
            .map(|t| if t.0 == 0 { 0.0 } else { t.1 / t.0 as f64 })
            .collect(),
    )?;
    push(
        "negative_share".into(),
        texts
            .iter()
            .map(|t| {
                if t.0 == 0 {
                    0.0
                } else {
                    t.2 as f64 / t.0 as f64
                }
            })
            .collect(),
    )?;
    push("mentions_received".into(), mentions_received)?;
    Ok(Gathered {
        orders_dataset: orders.table.name().to_owned(),
        joined_datasets: joined,
        n_order_rows_skipped: skipped,
        rfm: rfm.customers,
        as_of_day,
        features,
        sentiment,
        channels,
        channel_counts,
    })
}

/// The handles addressed by every post of the sources (but `orders`), once per post and handle:
/// each @mention in its text or in a column of mentioned handles, and the user it replies to (by
/// name, or as the author of the post replied to). A handle addressing itself is left out.
fn addressed_handles(sources: &[Source<'_>], orders: &Table) -> Vec<String> {
    let mut addressed = Vec::new();
    for source in sources {
        if std::ptr::eq(source.table, orders) {
            continue;
        }
        let column_named = |name: Option<&str>| name.and_then(|name| source.table.column(name));
        let text = column_named(source.schema.text_column());
        let listed = source.column(Field::MentionedHandle);
        let reply = source.column(Field::ReplyTo);
        if text.is_none() && listed.is_none() && reply.is_none() {
            continue;
        }
        let author = source.column(Field::Handle);
        let reply_names_users = reply.is_some_and(|c| crate::network::reply_names_users(c.name()));
        // Replies to posts point at the post's author, read from the same table.
        let mut author_of_post: HashMap<String, String> = HashMap::new();
        if let (Some(reply), Some(author), false) = (reply, author, reply_names_users) {
            let post_ids = crate::network::post_id_column(
                source.table,
                &[
                    reply.name(),
                    author.name(),
                    source.column(Field::CustomerId).map_or("", Column::name),
                ],
            )
            .and_then(|name| source.table.column(name));
            for row in 0..source.table.n_rows() {
                if let (Some(post), Some(handle)) =
                    (text_of(post_ids, row), text_of(Some(author), row))
                {
                    author_of_post
                        .entry(post)
                        .or_insert_with(|| normalise_handle(&handle));
                }
            }
        }
        for row in 0..source.table.n_rows() {
            let mut handles: Vec<String> = Vec::new();
            if let Some(text) = text_of(text, row) {
                handles.extend(mentions(&text).map(normalise_handle));
            }
            if let Some(list) = text_of(listed, row) {
                if list.contains('@') {
                    handles.extend(mentions(&list).map(normalise_handle));
                } else {
                    handles.extend(list.split([',', ';', ' ']).map(normalise_handle));
                }
            }
            if let Some(parent) = text_of(reply, row) {
                if reply_names_users || parent.starts_with('@') {
                    handles.push(normalise_handle(&parent));
                } else if let Some(parent_author) = author_of_post.get(&parent) {
                    handles.push(parent_author.clone());
                }
            }
            let writer = text_of(author, row)
                .map(|handle| normalise_handle(&handle))
                .unwrap_or_default();
            handles.sort_unstable();
            handles.dedup();
            addressed.extend(
                handles
                    .into_iter()
                    .filter(|handle| !handle.is_empty() && *handle != writer),
            );
        }
    }
    addressed
}

/// Whether a feature is money or a count, whose long tail is logged before scaling.
fn is_skewed(name: &str) -> bool {
    name == "frequency"
        || name == "monetary"
        || name == "mean_order_value"
        || name.starts_with("channel_")
        || name.starts_with("event_")
        || name.starts_with("sessions_")
        || name == "texts"
        || name == "mentions_received"
}

/// Clustering the gathered customers, one k per step.
pub struct SegmentJob {
    gathered: Gathered,
    scaled: Array2<f64>,
    params: KMeansParams,
    ks: Vec<usize>,
    next: usize,
    rng: Pcg64Mcg,
    candidates: Vec<SegmentCountCandidate>,
    best: Option<(KMeansModel, Option<f64>)>,
}

impl SegmentJob {
    pub fn new(gathered: Gathered) -> Result<SegmentJob, WorkerError> {
        let n = gathered.features.n_customers();
        let high = MAX_SEGMENTS.min(n.saturating_sub(1));
        if high < 2 {
            return Err(invalid(format!(
                "{} has {n} customers with orders; segments need at least 3.",
                gathered.orders_dataset
            )));
        }
        let log_features = gathered
            .features
            .names
            .iter()
            .enumerate()
            .filter(|(_, name)| is_skewed(name))
            .map(|(idx, _)| idx)
            .collect();
        let scaler: Scaler = ScalerParams::new(Scaling::ZScore)
            .log_features(log_features)
            .fit(&gathered.features.values)
            .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
        let scaled = scaler.transform(&gathered.features.values);
        Ok(SegmentJob {
            gathered,
            scaled,
            params: KMeans::params(2).n_init(N_INIT),
            ks: (2..=high).collect(),
            next: 0,
            rng: Pcg64Mcg::seed_from_u64(SEED),
            candidates: Vec::new(),
            best: None,
        })
    }

    /// Fits the next k; after the last, describes the best.
    pub fn step(&mut self) -> Result<Step<Segmentation>, WorkerError> {
        if let Some(&k) = self.ks.get(self.next) {
            let mut fit_rng = Pcg64Mcg::seed_from_u64(self.rng.next_u64());
            let mut sample_rng = Pcg64Mcg::seed_from_u64(self.rng.next_u64());
            let model = self
                .params
                .clone_with_segments(k)
                .fit(self.scaled.view(), &mut fit_rng)
                .map_err(|err| invalid(err.to_string()))?;
            let score = sampled_silhouette(&self.scaled, &model.labels, &mut sample_rng);
            self.candidates.push(SegmentCountCandidate {
                n_segments: k,
                inertia: model.inertia,
                silhouette: score,
            });
            let better = self.best.as_ref().is_none_or(|(_, best)| {
                score.unwrap_or(f64::NEG_INFINITY) > best.unwrap_or(f64::NEG_INFINITY)
            });
            if better {
                self.best = Some((model, score));
            }
            self.next += 1;
            return Ok(Step::Working {
                fraction: 0.95 * self.next as f32 / self.ks.len() as f32,
                phase: format!("Trying {} segments", k + 1),
            });
        }
        let (model, silhouette) = self
            .best
            .take()
            .ok_or_else(|| WorkerError::new(ErrorCode::Internal, "No k was fitted."))?;
        self.describe(model, silhouette).map(Step::Finished)
    }

    fn describe(
        &mut self,
        model: KMeansModel,
        silhouette: Option<f64>,
    ) -> Result<Segmentation, WorkerError> {
        let internal = |err: converge_core::segment::SegmentError| {
            WorkerError::new(ErrorCode::Internal, err.to_string())
        };
        let gathered = &self.gathered;
        let names = &gathered.features.names;
        let k = model.n_segments();
        let profiles = profile_segments(
            names,
            gathered.features.values.view(),
            &model.labels,
            k,
            names.iter().position(|name| name == "monetary"),
        )
        .map_err(internal)?;
        let mut used: HashMap<String, usize> = HashMap::new();
        let segments = profiles
            .into_iter()
            .map(|profile| {
                let suggested = marketer_name(&profile.suggested_name);
                let seen = used.entry(suggested.clone()).or_default();
                *seen += 1;
                let name = if *seen == 1 {
                    suggested
                } else {
                    format!("{suggested} ({seen})")
                };
                let mut sentiment = [0u64; 3];
                let mut channels = vec![0u64; gathered.channels.len()];
                for (idx, _) in model
                    .labels
                    .iter()
                    .enumerate()
                    .filter(|(_, &label)| label == profile.segment)
                {
                    if let Some(tally) = gathered.sentiment.get(idx) {
                        for (sum, x) in sentiment.iter_mut().zip(tally) {
                            *sum += x;
                        }
                    }
                    if let Some(counts) = gathered.channel_counts.get(idx) {
                        for (sum, x) in channels.iter_mut().zip(counts) {
                            *sum += x;
                        }
                    }
                }
                SegmentCard {
                    segment: profile.segment as u32,
                    name,
                    n_customers: profile.n_customers as u64,
                    share_of_customers: profile.share_of_customers,
                    revenue_share: profile.revenue_share,
                    means: profile.means,
                    z_scores: profile.z_scores,
                    sentiment,
                    channels,
                }
            })
            .collect();

        let mut rfm_cells = Vec::with_capacity(25);
        for recency in (1..=5u8).rev() {
            for frequency_monetary in 1..=5u8 {
                let in_cell = gathered.rfm.iter().filter(|c| {
                    c.score.recency == recency && c.score.frequency_monetary() == frequency_monetary
                });
                let (n_customers, revenue) =
                    in_cell.fold((0, 0.0), |(n, r), c| (n + 1, r + c.monetary));
                rfm_cells.push(RfmCell {
                    recency,
                    frequency_monetary,
                    segment: RfmScore {
                        recency,
                        frequency: frequency_monetary,
                        monetary: frequency_monetary,
                    }
                    .segment(),
                    n_customers,
                    revenue,
                });
            }
        }
        let rfm_segments = RfmSegment::ALL
            .into_iter()
            .map(|segment| {
                let (n_customers, revenue) = gathered
                    .rfm
                    .iter()
                    .filter(|c| c.segment == segment)
                    .fold((0, 0.0), |(n, r), c| (n + 1, r + c.monetary));
                RfmSegmentSize {
                    segment,
                    n_customers,
                    revenue,
                }
            })
            .collect();

        let pca = project_2d(self.scaled.view()).map_err(internal)?;
        let n = pca.points.len();
        let stride = n.div_ceil(MAX_SCATTER_POINTS).max(1);
        let points = pca
            .points
            .iter()
            .zip(&model.labels)
            .enumerate()
            .step_by(stride)
            .map(|(idx, (point, &label))| ScatterPoint {
                x: point[0] as f32,
                y: point[1] as f32,
                segment: label as u32,
                customer: idx as u32,
            })
            .collect();
        let features: Vec<FeatureColumn> = names
            .iter()
            .map(|name| FeatureColumn {
                name: name.clone(),
                unit: converge_core::segment::features::feature_definition(name)
                    .map_or("", |definition| definition.unit)
                    .to_owned(),
            })
            .collect();
        let mut export_columns: Vec<String> = BASE_COLUMNS.map(str::to_owned).to_vec();
        export_columns.extend(names.iter().cloned());
        let report = SegmentsReport {
            orders_dataset: gathered.orders_dataset.clone(),
            joined_datasets: gathered.joined_datasets.clone(),
            n_customers: n as u64,
            n_order_rows_skipped: gathered.n_order_rows_skipped,
            as_of_day: gathered.as_of_day,
            features,
            rfm_cells,
            rfm_segments,
            silhouette,
            candidates: std::mem::take(&mut self.candidates),
            segments,
            channels: gathered.channels.clone(),
            points,
            scatter_stride: stride as u64,
            explained_variance_ratio: pca.explained_variance_ratio,
            export_columns,
        };
        Ok(Segmentation {
            report,
            rfm: std::mem::take(&mut self.gathered.rfm),
            features: self.gathered.features.clone(),
            scaled: std::mem::take(&mut self.scaled),
            model,
        })
    }
}

/// The mean silhouette of a seeded sample of [`SILHOUETTE_SAMPLE`] customers (all of them when
/// there are no more).
fn sampled_silhouette(data: &Array2<f64>, labels: &[usize], rng: &mut Pcg64Mcg) -> Option<f64> {
    let n = data.nrows().min(labels.len());
    if n <= SILHOUETTE_SAMPLE {
        return silhouette(data.view(), labels);
    }
    // A partial Fisher–Yates shuffle: the first SILHOUETTE_SAMPLE indexes are a uniform sample.
    let mut order: Vec<usize> = (0..n).collect();
    for at in 0..SILHOUETTE_SAMPLE {
        let pick = at + (rng.next_u64() % (n - at) as u64) as usize;
        order.swap(at, pick);
    }
    order.truncate(SILHOUETTE_SAMPLE);
    let sample = data.select(ndarray::Axis(0), &order);
    let sample_labels: Vec<usize> = order
        .iter()
        .filter_map(|&idx| labels.get(idx).copied())
        .collect();
    silhouette(sample.view(), &sample_labels)
}

/// A suggested segment name in a marketer's words: core names the RFM features itself and the
/// others by their column ("high cadence_days"), which these read better as.
fn marketer_name(suggested: &str) -> String {
    suggested
        .split(", ")
        .map(|part| match part {
            "high cadence_days" => "slow to reorder".to_owned(),
            "low cadence_days" => "quick to reorder".to_owned(),
            "high tenure_days" => "long-standing".to_owned(),
            "low tenure_days" => "new".to_owned(),
            "high mean_order_value" => "big baskets".to_owned(),
            "low mean_order_value" => "small baskets".to_owned(),
            "high negative_share" | "low mean_sentiment" => "unhappy".to_owned(),
            "low negative_share" | "high mean_sentiment" => "happy".to_owned(),
            "high texts" => "vocal".to_owned(),
            "low texts" => "quiet".to_owned(),
            other => {
                let (high, feature) = match other.split_once(' ') {
                    Some(("high", feature)) => (true, feature),
                    Some(("low", feature)) => (false, feature),
                    _ => return other.replace('_', " "),
                };
                if let Some(channel) = feature.strip_prefix("channel_") {
                    format!("{} {channel}", if high { "much" } else { "little" })
                } else if let Some(kind) = feature.strip_prefix("event_") {
                    format!(
                        "{} {}",
                        if high { "many" } else { "few" },
                        kind.replace('_', " ")
                    )
                } else {
                    other.replace('_', " ")
                }
            }
        })
        .fold(Vec::<String>::new(), |mut parts, part| {
            // Two features can say the same ("disengaged" over 30 and over 90 days).
            if !parts.contains(&part) {
                parts.push(part);
            }
            parts
        })
        .join(", ")
}

/// The best values a mailer needs, in the order an export of one row per household writes them:
/// the field, and the column it is written as.
pub const MAILER_COLUMNS: [(IdentityField, &str); 11] = [
    (IdentityField::FirstName, "first_name"),
    (IdentityField::LastName, "last_name"),
    (IdentityField::FullName, "full_name"),
    (IdentityField::StreetNumber, "street_number"),
    (IdentityField::Address, "address"),
    (IdentityField::AddressExtra, "address_line_2"),
    (IdentityField::Postcode, "postcode"),
    (IdentityField::City, "city"),
    (IdentityField::State, "state"),
    (IdentityField::Email, "email"),
    (IdentityField::Phone, "phone"),
];

/// Columns an export of one row per household writes before the audience's.
const HOUSEHOLD_COLUMNS: [&str; 2] = ["household_id", "household_customers"];

/// Who lives with whom among the segmented customers, for an export of one row per household:
/// per customer id of the orders, the household of their converged customer and that
/// customer's best values. The service builds it from the convergence.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HouseholdDirectory {
    pub by_customer_id: HashMap<String, HouseholdEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdEntry {
    /// From 1, as the Customers view numbers households.
    pub household: u32,
    /// The converged customers living in it (in the audience or not).
    pub n_customers: u32,
    /// The converged customer's best values, `(column of MAILER_COLUMNS, value)`; missing ones
    /// left out.
    pub values: Vec<(&'static str, String)>,
}

/// Columns every export offers before the features.
const BASE_COLUMNS: [&str; 6] = [
    "customer_id",
    "segment",
    "rfm_segment",
    "r_score",
    "f_score",
    "m_score",
];

impl Segmentation {
    pub fn report(&self) -> &SegmentsReport {
        &self.report
    }

    /// Every customer's id with the name of their segment (as its card names it).
    pub fn segment_names(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.rfm
            .iter()
            .zip(&self.model.labels)
            .filter_map(|(rfm, &label)| {
                let card = self
                    .report
                    .segments
                    .iter()
                    .find(|card| card.segment as usize == label)?;
                Some((rfm.customer_id.as_str(), card.name.as_str()))
            })
    }

    /// Every customer id of the orders with its RFM segment's name (for the live feed).
    pub fn rfm_segments(&self) -> impl Iterator<Item = (&str, &'static str)> + '_ {
        self.rfm
            .iter()
            .map(|customer| (customer.customer_id.as_str(), customer.segment.label()))
    }

    fn members(&self, audience: &Audience) -> Result<Vec<usize>, WorkerError> {
        if let Audience::Segment { segment } = audience {
            if *segment as usize >= self.model.n_segments() {
                return Err(invalid(format!(
                    "There is no segment {segment}; there are {}.",
                    self.model.n_segments()
                )));
            }
        }
        let mut members: Vec<usize> = (0..self.rfm.len())
            .filter(|&idx| match audience {
                Audience::All => true,
                Audience::Segment { segment } => {
                    self.model.labels.get(idx) == Some(&(*segment as usize))
                }
                Audience::Rfm { segment } => self.rfm[idx].segment == *segment,
                Audience::RfmCell {
                    recency,
                    frequency_monetary,
                } => {
                    let score = self.rfm[idx].score;
                    score.recency == *recency && score.frequency_monetary() == *frequency_monetary
                }
            })
            .collect();
        members.sort_by(|&a, &b| {
            self.rfm[b]
                .monetary
                .total_cmp(&self.rfm[a].monetary)
                .then(a.cmp(&b))
        });
        Ok(members)
    }

    fn customer(&self, idx: usize) -> Option<SegmentCustomer> {
        let rfm = self.rfm.get(idx)?;
        Some(SegmentCustomer {
            index: idx as u32,
            customer_id: rfm.customer_id.clone(),
            segment: *self.model.labels.get(idx)? as u32,
            rfm: rfm.score,
            rfm_segment: rfm.segment,
            values: self.features.values.row(idx).to_vec(),
        })
    }

    pub fn customers(
        &self,
        audience: &Audience,
        offset: u64,
        limit: u64,
    ) -> Result<SegmentCustomerPage, WorkerError> {
        let members = self.members(audience)?;
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit.min(MAX_AUDIENCE_PAGE)).unwrap_or(0);
        Ok(SegmentCustomerPage {
            audience: audience.clone(),
            offset,
            n_total: members.len() as u64,
            customers: members
                .iter()
                .skip(start)
                .take(limit)
                .filter_map(|&idx| self.customer(idx))
                .collect(),
        })
    }

    pub fn explain(&self, customer: u32) -> Result<CustomerExplanation, WorkerError> {
        let idx = customer as usize;
        let (Some(found), Some(point)) = (
            self.customer(idx),
            self.scaled.outer_iter().nth(idx).map(|row| row.to_vec()),
        ) else {
            return Err(WorkerError::new(
                ErrorCode::NotFound,
                format!("There is no customer {customer} in the segmentation."),
            ));
        };
        let membership = explain_membership(&self.model, &point)
            .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
        let name_of = |segment: usize| {
            self.report
                .segments
                .get(segment)
                .map_or_else(|| format!("segment {segment}"), |card| card.name.clone())
        };
        Ok(CustomerExplanation {
            segment_name: name_of(membership.segment),
            runner_up: membership.runner_up.map(|(segment, _)| name_of(segment)),
            pulls: membership
                .pulls
                .iter()
                .filter_map(|pull| {
                    let name = self.features.names.get(pull.feature)?;
                    Some((name.clone(), pull.pull))
                })
                .collect(),
            customer: found,
        })
    }

    /// An audience as a file: `(file name, text)`. Text cells that a spreadsheet would read as a
    /// formula are neutralised, in JSON too (JSON is pasted into spreadsheets as well). No
    /// `columns` means every column.
    ///
    /// With `households`, one row per household among the audience's customers (one mailer per
    /// address): the household's first customer in the audience's order (its biggest spender),
    /// with its household id and number of customers first and its converged customer's best
    /// values ([`MAILER_COLUMNS`]) last. A customer the directory does not know is a household
    /// of one, without an id.
    pub fn export(
        &self,
        audience: &Audience,
        format: AudienceFormat,
        columns: &[String],
        households: Option<&HouseholdDirectory>,
    ) -> Result<(String, String), WorkerError> {
        let columns: Vec<String> = if columns.is_empty() {
            self.report.export_columns.clone()
        } else {
            columns.to_vec()
        };
        if let Some(unknown) = columns
            .iter()
            .find(|column| !self.report.export_columns.contains(column))
        {
            return Err(invalid(format!(
                "An audience has no column `{unknown}`; it can hold {}.",
                self.report.export_columns.join(", ")
            )));
        }
        let members = self.members(audience)?;
        let cells = |idx: usize| -> Vec<Cell> {
            let rfm = &self.rfm[idx];
            columns
                .iter()
                .map(|column| match column.as_str() {
                    "customer_id" => Cell::Text(neutralise(&rfm.customer_id)),
                    "segment" => Cell::Text(neutralise(
                        self.model
                            .labels
                            .get(idx)
                            .and_then(|&s| self.report.segments.get(s))
                            .map_or("", |card| card.name.as_str()),
                    )),
                    "rfm_segment" => Cell::Text(rfm.segment.label().to_owned()),
                    "r_score" => Cell::Number(f64::from(rfm.score.recency)),
                    "f_score" => Cell::Number(f64::from(rfm.score.frequency)),
                    "m_score" => Cell::Number(f64::from(rfm.score.monetary)),
                    feature => Cell::Number(
                        self.features
                            .names
                            .iter()
                            .position(|name| name == feature)
                            .and_then(|f| self.features.values.get((idx, f)).copied())
                            .unwrap_or(f64::NAN),
                    ),
                })
                .collect()
        };
        let (header, rows): (Vec<String>, Vec<Vec<Cell>>) = match households {
            None => (columns.clone(), members.into_iter().map(cells).collect()),
            Some(directory) => {
                let mut seen: HashSet<u32> = HashSet::new();
                let firsts: Vec<(usize, Option<&HouseholdEntry>)> = members
                    .into_iter()
                    .filter_map(|idx| {
                        let entry = directory.by_customer_id.get(&self.rfm[idx].customer_id);
                        match entry {
                            Some(entry) if !seen.insert(entry.household) => None,
                            _ => Some((idx, entry)),
                        }
                    })
                    .collect();
                let mailer: Vec<&str> = MAILER_COLUMNS
                    .iter()
                    .map(|(_, column)| *column)
                    .filter(|column| {
                        firsts.iter().any(|(_, entry)| {
                            entry.is_some_and(|e| e.values.iter().any(|(c, _)| c == column))
                        })
                    })
                    .collect();
                let header = HOUSEHOLD_COLUMNS
                    .iter()
                    .map(|c| (*c).to_owned())
                    .chain(columns.iter().cloned())
                    .chain(mailer.iter().map(|c| (*c).to_owned()))
                    .collect();
                let rows = firsts
                    .into_iter()
                    .map(|(idx, entry)| {
                        let mut row = vec![
                            Cell::Count(entry.map(|e| u64::from(e.household))),
                            Cell::Count(Some(entry.map_or(1, |e| u64::from(e.n_customers)))),
                        ];
                        row.extend(cells(idx));
                        row.extend(mailer.iter().map(|column| {
                            let value = entry
                                .and_then(|e| e.values.iter().find(|(c, _)| c == column))
                                .map_or("", |(_, value)| value.as_str());
                            Cell::Text(neutralise(value))
                        }));
                        row
                    })
                    .collect();
                (header, rows)
            }
        };
        let stem = self.report.slug_for(audience);
        let text = match format {
            AudienceFormat::Csv => {
                let mut out = String::new();
                let header: Vec<String> = header.iter().map(|c| csv_cell(&neutralise(c))).collect();
                out.push_str(&header.join(","));
                out.push('\n');
                for row in rows {
                    let row: Vec<String> = row
                        .into_iter()
                        .map(|cell| match cell {
                            Cell::Text(text) => csv_cell(&text),
                            Cell::Number(x) => number_text(x),
                            Cell::Count(n) => n.map(|n| n.to_string()).unwrap_or_default(),
                        })
                        .collect();
                    out.push_str(&row.join(","));
                    out.push('\n');
                }
                out
            }
            AudienceFormat::Json => {
                let rows: Vec<serde_json::Map<String, serde_json::Value>> = rows
                    .into_iter()
                    .map(|row| {
                        header
                            .iter()
                            .cloned()
                            .zip(row.into_iter().map(|cell| {
                                match cell {
                                    Cell::Text(text) => serde_json::Value::String(text),
                                    Cell::Number(x) => serde_json::Number::from_f64(x)
                                        .map_or(serde_json::Value::Null, serde_json::Value::Number),
                                    Cell::Count(n) => {
                                        n.map_or(serde_json::Value::Null, serde_json::Value::from)
                                    }
                                }
                            }))
                            .collect()
                    })
                    .collect();
                serde_json::to_string_pretty(&rows)
                    .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?
            }
        };
        let extension = match format {
            AudienceFormat::Csv => "csv",
            AudienceFormat::Json => "json",
        };
        let per = if households.is_some() {
            " - one per household"
        } else {
            ""
        };
        Ok((format!("audience - {stem}{per}.{extension}"), text))
    }
}

impl SegmentsReport {
    fn slug_for(&self, audience: &Audience) -> String {
        audience
            .slug(self)
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == ' ' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    }
}

enum Cell {
    Text(String),
    Number(f64),
    /// An id or a count: an integer in JSON too, empty (null) when there is none.
    Count(Option<u64>),
}

/// A CSV field, quoted when it holds a separator, a quote or a line break.
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// A number as a CSV cell: whole numbers without a fraction, others to 4 decimals; missing empty.
/// A number is never neutralised: `-12.5` is a number to a spreadsheet, not a formula.
fn number_text(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{DemoJob, ImportJob, Service};
    use converge_core::segment::features::feature_definition;

    fn run<T>(mut step: impl FnMut() -> Result<Step<T>, WorkerError>) -> T {
        loop {
            if let Step::Finished(done) = step().unwrap() {
                return done;
            }
        }
    }

    fn import(service: &mut Service, name: &str, content: &str) {
        let mut job = ImportJob::new(
            name,
            std::io::Cursor::new(content.as_bytes().to_vec()),
            Some(content.len() as u64),
        )
        .unwrap();
        service.add(run(|| job.step()));
    }

    fn segment(service: &mut Service) -> SegmentsReport {
        while service.score_sentiment_step().is_some() {}
        let mut job = service.start_segmentation().unwrap();
        let done = run(|| job.step());
        service.keep_segmentation(done).report().clone()
    }

    /// Three kinds of customer a marketer can tell apart by hand: big recent spenders, small
    /// regulars and one-off shoppers long gone; one id is a planted formula, one row is bad.
    fn shop() -> Service {
        let mut orders = String::from("order_id,customer_id,order_date,amount\n");
        let mut order = 0;
        let mut line = |customer: &str, day: u32, amount: f64| {
            order += 1;
            orders.push_str(&format!(
                "O{order},{customer},2025-{:02}-{:02},{amount}\n",
                1 + day / 28,
                1 + day % 28
            ));
        };
        for c in 0..10 {
            for d in 0..6 {
                line(&format!("BIG{c}"), 300 + d * 3, 900.0 + f64::from(c));
            }
            for d in 0..12 {
                line(&format!("REG{c}"), 20 * d + c, 20.0);
            }
            line(&format!("GONE{c}"), c, 15.0);
        }
        line("=HYPERLINK(\"http://evil\")", 100, 50.0);
        orders.push_str("O999,,2025-02-01,10\n");
        let mut events = String::from("customer_id,session_id,event_type,channel,event_time\n");
        for c in 0..10 {
            for s in 0..4 {
                events.push_str(&format!(
                    "BIG{c},S{c}-{s},page_view,web,2025-11-{:02}\n",
                    10 + s
                ));
            }
        }
        let mut service = Service::default();
        import(&mut service, "orders.csv", &orders);
        import(&mut service, "web_events.csv", &events);
        service
    }

    #[test]
    fn a_small_shop_is_scored_gridded_and_clustered() {
        let mut service = shop();
        let report = segment(&mut service);
        assert_eq!(report.orders_dataset, "orders");
        assert_eq!(report.n_customers, 31);
        assert_eq!(report.n_order_rows_skipped, 1, "the row without a customer");
        assert_eq!(report.joined_datasets, ["web_events"]);
        let names: Vec<&str> = report.features.iter().map(|f| f.name.as_str()).collect();
        for wanted in [
            "recency_days",
            "cadence_days",
            "event_page_view",
            "sessions_30d",
        ] {
            assert!(names.contains(&wanted), "{wanted} in {names:?}");
        }
        assert!(report.features.iter().all(|f| !f.unit.is_empty()));
        // The grid holds every customer and every euro once.
        assert_eq!(report.rfm_cells.len(), 25);
        assert_eq!(
            report.rfm_cells.iter().map(|c| c.n_customers).sum::<u64>(),
            31
        );
        let revenue: f64 = report.rfm_cells.iter().map(|c| c.revenue).sum();
        let expected = 10.0 * 6.0 * 904.5 + 10.0 * 12.0 * 20.0 + 10.0 * 15.0 + 50.0;
        assert!((revenue - expected).abs() < 1e-6, "{revenue} vs {expected}");
        let top_left = &report.rfm_cells[4];
        assert_eq!((top_left.recency, top_left.frequency_monetary), (5, 5));
        assert_eq!(top_left.segment, RfmSegment::Champions);
        // k is the silhouette's choice among those tried, and the cards cover everyone.
        assert_eq!(
            report
                .candidates
                .iter()
                .map(|c| c.n_segments)
                .collect::<Vec<_>>(),
            (2..=8).collect::<Vec<_>>()
        );
        let best = report
            .candidates
            .iter()
            .filter_map(|c| c.silhouette)
            .fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(report.silhouette, Some(best));
        assert_eq!(
            report.segments.iter().map(|s| s.n_customers).sum::<u64>(),
            31
        );
        assert_eq!(report.points.len(), 31);
        assert_eq!(report.scatter_stride, 1);
        // The ten big spenders share a segment, and it holds nobody else.
        let segmentation = service.segmentation().unwrap();
        let all = segmentation.customers(&Audience::All, 0, 100).unwrap();
        assert_eq!(all.n_total, 31);
        let big: Vec<u32> = all
            .customers
            .iter()
            .filter(|c| c.customer_id.starts_with("BIG"))
            .map(|c| c.segment)
            .collect();
        assert!(big.iter().all(|&s| s == big[0]), "{big:?}");
        let page = segmentation
            .customers(&Audience::Segment { segment: big[0] }, 0, 5)
            .unwrap();
        assert_eq!(page.n_total, 10);
        assert_eq!(
            page.customers[0].customer_id, "BIG9",
            "biggest spender first"
        );
        assert!(segmentation
            .customers(&Audience::Segment { segment: 99 }, 0, 5)
            .is_err());
        let explanation = segmentation.explain(page.customers[0].index).unwrap();
        assert_eq!(explanation.customer.customer_id, "BIG9");
        assert_eq!(explanation.pulls.len(), report.features.len());
        assert!(segmentation.explain(10_000).is_err());
    }

    #[test]
    fn audiences_export_chosen_columns_with_formulas_neutralised() {
        let mut service = shop();
        segment(&mut service);
        let columns = vec!["customer_id".to_owned(), "monetary".to_owned()];
        let (name, csv) = service
            .export_audience(&Audience::All, AudienceFormat::Csv, &columns, false)
            .unwrap();
        assert_eq!(name, "audience - all customers.csv");
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("customer_id,monetary"));
        assert_eq!(csv.lines().count(), 32);
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://evil\"\")\",50\n"),
            "{csv}"
        );
        assert!(csv.lines().skip(1).all(|line| !line.starts_with('=')));
        let (name, json) = service
            .export_audience(
                &Audience::Rfm {
                    segment: RfmSegment::Lost,
                },
                AudienceFormat::Json,
                &[],
                false,
            )
            .unwrap();
        assert_eq!(name, "audience - Lost.json");
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&json).unwrap();
        assert!(!rows.is_empty());
        assert!(rows.iter().all(|row| row["rfm_segment"] == "Lost"));
        assert_eq!(
            rows[0].keys().cloned().collect::<Vec<_>>(),
            service.segmentation().unwrap().report().export_columns
        );
        let err = service
            .export_audience(
                &Audience::All,
                AudienceFormat::Csv,
                &["shoe_size".into()],
                false,
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(err.message.contains("shoe_size"));
    }

    /// A shop whose CRM holds two households (the Okafors, two; the Lindqvists, three: each
    /// sharing a street, a postcode and a landline) among people living alone, one of whom
    /// gave a formula for a first name.
    fn shop_with_households() -> Service {
        let mut crm =
            String::from("customer_id,first_name,last_name,email,phone,street,postcode,city\n");
        let mut orders = String::from("order_id,customer_id,order_date,amount\n");
        let households: [(&str, &str, &str, &str, &[&str]); 2] = [
            (
                "Okafor",
                "7 Elm Road",
                "LS1 4AB",
                "0113 496 0000",
                &["Mary", "Sam"],
            ),
            (
                "Lindqvist",
                "12 Birch Lane",
                "M14 5RT",
                "0161 496 0111",
                &["Astrid", "Nils", "Ingrid"],
            ),
        ];
        let mut idx = 0;
        let order = |customer: &str, idx: u32, orders: &mut String| {
            for n in 0..(1 + idx % 5) {
                orders.push_str(&format!(
                    "O{idx}-{n},{customer},2025-{:02}-{:02},{}\n",
                    1 + (idx + n) % 12,
                    1 + (idx * 7 + n) % 28,
                    20 + idx * 3
                ));
            }
        };
        for (last, street, postcode, phone, firsts) in households {
            for first in firsts {
                idx += 1;
                let id = format!("CUST{idx:03}");
                crm.push_str(&format!(
                    "{id},{first},{last},{}.{}@example.org,{phone},{street},{postcode},Leeds\n",
                    first.to_lowercase(),
                    last.to_lowercase()
                ));
                order(&id, idx, &mut orders);
            }
        }
        for alone in 0..25u32 {
            idx += 1;
            let id = format!("CUST{idx:03}");
            let first = if alone == 0 {
                "=cmd()".to_owned()
            } else {
                format!("Person{alone}")
            };
            crm.push_str(&format!(
                "{id},{first},Alone{alone},p{alone}@example.org,0113 496 {:04},{alone} Mill Lane,LS{alone} 9ZZ,Leeds\n",
                2000 + alone
            ));
            order(&id, idx, &mut orders);
        }
        let mut service = Service::default();
        import(&mut service, "crm.csv", &crm);
        import(&mut service, "orders.csv", &orders);
        service
    }

    #[test]
    fn an_audience_exports_one_row_per_household_with_its_first_customers_best_values() {
        let mut service = shop_with_households();
        segment(&mut service);
        let columns = vec!["customer_id".to_owned(), "monetary".to_owned()];
        let err = service
            .export_audience(&Audience::All, AudienceFormat::Csv, &columns, true)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(err.message.contains("Customers view"), "{}", err.message);
        service
            .converge(0.7, |_| std::ops::ControlFlow::Continue(()))
            .unwrap();
        let (name, csv) = service
            .export_audience(&Audience::All, AudienceFormat::Csv, &columns, true)
            .unwrap();
        assert_eq!(name, "audience - all customers - one per household.csv");
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("household_id,household_customers,customer_id,monetary,first_name,last_name,address,postcode,city,email,phone")
        );
        let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
        // 30 customers: the Okafors' two and the Lindqvists' three are one row each.
        assert_eq!(rows.len(), 27, "{csv}");
        let ids: HashSet<&str> = rows.iter().map(|row| row[0]).collect();
        assert_eq!(ids.len(), 27, "one row per household");
        let family = |last: &str| {
            rows.iter()
                .filter(|row| row[5] == last)
                .cloned()
                .collect::<Vec<_>>()
        };
        let (okafors, lindqvists) = (family("Okafor"), family("Lindqvist"));
        assert_eq!((okafors.len(), lindqvists.len()), (1, 1), "{csv}");
        assert_eq!(okafors[0][1], "2");
        assert_eq!(lindqvists[0][1], "3");
        // The household's first customer is its biggest spender: Sam (CUST002) spent more.
        assert_eq!(okafors[0][2], "CUST002");
        assert_eq!(
            &okafors[0][6..],
            [
                "7 Elm Road",
                "LS1 4AB",
                "Leeds",
                "sam.okafor@example.org",
                "0113 496 0000"
            ]
        );
        // Values a spreadsheet would run are written as text.
        assert!(csv.contains(",'=cmd(),Alone0,"), "{csv}");
        assert!(rows
            .iter()
            .flatten()
            .all(|cell| !cell.starts_with(['=', '+', '@'])));
        let (_, json) = service
            .export_audience(
                &Audience::All,
                AudienceFormat::Json,
                &["customer_id".into()],
                true,
            )
            .unwrap();
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&json).unwrap();
        assert_eq!(rows.len(), 27);
        assert!(rows
            .iter()
            .all(|row| row["household_id"].is_u64() && row["household_customers"].is_u64()));
        // One row per customer as before.
        let (_, per_customer) = service
            .export_audience(&Audience::All, AudienceFormat::Csv, &columns, false)
            .unwrap();
        assert_eq!(per_customer.lines().count(), 31);
    }

    #[test]
    fn the_demo_joins_engagement_and_sentiment_by_id_and_email() {
        let mut service = Service::default();
        let mut job = DemoJob::new(400).unwrap();
        for ingested in run(|| job.step()) {
            service.add(ingested);
        }
        let report = segment(&mut service);
        assert_eq!(report.orders_dataset, "orders");
        assert!(report.joined_datasets.contains(&"web_events".to_owned()));
        let names: Vec<&str> = report.features.iter().map(|f| f.name.as_str()).collect();
        assert!(names.contains(&"mean_sentiment"), "{names:?}");
        assert!(names.contains(&"sessions_90d"), "{names:?}");
        let texts: u64 = report
            .segments
            .iter()
            .map(|s| s.sentiment.iter().sum::<u64>())
            .sum();
        assert!(texts > 0);
        assert!(!report.channels.is_empty());
        let mut seen = HashSet::new();
        assert!(
            report.segments.iter().all(|s| seen.insert(s.name.clone())),
            "unique names"
        );
    }

    fn feature_of(service: &Service, report: &SegmentsReport, name: &str) -> HashMap<String, f64> {
        let slot = report.features.iter().position(|f| f.name == name);
        let slot = slot.unwrap_or_else(|| panic!("no {name} in {:?}", report.features));
        let page = service
            .segmentation()
            .unwrap()
            .customers(&Audience::All, 0, 500)
            .unwrap();
        page.customers
            .iter()
            .map(|c| (c.customer_id.clone(), c.values[slot]))
            .collect()
    }

    /// Handles known from a handle column next to the customer id: @mentions by others and
    /// replies to their posts count, once per post; talking to yourself does not.
    #[test]
    fn mentions_received_count_the_posts_of_others_that_address_a_customer() {
        let mut service = Service::default();
        import(
            &mut service,
            "orders.csv",
            "order_id,customer_id,order_date,amount\nO1,C1,2025-01-02,10\nO2,C2,2025-01-03,20\nO3,C3,2025-01-04,30\nO4,C1,2025-02-04,30\n",
        );
        import(
            &mut service,
            "crm.csv",
            "customer_id,email,handle\nC1,ada@example.com,@Ada\nC2,bob@example.com,@bob\nC3,cy@example.com,\n",
        );
        import(
            &mut service,
            "posts.csv",
            "post_id,handle,text,in_reply_to\n\
             P1,@zed,love @ada and @ADA and @bob,\n\
             P2,@ada,hi @ada and @bob,\n\
             P3,@bob,thanks,P1\n\
             P4,@zed,hmm,P2\n\
             P5,@cy,who is @nobody,P9\n",
        );
        let report = segment(&mut service);
        let received = feature_of(&service, &report, "mentions_received");
        assert_eq!(received["C1"], 2.0, "P1 once, and P4 replies to her P2");
        assert_eq!(received["C2"], 2.0, "P1 and P2");
        assert_eq!(received["C3"], 0.0);
        assert!(feature_definition("mentions_received").is_some());
        assert_eq!(
            report
                .features
                .iter()
                .find(|f| f.name == "mentions_received")
                .map(|f| f.unit.as_str()),
            Some("mentions")
        );
    }

    /// Posts carry a handle and a phone, the CRM a customer id and the phone written another
    /// way: only converged customers join the posts to the buyers, for their sentiment and the
    /// mentions they receive.
    #[test]
    fn converged_customers_join_the_posts_and_their_mentions() {
        let mut service = Service::default();
        let people = [
            ("C1", "Ada", "Lovelace", "+44 20 7946 0001", "020 7946 0001"),
            ("C2", "Bob", "Brown", "+44 20 7946 0002", "020 7946 0002"),
            ("C3", "Cy", "Young", "+44 20 7946 0003", "020 7946 0003"),
            ("C4", "Di", "Prince", "+44 20 7946 0004", "020 7946 0004"),
        ];
        let mut orders = String::from("order_id,customer_id,order_date,amount\n");
        let mut crm = String::from("customer_id,first_name,last_name,phone\n");
        for (idx, (id, first, last, phone, _)) in people.iter().enumerate() {
            orders.push_str(&format!("O{idx},{id},2025-01-0{},{}0\n", idx + 1, idx + 1));
            crm.push_str(&format!("{id},{first},{last},{phone}\n"));
        }
        import(&mut service, "orders.csv", &orders);
        import(&mut service, "crm.csv", &crm);
        let posts = format!(
            "handle,phone,text\n\
             @ada,{},I really love what @bob recommended to me\n\
             @bob,{},thanks @ada this is a great product\n\
             @zed,,ask @ada or @bob they know everything\n",
            people[0].4, people[1].4
        );
        import(&mut service, "posts.csv", &posts);
        let before = segment(&mut service);
        assert!(!before.joined_datasets.contains(&"posts".to_owned()));
        assert!(before
            .features
            .iter()
            .all(|f| f.name != "mentions_received"));
        service
            .converge(0.9, |_| std::ops::ControlFlow::Continue(()))
            .unwrap();
        let after = segment(&mut service);
        assert!(
            after.joined_datasets.contains(&"posts".to_owned()),
            "{:?}",
            after.joined_datasets
        );
        let received = feature_of(&service, &after, "mentions_received");
        assert_eq!(received["C1"], 2.0, "from @bob and @zed");
        assert_eq!(received["C2"], 2.0, "from @ada and @zed");
        assert_eq!((received["C3"], received["C4"]), (0.0, 0.0));
        let texts = feature_of(&service, &after, "texts");
        assert_eq!((texts["C1"], texts["C2"], texts["C3"]), (1.0, 1.0, 0.0));
    }

    /// The demo's events count per kind of event (page views…), not per event id.
    #[test]
    fn the_demos_engagement_counts_are_per_kind_of_event() {
        let mut service = Service::default();
        let mut job = DemoJob::new(400).unwrap();
        for ingested in run(|| job.step()) {
            service.add(ingested);
        }
        let report = segment(&mut service);
        let events: Vec<&str> = report
            .features
            .iter()
            .filter_map(|f| f.name.strip_prefix("event_"))
            .collect();
        assert!(events.contains(&"page_view"), "{events:?}");
        assert!(
            events.iter().all(|kind| !kind.starts_with('E')),
            "{events:?}"
        );
    }

    #[test]
    fn the_silhouette_sample_is_close_to_the_exact_one_and_seeded() {
        let n = 5_000;
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut unit = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let labels: Vec<usize> = (0..n).map(|i| i % 3).collect();
        let data = Array2::from_shape_fn((n, 2), |(i, j)| {
            (labels[i] as f64) * 2.0 * (j as f64 + 1.0) + unit()
        });
        let exact = silhouette(data.view(), &labels).unwrap();
        let sampled = sampled_silhouette(&data, &labels, &mut Pcg64Mcg::seed_from_u64(9)).unwrap();
        assert!((exact - sampled).abs() < 0.02, "{exact} vs {sampled}");
        let again = sampled_silhouette(&data, &labels, &mut Pcg64Mcg::seed_from_u64(9)).unwrap();
        assert_eq!(sampled, again);
    }

    /// The order features and RFM scores against pandas (`tests/data/segments/make_features.py`).
    #[test]
    fn order_features_match_pandas() {
        let mut service = Service::default();
        import(
            &mut service,
            "orders.csv",
            include_str!("../../../tests/data/segments/orders.csv"),
        );
        let report = segment(&mut service);
        assert_eq!(report.n_order_rows_skipped, 2, "no customer, no amount");
        let expected = include_str!("../../../tests/data/segments/features.expected.csv");
        let mut lines = expected.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let page = service
            .segmentation()
            .unwrap()
            .customers(&Audience::All, 0, 500)
            .unwrap();
        let by_id: HashMap<&str, &SegmentCustomer> = page
            .customers
            .iter()
            .map(|c| (c.customer_id.as_str(), c))
            .collect();
        let mut n_checked = 0;
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let customer = by_id[cells[0]];
            for (name, cell) in header.iter().zip(&cells).skip(1) {
                let want: f64 = cell.parse().unwrap();
                let got = match *name {
                    "r_score" => f64::from(customer.rfm.recency),
                    "f_score" => f64::from(customer.rfm.frequency),
                    "m_score" => f64::from(customer.rfm.monetary),
                    feature => {
                        let idx = report
                            .features
                            .iter()
                            .position(|f| f.name == feature)
                            .unwrap();
                        customer.values[idx]
                    }
                };
                assert!(
                    (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                    "{} {name}: {got} vs pandas {want}",
                    cells[0]
                );
            }
            n_checked += 1;
        }
        assert_eq!(n_checked as u64, report.n_customers);
    }

    #[test]
    fn segment_names_read_as_a_marketer_would_say_them() {
        assert_eq!(
            marketer_name("high cadence_days, lapsed"),
            "slow to reorder, lapsed"
        );
        assert_eq!(marketer_name("low tenure_days, recent"), "new, recent");
        assert_eq!(
            marketer_name("high channel_web, low event_add_to_cart"),
            "much web, few add to cart"
        );
        assert_eq!(marketer_name("typical"), "typical");
        assert_eq!(marketer_name("disengaged, disengaged"), "disengaged");
    }

    #[test]
    fn without_orders_the_user_is_told_what_to_load() {
        let mut service = Service::default();
        import(&mut service, "notes.csv", "who,said\nada,hello\n");
        let err = service.start_segmentation().err().unwrap();
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(err.message.contains("orders table"));
        assert_eq!(
            service.segmentation().unwrap_err().code,
            ErrorCode::NotFound
        );
    }
}
