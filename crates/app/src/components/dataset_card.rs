//! One dataset: what it is, how its import went, its columns, its rows and its refused rows.

use converge_core::schema::{Overrides, Role};
use converge_wasm::protocol::DatasetSummary;
use yew::prelude::*;

use super::{ColumnTable, DataGrid, Problems, SentimentBar};
use crate::format;
use crate::worker::use_worker;

#[derive(Properties, PartialEq)]
pub struct DatasetCardProps {
    pub dataset: DatasetSummary,
    /// Whether the card starts with its details (columns, rows, refused rows) shown.
    pub open: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Columns,
    Rows,
    Problems,
}

#[function_component(DatasetCard)]
pub fn dataset_card(props: &DatasetCardProps) -> Html {
    let context = use_worker();
    let tab = use_state(|| Tab::Columns);
    let open = use_state(|| props.open);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let dataset = &props.dataset;
    let report = &dataset.report;
    let remove = {
        let worker = context.worker.clone();
        let id = dataset.id;
        Callback::from(move |_: MouseEvent| worker.remove_dataset(id))
    };
    let on_role = {
        let worker = context.worker.clone();
        let id = dataset.id;
        let overrides = dataset.overrides.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let role = Role::ALL
                .iter()
                .copied()
                .find(|role| role.label() == select.value());
            let overrides = Overrides {
                role,
                ..overrides.clone()
            };
            worker.set_schema(id, overrides);
        })
    };
    let tab_button = |which: Tab, label: String| {
        let tab = tab.clone();
        let selected = *tab == which;
        let onclick = Callback::from(move |_: MouseEvent| tab.set(which));
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("selected"))} aria-selected={selected.to_string()} {onclick}>
                { label }
            </button>
        }
    };
    let title_id = format!("dataset-{}", dataset.id.0);
    let role = &dataset.schema.role;
    html! {
        <article class="card dataset" data-testid="dataset" data-name={dataset.name.clone()} aria-labelledby={title_id.clone()}>
            <header class="card-header">
                <div>
                    <h2 id={title_id}>{ dataset.name.clone() }</h2>
                    <p class="muted">
                        <span data-testid="dataset-rows">{ format::count(dataset.n_rows) }</span>
                        { " rows · " }
                        <span data-testid="dataset-columns">{ format::count(report.columns.len() as u64) }</span>
                        { format!(" columns · {} · {}", report.format, report.encoding) }
                    </p>
                </div>
                <div class="card-actions">
                    <label class="role-picker">
                        <span class="muted">{ "Holds" }</span>
                        <select onchange={on_role} data-testid="role" title={role.reason.clone()}>
                            { for Role::ALL.iter().map(|option| html! {
                                <option value={option.label()} selected={*option == role.role}>{ option.label() }</option>
                            }) }
                        </select>
                        <span class="confidence" title={role.reason.clone()}>{ format!("{:.0}% sure", role.confidence * 100.0) }</span>
                    </label>
                    <button class="button subtle small" onclick={toggle} aria-expanded={open.to_string()}
                            aria-controls={format!("dataset-details-{}", dataset.id.0)} data-testid="toggle-details">
                        { if *open { "Hide details" } else { "Show details" } }
                    </button>
                    <button class="button subtle small" onclick={remove}>{ "Remove" }</button>
                </div>
            </header>
            if let Some(sentiment) = &dataset.sentiment {
                <SentimentBar sentiment={sentiment.clone()} />
            }
            if *open {
                <div class="dataset-details" id={format!("dataset-details-{}", dataset.id.0)}>
                    <p class="role-reason muted">{ role.reason.clone() }</p>
                    if !report.notes.is_empty() {
                        <ul class="report-notes">
                            { for report.notes.iter().map(|note| html! { <li>{ note.clone() }</li> }) }
                        </ul>
                    }
                    <div class="tabs" role="tablist">
                        { tab_button(Tab::Columns, format!("Columns ({})", report.columns.len())) }
                        { tab_button(Tab::Rows, format!("Rows ({})", format::count(dataset.n_rows))) }
                        { tab_button(Tab::Problems, format!("Refused rows ({})", format::count(report.rows_rejected))) }
                    </div>
                    <div role="tabpanel">
                        { match *tab {
                            Tab::Columns => html! { <ColumnTable dataset={dataset.clone()} /> },
                            Tab::Rows => html! { <DataGrid dataset={dataset.id} n_rows={dataset.n_rows} /> },
                            Tab::Problems => html! { <Problems dataset={dataset.clone()} /> },
                        } }
                    </div>
                </div>
            }
        </article>
    }
}
