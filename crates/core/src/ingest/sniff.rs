//! Guessing how a file is written from its first bytes: format, delimiter, header.

use super::values::{
    date_shape, is_null_token, parse_boolean, parse_decimal, parse_integer, parse_timestamp,
    split_date_time, DecimalMark,
};

/// How a file's rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Format {
    /// CSV, TSV and their cousins.
    Delimited { delimiter: u8 },
    /// One JSON document: an array of objects, or an object holding one.
    Json,
    /// One JSON object per line (NDJSON, JSON Lines).
    JsonLines,
}

impl Format {
    pub fn label(self) -> String {
        match self {
            Format::Delimited { delimiter } => {
                let name = match delimiter {
                    b',' => "comma".to_owned(),
                    b';' => "semicolon".to_owned(),
                    b'\t' => "tab".to_owned(),
                    b'|' => "pipe".to_owned(),
                    other => format!("`{}`", other as char),
                };
                format!("CSV ({name}-delimited)")
            }
            Format::Json => "JSON".to_owned(),
            Format::JsonLines => "JSON Lines".to_owned(),
        }
    }
}

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];
/// Records looked at to choose a delimiter or decide on a header.
const SAMPLE_RECORDS: usize = 50;

/// The format of a file, from its name and first bytes (`head`; `complete` if it is the whole
/// file).
pub fn detect_format(file_name: &str, head: &str, complete: bool) -> Format {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("ndjson" | "jsonl") => return Format::JsonLines,
        Some("tsv" | "tab") => return Format::Delimited { delimiter: b'\t' },
        _ => {}
    }
    let trimmed = head.trim_start();
    if trimmed.starts_with('[') {
        return Format::Json;
    }
    if trimmed.starts_with('{') {
        let mut lines = trimmed
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty());
        let first = lines
            .next()
            .and_then(|line| serde_json::from_str::<serde_json::Value>(line).ok());
        let Some(serde_json::Value::Object(first)) = first else {
            return Format::Json;
        };
        return match lines.next() {
            Some(second) if second.starts_with('{') => Format::JsonLines,
            Some(_) => Format::Json,
            // One object on one line: a document if it wraps an array of rows.
            None if first.values().any(serde_json::Value::is_array) => Format::Json,
            None => Format::JsonLines,
        };
    }
    Format::Delimited {
        delimiter: detect_delimiter(head, complete),
    }
}

/// The delimiter among `, ; tab |` that splits the sample into the most consistent number of
/// fields (more than one); a comma when none does.
pub fn detect_delimiter(head: &str, complete: bool) -> u8 {
    let mut best = (0.0, 0usize, b',');
    for delimiter in DELIMITERS {
        let counts = field_counts(head, delimiter, complete);
        if counts.is_empty() {
            continue;
        }
        let (mode, frequency) = mode(&counts);
        if mode < 2 {
            continue;
        }
        let consistency = frequency as f64 / counts.len() as f64;
        if (consistency, mode) > (best.0, best.1) {
            best = (consistency, mode, delimiter);
        }
    }
    best.2
}

fn field_counts(head: &str, delimiter: u8, complete: bool) -> Vec<usize> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(head.as_bytes());
    let mut counts: Vec<usize> = reader
        .byte_records()
        .take(SAMPLE_RECORDS + 1)
        .map_while(Result::ok)
        .map(|record| record.len())
        .collect();
    // The last record of a partial head is probably cut short.
    if !complete && counts.len() > 1 {
        counts.pop();
    }
    counts
}

fn mode(counts: &[usize]) -> (usize, usize) {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best = (0, 0);
    let mut run_start = 0;
    for idx in 1..=sorted.len() {
        if idx == sorted.len() || sorted[idx] != sorted[run_start] {
            let run = idx - run_start;
            if run > best.1 || (run == best.1 && sorted[run_start] > best.0) {
                best = (sorted[run_start], run);
            }
            run_start = idx;
        }
    }
    best
}

