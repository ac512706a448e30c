//! Reading a file into a typed table, step by step.
//!
//! [`Ingest`] pulls bytes from any `Read` (a file natively, a `File` sliced with `FileReaderSync`
//! in the worker) and is driven by [`Ingest::step`], so the caller can report progress and stop
//! between steps. Rows are kept as text per column while the file is read (the raw bytes are never
//! held whole), then each column is converted to its inferred type and the text is dropped.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Cursor, Read};
use std::rc::Rc;

use csv::ByteRecord;
use encoding_rs::WINDOWS_1252;
use serde_json::Value as Json;

use super::infer::{ColumnProfile, TypeDecision};
use super::report::{truncate, ColumnReport, IngestReport, InvalidValue, ValueCount, MAX_EXAMPLES};
use super::sketch::{Histogram, TopValues};
use super::sniff::{detect_format, looks_like_header, Format};
use super::utf16::Utf16Reader;
use super::values::{
    parse_boolean, parse_date, parse_date_time, parse_decimal, parse_integer, unix_millis,
};
use crate::table::{Column, ColumnBuilder, ColumnType, ColumnValues, Table, Value};

/// Bytes looked at to sniff the format, the delimiter and the header.
const HEAD_BYTES: usize = 64 * 1024;
/// Bytes of a JSON document read per step.
const JSON_BYTES_PER_STEP: usize = 4 * 1024 * 1024;
/// Bins in a numeric column's histogram.
const HISTOGRAM_BINS: usize = 20;

/// Choices the user can make instead of letting Converge guess.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    pub format: Option<Format>,
    pub has_header: Option<bool>,
}

/// A file could not be read at all. (A bad row is not an error: it is reported and skipped.)
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file}: the file could not be read: {message}")]
    Unreadable { file: String, message: String },
    #[error("{file}: the import was stepped after it finished")]
    AlreadyFinished { file: String },
}

/// A file read into a table, with its report.
#[derive(Debug, Clone)]
pub struct Ingested {
    pub table: Table,
    pub report: IngestReport,
}

/// Where an import stands after a step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum IngestProgress {
    Reading {
        bytes_read: u64,
    },
    /// Converting columns to their types; `fraction` of that work is done.
    Typing {
        fraction: f32,
    },
    Finished,
}

/// One file being imported. See the module docs.
pub struct Ingest {
    file_name: String,
    source: Source,
    columns: Vec<RawColumn>,
    /// The line each kept row starts on, to point at misfit values.
    row_lines: Vec<u64>,
    report: IngestReport,
    typing: Option<Typing>,
    finished: Option<Ingested>,
    /// The file's size, if known: used once to size the columns for the whole file.
    size_hint: Option<u64>,
    reserved: bool,
}

/// Rows read before the columns are sized from the file's size.
const ROWS_BEFORE_RESERVING: u64 = 2_000;

enum Source {
    Delimited {
        reader: csv::Reader<LineCounter>,
        lines: Rc<RefCell<LineTracker>>,
        record: ByteRecord,
        delimiter: u8,
        /// Skipped first record that named the columns.
        header_pending: bool,
    },
    JsonLines {
        reader: BufReader<Box<dyn Read>>,
        line: u64,
        buffer: Vec<u8>,
    },
    JsonDocument {
        reader: Box<dyn Read>,
        bytes: Vec<u8>,
        parse: Option<JsonElements>,
    },
    Exhausted,
}

/// Walking the elements of a JSON document's array.
struct JsonElements {
    /// Byte offset of the next element.
    position: usize,
    end: usize,
    line: u64,
    line_counted_to: usize,
    /// Rows of an object-wrapped array (`{"data": [...]}`), parsed up front.
    wrapped: Option<std::vec::IntoIter<Json>>,
    record_idx: u64,
}

struct RawColumn {
    name: String,
    text: ColumnBuilder,
    profile: ColumnProfile,
}

