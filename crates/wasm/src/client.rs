//! The page's side of the worker: spawn it, talk to it, and bring it back when it dies.
//!
//! [`WorkerClient`] hides the JavaScript plumbing from the app: it numbers requests, holds them
//! back until the worker says it is ready (a message posted before the worker listens is lost),
//! decodes answers into [`ClientEvent`]s, and replaces the worker when it panics, fails to load or
//! stays silent at start-up. Requests in flight at a crash are reported as lost, never left
//! hanging. After three crashes in a row within a minute it stops trying and says so.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::describe;
use crate::protocol::{ErrorCode, FromWorker, Request, RequestId, Response, ToWorker, WorkerError};

/// How long a new worker may take to say it is ready, in milliseconds.
const STARTUP_TIMEOUT_MS: u32 = 20_000;
/// Crashes within this window count towards giving up, in milliseconds.
const CRASH_WINDOW_MS: f64 = 60_000.0;
/// After this many crashes within the window, the client stops restarting the worker.
const MAX_CRASHES: usize = 3;

/// What the worker (or the client on its behalf) has to say.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// A worker started and is ready for requests.
    Ready {
        version: String,
    },
    Progress {
        id: RequestId,
        fraction: f32,
        phase: String,
    },
    /// A layout's positions so far (see [`FromWorker::Positions`]).
    Positions {
        id: RequestId,
        fraction: f32,
        positions: Vec<f32>,
    },
    Done {
        id: RequestId,
        response: Response,
    },
    Failed {
        id: RequestId,
        error: WorkerError,
    },
    /// The worker died and a new one is starting. Every dataset it held is gone, and the requests
    /// in `lost` will never be answered.
    Restarted {
        reason: String,
        lost: Vec<RequestId>,
    },
    /// The worker died too often; no new one will be started. The page must be reloaded.
    Stopped {
        reason: String,
        lost: Vec<RequestId>,
    },
    /// The worker said something the client could not tie to a request.
    Problem {
        message: String,
    },
    /// The live feed moved on (see [`FromWorker::Live`]).
    Live {
        update: Box<crate::live::LiveUpdate>,
    },
}

/// A handle on the analytics worker. Cloning gives another handle on the same worker.
#[derive(Clone)]
pub struct WorkerClient {
    shared: Rc<Shared>,
}

struct Shared {
    script_url: String,
    on_event: Box<dyn Fn(ClientEvent)>,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    generation: u32,
    worker: Option<Worker>,
    listeners: Option<Listeners>,
    ready: bool,
    stopped: bool,
    next_id: u32,
    in_flight: BTreeSet<RequestId>,
    /// Messages held back until the worker is ready.
    pending: Vec<ToWorker>,
    crash_times_ms: Vec<f64>,
}

/// Kept alive as long as their worker is: dropping them unhooks the handlers.
struct Listeners {
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
    _startup_timeout: Option<Timeout>,
}

impl WorkerClient {
    /// Starts the worker from `script_url` (Trunk's `worker.js`); `on_event` hears everything it
    /// says. The client never calls `on_event` while it is inside one of its own methods' borrows,
    /// so the callback may call back into the client.
    pub fn spawn(script_url: &str, on_event: impl Fn(ClientEvent) + 'static) -> WorkerClient {
        let shared = Rc::new(Shared {
            script_url: script_url.to_owned(),
            on_event: Box::new(on_event),
            state: RefCell::new(State::default()),
        });
        start_worker(&shared);
        WorkerClient { shared }
    }

    /// Sends a request; its answer arrives as [`ClientEvent::Done`] or [`ClientEvent::Failed`]
    /// with the returned id.
    pub fn send(&self, request: Request) -> Result<RequestId, WorkerError> {
        let mut state = self.shared.state.borrow_mut();
        if state.stopped {
            return Err(stopped_error());
        }
        let id = RequestId(state.next_id);
        state.next_id = state.next_id.wrapping_add(1);
        state.in_flight.insert(id);
        let message = ToWorker::Run { id, request };
        if state.ready {
            if let Err(error) = post(state.worker.as_ref(), &message) {
                state.in_flight.remove(&id);
                return Err(error);
            }
        } else {
            state.pending.push(message);
        }
        Ok(id)
    }

    /// Asks the worker to stop a request; it then fails with [`ErrorCode::Cancelled`].
    pub fn cancel(&self, id: RequestId) {
        let mut state = self.shared.state.borrow_mut();
        let held_back = state.pending.len();
        state.pending.retain(
            |message| !matches!(message, ToWorker::Run { id: pending, .. } if *pending == id),
        );
        if state.pending.len() < held_back {
            state.in_flight.remove(&id);
            drop(state);
            (self.shared.on_event)(ClientEvent::Failed {
                id,
                error: WorkerError::cancelled(),
            });
        } else if state.in_flight.contains(&id) && state.ready {
            // If the post fails the worker is dying; the crash report will cover the request.
            let _ = post(state.worker.as_ref(), &ToWorker::Cancel { id });
        }
    }

    /// Whether the client gave up on the worker after repeated crashes.
    pub fn is_stopped(&self) -> bool {
        self.shared.state.borrow().stopped
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        retire(self.state.get_mut().worker.take());
    }
}

