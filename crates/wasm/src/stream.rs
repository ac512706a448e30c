//! The worker's side of live streams: it opens the connection, queues what arrives, processes it
//! in batches between events and posts the Live view's updates.
//!
//! The connection lives in the worker, not on the page: the records are the worker's data (the
//! page never parses or scores), and the page's Content-Security-Policy can stay at
//! `connect-src 'self'` (see ARCHITECTURE.md, "Security"). An `http(s)://` URL is read as
//! Server-Sent Events with `EventSource`, a `ws(s)://` one with `WebSocket`. When a stream is
//! lost the worker reconnects with exponential backoff (1 s, 2 s, 4 s… at most 30 s), asking to
//! resume after the last record counted (`?from=N`, which `converge replay` honours; records sent
//! again anyway are recognised by their SSE id and counted once). An SSE `end` event or a
//! WebSocket's normal close ends the stream.
//!
//! Arrival only queues ([`LiveFeed::receive`]); a batch job (scheduled once per burst) processes
//! the queue for at most [`BATCH_BUDGET_MS`] at a time, and a 250 ms ticker posts
//! [`FromWorker::Live`]. Under overload the queue grows and the update shows the lag. Neither
//! protocol lets a browser slow the sender down, so past [`PAUSE_AT_QUEUED`] waiting records the
//! worker closes the stream itself and reopens it where it left off (`?from=N`) once the queue is
//! worked through: a resumable stream is never refused a record. A stream that does not honour
//! `?from=N` would resend from its start, and records with SSE ids are then counted once; nothing
//! is dropped unless the queue is full, and then it is counted as refused.
//!
//! "Simulate live traffic" replays the held interactions, orders and events from the ticker at
//! the chosen rate ([`Service::simulated_records`]).

use std::cell::RefCell;

use gloo_timers::callback::{Interval, Timeout};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, EventSource, MessageEvent, WebSocket};

use crate::live::{LiveConnection, LiveDirectory, LiveFeed, LiveRole, LiveUpdate, LiveVerbatim};
use crate::protocol::{AlertRules, ErrorCode, FromWorker, WorkerError};
use crate::service::{Service, Simulation};

/// How often the view is updated, in milliseconds.
pub const UPDATE_INTERVAL_MS: u32 = 250;
/// How long one batch may process before it lets events in, in milliseconds.
pub const BATCH_BUDGET_MS: f64 = 20.0;
/// Records processed between two looks at the clock.
const RECORDS_PER_CHECK: usize = 256;
/// The longest wait before a reconnection, in milliseconds.
const MAX_BACKOFF_MS: f64 = 30_000.0;
/// The fastest simulation.
pub const MAX_SIMULATED_RATE: u32 = 100_000;
/// Records waiting at which a stream is paused (about a second and a half of work): it resumes
/// where it left off once none wait.
pub const PAUSE_AT_QUEUED: usize = 50_000;

/// Which protocol a stream URL speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    ServerSentEvents,
    WebSocket,
}

/// The kind of a stream URL, or why it is not one.
pub fn stream_kind(url: &str) -> Result<StreamKind, WorkerError> {
    let lower = url.trim().to_ascii_lowercase();
    let (kind, rest) = if let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    {
        (StreamKind::ServerSentEvents, rest)
    } else if let Some(rest) = lower
        .strip_prefix("ws://")
        .or_else(|| lower.strip_prefix("wss://"))
    {
        (StreamKind::WebSocket, rest)
    } else {
        return Err(WorkerError::new(
            ErrorCode::Invalid,
            format!("“{url}” is not a stream address: it must start with http://, https:// (Server-Sent Events), ws:// or wss:// (WebSocket)."),
        ));
    };
    if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
        return Err(WorkerError::new(
            ErrorCode::Invalid,
            format!("“{url}” names no server."),
        ));
    }
    Ok(kind)
}

