//! The answers the workspace gives: what each view shows, as plain serialisable data.
//!
//! The worker sends them to the page inside its messages (`converge-wasm`'s `protocol`), the CLI
//! and the tests read them directly. Counts are `u64` and stay below 2^53, which JavaScript
//! numbers hold exactly.

use converge_core::identity::{CustomerId, PairEvidence, RecordRef};
use converge_core::ingest::IngestReport;
pub use converge_core::live::{Alert, AlertKind, AlertRules};
use converge_core::schema::Role;
use converge_core::schema::{Overrides, TableSchema};
use converge_core::sentiment::{
    CustomerSentiment, GroupSentiment, LexiconEntry, Mover, SentimentLabel, SentimentScore, Tally,
    TextPiece,
};
use converge_core::terms::DistinctiveTerm;
use serde::{Deserialize, Serialize};

/// A table held by the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DatasetId(pub u32);

/// Which posts make the network; `None` everywhere means all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetworkFilter {
    pub channel: Option<String>,
    /// Days since 1970-01-01, both ends included.
    pub from_day: Option<i32>,
    pub to_day: Option<i32>,
}

/// The mention graph of a dataset of posts under a filter, ready to draw and to read.
///
/// The graph is computed whole; what is drawn is capped: of the [`MAX_DRAWN_NODES`] nodes of
/// highest PageRank, those linked to another of them, and the edges among them
/// (`n_nodes_total` and `n_edges_total` say how many there are in all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkReport {
    pub dataset: DatasetId,
    pub filter: NetworkFilter,
    /// The columns read: who wrote each post, its text, what it replies to, when and where.
    pub author_column: String,
    pub text_column: String,
    pub reply_column: Option<String>,
    pub date_column: Option<String>,
    pub channel_column: Option<String>,
    /// Posts that pass the filter, and those without an author (left out, counted here).
    pub n_posts: u64,
    pub n_posts_without_author: u64,
    /// Edges added from @mentions and from replies (before repeats merge).
    pub n_mentions: u64,
    pub n_replies: u64,
    pub n_nodes_total: u64,
    pub n_edges_total: u64,
    /// Handles among the most influential that are not drawn: none of their links reaches
    /// another drawn handle.
    pub n_nodes_unlinked: u64,
    /// Louvain's modularity of the communities (directed).
    pub modularity: f64,
    /// The drawn nodes, by PageRank descending; edges index into this list.
    pub nodes: Vec<NetworkNode>,
    pub edges: Vec<NetworkEdge>,
    /// The largest communities, by members descending.
    pub communities: Vec<CommunitySummary>,
    pub n_communities: u64,
    pub advocates: Vec<NetworkPerson>,
    pub detractors: Vec<NetworkPerson>,
    /// Every channel of the dataset's posts, and their first and last day, for the filters.
    pub channels: Vec<String>,
    pub day_range: Option<(i32, i32)>,
    /// `None` for posts; for a table of edges (an edge list or referrals), what they stand for.
    /// Then `author_column` and `text_column` are the source and target columns, a "post" is a
    /// row, `n_posts_without_author` counts the rows that made no edge (an end missing, or a
    /// weight that is not a number ≥ 0), `n_mentions` the edges read, and nothing is scored.
    #[serde(default)]
    pub edges_from: Option<converge_core::network::EdgeKind>,
}

/// The most nodes a [`NetworkReport`] draws.
pub const MAX_DRAWN_NODES: usize = 2_000;

/// One drawn node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkNode {
    /// Lower case, without the `@`.
    pub handle: String,
    pub pagerank: f64,
    /// 1 for the highest PageRank in the whole graph.
    pub rank: u32,
    /// Weighted: mentions and replies received, and made.
    pub in_degree: f64,
    pub out_degree: f64,
    /// Its community's id ([`CommunitySummary::id`]; only the largest are summarised).
    pub community: u32,
    /// Mean sentiment of what it said about others, in [-1, 1]; `None` if it mentioned no one.
    pub tone: Option<f64>,
    /// How many others are within two hops of listening to it (counted for those with a tone).
    pub reach: Option<u32>,
    /// The customer id on its posts, when the dataset has a customer column.
    pub customer: Option<String>,
    /// The resolved customer behind its first post, once customers are converged (the
    /// Customers view): its customer 360 is `#customers/<id>`.
    pub customer_360: Option<u32>,
    /// Posts it wrote that pass the filter.
    pub n_posts: u32,
}