fn start_worker(shared: &Rc<Shared>) {
    let generation = {
        let mut state = shared.state.borrow_mut();
        state.generation = state.generation.wrapping_add(1);
        state.ready = false;
        state.generation
    };
    let worker = match Worker::new(&shared.script_url) {
        Ok(worker) => worker,
        Err(err) => {
            let reason = format!(
                "The analysis engine could not be started: {}",
                describe(&err)
            );
            give_up(shared, reason);
            return;
        }
    };

    let weak = Rc::downgrade(shared);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Some(shared) = current(&weak, generation) {
            on_message(&shared, generation, event.data());
        }
    });
    let weak = Rc::downgrade(shared);
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        let detail = event.message();
        let reason = if detail.is_empty() {
            "The analysis engine failed to load.".to_owned()
        } else {
            format!("The analysis engine stopped: {detail}")
        };
        schedule_crash(&weak, generation, reason);
    });
    let weak = Rc::downgrade(shared);
    let startup_timeout = Timeout::new(STARTUP_TIMEOUT_MS, move || {
        let silent = current(&weak, generation).is_some_and(|shared| !shared.state.borrow().ready);
        if silent {
            schedule_crash(
                &weak,
                generation,
                "The analysis engine did not start in time.".to_owned(),
            );
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let mut state = shared.state.borrow_mut();
    state.worker = Some(worker);
    state.listeners = Some(Listeners {
        _on_message: on_message,
        _on_error: on_error,
        _startup_timeout: Some(startup_timeout),
    });
}

/// The shared state, if it still exists and `generation` is still the live worker.
fn current(weak: &Weak<Shared>, generation: u32) -> Option<Rc<Shared>> {
    weak.upgrade()
        .filter(|shared| shared.state.borrow().generation == generation)
}

fn on_message(shared: &Rc<Shared>, generation: u32, data: JsValue) {
    let message = match serde_wasm_bindgen::from_value::<FromWorker>(data) {
        Ok(message) => message,
        Err(err) => {
            (shared.on_event)(ClientEvent::Problem {
                message: format!("An answer from the analysis engine could not be read: {err}"),
            });
            return;
        }
    };
    let event = match message {
        FromWorker::Ready { version } => {
            let mut state = shared.state.borrow_mut();
            state.ready = true;
            if let Some(listeners) = &mut state.listeners {
                listeners._startup_timeout.take().map(Timeout::cancel);
            }
            let pending = std::mem::take(&mut state.pending);
            for message in &pending {
                // A failed post means the worker is dying; its crash report covers the request.
                let _ = post(state.worker.as_ref(), message);
            }
            ClientEvent::Ready { version }
        }
        FromWorker::Progress {
            id,
            fraction,
            phase,
        } => ClientEvent::Progress {
            id,
            fraction,
            phase,
        },
        FromWorker::Positions {
            id,
            fraction,
            positions,
        } => ClientEvent::Positions {
            id,
            fraction,
            positions,
        },
        FromWorker::Done { id, response } => {
            shared.state.borrow_mut().in_flight.remove(&id);
            ClientEvent::Done { id, response }
        }
        FromWorker::Failed { id, error } => {
            shared.state.borrow_mut().in_flight.remove(&id);
            ClientEvent::Failed { id, error }
        }
        FromWorker::Crashed { message } => {
            schedule_crash(
                &Rc::downgrade(shared),
                generation,
                format!("The analysis engine crashed: {message}"),
            );
            return;
        }
        FromWorker::Unreadable { message } => ClientEvent::Problem { message },
        FromWorker::Live { update } => ClientEvent::Live { update },
    };
    (shared.on_event)(event);
}

/// Handles a crash after the current event handler returns: the handler that noticed the crash
/// belongs to the worker being replaced, and must not be dropped while it runs.
fn schedule_crash(weak: &Weak<Shared>, generation: u32, reason: String) {
    let weak = weak.clone();
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(shared) = current(&weak, generation) {
            recover(&shared, reason);
        }
    });
}

fn recover(shared: &Rc<Shared>, reason: String) {
    let now = js_sys::Date::now();
    let give_up_now = {
        let mut state = shared.state.borrow_mut();
        retire(state.worker.take());
        state.listeners = None;
        state.crash_times_ms.retain(|at| now - at < CRASH_WINDOW_MS);
        state.crash_times_ms.push(now);
        state.crash_times_ms.len() >= MAX_CRASHES
    };
    if give_up_now {
        give_up(shared, reason);
        return;
    }
    let lost = take_lost(shared);
    start_worker(shared);
    (shared.on_event)(ClientEvent::Restarted { reason, lost });
}

fn give_up(shared: &Rc<Shared>, reason: String) {
    {
        let mut state = shared.state.borrow_mut();
        state.stopped = true;
        retire(state.worker.take());
        state.listeners = None;
    }
    let lost = take_lost(shared);
    (shared.on_event)(ClientEvent::Stopped { reason, lost });
}

/// Stops a worker and unhooks its handlers first: events it queued before dying must find no
/// handler rather than a dropped closure.
fn retire(worker: Option<Worker>) {
    if let Some(worker) = worker {
        worker.set_onmessage(None);
        worker.set_onerror(None);
        worker.terminate();
    }
}

fn take_lost(shared: &Rc<Shared>) -> Vec<RequestId> {
    let mut state = shared.state.borrow_mut();
    state.pending.clear();
    std::mem::take(&mut state.in_flight).into_iter().collect()
}

fn post(worker: Option<&Worker>, message: &ToWorker) -> Result<(), WorkerError> {
    let worker = worker.ok_or_else(stopped_error)?;
    let value = serde_wasm_bindgen::to_value(message)
        .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
    worker
        .post_message(&value)
        .map_err(|err| WorkerError::new(ErrorCode::WorkerFailed, describe(&err)))
}

fn stopped_error() -> WorkerError {
    WorkerError::new(
        ErrorCode::WorkerFailed,
        "The analysis engine has stopped. Reload the page to start it again.",
    )
}
