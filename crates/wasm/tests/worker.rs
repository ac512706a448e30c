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

/// The Segments view's job in a real worker: the demo's customers segmented, one k per step, and
/// an audience exported with its formula-like cells neutralised.
#[wasm_bindgen_test]
fn the_demo_customers_are_segmented_in_the_worker() {
    use converge_wasm::protocol::{Audience, AudienceFormat, FromWorker, Response};
    use converge_wasm::service::DemoJob;

    let mut service = Service::default();
    let mut demo = DemoJob::new(400).unwrap();
    let imported = loop {
        if let Step::Finished(imported) = demo.step().unwrap() {
            break imported;
        }
    };
    for ingested in imported {
        service.add(ingested);
    }
    while service.score_sentiment_step().is_some() {}
    let mut job = service.start_segmentation().unwrap();
    let mut steps = 0;
    let segmentation = loop {
        steps += 1;
        if let Step::Finished(done) = job.step().unwrap() {
            break done;
        }
    };
    assert_eq!(steps, 8, "one step per k from 2 to 8, then the description");
    let report = service.keep_segmentation(segmentation).report().clone();
    assert!(report.n_customers > 300);
    assert_eq!(report.rfm_cells.len(), 25);
    assert!(report.features.iter().any(|f| f.name == "mean_sentiment"));
    let k = report.segments.len();
    assert!((2..=8).contains(&k));
    // The report crosses to the page intact.
    let message = FromWorker::Done {
        id: converge_wasm::protocol::RequestId(1),
        response: Response::Segments {
            report: Box::new(report.clone()),
        },
    };
    let value = serde_wasm_bindgen::to_value(&message).unwrap();
    let back: FromWorker = serde_wasm_bindgen::from_value(value).unwrap();
    assert_eq!(back, message);
    let (name, csv) = service
        .export_audience(
            &Audience::Segment { segment: 0 },
            AudienceFormat::Csv,
            &["customer_id".into(), "monetary".into()],
            false,
        )
        .unwrap();
    assert!(name.ends_with(".csv"));
    assert_eq!(
        csv.lines().count() as u64,
        report.segments[0].n_customers + 1
    );
}
