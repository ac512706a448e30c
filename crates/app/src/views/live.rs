//! The Live view (`#live`): a stream the worker connects to (or simulated traffic from the
//! loaded data), scored as it arrives, with a running chart, alerts and their evidence, and the
//! latest texts.
//!
//! The view holds only what the user is typing (the URL, the rules being edited) and which
//! alert's evidence is open; the worker does everything else and sends an update at most every
//! 250 ms. The connection itself lives in the worker (see `converge_wasm::stream`).

use converge_wasm::protocol::{
    AlertKind, AlertRules, LiveAlert, LiveConnection, LiveRole, LiveUpdate, LiveVerbatim, Totals,
    LIVE_DATASET,
};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::{clock, LiveBreakdowns, LiveChart, VerbatimList};
use crate::format;
use crate::live_board::{self, LiveBoard};
use crate::state::View;
use crate::worker::use_worker;

/// The rates the simulation offers, in records per second.
const SIMULATION_RATES: [u32; 4] = [100, 1_000, 5_000, 20_000];
/// Where `converge replay` listens by default.
const DEFAULT_URL: &str = "http://127.0.0.1:8787/events";
/// What the user can say a stream's records are: the select's value, its label, the role.
const ROLES: [(&str, &str, Option<LiveRole>); 4] = [
    ("auto", "Detected from each record's fields", None),
    (
        "interaction",
        "Interactions: customer texts, scored",
        Some(LiveRole::Interaction),
    ),
    (
        "order",
        "Orders: amounts are revenue, notes not scored",
        Some(LiveRole::Order),
    ),
    (
        "event",
        "Events: neither scored nor summed",
        Some(LiveRole::Event),
    ),
];

