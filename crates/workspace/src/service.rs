//! What the worker does with each request, free of any JavaScript.
//!
//! The worker runtime owns one [`Service`] and drives long jobs ([`ImportJob`], [`DemoJob`]) step
//! by step, yielding between steps; everything here is synchronous and runs natively in tests.

use converge_core::export::write_rejected_rows;
use converge_core::ingest::{IngestReport, Ingested};
use converge_core::schema::{detect, Overrides, TableSchema};
use converge_core::sentiment::{LexiconEntry, Tally, Vader};
use converge_core::table::{Table, Value};
use converge_core::terms::TermIndex;

use crate::answer::{
    CommunityTerms, DatasetId, DatasetSummary, ErrorCode, HandlePosts, NetworkFilter,
    SentimentOverview, TablePage, VerbatimPage, VoiceFilter, VoiceReport, WorkerError,
    SUMMARY_REJECTED_ROWS,
};
use crate::network;
use crate::segments::{self, Audience, AudienceFormat, SegmentJob, Segmentation};
use crate::voice;

pub use crate::job::{DemoJob, ImportJob, Step};

mod customers;
pub use customers::{ConvergenceJob, LOWEST_THRESHOLD, MAX_CUSTOMER_LIST_PAGE};
mod live_source;
pub use live_source::Simulation;

/// The most rows one page may carry; a grid asks for what it shows, and this bounds a message.
pub const MAX_PAGE_ROWS: u64 = 1_000;
/// The data the worker holds.
#[derive(Debug, Default)]
pub struct Service {
    datasets: Vec<Dataset>,
    next_dataset_id: u32,
    /// The last segmentation of the customers, for its pages, explanations and exports.
    segmentation: Option<Segmentation>,
    /// The customers converged across the datasets, once asked for.
    convergence: Option<customers::Convergence>,
    /// The last network built, for the terms of the communities shown later.
    kept_network: Option<network::KeptNetwork>,
    /// The last few layouts, for a graph laid out before.
    layouts: network::LayoutCache,
}

#[derive(Debug)]
struct Dataset {
    id: DatasetId,
    table: Table,
    report: IngestReport,
    overrides: Overrides,
    schema: TableSchema,
    /// Compound sentiment per row of the text column, as far as scored (`NaN` for a missing text).
    sentiment: Option<Scoring>,
}

#[derive(Debug)]
struct Scoring {
    column: String,
    compounds: Vec<f32>,
    /// The terms of every text scored, for "what they talk about".
    terms: TermIndex,
    /// The project's own rated words.
    lexicon: Vec<LexiconEntry>,
    analyser: Analyser,
}

impl Scoring {
    fn new(column: String, lexicon: Vec<LexiconEntry>) -> Result<Scoring, WorkerError> {
        Ok(Scoring {
            column,
            compounds: Vec::new(),
            terms: TermIndex::default(),
            analyser: Analyser::new(&lexicon)?,
            lexicon,
        })
    }
}

/// VADER as the app reads customer text: socially (links, handles, hashtags, elongations) and
/// with the project's own words.
struct Analyser(Vader);

impl Analyser {
    fn new(lexicon: &[LexiconEntry]) -> Result<Analyser, WorkerError> {
        Vader::shared()
            .clone()
            .with_social_reading(true)
            .with_words(lexicon)
            .map(Analyser)
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))
    }
}

impl std::fmt::Debug for Analyser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyser")
    }
}

/// Texts scored per step.
pub const TEXTS_PER_STEP: usize = 5_000;

impl Service {
    /// Keeps an imported table; one with the same name as a table already held replaces it, so
    /// loading the demo (or a file) twice does not show it twice.
    pub fn add(&mut self, ingested: Ingested) -> DatasetId {
        let Ingested { table, report } = ingested;
        self.datasets
            .retain(|held| held.table.name() != table.name());
        let id = DatasetId(self.next_dataset_id);
        self.next_dataset_id += 1;
        let overrides = Overrides::default();
        let schema = detect(&table, &overrides);
        let sentiment = schema
            .text_column()
            .and_then(|column| Scoring::new(column.to_owned(), Vec::new()).ok());
        self.datasets.push(Dataset {
            id,
            table,
            report,
            overrides,
            schema,
            sentiment,
        });
        id
    }

