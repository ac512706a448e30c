//! The Segments view: who the customers are, in two ways a marketer can act on — the RFM grid
//! (best, slipping, lost) and k-means segments over every feature the data gives — and any group
//! of them as an audience to download.
//!
//! The worker segments and keeps the result; the view holds only which audience is selected and
//! how it is exported, and asks the worker for that audience's customers, one customer's
//! explanation, and the audience file (built in the worker, saved in the browser: no server).

use converge_core::segment::rfm::RfmSegment;
use converge_core::table::day_text;
use converge_wasm::protocol::{
    Audience, AudienceFormat, CustomerExplanation, SegmentCustomerPage, SegmentsReport,
};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::{JobList, ShareBar};
use crate::format;
use crate::state::{JobKind, View};
use crate::worker::use_worker;

/// Customers listed at first, and added by "Show more".
const CUSTOMER_STEP: u64 = 25;
/// One colour per k-means segment (up to 8), readable on white and told apart by most eyes.
const PALETTE: [&str; 8] = [
    "#2f5bd3", "#e07a1f", "#1f9a6a", "#c23b6b", "#7a4fd0", "#8a6d1d", "#1d8fb0", "#5c6470",
];
/// The columns an export starts with.
const DEFAULT_COLUMNS: [&str; 6] = [
    "customer_id",
    "segment",
    "rfm_segment",
    "recency_days",
    "frequency",
    "monetary",
];

fn colour(segment: u32) -> &'static str {
    PALETTE[segment as usize % PALETTE.len()]
}

/// The CSS class of a segment's colour (the CSP forbids inline styles; `www/style.css` repeats
/// [`PALETTE`]).
fn colour_class(segment: u32) -> String {
    format!("seg-{}", segment as usize % PALETTE.len())
}

/// An amount in whole units, thousands as `k` from 10,000 on; refunds keep their sign.
fn money(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    let x = x.abs();
    if x >= 10_000.0 {
        format!("{sign}{}k", format::count((x / 1_000.0).round() as u64))
    } else {
        format!("{sign}{}", format::count(x.round() as u64))
    }
}