/// A weighted edge between two drawn nodes (indexes into [`NetworkReport::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkEdge {
    pub source: u32,
    pub target: u32,
    pub weight: f64,
}

/// A community: who is in it, how its posts feel and what sets its posts apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunitySummary {
    pub id: u32,
    pub n_members: u64,
    /// Its members of highest PageRank, best first.
    pub leaders: Vec<String>,
    /// Its members' posts that pass the filter, by label, and their mean compound score.
    pub n_posts: u64,
    pub n_positive: u64,
    pub n_negative: u64,
    pub mean_sentiment: Option<f64>,
    /// Terms most typical of its members' posts against everyone else's.
    pub terms: Vec<DistinctiveTerm>,
    /// Whether `terms` were looked for: the report finds them for the largest communities only;
    /// the others' come as [`CommunityTerms`] when the page shows them.
    #[serde(default)]
    pub terms_ready: bool,
}

/// The distinctive terms of some communities of a network (its dataset and filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityTerms {
    pub dataset: DatasetId,
    pub filter: NetworkFilter,
    /// `(community id, terms)`.
    pub terms: Vec<(u32, Vec<DistinctiveTerm>)>,
}

impl CommunitySummary {
    /// Net sentiment of its posts: % positive less % negative.
    pub fn net(&self) -> f64 {
        let n = self.n_posts.max(1) as f64;
        (self.n_positive as f64 - self.n_negative as f64) / n * 100.0
    }
}

/// An advocate or a detractor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkPerson {
    pub handle: String,
    /// Its index in [`NetworkReport::nodes`], when drawn.
    pub node: Option<u32>,
    pub tone: f64,
    pub reach: u32,
    /// Tone × reach.
    pub net_reach: f64,
    pub pagerank: f64,
}

/// A handle's posts, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlePosts {
    pub dataset: DatasetId,
    pub handle: String,
    pub filter: NetworkFilter,
    /// True when the handle wrote none and these are posts that mention it.
    pub mentioning: bool,
    pub n_total: u64,
    pub posts: Vec<HandlePost>,
}

/// One post of [`HandlePosts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlePost {
    pub row: u64,
    pub day: Option<i32>,
    pub channel: Option<String>,
    pub author: String,
    pub text: String,
    pub compound: Option<f64>,
}

/// Which texts the voice of the customer looks at; `None` everywhere means all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VoiceFilter {
    pub channel: Option<String>,
    pub label: Option<SentimentLabel>,
    /// Only texts containing this word or two-word phrase (as the distinctive terms list it).
    pub term: Option<String>,
    /// Days since 1970-01-01, both ends included.
    pub from_day: Option<i32>,
    pub to_day: Option<i32>,
    /// Only texts whose author is a customer of this segment (by its name), once segmented.
    #[serde(default)]
    pub segment: Option<String>,
    /// Only texts about this product (the value of the table's product column).
    #[serde(default)]
    pub product: Option<String>,
}

