//! Measuring identity resolution on generated customer bases (`demo::CustomerBaseParams`): the
//! files are read exactly as `converge resolve` reads them, resolved, and scored against the
//! base's truth, beside a baseline that links records on exact identifiers only.
//!
//! Shared by `tests/identity_traps.rs` and `examples/traps.rs` (included with `#[path]`), so
//! the test's table and the example's line are the same numbers.
//!
//! Scores are pairwise: a pair of records is predicted when resolution puts both in one customer,
//! true when one person is behind both. Pairs are counted from group sizes (Σ C(k, 2) over the
//! customer × person cells, customers and people), never one by one, so a million records cost
//! no more than reading them.

#![allow(dead_code)]

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Instant;

use converge_core::demo::{BaseShape, CustomerBase, CustomerBaseParams};
use converge_core::identity::{
    map_identity_columns, recency_column, IdentityField, Resolution, Resolve, Source,
};
use converge_core::ingest::{ingest, ReadOptions};
use converge_core::schema::{detect, Overrides, TableSchema};
use converge_core::table::Table;

/// One generated file as ingestion read it.
pub struct ReadFile {
    pub name: String,
    pub table: Table,
    pub schema: TableSchema,
    pub rows_rejected: u64,
}

/// Reads every file of `base` as `converge resolve` does (ingest with the default options,
/// detect the schema).
pub fn read_base(base: &CustomerBase) -> Vec<ReadFile> {
    base.files
        .iter()
        .map(|file| {
            let ingested = ingest(
                &file.name,
                std::io::Cursor::new(file.bytes.clone()),
                ReadOptions::default(),
            )
            .unwrap_or_else(|err| panic!("{}: {err}", file.name));
            let schema = detect(&ingested.table, &Overrides::default());
            ReadFile {
                name: file.name.clone(),
                table: ingested.table,
                schema,
                rows_rejected: ingested.report.rows_rejected,
            }
        })
        .collect()
}

/// The resolution's sources, mapped as `converge resolve` maps them (no `--id`).
pub fn sources(files: &[ReadFile]) -> Vec<Source<'_>> {
    files
        .iter()
        .map(|file| Source {
            name: file.name.clone(),
            table: &file.table,
            columns: map_identity_columns(&file.table, &file.schema, None),
            recency: recency_column(&file.table, &file.schema),
        })
        .collect()
}

/// Each source's identity columns, `column as field`, for reports.
pub fn describe_mapping(sources: &[Source<'_>]) -> Vec<String> {
    sources
        .iter()
        .map(|source| {
            let columns: Vec<String> = source
                .columns
                .iter()
                .map(|c| format!("{} as {}", c.column, c.field.label()))
                .collect();
            format!("{}: {}", source.name, columns.join(", "))
        })
        .collect()
}

/// Records numbered across sources: source by source, row by row.
pub struct RecordIndex {
    /// The first record of each source.
    offsets: Vec<usize>,
    pub n_records: usize,
}

impl RecordIndex {
    pub fn new(files: &[ReadFile]) -> RecordIndex {
        let mut offsets = Vec::with_capacity(files.len());
        let mut n_records = 0;
        for file in files {
            offsets.push(n_records);
            n_records += file.table.n_rows();
        }
        RecordIndex { offsets, n_records }
    }

    pub fn record(&self, source_idx: u32, row_idx: u32) -> usize {
        self.offsets[source_idx as usize] + row_idx as usize
    }
}

/// Each record's true person and household, in [`RecordIndex`] order. Panics when a file's
/// rows and its truth disagree in number: the generator's truth must cover every kept row.
pub fn truth_per_record(base: &CustomerBase, files: &[ReadFile]) -> (Vec<u32>, Vec<u32>) {
    let mut people = Vec::new();
    let mut households = Vec::new();
    for file in files {
        let rows = base
            .truth
            .rows_of(&file.name)
            .unwrap_or_else(|| panic!("{} has no truth", file.name));
        assert_eq!(
            rows.len(),
            file.table.n_rows(),
            "{}: rows vs truth",
            file.name
        );
        for (person, household) in rows {
            people.push(*person);
            households.push(*household);
        }
    }
    (people, households)
}

/// Pairwise precision, recall and F1 of a grouping against the truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub predicted_pairs: u64,
    pub true_pairs: u64,
    /// Records in the largest predicted group.
    pub largest_group: usize,
}

