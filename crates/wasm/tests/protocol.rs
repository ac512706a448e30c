//! Every message crosses the page/worker boundary intact, in a real browser.
//!
//! The messages travel as JavaScript objects made by serde-wasm-bindgen; these tests push each
//! variant through that conversion and back.
#![cfg(target_arch = "wasm32")]

use converge_core::table::ColumnType;
use converge_wasm::protocol::{
    ColumnSummary, DatasetId, DatasetSummary, ErrorCode, FromWorker, Request, RequestId, Response,
    TablePage, ToWorker, WorkerError,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(message: T) {
    let value = serde_wasm_bindgen::to_value(&message).expect("every message serialises");
    let back: T = serde_wasm_bindgen::from_value(value).expect("every message deserialises");
    assert_eq!(back, message);
}

fn summary() -> DatasetSummary {
    DatasetSummary {
        id: DatasetId(3),
        name: "crm_customers".into(),
        n_rows: 9_007_199_254_740_991, // 2^53 - 1: the largest count a JavaScript number holds
        columns: vec![
            ColumnSummary {
                name: "email".into(),
                column_type: ColumnType::Text,
                n_missing: 0,
            },
            ColumnSummary {
                name: "signup_date".into(),
                column_type: ColumnType::Date,
                n_missing: 12,
            },
        ],
    }
}

#[wasm_bindgen_test]
fn requests_round_trip() {
    let id = RequestId(u32::MAX);
    for request in [
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
        Request::Crash,
    ] {
        round_trip(ToWorker::Run { id, request });
    }
    round_trip(ToWorker::Cancel { id: RequestId(7) });
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
    let foreign = serde_wasm_bindgen::to_value(&serde_json_like()).unwrap();
    assert!(serde_wasm_bindgen::from_value::<ToWorker>(foreign).is_err());
}

/// A message shaped like ours but with a request kind this version does not know.
fn serde_json_like() -> std::collections::BTreeMap<&'static str, &'static str> {
    [("kind", "Run"), ("request", "Teleport")]
        .into_iter()
        .collect()
}

#[wasm_bindgen_test]
fn the_javascript_api_reports_the_core_version() {
    assert_eq!(converge_wasm::api::version(), converge_core::VERSION);
    assert!(converge_wasm::api::column_types().contains(&"category".to_owned()));
}
