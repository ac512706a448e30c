//! Whether records can be one person, and which identifiers several people share.
//!
//! A Fellegi–Sunter score is a sum of independent pieces of evidence, and a household breaks
//! independence: a family's landline, street, postcode and surname all agree between two
//! people who live together, so their score adds up as if they were one. Two questions the
//! score cannot answer are asked here of the records themselves:
//!
//! - **Is this identifier one person's?** An email, phone, handle or customer id whose records
//!   carry given names that are neither equal, nicknames nor typos of each other, or birth dates
//!   that differ, is used by several people (a family e-mail, a landline, a switchboard): a
//!   [`SharedIdentifier`]. It links no one outright; the model weighs it as one piece of
//!   evidence. This is decided per value from the data, not by a count.
//! - **May two groups of records become one customer?** Union-find over links chains: one
//!   plausible link between two families joins every member of both. Before two groups join,
//!   every given name and birth date of one is checked against every one of the other
//!   ([`Persona::conflict`]), and a group may not grow past a size no person plausibly has; a
//!   link that fails is held back with its reason ([`HoldReason`]).

use super::fields::IdentityField;
use super::records::{jaro_winkler, level, within_one_edit, Comparison, Records, MISSING};

/// A normalised identifier value that several people use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SharedIdentifier {
    pub field: IdentityField,
    /// The normalised value.
    pub value: String,
    pub n_records: u32,
    /// Distinct people among its records, told apart by given name and birth date (a lower
    /// bound: records without either are counted with whoever they could be).
    pub n_people: u32,
}

/// Why a link at or above the threshold was not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum HoldReason {
    /// It would join two groups of several records on a link below the weak-link level.
    WeakChain,
    /// The two groups hold given names that are neither equal, nicknames nor typos of each
    /// other.
    DifferentGivenNames,
    /// The two groups hold different birth dates.
    DifferentBirthDates,
    /// The customer would hold more records than one person plausibly has in these sources.
    TooManyRecords,
}

impl HoldReason {
    /// Said to the user.
    pub fn describe(self) -> &'static str {
        match self {
            HoldReason::WeakChain => "a weak link between two customers of several records",
            HoldReason::DifferentGivenNames => "different first names on the two sides",
            HoldReason::DifferentBirthDates => "different birth dates on the two sides",
            HoldReason::TooManyRecords => "more records than one person plausibly has",
        }
    }
}

/// Distinct given names (with the surname written beside them) and birth dates a group holds
/// at most; past that a group is already incoherent or one person written many ways, and is
/// checked on what it holds.
const MAX_NAMES: usize = 12;
const MAX_BIRTHS: usize = 6;

/// Who a group of records says it is: its distinct given names (each with its record's
/// surname, for names written the other way round) and birth dates.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Persona {
    /// (given-name id, surname id), either possibly [`MISSING`]; only entries with a given
    /// name.
    names: Vec<(u32, u32)>,
    births: Vec<u32>,
    pub n_records: u32,
}

impl Persona {
    /// The persona of one record.
    pub(crate) fn of(records: &Records, record: usize) -> Persona {
        let mut persona = Persona {
            n_records: 1,
            ..Persona::default()
        };
        let (first, last, birth) = records.persona_ids(record);
        if first != MISSING {
            persona.names.push((first, last));
        }
        if birth != MISSING {
            persona.births.push(birth);
        }
        persona
    }

    /// Why `self` and `other` cannot be one person, if they cannot: no given name of one side
    /// is a spelling of one of the other's (each group's names are one name written several
    /// ways, so one spelling in common joins them: a group of `ruby` and its typo `urby` may
    /// take `rnby`), or no birth date of one is one of the other's.
    pub(crate) fn conflict(&self, other: &Persona, records: &Records) -> Option<HoldReason> {
        if !self.births.is_empty() && !other.births.is_empty() && !self.born_alike(other, records) {
            return Some(HoldReason::DifferentBirthDates);
        }
        if !self.names.is_empty()
            && !other.names.is_empty()
            && !self.any_names(other, |x, y| records.same_given_name(x, y))
        {
            return Some(HoldReason::DifferentGivenNames);
        }
        None
    }