impl Ingest {
    /// Starts importing `reader`, sniffing what `options` leaves open.
    pub fn new(
        file_name: &str,
        reader: impl Read + 'static,
        options: ReadOptions,
    ) -> Result<Ingest, IngestError> {
        let unreadable = |err: std::io::Error| unreadable(file_name, err);
        let mut reader: Box<dyn Read> = Box::new(reader);
        let mut head = read_head(&mut reader).map_err(unreadable)?;
        let mut report = IngestReport {
            file_name: file_name.to_owned(),
            encoding: "UTF-8".into(),
            ..IngestReport::default()
        };
        let mut head_offset = 0u64;
        if let Some(rest) = head.strip_prefix(b"\xEF\xBB\xBF") {
            head = rest.to_vec();
            head_offset = 3;
            report.encoding = "UTF-8 with BOM".into();
        } else if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
            let little_endian = head.starts_with(b"\xFF\xFE");
            report.encoding = if little_endian {
                "UTF-16LE"
            } else {
                "UTF-16BE"
            }
            .into();
            let raw = Cursor::new(head[2..].to_vec()).chain(reader);
            reader = Box::new(Utf16Reader::new(raw, little_endian));
            head = read_head(&mut reader).map_err(unreadable)?;
        }
        let complete = head.len() < HEAD_BYTES;
        let head_text = String::from_utf8_lossy(&head).into_owned();
        let format = options
            .format
            .unwrap_or_else(|| detect_format(file_name, &head_text, complete));
        report.format = format.label();
        report.bytes_read = head_offset;
        let whole: Box<dyn Read> = Box::new(Cursor::new(head).chain(reader));
        let source = match format {
            Format::Delimited { delimiter } => {
                let has_header = options
                    .has_header
                    .unwrap_or_else(|| detect_header(&head_text, delimiter, complete));
                report.has_header = has_header;
                let lines = Rc::new(RefCell::new(LineTracker::default()));
                Source::Delimited {
                    reader: csv::ReaderBuilder::new()
                        .delimiter(delimiter)
                        .has_headers(false)
                        .flexible(true)
                        .buffer_capacity(256 * 1024)
                        .from_reader(LineCounter {
                            inner: whole,
                            lines: lines.clone(),
                        }),
                    lines,
                    record: ByteRecord::new(),
                    delimiter,
                    header_pending: has_header,
                }
            }
            Format::JsonLines => {
                report.has_header = true;
                Source::JsonLines {
                    reader: BufReader::with_capacity(1 << 20, whole),
                    line: 0,
                    buffer: Vec::new(),
                }
            }
            Format::Json => {
                report.has_header = true;
                Source::JsonDocument {
                    reader: whole,
                    bytes: Vec::new(),
                    parse: None,
                }
            }
        };
        Ok(Ingest {
            file_name: file_name.to_owned(),
            source,
            columns: Vec::new(),
            row_lines: Vec::new(),
            report,
            typing: None,
            finished: None,
            size_hint: None,
            reserved: false,
        })
    }

    /// Tells the import how big the file is, so that it can size its columns once rather than
    /// grow them step by step (which, in WebAssembly, means copying them).
    pub fn with_size_hint(mut self, total_bytes: u64) -> Ingest {
        self.size_hint = Some(total_bytes);
        self
    }

    /// Once a few thousand rows are in, extrapolates each column's final size from the share of
    /// the file read so far, with a little room to spare.
    fn reserve_for_whole_file(&mut self) {
        let Some(total) = self.size_hint else { return };
        if self.reserved
            || self.report.rows_kept < ROWS_BEFORE_RESERVING
            || self.report.bytes_read == 0
        {
            return;
        }
        self.reserved = true;
        let scale = total as f64 / self.report.bytes_read as f64 * 1.05;
        let rows_so_far = self.report.rows_kept as f64;
        let more_rows = (rows_so_far * scale - rows_so_far).max(0.0) as usize;
        for column in &mut self.columns {
            let bytes_so_far = column.text.text_bytes() as f64;
            let more_bytes = (bytes_so_far * scale - bytes_so_far).max(0.0) as usize;
            column.text.reserve(more_rows, more_bytes);
        }
        self.row_lines.reserve(more_rows);
    }

    /// Reads or converts up to `max_rows` rows.
    pub fn step(&mut self, max_rows: usize) -> Result<IngestProgress, IngestError> {
        if self.finished.is_some() {
            return Ok(IngestProgress::Finished);
        }
        if let Some(typing) = &mut self.typing {
            if typing.step(max_rows, &self.row_lines) {
                self.finish_typing();
                return Ok(IngestProgress::Finished);
            }
            return Ok(IngestProgress::Typing {
                fraction: typing.fraction(),
            });
        }
        let source_done = match &mut self.source {
            Source::Delimited { .. } => self.step_delimited(max_rows)?,
            Source::JsonLines { .. } => self.step_json_lines(max_rows)?,
            Source::JsonDocument { .. } => self.step_json_document(max_rows)?,
            Source::Exhausted => true,
        };
        self.reserve_for_whole_file();
        if source_done {
            self.source = Source::Exhausted;
            self.start_typing();
            return Ok(IngestProgress::Typing { fraction: 0.0 });
        }
        Ok(IngestProgress::Reading {
            bytes_read: self.report.bytes_read,
        })
    }

    /// The share of the whole import done, given the file's size in bytes (if known).
    pub fn fraction_done(&self, total_bytes: Option<u64>) -> f32 {
        const READING_SHARE: f32 = 0.85;
        if self.finished.is_some() {
            return 1.0;
        }
        if let Some(typing) = &self.typing {
            return READING_SHARE + (1.0 - READING_SHARE) * typing.fraction();
        }
        match total_bytes {
            Some(total) if total > 0 => {
                READING_SHARE * (self.report.bytes_read as f32 / total as f32).min(1.0)
            }
            _ => 0.0,
        }
    }

    /// The table and report, once [`Ingest::step`] has said `Finished`.
    pub fn finish(self) -> Result<Ingested, IngestError> {
        self.finished.ok_or(IngestError::AlreadyFinished {
            file: self.file_name,
        })
    }

    fn step_delimited(&mut self, max_rows: usize) -> Result<bool, IngestError> {
        let Source::Delimited {
            reader,
            lines,
            record,
            delimiter,
            header_pending,
        } = &mut self.source
        else {
            return Ok(true);
        };
        for _ in 0..max_rows {
            let previous_end = reader.position().byte();
            let more = reader
                .read_byte_record(record)
                .map_err(|err| unreadable(&self.file_name, err))?;
            self.report.bytes_read = reader.position().byte();
            if !more {
                return Ok(true);
            }
            // The csv crate's own line count misses CR and CRLF endings; count them ourselves.
            let line = lines.borrow_mut().next_record_line(previous_end);
            let n_windows_1252 = &mut self.report.n_values_windows_1252;
            if *header_pending {
                *header_pending = false;
                let cells: Vec<Cow<'_, str>> = record
                    .iter()
                    .map(|field| decode(unneutralise(field), n_windows_1252))
                    .collect();
                self.columns = column_names(cells.iter().map(|f| f.as_ref()))
                    .into_iter()
                    .map(RawColumn::new)
                    .collect();
                continue;
            }
            self.report.rows_read += 1;
            if self.columns.is_empty() {
                // No header: the first row sets the width, and columns are numbered.
                self.columns = (1..=record.len())
                    .map(|n| RawColumn::new(format!("column_{n}")))
                    .collect();
            }
            let n_columns = self.columns.len();
            let fits = record.len() == n_columns
                || (record.len() > n_columns
                    && record.iter().skip(n_columns).all(<[u8]>::is_empty));
            if !fits {
                let mut ignored = 0;
                let cells: Vec<Cow<'_, str>> = record
                    .iter()
                    .map(|field| decode(field, &mut ignored))
                    .collect();
                let excerpt = cells.join(&(*delimiter as char).to_string());
                let expected = if self.report.has_header {
                    "the header has"
                } else {
                    "the first row has"
                };
                self.report.reject(
                    line,
                    format!("{} fields, {expected} {n_columns}", record.len()),
                    &excerpt,
                );
                continue;
            }
            for (column, field) in self.columns.iter_mut().zip(record.iter()) {
                column.push(&decode(unneutralise(field), n_windows_1252));
            }
            self.row_lines.push(line);
            self.report.rows_kept += 1;
        }
        Ok(false)
    }

    fn step_json_lines(&mut self, max_rows: usize) -> Result<bool, IngestError> {
        let Source::JsonLines {
            reader,
            line,
            buffer,
        } = &mut self.source
        else {
            return Ok(true);
        };
        let mut objects = Vec::new();
        let mut done = false;
        for _ in 0..max_rows {
            buffer.clear();
            let n_bytes = reader
                .read_until(b'\n', buffer)
                .map_err(|err| unreadable(&self.file_name, err))?;
            if n_bytes == 0 {
                done = true;
                break;
            }
            *line += 1;
            self.report.bytes_read += n_bytes as u64;
            let text = decode(buffer, &mut self.report.n_values_windows_1252);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            self.report.rows_read += 1;
            match serde_json::from_str::<Json>(text) {
                Ok(Json::Object(object)) => objects.push((*line, Json::Object(object))),
                Ok(other) => self.report.reject(
                    *line,
                    format!("a JSON {} where an object was expected", json_kind(&other)),
                    text,
                ),
                Err(err) => self
                    .report
                    .reject(*line, format!("not valid JSON: {err}"), text),
            }
        }
        for (line, object) in objects {
            self.push_json_row(line, &object);
        }
        Ok(done)
    }

    fn step_json_document(&mut self, max_rows: usize) -> Result<bool, IngestError> {
        let Source::JsonDocument {
            reader,
            bytes,
            parse,
        } = &mut self.source
        else {
            return Ok(true);
        };
        let Some(elements) = parse else {
            // Still reading the document.
            let before = bytes.len();
            let n_read = reader
                .take(JSON_BYTES_PER_STEP as u64)
                .read_to_end(bytes)
                .map_err(|err| unreadable(&self.file_name, err))?;
            self.report.bytes_read += (bytes.len() - before) as u64;
            if n_read == 0 {
                match JsonElements::start(bytes, &mut self.report.n_values_windows_1252) {
                    Ok(started) => *parse = Some(started),
                    Err(reason) => {
                        self.report.notes.push(reason);
                        return Ok(true);
                    }
                }
            }
            return Ok(false);
        };
        let mut rows = Vec::new();
        let mut done = false;
        for _ in 0..max_rows {
            match elements.next(bytes) {
                None => {
                    done = true;
                    break;
                }
                Some(Ok((line, Json::Object(object)))) => {
                    self.report.rows_read += 1;
                    rows.push((line, Json::Object(object)));
                }
                Some(Ok((line, other))) => {
                    self.report.rows_read += 1;
                    let excerpt = other.to_string();
                    self.report.reject(
                        line,
                        format!("a JSON {} where an object was expected", json_kind(&other)),
                        &excerpt,
                    );
                }
                Some(Err((line, reason))) => {
                    self.report.notes.push(format!(
                        "Line {line}: {reason}. The rest of the document could not be read; \
                         every row before it was kept."
                    ));
                    done = true;
                    break;
                }
            }
        }
        if done {
            *bytes = Vec::new();
        }
        for (line, object) in rows {
            self.push_json_row(line, &object);
        }
        Ok(done)
    }

    fn push_json_row(&mut self, line: u64, object: &Json) {
        let mut cells: Vec<(String, Option<String>)> = Vec::new();
        flatten("", object, &mut cells);
        let mut row: Vec<Option<String>> = vec![None; self.columns.len()];
        for (name, value) in cells {
            let column_idx = match self.columns.iter().position(|c| c.name == name) {
                Some(idx) => idx,
                None => {
                    let mut column = RawColumn::new(name);
                    for _ in 0..self.report.rows_kept {
                        column.push("");
                    }
                    self.columns.push(column);
                    row.push(None);
                    self.columns.len() - 1
                }
            };
            row[column_idx] = value;
        }
        for (column, cell) in self.columns.iter_mut().zip(&row) {
            column.push(cell.as_deref().unwrap_or(""));
        }
        self.row_lines.push(line);
        self.report.rows_kept += 1;
    }

    fn start_typing(&mut self) {
        let columns = std::mem::take(&mut self.columns);
        self.typing = Some(Typing::new(columns));
    }

    fn finish_typing(&mut self) {
        let Some(typing) = self.typing.take() else {
            return;
        };
        let (columns, reports) = typing.finish();
        self.report.columns = reports;
        if self.report.n_values_windows_1252 > 0 {
            self.report.notes.push(format!(
                "{} values were not valid UTF-8 and were read as Windows-1252 (Western European).",
                self.report.n_values_windows_1252
            ));
        }
        if self.report.rows_rejected > 0 {
            self.report.notes.push(format!(
                "{} of {} rows were not kept; the reasons are listed with their line numbers.",
                self.report.rows_rejected, self.report.rows_read
            ));
        }
        let table = Table::new(table_name(&self.file_name), columns)
            .expect("every column received one value per kept row");
        self.row_lines = Vec::new();
        self.finished = Some(Ingested {
            table,
            report: std::mem::take(&mut self.report),
        });
    }
}

