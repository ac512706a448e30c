//! Messages for the user: errors in plain words, with the technical detail one click away.

use yew::prelude::*;

use crate::state::{Action, Tone};
use crate::worker::use_worker;

#[function_component(Notices)]
pub fn notices() -> Html {
    let context = use_worker();
    let state = &context.state;
    if state.notices.is_empty() {
        return html! {};
    }
    html! {
        <section class="notices" aria-label="Messages">
            { for state.notices.iter().map(|notice| {
                let dismiss = {
                    let state = state.clone();
                    let key = notice.key;
                    Callback::from(move |_: MouseEvent| state.dispatch(Action::DismissNotice { key }))
                };
                let (class, role) = match notice.tone {
                    Tone::Info => ("notice info", "status"),
                    Tone::Error => ("notice error", "alert"),
                };
                html! {
                    <div class={class} role={role} key={notice.key} data-testid="notice">
                        <div class="notice-body">
                            <p class="notice-title">{ notice.title.clone() }</p>
                            if let Some(detail) = &notice.detail {
                                <details>
                                    <summary>{ "Technical detail" }</summary>
                                    <pre>{ detail.clone() }</pre>
                                </details>
                            }
                        </div>
                        <button class="button subtle small" onclick={dismiss} aria-label="Dismiss message">
                            { "Dismiss" }
                        </button>
                    </div>
                }
            }) }
        </section>
    }
}
