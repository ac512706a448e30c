//! `converge resolve`: which records, across any number of files, are the same customer.
//!
//! Each file is a source, read by ingestion (any format it reads); identity columns are mapped
//! by `converge_core::identity::map_identity_columns` (the mapping is printed on standard
//! error). The output is CSV `source,record_id,customer_id,match_probability`, one row per
//! record that ingestion kept, singletons included:
//!
//! - `source` is the file's path exactly as given on the command line;
//! - `record_id` is the value of the `--id` column when the file has that column (and the value
//!   is not missing), otherwise the 1-based number of the row among the rows ingestion kept.
//!   A column such as `rec_id` is not picked up on its own, but it is never compared either:
//!   row labels say nothing about who is behind a row;
//! - `customer_id` is a number from 1, shared by the records of one customer;
//! - `match_probability` is the probability of the strongest link that placed the record in its
//!   customer (1 for an exact identifier such as the same email), and 0 for a record linked to no
//!   other (a number in every row, so that any CSV reader takes the column as numbers).
//!
//! Rows ingestion refused are listed on standard error with file, line and reason, and are not
//! in the output.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use converge_core::identity::{
    map_identity_columns, recency_column, LinkReason, RecordRef, Resolution, Resolve, Source,
};
use converge_core::ingest::{ingest, Ingested, ReadOptions};
use converge_core::schema::{detect, Overrides};
use serde_json::json;

pub struct Options {
    pub files: Vec<PathBuf>,
    pub id: Option<String>,
    pub threshold: Option<f64>,
    /// Threads comparing pairs; every core when `None`.
    pub n_threads: Option<usize>,
    pub explain: Option<PathBuf>,
    pub customers: Option<PathBuf>,
    /// `source,record_id,customer_id,household_id` per record.
    pub households: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut inputs: Vec<(String, Ingested)> = Vec::new();
    for path in &options.files {
        let name = path.display().to_string();
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        let ingested = ingest(&name, reader, ReadOptions::default())
            .with_context(|| format!("reading {name}"))?;
        let report = &ingested.report;
        for problem in &report.rejected {
            eprintln!("{name}:{}: row refused: {}", problem.line, problem.reason);
        }
        if report.rows_rejected > report.rejected.len() as u64 {
            eprintln!(
                "{name}: {} more rows refused",
                report.rows_rejected - report.rejected.len() as u64
            );
        }
        inputs.push((name, ingested));
    }
    let mut sources = Vec::new();
    for (name, ingested) in &inputs {
        let schema = detect(&ingested.table, &Overrides::default());
        let columns = map_identity_columns(&ingested.table, &schema, options.id.as_deref());
        let described: Vec<String> = columns
            .iter()
            .map(|c| format!("{} as {}", c.column, c.field.label()))
            .collect();
        eprintln!(
            "{name}: {} records; identity columns: {}",
            ingested.table.n_rows(),
            if described.is_empty() {
                "none (every record stays its own customer)".to_owned()
            } else {
                described.join(", ")
            }
        );
        sources.push(Source {
            name: name.clone(),
            table: &ingested.table,
            columns,
            recency: recency_column(&ingested.table, &schema),
        });
    }
    let read_seconds = started.elapsed().as_secs_f64();
    let n_threads = options
        .n_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut params = Resolve::params().n_threads(n_threads);
    if let Some(threshold) = options.threshold {
        params = params.threshold(threshold);
    }
    let resolving = Instant::now();
    let resolution = params.fit(&sources, |_| ControlFlow::Continue(()))?;
    let resolve_seconds = resolving.elapsed().as_secs_f64();

    let record_id = |record: RecordRef| -> String {
        let by_column = options.id.as_deref().and_then(|id| {
            let source = sources.get(record.source_idx as usize)?;
            source.table.column(id)?.display(record.row_idx as usize)
        });
        by_column.unwrap_or_else(|| (u64::from(record.row_idx) + 1).to_string())
    };
    let source_name = |record: RecordRef| resolution.source_name(record.source_idx).unwrap_or("");

    let output: Box<dyn Write> = match &options.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, output));
    writer.write_record(["source", "record_id", "customer_id", "match_probability"])?;
    for assignment in &resolution.assignments {
        let probability = six_decimals(assignment.match_probability.unwrap_or(0.0));
        writer.write_record([
            source_name(assignment.record),
            &record_id(assignment.record),
            &assignment.customer.0.to_string(),
            &probability,
        ])?;
    }
    writer.flush()?;
    drop(writer);

    if let Some(path) = &options.explain {
        write_explanations(path, &resolution, &record_id)?;
    }
    if let Some(path) = &options.customers {
        write_customers(path, &resolution, &record_id)?;
    }
    if let Some(path) = &options.households {
        write_households(path, &resolution, &record_id)?;
    }
    summarise(&resolution, read_seconds, resolve_seconds);
    Ok(())
}

