//! The Network view: who talks about whom in the customers' posts, who is listened to, who
//! speaks for or against the brand, and which groups form, with what they talk about. A table
//! that is edges already (an edge list, or referrals in orders) is mapped the same way, without
//! the sentiment and terms that only texts give.
//!
//! The view holds only its choices (dataset, filter, colouring, the handle picked); the worker
//! builds the mention graph, ranks and groups it, and lays it out, streaming positions so the
//! graph settles visibly. A picked handle shows its details and latest posts beside the graph,
//! and, once customers are converged, a link to its customer 360.

use std::rc::Rc;

use converge_core::network::{detect_edge_list, EdgeKind};
use converge_core::schema::Field;
use converge_core::table::{day_of_text, day_text};
use converge_core::terms::DistinctiveTerm;
use converge_wasm::protocol::{
    CommunitySummary, CommunityTerms, DatasetId, DatasetSummary, NetworkFilter, NetworkNode,
    NetworkPerson, NetworkReport,
};
use yew::prelude::*;

use crate::components::{community_slot, ColourBy, DatasetPicker, JobList, NetworkCanvas};
use crate::format;
use crate::state::{Layout, View};
use crate::worker::use_worker;

/// Communities listed at first, and added by each "Show more".
const COMMUNITIES_PAGE: usize = 8;

/// Whether a dataset reads as posts: customer text with an author's handle.
fn has_posts(dataset: &DatasetSummary) -> bool {
    dataset.schema.text_column().is_some()
        && dataset
            .schema
            .fields
            .iter()
            .any(|guess| guess.field == Some(Field::Handle))
}

/// Whether a dataset is edges already (an edge list, or referrals), to be mapped as it is: the
/// worker reads it so when it does not read as posts.
fn has_edges(dataset: &DatasetSummary) -> bool {
    !has_posts(dataset) && detect_edge_list(&dataset.schema).is_some()
}

