//! The messages between the app (page) and the analytics worker.
//!
//! The page sends [`ToWorker`]; the worker answers with [`FromWorker`]. Every piece of work is a
//! [`Request`] tagged with a [`RequestId`] chosen by the page; the worker may send any number of
//! [`FromWorker::Progress`] for it and then exactly one [`FromWorker::Done`] or
//! [`FromWorker::Failed`]. A [`ToWorker::Cancel`] makes a running request fail with
//! [`ErrorCode::Cancelled`] at its next checkpoint.
//!
//! If the worker panics it sends [`FromWorker::Crashed`] before it dies; the client then restarts
//! it, and every request that was in flight is lost (and its data with it).
//!
//! Messages are serialised with serde-wasm-bindgen into plain JavaScript objects, so they cross
//! `postMessage` by structured clone without a JSON detour. Counts are `u64` and stay below 2^53,
//! which JavaScript numbers hold exactly.

use converge_core::identity::{CustomerId, RecordRef};
use converge_core::schema::Overrides;
use converge_core::sentiment::LexiconEntry;
pub use converge_workspace::answer::*;
pub use converge_workspace::live::breakdown::BREAKDOWN_ROWS;
pub use converge_workspace::live::{
    LiveAlert, LiveBreakdown, LiveBreakdownRow, LiveConnection, LiveCounts, LiveDimension,
    LiveFailure, LivePoint, LiveRole, LiveSeries, LiveUpdate, LiveVerbatim, Totals,
};
pub use converge_workspace::segments::{
    Audience, AudienceFormat, CustomerExplanation, SegmentCustomerPage, SegmentsReport,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// Chosen by the page, unique among the requests it has in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u32);

/// From the page to the worker.
///
/// Externally tagged (`{"Run": {...}}`), unlike the answers: an internally tagged enum is buffered
/// by serde, which would turn the `File` inside [`Request::ImportFile`] into a plain map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    Run { id: RequestId, request: Request },
    Cancel { id: RequestId },
}

/// Work the page asks of the worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Is the worker alive, and which version is it?
    Ping,
    /// Generate the demo company's exports in the worker and import them.
    LoadDemo { n_customers: u64 },
    /// Import a file the user chose or dropped; the worker reads it in slices.
    ImportFile { file: FileHandle },
    /// The datasets the worker holds.
    ListDatasets,
    /// Rows `offset..offset + limit` of a dataset, as display text.
    TablePage {
        dataset: DatasetId,
        offset: u64,
        limit: u64,
    },
    /// Replace a dataset's role and field overrides (the user's corrections to detection).
    SetSchema {
        dataset: DatasetId,
        overrides: Overrides,
    },
    /// Every row the import refused, as CSV, for download.
    RejectedRowsCsv { dataset: DatasetId },
    /// Forget a dataset.
    RemoveDataset { dataset: DatasetId },
    /// The voice of the customer in a dataset's text: trend, channels, distinctive terms.
    Voice {
        dataset: DatasetId,
        filter: VoiceFilter,
    },
    /// The texts that pass a filter, newest first, each with its words' part in its score.
    Verbatims {
        dataset: DatasetId,
        filter: VoiceFilter,
        offset: u64,
        limit: u64,
    },
    /// Replace the words this dataset's project rates itself; its texts are scored again.
    SetLexicon {
        dataset: DatasetId,
        entries: Vec<LexiconEntry>,
    },
    /// Who talks about whom in a dataset of posts: the mention graph, its influencers, advocates,
    /// detractors and communities, under a filter of channel and days.
    Network {
        dataset: DatasetId,
        filter: NetworkFilter,
    },
    /// Place the nodes of a drawn graph (`n_nodes` nodes, edges as index pairs, e.g. those of a
    /// [`NetworkReport`]) by a force-directed layout. Positions stream as
    /// [`FromWorker::Positions`] while it settles; the answer is the final positions.
    Layout {
        n_nodes: u32,
        edges: Vec<(u32, u32)>,
        seed: u64,
    },
    /// A handle's most recent posts in a dataset of posts that pass the filter (those mentioning
    /// it when it wrote none), newest first, for its details panel.
    HandlePosts {
        dataset: DatasetId,
        handle: String,
        filter: NetworkFilter,
        limit: u64,
    },
    /// Segment the customers of the held datasets (orders, joined with engagement and texts):
    /// RFM, then k-means with k chosen by silhouette. The result stays in the worker.
    Segments,
    /// A page of one audience's customers, biggest spenders first.
    SegmentCustomers {
        audience: Audience,
        offset: u64,
        limit: u64,
    },
    /// Why customer `customer` (an index of the segmentation) is in their segment.
    ExplainCustomer { customer: u32 },
    /// An audience as a CSV or JSON download, with the columns chosen (none: all);
    /// `per_household`: one row per household of the converged customers (one mailer per
    /// address), with its id, its number of customers and its first customer's best values.
    ExportAudience {
        audience: Audience,
        format: AudienceFormat,
        columns: Vec<String>,
        #[serde(default)]
        per_household: bool,
    },
    /// Panic on purpose. It exists so the end-to-end tests can prove that a crash reaches the
    /// user as a message and the app recovers; the app offers it only in diagnostics mode.
    Crash,
    /// Resolve the records of every held dataset with identity columns into customers (each
    /// dataset a source), and keep the result; links are applied at `threshold`.
    Converge { threshold: f64 },
    /// Re-cluster the kept resolution at another threshold, from the links already scored.
    SetMatchThreshold { threshold: f64 },
    /// The user's ruling on a link: `Some(true)` accept, `Some(false)` split, `None` forget an
    /// earlier ruling. Kept, and applied on every re-clustering; nothing is retrained.
    ReviewLink {
        left: RecordRef,
        right: RecordRef,
        same_customer: Option<bool>,
    },
    /// Customers `offset..offset + limit` of those whose values contain `search`.
    CustomerList {
        search: String,
        offset: u64,
        limit: u64,
    },
    /// Everything known of one customer: records by source, the links with their evidence,
    /// orders, texts and events.
    Customer360 { customer: CustomerId },
    /// The distinctive terms of communities of the last [`Request::Network`] answered (same
    /// dataset and filter), for those the page shows beyond the first few; at most
    /// `COMMUNITIES_LISTED` (8) per request.
    CommunityTerms {
        dataset: DatasetId,
        filter: NetworkFilter,
        communities: Vec<u32>,
    },
    /// Connect the worker to a live stream: Server-Sent Events at an `http(s)://` URL, WebSocket
    /// at a `ws(s)://` one (any simulation stops). Answered at once with the feed's state; the
    /// records then arrive as [`FromWorker::Live`] updates, at most every 250 ms.
    /// `role` says what the stream's records are (`None`: detected from each record's fields).
    LiveConnect {
        url: String,
        #[serde(default)]
        role: Option<LiveRole>,
    },
    /// Close the stream (or stop the simulation); what was received stays.
    LiveDisconnect,
    /// Replay the held interactions, orders and events as live traffic at `records_per_second`
    /// (0 stops it), inside the worker: the Live view without a server.
    LiveSimulate { records_per_second: u32 },
    /// Replace the alert rules (their baselines start again).
    LiveRules { rules: AlertRules },
    /// Records of the live feed by id (an alert's evidence), explained.
    LiveRecords { ids: Vec<u64> },
    /// Keep the live table's records as a dataset, for the other views; answered with the
    /// datasets.
    LiveKeepAsDataset,
}

