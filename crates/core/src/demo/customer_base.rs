//! Customer bases with the traps identity resolution meets in real exports, and the truth behind
//! every row: for measuring precision and recall on many seeds and sizes, since the bases
//! resolution is finally judged on cannot be seen.
//!
//! A base is a population of people living in households, exported by several systems that
//! each know a part of them, each with its own column names and habits. [`BaseTruth`] says which
//! person and which household is behind every row. Two shapes follow the two kinds of held-out
//! base described to us:
//!
//! - [`BaseShape::CommonNames`]: four exports (CRM, shop, support, social) of people whose names
//!   come from 40 first × 58 last names, so many different people share a name. Everyone lives
//!   alone, and every e-mail, phone and handle belongs to one person, so exact identifiers never
//!   join two people; but records give a work or old address, or none, so about a fifth of a
//!   person's record pairs share no identifier and must be found by name and other evidence,
//!   which is exactly where same-named strangers wait.
//! - [`BaseShape::Households`]: five exports (CRM, web orders, loyalty, support, social) where
//!   30 % of people live with one to three others, names are Zipf-distributed and written with
//!   nicknames, typos, last name first and phones in many formats.
//!
//! Each trap is a field of [`Traps`], on or off, and exists because it breaks a rule that looks
//! sound on clean data:
//!
//! - a small or Zipf **name pool**: a name match is weak evidence when thousands are "James
//!   Smith"; term frequencies must weigh it, and a model that links on names alone merges
//!   strangers;
//! - **households**: a shared landline, street address and last name link family members
//!   outright if phone is treated as an identifier, chaining a family into one customer; the
//!   household is a grouping of its own, not a person;
//! - a **family e-mail**: one address used by several people, which an e-mail rule takes for one
//!   person;
//! - **nicknames** (Bob for Robert): the same person with a first name that compares badly;
//! - **typos** (a letter swapped, dropped, doubled or replaced) in names and streets: exact
//!   comparisons miss them;
//! - **last name first** ("Smith, John", "SMITH John") in full-name cells: a naive split takes
//!   the surname for the given name;
//! - **phone formats** ("+44 20 7946 0123", "(020) 7946-0123", "0044207946 0123"): the same
//!   number must be one value;
//! - **sparse social** profiles (a handle and "Bob", or "Bob S."): records nobody can place, which
//!   a model must leave alone rather than attach to the most common Bob;
//! - **twins**: same last name, address, phone and birth date, only the first name differs, so
//!   a model that forgives first-name disagreement merges them;
//! - **juniors**: a parent and child with the same first and last name at one address, told
//!   apart only by birth date (when a record has one) and their own e-mail or mobile.
//!
//! Each file's own id (`CRM-000123`, `ORD-55012`) is unique within the file and means nothing
//! elsewhere: no system shares a key with another.
//!
//! Generation is one call ([`CustomerBaseParams::generate`]) rather than steps: it feeds tests,
//! the example and the CLI natively, where 200,000 people take a few seconds; the app's demo
//! company is the steppable generator.

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::words::{
    EMPLOYERS, GIVEN_ENDINGS, GIVEN_NAMES, GIVEN_SYLLABLES, HANDLE_WORDS, MAIL_PROVIDERS,
    OLD_MAIL_PROVIDERS, STREET_KINDS, STREET_NAMES, SUPPORT_SUBJECTS, SURNAMES, SURNAME_ENDS,
    SURNAME_STARTS, TOWNS,
};
use super::DemoFile;
use crate::hashing::WordHasher;

type FastSet<T> = HashSet<T, BuildHasherDefault<WordHasher>>;

/// The most people a base holds; larger requests are cut to this.
pub const MAX_BASE_PEOPLE: usize = 1_000_000;

/// The most names a pool holds; larger pools are cut to this.
pub const MAX_POOL_NAMES: usize = 20_000;

/// Which kind of held-out base to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseShape {
    /// Four exports of people living alone whose names come from a small pool.
    CommonNames,
    /// Five exports of people of whom 30 % live with others, with every writing trap on.
    Households,
}

impl BaseShape {
    pub const ALL: [BaseShape; 2] = [BaseShape::CommonNames, BaseShape::Households];

    /// The shape's name on the command line: `common-names`, `households`.
    pub fn label(self) -> &'static str {
        match self {
            BaseShape::CommonNames => "common-names",
            BaseShape::Households => "households",
        }
    }

    pub fn from_label(label: &str) -> Option<BaseShape> {
        BaseShape::ALL
            .into_iter()
            .find(|shape| shape.label() == label)
    }
}

/// Where names come from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NamePool {
    /// The `first` most common given names and `last` most common surnames, each equally likely.
    Small { first: usize, last: usize },
    /// `first` given names and `last` surnames, the name of rank r drawn with weight
    /// 1 / r^`exponent`: a few names are very common, most are rare.
    Zipf {
        first: usize,
        last: usize,
        exponent: f64,
    },
}

/// The traps a base is made with; each can be switched off (0.0, `false`) on its own.
/// Shares and chances outside 0..=1 are taken as the nearest bound.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traps {
    pub name_pool: NamePool,
    /// Share of people who live with one to three others (sharing address and landline).
    pub household_share: f64,
    /// Share of shared households (flatmates aside) whose members also use one family e-mail.
    pub family_email_share: f64,
    /// Chance that a record writes a nickname (Bob for Robert) for a first name that has one.
    pub nicknames: f64,
    /// Chance per name or street value of one typo (letters swapped, dropped, doubled or
    /// replaced).
    pub typos: f64,
    /// Chance that a full-name cell is written last name first ("Smith, John", "SMITH John").
    pub last_first: f64,
    /// Whether phones are written in many formats ("+44 20 7946 0123", "(020) 7946-0123"…)
    /// rather than one ("020 7946 0123").
    pub phone_formats: bool,
    /// Whether some social profiles give only a first name, "Bob S." or no name at all.
    pub sparse_social: bool,
    /// Share of shared households with twins (same last name, address, phone and birth date).
    pub twins: f64,
    /// Share of shared households with a parent and a child of the same first and last name.
    pub juniors: f64,
}

impl Traps {
    /// The traps of each held-out base as described.
    pub fn for_shape(shape: BaseShape) -> Traps {
        match shape {
            BaseShape::CommonNames => Traps {
                name_pool: NamePool::Small {
                    first: 40,
                    last: 58,
                },
                household_share: 0.0,
                family_email_share: 0.0,
                nicknames: 0.0,
                typos: 0.0,
                last_first: 0.0,
                phone_formats: false,
                sparse_social: false,
                twins: 0.0,
                juniors: 0.0,
            },
            BaseShape::Households => Traps {
                name_pool: NamePool::Zipf {
                    first: 400,
                    last: 1_500,
                    exponent: 1.0,
                },
                household_share: 0.3,
                family_email_share: 0.3,
                nicknames: 0.15,
                typos: 0.05,
                last_first: 0.1,
                phone_formats: true,
                sparse_social: true,
                twins: 0.03,
                juniors: 0.05,
            },
        }
    }
}

/// What to generate: the same parameters always give the same bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomerBaseParams {
    pub shape: BaseShape,
    /// People behind the records (at most [`MAX_BASE_PEOPLE`]); each appears in at least one
    /// export.
    pub n_people: usize,
    pub seed: u64,
    pub traps: Traps,
}