#[function_component(NetworkView)]
pub fn network_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let chosen = use_state_eq(|| None::<DatasetId>);
    let filter = use_state_eq(NetworkFilter::default);
    let colour_by = use_state_eq(|| ColourBy::Community);
    let selected = use_state_eq(|| None::<String>);
    let centre_request = use_state_eq(|| 0u32);
    let search = use_state_eq(String::new);
    let search_miss = use_state_eq(|| None::<String>);
    let communities_shown = use_state_eq(|| COMMUNITIES_PAGE);

    let with_posts: Vec<&DatasetSummary> = state
        .datasets
        .iter()
        .filter(|d| has_posts(d) || has_edges(d))
        .collect();
    let dataset = chosen
        .and_then(|id| with_posts.iter().find(|dataset| dataset.id == id))
        .or_else(|| with_posts.iter().max_by_key(|dataset| dataset.n_rows))
        .copied()
        .cloned();
    let dataset_id = dataset.as_ref().map(|dataset| dataset.id);
    let edges = dataset.as_ref().is_some_and(has_edges);
    let scored = dataset
        .as_ref()
        .is_some_and(|dataset| dataset.sentiment.is_some() || has_edges(dataset));
    let report = state
        .network
        .clone()
        .filter(|report| Some(report.dataset) == dataset_id && report.filter == *filter);

    // Ask for the network whenever the dataset, its scores or the filter change.
    {
        let worker = context.worker.clone();
        let name = dataset.as_ref().map(|d| d.name.clone()).unwrap_or_default();
        let overview = dataset.as_ref().and_then(|d| d.sentiment.clone());
        use_effect_with(
            (dataset_id, (*filter).clone(), overview, edges),
            move |(dataset_id, filter, overview, edges)| {
                if let Some(dataset) = dataset_id.filter(|_| overview.is_some() || *edges) {
                    worker.network(dataset, name, filter.clone());
                }
            },
        );
    }
    // Lay out each new report (cancelling the layout of the one before).
    {
        let worker = context.worker.clone();
        let previous = state.layout.as_ref().map(|layout| layout.request);
        use_effect_with(report.clone(), move |report| {
            if let Some(report) = report {
                if let Some(previous) = previous {
                    worker.cancel(previous);
                }
                if !report.nodes.is_empty() {
                    worker.layout(report);
                }
            }
        });
    }
    // Another network lists its communities from the top again.
    {
        let communities_shown = communities_shown.clone();
        use_effect_with((dataset_id, (*filter).clone()), move |_| {
            communities_shown.set(COMMUNITIES_PAGE)
        });
    }
    // The terms of the communities on show that the report does not carry, asked for once.
    {
        let worker = context.worker.clone();
        let missing: Vec<u32> = report
            .as_ref()
            .map(|report| {
                report
                    .communities
                    .iter()
                    .take(*communities_shown)
                    .filter(|c| held_terms(report, &state.community_terms, c).is_none())
                    .map(|c| c.id)
                    .collect()
            })
            .unwrap_or_default();
        use_effect_with(
            (dataset_id, (*filter).clone(), missing),
            move |(dataset_id, filter, missing)| {
                if let Some(dataset) = dataset_id {
                    for chunk in missing.chunks(COMMUNITIES_PAGE) {
                        worker.community_terms(*dataset, filter.clone(), chunk.to_vec());
                    }
                }
            },
        );
    }
    // The picked handle's latest posts.
    {
        let worker = context.worker.clone();
        use_effect_with(
            (dataset_id, (*selected).clone(), (*filter).clone(), edges),
            move |(dataset_id, selected, filter, edges)| {
                // Edges carry no posts to show.
                if let (Some(dataset), Some(handle), false) = (dataset_id, selected, *edges) {
                    worker.handle_posts(*dataset, handle.clone(), filter.clone());
                }
            },
        );
    }

    let header = html! {
        <div class="view-header">
            <div>
                <h1 id="network-title">{ "Network" }</h1>
                <p class="muted">{ "Who talks about whom: the @mentions and replies in your customers' posts (or an edge list, or the referrals in your orders), who is listened to, who speaks for or against you, and the groups they form." }</p>
            </div>
            <DatasetPicker label="Network from" testid="network-dataset"
                           candidates={with_posts.iter().map(|d| (*d).clone()).collect::<Vec<_>>()}
                           selected={dataset_id} on_pick={{
                let chosen = chosen.clone();
                let filter = filter.clone();
                let selected = selected.clone();
                Callback::from(move |picked: Option<DatasetId>| {
                    chosen.set(picked);
                    filter.set(NetworkFilter::default());
                    selected.set(None);
                })
            }} />
        </div>
    };

    let Some(dataset) = dataset else {
        let message = if state.datasets.is_empty() {
            "Load the demo company, or add an export of social posts (who wrote each post, and its text with @mentions), an edge list (source and target columns, optional weight and time) or orders with a referred-by column, in the Data view."
        } else {
            "None of the loaded tables reads as posts or edges. In the Data view, mark the column that says who wrote each post as “Social handle” and the column of post text as “Text”, or add an edge list with columns named source and target."
        };
        return html! {
            <section class="view" aria-labelledby="network-title">
                { header }
                <div class="card empty-state" data-testid="network-empty">
                    <h2>{ "No posts to map yet" }</h2>
                    <p>{ message }</p>
                    <a class="button primary" href={View::Data.hash()}>{ "Go to Data" }</a>
                </div>
            </section>
        };
    };
    if !scored {
        return html! {
            <section class="view" aria-labelledby="network-title">
                { header }
                <JobList />
                <div class="card empty-state"><p>{ format!("Scoring the posts of {}…", dataset.name) }</p></div>
            </section>
        };
    }

    let set_filter = {
        let filter = filter.clone();
        let selected = selected.clone();
        Callback::from(move |next: NetworkFilter| {
            selected.set(None);
            filter.set(next);
        })
    };
    let select = {
        let selected = selected.clone();
        Callback::from(move |handle: Option<String>| selected.set(handle))
    };
    let select_and_centre = {
        let selected = selected.clone();
        let centre_request = centre_request.clone();
        Callback::from(move |handle: String| {
            selected.set(Some(handle));
            centre_request.set(centre_request.wrapping_add(1));
        })
    };

    let Some(report) = report else {
        return html! {
            <section class="view" aria-labelledby="network-title" data-testid="network-view">
                { header }
                <JobList />
                <div class="card"><p class="muted">{ "Mapping who talks about whom…" }</p></div>
            </section>
        };
    };
    let layout = state
        .layout
        .as_ref()
        .filter(|layout| layout.dataset == report.dataset && layout.n_nodes == report.nodes.len());
    let on_search = {
        let search = search.clone();
        let report = report.clone();
        let select_and_centre = select_and_centre.clone();
        let search_miss = search_miss.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let wanted = search.trim().trim_start_matches('@').to_lowercase();
            if wanted.is_empty() {
                return;
            }
            let found = report
                .nodes
                .iter()
                .find(|node| node.handle == wanted)
                .or_else(|| {
                    report
                        .nodes
                        .iter()
                        .find(|node| node.handle.contains(&wanted))
                });
            match found {
                Some(node) => {
                    search_miss.set(None);
                    select_and_centre.emit(node.handle.clone());
                }
                None => search_miss.set(Some(wanted)),
            }
        })
    };

    // Edges have no tone to colour by.
    let colour = if report.edges_from.is_some() {
        ColourBy::Community
    } else {
        *colour_by
    };
    html! {
        <section class="view" aria-labelledby="network-title" data-testid="network-view">
            { header }
            <JobList />
            { filter_bar(&filter, &report, &set_filter) }
            { figures(&report) }
            if report.nodes.is_empty() {
                <div class="card empty-state" data-testid="network-none">
                    <h2>{ "Nobody mentions anybody here" }</h2>
                    if report.edges_from.is_some() {
                        <p>{ format!("{} rows pass the filters, but none of them has both a source and a target. Clear a filter, or choose another table.", format::count(report.n_posts)) }</p>
                    } else {
                        <p>{ format!("{} posts pass the filters, but none of them @mentions a handle or replies to another post. Clear a filter, or choose another table of posts.", format::count(report.n_posts)) }</p>
                    }
                </div>
            } else {
                <div class="network-layout">
                    <div class="card network-card">
                        <div class="network-toolbar">
                            <div class="segmented" role="group" aria-label="Colour the handles by">
                                <span class="muted small">{ "Colour by" }</span>
                                { colour_button(ColourBy::Community, "Community", &colour_by) }
                                if report.edges_from.is_none() {
                                    { colour_button(ColourBy::Tone, "Tone", &colour_by) }
                                }
                            </div>
                            <form class="network-search" role="search" onsubmit={on_search}>
                                <label class="field">
                                    <span>{ "Find a handle" }</span>
                                    <input type="search" placeholder="@handle" maxlength="80" data-testid="network-search"
                                           value={(*search).clone()}
                                           oninput={{
                                               let search = search.clone();
                                               Callback::from(move |event: InputEvent| {
                                                   if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                                                       search.set(input.value());
                                                   }
                                               })
                                           }} />
                                </label>
                                <button class="button subtle small" type="submit">{ "Find" }</button>
                            </form>
                        </div>
                        if let Some(missing) = &*search_miss {
                            <p class="muted small" role="status">{ format!("@{missing} is not among the {} handles drawn.", format::count(report.nodes.len() as u64)) }</p>
                        }
                        <NetworkCanvas report={report.clone()}
                                       positions={layout.map(|l| l.positions.clone()).unwrap_or_default()}
                                       colour_by={colour} selected={(*selected).clone()} on_select={select.clone()}
                                       centre_request={*centre_request} label={canvas_label(&report)} />
                        { legend(&report, colour) }
                        <p class="network-caption" data-testid="network-caption">{ caption(&report, layout, colour) }</p>
                    </div>
                    <aside class="network-side">
                        { details(&report, (*selected).as_deref(), state.handle_posts.as_deref(), &select) }
                        if report.edges_from.is_some() {
                            <div class="card" data-testid="no-tone">
                                <h2>{ "Advocates and detractors" }</h2>
                                <p class="muted small">{ "A table of edges carries no texts, so nobody has a tone here. Map a table of posts to see who speaks for or against you." }</p>
                            </div>
                        } else {
                        <div class="card">
                            <h2>{ "Top advocates" }</h2>
                            <p class="muted small">{ "Positive in what they say, and heard far: tone × how many are within two hops of them." }</p>
                            { people(&report.advocates, "advocates", &select_and_centre) }
                        </div>
                        <div class="card">
                            <h2>{ "Top detractors" }</h2>
                            <p class="muted small">{ "Negative in what they say, and heard far." }</p>
                            { people(&report.detractors, "detractors", &select_and_centre) }
                        </div>
                        }
                    </aside>
                </div>
                <div class="card">
                    <h2>{ "Communities" }</h2>
                    if report.edges_from.is_some() {
                        <p class="muted small">{ format!("Groups linked to each other more than chance would have it (Louvain, modularity {:.2}): all {} with more than one member, largest first.", report.modularity, format::count(report.communities.len() as u64)) }</p>
                    } else {
                        <p class="muted small">{ format!("Groups that mention each other more than chance would have it (Louvain, modularity {:.2}): all {} with more than one member, largest first, with how their posts feel and the words that set them apart.", report.modularity, format::count(report.communities.len() as u64)) }</p>
                    }
                    { communities(&report, &state.community_terms, *communities_shown, &select_and_centre) }
                    if report.communities.len() > *communities_shown {
                        <p class="communities-more">
                            <span class="muted small">{ format!("{} of {} shown. ", format::count(*communities_shown as u64), format::count(report.communities.len() as u64)) }</span>
                            <button class="button subtle small" data-testid="communities-more" onclick={{
                                let communities_shown = communities_shown.clone();
                                Callback::from(move |_: MouseEvent| communities_shown.set(*communities_shown + COMMUNITIES_PAGE))
                            }}>{ format!("Show {} more", (report.communities.len() - *communities_shown).min(COMMUNITIES_PAGE)) }</button>
                        </p>
                    }
                </div>
            }
        </section>
    }
}