#[function_component(LiveView)]
pub fn live_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let worker = context.worker.clone();
    let url = use_state(|| DEFAULT_URL.to_owned());
    let role = use_state_eq(|| None::<LiveRole>);
    let rate = use_state_eq(|| 1_000_u32);
    let open_alert = use_state_eq(|| None::<u64>);
    let permission = use_state(live_board::permission);
    let board = state.live.clone();
    let update = board.as_ref().map(|board| board.update.clone());
    let connection = update
        .as_ref()
        .map_or(LiveConnection::Off, |u| u.connection.clone());
    let streaming = matches!(
        connection,
        LiveConnection::Connecting { .. }
            | LiveConnection::Live { .. }
            | LiveConnection::Reconnecting { .. }
            | LiveConnection::Paused { .. }
    );
    let simulating = matches!(connection, LiveConnection::Simulating { .. });

    let on_url = {
        let url = url.clone();
        Callback::from(move |event: InputEvent| {
            let input: HtmlInputElement = event.target_unchecked_into();
            url.set(input.value());
        })
    };
    let on_role = {
        let role = role.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Some((_, _, chosen)) = ROLES.iter().find(|(key, ..)| *key == select.value()) {
                role.set(*chosen);
            }
        })
    };
    let on_connect = {
        let worker = worker.clone();
        let url = url.clone();
        let role = role.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            worker.live_connect((*url).clone(), *role);
        })
    };
    let on_disconnect = {
        let worker = worker.clone();
        Callback::from(move |_| worker.live_disconnect())
    };
    let on_keep = {
        let worker = worker.clone();
        Callback::from(move |_| worker.live_keep_as_dataset())
    };
    let kept = state
        .datasets
        .iter()
        .find(|d| d.name == LIVE_DATASET)
        .map(|d| d.n_rows);
    let on_simulate = {
        let worker = worker.clone();
        let rate = rate.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            worker.live_simulate(if input.checked() { *rate } else { 0 });
        })
    };
    let on_rate = {
        let worker = worker.clone();
        let rate = rate.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlSelectElement = event.target_unchecked_into();
            if let Ok(next) = input.value().parse::<u32>() {
                rate.set(next);
                if simulating {
                    worker.live_simulate(next);
                }
            }
        })
    };
    let on_allow = {
        let permission = permission.clone();
        Callback::from(move |_| {
            let permission = permission.clone();
            if let Ok(promise) = web_sys::Notification::request_permission() {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
                    permission.set(live_board::permission());
                });
            }
        })
    };
    let on_evidence = {
        let worker = worker.clone();
        let open_alert = open_alert.clone();
        Callback::from(move |alert: LiveAlert| {
            if *open_alert == Some(alert.number) {
                open_alert.set(None);
            } else {
                open_alert.set(Some(alert.number));
                worker.live_records(alert.alert.evidence.clone());
            }
        })
    };

    let controls = html! {
        <div class="card live-controls">
            <form class="live-connect" onsubmit={on_connect}>
                <label for="live-url">{ "Stream address" }</label>
                <input id="live-url" type="url" value={(*url).clone()} oninput={on_url}
                       placeholder={DEFAULT_URL} data-testid="live-url" spellcheck="false"
                       aria-describedby="live-url-help" />
                <label for="live-role">{ "Records are" }</label>
                <select id="live-role" onchange={on_role} data-testid="live-role" aria-describedby="live-role-help">
                    { for ROLES.iter().map(|(key, label, r)| html! {
                        <option value={*key} selected={*r == *role}>{ *label }</option>
                    }) }
                </select>
                <button class="button primary" type="submit" data-testid="live-connect">{ "Connect" }</button>
                <button class="button subtle" type="button" onclick={on_disconnect}
                        disabled={!(streaming || simulating)} data-testid="live-disconnect">{ "Disconnect" }</button>
            </form>
            <p id="live-url-help" class="muted small">
                { "Server-Sent Events at http(s)://…, or WebSocket at ws(s)://…, carrying one JSON record per message (or per line). " }
                { "Try " }<code>{ "converge replay FILE --rate 1000" }</code>{ ", which serves any export as a stream on this address." }
            </p>
            <p id="live-role-help" class="muted small">
                { "Say what the records are when their fields could mislead: an order's note is not customer voice, and a ticket's refund amount is not revenue. The simulation reads each dataset as the Data view says." }
            </p>
            <div class="live-options">
                <label class="switch">
                    <input type="checkbox" role="switch" checked={simulating} onchange={on_simulate}
                           data-testid="live-simulate" />
                    { "Simulate live traffic from the loaded data" }
                </label>
                <label>
                    { "at " }
                    <select onchange={on_rate} data-testid="live-rate" aria-label="Records per second">
                        { for SIMULATION_RATES.iter().map(|r| html! {
                            <option value={r.to_string()} selected={*r == *rate}>{ format!("{} records/s", format::count(u64::from(*r))) }</option>
                        }) }
                    </select>
                </label>
                { notifications(*permission, on_allow) }
            </div>
        </div>
    };

    let header = html! {
        <div class="view-header">
            <div>
                <h1 id="live-title">{ "Live" }</h1>
                <p class="muted">{ "Data in motion: events, orders and customer texts as they arrive, scored on arrival, with alerts a marketer can act on." }</p>
            </div>
            { indicator(update.as_deref()) }
        </div>
    };

    let Some(board) = board.filter(|b| b.update.counts.n_received > 0 || streaming || simulating)
    else {
        return html! {
            <section class="view" aria-labelledby="live-title" data-testid="live-view">
                { header }
                { controls }
                <div class="card empty-state" data-testid="live-empty">
                    <h2>{ "Nothing is streaming yet" }</h2>
                    <p>{ "Paste the address of a stream above and press Connect, or switch on “Simulate live traffic” to replay the loaded interactions, orders and events as if they were arriving now." }</p>
                    if state.datasets.is_empty() {
                        <p>{ "To simulate, load data first: the demo company is one click away in the Data view." }</p>
                        <a class="button subtle" href={View::Data.hash()}>{ "Go to Data" }</a>
                    }
                </div>
            </section>
        };
    };
    let update = &board.update;

    html! {
        <section class="view" aria-labelledby="live-title" data-testid="live-view">
            { header }
            { controls }
            { counts(update) }
            <div class="card">
                <h2>{ "Volume and net sentiment" }</h2>
                <LiveChart series={update.series.clone()} />
            </div>
            <LiveBreakdowns breakdowns={update.breakdowns.clone()} segments_known={update.segments_known} />
            <div class="live-columns">
                <div class="card" data-testid="live-alerts">
                    <h2>{ format!("Alerts ({})", format::count(board.alerts.len() as u64)) }</h2>
                    if board.alerts.is_empty() {
                        <p class="muted">{ "No alert yet. Alerts fire on a spike or dip in volume, net sentiment falling below its threshold, a high-value customer writing negatively, or a surge of mentions of a word or handle." }</p>
                    } else {
                        <ol class="alerts">
                            { for board.alerts.iter().map(|alert| alert_item(alert, *open_alert == Some(alert.number), &board, on_evidence.clone())) }
                        </ol>
                    }
                </div>
                <div class="card" data-testid="live-latest">
                    <h2>{ "Latest texts" }</h2>
                    if update.latest.is_empty() {
                        <p class="muted">{ "No customer text has arrived yet: only orders and events so far." }</p>
                    } else {
                        <VerbatimList verbatims={update.latest.iter().map(|l| l.verbatim.clone()).collect::<Vec<_>>()} />
                    }
                </div>
            </div>
            { keep(update, kept, on_keep) }
            <RulesEditor rules={update.rules.clone()} />
        </section>
    }
}

