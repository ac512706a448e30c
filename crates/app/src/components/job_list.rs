//! Work in progress: one line per import or demo load, with its progress and a way to cancel.

use yew::prelude::*;

use super::ProgressBar;
use crate::worker::use_worker;

#[function_component(JobList)]
pub fn job_list() -> Html {
    let context = use_worker();
    let jobs = &context.state.jobs;
    if jobs.is_empty() {
        return html! {};
    }
    html! {
        <ul class="card job-list" aria-label="Work in progress">
            { for jobs.iter().map(|job| {
                let cancel = {
                    let worker = context.worker.clone();
                    let id = job.id;
                    Callback::from(move |_: MouseEvent| worker.cancel(id))
                };
                html! {
                    <li class="job" key={job.id.0} data-testid="job">
                        <span class="job-label">{ job.kind.label() }</span>
                        <span class="muted job-phase">{ job.phase.clone() }</span>
                        <ProgressBar fraction={job.fraction} label={job.kind.label()} />
                        <button class="button subtle small" onclick={cancel}>{ "Cancel" }</button>
                    </li>
                }
            }) }
        </ul>
    }
}
