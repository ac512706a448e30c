//! The live feed in the browser: its messages cross intact, a planted spike alerts as it does
//! natively, and a stream that cannot be reached is retried with backoff, not dropped.

use converge_wasm::live::{LiveDirectory, LiveFeed};
use converge_wasm::protocol::{
    AlertKind, AlertRules, FromWorker, LiveConnection, LiveRole, Request, RequestId, Response,
    ToWorker,
};
use converge_wasm::stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(message: T) {
    let value = serde_wasm_bindgen::to_value(&message).expect("every message serialises");
    let back: T = serde_wasm_bindgen::from_value(value).expect("every message deserialises");
    assert_eq!(back, message);
}

fn post(id: u64, second: i64, text: &str) -> String {
    format!(
        r#"{{"post_id": {id}, "timestamp": "2026-01-01T00:{:02}:{:02}Z", "channel": "web", "text": "{text}"}}"#,
        second / 60,
        second % 60
    )
}

/// 60 quiet seconds of 20 posts, one of 200, then 29 quiet again (1,980 posts), and a broken one.
fn spiked_feed() -> LiveFeed {
    let mut feed = LiveFeed::new(AlertRules::default(), LiveDirectory::default());
    let mut id = 0;
    for second in 0..90 {
        for _ in 0..if second == 60 { 200 } else { 20 } {
            id += 1;
            feed.receive(Some(id), &post(id, second, "Love it, great service"), 0.0);
        }
        feed.process(usize::MAX);
    }
    feed.receive(Some(id + 1), "{broken", 0.0);
    feed.process(10);
    feed
}

#[wasm_bindgen_test]
fn live_requests_and_updates_cross_intact() {
    for request in [
        Request::LiveConnect {
            url: "http://127.0.0.1:8787/events".into(),
            role: None,
        },
        Request::LiveConnect {
            url: "ws://127.0.0.1:8787/ws".into(),
            role: Some(LiveRole::Order),
        },
        Request::LiveDisconnect,
        Request::LiveSimulate {
            records_per_second: 1_000,
        },
        Request::LiveRules {
            rules: AlertRules::default(),
        },
        Request::LiveRecords { ids: vec![1, 2, 3] },
    ] {
        round_trip(ToWorker::Run {
            id: RequestId(4),
            request,
        });
    }
    let mut feed = spiked_feed();
    let update = feed.update(1_000.0, LiveConnection::Off);
    assert!(!update.new_alerts.is_empty());
    assert!(!update.latest.is_empty());
    assert!(!update.series.is_empty());
    assert_eq!(update.breakdowns[0].rows[0].name, "web");
    round_trip(FromWorker::Live {
        update: Box::new(update.clone()),
    });
    round_trip(Response::Live {
        update: Box::new(update),
    });
    round_trip(Response::LiveRecords {
        records: feed.records(&[1, 1_201]),
    });
    for connection in [
        LiveConnection::Connecting {
            url: "ws://x/ws".into(),
            attempt: 2,
        },
        LiveConnection::Reconnecting {
            url: "ws://x/ws".into(),
            retry_at_ms: 1.0,
            wait_ms: 2_000.0,
            attempt: 2,
            reason: "gone".into(),
        },
        LiveConnection::Simulating {
            records_per_second: 5,
            sources: vec!["orders".into()],
        },
    ] {
        round_trip(connection);
    }
}

#[wasm_bindgen_test]
fn a_planted_spike_alerts_in_the_browser_as_natively() {
    let mut feed = spiked_feed();
    let update = feed.update(0.0, LiveConnection::Off);
    let counts = &update.counts;
    assert_eq!(
        (counts.n_received, counts.n_processed, counts.n_failed),
        (1_981, 1_980, 1)
    );
    let spike = update
        .new_alerts
        .iter()
        .find(|a| a.alert.kind == AlertKind::VolumeSpike && a.alert.subject == "all channels")
        .expect("the spike alerts");
    assert_eq!(spike.alert.observed, 200.0);
    assert_eq!(spike.alert.expected, 20.0);
    assert_eq!(spike.alert.evidence.len(), 50);
    assert_eq!(spike.alert.evidence[0], 1_201, "the spike's first record");
    let text: String = update.latest[0]
        .verbatim
        .pieces
        .iter()
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(text, "Love it, great service");
    assert!(update.latest[0].verbatim.score.compound > 0.5);
}

#[wasm_bindgen_test]
async fn an_unreachable_stream_is_retried_with_backoff() {
    let update = stream::connect(
        "http://127.0.0.1:9/events".into(),
        None,
        LiveDirectory::default(),
    )
    .unwrap();
    assert!(matches!(
        update.connection,
        LiveConnection::Connecting { attempt: 1, .. }
    ));
    // Nothing listens on the discard port: the EventSource fails, and a retry is scheduled.
    let mut connection = update.connection;
    for _ in 0..40 {
        gloo_timers::future::TimeoutFuture::new(50).await;
        connection = stream::set_rules(AlertRules::default()).connection;
        if matches!(connection, LiveConnection::Reconnecting { .. }) {
            break;
        }
    }
    let LiveConnection::Reconnecting {
        wait_ms, attempt, ..
    } = connection
    else {
        panic!("expected a reconnection, got {connection:?}");
    };
    assert_eq!((wait_ms, attempt), (1_000.0, 1));
    assert_eq!(stream::disconnect().connection, LiveConnection::Off);
    assert!(stream::connect("ftp://nope".into(), None, LiveDirectory::default()).is_err());
}
