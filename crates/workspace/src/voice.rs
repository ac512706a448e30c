//! The voice of the customer in one dataset: what the "Voice of the customer" view asks of the
//! worker, answered from the scores and the term index kept with the dataset.
//!
//! Every answer is a pass over the dataset's rows (a few milliseconds for 100k texts), so filters
//! need no precomputed cube and any combination of channel, label, term and dates works.

use std::collections::HashMap;

use converge_core::identity::CustomerId;
use converge_core::schema::{Field, TableSchema};
use converge_core::sentiment::{
    Dimension, Granularity, ScoredText, SentimentLabel, SentimentRollup, Vader,
};
use converge_core::table::{Table, Value};
use converge_core::terms::{TermIndex, DEFAULT_MIN_COUNT};

use crate::answer::{DatasetId, Verbatim, VerbatimPage, VoiceFilter, VoiceReport};

/// Terms listed on each side.
const TERMS_LISTED: usize = 15;
/// A trend spanning more days than this is shown by week.
const DAILY_SPAN_DAYS: i32 = 120;
/// Movers compare the last this-many days with as many before.
const MOVER_WINDOW_DAYS: i32 = 30;
/// A group needs this many texts in each window to count as a mover.
const MOVER_MIN_TEXTS: u32 = 5;
/// Customers listed as the ones to watch.
const CUSTOMERS_TO_WATCH: usize = 10;
/// Terms listed for "this selection vs the rest".
const SELECTION_TERMS_LISTED: usize = 10;
/// The most verbatims one page carries.
pub const MAX_VERBATIMS: u64 = 200;

/// The columns that give a text its context.
pub struct Context<'t> {
    pub table: &'t Table,
    pub text_column: &'t str,
    pub compounds: &'t [f32],
    pub terms: &'t TermIndex,
    date: Option<&'t str>,
    channel: Option<&'t str>,
    product: Option<&'t str>,
    customer: Option<&'t str>,
    /// Whose segment an author is in, once the customers are segmented.
    segments: Option<SegmentLookup>,
}

/// The segment of a text's author: customer ids as the segmentation has them, and the emails
/// and handles that tables hold next to an id (lower case), each with its segment's name.
#[derive(Debug, Default)]
pub struct SegmentLookup {
    by_id: HashMap<String, String>,
    by_alias: HashMap<String, String>,
    /// Once customers are converged: the converged customer behind each row of the texts'
    /// dataset, and each converged customer's segment (through any of its records' ids).
    by_row: Vec<Option<CustomerId>>,
    by_converged: HashMap<CustomerId, String>,
}

impl SegmentLookup {
    /// From `(customer id, segment name)` pairs and `(customer id, email or handle)` aliases.
    pub fn new<'a>(
        segments: impl IntoIterator<Item = (&'a str, &'a str)>,
        aliases: impl IntoIterator<Item = (String, String)>,
    ) -> SegmentLookup {
        let by_id: HashMap<String, String> = segments
            .into_iter()
            .map(|(id, name)| (id.trim().to_owned(), name.to_owned()))
            .collect();
        let mut by_alias = HashMap::new();
        for (id, alias) in aliases {
            if let Some(name) = by_id.get(id.trim()) {
                by_alias
                    .entry(alias.trim().to_lowercase())
                    .or_insert_with(|| name.clone());
            }
        }
        SegmentLookup {
            by_id,
            by_alias,
            ..SegmentLookup::default()
        }
    }

    /// Reads authors through the converged customers: `by_row` is the converged customer of
    /// each row of the texts' dataset, `records` the converged customer and customer id of
    /// every record with one, in any dataset.
    pub fn with_converged(
        mut self,
        by_row: Vec<Option<CustomerId>>,
        records: impl IntoIterator<Item = (CustomerId, String)>,
    ) -> SegmentLookup {
        for (customer, id) in records {
            if let Some(name) = self.by_id.get(id.trim()) {
                self.by_converged
                    .entry(customer)
                    .or_insert_with(|| name.clone());
            }
        }
        self.by_row = by_row;
        self
    }

    /// The segment of the author of row `row_idx` (named by `author`): through the converged
    /// customers when they are known, else by the author's customer id, email or handle.
    fn segment_of_row(&self, row_idx: usize, author: Option<&str>) -> Option<&str> {
        if let Some(Some(customer)) = self.by_row.get(row_idx) {
            if let Some(name) = self.by_converged.get(customer) {
                return Some(name);
            }
        }
        self.segment_of(author?)
    }

    /// The segment of the customer a text's author column names.
    pub fn segment_of(&self, author: &str) -> Option<&str> {
        let author = author.trim();
        self.by_id
            .get(author)
            .or_else(|| self.by_alias.get(&author.to_lowercase()))
            .map(String::as_str)
    }
}