/// A dataset's voice of the customer under a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceReport {
    pub dataset: DatasetId,
    pub filter: VoiceFilter,
    /// The column of customer text, and the columns its texts are dated and grouped by.
    pub text_column: String,
    pub date_column: Option<String>,
    pub channel_column: Option<String>,
    /// The texts that pass the filter, by label.
    pub overall: Tally,
    /// True when `trend` is by week (long spans), false when by day.
    pub weekly: bool,
    /// `(first day of the bucket, tally)`, in time order.
    pub trend: Vec<(i32, Tally)>,
    /// Every channel of the dataset with its texts that pass the rest of the filter.
    pub channels: Vec<GroupSentiment>,
    pub products: Vec<GroupSentiment>,
    /// Channels and products whose net sentiment moved most in the last 30 days against the
    /// 30 before.
    pub movers: Vec<Mover>,
    /// Customers whose texts turned most negative (newer half against older half), worst first.
    pub customers_to_watch: Vec<CustomerSentiment>,
    /// Terms most typical of negative texts against positive ones, and the reverse.
    pub negative_terms: Vec<DistinctiveTerm>,
    pub positive_terms: Vec<DistinctiveTerm>,
    /// The first and last day of the dataset's dated texts, for the date filter.
    pub day_range: Option<(i32, i32)>,
    /// The project's own rated words in use.
    pub lexicon: Vec<LexiconEntry>,
    /// Whether the customers are segmented (in the Segments view); `segments` is empty until.
    #[serde(default)]
    pub segmented: bool,
    /// Per segment, the texts that pass the rest of the filter whose author is one of its
    /// customers (by customer id, or an email or handle a table maps to one).
    #[serde(default)]
    pub segments: Vec<GroupSentiment>,
    /// Texts that pass the filter whose author has no segment.
    #[serde(default)]
    pub n_without_segment: u64,
    /// The terms the filtered texts say more than all the others (empty without a filter).
    #[serde(default)]
    pub selection_terms: Vec<DistinctiveTerm>,
}

/// One customer text, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verbatim {
    /// Its row in the dataset (0-based).
    pub row: u64,
    pub day: Option<i32>,
    pub channel: Option<String>,
    pub customer: Option<String>,
    pub score: SentimentScore,
    /// The text as written, piece by piece, with each word's valence and the rules behind it.
    pub pieces: Vec<TextPiece>,
}

/// A window of the verbatims that pass a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerbatimPage {
    pub dataset: DatasetId,
    pub filter: VoiceFilter,
    pub offset: u64,
    pub n_total: u64,
    pub verbatims: Vec<Verbatim>,
}

/// What the page shows of a dataset without asking for its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    pub id: DatasetId,
    pub name: String,
    pub n_rows: u64,
    /// The import's report; `rejected` holds at most [`SUMMARY_REJECTED_ROWS`] rows (the counts
    /// cover them all, and the rejected rows' CSV request gives every one kept).
    pub report: IngestReport,
    /// The detected role and fields, with the user's overrides applied.
    pub schema: TableSchema,
    pub overrides: Overrides,
    /// How the customer text feels, once the worker has scored it (none without a text column).
    pub sentiment: Option<SentimentOverview>,
}

/// The sentiment of a dataset's customer text (VADER; positive at compound ≥ 0.05, negative at
/// ≤ -0.05).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentOverview {
    /// The column scored.
    pub column: String,
    pub n_positive: u64,
    pub n_neutral: u64,
    pub n_negative: u64,
    /// Mean compound score of the texts, from -1 to 1.
    pub mean_compound: f64,
    /// The project's own rated words, used with VADER's.
    pub lexicon: Vec<LexiconEntry>,
}

impl SentimentOverview {
    /// Net sentiment: the share of positive texts less the share of negative ones, in points.
    pub fn net(&self) -> f64 {
        let total = (self.n_positive + self.n_neutral + self.n_negative).max(1) as f64;
        (self.n_positive as f64 - self.n_negative as f64) / total * 100.0
    }
}

/// Refused rows a summary carries; the rest are one download away.
pub const SUMMARY_REJECTED_ROWS: usize = 100;

/// A window of rows, as text for display (`None` where a value is missing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TablePage {
    pub dataset: DatasetId,
    pub offset: u64,
    pub n_rows_total: u64,
    pub column_names: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// A request that did not succeed, in words for the user and a code for the program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct WorkerError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The user cancelled the request.
    Cancelled,
    /// The request names something the worker does not hold (a removed dataset, say).
    NotFound,
    /// The request cannot be carried out as asked.
    Invalid,
    /// The worker crashed or could not be started; the message says what happened.
    WorkerFailed,
    /// A fault of ours, not the user's: the message says what broke.
    Internal,
}

