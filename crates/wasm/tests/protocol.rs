//! Every message crosses the page/worker boundary intact, in a real browser.
//!
//! The messages travel as JavaScript objects made by serde-wasm-bindgen; these tests push each
//! variant through that conversion and back. Every kind of request is covered, checked against
//! the variants serde knows; the answers are covered where their tests build them (not yet all).
#![cfg(target_arch = "wasm32")]

use converge_core::identity::{CustomerId, RecordRef};
use converge_core::ingest::{ingest, ReadOptions};
use converge_core::schema::{detect, Field, Overrides, Role};
use converge_core::sentiment::{LexiconEntry, SentimentLabel};
use converge_wasm::protocol::{
    AlertRules, Audience, AudienceFormat, DatasetId, DatasetSummary, ErrorCode, FileHandle,
    FromWorker, LiveRole, NetworkFilter, Request, RequestId, Response, SentimentOverview,
    TablePage, ToWorker, VoiceFilter, WorkerError,
};
use converge_wasm::service::{ImportJob, Service, Step};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(message: T) {
    let value = serde_wasm_bindgen::to_value(&message).expect("every message serialises");
    let back: T = serde_wasm_bindgen::from_value(value).expect("every message deserialises");
    assert_eq!(back, message);
}

fn summary() -> DatasetSummary {
    let csv = "email,amount,when\nada@example.com,12.5,2025-01-02\nbob@example.com,3\n";
    let ingested = ingest(
        "orders.csv",
        std::io::Cursor::new(csv.as_bytes().to_vec()),
        ReadOptions::default(),
    )
    .unwrap();
    let overrides = Overrides {
        role: Some(Role::Orders),
        fields: vec![("amount".into(), Some(Field::Amount))],
    };
    DatasetSummary {
        id: DatasetId(3),
        name: "orders".into(),
        n_rows: 9_007_199_254_740_991, // 2^53 - 1: the largest count a JavaScript number holds
        schema: detect(&ingested.table, &overrides),
        report: ingested.report,
        overrides,
        sentiment: Some(SentimentOverview {
            column: "note".into(),
            n_positive: 3,
            n_neutral: 1,
            n_negative: 2,
            mean_compound: 0.125,
            lexicon: vec![LexiconEntry {
                word: "sick".into(),
                valence: 2.5,
            }],
        }),
    }
}

fn file(name: &str, content: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&content.into());
    web_sys::File::new_with_str_sequence(&parts, name).unwrap()
}