fn notifications(
    permission: Option<web_sys::NotificationPermission>,
    on_allow: Callback<MouseEvent>,
) -> Html {
    use web_sys::NotificationPermission as P;
    match permission {
        None => {
            html! { <span class="muted small">{ "This browser cannot show notifications." }</span> }
        }
        Some(P::Granted) => {
            html! { <span class="muted small" data-testid="live-notifications">{ "Alerts raise a browser notification." }</span> }
        }
        Some(P::Denied) => {
            html! { <span class="muted small" data-testid="live-notifications">{ "Notifications are blocked for this page (change it in the browser's site settings)." }</span> }
        }
        Some(_) => html! {
            <button class="button subtle small" type="button" onclick={on_allow} data-testid="live-allow-notifications">
                { "Allow browser notifications for alerts" }
            </button>
        },
    }
}

/// The connection indicator: state, rate and lag.
fn indicator(update: Option<&LiveUpdate>) -> Html {
    let Some(update) = update else {
        return html! { <p class="live-indicator off" data-testid="live-state" data-state="off">{ "Not connected" }</p> };
    };
    let rate = format!(
        "{} records/s",
        format::count(update.records_per_second.round() as u64)
    );
    let lag = format!("lag {:.1} s", update.lag_ms / 1_000.0);
    let (state, text) = match &update.connection {
        LiveConnection::Off => ("off", "Not connected".to_owned()),
        LiveConnection::Connecting { url, attempt } => (
            "connecting",
            if *attempt > 1 {
                format!("Connecting to {url} (attempt {attempt})…")
            } else {
                format!("Connecting to {url}…")
            },
        ),
        LiveConnection::Live { url, .. } => ("live", format!("Live from {url} · {rate} · {lag}")),
        LiveConnection::Reconnecting {
            retry_at_ms,
            attempt,
            reason,
            ..
        } => {
            let in_s = ((retry_at_ms - js_sys::Date::now()) / 1_000.0)
                .ceil()
                .max(0.0);
            (
                "reconnecting",
                format!(
                    "{reason} Reconnecting in {in_s:.0} s (attempt {})",
                    attempt + 1
                ),
            )
        }
        LiveConnection::Paused { n_queued, .. } => (
            "paused",
            format!(
                "Paused to catch up on {} waiting records; it resumes where it left off",
                format::count(*n_queued)
            ),
        ),
        LiveConnection::Closed { reason, .. } => ("closed", format!("Closed: {reason}")),
        LiveConnection::Simulating {
            records_per_second,
            sources,
        } => (
            "live",
            format!(
                "Simulating {} records/s from {} · {rate} · {lag}",
                format::count(u64::from(*records_per_second)),
                sources.join(", ")
            ),
        ),
    };
    // When the stream opened (the worker's clock), for the end-to-end test's latency figures.
    let since = match &update.connection {
        LiveConnection::Live { since_ms, .. } => Some(format!("{since_ms:.0}")),
        _ => None,
    };
    html! {
        <p class={classes!("live-indicator", state)} data-testid="live-state" data-state={state} data-since={since} role="status">
            <span class="live-dot" aria-hidden="true"></span>{ text }
        </p>
    }
}

