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

/// Network analysis in the browser: PageRank agrees with networkx (karate club) and Louvain
/// finds the same communities as natively for the same seed.
#[wasm_bindgen_test]
fn network_analysis_matches_networkx_in_the_browser() {
    use converge_core::network::{GraphBuilder, LayoutParams, Louvain, PageRank};
    let edges = include_str!("../../../tests/data/network/karate.csv");
    let reference = include_str!("../../../tests/data/network/karate.pagerank.csv");
    let mut builder = GraphBuilder::undirected();
    for line in edges.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        builder
            .add_edge(fields[0], fields[1], fields[2].parse().unwrap())
            .unwrap();
    }
    let graph = builder.finish();
    let pagerank = PageRank::params().start(&graph).unwrap().run();
    for line in reference.lines().skip(1) {
        let (node, score) = line.split_once(',').unwrap();
        let idx = graph.names().iter().position(|n| n == node).unwrap();
        let expected: f64 = score.parse().unwrap();
        assert!((pagerank.scores[idx] - expected).abs() < 1e-12, "{node}");
    }
    let communities = Louvain::params().start(&graph).unwrap().run();
    assert!(
        communities.modularity >= 0.4449,
        "{}",
        communities.modularity
    );
    let positions = LayoutParams::default()
        .iterations(20)
        .start(&graph)
        .unwrap()
        .run();
    assert!(positions.iter().flatten().all(|v| v.is_finite()));
}

/// Segmentation in the browser: RFM scores equal pandas' and k-means reaches scikit-learn's
/// inertia, as natively (`tests/segment.rs` checks the same fixtures).
#[wasm_bindgen_test]
fn segmentation_matches_the_references_in_the_browser() {
    use converge_core::segment::features::{CustomerFeatures, ScalerParams, Scaling};
    use converge_core::segment::kmeans::KMeans;
    use converge_core::segment::rfm::RfmBuilder;
    use rand::SeedableRng;

    let orders = include_str!("../../../tests/data/segment/rfm_seven_customers_ties.csv");
    let expected =
        include_str!("../../../tests/data/segment/rfm_seven_customers_ties.expected.csv");
    let mut builder = RfmBuilder::new();
    for line in orders.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let date = chrono::NaiveDate::parse_from_str(cells[1], "%Y-%m-%d").unwrap();
        let day = date
            .signed_duration_since(chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
            .num_days();
        builder
            .add_order(cells[0], day, cells[2].parse().unwrap())
            .unwrap();
    }
    let rfm = builder.finish(None).unwrap();
    for (customer, line) in rfm.customers.iter().zip(expected.lines().skip(1)) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(customer.customer_id, cells[0]);
        let scores = [
            customer.score.recency,
            customer.score.frequency,
            customer.score.monetary,
        ]
        .map(|s| s.to_string());
        assert_eq!(scores.as_slice(), &cells[4..7]);
    }

    let text = include_str!("../../../tests/data/segment/kmeans_blobs.csv");
    let mut lines = text.lines();
    let names: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let values: Vec<f64> = lines
        .flat_map(|line| line.split(',').map(|v| v.parse::<f64>().unwrap()))
        .collect();
    let features = CustomerFeatures::from_rows(names, values).unwrap();
    let scaled = ScalerParams::new(Scaling::ZScore)
        .fit(&features.values)
        .unwrap()
        .transform(&features.values);
    let model = KMeans::params(5)
        .fit(scaled.view(), &mut rand_pcg::Pcg64Mcg::seed_from_u64(0))
        .unwrap();
    // scikit-learn's best of 10 (tests/data/segment/kmeans_reference.csv).
    assert!(
        model.inertia <= 488.96022959169227 * (1.0 + 1e-9),
        "{}",
        model.inertia
    );
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
