//! One dataset: its size, its columns and their types, and a preview of its rows.

use converge_wasm::protocol::DatasetSummary;
use yew::prelude::*;

use super::TablePreview;
use crate::format;
use crate::worker::use_worker;

#[derive(Properties, PartialEq)]
pub struct DatasetCardProps {
    pub dataset: DatasetSummary,
}

#[function_component(DatasetCard)]
pub fn dataset_card(props: &DatasetCardProps) -> Html {
    let context = use_worker();
    let dataset = &props.dataset;
    let remove = {
        let worker = context.worker.clone();
        let id = dataset.id;
        Callback::from(move |_: MouseEvent| worker.remove_dataset(id))
    };
    html! {
        <article class="card dataset" data-testid="dataset" aria-labelledby={format!("dataset-{}", dataset.id.0)}>
            <header class="card-header">
                <div>
                    <h2 id={format!("dataset-{}", dataset.id.0)}>{ dataset.name.clone() }</h2>
                    <p class="muted">
                        <span data-testid="dataset-rows">{ format::count(dataset.n_rows) }</span>
                        { " rows · " }
                        <span data-testid="dataset-columns">{ format::count(dataset.columns.len() as u64) }</span>
                        { " columns" }
                    </p>
                </div>
                <button class="button subtle small" onclick={remove}>{ "Remove" }</button>
            </header>
            <ul class="column-chips" aria-label="Columns">
                { for dataset.columns.iter().map(|column| html! {
                    <li class="chip" title={format!("{} missing", format::count(column.n_missing))}>
                        <span class="chip-name">{ column.name.clone() }</span>
                        <span class="chip-type">{ column.column_type.label() }</span>
                    </li>
                }) }
            </ul>
            <TablePreview dataset={dataset.id} />
        </article>
    }
}