#[wasm_bindgen_test]
fn requests_round_trip() {
    let id = RequestId(u32::MAX);
    let requests = [
        Request::Ping,
        Request::LoadDemo {
            n_customers: 10_000,
        },
        Request::ListDatasets,
        Request::TablePage {
            dataset: DatasetId(1),
            offset: 40,
            limit: 20,
        },
        Request::RemoveDataset {
            dataset: DatasetId(0),
        },
        Request::SetSchema {
            dataset: DatasetId(2),
            overrides: Overrides {
                role: Some(Role::Events),
                fields: vec![("col".into(), None), ("url".into(), Some(Field::Url))],
            },
        },
        Request::RejectedRowsCsv {
            dataset: DatasetId(2),
        },
        Request::Voice {
            dataset: DatasetId(2),
            filter: VoiceFilter {
                channel: Some("web".into()),
                label: Some(SentimentLabel::Negative),
                term: Some("late delivery".into()),
                from_day: Some(-3),
                to_day: None,
                segment: Some("recent, high spend".into()),
                product: Some("Trail Runner 2".into()),
            },
        },
        Request::Verbatims {
            dataset: DatasetId(2),
            filter: VoiceFilter::default(),
            offset: 25,
            limit: 25,
        },
        Request::SetLexicon {
            dataset: DatasetId(2),
            entries: vec![LexiconEntry {
                word: "rad".into(),
                valence: 3.0,
            }],
        },
        Request::Crash,
        Request::Network {
            dataset: DatasetId(4),
            filter: NetworkFilter {
                channel: Some("twitter".into()),
                from_day: Some(-2),
                to_day: Some(30_000),
            },
        },
        Request::Layout {
            n_nodes: 3,
            edges: vec![(0, 1), (1, 2)],
            seed: u64::from(u32::MAX),
        },
        Request::HandlePosts {
            dataset: DatasetId(4),
            handle: "@zoë".into(),
            filter: NetworkFilter::default(),
            limit: 20,
        },
        Request::Segments,
        Request::SegmentCustomers {
            audience: Audience::Segment { segment: 2 },
            offset: 0,
            limit: 50,
        },
        Request::ExplainCustomer { customer: 17 },
        Request::ExportAudience {
            audience: Audience::RfmCell {
                recency: 5,
                frequency_monetary: 1,
            },
            format: AudienceFormat::Json,
            columns: vec!["email".into(), "segment".into()],
            per_household: true,
        },
        Request::Converge { threshold: 0.95 },
        Request::SetMatchThreshold { threshold: 0.5 },
        Request::ReviewLink {
            left: RecordRef {
                source_idx: 0,
                row_idx: 4,
            },
            right: RecordRef {
                source_idx: 2,
                row_idx: 9,
            },
            same_customer: Some(false),
        },
        Request::CustomerList {
            search: "Grant".into(),
            offset: 200,
            limit: 200,
        },
        Request::Customer360 {
            customer: CustomerId(12),
        },
        Request::CommunityTerms {
            dataset: DatasetId(4),
            filter: NetworkFilter::default(),
            communities: vec![0, 3],
        },
        Request::LiveConnect {
            url: "wss://stream.example/ws".into(),
            role: Some(LiveRole::Order),
        },
        Request::LiveDisconnect,
        Request::LiveSimulate {
            records_per_second: 2_000,
        },
        Request::LiveRules {
            rules: AlertRules::default(),
        },
        Request::LiveRecords { ids: vec![1, 2, 3] },
        Request::LiveKeepAsDataset,
        Request::ImportFile {
            file: FileHandle(file("orders.csv", "id\n1\n").into()),
        },
    ];
    let mut covered = std::collections::BTreeSet::new();
    for request in requests {
        covered.insert(variant_name(
            &serde_wasm_bindgen::to_value(&request).unwrap(),
        ));
        round_trip(ToWorker::Run { id, request });
    }
    round_trip(ToWorker::Cancel { id: RequestId(7) });
    // Every kind of request is above: a variant added to `Request` and not here fails.
    let every = variant_names::<Request>(js_sys::JsString::from("Teleport").into());
    assert_eq!(covered, every);
}

/// The name of an externally tagged variant's value: `"Ping"` or the one key of `{"LoadDemo": …}`.
fn variant_name(value: &wasm_bindgen::JsValue) -> String {
    value.as_string().unwrap_or_else(|| {
        let keys = js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>());
        assert_eq!(keys.length(), 1, "one key, the variant's name");
        keys.get(0).as_string().unwrap()
    })
}

/// Every variant name of `T`, from the message serde gives for a variant it does not know
/// ("unknown variant `Teleport`, expected one of `Ping`, `LoadDemo`, …"): it lists them all, from
/// the type's definition, so the list grows with the type.
fn variant_names<T: DeserializeOwned + std::fmt::Debug>(
    unknown: wasm_bindgen::JsValue,
) -> std::collections::BTreeSet<String> {
    let message = serde_wasm_bindgen::from_value::<T>(unknown)
        .expect_err("an unknown variant is refused")
        .to_string();
    let expected = message
        .split("expected one of")
        .nth(1)
        .unwrap_or_else(|| panic!("serde lists the variants: {message}"));
    let names: std::collections::BTreeSet<String> = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect();
    assert!(names.len() > 5, "{message}");
    names
}

#[wasm_bindgen_test]
fn answers_round_trip() {
    let id = RequestId(1);
    let page = TablePage {
        dataset: DatasetId(3),
        offset: 0,
        n_rows_total: 2,
        column_names: vec!["name".into(), "note".into()],
        rows: vec![
            vec![Some("Zoë <b>".into()), None],
            vec![Some("".into()), Some("\"quoted\", with comma".into())],
        ],
    };
    for message in [
        FromWorker::Ready {
            version: "0.1.0".into(),
        },
        FromWorker::Progress {
            id,
            fraction: 0.25,
            phase: "Generating demo customers".into(),
        },
        FromWorker::Done {
            id,
            response: Response::Pong {
                version: "0.1.0".into(),
            },
        },
        FromWorker::Done {
            id,
            response: Response::Datasets {
                datasets: vec![summary()],
            },
        },
        FromWorker::Done {
            id,
            response: Response::Page { page },
        },
        FromWorker::Done {
            id,
            response: Response::Csv {
                file_name: "orders - refused rows.csv".into(),
                text: "file,line,reason,row\n".into(),
            },
        },
        FromWorker::Crashed {
            message: "panicked at src/lib.rs:1:1".into(),
        },
        FromWorker::Unreadable {
            message: "unknown variant".into(),
        },
    ] {
        round_trip(message);
    }
}