fn colour_button(
    value: ColourBy,
    label: &'static str,
    colour_by: &UseStateHandle<ColourBy>,
) -> Html {
    let pressed = **colour_by == value;
    let onclick = {
        let colour_by = colour_by.clone();
        Callback::from(move |_: MouseEvent| colour_by.set(value))
    };
    html! {
        <button class={classes!("button", "small", if pressed { "primary" } else { "subtle" })}
                aria-pressed={pressed.to_string()} {onclick}
                data-testid={format!("colour-{}", label.to_lowercase())}>{ label }</button>
    }
}

fn canvas_label(report: &NetworkReport) -> String {
    let top: Vec<String> = report
        .nodes
        .iter()
        .take(5)
        .map(|node| format!("@{}", node.handle))
        .collect();
    let graph = if report.edges_from.is_some() {
        "Graph"
    } else {
        "Mention graph"
    };
    format!(
        "{graph} of {} handles; the most influential are {}.",
        report.nodes.len(),
        top.join(", ")
    )
}

fn caption(report: &NetworkReport, layout: Option<&Layout>, colour_by: ColourBy) -> String {
    let left_out = if report.n_nodes_unlinked > 0 {
        format!(
            " ({} more among the most influential link only to handles not drawn, and are left out.)",
            format::count(report.n_nodes_unlinked)
        )
    } else {
        String::new()
    };
    let shown = if report.nodes.len() as u64 == report.n_nodes_total {
        format!(
            "All {} {} and the {} links between them.",
            format::count(report.n_nodes_total),
            if report.edges_from.is_some() {
                "nodes"
            } else {
                "handles"
            },
            format::count(report.edges.len() as u64)
        )
    } else {
        format!(
            "The {} most influential of {} handles, and the {} links among them.",
            format::count(report.nodes.len() as u64),
            format::count(report.n_nodes_total),
            format::count(report.edges.len() as u64)
        )
    };
    let colour = match colour_by {
        ColourBy::Community => "colour is the community",
        ColourBy::Tone => "colour is the tone of what they say (green positive, red negative, grey neutral or silent)",
    };
    let settling = match layout {
        Some(layout) if layout.settled => String::new(),
        Some(layout) => format!(
            " Settling the layout… {}.",
            format::percent(layout.fraction)
        ),
        None => " Placing the handles…".into(),
    };
    format!(
        "{shown}{left_out} A bigger circle is listened to more (PageRank); {colour}. Drag to move, scroll or use + and − to zoom, and pick a handle for its details.{settling}"
    )
}

