//! Why two records are one customer: the waterfall of a link's match weight, drawn in SVG.
//!
//! The prior (how likely any two records are the same person) starts the running total; each
//! field then adds its weight in bits (log₂ of its Bayes factor): agreement pushes right, in
//! green, disagreement left, in red. The last bar is the total, read as the final probability.
//! Bits add where probabilities do not, which is why the chart is in bits.

use converge_core::identity::PairEvidence;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WaterfallProps {
    pub evidence: PairEvidence,
}

const WIDTH: f64 = 760.0;
const LABEL_WIDTH: f64 = 330.0;
const ROW_HEIGHT: f64 = 22.0;
const VALUE_WIDTH: f64 = 70.0;

#[function_component(Waterfall)]
pub fn waterfall(props: &WaterfallProps) -> Html {
    let evidence = &props.evidence;
    // (label, start, end, kind)
    let mut bars: Vec<(String, f64, f64, &'static str)> = Vec::new();
    let prior = evidence.prior_weight_bits;
    bars.push(("Prior (any two records)".into(), 0.0, prior, "prior"));
    let mut running = prior;
    let n_missing = evidence
        .fields
        .iter()
        .filter(|f| f.weight_bits == 0.0 && f.level == "missing")
        .count();
    // A field missing on one side weighs nothing: counted in the caption, not drawn.
    for field in evidence
        .fields
        .iter()
        .filter(|f| !(f.weight_bits == 0.0 && f.level == "missing"))
    {
        let next = running + field.weight_bits;
        let values = match (&field.left_value, &field.right_value) {
            (Some(l), Some(r)) if l == r => l.clone(),
            (Some(l), Some(r)) => format!("{l} / {r}"),
            (Some(v), None) | (None, Some(v)) => format!("{v} / —"),
            (None, None) => "—".into(),
        };
        let kind = if field.weight_bits >= 0.0 {
            "for"
        } else {
            "against"
        };
        bars.push((
            format!(
                "{}: {} ({})",
                field.field.label(),
                shorten(&values),
                field.level
            ),
            running,
            next,
            kind,
        ));
        running = next;
    }
    bars.push(("Total".into(), 0.0, evidence.total_weight_bits, "total"));
    let (low, high) = bars
        .iter()
        .flat_map(|(_, a, b, _)| [*a, *b])
        .filter(|x| x.is_finite())
        .fold((0.0f64, 0.0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    let span = (high - low).max(1.0);
    let plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let x = |bits: f64| LABEL_WIDTH + (bits.clamp(low, high) - low) / span * plot;
    let height = ROW_HEIGHT * bars.len() as f64 + 24.0;
    let caption = format!(
        "Prior {:+.1} bits, plus {} field{} compared adding {:+.1} bits ({} missing on one side, weighing nothing), gives {:+.1} bits: a match probability of {}{}.",
        prior,
        evidence.fields.len() - n_missing,
        if evidence.fields.len() - n_missing == 1 { "" } else { "s" },
        evidence.total_weight_bits - prior,
        n_missing,
        evidence.total_weight_bits,
        probability_text(evidence.match_probability),
        if matches!(evidence.reason, Some(converge_core::identity::LinkReason::SameIdentifier(_))) {
            " (linked outright: they share an identifier)"
        } else {
            ""
        }
    );
    html! {
        <figure class="chart waterfall" data-testid="waterfall">
            <svg viewBox={format!("0 0 {WIDTH} {height}")} role="img" aria-label={caption.clone()}>
                <line class="axis" x1={fmt(x(0.0))} x2={fmt(x(0.0))} y1="0" y2={fmt(height - 18.0)} />
                <text class="tick" x={fmt(x(0.0))} y={fmt(height - 4.0)} text-anchor="middle">{ "0 bits" }</text>
                { for bars.iter().enumerate().map(|(idx, (label, start, end, kind))| {
                    let y = idx as f64 * ROW_HEIGHT + 2.0;
                    let (left, right) = (x(start.min(*end)), x(start.max(*end)));
                    let weight = end - start;
                    html! {
                        <g class={classes!("bar", *kind)}>
                            <text class="label" x={fmt(LABEL_WIDTH - 6.0)} y={fmt(y + 14.0)} text-anchor="end">{ label.clone() }</text>
                            <rect x={fmt(left)} y={fmt(y + 3.0)} width={fmt((right - left).max(1.5))} height={fmt(ROW_HEIGHT - 6.0)}>
                                <title>{ format!("{label}: {weight:+.2} bits") }</title>
                            </rect>
                            <text class="value" x={fmt(WIDTH - 4.0)} y={fmt(y + 14.0)} text-anchor="end">
                                { if *kind == "total" { format!("{:+.1} = {}", end, probability_text(evidence.match_probability)) } else { format!("{weight:+.1}") } }
                            </text>
                        </g>
                    }
                }) }
            </svg>
            <figcaption class="muted">{ caption }</figcaption>
        </figure>
    }
}

fn fmt(value: f64) -> String {
    format!("{value:.1}")
}

fn shorten(text: &str) -> String {
    const MAX: usize = 34;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

/// A probability as a person reads it: 0.97, 0.9999, or "1" only when it is.
pub fn probability_text(probability: f64) -> String {
    if probability >= 1.0 {
        return "1".into();
    }
    // Enough decimals to show how far from 1 it is.
    let gap = 1.0 - probability;
    let decimals = if gap <= 0.0 {
        2
    } else {
        ((-gap.log10()).ceil() as usize + 1).clamp(2, 8)
    };
    format!("{probability:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::probability_text;

    #[test]
    fn probabilities_show_how_far_from_one_they_are() {
        assert_eq!(probability_text(0.9), "0.90");
        assert_eq!(probability_text(0.99932), "0.99932");
        assert_eq!(probability_text(1.0), "1");
        assert_eq!(probability_text(0.5), "0.50");
    }
}
