//! The Customers view: one customer across every source.
//!
//! The worker converges the loaded tables into customers and keeps the result; this view shows
//! how many records became how many customers per source, the match weights of the scored
//! links with a threshold slider (the worker re-clusters from the kept links, so the counts
//! follow the slider without a refit), the links nearest the threshold for a person to accept
//! or split (kept, applied on every re-clustering, never retraining anything), the households of
//! several customers, the identifiers several people use, the links held back and how the model
//! was trained (with a notice when it was not trusted), a searchable customer list, and a
//! customer's 360 at `#customers/<id>`: their household and shared identifiers, their records by
//! source, the waterfall of every link that joined them, their orders, texts and events.
//!
//! As in the other views the worker computes; the view holds only the search text, the slider's
//! position while it is dragged, and how many customers are listed.

use converge_core::identity::CustomerId;
use converge_wasm::protocol::{
    probability_of_weight, weight_of_probability, Activity, Customer360, CustomerPage,
    CustomersOverview, LinkStatus, MatchWeightHistogram, ReviewLink,
};
use yew::prelude::*;

use crate::components::{
    probability_text, shared_phrase, used_by, HouseholdCard, HouseholdEvidence, JobList,
    SharedIdentifiers, Waterfall,
};
use crate::format;
use crate::state::{JobKind, View};
use crate::worker::use_worker;

/// The threshold of a first convergence (the resolution's default).
const DEFAULT_THRESHOLD: f64 = 0.7;
/// Customers listed at first, and added by "Show more".
const LIST_STEP: u64 = 25;
/// Links of one customer drawn as waterfalls at first.
const WATERFALLS_SHOWN: usize = 3;