impl WorkerError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> WorkerError {
        WorkerError {
            code,
            message: message.into(),
        }
    }

    pub fn cancelled() -> WorkerError {
        WorkerError::new(ErrorCode::Cancelled, "Cancelled.")
    }
}

/// The customers once every source is converged, at the current threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomersOverview {
    /// Links at or above this match probability are applied.
    pub threshold: f64,
    /// The lowest threshold that needs no new fit (links below it were never kept).
    pub lowest_threshold: f64,
    /// Links below this probability are uncertain and offered for review.
    pub weak_link: f64,
    pub sources: Vec<SourceConvergence>,
    /// Held tables without a column that identifies people, left out.
    pub skipped: Vec<String>,
    pub n_records: u64,
    pub n_customers: u64,
    /// Customers with records in two sources or more.
    pub n_customers_multi_source: u64,
    /// Links on the same email, phone, handle or customer id (probability 1, not in the
    /// histogram).
    pub n_identifier_links: u64,
    /// Scored links applied at the threshold, and those held back for joining two groups.
    pub n_scored_links: u64,
    pub n_held_back: u64,
    pub histogram: MatchWeightHistogram,
    /// The scored links nearest the threshold (in match weight), closest first, after every
    /// link the user ruled on.
    pub review: Vec<ReviewLink>,
    /// Households of several customers (who share an address, a landline or a family e-mail),
    /// and the customers living in them.
    pub n_shared_households: u64,
    pub n_customers_in_shared_households: u64,
    /// A few of the largest households of several customers, for a look (at most
    /// [`HOUSEHOLD_EXAMPLES`]).
    pub household_examples: Vec<HouseholdCard>,
    /// Identifiers several people use, weighed as evidence and never linked on outright: how
    /// many per field (`("phone", 547)`), most first, and the widest few (most people first, at
    /// most [`WIDEST_SHARED_IDENTIFIERS`]).
    pub shared_identifiers_by_field: Vec<(String, u64)>,
    pub widest_shared_identifiers: Vec<SharedIdentifierRow>,
    /// Links at or above the threshold that were held back, per reason (as said to the user),
    /// most first.
    pub held_back_by_reason: Vec<(String, u64)>,
    /// How the model was trained and whether it can be trusted, one line per finding.
    pub model_health: Vec<String>,
    /// Why the model was not trusted, when it was not: then only exact identifiers of one
    /// person linked records.
    pub model_not_trusted: Option<String>,
}

/// Household examples an overview carries at most.
pub const HOUSEHOLD_EXAMPLES: usize = 5;
/// Shared identifiers an overview lists at most.
pub const WIDEST_SHARED_IDENTIFIERS: usize = 5;

/// Customers who live together: they share an address, a landline or a family e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdCard {
    /// Numbered from 1.
    pub id: u32,
    /// In a customer 360, the household's other customers; in an overview, all of them.
    pub members: Vec<HouseholdMember>,
    /// What they share, `(field, value)`: an address as compared (normalised,
    /// `("address", "7 elm road ls1 4ab leeds")`), a phone or e-mail as a member's record
    /// writes it (`("phone", "+44 113 496 0000")`).
    pub shared: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdMember {
    pub id: CustomerId,
    pub name: Option<String>,
}

/// An email, phone, handle or customer id that several people use (a family landline or
/// e-mail, a switchboard).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedIdentifierRow {
    /// "phone", "email"…
    pub field: String,
    /// As compared (normalised; a phone's last nine digits).
    pub value: String,
    /// As one of the customer's records writes it, where known (`+44 113 496 0000`).
    pub shown: String,
    pub n_records: u64,
    /// People among its records, told apart by first name and birth date (at least this many).
    pub n_people: u64,
}

/// One source's records before convergence, and the customers they are after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceConvergence {
    pub dataset: DatasetId,
    pub name: String,
    pub role: Role,
    pub n_records: u64,
    pub n_customers: u64,
    /// "email (email)", "cust_phone (phone)": the columns compared.
    pub identity_columns: Vec<String>,
}

