//! m from pairs the data itself labels: records that share an email, phone, handle or customer
//! id of one person ([`super::coherence`] sets aside those several people share) are the same
//! person, so how their other fields compare is what "the same person" looks like.
//!
//! Expectation-maximisation alone can find a wrong optimum: on a base where many different
//! people share a name, the candidate pairs that agree on a name are so many that EM settles on
//! "same name, same person" and disagreement on phone, e-mail and city stops counting. Splink
//! guards against this by training m on a label column or on pairs a deterministic rule links;
//! this is that, with the labels found in the data. A field is trained on pairs linked by
//! *another* field (an email's m on pairs sharing a phone), and on pairs across sources first,
//! since two rows of one export copied from one another say little about how systems differ.
//! Fields with too few labelled pairs are left to EM.

use super::fields::IdentityField;
use super::model::FieldModel;
use super::records::{Comparison, LevelCache, Records, NOT_COMPARED, N_FIELDS};

/// Labelled pairs compared at most (an even sample beyond that).
pub(crate) const MAX_LABELLED_PAIRS: usize = 200_000;

/// A field is trained on labelled pairs when at least this many compare it.
pub(crate) const MIN_LABELLED_PAIRS: u64 = 10;

/// No level is less likely than this among matches: one field can then count at most about
/// ten bits against a match, however clean the labelled pairs were.
const MIN_M: f64 = 1e-3;

/// Weight of the prior (EM's starting point) in pairs: a level no labelled pair shows is rare
/// among matches, not impossible.
const PRIOR_PAIRS: f64 = 5.0;

/// A pair of records one identifier links, and the field slot of that identifier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LabelledPair {
    pub a: u32,
    pub b: u32,
    pub by_slot: u8,
}

/// Labelled pairs of the records `members` that one identifier (field `by_slot`) links: its
/// first record in each source paired with the first record's, and one pair within a source
/// where a source holds several (copies within one export are alike, and would teach that the
/// same person always looks the same).
pub(crate) fn labelled_pairs(
    records: &Records,
    members: &[u32],
    by_slot: u8,
    firsts: &mut Vec<u32>,
    out: &mut Vec<LabelledPair>,
) {
    firsts.clear();
    let mut within: Option<(u32, u32)> = None;
    for &record in members {
        let source = records.origins.get(record as usize).map(|o| o.0);
        match firsts
            .iter()
            .find(|first| records.origins.get(**first as usize).map(|o| o.0) == source)
        {
            Some(&first) => {
                if within.is_none() {
                    within = Some((first, record));
                }
            }
            None => firsts.push(record),
        }
    }
    if let Some((&first, rest)) = firsts.split_first() {
        for &b in rest {
            out.push(LabelledPair {
                a: first,
                b,
                by_slot,
            });
        }
    }
    if let Some((a, b)) = within {
        out.push(LabelledPair { a, b, by_slot });
    }
}

/// Per field, per level, how many labelled pairs (linked by another field) fall there.
#[derive(Debug, Clone)]
pub(crate) struct LabelledCounts {
    counts: Vec<Vec<u64>>,
    pub n_pairs: u64,
}

impl LabelledCounts {
    pub(crate) fn count(records: &Records, pairs: &[LabelledPair]) -> LabelledCounts {
        let mut counts: Vec<Vec<u64>> = IdentityField::COMPARED
            .iter()
            .map(|field| vec![0; Comparison::of(*field).n_levels()])
            .collect();
        let step = (pairs.len() / MAX_LABELLED_PAIRS).max(1);
        let mut cache = LevelCache::default();
        let mut n_pairs = 0;
        for pair in pairs.iter().step_by(step) {
            n_pairs += 1;
            let levels: [u8; N_FIELDS] =
                records.compare(pair.a as usize, pair.b as usize, &mut cache);
            for (slot, level) in levels.iter().enumerate() {
                if *level == NOT_COMPARED || slot == usize::from(pair.by_slot) {
                    continue;
                }
                if let Some(cell) = counts
                    .get_mut(slot)
                    .and_then(|levels| levels.get_mut(usize::from(*level)))
                {
                    *cell += 1;
                }
            }
        }
        LabelledCounts { counts, n_pairs }
    }

    /// Labelled pairs that compared field `slot`.
    pub(crate) fn n_compared(&self, slot: usize) -> u64 {
        self.counts
            .get(slot)
            .map_or(0, |levels| levels.iter().sum())
    }

    /// m of field `slot` from its labelled pairs, shrunk towards `prior` by a few pairs;
    /// `None` when too few pairs compared it.
    pub(crate) fn m(&self, slot: usize, prior: &[f64]) -> Option<Vec<f64>> {
        let levels = self.counts.get(slot)?;
        let total: u64 = levels.iter().sum();
        if total < MIN_LABELLED_PAIRS {
            return None;
        }
        let raw: Vec<f64> = levels
            .iter()
            .zip(prior)
            .map(|(count, p)| {
                ((*count as f64 + PRIOR_PAIRS * p) / (total as f64 + PRIOR_PAIRS)).max(MIN_M)
            })
            .collect();
        let sum: f64 = raw.iter().sum();
        Some(raw.iter().map(|m| m / sum).collect())
    }
}

/// Sets the m of every field with enough labelled pairs; returns the fields it set.
pub(crate) fn train_from_labels(
    fields: &mut [FieldModel],
    counts: &LabelledCounts,
) -> Vec<IdentityField> {
    let mut trained = Vec::new();
    for (slot, field) in fields.iter_mut().enumerate() {
        if let Some(m) = counts.m(slot, &field.m) {
            field.m = m;
            trained.push(field.field);
        }
    }
    trained
}