    /// Why `self` and `other` cannot share one customer id (a social security or account
    /// number a system gave one person): only when their names have no word in common and
    /// they were not born the same day. A system's key outweighs a corrupted name or birth
    /// date, but two systems' numbering that happens to collide joins strangers who differ in
    /// name and birth altogether.
    pub(crate) fn key_conflict(&self, other: &Persona, records: &Records) -> Option<HoldReason> {
        let given_names_meet = self.names.is_empty()
            || other.names.is_empty()
            || self.any_names(other, |x, y| records.same_given_name(x, y));
        let words_meet = self.any_names(other, |x, y| records.share_a_name(x, y));
        // Two systems' colliding numbers rarely fall on people born the same day.
        if given_names_meet || words_meet || self.born_alike(other, records) {
            None
        } else {
            Some(HoldReason::DifferentGivenNames)
        }
    }

    /// Whether some birth date of `self` can be one of `other`'s.
    fn born_alike(&self, other: &Persona, records: &Records) -> bool {
        self.births
            .iter()
            .any(|x| other.births.iter().any(|y| records.same_birth(*x, *y)))
    }

    /// Whether `alike` holds for some name of `self` and some name of `other`.
    fn any_names(&self, other: &Persona, alike: impl Fn((u32, u32), (u32, u32)) -> bool) -> bool {
        self.names
            .iter()
            .any(|x| other.names.iter().any(|y| alike(*x, *y)))
    }

    /// Takes in `other`'s names, births and records.
    pub(crate) fn absorb(&mut self, other: &Persona) {
        for name in &other.names {
            if self.names.len() < MAX_NAMES && !self.names.contains(name) {
                self.names.push(*name);
            }
        }
        for birth in &other.births {
            if self.births.len() < MAX_BIRTHS && !self.births.contains(birth) {
                self.births.push(*birth);
            }
        }
        self.n_records = self.n_records.saturating_add(other.n_records);
    }

    /// Whether the group says anything about who it is.
    pub(crate) fn is_known(&self) -> bool {
        !self.names.is_empty() || !self.births.is_empty()
    }
}

/// The people among `members` (records sharing one value): each record joins the first person
/// it can be, or is a new one. Records with neither a given name nor a birth date join the
/// first person. `key`: the value is a customer id ([`Persona::key_conflict`]).
pub(crate) fn count_people(records: &Records, members: &[u32], key: bool) -> u32 {
    let mut people: Vec<Persona> = Vec::new();
    for record in members {
        let persona = Persona::of(records, *record as usize);
        if !persona.is_known() {
            continue;
        }
        match people.iter_mut().find(|p| {
            let conflict = if key {
                p.key_conflict(&persona, records)
            } else {
                p.conflict(&persona, records)
            };
            conflict.is_none()
        }) {
            Some(person) => person.absorb(&persona),
            None => people.push(persona),
        }
    }
    people.len().max(1) as u32
}

impl Records {
    /// A record's given-name, surname and birth-date ids ([`MISSING`] where absent).
    fn persona_ids(&self, record: usize) -> (u32, u32, u32) {
        let id = |field: IdentityField| {
            self.field(field)
                .and_then(|store| store.ids.get(record))
                .copied()
                .unwrap_or(MISSING)
        };
        (
            id(IdentityField::FirstName),
            id(IdentityField::LastName),
            id(IdentityField::BirthDate),
        )
    }

    /// Whether two records' names have a word in common (equal or Jaro-Winkler ≥ 0.8), in any
    /// column: `challenor nathqn` and `caleb challenor` do, `mary jones` and `john smith` not.
    fn share_a_name(&self, (first_x, last_x): (u32, u32), (first_y, last_y): (u32, u32)) -> bool {
        let given = |id: u32| {
            self.field(IdentityField::FirstName)
                .and_then(|store| store.dictionary.get(id as usize))
        };
        let surname = |id: u32| {
            self.field(IdentityField::LastName)
                .and_then(|store| store.dictionary.get(id as usize))
        };
        let words_x = [given(first_x), surname(last_x)];
        let words_y = [given(first_y), surname(last_y)];
        words_x.iter().flatten().any(|x| {
            words_y
                .iter()
                .flatten()
                .any(|y| x == y || jaro_winkler(x, y) >= 0.8)
        })
    }

