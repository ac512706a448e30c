//! One new record against a finished resolution: which customer it is, and how sure.
//!
//! A live stream brings records one at a time (an order with a name and a postcode, a ticket
//! with a phone number), long after the customers were converged. Refitting for each would cost
//! seconds per record; instead the fitted model is applied to the new record alone, as the fit
//! would have scored it: an exact identifier (email, phone, handle, customer id) names its
//! customer outright, and otherwise the records sharing one of the fit's blocking keys are
//! compared field by field and weighed with the fit's m, u, λ and term frequencies. The best
//! candidate at or above the fit's threshold gives the customer. The new record joins nothing:
//! the customers stay as the fit (and the user's rulings) made them.
//!
//! [`IdentityMatcher`] owns what it needs (a copy of the resolution's interned values and, per
//! blocking rule, the records sorted by key), so a caller such as the worker's live feed can keep
//! it apart from the resolution it came from.

use super::blocking::{key_of_values, BlockingRule};
use super::fields::IdentityField;
use super::model::MatchModel;
use super::normalise;
use super::params::ResolveParams;
use super::records::{
    add_value, level, splits_full_name, Comparison, Records, NOT_COMPARED, N_FIELDS,
};
use super::resolution::{
    identifies, level_weight_bits, probability_of, CustomerId, LinkReason, RecordRef, Resolution,
    DETERMINISTIC,
};
use crate::hashing::FastMap;

/// Records of the resolution compared with one new record at most: the first blocks found,
/// in the order of the rules.
pub const MAX_CANDIDATES: usize = 2_000;

/// Where a new record belongs.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdentityMatch {
    pub customer: CustomerId,
    /// The resolved record it matched best.
    pub record: RecordRef,
    /// 1 for an exact identifier.
    pub match_probability: f64,
    pub reason: LinkReason,
}

/// A resolution's model and records, ready to place new records ([`Resolution::matcher`]).
#[derive(Debug, Clone)]
pub struct IdentityMatcher {
    records: Records,
    model: MatchModel,
    params: ResolveParams,
    threshold: f64,
    rules: Vec<BlockingRule>,
    /// Per rule, `(key, record)` sorted by key: the records of each block together.
    blocks: Vec<Vec<(u64, u32)>>,
    /// Per exact identifier, its normalised values and the first record holding each.
    identifiers: Vec<(IdentityField, FastMap<String, u32>)>,
    /// Per record, its customer.
    customers: Vec<CustomerId>,
}

impl Resolution {
    /// What [`IdentityMatcher::find`] needs to place records that came after this resolution,
    /// built once (a pass over the records per blocking rule).
    pub fn matcher(&self) -> IdentityMatcher {
        let records = self.records.clone();
        let n = records.len();
        let mut scratch = String::new();
        let blocks = self
            .rules
            .iter()
            .map(|rule| {
                let mut keyed: Vec<(u64, u32)> = (0..n)
                    .filter_map(|record| {
                        let key = key_of_values(
                            &rule.keys,
                            |field| records.field(field)?.get(record),
                            &mut scratch,
                        )?;
                        Some((key, record as u32))
                    })
                    .collect();
                keyed.sort_unstable();
                keyed
            })
            .collect();
        let identifiers = if self.params.deterministic {
            DETERMINISTIC
                .iter()
                .filter_map(|field| {
                    let store = records.field(*field)?;
                    let mut first_of: FastMap<String, u32> = FastMap::default();
                    for (record, id) in store.ids.iter().enumerate() {
                        if !identifies(*field, store, *id) {
                            continue;
                        }
                        if let Some(value) = store.dictionary.get(*id as usize) {
                            first_of.entry(value.clone()).or_insert(record as u32);
                        }
                    }
                    Some((*field, first_of))
                })
                .collect()
        } else {
            Vec::new()
        };
        let customers = (0..n as u32)
            .map(|record| {
                let reference = records.reference(record);
                self.assignments
                    .binary_search_by_key(&reference, |a| a.record)
                    .ok()
                    .and_then(|idx| self.assignments.get(idx))
                    .map_or(CustomerId(0), |a| a.customer)
            })
            .collect();
        IdentityMatcher {
            records,
            model: self.model.clone(),
            params: self.params.clone(),
            threshold: self.threshold,
            rules: self.rules.clone(),
            blocks,
            identifiers,
            customers,
        }
    }
}

