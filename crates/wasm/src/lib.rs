//! Converge's analytics in WebAssembly.
//!
//! This crate is the only place that knows the wire between the page and the analytics:
//!
//! - [`protocol`]: the typed messages, serialised with serde-wasm-bindgen.
//! - [`service`]: what the worker does with each request, as plain synchronous steps over
//!   `converge-core` (testable natively); [`voice`] answers the voice-of-the-customer view and
//!   [`network`] the Network view (mention graph, influence, communities, stepped layout).
//! - [`worker`]: the Web Worker runtime that owns the data, interleaves long jobs with
//!   yields so progress and cancellation flow, and reports a panic before it dies.
//! - [`client`]: the page's side, which spawns the worker, matches answers to
//!   requests and restarts the worker after a crash.
//! - [`live`]: live streams, record by record: scored, windowed, watched by the alert rules;
//!   [`stream`] connects the worker to them (Server-Sent Events, WebSocket, or the loaded data
//!   replayed as simulated traffic).
//! - [`blob_reader`]: a browser `File` as a `std::io::Read`, sliced, for the worker's imports.
//! - `api` (feature `js-api`, on in the worker build): a small wasm-bindgen API for JavaScript
//!   callers who do not use the Yew app.
//!
//! It translates; it does not analyse. Every number comes from `converge-core`.

#[cfg(feature = "js-api")]
pub mod api;
pub mod blob_reader;
pub mod live;
pub mod network;
pub mod protocol;
pub mod segments;
pub mod service;
pub mod voice;

pub mod client;
pub mod stream;
pub mod worker;

/// A JavaScript exception in words: its message when it is an `Error`, else its text.
pub(crate) fn describe(err: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    err.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"))
}