    /// Scores up to [`TEXTS_PER_STEP`] more texts of the first dataset whose customer text is not
    /// all scored yet. Returns that dataset's name and the share of its texts now scored, or
    /// `None` when every dataset is scored.
    pub fn score_sentiment_step(&mut self) -> Option<(String, f32)> {
        let dataset = self.datasets.iter_mut().find(|held| {
            held.sentiment
                .as_ref()
                .is_some_and(|scoring| scoring.compounds.len() < held.table.n_rows())
        })?;
        let n_rows = dataset.table.n_rows();
        let scoring = dataset.sentiment.as_mut()?;
        let column = dataset.table.column(&scoring.column)?;
        let start = scoring.compounds.len();
        let end = (start + TEXTS_PER_STEP).min(n_rows);
        for row_idx in start..end {
            let compound = match column.get(row_idx) {
                Value::Text(text) => {
                    scoring.terms.push(text);
                    scoring.analyser.0.score(text).compound as f32
                }
                _ => {
                    scoring.terms.push("");
                    f32::NAN
                }
            };
            scoring.compounds.push(compound);
        }
        Some((
            dataset.table.name().to_owned(),
            end as f32 / n_rows.max(1) as f32,
        ))
    }

    pub fn summaries(&self) -> Vec<DatasetSummary> {
        self.datasets.iter().map(summarise).collect()
    }

    pub fn remove(&mut self, dataset: DatasetId) -> Result<(), WorkerError> {
        self.find(dataset)?;
        self.datasets.retain(|held| held.id != dataset);
        Ok(())
    }