/// Whether the first record names the columns rather than holding data: none of its cells reads
/// as a number, date or boolean, and either some column holds such values below it, or its cells
/// are distinct and none recurs in its column.
pub fn looks_like_header(first: &[String], rest: &[Vec<String>]) -> bool {
    if first.iter().all(|cell| cell.trim().is_empty()) {
        return false;
    }
    let below = |column_idx: usize| rest.iter().filter_map(move |row| row.get(column_idx));
    // A header names its columns. A word that reads as a boolean ("f", "yes") names one unless
    // the column below holds booleans too: `r,f,m` over numbers is a header.
    let typed_first = first.iter().enumerate().any(|(column_idx, cell)| {
        if is_word_boolean(cell) {
            below(column_idx).any(|cell| is_word_boolean(cell))
        } else {
            is_typed_value(cell)
        }
    });
    if typed_first {
        return false;
    }
    let typed_below = (0..first.len()).any(|column_idx| {
        rest.iter()
            .filter_map(|row| row.get(column_idx))
            .any(|cell| is_typed_value(cell))
    });
    if typed_below {
        return true;
    }
    let mut seen = std::collections::HashSet::new();
    let distinct = first.iter().all(|cell| seen.insert(cell.trim()));
    let recurs = first.iter().enumerate().any(|(column_idx, cell)| {
        !cell.trim().is_empty()
            && rest.iter().any(|row| {
                row.get(column_idx)
                    .is_some_and(|below| below.trim() == cell.trim())
            })
    });
    distinct && !recurs
}

/// A boolean spelled as a word (`t`, `false`, `yes`), not as a digit.
fn is_word_boolean(cell: &str) -> bool {
    parse_boolean(cell).is_some() && parse_integer(cell).is_none()
}

fn is_typed_value(cell: &str) -> bool {
    !is_null_token(cell)
        && (parse_integer(cell).is_some()
            || parse_decimal(cell, DecimalMark::Point).is_some()
            || date_shape(cell).is_some()
            || parse_timestamp(cell).is_some()
            || split_date_time(cell).is_some_and(|(date, _)| date_shape(date).is_some())
            || parse_boolean(cell).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_may_name_a_column_with_a_boolean_word() {
        let rows = |cells: &[&[&str]]| -> Vec<Vec<String>> {
            cells
                .iter()
                .map(|row| row.iter().map(|c| (*c).to_owned()).collect())
                .collect()
        };
        let first = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        // `converge rfm`'s own output read back in.
        assert!(looks_like_header(
            &first(&["customer_id", "r", "f", "m"]),
            &rows(&[&["C1", "5", "4", "3"], &["C2", "1", "2", "5"]])
        ));
        // A row of booleans over booleans is data.
        assert!(!looks_like_header(
            &first(&["C0", "t", "f"]),
            &rows(&[&["C1", "f", "t"], &["C2", "t", "t"]])
        ));
    }

    #[test]
    fn formats_from_names_and_content() {
        assert_eq!(detect_format("a.jsonl", "", true), Format::JsonLines);
        assert_eq!(
            detect_format("a.txt", " [ {\"a\": 1} ]", true),
            Format::Json
        );
        assert_eq!(
            detect_format("a.json", "{\"a\": 1}\n{\"a\": 2}\n", true),
            Format::JsonLines
        );
        assert_eq!(
            detect_format("a.json", "{\n  \"data\": [\n", false),
            Format::Json
        );
        assert_eq!(
            detect_format("a.json", "{\"a\": 1}", true),
            Format::JsonLines
        );
        assert_eq!(
            detect_format("a.json", "{\"data\": [{\"a\": 1}]}", true),
            Format::Json
        );
        assert_eq!(
            detect_format("export.csv", "a;b;c\n1;2,5;3\n", true),
            Format::Delimited { delimiter: b';' }
        );
    }

    #[test]
    fn delimiters_are_sniffed_despite_quotes_and_decimal_commas() {
        for (head, expect) in [
            ("name,city\nAda,London\nBob,Paris\n", b','),
            ("name;amount\nAda;12,50\nBob;3,99\n", b';'),
            ("a\tb\tc\n1\t2\t3\n", b'\t'),
            ("a|b\n\"x|y\"|2\n", b'|'),
            ("note,id\n\"hello; there; you\",1\n\"a;b;c\",2\n", b','),
            ("single\nvalue\n", b','),
        ] {
            assert_eq!(
                detect_delimiter(head, true) as char,
                expect as char,
                "{head:?}"
            );
        }
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn headers_are_told_from_data() {
        let rows = vec![strings(&["Ada", "12.5"]), strings(&["Bob", "3"])];
        assert!(looks_like_header(&strings(&["name", "amount"]), &rows));
        assert!(!looks_like_header(&strings(&["Cy", "7"]), &rows));
        let text_rows = vec![strings(&["Ada", "London"]), strings(&["Bob", "London"])];
        assert!(looks_like_header(&strings(&["name", "city"]), &text_rows));
        assert!(!looks_like_header(&strings(&["Bob", "London"]), &text_rows));
        assert!(!looks_like_header(&strings(&["", ""]), &text_rows));
    }
}
