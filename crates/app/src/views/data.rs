//! The Data view: what the worker holds, and the ways to bring more in (drop files, pick files,
//! or load the demo company).

use yew::prelude::*;

use crate::components::{DatasetCard, JobList};
use crate::format;
use crate::state::{Engine, JobKind};
use crate::worker::use_worker;

/// Up to this many datasets, every card opens with its details.
const OPEN_CARDS: usize = 3;

/// What the file picker offers; other files can still be dropped.
const ACCEPTED: &str = ".csv,.tsv,.tab,.txt,.json,.ndjson,.jsonl";

#[function_component(DataView)]
pub fn data_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let dragging = use_state_eq(|| false);
    let file_input = use_node_ref();
    let loading_demo = state.job(&JobKind::LoadDemo).is_some();
    let ready = matches!(state.engine, Engine::Ready { .. });

    let load_demo = {
        let worker = context.worker.clone();
        let n_customers = state.settings.demo_customers;
        Callback::from(move |_: MouseEvent| worker.load_demo(n_customers))
    };
    let pick_files = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<web_sys::HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_picked = {
        let worker = context.worker.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() else {
                return;
            };
            worker.import_files(files_of(input.files()));
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let dragging = dragging.clone();
        let worker = context.worker.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            let files = event.data_transfer().and_then(|transfer| transfer.files());
            worker.import_files(files_of(files));
        })
    };

    let actions = html! {
        <div class="view-actions">
            <button class="button subtle" onclick={pick_files} disabled={!ready} data-testid="add-files">{ "Add files…" }</button>
            <button class="button primary" onclick={load_demo} disabled={loading_demo || !ready} data-testid="load-demo">
                { if loading_demo { "Loading demo data…" } else { "Load demo data" } }
            </button>
        </div>
    };
    html! {
        <section class={classes!("view", "drop-target", dragging.then_some("dragging"))} aria-labelledby="data-title"
                 ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
            <input ref={file_input} type="file" multiple=true accept={ACCEPTED} class="visually-hidden"
                   onchange={on_picked} data-testid="file-input" aria-label="Choose files to import" />
            <div class="view-header">
                <div>
                    <h1 id="data-title">{ "Data" }</h1>
                    <p class="muted">{ "Drop your exports anywhere here: CSV, TSV, JSON or JSON Lines. They are read in this browser tab and never uploaded." }</p>
                </div>
                { actions }
            </div>
            <JobList />
            if state.datasets.is_empty() {
                <div class="card empty-state" data-testid="empty-state">
                    <svg viewBox="0 0 48 48" aria-hidden="true" class="empty-icon">
                        <path d="M24 6v24M15 21l9 9 9-9" />
                        <path d="M8 32v6c0 2 1.5 3.5 3.5 3.5h25c2 0 3.5-1.5 3.5-3.5v-6" />
                    </svg>
                    <h2>{ "Bring your customer data" }</h2>
                    <p>
                        { "Drop CRM exports, orders, reviews, support tickets, survey answers or web events here, or choose them with " }
                        <strong>{ "Add files…" }</strong>
                        { format!(". To look around first, load the demo company: {} customers of an outdoor retailer across seven exports, generated in your browser.", format::count(state.settings.demo_customers)) }
                    </p>
                </div>
            } else {
                <div class="dataset-list">
                    // With many datasets, only the first opens at once: the page stays a list to scan.
                    { for state.datasets.iter().enumerate().map(|(idx, dataset)| html! {
                        <DatasetCard key={dataset.id.0} dataset={dataset.clone()}
                                     open={idx == 0 || state.datasets.len() <= OPEN_CARDS} />
                    }) }
                </div>
            }
            if *dragging {
                <div class="drop-hint" aria-hidden="true">{ "Drop to import" }</div>
            }
        </section>
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|idx| list.get(idx)).collect()
}
