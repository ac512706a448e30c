//! The Network view's questions, answered in the worker: who talks about whom in a dataset of
//! posts, who is listened to, who speaks for or against the brand, and which groups form.
//!
//! A post is a row with an author (the column detected as [`Field::Handle`]) and a text (the
//! dataset's customer text). Each @mention in the text is an edge from the author to the handle
//! mentioned, carrying the post's sentiment (the compound score the worker already keeps per row);
//! a column detected as [`Field::ReplyTo`] adds an edge to the author of the post replied to
//! (resolved through the dataset's post id column) or to the handle it names. The graph itself,
//! PageRank, Louvain communities and sentiment-aware influence all come from
//! `converge_core::network`; this module only reads the rows and shapes the answer.
//!
//! [`NetworkJob`] runs in steps (rows read, PageRank iterations, Louvain node visits, reach
//! counts, one community's terms per step) so the worker reports progress and honours a cancel.
//! Only the [`MAX_DRAWN_NODES`] nodes of highest PageRank are sent for drawing: a browser canvas
//! reads no more, and the message stays small whatever the dataset's size. [`LayoutJob`] places
//! the nodes of a drawn graph, one force-directed iteration per step, so the page can show the
//! graph settling.

use std::ops::ControlFlow;

mod edges;
pub use edges::{EdgeRows, NoEdge};

use converge_core::network::{
    advocates, detractors, mentions, normalise_handle, Communities, ForceLayout, Graph,
    GraphBuilder, InfluenceRank, LayoutParams, Louvain, NodeId, PageRank, PageRankScores, Replies,
    SentimentInfluence,
};
use converge_core::schema::{Field, TableSchema};
use converge_core::table::Table;
use converge_core::terms::{DistinctiveTerm, TermIndex, DEFAULT_MIN_COUNT};

use crate::answer::{
    CommunitySummary, DatasetId, ErrorCode, HandlePost, HandlePosts, NetworkEdge, NetworkFilter,
    NetworkNode, NetworkPerson, NetworkReport, WorkerError, MAX_DRAWN_NODES,
};
use crate::job::Step;

/// Rows read per step.
const ROWS_PER_STEP: usize = 20_000;
/// Louvain node visits per step.
const LOUVAIN_NODES_PER_STEP: usize = 20_000;
/// Speakers whose reach is counted per step.
const REACH_NODES_PER_STEP: usize = 2_000;
/// Communities whose distinctive terms the job finds (the largest); the others' are asked for
/// as the page shows them ([`KeptNetwork::community_terms`]), at most this many at a time.
pub const COMMUNITIES_LISTED: usize = 8;
const COMMUNITY_LEADERS: usize = 3;
const COMMUNITY_TERMS: usize = 6;
/// Advocates and detractors listed.
const PEOPLE_LISTED: usize = 10;
/// The most edges drawn among the drawn nodes (the heaviest are kept).
pub const MAX_DRAWN_EDGES: usize = 20_000;
/// The most posts one [`HandlePosts`] carries.
pub const MAX_HANDLE_POSTS: u64 = 50;
/// The most nodes a layout places.
pub const MAX_LAYOUT_NODES: u32 = 50_000;
/// The seed of the communities, so the same data always gives the same groups.
const LOUVAIN_SEED: u64 = 0;
/// A row without an author.
const NO_AUTHOR: u32 = u32::MAX;

/// A dataset of posts as the network reads it: the table, its scores and the columns that matter.
pub struct Posts<'t> {
    table: &'t Table,
    compounds: &'t [f32],
    terms: &'t TermIndex,
    author: &'t str,
    text: &'t str,
    reply: Option<&'t str>,
    /// Whether the reply column names users (`in_reply_to_screen_name`) rather than posts.
    reply_names_users: bool,
    /// The column of post ids replies point at.
    post_id: Option<&'t str>,
    date: Option<&'t str>,
    channel: Option<&'t str>,
    customer: Option<&'t str>,
}

impl<'t> Posts<'t> {
    /// The posts of a table whose texts are all scored; fails when no column holds authors.
    pub fn new(
        table: &'t Table,
        schema: &'t TableSchema,
        text: &'t str,
        compounds: &'t [f32],
        terms: &'t TermIndex,
    ) -> Result<Posts<'t>, WorkerError> {
        let column_of = |wanted: Field| {
            schema
                .fields
                .iter()
                .filter(|guess| guess.field == Some(wanted))
                .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
                .map(|guess| guess.column.as_str())
        };
        let author = column_of(Field::Handle).ok_or_else(|| {
            WorkerError::new(
                ErrorCode::Invalid,
                format!(
                    "{} has no column of authors' handles. Mark the column that says who wrote each post as “Social handle” in the Data view.",
                    table.name()
                ),
            )
        })?;
        let reply = column_of(Field::ReplyTo);
        let reply_names_users = reply.is_some_and(reply_names_users);
        let customer = column_of(Field::CustomerId);
        let post_id = reply
            .and_then(|reply| post_id_column(table, &[reply, author, customer.unwrap_or(reply)]));
        Ok(Posts {
            table,
            compounds,
            terms,
            author,
            text,
            reply,
            reply_names_users,
            post_id,
            date: column_of(Field::Timestamp),
            channel: column_of(Field::Channel),
            customer,
        })
    }

    fn n_rows(&self) -> usize {
        self.compounds.len().min(self.table.n_rows())
    }

    fn cell(&self, column: Option<&str>, row_idx: usize) -> Option<String> {
        self.table
            .column(column?)?
            .display(row_idx)
            .filter(|value| !value.trim().is_empty())
    }

    fn day(&self, row_idx: usize) -> Option<i32> {
        let day = self.table.column(self.date?)?.get(row_idx).day()?;
        i32::try_from(day).ok()
    }

    fn sentiment(&self, row_idx: usize) -> Option<f64> {
        self.compounds
            .get(row_idx)
            .map(|c| f64::from(*c))
            .filter(|c| c.is_finite())
            .map(|c| c.clamp(-1.0, 1.0))
    }

    fn author(&self, row_idx: usize) -> Option<String> {
        let author = normalise_handle(&self.cell(Some(self.author), row_idx)?);
        (!author.is_empty()).then_some(author)
    }

    fn passes(&self, row_idx: usize, filter: &NetworkFilter) -> bool {
        if let Some(channel) = &filter.channel {
            if self.cell(self.channel, row_idx).as_deref() != Some(channel.as_str()) {
                return false;
            }
        }
        if !crate::voice::within_days(|| self.day(row_idx), filter.from_day, filter.to_day) {
            return false;
        }
        true
    }

    /// The posts passing `filter` that `handle` wrote (or, if none, those that mention it),
    /// newest first; at most `limit` (and [`MAX_HANDLE_POSTS`]).
    pub fn handle_posts(
        &self,
        dataset: DatasetId,
        handle: &str,
        filter: &NetworkFilter,
        limit: u64,
    ) -> HandlePosts {
        let handle = normalise_handle(handle);
        let mut rows: Vec<(Option<i32>, usize)> = (0..self.n_rows())
            .filter(|&row_idx| self.passes(row_idx, filter))
            .filter(|&row_idx| self.author(row_idx).as_deref() == Some(handle.as_str()))
            .map(|row_idx| (self.day(row_idx), row_idx))
            .collect();
        let mentioning = rows.is_empty() && !handle.is_empty();
        if mentioning {
            rows = (0..self.n_rows())
                .filter(|&row_idx| self.passes(row_idx, filter))
                .filter(|&row_idx| {
                    self.cell(Some(self.text), row_idx).is_some_and(|text| {
                        mentions(&text).any(|mention| normalise_handle(mention) == handle)
                    })
                })
                .map(|row_idx| (self.day(row_idx), row_idx))
                .collect();
        }
        rows.sort_by(|(day_a, row_a), (day_b, row_b)| {
            day_b.cmp(day_a).then_with(|| row_a.cmp(row_b))
        });
        let limit = usize::try_from(limit.min(MAX_HANDLE_POSTS)).unwrap_or(0);
        let posts = rows
            .iter()
            .take(limit)
            .map(|&(day, row_idx)| HandlePost {
                row: row_idx as u64,
                day,
                channel: self.cell(self.channel, row_idx),
                author: self.author(row_idx).unwrap_or_default(),
                text: self.cell(Some(self.text), row_idx).unwrap_or_default(),
                compound: self.sentiment(row_idx),
            })
            .collect();
        HandlePosts {
            dataset,
            handle,
            filter: filter.clone(),
            mentioning,
            n_total: rows.len() as u64,
            posts,
        }
    }
}