fn unreadable(file_name: &str, err: impl std::fmt::Display) -> IngestError {
    IngestError::Unreadable {
        file: file_name.to_owned(),
        message: err.to_string(),
    }
}

/// Imports a whole reader at once: the easy path for the CLI and tests.
pub fn ingest(
    file_name: &str,
    reader: impl Read + 'static,
    options: ReadOptions,
) -> Result<Ingested, IngestError> {
    let mut ingest = Ingest::new(file_name, reader, options)?;
    while ingest.step(65_536)? != IngestProgress::Finished {}
    ingest.finish()
}

impl RawColumn {
    fn new(name: String) -> RawColumn {
        RawColumn {
            text: ColumnBuilder::new(name.clone(), ColumnType::Text),
            name,
            profile: ColumnProfile::default(),
        }
    }

    fn push(&mut self, text: &str) {
        if self.profile.observe(text) {
            self.text.push_text(text);
        } else {
            self.text
                .push(Value::Null)
                .expect("a text column takes missing values");
        }
    }
}

/// Passes bytes through to the CSV reader, noting where its line breaks are so that line numbers
/// can be counted exactly (CR, LF and CRLF alike).
struct LineCounter {
    inner: Box<dyn Read>,
    lines: Rc<RefCell<LineTracker>>,
}

