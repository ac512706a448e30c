//! How a dataset's customer text feels: a stacked bar of positive, neutral and negative texts.

use converge_wasm::protocol::SentimentOverview;
use yew::prelude::*;

use crate::components::ShareBar;

#[derive(Properties, PartialEq)]
pub struct SentimentBarProps {
    pub sentiment: SentimentOverview,
}

#[function_component(SentimentBar)]
pub fn sentiment_bar(props: &SentimentBarProps) -> Html {
    let s = &props.sentiment;
    let total = (s.n_positive + s.n_neutral + s.n_negative).max(1) as f64;
    let percent = |n: u64| format!("{:.0}%", n as f64 / total * 100.0);
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
            <ShareBar n_positive={s.n_positive} n_neutral={s.n_neutral} n_negative={s.n_negative} label={caption.clone()} />
            <span>{ caption }</span>
        </p>
    }
}
