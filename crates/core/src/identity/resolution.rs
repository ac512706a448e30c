//! The whole resolution: deterministic links, blocking, the model, scoring, customers, and the
//! evidence behind every link.

use std::ops::ControlFlow;
use std::sync::Arc;

use super::blocking::{
    blocked_fields, merge_pairs, rule_pairs, BlockingReport, BlockingRule, MAX_BLOCKING_RULES,
};
use super::coherence::{count_people, HoldReason, SharedIdentifier};
use super::fields::IdentityField;
use super::groups::{Groups, JoinKind};
use super::health::ModelHealth;
use super::household::Households;
use super::model::{
    estimate_matches, expectation_maximisation, patterns_of, FieldModel, MatchModel, Patterns,
    UCounts,
};
use super::parallel;
use super::params::ResolveParams;
use super::records::{
    uses_term_frequency, FieldValues, LevelCache, Records, Source, ValueMembers, NOT_COMPARED,
    N_FIELDS,
};
use super::training::{
    labelled_pairs, train_from_labels, LabelledCounts, LabelledPair, MIN_LABELLED_PAIRS,
};
use super::IdentityError;
use crate::hashing::FastMap;
use crate::table::Value;

/// A resolved customer's id, numbered from 1 in the order of its first record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerId(pub u32);

/// A source record: the source's index (in the order given) and the row in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordRef {
    pub source_idx: u32,
    pub row_idx: u32,
}

/// Why two records were linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum LinkReason {
    /// The same normalised value of an exact identifier (email, phone, handle, customer id).
    SameIdentifier(IdentityField),
    /// The model's match probability reached the threshold.
    Scored,
}

/// Two records of one customer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Link {
    pub left: RecordRef,
    pub right: RecordRef,
    /// 1 for a deterministic link.
    pub match_probability: f64,
    pub reason: LinkReason,
    /// Whether the link joined two groups (false: the records were already one customer).
    pub joined: bool,
    left_record: u32,
    right_record: u32,
}

/// Where a source record ended up.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RecordAssignment {
    pub record: RecordRef,
    pub customer: CustomerId,
    /// The probability of the strongest link that placed the record in its customer; `None`
    /// for a record linked to no other.
    pub match_probability: Option<f64>,
}

/// A customer's best value for one field, and where it came from.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerValue {
    pub field: IdentityField,
    pub value: String,
    /// The source column and record the value was taken from (lineage); one name shared by
    /// every value taken from that column.
    pub column: Arc<str>,
    pub record: RecordRef,
}

/// One resolved customer.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Customer {
    pub id: CustomerId,
    pub records: Vec<RecordRef>,
    /// Best values: from the most recent record that has the field (by its source's
    /// [`Source::recency`] column; records without one come after dated ones), ties going to
    /// the first source in the order given, then its first record.
    pub values: Vec<CustomerValue>,
    /// Indexes into [`Resolution::links`] of the links that joined this customer's records.
    pub links: Vec<usize>,
    /// The weakest of those links' probabilities (`None` for a single record).
    pub weakest_link: Option<f64>,
}

/// One field's part in a pair's match weight: a bar of the waterfall.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldEvidence {
    pub field: IdentityField,
    pub left_value: Option<String>,
    pub right_value: Option<String>,
    /// "exact", "Jaro-Winkler ≥ 0.92"…; "missing" when a side has no value.
    pub level: String,
    /// m/u (term-frequency adjusted where it applies); 1 when missing.
    pub bayes_factor: f64,
    /// log₂ of the Bayes factor.
    pub weight_bits: f64,
    /// Whether the value's frequency replaced u (a common value counts less).
    pub term_frequency_adjusted: bool,
}

/// Why two records are (or are not) the same customer: prior + each field = final.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PairEvidence {
    pub left: RecordRef,
    pub right: RecordRef,
    pub reason: Option<LinkReason>,
    /// log₂ of the prior odds λ / (1 − λ).
    pub prior_weight_bits: f64,
    pub fields: Vec<FieldEvidence>,
    /// Prior plus every field's weight.
    pub total_weight_bits: f64,
    /// 2^w / (1 + 2^w) of the total weight (1 for a deterministic link).
    pub match_probability: f64,
}

/// The outcome: customers, every record's customer, the links and the model.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub(crate) records: Records,
    pub model: MatchModel,
    pub blocking: BlockingReport,
    pub links: Vec<Link>,
    /// Links at or above the threshold that were not applied, each with its reason: they
    /// would have joined records that cannot be one person (different given names or birth
    /// dates), made a customer larger than one person plausibly is, or joined two groups of
    /// several records on a weak link. For review.
    pub held_back: Vec<HeldLink>,
    /// The strongest scored pairs below the fit's threshold whose records the fit left as
    /// different customers, strongest first ([`ResolveParams::near_misses`] at most): the
    /// rejected side of a review. Not applied unless a [`LinkDecision`] accepts one.
    pub near_misses: Vec<Link>,
    /// Emails, phones, handles and customer ids several people use (a family e-mail, a
    /// landline, a switchboard, a placeholder): never linked on outright, only weighed.
    pub shared_identifiers: Vec<SharedIdentifier>,
    /// How the model was fitted and whether it can be trusted.
    pub health: ModelHealth,
    pub assignments: Vec<RecordAssignment>,
    pub customers: Vec<Customer>,
    /// Who lives with whom: every customer's household.
    pub households: Households,
    pub threshold: f64,
    pub weak_link: f64,
    /// The settings and blocking rules of the fit, for matching records that come later
    /// ([`Resolution::matcher`]).
    pub(crate) params: ResolveParams,
    pub(crate) rules: Vec<BlockingRule>,
}

