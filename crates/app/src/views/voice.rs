//! The Voice of the customer view: how customers feel over time and by channel, what the unhappy
//! and the happy ones talk about, and their own words, each explained.
//!
//! The view holds only the filter; every figure is computed by the worker, which answers a new
//! report whenever the filter, the dataset or its scores change.

use converge_core::sentiment::{GroupSentiment, LexiconEntry, SentimentLabel};
use converge_core::table::{day_of_text, day_text};
use converge_wasm::protocol::{DatasetId, DatasetSummary, VoiceFilter, VoiceReport};
use yew::prelude::*;

use crate::components::{DatasetPicker, JobList, ShareBar, TermBars, TrendChart, VerbatimList};
use crate::format;
use crate::state::View;
use crate::worker::use_worker;

/// Verbatims shown at first, and added by "Show more".
const VERBATIM_STEP: u64 = 25;

#[function_component(VoiceView)]
pub fn voice_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let chosen = use_state_eq(|| None::<DatasetId>);
    let filter = use_state_eq(VoiceFilter::default);
    let n_shown = use_state_eq(|| VERBATIM_STEP);

    let with_text: Vec<&DatasetSummary> = state
        .datasets
        .iter()
        .filter(|dataset| dataset.schema.text_column().is_some())
        .collect();
    // The chosen dataset while it is held, else the one with the most rows of text.
    let dataset = chosen
        .and_then(|id| with_text.iter().find(|dataset| dataset.id == id))
        .or_else(|| with_text.iter().max_by_key(|dataset| dataset.n_rows))
        .copied()
        .cloned();
    let dataset_id = dataset.as_ref().map(|dataset| dataset.id);
    let overview = dataset
        .as_ref()
        .and_then(|dataset| dataset.sentiment.clone());

    {
        let worker = context.worker.clone();
        use_effect_with(
            (dataset_id, (*filter).clone(), overview.clone()),
            move |(dataset_id, filter, overview)| {
                if let (Some(dataset), Some(_)) = (dataset_id, overview) {
                    worker.voice(*dataset, filter.clone());
                }
            },
        );
    }
    {
        let worker = context.worker.clone();
        use_effect_with(
            (dataset_id, (*filter).clone(), overview.clone(), *n_shown),
            move |(dataset_id, filter, overview, n_shown)| {
                if let (Some(dataset), Some(_)) = (dataset_id, overview) {
                    worker.verbatims(*dataset, filter.clone(), 0, *n_shown);
                }
            },
        );
    }

    let header = html! {
        <div class="view-header">
            <div>
                <h1 id="voice-title">{ "Voice of the customer" }</h1>
                <p class="muted">{ "How customers feel, what they talk about, and their own words — every score explained. Scored in this tab; nothing leaves it." }</p>
            </div>
            <DatasetPicker label="Texts from" testid="voice-dataset"
                           candidates={with_text.iter().map(|d| (*d).clone()).collect::<Vec<_>>()}
                           selected={dataset_id} on_pick={{
                let chosen = chosen.clone();
                let filter = filter.clone();
                Callback::from(move |picked: Option<DatasetId>| {
                    chosen.set(picked);
                    filter.set(VoiceFilter::default());
                })
            }} />
        </div>
    };

    let Some(dataset) = dataset else {
        let message = if state.datasets.is_empty() {
            "Load the demo company or add exports with customer text — reviews, posts, tickets, survey answers — in the Data view."
        } else {
            "None of the loaded tables has a column of customer text. In the Data view, mark the column that holds reviews, posts or tickets as “Text”."
        };
        return html! {
            <section class="view" aria-labelledby="voice-title">
                { header }
                <div class="card empty-state" data-testid="voice-empty">
                    <h2>{ "No customer text yet" }</h2>
                    <p>{ message }</p>
                    <a class="button primary" href={View::Data.hash()}>{ "Go to Data" }</a>
                </div>
            </section>
        };
    };
    let Some(_) = overview else {
        return html! {
            <section class="view" aria-labelledby="voice-title">
                { header }
                <JobList />
                <div class="card empty-state"><p>{ format!("Scoring the texts of {}…", dataset.name) }</p></div>
            </section>
        };
    };

    let report = state
        .voice
        .as_ref()
        .filter(|report| report.dataset == dataset.id && report.filter == *filter);
    let verbatims = state
        .verbatims
        .as_ref()
        .filter(|page| page.dataset == dataset.id && page.filter == *filter);
    let set_filter = {
        let filter = filter.clone();
        let n_shown = n_shown.clone();
        Callback::from(move |next: VoiceFilter| {
            n_shown.set(VERBATIM_STEP);
            filter.set(next);
        })
    };
    let select_term = {
        let filter = filter.clone();
        let set_filter = set_filter.clone();
        Callback::from(move |term: Option<String>| {
            set_filter.emit(VoiceFilter {
                term,
                ..(*filter).clone()
            })
        })
    };

    html! {
        <section class="view" aria-labelledby="voice-title" data-testid="voice-view">
            { header }
            <JobList />
            { filter_bar(&filter, report.map(|r| r.as_ref()), &set_filter) }
            if let Some(report) = report {
                { summary(report) }
                <div class="card">
                    <h2>{ "Sentiment over time" }</h2>
                    <TrendChart trend={report.trend.clone()} weekly={report.weekly} />
                </div>
                <div class="two-columns">
                    <div class="card">
                        <h2>{ "By channel" }</h2>
                        { channels(report, &filter, &set_filter) }
                    </div>
                    <div class="card">
                        <h2>{ "Biggest movers" }</h2>
                        { movers(report) }
                    </div>
                </div>
                if !report.products.is_empty() || !report.customers_to_watch.is_empty() {
                    <div class="two-columns">
                        if !report.products.is_empty() {
                            <div class="card">
                                <h2>{ "By product" }</h2>
                                { products(report, &filter, &set_filter) }
                            </div>
                        }
                        if !report.customers_to_watch.is_empty() {
                            <div class="card">
                                <h2>{ "Customers to watch" }</h2>
                                { customers_to_watch(report) }
                            </div>
                        }
                    </div>
                }
                <div class="two-columns">
                    <div class="card">
                        <h2>{ "By customer segment" }</h2>
                        { segments(report, &filter, &set_filter) }
                    </div>
                    <div class="card" data-testid="selection">
                        <h2>{ "What this selection says more than the rest" }</h2>
                        { selection(report, &filter, &select_term) }
                    </div>
                </div>
                <div class="two-columns">
                    <div class="card">
                        <h2>{ "What unhappy customers talk about" }</h2>
                        <p class="muted small">{ "Words and phrases that set negative texts apart from positive ones (weighted log-odds, Monroe et al. 2008). Choose one to read its texts." }</p>
                        <TermBars terms={report.negative_terms.clone()} side="negative" selected={filter.term.clone()} on_select={select_term.clone()} />
                    </div>
                    <div class="card">
                        <h2>{ "What happy customers talk about" }</h2>
                        <p class="muted small">{ "Words and phrases that set positive texts apart from negative ones." }</p>
                        <TermBars terms={report.positive_terms.clone()} side="positive" selected={filter.term.clone()} on_select={select_term} />
                    </div>
                </div>
            } else {
                <div class="card"><p class="muted">{ "Reading the texts…" }</p></div>
            }
            <div class="card">
                <div class="card-header">
                    <h2>{ "In their words" }</h2>
                    if let Some(page) = verbatims {
                        <span class="muted">{ format!("{} of {} texts, newest first", format::count(page.verbatims.len() as u64), format::count(page.n_total)) }</span>
                    }
                </div>
                if let Some(page) = verbatims {
                    if page.verbatims.is_empty() {
                        <p class="muted">{ "No text matches these filters. Clear one to see more." }</p>
                    } else {
                        <VerbatimList verbatims={page.verbatims.clone()} />
                        if (page.verbatims.len() as u64) < page.n_total && *n_shown < converge_wasm::voice::MAX_VERBATIMS {
                            <button class="button subtle" onclick={{
                                let n_shown = n_shown.clone();
                                Callback::from(move |_: MouseEvent| n_shown.set(*n_shown + VERBATIM_STEP))
                            }}>{ "Show more" }</button>
                        }
                    }
                } else {
                    <p class="muted">{ "Reading the texts…" }</p>
                }
            </div>
            <LexiconCard dataset={dataset.id} name={dataset.name.clone()}
                         entries={report.map(|r| r.lexicon.clone()).unwrap_or_default()} />
        </section>
    }
}