impl Read for LineCounter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.lines.borrow_mut().receive(&buf[..n]);
        Ok(n)
    }
}

/// Line numbers of records, from the line breaks the CSV reader has read past. Only the breaks
/// no record has passed yet are kept: at most what the reader buffers ahead.
struct LineTracker {
    /// Offsets of `\r` and `\n` bytes not yet passed, and whether each starts a new line (the
    /// `\n` of a CRLF does not).
    breaks: VecDeque<(u64, bool)>,
    /// Offset of the next byte to arrive.
    received: u64,
    last_cr: Option<u64>,
    /// The 1-based line reached by the breaks passed so far.
    line: u64,
}

impl Default for LineTracker {
    fn default() -> LineTracker {
        LineTracker {
            breaks: VecDeque::new(),
            received: 0,
            last_cr: None,
            line: 1,
        }
    }
}

impl LineTracker {
    fn receive(&mut self, bytes: &[u8]) {
        for idx in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let offset = self.received + idx as u64;
            let starts_line = if bytes[idx] == b'\r' {
                self.last_cr = Some(offset);
                true
            } else {
                self.last_cr.is_none_or(|cr| cr + 1 != offset)
            };
            self.breaks.push_back((offset, starts_line));
        }
        self.received += bytes.len() as u64;
    }

    /// The line the next record starts on, given the byte offset where the previous record ended:
    /// breaks before that offset are behind us, and breaks right at it (the previous record's
    /// terminator, blank lines the reader skips) are not part of the record.
    fn next_record_line(&mut self, previous_end: u64) -> u64 {
        let mut cursor = previous_end;
        while let Some(&(offset, starts_line)) = self.breaks.front() {
            if offset < previous_end || offset == cursor {
                if offset == cursor {
                    cursor += 1;
                }
                self.breaks.pop_front();
                self.line += u64::from(starts_line);
            } else {
                break;
            }
        }
        self.line
    }
}

fn read_head(reader: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    reader.take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Text from bytes: UTF-8 when valid, else Windows-1252 (which reads any byte), counted.
fn decode<'a>(bytes: &'a [u8], n_windows_1252: &mut u64) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            *n_windows_1252 += 1;
            WINDOWS_1252.decode_without_bom_handling(bytes).0
        }
    }
}

/// Undoes the spreadsheet-formula guard of CSV exports (Converge's among them): a leading `'`
/// before `= + - @`, tab or CR is a text marker, not part of the value.
fn unneutralise(field: &[u8]) -> &[u8] {
    match field {
        [b'\'', b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r', ..] => &field[1..],
        _ => field,
    }
}

/// Whether a delimited file's first record is a header, judged from its first bytes (`head`;
/// `complete` if that is the whole file).
pub fn detect_header(head: &str, delimiter: u8, complete: bool) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(head.as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .byte_records()
        .take(21)
        .map_while(Result::ok)
        .map(|record| {
            record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect()
        })
        .collect();
    if !complete && rows.len() > 2 {
        rows.pop();
    }
    match rows.split_first() {
        Some((first, rest)) => looks_like_header(first, rest),
        None => false,
    }
}

/// Header cells as column names: blanks are numbered and repeats get a suffix, so every column
/// has a distinct name.
fn column_names<'a>(cells: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (idx, cell) in cells.enumerate() {
        let base = match cell.trim() {
            "" => format!("column_{}", idx + 1),
            name => name.to_owned(),
        };
        let mut name = base.clone();
        while seen.contains_key(&name) {
            let n = seen.entry(base.clone()).or_insert(1);
            *n += 1;
            name = format!("{base}_{n}");
        }
        seen.insert(name.clone(), 1);
        names.push(name);
    }
    names
}

/// `exports/Customers 2024.csv` → `Customers 2024`.
fn table_name(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let stem = match base.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => base,
    };
    stem.to_owned()
}

/// In a JSON document that is an object, the key of the array holding its rows: the longest
/// array (`{"meta": {...}, "data": [...]}` → `data`).
pub fn rows_key(object: &serde_json::Map<String, Json>) -> Option<String> {
    object
        .iter()
        .filter_map(|(key, value)| value.as_array().map(|array| (key, array.len())))
        .max_by_key(|(_, len)| *len)
        .map(|(key, _)| key.clone())
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// Nested objects become dotted names (`address.city`); arrays stay JSON text.
fn flatten(prefix: &str, value: &Json, out: &mut Vec<(String, Option<String>)>) {
    match value {
        Json::Object(object) => {
            for (key, child) in object {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&name, child, out);
            }
        }
        Json::Null => out.push((prefix.to_owned(), None)),
        Json::String(text) => out.push((prefix.to_owned(), Some(text.clone()))),
        Json::Bool(b) => out.push((prefix.to_owned(), Some(b.to_string()))),
        Json::Number(n) => out.push((prefix.to_owned(), Some(n.to_string()))),
        Json::Array(_) => out.push((prefix.to_owned(), Some(value.to_string()))),
    }
}