/// The URL asking to resume after record `after` (none to ask for at 0).
pub fn with_resume(url: &str, after: u64) -> String {
    if after == 0 {
        return url.to_owned();
    }
    let (base, fragment) = url
        .split_once('#')
        .map_or((url, None), |(b, f)| (b, Some(f)));
    let separator = if base.contains('?') { '&' } else { '?' };
    let mut resumed = format!("{base}{separator}from={after}");
    if let Some(fragment) = fragment {
        resumed.push('#');
        resumed.push_str(fragment);
    }
    resumed
}

/// The wait before reconnection attempt `attempt` (from 1), in milliseconds.
pub fn backoff_ms(attempt: u32) -> f64 {
    (1_000.0 * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(MAX_BACKOFF_MS)
}

/// A live connection and the callbacks that must live as long as it does.
enum Source {
    None,
    Sse {
        events: EventSource,
        _callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
    },
    Ws {
        socket: WebSocket,
        _callbacks: Vec<Closure<dyn FnMut(JsValue)>>,
    },
    Simulation {
        simulation: Simulation,
        records_per_second: u32,
        last_ms: f64,
        /// Records due but not yet whole (a fraction carried to the next tick).
        owed: f64,
    },
}

struct Live {
    feed: LiveFeed,
    connection: LiveConnection,
    source: Source,
    url: Option<String>,
    attempt: u32,
    /// Bumped by every connect and disconnect: callbacks of an older connection do nothing.
    generation: u32,
    batch_scheduled: bool,
    /// Something changed since the last update was posted.
    dirty: bool,
    ticker: Option<Interval>,
    reconnect: Option<Timeout>,
}

thread_local! {
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Runs `change` on the live state, creating it (with `directory`) on first use.
fn with_live<R>(
    directory: impl FnOnce() -> LiveDirectory,
    change: impl FnOnce(&mut Live) -> R,
) -> R {
    LIVE.with_borrow_mut(|live| {
        let live = live.get_or_insert_with(|| Live {
            feed: LiveFeed::new(AlertRules::default(), directory()),
            connection: LiveConnection::Off,
            source: Source::None,
            url: None,
            attempt: 0,
            generation: 0,
            batch_scheduled: false,
            dirty: true,
            ticker: None,
            reconnect: None,
        });
        change(live)
    })
}

/// Runs `change` on the live state if there is one, for callbacks of `generation`.
fn with_current(generation: u32, change: impl FnOnce(&mut Live)) {
    LIVE.with_borrow_mut(|live| {
        if let Some(live) = live.as_mut().filter(|live| live.generation == generation) {
            change(live);
        }
    });
}

/// Connects to `url`, whose records are `role` (`None`: detected record by record); `directory`
/// says who the customers are.
pub fn connect(
    url: String,
    role: Option<LiveRole>,
    directory: LiveDirectory,
) -> Result<LiveUpdate, WorkerError> {
    let url = url.trim().to_owned();
    stream_kind(&url)?;
    Ok(with_live(LiveDirectory::default, |live| {
        stop(live);
        live.feed.set_directory(directory);
        live.feed.set_role(role);
        if live.url.as_deref() != Some(url.as_str()) {
            live.feed.restart_stream();
        }
        live.url = Some(url);
        live.attempt = 0;
        open(live);
        start_ticker(live);
        live.feed.update(now_ms(), live.connection.clone())
    }))
}

/// Closes the stream or stops the simulation.
pub fn disconnect() -> LiveUpdate {
    with_live(LiveDirectory::default, |live| {
        stop(live);
        live.connection = LiveConnection::Off;
        live.dirty = true;
        live.feed.update(now_ms(), live.connection.clone())
    })
}

/// Starts (or, at 0, stops) the simulation at `records_per_second`.
pub fn simulate(
    records_per_second: u32,
    simulation: Option<Simulation>,
    directory: LiveDirectory,
) -> Result<LiveUpdate, WorkerError> {
    if records_per_second > MAX_SIMULATED_RATE {
        return Err(WorkerError::new(
            ErrorCode::Invalid,
            format!("A simulation runs at most {MAX_SIMULATED_RATE} records per second."),
        ));
    }
    Ok(with_live(LiveDirectory::default, |live| {
        stop(live);
        match simulation.filter(|_| records_per_second > 0) {
            Some(simulation) => {
                live.feed.set_directory(directory);
                // Each simulated record carries its dataset's role.
                live.feed.set_role(None);
                live.connection = LiveConnection::Simulating {
                    records_per_second,
                    sources: simulation.sources().to_vec(),
                };
                live.source = Source::Simulation {
                    simulation,
                    records_per_second,
                    last_ms: now_ms(),
                    owed: 0.0,
                };
                start_ticker(live);
            }
            None => live.connection = LiveConnection::Off,
        }
        live.dirty = true;
        live.feed.update(now_ms(), live.connection.clone())
    }))
}

pub fn set_rules(rules: AlertRules) -> LiveUpdate {
    with_live(LiveDirectory::default, |live| {
        live.feed.set_rules(rules);
        live.dirty = true;
        live.feed.update(now_ms(), live.connection.clone())
    })
}

/// The live table as JSON Lines (see [`LiveFeed::as_json_lines`]).
pub fn as_json_lines() -> Result<String, WorkerError> {
    LIVE.with_borrow(|live| {
        live.as_ref()
            .and_then(|live| live.feed.as_json_lines())
            .ok_or_else(|| {
                WorkerError::new(
                    ErrorCode::Invalid,
                    "The live stream has no records yet: connect a stream or simulate traffic first.",
                )
            })
    })
}

pub fn records(ids: &[u64]) -> Vec<LiveVerbatim> {
    LIVE.with_borrow(|live| {
        live.as_ref()
            .map(|live| live.feed.records(ids))
            .unwrap_or_default()
    })
}

/// Gives a running feed the customers as they are now (after a convergence or segmentation).
pub fn refresh_directory(service: &Service) {
    LIVE.with_borrow_mut(|live| {
        if let Some(live) = live.as_mut() {
            live.feed.set_directory(service.live_directory());
        }
    });
}

/// Closes whatever runs, leaving the feed's data.
fn stop(live: &mut Live) {
    live.generation = live.generation.wrapping_add(1);
    live.reconnect.take().map(Timeout::cancel);
    let source = std::mem::replace(&mut live.source, Source::None);
    match &source {
        Source::Sse { events, .. } => {
            events.set_onopen(None);
            events.set_onmessage(None);
            events.set_onerror(None);
            events.close();
        }
        Source::Ws { socket, .. } => {
            socket.set_onopen(None);
            socket.set_onmessage(None);
            socket.set_onclose(None);
            socket.set_onerror(None);
            let _ = socket.close();
        }
        Source::Simulation { .. } | Source::None => {}
    }
    // The callbacks may be running now (a stream that ends closes itself from its own handler):
    // they are dropped once this event is over, never from inside one.
    Timeout::new(0, move || drop(source)).forget();
    if let Some(url) = &live.url {
        if !matches!(
            live.connection,
            LiveConnection::Closed { .. } | LiveConnection::Off | LiveConnection::Simulating { .. }
        ) {
            live.connection = LiveConnection::Closed {
                url: url.clone(),
                reason: "Disconnected.".to_owned(),
            };
        }
    }
}

/// Opens the connection to `live.url`, resuming after what was counted.
fn open(live: &mut Live) {
    let Some(url) = live.url.clone() else {
        return;
    };
    let generation = live.generation;
    live.attempt += 1;
    live.connection = LiveConnection::Connecting {
        url: url.clone(),
        attempt: live.attempt,
    };
    live.dirty = true;
    let address = with_resume(&url, live.feed.resume_after());
    let opened = match stream_kind(&url) {
        Ok(StreamKind::ServerSentEvents) => open_sse(&address, generation),
        Ok(StreamKind::WebSocket) => open_ws(&address, generation),
        Err(err) => Err(err.message),
    };
    match opened {
        Ok(source) => live.source = source,
        Err(reason) => lost(live, reason),
    }
}

fn open_sse(address: &str, generation: u32) -> Result<Source, String> {
    let events = EventSource::new(address).map_err(|err| crate::describe(&err))?;
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| opened(generation));
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        let id = event.last_event_id().trim().parse::<u64>().ok();
        let data = event.data().as_string().unwrap_or_default();
        arrived(generation, id, &data);
    });
    let on_end = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        ended(generation, "The stream ended.");
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        with_current(generation, |live| {
            lost(
                live,
                "The stream could not be reached or was interrupted.".to_owned(),
            );
        });
    });
    events.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    events.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    events.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    events
        .add_event_listener_with_callback("end", on_end.as_ref().unchecked_ref())
        .map_err(|err| crate::describe(&err))?;
    Ok(Source::Sse {
        events,
        _callbacks: vec![on_open, on_message, on_end, on_error],
    })
}

