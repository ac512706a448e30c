//! A stacked bar of positive, neutral and negative shares: the one shape sentiment takes
//! everywhere in the app.

use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    pub n_positive: u64,
    pub n_neutral: u64,
    pub n_negative: u64,
    #[prop_or(220.0)]
    pub width: f64,
    /// What the bar shows, for screen readers and as its tooltip.
    pub label: AttrValue,
}

const HEIGHT: f64 = 10.0;

#[function_component(ShareBar)]
pub fn share_bar(props: &ShareBarProps) -> Html {
    let total = (props.n_positive + props.n_neutral + props.n_negative).max(1) as f64;
    let width = props.width;
    let segments = [
        ("positive", props.n_positive),
        ("neutral", props.n_neutral),
        ("negative", props.n_negative),
    ];
    let mut x = 0.0;
    html! {
        <svg class="sentiment-bar" viewBox={format!("0 0 {width} {HEIGHT}")} width={width.to_string()} height={HEIGHT.to_string()}
             role="img" aria-label={props.label.clone()}>
            { for segments.iter().map(|(class, n)| {
                let segment = *n as f64 / total * width;
                let rect = html! {
                    <rect class={*class} x={format!("{x:.2}")} y="0" width={format!("{segment:.2}")} height={HEIGHT.to_string()}>
                        <title>{ format!("{} {class}", format::count(*n)) }</title>
                    </rect>
                };
                x += segment;
                rect
            }) }
        </svg>
    }
}
