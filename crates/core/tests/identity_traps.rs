//! Identity resolution on generated customer bases with the held-out bases' traps
//! (`demo::CustomerBaseParams`): many people sharing a name, households sharing a landline,
//! address and e-mail, nicknames, typos, last-first names, phone formats, sparse social profiles,
//! twins and juniors.
//!
//! Two kinds of test. The generator's own: every row has its person and household, counts add up,
//! a seed always gives the same bytes, households have the members asked for, and the traps are
//! really there (exact identifiers alone are perfectly precise but miss a fifth of the pairs on
//! common names, and chain families together on households, as on the held-out bases). And the
//! accuracy runs ([`accuracy_on_generated_bases`]), which print precision, recall, F1 and the
//! largest customer of today's resolution beside the exact-identifier baseline, and how well its
//! households match the true ones:
//!
//! ```text
//! cargo test --release -p converge-core --test identity_traps -- --nocapture
//! ```
//!
//! Resolution's accuracy on them is asserted with floors; `examples/traps.rs` runs one base at
//! any size.

#[path = "support/traps.rs"]
mod traps;

use std::collections::HashMap;

use converge_core::demo::{BaseShape, CustomerBase, CustomerBaseParams};

use traps::{pairwise, read_base, truth_per_record, PairScores, RecordIndex};

/// The accuracy runs: (shape, people, seed).
const ACCURACY_RUNS: [(BaseShape, usize, u64); 5] = [
    (BaseShape::CommonNames, 4_000, 1),
    (BaseShape::CommonNames, 4_000, 2),
    (BaseShape::CommonNames, 4_000, 3),
    (BaseShape::Households, 10_000, 1),
    (BaseShape::Households, 10_000, 2),
];

fn base(shape: BaseShape, n_people: usize, seed: u64) -> CustomerBase {
    CustomerBaseParams::new(shape, n_people, seed).generate()
}

/// Exact identifiers alone against the people, without a fit.
fn exact_scores(shape: BaseShape, n_people: usize, seed: u64) -> PairScores {
    let base = base(shape, n_people, seed);
    let files = read_base(&base);
    let index = RecordIndex::new(&files);
    let (people, _) = truth_per_record(&base, &files);
    let sources = traps::sources(&files);
    pairwise(&traps::exact_identifier_groups(&sources, &index), &people)
}

/// Every kept row has a truth, every person and household is behind some row, and a person
/// always lives in the same household.
fn check_truth(base: &CustomerBase, n_people: usize) {
    let truth = &base.truth;
    assert_eq!(truth.n_people, n_people);
    assert!(truth.n_households <= n_people.max(1));
    let names: Vec<&str> = base.files.iter().map(|f| f.name.as_str()).collect();
    let truth_names: Vec<&str> = truth.rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, truth_names);
    let files = read_base(base);
    for file in &files {
        assert_eq!(file.rows_rejected, 0, "{}", file.name);
    }
    let (people, households) = truth_per_record(base, &files);
    let mut household_of: HashMap<u32, u32> = HashMap::new();
    for (person, household) in people.iter().zip(&households) {
        assert!((*person as usize) < truth.n_people);
        assert!((*household as usize) < truth.n_households);
        let first = *household_of.entry(*person).or_insert(*household);
        assert_eq!(first, *household, "person {person} in two households");
    }
    assert_eq!(household_of.len(), n_people, "every person is behind a row");
    let seen: std::collections::HashSet<u32> = households.iter().copied().collect();
    assert_eq!(
        seen.len(),
        truth.n_households,
        "every household is behind a row"
    );
    let csv = String::from_utf8(truth.to_csv()).unwrap();
    assert_eq!(csv.lines().count(), people.len() + 1);
}

#[test]
fn every_row_has_its_person_and_household() {
    for (shape, n_people, seed) in [
        (BaseShape::CommonNames, 4_000, 1),
        (BaseShape::Households, 10_000, 1),
        (BaseShape::CommonNames, 100, 7),
        (BaseShape::Households, 100, 7),
        (BaseShape::Households, 1, 7),
    ] {
        check_truth(&base(shape, n_people, seed), n_people);
    }
}