fn open_ws(address: &str, generation: u32) -> Result<Source, String> {
    let socket = WebSocket::new(address).map_err(|err| crate::describe(&err))?;
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| opened(generation));
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let Some(event) = event.dyn_ref::<MessageEvent>() else {
            return;
        };
        match event.data().as_string() {
            Some(data) => arrived(generation, None, &data),
            // A binary message is a record that cannot be read: counted, not dropped.
            None => arrived(generation, None, "\u{0}binary message"),
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let normal = event
            .dyn_ref::<CloseEvent>()
            .is_some_and(|close| close.code() == 1000);
        if normal {
            ended(generation, "The stream ended.");
        } else {
            with_current(generation, |live| {
                lost(live, "The connection closed unexpectedly.".to_owned());
            });
        }
    });
    let on_error = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {
        // A close event follows every error; it decides.
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Source::Ws {
        socket,
        _callbacks: vec![on_open, on_message, on_close, on_error],
    })
}

fn opened(generation: u32) {
    with_current(generation, |live| {
        if let Some(url) = &live.url {
            live.connection = LiveConnection::Live {
                url: url.clone(),
                since_ms: now_ms(),
            };
            live.dirty = true;
        }
    });
}

fn arrived(generation: u32, id: Option<u64>, data: &str) {
    with_current(generation, |live| {
        live.attempt = 0;
        live.feed.receive(id, data, now_ms());
        if live.feed.n_queued() >= PAUSE_AT_QUEUED {
            pause(live);
        }
        schedule_batch(live);
    });
}