/// A link that was not applied, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HeldLink {
    pub link: Link,
    pub reason: HoldReason,
}

/// Records one email or phone may identify before it counts as a placeholder.
pub const MAX_SHARED_IDENTIFIER: u32 = 1_000;

/// Identifiers a deterministic link is made on. Customer ids shorter than this are not (row
/// numbers `1, 2, 3` of two systems would merge strangers).
const MIN_KEY_CHARS: usize = 5;

pub(crate) const DETERMINISTIC: [IdentityField; 4] = [
    IdentityField::Email,
    IdentityField::Phone,
    IdentityField::Handle,
    IdentityField::CustomerKey,
];

/// Whether common values of `field` are placeholders (`noreply@…`, a switchboard number)
/// rather than one person's.
fn has_placeholders(field: IdentityField) -> bool {
    matches!(field, IdentityField::Email | IdentityField::Phone)
}

/// Whether value `id` of `field` (one of [`DETERMINISTIC`]) links its records outright: not
/// missing, not used by several people (a [`SharedIdentifier`], placeholders shared by more
/// than [`MAX_SHARED_IDENTIFIER`] records among them), and not a customer id shorter than
/// [`MIN_KEY_CHARS`].
pub(crate) fn identifies(field: IdentityField, store: &FieldValues, id: u32) -> bool {
    let Some(value) = store.dictionary.get(id as usize) else {
        return false;
    };
    let short = field == IdentityField::CustomerKey && value.chars().count() < MIN_KEY_CHARS;
    let shared = store.shared.get(id as usize) == Some(&true);
    !short && !shared
}

/// Pairs an EM session looks at most (an even sample of its rule's pairs beyond that).
const MAX_TRAINING_PAIRS: usize = 1_000_000;