impl<'t> Context<'t> {
    pub fn new(
        table: &'t Table,
        schema: &'t TableSchema,
        text_column: &'t str,
        compounds: &'t [f32],
        terms: &'t TermIndex,
    ) -> Context<'t> {
        let column_of = |fields: &[Field]| {
            fields.iter().find_map(|wanted| {
                schema
                    .fields
                    .iter()
                    .find(|guess| guess.field == Some(*wanted))
                    .map(|guess| guess.column.as_str())
            })
        };
        Context {
            table,
            text_column,
            compounds,
            terms,
            date: column_of(&[Field::Timestamp]),
            channel: column_of(&[Field::Channel]),
            product: column_of(&[Field::Product]),
            customer: column_of(&[Field::CustomerId, Field::Handle, Field::Email]),
            segments: None,
        }
    }

    /// The same context, knowing each author's segment.
    pub fn with_segments(mut self, segments: Option<SegmentLookup>) -> Context<'t> {
        self.segments = segments;
        self
    }

    /// The segment of a row's author, if the customers are segmented and the author is one.
    fn segment(&self, row_idx: usize) -> Option<&str> {
        let segments = self.segments.as_ref()?;
        let author = self.text_of(self.customer, row_idx);
        segments.segment_of_row(row_idx, author.as_deref())
    }

    fn day(&self, row_idx: usize) -> Option<i32> {
        let day = self.table.column(self.date?)?.get(row_idx).day()?;
        i32::try_from(day).ok()
    }

    fn text_of(&self, column: Option<&str>, row_idx: usize) -> Option<String> {
        self.table.column(column?)?.display(row_idx)
    }

    fn compound(&self, row_idx: usize) -> Option<f64> {
        self.compounds
            .get(row_idx)
            .map(|c| f64::from(*c))
            .filter(|c| c.is_finite())
    }

    /// Whether a row passes the filter.
    fn passes(&self, row_idx: usize, filter: &VoiceFilter) -> bool {
        let Some(compound) = self.compound(row_idx) else {
            return false;
        };
        if let Some(label) = filter.label {
            if SentimentLabel::of(compound) != label {
                return false;
            }
        }
        if let Some(channel) = &filter.channel {
            if self.text_of(self.channel, row_idx).as_deref() != Some(channel.as_str()) {
                return false;
            }
        }
        if !within_days(|| self.day(row_idx), filter.from_day, filter.to_day) {
            return false;
        }
        if let Some(term) = &filter.term {
            if !self.terms.contains(row_idx, term) {
                return false;
            }
        }
        if let Some(segment) = &filter.segment {
            if self.segment(row_idx) != Some(segment.as_str()) {
                return false;
            }
        }
        if let Some(product) = &filter.product {
            if self.text_of(self.product, row_idx).as_deref() != Some(product.as_str()) {
                return false;
            }
        }
        true
    }

    /// The voice of the customer under `filter`.
    pub fn report(&self, dataset: DatasetId, filter: &VoiceFilter) -> VoiceReport {
        let n_rows = self.compounds.len().min(self.table.n_rows());
        let mut rollup = SentimentRollup::default();
        // Channels are listed with every channel's texts (so the user can switch), under the
        // rest of the filter.
        let mut channel_rollup = SentimentRollup::default();
        let without_channel = VoiceFilter {
            channel: None,
            ..filter.clone()
        };
        // Segments, like channels, are listed whatever segment is picked.
        let mut segment_rollup = SentimentRollup::default();
        let without_segment = VoiceFilter {
            segment: None,
            ..filter.clone()
        };
        // And products, whatever product is picked.
        let mut product_rollup = SentimentRollup::default();
        let without_product = VoiceFilter {
            product: None,
            ..filter.clone()
        };
        let mut n_without_segment = 0_u64;
        let mut day_range: Option<(i32, i32)> = None;
        for row_idx in 0..n_rows {
            let Some(compound) = self.compound(row_idx) else {
                continue;
            };
            let day = self.day(row_idx);
            if let Some(day) = day {
                day_range =
                    Some(day_range.map_or((day, day), |(lo, hi)| (lo.min(day), hi.max(day))));
            }
            let channel = self.text_of(self.channel, row_idx);
            if self.passes(row_idx, &without_channel) {
                channel_rollup.add(ScoredText {
                    compound,
                    day,
                    channel: channel.as_deref(),
                    ..ScoredText::default()
                });
            }
            if self.segments.is_some() && self.passes(row_idx, &without_segment) {
                match self.segment(row_idx) {
                    Some(segment) => segment_rollup.add(ScoredText {
                        compound,
                        channel: Some(segment),
                        ..ScoredText::default()
                    }),
                    None => n_without_segment += 1,
                }
            }
            let product = self.text_of(self.product, row_idx);
            if product.is_some() && self.passes(row_idx, &without_product) {
                product_rollup.add(ScoredText {
                    compound,
                    product: product.as_deref(),
                    ..ScoredText::default()
                });
            }
            if self.passes(row_idx, filter) {
                let customer = self.text_of(self.customer, row_idx);
                rollup.add(ScoredText {
                    compound,
                    day,
                    channel: channel.as_deref(),
                    product: product.as_deref(),
                    customer: customer.as_deref(),
                });
            }
        }
        let weekly = day_range.is_some_and(|(lo, hi)| hi - lo > DAILY_SPAN_DAYS);
        let granularity = if weekly {
            Granularity::Week
        } else {
            Granularity::Day
        };
        let mut movers = rollup.movers(Dimension::Channel, MOVER_WINDOW_DAYS, MOVER_MIN_TEXTS);
        movers.extend(rollup.movers(Dimension::Product, MOVER_WINDOW_DAYS, MOVER_MIN_TEXTS));
        movers.sort_by(|a, b| b.change_in_net.abs().total_cmp(&a.change_in_net.abs()));
        movers.truncate(8);
        // Terms compare labels, and stay put while the user reads one term's texts.
        let for_terms = VoiceFilter {
            term: None,
            label: None,
            ..filter.clone()
        };
        let distinctive = self.terms.distinctive(
            |row_idx| {
                if row_idx >= n_rows || !self.passes(row_idx, &for_terms) {
                    return None;
                }
                match SentimentLabel::of(self.compound(row_idx)?) {
                    SentimentLabel::Negative => Some(true),
                    SentimentLabel::Positive => Some(false),
                    SentimentLabel::Neutral => None,
                }
            },
            TERMS_LISTED,
            DEFAULT_MIN_COUNT,
        );
        // What the filtered texts say more than the others: the filter without its term (the
        // term only picks verbatims), against every other scored text.
        let selection = VoiceFilter {
            term: None,
            ..filter.clone()
        };
        let selection_terms = if selection == VoiceFilter::default() {
            Vec::new()
        } else {
            self.terms.selection_vs_rest(
                |row_idx| row_idx < n_rows && self.passes(row_idx, &selection),
                SELECTION_TERMS_LISTED,
                DEFAULT_MIN_COUNT,
            )
        };
        let mut customers_to_watch: Vec<_> = rollup
            .customers()
            .into_iter()
            .filter(|customer| {
                customer.trend.is_some_and(|trend| trend < 0.0) && customer.latest < 0.0
            })
            .collect();
        customers_to_watch.sort_by(|a, b| {
            a.trend
                .unwrap_or(0.0)
                .total_cmp(&b.trend.unwrap_or(0.0))
                .then_with(|| a.customer.cmp(&b.customer))
        });
        customers_to_watch.truncate(CUSTOMERS_TO_WATCH);
        VoiceReport {
            dataset,
            customers_to_watch,
            filter: filter.clone(),
            text_column: self.text_column.to_owned(),
            date_column: self.date.map(str::to_owned),
            channel_column: self.channel.map(str::to_owned),
            overall: rollup.overall(),
            weekly,
            trend: rollup.series(granularity),
            channels: channel_rollup.groups(Dimension::Channel),
            products: product_rollup.groups(Dimension::Product),
            movers,
            negative_terms: distinctive.group,
            positive_terms: distinctive.rest,
            day_range,
            lexicon: Vec::new(),
            segmented: self.segments.is_some(),
            // The rollup's channel slot holds the segment here.
            segments: segment_rollup.groups(Dimension::Channel),
            n_without_segment,
            selection_terms,
        }
    }

    /// The texts passing `filter`, newest first (undated ones last, in row order), rows
    /// `offset..offset + limit` of that list, each explained by `vader`.
    pub fn verbatims(
        &self,
        dataset: DatasetId,
        filter: &VoiceFilter,
        offset: u64,
        limit: u64,
        vader: &Vader,
    ) -> VerbatimPage {
        let n_rows = self.compounds.len().min(self.table.n_rows());
        let mut rows: Vec<(Option<i32>, usize)> = (0..n_rows)
            .filter(|&row_idx| self.passes(row_idx, filter))
            .map(|row_idx| (self.day(row_idx), row_idx))
            .collect();
        rows.sort_by(|(day_a, row_a), (day_b, row_b)| {
            day_b.cmp(day_a).then_with(|| row_a.cmp(row_b))
        });
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(rows.len());
        let limit = usize::try_from(limit.min(MAX_VERBATIMS)).unwrap_or(0);
        let text_column = self.table.column(self.text_column);
        let verbatims = rows[start..]
            .iter()
            .take(limit)
            .filter_map(|&(day, row_idx)| {
                let Value::Text(text) = text_column?.get(row_idx) else {
                    return None;
                };
                let explained = vader.explain_text(text);
                Some(Verbatim {
                    row: row_idx as u64,
                    day,
                    channel: self.text_of(self.channel, row_idx),
                    customer: self.text_of(self.customer, row_idx),
                    score: explained.score,
                    pieces: explained.pieces,
                })
            })
            .collect();
        VerbatimPage {
            dataset,
            filter: filter.clone(),
            offset,
            n_total: rows.len() as u64,
            verbatims,
        }
    }
}