/// Closes a stream the worker cannot keep up with; [`process_batch`] reopens it, resuming after
/// the last record counted, once the queue is empty. Records the stream had sent but the closed
/// connection had not delivered are never received, so the resumed stream brings them.
fn pause(live: &mut Live) {
    let Some(url) = live.url.clone() else {
        return;
    };
    if !matches!(live.source, Source::Sse { .. } | Source::Ws { .. }) {
        return;
    }
    stop(live);
    live.feed.paused();
    live.connection = LiveConnection::Paused {
        url,
        n_queued: live.feed.n_queued() as u64,
    };
    live.dirty = true;
}

/// The stream said it is over: no reconnection.
fn ended(generation: u32, reason: &str) {
    with_current(generation, |live| {
        let url = live.url.clone().unwrap_or_default();
        stop(live);
        live.connection = LiveConnection::Closed {
            url,
            reason: reason.to_owned(),
        };
        live.dirty = true;
    });
}

/// The stream was lost: close it and try again after the backoff.
fn lost(live: &mut Live, reason: String) {
    let Some(url) = live.url.clone() else {
        return;
    };
    let attempt = live.attempt.max(1);
    stop(live);
    live.attempt = attempt;
    let in_ms = backoff_ms(attempt);
    live.connection = LiveConnection::Reconnecting {
        url,
        retry_at_ms: now_ms() + in_ms,
        wait_ms: in_ms,
        attempt,
        reason,
    };
    live.dirty = true;
    let generation = live.generation;
    live.reconnect = Some(Timeout::new(in_ms as u32, move || {
        with_current(generation, |live| {
            live.reconnect = None;
            open(live);
        });
    }));
}