impl JsonElements {
    /// Finds the rows of a document: a top-level array, the longest array inside a top-level
    /// object, or the object itself as one row.
    fn start(bytes: &mut Vec<u8>, n_windows_1252: &mut u64) -> Result<JsonElements, String> {
        if std::str::from_utf8(bytes).is_err() {
            *n_windows_1252 += 1;
            let text = WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
            *bytes = text.into_bytes();
        }
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .ok_or_else(|| "The document is empty.".to_owned())?;
        let line = 1 + bytes[..start].iter().filter(|b| **b == b'\n').count() as u64;
        if bytes[start] == b'[' {
            return Ok(JsonElements {
                position: start + 1,
                end: bytes.len(),
                line,
                line_counted_to: start,
                wrapped: None,
                record_idx: 0,
            });
        }
        let document: Json = serde_json::from_slice(&bytes[start..])
            .map_err(|err| format!("The document is not valid JSON: {err}"))?;
        let rows = match document {
            Json::Object(mut object) => {
                match rows_key(&object).and_then(|key| object.remove(&key)) {
                    Some(Json::Array(rows)) => rows,
                    _ => vec![Json::Object(object)],
                }
            }
            other => vec![other],
        };
        Ok(JsonElements {
            position: 0,
            end: 0,
            line,
            line_counted_to: 0,
            wrapped: Some(rows.into_iter()),
            record_idx: 0,
        })
    }

    /// The next element with its line, `None` at the end, or where and why the document broke.
    fn next(&mut self, bytes: &[u8]) -> Option<Result<(u64, Json), (u64, String)>> {
        if let Some(rows) = &mut self.wrapped {
            self.record_idx += 1;
            // Rows inside a wrapping object are numbered, not located: lines are not tracked there.
            return rows.next().map(|row| Ok((self.line, row)));
        }
        let skip_blank = |mut position: usize| {
            while position < self.end && bytes[position].is_ascii_whitespace() {
                position += 1;
            }
            position
        };
        self.position = skip_blank(self.position);
        if self.position >= self.end {
            return Some(Err((self.line, "the array is not closed with `]`".into())));
        }
        if bytes[self.position] == b']' {
            return None;
        }
        self.line += bytes[self.line_counted_to..self.position]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.line_counted_to = self.position;
        let mut stream = serde_json::Deserializer::from_slice(&bytes[self.position..self.end])
            .into_iter::<Json>();
        let element = match stream.next() {
            Some(Ok(element)) => element,
            Some(Err(err)) => return Some(Err((self.line, format!("not valid JSON: {err}")))),
            None => return Some(Err((self.line, "the array is not closed with `]`".into()))),
        };
        self.position = skip_blank(self.position + stream.byte_offset());
        match bytes.get(self.position) {
            Some(b',') => self.position += 1,
            Some(b']') => {}
            _ => {
                return Some(Err((
                    self.line,
                    "expected `,` or `]` after an element".into(),
                )))
            }
        }
        Some(Ok((self.line, element)))
    }
}

/// Converting the text columns to their types, a chunk of rows at a time.
struct Typing {
    pending: std::vec::IntoIter<RawColumn>,
    n_columns: usize,
    current: Option<Conversion>,
    done: Vec<(Column, ColumnReport)>,
}

impl Typing {
    fn new(columns: Vec<RawColumn>) -> Typing {
        Typing {
            n_columns: columns.len(),
            pending: columns.into_iter(),
            current: None,
            done: Vec::new(),
        }
    }

    /// Returns true when every column is converted.
    fn step(&mut self, max_rows: usize, row_lines: &[u64]) -> bool {
        let mut budget = max_rows.max(1);
        while budget > 0 {
            if self.current.is_none() {
                match self.pending.next() {
                    Some(raw) => self.current = Some(Conversion::new(raw)),
                    None => return true,
                }
            }
            let conversion = self.current.as_mut().expect("set just above");
            budget = conversion.step(budget, row_lines);
            if conversion.is_done() {
                let conversion = self.current.take().expect("checked just above");
                self.done.push(conversion.finish());
            }
        }
        self.current.is_none() && self.pending.len() == 0
    }

    fn fraction(&self) -> f32 {
        if self.n_columns == 0 {
            return 1.0;
        }
        let partial = self.current.as_ref().map_or(0.0, Conversion::fraction);
        (self.done.len() as f32 + partial) / self.n_columns as f32
    }

    fn finish(self) -> (Vec<Column>, Vec<ColumnReport>) {
        self.done.into_iter().unzip()
    }
}

/// One column's conversion from text to its type.
struct Conversion {
    raw: Column,
    decision: TypeDecision,
    typed: Option<ColumnBuilder>,
    row_idx: usize,
    report: ColumnReport,
    /// Most common values of a text column; none unless values repeat fifty times on average
    /// (not ids or emails), where "most common" would mean little and cost much.
    top: Option<TopValues>,
}

impl Conversion {
    fn new(raw: RawColumn) -> Conversion {
        let decision = raw.profile.decide(&raw.name);
        let report = ColumnReport {
            name: raw.name.clone(),
            column_type: decision.column_type,
            n_missing: 0,
            n_invalid: 0,
            invalid_examples: Vec::new(),
            distinct: raw.profile.distinct.estimate(),
            distinct_is_exact: false,
            min: None,
            max: None,
            top_values: Vec::new(),
            histogram: None,
            notes: decision.notes.clone(),
        };
        // Text stays as read: nothing to convert, and no copy.
        let typed = (decision.column_type != ColumnType::Text)
            .then(|| ColumnBuilder::new(raw.name.clone(), decision.column_type));
        Conversion {
            raw: raw.text.finish(),
            decision,
            typed,
            top: (raw.profile.distinct.estimate().saturating_mul(50) < raw.profile.n_values)
                .then(|| TopValues::new(32)),
            row_idx: 0,
            report,
        }
    }

