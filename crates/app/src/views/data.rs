//! The Data view: what the worker holds, and the way to load more.

use yew::prelude::*;

use crate::components::{DatasetCard, ProgressBar};
use crate::format;
use crate::state::{Engine, JobKind};
use crate::worker::use_worker;

#[function_component(DataView)]
pub fn data_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let loading = state.job(JobKind::LoadDemo).is_some();
    let ready = matches!(state.engine, Engine::Ready { .. });
    let load_demo = {
        let worker = context.worker.clone();
        let n_customers = state.settings.demo_customers;
        Callback::from(move |_: MouseEvent| worker.load_demo(n_customers))
    };
    let load_button = html! {
        <button class="button primary" onclick={load_demo} disabled={loading || !ready} data-testid="load-demo">
            { if loading { "Loading demo data…" } else { "Load demo data" } }
        </button>
    };
    html! {
        <section class="view" aria-labelledby="data-title">
            <div class="view-header">
                <div>
                    <h1 id="data-title">{ "Data" }</h1>
                    <p class="muted">{ "The datasets held in this browser tab. Nothing you load here is uploaded anywhere." }</p>
                </div>
                if !state.datasets.is_empty() {
                    { load_button.clone() }
                }
            </div>
            if state.datasets.is_empty() {
                <div class="card empty-state" data-testid="empty-state">
                    <svg viewBox="0 0 48 48" aria-hidden="true" class="empty-icon">
                        <ellipse cx="24" cy="12" rx="14" ry="5" />
                        <path d="M10 12v24c0 2.8 6.3 5 14 5s14-2.2 14-5V12" />
                        <path d="M10 24c0 2.8 6.3 5 14 5s14-2.2 14-5" />
                    </svg>
                    <h2>{ "No data yet" }</h2>
                    <p>
                        { format!(
                            "Load the demo company — {} customers of a European retailer, generated \
                             in your browser — to see what Converge does with a CRM export.",
                            format::count(state.settings.demo_customers)
                        ) }
                    </p>
                    { load_button }
                    if let Some(job) = state.job(JobKind::LoadDemo) {
                        <p class="job-line">
                            <span class="muted">{ job.phase.clone() }</span>
                            <ProgressBar fraction={job.fraction} label={job.kind.label()} />
                        </p>
                    }
                </div>
            } else {
                <div class="dataset-list">
                    { for state.datasets.iter().map(|dataset| html! {
                        <DatasetCard key={dataset.id.0} dataset={dataset.clone()} />
                    }) }
                </div>
            }
        </section>
    }
}