/// Whether a reply column names the user replied to (`in_reply_to_screen_name`) rather than the
/// post.
pub(crate) fn reply_names_users(column: &str) -> bool {
    let name = column.to_lowercase();
    ["user", "screen", "handle", "author", "name"]
        .iter()
        .any(|word| name.contains(word))
}

/// The column of post ids a reply column points at: the first named like an id (`id`,
/// `post_id`, `tweetId`) other than the `taken` ones.
pub(crate) fn post_id_column<'t>(table: &'t Table, taken: &[&str]) -> Option<&'t str> {
    table
        .columns()
        .iter()
        .map(|column| column.name())
        .filter(|name| !taken.contains(name))
        .find(|name| {
            let lower = name.to_lowercase();
            lower == "id" || lower.ends_with("_id") || lower.ends_with("id")
        })
}

/// What a dataset's network is made of: posts that @mention and reply, or rows that are edges.
pub enum NetworkSource<'t> {
    Posts(Posts<'t>),
    Edges(EdgeRows<'t>),
}

impl NetworkSource<'_> {
    fn n_rows(&self) -> usize {
        match self {
            NetworkSource::Posts(posts) => posts.n_rows(),
            NetworkSource::Edges(edges) => edges.n_rows(),
        }
    }

    fn channel(&self, row_idx: usize) -> Option<String> {
        match self {
            NetworkSource::Posts(posts) => posts.cell(posts.channel, row_idx),
            NetworkSource::Edges(edges) => edges.cell(edges.channel, row_idx),
        }
    }

    fn day(&self, row_idx: usize) -> Option<i32> {
        match self {
            NetworkSource::Posts(posts) => posts.day(row_idx),
            NetworkSource::Edges(edges) => edges.day(row_idx),
        }
    }

    fn posts(&self) -> Option<&Posts<'_>> {
        match self {
            NetworkSource::Posts(posts) => Some(posts),
            NetworkSource::Edges(_) => None,
        }
    }
}

/// Building and reading one dataset's mention graph; see the module docs.
pub struct NetworkJob {
    dataset: DatasetId,
    filter: NetworkFilter,
    phase: Phase,
    next_row: usize,
    builder: GraphBuilder,
    replies: Replies,
    /// Per row, its author's node ([`NO_AUTHOR`] when it has none or fails the filter).
    row_author: Vec<u32>,
    /// Per node: posts written that pass the filter, and the first customer id on them.
    n_posts_of: Vec<u32>,
    customer_of: Vec<Option<String>>,
    /// Per node: the row of its first post that passes the filter.
    first_row_of: Vec<Option<usize>>,
    n_posts: u64,
    n_posts_without_author: u64,
    n_mentions: u64,
    n_replies: u64,
    channels: Vec<String>,
    day_range: Option<(i32, i32)>,
    graph: Option<Graph>,
    pagerank: Option<PageRankScores>,
    communities: Option<Communities>,
    ranks: Vec<InfluenceRank>,
    /// Every community of more than one member, largest first, and how many have their terms.
    summaries: Vec<CommunitySummary>,
    n_described: usize,
}

enum Phase {
    Reading,
    Ranking(PageRank),
    Grouping(Box<Louvain>),
    Weighing(SentimentInfluence),
    Describing,
}

impl NetworkJob {
    pub fn new(dataset: DatasetId, filter: NetworkFilter) -> NetworkJob {
        NetworkJob {
            dataset,
            filter,
            phase: Phase::Reading,
            next_row: 0,
            builder: GraphBuilder::directed(),
            replies: Replies::new(),
            row_author: Vec::new(),
            n_posts_of: Vec::new(),
            customer_of: Vec::new(),
            first_row_of: Vec::new(),
            n_posts: 0,
            n_posts_without_author: 0,
            n_mentions: 0,
            n_replies: 0,
            channels: Vec::new(),
            day_range: None,
            graph: None,
            pagerank: None,
            communities: None,
            ranks: Vec::new(),
            summaries: Vec::new(),
            n_described: 0,
        }
    }

    /// The dataset of posts or edges this job reads.
    pub fn dataset(&self) -> DatasetId {
        self.dataset
    }

