//! The core in a real browser: the same analytics, compiled to wasm32, give the same answers.
#![cfg(target_arch = "wasm32")]

use converge_core::demo::{CompanyGenerator, DemoParams};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_demo_company_is_identical_in_the_browser() {
    let params = DemoParams {
        n_customers: 300,
        ..DemoParams::default()
    };
    let company = CompanyGenerator::new(params).finish();
    assert_eq!(company.files.len(), 7);
    // The first CRM row is fixed by the seed; the native tests read the same files.
    let crm = String::from_utf8(company.files[0].bytes.clone()).unwrap();
    assert!(
        crm.lines().nth(1).unwrap().starts_with("C000001,"),
        "{crm:.200}"
    );
    assert_eq!(company.truth.segments.len(), 300);
}

#[wasm_bindgen_test]
fn ingestion_reads_the_same_in_the_browser() {
    use converge_core::ingest::{ingest, ReadOptions};
    let csv = "\u{feff}name;amount;day\r\nZoë;12,50;31/12/2024\r\nBo;3,99\r\n";
    let ingested = ingest(
        "export.csv",
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(ingested.report.rows_kept, 1);
    assert_eq!(ingested.report.rejected[0].line, 3);
    assert_eq!(
        ingested.table.page_as_text(0, 1),
        vec![vec![
            Some("Zoë".to_owned()),
            Some("12.5".to_owned()),
            Some("2024-12-31".to_owned())
        ]]
    );
}

/// Sentiment in the browser is the native computation, bit for bit (the native test pins the
/// bits in `tests/data/sentiment/native_bits.tsv`).
#[wasm_bindgen_test]
fn sentiment_scores_match_native_bit_for_bit() {
    use converge_core::sentiment::Vader;
    let reference = include_str!("../../../tests/data/sentiment/vader_reference.tsv");
    let native = include_str!("../../../tests/data/sentiment/native_bits.tsv");
    let mut n_checked = 0;
    for (line, expected) in reference.lines().zip(native.lines()) {
        let text = line
            .rsplitn(5, '\t')
            .nth(4)
            .expect("the fixture has five fields")
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
        let score = Vader::shared().score(&text);
        let bits = format!(
            "{:016x} {:016x} {:016x} {:016x}",
            score.compound.to_bits(),
            score.positive.to_bits(),
            score.neutral.to_bits(),
            score.negative.to_bits()
        );
        assert_eq!(bits, expected, "{text:?}");
        n_checked += 1;
    }
    assert_eq!(n_checked, 300);
}

/// Identity resolution in the browser links the same records as natively (the native test
/// `tests/identity.rs` checks accuracy on the same demo).
#[wasm_bindgen_test]
fn identities_resolve_the_same_in_the_browser() {
    use converge_core::identity::{map_identity_columns, Resolve, Source};
    use converge_core::ingest::{ingest, ReadOptions};
    use converge_core::schema::{detect, Overrides};
    let csv = "first_name,last_name,email,phone,postcode\n\
               Ada,Lovelace,ada@example.com,+44 20 123 4567,SW1A 1AA\n\
               ADA,Lovelace,Ada+news@Example.com,020 123 4567,sw1a1aa\n\
               Charles,Babbage,charles@example.com,,N1 9GU\n\
               Charles,Babage,,,N1 9GU\n";
    let table = ingest(
        "crm.csv",
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        ReadOptions::default(),
    )
    .unwrap()
    .table;
    let columns = map_identity_columns(&table, &detect(&table, &Overrides::default()), None);
    let sources = [Source {
        name: "crm.csv".into(),
        table: &table,
        columns,
        recency: None,
    }];
    let resolution = Resolve::params()
        .fit(&sources, |_| std::ops::ControlFlow::Continue(()))
        .unwrap();
    let customers: Vec<u32> = resolution
        .assignments
        .iter()
        .map(|a| a.customer.0)
        .collect();
    assert_eq!(customers[0], customers[1]);
    assert_ne!(customers[0], customers[2]);
    assert_eq!(resolution.assignments[0].match_probability, Some(1.0));
}
