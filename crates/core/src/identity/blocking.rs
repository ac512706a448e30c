//! Blocking: which pairs of records are compared at all.
//!
//! Comparing every record with every other is n² (5·10¹¹ pairs for a million records). A
//! blocking rule compares only records that share a key (same surname sound and birth year,
//! same postcode and initial…); several rules are used and their pairs united, so a typo in one
//! field does not hide a match that another rule finds.
//!
//! A block larger than [`crate::identity::ResolveParams::max_block_records`] is a value too
//! common to say anything on its own (a surname like Smith, a default such as "unknown", an
//! empty-ish postcode like `0000`), and its pairs would grow with the square of its size. Such a
//! block is split by a further key ([`REFINING_KEYS`], in order: given-name sound, birth year,
//! postcode…) until every part is small enough; parts still too large when the keys run out are
//! skipped. Both are reported per rule ([`SkippedBlocks`]). A rule whose blocks would make more
//! than [`MAX_PAIRS_PER_RECORD`] pairs per record has its largest blocks split the same way, so
//! the candidate pairs grow with the number of records, never with its square.

use super::fields::IdentityField;
use super::normalise::soundex_code;
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

    /// Whether records agreeing on `self` always agree on `other` (so `other` cannot split
    /// them): the same key, or an exact value against any key on its field.
    fn implies(self, other: BlockKey) -> bool {
        self == other || matches!(self, BlockKey::Exact(field) if field == other.field())
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

/// Blocking rules a resolution takes at most (a candidate pair records which rules found it
/// in one `u32`).
pub const MAX_BLOCKING_RULES: usize = 32;

/// Keys that split a block too large to compare whole, tried in this order (a key already in
/// the rule, or whose field no record has, is passed over). Records missing a key's value form
/// their own part, split further by the next key.
pub const REFINING_KEYS: [BlockKey; 9] = [
    BlockKey::Soundex(IdentityField::FirstName),
    BlockKey::Year,
    BlockKey::Exact(IdentityField::Postcode),
    BlockKey::Prefix(IdentityField::LastName, 3),
    BlockKey::Exact(IdentityField::BirthDate),
    BlockKey::Prefix(IdentityField::Address, 4),
    BlockKey::Exact(IdentityField::StreetNumber),
    BlockKey::Exact(IdentityField::City),
    BlockKey::Prefix(IdentityField::Email, 3),
];

/// A rule's blocks that were too large to compare whole.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SkippedBlocks {
    pub rule: String,
    /// Parts still too large after every refining key: skipped, their pairs not compared.
    pub n_blocks: usize,
    /// Records in the skipped parts (a record may be in several rules' skipped blocks).
    pub n_records: usize,
    /// The largest skipped part.
    pub largest: usize,
    /// Blocks too large that were split by further keys ([`REFINING_KEYS`]).
    pub n_split: usize,
    /// Records in the blocks that were split.
    pub n_split_records: usize,
    /// The largest block that was split.
    pub largest_split: usize,
    /// The keys used to split them, e.g. `first name (sound)`, `birth year`.
    pub split_by: Vec<String>,
}

impl SkippedBlocks {
    fn new(rule: &BlockingRule) -> SkippedBlocks {
        SkippedBlocks {
            rule: rule.describe(),
            n_blocks: 0,
            n_records: 0,
            largest: 0,
            n_split: 0,
            n_split_records: 0,
            largest_split: 0,
            split_by: Vec::new(),
        }
    }

    /// Whether any block of the rule was too large.
    pub fn any(&self) -> bool {
        self.n_blocks > 0 || self.n_split > 0
    }
}

/// What blocking did.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BlockingReport {
    pub rules: Vec<String>,
    /// Distinct candidate pairs over all rules.
    pub n_candidate_pairs: u64,
    /// Per rule with a block too large: what was split and what was skipped.
    pub skipped: Vec<SkippedBlocks>,
}