/// Keeping the stream's records as a dataset, for the views that analyse datasets.
fn keep(update: &LiveUpdate, kept: Option<u64>, on_keep: Callback<MouseEvent>) -> Html {
    html! {
        <div class="card live-keep" data-testid="live-keep">
            <h2>{ "Analyse the stream with the rest" }</h2>
            <p class="muted">
                { format!(
                    "Add the {} records held to the datasets, and Voice, Customers, Segments and Network see them too. It is a snapshot: add them again later to bring it up to date.",
                    format::count(update.n_rows)
                ) }
            </p>
            <button class="button subtle" type="button" onclick={on_keep}
                    disabled={update.n_rows == 0} data-testid="live-keep-dataset">
                { if kept.is_some() { "Update the live dataset" } else { "Add the live records to the datasets" } }
            </button>
            if let Some(n_rows) = kept {
                <p class="muted small" data-testid="live-kept">
                    { format!("Kept as {LIVE_DATASET} ({} records). ", format::count(n_rows)) }
                    <a href={View::Data.hash()}>{ "Open it in the Data view" }</a>
                </p>
            }
        </div>
    }
}

fn counts(update: &LiveUpdate) -> Html {
    let c = &update.counts;
    let totals = |label: &str, t: &Totals| {
        html! {
            <li>
                <strong>{ label.to_owned() }</strong>
                { format!(
                    " {} records, {} texts{}, revenue {:.2}",
                    format::count(t.n_records),
                    format::count(u64::from(t.n_texts)),
                    t.net_sentiment.map(|n| format!(" (net sentiment {n:+.0})")).unwrap_or_default(),
                    t.revenue
                ) }
            </li>
        }
    };
    html! {
        <div class="card live-counts" data-testid="live-counts"
             data-received={c.n_received.to_string()} data-processed={c.n_processed.to_string()}
             data-failed={c.n_failed.to_string()} data-duplicates={c.n_duplicates.to_string()}
             data-pauses={c.n_pauses.to_string()}
             data-queued={c.n_queued.to_string()}
             data-rows={update.n_rows.to_string()} data-dropped={update.n_rows_dropped.to_string()}
             data-last-id={update.last_stream_id.unwrap_or(0).to_string()}>
            <dl class="figures">
                <div><dt>{ "Received" }</dt><dd data-testid="live-received">{ format::count(c.n_received) }</dd></div>
                <div><dt>{ "Processed" }</dt><dd data-testid="live-processed">{ format::count(c.n_processed) }</dd></div>
                <div><dt>{ "Refused" }</dt><dd data-testid="live-failed">{ format::count(c.n_failed) }</dd></div>
                <div><dt>{ "Sent twice" }</dt><dd>{ format::count(c.n_duplicates) }</dd></div>
                <div><dt>{ "Waiting" }</dt><dd>{ format::count(c.n_queued) }</dd></div>
                <div><dt>{ "Texts · orders · events" }</dt><dd>{ format!("{} · {} · {}", format::count(c.n_interactions), format::count(c.n_orders), format::count(c.n_events)) }</dd></div>
            </dl>
            <ul class="live-totals">
                { totals("Last minute:", &update.last_minute) }
                { totals("Last hour:", &update.last_hour) }
                { totals("Last day:", &update.last_day) }
            </ul>
            if c.n_pauses > 0 {
                <p class="muted small" data-testid="live-paused">
                    { format!(
                        "The stream came faster than it could be scored: it was paused {} to catch up and resumed where it left off, so no record was lost or counted twice.",
                        if c.n_pauses == 1 { "once".to_owned() } else { format!("{} times", format::count(c.n_pauses)) }
                    ) }
                </p>
            }
            if update.n_rows_dropped > 0 {
                <p class="muted small" data-testid="live-dropped">
                    { format!(
                        "The live table keeps the newest {} records; {} older ones were let go to stay within the browser's memory. They still count in every figure, window and alert above, but can no longer be opened.",
                        format::count(update.n_rows),
                        format::count(update.n_rows_dropped)
                    ) }
                </p>
            }
            if let Some(role) = update.role {
                <p class="muted small" data-testid="live-role-in-force">
                    { match role {
                        LiveRole::Interaction => "As you chose, every record is read as an interaction: its text is scored, amounts are not revenue.",
                        LiveRole::Order => "As you chose, every record is read as an order: its amount is revenue, its text is kept but not scored.",
                        LiveRole::Event => "As you chose, every record is read as an event: nothing is scored or summed as revenue.",
                    } }
                </p>
            }
            <p class="muted small" data-testid="live-identified"
               data-known={c.n_known_customer.to_string()} data-placed={c.n_placed_by_model.to_string()}>
                { if update.n_known_customers > 0 {
                    format!("Records are matched to {} converged customers by email, handle or customer id, or else by the convergence's model on names, addresses, phones and birth dates{}. So far {} records were tied to a customer, {} of them by the model.",
                        format::count(update.n_known_customers),
                        if update.segments_known { ", with their RFM segments" } else { " (segment the customers to watch high-value ones)" },
                        format::count(c.n_known_customer),
                        format::count(c.n_placed_by_model))
                } else {
                    "Converge the customers (Customers view) to match records to them, and segment them to watch high-value ones.".to_owned()
                } }
            </p>
            if !c.failures.is_empty() {
                <details class="live-failures" data-testid="live-failures">
                    <summary>{ format!("Why {} records were refused", format::count(c.n_failed)) }</summary>
                    <ul>
                        { for c.failures.iter().map(|f| html! {
                            <li>{ format!("{}: {} (e.g. ", f.reason, format::count(f.n_records)) }<code>{ f.example.clone() }</code>{ ")" }</li>
                        }) }
                    </ul>
                </details>
            }
        </div>
    }
}

