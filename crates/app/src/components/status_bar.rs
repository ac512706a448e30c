//! The status bar: what the analysis engine is doing, with progress and a way to cancel.

use yew::prelude::*;

use super::ProgressBar;
use crate::state::Engine;
use crate::worker::use_worker;

#[function_component(StatusBar)]
pub fn status_bar() -> Html {
    let context = use_worker();
    let state = &context.state;
    let (tone, text) = match (&state.engine, state.jobs.first()) {
        (Engine::Starting, _) => ("busy", "Starting the analysis engine…".to_owned()),
        (Engine::Stopped { .. }, _) => (
            "error",
            "The analysis engine has stopped. Reload the page.".to_owned(),
        ),
        (Engine::Ready { .. }, Some(job)) => ("busy", job.phase.clone()),
        (Engine::Ready { .. }, None) => ("idle", "Ready".to_owned()),
    };
    let job = state.jobs.first().cloned();
    let cancel = job.as_ref().map(|job| {
        let worker = context.worker.clone();
        let id = job.id;
        Callback::from(move |_: MouseEvent| worker.cancel(id))
    });
    let crash = state.settings.diagnostics.then(|| {
        let worker = context.worker.clone();
        Callback::from(move |_: MouseEvent| worker.crash())
    });
    let version = match &state.engine {
        Engine::Ready { version } => {
            format!("Engine {version} · runs in this tab, nothing is uploaded")
        }
        _ => "Runs in this tab, nothing is uploaded".to_owned(),
    };
    html! {
        <footer class="status-bar" role="status" aria-live="polite" data-engine={tone}>
            <span class={classes!("status-dot", tone)} aria-hidden="true"></span>
            <span class="status-text" data-testid="engine-status">{ text }</span>
            if let Some(job) = &job {
                <ProgressBar fraction={job.fraction} label={job.kind.label()} />
            }
            if let Some(cancel) = cancel {
                <button class="button subtle small" onclick={cancel}>{ "Cancel" }</button>
            }
            <span class="status-spacer"></span>
            if let Some(crash) = crash {
                <button class="button subtle small" data-testid="crash-engine" onclick={crash}>
                    { "Crash the engine (diagnostics)" }
                </button>
            }
            <span class="status-meta">{ version }</span>
        </footer>
    }
}