#[wasm_bindgen_test]
fn files_cross_as_the_browser_object_itself() {
    let original = file("tickets.ndjson", "{\"a\": 1}\n");
    let message = ToWorker::Run {
        id: RequestId(5),
        request: Request::ImportFile {
            file: FileHandle(original.clone().into()),
        },
    };
    let value = serde_wasm_bindgen::to_value(&message).unwrap();
    let ToWorker::Run {
        request: Request::ImportFile { file: handle },
        ..
    } = serde_wasm_bindgen::from_value(value).unwrap()
    else {
        panic!("the message changed kind on the way");
    };
    let back: web_sys::File = handle.0.dyn_into().unwrap();
    assert_eq!(back.name(), "tickets.ndjson");
    assert_eq!(back.size(), 9.0);
}

#[wasm_bindgen_test]
fn errors_arrive_as_worker_errors() {
    for code in [
        ErrorCode::Cancelled,
        ErrorCode::NotFound,
        ErrorCode::Invalid,
        ErrorCode::WorkerFailed,
        ErrorCode::Internal,
    ] {
        round_trip(FromWorker::Failed {
            id: RequestId(9),
            error: WorkerError::new(code, "Dataset 4 is no longer loaded."),
        });
    }
}

#[wasm_bindgen_test]
fn a_message_from_another_version_is_refused_not_misread() {
    // Shaped like ours, with a request kind this version does not know.
    let foreign = js_sys::JSON::parse(r#"{"Run": {"id": 1, "request": "Teleport"}}"#).unwrap();
    assert!(serde_wasm_bindgen::from_value::<ToWorker>(foreign).is_err());
    let known = js_sys::JSON::parse(r#"{"Run": {"id": 1, "request": "Ping"}}"#).unwrap();
    assert_eq!(
        serde_wasm_bindgen::from_value::<ToWorker>(known).unwrap(),
        ToWorker::Run {
            id: RequestId(1),
            request: Request::Ping
        }
    );
}

#[cfg(feature = "js-api")]
#[wasm_bindgen_test]
fn the_javascript_api_reports_the_core_version() {
    assert_eq!(converge_wasm::api::version(), converge_core::VERSION);
    assert!(converge_wasm::api::column_types().contains(&"category".to_owned()));
    let scores = converge_wasm::api::score_sentiment(vec![
        "VADER is smart, handsome, and funny.".to_owned(),
        String::new(),
    ]);
    assert!(
        (scores[0] - 0.8316).abs() < 1e-4 && scores[1] == 0.0,
        "{scores:?}"
    );
}

/// The voice of the customer is computed in the browser as natively, and its answers cross intact.
#[wasm_bindgen_test]
fn voice_of_the_customer_answers_cross_intact() {
    let mut csv = String::from("customer_id,channel,posted_at,comment\n");
    for day in 1..=28 {
        csv.push_str(&format!(
            "C{day},web,2025-02-{day:02},\"Late delivery, awful 😡\"\n"
        ));
        csv.push_str(&format!(
            "C{day},store,2025-02-{day:02},Great coffee and #SuperFriendly staff\n"
        ));
    }
    let mut job =
        ImportJob::new("feedback.csv", std::io::Cursor::new(csv.into_bytes()), None).unwrap();
    let ingested = loop {
        if let Step::Finished(ingested) = job.step().unwrap() {
            break ingested;
        }
    };
    let mut service = Service::default();
    let dataset = service.add(ingested);
    while service.score_sentiment_step().is_some() {}
    let report = service.voice(dataset, &VoiceFilter::default()).unwrap();
    assert_eq!(report.overall.n_texts(), 56);
    assert_eq!(
        (report.overall.n_positive, report.overall.n_negative),
        (28, 28)
    );
    assert!(report
        .negative_terms
        .iter()
        .any(|term| term.term == "late delivery"));
    let page = service
        .verbatims(dataset, &VoiceFilter::default(), 0, 3)
        .unwrap();
    assert_eq!(page.n_total, 56);
    round_trip(Response::Voice {
        report: Box::new(report),
    });
    round_trip(Response::Verbatims { page });
}

/// The Network view's messages, and a network computed and laid out in the browser, cross intact.
#[wasm_bindgen_test]
fn network_messages_and_answers_cross_intact() {
    use converge_wasm::network::{LayoutJob, NetworkJob};
    let filter = NetworkFilter {
        channel: Some("twitter".into()),
        from_day: Some(-2),
        to_day: Some(30_000),
    };
    for request in [
        Request::Network {
            dataset: DatasetId(1),
            filter: filter.clone(),
        },
        Request::Layout {
            n_nodes: 3,
            edges: vec![(0, 1), (2, 1)],
            seed: u64::from(u32::MAX),
        },
        Request::HandlePosts {
            dataset: DatasetId(1),
            handle: "@Zoë".into(),
            filter: filter.clone(),
            limit: 10,
        },
    ] {
        round_trip(ToWorker::Run {
            id: RequestId(2),
            request,
        });
    }
    round_trip(FromWorker::Positions {
        id: RequestId(2),
        fraction: 0.5,
        positions: vec![0.5, -1.25, f32::MAX, 0.0],
    });

    let mut csv = String::from("handle,channel,posted_at,text\n");
    for day in 1..=20 {
        csv.push_str(&format!(
            "@fan{day},twitter,2025-02-{day:02},Love @shop and thanks @ada <b>!</b>\n"
        ));
        csv.push_str(&format!(
            "@critic{day},web,2025-02-{day:02},@shop is awful\n"
        ));
    }
    let mut job =
        ImportJob::new("posts.csv", std::io::Cursor::new(csv.into_bytes()), None).unwrap();
    let ingested = loop {
        if let Step::Finished(done) = job.step().unwrap() {
            break done;
        }
    };
    let mut service = Service::default();
    let dataset = service.add(ingested);
    while service.score_sentiment_step().is_some() {}
    let mut network = NetworkJob::new(dataset, filter);
    let report = loop {
        if let Step::Finished(report) = service.network_step(&mut network).unwrap() {
            break report;
        }
    };
    assert_eq!(report.n_posts, 20, "the channel and days filter the posts");
    assert_eq!(report.nodes[0].handle, "shop");
    let edges: Vec<(u32, u32)> = report.edges.iter().map(|e| (e.source, e.target)).collect();
    let mut layout = LayoutJob::new(report.nodes.len() as u32, &edges, 1).unwrap();
    while layout.step().is_continue() {}
    let positions = layout.positions();
    assert_eq!(positions.len(), report.nodes.len() * 2);
    round_trip(FromWorker::Done {
        id: RequestId(3),
        response: Response::Layout { positions },
    });
    let posts = service
        .handle_posts(dataset, "fan3", &NetworkFilter::default(), 5)
        .unwrap();
    assert_eq!(posts.posts[0].text, "Love @shop and thanks @ada <b>!</b>");
    round_trip(FromWorker::Done {
        id: RequestId(4),
        response: Response::HandlePosts { posts },
    });
    round_trip(FromWorker::Done {
        id: RequestId(5),
        response: Response::Network {
            report: Box::new(report),
        },
    });
}

#[cfg(feature = "js-api")]
#[wasm_bindgen_test]
fn the_influence_benchmark_api_ranks_and_groups_a_small_graph() {
    // Two triangles joined by one edge; node 7 appears first, so it is node 0 inside.
    let sources = [7, 1, 2, 3, 4, 5, 2];
    let targets = [1, 2, 7, 4, 5, 3, 3];
    let weights = [1.0; 7];
    let result = converge_wasm::api::influence_bench(&sources, &targets, &weights).unwrap();
    // The first three are times, which the benchmark reads; a test has nothing to say of them.
    let [_build, _pagerank, _louvain, modularity, n_communities, iterations, n_nodes, n_edges] =
        result[..]
    else {
        panic!("eight figures: {result:?}");
    };
    assert_eq!((n_communities, n_nodes, n_edges), (2.0, 6.0, 7.0));
    assert!(modularity > 0.3 && iterations >= 1.0, "{result:?}");
}