/// A probability with six decimals, `0.950000`, without the float formatter (a row's largest
/// cost when writing); anything outside 0..=1 is clamped into it.
fn six_decimals(probability: f64) -> String {
    let millionths = (probability.clamp(0.0, 1.0) * 1e6).round() as u64;
    format!("{}.{:06}", millionths / 1_000_000, millionths % 1_000_000)
}

/// One JSON line per link, applied or held back (with why): the waterfall of its evidence.
fn write_explanations(
    path: &PathBuf,
    resolution: &Resolution,
    record_id: &dyn Fn(RecordRef) -> String,
) -> anyhow::Result<()> {
    let source_name = |record: RecordRef| resolution.source_name(record.source_idx).unwrap_or("");
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    let customer_of = |record: RecordRef| {
        resolution
            .assignments
            .binary_search_by_key(&record, |a| a.record)
            .ok()
            .and_then(|idx| resolution.assignments.get(idx))
            .map_or(0, |a| a.customer.0)
    };
    let applied = resolution.links.iter().map(|link| (link, None));
    let held = resolution
        .held_back
        .iter()
        .map(|held| (&held.link, Some(held.reason.describe())));
    for (link, held_back) in applied.chain(held) {
        let evidence = resolution.explain(link);
        let reason = match link.reason {
            LinkReason::SameIdentifier(field) => format!("same {}", field.label()),
            LinkReason::Scored => "match probability at or above the threshold".to_owned(),
        };
        let line = json!({
            "held_back": held_back,
            "customer_id": customer_of(link.left),
            "left_source": source_name(link.left),
            "left_record_id": record_id(link.left),
            "right_source": source_name(link.right),
            "right_record_id": record_id(link.right),
            "reason": reason,
            "joined_groups": link.joined,
            "prior_weight_bits": evidence.prior_weight_bits,
            "fields": evidence.fields.iter().map(|f| json!({
                "field": f.field.label(),
                "left": f.left_value,
                "right": f.right_value,
                "level": f.level,
                "bayes_factor": f.bayes_factor,
                "weight_bits": f.weight_bits,
                "term_frequency_adjusted": f.term_frequency_adjusted,
            })).collect::<Vec<_>>(),
            "total_weight_bits": evidence.total_weight_bits,
            "match_probability": evidence.match_probability,
        });
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// One CSV row per record: its customer and its customer's household.
fn write_households(
    path: &PathBuf,
    resolution: &Resolution,
    record_id: &dyn Fn(RecordRef) -> String,
) -> anyhow::Result<()> {
    let source_name = |record: RecordRef| resolution.source_name(record.source_idx).unwrap_or("");
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    writer.write_record(["source", "record_id", "customer_id", "household_id"])?;
    for assignment in &resolution.assignments {
        let household = resolution
            .households
            .household_of(assignment.customer)
            .map_or(0, |h| h.id.0);
        writer.write_record([
            source_name(assignment.record),
            &record_id(assignment.record),
            &assignment.customer.0.to_string(),
            &household.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// One CSV row per customer value, with its lineage.
fn write_customers(
    path: &PathBuf,
    resolution: &Resolution,
    record_id: &dyn Fn(RecordRef) -> String,
) -> anyhow::Result<()> {
    let source_name = |record: RecordRef| resolution.source_name(record.source_idx).unwrap_or("");
    let mut writer =
        csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    writer.write_record([
        "customer_id",
        "n_records",
        "weakest_link",
        "field",
        "value",
        "source",
        "record_id",
        "column",
    ])?;
    for customer in &resolution.customers {
        let weakest = customer
            .weakest_link
            .map(|w| format!("{w:.6}"))
            .unwrap_or_default();
        for value in &customer.values {
            writer.write_record([
                &customer.id.0.to_string(),
                &customer.records.len().to_string(),
                &weakest,
                value.field.label(),
                &value.value,
                source_name(value.record),
                &record_id(value.record),
                &value.column,
            ])?;
        }
    }
    writer.flush()?;
    Ok(())
}

/// What holds a customer together: its links by reason and its records by source.
fn why_this_large(resolution: &Resolution, customer: &converge_core::identity::Customer) -> String {
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for link in customer
        .links
        .iter()
        .filter_map(|idx| resolution.links.get(*idx))
    {
        let reason = match link.reason {
            LinkReason::SameIdentifier(field) => format!("same {}", field.label()),
            LinkReason::Scored => "scored".to_owned(),
        };
        match reasons.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((reason, 1)),
        }
    }
    let mut sources: Vec<(&str, usize)> = Vec::new();
    for record in &customer.records {
        let name = resolution.source_name(record.source_idx).unwrap_or("");
        match sources.iter_mut().find(|(s, _)| *s == name) {
            Some((_, n)) => *n += 1,
            None => sources.push((name, 1)),
        }
    }
    let links: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let from: Vec<String> = sources.iter().map(|(s, n)| format!("{n} in {s}")).collect();
    format!("links: {}; records: {}", links.join(", "), from.join(", "))
}

fn summarise(resolution: &Resolution, read_seconds: f64, resolve_seconds: f64) {
    let deterministic = resolution
        .links
        .iter()
        .filter(|l| matches!(l.reason, LinkReason::SameIdentifier(_)))
        .count();
    let scored = resolution.links.len() - deterministic;
    eprintln!(
        "resolved {} records into {} customers: {deterministic} links on an exact identifier, {scored} scored links at or above {}",
        resolution.n_records(),
        resolution.customers.len(),
        resolution.threshold,
    );
    let blocking = &resolution.blocking;
    eprintln!(
        "blocking: {} candidate pairs from {}",
        blocking.n_candidate_pairs,
        if blocking.rules.is_empty() {
            "no rule (no name, birth date, postcode or address mapped)".to_owned()
        } else {
            blocking.rules.join(" | ")
        }
    );
    for skipped in &blocking.skipped {
        if skipped.n_split > 0 {
            eprintln!(
                "blocking: {} blocks of `{}` were too large and split by {} ({} records, the largest {})",
                skipped.n_split,
                skipped.rule,
                skipped.split_by.join(", then "),
                skipped.n_split_records,
                skipped.largest_split
            );
        }
        if skipped.n_blocks > 0 {
            eprintln!(
                "blocking: {} parts of `{}` were still too large and skipped ({} records, the largest {})",
                skipped.n_blocks, skipped.rule, skipped.n_records, skipped.largest
            );
        }
    }
    let model = &resolution.model;
    eprintln!(
        "model: prior λ = {:.4} among candidate pairs, EM {} after {} iterations",
        model.lambda,
        if model.em_converged {
            "converged"
        } else {
            "stopped"
        },
        model.em_iterations
    );
    for line in resolution.health.describe() {
        eprintln!("model: {line}");
    }
    let shared = &resolution.shared_identifiers;
    if !shared.is_empty() {
        let mut by_field: Vec<(&str, usize)> = Vec::new();
        for identifier in shared {
            let label = identifier.field.label();
            match by_field.iter_mut().find(|(field, _)| *field == label) {
                Some((_, n)) => *n += 1,
                None => by_field.push((label, 1)),
            }
        }
        let counts: Vec<String> = by_field
            .iter()
            .map(|(field, n)| format!("{n} {field} values"))
            .collect();
        eprintln!(
            "shared identifiers (used by several people, weighed but never linked on outright): {}",
            counts.join(", ")
        );
        let mut widest: Vec<&converge_core::identity::SharedIdentifier> = shared.iter().collect();
        widest.sort_by(|x, y| {
            y.n_people
                .cmp(&x.n_people)
                .then(y.n_records.cmp(&x.n_records))
        });
        for identifier in widest.iter().take(5) {
            eprintln!(
                "  {} {:?}: {} records of at least {} people",
                identifier.field.label(),
                identifier.value,
                identifier.n_records,
                identifier.n_people
            );
        }
    }
    if !resolution.held_back.is_empty() {
        let reasons: Vec<String> = resolution
            .health
            .held_back
            .iter()
            .map(|(reason, n)| format!("{n} for {}", reason.describe()))
            .collect();
        eprintln!(
            "review: {} links at or above the threshold held back: {}",
            resolution.held_back.len(),
            reasons.join("; ")
        );
    }
    let mut largest: Vec<&converge_core::identity::Customer> =
        resolution.customers.iter().collect();
    largest.sort_by(|x, y| y.records.len().cmp(&x.records.len()).then(x.id.cmp(&y.id)));
    for customer in largest.iter().take(3).filter(|c| c.records.len() > 1) {
        eprintln!(
            "largest customer {}: {} records ({})",
            customer.id.0,
            customer.records.len(),
            why_this_large(resolution, customer)
        );
    }
    let n_shared_households = resolution.households.shared().count();
    eprintln!(
        "households: {} ({n_shared_households} of several customers)",
        resolution.households.households.len()
    );
    let n_weak = resolution.weak_customers().count();
    if n_weak > 0 {
        eprintln!(
            "review: {n_weak} customers have a link below {} (see --explain)",
            resolution.weak_link
        );
    }
    eprintln!(
        "reading took {:.2} ms; resolving took {:.2} ms",
        read_seconds * 1e3,
        resolve_seconds * 1e3
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_have_six_decimals() {
        for (p, expect) in [
            (0.0, "0.000000"),
            (1.0, "1.000000"),
            (0.95, "0.950000"),
            (0.1234566, "0.123457"),
            (0.9999996, "1.000000"),
            (f64::NAN, "0.000000"),
        ] {
            assert_eq!(six_decimals(p), expect, "{p}");
        }
    }
}