impl ResolveParams {
    /// Resolves the records of `sources` into customers. `progress` is called with the share
    /// done (0 to 1) between steps; returning `ControlFlow::Break` cancels.
    pub fn fit(
        &self,
        sources: &[Source<'_>],
        mut progress: impl FnMut(f32) -> ControlFlow<()>,
    ) -> Result<Resolution, IdentityError> {
        self.check()?;
        if progress(0.0).is_break() {
            return Err(IdentityError::Cancelled);
        }
        let mut run = self.start(sources)?;
        loop {
            if let Some(resolution) = run.step(sources)? {
                return Ok(resolution);
            }
            if progress(run.fraction_done()).is_break() {
                return Err(IdentityError::Cancelled);
            }
        }
    }

    /// The same resolution as [`ResolveParams::fit`], in steps the caller drives (a worker
    /// answers messages, reports progress and honours a cancel between them): reads the
    /// records and links those sharing an identifier, then each [`ResolveRun::step`] does a
    /// bounded piece (one blocking rule, a chunk of pairs, one training session).
    pub fn start(&self, sources: &[Source<'_>]) -> Result<ResolveRun, IdentityError> {
        self.check()?;
        let mut records = Records::build(sources, self)?;
        let n = records.len();
        let mut groups = Groups::new(&records);
        let mut links: Vec<Link> = Vec::new();
        let mut held_back: Vec<HeldLink> = Vec::new();
        let mut shared_identifiers = Vec::new();
        let mut labelled: Vec<LabelledPair> = Vec::new();
        if self.deterministic {
            for field in DETERMINISTIC {
                let Some(slot) = field.slot() else {
                    continue;
                };
                let Some(store) = records.fields.get(slot) else {
                    continue;
                };
                let members = ValueMembers::of(store);
                let mut shared = vec![false; store.dictionary.len()];
                for (id, (value, count)) in store.dictionary.iter().zip(&store.counts).enumerate() {
                    if *count < 2 {
                        continue;
                    }
                    let placeholder = has_placeholders(field) && *count > MAX_SHARED_IDENTIFIER;
                    let key = field == IdentityField::CustomerKey;
                    let n_people = count_people(&records, members.of_value(id), key);
                    if placeholder || n_people >= 2 {
                        if let Some(flag) = shared.get_mut(id) {
                            *flag = true;
                        }
                        shared_identifiers.push(SharedIdentifier {
                            field,
                            value: value.clone(),
                            n_records: *count,
                            n_people,
                        });
                    }
                }
                let join_kind = JoinKind::of_identifier(field);
                let mut reps: Vec<u32> = Vec::new();
                for (id, count) in store.counts.iter().enumerate() {
                    if *count < 2
                        || shared.get(id) == Some(&true)
                        || !identifies(field, store, id as u32)
                    {
                        continue;
                    }
                    let of_value = members.of_value(id);
                    let Some((&first, rest)) = of_value.split_first() else {
                        continue;
                    };
                    for &record in rest {
                        let link = |joined| {
                            records.link(
                                first,
                                record,
                                1.0,
                                LinkReason::SameIdentifier(field),
                                joined,
                            )
                        };
                        match groups.join(&records, first as usize, record as usize, join_kind) {
                            Ok(true) => links.push(link(true)),
                            Ok(false) => {}
                            Err(reason) => held_back.push(HeldLink {
                                link: link(false),
                                reason,
                            }),
                        }
                    }
                    labelled_pairs(&records, of_value, slot as u8, &mut reps, &mut labelled);
                }
                if let Some(store) = records.fields.get_mut(slot) {
                    store.shared = shared;
                }
            }
        }
        let group_of: Vec<u32> = (0..n).map(|record| groups.find(record) as u32).collect();
        records.count_by_person(&group_of);
        let mapped: Vec<IdentityField> = IdentityField::COMPARED
            .iter()
            .copied()
            .filter(|field| records.field(*field).is_some_and(|f| f.n_present > 0))
            .collect();
        let rules = self
            .blocking_rules
            .clone()
            .unwrap_or_else(|| BlockingRule::automatic(&mapped));
        // Small inputs need fewer random pairs: five per record (at least 5,000) is plenty below
        // the cap; FEBRL's F1 is the same with two.
        let n_u_pairs = self.n_u_pairs.min(n.saturating_mul(5).max(5_000));
        Ok(ResolveRun {
            params: self.clone(),
            stage: Stage::Blocking { rule_idx: 0 },
            blocking: BlockingReport {
                rules: rules.iter().map(BlockingRule::describe).collect(),
                ..BlockingReport::default()
            },
            rules,
            u: UCounts::new(n_u_pairs, self.seed),
            records,
            groups,
            links,
            held_back,
            shared_identifiers,
            labelled,
            labelled_counts: None,
            pairs: Vec::new(),
            found_by: Vec::new(),
            keyed: vec![false; n],
            pattern_ids: Vec::new(),
            pattern_list: Vec::new(),
            distinct: FastMap::default(),
            cache: LevelCache::default(),
            fields: Vec::new(),
            m_sums: Vec::new(),
            m_sessions: Vec::new(),
            em_iterations: 0,
            em_converged: true,
        })
    }
}

/// Where a [`ResolveRun`] is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Blocking { rule_idx: usize },
    SampleU,
    Compare { next_pair: usize },
    Train { rule_idx: usize },
    Score,
    Done,
}

/// Random pairs compared per step while estimating u.
const U_PAIRS_PER_STEP: usize = 8_192;
/// Candidate pairs compared per step.
const PAIRS_PER_STEP: usize = 32_768;

/// A resolution in progress ([`ResolveParams::start`]): each [`ResolveRun::step`] does a
/// bounded piece of work, so a caller can report progress and cancel between them. Stepping to
/// the end gives exactly what [`ResolveParams::fit`] gives.
#[derive(Debug)]
pub struct ResolveRun {
    params: ResolveParams,
    stage: Stage,
    rules: Vec<BlockingRule>,
    blocking: BlockingReport,
    records: Records,
    groups: Groups,
    links: Vec<Link>,
    held_back: Vec<HeldLink>,
    shared_identifiers: Vec<SharedIdentifier>,
    /// Pairs an identifier of one person links, for training m ([`super::training`]).
    labelled: Vec<LabelledPair>,
    labelled_counts: Option<LabelledCounts>,
    pairs: Vec<u64>,
    found_by: Vec<u32>,
    /// Per record, whether a blocking rule gave it a key (so it could be a candidate).
    keyed: Vec<bool>,
    u: UCounts,
    /// Each candidate pair's comparison pattern, as an index into `pattern_list`.
    pattern_ids: Vec<u32>,
    pattern_list: Vec<[u8; N_FIELDS]>,
    distinct: FastMap<[u8; N_FIELDS], u32>,
    cache: LevelCache,
    fields: Vec<FieldModel>,
    m_sums: Vec<Vec<f64>>,
    m_sessions: Vec<usize>,
    em_iterations: usize,
    em_converged: bool,
}

impl ResolveRun {
    /// The share of the work done, 0 to 1.
    pub fn fraction_done(&self) -> f32 {
        let share = |done: usize, of: usize| done as f32 / of.max(1) as f32;
        let (start, end, within) = match self.stage {
            Stage::Blocking { rule_idx } => (0.15, 0.35, share(rule_idx, self.rules.len())),
            Stage::SampleU => (0.35, 0.45, self.u.fraction_done()),
            Stage::Compare { next_pair } => (0.45, 0.8, share(next_pair, self.pairs.len())),
            Stage::Train { rule_idx } => (0.8, 0.9, share(rule_idx, self.rules.len())),
            Stage::Score => (0.9, 1.0, 0.0),
            Stage::Done => (1.0, 1.0, 0.0),
        };
        start + (end - start) * within.clamp(0.0, 1.0)
    }

