//! Who a customer lives with, in their 360: the other customers of their household (each a
//! link to their own 360), what they share (an address, a landline, a family e-mail), and why
//! each is another customer (the waterfall between a record of each).
//!
//! People who live together share a street, a postcode, often a surname and a landline: enough
//! agreement to look like one person. Resolution keeps them apart and groups them here, so the
//! page says so rather than leaving the user to wonder why "the Okafors" are several customers.

use converge_wasm::protocol::{HouseholdCard as Household, LinkEvidence};
use yew::prelude::*;

use crate::components::{probability_text, Waterfall};

#[derive(Properties, PartialEq)]
pub struct HouseholdCardProps {
    /// The household's other customers; `None` when the customer lives alone.
    pub household: Option<Household>,
}

#[function_component(HouseholdCard)]
pub fn household_card(props: &HouseholdCardProps) -> Html {
    let Some(household) = props.household.as_ref().filter(|h| !h.members.is_empty()) else {
        return html! {
            <section class="subcard" data-testid="household-card" aria-labelledby="household-title">
                <h3 id="household-title">{ "Household" }</h3>
                <p class="muted" data-testid="household-empty">{ "No other customer shares this address or a family phone or e-mail." }</p>
            </section>
        };
    };
    let n_others = household.members.len();
    html! {
        <section class="subcard" data-testid="household-card" data-household={household.id.to_string()} aria-labelledby="household-title">
            <h3 id="household-title">{ "Household" }</h3>
            <p data-testid="household-members">
                { format!("Lives with {n_others} other customer{}: ", if n_others == 1 { "" } else { "s" }) }
                { for household.members.iter().enumerate().map(|(idx, member)| html! {
                    <>
                        if idx > 0 { { ", " } }
                        <a href={format!("#customers/{}", member.id.0)} data-testid="household-member">
                            { member.name.clone().unwrap_or_else(|| format!("customer {}", member.id.0)) }
                        </a>
                    </>
                }) }
            </p>
            if !household.shared.is_empty() {
                <p class="muted small" data-testid="household-shared">{ format!("They share {}.", shared_phrase(&household.shared)) }</p>
            }
            <p class="muted small">{ "Kept as separate customers: living together, their records agree on the address and often the phone and last name, but first names or birth dates say they are different people. One mailer per household reaches them all." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct HouseholdEvidenceProps {
    pub household: Option<Household>,
    /// Per other customer, in the order of `household.members`, the evidence between a record
    /// of each.
    pub evidence: Vec<LinkEvidence>,
}

/// Why each other member of the household is another customer: one waterfall each, folded
/// away until asked for (they are long).
#[function_component(HouseholdEvidence)]
pub fn household_evidence(props: &HouseholdEvidenceProps) -> Html {
    let Some(household) = props.household.as_ref() else {
        return Html::default();
    };
    if props.evidence.is_empty() {
        return Html::default();
    }
    html! {
        <details class="household-evidence" data-testid="household-evidence">
            <summary>{ format!("Why they are separate customers ({})", props.evidence.len()) }</summary>
            { for props.evidence.iter().zip(&household.members).map(|(link, member)| html! {
                <div class="link-evidence">
                    <h4>{ member.name.clone().unwrap_or_else(|| format!("customer {}", member.id.0)) }</h4>
                    <p class="small muted">{ format!("{} row {} ({}) ↔ {} row {} ({}): the model's probability {}", link.left.source, link.left.row, link.left.label, link.right.source, link.right.row, link.right.label, probability_text(link.evidence.match_probability)) }</p>
                    <Waterfall evidence={link.evidence.clone()} />
                </div>
            }) }
        </details>
    }
}

/// "the address 7 elm road ls1 4ab leeds and the phone +44 113 496 0000".
pub fn shared_phrase(shared: &[(String, String)]) -> String {
    let parts: Vec<String> = shared
        .iter()
        .map(|(field, value)| {
            let noun = match field.as_str() {
                "email" => "e-mail",
                other => other,
            };
            format!("the {noun} {value}")
        })
        .collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}
