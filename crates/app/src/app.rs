//! The app root: state, the worker, and the shell every view sits in.

use yew::prelude::*;

use crate::components::{Notices, Sidebar, StatusBar, TopBar};
use crate::state::{Action, AppState, Settings, View};
use crate::views::{CustomersView, DataView, LiveView, NetworkView, SegmentsView, VoiceView};
use crate::worker::{use_worker_client, AppContext, DEMO_CUSTOMERS};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(settings_from_address()));
    let worker = use_worker_client(state.dispatcher());
    // The address's fragment names the view, so links, reloads and Back work.
    {
        let dispatch = state.dispatcher();
        use_effect_with((), move |_| {
            dispatch.dispatch(Action::ShowView(View::from_hash(&current_hash())));
            let listener = web_sys::window().map(|window| {
                gloo_events::EventListener::new(&window, "hashchange", move |_| {
                    dispatch.dispatch(Action::ShowView(View::from_hash(&current_hash())));
                })
            });
            move || drop(listener)
        });
    }
    let view = state.view;
    let context = AppContext { state, worker };
    html! {
        <ContextProvider<AppContext> {context}>
            <div class="shell">
                <TopBar />
                <Sidebar />
                <main class="main" id="main">
                    <Notices />
                    { match view {
                        View::Data => html! { <DataView /> },
                        View::Voice => html! { <VoiceView /> },
                        View::Network => html! { <NetworkView /> },
                        View::Segments => html! { <SegmentsView /> },
                        View::Customers => html! { <CustomersView /> },
                        View::Live => html! { <LiveView /> },
                    } }
                </main>
                <StatusBar />
            </div>
        </ContextProvider<AppContext>>
    }
}

/// Settings read from the address: `?diagnostics` turns on the tools the end-to-end tests use, and
/// `?demo_customers=N` sizes the demo (to try Converge, or the tests, on a big dataset).
fn settings_from_address() -> Settings {
    let params = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok());
    let Some(params) = params else {
        return Settings::default();
    };
    Settings {
        diagnostics: params.has("diagnostics"),
        demo_customers: params
            .get("demo_customers")
            .and_then(|n| n.parse().ok())
            .unwrap_or(DEMO_CUSTOMERS),
    }
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default()
}