impl IdentityMatcher {
    /// The customer of a record that is not among the resolved ones, from its raw identity
    /// values (as a source would hold them; normalised here as the fit normalised its records).
    /// `None` when no identifier is known and no resolved record scores at or above the fit's
    /// threshold.
    pub fn find(&self, values: &[(IdentityField, &str)]) -> Option<IdentityMatch> {
        let new = self.normalise(values);
        let value = |field: IdentityField| -> Option<&str> {
            new.get(field.slot()?).and_then(|value| value.as_deref())
        };
        for (field, first_of) in &self.identifiers {
            let Some(&record) = value(*field).and_then(|v| first_of.get(v)) else {
                continue;
            };
            return Some(IdentityMatch {
                customer: *self.customers.get(record as usize)?,
                record: self.records.reference(record),
                match_probability: 1.0,
                reason: LinkReason::SameIdentifier(*field),
            });
        }
        let mut candidates = Vec::new();
        let mut scratch = String::new();
        for (rule, block) in self.rules.iter().zip(&self.blocks) {
            let Some(key) = key_of_values(&rule.keys, value, &mut scratch) else {
                continue;
            };
            let start = block.partition_point(|(k, _)| *k < key);
            let end = block.partition_point(|(k, _)| *k <= key);
            // A block the fit split or skipped says little on its own; the other rules decide.
            if end - start > self.params.max_block_records {
                continue;
            }
            candidates.extend(
                block
                    .get(start..end)
                    .unwrap_or_default()
                    .iter()
                    .map(|(_, r)| *r),
            );
            if candidates.len() >= MAX_CANDIDATES {
                break;
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let prior = self.model.prior_bits();
        let (weight, record) = candidates
            .iter()
            .map(|&record| (prior + self.weight_bits(&new, record as usize), record))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))?;
        let probability = probability_of(weight);
        (probability >= self.threshold).then(|| IdentityMatch {
            customer: self
                .customers
                .get(record as usize)
                .copied()
                .unwrap_or(CustomerId(0)),
            record: self.records.reference(record),
            match_probability: probability,
            reason: LinkReason::Scored,
        })
    }

    /// The record's values, one per compared field, as [`Records`] holds them.
    fn normalise(&self, values: &[(IdentityField, &str)]) -> [Option<String>; N_FIELDS] {
        let mut out: [Option<String>; N_FIELDS] = Default::default();
        let split_full_name = splits_full_name(values.iter().map(|(field, _)| *field));
        for (field, raw) in values {
            add_value(&mut out, *field, raw, split_full_name, &self.params);
        }
        out
    }

    /// The match weight of the new record against resolved record `record`, prior left out.
    fn weight_bits(&self, new: &[Option<String>; N_FIELDS], record: usize) -> f64 {
        let mut total = 0.0;
        let first_name_exact = IdentityField::FirstName.slot().is_some_and(|slot| {
            match (new.get(slot), self.records.fields.get(slot)) {
                (Some(Some(x)), Some(store)) => store.get(record) == Some(x.as_str()),
                _ => false,
            }
        });
        for (slot, field_model) in self.model.fields.iter().enumerate() {
            let field = field_model.field;
            let (Some(Some(x)), Some(y)) = (
                new.get(slot),
                self.records
                    .field(field)
                    .and_then(|store| store.get(record)),
            ) else {
                continue;
            };
            let mut found = level(Comparison::of(field), x, y);
            if field == IdentityField::FirstName
                && self.params.nicknames
                && found > 1
                && found != NOT_COMPARED
                && normalise::formal_name(x) == normalise::formal_name(y)
            {
                found = 1;
            }
            total += level_weight_bits(
                &self.records,
                &self.model,
                slot,
                found,
                record,
                first_name_exact,
            );
        }
        total
    }

    /// Records the matcher knows.
    pub fn n_records(&self) -> usize {
        self.records.len()
    }
}
