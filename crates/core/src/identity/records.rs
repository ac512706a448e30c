//! Every source record's identity values, normalised and interned, and how two of them compare.
//!
//! Values are interned per field (a dictionary and one `u32` per record), so an exact match is
//! an integer comparison, term frequencies are a count per dictionary entry, and a million
//! records cost a few bytes per field beyond their distinct values.

use super::fields::{IdentityColumn, IdentityField};
use super::normalise;
use super::params::ResolveParams;
use super::IdentityError;
use crate::hashing::FastMap;
use crate::table::{Table, Value};

/// A record's value is missing.
pub(crate) const MISSING: u32 = u32::MAX;
/// A comparison with a missing side: neutral, weight 0.
pub(crate) const NOT_COMPARED: u8 = u8::MAX;
pub(crate) const N_FIELDS: usize = IdentityField::COMPARED.len();

/// One source for resolution: a table, its name and the columns that identify people.
#[derive(Debug, Clone)]
pub struct Source<'a> {
    /// Shown in results, e.g. the file's name.
    pub name: String,
    pub table: &'a Table,
    pub columns: Vec<IdentityColumn>,
    /// A date or timestamp column saying when each record was last true (an update or order
    /// date): the customer's best values come from the most recent record.
    pub recency: Option<String>,
}

/// How one field is compared: its levels, best first, the last being "none of these".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    /// Exact, Jaro-Winkler ≥ 0.92, else.
    Close,
    /// Exact, Jaro-Winkler ≥ 0.92, ≥ 0.8, else.
    Graded,
    /// As `Graded`, a nickname of the other name counting as the second level.
    GivenName,
    /// Exact, at most one edit (Damerau-Levenshtein), else.
    OneEdit,
    /// Exact or not.
    Exact,
    /// Exact, same local part at another domain, else.
    EmailParts,
    /// Exact, day and month swapped, one digit differs, same year, else.
    Date,
}

impl Comparison {
    pub(crate) fn of(field: IdentityField) -> Comparison {
        match field {
            IdentityField::Other => Comparison::Close,
            // A near-miss on an email says little: `ada.smith506@…` and `ada.smith806@…` are
            // usually two people with the same name.
            IdentityField::Email => Comparison::EmailParts,
            IdentityField::Phone | IdentityField::Postcode => Comparison::OneEdit,
            // Ids are often sequential: one edit apart is a neighbour, not a typo.
            IdentityField::Handle | IdentityField::CustomerKey | IdentityField::StreetNumber => {
                Comparison::Exact
            }
            IdentityField::BirthDate => Comparison::Date,
            IdentityField::FirstName => Comparison::GivenName,
            _ => Comparison::Graded,
        }
    }

    pub(crate) fn levels(self) -> &'static [&'static str] {
        match self {
            Comparison::Close => &["exact", "Jaro-Winkler ≥ 0.92", "different"],
            Comparison::Graded => &[
                "exact",
                "Jaro-Winkler ≥ 0.92",
                "Jaro-Winkler ≥ 0.8",
                "different",
            ],
            Comparison::GivenName => &[
                "exact",
                "Jaro-Winkler ≥ 0.92 or a nickname",
                "Jaro-Winkler ≥ 0.8",
                "different",
            ],
            Comparison::OneEdit => &["exact", "one edit apart", "different"],
            Comparison::Exact => &["exact", "different"],
            Comparison::EmailParts => &["exact", "same name at another domain", "different"],
            Comparison::Date => &[
                "exact",
                "day and month swapped",
                "one digit apart",
                "same year",
                "different",
            ],
        }
    }

    pub(crate) fn n_levels(self) -> usize {
        self.levels().len()
    }

    /// The lowest Jaro-Winkler similarity that is not "different", for string comparisons.
    fn lowest_similarity(self) -> Option<f64> {
        match self {
            Comparison::Close => Some(0.92),
            Comparison::Graded | Comparison::GivenName => Some(0.8),
            _ => None,
        }
    }
}

/// The bytes of `value` as a set (all bits for a value that is not ASCII).
fn byte_set(value: &str) -> u128 {
    if !value.is_ascii() {
        return u128::MAX;
    }
    value.bytes().fold(0u128, |set, b| set | 1u128 << (b & 127))
}

/// The first four bytes of `value`, for [`common_prefix`] (zeros past its end).
fn head_bytes(value: &str) -> u32 {
    let mut head = [0u8; 4];
    for (slot, b) in head.iter_mut().zip(value.bytes()) {
        *slot = b;
    }
    u32::from_le_bytes(head)
}

/// How many of the first four bytes two values share, from their [`head_bytes`]: Winkler's
/// prefix, which raises Jaro's similarity by a tenth of the rest for each shared byte.
fn common_prefix(head_x: u32, len_x: usize, head_y: u32, len_y: usize) -> usize {
    let shared = ((head_x ^ head_y).trailing_zeros() / 8) as usize;
    shared.min(4).min(len_x).min(len_y)
}