/// The key of `record` under `keys`, `None` when a part is missing.
fn key_of(
    records: &Records,
    keys: &[BlockKey],
    record: usize,
    scratch: &mut String,
) -> Option<u64> {
    key_of_values(
        keys,
        |field| {
            let store = records.field(field)?;
            let id = *store.ids.get(record)?;
            if id == MISSING {
                return None;
            }
            store.dictionary.get(id as usize).map(String::as_str)
        },
        scratch,
    )
}

/// The key of a record whose normalised value of each field is `value(field)`: the same key
/// [`key_of`] gives a resolved record with those values, for a record that is not among them.
pub(crate) fn key_of_values<'v>(
    keys: &[BlockKey],
    value: impl Fn(IdentityField) -> Option<&'v str>,
    scratch: &mut String,
) -> Option<u64> {
    scratch.clear();
    for key in keys {
        let value = value(key.field())?;
        match key {
            BlockKey::Exact(_) => scratch.push_str(value),
            BlockKey::Soundex(_) => scratch.extend(soundex_code(value)?.map(char::from)),
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

/// The pairs of one rule, `(a << 32) | b` with `a < b`, sorted and distinct; blocks larger
/// than `max_block_records` are split by [`REFINING_KEYS`] or, failing that, skipped.
///
/// Each record the rule gives a key is marked in `keyed_records` (indexed by record): only those can
/// ever be a candidate pair, which is what the prior is the share of.
pub(crate) fn rule_pairs(
    records: &Records,
    rule: &BlockingRule,
    max_block_records: usize,
    keyed_records: &mut [bool],
) -> RulePairs {
    let mut scratch = String::new();
    let mut keyed: Vec<(u64, u32)> = (0..records.len())
        .filter_map(|record| {
            key_of(records, &rule.keys, record, &mut scratch).map(|key| (key, record as u32))
        })
        .collect();
    for (_, record) in &keyed {
        if let Some(mark) = keyed_records.get_mut(*record as usize) {
            *mark = true;
        }
    }
    keyed.sort_unstable();
    let refiners: Vec<BlockKey> = REFINING_KEYS
        .iter()
        .copied()
        .filter(|key| !rule.keys.iter().any(|held| held.implies(*key)))
        .filter(|key| {
            records
                .field(key.field())
                .is_some_and(|store| store.n_present > 0)
        })
        .collect();
    let max_block_records = block_limit(
        keyed.chunk_by(|x, y| x.0 == y.0).map(<[_]>::len),
        max_block_records,
        records.len().saturating_mul(MAX_PAIRS_PER_RECORD),
    );
    let mut report = SkippedBlocks::new(rule);
    let mut pairs = Vec::new();
    let mut split_pairs = Vec::new();
    for block in keyed.chunk_by(|x, y| x.0 == y.0) {
        if block.len() > max_block_records {
            report.n_split += 1;
            report.n_split_records += block.len();
            report.largest_split = report.largest_split.max(block.len());
            let mut members: Vec<u32> = block.iter().map(|(_, record)| *record).collect();
            split_block(
                records,
                &mut members,
                &refiners,
                max_block_records,
                &mut split_pairs,
                &mut report,
            );
        } else {
            push_pairs(block.iter().map(|(_, record)| *record), &mut pairs);
        }
    }
    for found in [&mut pairs, &mut split_pairs] {
        found.sort_unstable();
        found.dedup();
    }
    RulePairs {
        pairs,
        split_pairs,
        report,
    }
}

/// What one blocking rule found.
pub(crate) struct RulePairs {
    /// Pairs of blocks compared whole, sorted and distinct: the rule's training pairs.
    pub pairs: Vec<u64>,
    /// Pairs of blocks split by further keys, sorted and distinct (none is in `pairs`). They
    /// agree on the splitting keys too, by construction, so they are compared and scored but
    /// do not train the rule's model: that agreement would look like evidence.
    pub split_pairs: Vec<u64>,
    pub report: SkippedBlocks,
}

/// Pairs one rule may make per record: past that, its largest blocks are split too (so a
/// million records with common names and birth dates stay at tens of millions of pairs).
/// Measured on a generated register with a giant block: at 20, precision fell from 0.98 to
/// 0.94 (fewer unlikely pairs raise the prior); at 50 it holds.
pub const MAX_PAIRS_PER_RECORD: usize = 2;

/// The largest block size, at most `max_block_records`, whose blocks (those larger being
/// split) make at most `max_pairs` pairs; never below 2.
fn block_limit(
    sizes: impl Iterator<Item = usize>,
    max_block_records: usize,
    max_pairs: usize,
) -> usize {
    let mut sizes: Vec<usize> = sizes.filter(|size| *size >= 2).collect();
    sizes.sort_unstable();
    let mut total = 0usize;
    let mut limit = max_block_records;
    for size in sizes {
        if size > max_block_records {
            break;
        }
        total = total.saturating_add(size * (size - 1) / 2);
        if total > max_pairs {
            // Blocks of this size and above are split.
            limit = size - 1;
            break;
        }
    }
    limit.max(2)
}

/// Every pair of a block.
fn push_pairs(block: impl Iterator<Item = u32> + Clone, pairs: &mut Vec<u64>) {
    for (idx, a) in block.clone().enumerate() {
        for b in block.clone().skip(idx + 1) {
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            pairs.push(u64::from(lo) << 32 | u64::from(hi));
        }
    }
}

/// Splits `members` (one block too large) by the first of `refiners`, then each part that is
/// still too large by the next, and so on; parts left too large are skipped and reported.
fn split_block(
    records: &Records,
    members: &mut [u32],
    refiners: &[BlockKey],
    max_block_records: usize,
    pairs: &mut Vec<u64>,
    report: &mut SkippedBlocks,
) {
    let Some((key, rest)) = refiners.split_first() else {
        report.n_blocks += 1;
        report.n_records += members.len();
        report.largest = report.largest.max(members.len());
        return;
    };
    let described = key.describe();
    if !report.split_by.contains(&described) {
        report.split_by.push(described);
    }
    let mut scratch = String::new();
    let mut keyed: Vec<(Option<u64>, u32)> = members
        .iter()
        .map(|record| {
            (
                key_of(
                    records,
                    std::slice::from_ref(key),
                    *record as usize,
                    &mut scratch,
                ),
                *record,
            )
        })
        .collect();
    keyed.sort_unstable();
    for part in keyed.chunk_by(|x, y| x.0 == y.0) {
        if part.len() > max_block_records {
            let mut sub: Vec<u32> = part.iter().map(|(_, record)| *record).collect();
            split_block(records, &mut sub, rest, max_block_records, pairs, report);
        } else {
            push_pairs(part.iter().map(|(_, record)| *record), pairs);
        }
    }
}

/// The fields a rule's records all agree on (or nearly): left out of that rule's EM session.
pub(crate) fn blocked_fields(rule: &BlockingRule) -> Vec<IdentityField> {
    rule.keys.iter().map(|key| key.field()).collect()
}

/// Merges one rule's pairs (sorted, distinct) into the union so far (sorted, distinct, with
/// per pair the rules that found it), or-ing the rule's `bit` in. In place, from the back, so
/// a million records' hundred million pairs are not held twice while merging.
pub(crate) fn merge_pairs(
    mut pairs: Vec<u64>,
    mut found_by: Vec<u32>,
    found: &[u64],
    bit: u32,
) -> (Vec<u64>, Vec<u32>) {
    let n_old = pairs.len().min(found_by.len());
    pairs.truncate(n_old);
    found_by.truncate(n_old);
    let total = n_old + found.len();
    pairs.reserve_exact(found.len());
    found_by.reserve_exact(found.len());
    pairs.resize(total, 0);
    found_by.resize(total, 0);
    // `write` is always `old + new + duplicates so far`, so it stays ahead of `old` and is at
    // least 1 while a new pair is left: every index below is in bounds.
    let (mut old, mut new, mut write) = (n_old, found.len(), total);
    while new > 0 {
        let q = found[new - 1];
        write -= 1;
        if old > 0 && pairs[old - 1] > q {
            pairs[write] = pairs[old - 1];
            found_by[write] = found_by[old - 1];
            old -= 1;
        } else if old > 0 && pairs[old - 1] == q {
            pairs[write] = q;
            found_by[write] = found_by[old - 1] | bit;
            old -= 1;
            new -= 1;
        } else {
            pairs[write] = q;
            found_by[write] = bit;
            new -= 1;
        }
    }
    // The old pairs left, `0..old`, go just before `write`; the gap of duplicates at the front
    // goes.
    pairs.copy_within(0..old, write - old);
    found_by.copy_within(0..old, write - old);
    let gap = write - old;
    pairs.drain(..gap);
    found_by.drain(..gap);
    (pairs, found_by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::{IdentityColumn, ResolveParams, Source};
    use crate::table::{ColumnType, TableBuilder, Value};

    /// Five Smiths (two Anns, three Bobs) and two Jones: with blocks of at most three records,
    /// the Smiths' block is split by the given name's sound and its pairs are kept apart from
    /// the training pairs; the Jones' block is compared whole.
    #[test]
    fn pairs_of_split_blocks_are_compared_but_kept_out_of_training() {
        let people = [
            ("ann", "smith"),
            ("bob", "smith"),
            ("ann", "smith"),
            ("bob", "smith"),
            ("bob", "smith"),
            ("cal", "jones"),
            ("cal", "jones"),
        ];
        let schema = [("first", ColumnType::Text), ("last", ColumnType::Text)];
        let mut builder = TableBuilder::new("people.csv", &schema);
        for (first, last) in people {
            builder
                .push_row(&[Value::Text(first), Value::Text(last)])
                .unwrap();
        }
        let table = builder.finish().unwrap();
        let column = |column: &str, field| IdentityColumn {
            column: column.to_owned(),
            field,
        };
        let sources = [Source {
            name: "people.csv".to_owned(),
            table: &table,
            columns: vec![
                column("first", IdentityField::FirstName),
                column("last", IdentityField::LastName),
            ],
            recency: None,
        }];
        let records = Records::build(&sources, &ResolveParams::default()).unwrap();
        let rule = BlockingRule::new(vec![BlockKey::Exact(IdentityField::LastName)]);
        let found = rule_pairs(&records, &rule, 3, &mut vec![false; records.len()]);
        let pair = |a: u64, b: u64| a << 32 | b;
        assert_eq!(found.pairs, [pair(5, 6)]);
        assert_eq!(
            found.split_pairs,
            [pair(0, 2), pair(1, 3), pair(1, 4), pair(3, 4)]
        );
        assert_eq!(found.report.n_split, 1);
        assert_eq!(found.report.split_by, ["first name (sound)"]);
    }

    #[test]
    fn merging_pairs_unites_them_and_ors_the_rules_bits() {
        let check = |old: &[u64], by: &[u32], new: &[u64], expect: &[(u64, u32)]| {
            let (pairs, found_by) = merge_pairs(old.to_vec(), by.to_vec(), new, 4);
            let got: Vec<(u64, u32)> = pairs.into_iter().zip(found_by).collect();
            assert_eq!(got, expect, "{old:?} + {new:?}");
        };
        check(&[], &[], &[], &[]);
        check(&[], &[], &[2, 5], &[(2, 4), (5, 4)]);
        check(&[1, 3], &[1, 2], &[], &[(1, 1), (3, 2)]);
        check(
            &[1, 3, 7],
            &[1, 1, 2],
            &[0, 3, 4, 7, 9],
            &[(0, 4), (1, 1), (3, 5), (4, 4), (7, 6), (9, 4)],
        );
        check(
            &[1, 2, 3],
            &[1, 1, 1],
            &[1, 2, 3],
            &[(1, 5), (2, 5), (3, 5)],
        );
        check(&[5, 6], &[1, 1], &[1, 2], &[(1, 4), (2, 4), (5, 1), (6, 1)]);
    }
}