    /// One step over `source`, this job's dataset as it is now (`Service::network_step` looks
    /// it up afresh each step); `resolved_customers` gives each row's converged customer, once,
    /// for the report.
    pub fn step(
        &mut self,
        source: &NetworkSource<'_>,
        resolved_customers: impl FnOnce() -> Option<Vec<Option<converge_core::identity::CustomerId>>>,
    ) -> Result<Step<NetworkReport>, WorkerError> {
        let invalid = |err: converge_core::network::NetworkError| {
            WorkerError::new(ErrorCode::Invalid, err.to_string())
        };
        match &mut self.phase {
            Phase::Reading => {
                let n_rows = source.n_rows();
                let end = (self.next_row + ROWS_PER_STEP).min(n_rows);
                for row_idx in self.next_row..end {
                    self.note_filters(source, row_idx);
                    match &source {
                        NetworkSource::Posts(posts) => self.read_row(posts, row_idx)?,
                        NetworkSource::Edges(edges) => self.read_edge_row(edges, row_idx)?,
                    }
                }
                self.next_row = end;
                if end >= n_rows {
                    let mut builder = std::mem::take(&mut self.builder);
                    self.n_replies +=
                        self.replies.add_to(&mut builder).map_err(invalid)?.n_edges as u64;
                    self.replies = Replies::new();
                    let graph = builder.finish();
                    let n_nodes = graph.n_nodes();
                    self.n_posts_of.resize(n_nodes, 0);
                    self.customer_of.resize(n_nodes, None);
                    self.channels.sort();
                    self.phase = Phase::Ranking(PageRank::params().start(&graph).map_err(invalid)?);
                    self.graph = Some(graph);
                }
                let phase = match source {
                    NetworkSource::Posts(_) => "Reading the posts",
                    NetworkSource::Edges(_) => "Reading the edges",
                };
                Ok(self.working(0.3 * end as f32 / n_rows.max(1) as f32, phase))
            }
            Phase::Ranking(pagerank) => {
                let fraction = pagerank.fraction_done();
                if pagerank.step().is_break() {
                    let Phase::Ranking(pagerank) =
                        std::mem::replace(&mut self.phase, Phase::Describing)
                    else {
                        unreachable!("matched just above")
                    };
                    let graph = self.graph()?;
                    let louvain = Louvain::params()
                        .seed(LOUVAIN_SEED)
                        .start(graph)
                        .map_err(invalid)?;
                    self.pagerank = Some(pagerank.finish());
                    self.phase = Phase::Grouping(Box::new(louvain));
                }
                Ok(self.working(0.3 + 0.1 * fraction, "Ranking who is listened to"))
            }
            Phase::Grouping(louvain) => {
                let fraction = louvain.fraction_done();
                if louvain.step_nodes(LOUVAIN_NODES_PER_STEP).is_break() {
                    let Phase::Grouping(louvain) =
                        std::mem::replace(&mut self.phase, Phase::Describing)
                    else {
                        unreachable!("matched just above")
                    };
                    self.communities = Some(louvain.finish());
                    let graph = self.graph()?;
                    let scores = self.pagerank.as_ref().map_or(&[][..], |p| &p.scores[..]);
                    let influence = SentimentInfluence::new(graph, scores).map_err(invalid)?;
                    self.phase = Phase::Weighing(influence);
                }
                Ok(self.working(0.4 + 0.3 * fraction, "Finding communities"))
            }
            Phase::Weighing(influence) => {
                let fraction = influence.fraction_done();
                if influence.step(REACH_NODES_PER_STEP).is_break() {
                    let Phase::Weighing(influence) =
                        std::mem::replace(&mut self.phase, Phase::Describing)
                    else {
                        unreachable!("matched just above")
                    };
                    self.ranks = influence.run();
                    self.summaries = self.summarise_communities(source.posts());
                }
                Ok(self.working(0.7 + 0.1 * fraction, "Weighing advocates and detractors"))
            }
            Phase::Describing => {
                let done = self.n_described;
                let n_to_describe = self.summaries.len().min(COMMUNITIES_LISTED);
                match self.summaries.get(done).map(|summary| summary.id) {
                    Some(community) if done < n_to_describe => {
                        let terms = source
                            .posts()
                            .map(|posts| self.terms_of(posts, community))
                            .unwrap_or_default();
                        if let Some(summary) = self.summaries.get_mut(done) {
                            summary.terms = terms;
                            summary.terms_ready = true;
                        }
                        self.n_described += 1;
                        let fraction = 0.8 + 0.2 * (done + 1) as f32 / n_to_describe as f32;
                        Ok(self.working(fraction, "Describing the communities"))
                    }
                    _ => {
                        let resolved = resolved_customers();
                        Ok(Step::Finished(self.report(source, resolved.as_deref())))
                    }
                }
            }
        }
    }

    fn working(&self, fraction: f32, phase: &str) -> Step<NetworkReport> {
        Step::Working {
            fraction: fraction.clamp(0.0, 1.0),
            phase: phase.to_owned(),
        }
    }

    fn graph(&self) -> Result<&Graph, WorkerError> {
        self.graph
            .as_ref()
            .ok_or_else(|| WorkerError::new(ErrorCode::Internal, "The network lost its graph."))
    }

    /// The filters list every channel and day of the dataset, whatever is chosen.
    fn note_filters(&mut self, source: &NetworkSource<'_>, row_idx: usize) {
        if let Some(channel) = source.channel(row_idx) {
            if let Err(slot) = self.channels.binary_search(&channel) {
                if self.channels.len() < 200 {
                    self.channels.insert(slot, channel);
                }
            }
        }
        if let Some(day) = source.day(row_idx) {
            self.day_range = Some(
                self.day_range
                    .map_or((day, day), |(lo, hi)| (lo.min(day), hi.max(day))),
            );
        }
    }

    /// The row's source node, as the author of its row: counted, with its customer and first row.
    fn author_node(
        &mut self,
        name: &str,
        customer: impl FnOnce() -> Option<String>,
        row_idx: usize,
    ) -> Result<NodeId, WorkerError> {
        let node = self
            .builder
            .node(name)
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        let node_idx = node.0 as usize;
        if self.n_posts_of.len() <= node_idx {
            self.n_posts_of.resize(node_idx + 1, 0);
            self.customer_of.resize(node_idx + 1, None);
        }
        self.n_posts_of[node_idx] += 1;
        if self.customer_of[node_idx].is_none() {
            self.customer_of[node_idx] = customer();
        }
        if self.first_row_of.len() <= node_idx {
            self.first_row_of.resize(node_idx + 1, None);
        }
        if self.first_row_of[node_idx].is_none() {
            self.first_row_of[node_idx] = Some(row_idx);
        }
        if let Some(slot) = self.row_author.last_mut() {
            *slot = node.0;
        }
        Ok(node)
    }

    /// One row of an edge list: an edge from its source to its target (rows passing the filter
    /// count as "posts", rows without both ends or with a bad weight as "without an author").
    fn read_edge_row(&mut self, edges: &EdgeRows<'_>, row_idx: usize) -> Result<(), WorkerError> {
        self.row_author.push(NO_AUTHOR);
        if !edges.passes(row_idx, &self.filter) {
            return Ok(());
        }
        self.n_posts += 1;
        let Ok((source, target, weight)) = edges.edge(row_idx) else {
            self.n_posts_without_author += 1;
            return Ok(());
        };
        self.author_node(&source, || edges.customer(row_idx), row_idx)?;
        self.builder
            .add_edge(&source, &target, weight)
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        self.n_mentions += 1;
        Ok(())
    }

    fn read_row(&mut self, posts: &Posts<'_>, row_idx: usize) -> Result<(), WorkerError> {
        let invalid = |err: converge_core::network::NetworkError| {
            WorkerError::new(ErrorCode::Invalid, err.to_string())
        };
        self.row_author.push(NO_AUTHOR);
        if !posts.passes(row_idx, &self.filter) {
            return Ok(());
        }
        self.n_posts += 1;
        let Some(author) = posts.author(row_idx) else {
            self.n_posts_without_author += 1;
            return Ok(());
        };
        self.author_node(&author, || posts.cell(posts.customer, row_idx), row_idx)?;
        let sentiment = posts.sentiment(row_idx);
        if let Some(text) = posts.cell(Some(posts.text), row_idx) {
            for mention in mentions(&text) {
                let handle = normalise_handle(mention);
                if handle.is_empty() {
                    continue;
                }
                self.builder
                    .add_mention(&author, &handle, 1.0, sentiment)
                    .map_err(invalid)?;
                self.n_mentions += 1;
            }
        }
        if let Some(reply) = posts.reply {
            let parent = posts.cell(Some(reply), row_idx);
            match parent {
                // A reply to a user names them; a reply to a post names the post.
                Some(parent) if posts.reply_names_users || parent.trim_start().starts_with('@') => {
                    let handle = normalise_handle(&parent);
                    if !handle.is_empty() {
                        self.builder
                            .add_mention(&author, &handle, 1.0, sentiment)
                            .map_err(invalid)?;
                        self.n_replies += 1;
                    }
                }
                parent => {
                    if let Some(post_id) = posts.cell(posts.post_id, row_idx) {
                        self.replies
                            .add_row(&post_id, &author, parent.as_deref(), sentiment);
                    }
                }
            }
        }
        Ok(())
    }