#[function_component(SegmentsView)]
pub fn segments_view() -> Html {
    let context = use_worker();
    let state = &context.state;
    let audience = use_state_eq(|| Audience::All);
    let n_shown = use_state_eq(|| CUSTOMER_STEP);
    let running = state.job(&JobKind::Segment).is_some();
    let report = state.segments.clone();

    // Segment once the data is loaded (and again when it changes: the state forgets the report).
    {
        let worker = context.worker.clone();
        let shape: Vec<(u32, u64)> = state
            .datasets
            .iter()
            .map(|dataset| (dataset.id.0, dataset.n_rows))
            .collect();
        let missing = report.is_none();
        use_effect_with((shape, missing), move |(shape, missing)| {
            if *missing && !shape.is_empty() && !running {
                worker.segments();
            }
        });
    }
    {
        let worker = context.worker.clone();
        let has_report = report.is_some();
        use_effect_with(
            ((*audience).clone(), *n_shown, has_report, report.clone()),
            move |(audience, n_shown, has_report, _)| {
                if *has_report {
                    worker.segment_customers(audience.clone(), 0, *n_shown);
                }
            },
        );
    }

    let header = html! {
        <div class="view-header">
            <div>
                <h1 id="segments-title">{ "Segments" }</h1>
                <p class="muted">{ "Who your customers are: the RFM grid (recency, frequency, money) and segments found in everything they do. Any group is an audience to download. Computed in this tab; nothing leaves it." }</p>
            </div>
            if report.is_some() {
                <button class="button subtle" disabled={running} data-testid="segment-again" onclick={{
                    let worker = context.worker.clone();
                    Callback::from(move |_: MouseEvent| worker.segments())
                }}>{ "Segment again" }</button>
            }
        </div>
    };

    let Some(report) = report else {
        let body = if state.datasets.is_empty() {
            html! {
                <div class="card empty-state" data-testid="segments-empty">
                    <h2>{ "No customers yet" }</h2>
                    <p>{ "Load the demo company, or add an orders export (customer id, date, amount) in the Data view. Events, posts and reviews with a customer id or email add engagement and sentiment." }</p>
                    <a class="button primary" href={View::Data.hash()}>{ "Go to Data" }</a>
                </div>
            }
        } else if running {
            html! { <div class="card empty-state"><p>{ "Segmenting the customers…" }</p></div> }
        } else {
            html! {
                <div class="card empty-state" data-testid="segments-empty">
                    <h2>{ "Nothing to segment" }</h2>
                    <p>{ "Segments need an orders table with a customer id, a date and an amount. In the Data view, mark those columns (“Customer id”, “Timestamp”, “Amount”), then segment again." }</p>
                    <button class="button primary" onclick={{
                        let worker = context.worker.clone();
                        Callback::from(move |_: MouseEvent| worker.segments())
                    }}>{ "Segment again" }</button>
                </div>
            }
        };
        return html! {
            <section class="view" aria-labelledby="segments-title">
                { header }
                <JobList />
                { body }
            </section>
        };
    };

    let select = {
        let audience = audience.clone();
        let n_shown = n_shown.clone();
        Callback::from(move |next: Audience| {
            n_shown.set(CUSTOMER_STEP);
            audience.set(next);
        })
    };
    let explain = {
        let worker = context.worker.clone();
        Callback::from(move |customer: u32| worker.explain_customer(customer))
    };
    let customers = state
        .segment_customers
        .as_ref()
        .filter(|page| page.audience == *audience)
        .cloned();

    html! {
        <section class="view" aria-labelledby="segments-title" data-testid="segments-view">
            { header }
            <JobList />
            { figures(&report) }
            <div class="card">
                <h2>{ "RFM grid" }</h2>
                <p class="muted small">{ "Customers by recency (rows, 5 = bought most recently) and frequency–money (columns, 5 = most orders and spend), each scored 1–5 by quintiles, with the segment each cell is named. Darker cells hold more customers; choose a cell or a segment to list its customers." }</p>
                { rfm_heatmap(&report, &audience, &select) }
                { rfm_segments(&report, &audience, &select) }
            </div>
            <div class="two-columns">
                <div class="card">
                    <h2>{ "Segments found" }</h2>
                    <p class="muted small">{ scatter_caption(&report) }</p>
                    <Scatter report={report.clone()} on_select={explain.clone()} />
                    { legend(&report, &audience, &select) }
                </div>
                <div class="card">
                    <h2>{ "How many segments?" }</h2>
                    <p class="muted small">{ "For each number of segments tried: how tight they are (inertia, lower is tighter; the bend of the “elbow” is a natural count) and how well apart (silhouette, higher is better). The highest silhouette is chosen." }</p>
                    { elbow_chart(&report) }
                </div>
            </div>
            <div class="two-columns">
                <div class="card">
                    <h2>{ "Segments by sentiment" }</h2>
                    { sentiment_breakdown(&report) }
                </div>
                <div class="card">
                    <h2>{ "Segments by channel" }</h2>
                    { channel_breakdown(&report) }
                </div>
            </div>
            <div class="segment-cards" data-testid="segment-cards">
                { for report.segments.iter().map(|card| segment_card(&report, card, &audience, &select)) }
            </div>
            <div class="card" data-testid="audience">
                <div class="card-header">
                    <h2>{ format!("Audience: {}", audience_label(&report, &audience)) }</h2>
                    if *audience != Audience::All {
                        <button class="button subtle small" onclick={{
                            let select = select.clone();
                            Callback::from(move |_: MouseEvent| select.emit(Audience::All))
                        }}>{ "All customers" }</button>
                    }
                </div>
                <ExportControl report={report.clone()} audience={(*audience).clone()} />
                { customer_list(&report, customers.as_deref(), &explain, &n_shown) }
            </div>
            if let Some(explanation) = state.explanation.clone() {
                { explanation_card(&report, &explanation) }
            }
        </section>
    }
}

fn audience_label(report: &SegmentsReport, audience: &Audience) -> String {
    match audience {
        Audience::All => "all customers".into(),
        Audience::Segment { segment } => report
            .segments
            .get(*segment as usize)
            .map_or_else(|| format!("segment {segment}"), |card| card.name.clone()),
        Audience::Rfm { segment } => segment.label().into(),
        Audience::RfmCell {
            recency,
            frequency_monetary,
        } => format!("RFM cell R{recency} × FM{frequency_monetary}"),
    }
}

fn figures(report: &SegmentsReport) -> Html {
    let joined = if report.joined_datasets.is_empty() {
        "orders only".to_owned()
    } else {
        format!("with {}", report.joined_datasets.join(", "))
    };
    html! {
        <div class="figures" data-testid="segments-summary">
            <div class="figure card">
                <span class="figure-label">{ "Customers" }</span>
                <span class="figure-value">{ format::count(report.n_customers) }</span>
                <span class="muted small">{ format!("from {} ({joined})", report.orders_dataset) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "Segments" }</span>
                <span class="figure-value" data-testid="segment-count">{ report.segments.len() }</span>
                <span class="muted small">{ report.silhouette.map_or("silhouette undefined".to_owned(), |s| format!("silhouette {s:.2}")) }</span>
            </div>
            <div class="figure card">
                <span class="figure-label">{ "As of" }</span>
                <span class="figure-value small-value">{ i32::try_from(report.as_of_day).map(day_text).unwrap_or_default() }</span>
                <span class="muted small">{ "the day after the last order" }</span>
            </div>
            if report.n_order_rows_skipped > 0 {
                <div class="figure card">
                    <span class="figure-label">{ "Order rows left out" }</span>
                    <span class="figure-value">{ format::count(report.n_order_rows_skipped) }</span>
                    <span class="muted small">{ "missing a customer, a date or an amount" }</span>
                </div>
            }
        </div>
    }
}