#[function_component(CustomersView)]
pub fn customers_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let search = use_state_eq(String::new);
    let n_listed = use_state_eq(|| LIST_STEP);
    // The datasets a convergence was started for, so entering the view starts one only once.
    let started_for = use_state_eq(Vec::<u32>::new);
    // The customer named by the address; the app root re-renders only when the view changes,
    // so the view follows `#customers/<id>` itself.
    let selected = use_state_eq(selected_customer);
    {
        let selected = selected.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|window| {
                gloo_events::EventListener::new(&window, "hashchange", move |_| {
                    selected.set(selected_customer())
                })
            });
            move || drop(listener)
        });
    }
    let selected = *selected;
    let converging = state.job(&JobKind::Converge).is_some();
    let overview = state.customers.clone();
    let held: Vec<u32> = state.datasets.iter().map(|d| d.id.0).collect();

    // Converge on arrival when there is data and no result yet.
    {
        let worker = context.worker.clone();
        let started_for = started_for.clone();
        let needed = overview.is_none() && !converging && !held.is_empty();
        use_effect_with((needed, held.clone()), move |(needed, held)| {
            if *needed && *started_for != *held {
                started_for.set(held.clone());
                worker.converge(DEFAULT_THRESHOLD);
            }
        });
    }
    // The list follows the search, the overview (a new threshold or ruling) and "Show more".
    {
        let worker = context.worker.clone();
        let threshold = overview.as_ref().map(|o| o.threshold.to_bits());
        let n_customers = overview.as_ref().map(|o| o.n_customers);
        let review = overview.as_ref().map(|o| o.review.clone());
        use_effect_with(
            ((*search).clone(), *n_listed, threshold, n_customers, review),
            move |(search, n_listed, threshold, _, _)| {
                if threshold.is_some() {
                    worker.customer_list(search.clone(), 0, *n_listed);
                }
            },
        );
    }
    {
        let worker = context.worker.clone();
        let have = state.customer_360.as_ref().map(|c| c.id);
        let ready = overview.is_some();
        use_effect_with((selected, have, ready), move |(selected, have, ready)| {
            if let (Some(id), true) = (selected, ready) {
                if *have != Some(*id) {
                    worker.customer_360(*id);
                }
            }
        });
    }

    let header = html! {
        <div class="view-header">
            <div>
                <h1 id="customers-title">{ "Customers" }</h1>
                <p class="muted">{ "One customer across every source: records that share an email, phone, handle or customer id are linked outright, the rest are scored field by field, and every link says why. Resolved in this tab; nothing leaves it." }</p>
            </div>
            if overview.is_some() {
                <div class="view-actions">
                    <button class="button subtle" data-testid="converge-again" disabled={converging} onclick={{
                        let worker = context.worker.clone();
                        let threshold = overview.as_ref().map_or(DEFAULT_THRESHOLD, |o| o.threshold);
                        Callback::from(move |_: MouseEvent| worker.converge(threshold))
                    }}>{ "Converge again" }</button>
                </div>
            }
        </div>
    };

    if state.datasets.is_empty() {
        return html! {
            <section class="view" aria-labelledby="customers-title">
                { header }
                <div class="card empty-state" data-testid="customers-empty">
                    <h2>{ "No data yet" }</h2>
                    <p>{ "Load the demo company or add your exports — a CRM, orders, reviews, tickets — in the Data view. Converge then finds the customers they share." }</p>
                    <a class="button primary" href={View::Data.hash()}>{ "Go to Data" }</a>
                </div>
            </section>
        };
    }
    let Some(overview) = overview else {
        return html! {
            <section class="view" aria-labelledby="customers-title">
                { header }
                <JobList />
                <div class="card empty-state" data-testid="customers-waiting">
                    if converging {
                        <p>{ "Converging the records of every loaded table into customers…" }</p>
                    } else {
                        <p>{ "Find the customers your tables share." }</p>
                        <button class="button primary" data-testid="converge" onclick={{
                            let worker = context.worker.clone();
                            Callback::from(move |_: MouseEvent| worker.converge(DEFAULT_THRESHOLD))
                        }}>{ "Converge customers" }</button>
                    }
                </div>
            </section>
        };
    };

    html! {
        <section class="view" aria-labelledby="customers-title" data-testid="customers-view">
            { header }
            <JobList />
            { model_notice(&overview) }
            { figures(&overview) }
            <div class="two-columns">
                <div class="card">
                    <h2>{ "Before and after, by source" }</h2>
                    { sources_table(&overview) }
                </div>
                <div class="card">
                    <h2>{ "How sure the links are" }</h2>
                    <ThresholdChart overview={overview.clone()} />
                </div>
            </div>
            { findings(&overview) }
            if let Some(id) = selected {
                { customer_panel(id, state.customer_360.as_deref()) }
            }
            <div class="card">
                <div class="card-header">
                    <h2>{ "Find a customer" }</h2>
                    if let Some(page) = &state.customer_page {
                        <span class="muted">{ format!("{} of {} customers", format::count(page.customers.len() as u64), format::count(page.n_total)) }</span>
                    }
                </div>
                <label class="field">
                    <span class="visually-hidden">{ "Search customers" }</span>
                    <input type="search" data-testid="customer-search" placeholder="Name, email, phone, handle or id"
                           value={(*search).clone()} oninput={{
                        let search = search.clone();
                        let n_listed = n_listed.clone();
                        Callback::from(move |event: InputEvent| {
                            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                                n_listed.set(LIST_STEP);
                                search.set(input.value());
                            }
                        })
                    }} />
                </label>
                { customer_list(state.customer_page.as_deref(), &search, &n_listed) }
            </div>
            <ReviewCard overview={overview.clone()} />
        </section>
    }
}

/// The customer named by the address (`#customers/<id>`).
fn selected_customer() -> Option<CustomerId> {
    let hash = web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default();
    hash.trim_start_matches('#')
        .strip_prefix("customers/")
        .and_then(|id| id.parse().ok())
        .map(CustomerId)
}