/// An upper bound of [`jaro_winkler`] from lengths, byte sets and the shared prefix alone:
/// every distinct byte of one value that the other lacks is at least one character that cannot
/// match. Weaker than [`jaro_winkler_bound`] but a few instructions, so it goes first.
fn quick_jaro_winkler_bound(x: ValueShape, y: ValueShape) -> f64 {
    if x.len == 0 || y.len == 0 || x.bytes == u128::MAX || y.bytes == u128::MAX {
        return 1.0;
    }
    let only_x = (x.bytes & !y.bytes).count_ones() as usize;
    let only_y = (y.bytes & !x.bytes).count_ones() as usize;
    let matches = x
        .len
        .saturating_sub(only_x)
        .min(y.len.saturating_sub(only_y)) as f64;
    let jaro = (matches / x.len as f64 + matches / y.len as f64 + 1.0) / 3.0;
    let prefix = common_prefix(x.head, x.len, y.head, y.len);
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

/// What the quick bound needs of a value: its length, its bytes as a set (all bits for a value
/// that is not ASCII) and its first bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ValueShape {
    len: usize,
    bytes: u128,
    head: u32,
}

impl ValueShape {
    fn of(value: &str) -> ValueShape {
        ValueShape {
            len: value.len(),
            bytes: byte_set(value),
            head: head_bytes(value),
        }
    }
}

/// Whether an exact match on a field is weighed by how common the value is.
pub(crate) fn uses_term_frequency(field: IdentityField) -> bool {
    matches!(
        field,
        IdentityField::FirstName
            | IdentityField::LastName
            | IdentityField::Address
            | IdentityField::AddressExtra
            | IdentityField::Postcode
            | IdentityField::City
            | IdentityField::State
            | IdentityField::StreetNumber
    )
}

/// One field's values over all records.
#[derive(Debug, Clone, Default)]
pub(crate) struct FieldValues {
    pub dictionary: Vec<String>,
    /// Per record, an index into `dictionary` or [`MISSING`].
    pub ids: Vec<u32>,
    /// Per dictionary entry, the records holding it.
    pub counts: Vec<u32>,
    pub n_present: u32,
    /// Per dictionary entry, its length, bytes and first bytes, so most pairs of unrelated
    /// values are told apart in O(1).
    pub shapes: Vec<ValueShape>,
    /// Per dictionary entry of an identifier, whether several people use it
    /// ([`super::coherence`]); empty for other fields.
    pub shared: Vec<bool>,
    /// Per dictionary entry, the groups of records (people, as far as identifiers tell) that
    /// hold it, and their sum: a person seen four times does not make a name four times as
    /// common. Empty until [`Records::count_by_person`].
    pub person_counts: Vec<u32>,
    pub n_people_present: u32,
    /// For emails, per dictionary entry, an id of its local part (before `@`), so "the same
    /// name at another domain" is an integer comparison.
    pub local_parts: Vec<u32>,
}

impl FieldValues {
    pub(crate) fn get(&self, record: usize) -> Option<&str> {
        let id = *self.ids.get(record)?;
        self.dictionary.get(id as usize).map(String::as_str)
    }

    /// The share of people holding this record's value (for term-frequency adjustment):
    /// records counted once per group of records an identifier already joined
    /// ([`Records::count_by_person`]), else once each.
    pub(crate) fn frequency(&self, record: usize) -> Option<f64> {
        let id = *self.ids.get(record)? as usize;
        if let (Some(count), true) = (self.person_counts.get(id), self.n_people_present > 0) {
            return Some(f64::from(*count) / f64::from(self.n_people_present));
        }
        let count = *self.counts.get(id)?;
        (self.n_present > 0).then(|| f64::from(count) / f64::from(self.n_present))
    }
}

/// The records holding each value of one field, values in dictionary order.
pub(crate) struct ValueMembers {
    /// Per dictionary entry, where its records start in `records` (one more entry at the end).
    starts: Vec<u32>,
    records: Vec<u32>,
}

impl ValueMembers {
    pub(crate) fn of(store: &FieldValues) -> ValueMembers {
        let mut starts = Vec::with_capacity(store.counts.len() + 1);
        let mut total = 0u32;
        for count in &store.counts {
            starts.push(total);
            total += count;
        }
        starts.push(total);
        let mut next = starts.clone();
        let mut records = vec![0u32; total as usize];
        for (record, id) in store.ids.iter().enumerate() {
            if *id == MISSING {
                continue;
            }
            if let Some(at) = next.get_mut(*id as usize) {
                if let Some(slot) = records.get_mut(*at as usize) {
                    *slot = record as u32;
                }
                *at += 1;
            }
        }
        ValueMembers { starts, records }
    }