    fn is_done(&self) -> bool {
        self.row_idx >= self.raw.len()
    }

    fn fraction(&self) -> f32 {
        if self.raw.is_empty() {
            1.0
        } else {
            self.row_idx as f32 / self.raw.len() as f32
        }
    }

    /// Converts up to `budget` values; returns the budget left.
    fn step(&mut self, budget: usize, row_lines: &[u64]) -> usize {
        if self.typed.is_none() && self.top.is_none() {
            // Text kept as read, with nothing to count: there is no work per value.
            self.row_idx = self.raw.len();
            return budget;
        }
        let end = self.row_idx.saturating_add(budget).min(self.raw.len());
        let used = end - self.row_idx;
        for row_idx in self.row_idx..end {
            let Value::Text(text) = self.raw.get(row_idx) else {
                if let Some(typed) = &mut self.typed {
                    typed
                        .push(Value::Null)
                        .expect("every column takes missing values");
                }
                continue;
            };
            if self.decision.column_type == ColumnType::Text {
                if let Some(top) = &mut self.top {
                    top.insert(text);
                }
                continue;
            }
            let value = self.parse(text);
            if matches!(value, Value::Null) {
                self.report.n_invalid += 1;
                if self.report.invalid_examples.len() < MAX_EXAMPLES {
                    self.report.invalid_examples.push(InvalidValue {
                        line: row_lines.get(row_idx).copied().unwrap_or(0),
                        value: truncate(text, 80),
                    });
                }
            }
            if let Some(typed) = &mut self.typed {
                typed
                    .push(value)
                    .expect("parse returns values of the column's type");
            }
        }
        self.row_idx = end;
        budget - used
    }

    fn parse<'t>(&self, text: &'t str) -> Value<'t> {
        let decision = &self.decision;
        let value = match decision.column_type {
            ColumnType::Integer => parse_integer(text).map(Value::Integer),
            ColumnType::Decimal => parse_decimal(text, decision.decimal_mark).map(Value::Decimal),
            ColumnType::Boolean => parse_boolean(text).map(Value::Boolean),
            ColumnType::Date => parse_date(text, decision.date_order).map(Value::Date),
            ColumnType::Timestamp if decision.unix_time => parse_integer(text)
                .and_then(unix_millis)
                .map(Value::Timestamp),
            ColumnType::Timestamp => {
                parse_date_time(text, decision.date_order).map(Value::Timestamp)
            }
            ColumnType::Text | ColumnType::Category => Some(Value::Text(text)),
        };
        value.unwrap_or(Value::Null)
    }

    fn finish(self) -> (Column, ColumnReport) {
        let mut report = self.report;
        let column = match self.typed {
            Some(typed) => typed.finish(),
            None => self.raw,
        };
        report.n_missing = column.n_missing() as u64;
        summarise(&column, &mut report, self.top.as_ref());
        if report.n_invalid > 0 {
            report.notes.push(format!(
                "{} values did not read as {} and are kept as missing.",
                report.n_invalid,
                report.column_type.label()
            ));
        }
        (column, report)
    }
}

