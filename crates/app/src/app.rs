//! The app root: state, the worker, and the shell every view sits in.

use yew::prelude::*;

use crate::components::{Notices, Sidebar, StatusBar, TopBar};
use crate::state::AppState;
use crate::views::DataView;
use crate::worker::{use_worker_client, AppContext};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(diagnostics_requested()));
    let worker = use_worker_client(state.dispatcher());
    let context = AppContext { state, worker };
    html! {
        <ContextProvider<AppContext> {context}>
            <div class="shell">
                <TopBar />
                <Sidebar />
                <main class="main" id="main">
                    <Notices />
                    <DataView />
                </main>
                <StatusBar />
            </div>
        </ContextProvider<AppContext>>
    }
}

/// `?diagnostics` in the address turns on the tools the end-to-end tests use.
fn diagnostics_requested() -> bool {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .is_some_and(|search| search.contains("diagnostics"))
}