    /// The records holding value `id`, in record order.
    pub(crate) fn of_value(&self, id: usize) -> &[u32] {
        match (self.starts.get(id), self.starts.get(id + 1)) {
            (Some(&from), Some(&to)) => self
                .records
                .get(from as usize..to as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }
}

/// All records of all sources.
#[derive(Debug, Clone, Default)]
pub(crate) struct Records {
    /// Per record, `(source index, row index)`.
    pub origins: Vec<(u32, u32)>,
    pub fields: Vec<FieldValues>,
    pub source_names: Vec<String>,
    /// Whether a nickname matches the name it stands for (`bob` and `robert`).
    pub nicknames: bool,
    /// Per given-name dictionary entry, the id of the formal name it stands for (`bob` and
    /// `robert` share one), so the nickname rule is an integer comparison.
    pub(crate) formal_names: Vec<u32>,
    /// Per given-name dictionary entry, a second formal name it may stand for (`alex`:
    /// alexander or alexandra), or [`MISSING`].
    pub(crate) other_formal_names: Vec<u32>,
    /// Per given-name dictionary entry, the surname dictionary's id of the same spelling (or
    /// [`MISSING`]), so names written the other way round are found without comparing text.
    pub(crate) given_as_surname: Vec<u32>,
    /// Per record with both names, how many records have the same given name and surname.
    full_name_counts: Vec<u32>,
    /// Records (or groups) with both names, the denominator of [`Records::full_name_frequency`].
    n_full_names: u32,
    /// Per field, the records that have it (random pairs for u are drawn among them).
    present: Vec<Vec<u32>>,
}

/// People who must share a full name before its own frequency is weighed
/// ([`Records::full_name_frequency`]).
pub(crate) const MIN_FULL_NAME_PEOPLE: u32 = 3;

/// At most this many records (record indexes are `u32`, pairs pack two into a `u64`).
pub const MAX_RECORDS: usize = u32::MAX as usize - 1;

impl Records {
    pub(crate) fn len(&self) -> usize {
        self.origins.len()
    }

    pub(crate) fn field(&self, field: IdentityField) -> Option<&FieldValues> {
        self.fields.get(field.slot()?)
    }

    pub(crate) fn build(
        sources: &[Source<'_>],
        params: &ResolveParams,
    ) -> Result<Records, IdentityError> {
        let n_records: usize = sources.iter().map(|s| s.table.n_rows()).sum();
        if n_records > MAX_RECORDS {
            return Err(IdentityError::TooManyRecords {
                n_records,
                max: MAX_RECORDS,
            });
        }
        let mut records = Records {
            origins: Vec::with_capacity(n_records),
            fields: vec![FieldValues::default(); N_FIELDS],
            source_names: sources.iter().map(|s| s.name.clone()).collect(),
            nicknames: params.nicknames,
            formal_names: Vec::new(),
            other_formal_names: Vec::new(),
            given_as_surname: Vec::new(),
            full_name_counts: Vec::new(),
            n_full_names: 0,
            present: Vec::new(),
        };
        let mut interners: Vec<FastMap<String, u32>> = vec![FastMap::default(); N_FIELDS];
        for field in &mut records.fields {
            field.ids = Vec::with_capacity(n_records);
        }
        for (source_idx, source) in sources.iter().enumerate() {
            let mut columns = Vec::new();
            for mapped in &source.columns {
                let column = source.table.column(&mapped.column).ok_or_else(|| {
                    IdentityError::MissingColumn {
                        source_name: source.name.clone(),
                        column: mapped.column.clone(),
                    }
                })?;
                columns.push((mapped.field, column));
            }
            let split_full_name = splits_full_name(columns.iter().map(|(field, _)| *field));
            for row in 0..source.table.n_rows() {
                records.origins.push((source_idx as u32, row as u32));
                let mut values: [Option<String>; N_FIELDS] = Default::default();
                for (field, column) in &columns {
                    // Text as it is held; any other value as the grid shows it.
                    let held;
                    let raw: &str = match column.get(row) {
                        Value::Null => continue,
                        Value::Text(text) => text,
                        _ => match column.display(row) {
                            Some(shown) => {
                                held = shown;
                                &held
                            }
                            None => continue,
                        },
                    };
                    add_value(&mut values, *field, raw, split_full_name, params);
                }
                for (slot, value) in values.into_iter().enumerate() {
                    let (Some(store), Some(interner)) =
                        (records.fields.get_mut(slot), interners.get_mut(slot))
                    else {
                        continue;
                    };
                    let id = match value {
                        None => MISSING,
                        Some(value) => {
                            let next = store.dictionary.len() as u32;
                            let id = *interner.entry(value).or_insert_with_key(|value| {
                                store.dictionary.push(value.clone());
                                store.counts.push(0);
                                next
                            });
                            if let Some(count) = store.counts.get_mut(id as usize) {
                                *count += 1;
                            }
                            store.n_present += 1;
                            id
                        }
                    };
                    store.ids.push(id);
                }
            }
        }
        records.link_names(&interners);
        for store in &mut records.fields {
            store.shapes = store
                .dictionary
                .iter()
                .map(|value| ValueShape::of(value))
                .collect();
        }
        records.present = records
            .fields
            .iter()
            .map(|store| {
                (0..store.ids.len() as u32)
                    .filter(|record| {
                        store
                            .ids
                            .get(*record as usize)
                            .is_some_and(|id| *id != MISSING)
                    })
                    .collect()
            })
            .collect();
        if let Some(store) = IdentityField::Email
            .slot()
            .and_then(|slot| records.fields.get_mut(slot))
        {
            let mut locals: FastMap<&str, u32> = FastMap::default();
            let ids = store
                .dictionary
                .iter()
                .map(|email| {
                    let next = locals.len() as u32;
                    *locals
                        .entry(email.split('@').next().unwrap_or_default())
                        .or_insert(next)
                })
                .collect();
            store.local_parts = ids;
        }
        Ok(records)
    }

    /// Counts each value of the term-frequency fields, and each full name, once per group of
    /// records (`group_of[record]`, e.g. what exact identifiers joined): the frequencies then
    /// say how many people share a value, not how often the same person was exported.
    pub(crate) fn count_by_person(&mut self, group_of: &[u32]) {
        let mut entries: Vec<(u32, u32)> = Vec::new();
        for (slot, field) in IdentityField::COMPARED.iter().enumerate() {
            if !uses_term_frequency(*field) {
                continue;
            }
            let Some(store) = self.fields.get_mut(slot) else {
                continue;
            };
            entries.clear();
            entries.extend(
                store
                    .ids
                    .iter()
                    .zip(group_of)
                    .filter(|(id, _)| **id != MISSING)
                    .map(|(id, group)| (*id, *group)),
            );
            entries.sort_unstable();
            entries.dedup();
            let mut counts = vec![0u32; store.dictionary.len()];
            for (id, _) in &entries {
                if let Some(count) = counts.get_mut(*id as usize) {
                    *count += 1;
                }
            }
            store.person_counts = counts;
            store.n_people_present = entries.len() as u32;
        }
        self.count_full_names(group_of);
    }

    /// Fills [`Records::full_name_counts`] and [`Records::n_full_names`], counting a full name
    /// once per group of `group_of`.
    fn count_full_names(&mut self, group_of: &[u32]) {
        let (Some(first), Some(last)) = (
            self.field(IdentityField::FirstName),
            self.field(IdentityField::LastName),
        ) else {
            return;
        };
        let both = |record: usize| match (first.ids.get(record), last.ids.get(record)) {
            (Some(&f), Some(&l)) if f != MISSING && l != MISSING => Some((f, l)),
            _ => None,
        };
        let mut entries: Vec<(u64, u32)> = (0..self.len())
            .filter_map(|record| {
                let (f, l) = both(record)?;
                let group = group_of.get(record).copied().unwrap_or(record as u32);
                Some((u64::from(f) << 32 | u64::from(l), group))
            })
            .collect();
        entries.sort_unstable();
        entries.dedup();
        let mut counts: FastMap<u64, u32> = FastMap::default();
        for (key, _) in &entries {
            *counts.entry(*key).or_insert(0) += 1;
        }
        let full_name_counts = (0..self.len())
            .map(|record| {
                both(record)
                    .and_then(|(f, l)| counts.get(&(u64::from(f) << 32 | u64::from(l))))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        self.full_name_counts = full_name_counts;
        self.n_full_names = entries.len() as u32;
    }

    /// The share of people (groups, as [`Records::count_by_person`] counts) whose full name is
    /// this record's, when at least [`MIN_FULL_NAME_PEOPLE`] hold it: below that the share
    /// only says that one person was exported several times.
    pub(crate) fn full_name_frequency(&self, record: usize) -> Option<f64> {
        let count = *self
            .full_name_counts
            .get(record)
            .filter(|count| **count >= MIN_FULL_NAME_PEOPLE)?;
        (self.n_full_names > 0).then(|| f64::from(count) / f64::from(self.n_full_names))
    }

    /// The records that have field `slot`.
    pub(crate) fn present(&self, slot: usize) -> &[u32] {
        self.present.get(slot).map_or(&[], Vec::as_slice)
    }

    /// The comparison level of one field of records `a` and `b`, as [`Records::compare`] gives
    /// it (a nickname counting as the second level of a given name), without the cache.
    pub(crate) fn compare_field(&self, slot: usize, a: usize, b: usize) -> u8 {
        let (Some(field), Some(store)) = (IdentityField::COMPARED.get(slot), self.fields.get(slot))
        else {
            return NOT_COMPARED;
        };
        let level = compare_values(*field, store, a, b, None);
        if *field == IdentityField::FirstName
            && self.nicknames
            && level > 1
            && level != NOT_COMPARED
        {
            let id = |record: usize| store.ids.get(record).copied().unwrap_or(MISSING);
            if self.same_formal_name(id(a), id(b)) {
                return 1;
            }
        }
        level
    }

    /// Whether given names `x` and `y` (dictionary ids) stand for one formal name.
    pub(crate) fn same_formal_name(&self, x: u32, y: u32) -> bool {
        let formals = |id: u32| {
            [
                self.formal_names
                    .get(id as usize)
                    .copied()
                    .unwrap_or(MISSING),
                self.other_formal_names
                    .get(id as usize)
                    .copied()
                    .unwrap_or(MISSING),
            ]
        };
        let (of_x, of_y) = (formals(x), formals(y));
        of_x.iter().any(|f| *f != MISSING && of_y.contains(f))
    }

    /// Fills [`Records::formal_names`] and [`Records::given_as_surname`].
    fn link_names(&mut self, interners: &[FastMap<String, u32>]) {
        let (Some(first_slot), Some(last_slot)) = (
            IdentityField::FirstName.slot(),
            IdentityField::LastName.slot(),
        ) else {
            return;
        };
        let (Some(first), Some(surnames)) = (self.fields.get(first_slot), interners.get(last_slot))
        else {
            return;
        };
        let mut formal_ids: FastMap<String, u32> = FastMap::default();
        let mut id_of = |formal: &str| {
            let next = formal_ids.len() as u32;
            *formal_ids.entry(formal.to_owned()).or_insert(next)
        };
        let mut formal_names = Vec::with_capacity(first.dictionary.len());
        let mut other_formal_names = Vec::with_capacity(first.dictionary.len());
        for name in &first.dictionary {
            let mut formals = normalise::formal_names(name);
            formal_names.push(formals.next().map_or(MISSING, &mut id_of));
            other_formal_names.push(formals.next().map_or(MISSING, &mut id_of));
        }
        self.formal_names = formal_names;
        self.other_formal_names = other_formal_names;
        self.given_as_surname = first
            .dictionary
            .iter()
            .map(|name| surnames.get(name).copied().unwrap_or(MISSING))
            .collect();
    }

    /// The comparison level of every field for records `a` and `b` ([`NOT_COMPARED`] where a
    /// side is missing).
    pub(crate) fn compare(&self, a: usize, b: usize, cache: &mut LevelCache) -> [u8; N_FIELDS] {
        let mut levels = [NOT_COMPARED; N_FIELDS];
        if cache.maps.len() < N_FIELDS {
            cache.maps.resize_with(N_FIELDS, FastMap::default);
        }
        for (slot, (field, map)) in IdentityField::COMPARED
            .iter()
            .zip(&mut cache.maps)
            .enumerate()
        {
            if let Some(store) = self.fields.get(slot) {
                levels[slot] = compare_values(*field, store, a, b, Some(map));
            }
        }
        // `jennifer.clarke@…` and `jennifer.clarke@…` at another provider repeat the name, which
        // is weighed on its own: two namesakes are not one person by their mail providers.
        if let Some(email_slot) = IdentityField::Email.slot() {
            if levels.get(email_slot) == Some(&1) && self.local_part_is_the_name(a) {
                levels[email_slot] = NOT_COMPARED;
            }
        }
        // Names written the other way round (given name in the surname column) count as exact.
        if let (Some(first_slot), Some(last_slot)) = (
            IdentityField::FirstName.slot(),
            IdentityField::LastName.slot(),
        ) {
            let (Some(&first_level), Some(&last_level)) =
                (levels.get(first_slot), levels.get(last_slot))
            else {
                return levels;
            };
            if first_level != 0 || last_level != 0 {
                let id = |slot: usize, record: usize| {
                    self.fields
                        .get(slot)
                        .and_then(|store| store.ids.get(record))
                        .copied()
                        .unwrap_or(MISSING)
                };
                let (first_a, first_b) = (id(first_slot, a), id(first_slot, b));
                let (last_a, last_b) = (id(last_slot, a), id(last_slot, b));
                let as_surname = |first: u32| {
                    self.given_as_surname
                        .get(first as usize)
                        .copied()
                        .unwrap_or(MISSING)
                };
                let crossed = last_a != MISSING
                    && last_b != MISSING
                    && as_surname(first_a) == last_b
                    && as_surname(first_b) == last_a;
                if crossed {
                    levels[first_slot] = 0;
                    levels[last_slot] = 0;
                } else if self.nicknames
                    && first_level > 1
                    && first_level != NOT_COMPARED
                    && self.same_formal_name(first_a, first_b)
                {
                    levels[first_slot] = 1;
                }
            }
        }
        levels
    }
}

impl Records {
    /// Whether the local part of record `record`'s email is its name and nothing more
    /// (`jennifer.clarke`, `clarke_j`, `jenniferclarke`): no digits, and its letters the given
    /// name and surname (or an initial and the surname) in either order.
    fn local_part_is_the_name(&self, record: usize) -> bool {
        let value = |field: IdentityField| self.field(field).and_then(|store| store.get(record));
        let (Some(email), Some(last)) =
            (value(IdentityField::Email), value(IdentityField::LastName))
        else {
            return false;
        };
        let local = email.split('@').next().unwrap_or_default();
        if local.bytes().any(|b| b.is_ascii_digit()) {
            return false;
        }
        let letters: String = local.chars().filter(|c| c.is_alphabetic()).collect();
        let squash = |name: &str| {
            name.chars()
                .filter(|c| c.is_alphabetic())
                .collect::<String>()
        };
        let last = squash(last);
        let first = value(IdentityField::FirstName)
            .map(squash)
            .unwrap_or_default();
        let initial: String = first.chars().take(1).collect();
        [
            format!("{first}{last}"),
            format!("{last}{first}"),
            format!("{initial}{last}"),
            format!("{last}{initial}"),
        ]
        .iter()
        .any(|candidate| !candidate.is_empty() && *candidate == letters)
            || letters == last
    }
}

/// Whether a record's full name is split into first and last: when it has neither.
pub(crate) fn splits_full_name(fields: impl IntoIterator<Item = IdentityField>) -> bool {
    !fields
        .into_iter()
        .any(|field| matches!(field, IdentityField::FirstName | IdentityField::LastName))
}

/// Adds the raw value of one of a record's identity columns to its normalised `values`: a full
/// name as first and last name (when `split_full_name`), anything else normalised; a field keeps
/// its first value.
pub(crate) fn add_value(
    values: &mut [Option<String>; N_FIELDS],
    field: IdentityField,
    raw: &str,
    split_full_name: bool,
    params: &ResolveParams,
) {
    if field == IdentityField::FullName {
        if split_full_name {
            let (first, last) = split_name(raw);
            set_once(values, IdentityField::FirstName, first);
            set_once(values, IdentityField::LastName, last);
        }
        return;
    }
    set_once(values, field, normalise_value(field, raw, params));
}

fn set_once(values: &mut [Option<String>; N_FIELDS], field: IdentityField, value: Option<String>) {
    if let Some(slot) = field.slot().and_then(|slot| values.get_mut(slot)) {
        if slot.is_none() {
            *slot = value;
        }
    }
}

/// `Ada King Lovelace` → (`ada`, `lovelace`); `Lovelace, Ada` → (`ada`, `lovelace`).
fn split_name(raw: &str) -> (Option<String>, Option<String>) {
    if let Some((last, first)) = raw.split_once(',') {
        return (normalise::name(first), normalise::name(last));
    }
    let words: Vec<&str> = raw.split_whitespace().collect();
    match words.as_slice() {
        [] => (None, None),
        [only] => (None, normalise::name(only)),
        [first, .., last] => (normalise::name(first), normalise::name(last)),
    }
}

fn normalise_value(field: IdentityField, raw: &str, params: &ResolveParams) -> Option<String> {
    match field {
        IdentityField::Email => normalise::email(raw, params.email_rules),
        IdentityField::Phone => normalise::phone(raw, &params.default_country_code)
            .map(|e164| normalise::phone_key(&e164).to_owned()),
        IdentityField::Handle => normalise::handle(raw),
        IdentityField::CustomerKey | IdentityField::Other => normalise::identifier(raw),
        IdentityField::FirstName | IdentityField::LastName => normalise::name(raw),
        IdentityField::FullName => normalise::text(raw),
        IdentityField::StreetNumber => normalise::identifier(raw),
        IdentityField::Postcode => normalise::postcode(raw),
        IdentityField::BirthDate => normalise::birth_date(raw),
        IdentityField::Address
        | IdentityField::AddressExtra
        | IdentityField::City
        | IdentityField::State => normalise::text(raw),
    }
}

/// Levels of value pairs already compared with a string similarity, per field: names, places
/// and streets repeat, and Jaro-Winkler costs more than a lookup.
#[derive(Debug, Default)]
pub(crate) struct LevelCache {
    maps: Vec<FastMap<u64, u8>>,
}

/// Distinct values above which a field's comparisons are not cached.
const MAX_CACHED_VOCABULARY: usize = 512;

/// Value pairs a field's cache holds at most.
const MAX_CACHED_PAIRS: usize = 1 << 20;

fn compare_values(
    field: IdentityField,
    store: &FieldValues,
    a: usize,
    b: usize,
    cache: Option<&mut FastMap<u64, u8>>,
) -> u8 {
    let (Some(&id_a), Some(&id_b)) = (store.ids.get(a), store.ids.get(b)) else {
        return NOT_COMPARED;
    };
    if id_a == MISSING || id_b == MISSING {
        return NOT_COMPARED;
    }
    if id_a == id_b {
        return 0;
    }
    let (Some(x), Some(y)) = (
        store.dictionary.get(id_a as usize),
        store.dictionary.get(id_b as usize),
    ) else {
        return NOT_COMPARED;
    };
    let comparison = Comparison::of(field);
    if comparison == Comparison::EmailParts {
        if let (Some(x), Some(y)) = (
            store.local_parts.get(id_a as usize),
            store.local_parts.get(id_b as usize),
        ) {
            return if x == y { 1 } else { 2 };
        }
    }
    // Only small vocabularies (states, cities, given names) repeat their pairs often enough
    // for a lookup to beat the comparison.
    if let (Some(lowest), Some(shape_x), Some(shape_y)) = (
        comparison.lowest_similarity(),
        store.shapes.get(id_a as usize),
        store.shapes.get(id_b as usize),
    ) {
        if quick_jaro_winkler_bound(*shape_x, *shape_y) < lowest {
            return comparison.n_levels() as u8 - 1;
        }
    }
    let Some(cache) = cache else {
        return level(comparison, x, y);
    };
    if !matches!(
        comparison,
        Comparison::Graded | Comparison::GivenName | Comparison::Close
    ) || store.dictionary.len() > MAX_CACHED_VOCABULARY
    {
        return level(comparison, x, y);
    }
    let key = u64::from(id_a.min(id_b)) << 32 | u64::from(id_a.max(id_b));
    if let Some(level) = cache.get(&key) {
        return *level;
    }
    let found = level(comparison, x, y);
    if cache.len() < MAX_CACHED_PAIRS {
        cache.insert(key, found);
    }
    found
}

/// The level of two different normalised values under `comparison` (0 is exact).
pub(crate) fn level(comparison: Comparison, x: &str, y: &str) -> u8 {
    if x == y {
        return 0;
    }
    let lowest = match comparison {
        Comparison::Close => 0.92,
        Comparison::Graded | Comparison::GivenName => 0.8,
        _ => 0.0,
    };
    if lowest > 0.0 && jaro_winkler_bound(x, y) < lowest {
        return comparison.n_levels() as u8 - 1;
    }
    match comparison {
        Comparison::Close => {
            if jaro_winkler(x, y) >= 0.92 {
                1
            } else {
                2
            }
        }
        Comparison::Graded | Comparison::GivenName => {
            let similarity = jaro_winkler(x, y);
            if similarity >= 0.92 {
                1
            } else if similarity >= 0.8 {
                2
            } else {
                3
            }
        }
        Comparison::OneEdit => {
            if within_one_edit(x, y) {
                1
            } else {
                2
            }
        }
        Comparison::Exact => 1,
        Comparison::EmailParts => {
            if x.split('@').next() == y.split('@').next() {
                1
            } else {
                2
            }
        }
        Comparison::Date => {
            // Both are `yyyymmdd`.
            let (Some(year_x), Some(year_y)) = (x.get(0..4), y.get(0..4)) else {
                return 4;
            };
            let swapped =
                year_x == year_y && x.get(4..6) == y.get(6..8) && x.get(6..8) == y.get(4..6);
            if swapped {
                1
            } else if within_one_edit(x, y) {
                2
            } else if year_x == year_y {
                3
            } else {
                4
            }
        }
    }
}

/// An upper bound of [`jaro_winkler`] from the characters the two values share at all (as if
/// every shared character matched, untransposed, with the largest prefix boost): most pairs of
/// unrelated names fall below the lowest level without running Jaro-Winkler.
fn jaro_winkler_bound(x: &str, y: &str) -> f64 {
    if !x.is_ascii() || !y.is_ascii() || x.is_empty() || y.is_empty() {
        return 1.0;
    }
    let mask = |s: &str| s.bytes().fold(0u128, |mask, b| mask | 1u128 << (b & 127));
    let (mask_x, mask_y) = (mask(x), mask(y));
    let shared = |s: &str, other: u128| {
        s.bytes()
            .filter(|b| other & 1u128 << (b & 127) != 0)
            .count()
    };
    let matches = shared(x, mask_y).min(shared(y, mask_x)) as f64;
    let jaro = (matches / x.len() as f64 + matches / y.len() as f64 + 1.0) / 3.0;
    let prefix = common_prefix(head_bytes(x), x.len(), head_bytes(y), y.len());
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

/// Whether `x` becomes `y` by at most one edit: a character inserted, deleted or replaced, or
/// two neighbours swapped (Damerau-Levenshtein distance ≤ 1), in one pass without allocating.
pub fn within_one_edit(x: &str, y: &str) -> bool {
    if x.is_ascii() && y.is_ascii() {
        return one_edit(x.as_bytes(), y.as_bytes());
    }
    let a: Vec<char> = x.chars().collect();
    let b: Vec<char> = y.chars().collect();
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(p, q)| p == q).count();
    let (Some(a_rest), Some(b_rest)) = (a.get(prefix..), b.get(prefix..)) else {
        return true;
    };
    if a.len() < b.len() {
        // One insertion: the rest of `b` after its extra character is the rest of `a`.
        return b_rest.get(1..) == Some(a_rest);
    }
    if a_rest.is_empty() {
        return true;
    }
    // Same length: one replacement, or one swap of neighbours.
    a_rest.get(1..) == b_rest.get(1..)
        || (a_rest.first() == b_rest.get(1)
            && a_rest.get(1) == b_rest.first()
            && a_rest.get(2..) == b_rest.get(2..))
}

/// Jaro-Winkler similarity, exactly as `strsim::jaro_winkler` computes it (prefix up to 4,
/// scale 0.1, boost above 0.7), without its allocations for ASCII values of up to 64 bytes,
/// which are nearly all names and addresses. Others go to `strsim`.
pub fn jaro_winkler(x: &str, y: &str) -> f64 {
    let (a, b) = (x.as_bytes(), y.as_bytes());
    if !x.is_ascii() || !y.is_ascii() || a.len() > 64 || b.len() > 64 {
        return strsim::jaro_winkler(x, y);
    }
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    // Bit-parallel matching (as rapidfuzz does it): where each byte occurs in `b`, so the first
    // unmatched occurrence inside the window is the lowest bit of a mask, not a scan.
    let mut positions = [0u64; 128];
    for (j, cb) in b.iter().enumerate() {
        if let Some(slot) = positions.get_mut(usize::from(cb & 127)) {
            *slot |= 1 << j;
        }
    }
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        let low = i.saturating_sub(range);
        let high = (i + range + 1).min(b.len());
        if low >= high {
            continue;
        }
        // Bits `low..high`; `high` is at most 64.
        let window = (u64::MAX >> (64 - high)) & (u64::MAX << low);
        let free = positions.get(usize::from(ca & 127)).copied().unwrap_or(0) & window & !b_flags;
        if free != 0 {
            b_flags |= free & free.wrapping_neg();
            a_flags |= 1 << i;
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // Matched characters of `a` and of `b`, each in order: a transposition where they differ.
    let mut transpositions = 0usize;
    let (mut left, mut right) = (a_flags, b_flags);
    while left != 0 && right != 0 {
        let (i, j) = (
            left.trailing_zeros() as usize,
            right.trailing_zeros() as usize,
        );
        if a.get(i) != b.get(j) {
            transpositions += 1;
        }
        left &= left - 1;
        right &= right - 1;
    }
    transpositions /= 2;
    let m = matches as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(p, q)| p == q).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(comparison: Comparison, x: &str, y: &str, expect: &str) {
        let got = level(comparison, x, y);
        assert_eq!(
            comparison.levels().get(got as usize).copied(),
            Some(expect),
            "{x:?} vs {y:?}"
        );
    }

    #[test]
    fn comparison_levels() {
        check(Comparison::Graded, "smith", "smith", "exact");
        check(
            Comparison::Graded,
            "martha",
            "marhta",
            "Jaro-Winkler ≥ 0.92",
        );
        check(Comparison::Graded, "dwayne", "duane", "Jaro-Winkler ≥ 0.8");
        check(Comparison::Graded, "smith", "jones", "different");
        check(
            Comparison::Close,
            "ada@x.com",
            "ada@x.co",
            "Jaro-Winkler ≥ 0.92",
        );
        check(
            Comparison::EmailParts,
            "ada@x.com",
            "ada@y.org",
            "same name at another domain",
        );
        check(
            Comparison::EmailParts,
            "ada1@x.com",
            "ada2@x.com",
            "different",
        );
        check(Comparison::OneEdit, "2000", "2001", "one edit apart");
        check(Comparison::OneEdit, "2000", "2010", "one edit apart");
        check(Comparison::OneEdit, "2000", "3011", "different");
        check(Comparison::Exact, "12", "21", "different");
        check(
            Comparison::Date,
            "19560807",
            "19560708",
            "day and month swapped",
        );
        check(Comparison::Date, "19560807", "19560809", "one digit apart");
        check(Comparison::Date, "19560807", "19561231", "same year");
        check(Comparison::Date, "19560807", "19710101", "different");
    }

    #[test]
    fn jaro_winkler_is_strsims() {
        let words = [
            "",
            "a",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "jellyfish",
            "smellyfish",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkm",
            "zoë",
            "zoe",
        ];
        for x in words {
            for y in words {
                let (ours, theirs) = (jaro_winkler(x, y), strsim::jaro_winkler(x, y));
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "{x:?} {y:?}: {ours} vs {theirs}"
                );
            }
        }
    }

    /// The bit-parallel Jaro-Winkler against `strsim` on random ASCII strings of every length up
    /// to 64 over a small alphabet (so characters repeat and transpose often), and both bounds.
    #[test]
    fn bit_parallel_jaro_winkler_is_strsims_on_random_strings() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let word = |rng: &mut rand_pcg::Pcg64Mcg| -> String {
            let len = rng.random_range(0..=64);
            (0..len)
                .map(|_| char::from(b"abcde "[rng.random_range(0..6)]))
                .collect()
        };
        for _ in 0..20_000 {
            let (x, y) = (word(&mut rng), word(&mut rng));
            let (ours, theirs) = (jaro_winkler(&x, &y), strsim::jaro_winkler(&x, &y));
            assert!(
                (ours - theirs).abs() < 1e-12,
                "{x:?} {y:?}: {ours} vs {theirs}"
            );
            assert!(jaro_winkler_bound(&x, &y) + 1e-12 >= ours, "{x:?} {y:?}");
            let quick = quick_jaro_winkler_bound(ValueShape::of(&x), ValueShape::of(&y));
            assert!(quick + 1e-12 >= ours, "{x:?} {y:?}");
        }
    }

    #[test]
    fn the_jaro_winkler_bound_is_never_below_the_similarity() {
        let words = [
            "a",
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "jellyfish",
            "smellyfish",
            "ab",
            "ba",
            "aaaa",
            "aaab",
            "stanley street",
            "stanely st",
            "zoë",
        ];
        for x in words {
            for y in words {
                assert!(
                    jaro_winkler_bound(x, y) + 1e-12 >= jaro_winkler(x, y),
                    "{x:?} {y:?}"
                );
                let quick = quick_jaro_winkler_bound(ValueShape::of(x), ValueShape::of(y));
                assert!(quick + 1e-12 >= jaro_winkler(x, y), "{x:?} {y:?}");
            }
        }
    }

    #[test]
    fn one_edit_is_damerau_levenshtein_at_most_one() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "abd", "abcd", "bacd", "xbcd", "zoë", "zeo", "oze",
        ];
        for x in words {
            for y in words {
                assert_eq!(
                    within_one_edit(x, y),
                    strsim::damerau_levenshtein(x, y) <= 1,
                    "{x:?} {y:?}"
                );
            }
        }
    }

    #[test]
    fn a_nickname_is_a_near_match_when_asked_for() {
        use crate::identity::fields::IdentityColumn;
        use crate::ingest::{ingest, ReadOptions};
        let csv = "first_name,last_name\nBob,Smith\nRobert,Smith\nRob,Smith\nZed,Smith\n";
        let table = ingest(
            "t.csv",
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            ReadOptions::default(),
        )
        .unwrap()
        .table;
        let columns = ["first_name", "last_name"]
            .iter()
            .zip([IdentityField::FirstName, IdentityField::LastName])
            .map(|(column, field)| IdentityColumn {
                column: (*column).to_owned(),
                field,
            })
            .collect();
        let sources = [Source {
            name: "t.csv".into(),
            table: &table,
            columns,
            recency: None,
        }];
        let slot = IdentityField::FirstName.slot().unwrap();
        let level_of = |nicknames: bool, a: usize, b: usize| {
            let params = ResolveParams::default().nicknames(nicknames);
            let records = Records::build(&sources, &params).unwrap();
            records.compare(a, b, &mut LevelCache::default())[slot]
        };
        assert_eq!(level_of(true, 0, 1), 1);
        assert_eq!(level_of(true, 0, 2), 1);
        assert_eq!(level_of(false, 0, 1), 3);
        assert_eq!(level_of(true, 0, 3), 3);
    }

    #[test]
    fn full_names_split_into_first_and_last() {
        assert_eq!(
            split_name("Ada King Lovelace"),
            (Some("ada".into()), Some("lovelace".into()))
        );
        assert_eq!(
            split_name("Lovelace, Ada"),
            (Some("ada".into()), Some("lovelace".into()))
        );
        assert_eq!(split_name("Cher"), (None, Some("cher".into())));
    }
}
