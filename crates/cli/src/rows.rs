//! What `converge rfm` and `converge cluster` share: reading a whole file into a table, saying
//! where each kept row was in the file, and reporting skipped rows on standard error.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use anyhow::Context;
use converge_core::ingest::{
    detect_format, detect_header, Format, Ingest, IngestProgress, Ingested, ReadOptions,
};
use converge_core::table::{Column, Value};

/// Skipped rows printed one by one; the rest are only counted.
const MAX_LISTED: usize = 20;

/// What is looked at to decide whether a delimited file has a header row.
const HEAD_BYTES: usize = 64 * 1024;

/// Whether a delimited file's first row is a header that ingestion's own test misses: its test
/// refuses a header holding a value-like word, and `converge rfm` writes `r,f,m` (`f` reads as
/// "false"). A first row of distinct, non-numeric names over columns that hold numbers is a
/// header whatever the words.
fn header_of_names(name: &str, head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head));
    let complete = head.len() < HEAD_BYTES;
    let Format::Delimited { delimiter } = detect_format(name, &text, complete) else {
        return false;
    };
    if detect_header(&text, delimiter, complete) {
        return false; // ingestion sees it already
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .take(21)
        .map_while(Result::ok)
        .map(|record| record.iter().map(|cell| cell.trim().to_owned()).collect())
        .collect();
    if !complete && rows.len() > 2 {
        rows.pop(); // the last row of a cut head may be cut
    }
    let Some((first, rest)) = rows.split_first() else {
        return false;
    };
    let mut seen = std::collections::HashSet::new();
    let names = first.iter().all(|cell| {
        !cell.is_empty()
            && parse_number(cell).is_none()
            && !cell.starts_with(|c: char| c.is_ascii_digit())
            && seen.insert(cell.as_str())
    });
    let numbers_below = (0..first.len()).any(|column| {
        !rest.is_empty()
            && rest.iter().all(|row| {
                row.get(column)
                    .is_some_and(|cell| parse_number(cell).is_some())
            })
    });
    names && numbers_below
}

/// Reads a whole file (or standard input, `-`) of any format ingestion supports, and reports the
/// rows ingestion refused on standard error.
pub fn read_table(path: &Path) -> anyhow::Result<Ingested> {
    let (name, mut reader, size): (String, Box<dyn Read>, Option<u64>) = if path.as_os_str() == "-"
    {
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
    // The head decides the header, then goes back in front of the rest.
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut reader)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .with_context(|| format!("reading {name}"))?;
    let options = ReadOptions {
        has_header: header_of_names(&name, &head).then_some(true),
        ..ReadOptions::default()
    };
    let reader: Box<dyn Read> = Box::new(std::io::Cursor::new(head).chain(reader));
    let mut ingest = Ingest::new(&name, reader, options)?;
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
/// quoted value spanning lines shifts the count, and so do refused rows past the 10,000 the
/// import report lists). A JSON document's rows are numbered as records.
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
        // JSON Lines name their fields in every record: no header line.
        let header = report.has_header && report.format != "JSON Lines";
        let mut line = if header { 2 } else { 1 };
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

/// Every cell of `column` as a number. Numeric, boolean and date columns convert as [`numeric`];
/// a text column (ingestion leaves a column as text when more than 5 % of its values are not
/// numbers) is parsed cell by cell, leniently ([`parse_number`]), if at least half of its present
/// cells read as numbers. `None` when the column is not numbers at all.
pub fn numbers_of(column: &Column) -> Option<Vec<Option<f64>>> {
    use converge_core::table::ColumnType;
    match column.column_type() {
        ColumnType::Text | ColumnType::Category => {
            let values: Vec<Option<f64>> = (0..column.len())
                .map(|row| column.display(row).as_deref().and_then(parse_number))
                .collect();
            let n_present = (0..column.len())
                .filter(|&row| {
                    column
                        .display(row)
                        .is_some_and(|text| !text.trim().is_empty())
                })
                .count();
            let n_numbers = values.iter().filter(|value| value.is_some()).count();
            (n_present > 0 && n_numbers * 2 >= n_present).then_some(values)
        }
        _ => Some(
            (0..column.len())
                .map(|row| numeric(column.get(row)))
                .collect(),
        ),
    }
}

/// A number as exports write it: `12.5`, `-3`, `1,234.50`, `12,50` (decimal comma), `€ 12.50`,
/// `$1,200`, `(5.00)` is not read (too ambiguous). `None` for anything else.
pub fn parse_number(text: &str) -> Option<f64> {
    let trimmed = text
        .trim()
        .trim_start_matches(['$', '€', '£', '¥'])
        .trim_end_matches(['$', '€', '£', '¥'])
        .trim();
    if trimmed.is_empty() {
        return None;
    }
    let cleaned: String = match (trimmed.rfind('.'), trimmed.rfind(',')) {
        // Both: the last one is the decimal mark, the other groups thousands.
        (Some(dot), Some(comma)) if dot > comma => trimmed.replace(',', ""),
        (Some(_), Some(_)) => trimmed.replace('.', "").replace(',', "."),
        // A comma alone followed by exactly three digits groups thousands; otherwise decimals.
        (None, Some(comma)) if trimmed.len() - comma == 4 && trimmed.matches(',').count() >= 1 => {
            trimmed.replace(',', "")
        }
        (None, Some(_)) => trimmed.replace(',', "."),
        _ => trimmed.to_owned(),
    };
    let value: f64 = cleaned.parse().ok()?;
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::{header_of_names, parse_number};

    #[test]
    fn a_header_of_value_like_words_is_still_a_header() {
        let rfm = b"customer_id,recency_days,frequency,monetary,r,f,m,segment\nC1,4,5,11.5,5,4,4,Champions\nC2,62,7,10.5,3,4,4,Loyal Customers\n";
        // Ingestion now reads `r,f,m` over numbers as a header itself; this fallback stays for
        // headers it may still miss, and must not claim one it already sees.
        assert!(converge_core::ingest::detect_header(
            std::str::from_utf8(rfm).unwrap(),
            b',',
            true
        ));
        assert!(!header_of_names("rfm.csv", rfm));
        // Ingestion's own test already sees this one, and a file without names has none.
        assert!(!header_of_names("a.csv", b"name,amount\nAda,12\n"));
        assert!(!header_of_names("a.csv", b"Ada,12\nBo,13\n"));
        assert!(!header_of_names("a.json", b"[{\"f\": 1}]"));
    }

    #[test]
    fn numbers_as_exports_write_them() {
        for (text, expect) in [
            ("12.5", Some(12.5)),
            (" -3 ", Some(-3.0)),
            ("1,234.50", Some(1234.5)),
            ("1.234,50", Some(1234.5)),
            ("12,50", Some(12.5)),
            ("1,200", Some(1200.0)),
            ("€ 12.50", Some(12.5)),
            ("$1,200", Some(1200.0)),
            ("oops", None),
            ("", None),
            ("inf", None),
        ] {
            assert_eq!(parse_number(text), expect, "{text:?}");
        }
    }
}
