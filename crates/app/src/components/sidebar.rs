//! The navigation. It lists only the views that work today.

use yew::prelude::*;

#[function_component(Sidebar)]
pub fn sidebar() -> Html {
    html! {
        <nav class="sidebar" aria-label="Views">
            <ul>
                <li>
                    <a class="nav-link active" href="#data" aria-current="page">
                        <svg viewBox="0 0 24 24" aria-hidden="true" class="nav-icon">
                            <ellipse cx="12" cy="6" rx="7" ry="3" />
                            <path d="M5 6v12c0 1.7 3.1 3 7 3s7-1.3 7-3V6" />
                            <path d="M5 12c0 1.7 3.1 3 7 3s7-1.3 7-3" />
                        </svg>
                        { "Data" }
                    </a>
                </li>
            </ul>
        </nav>
    }
}