    fn membership(&self) -> &[u32] {
        self.communities
            .as_ref()
            .map_or(&[][..], |c| &c.membership[..])
    }

    /// Every community of more than one member, largest first (ties by id), with its size,
    /// leaders and the sentiment of its posts, in one pass over the nodes and one over the rows;
    /// terms come later, for those on show.
    fn summarise_communities(&self, posts: Option<&Posts<'_>>) -> Vec<CommunitySummary> {
        let membership = self.membership();
        let n = self.communities.as_ref().map_or(0, |c| c.n_communities);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (node, &community) in membership.iter().enumerate() {
            if let Some(list) = members.get_mut(community as usize) {
                list.push(node);
            }
        }
        // Per community: rows, positive, negative, sum of compounds.
        let mut tallies = vec![(0u64, 0u64, 0u64, 0f64); n];
        for row_idx in 0..self.row_author.len() {
            let Some(tally) = self
                .community_of_row(row_idx)
                .and_then(|community| tallies.get_mut(community as usize))
            else {
                continue;
            };
            let Some(posts) = posts else {
                // Edges carry no text: the rows its members made are counted, unscored.
                tally.0 += 1;
                continue;
            };
            let Some(compound) = posts.sentiment(row_idx) else {
                continue;
            };
            tally.0 += 1;
            tally.3 += compound;
            if compound >= 0.05 {
                tally.1 += 1;
            } else if compound <= -0.05 {
                tally.2 += 1;
            }
        }
        let scores = self.pagerank.as_ref().map_or(&[][..], |p| &p.scores[..]);
        let score = |idx: &usize| scores.get(*idx).copied().unwrap_or(0.0);
        let graph = self.graph.as_ref();
        let mut summaries: Vec<CommunitySummary> = members
            .into_iter()
            .zip(tallies)
            .enumerate()
            .filter(|(_, (list, _))| list.len() > 1)
            .map(|(id, (mut list, (n_posts, n_positive, n_negative, sum)))| {
                list.sort_by(|a, b| score(b).total_cmp(&score(a)).then(a.cmp(b)));
                CommunitySummary {
                    id: id as u32,
                    n_members: list.len() as u64,
                    leaders: list
                        .iter()
                        .take(COMMUNITY_LEADERS)
                        .filter_map(|idx| graph?.name(NodeId(*idx as u32)).map(str::to_owned))
                        .collect(),
                    n_posts,
                    n_positive,
                    n_negative,
                    mean_sentiment: (posts.is_some() && n_posts > 0).then(|| sum / n_posts as f64),
                    terms: Vec::new(),
                    // Edges have no texts, so nothing is left to find.
                    terms_ready: posts.is_none(),
                }
            })
            .collect();
        summaries.sort_by(|a, b| b.n_members.cmp(&a.n_members).then(a.id.cmp(&b.id)));
        summaries
    }

    /// What is kept for later requests: which community wrote each row.
    pub fn kept(&self) -> KeptNetwork {
        KeptNetwork {
            dataset: self.dataset,
            filter: self.filter.clone(),
            row_community: (0..self.row_author.len())
                .map(|row_idx| self.community_of_row(row_idx).unwrap_or(NO_AUTHOR))
                .collect(),
        }
    }

    fn community_of_row(&self, row_idx: usize) -> Option<u32> {
        let node = *self.row_author.get(row_idx)?;
        if node == NO_AUTHOR {
            return None;
        }
        self.membership().get(node as usize).copied()
    }

    fn terms_of(&self, posts: &Posts<'_>, community: u32) -> Vec<DistinctiveTerm> {
        community_terms(posts, community, |row_idx| self.community_of_row(row_idx))
    }

