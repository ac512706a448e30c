//! Sentiment over time: the share of positive, neutral and negative texts per day or week as
//! stacked columns, and net sentiment as a line over them.

use converge_core::sentiment::Tally;
use converge_core::table::day_text;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TrendChartProps {
    /// `(first day of the bucket, tally)`, in time order.
    pub trend: Vec<(i32, Tally)>,
    pub weekly: bool,
}

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 230.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 44.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

#[function_component(TrendChart)]
pub fn trend_chart(props: &TrendChartProps) -> Html {
    let trend = &props.trend;
    if trend.is_empty() {
        return html! {
            <p class="muted" data-testid="trend-empty">
                { "These texts carry no dates, so there is no trend to draw. Mark a date column as “Timestamp” in the Data view to see one." }
            </p>
        };
    }
    let unit = if props.weekly { "week" } else { "day" };
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let slot = plot_width / trend.len() as f64;
    let bar = (slot * 0.8).max(0.5);
    let y_share = |share: f64| TOP + plot_height * (1.0 - share);
    let y_net = |net: f64| TOP + plot_height * (1.0 - (net + 100.0) / 200.0);
    let mut columns = Vec::with_capacity(trend.len());
    let mut line = String::new();
    for (idx, (day, tally)) in trend.iter().enumerate() {
        let n = f64::from(tally.n_texts().max(1));
        let x = LEFT + slot * idx as f64 + (slot - bar) / 2.0;
        let shares = [
            ("negative", f64::from(tally.n_negative) / n),
            ("neutral", f64::from(tally.n_neutral) / n),
            ("positive", f64::from(tally.n_positive) / n),
        ];
        let mut base = 0.0;
        let title = format!(
            "{} of {}: {} texts, {} positive, {} neutral, {} negative; net sentiment {:+.0}",
            unit,
            day_text(*day),
            tally.n_texts(),
            tally.n_positive,
            tally.n_neutral,
            tally.n_negative,
            tally.net()
        );
        let rects = shares.iter().map(|(class, share)| {
            let top = y_share(base + share);
            let height = y_share(base) - top;
            base += share;
            html! { <rect class={*class} x={f(x)} y={f(top)} width={f(bar)} height={f(height)} /> }
        });
        columns.push(html! { <g class="trend-column"><title>{ title }</title>{ for rects }</g> });
        let cx = LEFT + slot * (idx as f64 + 0.5);
        line.push_str(&format!(
            "{}{},{} ",
            if idx == 0 { "M" } else { "L" },
            f(cx),
            f(y_net(tally.net()))
        ));
    }
    let (first_day, first) = trend[0];
    let (last_day, last) = trend[trend.len() - 1];
    let (low_day, low) = trend
        .iter()
        .min_by(|a, b| a.1.net().total_cmp(&b.1.net()))
        .copied()
        .unwrap_or((first_day, first));
    let caption = format!(
        "Net sentiment by {unit}: {:+.0} in the {unit} of {} and {:+.0} in the {unit} of {}, lowest {:+.0} in the {unit} of {}. \
         Columns show the share of positive (green), neutral (grey) and negative (red) texts; the line is net sentiment (% positive − % negative).",
        first.net(),
        day_text(first_day),
        last.net(),
        day_text(last_day),
        low.net(),
        day_text(low_day),
    );
    let middle = trend.len() / 2;
    let label_x = |idx: usize| LEFT + slot * (idx as f64 + 0.5);
    html! {
        <figure class="chart" data-testid="trend-chart">
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} class="trend" role="img" aria-label={caption.clone()}>
                <line class="axis" x1={f(LEFT)} x2={f(WIDTH - RIGHT)} y1={f(y_net(0.0))} y2={f(y_net(0.0))} />
                { for columns }
                <path class="net-line" d={line} />
                <text class="tick" x={f(LEFT - 6.0)} y={f(TOP + 4.0)} text-anchor="end">{ "100%" }</text>
                <text class="tick" x={f(LEFT - 6.0)} y={f(TOP + plot_height)} text-anchor="end">{ "0%" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(TOP + 4.0)}>{ "+100" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(y_net(0.0) + 4.0)}>{ "0" }</text>
                <text class="tick" x={f(WIDTH - RIGHT + 6.0)} y={f(TOP + plot_height)}>{ "−100" }</text>
                <text class="tick" x={f(label_x(0))} y={f(HEIGHT - 8.0)} text-anchor="start">{ day_text(first_day) }</text>
                if trend.len() > 2 {
                    <text class="tick" x={f(label_x(middle))} y={f(HEIGHT - 8.0)} text-anchor="middle">{ day_text(trend[middle].0) }</text>
                }
                if trend.len() > 1 {
                    <text class="tick" x={f(label_x(trend.len() - 1))} y={f(HEIGHT - 8.0)} text-anchor="end">{ day_text(last_day) }</text>
                }
            </svg>
            <figcaption class="muted">{ caption }</figcaption>
        </figure>
    }
}

fn f(value: f64) -> String {
    format!("{value:.1}")
}
