//! The first rows of a dataset, asked of the worker when shown. Cells are text, never HTML.

use converge_wasm::protocol::DatasetId;
use yew::prelude::*;

use crate::format;
use crate::worker::use_worker;

/// Rows a preview shows.
const PREVIEW_ROWS: u64 = 12;

#[derive(Properties, PartialEq)]
pub struct TablePreviewProps {
    pub dataset: DatasetId,
}

#[function_component(TablePreview)]
pub fn table_preview(props: &TablePreviewProps) -> Html {
    let context = use_worker();
    {
        let worker = context.worker.clone();
        use_effect_with(props.dataset, move |dataset| {
            worker.request_page(*dataset, 0, PREVIEW_ROWS);
        });
    }
    let Some(page) = context.state.pages.get(&props.dataset) else {
        return html! { <p class="muted">{ "Loading rows…" }</p> };
    };
    let shown = page.rows.len() as u64;
    html! {
        <div>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Preview of the first rows">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col" class="row-number">{ "#" }</th>
                        { for page.column_names.iter().map(|name| html! { <th scope="col">{ name.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for page.rows.iter().enumerate().map(|(row_idx, row)| html! {
                        <tr>
                            <td class="row-number">{ format::count(page.offset + row_idx as u64 + 1) }</td>
                            { for row.iter().map(|cell| match cell {
                                Some(text) => html! { <td>{ text.clone() }</td> },
                                None => html! { <td class="missing" title="missing">{ "—" }</td> },
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
            <p class="muted table-caption">
                { format!("Showing the first {} of {} rows.", format::count(shown), format::count(page.n_rows_total)) }
            </p>
        </div>
    }
}