/// `predicted[r]` and `truth[r]` are record r's group and true group (any numbering).
pub fn pairwise(predicted: &[u32], truth: &[u32]) -> PairScores {
    assert_eq!(predicted.len(), truth.len(), "one prediction per record");
    let mut by_predicted: HashMap<u32, u64> = HashMap::new();
    let mut by_truth: HashMap<u32, u64> = HashMap::new();
    let mut by_both: HashMap<(u32, u32), u64> = HashMap::new();
    for (p, t) in predicted.iter().zip(truth) {
        *by_predicted.entry(*p).or_default() += 1;
        *by_truth.entry(*t).or_default() += 1;
        *by_both.entry((*p, *t)).or_default() += 1;
    }
    let pairs = |counts: &mut dyn Iterator<Item = u64>| -> u64 {
        counts.map(|k| k * k.saturating_sub(1) / 2).sum()
    };
    let true_positive = pairs(&mut by_both.values().copied());
    let predicted_pairs = pairs(&mut by_predicted.values().copied());
    let true_pairs = pairs(&mut by_truth.values().copied());
    // No pair predicted is no pair wrong; no pair to find is none missed.
    let precision = if predicted_pairs == 0 {
        1.0
    } else {
        true_positive as f64 / predicted_pairs as f64
    };
    let recall = if true_pairs == 0 {
        1.0
    } else {
        true_positive as f64 / true_pairs as f64
    };
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    PairScores {
        precision,
        recall,
        f1,
        predicted_pairs,
        true_pairs,
        largest_group: by_predicted.values().max().copied().unwrap_or(0) as usize,
    }
}

/// Each record's customer in the resolution, in [`RecordIndex`] order.
pub fn customers_per_record(resolution: &Resolution, index: &RecordIndex) -> Vec<u32> {
    // Records no assignment names (there should be none) stay alone.
    let mut customers: Vec<u32> = (0..index.n_records as u32).map(|r| u32::MAX - r).collect();
    for assignment in &resolution.assignments {
        let record = index.record(assignment.record.source_idx, assignment.record.row_idx);
        customers[record] = assignment.customer.0;
    }
    customers
}

/// Each record's household as the resolution predicts it (its customer's household), in
/// [`RecordIndex`] order; `None` if the resolution offered no households.
pub fn predicted_households(resolution: &Resolution, index: &RecordIndex) -> Option<Vec<u32>> {
    if resolution.households.households.is_empty() && !resolution.assignments.is_empty() {
        return None;
    }
    // Records without a household (there should be none) stay alone.
    let mut households: Vec<u32> = (0..index.n_records as u32).map(|r| u32::MAX - r).collect();
    for assignment in &resolution.assignments {
        if let Some(household) = resolution.households.household_of(assignment.customer) {
            let record = index.record(assignment.record.source_idx, assignment.record.row_idx);
            households[record] = household.id.0;
        }
    }
    Some(households)
}

/// The baseline: records sharing an exact e-mail (lower case), phone (its last nine digits, as
/// resolution compares phones, so `+44 20…` and `020…` are one) or handle (lower case, no `@`)
/// are one customer, transitively (union-find), and nothing else is linked.
pub fn exact_identifier_groups(sources: &[Source<'_>], index: &RecordIndex) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..index.n_records as u32).collect();
    let mut first_holder: HashMap<(u8, String), u32> = HashMap::new();
    for (source_idx, source) in sources.iter().enumerate() {
        for mapped in &source.columns {
            let kind = match mapped.field {
                IdentityField::Email => 0u8,
                IdentityField::Phone => 1,
                IdentityField::Handle => 2,
                _ => continue,
            };
            let Some(column) = source.table.column(&mapped.column) else {
                continue;
            };
            for row_idx in 0..source.table.n_rows() {
                let Some(raw) = column.display(row_idx) else {
                    continue;
                };
                let Some(key) = exact_key(kind, &raw) else {
                    continue;
                };
                let record = index.record(source_idx as u32, row_idx as u32) as u32;
                match first_holder.get(&(kind, key.clone())) {
                    Some(&holder) => union(&mut parent, holder, record),
                    None => {
                        first_holder.insert((kind, key), record);
                    }
                }
            }
        }
    }
    (0..index.n_records as u32)
        .map(|r| find(&mut parent, r))
        .collect()
}

fn exact_key(kind: u8, raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let key = match kind {
        0 => trimmed.to_lowercase(),
        1 => {
            let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
            if digits.len() < 9 {
                return None;
            }
            digits[digits.len() - 9..].to_owned()
        }
        _ => trimmed.trim_start_matches('@').to_lowercase(),
    };
    (!key.is_empty()).then_some(key)
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let grand = parent[parent[x as usize] as usize];
        parent[x as usize] = grand;
        x = grand;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[high as usize] = low;
    }
}