fn legend(report: &NetworkReport, colour_by: ColourBy) -> Html {
    match colour_by {
        ColourBy::Community => html! {
            <ul class="network-legend" aria-label="Communities by colour">
                { for report.communities.iter().enumerate().take(8).map(|(slot, community)| html! {
                    <li>
                        <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class={classes!("swatch", format!("c{slot}"))} cx="6" cy="6" r="5" /></svg>
                        { community_name(community) }
                    </li>
                }) }
                <li>
                    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="swatch other" cx="6" cy="6" r="5" /></svg>
                    { "smaller communities" }
                </li>
            </ul>
        },
        ColourBy::Tone => html! {
            <ul class="network-legend" aria-label="Tone by colour">
                <li><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="swatch positive" cx="6" cy="6" r="5" /></svg>{ "positive" }</li>
                <li><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="swatch neutral" cx="6" cy="6" r="5" /></svg>{ "neutral" }</li>
                <li><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="swatch negative" cx="6" cy="6" r="5" /></svg>{ "negative" }</li>
                <li><svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true"><circle class="swatch silent" cx="6" cy="6" r="5" /></svg>{ "mentions no one" }</li>
            </ul>
        },
    }
}

fn community_name(community: &CommunitySummary) -> String {
    match community.leaders.first() {
        Some(leader) => format!("around @{leader}"),
        None => format!("community {}", community.id + 1),
    }
}