    /// Applies the user's corrections to the detected role and fields.
    pub fn set_overrides(
        &mut self,
        dataset: DatasetId,
        overrides: Overrides,
    ) -> Result<(), WorkerError> {
        let held = self
            .datasets
            .iter_mut()
            .find(|held| held.id == dataset)
            .ok_or_else(|| not_found(dataset))?;
        if let Some((column, _)) = overrides
            .fields
            .iter()
            .find(|(column, _)| held.table.column(column).is_none())
        {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("{} has no column `{column}`.", held.table.name()),
            ));
        }
        held.schema = detect(&held.table, &overrides);
        held.overrides = overrides;
        let column = held.schema.text_column().map(str::to_owned);
        if held.sentiment.as_ref().map(|scoring| &scoring.column) != column.as_ref() {
            // Another text column (or none): its texts are scored afresh, with the same words.
            let lexicon = held
                .sentiment
                .take()
                .map(|scoring| scoring.lexicon)
                .unwrap_or_default();
            held.sentiment = column
                .map(|column| Scoring::new(column, lexicon))
                .transpose()?;
        }
        Ok(())
    }

    /// Replaces the project's own rated words of a dataset; its texts are scored again.
    pub fn set_lexicon(
        &mut self,
        dataset: DatasetId,
        entries: Vec<LexiconEntry>,
    ) -> Result<(), WorkerError> {
        let held = self
            .datasets
            .iter_mut()
            .find(|held| held.id == dataset)
            .ok_or_else(|| not_found(dataset))?;
        let Some(scoring) = held.sentiment.as_ref() else {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("{} has no customer text to score.", held.table.name()),
            ));
        };
        held.sentiment = Some(Scoring::new(scoring.column.clone(), entries)?);
        Ok(())
    }

    /// The voice of the customer in a dataset whose texts are all scored.
    pub fn voice(
        &self,
        dataset: DatasetId,
        filter: &VoiceFilter,
    ) -> Result<VoiceReport, WorkerError> {
        let (context, scoring) = self.voice_context(dataset)?;
        let mut report = context.report(dataset, filter);
        report.lexicon = scoring.lexicon.clone();
        Ok(report)
    }

    pub fn verbatims(
        &self,
        dataset: DatasetId,
        filter: &VoiceFilter,
        offset: u64,
        limit: u64,
    ) -> Result<VerbatimPage, WorkerError> {
        let (context, scoring) = self.voice_context(dataset)?;
        Ok(context.verbatims(dataset, filter, offset, limit, &scoring.analyser.0))
    }

    /// The dataset as posts for the Network view, once its texts are all scored.
    pub fn posts(&self, dataset: DatasetId) -> Result<network::Posts<'_>, WorkerError> {
        let (_, scoring) = self.voice_context(dataset)?;
        let held = self.find(dataset)?;
        network::Posts::new(
            &held.table,
            &held.schema,
            &scoring.column,
            &scoring.compounds,
            &scoring.terms,
        )
    }

    /// What the Network view maps in a dataset: its posts once their texts are all scored, else
    /// its rows if they read as edges (an edge list, or referrals in orders). The error is the
    /// posts' (what to mark, or that scoring is under way) when neither fits.
    /// One step of a network job against the current data: the dataset is looked up afresh
    /// each step, so a dataset removed meanwhile fails the job rather than a borrow.
    pub fn network_step(
        &self,
        job: &mut network::NetworkJob,
    ) -> Result<Step<crate::answer::NetworkReport>, WorkerError> {
        let dataset = job.dataset();
        let source = self.network_source(dataset)?;
        job.step(&source, || self.resolved_customers_of(dataset))
    }

    pub fn network_source(
        &self,
        dataset: DatasetId,
    ) -> Result<network::NetworkSource<'_>, WorkerError> {
        match self.posts(dataset) {
            Ok(posts) => Ok(network::NetworkSource::Posts(posts)),
            Err(err) if err.code == ErrorCode::NotFound => Err(err),
            Err(err) => {
                let held = self.find(dataset)?;
                network::EdgeRows::new(&held.table, &held.schema)
                    .map(network::NetworkSource::Edges)
                    .ok_or(err)
            }
        }
    }

    /// Keeps what later requests need of the network just built.
    pub fn keep_network(&mut self, kept: network::KeptNetwork) {
        self.kept_network = Some(kept);
    }

    /// The distinctive terms of `communities` of the last network built of `dataset` under
    /// `filter`.
    pub fn community_terms(
        &self,
        dataset: DatasetId,
        filter: &NetworkFilter,
        communities: &[u32],
    ) -> Result<CommunityTerms, WorkerError> {
        let kept = self
            .kept_network
            .as_ref()
            .filter(|kept| kept.dataset == dataset && kept.filter == *filter)
            .ok_or_else(|| {
                WorkerError::new(
                    ErrorCode::NotFound,
                    "That network is no longer held (another filter or table was mapped since). Open it again.",
                )
            })?;
        let terms = match self.network_source(dataset)? {
            network::NetworkSource::Posts(posts) => kept.community_terms(&posts, communities),
            network::NetworkSource::Edges(_) => Vec::new(),
        };
        Ok(CommunityTerms {
            dataset,
            filter: filter.clone(),
            terms,
        })
    }

    /// The positions of a graph laid out before, if any.
    pub fn cached_layout(
        &mut self,
        n_nodes: u32,
        edges: &[(u32, u32)],
        seed: u64,
    ) -> Option<Vec<f32>> {
        self.layouts.get(n_nodes, edges, seed)
    }

    /// Keeps a settled layout for the next time the same graph is drawn.
    pub fn keep_layout(
        &mut self,
        n_nodes: u32,
        edges: Vec<(u32, u32)>,
        seed: u64,
        positions: Vec<f32>,
    ) {
        self.layouts.insert(n_nodes, edges, seed, positions);
    }

    /// A handle's latest posts in a dataset of posts.
    pub fn handle_posts(
        &self,
        dataset: DatasetId,
        handle: &str,
        filter: &NetworkFilter,
        limit: u64,
    ) -> Result<HandlePosts, WorkerError> {
        Ok(self
            .posts(dataset)?
            .handle_posts(dataset, handle, filter, limit))
    }

    fn voice_context(
        &self,
        dataset: DatasetId,
    ) -> Result<(voice::Context<'_>, &Scoring), WorkerError> {
        let held = self.find(dataset)?;
        let scoring = held.sentiment.as_ref().ok_or_else(|| {
            WorkerError::new(
                ErrorCode::Invalid,
                format!(
                    "{} has no column of customer text. Mark one as “Text” in the Data view.",
                    held.table.name()
                ),
            )
        })?;
        if scoring.compounds.len() < held.table.n_rows() {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("The texts of {} are still being scored.", held.table.name()),
            ));
        }
        let context = voice::Context::new(
            &held.table,
            &held.schema,
            &scoring.column,
            &scoring.compounds,
            &scoring.terms,
        )
        .with_segments(self.segment_lookup(dataset));
        Ok((context, scoring))
    }

    /// Each customer's segment, and the emails and handles held next to a customer id, once the
    /// customers are segmented.
    fn segment_lookup(&self, dataset: DatasetId) -> Option<voice::SegmentLookup> {
        use converge_core::schema::Field;
        let segmentation = self.segmentation.as_ref()?;
        let mut aliases = Vec::new();
        // Converged customers, when convergence ran: each one's records' customer ids.
        let mut converged = Vec::new();
        for held in &self.datasets {
            let column = |field: Field| {
                held.schema
                    .fields
                    .iter()
                    .find(|guess| guess.field == Some(field))
                    .and_then(|guess| held.table.column(&guess.column))
            };
            let Some(ids) = column(Field::CustomerId) else {
                continue;
            };
            if let Some(by_row) = self.resolved_customers_of(held.id) {
                for (row, customer) in by_row.into_iter().enumerate() {
                    if let (Some(customer), Some(id)) = (customer, ids.display(row)) {
                        converged.push((customer, id));
                    }
                }
            }
            for names in [column(Field::Email), column(Field::Handle)]
                .into_iter()
                .flatten()
            {
                for row in 0..held.table.n_rows() {
                    if let (Some(id), Some(name)) = (ids.display(row), names.display(row)) {
                        if !name.trim().is_empty() {
                            aliases.push((id, name));
                        }
                    }
                }
            }
        }
        let lookup = voice::SegmentLookup::new(segmentation.segment_names(), aliases);
        Some(match self.resolved_customers_of(dataset) {
            Some(by_row) => lookup.with_converged(by_row, converged),
            None => lookup,
        })
    }

    /// The refused rows of an import as CSV: `(file name, text)`.
    pub fn rejected_rows_csv(&self, dataset: DatasetId) -> Result<(String, String), WorkerError> {
        let held = self.find(dataset)?;
        let mut out = Vec::new();
        write_rejected_rows(&held.report, &mut out)
            .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
        let text = String::from_utf8(out)
            .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
        Ok((format!("{} - refused rows.csv", held.table.name()), text))
    }

    pub fn page(
        &self,
        dataset: DatasetId,
        offset: u64,
        limit: u64,
    ) -> Result<TablePage, WorkerError> {
        let table = &self.find(dataset)?.table;
        let offset_idx = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit.min(MAX_PAGE_ROWS)).unwrap_or(0);
        Ok(TablePage {
            dataset,
            offset,
            n_rows_total: table.n_rows() as u64,
            column_names: table
                .columns()
                .iter()
                .map(|c| c.name().to_owned())
                .collect(),
            rows: table.page_as_text(offset_idx, limit),
        })
    }

    /// Reads the customers of the held datasets; the job then clusters them step by step.
    pub fn start_segmentation(&self) -> Result<SegmentJob, WorkerError> {
        let resolved: Vec<_> = self
            .datasets
            .iter()
            .map(|held| self.resolved_customers_of(held.id))
            .collect();
        let sources: Vec<segments::Source<'_>> = self
            .datasets
            .iter()
            .zip(&resolved)
            .map(|(held, resolved)| segments::Source {
                resolved: resolved.as_deref(),
                table: &held.table,
                schema: &held.schema,
                compounds: held
                    .sentiment
                    .as_ref()
                    .filter(|scoring| scoring.compounds.len() >= held.table.n_rows())
                    .map(|scoring| scoring.compounds.as_slice()),
            })
            .collect();
        SegmentJob::new(segments::gather(&sources)?)
    }

    pub fn keep_segmentation(&mut self, segmentation: Segmentation) -> &Segmentation {
        self.segmentation.insert(segmentation)
    }

    pub fn segmentation(&self) -> Result<&Segmentation, WorkerError> {
        self.segmentation.as_ref().ok_or_else(|| {
            WorkerError::new(
                ErrorCode::NotFound,
                "The customers are not segmented yet (or the engine restarted). Open Segments again.",
            )
        })
    }

    /// An audience as a file; `per_household`: one row per household (one mailer per address),
    /// which needs the customers converged.
    pub fn export_audience(
        &self,
        audience: &Audience,
        format: AudienceFormat,
        columns: &[String],
        per_household: bool,
    ) -> Result<(String, String), WorkerError> {
        let segmentation = self.segmentation()?;
        let households = if per_household {
            Some(self.household_directory(&segmentation.report().orders_dataset)?)
        } else {
            None
        };
        segmentation.export(audience, format, columns, households.as_ref())
    }

    fn find(&self, dataset: DatasetId) -> Result<&Dataset, WorkerError> {
        self.datasets
            .iter()
            .find(|held| held.id == dataset)
            .ok_or_else(|| not_found(dataset))
    }
}