/// The name of the dataset [`Request::LiveKeepAsDataset`] keeps the live records as (kept
/// again, it replaces itself).
pub const LIVE_DATASET: &str = "live_stream";

/// From the worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum FromWorker {
    /// The worker has started and is listening.
    Ready {
        version: String,
    },
    /// A running request moved on; `fraction` is in `0..=1`, `phase` says what it is doing.
    Progress {
        id: RequestId,
        fraction: f32,
        phase: String,
    },
    /// A layout in progress: where the nodes are now (`[x0, y0, x1, y1, …]`), `fraction` of
    /// the way to settled. Sent at most as often as progress; the request still ends with one `Done` holding the final positions.
    Positions {
        id: RequestId,
        fraction: f32,
        positions: Vec<f32>,
    },
    Done {
        id: RequestId,
        response: Response,
    },
    Failed {
        id: RequestId,
        error: WorkerError,
    },
    /// The worker panicked and is about to die; nothing it held survives.
    Crashed {
        message: String,
    },
    /// A message arrived that the worker could not read (a page and worker of different
    /// versions, say). No request id could be read from it.
    Unreadable {
        message: String,
    },
    /// The live feed moved on (records, connection state, alerts); sent at most every 250 ms,
    /// unasked, while a stream or simulation runs.
    Live {
        update: Box<LiveUpdate>,
    },
}

/// The answer to a [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Response {
    Pong {
        version: String,
    },
    /// The datasets now held, after a load, a list or a removal.
    Datasets {
        datasets: Vec<DatasetSummary>,
    },
    Page {
        page: TablePage,
    },
    /// A file for the user to download.
    Csv {
        file_name: String,
        text: String,
    },
    Voice {
        report: Box<VoiceReport>,
    },
    Verbatims {
        page: VerbatimPage,
    },
    Network {
        report: Box<NetworkReport>,
    },
    /// Final positions of a [`Request::Layout`], `[x0, y0, x1, y1, …]`.
    Layout {
        positions: Vec<f32>,
    },
    HandlePosts {
        posts: HandlePosts,
    },
    Segments {
        report: Box<SegmentsReport>,
    },
    SegmentCustomers {
        page: SegmentCustomerPage,
    },
    CustomerExplanation {
        explanation: Box<CustomerExplanation>,
    },
    Customers {
        overview: Box<CustomersOverview>,
    },
    CustomerList {
        page: CustomerPage,
    },
    Customer360 {
        customer: Box<Customer360>,
    },
    CommunityTerms {
        terms: CommunityTerms,
    },
    /// The live feed's state after a live request.
    Live {
        update: Box<LiveUpdate>,
    },
    LiveRecords {
        records: Vec<LiveVerbatim>,
    },
}

/// A browser `File`, passed to the worker as is (structured clone), never copied into a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHandle(#[serde(with = "serde_wasm_bindgen::preserve")] pub JsValue);