/// A base's exports and the truth behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerBase {
    pub files: Vec<DemoFile>,
    pub truth: BaseTruth,
}

/// Who is behind every row of a base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BaseTruth {
    pub n_people: usize,
    /// Households, people living alone included (each their own).
    pub n_households: usize,
    /// Per file name, per data row in order: (person index, household index).
    pub rows: Vec<(String, Vec<(u32, u32)>)>,
}

impl BaseTruth {
    /// The truth of one file's rows.
    pub fn rows_of(&self, file_name: &str) -> Option<&[(u32, u32)]> {
        self.rows
            .iter()
            .find(|(name, _)| name == file_name)
            .map(|(_, rows)| rows.as_slice())
    }

    /// `source,record_id,person_id,household_id`, one line per row: `source` is the file name,
    /// `record_id` the 1-based data row (as `converge resolve` numbers records without an id
    /// column), the ids are the person and household indexes.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"source,record_id,person_id,household_id\n".to_vec();
        for (name, rows) in &self.rows {
            for (row_idx, (person, household)) in rows.iter().enumerate() {
                let mut line = String::with_capacity(name.len() + 24);
                line.push_str(name);
                line.push_str(&format!(",{},{person},{household}\n", row_idx + 1));
                out.extend_from_slice(line.as_bytes());
            }
        }
        out
    }
}

impl CustomerBaseParams {
    /// A base of `shape` with its held-out traps.
    pub fn new(shape: BaseShape, n_people: usize, seed: u64) -> CustomerBaseParams {
        CustomerBaseParams {
            shape,
            n_people,
            seed,
            traps: Traps::for_shape(shape),
        }
    }

    pub fn generate(&self) -> CustomerBase {
        let mut rng = Pcg64Mcg::seed_from_u64(self.seed);
        let pools = NamePools::new(self.traps.name_pool);
        let population = Population::new(&mut rng, self, &pools);
        let base = Base {
            traps: &self.traps,
            pools: &pools,
            people: &population.people,
            households: &population.households,
        };
        let specs = match self.shape {
            BaseShape::CommonNames => &COMMON_NAMES_SOURCES[..],
            BaseShape::Households => &HOUSEHOLD_SOURCES[..],
        };
        let plans = plan_rows(&mut rng, specs, &population.people);
        let mut taken = population.taken;
        let mut files = Vec::with_capacity(specs.len());
        let mut truth = BaseTruth {
            n_people: population.people.len(),
            n_households: population.households.len(),
            rows: Vec::with_capacity(specs.len()),
        };
        for (spec, plan) in specs.iter().zip(plans) {
            let mut writer = csv::WriterBuilder::new()
                .delimiter(spec.delimiter)
                .from_writer(Vec::with_capacity(plan.len() * 96 + 256));
            writer
                .write_record(spec.header)
                .expect("writing CSV into memory cannot fail");
            let mut cells: Vec<String> = Vec::with_capacity(spec.header.len());
            let mut rows = Vec::with_capacity(plan.len());
            for (row_idx, &(person_idx, copy)) in plan.iter().enumerate() {
                cells.clear();
                base.write_row(
                    &mut rng, &mut taken, spec.kind, row_idx, person_idx, copy, &mut cells,
                );
                debug_assert_eq!(cells.len(), spec.header.len(), "{}", spec.file);
                writer
                    .write_record(&cells)
                    .expect("writing CSV into memory cannot fail");
                let household = population.people[person_idx as usize].household;
                rows.push((person_idx, household));
            }
            let bytes = writer
                .into_inner()
                .expect("flushing CSV into memory cannot fail");
            files.push(DemoFile {
                name: spec.file.to_owned(),
                bytes,
            });
            truth.rows.push((spec.file.to_owned(), rows));
        }
        CustomerBase { files, truth }
    }
}

/// The systems that export a base, with what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    CommonCrm,
    CommonShop,
    CommonSupport,
    CommonSocial,
    HouseholdCrm,
    HouseholdOrders,
    HouseholdLoyalty,
    HouseholdSupport,
    HouseholdSocial,
}

struct SourceSpec {
    kind: SourceKind,
    file: &'static str,
    delimiter: u8,
    header: &'static [&'static str],
    /// Chance that a person is in the source at all (for social, that a person with a handle
    /// is).
    presence: f64,
    /// Chance of each further record of a person in the source (up to four).
    repeat: f64,
    /// Only people with a social handle appear.
    needs_handle: bool,
}

/// The first source of each shape is the one a person absent from every source is put in.
const COMMON_NAMES_SOURCES: [SourceSpec; 4] = [
    SourceSpec {
        kind: SourceKind::CommonCrm,
        file: "crm_contacts.csv",
        delimiter: b',',
        header: &[
            "customer_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "city",
            "date_of_birth",
            "social_handle",
        ],
        presence: 0.96,
        repeat: 0.06,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::CommonShop,
        file: "shop_orders.csv",
        delimiter: b',',
        header: &[
            "order_ref",
            "Name",
            "E-mail",
            "Telephone",
            "Town",
            "Ordered",
            "Total",
        ],
        presence: 0.6,
        repeat: 0.15,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::CommonSupport,
        file: "support_tickets.csv",
        delimiter: b',',
        header: &[
            "ticket",
            "contact_name",
            "contact_email",
            "contact_phone",
            "opened",
            "subject",
        ],
        presence: 0.4,
        repeat: 0.12,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::CommonSocial,
        file: "social_profiles.csv",
        delimiter: b',',
        header: &["handle", "display_name", "location", "followers"],
        presence: 0.8,
        repeat: 0.03,
        needs_handle: true,
    },
];

const HOUSEHOLD_SOURCES: [SourceSpec; 5] = [
    SourceSpec {
        kind: SourceKind::HouseholdCrm,
        file: "crm_customers.csv",
        delimiter: b',',
        header: &[
            "customer_no",
            "forename",
            "surname",
            "email",
            "mobile",
            "home_phone",
            "house_no",
            "street",
            "postcode",
            "town",
            "date_of_birth",
        ],
        presence: 0.72,
        repeat: 0.05,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::HouseholdOrders,
        file: "web_orders.csv",
        delimiter: b',',
        header: &[
            "order_number",
            "order_date",
            "customer_name",
            "email_address",
            "phone",
            "delivery_address",
            "postcode",
            "city",
            "total_gbp",
        ],
        presence: 0.5,
        repeat: 0.25,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::HouseholdLoyalty,
        file: "loyalty_members.csv",
        delimiter: b';',
        header: &[
            "member_id",
            "first",
            "last",
            "e_mail",
            "tel",
            "address_line_1",
            "zip",
            "birthday",
            "instagram",
            "joined",
        ],
        presence: 0.36,
        repeat: 0.03,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::HouseholdSupport,
        file: "support_cases.csv",
        delimiter: b',',
        header: &[
            "case_ref",
            "opened",
            "contact_name",
            "contact_email",
            "caller_phone",
            "postcode",
            "subject",
        ],
        presence: 0.26,
        repeat: 0.15,
        needs_handle: false,
    },
    SourceSpec {
        kind: SourceKind::HouseholdSocial,
        file: "social_accounts.csv",
        delimiter: b',',
        header: &["username", "display_name", "city", "followers"],
        presence: 0.66,
        repeat: 0.02,
        needs_handle: true,
    },
];

