//! Every row of a dataset, scrollable however many there are.
//!
//! Only the rows in view (and a few either side) exist in the page; SVG spacers above and below
//! give the scrollbar its true length, and the grid asks the worker for the page of rows it is
//! about to show. (Spacers are SVG because their height is an attribute: the Content-Security-
//! Policy forbids inline styles.) Cells are text, never HTML.

use converge_wasm::protocol::DatasetId;
use yew::prelude::*;

use crate::format;
use crate::worker::use_worker;

/// Must match `.data-grid td` in `www/style.css`.
const ROW_HEIGHT: u64 = 30;
/// Rows visible in the grid's viewport (its CSS height divided by `ROW_HEIGHT`).
const ROWS_IN_VIEW: u64 = 15;
/// Rows rendered beyond the viewport, so a small scroll shows rows already there.
const OVERSCAN: u64 = 10;
/// Rows asked for per page, around the viewport.
const PAGE_ROWS: u64 = 120;

#[derive(Properties, PartialEq)]
pub struct DataGridProps {
    pub dataset: DatasetId,
    pub n_rows: u64,
}

#[function_component(DataGrid)]
pub fn data_grid(props: &DataGridProps) -> Html {
    let context = use_worker();
    let first_row = use_state_eq(|| 0u64);
    let requested_offset = use_mut_ref(|| u64::MAX);
    let page = context.state.pages.get(&props.dataset).cloned();
    let n_rows = page.as_ref().map_or(props.n_rows, |p| p.n_rows_total);

    // Ask for the page around the viewport when the viewport leaves the page we have.
    {
        let worker = context.worker.clone();
        let covered = page
            .as_ref()
            .map(|p| (p.offset, p.offset + p.rows.len() as u64));
        let requested_offset = requested_offset.clone();
        use_effect_with(
            (props.dataset, *first_row, covered, n_rows),
            move |(dataset, first, covered, n_rows)| {
                let wanted_end = (*first + ROWS_IN_VIEW + OVERSCAN).min(*n_rows);
                let in_page =
                    covered.is_some_and(|(start, end)| start <= *first && end >= wanted_end);
                let offset = first.saturating_sub(PAGE_ROWS / 3);
                let mut requested = requested_offset.borrow_mut();
                if !in_page && *requested != offset {
                    *requested = offset;
                    worker.request_page(*dataset, offset, PAGE_ROWS);
                }
            },
        );
    }

    let onscroll = {
        let first_row = first_row.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target_dyn_into::<web_sys::Element>() {
                let top = element.scroll_top().max(0) as u64;
                first_row.set(top / ROW_HEIGHT);
            }
        })
    };

    let start = first_row.saturating_sub(OVERSCAN).min(n_rows);
    let end = (*first_row + ROWS_IN_VIEW + OVERSCAN).min(n_rows);
    let column_names = page
        .as_ref()
        .map(|p| p.column_names.clone())
        .unwrap_or_default();
    let n_columns = column_names.len().max(1);
    let row = |row_idx: u64| -> Html {
        let cells = page.as_ref().and_then(|p| {
            row_idx
                .checked_sub(p.offset)
                .and_then(|at| p.rows.get(at as usize))
        });
        html! {
            <tr key={row_idx}>
                <td class="row-number">{ format::count(row_idx + 1) }</td>
                { match cells {
                    Some(cells) => cells.iter().map(|cell| match cell {
                        Some(text) => html! { <td title={text.clone()}>{ text.clone() }</td> },
                        None => html! { <td class="missing">{ "—" }</td> },
                    }).collect::<Html>(),
                    None => (0..n_columns).map(|_| html! { <td class="loading">{ "…" }</td> }).collect::<Html>(),
                } }
            </tr>
        }
    };
    html! {
        <div>
            <div class="data-grid" tabindex="0" role="region" aria-label="All rows" {onscroll} data-testid="data-grid">
                <svg class="spacer" width="1" height={(start * ROW_HEIGHT).to_string()} aria-hidden="true"></svg>
                <table class="grid">
                    <thead>
                        <tr>
                            <th scope="col" class="row-number">{ "#" }</th>
                            { for column_names.iter().map(|name| html! { <th scope="col">{ name.clone() }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for (start..end).map(row) }
                    </tbody>
                </table>
                <svg class="spacer" width="1" height={(n_rows.saturating_sub(end) * ROW_HEIGHT).to_string()} aria-hidden="true"></svg>
            </div>
            <p class="muted table-caption" data-testid="grid-caption">
                { if n_rows == 0 {
                    "This table has no rows.".to_owned()
                } else {
                    format!("Rows {} to {} of {}. Scroll to see them all.", format::count(start + 1), format::count(end), format::count(n_rows))
                } }
            </p>
        </div>
    }
}
