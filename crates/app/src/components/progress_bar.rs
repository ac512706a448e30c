//! A labelled progress bar, read aloud by screen readers as a percentage.

use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub fraction: f32,
    pub label: AttrValue,
}

#[function_component(ProgressBar)]
pub fn progress_bar(props: &ProgressBarProps) -> Html {
    let fraction = props.fraction.clamp(0.0, 1.0);
    html! {
        <span class="progress">
            <progress max="1" value={fraction.to_string()} aria-label={props.label.clone()} />
            <span class="progress-figure">{ format::percent(fraction) }</span>
        </span>
    }
}
