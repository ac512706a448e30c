//! Converge in the browser: the Web Worker that owns the workspace, and the wire to the page.
//!
//! The analysis is `converge-core`'s and the application layer (datasets, views, customers, live
//! streams) is `converge-workspace`'s; this crate is the glue that puts them in a Web Worker:
//!
//! - [`protocol`]: the typed messages, serialised with serde-wasm-bindgen; the answers inside
//!   them are the workspace's.
//! - [`worker`]: the Web Worker runtime that owns the data, interleaves long jobs with
//!   yields so progress and cancellation flow, and reports a panic before it dies.
//! - [`client`]: the page's side, which spawns the worker, matches answers to
//!   requests and restarts the worker after a crash.
//! - `held` and `outbox`: the worker's one workspace and its way out to the page, shared by
//!   the worker and the streams (so neither imports the other).
//! - [`stream`]: connects the worker to live streams (Server-Sent Events, WebSocket, or the
//!   loaded data replayed as simulated traffic).
//! - [`blob_reader`]: a browser `File` as a `std::io::Read`, sliced, for the worker's imports.
//! - `api` (feature `js-api`, on in the worker build): a small wasm-bindgen API for JavaScript
//!   callers who do not use the Yew app.
//!
//! [`service`], [`voice`], [`network`], [`segments`] and [`live`] are `converge-workspace`'s,
//! re-exported while the app and the worker still name them here.

#[cfg(feature = "js-api")]
pub mod api;
pub mod blob_reader;
pub mod protocol;
pub use converge_workspace::{live, network, segments, service, voice};

pub mod client;
mod held;
mod outbox;
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