const CELL_W: f64 = 132.0;
const CELL_H: f64 = 62.0;
const GRID_LEFT: f64 = 30.0;
const GRID_TOP: f64 = 6.0;

fn rfm_heatmap(report: &SegmentsReport, audience: &Audience, select: &Callback<Audience>) -> Html {
    let most = report
        .rfm_cells
        .iter()
        .map(|cell| cell.n_customers)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let width = GRID_LEFT + 5.0 * CELL_W;
    let height = GRID_TOP + 5.0 * CELL_H + 24.0;
    html! {
        <svg class="rfm-heatmap" viewBox={format!("0 0 {width} {height}")} role="img" data-testid="rfm-heatmap"
             aria-label="RFM grid: customers and revenue per recency and frequency–money score">
            { for report.rfm_cells.iter().map(|cell| {
                let col = f64::from(cell.frequency_monetary.saturating_sub(1));
                let row = f64::from(5u8.saturating_sub(cell.recency));
                let (x, y) = (GRID_LEFT + col * CELL_W, GRID_TOP + row * CELL_H);
                let shade = 0.08 + 0.82 * cell.n_customers as f64 / most;
                let dark = shade > 0.5;
                let this = Audience::RfmCell { recency: cell.recency, frequency_monetary: cell.frequency_monetary };
                let selected = *audience == this;
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |_: MouseEvent| select.emit(this.clone()))
                };
                html! {
                    <g class={classes!("rfm-cell", selected.then_some("selected"))} {onclick}
                       data-testid="rfm-cell">
                        <title>{ format!("R{} × FM{} — {}: {} customers, revenue {}", cell.recency, cell.frequency_monetary,
                                         cell.segment.label(), format::count(cell.n_customers), money(cell.revenue)) }</title>
                        <rect x={format!("{:.1}", x + 1.0)} y={format!("{:.1}", y + 1.0)} width={format!("{:.1}", CELL_W - 2.0)}
                              height={format!("{:.1}", CELL_H - 2.0)} rx="4"
                              fill={format!("rgba(47, 91, 211, {shade:.3})")} />
                        <text x={format!("{:.1}", x + 6.0)} y={format!("{:.1}", y + 16.0)} class={classes!("cell-name", dark.then_some("on-dark"))}>
                            { cell.segment.label() }
                        </text>
                        <text x={format!("{:.1}", x + 6.0)} y={format!("{:.1}", y + 36.0)} class={classes!("cell-count", dark.then_some("on-dark"))}>
                            { format::count(cell.n_customers) }
                        </text>
                        <text x={format!("{:.1}", x + 6.0)} y={format!("{:.1}", y + 52.0)} class={classes!("cell-revenue", dark.then_some("on-dark"))}>
                            { format!("{} revenue", money(cell.revenue)) }
                        </text>
                    </g>
                }
            }) }
            { for (1..=5u8).map(|r| html! {
                <text class="axis-label" x="12" y={format!("{:.1}", GRID_TOP + f64::from(5 - r) * CELL_H + CELL_H / 2.0 + 4.0)}>
                    { format!("R{r}") }
                </text>
            }) }
            { for (1..=5u8).map(|fm| html! {
                <text class="axis-label" x={format!("{:.1}", GRID_LEFT + f64::from(fm - 1) * CELL_W + CELL_W / 2.0 - 10.0)}
                      y={format!("{:.1}", GRID_TOP + 5.0 * CELL_H + 16.0)}>
                    { format!("FM{fm}") }
                </text>
            }) }
        </svg>
    }
}

