//! Property: any table Converge writes as CSV or JSON Lines reads back identical.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Cursor;

use converge_core::export::write_csv;
use converge_core::ingest::{ingest, ReadOptions};
use converge_core::table::{ColumnType, TableBuilder, Value};
use proptest::prelude::*;

/// Text a customer might write, including what breaks naive CSV: delimiters, quotes, newlines,
/// non-ASCII, and leading formula characters. The `v` keeps it text (never a number or a date).
fn cell() -> impl Strategy<Value = String> {
    ("(=|\\+|-|@|)", "[a-zA-Z0-9éß😀 ,;|\t\"'\\n\\r]{0,12}")
        .prop_map(|(lead, rest)| format!("{lead}v{rest}"))
}

fn rows() -> impl Strategy<Value = Vec<(String, Option<i64>, String)>> {
    prop::collection::vec(
        (cell(), prop::option::of(-1_000_000i64..1_000_000), cell()),
        1..40,
    )
}

fn table(rows: &[(String, Option<i64>, String)]) -> converge_core::table::Table {
    let mut builder = TableBuilder::new(
        "t",
        &[
            ("note", ColumnType::Text),
            ("amount", ColumnType::Integer),
            ("other", ColumnType::Text),
        ],
    );
    for (note, amount, other) in rows {
        builder
            .push_row(&[
                Value::Text(note),
                amount.map_or(Value::Null, Value::Integer),
                Value::Text(other),
            ])
            .unwrap();
    }
    builder.finish().unwrap()
}

fn cells(table: &converge_core::table::Table) -> Vec<Vec<Option<String>>> {
    table.page_as_text(0, usize::MAX)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn csv_write_then_read_round_trips(rows in rows()) {
        let written = table(&rows);
        let mut csv = Vec::new();
        write_csv(&written, &mut csv).unwrap();
        let read = ingest("t.csv", Cursor::new(csv), ReadOptions::default()).unwrap();
        prop_assert_eq!(read.report.rows_rejected, 0);
        prop_assert_eq!(cells(&read.table), cells(&written));
    }

    #[test]
    fn json_lines_write_then_read_round_trips(rows in rows()) {
        let written = table(&rows);
        let mut ndjson = String::new();
        for (note, amount, other) in &rows {
            let object = serde_json::json!({ "note": note, "amount": amount, "other": other });
            ndjson.push_str(&object.to_string());
            ndjson.push('\n');
        }
        let read = ingest("t.ndjson", Cursor::new(ndjson.into_bytes()), ReadOptions::default()).unwrap();
        prop_assert_eq!(read.report.rows_rejected, 0);
        prop_assert_eq!(cells(&read.table), cells(&written));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_every_row_is_accounted_for(bytes in prop::collection::vec(any::<u8>(), 0..2_000)) {
        // Bytes in memory can always be read: only a reader that fails is an error, and a bad
        // row is data, not an error.
        let read = ingest("fuzz.csv", Cursor::new(bytes), ReadOptions::default());
        prop_assert!(read.is_ok(), "{:?}", read.err());
        let read = read.unwrap();
        prop_assert_eq!(read.report.rows_read, read.report.rows_kept + read.report.rows_rejected);
        prop_assert_eq!(read.table.n_rows() as u64, read.report.rows_kept);
    }
}
