//! The worker's way out: every message to the page, from the message loop (`worker`) and the
//! live streams (`stream`) alike, leaves through [`post`].

use wasm_bindgen::{JsCast, JsValue};
use web_sys::DedicatedWorkerGlobalScope;

use crate::protocol::FromWorker;

/// Sends `message` to the page (structured clone of its serde-wasm-bindgen value); a message that
/// cannot be sent is logged to the worker's console, since there is no one else to tell.
pub(crate) fn post(message: &FromWorker) {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let sent = serde_wasm_bindgen::to_value(message)
        .map_err(JsValue::from)
        .and_then(|value| scope.post_message(&value));
    if let Err(err) = sent {
        web_sys::console::error_2(&"converge worker: a message could not be sent".into(), &err);
    }
}
