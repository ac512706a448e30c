//! What an import tells the user: what was kept, what was refused and why, and what each column
//! turned out to hold.

use super::sketch::Histogram;
use crate::table::ColumnType;

/// The most refused rows (and misfit examples) an import keeps; the counts cover them all.
pub const MAX_REPORTED_ROWS: usize = 10_000;
/// Examples of misfit values kept per column.
pub const MAX_EXAMPLES: usize = 5;

/// The account of one file's import.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IngestReport {
    pub file_name: String,
    /// "CSV (comma)", "JSON", "JSON Lines"…
    pub format: String,
    /// "UTF-8", "UTF-8 with BOM", "UTF-16LE"…
    pub encoding: String,
    /// Values that were not valid UTF-8 and were read as Windows-1252 instead.
    pub n_values_windows_1252: u64,
    pub has_header: bool,
    pub bytes_read: u64,
    /// Data rows met in the file (the header excluded), kept or not.
    pub rows_read: u64,
    pub rows_kept: u64,
    pub rows_rejected: u64,
    /// The first [`MAX_REPORTED_ROWS`] refused rows.
    pub rejected: Vec<RowProblem>,
    pub columns: Vec<ColumnReport>,
    /// Anything else the user should know, in plain words.
    pub notes: Vec<String>,
}

/// A row that was not kept.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RowProblem {
    /// 1-based line in the file where the row starts (for JSON documents, the element's line).
    pub line: u64,
    pub reason: String,
    /// The start of the row as written, to find it.
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ColumnReport {
    pub name: String,
    pub column_type: ColumnType,
    pub n_missing: u64,
    /// Values that did not fit the column's type and were kept as missing.
    pub n_invalid: u64,
    pub invalid_examples: Vec<InvalidValue>,
    pub distinct: u64,
    /// False when `distinct` is an estimate.
    pub distinct_is_exact: bool,
    pub min: Option<String>,
    pub max: Option<String>,
    pub top_values: Vec<ValueCount>,
    pub histogram: Option<Histogram>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct InvalidValue {
    pub line: u64,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

impl IngestReport {
    pub(crate) fn reject(&mut self, line: u64, reason: String, excerpt: &str) {
        self.rows_rejected += 1;
        if self.rejected.len() < MAX_REPORTED_ROWS {
            self.rejected.push(RowProblem {
                line,
                reason,
                excerpt: truncate(excerpt, 200),
            });
        }
    }
}

/// At most `max_chars` characters, with an ellipsis when cut.
pub(crate) fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