/// Per source, the (person, copy) behind each row, in the file's (shuffled) order.
fn plan_rows(rng: &mut Pcg64Mcg, specs: &[SourceSpec], people: &[Person]) -> Vec<Vec<(u32, u8)>> {
    let mut plans: Vec<Vec<(u32, u8)>> = specs
        .iter()
        .map(|spec| Vec::with_capacity((people.len() as f64 * spec.presence * 1.3) as usize + 1))
        .collect();
    for (person_idx, person) in people.iter().enumerate() {
        let mut n_records = 0;
        for (spec, plan) in specs.iter().zip(plans.iter_mut()) {
            if spec.needs_handle && person.handle.is_none() {
                continue;
            }
            if !chance(rng, spec.presence) {
                continue;
            }
            let mut copies = 1u8;
            while copies < 4 && chance(rng, spec.repeat) {
                copies += 1;
            }
            for copy in 0..copies {
                plan.push((person_idx as u32, copy));
            }
            n_records += usize::from(copies);
        }
        if n_records == 0 {
            if let Some(first) = plans.first_mut() {
                first.push((person_idx as u32, 0));
            }
        }
    }
    for plan in &mut plans {
        plan.shuffle(rng);
    }
    plans
}

/// `true` with probability `p`, clamped into 0..=1 (NaN is 0).
pub(super) fn chance(rng: &mut Pcg64Mcg, p: f64) -> bool {
    if p.is_nan() || p <= 0.0 {
        return false;
    }
    p >= 1.0 || rng.random_bool(p)
}

/// An index drawn with the given weights.
pub(super) fn weighted(rng: &mut Pcg64Mcg, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut ticket = rng.random_range(0..total);
    for (idx, weight) in weights.iter().enumerate() {
        if ticket < *weight {
            return idx;
        }
        ticket -= weight;
    }
    weights.len() - 1
}

fn pick<'a>(rng: &mut Pcg64Mcg, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

// ---------------------------------------------------------------------------------------------
// Names

struct GivenName {
    name: String,
    nicknames: &'static [&'static str],
}

/// The names of a base and how they are drawn.
struct NamePools {
    given: Vec<GivenName>,
    surnames: Vec<String>,
    given_picker: Picker,
    surname_picker: Picker,
}

/// Draws an index into a list of `n` names: uniformly, or the name of rank r with weight
/// 1 / r^exponent (Zipf).
pub(super) enum Picker {
    Uniform(u32),
    /// Cumulative weights, one per name.
    Cumulative(Vec<f64>),
}

impl Picker {
    pub(super) fn new(n: usize, exponent: Option<f64>) -> Picker {
        let Some(exponent) = exponent else {
            return Picker::Uniform(n as u32);
        };
        let exponent = if exponent.is_finite() {
            exponent.clamp(0.0, 8.0)
        } else {
            1.0
        };
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += (rank as f64).powf(-exponent);
                total
            })
            .collect();
        Picker::Cumulative(cumulative)
    }

    pub(super) fn pick(&self, rng: &mut Pcg64Mcg) -> u32 {
        match self {
            Picker::Uniform(n) => rng.random_range(0..(*n).max(1)),
            Picker::Cumulative(cumulative) => {
                let total = cumulative.last().copied().unwrap_or(0.0);
                let ticket = rng.random::<f64>() * total;
                let idx = cumulative.partition_point(|c| *c <= ticket);
                idx.min(cumulative.len().saturating_sub(1)) as u32
            }
        }
    }
}

impl NamePools {
    fn new(pool: NamePool) -> NamePools {
        let (n_given, n_surnames, exponent) = match pool {
            NamePool::Small { first, last } => (first, last, None),
            NamePool::Zipf {
                first,
                last,
                exponent,
            } => (first, last, Some(exponent)),
        };
        let n_given = n_given.clamp(1, MAX_POOL_NAMES);
        let n_surnames = n_surnames.clamp(1, MAX_POOL_NAMES);
        NamePools {
            given: given_pool(n_given),
            surnames: surname_pool(n_surnames),
            given_picker: Picker::new(n_given, exponent),
            surname_picker: Picker::new(n_surnames, exponent),
        }
    }
}

/// The `n` most common given names: the real ones, then invented ones (Belra, Kaien) for a
/// large pool's tail.
fn given_pool(n: usize) -> Vec<GivenName> {
    let mut seen: FastSet<String> = FastSet::default();
    let mut names = Vec::with_capacity(n);
    for (name, nicknames) in GIVEN_NAMES {
        if names.len() == n {
            return names;
        }
        if seen.insert((*name).to_owned()) {
            names.push(GivenName {
                name: (*name).to_owned(),
                nicknames,
            });
        }
    }
    let mut k = 0u64;
    while names.len() < n {
        let ending = GIVEN_ENDINGS[(k % GIVEN_ENDINGS.len() as u64) as usize];
        let name = capitalise(&(syllables(k / GIVEN_ENDINGS.len() as u64) + ending));
        k += 1;
        if seen.insert(name.clone()) {
            names.push(GivenName {
                name,
                nicknames: &[],
            });
        }
    }
    names
}

/// The `n` most common surnames: the real ones, then place-name compounds (Ashworth,
/// Thornbury), then invented ones.
fn surname_pool(n: usize) -> Vec<String> {
    let mut seen: FastSet<String> = FastSet::default();
    let mut names = Vec::with_capacity(n);
    let compounds = (0..SURNAME_STARTS.len() * SURNAME_ENDS.len()).map(|k| {
        let start = SURNAME_STARTS[k % SURNAME_STARTS.len()];
        let end = SURNAME_ENDS[k / SURNAME_STARTS.len()];
        format!("{start}{end}")
    });
    let invented = (0u64..).map(|k| {
        let end = SURNAME_ENDS[(k % SURNAME_ENDS.len() as u64) as usize];
        capitalise(&(syllables(k / SURNAME_ENDS.len() as u64) + end))
    });
    let candidates = SURNAMES
        .iter()
        .map(|name| (*name).to_owned())
        .chain(compounds)
        .chain(invented);
    for name in candidates {
        if names.len() == n {
            break;
        }
        if seen.insert(name.clone()) {
            names.push(name);
        }
    }
    names
}

