//! Converge's single-page app.
//!
//! The app renders; it never parses, scores or clusters. It holds small summaries of what the
//! worker has and asks the worker (through [`worker::use_worker`]'s handle) for the page of rows or
//! the aggregate it is about to show. State changes are named [`state::Action`]s applied by one
//! reducer, so every transition the user can see is listed in one place.

mod app;
mod components;
mod download;
mod format;
mod live_board;
mod state;
mod views;
mod worker;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