fn rfm_segments(report: &SegmentsReport, audience: &Audience, select: &Callback<Audience>) -> Html {
    html! {
        <ul class="column-chips rfm-segments" data-testid="rfm-segments">
            { for report.rfm_segments.iter().filter(|size| size.n_customers > 0).map(|size| {
                let segment: RfmSegment = size.segment;
                let this = Audience::Rfm { segment };
                let selected = *audience == this;
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |_: MouseEvent| select.emit(this.clone()))
                };
                html! {
                    <li>
                        <button class={classes!("chip", "chip-button", selected.then_some("selected"))} {onclick}
                                aria-pressed={selected.to_string()}>
                            { format!("{} · {}", segment.label(), format::count(size.n_customers)) }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

fn scatter_caption(report: &SegmentsReport) -> String {
    let [a, b] = report.explained_variance_ratio;
    let sample = if report.scatter_stride > 1 {
        format!(
            " Every {}th customer is drawn ({} of {}).",
            report.scatter_stride,
            format::count(report.points.len() as u64),
            format::count(report.n_customers)
        )
    } else {
        String::new()
    };
    format!(
        "Each dot is a customer, placed on the two directions in which customers differ most \
         (principal components: {:.0}% and {:.0}% of the spread) and coloured by segment. Hover \
         for a customer; click to see why they are in their segment.{sample}",
        a * 100.0,
        b * 100.0
    )
}

fn legend(report: &SegmentsReport, audience: &Audience, select: &Callback<Audience>) -> Html {
    html! {
        <ul class="legend">
            { for report.segments.iter().map(|card| {
                let this = Audience::Segment { segment: card.segment };
                let selected = *audience == this;
                let onclick = {
                    let select = select.clone();
                    Callback::from(move |_: MouseEvent| select.emit(this.clone()))
                };
                html! {
                    <li>
                        <button class={classes!("legend-item", selected.then_some("selected"))} {onclick}>
                            <span class={classes!("swatch", colour_class(card.segment))}></span>
                            { format!("{} ({})", card.name, format::count(card.n_customers)) }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

const SCATTER_W: f64 = 560.0;
const SCATTER_H: f64 = 340.0;
const SCATTER_PAD: f64 = 12.0;

#[derive(Properties, PartialEq)]
struct ScatterProps {
    report: std::rc::Rc<SegmentsReport>,
    on_select: Callback<u32>,
}

/// Where a point lands on the canvas: the bounds of all points, padded.
fn scatter_scale(report: &SegmentsReport) -> impl Fn(f32, f32) -> (f64, f64) {
    let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for point in &report.points {
        x0 = x0.min(point.x);
        x1 = x1.max(point.x);
        y0 = y0.min(point.y);
        y1 = y1.max(point.y);
    }
    let span_x = f64::from((x1 - x0).max(1e-6));
    let span_y = f64::from((y1 - y0).max(1e-6));
    move |x, y| {
        (
            SCATTER_PAD + f64::from(x - x0) / span_x * (SCATTER_W - 2.0 * SCATTER_PAD),
            SCATTER_H - SCATTER_PAD - f64::from(y - y0) / span_y * (SCATTER_H - 2.0 * SCATTER_PAD),
        )
    }
}

/// The customers on a canvas: 20,000 dots draw in a few milliseconds, where as many SVG
/// elements would slow the page.
#[function_component(Scatter)]
fn scatter(props: &ScatterProps) -> Html {
    let canvas = use_node_ref();
    let hover = use_state_eq(|| None::<(f64, f64, usize)>);
    {
        let canvas = canvas.clone();
        use_effect_with(props.report.clone(), move |report| {
            draw_scatter(&canvas, report);
        });
    }
    let nearest = {
        let canvas = canvas.clone();
        let report = props.report.clone();
        move |event: &MouseEvent| -> Option<(f64, f64, usize)> {
            let element = canvas.cast::<web_sys::HtmlCanvasElement>()?;
            let rect = element.get_bounding_client_rect();
            let sx = SCATTER_W / rect.width().max(1.0);
            let sy = SCATTER_H / rect.height().max(1.0);
            let mx = (f64::from(event.client_x()) - rect.left()) * sx;
            let my = (f64::from(event.client_y()) - rect.top()) * sy;
            let scale = scatter_scale(&report);
            report
                .points
                .iter()
                .enumerate()
                .map(|(idx, point)| {
                    let (x, y) = scale(point.x, point.y);
                    ((x - mx).powi(2) + (y - my).powi(2), x, y, idx)
                })
                .filter(|(d, ..)| *d < 64.0)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, x, y, idx)| (x, y, idx))
        }
    };
    let onmousemove = {
        let hover = hover.clone();
        let nearest = nearest.clone();
        Callback::from(move |event: MouseEvent| hover.set(nearest(&event)))
    };
    let onmouseleave = {
        let hover = hover.clone();
        Callback::from(move |_: MouseEvent| hover.set(None))
    };
    let onclick = {
        let report = props.report.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(point) = nearest(&event).and_then(|(_, _, idx)| report.points.get(idx)) {
                on_select.emit(point.customer);
            }
        })
    };
    let tooltip = hover.and_then(|(x, y, idx)| {
        let point = props.report.points.get(idx)?;
        let name = props
            .report
            .segments
            .get(point.segment as usize)
            .map_or("", |card| card.name.as_str());
        let label = format!("Customer #{} · {name}", point.customer + 1);
        // Left of the dot on the right half, so the label stays inside the plot.
        let width = 7.0 * label.chars().count() as f64 + 12.0;
        let left = if x > SCATTER_W / 2.0 { x - width - 8.0 } else { x + 8.0 };
        let top = (y - 26.0).max(2.0);
        Some(html! {
            <svg class="scatter-overlay" viewBox={format!("0 0 {SCATTER_W} {SCATTER_H}")} aria-hidden="true"
                 data-testid="scatter-tip">
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="5" class="hover-ring" />
                <rect x={format!("{left:.1}")} y={format!("{top:.1}")} width={format!("{width:.1}")} height="20" rx="4" class="tip-box" />
                <text x={format!("{:.1}", left + 6.0)} y={format!("{:.1}", top + 14.0)} class="tip-text">{ label }</text>
            </svg>
        })
    });
    html! {
        <div class="scatter-wrap">
            <canvas ref={canvas} class="scatter" width={SCATTER_W.to_string()} height={SCATTER_H.to_string()}
                    data-testid="segment-scatter" data-points={props.report.points.len().to_string()}
                    role="img" aria-label={format!("Scatter plot of {} customers coloured by segment", props.report.points.len())}
                    {onmousemove} {onmouseleave} {onclick}></canvas>
            { tooltip.unwrap_or_default() }
        </div>
    }
}

fn draw_scatter(canvas: &NodeRef, report: &SegmentsReport) -> Option<()> {
    let element = canvas.cast::<web_sys::HtmlCanvasElement>()?;
    let context: web_sys::CanvasRenderingContext2d =
        element.get_context("2d").ok()??.dyn_into().ok()?;
    context.clear_rect(0.0, 0.0, SCATTER_W, SCATTER_H);
    let scale = scatter_scale(report);
    let radius = if report.points.len() > 5_000 {
        1.2
    } else {
        2.2
    };
    context.set_global_alpha(0.7);
    for segment in 0..report.segments.len() as u32 {
        context.set_fill_style_str(colour(segment));
        context.begin_path();
        for point in report.points.iter().filter(|p| p.segment == segment) {
            let (x, y) = scale(point.x, point.y);
            context.move_to(x + radius, y);
            let _ = context.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        }
        context.fill();
    }
    context.set_global_alpha(1.0);
    Some(())
}

const ELBOW_W: f64 = 520.0;
const ELBOW_H: f64 = 220.0;
const ELBOW_LEFT: f64 = 46.0;
const ELBOW_RIGHT: f64 = 46.0;
const ELBOW_TOP: f64 = 12.0;
const ELBOW_BOTTOM: f64 = 30.0;

fn elbow_chart(report: &SegmentsReport) -> Html {
    let candidates = &report.candidates;
    if candidates.is_empty() {
        return html! { <p class="muted">{ "Only one segment count could be tried." }</p> };
    }
    let plot_w = ELBOW_W - ELBOW_LEFT - ELBOW_RIGHT;
    let plot_h = ELBOW_H - ELBOW_TOP - ELBOW_BOTTOM;
    let n = candidates.len().max(2) as f64 - 1.0;
    let x_of = |idx: usize| ELBOW_LEFT + plot_w * idx as f64 / n;
    let max_inertia = candidates
        .iter()
        .map(|c| c.inertia)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let y_inertia = |v: f64| ELBOW_TOP + plot_h * (1.0 - v / max_inertia);
    let (s_min, s_max) = candidates
        .iter()
        .filter_map(|c| c.silhouette)
        .fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
    let (s_min, s_max) = if s_min > s_max {
        (0.0, 1.0)
    } else {
        ((s_min - 0.05).max(-1.0), (s_max + 0.05).min(1.0))
    };
    let y_sil = |s: f64| ELBOW_TOP + plot_h * (1.0 - (s - s_min) / (s_max - s_min).max(1e-9));
    let inertia_line: String = candidates
        .iter()
        .enumerate()
        .map(|(idx, c)| format!("{:.1},{:.1}", x_of(idx), y_inertia(c.inertia)))
        .collect::<Vec<_>>()
        .join(" ");
    let sil_line: String = candidates
        .iter()
        .enumerate()
        .filter_map(|(idx, c)| Some(format!("{:.1},{:.1}", x_of(idx), y_sil(c.silhouette?))))
        .collect::<Vec<_>>()
        .join(" ");
    let chosen = report.segments.len();
    html! {
        <>
            <svg class="elbow-chart" viewBox={format!("0 0 {ELBOW_W} {ELBOW_H}")} role="img" data-testid="elbow-chart"
                 aria-label="Inertia and silhouette for each number of segments tried">
                <line class="axis" x1={ELBOW_LEFT.to_string()} x2={(ELBOW_W - ELBOW_RIGHT).to_string()}
                      y1={(ELBOW_TOP + plot_h).to_string()} y2={(ELBOW_TOP + plot_h).to_string()} />
                { for candidates.iter().enumerate().map(|(idx, c)| {
                    let x = x_of(idx);
                    let is_chosen = c.n_segments == chosen;
                    html! {
                        <g>
                            if is_chosen {
                                <line class="chosen-k" x1={format!("{x:.1}")} x2={format!("{x:.1}")}
                                      y1={ELBOW_TOP.to_string()} y2={(ELBOW_TOP + plot_h).to_string()} />
                            }
                            <text class="axis-label" x={format!("{:.1}", x - 4.0)} y={(ELBOW_H - 10.0).to_string()}>{ c.n_segments }</text>
                            <circle class="inertia-dot" cx={format!("{x:.1}")} cy={format!("{:.1}", y_inertia(c.inertia))} r="3">
                                <title>{ format!("{} segments: inertia {:.1}", c.n_segments, c.inertia) }</title>
                            </circle>
                            if let Some(s) = c.silhouette {
                                <circle class="silhouette-dot" cx={format!("{x:.1}")} cy={format!("{:.1}", y_sil(s))} r="3">
                                    <title>{ format!("{} segments: silhouette {s:.3}", c.n_segments) }</title>
                                </circle>
                            }
                        </g>
                    }
                }) }
                <polyline class="inertia-line" points={inertia_line} />
                <polyline class="silhouette-line" points={sil_line} />
                <text class="axis-label inertia-text" x="4" y={(ELBOW_TOP + 8.0).to_string()}>{ "inertia" }</text>
                <text class="axis-label silhouette-text" x={(ELBOW_W - ELBOW_RIGHT + 4.0).to_string()} y={(ELBOW_TOP + 8.0).to_string()}>
                    { format!("{s_max:.2}") }
                </text>
                <text class="axis-label silhouette-text" x={(ELBOW_W - ELBOW_RIGHT + 4.0).to_string()} y={(ELBOW_TOP + plot_h).to_string()}>
                    { format!("{s_min:.2}") }
                </text>
            </svg>
            <p class="muted small">
                <span class="key inertia-key"></span>{ " inertia  " }
                <span class="key silhouette-key"></span>{ " silhouette (right scale)  " }
                <span class="key chosen-key"></span>{ format!(" chosen: {chosen} segments") }
            </p>
        </>
    }
}

fn sentiment_breakdown(report: &SegmentsReport) -> Html {
    let any_texts = report
        .segments
        .iter()
        .any(|card| card.sentiment.iter().sum::<u64>() > 0);
    html! {
        <>
            <p class="muted small">{ "How the texts of each segment's customers feel: positive, neutral and negative." }</p>
            if any_texts {
                <ul class="channel-list" data-testid="segment-sentiment">
                    { for report.segments.iter().map(|card| {
                        let [pos, neu, neg] = card.sentiment;
                        let total = (pos + neu + neg).max(1) as f64;
                        let label = format!("{}: {} texts, {:.0}% positive, {:.0}% negative", card.name, pos + neu + neg,
                                            pos as f64 / total * 100.0, neg as f64 / total * 100.0);
                        html! {
                            <li class="channel-row static">
                                <span class="channel-name"><span class={classes!("swatch", colour_class(card.segment))}></span>{ &card.name }</span>
                                <ShareBar n_positive={pos} n_neutral={neu} n_negative={neg} width={160.0} label={label} />
                                <span class="muted small">{ format!("{} texts", format::count(pos + neu + neg)) }</span>
                            </li>
                        }
                    }) }
                </ul>
            } else {
                <p class="muted small">{ "No scored text joins these customers. Texts join on a customer id, or an email or handle the customers table maps to one." }</p>
            }
        </>
    }
}

fn channel_breakdown(report: &SegmentsReport) -> Html {
    html! {
        <>
            if report.channels.is_empty() {
                <p class="muted small">{ "No column says which channel an order or event came from. Mark one as “Channel” in the Data view." }</p>
            } else {
                <table class="grid breakdown" data-testid="segment-channels">
                    <thead>
                        <tr>
                            <th>{ "Segment" }</th>
                            { for report.channels.iter().map(|channel| html! { <th>{ channel }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for report.segments.iter().map(|card| {
                            let total = card.channels.iter().sum::<u64>().max(1) as f64;
                            html! {
                                <tr>
                                    <th>{ &card.name }</th>
                                    { for card.channels.iter().map(|n| html! {
                                        <td title={format!("{} touchpoints", format::count(*n))}>
                                            { format!("{:.0}%", *n as f64 / total * 100.0) }
                                        </td>
                                    }) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                <p class="muted small">{ "Share of each segment's orders, events and texts in each channel." }</p>
            }
        </>
    }
}

fn segment_card(
    report: &SegmentsReport,
    card: &converge_wasm::segments::SegmentCard,
    audience: &Audience,
    select: &Callback<Audience>,
) -> Html {
    let this = Audience::Segment {
        segment: card.segment,
    };
    let selected = *audience == this;
    let onclick = {
        let select = select.clone();
        Callback::from(move |_: MouseEvent| select.emit(this.clone()))
    };
    const BAR_W: f64 = 90.0;
    html! {
        <div class={classes!("card", "segment-card", colour_class(card.segment), selected.then_some("selected"))}
             data-testid="segment-card">
            <h3>{ &card.name }</h3>
            <p class="muted small">
                { format!("{} customers ({:.0}%)", format::count(card.n_customers), card.share_of_customers * 100.0) }
                { card.revenue_share.map(|share| format!(", {:.0}% of revenue", share * 100.0)).unwrap_or_default() }
            </p>
            <ul class="z-bars">
                { for report.features.iter().zip(card.z_scores.iter().zip(&card.means)).map(|(feature, (z, mean))| {
                    let z = z.clamp(-2.0, 2.0);
                    let width = z.abs() / 2.0 * BAR_W / 2.0;
                    let x = if z >= 0.0 { BAR_W / 2.0 } else { BAR_W / 2.0 - width };
                    html! {
                        <li title={format!("{}: mean {mean:.2} {} (z-score {z:+.2} against all customers)", feature.name, feature.unit)}>
                            <span class="z-name">{ &feature.name }</span>
                            <svg class="z-bar" viewBox={format!("0 0 {BAR_W} 10")} width={BAR_W.to_string()} height="10" aria-hidden="true">
                                <rect class={if z >= 0.0 { "above" } else { "below" }} x={format!("{x:.1}")} y="1" width={format!("{width:.1}")} height="8" />
                                <line x1={(BAR_W / 2.0).to_string()} x2={(BAR_W / 2.0).to_string()} y1="0" y2="10" class="z-zero" />
                            </svg>
                            <span class="z-value muted">{ format!("{mean:.1}") }</span>
                        </li>
                    }
                }) }
            </ul>
            <button class="button subtle small" {onclick} data-testid="segment-select">{ "List these customers" }</button>
        </div>
    }
}

fn customer_list(
    report: &SegmentsReport,
    page: Option<&SegmentCustomerPage>,
    explain: &Callback<u32>,
    n_shown: &UseStateHandle<u64>,
) -> Html {
    let Some(page) = page else {
        return html! { <p class="muted">{ "Listing the customers…" }</p> };
    };
    let column = |name: &str| report.features.iter().position(|f| f.name == name);
    let shown = [
        ("Recency (days)", column("recency_days")),
        ("Orders", column("frequency")),
        ("Revenue", column("monetary")),
    ];
    html! {
        <>
            <p class="muted small" data-testid="audience-count">
                { format!("{} customers, biggest spenders first. Choose one to see why they are in their segment.", format::count(page.n_total)) }
            </p>
            <div class="table-scroll">
                <table class="grid" data-testid="segment-customers">
                    <thead>
                        <tr>
                            <th>{ "Customer" }</th>
                            <th>{ "Segment" }</th>
                            <th>{ "RFM" }</th>
                            { for shown.iter().map(|(label, _)| html! { <th>{ *label }</th> }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for page.customers.iter().map(|customer| {
                            let onclick = {
                                let explain = explain.clone();
                                let index = customer.index;
                                Callback::from(move |_: MouseEvent| explain.emit(index))
                            };
                            let name = report.segments.get(customer.segment as usize).map_or("", |c| c.name.as_str());
                            html! {
                                <tr class="clickable" {onclick}>
                                    <td class="mono">{ &customer.customer_id }</td>
                                    <td><span class={classes!("swatch", colour_class(customer.segment))}></span>{ name }</td>
                                    <td title={customer.rfm_segment.label()}>
                                        { format!("{}{}{} {}", customer.rfm.recency, customer.rfm.frequency, customer.rfm.monetary, customer.rfm_segment.label()) }
                                    </td>
                                    { for shown.iter().map(|(_, idx)| html! {
                                        <td>{ idx.and_then(|i| customer.values.get(i)).map(|v| format!("{v:.0}")).unwrap_or_default() }</td>
                                    }) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            if (page.customers.len() as u64) < page.n_total && **n_shown < converge_wasm::segments::MAX_AUDIENCE_PAGE {
                <button class="button subtle" onclick={{
                    let n_shown = n_shown.clone();
                    Callback::from(move |_: MouseEvent| n_shown.set((*n_shown + CUSTOMER_STEP).min(converge_wasm::segments::MAX_AUDIENCE_PAGE)))
                }}>{ "Show more" }</button>
            }
        </>
    }
}

fn explanation_card(report: &SegmentsReport, explanation: &CustomerExplanation) -> Html {
    let customer = &explanation.customer;
    let strongest = explanation
        .pulls
        .iter()
        .map(|(_, pull)| pull.abs())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    html! {
        <div class="card" data-testid="explanation">
            <h2>{ format!("Why {} is in “{}”", customer.customer_id, explanation.segment_name) }</h2>
            <p class="muted small">
                { explanation.runner_up.as_ref().map_or_else(
                    || "There is only one segment.".to_owned(),
                    |other| format!("Each feature's pull towards this segment rather than the next nearest, “{other}”. Bars to the right keep them here.")) }
            </p>
            <ul class="z-bars">
                { for explanation.pulls.iter().take(8).map(|(name, pull)| {
                    let value = report.features.iter().position(|f| &f.name == name)
                        .and_then(|i| customer.values.get(i)).copied().unwrap_or(f64::NAN);
                    let width = pull.abs() / strongest * 60.0;
                    let x = if *pull >= 0.0 { 60.0 } else { 60.0 - width };
                    html! {
                        <li>
                            <span class="z-name">{ name }</span>
                            <svg class="z-bar" viewBox="0 0 120 10" width="120" height="10" aria-hidden="true">
                                <rect class={if *pull >= 0.0 { "above" } else { "below" }} x={format!("{x:.1}")} y="1" width={format!("{width:.1}")} height="8" />
                                <line x1="60" x2="60" y1="0" y2="10" class="z-zero" />
                            </svg>
                            <span class="z-value muted">{ format!("{value:.1}") }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ExportProps {
    report: std::rc::Rc<SegmentsReport>,
    audience: Audience,
}

/// Format and columns of an audience file, one row per customer or per household, and the button
/// that makes it.
#[function_component(ExportControl)]
fn export_control(props: &ExportProps) -> Html {
    let context = use_worker();
    let format_csv = use_state_eq(|| true);
    let per_household = use_state_eq(|| false);
    // Households come from the converged customers.
    let converged = context.state.customers.is_some();
    let columns = use_state_eq(|| {
        DEFAULT_COLUMNS
            .iter()
            .map(|c| (*c).to_owned())
            .collect::<Vec<String>>()
    });
    let on_export = {
        let worker = context.worker.clone();
        let audience = props.audience.clone();
        let columns = columns.clone();
        let report = props.report.clone();
        let format_csv = *format_csv;
        let per_household = *per_household && converged;
        Callback::from(move |_: MouseEvent| {
            // Keep the report's order, whatever order the boxes were ticked in.
            let chosen: Vec<String> = report
                .export_columns
                .iter()
                .filter(|c| columns.contains(c))
                .cloned()
                .collect();
            let format = if format_csv {
                AudienceFormat::Csv
            } else {
                AudienceFormat::Json
            };
            worker.export_audience(audience.clone(), format, chosen, per_household);
        })
    };
    html! {
        <details class="export" data-testid="export-control">
            <summary class="button primary small">{ "Export audience" }</summary>
            <div class="export-body">
                <label class="field">
                    <span>{ "Format" }</span>
                    <select data-testid="export-format" onchange={{
                        let format_csv = format_csv.clone();
                        Callback::from(move |event: Event| {
                            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                                format_csv.set(select.value() != "json");
                            }
                        })
                    }}>
                        <option value="csv" selected={*format_csv}>{ "CSV (spreadsheets)" }</option>
                        <option value="json" selected={!*format_csv}>{ "JSON" }</option>
                    </select>
                </label>
                <label class="check" title={(!converged).then_some("Converge the customers in the Customers view to find households.")}>
                    <input type="checkbox" data-testid="export-per-household" checked={*per_household && converged} disabled={!converged}
                           onchange={{
                               let per_household = per_household.clone();
                               Callback::from(move |_: Event| per_household.set(!*per_household))
                           }} />
                    { "One row per household (one mailer per address)" }
                </label>
                if !converged {
                    <p class="muted small">{ "To export one row per household, converge the customers in the Customers view first." }</p>
                } else if *per_household {
                    <p class="muted small">{ "Each household's first customer in the audience, with the household id, its number of customers, and that customer's name, address, e-mail and phone." }</p>
                }
                <fieldset class="export-columns">
                    <legend class="small muted">{ "Columns" }</legend>
                    { for props.report.export_columns.iter().map(|name| {
                        let checked = columns.contains(name);
                        let onchange = {
                            let columns = columns.clone();
                            let name = name.clone();
                            Callback::from(move |_: Event| {
                                let mut next = (*columns).clone();
                                if checked {
                                    next.retain(|c| c != &name);
                                } else {
                                    next.push(name.clone());
                                }
                                columns.set(next);
                            })
                        };
                        html! {
                            <label class="check">
                                <input type="checkbox" {checked} {onchange} data-column={name.clone()} />
                                { name }
                            </label>
                        }
                    }) }
                </fieldset>
                <p class="muted small">{ "Made in this tab and saved by your browser. Text that a spreadsheet would run as a formula (starting with = + - @) is written with a leading ' so it stays text." }</p>
                <button class="button primary" data-testid="export-audience" onclick={on_export}
                        disabled={columns.is_empty()}>
                    { "Download" }
                </button>
            </div>
        </details>
    }
}
