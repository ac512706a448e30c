//! The Live view's breakdown: records, texts, net sentiment and revenue per channel, product and
//! customer segment over the last minute, hour or day of the stream, as three small tables.
//!
//! The worker sends every span of the busiest values (`converge_wasm::live::breakdown`); the
//! only state here is which span the user reads, so switching spans asks the worker for nothing.

use converge_wasm::protocol::{
    LiveBreakdown, LiveBreakdownRow, LiveDimension, Totals, BREAKDOWN_ROWS,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct LiveBreakdownsProps {
    /// By channel, product and segment, as the worker sent them.
    pub breakdowns: Vec<LiveBreakdown>,
    /// Whether customers were segmented: without segments, that table says how to get them.
    pub segments_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    Minute,
    Hour,
    Day,
}

impl Span {
    const ALL: [Span; 3] = [Span::Minute, Span::Hour, Span::Day];

    fn key(self) -> &'static str {
        match self {
            Span::Minute => "minute",
            Span::Hour => "hour",
            Span::Day => "day",
        }
    }

    fn of(self, row: &LiveBreakdownRow) -> &Totals {
        match self {
            Span::Minute => &row.last_minute,
            Span::Hour => &row.last_hour,
            Span::Day => &row.last_day,
        }
    }
}

#[function_component(LiveBreakdowns)]
pub fn live_breakdowns(props: &LiveBreakdownsProps) -> Html {
    let span = use_state_eq(|| Span::Hour);
    let on_span = {
        let span = span.clone();
        Callback::from(move |event: Event| {
            let select: HtmlSelectElement = event.target_unchecked_into();
            if let Some(next) = Span::ALL.into_iter().find(|s| s.key() == select.value()) {
                span.set(next);
            }
        })
    };
    html! {
        <div class="card" data-testid="live-breakdowns">
            <div class="card-header">
                <h2 id="live-breakdowns-title">{ "By channel, product and segment" }</h2>
                <label class="live-span">
                    { "Over the " }
                    <select onchange={on_span} data-testid="live-breakdown-span">
                        { for Span::ALL.iter().map(|s| html! {
                            <option value={s.key()} selected={*s == *span}>{ format!("last {}", s.key()) }</option>
                        }) }
                    </select>
                </label>
            </div>
            <p class="muted small" data-testid="live-breakdowns-caption">
                { format!(
                    "Records, customer texts, net sentiment and revenue of the last {} of the stream (by the records' own time). Each table lists the {BREAKDOWN_ROWS} busiest values of the last hour and adds the rest up under “Other”.",
                    span.key(),
                ) }
            </p>
            <div class="live-breakdowns">
                { for props.breakdowns.iter().map(|b| table(b, *span, props.segments_known)) }
            </div>
        </div>
    }
}

fn table(breakdown: &LiveBreakdown, span: Span, segments_known: bool) -> Html {
    let (title, column, none) = match breakdown.dimension {
        LiveDimension::Channel => ("Channels", "Channel", "No channel"),
        LiveDimension::Product => ("Products", "Product", "No product"),
        LiveDimension::Segment => ("Segments", "Segment", "Customer or segment unknown"),
    };
    let dimension = match breakdown.dimension {
        LiveDimension::Channel => "channel",
        LiveDimension::Product => "product",
        LiveDimension::Segment => "segment",
    };
    let empty = breakdown.rows.is_empty() && breakdown.other.is_none();
    let note = if breakdown.dimension == LiveDimension::Segment && !segments_known {
        Some("Segment the customers (Segments view) to see the stream by RFM segment.".to_owned())
    } else if empty {
        Some(format!(
            "No record of the last day names a {}.",
            column.to_lowercase()
        ))
    } else if breakdown.over_cap {
        Some(format!(
            "More {} than the {} followed one by one arrived; they are added up under “Other”.",
            title.to_lowercase(),
            format::count(breakdown.n_values as u64)
        ))
    } else {
        None
    };
    let unnamed = (breakdown.unnamed.last_day.n_records > 0 && !empty)
        .then(|| row(&breakdown.unnamed, span, none, "unnamed"));
    html! {
        <div class="live-breakdown" data-testid="live-breakdown" data-dimension={dimension}>
            <h3>{ title }</h3>
            if !empty {
                <table class="grid breakdown-table">
                    <thead>
                        <tr>
                            <th scope="col">{ column }</th>
                            <th scope="col" class="number">{ "Records" }</th>
                            <th scope="col" class="number">{ "Texts" }</th>
                            <th scope="col" class="number">{ "Net sentiment" }</th>
                            <th scope="col" class="number">{ "Revenue" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for breakdown.rows.iter().map(|r| row(r, span, &r.name, "value")) }
                        { for breakdown.other.iter().map(|r| row(r, span, "Other", "other")) }
                        { unnamed.unwrap_or_default() }
                    </tbody>
                </table>
            }
            if let Some(note) = note {
                <p class="muted small">{ note }</p>
            }
        </div>
    }
}

fn row(row: &LiveBreakdownRow, span: Span, label: &str, kind: &'static str) -> Html {
    let totals = span.of(row);
    html! {
        <tr class={classes!(kind)} data-testid="breakdown-row" data-kind={kind} data-name={row.name.clone()}
            data-minute={row.last_minute.n_records.to_string()} data-hour={row.last_hour.n_records.to_string()}
            data-day={row.last_day.n_records.to_string()}>
            <th scope="row"><span class="breakdown-name">{ label.to_owned() }</span></th>
            <td class="number">{ format::count(totals.n_records) }</td>
            <td class="number">{ format::count(u64::from(totals.n_texts)) }</td>
            <td class="number">{ totals.net_sentiment.map_or_else(|| "–".to_owned(), |n| format!("{n:+.0}")) }</td>
            <td class="number">{ format!("{:.2}", totals.revenue) }</td>
        </tr>
    }
}