fn figures(report: &NetworkReport) -> Html {
    if let Some(kind) = report.edges_from {
        let what = match kind {
            EdgeKind::EdgeList => "edges",
            EdgeKind::Referrals => "referrals",
        };
        return html! {
            <div class="figures" data-testid="network-figures">
                <div class="figure card">
                    <span class="figure-label">{ "Nodes" }</span>
                    <span class="figure-value">{ format::count(report.n_nodes_total) }</span>
                    <span class="muted small">{ format!("from “{}” to “{}”", report.author_column, report.text_column) }</span>
                </div>
                <div class="figure card">
                    <span class="figure-label">{ "Links" }</span>
                    <span class="figure-value">{ format::count(report.n_edges_total) }</span>
                    <span class="muted small">{ format!("{} {what} read (repeats add up)", format::count(report.n_mentions)) }</span>
                </div>
                <div class="figure card">
                    <span class="figure-label">{ "Rows" }</span>
                    <span class="figure-value">{ format::count(report.n_posts) }</span>
                    <span class="muted small" data-testid="network-rows-left-out">
                        if report.n_posts_without_author > 0 {
                            { format!("{} without a source, a target or a valid weight, left out", format::count(report.n_posts_without_author)) }
                        } else {
                            { "every row made an edge" }
                        }
                    </span>
                </div>
                <div class="figure card">
                    <span class="figure-label">{ "Communities" }</span>
                    <span class="figure-value">{ format::count(report.n_communities) }</span>
                    <span class="muted small">{ format!("modularity {:.2}", report.modularity) }</span>
                </div>
            </div>
        };
    }
    html! {
        <div class="figures" data-testid="network-figures">
            <div class="figure card">
                <span class="figure-label">{ "Handles" }</span>
                <span class="figure-value">{ format::count(report.n_nodes_total) }</span>
                <span class="muted small">{ format!("from “{}”", report.author_column) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Links" }</span>
                <span class="figure-value">{ format::count(report.n_edges_total) }</span>
                <span class="muted small">{ format!("{} @mentions, {} replies", format::count(report.n_mentions), format::count(report.n_replies)) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Posts" }</span>
                <span class="figure-value">{ format::count(report.n_posts) }</span>
                <span class="muted small">
                    if report.n_posts_without_author > 0 {
                        { format!("{} without an author, left out", format::count(report.n_posts_without_author)) }
                    } else {
                        { format!("text from “{}”", report.text_column) }
                    }
                </span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Communities" }</span>
                <span class="figure-value">{ format::count(report.n_communities) }</span>
                <span class="muted small">{ format!("modularity {:.2}", report.modularity) }</span>
            </div>
        </div>
    }
}

fn filter_bar(
    filter: &NetworkFilter,
    report: &NetworkReport,
    set_filter: &Callback<NetworkFilter>,
) -> Html {
    let on_channel = {
        let filter = filter.clone();
        let set_filter = set_filter.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let value = select.value();
                set_filter.emit(NetworkFilter {
                    channel: (!value.is_empty()).then_some(value),
                    ..filter.clone()
                });
            }
        })
    };
    let on_day = |from: bool| {
        let filter = filter.clone();
        let set_filter = set_filter.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                let day = day_of_text(&input.value());
                let mut next = filter.clone();
                if from {
                    next.from_day = day;
                } else {
                    next.to_day = day;
                }
                set_filter.emit(next);
            }
        })
    };
    let (min, max) = report
        .day_range
        .map(|(lo, hi)| (day_text(lo), day_text(hi)))
        .unwrap_or_default();
    html! {
        <div class="filter-bar" role="group" aria-label="Filter the posts">
            if report.channel_column.is_some() {
                <label class="field">
                    <span>{ "Channel" }</span>
                    <select onchange={on_channel} data-testid="network-channel">
                        <option value="" selected={filter.channel.is_none()}>{ "All channels" }</option>
                        { for report.channels.iter().map(|name| html! {
                            <option value={name.clone()} selected={filter.channel.as_deref() == Some(name.as_str())}>{ name }</option>
                        }) }
                    </select>
                </label>
            }
            if report.day_range.is_some() {
                <label class="field">
                    <span>{ "From" }</span>
                    <input type="date" min={min.clone()} max={max.clone()} onchange={on_day(true)} data-testid="network-from"
                           value={filter.from_day.map(day_text).unwrap_or_default()} />
                </label>
                <label class="field">
                    <span>{ "To" }</span>
                    <input type="date" min={min} max={max} onchange={on_day(false)} data-testid="network-to"
                           value={filter.to_day.map(day_text).unwrap_or_default()} />
                </label>
            }
            if *filter != NetworkFilter::default() {
                <button class="button subtle small" onclick={{
                    let set_filter = set_filter.clone();
                    Callback::from(move |_: MouseEvent| set_filter.emit(NetworkFilter::default()))
                }}>{ "Clear filters" }</button>
            }
        </div>
    }
}