/// One base generated, resolved and scored.
#[derive(Debug, Clone)]
pub struct TrapRun {
    pub shape: BaseShape,
    pub n_people: usize,
    pub seed: u64,
    pub n_records: usize,
    pub n_households: usize,
    /// Exact identifiers only, against people.
    pub exact: PairScores,
    /// `Resolve::params().fit`, against people.
    pub fit: PairScores,
    /// The fit's households against the true ones, when it offers households.
    pub fit_households: Option<PairScores>,
    pub generate_seconds: f64,
    pub fit_seconds: f64,
}

/// Generates the base of `shape`, `n_people` and `seed` with its held-out traps, resolves it
/// on `n_threads` threads and scores it.
pub fn run(shape: BaseShape, n_people: usize, seed: u64, n_threads: usize) -> TrapRun {
    run_params(&CustomerBaseParams::new(shape, n_people, seed), n_threads)
}

/// As [`run`], for any parameters (traps switched on or off).
pub fn run_params(params: &CustomerBaseParams, n_threads: usize) -> TrapRun {
    let generating = Instant::now();
    let base = params.generate();
    let generate_seconds = generating.elapsed().as_secs_f64();
    let files = read_base(&base);
    for file in &files {
        assert_eq!(file.rows_rejected, 0, "{}: rows refused", file.name);
    }
    let index = RecordIndex::new(&files);
    let (people, households) = truth_per_record(&base, &files);
    let sources = sources(&files);
    let exact = pairwise(&exact_identifier_groups(&sources, &index), &people);
    let fitting = Instant::now();
    let resolution = Resolve::params()
        .n_threads(n_threads)
        .fit(&sources, |_| ControlFlow::Continue(()))
        .unwrap_or_else(|err| panic!("fit: {err}"));
    let fit_seconds = fitting.elapsed().as_secs_f64();
    let fit = pairwise(&customers_per_record(&resolution, &index), &people);
    let fit_households = predicted_households(&resolution, &index)
        .map(|predicted| pairwise(&predicted, &households));
    TrapRun {
        shape: params.shape,
        n_people: params.n_people,
        seed: params.seed,
        n_records: index.n_records,
        n_households: base.truth.n_households,
        exact,
        fit,
        fit_households,
        generate_seconds,
        fit_seconds,
    }
}

/// Every core, as `converge resolve` uses.
pub fn all_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The accuracy runs of `runs` (shape, people, seed), each printed as it finishes.
pub fn accuracy_runs(runs: &[(BaseShape, usize, u64)], n_threads: usize) -> Vec<TrapRun> {
    eprintln!("{}", TABLE_HEADER);
    runs.iter()
        .map(|(shape, n_people, seed)| {
            let run = run(*shape, *n_people, *seed, n_threads);
            eprintln!("{}", table_line(&run));
            run
        })
        .collect()
}

pub const TABLE_HEADER: &str = "shape         seed  people records | exact ids: P      R      F1     largest | fit: P      R      F1     largest | households: P      R      | fit s";

pub fn table_line(run: &TrapRun) -> String {
    let households = run.fit_households.map_or_else(
        || "(not offered)  ".to_owned(),
        |h| format!("{:.4} {:.4}", h.precision, h.recall),
    );
    format!(
        "{:<13} {:>4} {:>7} {:>7} |            {:.4} {:.4} {:.4} {:>7} |      {:.4} {:.4} {:.4} {:>7} |             {households} | {:.2}",
        run.shape.label(),
        run.seed,
        run.n_people,
        run.n_records,
        run.exact.precision,
        run.exact.recall,
        run.exact.f1,
        run.exact.largest_group,
        run.fit.precision,
        run.fit.recall,
        run.fit.f1,
        run.fit.largest_group,
        run.fit_seconds,
    )
}