    fn report(
        &mut self,
        source: &NetworkSource<'_>,
        resolved: Option<&[Option<converge_core::identity::CustomerId>]>,
    ) -> NetworkReport {
        let empty = GraphBuilder::directed().finish();
        let graph = self.graph.as_ref().unwrap_or(&empty);
        let scores = self.pagerank.as_ref().map_or(&[][..], |p| &p.scores[..]);
        let membership = self.membership();
        let n_nodes = graph.n_nodes();
        let mut order: Vec<usize> = (0..n_nodes).collect();
        let score = |idx: usize| scores.get(idx).copied().unwrap_or(0.0);
        order.sort_by(|a, b| score(*b).total_cmp(&score(*a)).then(a.cmp(b)));
        // The most influential, less those whose every link leads outside the drawing: alone on
        // the canvas they would only ring the graph and shrink it.
        let mut in_top = vec![false; n_nodes];
        for &node in order.iter().take(MAX_DRAWN_NODES) {
            in_top[node] = true;
        }
        let linked = |node: usize| {
            let other = |(next, _): (NodeId, f64)| {
                next.0 as usize != node && in_top.get(next.0 as usize).copied().unwrap_or(false)
            };
            let id = NodeId(node as u32);
            graph.out_neighbours(id).any(other) || graph.in_neighbours(id).any(other)
        };
        let mut drawn: Vec<(usize, usize)> = order
            .iter()
            .take(MAX_DRAWN_NODES)
            .copied()
            .enumerate()
            .filter(|(_, node)| linked(*node))
            .collect();
        if drawn.is_empty() {
            drawn = order
                .iter()
                .take(MAX_DRAWN_NODES)
                .copied()
                .enumerate()
                .collect();
        }
        let n_unlinked = n_nodes.min(MAX_DRAWN_NODES) - drawn.len();
        let mut drawn_idx = vec![u32::MAX; n_nodes];
        for (position, (_, node)) in drawn.iter().enumerate() {
            drawn_idx[*node] = position as u32;
        }
        let mut influence: Vec<Option<(f64, u32)>> = vec![None; n_nodes];
        for rank in &self.ranks {
            if let Some(slot) = influence.get_mut(rank.node.0 as usize) {
                *slot = Some((rank.tone, rank.reach));
            }
        }
        let in_degree = graph.in_degree();
        let out_degree = graph.out_degree();
        let nodes: Vec<NetworkNode> = drawn
            .iter()
            .map(|&(position, node)| NetworkNode {
                handle: graph
                    .name(NodeId(node as u32))
                    .unwrap_or_default()
                    .to_owned(),
                pagerank: score(node),
                rank: position as u32 + 1,
                in_degree: in_degree.get(node).copied().unwrap_or(0.0),
                out_degree: out_degree.get(node).copied().unwrap_or(0.0),
                community: membership.get(node).copied().unwrap_or(0),
                tone: influence.get(node).copied().flatten().map(|(tone, _)| tone),
                reach: influence
                    .get(node)
                    .copied()
                    .flatten()
                    .map(|(_, reach)| reach),
                customer: self.customer_of.get(node).cloned().flatten(),
                customer_360: self
                    .first_row_of
                    .get(node)
                    .copied()
                    .flatten()
                    .and_then(|row| resolved?.get(row).copied().flatten())
                    .map(|customer| customer.0),
                n_posts: self.n_posts_of.get(node).copied().unwrap_or(0),
            })
            .collect();
        let mut edges: Vec<NetworkEdge> = Vec::new();
        for &(_, node) in &drawn {
            let source = drawn_idx[node];
            for (target, weight) in graph.out_neighbours(NodeId(node as u32)) {
                let target = drawn_idx
                    .get(target.0 as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
                if target != u32::MAX && target != source {
                    edges.push(NetworkEdge {
                        source,
                        target,
                        weight,
                    });
                }
            }
        }
        if edges.len() > MAX_DRAWN_EDGES {
            edges.sort_by(|a, b| {
                b.weight
                    .total_cmp(&a.weight)
                    .then((a.source, a.target).cmp(&(b.source, b.target)))
            });
            edges.truncate(MAX_DRAWN_EDGES);
        }
        let person = |rank: &InfluenceRank| NetworkPerson {
            handle: graph.name(rank.node).unwrap_or_default().to_owned(),
            node: drawn_idx
                .get(rank.node.0 as usize)
                .copied()
                .filter(|idx| *idx != u32::MAX),
            tone: rank.tone,
            reach: rank.reach,
            net_reach: rank.net_reach,
            pagerank: rank.pagerank,
        };
        NetworkReport {
            dataset: self.dataset,
            filter: self.filter.clone(),
            author_column: match source {
                NetworkSource::Posts(posts) => posts.author.to_owned(),
                NetworkSource::Edges(edges) => edges.columns.source.clone(),
            },
            text_column: match source {
                NetworkSource::Posts(posts) => posts.text.to_owned(),
                NetworkSource::Edges(edges) => edges.columns.target.clone(),
            },
            reply_column: source
                .posts()
                .and_then(|posts| posts.reply.map(str::to_owned)),
            date_column: match source {
                NetworkSource::Posts(posts) => posts.date.map(str::to_owned),
                NetworkSource::Edges(edges) => edges.columns.time.clone(),
            },
            channel_column: match source {
                NetworkSource::Posts(posts) => posts.channel.map(str::to_owned),
                NetworkSource::Edges(edges) => edges.channel.map(str::to_owned),
            },
            edges_from: match source {
                NetworkSource::Posts(_) => None,
                NetworkSource::Edges(edges) => Some(edges.columns.kind),
            },
            n_posts: self.n_posts,
            n_posts_without_author: self.n_posts_without_author,
            n_mentions: self.n_mentions,
            n_replies: self.n_replies,
            n_nodes_total: n_nodes as u64,
            n_edges_total: graph.n_edges() as u64,
            n_nodes_unlinked: n_unlinked as u64,
            modularity: self.communities.as_ref().map_or(0.0, |c| c.modularity),
            nodes,
            edges,
            communities: std::mem::take(&mut self.summaries),
            n_communities: self.communities.as_ref().map_or(0, |c| c.n_communities) as u64,
            advocates: advocates(&self.ranks, PEOPLE_LISTED)
                .iter()
                .map(person)
                .collect(),
            detractors: detractors(&self.ranks, PEOPLE_LISTED)
                .iter()
                .map(person)
                .collect(),
            channels: std::mem::take(&mut self.channels),
            day_range: self.day_range,
        }
    }
}

/// The terms most typical of the posts of `community`'s members against everyone else's.
fn community_terms(
    posts: &Posts<'_>,
    community: u32,
    community_of_row: impl Fn(usize) -> Option<u32>,
) -> Vec<DistinctiveTerm> {
    posts
        .terms
        .distinctive(
            |row_idx| community_of_row(row_idx).map(|c| c == community),
            COMMUNITY_TERMS,
            DEFAULT_MIN_COUNT,
        )
        .group
}

/// What the worker keeps of the last network it built, so that the terms of the communities the
/// page shows later are found without building the network again.
#[derive(Debug, Clone)]
pub struct KeptNetwork {
    pub dataset: DatasetId,
    pub filter: NetworkFilter,
    /// Per row of the dataset, its author's community ([`NO_AUTHOR`] for none).
    row_community: Vec<u32>,
}

impl KeptNetwork {
    /// The distinctive terms of up to [`COMMUNITIES_LISTED`] of `communities`, in their order.
    pub fn community_terms(
        &self,
        posts: &Posts<'_>,
        communities: &[u32],
    ) -> Vec<(u32, Vec<DistinctiveTerm>)> {
        communities
            .iter()
            .take(COMMUNITIES_LISTED)
            .map(|&community| {
                let terms = community_terms(posts, community, |row_idx| {
                    self.row_community
                        .get(row_idx)
                        .copied()
                        .filter(|c| *c != NO_AUTHOR)
                });
                (community, terms)
            })
            .collect()
    }
}

/// Layouts kept: the graphs of the last few filters.
pub const LAYOUTS_KEPT: usize = 8;

/// The final positions of the last few graphs laid out. A layout depends only on the node count,
/// the edges and the seed, so a graph seen before (a filter switched back) is placed at once.
#[derive(Debug, Default)]
pub struct LayoutCache {
    /// The most recently used last.
    entries: Vec<KeptLayout>,
}

/// One graph laid out: `(n_nodes, edges, seed, positions)`.
type KeptLayout = (u32, Vec<(u32, u32)>, u64, Vec<f32>);

impl LayoutCache {
    /// The positions of this graph, if laid out before; it becomes the most recently used.
    pub fn get(&mut self, n_nodes: u32, edges: &[(u32, u32)], seed: u64) -> Option<Vec<f32>> {
        let idx = self
            .entries
            .iter()
            .position(|(n, e, s, _)| *n == n_nodes && *s == seed && e == edges)?;
        let entry = self.entries.remove(idx);
        let positions = entry.3.clone();
        self.entries.push(entry);
        Some(positions)
    }

    /// Keeps a settled layout, forgetting the least recently used beyond [`LAYOUTS_KEPT`].
    pub fn insert(&mut self, n_nodes: u32, edges: Vec<(u32, u32)>, seed: u64, positions: Vec<f32>) {
        self.entries
            .retain(|(n, e, s, _)| !(*n == n_nodes && *s == seed && *e == edges));
        self.entries.push((n_nodes, edges, seed, positions));
        if self.entries.len() > LAYOUTS_KEPT {
            self.entries.remove(0);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A force-directed layout of a drawn graph, one iteration per step.
pub struct LayoutJob {
    layout: ForceLayout,
}

impl LayoutJob {
    /// Checks the graph (node count, every edge's ends) before any work.
    pub fn new(n_nodes: u32, edges: &[(u32, u32)], seed: u64) -> Result<LayoutJob, WorkerError> {
        if n_nodes > MAX_LAYOUT_NODES {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("A layout places at most {MAX_LAYOUT_NODES} nodes; {n_nodes} were sent."),
            ));
        }
        if let Some((source, target)) = edges
            .iter()
            .find(|(source, target)| *source >= n_nodes || *target >= n_nodes)
        {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("The edge {source} → {target} names a node beyond the {n_nodes} sent."),
            ));
        }
        let mut builder = GraphBuilder::directed();
        for idx in 0..n_nodes {
            builder
                .node(&idx.to_string())
                .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        }
        for (source, target) in edges {
            builder.add_edge_by_id(NodeId(*source), NodeId(*target), 1.0);
        }
        let layout = LayoutParams::default()
            .seed(seed)
            .start(&builder.finish())
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        Ok(LayoutJob { layout })
    }

