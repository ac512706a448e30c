//! The product's name and what it promises.

use yew::prelude::*;

#[function_component(TopBar)]
pub fn top_bar() -> Html {
    html! {
        <header class="top-bar">
            <a class="skip-link" href="#main">{ "Skip to content" }</a>
            <span class="brand">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                    <circle cx="8" cy="12" r="6" />
                    <circle cx="16" cy="12" r="6" />
                </svg>
                { "Converge" }
            </span>
            <span class="tagline">{ "Customer intelligence that never leaves your browser" }</span>
        </header>
    }
}