/// Whether a row's day (asked only when a bound is set) lies within `from..=to`; a row without a
/// day passes only when there is no bound.
pub(crate) fn within_days(
    day: impl FnOnce() -> Option<i32>,
    from: Option<i32>,
    to: Option<i32>,
) -> bool {
    if from.is_none() && to.is_none() {
        return true;
    }
    day().is_some_and(|day| from.is_none_or(|from| day >= from) && to.is_none_or(|to| day <= to))
}

#[cfg(test)]
mod tests {
    use converge_core::sentiment::SentimentLabel;

    use crate::answer::VoiceFilter;
    use crate::service::{Service, Step};

    fn demo() -> Service {
        crate::service::demo_service(400)
    }

    #[test]
    fn sentiment_by_segment_once_customers_are_segmented() {
        let mut service = demo();
        let dataset = |name: &str| {
            service
                .summaries()
                .into_iter()
                .find(|summary| summary.name == name)
                .unwrap()
                .id
        };
        // Reviews name their author by an email a customer id sits next to; posts name theirs by
        // a handle, which the CRM ties to a customer id for about half of the people.
        let (reviews, social) = (dataset("product_reviews"), dataset("social_posts"));
        let posts = reviews;
        let report = service.voice(posts, &VoiceFilter::default()).unwrap();
        assert!(!report.segmented);
        assert!(report.segments.is_empty());
        assert!(report.selection_terms.is_empty(), "no filter, no selection");

        let mut job = service.start_segmentation().unwrap();
        let done = loop {
            if let Step::Finished(done) = job.step().unwrap() {
                break done;
            }
        };
        service.keep_segmentation(done);
        let report = service.voice(posts, &VoiceFilter::default()).unwrap();
        assert!(report.segmented);
        assert!(report.segments.len() >= 2, "{:?}", report.segments);
        // Every text is counted once: in its author's segment, or as without one.
        let in_segments: u64 = report
            .segments
            .iter()
            .map(|group| u64::from(group.tally.n_texts()))
            .sum();
        assert_eq!(
            in_segments + report.n_without_segment,
            u64::from(report.overall.n_texts())
        );
        assert!(in_segments > u64::from(report.overall.n_texts()) / 2);

        // A segment filters the texts, and its texts say something of their own.
        let first = &report.segments[0];
        let filter = VoiceFilter {
            segment: Some(first.name.clone()),
            ..VoiceFilter::default()
        };
        let of_segment = service.voice(posts, &filter).unwrap();
        assert_eq!(of_segment.overall, first.tally);
        assert_eq!(of_segment.segments, report.segments, "segments stay listed");
        let page = service.verbatims(posts, &filter, 0, 500).unwrap();
        assert_eq!(page.n_total, u64::from(first.tally.n_texts()));

        // The negative texts against all the others.
        let negative = VoiceFilter {
            label: Some(SentimentLabel::Negative),
            ..VoiceFilter::default()
        };
        let report = service.voice(posts, &negative).unwrap();
        assert!(!report.selection_terms.is_empty());
        assert!(report
            .selection_terms
            .iter()
            .all(|term| term.z > 0.0 && term.n_in_group > 0));

        // Posts by handles the CRM ties to a customer id take that customer's segment; posts by
        // handles no table ties to anyone stay without one, and are counted as such.
        let social_report = service.voice(social, &VoiceFilter::default()).unwrap();
        assert!(social_report.segmented && !social_report.segments.is_empty());
        let n_posts = u64::from(social_report.overall.n_texts());
        assert!(
            social_report.n_without_segment > 0 && social_report.n_without_segment < n_posts,
            "{} of {n_posts} posts without a segment",
            social_report.n_without_segment
        );

        // Once customers are converged, authors are read through them: a review by a customer
        // whose records carry several ids still finds the segment.
        let before = service.voice(reviews, &VoiceFilter::default()).unwrap();
        service
            .converge(0.9, |_| std::ops::ControlFlow::Continue(()))
            .unwrap();
        let after = service.voice(reviews, &VoiceFilter::default()).unwrap();
        assert!(after.n_without_segment <= before.n_without_segment);
        assert_eq!(after.overall, before.overall);
    }

    #[test]
    fn a_product_filters_the_texts_and_every_product_stays_listed() {
        let service = demo();
        let reviews = service
            .summaries()
            .into_iter()
            .find(|summary| summary.name == "product_reviews")
            .unwrap()
            .id;
        let all = service.voice(reviews, &VoiceFilter::default()).unwrap();
        assert!(all.products.len() >= 2, "{:?}", all.products);
        let in_products: u32 = all.products.iter().map(|p| p.tally.n_texts()).sum();
        assert_eq!(
            in_products,
            all.overall.n_texts(),
            "every review names a product"
        );

        let first = &all.products[0];
        let filter = VoiceFilter {
            product: Some(first.name.clone()),
            ..VoiceFilter::default()
        };
        let of_product = service.voice(reviews, &filter).unwrap();
        assert_eq!(of_product.overall, first.tally);
        // The list still offers every product, so the user can switch.
        assert_eq!(of_product.products, all.products);
        // A product is a selection: what its reviews say more than the others'.
        assert!(!of_product.selection_terms.is_empty());
        let page = service.verbatims(reviews, &filter, 0, 500).unwrap();
        assert_eq!(page.n_total, u64::from(first.tally.n_texts()));
    }
}