fn tone_text(tone: Option<f64>) -> String {
    match tone {
        Some(tone) if tone >= 0.05 => format!("positive ({tone:+.2})"),
        Some(tone) if tone <= -0.05 => format!("negative ({tone:+.2})"),
        Some(tone) => format!("neutral ({tone:+.2})"),
        None => "— (mentions no one)".into(),
    }
}

fn people(list: &[NetworkPerson], what: &str, select: &Callback<String>) -> Html {
    if list.is_empty() {
        return html! { <p class="muted">{ format!("No {what} yet: nobody with a clear tone mentions others under these filters.") }</p> };
    }
    html! {
        <ol class="people" data-testid={what.to_owned()}>
            { for list.iter().map(|person| {
                let onclick = {
                    let select = select.clone();
                    let handle = person.handle.clone();
                    Callback::from(move |_: MouseEvent| select.emit(handle.clone()))
                };
                html! {
                    <li>
                        <button class="person-row" {onclick} title={format!("Show @{} in the graph, with its posts", person.handle)}>
                            <span class="person-handle">{ format!("@{}", person.handle) }</span>
                            <span class="person-meta">
                                <span class={classes!("person-tone", if person.tone >= 0.0 { "good" } else { "bad" })} title="Tone: mean sentiment of what they say about others">{ format!("{:+.2}", person.tone) }</span>
                                <span class="muted small" title="Handles within two hops of listening to them">{ format!(" · reach {}", format::count(u64::from(person.reach))) }</span>
                            </span>
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}

/// A community's distinctive terms: from the report, or asked for since; `None` until known.
fn held_terms(
    report: &NetworkReport,
    asked: &[Rc<CommunityTerms>],
    community: &CommunitySummary,
) -> Option<Vec<DistinctiveTerm>> {
    if community.terms_ready {
        return Some(community.terms.clone());
    }
    asked
        .iter()
        .filter(|held| held.dataset == report.dataset && held.filter == report.filter)
        .find_map(|held| {
            held.terms
                .iter()
                .find(|(id, _)| *id == community.id)
                .map(|(_, terms)| terms.clone())
        })
}

fn communities(
    report: &Rc<NetworkReport>,
    asked: &[Rc<CommunityTerms>],
    shown: usize,
    select: &Callback<String>,
) -> Html {
    if report.communities.is_empty() {
        return html! { <p class="muted">{ "No community has more than one member." }</p> };
    }
    html! {
        <ul class="communities" data-testid="communities">
            { for report.communities.iter().take(shown).map(|community| {
                let slot = community_slot(report, community.id);
                let terms_html = match held_terms(report, asked, community) {
                    Some(terms) if !terms.is_empty() => html! {
                        <>
                            <span class="muted small">{ "Talks about:" }</span>
                            { for terms.iter().map(|term| html! {
                                <span class="chip small" title={format!("{} times in its posts, {} in others'", term.n_in_group, term.n_in_rest)}>{ &term.term }</span>
                            }) }
                        </>
                    },
                    Some(_) => Html::default(),
                    None => html! {
                        <span class="muted small" data-testid="community-terms-pending">{ "Finding what it talks about…" }</span>
                    },
                };
                html! {
                    <li class="community">
                        <div class="community-head">
                            <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">
                                <circle class={classes!("swatch", slot.map_or_else(|| "other".to_owned(), |s| format!("c{s}")))} cx="7" cy="7" r="6" />
                            </svg>
                            <span class="community-name">{ community_name(community) }</span>
                            if report.edges_from.is_some() {
                                <span class="muted small">{ format!("{} members · {} edges made", format::count(community.n_members), format::count(community.n_posts)) }</span>
                            } else {
                                <span class="muted small">{ format!("{} members · {} posts", format::count(community.n_members), format::count(community.n_posts)) }</span>
                                <span class={classes!("community-net", if community.net() >= 0.0 { "good" } else { "bad" })}
                                      title="Net sentiment of its posts: % positive − % negative">
                                    { format!("net {:+.0}", community.net()) }
                                </span>
                            }
                        </div>
                        <div class="community-body">
                            <span class="muted small">{ "Leaders:" }</span>
                            { for community.leaders.iter().map(|leader| {
                                let onclick = {
                                    let select = select.clone();
                                    let leader = leader.clone();
                                    Callback::from(move |_: MouseEvent| select.emit(leader.clone()))
                                };
                                html! { <button class="link-button small" {onclick}>{ format!("@{leader}") }</button> }
                            }) }
                            { terms_html }
                        </div>
                    </li>
                }
            }) }
        </ul>
    }
}

fn details(
    report: &NetworkReport,
    selected: Option<&str>,
    posts: Option<&converge_wasm::protocol::HandlePosts>,
    select: &Callback<Option<String>>,
) -> Html {
    let Some(handle) = selected else {
        return html! {
            <div class="card node-details empty" data-testid="node-details-empty">
                <h2>{ "Pick a handle" }</h2>
                <p class="muted small">{ "Click a circle, search a handle or choose one from the lists to see who they are, how far they are heard and what they posted." }</p>
            </div>
        };
    };
    let node: Option<&NetworkNode> = report.nodes.iter().find(|node| node.handle == handle);
    let close = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select.emit(None))
    };
    let community = node.and_then(|node| {
        report
            .communities
            .iter()
            .find(|summary| summary.id == node.community)
    });
    let posts = posts.filter(|posts| {
        posts.handle == handle && posts.dataset == report.dataset && posts.filter == report.filter
    });
    html! {
        <div class="card node-details" data-testid="node-details" data-handle={handle.to_owned()}>
            <div class="card-header">
                <h2>{ format!("@{handle}") }</h2>
                <button class="chip-remove" aria-label="Close the details" onclick={close}>{ "×" }</button>
            </div>
            if let Some(node) = node {
                <dl class="node-facts">
                    <dt>{ "Influence" }</dt>
                    <dd>{ format!("#{} of {} by PageRank ({:.4})", node.rank, format::count(report.n_nodes_total), node.pagerank) }</dd>
                    if report.edges_from.is_some() {
                        <dt>{ "Links" }</dt>
                        <dd>{ format!("{} in, {} out (weighted)", node.in_degree, node.out_degree) }</dd>
                    } else {
                        <dt>{ "Mentioned" }</dt>
                        <dd>{ format!("{} times; mentions others {} times", node.in_degree, node.out_degree) }</dd>
                    }
                    <dt>{ "Community" }</dt>
                    <dd>{ community.map_or_else(|| "a smaller one, not listed".to_owned(), community_name) }</dd>
                    if report.edges_from.is_none() {
                        <dt>{ "Tone" }</dt>
                        <dd>{ tone_text(node.tone) }</dd>
                        <dt>{ "Reach" }</dt>
                        <dd>{ node.reach.map_or_else(|| "—".to_owned(), |reach| format!("{} within two hops", format::count(u64::from(reach)))) }</dd>
                    }
                    if report.edges_from.is_some() {
                        <dt>{ "Rows" }</dt>
                        <dd>{ format!("{} with it as the source", format::count(u64::from(node.n_posts))) }</dd>
                    } else {
                        <dt>{ "Posts" }</dt>
                        <dd>{ format::count(u64::from(node.n_posts)) }</dd>
                    }
                    if let Some(customer) = &node.customer {
                        <dt>{ "Customer" }</dt>
                        <dd data-testid="node-customer">{ customer }</dd>
                    }
                </dl>
            } else {
                <p class="muted small">{ "Not among the handles drawn." }</p>
            }
            if let Some(customer) = node.and_then(|node| node.customer_360) {
                <p><a class="button subtle small" href={format!("#customers/{customer}")} data-testid="node-360">{ "Open their customer 360" }</a></p>
            } else {
                <p class="muted small">{ "Converge the customers (the Customers view) to open this handle's customer 360: its records from every source." }</p>
            }
            if report.edges_from.is_some() {
                <p class="muted small">{ format!("An edge list has no posts to show: this is where “{}” meets “{}”.", report.author_column, report.text_column) }</p>
            } else {
            <h3 class="small">{ match posts {
                Some(posts) if posts.mentioning => format!("Latest posts mentioning @{handle}"),
                _ => "Latest posts".to_owned(),
            } }</h3>
            if let Some(posts) = posts {
                if posts.posts.is_empty() {
                    <p class="muted small">{ "No posts under these filters." }</p>
                } else {
                    <ul class="node-posts" data-testid="node-posts">
                        { for posts.posts.iter().map(|post| html! {
                            <li>
                                <p class="muted small">
                                    { post.day.map(day_text).unwrap_or_default() }
                                    { post.channel.as_ref().map(|c| format!(" · {c}")).unwrap_or_default() }
                                    { if posts.mentioning { format!(" · @{}", post.author) } else { String::new() } }
                                    if let Some(compound) = post.compound {
                                        <span class={classes!("post-score", if compound >= 0.05 { "good" } else if compound <= -0.05 { "bad" } else { "muted" })}>
                                            { format!(" {compound:+.2}") }
                                        </span>
                                    }
                                </p>
                                <p class="post-text">{ &post.text }</p>
                            </li>
                        }) }
                    </ul>
                }
            } else {
                <p class="muted small">{ "Reading the posts…" }</p>
            }
            }
        </div>
    }
}