/// One or more syllables for a number, a different sequence for every number (bijective base).
fn syllables(mut k: u64) -> String {
    let base = GIVEN_SYLLABLES.len() as u64;
    let mut out = String::new();
    loop {
        out.push_str(GIVEN_SYLLABLES[(k % base) as usize]);
        k /= base;
        if k == 0 {
            return out;
        }
        k -= 1;
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A name as it appears in an e-mail address or handle: lower case, accents and punctuation
/// gone (`O'Brien` → `obrien`, `Zoë` → `zoe`).
fn mail_name(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ë' | 'ê' => Some('e'),
            'á' | 'à' | 'ä' => Some('a'),
            'í' | 'ï' => Some('i'),
            'ó' | 'ö' => Some('o'),
            'ú' | 'ü' => Some('u'),
            'ñ' => Some('n'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// One typo: two neighbouring letters swapped, a letter dropped, doubled or replaced by a
/// neighbour on the keyboard. Names shorter than three letters are left alone.
fn typo(rng: &mut Pcg64Mcg, value: &str) -> String {
    let mut chars: Vec<char> = value.chars().collect();
    if chars.len() < 3 {
        return value.to_owned();
    }
    // Not the first letter: people rarely get that wrong, and blocking often keys on it.
    let at = rng.random_range(1..chars.len());
    match rng.random_range(0..4) {
        0 if at + 1 < chars.len() => chars.swap(at, at + 1),
        0 | 1 => {
            chars.remove(at);
        }
        2 => chars.insert(at, chars[at]),
        _ => chars[at] = keyboard_neighbour(rng, chars[at]),
    }
    chars.into_iter().collect()
}

fn keyboard_neighbour(rng: &mut Pcg64Mcg, c: char) -> char {
    const ROWS: [&str; 3] = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];
    let lower = c.to_ascii_lowercase();
    for row in ROWS {
        if let Some(pos) = row.find(lower) {
            let bytes = row.as_bytes();
            let next = if pos + 1 < bytes.len() && (pos == 0 || rng.random_bool(0.5)) {
                bytes[pos + 1]
            } else {
                bytes[pos - 1]
            };
            let next = char::from(next);
            return if c.is_uppercase() {
                next.to_ascii_uppercase()
            } else {
                next
            };
        }
    }
    'e'
}

// ---------------------------------------------------------------------------------------------
// People and households

/// A phone number: its national significant number (ten digits, without the trunk 0) and
/// how many of them are the area code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Phone {
    digits: u64,
    area_len: u8,
}

#[derive(Debug, Clone)]
struct Address {
    number: u16,
    /// Index into the street names × kinds.
    street: u16,
    town: u8,
    postcode: String,
}

#[derive(Debug, Clone)]
struct Person {
    household: u32,
    given: u32,
    surname: u32,
    /// Days since 1970-01-01.
    birth_day: i32,
    email: Option<String>,
    /// A work or old address, given in some records instead of `email`.
    other_email: Option<String>,
    mobile: Option<Phone>,
    /// A work phone or old mobile.
    other_phone: Option<Phone>,
    handle: Option<String>,
}

#[derive(Debug, Clone)]
struct Household {
    address: Address,
    landline: Option<Phone>,
    family_email: Option<String>,
}

/// Identifier values given out so far, so that no two people or households share one by
/// accident (a collision would be a trap the truth does not know about).
#[derive(Default)]
struct Taken {
    emails: FastSet<String>,
    handles: FastSet<String>,
    /// Phones by their last nine digits, as resolution compares them.
    phones: FastSet<u64>,
    addresses: FastSet<u64>,
}

/// What a member of a shared household is to its first member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Head,
    Partner,
    Child,
    Flatmate,
}

struct Population {
    people: Vec<Person>,
    households: Vec<Household>,
    taken: Taken,
}

impl Population {
    fn new(rng: &mut Pcg64Mcg, params: &CustomerBaseParams, pools: &NamePools) -> Population {
        let n_people = params.n_people.min(MAX_BASE_PEOPLE);
        let traps = &params.traps;
        let sizes = household_sizes(rng, n_people, traps.household_share);
        let town_weights: Vec<u32> = TOWNS.iter().map(|(_, _, _, weight)| *weight).collect();
        let mut population = Population {
            people: Vec::with_capacity(n_people),
            households: Vec::with_capacity(sizes.len()),
            taken: Taken::default(),
        };
        // People living alone have a landline less often than families, and in the
        // common-names shape nobody gives one: a person there is known by mobile and e-mail.
        let (single_landline, shared_landline) = match params.shape {
            BaseShape::CommonNames => (0.0, 0.0),
            BaseShape::Households => (0.45, 0.95),
        };
        let handle_share = match params.shape {
            BaseShape::CommonNames => 0.5,
            BaseShape::Households => 0.45,
        };
        for size in sizes {
            let household_idx = population.households.len() as u32;
            let town = weighted(rng, &town_weights) as u8;
            let address = population.address(rng, town);
            let shared = size > 1;
            let landline = chance(
                rng,
                if shared {
                    shared_landline
                } else {
                    single_landline
                },
            )
            .then(|| population.landline(rng, town));
            let twins = shared && chance(rng, traps.twins);
            let junior = shared && chance(rng, traps.juniors) && !(twins && size == 2);
            let family_email = shared && chance(rng, traps.family_email_share);
            let roles = roles(rng, size, twins, junior, family_email);
            let members = members(rng, pools, &roles, twins, junior);
            let first_member = population.people.len();
            for (given, surname, birth_day) in members {
                let person = population.person(
                    rng,
                    household_idx,
                    given,
                    surname,
                    birth_day,
                    handle_share,
                    pools,
                );
                population.people.push(person);
            }
            let family_email = family_email.then(|| {
                let members = &population.people[first_member..];
                let surname = &pools.surnames[members[0].surname as usize];
                let givens: Vec<&str> = members
                    .iter()
                    .map(|p| pools.given[p.given as usize].name.as_str())
                    .collect();
                family_email_address(rng, &mut population.taken, surname, &givens)
            });
            if family_email.is_some() {
                // Some members of a family with one address have no other.
                for person in &mut population.people[first_member..] {
                    if chance(rng, 0.4) {
                        person.email = None;
                    }
                }
            }
            population.households.push(Household {
                address,
                landline,
                family_email,
            });
        }
        population
    }

    fn address(&mut self, rng: &mut Pcg64Mcg, town: u8) -> Address {
        let n_streets = (STREET_NAMES.len() * STREET_KINDS.len()) as u16;
        let mut max_number = 200u16;
        loop {
            for _ in 0..16 {
                let street = rng.random_range(0..n_streets);
                let number = rng.random_range(1..=max_number);
                let key = u64::from(town) << 32 | u64::from(street) << 16 | u64::from(number);
                if self.taken.addresses.insert(key) {
                    return Address {
                        number,
                        street,
                        town,
                        postcode: postcode(town, street, number),
                    };
                }
            }
            // The town's streets are full up to here: build further along them.
            max_number = max_number.saturating_add(200).min(u16::MAX - 1);
        }
    }

    fn landline(&mut self, rng: &mut Pcg64Mcg, town: u8) -> Phone {
        let area = TOWNS.get(usize::from(town)).map_or("20", |t| t.1);
        let area_len = area.len() as u8;
        let area_digits: u64 = area.parse().unwrap_or(20);
        let rest_len = 10 - u32::from(area_len);
        let scale = 10u64.pow(rest_len);
        self.unique_phone(rng, |rng| Phone {
            // Local numbers start with 2 to 9.
            digits: area_digits * scale + rng.random_range(2 * scale / 10..scale),
            area_len,
        })
    }

    fn mobile(&mut self, rng: &mut Pcg64Mcg) -> Phone {
        self.unique_phone(rng, |rng| Phone {
            digits: 7_000_000_000 + rng.random_range(400_000_000..1_000_000_000),
            area_len: 4,
        })
    }

    fn unique_phone(
        &mut self,
        rng: &mut Pcg64Mcg,
        mut draw: impl FnMut(&mut Pcg64Mcg) -> Phone,
    ) -> Phone {
        loop {
            let phone = draw(rng);
            if self.taken.phones.insert(phone.digits % 1_000_000_000) {
                return phone;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn person(
        &mut self,
        rng: &mut Pcg64Mcg,
        household: u32,
        given: u32,
        surname: u32,
        birth_day: i32,
        handle_share: f64,
        pools: &NamePools,
    ) -> Person {
        let given_name = pools.given[given as usize].name.as_str();
        let surname_name = pools.surnames[surname as usize].as_str();
        let birth_year = year_of(birth_day);
        let email = chance(rng, 0.93).then(|| {
            personal_email(
                rng,
                &mut self.taken,
                given_name,
                surname_name,
                birth_year,
                MAIL_PROVIDERS,
            )
        });
        let other_email = chance(rng, 0.35).then(|| {
            if chance(rng, 0.5) {
                work_email(rng, &mut self.taken, given_name, surname_name)
            } else {
                personal_email(
                    rng,
                    &mut self.taken,
                    given_name,
                    surname_name,
                    birth_year,
                    OLD_MAIL_PROVIDERS,
                )
            }
        });
        let mobile_share = if birth_year < 1950 { 0.65 } else { 0.92 };
        let mobile = chance(rng, mobile_share).then(|| self.mobile(rng));
        let other_phone = chance(rng, 0.25).then(|| self.mobile(rng));
        let handle = chance(rng, handle_share)
            .then(|| new_handle(rng, &mut self.taken, given_name, surname_name, birth_year));
        Person {
            household,
            given,
            surname,
            birth_day,
            email,
            other_email,
            mobile,
            other_phone,
            handle,
        }
    }
}

/// Household sizes in a shuffled order: `share` of the people in households of two to four,
/// the others alone.
pub(super) fn household_sizes(rng: &mut Pcg64Mcg, n_people: usize, share: f64) -> Vec<u8> {
    let share = if share.is_nan() {
        0.0
    } else {
        share.clamp(0.0, 1.0)
    };
    let target = ((n_people as f64 * share).round() as usize).min(n_people);
    let mut sizes: Vec<u8> = Vec::with_capacity(n_people - target / 2);
    let mut shared = 0usize;
    while shared < target {
        let left = target - shared;
        if left == 1 {
            // One person short: a household of two or three grows by one, or they live alone.
            if let Some(last) = sizes.last_mut().filter(|size| **size < 4) {
                *last += 1;
                shared += 1;
            }
            break;
        }
        let size = [2u8, 3, 4][weighted(rng, &[40, 30, 30])].min(left.min(4) as u8);
        sizes.push(size);
        shared += usize::from(size);
    }
    sizes.extend(std::iter::repeat_n(1, n_people - shared));
    sizes.shuffle(rng);
    sizes
}

/// Who lives in a shared household of `size`, so that twins, a junior and a family e-mail
/// have the family they need.
fn roles(rng: &mut Pcg64Mcg, size: u8, twins: bool, junior: bool, family: bool) -> Vec<Role> {
    use Role::*;
    let family = family || twins || junior;
    match size {
        0 | 1 => vec![Head],
        2 if twins => vec![Child, Child],
        2 if junior => vec![Head, Child],
        2 => match weighted(rng, &[55, 30, if family { 0 } else { 15 }]) {
            0 => vec![Head, Partner],
            1 => vec![Head, Child],
            _ => vec![Flatmate, Flatmate],
        },
        _ => {
            let n_children = usize::from(size) - 2;
            // Twins need two children: in a household of three, a parent and the twins.
            let couple = if twins && n_children < 2 { 0 } else { 60 };
            match weighted(rng, &[couple, 25, if family { 0 } else { 15 }]) {
                0 => [Head, Partner]
                    .into_iter()
                    .chain(std::iter::repeat_n(Child, n_children))
                    .collect(),
                1 => std::iter::once(Head)
                    .chain(std::iter::repeat_n(Child, n_children + 1))
                    .collect(),
                _ => vec![Flatmate; usize::from(size)],
            }
        }
    }
}

/// Each member's (given name, surname, birth day).
fn members(
    rng: &mut Pcg64Mcg,
    pools: &NamePools,
    roles: &[Role],
    twins: bool,
    junior: bool,
) -> Vec<(u32, u32, i32)> {
    let has_children = roles.contains(&Role::Child);
    let has_head = roles.contains(&Role::Head);
    let family_surname = pools.surname_picker.pick(rng);
    let partner_surname = pools.surname_picker.pick(rng);
    let head_birth = match (roles.len(), has_head, has_children) {
        (1, _, _) => day_in_years(rng, 1938, 2006),
        (_, true, true) => day_in_years(rng, 1940, 1980),
        (_, true, false) => day_in_years(rng, 1945, 2000),
        // Grown-up siblings or flatmates.
        _ => day_in_years(rng, 1962, 2004),
    };
    // Every customer is an adult: children are born by the end of 2006.
    let latest_birth = days_of(2006, 12, 31);
    let mut members: Vec<(u32, u32, i32)> = Vec::with_capacity(roles.len());
    let n_children = roles.iter().filter(|role| **role == Role::Child).count();
    let mut children_seen = 0;
    for role in roles {
        let surname = match role {
            Role::Head => family_surname,
            Role::Partner if chance(rng, 0.2) => partner_surname,
            Role::Partner => family_surname,
            Role::Child if chance(rng, 0.1) => partner_surname,
            Role::Child => family_surname,
            Role::Flatmate => pools.surname_picker.pick(rng),
        };
        let birth_day = match role {
            Role::Head => head_birth,
            Role::Partner => head_birth + rng.random_range(-6 * 365..=6 * 365),
            Role::Child if !has_head => head_birth,
            Role::Child => {
                let earliest = head_birth + 20 * 365;
                rng.random_range(earliest..=(head_birth + 38 * 365).min(latest_birth).max(earliest))
            }
            Role::Flatmate => day_in_years(rng, 1975, 2004),
        };
        // Twins are the last two children (roles() gives twins two).
        let twin_of =
            (twins && *role == Role::Child && n_children >= 2 && children_seen == n_children - 1)
                .then(|| members.last().copied())
                .flatten();
        let given = if junior && *role == Role::Child && children_seen == 0 && has_head {
            members.first().map_or(0, |head| head.0)
        } else {
            // Family members have different first names (twins especially).
            let mut given = pools.given_picker.pick(rng);
            for _ in 0..20 {
                if members.iter().all(|m| m.0 != given) {
                    break;
                }
                given = pools.given_picker.pick(rng);
            }
            given
        };
        members.push(match twin_of {
            Some((_, twin_surname, twin_birth)) => (given, twin_surname, twin_birth),
            None => (given, surname, birth_day),
        });
        if *role == Role::Child {
            children_seen += 1;
        }
    }
    members
}

/// A postcode that is the same for every house on one stretch of a street (`M14 5RT`).
fn postcode(town: u8, street: u16, number: u16) -> String {
    const INWARD: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
    let hash = splitmix(u64::from(town) << 40 | u64::from(street) << 20 | u64::from(number / 40));
    let prefixes = TOWNS.get(usize::from(town)).map_or(&["E"][..], |t| t.2);
    let prefix = prefixes[(hash % prefixes.len() as u64) as usize];
    let district = 1 + (hash >> 8) % 28;
    let sector = (hash >> 16) % 10;
    let a = INWARD[((hash >> 24) % INWARD.len() as u64) as usize] as char;
    let b = INWARD[((hash >> 32) % INWARD.len() as u64) as usize] as char;
    format!("{prefix}{district} {sector}{a}{b}")
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A value nobody has yet: `draw(rng, attempt)` is asked again (with a larger attempt, for a
/// longer number) until it gives one.
fn unique(
    rng: &mut Pcg64Mcg,
    taken: &mut FastSet<String>,
    mut draw: impl FnMut(&mut Pcg64Mcg, u32) -> String,
) -> String {
    let mut attempt = 0u32;
    loop {
        let candidate = draw(rng, attempt);
        if !taken.contains(&candidate) {
            taken.insert(candidate.clone());
            return candidate;
        }
        attempt = attempt.saturating_add(1);
    }
}

/// A number to tell one address from another with the same name, longer the more attempts
/// failed.
fn suffix(rng: &mut Pcg64Mcg, attempt: u32) -> String {
    if attempt == 0 {
        return String::new();
    }
    let top = 10u32.saturating_pow(attempt.min(8) + 1);
    rng.random_range(1..top).to_string()
}

fn personal_email(
    rng: &mut Pcg64Mcg,
    taken: &mut Taken,
    given: &str,
    surname: &str,
    birth_year: i32,
    providers: &[&str],
) -> String {
    let (first, last) = (mail_name(given), mail_name(surname));
    let initial = first.chars().next().unwrap_or('x');
    let yy = birth_year.rem_euclid(100);
    let pattern = weighted(rng, &[14, 20, 12, 12, 8, 6, 8, 14, 6]);
    let provider = pick(rng, providers);
    unique(rng, &mut taken.emails, |rng, attempt| {
        let n = suffix(rng, attempt);
        let local = match pattern {
            0 => format!("{first}.{last}{n}"),
            1 => format!("{first}.{last}{}{n}", rng.random_range(1..100)),
            2 => format!("{first}{last}{yy:02}{n}"),
            3 => format!("{initial}{last}{n}"),
            4 => format!("{first}_{last}{n}"),
            5 => format!("{last}.{first}{n}"),
            6 => format!("{first}{yy:02}{n}"),
            7 => format!(
                "{}{}{}{n}",
                pick(rng, HANDLE_WORDS),
                pick(rng, HANDLE_WORDS),
                rng.random_range(1..100)
            ),
            _ => format!("{initial}.{last}{}{n}", rng.random_range(1..1000)),
        };
        format!("{local}@{provider}")
    })
}

fn work_email(rng: &mut Pcg64Mcg, taken: &mut Taken, given: &str, surname: &str) -> String {
    let (first, last) = (mail_name(given), mail_name(surname));
    let initial = first.chars().next().unwrap_or('x');
    let pattern = rng.random_range(0..3);
    let employer = pick(rng, EMPLOYERS);
    unique(rng, &mut taken.emails, |rng, attempt| {
        let n = suffix(rng, attempt);
        let local = match pattern {
            0 => format!("{first}.{last}{n}"),
            1 => format!("{initial}.{last}{n}"),
            _ => format!("{first}{}{n}", last.chars().next().unwrap_or('x')),
        };
        format!("{local}@{employer}")
    })
}

fn family_email_address(
    rng: &mut Pcg64Mcg,
    taken: &mut Taken,
    surname: &str,
    givens: &[&str],
) -> String {
    let last = mail_name(surname);
    let first = givens.first().map(|g| mail_name(g)).unwrap_or_default();
    let second = givens.get(1).map(|g| mail_name(g)).unwrap_or_default();
    let pattern = rng.random_range(0..4);
    let provider = pick(rng, MAIL_PROVIDERS);
    unique(rng, &mut taken.emails, |rng, attempt| {
        let n = suffix(rng, attempt);
        let local = match pattern {
            0 => format!("the{last}s{n}"),
            1 => format!("{last}family{n}"),
            2 => format!("{first}and{second}{n}"),
            _ => format!("{last}.home{n}"),
        };
        format!("{local}@{provider}")
    })
}

fn new_handle(
    rng: &mut Pcg64Mcg,
    taken: &mut Taken,
    given: &str,
    surname: &str,
    birth_year: i32,
) -> String {
    let (first, last) = (mail_name(given), mail_name(surname));
    let pattern = weighted(rng, &[25, 20, 15, 25, 15]);
    unique(rng, &mut taken.handles, |rng, attempt| {
        let n = suffix(rng, attempt);
        match pattern {
            0 => format!("{first}{last}{n}"),
            1 => format!("{first}_{}{n}", last.chars().next().unwrap_or('x')),
            2 => format!("{first}{}{n}", birth_year.rem_euclid(100)),
            3 => format!("{}_{}{n}", pick(rng, HANDLE_WORDS), pick(rng, HANDLE_WORDS)),
            _ => format!("the_real_{first}{n}"),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Dates

fn days_of(year: i32, month: u32, day: u32) -> i32 {
    chrono::NaiveDate::from_ymd_opt(year, month, day).map_or(0, |date| {
        chrono::Datelike::num_days_from_ce(&date) - crate::table::EPOCH_DAYS_FROM_CE
    })
}

/// A day from 1 January of `from` to 31 December of `to`.
fn day_in_years(rng: &mut Pcg64Mcg, from: i32, to: i32) -> i32 {
    let start = days_of(from, 1, 1);
    let end = days_of(to, 12, 31).max(start);
    rng.random_range(start..=end)
}

fn date_of(day: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(day + crate::table::EPOCH_DAYS_FROM_CE)
}

fn year_of(day: i32) -> i32 {
    date_of(day).map_or(1970, |date| chrono::Datelike::year(&date))
}

/// The day the exports were taken (2026-11-01, as the demo company's): orders, tickets and
/// sign-ups lie before it. Fixed, because the core reads no clock.
const EXPORT_DAY: i32 = 20_758;

/// A day in the `years` before the export.
fn recent_day(rng: &mut Pcg64Mcg, years: i32) -> i32 {
    EXPORT_DAY - rng.random_range(1..=365 * years.max(1))
}

/// `1985-03-14`.
fn iso_date(day: i32) -> String {
    date_of(day).map_or_else(String::new, |date| date.format("%Y-%m-%d").to_string())
}

/// `14/03/1985`.
fn dmy_date(day: i32) -> String {
    date_of(day).map_or_else(String::new, |date| date.format("%d/%m/%Y").to_string())
}

// ---------------------------------------------------------------------------------------------
// Records

/// Everything a row is written from.
struct Base<'a> {
    traps: &'a Traps,
    pools: &'a NamePools,
    people: &'a [Person],
    households: &'a [Household],
}

/// How often a source writes each of a person's e-mails: (personal, family, other, none).
type EmailMix = [u32; 4];
/// How often a source writes each phone: (mobile, landline, other, none).
type PhoneMix = [u32; 4];

impl Base<'_> {
    #[allow(clippy::too_many_arguments)]
    fn write_row(
        &self,
        rng: &mut Pcg64Mcg,
        taken: &mut Taken,
        kind: SourceKind,
        row_idx: usize,
        person_idx: u32,
        copy: u8,
        cells: &mut Vec<String>,
    ) {
        let person = &self.people[person_idx as usize];
        let household = &self.households[person.household as usize];
        let town = TOWNS
            .get(usize::from(household.address.town))
            .map_or("", |t| t.0);
        let or_empty = |rng: &mut Pcg64Mcg, p: f64, value: &str| {
            if chance(rng, p) {
                value.to_owned()
            } else {
                String::new()
            }
        };
        match kind {
            SourceKind::CommonCrm => {
                // A second CRM record is a re-registration, usually with another address.
                let emails = if copy == 0 {
                    [88, 0, 7, 5]
                } else {
                    [30, 0, 50, 20]
                };
                cells.push(format!("CRM-{:06}", row_idx + 1));
                cells.push(self.given_name(rng, person));
                cells.push(self.surname(rng, person));
                cells.push(self.email(rng, person, emails));
                cells.push(self.phone(rng, person, [75, 0, 8, 17]));
                cells.push(or_empty(rng, 0.9, town));
                cells.push(if chance(rng, 0.45) {
                    iso_date(person.birth_day)
                } else {
                    String::new()
                });
                cells.push(match &person.handle {
                    Some(handle) if chance(rng, 0.75) => format!("@{handle}"),
                    _ => String::new(),
                });
            }
            SourceKind::CommonShop => {
                cells.push(format!("ORD-{}", 55_001 + row_idx));
                cells.push(self.full_name(rng, person));
                cells.push(self.email(rng, person, [85, 0, 10, 5]));
                cells.push(self.phone(rng, person, [50, 0, 10, 40]));
                cells.push(or_empty(rng, 0.8, town));
                cells.push(dmy_date(recent_day(rng, 2)));
                cells.push(amount(rng));
            }
            SourceKind::CommonSupport => {
                cells.push(format!("T-{}", 9_001 + row_idx));
                let name = self.full_name(rng, person);
                cells.push(or_empty(rng, 0.95, &name));
                cells.push(self.email(rng, person, [70, 0, 15, 15]));
                cells.push(self.phone(rng, person, [55, 0, 10, 35]));
                cells.push(timestamp(rng));
                cells.push(pick(rng, SUPPORT_SUBJECTS).to_owned());
            }
            SourceKind::CommonSocial => {
                cells.push(self.social_handle(rng, taken, person, copy));
                cells.push(self.display_name(rng, person));
                cells.push(or_empty(rng, 0.6, town));
                cells.push(followers(rng));
            }
            SourceKind::HouseholdCrm => {
                let address = &household.address;
                cells.push(format!("C{:07}", row_idx + 1));
                cells.push(self.given_name(rng, person));
                cells.push(self.surname(rng, person));
                cells.push(self.email(rng, person, [70, 20, 5, 5]));
                cells.push(self.phone(rng, person, [85, 0, 0, 15]));
                cells.push(self.phone(rng, person, [0, 75, 0, 25]));
                if chance(rng, 0.95) {
                    cells.push(address.number.to_string());
                    cells.push(self.street(rng, address));
                    cells.push(address.postcode.clone());
                    cells.push(town.to_owned());
                } else {
                    cells.extend(std::iter::repeat_n(String::new(), 4));
                }
                cells.push(if chance(rng, 0.75) {
                    iso_date(person.birth_day)
                } else {
                    String::new()
                });
            }
            SourceKind::HouseholdOrders => {
                let address = &household.address;
                cells.push(format!("WO-{}", 1_000_001 + row_idx));
                cells.push(iso_date(recent_day(rng, 2)));
                cells.push(self.full_name(rng, person));
                cells.push(self.email(rng, person, [60, 25, 10, 5]));
                cells.push(self.phone(rng, person, [40, 50, 0, 10]));
                cells.push(format!("{} {}", address.number, self.street(rng, address)));
                cells.push(address.postcode.clone());
                cells.push(town.to_owned());
                cells.push(amount(rng));
            }
            SourceKind::HouseholdLoyalty => {
                let address = &household.address;
                cells.push(format!("LM{:06}", row_idx + 1));
                cells.push(self.given_name(rng, person));
                cells.push(self.surname(rng, person));
                cells.push(self.email(rng, person, [65, 22, 5, 8]));
                cells.push(self.phone(rng, person, [35, 55, 0, 10]));
                cells.push(if chance(rng, 0.8) {
                    format!("{} {}", address.number, self.street(rng, address))
                } else {
                    String::new()
                });
                cells.push(or_empty(rng, 0.85, &address.postcode));
                cells.push(if chance(rng, 0.6) {
                    dmy_date(person.birth_day)
                } else {
                    String::new()
                });
                cells.push(match &person.handle {
                    Some(handle) if chance(rng, 0.25) => handle.clone(),
                    _ => String::new(),
                });
                cells.push(iso_date(recent_day(rng, 7)));
            }
            SourceKind::HouseholdSupport => {
                cells.push(format!("CASE-{:06}", row_idx + 1));
                cells.push(timestamp(rng));
                let name = self.full_name(rng, person);
                cells.push(or_empty(rng, 0.9, &name));
                cells.push(self.email(rng, person, [50, 20, 10, 20]));
                cells.push(self.phone(rng, person, [35, 50, 5, 10]));
                cells.push(or_empty(rng, 0.4, &household.address.postcode));
                cells.push(pick(rng, SUPPORT_SUBJECTS).to_owned());
            }
            SourceKind::HouseholdSocial => {
                cells.push(self.social_handle(rng, taken, person, copy));
                cells.push(self.display_name(rng, person));
                cells.push(or_empty(rng, 0.55, town));
                cells.push(followers(rng));
            }
        }
    }

    /// The first name as this record writes it: sometimes a nickname, sometimes with a typo.
    fn given_name(&self, rng: &mut Pcg64Mcg, person: &Person) -> String {
        let given = &self.pools.given[person.given as usize];
        let name = if !given.nicknames.is_empty() && chance(rng, self.traps.nicknames) {
            pick(rng, given.nicknames)
        } else {
            given.name.as_str()
        };
        self.maybe_typo(rng, name)
    }

    fn surname(&self, rng: &mut Pcg64Mcg, person: &Person) -> String {
        self.maybe_typo(rng, &self.pools.surnames[person.surname as usize])
    }

    fn maybe_typo(&self, rng: &mut Pcg64Mcg, value: &str) -> String {
        if chance(rng, self.traps.typos) {
            typo(rng, value)
        } else {
            value.to_owned()
        }
    }

    /// `John Smith`, or last name first: `Smith, John` or `SMITH John`.
    fn full_name(&self, rng: &mut Pcg64Mcg, person: &Person) -> String {
        let given = self.given_name(rng, person);
        let surname = self.surname(rng, person);
        if chance(rng, self.traps.last_first) {
            if chance(rng, 0.5) {
                format!("{surname}, {given}")
            } else {
                format!("{} {given}", surname.to_uppercase())
            }
        } else {
            format!("{given} {surname}")
        }
    }

    /// A social profile's name: the full name, or with sparse profiles sometimes only the first
    /// name, `Bob S.` or nothing.
    fn display_name(&self, rng: &mut Pcg64Mcg, person: &Person) -> String {
        if !self.traps.sparse_social {
            return self.full_name(rng, person);
        }
        match weighted(rng, &[45, 25, 20, 10]) {
            0 => self.full_name(rng, person),
            1 => self.given_name(rng, person),
            2 => {
                let initial = self.pools.surnames[person.surname as usize]
                    .chars()
                    .next()
                    .unwrap_or('X');
                format!("{} {initial}.", self.given_name(rng, person))
            }
            _ => String::new(),
        }
    }

    /// The person's handle, or for a second profile a handle of its own that nothing else
    /// knows.
    fn social_handle(
        &self,
        rng: &mut Pcg64Mcg,
        taken: &mut Taken,
        person: &Person,
        copy: u8,
    ) -> String {
        match (&person.handle, copy) {
            (Some(handle), 0) => handle.clone(),
            _ => {
                let given = &self.pools.given[person.given as usize].name;
                let surname = &self.pools.surnames[person.surname as usize];
                new_handle(rng, taken, given, surname, year_of(person.birth_day))
            }
        }
    }

    fn email(&self, rng: &mut Pcg64Mcg, person: &Person, mix: EmailMix) -> String {
        let family = self.households[person.household as usize]
            .family_email
            .as_ref();
        let choice = match weighted(rng, &mix) {
            0 => person
                .email
                .as_ref()
                .or(family)
                .or(person.other_email.as_ref()),
            1 => family.or(person.email.as_ref()),
            2 => person
                .other_email
                .as_ref()
                .or(person.email.as_ref())
                .or(family),
            _ => None,
        };
        choice.cloned().unwrap_or_default()
    }

    fn phone(&self, rng: &mut Pcg64Mcg, person: &Person, mix: PhoneMix) -> String {
        let landline = self.households[person.household as usize].landline.as_ref();
        let choice = match weighted(rng, &mix) {
            0 => person.mobile.as_ref().or(landline),
            1 => landline.or(person.mobile.as_ref()),
            2 => person.other_phone.as_ref().or(person.mobile.as_ref()),
            _ => None,
        };
        let Some(phone) = choice else {
            return String::new();
        };
        let style = if self.traps.phone_formats {
            rng.random_range(0..8)
        } else {
            0
        };
        phone_text(*phone, style)
    }

    fn street(&self, rng: &mut Pcg64Mcg, address: &Address) -> String {
        let street = usize::from(address.street);
        let name = STREET_NAMES[street / STREET_KINDS.len() % STREET_NAMES.len()];
        let kind = STREET_KINDS[street % STREET_KINDS.len()];
        format!("{} {kind}", self.maybe_typo(rng, name))
    }
}

/// A UK number in one of the ways people write it (0: `020 7946 0123`, the national form).
fn phone_text(phone: Phone, style: u8) -> String {
    let digits = format!("{:010}", phone.digits);
    let (area, rest) = digits.split_at(usize::from(phone.area_len).min(digits.len()));
    // `020 7946 0123`, `0161 496 0123`, `01273 123456`, `07700 900123`.
    let (head, tail) = match rest.len() {
        8 => rest.split_at(4),
        7 => rest.split_at(3),
        _ => (rest, ""),
    };
    let join = |separator: &str| {
        if tail.is_empty() {
            head.to_owned()
        } else {
            format!("{head}{separator}{tail}")
        }
    };
    match style {
        0 => format!("0{area} {}", join(" ")),
        1 => format!("+44 {area} {}", join(" ")),
        2 => format!("(0{area}) {}", join("-")),
        3 => {
            let (start, last_four) = rest.split_at(rest.len().saturating_sub(4));
            format!("0044{area}{start} {last_four}")
        }
        4 => format!("0{area}{rest}"),
        5 => format!("+44{area}{rest}"),
        6 => format!("0{area}-{}", join("-")),
        _ => format!("+44 (0){area} {}", join(" ")),
    }
}

fn amount(rng: &mut Pcg64Mcg) -> String {
    let pence: u32 = rng.random_range(499..25_000);
    format!("{}.{:02}", pence / 100, pence % 100)
}

fn followers(rng: &mut Pcg64Mcg) -> String {
    let scale = [100u32, 1_000, 10_000][weighted(rng, &[70, 25, 5])];
    rng.random_range(0..scale).to_string()
}

/// A time in the last year: `2026-03-14 10:22`.
fn timestamp(rng: &mut Pcg64Mcg) -> String {
    let day = recent_day(rng, 1);
    format!(
        "{} {:02}:{:02}",
        iso_date(day),
        rng.random_range(8..20),
        rng.random_range(0..60)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_phone(phone: Phone, expect: [&str; 8]) {
        for (style, expected) in expect.iter().enumerate() {
            assert_eq!(phone_text(phone, style as u8), *expected, "style {style}");
        }
    }

    #[test]
    fn phones_are_written_the_ways_people_write_them() {
        check_phone(
            Phone {
                digits: 2_079_460_123,
                area_len: 2,
            },
            [
                "020 7946 0123",
                "+44 20 7946 0123",
                "(020) 7946-0123",
                "0044207946 0123",
                "02079460123",
                "+442079460123",
                "020-7946-0123",
                "+44 (0)20 7946 0123",
            ],
        );
        assert_eq!(
            phone_text(
                Phone {
                    digits: 1_614_960_123,
                    area_len: 3
                },
                0
            ),
            "0161 496 0123"
        );
        assert_eq!(
            phone_text(
                Phone {
                    digits: 7_700_900_123,
                    area_len: 4
                },
                3
            ),
            "0044770090 0123"
        );
        assert_eq!(
            phone_text(
                Phone {
                    digits: 7_700_900_123,
                    area_len: 4
                },
                0
            ),
            "07700 900123"
        );
    }

    #[test]
    fn pools_have_the_size_asked_and_no_name_twice() {
        for (n_given, n_surnames) in [(1, 1), (40, 58), (400, 1_500), (3_000, 5_000)] {
            let pools = NamePools::new(NamePool::Small {
                first: n_given,
                last: n_surnames,
            });
            assert_eq!(pools.given.len(), n_given);
            assert_eq!(pools.surnames.len(), n_surnames);
            let distinct: FastSet<&str> = pools.surnames.iter().map(String::as_str).collect();
            assert_eq!(distinct.len(), n_surnames);
            let distinct: FastSet<&str> = pools.given.iter().map(|g| g.name.as_str()).collect();
            assert_eq!(distinct.len(), n_given);
        }
    }

    #[test]
    fn a_zipf_pool_draws_its_first_names_most() {
        let picker = Picker::new(1_500, Some(1.0));
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let draws: Vec<u32> = (0..20_000).map(|_| picker.pick(&mut rng)).collect();
        let top = draws.iter().filter(|d| **d == 0).count() as f64 / 20_000.0;
        // 1 / H(1500) ≈ 0.127.
        assert!((0.11..0.145).contains(&top), "{top}");
        assert!(draws.iter().all(|d| *d < 1_500));
    }

    #[test]
    fn typos_change_one_letter_and_keep_the_first() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        for _ in 0..200 {
            let written = typo(&mut rng, "Robertson");
            assert_ne!(written, "Robertson");
            assert!(written.starts_with('R'), "{written}");
            assert!((8..=10).contains(&written.chars().count()), "{written}");
        }
        assert_eq!(typo(&mut rng, "Al"), "Al");
    }

    #[test]
    fn households_have_the_share_and_sizes_asked() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        for n_people in [0, 1, 2, 7, 100, 10_000] {
            let sizes = household_sizes(&mut rng, n_people, 0.3);
            let total: usize = sizes.iter().map(|s| usize::from(*s)).sum();
            assert_eq!(total, n_people);
            let shared: usize = sizes
                .iter()
                .filter(|s| **s > 1)
                .map(|s| usize::from(*s))
                .sum();
            assert!(sizes.iter().all(|s| (1..=4).contains(s)));
            assert!(
                shared.abs_diff((n_people as f64 * 0.3).round() as usize) <= 1,
                "{n_people}: {shared}"
            );
        }
    }

    #[test]
    fn odd_trap_values_do_not_panic() {
        let mut params = CustomerBaseParams::new(BaseShape::Households, 120, 9);
        params.traps.typos = f64::NAN;
        params.traps.household_share = 7.0;
        params.traps.twins = -1.0;
        params.traps.name_pool = NamePool::Zipf {
            first: 0,
            last: 0,
            exponent: f64::INFINITY,
        };
        let base = params.generate();
        assert_eq!(base.truth.n_people, 120);
    }
}
