//! What `converge rfm` and `converge cluster` share: reading a whole file into a table, saying
//! where each kept row was in the file, and reporting skipped rows on standard error.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::Context;
use converge_core::ingest::{Ingest, IngestProgress, Ingested, ReadOptions};
use converge_core::table::{Column, Value};

/// Skipped rows printed one by one; the rest are only counted.
const MAX_LISTED: usize = 20;

/// Reads a whole file (or standard input, `-`) of any format ingestion supports, and reports the
/// rows ingestion refused on standard error.
pub fn read_table(path: &Path) -> anyhow::Result<Ingested> {
    let (name, reader, size): (String, Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-" {
        ("stdin".into(), Box::new(std::io::stdin()), None)
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let size = file.metadata().map(|meta| meta.len()).ok();
        (
            path.display().to_string(),
            Box::new(std::io::BufReader::with_capacity(1 << 20, file)),
            size,
        )
    };
    let mut ingest = Ingest::new(&name, reader, ReadOptions::default())?;
    if let Some(size) = size {
        ingest = ingest.with_size_hint(size);
    }
    while ingest.step(65_536)? != IngestProgress::Finished {}
    let ingested = ingest.finish()?;
    let report = &ingested.report;
    if report.rows_rejected > 0 {
        eprintln!(
            "{name}: {} of {} rows could not be read and were skipped:",
            report.rows_rejected, report.rows_read
        );
        for problem in report.rejected.iter().take(MAX_LISTED) {
            eprintln!("  {name}:{}: {}", problem.line, problem.reason);
        }
        if report.rows_rejected as usize > MAX_LISTED {
            eprintln!(
                "  … and {} more",
                report.rows_rejected as usize - MAX_LISTED
            );
        }
    }
    Ok(ingested)
}

/// Where each kept row of a table was in its file.
///
/// Ingestion keeps rows, not their line numbers. For delimited files and JSON Lines a record is a
/// line, so a kept row's line is the next line not taken by the header or by a refused row (a
/// quoted value spanning lines shifts the count). A JSON document's rows are numbered as records.
pub struct RowLines {
    lines: Option<Vec<u64>>,
}

impl RowLines {
    pub fn new(ingested: &Ingested) -> RowLines {
        let report = &ingested.report;
        if report.format == "JSON" {
            return RowLines { lines: None };
        }
        let mut refused: Vec<u64> = report.rejected.iter().map(|p| p.line).collect();
        refused.sort_unstable();
        let mut refused = refused.into_iter().peekable();
        let mut line = if report.has_header { 2 } else { 1 };
        let lines = (0..ingested.table.n_rows())
            .map(|_| {
                while refused.peek().is_some_and(|&r| r <= line) {
                    if refused.next() == Some(line) {
                        line += 1;
                    }
                }
                line += 1;
                line - 1
            })
            .collect();
        RowLines { lines: Some(lines) }
    }

    /// "line 12" or, in a JSON document, "record 12".
    pub fn describe(&self, row_idx: usize) -> String {
        match self.lines.as_ref().and_then(|lines| lines.get(row_idx)) {
            Some(line) => format!("line {line}"),
            None => format!("record {}", row_idx + 1),
        }
    }
}

/// Rows left out of an analysis, by reason, with the first few listed.
#[derive(Default)]
pub struct Skipped {
    by_reason: BTreeMap<String, usize>,
    listed: Vec<String>,
    total: usize,
}

impl Skipped {
    pub fn add(&mut self, file: &str, place: String, reason: String) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(format!("  {file}: {place}: {reason}"));
        }
        *self.by_reason.entry(reason).or_default() += 1;
    }

    pub fn total(&self) -> usize {
        self.total
    }

    /// Prints the count, the first rows and the count per reason on standard error.
    pub fn report(&self, file: &str, what: &str) {
        if self.total == 0 {
            return;
        }
        eprintln!("{file}: {} rows skipped ({what}):", self.total);
        for line in &self.listed {
            eprintln!("{line}");
        }
        if self.total > self.listed.len() {
            eprintln!(
                "  … and {} more; by reason:",
                self.total - self.listed.len()
            );
            for (reason, count) in &self.by_reason {
                eprintln!("    {count} × {reason}");
            }
        }
    }
}

/// A column by its name, exactly or else ignoring case.
pub fn find_column<'t>(
    table: &'t converge_core::table::Table,
    name: &str,
) -> anyhow::Result<&'t Column> {
    table
        .column(name)
        .or_else(|| {
            table
                .columns()
                .iter()
                .find(|column| column.name().eq_ignore_ascii_case(name))
        })
        .with_context(|| {
            let names: Vec<&str> = table.columns().iter().map(Column::name).collect();
            format!(
                "there is no column `{name}`; the columns are: {}",
                names.join(", ")
            )
        })
}

/// A cell as a number: integers, decimals, booleans (0/1), dates (days since 1970-01-01) and
/// timestamps (days, fractional). `None` for a missing cell or text.
pub fn numeric(value: Value<'_>) -> Option<f64> {
    match value {
        Value::Integer(v) => Some(v as f64),
        Value::Decimal(v) => Some(v),
        Value::Boolean(v) => Some(if v { 1.0 } else { 0.0 }),
        Value::Date(days) => Some(f64::from(days)),
        Value::Timestamp(millis) => Some(millis as f64 / 86_400_000.0),
        Value::Null | Value::Text(_) => None,
    }
}
