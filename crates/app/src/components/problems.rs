//! The rows an import refused, with their line and reason, and the way to download them all.

use converge_wasm::protocol::DatasetSummary;
use yew::prelude::*;

use crate::format;
use crate::worker::use_worker;

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub dataset: DatasetSummary,
}

#[function_component(Problems)]
pub fn problems(props: &ProblemsProps) -> Html {
    let context = use_worker();
    let report = &props.dataset.report;
    if report.rows_rejected == 0 {
        return html! {
            <p class="all-good">{ format!("Every one of the {} rows was kept.", format::count(report.rows_read)) }</p>
        };
    }
    let download = {
        let worker = context.worker.clone();
        let id = props.dataset.id;
        Callback::from(move |_: MouseEvent| worker.download_rejected_rows(id))
    };
    let shown = report.rejected.len() as u64;
    html! {
        <div class="problems">
            <div class="problems-header">
                <p>
                    { format!("{} of {} rows were not kept. Everything else was.", format::count(report.rows_rejected), format::count(report.rows_read)) }
                </p>
                <button class="button subtle small" onclick={download} data-testid="download-rejected">
                    { "Download refused rows (CSV)" }
                </button>
            </div>
            <div class="table-scroll">
                <table class="grid">
                    <thead>
                        <tr>
                            <th scope="col" class="number">{ "Line" }</th>
                            <th scope="col">{ "Why it was refused" }</th>
                            <th scope="col">{ "The row as written" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for report.rejected.iter().map(|problem| html! {
                            <tr data-testid="rejected-row">
                                <td class="number">{ format::count(problem.line) }</td>
                                <td>{ problem.reason.clone() }</td>
                                <td class="excerpt">{ problem.excerpt.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if shown < report.rows_rejected {
                <p class="muted table-caption">{ format!("Showing the first {}; the download has every refused row Converge kept a note of.", format::count(shown)) }</p>
            }
        </div>
    }
}
