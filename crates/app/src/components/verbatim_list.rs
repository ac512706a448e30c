//! Customer texts as they were written, each word tinted by its part in the score, with the
//! reasons one focus or hover away. Text is only ever rendered as text.

use converge_core::sentiment::{SentimentLabel, TextPiece};
use converge_core::table::day_text;
use converge_wasm::protocol::Verbatim;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerbatimListProps {
    pub verbatims: Vec<Verbatim>,
}

#[function_component(VerbatimList)]
pub fn verbatim_list(props: &VerbatimListProps) -> Html {
    html! {
        <ol class="verbatims" data-testid="verbatims">
            { for props.verbatims.iter().map(verbatim) }
        </ol>
    }
}

fn verbatim(verbatim: &Verbatim) -> Html {
    let label = verbatim.score.label();
    let (label_class, label_text) = match label {
        SentimentLabel::Positive => ("positive", "positive"),
        SentimentLabel::Neutral => ("neutral", "neutral"),
        SentimentLabel::Negative => ("negative", "negative"),
    };
    let mut reasons: Vec<&TextPiece> = verbatim
        .pieces
        .iter()
        .filter(|piece| piece.valence.abs() >= 0.05 || piece.reading.is_some())
        .collect();
    reasons.sort_by(|a, b| b.valence.abs().total_cmp(&a.valence.abs()));
    html! {
        <li class="verbatim" key={verbatim.row.to_string()} data-testid="verbatim">
            <div class="verbatim-meta">
                <span class={classes!("badge", label_class)}>{ format!("{:+.2} {label_text}", verbatim.score.compound) }</span>
                if let Some(day) = verbatim.day { <span>{ day_text(day) }</span> }
                if let Some(channel) = &verbatim.channel { <span>{ channel }</span> }
                if let Some(customer) = &verbatim.customer { <span class="mono">{ customer }</span> }
                <span class="muted">{ format!("row {}", verbatim.row + 1) }</span>
            </div>
            <p class="verbatim-text">
                { for verbatim.pieces.iter().map(piece) }
            </p>
            <details class="why" data-testid="why">
                <summary>{ format!("Why {:+.2}?", verbatim.score.compound) }</summary>
                if reasons.is_empty() {
                    <p class="muted">{ "No word in this text carries sentiment: it is neutral." }</p>
                } else {
                    <ul>
                        { for reasons.iter().map(|piece| html! {
                            <li>{ explain(piece) }</li>
                        }) }
                    </ul>
                }
                <p class="muted">{ "Scores add up each word’s valence after the rules (VADER), then squash the sum into −1…+1." }</p>
            </details>
        </li>
    }
}

fn piece(piece: &TextPiece) -> Html {
    let tint = tint_class(piece.valence);
    match tint {
        None => html! { <>{ piece.text.clone() }</> },
        Some(class) => html! {
            <span class={classes!("tint", class)} tabindex="0" data-why={explain(piece)}>{ piece.text.clone() }</span>
        },
    }
}

/// "“awful” −2.50: negated by “not”; read as “good”".
fn explain(piece: &TextPiece) -> String {
    let mut why: Vec<String> = piece.rules.iter().map(|rule| rule.describe()).collect();
    if let Some(reading) = &piece.reading {
        why.insert(0, reading.describe());
    }
    let valence = if piece.valence.abs() < 0.005 {
        "no weight".to_owned()
    } else {
        format!("{:+.2}", piece.valence)
    };
    if why.is_empty() {
        format!("“{}” {valence}", piece.text.trim())
    } else {
        format!("“{}” {valence}: {}", piece.text.trim(), why.join("; "))
    }
}

fn tint_class(valence: f64) -> Option<&'static str> {
    let strength = valence.abs();
    if strength < 0.05 {
        return None;
    }
    Some(match (valence > 0.0, strength) {
        (true, s) if s < 1.0 => "pos-1",
        (true, s) if s < 2.0 => "pos-2",
        (true, _) => "pos-3",
        (false, s) if s < 1.0 => "neg-1",
        (false, s) if s < 2.0 => "neg-2",
        (false, _) => "neg-3",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tints_grow_with_the_weight_of_a_word() {
        assert_eq!(tint_class(0.0), None);
        assert_eq!(tint_class(0.5), Some("pos-1"));
        assert_eq!(tint_class(-1.5), Some("neg-2"));
        assert_eq!(tint_class(3.1), Some("pos-3"));
    }

    #[test]
    fn explanations_name_the_word_its_weight_and_rules() {
        use converge_core::sentiment::Vader;
        let explained = Vader::shared().explain_text("not good");
        let good = explained.pieces.iter().find(|p| p.text == "good").unwrap();
        assert_eq!(explain(good), "“good” -1.41: negated by “not”");
    }
}
