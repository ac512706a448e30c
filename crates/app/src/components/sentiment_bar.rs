//! How a dataset's customer text feels: a stacked bar of positive, neutral and negative texts.

use converge_wasm::protocol::SentimentOverview;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct SentimentBarProps {
    pub sentiment: SentimentOverview,
}

const WIDTH: f64 = 220.0;
const HEIGHT: f64 = 10.0;

#[function_component(SentimentBar)]
pub fn sentiment_bar(props: &SentimentBarProps) -> Html {
    let s = &props.sentiment;
    let total = (s.n_positive + s.n_neutral + s.n_negative).max(1) as f64;
    let share = |n: u64| n as f64 / total;
    let percent = |n: u64| format!("{:.0}%", share(n) * 100.0);
    let segments = [
        ("positive", s.n_positive),
        ("neutral", s.n_neutral),
        ("negative", s.n_negative),
    ];
    let mut x = 0.0;
    let caption = format!(
        "Customer text in “{}”: {} positive, {} neutral, {} negative (net sentiment {:+.0}).",
        s.column,
        percent(s.n_positive),
        percent(s.n_neutral),
        percent(s.n_negative),
        s.net()
    );
    html! {
        <p class="sentiment-line" data-testid="sentiment">
            <svg class="sentiment-bar" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} width={WIDTH.to_string()} height={HEIGHT.to_string()}
                 role="img" aria-label={caption.clone()}>
                { for segments.iter().map(|(class, n)| {
                    let width = share(*n) * WIDTH;
                    let rect = html! {
                        <rect class={*class} x={format!("{x:.2}")} y="0" width={format!("{width:.2}")} height={HEIGHT.to_string()}>
                            <title>{ format!("{} {class}", format::count(*n)) }</title>
                        </rect>
                    };
                    x += width;
                    rect
                }) }
            </svg>
            <span>{ caption }</span>
        </p>
    }
}