/// Min, max, histogram and most common values, from the typed column.
fn summarise(column: &Column, report: &mut ColumnReport, top: Option<&TopValues>) {
    let valid = |row_idx: usize| !matches!(column.get(row_idx), Value::Null);
    let n_rows = column.len();
    let numeric: Option<Vec<f64>> = match column.values() {
        ColumnValues::Integer(values) => Some(
            (0..n_rows)
                .filter(|i| valid(*i))
                .map(|i| values[i] as f64)
                .collect(),
        ),
        ColumnValues::Decimal(values) => Some(
            (0..n_rows)
                .filter(|i| valid(*i))
                .map(|i| values[i])
                .collect(),
        ),
        ColumnValues::Date(values) => Some(
            (0..n_rows)
                .filter(|i| valid(*i))
                .map(|i| f64::from(values[i]))
                .collect(),
        ),
        ColumnValues::Timestamp(values) => Some(
            (0..n_rows)
                .filter(|i| valid(*i))
                .map(|i| values[i] as f64)
                .collect(),
        ),
        _ => None,
    };
    if let Some(numbers) = numeric {
        let extreme = |pick_max: bool| -> Option<String> {
            let mut best: Option<(usize, f64)> = None;
            let valid_rows = (0..n_rows).filter(|i| valid(*i));
            for (row_idx, value) in valid_rows.zip(numbers.iter().copied()) {
                let better =
                    best.is_none_or(|(_, held)| if pick_max { value > held } else { value < held });
                if better {
                    best = Some((row_idx, value));
                }
            }
            best.and_then(|(row_idx, _)| column.display(row_idx))
        };
        report.min = extreme(false);
        report.max = extreme(true);
        report.histogram = Histogram::of(numbers.iter().copied(), HISTOGRAM_BINS);
        return;
    }
    match column.values() {
        ColumnValues::Category { dictionary, codes } => {
            let mut counts = vec![0u64; dictionary.len()];
            for (row_idx, code) in codes.iter().enumerate() {
                if valid(row_idx) {
                    if let Some(count) = counts.get_mut(*code as usize) {
                        *count += 1;
                    }
                }
            }
            let mut ranked: Vec<ValueCount> = dictionary
                .iter()
                .zip(counts)
                .map(|(value, count)| ValueCount {
                    value: value.clone(),
                    count,
                })
                .collect();
            ranked.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
            report.distinct = ranked.iter().filter(|top| top.count > 0).count() as u64;
            report.distinct_is_exact = true;
            ranked.truncate(10);
            report.top_values = ranked;
        }
        ColumnValues::Boolean(values) => {
            let n_true = (0..n_rows).filter(|i| valid(*i) && values[*i]).count() as u64;
            let n_valid = (n_rows - column.n_missing()) as u64;
            report.top_values = vec![
                ValueCount {
                    value: "true".into(),
                    count: n_true,
                },
                ValueCount {
                    value: "false".into(),
                    count: n_valid - n_true,
                },
            ];
            report.distinct = report.top_values.iter().filter(|top| top.count > 0).count() as u64;
            report.distinct_is_exact = true;
        }
        _ => {
            let Some(top) = top else { return };
            let values = (0..n_rows).filter_map(|row_idx| match column.get(row_idx) {
                Value::Text(text) => Some(text),
                _ => None,
            });
            report.top_values = top
                .recount(10, values)
                .into_iter()
                .filter(|(_, count)| *count > 1)
                .map(|(value, count)| ValueCount {
                    value: truncate(&value, 80),
                    count,
                })
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(file_name: &str, content: &[u8]) -> Ingested {
        ingest(
            file_name,
            Cursor::new(content.to_vec()),
            ReadOptions::default(),
        )
        .unwrap()
    }

    fn rows(ingested: &Ingested) -> Vec<Vec<Option<String>>> {
        ingested.table.page_as_text(0, usize::MAX)
    }

    fn names(ingested: &Ingested) -> Vec<&str> {
        ingested.table.columns().iter().map(Column::name).collect()
    }

    #[test]
    fn ragged_rows_are_refused_with_their_line_and_neighbours_kept() {
        let ingested = read(
            "t.csv",
            b"a,b,c\n1,2,3\n4,5\n\"multi\nline\",7,8\n9,10,11,12\n13,14,15,\n",
        );
        assert_eq!(ingested.report.rows_read, 5);
        assert_eq!(ingested.report.rows_kept, 3);
        let problems: Vec<(u64, &str)> = ingested
            .report
            .rejected
            .iter()
            .map(|p| (p.line, p.reason.as_str()))
            .collect();
        assert_eq!(
            problems,
            vec![
                (3, "2 fields, the header has 3"),
                (6, "4 fields, the header has 3")
            ]
        );
        assert_eq!(rows(&ingested)[1][0].as_deref(), Some("multi\nline"));
        assert_eq!(rows(&ingested)[2][2].as_deref(), Some("15"));
    }

    #[test]
    fn line_numbers_count_cr_lf_and_crlf_endings_alike() {
        for ending in ["\n", "\r\n", "\r"] {
            let csv = ["a;b", "1;2", "3", "", "4;\"x", "y\"", "5"].join(ending) + ending;
            let ingested = read("t.csv", csv.as_bytes());
            let lines: Vec<u64> = ingested.report.rejected.iter().map(|p| p.line).collect();
            assert_eq!(lines, [3, 7], "{ending:?}");
            assert_eq!(ingested.report.rows_kept, 2, "{ending:?}");
        }
    }

    #[test]
    fn excel_style_semicolons_bom_and_comma_decimals() {
        let ingested = read(
            "export.csv",
            "\u{feff}name;amount;day\r\nZoë;12,50;31/12/2024\r\nBo;3,99;01/02/2025\r\n".as_bytes(),
        );
        assert_eq!(ingested.report.encoding, "UTF-8 with BOM");
        assert_eq!(ingested.report.format, "CSV (semicolon-delimited)");
        assert_eq!(names(&ingested), ["name", "amount", "day"]);
        let types: Vec<ColumnType> = ingested
            .table
            .columns()
            .iter()
            .map(Column::column_type)
            .collect();
        assert_eq!(
            types,
            [ColumnType::Text, ColumnType::Decimal, ColumnType::Date]
        );
        assert_eq!(
            rows(&ingested)[0],
            vec![
                Some("Zoë".into()),
                Some("12.5".into()),
                Some("2024-12-31".into())
            ]
        );
    }

    #[test]
    fn latin_1_bytes_are_read_as_windows_1252_and_reported() {
        let ingested = read("t.csv", b"name,city\nJos\xe9,M\xfcnchen\nAda,Paris\n");
        assert_eq!(rows(&ingested)[0][0].as_deref(), Some("José"));
        assert_eq!(rows(&ingested)[0][1].as_deref(), Some("München"));
        assert_eq!(ingested.report.n_values_windows_1252, 2);
        assert!(ingested
            .report
            .notes
            .iter()
            .any(|n| n.contains("Windows-1252")));
    }

    #[test]
    fn empty_and_header_only_files_are_tables_with_no_rows() {
        let empty = read("empty.csv", b"");
        assert_eq!((empty.table.n_rows(), empty.table.n_columns()), (0, 0));
        let header_only = read("h.csv", b"id,email\n");
        assert_eq!(header_only.table.n_rows(), 0);
        assert_eq!(names(&header_only), ["id", "email"]);
        assert!(header_only.report.has_header);
    }

    #[test]
    fn duplicate_and_blank_header_names_are_made_distinct() {
        let ingested = read("t.csv", b"id,,id,id\n1,2,3,4\n");
        assert_eq!(names(&ingested), ["id", "column_2", "id_2", "id_3"]);
    }

    #[test]
    fn misfit_values_are_missing_counted_and_shown() {
        let mut csv = String::from("age\n");
        for i in 0..40 {
            csv.push_str(&format!("{}\n", 20 + i));
        }
        csv.push_str("unknown\n");
        let ingested = read("t.csv", csv.as_bytes());
        let age = &ingested.report.columns[0];
        assert_eq!(age.column_type, ColumnType::Integer);
        assert_eq!(age.n_invalid, 1);
        assert_eq!(
            age.invalid_examples,
            vec![InvalidValue {
                line: 42,
                value: "unknown".into()
            }]
        );
        assert_eq!(
            (age.min.as_deref(), age.max.as_deref()),
            (Some("20"), Some("59"))
        );
        assert_eq!(
            age.histogram.as_ref().map(|h| h.counts.iter().sum::<u64>()),
            Some(40)
        );
    }

    #[test]
    fn json_lines_flatten_nested_objects_and_keep_arrays_as_text() {
        let ingested = read(
            "posts.ndjson",
            b"{\"id\": 1, \"user\": {\"handle\": \"@ada\", \"geo\": {\"city\": \"Paris\"}}, \"tags\": [\"a\", \"b\"]}\n\
              \n\
              not json\n\
              [1, 2]\n\
              {\"id\": 2, \"extra\": true}\n",
        );
        assert_eq!(
            names(&ingested),
            ["id", "user.handle", "user.geo.city", "tags", "extra"]
        );
        assert_eq!(ingested.report.rows_kept, 2);
        let reasons: Vec<(u64, bool)> = ingested
            .report
            .rejected
            .iter()
            .map(|p| {
                (
                    p.line,
                    p.reason.starts_with("not valid JSON") || p.reason.contains("array"),
                )
            })
            .collect();
        assert_eq!(reasons, vec![(3, true), (4, true)]);
        let table = rows(&ingested);
        assert_eq!(table[0][3].as_deref(), Some("[\"a\",\"b\"]"));
        assert_eq!(table[1][4].as_deref(), Some("true"));
        assert_eq!(table[0][4], None);
    }

    #[test]
    fn json_arrays_report_the_line_of_each_element() {
        let ingested = read(
            "a.json",
            b"[\n  {\"a\": 1},\n  42,\n  {\"a\": 2, \"b\": \"x\"}\n]\n",
        );
        assert_eq!(ingested.report.rows_kept, 2);
        assert_eq!(ingested.report.rejected[0].line, 3);
        assert_eq!(names(&ingested), ["a", "b"]);
        assert_eq!(rows(&ingested)[0][1], None);
    }

    #[test]
    fn json_objects_holding_an_array_are_read_as_that_array() {
        let ingested = read(
            "w.json",
            b"{\"meta\": {\"n\": 2}, \"data\": [{\"a\": 1}, {\"a\": 2}]}",
        );
        assert_eq!(ingested.report.rows_kept, 2);
        assert_eq!(names(&ingested), ["a"]);
    }

    #[test]
    fn a_broken_json_document_keeps_what_came_before() {
        let ingested = read("b.json", b"[{\"a\": 1},\n{\"a\": 2},\n{\"a\": oops}]");
        assert_eq!(ingested.report.rows_kept, 2);
        assert!(
            ingested.report.notes[0].starts_with("Line 3:"),
            "{:?}",
            ingested.report.notes
        );
    }

    #[test]
    fn utf16_exports_are_transcoded() {
        let text = "name\tcity\nZoë\tMünchen\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let ingested = read("unicode.txt", &bytes);
        assert_eq!(ingested.report.encoding, "UTF-16LE");
        assert_eq!(
            rows(&ingested),
            vec![vec![Some("Zoë".into()), Some("München".into())]]
        );
    }

    #[test]
    fn headerless_files_get_numbered_columns() {
        let ingested = read("n.csv", b"1,Ada\n2,Bob\n");
        assert!(!ingested.report.has_header);
        assert_eq!(names(&ingested), ["column_1", "column_2"]);
        assert_eq!(ingested.report.rows_kept, 2);
    }

    #[test]
    fn steps_report_progress_and_the_result_does_not_depend_on_step_size() {
        let mut csv = String::from("id,city\n");
        for i in 0..1_000 {
            csv.push_str(&format!("{i},{}\n", ["Paris", "Rome"][i % 2]));
        }
        let total = csv.len() as u64;
        let mut ingest = Ingest::new(
            "t.csv",
            Cursor::new(csv.clone().into_bytes()),
            ReadOptions::default(),
        )
        .unwrap();
        let mut fractions = Vec::new();
        while ingest.step(7).unwrap() != IngestProgress::Finished {
            fractions.push(ingest.fraction_done(Some(total)));
        }
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
        let stepped = ingest.finish().unwrap();
        let whole = read("t.csv", csv.as_bytes());
        assert_eq!(stepped.table, whole.table);
        assert_eq!(stepped.report, whole.report);
        assert_eq!(whole.report.bytes_read, total);
        assert_eq!(whole.table.columns()[1].column_type(), ColumnType::Category);
        // A category's distinct count comes from its dictionary: exact.
        assert_eq!(
            (
                whole.report.columns[1].distinct,
                whole.report.columns[1].distinct_is_exact
            ),
            (2, true)
        );
    }

    #[test]
    fn booleans_count_their_two_values_exactly() {
        let ingested = read("b.csv", b"opt_in\nyes\nno\nyes\n\n");
        let column = &ingested.report.columns[0];
        assert_eq!(column.column_type, ColumnType::Boolean);
        assert_eq!((column.distinct, column.distinct_is_exact), (2, true));
        assert_eq!(
            column.top_values[0],
            ValueCount {
                value: "true".into(),
                count: 2
            }
        );
    }

    #[test]
    fn wide_files_are_fine() {
        let header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
        let row: Vec<String> = (0..10_000).map(|i| i.to_string()).collect();
        let csv = format!("{}\n{}\n", header.join(","), row.join(","));
        let ingested = read("wide.csv", csv.as_bytes());
        assert_eq!(ingested.table.n_columns(), 10_000);
        assert_eq!(ingested.table.n_rows(), 1);
    }

    #[test]
    fn table_names_come_from_file_names() {
        assert_eq!(table_name("exports/Customers 2024.csv"), "Customers 2024");
        assert_eq!(table_name("C:\\x\\orders.tar.csv"), "orders.tar");
        assert_eq!(table_name(".hidden"), ".hidden");
    }
}
