//! A customer's identifiers that several people use (a family's landline or e-mail, an office
//! switchboard), in their 360: each with how many people and records use it. Resolution weighs
//! such a value as one piece of evidence and never links records on it alone; the card says so,
//! so a user does not take "same phone" for "same person".

use converge_wasm::protocol::SharedIdentifierRow;
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct SharedIdentifiersProps {
    pub identifiers: Vec<SharedIdentifierRow>,
}

#[function_component(SharedIdentifiers)]
pub fn shared_identifiers(props: &SharedIdentifiersProps) -> Html {
    html! {
        <section class="subcard" data-testid="shared-identifiers-card" aria-labelledby="shared-identifiers-title">
            <h3 id="shared-identifiers-title">{ "Shared identifiers" }</h3>
            if props.identifiers.is_empty() {
                <p class="muted" data-testid="shared-identifiers-empty">{ "None of their e-mails, phones, handles or ids is used by anyone else." }</p>
            } else {
                <p class="muted small">{ "Used by several people, so weighed as evidence, never linked on outright." }</p>
                <ul class="shared-identifiers">
                    { for props.identifiers.iter().map(|shared| html! {
                        <li data-testid="shared-identifier" data-field={shared.field.clone()} data-key={shared.value.clone()}>
                            <span class="shared-field">{ shared.field.clone() }</span>
                            <span class="mono">{ shared.shown.clone() }</span>
                            <span class="muted small">{ used_by(shared.n_people, shared.n_records) }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn people(n: u64) -> String {
    format!(
        "{} {}",
        format::count(n),
        if n == 1 { "person" } else { "people" }
    )
}

fn records(n: u64) -> String {
    format!(
        "{} record{}",
        format::count(n),
        if n == 1 { "" } else { "s" }
    )
}

/// "used by 4 people (6 records)".
pub fn used_by(n_people: u64, n_records: u64) -> String {
    format!("used by {} ({})", people(n_people), records(n_records))
}