fn summarise(dataset: &Dataset) -> DatasetSummary {
    let mut report = dataset.report.clone();
    report.rejected.truncate(SUMMARY_REJECTED_ROWS);
    DatasetSummary {
        id: dataset.id,
        name: dataset.table.name().to_owned(),
        n_rows: dataset.table.n_rows() as u64,
        report,
        schema: dataset.schema.clone(),
        overrides: dataset.overrides.clone(),
        sentiment: dataset
            .sentiment
            .as_ref()
            .and_then(|scoring| overview(scoring, dataset.table.n_rows())),
    }
}

/// Counts by label and the mean, once every text is scored.
fn overview(scoring: &Scoring, n_rows: usize) -> Option<SentimentOverview> {
    if scoring.compounds.len() < n_rows {
        return None;
    }
    let mut tally = Tally::default();
    for compound in scoring.compounds.iter().filter(|c| !c.is_nan()) {
        tally.add(f64::from(*compound));
    }
    Some(SentimentOverview {
        column: scoring.column.clone(),
        n_positive: u64::from(tally.n_positive),
        n_neutral: u64::from(tally.n_neutral),
        n_negative: u64::from(tally.n_negative),
        mean_compound: tally.mean(),
        lexicon: scoring.lexicon.clone(),
    })
}

