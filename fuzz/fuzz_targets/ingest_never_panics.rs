//! Any bytes, under any of the file names that steer format detection, import without a panic,
//! and every row read is either kept or reported as refused.
#![no_main]

use converge_core::ingest::{ingest, ReadOptions};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = ["data.csv", "data.tsv", "data.json", "data.ndjson", "data.txt"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let name = NAMES[usize::from(selector) % NAMES.len()];
    if let Ok(ingested) = ingest(name, std::io::Cursor::new(bytes.to_vec()), ReadOptions::default()) {
        let report = &ingested.report;
        assert_eq!(report.rows_read, report.rows_kept + report.rows_rejected);
        assert_eq!(ingested.table.n_rows() as u64, report.rows_kept);
        assert_eq!(ingested.table.n_columns(), report.columns.len());
    }
});