    /// One piece of work; the resolution when it was the last. `sources` must be those given
    /// to [`ResolveParams::start`] (the best values of each customer are read from them at the
    /// end). Stepping again after the end is [`IdentityError::Finished`].
    pub fn step(&mut self, sources: &[Source<'_>]) -> Result<Option<Resolution>, IdentityError> {
        match self.stage {
            Stage::Blocking { rule_idx } => {
                match self
                    .rules
                    .get(rule_idx)
                    .filter(|_| rule_idx < MAX_BLOCKING_RULES)
                {
                    Some(rule) => {
                        let found = rule_pairs(
                            &self.records,
                            rule,
                            self.params.max_block_records,
                            &mut self.keyed,
                        );
                        if found.report.any() {
                            self.blocking.skipped.push(found.report);
                        }
                        let bit = 1u32 << rule_idx;
                        for (pairs_found, bit) in [(found.pairs, bit), (found.split_pairs, 0)] {
                            if pairs_found.is_empty() {
                                continue;
                            }
                            let pairs = std::mem::take(&mut self.pairs);
                            let found_by = std::mem::take(&mut self.found_by);
                            (self.pairs, self.found_by) =
                                merge_pairs(pairs, found_by, &pairs_found, bit);
                        }
                        self.stage = Stage::Blocking {
                            rule_idx: rule_idx + 1,
                        };
                    }
                    None => {
                        self.blocking.n_candidate_pairs = self.pairs.len() as u64;
                        self.stage = Stage::SampleU;
                    }
                }
            }
            Stage::SampleU => {
                if self
                    .u
                    .sample(&self.records, U_PAIRS_PER_STEP, self.params.n_threads)
                {
                    self.fields = self.u.models();
                    self.pattern_ids = Vec::with_capacity(self.pairs.len());
                    self.stage = Stage::Compare { next_pair: 0 };
                }
            }
            Stage::Compare { next_pair } => {
                let end = (next_pair + PAIRS_PER_STEP).min(self.pairs.len());
                let (records, pairs) = (&self.records, &self.pairs);
                let compared = if self.params.n_threads > 1 {
                    parallel::map_chunks(next_pair..end, self.params.n_threads, |range| {
                        compare_pairs(records, pairs.get(range), &mut LevelCache::default())
                    })
                } else {
                    vec![compare_pairs(
                        records,
                        pairs.get(next_pair..end),
                        &mut self.cache,
                    )]
                };
                for levels in compared.into_iter().flatten() {
                    let next = self.pattern_list.len() as u32;
                    let list = &mut self.pattern_list;
                    let id = *self.distinct.entry(levels).or_insert_with(|| {
                        list.push(levels);
                        next
                    });
                    self.pattern_ids.push(id);
                }
                if end >= self.pairs.len() {
                    self.distinct = FastMap::default();
                    self.cache = LevelCache::default();
                    self.m_sums = self.fields.iter().map(|f| vec![0.0; f.m.len()]).collect();
                    self.m_sessions = vec![0; self.fields.len()];
                    let labelled = std::mem::take(&mut self.labelled);
                    let counts = LabelledCounts::count(&self.records, &labelled);
                    // EM trains only what the labelled pairs cannot.
                    let all_labelled = self.fields.iter().enumerate().all(|(slot, field)| {
                        field.n_u_compared == 0 || counts.n_compared(slot) >= MIN_LABELLED_PAIRS
                    });
                    self.labelled_counts = Some(counts);
                    self.stage = if all_labelled {
                        Stage::Score
                    } else {
                        Stage::Train { rule_idx: 0 }
                    };
                } else {
                    self.stage = Stage::Compare { next_pair: end };
                }
            }
            Stage::Train { rule_idx } => {
                match self.rules.get(rule_idx) {
                    Some(rule) => self.train(rule_idx, rule.clone()),
                    None => self.stage = Stage::Score,
                }
                if let Stage::Train { .. } = self.stage {
                    self.stage = Stage::Train {
                        rule_idx: rule_idx + 1,
                    };
                }
            }
            Stage::Score => {
                self.stage = Stage::Done;
                return Ok(Some(self.score(sources)));
            }
            Stage::Done => return Err(IdentityError::Finished),
        }
        Ok(None)
    }

    /// As Splink trains: one EM session per blocking rule, on that rule's pairs, leaving out
    /// the fields the rule blocks on (its pairs agree on them by construction, which would
    /// make them look like evidence). A field's m is the mean over the sessions that estimated
    /// it (taken in [`ResolveRun::score`]).
    fn train(&mut self, rule_idx: usize, rule: BlockingRule) {
        let bit = 1u32.checked_shl(rule_idx as u32).unwrap_or(0);
        let blocked: Vec<usize> = blocked_fields(&rule)
            .iter()
            .filter_map(|field| field.slot())
            .collect();
        // The union holds every rule's pairs with their comparison pattern.
        let n_training = self.found_by.iter().filter(|by| *by & bit != 0).count();
        let step = (n_training / MAX_TRAINING_PAIRS).max(1);
        let session_patterns = patterns_of(
            self.found_by
                .iter()
                .zip(&self.pattern_ids)
                .filter(|(by, _)| *by & bit != 0)
                .step_by(step)
                .filter_map(|(_, id)| {
                    let mut levels = *self.pattern_list.get(*id as usize)?;
                    for slot in &blocked {
                        if let Some(level) = levels.get_mut(*slot) {
                            *level = NOT_COMPARED;
                        }
                    }
                    Some(levels)
                }),
        );
        let mut session = self.fields.clone();
        let mut lambda = 0.1;
        let (iterations, converged) = expectation_maximisation(
            &mut session,
            &session_patterns,
            &mut lambda,
            self.params.max_em_iterations,
        );
        self.em_iterations = self.em_iterations.max(iterations);
        self.em_converged &= converged;
        for (slot, field) in session.iter().enumerate() {
            let compared = session_patterns
                .iter()
                .any(|(pattern, _)| pattern.get(slot).is_some_and(|l| *l != NOT_COMPARED));
            if blocked.contains(&slot) || !compared {
                continue;
            }
            if let (Some(sums), Some(n)) =
                (self.m_sums.get_mut(slot), self.m_sessions.get_mut(slot))
            {
                for (sum, m) in sums.iter_mut().zip(&field.m) {
                    *sum += m;
                }
                *n += 1;
            }
        }
    }

    /// λ for all candidate pairs (m and u held), each pair's probability, and the customers.
    fn score(&mut self, sources: &[Source<'_>]) -> Resolution {
        let mut fields = std::mem::take(&mut self.fields);
        for ((field, sums), n) in fields.iter_mut().zip(&self.m_sums).zip(&self.m_sessions) {
            if *n > 0 {
                field.m = sums.iter().map(|sum| sum / *n as f64).collect();
            }
        }
        let labelled_counts = self.labelled_counts.take();
        let trained = labelled_counts
            .as_ref()
            .map(|counts| train_from_labels(&mut fields, counts))
            .unwrap_or_default();
        let mut pattern_counts = vec![0u64; self.pattern_list.len()];
        for id in &self.pattern_ids {
            if let Some(count) = pattern_counts.get_mut(*id as usize) {
                *count += 1;
            }
        }
        let patterns: Patterns = self
            .pattern_list
            .iter()
            .copied()
            .zip(pattern_counts)
            .filter(|(_, count)| *count > 0)
            .collect();
        // The pairs are those of the records some rule could pair: an order or web event with
        // only a customer id is joined by identifiers or not at all, and counting its pairs
        // would make every scored pair look rarer than it is (a demo of 5,435 records of which
        // 283 have names put the prior 8 bits too low).
        let n = std::mem::take(&mut self.keyed)
            .iter()
            .filter(|keyed| **keyed)
            .count()
            .max(2) as f64;
        let n_all_pairs = (n * (n - 1.0) / 2.0).max(1.0);
        let n_matches = estimate_matches(&fields, &patterns, n_all_pairs);
        let estimated = n_matches / n_all_pairs;
        // Every record has few true matches whatever the blocking found: the matches are
        // bounded by what the records could possibly hold.
        let lambda_bound = 2.0 * n / n_all_pairs;
        let lambda = estimated.min(lambda_bound).clamp(1e-12, 0.5);
        let model = MatchModel {
            fields,
            lambda,
            em_iterations: self.em_iterations,
            em_converged: self.em_converged,
        };
        let mut health = ModelHealth::of(
            &model,
            &self.records,
            &trained,
            labelled_counts.as_ref().map_or(0, |c| c.n_pairs),
            estimated,
            lambda_bound,
        );
        // Each pattern's weight, then each pair's with its term-frequency adjustments.
        let prior = model.prior_bits();
        let base: Vec<f64> = self
            .pattern_list
            .iter()
            .map(|pattern| {
                prior
                    + model
                        .fields
                        .iter()
                        .zip(pattern)
                        .filter(|(_, level)| **level != NOT_COMPARED)
                        .map(|(field, level)| field.weight_bits(usize::from(*level)))
                        .sum::<f64>()
            })
            .collect();
        let mut scored: Vec<(f64, u32, u32)> = Vec::new();
        // The strongest pairs below the threshold, more than asked for: those whose records end
        // up one customer anyway (through other links) are dropped after clustering.
        let near_capacity = self.params.near_misses.saturating_mul(20);
        let mut near: std::collections::BinaryHeap<NearMiss> = std::collections::BinaryHeap::new();
        let degenerate = health.degenerate.is_some();
        for (pair, id) in self.pairs.iter().zip(&self.pattern_ids) {
            let (a, b) = unpack(*pair);
            let Some(pattern) = self.pattern_list.get(*id as usize) else {
                continue;
            };
            let mut weight = base.get(*id as usize).copied().unwrap_or(f64::NEG_INFINITY);
            weight += pattern_adjustment_bits(&self.records, &model, pattern, a);
            let probability = probability_of(weight);
            if probability >= self.params.threshold && !degenerate {
                scored.push((probability, a as u32, b as u32));
            } else if self.params.near_misses > 0 {
                near.push(NearMiss(probability, a as u32, b as u32));
                if near.len() > near_capacity {
                    near.pop();
                }
            }
        }
        self.pairs = Vec::new();
        self.pattern_ids = Vec::new();
        self.found_by = Vec::new();
        scored.sort_unstable_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        let mut held_back = std::mem::take(&mut self.held_back);
        for (probability, a, b) in scored {
            let kind = JoinKind::Scored {
                weak: probability < self.params.weak_link,
            };
            let link = |joined| {
                self.records
                    .link(a, b, probability, LinkReason::Scored, joined)
            };
            match self
                .groups
                .join(&self.records, a as usize, b as usize, kind)
            {
                Ok(joined) => self.links.push(link(joined)),
                Err(reason) => held_back.push(HeldLink {
                    link: link(false),
                    reason,
                }),
            }
        }
        let mut near = near.into_sorted_vec();
        near.retain(|NearMiss(_, a, b)| {
            self.groups.find(*a as usize) != self.groups.find(*b as usize)
        });
        near.truncate(self.params.near_misses);
        let near_misses = near
            .into_iter()
            .map(|NearMiss(probability, a, b)| {
                self.records
                    .link(a, b, probability, LinkReason::Scored, false)
            })
            .collect();
        let records = std::mem::take(&mut self.records);
        let mut groups = std::mem::replace(&mut self.groups, Groups::empty());
        let links = std::mem::take(&mut self.links);
        let (assignments, customers) = customers_of(&records, sources, &mut groups, &links);
        health.note_held_back(&held_back);
        let households = Households::of(&records, &customers, &assignments);
        Resolution {
            records,
            model,
            health,
            blocking: std::mem::take(&mut self.blocking),
            links,
            held_back,
            near_misses,
            shared_identifiers: std::mem::take(&mut self.shared_identifiers),
            assignments,
            customers,
            households,
            threshold: self.params.threshold,
            weak_link: self.params.weak_link,
            params: self.params.clone(),
            rules: std::mem::take(&mut self.rules),
        }
    }
}

/// A pair below the threshold, ordered so a max-heap's top is the weakest kept (popped first)
/// and a sorted vector is strongest first; ties go to the lower record numbers.
#[derive(Debug, Clone, Copy)]
struct NearMiss(f64, u32, u32);

impl PartialEq for NearMiss {
    fn eq(&self, other: &NearMiss) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for NearMiss {}

impl PartialOrd for NearMiss {
    fn partial_cmp(&self, other: &NearMiss) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NearMiss {
    fn cmp(&self, other: &NearMiss) -> std::cmp::Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then((self.1, self.2).cmp(&(other.1, other.2)))
    }
}

/// Entry point: `Resolve::params().threshold(0.95).fit(&sources, |_| ControlFlow::Continue(()))`.
pub struct Resolve;

impl Resolve {
    pub fn params() -> ResolveParams {
        ResolveParams::default()
    }
}

/// The comparison pattern of each pair.
fn compare_pairs(
    records: &Records,
    pairs: Option<&[u64]>,
    cache: &mut LevelCache,
) -> Vec<[u8; N_FIELDS]> {
    pairs
        .unwrap_or_default()
        .iter()
        .map(|pair| {
            let (a, b) = unpack(*pair);
            records.compare(a, b, cache)
        })
        .collect()
}

fn unpack(pair: u64) -> (usize, usize) {
    ((pair >> 32) as usize, (pair & 0xFFFF_FFFF) as usize)
}

pub(crate) fn probability_of(weight_bits: f64) -> f64 {
    let odds = weight_bits.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

/// The match weight of comparison level `level` of field `slot` (0 when not compared), an exact
/// match adjusted by how common the value of `record` (one side of the pair) is, and a surname,
/// when `first_name_exact` (the pair agrees on both), by how common the full name is
/// ([`full_name_correction_bits`]).
pub(crate) fn level_weight_bits(
    records: &Records,
    model: &MatchModel,
    slot: usize,
    level: u8,
    record: usize,
    first_name_exact: bool,
) -> f64 {
    let Some(field) = model.fields.get(slot).filter(|_| level != NOT_COMPARED) else {
        return 0.0;
    };
    let mut bits = field.weight_bits(usize::from(level));
    if level == 0 && uses_term_frequency(field.field) {
        bits += tf_adjustment_bits(records, model, slot, record);
    }
    if level == 0 && first_name_exact && field.field == IdentityField::LastName {
        bits += full_name_correction_bits(records, record);
    }
    bits
}

/// When a pair agrees on given name and surname: how much less the two agreeing say than
/// their frequencies multiplied (never more), by the full name's own frequency. "John Smith"
/// agreeing is as weak as John Smiths are common, however the names are spread apart.
pub(crate) fn full_name_correction_bits(records: &Records, record: usize) -> f64 {
    let frequency = |field: IdentityField| records.field(field).and_then(|s| s.frequency(record));
    match (
        records.full_name_frequency(record),
        frequency(IdentityField::FirstName),
        frequency(IdentityField::LastName),
    ) {
        (Some(full), Some(first), Some(last)) if full > 0.0 => {
            (first * last / full).log2().min(0.0)
        }
        _ => 0.0,
    }
}

/// The term-frequency adjustments of a pair's exact matches, beyond the pattern's weights.
fn pattern_adjustment_bits(
    records: &Records,
    model: &MatchModel,
    pattern: &[u8; N_FIELDS],
    a: usize,
) -> f64 {
    let first_name_exact = IdentityField::FirstName
        .slot()
        .and_then(|slot| pattern.get(slot))
        == Some(&0);
    let mut bits = 0.0;
    for (slot, field_model) in model.fields.iter().enumerate() {
        if pattern.get(slot) == Some(&0) && uses_term_frequency(field_model.field) {
            bits += tf_adjustment_bits(records, model, slot, a);
            if first_name_exact && field_model.field == IdentityField::LastName {
                bits += full_name_correction_bits(records, a);
            }
        }
    }
    bits
}

/// log₂(u / tf): an exact match on a common value counts less than u says, on a rare one more.
fn tf_adjustment_bits(records: &Records, model: &MatchModel, slot: usize, record: usize) -> f64 {
    let (Some(store), Some(field)) = (records.fields.get(slot), model.fields.get(slot)) else {
        return 0.0;
    };
    match (store.frequency(record), field.u.first()) {
        (Some(tf), Some(u)) if tf > 0.0 => (u / tf).log2(),
        _ => 0.0,
    }
}

impl Records {
    pub(crate) fn reference(&self, record: u32) -> RecordRef {
        let (source_idx, row_idx) = self
            .origins
            .get(record as usize)
            .copied()
            .unwrap_or((u32::MAX, u32::MAX));
        RecordRef {
            source_idx,
            row_idx,
        }
    }

    fn link(&self, a: u32, b: u32, probability: f64, reason: LinkReason, joined: bool) -> Link {
        Link {
            left: self.reference(a),
            right: self.reference(b),
            match_probability: probability,
            reason,
            joined,
            left_record: a,
            right_record: b,
        }
    }
}

/// A date or an instant as milliseconds since the Unix epoch.
fn instant_millis(value: Value<'_>) -> Option<i64> {
    match value {
        Value::Timestamp(millis) => Some(millis),
        Value::Date(days) => Some(i64::from(days) * 86_400_000),
        _ => None,
    }
}

fn customers_of(
    records: &Records,
    sources: &[Source<'_>],
    groups: &mut Groups,
    links: &[Link],
) -> (Vec<RecordAssignment>, Vec<Customer>) {
    let n = records.len();
    let mut customer_of_root: Vec<u32> = vec![u32::MAX; n];
    let mut record_customer: Vec<u32> = Vec::with_capacity(n);
    let mut customers: Vec<Customer> = Vec::new();
    for record in 0..n {
        let root = groups.find(record);
        let Some(slot) = customer_of_root.get_mut(root) else {
            record_customer.push(0);
            continue;
        };
        if *slot == u32::MAX {
            *slot = customers.len() as u32;
            customers.push(Customer {
                id: CustomerId(customers.len() as u32 + 1),
                records: Vec::new(),
                values: Vec::new(),
                links: Vec::new(),
                weakest_link: None,
            });
        }
        let customer_idx = *slot;
        record_customer.push(customer_idx);
        if let Some(customer) = customers.get_mut(customer_idx as usize) {
            customer.records.push(records.reference(record as u32));
        }
    }
    drop(customer_of_root);
    // One name per mapped column, shared by every value taken from it: a million customers
    // would otherwise hold millions of copies of "email".
    let column_names: Vec<Vec<Arc<str>>> = sources
        .iter()
        .map(|source| {
            source
                .columns
                .iter()
                .map(|mapped| Arc::from(mapped.column.as_str()))
                .collect()
        })
        .collect();
    let mut ranks: Vec<(bool, i64)> = Vec::new();
    for customer in &mut customers {
        ranks.clear();
        for &reference in &customer.records {
            // Best values: the most recent record with the field (by its source's recency
            // column); undated records after dated ones; then sources in the order given.
            let row = reference.row_idx as usize;
            let (Some(source), Some(names)) = (
                sources.get(reference.source_idx as usize),
                column_names.get(reference.source_idx as usize),
            ) else {
                continue;
            };
            let when = source
                .recency
                .as_deref()
                .and_then(|column| source.table.column(column))
                .and_then(|column| instant_millis(column.get(row)));
            let rank = (when.is_some(), when.unwrap_or(i64::MIN));
            for (mapped, name) in source.columns.iter().zip(names) {
                let field = mapped.field;
                let existing = customer.values.iter().position(|v| v.field == field);
                let better =
                    existing.is_none_or(|idx| ranks.get(idx).is_some_and(|held| rank > *held));
                if !better {
                    continue;
                }
                let Some(value) = source
                    .table
                    .column(&mapped.column)
                    .and_then(|column| column.display(row))
                    .filter(|value| !value.trim().is_empty())
                else {
                    continue;
                };
                let chosen = CustomerValue {
                    field,
                    value,
                    column: Arc::clone(name),
                    record: reference,
                };
                match existing {
                    Some(idx) => {
                        if let (Some(slot), Some(held)) =
                            (customer.values.get_mut(idx), ranks.get_mut(idx))
                        {
                            *slot = chosen;
                            *held = rank;
                        }
                    }
                    None => {
                        customer.values.push(chosen);
                        ranks.push(rank);
                    }
                }
            }
        }
        customer.values.shrink_to_fit();
    }
    let mut strongest: Vec<Option<f64>> = vec![None; n];
    for (link_idx, link) in links.iter().enumerate() {
        if !link.joined {
            continue;
        }
        for record in [link.left_record, link.right_record] {
            if let Some(best) = strongest.get_mut(record as usize) {
                *best = Some(best.map_or(link.match_probability, |b: f64| {
                    b.max(link.match_probability)
                }));
            }
        }
        if let Some(customer) = record_customer
            .get(link.left_record as usize)
            .and_then(|idx| customers.get_mut(*idx as usize))
        {
            customer.links.push(link_idx);
            customer.weakest_link = Some(
                customer
                    .weakest_link
                    .map_or(link.match_probability, |w| w.min(link.match_probability)),
            );
        }
    }
    let assignments = (0..n)
        .map(|record| RecordAssignment {
            record: records.reference(record as u32),
            customer: record_customer
                .get(record)
                .and_then(|idx| customers.get(*idx as usize))
                .map_or(CustomerId(0), |c| c.id),
            match_probability: strongest.get(record).copied().flatten(),
        })
        .collect();
    (assignments, customers)
}

impl Resolution {
    /// The name of source `source_idx`.
    pub fn source_name(&self, source_idx: u32) -> Option<&str> {
        self.records
            .source_names
            .get(source_idx as usize)
            .map(String::as_str)
    }

    pub fn n_records(&self) -> usize {
        self.records.len()
    }

    /// Customers whose weakest link is below the weak-link level: to review, since one bad
    /// link may have chained two people together.
    pub fn weak_customers(&self) -> impl Iterator<Item = &Customer> {
        self.customers.iter().filter(|c| {
            c.weakest_link
                .is_some_and(|weakest| weakest < self.weak_link)
        })
    }

    /// The evidence for a link: every field's part in the match weight.
    pub fn explain(&self, link: &Link) -> PairEvidence {
        let mut evidence =
            self.explain_records(link.left_record as usize, link.right_record as usize);
        evidence.reason = Some(link.reason);
        if let LinkReason::SameIdentifier(_) = link.reason {
            evidence.match_probability = 1.0;
        }
        evidence
    }

    /// The evidence for any two records, linked or not (why two people who live together
    /// are two customers); `None` when a record is not among the resolved ones.
    pub fn explain_pair(&self, left: RecordRef, right: RecordRef) -> Option<PairEvidence> {
        let index = |record: RecordRef| {
            self.assignments
                .binary_search_by_key(&record, |a| a.record)
                .ok()
        };
        Some(self.explain_records(index(left)?, index(right)?))
    }

    fn explain_records(&self, a: usize, b: usize) -> PairEvidence {
        let levels = self.records.compare(a, b, &mut LevelCache::default());
        let first_name_exact = IdentityField::FirstName
            .slot()
            .and_then(|slot| levels.get(slot))
            == Some(&0);
        let prior = self.model.prior_bits();
        let mut total = prior;
        let mut fields = Vec::new();
        for (slot, field_model) in self.model.fields.iter().enumerate() {
            let store = self.records.fields.get(slot);
            let left_value = store.and_then(|s| s.get(a)).map(str::to_owned);
            let right_value = store.and_then(|s| s.get(b)).map(str::to_owned);
            if left_value.is_none() && right_value.is_none() {
                continue;
            }
            let level = levels.get(slot).copied().unwrap_or(NOT_COMPARED);
            let label = if level == NOT_COMPARED {
                "missing".to_owned()
            } else {
                field_model
                    .levels
                    .get(usize::from(level))
                    .cloned()
                    .unwrap_or_default()
            };
            let weight_bits =
                level_weight_bits(&self.records, &self.model, slot, level, a, first_name_exact);
            let adjusted = level == 0 && uses_term_frequency(field_model.field);
            total += weight_bits;
            fields.push(FieldEvidence {
                field: field_model.field,
                left_value,
                right_value,
                level: label,
                bayes_factor: weight_bits.exp2(),
                weight_bits,
                term_frequency_adjusted: adjusted,
            });
        }
        PairEvidence {
            left: self.records.reference(a as u32),
            right: self.records.reference(b as u32),
            reason: None,
            prior_weight_bits: prior,
            fields,
            total_weight_bits: total,
            match_probability: probability_of(total),
        }
    }
}

/// A user's ruling on one link between two records, kept by the caller and applied on every
/// [`Resolution::recluster`]; it retrains nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LinkDecision {
    pub left: RecordRef,
    pub right: RecordRef,
    /// True: the two records are one customer whatever the threshold. False: this link is not
    /// applied (the records stay together only if other links still join them).
    pub same_customer: bool,
}

impl LinkDecision {
    /// Whether this decision is about the pair `a`–`b` (in either order).
    pub fn is_about(&self, a: RecordRef, b: RecordRef) -> bool {
        (self.left == a && self.right == b) || (self.left == b && self.right == a)
    }
}

impl Resolution {
    /// The customers at another threshold and with the user's decisions, from the links this
    /// resolution already scored: no refit, so it takes milliseconds where a fit takes seconds.
    ///
    /// Only links at or above the threshold of the fit are known, so fit at the lowest
    /// threshold you will offer; asking for less gives the fit's links and no more. With no
    /// decisions, reclustering at the fit's own threshold gives the fit's customers, and at a
    /// higher one the customers a fit at that threshold would give: links are applied strongest
    /// first with the same chaining guard. Accepted links are applied first, whatever their
    /// probability (near misses too: [`Resolution::near_misses`]); split links are not applied
    /// at all.
    ///
    /// The result's links and held-back links are those of the new threshold; recluster the
    /// original resolution again for the next threshold, not the result.
    pub fn recluster(
        &self,
        sources: &[Source<'_>],
        threshold: f64,
        decisions: &[LinkDecision],
    ) -> Result<Resolution, IdentityError> {
        if !(threshold > 0.0 && threshold < 1.0) {
            return Err(IdentityError::BadThreshold { threshold });
        }
        let decision = |link: &Link| {
            decisions
                .iter()
                .rev()
                .find(|d| d.is_about(link.left, link.right))
                .map(|d| d.same_customer)
        };
        let mut groups = Groups::new(&self.records);
        let mut links: Vec<Link> = Vec::new();
        let mut held_back: Vec<HeldLink> = Vec::new();
        let candidates = || {
            self.links
                .iter()
                .chain(self.held_back.iter().map(|held| &held.link))
        };
        let mut apply = |groups: &mut Groups, link: &Link, kind: JoinKind| match groups.join(
            &self.records,
            link.left_record as usize,
            link.right_record as usize,
            kind,
        ) {
            Ok(joined) => links.push(Link { joined, ..*link }),
            Err(reason) => held_back.push(HeldLink {
                link: Link {
                    joined: false,
                    ..*link
                },
                reason,
            }),
        };
        // What the user accepted first, then identifier links, as in the fit.
        for link in candidates().chain(&self.near_misses) {
            if decision(link) == Some(true) {
                apply(&mut groups, link, JoinKind::Accepted);
            }
        }
        for link in candidates() {
            if let (LinkReason::SameIdentifier(field), None) = (link.reason, decision(link)) {
                apply(&mut groups, link, JoinKind::of_identifier(field));
            }
        }
        let mut scored: Vec<&Link> = candidates()
            .filter(|link| {
                link.reason == LinkReason::Scored
                    && decision(link).is_none()
                    && link.match_probability >= threshold.max(self.threshold)
            })
            .collect();
        scored.sort_unstable_by(|x, y| {
            y.match_probability
                .total_cmp(&x.match_probability)
                .then((x.left_record, x.right_record).cmp(&(y.left_record, y.right_record)))
        });
        for link in scored {
            let kind = JoinKind::Scored {
                weak: link.match_probability < self.weak_link,
            };
            apply(&mut groups, link, kind);
        }
        let (assignments, customers) = customers_of(&self.records, sources, &mut groups, &links);
        let households = Households::of(&self.records, &customers, &assignments);
        let mut health = self.health.clone();
        health.note_held_back(&held_back);
        Ok(Resolution {
            records: self.records.clone(),
            model: self.model.clone(),
            blocking: self.blocking.clone(),
            links,
            held_back,
            near_misses: self.near_misses.clone(),
            shared_identifiers: self.shared_identifiers.clone(),
            health,
            assignments,
            customers,
            households,
            threshold: threshold.max(self.threshold),
            weak_link: self.weak_link,
            params: self.params.clone(),
            rules: self.rules.clone(),
        })
    }
}