fn figures(overview: &CustomersOverview) -> Html {
    let merged = overview.n_records.saturating_sub(overview.n_customers);
    html! {
        <div class="figures" data-testid="customers-summary" data-threshold={overview.threshold.to_string()}>
            <div class="figure card">
                <span class="figure-label">{ "Records" }</span>
                <span class="figure-value" data-testid="n-records">{ format::count(overview.n_records) }</span>
                <span class="muted small">{ format!("in {} source{}", overview.sources.len(), if overview.sources.len() == 1 { "" } else { "s" }) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Customers" }</span>
                <span class="figure-value" data-testid="n-customers">{ format::count(overview.n_customers) }</span>
                <span class="muted small">{ format!("{} records merged", format::count(merged)) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "In two sources or more" }</span>
                <span class="figure-value">{ format::count(overview.n_customers_multi_source) }</span>
                <span class="muted small">{ "customers seen by several systems" }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Links" }</span>
                <span class="figure-value">{ format::count(overview.n_identifier_links + overview.n_scored_links) }</span>
                <span class="muted small">{ format!("{} on a shared identifier, {} scored, {} held back", format::count(overview.n_identifier_links), format::count(overview.n_scored_links), format::count(overview.n_held_back)) }</span>
            </div>
        </div>
    }
}

/// When the match model was not trusted, the page says so before any figure.
fn model_notice(overview: &CustomersOverview) -> Html {
    let Some(why) = &overview.model_not_trusted else {
        return Html::default();
    };
    html! {
        <div class="notice warning" role="status" data-testid="model-not-trusted">
            <div>
                <p class="notice-title">{ "The match model was not trusted, so only exact identifiers linked records" }</p>
                <p class="small">{ format!("Why: {why}. Records that share an e-mail, phone, handle or customer id of one person are linked; no scored link was applied. Check that names, addresses and birth dates are mapped in the Data view.") }</p>
            </div>
        </div>
    }
}

/// Households, shared identifiers, held-back links and the model's training, side by side.
fn findings(overview: &CustomersOverview) -> Html {
    let n_households = overview.n_shared_households;
    let by_field = overview
        .shared_identifiers_by_field
        .iter()
        .map(|(field, n)| {
            format!(
                "{} {field}{}",
                format::count(*n),
                if *n == 1 { "" } else { "s" }
            )
        })
        .collect::<Vec<_>>();
    html! {
        <div class="three-columns">
            <div class="card" data-testid="households-overview">
                <h2>{ "Households" }</h2>
                if n_households == 0 {
                    <p class="muted">{ "No customers share an address, a landline or a family e-mail." }</p>
                } else {
                    <p>
                        <span class="figure-value small-value" data-testid="n-households">{ format::count(n_households) }</span>
                        { format!(" households of several customers ({} customers live in them).", format::count(overview.n_customers_in_shared_households)) }
                    </p>
                    <p class="muted small">{ "People who share an address, a landline or a family e-mail stay separate customers and are grouped here: one mailer per household." }</p>
                    <ul class="household-examples">
                        { for overview.household_examples.iter().map(|household| html! {
                            <li data-testid="household-example" data-household={household.id.to_string()}>
                                { for household.members.iter().enumerate().map(|(idx, member)| html! {
                                    <>
                                        if idx > 0 { { ", " } }
                                        <a href={format!("#customers/{}", member.id.0)} data-testid="household-example-member">
                                            { member.name.clone().unwrap_or_else(|| format!("customer {}", member.id.0)) }
                                        </a>
                                    </>
                                }) }
                                <div class="muted small cell-wrap" data-testid="household-example-shared">{ format!("share {}", shared_phrase(&household.shared)) }</div>
                            </li>
                        }) }
                    </ul>
                }
            </div>
            <div class="card" data-testid="shared-identifiers-overview">
                <h2>{ "Shared identifiers" }</h2>
                if by_field.is_empty() {
                    <p class="muted">{ "Every e-mail, phone, handle and customer id belongs to one person." }</p>
                } else {
                    <p>{ format!("{} used by several people: weighed as evidence, never linked on outright.", by_field.join(", ")) }</p>
                    <ul class="shared-identifiers">
                        { for overview.widest_shared_identifiers.iter().map(|shared| html! {
                            <li>
                                <span class="shared-field">{ shared.field.clone() }</span>
                                <span class="mono">{ shared.shown.clone() }</span>
                                <span class="muted small">{ used_by(shared.n_people, shared.n_records) }</span>
                            </li>
                        }) }
                    </ul>
                }
            </div>
            <div class="card" data-testid="model-health">
                <h2>{ "The model" }</h2>
                <ul class="plain-list small">
                    { for overview.model_health.iter().map(|line| html! { <li>{ line.clone() }</li> }) }
                </ul>
                <h3 class="small-heading">{ format!("Links held back ({})", format::count(overview.n_held_back)) }</h3>
                if overview.held_back_by_reason.is_empty() {
                    <p class="muted small">{ "None: every link at or above the threshold was applied." }</p>
                } else {
                    <ul class="plain-list small" data-testid="held-back">
                        { for overview.held_back_by_reason.iter().map(|(reason, n)| html! {
                            <li>{ format!("{} for {reason}", format::count(*n)) }</li>
                        }) }
                    </ul>
                }
            </div>
        </div>
    }
}

fn sources_table(overview: &CustomersOverview) -> Html {
    html! {
        <>
            <div class="table-scroll">
                <table class="grid" data-testid="customer-sources">
                    <thead><tr>
                        <th scope="col">{ "Source" }</th>
                        <th scope="col">{ "Holds" }</th>
                        <th scope="col" class="number">{ "Records" }</th>
                        <th scope="col" class="number">{ "Customers" }</th>
                    </tr></thead>
                    <tbody>
                        { for overview.sources.iter().map(|source| html! {
                            <tr>
                                <td>
                                    { source.name.clone() }
                                    <div class="muted small cell-wrap">{ format!("compared on {}", source.identity_columns.join(", ")) }</div>
                                </td>
                                <td>{ source.role.label() }</td>
                                <td class="number">{ format::count(source.n_records) }</td>
                                <td class="number">{ format::count(source.n_customers) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if !overview.skipped.is_empty() {
                <p class="muted small">{ format!("Left out, with no column that identifies people: {}.", overview.skipped.join(", ")) }</p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ThresholdProps {
    overview: std::rc::Rc<CustomersOverview>,
}

const CHART_WIDTH: f64 = 420.0;
const CHART_HEIGHT: f64 = 120.0;

/// The match weights of the scored links, with the threshold as a line and a slider under it.
#[function_component(ThresholdChart)]
fn threshold_chart(props: &ThresholdProps) -> Html {
    let context = use_worker();
    let overview = &props.overview;
    let MatchWeightHistogram {
        from_bits,
        to_bits,
        counts,
    } = &overview.histogram;
    let (from_bits, to_bits) = (*from_bits, (*to_bits).max(*from_bits + 1.0));
    let applied_bits = weight_of_probability(overview.threshold).clamp(from_bits, to_bits);
    // The slider's position while dragged; the worker's threshold otherwise.
    let dragged = use_state_eq(|| None::<f64>);
    {
        let dragged = dragged.clone();
        use_effect_with(overview.threshold.to_bits(), move |_| dragged.set(None));
    }
    let bits = dragged.unwrap_or(applied_bits);
    let tallest = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_width = CHART_WIDTH / counts.len().max(1) as f64;
    let x_of = |w: f64| (w - from_bits) / (to_bits - from_bits) * CHART_WIDTH;
    let n_links: u64 = counts.iter().sum();
    let n_above: u64 = counts
        .iter()
        .enumerate()
        .filter(|(idx, _)| {
            from_bits + (*idx as f64 + 0.5) * (to_bits - from_bits) / counts.len().max(1) as f64
                >= bits
        })
        .map(|(_, count)| *count)
        .sum();
    let caption = format!(
        "{} scored links by match weight, from {:.0} bits (probability {}) to {:.0} bits and more. Links right of the line (about {}) are applied; links on a shared identifier are not drawn, they always apply.",
        format::count(n_links),
        from_bits,
        probability_text(probability_of_weight(from_bits)),
        to_bits,
        format::count(n_above),
    );
    let on_input = {
        let dragged = dragged.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                dragged.set(input.value().parse().ok());
            }
        })
    };
    let on_change = {
        let worker = context.worker.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(bits) = input.value().parse::<f64>() {
                    let probability = probability_of_weight(bits);
                    if probability > 0.0 && probability < 1.0 {
                        worker.set_match_threshold(probability);
                    }
                }
            }
        })
    };
    html! {
        <>
            <figure class="chart match-histogram" data-testid="match-histogram">
                <svg viewBox={format!("0 0 {CHART_WIDTH} {}", CHART_HEIGHT + 16.0)} role="img" aria-label={caption.clone()}>
                    { for counts.iter().enumerate().map(|(idx, count)| {
                        let height = if *count == 0 { 0.0 } else { (((*count as f64).ln_1p() / tallest.ln_1p()) * CHART_HEIGHT).max(2.0) };
                        let left = idx as f64 * bar_width;
                        let above = from_bits + (idx as f64 + 0.5) * (to_bits - from_bits) / counts.len().max(1) as f64 >= bits;
                        html! {
                            <rect class={if above { "applied" } else { "not-applied" }}
                                  x={format!("{left:.1}")} y={format!("{:.1}", CHART_HEIGHT - height)}
                                  width={format!("{:.1}", (bar_width - 1.0).max(0.5))} height={format!("{height:.1}")}>
                                <title>{ format!("{} links", format::count(*count)) }</title>
                            </rect>
                        }
                    }) }
                    <line class="threshold-line" x1={format!("{:.1}", x_of(bits))} x2={format!("{:.1}", x_of(bits))} y1="0" y2={CHART_HEIGHT.to_string()} />
                    <text class="tick" x="0" y={format!("{}", CHART_HEIGHT + 13.0)}>{ format!("{from_bits:.0} bits") }</text>
                    <text class="tick" x={CHART_WIDTH.to_string()} y={format!("{}", CHART_HEIGHT + 13.0)} text-anchor="end">{ format!("{to_bits:.0}+ bits") }</text>
                </svg>
                <figcaption class="muted">{ caption }{ " Bar heights are on a log scale." }</figcaption>
            </figure>
            <label class="field threshold">
                <span>{ format!("Match threshold: probability {} ({bits:.1} bits)", probability_text(probability_of_weight(bits))) }</span>
                <input type="range" data-testid="threshold" min={format!("{from_bits:.1}")} max={format!("{to_bits:.1}")} step="0.5"
                       value={format!("{bits:.1}")} oninput={on_input} onchange={on_change}
                       aria-valuetext={probability_text(probability_of_weight(bits))} />
            </label>
        </>
    }
}

fn customer_list(
    page: Option<&CustomerPage>,
    search: &UseStateHandle<String>,
    n_listed: &UseStateHandle<u64>,
) -> Html {
    let Some(page) = page else {
        return html! { <p class="muted">{ "Listing customers…" }</p> };
    };
    if page.customers.is_empty() {
        return html! {
            <p class="muted" data-testid="no-customers">{ format!("No customer has “{}” in a name, email, phone, handle or id. Try part of it.", search.as_str()) }</p>
        };
    }
    html! {
        <>
            <div class="table-scroll">
                <table class="grid" data-testid="customer-list">
                    <thead><tr>
                        <th scope="col">{ "Customer" }</th>
                        <th scope="col">{ "Email" }</th>
                        <th scope="col" class="number">{ "Records" }</th>
                        <th scope="col">{ "Sources" }</th>
                        <th scope="col" class="number">{ "Weakest link" }</th>
                    </tr></thead>
                    <tbody>
                        { for page.customers.iter().map(|row| html! {
                            <tr key={row.id.0}>
                                <td><a href={format!("#customers/{}", row.id.0)} data-testid="customer-link">
                                    { row.name.clone().unwrap_or_else(|| format!("Customer {}", row.id.0)) }
                                </a></td>
                                <td>{ row.email.clone().unwrap_or_default() }</td>
                                <td class="number">{ format::count(row.n_records) }</td>
                                <td class="small">{ row.sources.join(", ") }</td>
                                <td class="number">{ row.weakest_link.map(probability_text).unwrap_or_else(|| "—".into()) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            if (page.customers.len() as u64) < page.n_total && **n_listed < converge_wasm::service::MAX_CUSTOMER_LIST_PAGE {
                <button class="button subtle" onclick={{
                    let n_listed = n_listed.clone();
                    Callback::from(move |_: MouseEvent| n_listed.set(*n_listed + LIST_STEP))
                }}>{ "Show more" }</button>
            }
        </>
    }
}

fn customer_panel(id: CustomerId, customer: Option<&Customer360>) -> Html {
    let Some(customer) = customer.filter(|c| c.id == id) else {
        return html! { <div class="card"><p class="muted">{ format!("Gathering customer {}…", id.0) }</p></div> };
    };
    html! {
        <div class="card customer-360" data-testid="customer-360">
            <div class="card-header">
                <h2>{ customer.name.clone().unwrap_or_else(|| format!("Customer {}", customer.id.0)) }</h2>
                <a class="button subtle small" href={View::Customers.hash()}>{ "Close" }</a>
            </div>
            <p class="muted small">{ format!("Customer {} · {} records in {} sources · {} links", customer.id.0, format::count(customer.sources.iter().map(|s| s.n_records).sum()), customer.sources.len(), format::count(customer.n_links)) }</p>
            if !customer.values.is_empty() {
                <h3>{ "Best values" }</h3>
                <table class="grid" data-testid="best-values">
                    <thead><tr><th scope="col">{ "Field" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "From" }</th></tr></thead>
                    <tbody>
                        { for customer.values.iter().map(|v| html! {
                            <tr>
                                <td>{ v.field.clone() }</td>
                                <td>{ v.value.clone() }</td>
                                <td class="muted small">{ format!("{} · {} · row {}", v.source, v.column, v.row) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <div class="two-columns">
                <HouseholdCard household={customer.household.clone()} />
                <SharedIdentifiers identifiers={customer.shared_identifiers.clone()} />
            </div>
            <HouseholdEvidence household={customer.household.clone()} evidence={customer.household_evidence.clone()} />
            <h3>{ "Records by source" }</h3>
            <div class="source-records">
                { for customer.sources.iter().map(|source| html! {
                    <div class="source-record" data-testid="source-records">
                        <h4>{ format!("{} ({}) · {}", source.source, source.role.label(), format::count(source.n_records)) }</h4>
                        <ul>
                            { for source.records.iter().take(5).map(|record| html! {
                                <li class="small">
                                    <span class="muted">{ format!("row {}: ", record.row) }</span>
                                    { record.values.iter().map(|(column, _, value)| format!("{column} {value}")).collect::<Vec<_>>().join(" · ") }
                                </li>
                            }) }
                            if source.n_records > 5 {
                                <li class="muted small">{ format!("and {} more", format::count(source.n_records - 5)) }</li>
                            }
                        </ul>
                    </div>
                }) }
            </div>
            <h3>{ "Why these records are one customer" }</h3>
            if customer.links.is_empty() {
                <p class="muted">{ "A single record: nothing linked to it." }</p>
            }
            { for customer.links.iter().take(WATERFALLS_SHOWN).map(|link| html! {
                <div class="link-evidence">
                    <p class="small">{ format!("{} row {} ({}) ↔ {} row {} ({})", link.left.source, link.left.row, link.left.label, link.right.source, link.right.row, link.right.label) }</p>
                    <Waterfall evidence={link.evidence.clone()} />
                </div>
            }) }
            if customer.links.len() > WATERFALLS_SHOWN {
                <details>
                    <summary>{ format!("The other {} links", customer.links.len() - WATERFALLS_SHOWN) }</summary>
                    <ul class="small">
                        { for customer.links.iter().skip(WATERFALLS_SHOWN).map(|link| html! {
                            <li>{ format!("{} row {} ↔ {} row {}: {:+.1} bits, probability {}", link.left.source, link.left.row, link.right.source, link.right.row, link.evidence.total_weight_bits, probability_text(link.evidence.match_probability)) }</li>
                        }) }
                    </ul>
                </details>
            }
            <div class="two-columns">
                <div>
                    <h3>{ format!("Orders ({})", format::count(customer.n_orders)) }</h3>
                    { activities(&customer.orders, "No orders.", "orders") }
                </div>
                <div>
                    <h3>{ format!("Events ({}), newest first", format::count(customer.n_events)) }</h3>
                    { activities(&customer.events, "No events.", "events") }
                </div>
            </div>
            <h3>{ format!("What they wrote ({})", format::count(customer.n_texts)) }</h3>
            if customer.texts.is_empty() {
                <p class="muted">{ "No texts." }</p>
            } else {
                <ul class="verbatims" data-testid="customer-texts">
                    { for customer.texts.iter().map(|text| {
                        let (class, label) = match text.compound {
                            Some(c) if c >= 0.05 => ("positive", format!("positive {c:+.2}")),
                            Some(c) if c <= -0.05 => ("negative", format!("negative {c:+.2}")),
                            Some(c) => ("neutral", format!("neutral {c:+.2}")),
                            None => ("neutral", "not scored".to_owned()),
                        };
                        html! {
                            <li class="verbatim">
                                <div class="verbatim-meta small muted">
                                    <span class={classes!("badge", class)}>{ label }</span>
                                    { format!(" {} · {}{}", text.source, text.when.clone().unwrap_or_default(), text.channel.as_ref().map(|c| format!(" · {c}")).unwrap_or_default()) }
                                </div>
                                <p class="verbatim-text">{ text.text.clone() }</p>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

fn activities(items: &[Activity], empty: &'static str, testid: &'static str) -> Html {
    if items.is_empty() {
        return html! { <p class="muted">{ empty }</p> };
    }
    html! {
        <ol class="timeline" data-testid={format!("customer-{testid}")}>
            { for items.iter().take(30).map(|item| html! {
                <li class="small">
                    <span class="mono">{ item.when.clone().unwrap_or_else(|| "undated".into()) }</span>
                    { " " }
                    <span class="muted">{ format!("{} row {}", item.source, item.row) }</span>
                    <br />
                    { item.details.iter().map(|(column, value)| format!("{column}: {value}")).collect::<Vec<_>>().join(" · ") }
                </li>
            }) }
        </ol>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewProps {
    overview: std::rc::Rc<CustomersOverview>,
}

/// The weakest links applied and the strongest pairs left apart, with Accept and Split.
#[function_component(ReviewCard)]
fn review_card(props: &ReviewProps) -> Html {
    let context = use_worker();
    let review = &props.overview.review;
    let rule = |link: &ReviewLink, same: Option<bool>| {
        let worker = context.worker.clone();
        let (left, right) = (link.left.record, link.right.record);
        Callback::from(move |_: MouseEvent| worker.review_link(left, right, same))
    };
    html! {
        <div class="card" data-testid="review">
            <h2>{ "Links to review" }</h2>
            <p class="muted small">{ "The weakest links applied and the strongest pairs left apart: where the model is least sure, a person knows best. Accept keeps two records together at any threshold; Split keeps this link out. Your rulings are kept and applied whenever the customers are re-clustered; nothing is retrained." }</p>
            if review.is_empty() {
                <p class="muted">{ "No scored links to review: every link rests on a shared identifier." }</p>
            } else {
                <div class="table-scroll">
                    <table class="grid">
                        <thead><tr>
                            <th scope="col">{ "One record" }</th>
                            <th scope="col">{ "The other" }</th>
                            <th scope="col" class="number">{ "Probability" }</th>
                            <th scope="col">{ "Now" }</th>
                            <th scope="col">{ "Your ruling" }</th>
                        </tr></thead>
                        <tbody>
                            { for review.iter().take(40).map(|link| html! {
                                <tr data-testid="review-link" data-status={match link.status {
                                    LinkStatus::Together => "together",
                                    LinkStatus::HeldBack => "held-back",
                                    LinkStatus::Apart => "apart",
                                }}>
                                    <td class="small"><div class="cell-wrap">{ format!("{} · {} row {}", link.left.label, link.left.source, link.left.row) }</div></td>
                                    <td class="small"><div class="cell-wrap">{ format!("{} · {} row {}", link.right.label, link.right.source, link.right.row) }</div></td>
                                    <td class="number">{ probability_text(link.match_probability) }</td>
                                    <td class="small">
                                        <a href={format!("#customers/{}", link.customer.0)}>{ match link.status {
                                            LinkStatus::Together => "one customer",
                                            LinkStatus::HeldBack => "held back",
                                            LinkStatus::Apart => "two customers",
                                        } }</a>
                                    </td>
                                    <td class="review-actions">
                                        { match link.decision {
                                            Some(same) => html! {
                                                <>
                                                    <span class="small">{ if same { "Accepted " } else { "Split " } }</span>
                                                    <button class="button subtle small" onclick={rule(link, None)}>{ "Undo" }</button>
                                                    <button class="button subtle small" data-testid={if same { "split-link" } else { "accept-link" }} onclick={rule(link, Some(!same))}>{ if same { "Split" } else { "Accept" } }</button>
                                                </>
                                            },
                                            None => html! {
                                                <>
                                                    <button class="button subtle small" data-testid="accept-link" onclick={rule(link, Some(true))}>{ "Accept" }</button>
                                                    <button class="button subtle small" data-testid="split-link" onclick={rule(link, Some(false))}>{ "Split" }</button>
                                                </>
                                            },
                                        } }
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </div>
    }
}