/// Processes the queue soon, once per burst of arrivals.
fn schedule_batch(live: &mut Live) {
    if live.batch_scheduled {
        return;
    }
    live.batch_scheduled = true;
    Timeout::new(0, process_batch).forget();
}

/// Works through the queue for at most [`BATCH_BUDGET_MS`], then lets events in.
fn process_batch() {
    LIVE.with_borrow_mut(|live| {
        let Some(live) = live.as_mut() else {
            return;
        };
        live.batch_scheduled = false;
        let started = now_ms();
        while live.feed.n_queued() > 0 && now_ms() - started < BATCH_BUDGET_MS {
            live.feed.process(RECORDS_PER_CHECK);
            live.dirty = true;
        }
        if live.feed.n_queued() > 0 {
            schedule_batch(live);
        } else if let LiveConnection::Paused { .. } = live.connection {
            live.attempt = 0;
            open(live);
        }
    });
}

fn start_ticker(live: &mut Live) {
    if live.ticker.is_none() {
        live.ticker = Some(Interval::new(UPDATE_INTERVAL_MS, tick));
    }
}

/// Every 250 ms: simulated records in, the update out.
fn tick() {
    let simulate = LIVE.with_borrow_mut(|live| {
        let live = live.as_mut()?;
        let Source::Simulation {
            records_per_second,
            last_ms,
            owed,
            ..
        } = &mut live.source
        else {
            return None;
        };
        let now = now_ms();
        // At most a second's worth at once: a worker busy elsewhere does not make a flood.
        let due = (f64::from(*records_per_second) * (now - *last_ms) / 1_000.0)
            .min(f64::from(*records_per_second))
            + *owed;
        *last_ms = now;
        let n = due.floor();
        *owed = due - n;
        Some(n as usize)
    });
    if let Some(n) = simulate.filter(|n| *n > 0) {
        let records = LIVE.with_borrow_mut(|live| {
            let Some(Source::Simulation { simulation, .. }) = live.as_mut().map(|l| &mut l.source)
            else {
                return Vec::new();
            };
            crate::held::SERVICE.with_borrow(|service| service.simulated_records(simulation, n))
        });
        LIVE.with_borrow_mut(|live| {
            if let Some(live) = live.as_mut() {
                let now = now_ms();
                for (role, record) in &records {
                    live.feed.receive_as(Some(*role), None, record, now);
                }
                schedule_batch(live);
            }
        });
    }
    let update = LIVE.with_borrow_mut(|live| {
        let live = live.as_mut()?;
        let running = !matches!(
            live.connection,
            LiveConnection::Off | LiveConnection::Closed { .. }
        ) || live.feed.n_queued() > 0;
        if !(live.dirty || running) {
            // Quiet and nothing new: the ticker stops until something starts again.
            live.ticker.take().map(Interval::cancel);
            return None;
        }
        live.dirty = false;
        Some(live.feed.update(now_ms(), live.connection.clone()))
    });
    if let Some(update) = update {
        crate::outbox::post(&FromWorker::Live {
            update: Box::new(update),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_urls_are_sse_or_websocket() {
        assert_eq!(
            stream_kind("http://127.0.0.1:8787/events").ok(),
            Some(StreamKind::ServerSentEvents)
        );
        assert_eq!(
            stream_kind("WSS://example.com/ws").ok(),
            Some(StreamKind::WebSocket)
        );
        for bad in [
            "ftp://x",
            "example.com/events",
            "http://",
            "http:///x",
            "http://a b",
        ] {
            assert!(stream_kind(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_resume_asks_for_the_records_after_the_last() {
        assert_eq!(with_resume("http://h/events", 0), "http://h/events");
        assert_eq!(
            with_resume("http://h/events", 12),
            "http://h/events?from=12"
        );
        assert_eq!(with_resume("ws://h/ws?k=1#x", 3), "ws://h/ws?k=1&from=3#x");
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let waits: Vec<f64> = (1..=7).map(backoff_ms).collect();
        assert_eq!(waits, [1e3, 2e3, 4e3, 8e3, 16e3, 3e4, 3e4]);
    }
}