/// How many scored links fall in each equal-width bin of match weight (log₂ of the odds,
/// `log₂(p / (1 − p))`) from `from_bits` to `to_bits`; heavier links count in the last bin.
/// Probabilities crowd near 1 (0.99 is 6.6 bits, 0.9999 is 13.3), so bins of weight show what
/// bins of probability would squash into one bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchWeightHistogram {
    pub from_bits: f64,
    pub to_bits: f64,
    pub counts: Vec<u64>,
}

/// log₂ of the odds of a probability: the match weight the waterfall adds up to.
pub fn weight_of_probability(probability: f64) -> f64 {
    (probability / (1.0 - probability)).log2()
}

/// The probability of a match weight.
pub fn probability_of_weight(weight_bits: f64) -> f64 {
    let odds = weight_bits.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// A record as a person reads it: its source, row and a name or identifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordLabel {
    pub record: RecordRef,
    pub source: String,
    /// 1-based row of the source table.
    pub row: u64,
    pub label: String,
}

/// An uncertain link, with what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewLink {
    pub left: RecordLabel,
    pub right: RecordLabel,
    pub match_probability: f64,
    pub status: LinkStatus,
    /// The user's ruling, if any.
    pub decision: Option<bool>,
    /// The customer of the left record now.
    pub customer: CustomerId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkStatus {
    /// The two records are one customer now (by this link or others).
    Together,
    /// At or above the threshold, but held back: it would have joined two groups by a weak link.
    HeldBack,
    /// The two records are two customers.
    Apart,
}

/// A customer in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: CustomerId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub n_records: u64,
    pub sources: Vec<String>,
    pub weakest_link: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerPage {
    pub search: String,
    pub offset: u64,
    pub n_total: u64,
    pub customers: Vec<CustomerRow>,
}

/// One customer across every source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer360 {
    pub id: CustomerId,
    pub name: Option<String>,
    /// Best values, each with the source, column and row it came from.
    pub values: Vec<BestValue>,
    pub sources: Vec<SourceRecords>,
    /// The links that joined the records, each with its waterfall.
    pub links: Vec<LinkEvidence>,
    pub n_links: u64,
    pub orders: Vec<Activity>,
    pub texts: Vec<CustomerText>,
    /// Newest first.
    pub events: Vec<Activity>,
    pub n_orders: u64,
    pub n_texts: u64,
    pub n_events: u64,
    /// The other customers of their household and what they share; `None` when no other
    /// customer shares their address, a landline or a family e-mail.
    pub household: Option<HouseholdCard>,
    /// Per other member of the household (in its order), why the two are two customers: the
    /// evidence between a record of each.
    pub household_evidence: Vec<LinkEvidence>,
    /// Their emails, phones, handles and customer ids that several people use.
    pub shared_identifiers: Vec<SharedIdentifierRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BestValue {
    /// "email", "first name"…
    pub field: String,
    pub value: String,
    pub source: String,
    pub column: String,
    /// 1-based.
    pub row: u64,
}

/// A customer's records in one source, with their identity values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRecords {
    pub source: String,
    pub role: Role,
    pub n_records: u64,
    /// At most [`MAX_360_ITEMS`].
    pub records: Vec<IdentityRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityRecord {
    /// 1-based.
    pub row: u64,
    /// `(column, field, value)`; missing values are left out.
    pub values: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkEvidence {
    pub left: RecordLabel,
    pub right: RecordLabel,
    pub evidence: PairEvidence,
}

/// An order or an event: when, and its other columns as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub source: String,
    /// 1-based.
    pub row: u64,
    pub when: Option<String>,
    /// `(column, value)` of the columns that are not identity columns.
    pub details: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerText {
    pub source: String,
    pub row: u64,
    pub when: Option<String>,
    pub channel: Option<String>,
    pub text: String,
    /// VADER's compound score, once the worker has scored the dataset.
    pub compound: Option<f32>,
}

/// The most orders, texts, events, records per source or links a customer 360 carries.
pub const MAX_360_ITEMS: usize = 100;
