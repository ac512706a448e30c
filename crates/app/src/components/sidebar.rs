//! The navigation. It lists only the views that work today.

use yew::prelude::*;

use crate::state::View;
use crate::worker::use_worker;

#[function_component(Sidebar)]
pub fn sidebar() -> Html {
    let context = use_worker();
    let current = context.state.view;
    html! {
        <nav class="sidebar" aria-label="Views">
            <ul>
                { for View::ALL.into_iter().map(|view| {
                    let active = view == current;
                    html! {
                        <li>
                            <a class={classes!("nav-link", active.then_some("active"))} href={view.hash()}
                               aria-current={active.then_some("page")}
                               data-testid={format!("nav-{}", view.hash().trim_start_matches('#'))}>
                                { icon(view) }
                                { view.label() }
                            </a>
                        </li>
                    }
                }) }
            </ul>
        </nav>
    }
}

fn icon(view: View) -> Html {
    match view {
        View::Data => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <ellipse cx="12" cy="6" rx="7" ry="3" />
                <path d="M5 6v12c0 1.7 3.1 3 7 3s7-1.3 7-3V6" />
                <path d="M5 12c0 1.7 3.1 3 7 3s7-1.3 7-3" />
            </svg>
        },
        View::Voice => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M4 5h16v10H9l-5 4z" />
                <path d="M8 9h8M8 12h5" />
            </svg>
        },
        View::Network => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="6" cy="7" r="2.5" />
                <circle cx="18" cy="6" r="2" />
                <circle cx="12" cy="17" r="3" />
                <path d="M8 8.5l2.5 6M16.5 7.5l-3 7M8.5 7l7.5-1" />
            </svg>
        },
        View::Segments => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="7" cy="8" r="3" />
                <circle cx="17" cy="7" r="2.5" />
                <circle cx="12" cy="17" r="3.5" />
            </svg>
        },
        View::Customers => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <circle cx="9" cy="8" r="3.2" />
                <path d="M3.5 19c0-3.2 2.5-5.5 5.5-5.5s5.5 2.3 5.5 5.5" />
                <circle cx="16.5" cy="9" r="2.6" />
                <path d="M15.5 13.6c2.9-.4 5 1.7 5 4.6" />
            </svg>
        },
        View::Live => html! {
            <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                <path d="M3 13h4l2-6 4 12 2-6h6" />
            </svg>
        },
    }
}