fn filter_bar(
    filter: &VoiceFilter,
    report: Option<&VoiceReport>,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    let channel_names: Vec<String> = report
        .map(|report| report.channels.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let on_channel = {
        let filter = filter.clone();
        let set_filter = set_filter.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let value = select.value();
                set_filter.emit(VoiceFilter {
                    channel: (!value.is_empty()).then_some(value),
                    ..filter.clone()
                });
            }
        })
    };
    let on_label = {
        let filter = filter.clone();
        let set_filter = set_filter.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let label = match select.value().as_str() {
                    "positive" => Some(SentimentLabel::Positive),
                    "neutral" => Some(SentimentLabel::Neutral),
                    "negative" => Some(SentimentLabel::Negative),
                    _ => None,
                };
                set_filter.emit(VoiceFilter {
                    label,
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
    let label_value = match filter.label {
        Some(SentimentLabel::Positive) => "positive",
        Some(SentimentLabel::Neutral) => "neutral",
        Some(SentimentLabel::Negative) => "negative",
        None => "",
    };
    let (min, max) = report
        .and_then(|report| report.day_range)
        .map(|(lo, hi)| (day_text(lo), day_text(hi)))
        .unwrap_or_default();
    let any = *filter != VoiceFilter::default();
    html! {
        <div class="filter-bar" role="group" aria-label="Filter the texts">
            if report.is_some_and(|report| report.channel_column.is_some()) {
                <label class="field">
                    <span>{ "Channel" }</span>
                    <select onchange={on_channel} data-testid="filter-channel">
                        <option value="" selected={filter.channel.is_none()}>{ "All channels" }</option>
                        { for channel_names.iter().map(|name| html! {
                            <option value={name.clone()} selected={filter.channel.as_deref() == Some(name.as_str())}>{ name }</option>
                        }) }
                    </select>
                </label>
            }
            <label class="field">
                <span>{ "Sentiment" }</span>
                <select onchange={on_label} data-testid="filter-label">
                    <option value="" selected={label_value.is_empty()}>{ "All" }</option>
                    <option value="positive" selected={label_value == "positive"}>{ "Positive" }</option>
                    <option value="neutral" selected={label_value == "neutral"}>{ "Neutral" }</option>
                    <option value="negative" selected={label_value == "negative"}>{ "Negative" }</option>
                </select>
            </label>
            if report.is_some_and(|report| report.day_range.is_some()) {
                <label class="field">
                    <span>{ "From" }</span>
                    <input type="date" min={min.clone()} max={max.clone()} onchange={on_day(true)}
                           value={filter.from_day.map(day_text).unwrap_or_default()} />
                </label>
                <label class="field">
                    <span>{ "To" }</span>
                    <input type="date" min={min} max={max} onchange={on_day(false)}
                           value={filter.to_day.map(day_text).unwrap_or_default()} />
                </label>
            }
            if let Some(segment) = &filter.segment {
                { filter_chip("filter-segment", format!("Segment “{segment}”"), format!("Stop filtering by segment “{segment}”"),
                              VoiceFilter { segment: None, ..filter.clone() }, set_filter) }
            }
            if let Some(product) = &filter.product {
                { filter_chip("filter-product", format!("Product “{product}”"), format!("Stop filtering by product “{product}”"),
                              VoiceFilter { product: None, ..filter.clone() }, set_filter) }
            }
            if let Some(term) = &filter.term {
                { filter_chip("filter-term", format!("Mentions “{term}”"), format!("Stop filtering by “{term}”"),
                              VoiceFilter { term: None, ..filter.clone() }, set_filter) }
            }
            if any {
                <button class="button subtle small" onclick={{
                    let set_filter = set_filter.clone();
                    Callback::from(move |_: MouseEvent| set_filter.emit(VoiceFilter::default()))
                }}>{ "Clear filters" }</button>
            }
        </div>
    }
}

fn summary(report: &VoiceReport) -> Html {
    let overall = &report.overall;
    let n = u64::from(overall.n_texts());
    let share = |k: u32| {
        if n == 0 {
            0.0
        } else {
            f64::from(k) / n as f64 * 100.0
        }
    };
    let label = format!(
        "{:.0}% positive, {:.0}% neutral, {:.0}% negative",
        share(overall.n_positive),
        share(overall.n_neutral),
        share(overall.n_negative)
    );
    html! {
        <div class="figures" data-testid="voice-summary">
            <div class="figure card">
                <span class="figure-label">{ "Texts" }</span>
                <span class="figure-value">{ format::count(n) }</span>
                <span class="muted small">{ format!("from “{}”", report.text_column) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Net sentiment" }</span>
                <span class={classes!("figure-value", if overall.net() >= 0.0 { "good" } else { "bad" })} data-testid="net-sentiment">
                    { format!("{:+.0}", overall.net()) }
                </span>
                <span class="muted small">{ "% positive − % negative" }</span>
            </div>
            <div class="figure card wide">
                <span class="figure-label">{ "How they feel" }</span>
                <ShareBar n_positive={u64::from(overall.n_positive)} n_neutral={u64::from(overall.n_neutral)}
                          n_negative={u64::from(overall.n_negative)} width={260.0} label={label.clone()} />
                <span class="muted small">{ format!("{label}; mean score {:+.2}", overall.mean()) }</span>
            </div>
        </div>
    }
}

/// A filter in force, shown as a chip whose × sets `without` (the filter less this part).
fn filter_chip(
    testid: &'static str,
    text: String,
    remove_label: String,
    without: VoiceFilter,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    let set_filter = set_filter.clone();
    let onclick = Callback::from(move |_: MouseEvent| set_filter.emit(without.clone()));
    html! {
        <span class="chip term-chip" data-testid={testid}>
            { text }
            <button class="chip-remove" aria-label={remove_label} {onclick}>{ "×" }</button>
        </span>
    }
}

fn channels(
    report: &VoiceReport,
    filter: &VoiceFilter,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    if report.channel_column.is_none() {
        return html! { <p class="muted">{ "No column says which channel a text came from. Mark one as “Channel” in the Data view to compare channels." }</p> };
    }
    html! {
        <ul class="channel-list" data-testid="channels">
            { for report.channels.iter().map(|group| {
                let selected = filter.channel.as_deref() == Some(group.name.as_str());
                let channel = (!selected).then(|| group.name.clone());
                group_row(group, selected, VoiceFilter { channel, ..filter.clone() }, set_filter)
            }) }
        </ul>
    }
}

/// One channel or product with how its customers feel; choosing it sets `on_choose` (the filter
/// with this group picked, or unpicked when it already was).
fn group_row(
    group: &GroupSentiment,
    selected: bool,
    on_choose: VoiceFilter,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    let tally = &group.tally;
    let label = format!(
        "{}: {} texts, net sentiment {:+.0}",
        group.name,
        tally.n_texts(),
        tally.net()
    );
    let set_filter = set_filter.clone();
    let onclick = Callback::from(move |_: MouseEvent| set_filter.emit(on_choose.clone()));
    html! {
        <li>
            <button class={classes!("channel-row", selected.then_some("selected"))} {onclick} aria-pressed={selected.to_string()}>
                <span class="channel-name">{ &group.name }</span>
                <ShareBar n_positive={u64::from(tally.n_positive)} n_neutral={u64::from(tally.n_neutral)}
                          n_negative={u64::from(tally.n_negative)} width={160.0} label={label} />
                <span class="channel-net">{ format!("{:+.0}", tally.net()) }</span>
                <span class="muted small">{ format::count(u64::from(tally.n_texts())) }</span>
            </button>
        </li>
    }
}

/// Products by how customers feel about them, most talked about first; one click filters by it.
fn products(
    report: &VoiceReport,
    filter: &VoiceFilter,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    const SHOWN: usize = 12;
    html! {
        <>
            <ul class="channel-list" data-testid="products">
                { for report.products.iter().take(SHOWN).map(|group| {
                    let selected = filter.product.as_deref() == Some(group.name.as_str());
                    let product = (!selected).then(|| group.name.clone());
                    group_row(group, selected, VoiceFilter { product, ..filter.clone() }, set_filter)
                }) }
            </ul>
            if report.products.len() > SHOWN {
                <p class="muted small">{ format!("and {} more products.", report.products.len() - SHOWN) }</p>
            }
        </>
    }
}

/// Customers whose words turned sour: their newer texts against their older ones.
fn customers_to_watch(report: &VoiceReport) -> Html {
    html! {
        <>
            <p class="muted small">{ "Their latest text is negative and their newer texts read worse than their older ones (mean score, newer half against older half)." }</p>
            <ul class="movers" data-testid="customers-to-watch">
                { for report.customers_to_watch.iter().map(|customer| html! {
                    <li>
                        <span class="mover-name mono">{ &customer.customer }</span>
                        <span class="muted">{ format!("{} texts, latest {:+.2}", customer.tally.n_texts(), customer.latest) }</span>
                        <span class="mover-change bad">{ format!("▼ {:.2}", customer.trend.unwrap_or(0.0).abs()) }</span>
                    </li>
                }) }
            </ul>
        </>
    }
}

fn movers(report: &VoiceReport) -> Html {
    if report.movers.is_empty() {
        return html! {
            <p class="muted">{ "Nothing moved enough to show: a channel or product needs at least 5 dated texts in each of the last two 30-day windows." }</p>
        };
    }
    html! {
        <>
            <p class="muted small">{ "Net sentiment in the last 30 days against the 30 before." }</p>
            <ul class="movers" data-testid="movers">
                { for report.movers.iter().map(|mover| html! {
                    <li>
                        <span class="mover-name">{ &mover.name }</span>
                        <span class="muted">{ format!("{:+.0} → {:+.0}", mover.before.net(), mover.after.net()) }</span>
                        { mover_change(mover.change_in_net) }
                    </li>
                }) }
            </ul>
        </>
    }
}

fn mover_change(change_in_net: f64) -> Html {
    if change_in_net.abs() < 0.5 {
        return html! { <span class="mover-change muted">{ "no change" }</span> };
    }
    let (class, arrow) = if change_in_net > 0.0 {
        ("good", "▲")
    } else {
        ("bad", "▼")
    };
    html! {
        <span class={classes!("mover-change", class)}>{ format!("{arrow} {:.0}", change_in_net.abs()) }</span>
    }
}

#[derive(Properties, PartialEq)]
struct LexiconCardProps {
    dataset: DatasetId,
    name: String,
    entries: Vec<LexiconEntry>,
}

/// The project's own rated words: "sick" can be praise for a skate brand.
#[function_component(LexiconCard)]
fn lexicon_card(props: &LexiconCardProps) -> Html {
    let context = use_worker();
    let word = use_state(String::new);
    let valence = use_state(|| 2.0_f64);
    let save = {
        let worker = context.worker.clone();
        let dataset = props.dataset;
        let name = props.name.clone();
        Callback::from(move |entries: Vec<LexiconEntry>| {
            worker.set_lexicon(dataset, name.clone(), entries)
        })
    };
    let on_submit = {
        let word = word.clone();
        let valence = valence.clone();
        let entries = props.entries.clone();
        let save = save.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let new_word = word.trim().to_lowercase();
            if new_word.is_empty() {
                return;
            }
            let mut next: Vec<LexiconEntry> = entries
                .iter()
                .filter(|entry| entry.word != new_word)
                .cloned()
                .collect();
            next.push(LexiconEntry {
                word: new_word,
                valence: *valence,
            });
            save.emit(next);
            word.set(String::new());
        })
    };
    html! {
        <div class="card" data-testid="lexicon">
            <h2>{ "Your words" }</h2>
            <p class="muted small">{ "Rate words the way your customers use them — “sick” is praise for a skate brand. They apply to this dataset, and its texts are scored again." }</p>
            <form class="lexicon-form" onsubmit={on_submit}>
                <label class="field">
                    <span>{ "Word" }</span>
                    <input type="text" value={(*word).clone()} maxlength="40" data-testid="lexicon-word"
                           oninput={{
                               let word = word.clone();
                               Callback::from(move |event: InputEvent| {
                                   if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
                                       word.set(input.value());
                                   }
                               })
                           }} />
                </label>
                <label class="field">
                    <span>{ "Means" }</span>
                    <select data-testid="lexicon-valence" onchange={{
                        let valence = valence.clone();
                        Callback::from(move |event: Event| {
                            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                if let Ok(value) = select.value().parse() {
                                    valence.set(value);
                                }
                            }
                        })
                    }}>
                        { for [(3.0, "very positive"), (2.0, "positive"), (0.0, "nothing (neutral)"), (-2.0, "negative"), (-3.0, "very negative")].iter().map(|(value, label)| html! {
                            <option value={value.to_string()} selected={(*valence - value).abs() < 1e-9}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <button class="button primary small" type="submit">{ "Add" }</button>
            </form>
            if !props.entries.is_empty() {
                <ul class="column-chips">
                    { for props.entries.iter().map(|entry| {
                        let remove = {
                            let save = save.clone();
                            let rest: Vec<LexiconEntry> = props.entries.iter().filter(|other| other.word != entry.word).cloned().collect();
                            Callback::from(move |_: MouseEvent| save.emit(rest.clone()))
                        };
                        html! {
                            <li class="chip">
                                { format!("{} {:+.0}", entry.word, entry.valence) }
                                <button class="chip-remove" onclick={remove} aria-label={format!("Remove “{}”", entry.word)}>{ "×" }</button>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}

/// Sentiment per customer segment, once the customers are segmented; each row filters by its
/// segment.
fn segments(
    report: &VoiceReport,
    filter: &VoiceFilter,
    set_filter: &Callback<VoiceFilter>,
) -> Html {
    if !report.segmented {
        return html! {
            <p class="muted" data-testid="segments-note">
                { "Segment the customers to see how each segment feels: " }
                <a href={View::Segments.hash()}>{ "open Segments" }</a>
                { " (it needs an orders table), then come back." }
            </p>
        };
    }
    let n_texts = u64::from(report.overall.n_texts());
    let n_in_segments: u64 = report
        .segments
        .iter()
        .map(|group| u64::from(group.tally.n_texts()))
        .sum();
    if report.segments.is_empty() {
        return html! {
            <p class="muted" data-testid="segments-note">
                { "None of these texts' authors is a segmented customer: the table names authors by a handle or address that no customer table ties to a customer id. Converge the customers in the Customers view to link them, or pick a table with a customer id column." }
            </p>
        };
    }
    let caption = format!(
        "How customers in each segment feel: net sentiment (% positive − % negative) of the texts they wrote, {} of {} texts here by a segmented customer{}. Choose a segment to read only its texts.",
        format::count(n_in_segments),
        format::count(n_in_segments + report.n_without_segment),
        if n_texts > 0 && report.n_without_segment > 0 { "; the others' authors have no segment" } else { "" },
    );
    html! {
        <figure class="segment-sentiment" data-testid="voice-segments">
            <ul class="channel-list">
                { for report.segments.iter().map(|group| {
                    let selected = filter.segment.as_deref() == Some(group.name.as_str());
                    let tally = &group.tally;
                    let n = tally.n_texts();
                    let share_negative = if n == 0 { 0.0 } else { f64::from(tally.n_negative) / f64::from(n) * 100.0 };
                    let label = format!("{}: {} texts, net sentiment {:+.0}, mean score {:+.2}, {:.0}% negative", group.name, n, tally.net(), tally.mean(), share_negative);
                    let onclick = {
                        let filter = filter.clone();
                        let set_filter = set_filter.clone();
                        let segment = (!selected).then(|| group.name.clone());
                        Callback::from(move |_: MouseEvent| set_filter.emit(VoiceFilter { segment: segment.clone(), ..filter.clone() }))
                    };
                    html! {
                        <li>
                            <button class={classes!("channel-row", "segment-row", selected.then_some("selected"))} {onclick}
                                    aria-pressed={selected.to_string()} title={label.clone()}>
                                <span class="channel-name">{ &group.name }</span>
                                <ShareBar n_positive={u64::from(tally.n_positive)} n_neutral={u64::from(tally.n_neutral)}
                                          n_negative={u64::from(tally.n_negative)} width={160.0} label={label} />
                                <span class="channel-net">{ format!("{:+.0}", tally.net()) }</span>
                                <span class="muted small">{ format!("{} · {:.0}% neg.", format::count(u64::from(n)), share_negative) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <figcaption class="muted small">{ caption }</figcaption>
        </figure>
    }
}

/// The terms the filtered texts say more than every other text.
fn selection(
    report: &VoiceReport,
    filter: &VoiceFilter,
    select_term: &Callback<Option<String>>,
) -> Html {
    let selection = VoiceFilter {
        term: None,
        ..filter.clone()
    };
    if selection == VoiceFilter::default() {
        return html! {
            <p class="muted" data-testid="selection-note">{ "Filter the texts — by channel, product, segment, sentiment or dates — to see the words and phrases that set them apart from all the others." }</p>
        };
    }
    html! {
        <>
            <p class="muted small">{ "Words and phrases the filtered texts use more than every other text (weighted log-odds). Choose one to read its texts." }</p>
            <TermBars terms={report.selection_terms.clone()} side="selection" selected={filter.term.clone()} on_select={select_term.clone()} />
        </>
    }
}