#[test]
fn an_empty_base_is_its_headers() {
    for shape in BaseShape::ALL {
        let base = base(shape, 0, 1);
        assert_eq!(base.truth.n_people, 0);
        assert!(base.truth.rows.iter().all(|(_, rows)| rows.is_empty()));
        for file in &base.files {
            assert_eq!(file.bytes.iter().filter(|b| **b == b'\n').count(), 1);
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    for shape in BaseShape::ALL {
        let first = base(shape, 2_000, 11);
        assert_eq!(first, base(shape, 2_000, 11), "{shape:?}");
        assert_ne!(first.files, base(shape, 2_000, 12).files, "{shape:?}");
    }
}

#[test]
fn households_have_two_to_four_members_for_the_share_asked() {
    let members_per_household = |base: &CustomerBase| {
        let mut members: HashMap<u32, std::collections::HashSet<u32>> = HashMap::new();
        for (_, rows) in &base.truth.rows {
            for (person, household) in rows {
                members.entry(*household).or_default().insert(*person);
            }
        }
        members
            .into_values()
            .map(|people| people.len())
            .collect::<Vec<_>>()
    };
    let households = base(BaseShape::Households, 10_000, 1);
    let sizes = members_per_household(&households);
    assert!(sizes.iter().all(|n| (1..=4).contains(n)), "{sizes:?}");
    let shared: usize = sizes.iter().filter(|n| **n > 1).sum();
    assert!(
        shared.abs_diff(3_000) <= 1,
        "30 % of 10,000 people live with others: {shared}"
    );
    for size in 2..=4 {
        assert!(sizes.contains(&size), "no household of {size}");
    }
    let alone = base(BaseShape::CommonNames, 4_000, 1);
    assert!(members_per_household(&alone).iter().all(|n| *n == 1));
}

#[test]
fn exact_identifiers_alone_are_precise_on_common_names_and_miss_a_fifth() {
    for seed in 1..=3 {
        let exact = exact_scores(BaseShape::CommonNames, 4_000, seed);
        eprintln!("common names, seed {seed}: exact identifiers {exact:?}");
        assert_eq!(exact.precision, 1.0, "seed {seed}: no identifier is shared");
        assert!(
            (0.7..0.9).contains(&exact.recall),
            "seed {seed}: recall {}",
            exact.recall
        );
    }
}

#[test]
fn exact_identifiers_alone_chain_households_together() {
    for seed in 1..=2 {
        let exact = exact_scores(BaseShape::Households, 10_000, seed);
        eprintln!("households, seed {seed}: exact identifiers {exact:?}");
        assert!(
            exact.precision < 0.8,
            "seed {seed}: precision {}",
            exact.precision
        );
    }
}

/// Today's resolution on the accuracy runs, beside exact identifiers alone, as a table on
/// standard error. Returns the runs for a caller that wants to assert on them.
pub fn accuracy_on_generated_bases() -> Vec<traps::TrapRun> {
    traps::accuracy_runs(&ACCURACY_RUNS, traps::all_threads())
}

#[test]
fn resolution_is_measured_on_generated_bases() {
    let runs = accuracy_on_generated_bases();
    assert_eq!(runs.len(), ACCURACY_RUNS.len());
    for run in &runs {
        let households = run
            .fit_households
            .expect("the resolution groups households");
        for scores in [run.exact, run.fit, households] {
            assert!((0.0..=1.0).contains(&scores.precision), "{run:?}");
            assert!((0.0..=1.0).contains(&scores.recall), "{run:?}");
        }
        // Floors a little under what was measured (`-- --nocapture` prints the table), so a
        // change that costs accuracy fails here. Measured at the default threshold 0.7:
        // common names P 0.997, F1 0.895–0.904; households P 0.983–0.985, F1 0.877–0.880,
        // household grouping P 0.993, R 0.79.
        let (min_precision, min_f1) = match run.shape {
            BaseShape::CommonNames => (0.99, 0.885),
            BaseShape::Households => (0.975, 0.865),
        };
        assert!(run.fit.precision >= min_precision, "{run:?}");
        assert!(run.fit.f1 >= min_f1, "{run:?}");
        assert!(run.fit.f1 > run.exact.f1, "{run:?}");
        assert!(run.fit.largest_group <= 50, "{run:?}");
        if run.shape == BaseShape::Households {
            assert!(households.precision >= 0.98, "{run:?}");
            assert!(households.recall >= 0.75, "{run:?}");
        }
    }
}
