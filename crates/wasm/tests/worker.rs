//! Imports as the worker runs them: a browser `File`, read in slices with `FileReaderSync`,
//! inside a real dedicated worker in headless Chromium.
#![cfg(target_arch = "wasm32")]

use converge_core::schema::Role;
use converge_core::table::ColumnType;
use converge_wasm::blob_reader::BlobReader;
use converge_wasm::service::{ImportJob, Service, Step};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

fn file(name: &str, content: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&content.into());
    web_sys::File::new_with_str_sequence(&parts, name).unwrap()
}

fn import(file: web_sys::File) -> converge_core::ingest::Ingested {
    let name = file.name();
    let size = file.size() as u64;
    let reader = BlobReader::new(file.into()).unwrap();
    let mut job = ImportJob::new(&name, reader, Some(size)).unwrap();
    loop {
        if let Step::Finished(ingested) = job.step().unwrap() {
            return ingested;
        }
    }
}

#[wasm_bindgen_test]
fn a_dropped_csv_file_is_imported_in_the_worker() {
    let mut csv = String::from("order_id;customer_id;amount;order_date\n");
    for i in 0..30_000 {
        csv.push_str(&format!(
            "O{i};C{};{},{:02};{:02}/03/2025\n",
            i % 700,
            i % 97,
            i % 100,
            1 + i % 28
        ));
    }
    csv.push_str("broken;row\n");
    let ingested = import(file("orders.csv", &csv));
    assert_eq!(ingested.report.rows_kept, 30_000);
    assert_eq!(ingested.report.rows_rejected, 1);
    assert_eq!(ingested.report.rejected[0].line, 30_002);
    let types: Vec<ColumnType> = ingested
        .table
        .columns()
        .iter()
        .map(|c| c.column_type())
        .collect();
    // 700 customers over 30,000 orders: few distinct values, stored as a dictionary.
    assert_eq!(
        types,
        [
            ColumnType::Text,
            ColumnType::Category,
            ColumnType::Decimal,
            ColumnType::Date
        ]
    );
    let mut service = Service::default();
    service.add(ingested);
    assert_eq!(service.summaries()[0].schema.role.role, Role::Orders);
}

#[wasm_bindgen_test]
fn a_file_larger_than_one_slice_reads_whole() {
    // 5 MB spans two of the reader's 4 MiB slices.
    let line = "a".repeat(99);
    let mut text = String::from("note\n");
    for _ in 0..50_000 {
        text.push_str(&line);
        text.push('\n');
    }
    let ingested = import(file("notes.csv", &text));
    assert_eq!(ingested.report.rows_kept, 50_000);
    assert_eq!(ingested.report.bytes_read, text.len() as u64);
}