    /// Whether two birth dates can be one person's: equal, day and month swapped, one digit
    /// apart (a typo), or two of year, month and day the same. A parent and a child, or two
    /// strangers, differ in all three.
    fn same_birth(&self, x: u32, y: u32) -> bool {
        if x == y {
            return true;
        }
        let Some(store) = self.field(IdentityField::BirthDate) else {
            return true;
        };
        match (
            store.dictionary.get(x as usize),
            store.dictionary.get(y as usize),
        ) {
            (Some(a), Some(b)) => {
                let parts = |d: &str| {
                    (
                        d.get(0..4).map(str::to_owned),
                        d.get(4..6).map(str::to_owned),
                        d.get(6..8).map(str::to_owned),
                    )
                };
                let ((ya, ma, da), (yb, mb, db)) = (parts(a), parts(b));
                let same = usize::from(ya == yb) + usize::from(ma == mb) + usize::from(da == db);
                same >= 2 || level(Comparison::Date, a, b) <= 2
            }
            _ => true,
        }
    }

    /// Whether two (given name, surname) entries can be one person's given name: equal, the
    /// same formal name (`bob` and `robert`), a typo (one edit, or Jaro-Winkler ≥ 0.9), an
    /// initial of the other, or the two names written the other way round.
    fn same_given_name(
        &self,
        (first_x, last_x): (u32, u32),
        (first_y, last_y): (u32, u32),
    ) -> bool {
        if first_x == first_y {
            return true;
        }
        if self.same_formal_name(first_x, first_y) {
            return true;
        }
        let as_surname = |id: u32| self.given_as_surname.get(id as usize).copied();
        if last_x != MISSING
            && last_y != MISSING
            && as_surname(first_x) == Some(last_y)
            && as_surname(first_y) == Some(last_x)
        {
            return true;
        }
        let Some(given) = self.field(IdentityField::FirstName) else {
            return true;
        };
        let surname = |id: u32| {
            self.field(IdentityField::LastName)
                .and_then(|store| store.dictionary.get(id as usize))
        };
        let (Some(x), Some(y)) = (
            given.dictionary.get(first_x as usize),
            given.dictionary.get(first_y as usize),
        ) else {
            return true;
        };
        let count = |id: u32| given.counts.get(id as usize).copied().unwrap_or(0);
        if similar_given_names(x, y) && may_be_typo(count(first_x), count(first_y)) {
            return true;
        }
        // The other way round, with a typo on one side (`wright emily` and `emily rwight`), or
        // a surname alone written as the given name (`hall` and `thomas hall`).
        let alike =
            |given: &str, surname: &str| given == surname || similar_given_names(given, surname);
        match (surname(last_x), surname(last_y)) {
            (Some(last_x), Some(last_y)) => alike(x, last_y) && alike(y, last_x),
            (None, Some(last_y)) => alike(x, last_y),
            (Some(last_x), None) => alike(y, last_x),
            (None, None) => false,
        }
    }
}

/// Whether one of two similar spellings, held by `count_x` and `count_y` records, can be a typo
/// of the other: one of them is rare, alone or beside the other. Two spellings both in common
/// use (`john` and `joan`, `mary` and `mark`) are two names.
fn may_be_typo(count_x: u32, count_y: u32) -> bool {
    let (rare, common) = (count_x.min(count_y), count_x.max(count_y));
    rare <= 2 || rare.saturating_mul(50) <= common
}

/// Whether two different spellings of a given name can be one name: an initial and a name it
/// begins, one edit apart (names of 3 characters or more), or Jaro-Winkler ≥ 0.8 (typos,
/// letters swapped, a syllable heard differently). Whether a spelling is rare enough to be a
/// typo at all is [`may_be_typo`]'s question.
pub(crate) fn similar_given_names(x: &str, y: &str) -> bool {
    let initial = |short: &str, long: &str| short.chars().count() == 1 && long.starts_with(short);
    if initial(x, y) || initial(y, x) {
        return true;
    }
    let shortest = x.chars().count().min(y.chars().count());
    (shortest >= 3 && within_one_edit(x, y)) || jaro_winkler(x, y) >= 0.8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_spellings_in_common_use_are_two_names() {
        assert!(may_be_typo(1, 40));
        assert!(may_be_typo(3, 400));
        assert!(!may_be_typo(30, 40));
        assert!(!may_be_typo(12, 400));
    }

    #[test]
    fn given_names_that_may_be_one_person() {
        assert!(similar_given_names("jon", "john"));
        assert!(similar_given_names("j", "john"));
        assert!(similar_given_names("catherine", "catherina"));
        assert!(!similar_given_names("robert", "mary"));
        assert!(!similar_given_names("jessica", "jennifer"));
        assert!(!similar_given_names("al", "ed"));
    }
}
