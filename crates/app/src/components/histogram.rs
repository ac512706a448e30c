//! A column's distribution as a small bar chart, drawn in SVG.

use converge_core::ingest::Histogram;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub histogram: Histogram,
    /// What the bars count, for screen readers: "Distribution of amount".
    pub label: AttrValue,
}

const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

#[function_component(HistogramChart)]
pub fn histogram_chart(props: &HistogramProps) -> Html {
    let counts = &props.histogram.counts;
    let tallest = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_width = WIDTH / counts.len().max(1) as f64;
    html! {
        <svg class="histogram" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width={WIDTH.to_string()} height={HEIGHT.to_string()}
             role="img" aria-label={props.label.clone()}>
            { for counts.iter().enumerate().map(|(bin_idx, count)| {
                let height = if *count == 0 { 0.0 } else { (*count as f64 / tallest * HEIGHT).max(1.0) };
                html! {
                    <rect x={format!("{:.2}", bin_idx as f64 * bar_width)} y={format!("{:.2}", HEIGHT - height)}
                          width={format!("{:.2}", (bar_width - 1.0).max(0.5))} height={format!("{height:.2}")}>
                        <title>{ count.to_string() }</title>
                    </rect>
                }
            }) }
        </svg>
    }
}
