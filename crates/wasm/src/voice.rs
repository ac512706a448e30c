//! The voice of the customer in one dataset: what the "Voice of the customer" view asks of the
//! worker, answered from the scores and the term index kept with the dataset.
//!
//! Every answer is a pass over the dataset's rows (a few milliseconds for 100k texts), so filters
//! need no precomputed cube and any combination of channel, label, term and dates works.

use converge_core::schema::{Field, TableSchema};
use converge_core::sentiment::{
    Dimension, Granularity, ScoredText, SentimentLabel, SentimentRollup, Vader,
};
use converge_core::table::{Table, Value};
use converge_core::terms::{TermIndex, DEFAULT_MIN_COUNT};

use crate::protocol::{DatasetId, Verbatim, VerbatimPage, VoiceFilter, VoiceReport};

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
        }
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
            if self.passes(row_idx, filter) {
                let product = self.text_of(self.product, row_idx);
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
            products: rollup.groups(Dimension::Product),
            movers,
            negative_terms: distinctive.group,
            positive_terms: distinctive.rest,
            day_range,
            lexicon: Vec::new(),
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