fn not_found(dataset: DatasetId) -> WorkerError {
    WorkerError::new(
        ErrorCode::NotFound,
        format!(
            "Dataset {} is no longer loaded. Load it again to continue.",
            dataset.0
        ),
    )
}

/// The demo company of `n_customers`, loaded and scored, for the worker's own tests.
#[cfg(test)]
pub(crate) fn demo_service(n_customers: u64) -> Service {
    let mut job = DemoJob::new(n_customers).expect("a valid demo size");
    let imported = loop {
        if let Step::Finished(done) = job.step().expect("the demo loads") {
            break done;
        }
    };
    let mut service = Service::default();
    for ingested in imported {
        service.add(ingested);
    }
    while service.score_sentiment_step().is_some() {}
    service
}

#[cfg(test)]
mod tests {
    use super::*;
    use converge_core::schema::{Field, Role};

    fn run<T>(mut step: impl FnMut() -> Result<Step<T>, WorkerError>) -> T {
        let mut last_fraction = 0.0;
        loop {
            match step().unwrap() {
                Step::Working { fraction, .. } => {
                    assert!(
                        fraction >= last_fraction && fraction <= 1.0,
                        "{fraction} after {last_fraction}"
                    );
                    last_fraction = fraction;
                }
                Step::Finished(done) => return done,
            }
        }
    }

    fn demo(n_customers: u64) -> Vec<Ingested> {
        let mut job = DemoJob::new(n_customers).unwrap();
        run(|| job.step())
    }

    fn import(name: &str, content: &str) -> Ingested {
        let mut job = ImportJob::new(
            name,
            std::io::Cursor::new(content.as_bytes().to_vec()),
            Some(content.len() as u64),
        )
        .unwrap();
        run(|| job.step())
    }

    #[test]
    fn the_demo_loads_every_file_with_its_role_and_loading_it_twice_keeps_one_copy() {
        let mut service = Service::default();
        for ingested in demo(500) {
            service.add(ingested);
        }
        for ingested in demo(500) {
            service.add(ingested);
        }
        let summaries = service.summaries();
        let roles: Vec<(&str, Role)> = summaries
            .iter()
            .map(|s| (s.name.as_str(), s.schema.role.role))
            .collect();
        assert_eq!(
            roles,
            [
                ("crm_customers", Role::Customers),
                ("orders", Role::Orders),
                ("social_posts", Role::Interactions),
                ("product_reviews", Role::Interactions),
                ("support_tickets", Role::Interactions),
                ("survey_answers", Role::Interactions),
                ("web_events", Role::Events),
            ]
        );
        assert!(summaries.iter().all(|s| s.report.rows_rejected == 0));
    }

