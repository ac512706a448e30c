//! Distinctive terms as a ranked bar list; each term is a button that shows its texts.

use converge_core::terms::DistinctiveTerm;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TermBarsProps {
    pub terms: Vec<DistinctiveTerm>,
    /// "negative", "positive" or "selection" (the filtered texts against all others): the side
    /// the terms belong to, and their colour.
    pub side: AttrValue,
    /// The term the verbatims are filtered by, if any.
    pub selected: Option<String>,
    pub on_select: Callback<Option<String>>,
}

const BAR_WIDTH: f64 = 120.0;

#[function_component(TermBars)]
pub fn term_bars(props: &TermBarsProps) -> Html {
    let texts = match props.side.as_str() {
        "selection" => "selected texts".to_owned(),
        side => format!("{side} texts"),
    };
    if props.terms.is_empty() {
        return html! {
            <p class="muted">{ format!("No term stands out in the {texts} yet: there are too few of them, or they say the same as the rest.") }</p>
        };
    }
    let strongest = props
        .terms
        .iter()
        .map(|term| term.z.abs())
        .fold(f64::EPSILON, f64::max);
    html! {
        <ol class="term-bars" data-testid={format!("terms-{}", props.side)}>
            { for props.terms.iter().map(|term| {
                let selected = props.selected.as_deref() == Some(term.term.as_str());
                let onclick = {
                    let on_select = props.on_select.clone();
                    let value = (!selected).then(|| term.term.clone());
                    Callback::from(move |_: MouseEvent| on_select.emit(value.clone()))
                };
                let width = term.z.abs() / strongest * BAR_WIDTH;
                // The lists compare negative texts (the group) with positive ones (the rest), and
                // a selection (the group) with every other text.
                let (n_here, n_there) = if props.side != "positive" {
                    (term.n_in_group, term.n_in_rest)
                } else {
                    (term.n_in_rest, term.n_in_group)
                };
                let title = format!(
                    "“{}”: {n_here} times in {texts}, {n_there} in the others (z = {:.1}). {}",
                    term.term,
                    term.z.abs(),
                    if selected { "Click to show every text again." } else { "Click to read these texts." }
                );
                html! {
                    <li>
                        <button class={classes!("term-bar", selected.then_some("selected"))} {onclick}
                                aria-pressed={selected.to_string()} title={title}>
                            <span class="term-label">{ &term.term }</span>
                            <svg viewBox={format!("0 0 {BAR_WIDTH} 10")} width={BAR_WIDTH.to_string()} height="10" aria-hidden="true">
                                <rect class={props.side.to_string()} x="0" y="0" width={format!("{width:.1}")} height="10" rx="2" />
                            </svg>
                            <span class="term-count">{ n_here }</span>
                        </button>
                    </li>
                }
            }) }
        </ol>
    }
}
