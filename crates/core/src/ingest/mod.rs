//! Customer exports in: CSV and its cousins, JSON and JSON Lines, typed and explained.
//!
//! Exports come as they come: Excel's semicolons and BOMs, Latin-1 names, ragged rows, nested
//! JSON. [`Ingest`] reads any of them into a typed [`Table`](crate::table::Table) and an
//! [`IngestReport`] that says what was kept, what was refused (with line and reason), and what each
//! column turned out to hold. A bad row is reported, never fatal; only a file that cannot be read
//! at all is an error.
//!
//! The easy path is [`ingest`]; the worker drives [`Ingest::step`] itself to report progress and
//! honour a cancel. Parsing leans on `csv` (csv-core) and `serde_json`; text that is not UTF-8 is
//! decoded with `encoding_rs`.

mod infer;
mod reader;
mod report;
mod sketch;
mod sniff;
mod utf16;
mod values;

pub use reader::{
    detect_header, ingest, rows_key, Ingest, IngestError, IngestProgress, Ingested, ReadOptions,
};
pub use report::{
    ColumnReport, IngestReport, InvalidValue, RowProblem, ValueCount, MAX_REPORTED_ROWS,
};
pub use sketch::Histogram;
pub use sniff::{detect_delimiter, detect_format, looks_like_header, Format};
/// ISO 8601 instants as ingestion reads them (for callers that meet values one at a time, as a
/// live stream does).
pub use values::parse_timestamp;
