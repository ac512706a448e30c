//! Blocking: which pairs of records are compared at all.
//!
//! Comparing every record with every other is n² (5·10¹¹ pairs for a million records). A
//! blocking rule compares only records that share a key (same surname sound and birth year,
//! same postcode and initial…); several rules are used and their pairs united, so a typo in one
//! field does not hide a match that another rule finds. A block larger than
//! [`crate::identity::ResolveParams::max_block_records`] is skipped and reported: it is a
//! value too common to say anything (`state = NSW`), and its pairs would swamp the rest.

use super::fields::IdentityField;
use super::normalise::soundex;
use super::records::{Records, MISSING};
use crate::hashing::hash_str;

/// One part of a blocking key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BlockKey {
    /// The whole normalised value.
    Exact(IdentityField),
    /// The value's Soundex code.
    Soundex(IdentityField),
    /// The value's first `n` characters.
    Prefix(IdentityField, u8),
    /// The year of a birth date.
    Year,
    /// An email's local part (before `@`), to meet the same person at another provider.
    EmailLocalPart,
}

impl BlockKey {
    fn field(self) -> IdentityField {
        match self {
            BlockKey::Exact(field) | BlockKey::Soundex(field) | BlockKey::Prefix(field, _) => field,
            BlockKey::Year => IdentityField::BirthDate,
            BlockKey::EmailLocalPart => IdentityField::Email,
        }
    }

    fn describe(self) -> String {
        match self {
            BlockKey::Exact(field) => field.label().to_owned(),
            BlockKey::Soundex(field) => format!("{} (sound)", field.label()),
            BlockKey::Prefix(field, n) => format!("{} (first {n})", field.label()),
            BlockKey::Year => "birth year".to_owned(),
            BlockKey::EmailLocalPart => "email name".to_owned(),
        }
    }
}

/// Records agreeing on every key part are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BlockingRule {
    pub keys: Vec<BlockKey>,
}

impl BlockingRule {
    pub fn new(keys: Vec<BlockKey>) -> BlockingRule {
        BlockingRule { keys }
    }

    /// `last name (sound) + birth year`.
    pub fn describe(&self) -> String {
        self.keys
            .iter()
            .map(|key| key.describe())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The rules whose fields are all mapped in at least one source, from a fixed list that
    /// covers typos in any one of names, birth date, postcode and address.
    pub fn automatic(mapped: &[IdentityField]) -> Vec<BlockingRule> {
        use BlockKey::*;
        use IdentityField::*;
        let candidates = [
            vec![Soundex(LastName), Year],
            vec![Soundex(FirstName), Year],
            vec![Prefix(LastName, 3), Prefix(FirstName, 1)],
            vec![Soundex(FirstName), Soundex(LastName)],
            vec![Exact(BirthDate)],
            vec![Exact(Postcode), Prefix(FirstName, 1)],
            vec![Exact(Postcode), Prefix(LastName, 2)],
            vec![Exact(StreetNumber), Prefix(Address, 4)],
            vec![Exact(City), Prefix(LastName, 3)],
            vec![EmailLocalPart],
            vec![Exact(LastName), Prefix(Email, 1)],
        ];
        candidates
            .into_iter()
            .filter(|keys| keys.iter().all(|key| mapped.contains(&key.field())))
            .map(BlockingRule::new)
            .collect()
    }
}

/// A rule's blocks that were too large to compare.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SkippedBlocks {
    pub rule: String,
    pub n_blocks: usize,
    /// Records in the skipped blocks (a record may be in several rules' skipped blocks).
    pub n_records: usize,
    pub largest: usize,
}

/// What blocking did.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BlockingReport {
    pub rules: Vec<String>,
    /// Distinct candidate pairs over all rules.
    pub n_candidate_pairs: u64,
    pub skipped: Vec<SkippedBlocks>,
}

/// The key of `record` under `rule`, `None` when a part is missing.
fn key_of(
    records: &Records,
    rule: &BlockingRule,
    record: usize,
    scratch: &mut String,
) -> Option<u64> {
    scratch.clear();
    for key in &rule.keys {
        let store = records.field(key.field())?;
        let id = *store.ids.get(record)?;
        if id == MISSING {
            return None;
        }
        let value = store.dictionary.get(id as usize)?;
        match key {
            BlockKey::Exact(_) => scratch.push_str(value),
            BlockKey::Soundex(_) => scratch.push_str(&soundex(value)?),
            BlockKey::Prefix(_, n) => scratch.extend(value.chars().take(usize::from(*n))),
            BlockKey::Year => scratch.push_str(value.get(0..4)?),
            BlockKey::EmailLocalPart => {
                let local = value.split('@').next()?;
                if local.len() < 4 {
                    return None;
                }
                scratch.push_str(local);
            }
        }
        scratch.push('\u{1f}');
    }
    Some(hash_str(scratch))
}

/// The pairs of one rule, `(a << 32) | b` with `a < b` (not yet distinct across blocks),
/// skipping blocks larger than `max_block_records`.
pub(crate) fn rule_pairs(
    records: &Records,
    rule: &BlockingRule,
    max_block_records: usize,
) -> (Vec<u64>, SkippedBlocks) {
    let mut scratch = String::new();
    let mut keyed: Vec<(u64, u32)> = (0..records.len())
        .filter_map(|record| {
            key_of(records, rule, record, &mut scratch).map(|key| (key, record as u32))
        })
        .collect();
    keyed.sort_unstable();
    let mut skipped = SkippedBlocks {
        rule: rule.describe(),
        n_blocks: 0,
        n_records: 0,
        largest: 0,
    };
    let mut pairs = Vec::new();
    for block in keyed.chunk_by(|x, y| x.0 == y.0) {
        if block.len() > max_block_records {
            skipped.n_blocks += 1;
            skipped.n_records += block.len();
            skipped.largest = skipped.largest.max(block.len());
            continue;
        }
        for (idx, (_, a)) in block.iter().enumerate() {
            for (_, b) in block.iter().skip(idx + 1) {
                let (lo, hi) = if a < b { (*a, *b) } else { (*b, *a) };
                pairs.push(u64::from(lo) << 32 | u64::from(hi));
            }
        }
    }
    (pairs, skipped)
}

/// The fields a rule's records all agree on (or nearly): left out of that rule's EM session.
pub(crate) fn blocked_fields(rule: &BlockingRule) -> Vec<IdentityField> {
    rule.keys.iter().map(|key| key.field()).collect()
}

/// Candidate pairs `(a << 32) | b` with `a < b`, sorted and distinct, from every rule; calls
/// `tick` with the share of rules done.
pub(crate) fn candidate_pairs(
    records: &Records,
    rules: &[BlockingRule],
    max_block_records: usize,
    mut tick: impl FnMut(f32) -> std::ops::ControlFlow<()>,
) -> Option<(Vec<u64>, BlockingReport)> {
    let mut pairs: Vec<u64> = Vec::new();
    let mut report = BlockingReport {
        rules: rules.iter().map(BlockingRule::describe).collect(),
        ..BlockingReport::default()
    };
    for (rule_idx, rule) in rules.iter().enumerate() {
        let (mut found, skipped) = rule_pairs(records, rule, max_block_records);
        pairs.append(&mut found);
        if skipped.n_blocks > 0 {
            report.skipped.push(skipped);
        }
        // Keep memory to the distinct pairs as rules add theirs.
        pairs.sort_unstable();
        pairs.dedup();
        if tick((rule_idx + 1) as f32 / rules.len().max(1) as f32).is_break() {
            return None;
        }
    }
    report.n_candidate_pairs = pairs.len() as u64;
    Some((pairs, report))
}