fn alert_item(
    alert: &LiveAlert,
    open: bool,
    board: &LiveBoard,
    on_evidence: Callback<LiveAlert>,
) -> Html {
    let a = &alert.alert;
    let kind = match a.kind {
        AlertKind::VolumeSpike => "Volume spike",
        AlertKind::VolumeDip => "Volume dip",
        AlertKind::NetSentimentLow => "Net sentiment low",
        AlertKind::HighValueNegative => "High-value customer unhappy",
        AlertKind::TermSurge => "Surge of mentions",
    };
    let kind_class = match a.kind {
        AlertKind::VolumeSpike | AlertKind::TermSurge => "spike",
        AlertKind::VolumeDip => "dip",
        AlertKind::NetSentimentLow | AlertKind::HighValueNegative => "negative",
    };
    let window = if a.window_ms >= 60_000 {
        format!("{} min", a.window_ms / 60_000)
    } else if a.window_ms > 0 {
        format!("{} s", a.window_ms / 1_000)
    } else {
        "one record".to_owned()
    };
    // Records are numbered from 1 in arrival order: the first `n_rows_dropped` are gone.
    let n_let_go = a
        .evidence
        .iter()
        .filter(|id| **id <= board.update.n_rows_dropped)
        .count();
    let evidence = if open {
        board.evidence.as_ref().map(|records| {
            let records: Vec<LiveVerbatim> = records.iter().filter(|r| a.evidence.contains(&r.record)).cloned().collect();
            html! {
                <div class="alert-evidence" data-testid="alert-evidence">
                    if n_let_go > 0 {
                        <p class="muted small">{ format!("{} of these records were let go from the live table, which keeps the newest rows.", format::count(n_let_go as u64)) }</p>
                    }
                    <VerbatimList verbatims={records.iter().map(|r| r.verbatim.clone()).collect::<Vec<_>>()} />
                    { for records.iter().filter_map(|r| r.customer).take(1).map(|customer| html! {
                        <a class="button subtle small" href={format!("#customers/{}", customer.0)}>{ "Open this customer's 360" }</a>
                    }) }
                </div>
            }
        })
    } else {
        None
    };
    let toggle = {
        let alert = alert.clone();
        Callback::from(move |_| on_evidence.emit(alert.clone()))
    };
    html! {
        <li class={classes!("alert", kind_class)} key={alert.number} data-testid="live-alert" data-kind={format!("{:?}", a.kind)}>
            <div class="alert-head">
                <span class={classes!("badge", kind_class)}>{ kind }</span>
                <span class="muted">{ clock(a.at_ms) }</span>
            </div>
            <p>{ a.message.clone() }</p>
            <p class="muted small" data-testid="alert-figures">
                { format!("Subject: {} · observed {} · expected {} · limit {} · window {window} · {} records",
                    a.subject, number(a.observed), number(a.expected), number(a.limit), a.evidence.len()) }
            </p>
            <div class="card-actions">
                <button class="button subtle small" type="button" onclick={toggle} aria-expanded={open.to_string()} data-testid="alert-show-records">
                    { if open { "Hide the records".to_owned() } else { format!("Show the {} records", a.evidence.len()) } }
                </button>
                if let Some(customer) = alert.customer {
                    <a class="button subtle small" href={format!("#customers/{}", customer.0)} data-testid="alert-customer">{ "Open the customer 360" }</a>
                }
            </div>
            { evidence.unwrap_or_default() }
        </li>
    }
}