    #[test]
    fn pages_are_bounded_and_missing_datasets_are_named() {
        let mut service = Service::default();
        let rows: String = (0..3_000).map(|i| format!("{i},x\n")).collect();
        let id = service.add(import("t.csv", &format!("id,v\n{rows}")));
        let page = service.page(id, 2_990, 50).unwrap();
        assert_eq!(page.rows.len(), 10);
        assert_eq!(page.n_rows_total, 3_000);
        let page = service.page(id, 0, u64::MAX).unwrap();
        assert_eq!(page.rows.len() as u64, MAX_PAGE_ROWS);
        assert!(service.page(id, u64::MAX, 10).unwrap().rows.is_empty());

        service.remove(id).unwrap();
        let err = service.page(id, 0, 10).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert_eq!(service.remove(id).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn overrides_change_the_schema_and_unknown_columns_are_refused() {
        let mut service = Service::default();
        let id = service.add(import(
            "notes.csv",
            "who,said\nada@example.com,hello there\n",
        ));
        let overrides = Overrides {
            role: Some(Role::Interactions),
            fields: vec![("said".into(), Some(Field::Text))],
        };
        service.set_overrides(id, overrides.clone()).unwrap();
        let summary = &service.summaries()[0];
        assert_eq!(summary.schema.role.role, Role::Interactions);
        assert_eq!(summary.schema.fields[1].field, Some(Field::Text));
        assert_eq!(summary.overrides, overrides);
        let bad = Overrides {
            role: None,
            fields: vec![("nope".into(), None)],
        };
        assert_eq!(
            service.set_overrides(id, bad).unwrap_err().code,
            ErrorCode::Invalid
        );
    }

    #[test]
    fn refused_rows_are_summarised_and_downloadable_in_full() {
        let mut service = Service::default();
        let mut csv = String::from("a,b\n");
        for i in 0..150 {
            csv.push_str(&format!("{i},1\n{i}\n"));
        }
        let id = service.add(import("ragged.csv", &csv));
        let summary = &service.summaries()[0];
        assert_eq!(summary.report.rows_rejected, 150);
        assert_eq!(summary.report.rejected.len(), SUMMARY_REJECTED_ROWS);
        let (name, text) = service.rejected_rows_csv(id).unwrap();
        assert_eq!(name, "ragged - refused rows.csv");
        assert_eq!(text.lines().count(), 151);
        assert!(text.lines().nth(1).unwrap().starts_with("ragged.csv,3,"));
    }

    #[test]
    fn customer_text_is_scored_in_steps_and_rescored_when_the_text_column_changes() {
        let mut service = Service::default();
        let mut csv = String::from("id,comment,other_note\n");
        for i in 0..12_000 {
            let comment = [
                "I love this great service",
                "Terrible and awful delivery",
                "Ordered on Monday",
            ][i % 3];
            csv.push_str(&format!("{i},{comment},fine\n"));
        }
        let id = service.add(import("feedback.csv", &csv));
        assert_eq!(
            service.summaries()[0].sentiment,
            None,
            "nothing is shown before scoring ends"
        );
        let mut steps = 0;
        while let Some((name, fraction)) = service.score_sentiment_step() {
            assert_eq!(name, "feedback");
            assert!(fraction > 0.0 && fraction <= 1.0);
            steps += 1;
        }
        assert_eq!(steps, 3);
        let sentiment = service.summaries()[0].sentiment.clone().unwrap();
        assert_eq!(sentiment.column, "comment");
        assert_eq!(
            (
                sentiment.n_positive,
                sentiment.n_neutral,
                sentiment.n_negative
            ),
            (4_000, 4_000, 4_000)
        );
        assert!(sentiment.net().abs() < 1e-9);

        let overrides = Overrides {
            role: None,
            fields: vec![
                ("comment".into(), None),
                ("other_note".into(), Some(Field::Text)),
            ],
        };
        service.set_overrides(id, overrides).unwrap();
        assert_eq!(service.summaries()[0].sentiment, None);
        while service.score_sentiment_step().is_some() {}
        let sentiment = service.summaries()[0].sentiment.clone().unwrap();
        assert_eq!(sentiment.column, "other_note");
        assert_eq!(sentiment.n_positive, 12_000);
    }

    /// A small shop's feedback: the web channel sours over its last 30 days, deliveries are the
    /// complaint, and "sick" is praise among its skaters.
    fn feedback() -> String {
        let mut csv = String::from("customer_id,channel,posted_at,comment\n");
        for day in 0..60 {
            let date = format!("2025-03-{:02}", 1 + day % 28);
            let month = if day < 28 {
                "03"
            } else if day < 56 {
                "04"
            } else {
                "05"
            };
            let date = date.replacen("-03-", &format!("-{month}-"), 1);
            csv.push_str(&format!(
                "C{day},store,{date},Friendly staff and great coffee\n"
            ));
            let web = if day < 30 {
                "Quick checkout, love it"
            } else {
                "Late delivery again, awful"
            };
            csv.push_str(&format!("C{day},web,{date},\"{web}\"\n"));
            csv.push_str(&format!("C{day},web,{date},@shop that board is sick\n"));
        }
        csv
    }

    #[test]
    fn the_voice_of_the_customer_answers_by_time_channel_and_term() {
        let mut service = Service::default();
        let id = service.add(import("feedback.csv", &feedback()));
        assert!(
            service.voice(id, &VoiceFilter::default()).is_err(),
            "asked before scoring"
        );
        while service.score_sentiment_step().is_some() {}
        let report = service.voice(id, &VoiceFilter::default()).unwrap();
        assert_eq!(report.overall.n_texts(), 180);
        assert_eq!(report.text_column, "comment");
        assert_eq!(report.channel_column.as_deref(), Some("channel"));
        assert!(!report.weekly);
        assert_eq!(
            report.trend.iter().map(|(_, t)| t.n_texts()).sum::<u32>(),
            180
        );
        assert_eq!(report.channels[0].name, "web");
        assert!(
            report
                .negative_terms
                .iter()
                .any(|t| t.term == "late delivery"),
            "{:?}",
            report.negative_terms
        );
        assert!(report
            .positive_terms
            .iter()
            .any(|t| t.term == "great coffee"));
        assert_eq!(report.movers[0].name, "web", "{:?}", report.movers);
        assert!(report.movers[0].change_in_net < 0.0);
        // Each customer's last text ("that board is sick") reads negative after a happy one.
        let watch = &report.customers_to_watch;
        assert_eq!(watch.len(), 10);
        assert!(watch
            .iter()
            .all(|c| c.latest < 0.0 && c.trend.unwrap() < 0.0));
        assert!(watch.windows(2).all(|pair| pair[0].trend <= pair[1].trend));

        // Filters narrow everything; the channel list ignores only the channel filter.
        let web = VoiceFilter {
            channel: Some("web".into()),
            term: Some("delivery".into()),
            ..VoiceFilter::default()
        };
        let report = service.voice(id, &web).unwrap();
        assert_eq!(report.overall.n_texts(), 30);
        assert_eq!(report.overall.n_negative, 30);
        assert_eq!(report.channels.len(), 1, "the store has no delivery texts");
        let web_only = VoiceFilter {
            channel: Some("web".into()),
            ..VoiceFilter::default()
        };
        assert_eq!(service.voice(id, &web_only).unwrap().channels.len(), 2);

        let page = service.verbatims(id, &web, 0, 5).unwrap();
        assert_eq!((page.n_total, page.verbatims.len()), (30, 5));
        let newest = &page.verbatims[0];
        assert_eq!(newest.channel.as_deref(), Some("web"));
        let text: String = newest.pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Late delivery again, awful");
        assert!(newest
            .pieces
            .iter()
            .any(|p| p.text == "awful" && p.valence < 0.0));
        let days: Vec<_> = page.verbatims.iter().map(|v| v.day).collect();
        assert!(
            days.windows(2).all(|pair| pair[0] >= pair[1]),
            "newest first: {days:?}"
        );

        // The project's own word turns the skaters' "sick" into praise, and it is kept.
        let sick = VoiceFilter {
            term: Some("sick".into()),
            ..VoiceFilter::default()
        };
        assert_eq!(service.voice(id, &sick).unwrap().overall.n_negative, 60);
        let entries = vec![LexiconEntry {
            word: "sick".into(),
            valence: 2.0,
        }];
        service.set_lexicon(id, entries.clone()).unwrap();
        while service.score_sentiment_step().is_some() {}
        let report = service.voice(id, &sick).unwrap();
        assert_eq!(report.overall.n_positive, 60);
        assert_eq!(report.lexicon, entries);
        assert_eq!(
            service.summaries()[0].sentiment.as_ref().unwrap().lexicon,
            entries
        );
        let refused = service.set_lexicon(
            id,
            vec![LexiconEntry {
                word: "rad".into(),
                valence: 7.0,
            }],
        );
        assert_eq!(refused.unwrap_err().code, ErrorCode::Invalid);
    }

    #[test]
    fn an_absurd_demo_size_is_refused_before_any_work() {
        let err = DemoJob::new(converge_core::demo::MAX_DEMO_CUSTOMERS as u64 + 1)
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::Invalid);
    }
}