    /// Moves every node once; breaks when the layout has settled.
    pub fn step(&mut self) -> ControlFlow<()> {
        self.layout.step()
    }

    pub fn fraction_done(&self) -> f32 {
        self.layout.fraction_done()
    }

    /// Where the nodes are now: `[x0, y0, x1, y1, …]`.
    pub fn positions(&self) -> Vec<f32> {
        self.layout
            .positions()
            .iter()
            .flat_map(|[x, y]| [*x as f32, *y as f32])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{ImportJob, Service};
    use converge_core::demo::{CompanyGenerator, DemoParams};
    use converge_core::ingest::Ingested;
    use converge_core::network::EdgeKind;

    fn import(name: &str, content: &[u8]) -> Ingested {
        let mut job = ImportJob::new(
            name,
            std::io::Cursor::new(content.to_vec()),
            Some(content.len() as u64),
        )
        .unwrap();
        loop {
            if let Step::Finished(done) = job.step().unwrap() {
                return done;
            }
        }
    }

    fn scored(files: &[(&str, &[u8])]) -> (Service, Vec<DatasetId>) {
        let mut service = Service::default();
        let ids = files
            .iter()
            .map(|(name, content)| service.add(import(name, content)))
            .collect();
        while service.score_sentiment_step().is_some() {}
        (service, ids)
    }

    fn network(service: &Service, dataset: DatasetId, filter: NetworkFilter) -> NetworkReport {
        let mut job = NetworkJob::new(dataset, filter);
        let mut last = 0.0;
        loop {
            match service.network_step(&mut job).unwrap() {
                Step::Working { fraction, .. } => {
                    assert!((last..=1.0).contains(&fraction), "{fraction} after {last}");
                    last = fraction;
                }
                Step::Finished(report) => return report,
            }
        }
    }

    /// Three fans praise @shop and @ada, two critics pan @shop with @bob; a reply and a post
    /// without an author.
    const POSTS: &str = "post_id,handle,customer_id,channel,posted_at,text,in_reply_to
P1,@Fan1,C1,twitter,2025-03-01,I love @shop and @ada is great,
P2,@fan2,C2,twitter,2025-03-02,@shop is wonderful thanks @ada,
P3,@fan3,,instagram,2025-03-03,Great service @shop @ada,
P4,@critic1,C4,instagram,2025-03-04,@shop is awful and @bob agrees,
P5,@critic2,,twitter,2025-03-05,Terrible delivery from @shop ask @bob,
P6,@ada,C6,twitter,2025-03-06,thanks all,P1
P7,,,twitter,2025-03-07,@shop hello,
";

    #[test]
    fn the_mention_graph_of_posts_ranks_groups_and_weighs_its_handles() {
        let (service, ids) = scored(&[("posts.csv", POSTS.as_bytes())]);
        let report = network(&service, ids[0], NetworkFilter::default());
        assert_eq!(report.author_column, "handle");
        assert_eq!(report.text_column, "text");
        assert_eq!(report.reply_column.as_deref(), Some("in_reply_to"));
        assert_eq!((report.n_posts, report.n_posts_without_author), (7, 1));
        assert_eq!((report.n_mentions, report.n_replies), (10, 1));
        // fan1-3, critic1-2, shop, ada, bob.
        assert_eq!(report.n_nodes_total, 8);
        assert_eq!(report.nodes.len(), 8);
        assert_eq!(report.nodes[0].handle, "shop");
        assert_eq!(report.nodes[0].rank, 1);
        assert_eq!(report.nodes[0].in_degree, 5.0);
        let sum: f64 = report.nodes.iter().map(|n| n.pagerank).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{sum}");
        assert!(report
            .nodes
            .windows(2)
            .all(|pair| pair[0].pagerank >= pair[1].pagerank));
        // Handles are normalised; the customer id travels with the author's posts.
        let fan1 = report.nodes.iter().find(|n| n.handle == "fan1").unwrap();
        assert_eq!(fan1.customer.as_deref(), Some("C1"));
        assert_eq!((fan1.out_degree, fan1.n_posts), (2.0, 1));
        assert!(fan1.tone.unwrap() > 0.05);
        // ada replied to fan1 (P6 → P1) and said nothing scored about anyone else.
        let ada = report.nodes.iter().find(|n| n.handle == "ada").unwrap();
        assert_eq!(ada.out_degree, 1.0);
        // Edges index the drawn nodes, with merged weights.
        assert_eq!(report.edges.len() as u64, report.n_edges_total);
        for edge in &report.edges {
            assert!((edge.source as usize) < report.nodes.len());
            assert!((edge.target as usize) < report.nodes.len());
        }
        // Fans speak for, critics against; bob is reached through critics only.
        let advocates: Vec<&str> = report.advocates.iter().map(|p| p.handle.as_str()).collect();
        let detractors: Vec<&str> = report
            .detractors
            .iter()
            .map(|p| p.handle.as_str())
            .collect();
        assert!(
            advocates.contains(&"fan1") && advocates.contains(&"fan3"),
            "{advocates:?}"
        );
        assert_eq!(detractors.len(), 2, "{detractors:?}");
        assert!(detractors.iter().all(|h| h.starts_with("critic")));
        assert!(report.advocates.iter().all(|p| p.node.is_some()));
        // Every node is in a community; sizes add up to at most the nodes.
        let listed: u64 = report.communities.iter().map(|c| c.n_members).sum();
        assert!(listed <= 8 && !report.communities.is_empty());
        assert!(report.communities.iter().all(|c| !c.leaders.is_empty()));
        assert_eq!(report.channels, ["instagram", "twitter"]);
        assert_eq!(report.day_range.map(|(lo, hi)| hi - lo), Some(6));
    }

    #[test]
    fn replies_to_users_by_name_are_edges_to_them() {
        let csv = "user,tweet,in_reply_to_screen_name\nann,thanks!,Bob\nbob,hello world,\ncid,agreed,ann\n";
        let (mut service, ids) = scored(&[("tweets.csv", csv.as_bytes())]);
        // Three rows say too little to detect; the user marks the columns.
        let overrides = converge_core::schema::Overrides {
            role: None,
            fields: vec![
                ("user".into(), Some(Field::Handle)),
                ("tweet".into(), Some(Field::Text)),
                ("in_reply_to_screen_name".into(), Some(Field::ReplyTo)),
            ],
        };
        service.set_overrides(ids[0], overrides).unwrap();
        while service.score_sentiment_step().is_some() {}
        let posts = service.posts(ids[0]).unwrap();
        assert_eq!(posts.reply, Some("in_reply_to_screen_name"));
        let report = network(&service, ids[0], NetworkFilter::default());
        assert_eq!((report.n_mentions, report.n_replies), (0, 2));
        // cid → ann → bob: attention flows down the chain.
        let order: Vec<&str> = report.nodes.iter().map(|n| n.handle.as_str()).collect();
        assert_eq!(order, ["bob", "ann", "cid"]);
    }

    #[test]
    fn filters_narrow_the_posts_and_an_empty_network_is_an_answer() {
        let (service, ids) = scored(&[("posts.csv", POSTS.as_bytes())]);
        let instagram = NetworkFilter {
            channel: Some("instagram".into()),
            ..NetworkFilter::default()
        };
        let report = network(&service, ids[0], instagram);
        assert_eq!(report.n_posts, 2);
        assert_eq!(report.n_mentions, 4);
        assert_eq!(report.channels.len(), 2, "the filter lists every channel");
        let first_days = NetworkFilter {
            from_day: report.day_range.map(|(lo, _)| lo),
            to_day: report.day_range.map(|(lo, _)| lo + 1),
            ..NetworkFilter::default()
        };
        assert_eq!(network(&service, ids[0], first_days).n_posts, 2);
        let nothing = NetworkFilter {
            channel: Some("fax".into()),
            ..NetworkFilter::default()
        };
        let report = network(&service, ids[0], nothing);
        assert_eq!((report.n_posts, report.n_nodes_total), (0, 0));
        assert!(report.nodes.is_empty() && report.advocates.is_empty());
    }

    #[test]
    fn a_handles_posts_are_newest_first_and_a_silent_handle_shows_who_mentions_it() {
        let (service, ids) = scored(&[("posts.csv", POSTS.as_bytes())]);
        let posts = service
            .handle_posts(ids[0], "@FAN1", &NetworkFilter::default(), 10)
            .unwrap();
        assert_eq!((posts.handle.as_str(), posts.mentioning), ("fan1", false));
        assert_eq!(posts.posts.len(), 1);
        assert_eq!(posts.posts[0].text, "I love @shop and @ada is great");
        let all = NetworkFilter::default();
        let posts = service.handle_posts(ids[0], "shop", &all, 3).unwrap();
        assert!(posts.mentioning);
        assert_eq!((posts.n_total, posts.posts.len()), (6, 3));
        let days: Vec<_> = posts.posts.iter().map(|p| p.day).collect();
        assert!(days.windows(2).all(|pair| pair[0] >= pair[1]), "{days:?}");
        // The view's filters apply to the posts shown too.
        let instagram = NetworkFilter {
            channel: Some("instagram".into()),
            ..NetworkFilter::default()
        };
        let posts = service
            .handle_posts(ids[0], "shop", &instagram, 10)
            .unwrap();
        assert_eq!(posts.n_total, 2);
        assert!(posts
            .posts
            .iter()
            .all(|p| p.channel.as_deref() == Some("instagram")));
        let fan1 = service
            .handle_posts(ids[0], "fan1", &instagram, 10)
            .unwrap();
        assert_eq!(fan1.n_total, 0, "fan1 posted on twitter only");
    }

    #[test]
    fn a_table_without_authors_or_unscored_texts_is_refused_with_what_to_do() {
        let (service, ids) = scored(&[("notes.csv", b"note\nhello @ada\nfine\n")]);
        let err = network_error(&service, ids[0]);
        assert_eq!(err.code, ErrorCode::Invalid);
        assert!(err.message.contains("Social handle"), "{}", err.message);
        let mut service = Service::default();
        let id = service.add(import("posts.csv", POSTS.as_bytes()));
        assert!(network_error(&service, id)
            .message
            .contains("still being scored"));
        assert_eq!(
            network_error(&service, DatasetId(99)).code,
            ErrorCode::NotFound
        );
    }

    fn network_error(service: &Service, dataset: DatasetId) -> WorkerError {
        service
            .network_step(&mut NetworkJob::new(dataset, NetworkFilter::default()))
            .err()
            .unwrap()
    }

    #[test]
    fn the_demo_companys_planted_influencers_lead_its_network() {
        let company = CompanyGenerator::new(DemoParams {
            n_customers: 1_500,
            ..DemoParams::default()
        })
        .finish();
        let posts = company
            .files
            .iter()
            .find(|file| file.name.starts_with("social_posts"))
            .unwrap();
        let (service, ids) = scored(&[(&posts.name, &posts.bytes)]);
        let report = network(&service, ids[0], NetworkFilter::default());
        let influencers: Vec<String> = company
            .truth
            .influencers
            .iter()
            .map(|h| normalise_handle(h))
            .collect();
        assert!(!influencers.is_empty());
        assert_eq!(report.nodes[0].handle, "northwind_outdoor");
        let top: Vec<&str> = report.nodes[..=influencers.len()]
            .iter()
            .map(|n| n.handle.as_str())
            .collect();
        for influencer in &influencers {
            assert!(
                top.contains(&influencer.as_str()),
                "{influencer} not in {top:?}"
            );
        }
        assert!(report.reply_column.is_some() && report.n_replies > 100);
        assert!(report.communities.len() > 1);
        assert!(report.communities.iter().any(|c| !c.terms.is_empty()));
        assert!(!report.advocates.is_empty() && !report.detractors.is_empty());
        assert!(report.n_communities >= report.communities.len() as u64);
    }

    #[test]
    fn an_edge_list_makes_the_graph_with_its_weights_and_bad_rows_counted() {
        let (service, ids) = scored(&[(
            "follows.csv",
            include_bytes!("../../../tests/data/network/follows_edge_list.csv"),
        )]);
        let report = network(&service, ids[0], NetworkFilter::default());
        assert_eq!(report.edges_from, Some(EdgeKind::EdgeList));
        assert_eq!(
            (report.author_column.as_str(), report.text_column.as_str()),
            ("source", "target")
        );
        assert_eq!(report.date_column.as_deref(), Some("time"));
        assert_eq!(
            report.channel_column, None,
            "`source` is an end, not a channel"
        );
        // Eleven rows: kim's has no target, lee's weight is not a number.
        assert_eq!((report.n_posts, report.n_posts_without_author), (11, 2));
        assert_eq!((report.n_mentions, report.n_replies), (9, 0));
        assert_eq!(report.n_nodes_total, 11);
        // PageRank by hand (networkx's iteration): hub 0.3155, then ana and jon 0.1297.
        assert!((report.nodes[0].pagerank - 0.3155).abs() < 1e-4);
        assert_eq!(report.nodes[0].handle, "hub");
        assert_eq!(report.nodes[0].in_degree, 7.0, "3 + 1 + 2 + 1");
        assert!(report.nodes.iter().all(|n| n.tone.is_none()));
        assert!(report.advocates.is_empty() && report.detractors.is_empty());
        // Communities count the rows their members made, and carry no sentiment.
        assert!(report
            .communities
            .iter()
            .all(|c| c.mean_sentiment.is_none() && c.terms.is_empty()));
        let ida = report.nodes.iter().find(|n| n.handle == "ida").unwrap();
        let jon = report.nodes.iter().find(|n| n.handle == "jon").unwrap();
        assert_eq!(ida.community, jon.community);
        assert_ne!(ida.community, report.nodes[0].community);
        // The day filter applies to the time column.
        let first_days = NetworkFilter {
            from_day: report.day_range.map(|(lo, _)| lo),
            to_day: report.day_range.map(|(lo, _)| lo + 1),
            ..NetworkFilter::default()
        };
        assert_eq!(network(&service, ids[0], first_days).n_posts, 3);
    }

    #[test]
    fn referrals_in_orders_point_customers_at_who_referred_them() {
        let orders = "order_id,customer_id,order_date,amount,referred_by
O1,C2,2025-01-02,10,C1
O2,C3,2025-01-03,20,C1
O3,C4,2025-01-04,30,C2
O4,C2,2025-01-05,15,C1
O5,C1,2025-01-06,40,
";
        let (service, ids) = scored(&[("orders.csv", orders.as_bytes())]);
        let report = network(&service, ids[0], NetworkFilter::default());
        assert_eq!(report.edges_from, Some(EdgeKind::Referrals));
        assert_eq!(
            (report.author_column.as_str(), report.text_column.as_str()),
            ("customer_id", "referred_by")
        );
        assert_eq!((report.n_posts, report.n_posts_without_author), (5, 1));
        assert_eq!(report.nodes[0].handle, "c1", "the one who referred most");
        assert_eq!(
            report.nodes[0].in_degree, 3.0,
            "two orders of C2, one of C3"
        );
        let c2 = report.nodes.iter().find(|n| n.handle == "c2").unwrap();
        assert_eq!(c2.customer.as_deref(), Some("C2"));
        // Posts are still read as posts, and a table that is neither says what to mark.
        let (service, ids) = scored(&[("posts.csv", POSTS.as_bytes())]);
        assert_eq!(
            network(&service, ids[0], NetworkFilter::default()).edges_from,
            None
        );
    }

    #[test]
    fn every_community_is_listed_and_the_terms_of_the_others_come_when_asked() {
        let company = CompanyGenerator::new(DemoParams {
            n_customers: 1_500,
            ..DemoParams::default()
        })
        .finish();
        let posts = company
            .files
            .iter()
            .find(|file| file.name.starts_with("social_posts"))
            .unwrap();
        let (mut service, ids) = scored(&[(&posts.name, &posts.bytes)]);
        let mut job = NetworkJob::new(ids[0], NetworkFilter::default());
        let report = loop {
            if let Step::Finished(report) = service.network_step(&mut job).unwrap() {
                break report;
            }
        };
        let listed = &report.communities;
        assert!(
            listed.len() > COMMUNITIES_LISTED,
            "{} communities",
            listed.len()
        );
        assert!(listed
            .iter()
            .all(|c| c.n_members > 1 && !c.leaders.is_empty()));
        assert!(listed.windows(2).all(|w| w[0].n_members >= w[1].n_members));
        assert!(listed.iter().map(|c| c.n_members).sum::<u64>() <= report.n_nodes_total);
        // Sizes agree with the drawn nodes' communities.
        let drawn_in_first = report
            .nodes
            .iter()
            .filter(|n| n.community == listed[0].id)
            .count() as u64;
        assert!(drawn_in_first <= listed[0].n_members);
        // Sentiment for every one; terms found by the job for the largest only.
        assert!(listed
            .iter()
            .all(|c| c.n_posts == 0 || c.mean_sentiment.is_some()));
        assert!(listed[..COMMUNITIES_LISTED].iter().all(|c| c.terms_ready));
        assert!(listed[COMMUNITIES_LISTED..]
            .iter()
            .all(|c| !c.terms_ready && c.terms.is_empty()));

        service.keep_network(job.kept());
        let filter = NetworkFilter::default();
        // Asked again, the largest get the terms the job found.
        let first: Vec<u32> = listed[..COMMUNITIES_LISTED].iter().map(|c| c.id).collect();
        let again = service.community_terms(ids[0], &filter, &first).unwrap();
        for ((id, terms), summary) in again.terms.iter().zip(listed) {
            assert_eq!((*id, terms), (summary.id, &summary.terms));
        }
        let rest: Vec<u32> = listed[COMMUNITIES_LISTED..].iter().map(|c| c.id).collect();
        let answer = service.community_terms(ids[0], &filter, &rest).unwrap();
        assert_eq!(answer.terms.len(), rest.len().min(COMMUNITIES_LISTED));
        assert!(answer.terms.iter().any(|(_, terms)| !terms.is_empty()));
        let other = NetworkFilter {
            channel: Some("instagram".into()),
            ..NetworkFilter::default()
        };
        assert_eq!(
            service
                .community_terms(ids[0], &other, &rest)
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn a_layout_is_kept_for_the_same_graph_and_the_oldest_is_forgotten() {
        let ring = |n: u32| -> Vec<(u32, u32)> { (0..n).map(|i| (i, (i + 1) % n)).collect() };
        let settle = |n: u32, seed: u64| {
            let mut layout = LayoutJob::new(n, &ring(n), seed).unwrap();
            while layout.step().is_continue() {}
            layout.positions()
        };
        // The same graph and seed always settle the same way, so a kept layout is the layout.
        assert_eq!(settle(12, 1), settle(12, 1));
        let mut service = Service::default();
        assert_eq!(service.cached_layout(12, &ring(12), 1), None);
        service.keep_layout(12, ring(12), 1, settle(12, 1));
        assert_eq!(service.cached_layout(12, &ring(12), 1), Some(settle(12, 1)));
        assert_eq!(
            service.cached_layout(12, &ring(12), 2),
            None,
            "another seed"
        );
        assert_eq!(service.cached_layout(12, &ring(11), 1), None, "other edges");
        let mut cache = LayoutCache::default();
        for n in 3..3 + LAYOUTS_KEPT as u32 {
            cache.insert(n, ring(n), 1, vec![n as f32]);
        }
        // Using the first keeps it; the next insert forgets the least recently used (the second).
        assert_eq!(cache.get(3, &ring(3), 1), Some(vec![3.0]));
        cache.insert(99, ring(99), 1, vec![99.0]);
        assert_eq!(cache.len(), LAYOUTS_KEPT);
        assert_eq!(cache.get(4, &ring(4), 1), None);
        assert_eq!(cache.get(3, &ring(3), 1), Some(vec![3.0]));
        assert_eq!(cache.get(99, &ring(99), 1), Some(vec![99.0]));
    }

    #[test]
    fn a_layout_streams_finite_positions_and_refuses_edges_to_nowhere() {
        let edges: Vec<(u32, u32)> = (0..50).map(|i| (i, (i + 1) % 50)).collect();
        let mut layout = LayoutJob::new(50, &edges, 1).unwrap();
        let first = layout.positions();
        let mut steps = 0;
        while layout.step().is_continue() {
            steps += 1;
        }
        assert!(steps > 10);
        let last = layout.positions();
        assert_eq!((first.len(), last.len()), (100, 100));
        assert!(last.iter().all(|x| x.is_finite()));
        assert_ne!(first, last);
        assert_eq!(
            LayoutJob::new(3, &[(0, 3)], 1).err().unwrap().code,
            ErrorCode::Invalid
        );
        assert!(LayoutJob::new(MAX_LAYOUT_NODES + 1, &[], 1).is_err());
        assert!(LayoutJob::new(0, &[], 1).is_ok());
    }

    #[test]
    fn the_influencers_the_end_to_end_test_expects_are_the_demos() {
        let listed: Vec<&str> = include_str!("../../../tests/data/network/demo_influencers.txt")
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .collect();
        let company = CompanyGenerator::new(DemoParams::default()).finish();
        assert_eq!(listed, company.truth.influencers);
    }
}