fn number(value: f64) -> String {
    if value.fract().abs() < 1e-9 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

#[derive(Properties, PartialEq)]
struct RulesEditorProps {
    rules: AlertRules,
}

/// The alert rules in force, editable; "Apply" sends them to the worker.
#[function_component(RulesEditor)]
fn rules_editor(props: &RulesEditorProps) -> Html {
    let context = use_worker();
    let draft = use_state(|| props.rules.clone());
    {
        let draft = draft.clone();
        use_effect_with(props.rules.clone(), move |rules| draft.set(rules.clone()));
    }
    let edit = |change: fn(&mut AlertRules, Option<f64>)| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut next = (*draft).clone();
            change(
                &mut next,
                input
                    .value()
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0),
            );
            draft.set(next);
        })
    };
    let toggle = |change: fn(&mut AlertRules, bool)| {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let mut next = (*draft).clone();
            change(&mut next, input.checked());
            draft.set(next);
        })
    };
    let on_apply = {
        let worker = context.worker.clone();
        let draft = draft.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            worker.live_rules((*draft).clone());
        })
    };
    let defaults = AlertRules::default();
    let rules = &*draft;
    let field = |label: &str,
                 testid: &str,
                 value: Option<f64>,
                 on_change: Callback<Event>,
                 disabled: bool| {
        html! {
            <label class="rule-field">
                <span>{ label.to_owned() }</span>
                <input type="number" min="0" step="any" value={value.map(|v| v.to_string()).unwrap_or_default()}
                       onchange={on_change} disabled={disabled} data-testid={testid.to_owned()} />
            </label>
        }
    };
    html! {
        <form class="card live-rules" onsubmit={on_apply} data-testid="live-rules">
            <h2>{ "Alert rules" }</h2>
            <p class="muted small">{ "Defaults a marketing team can start from; change them and press Apply (baselines start again)." }</p>
            <fieldset>
                <legend>
                    <label><input type="checkbox" checked={rules.volume.is_some()} onchange={toggle(|r, on| r.volume = if on { AlertRules::default().volume } else { None })} />
                    { " Volume spike or dip (per second, against its usual level)" }</label>
                </legend>
                { field("Standard deviations (k)", "rule-volume-k", rules.volume.as_ref().map(|v| v.k), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.volume, v) { rule.k = v }), rules.volume.is_none()) }
                { field("At least (records)", "rule-volume-min", rules.volume.as_ref().map(|v| v.min_count as f64), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.volume, v) { rule.min_count = v as u64 }), rules.volume.is_none()) }
                { field("Cooldown (s)", "rule-volume-cooldown", rules.volume.as_ref().map(|v| (v.cooldown_ms / 1_000) as f64), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.volume, v) { rule.cooldown_ms = (v * 1_000.0) as i64 }), rules.volume.is_none()) }
                { field("Learn for (s)", "rule-volume-warmup", rules.volume.as_ref().map(|v| v.warmup_buckets as f64), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.volume, v) { rule.warmup_buckets = v as u64 }), rules.volume.is_none()) }
            </fieldset>
            <fieldset>
                <legend>
                    <label><input type="checkbox" checked={rules.net_sentiment.is_some()} onchange={toggle(|r, on| r.net_sentiment = if on { AlertRules::default().net_sentiment } else { None })} />
                    { " Net sentiment low" }</label>
                </legend>
                { field("Below (points)", "rule-net-below", rules.net_sentiment.as_ref().map(|v| -v.below), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.net_sentiment, v) { rule.below = -v.min(100.0) }), rules.net_sentiment.is_none()) }
                { field("Over (minutes)", "rule-net-window", rules.net_sentiment.as_ref().map(|v| (v.window_ms / 60_000) as f64), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.net_sentiment, v) { rule.window_ms = (v.max(1.0) * 60_000.0) as i64 }), rules.net_sentiment.is_none()) }
                { field("At least (texts)", "rule-net-min", rules.net_sentiment.as_ref().map(|v| f64::from(v.min_texts)), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.net_sentiment, v) { rule.min_texts = v as u32 }), rules.net_sentiment.is_none()) }
            </fieldset>
            <fieldset>
                <legend>
                    <label><input type="checkbox" checked={rules.high_value_negative.is_some()} onchange={toggle(|r, on| r.high_value_negative = if on { AlertRules::default().high_value_negative } else { None })} />
                    { " High-value customer posting negatively" }</label>
                </legend>
                <p class="muted small">{ format!("Segments watched: {}.", rules.high_value_negative.as_ref().or(defaults.high_value_negative.as_ref()).map(|r| r.segments.join(", ")).unwrap_or_default()) }</p>
            </fieldset>
            <fieldset>
                <legend>
                    <label><input type="checkbox" checked={rules.term_surge.is_some()} onchange={toggle(|r, on| r.term_surge = if on { AlertRules::default().term_surge } else { None })} />
                    { " Surge of mentions of a word or handle (per minute)" }</label>
                </legend>
                { field("Standard deviations (k)", "rule-surge-k", rules.term_surge.as_ref().map(|v| v.k), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.term_surge, v) { rule.k = v }), rules.term_surge.is_none()) }
                { field("At least (mentions)", "rule-surge-min", rules.term_surge.as_ref().map(|v| v.min_count as f64), edit(|r, v| if let (Some(rule), Some(v)) = (&mut r.term_surge, v) { rule.min_count = v as u64 }), rules.term_surge.is_none()) }
            </fieldset>
            <div class="card-actions">
                <button class="button primary" type="submit" data-testid="rules-apply" disabled={*rules == props.rules}>{ "Apply" }</button>
                <button class="button subtle" type="button" disabled={*rules == defaults} onclick={{
                    let draft = draft.clone();
                    Callback::from(move |_| draft.set(AlertRules::default()))
                }}>{ "Back to the defaults" }</button>
            </div>
        </form>
    }
}
