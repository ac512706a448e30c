//! Which loaded table a view reads, when more than one would do: a labelled `<select>`, shown only
//! when there is a choice.

use converge_wasm::protocol::{DatasetId, DatasetSummary};
use yew::prelude::*;

use crate::format;

#[derive(Properties, PartialEq)]
pub struct DatasetPickerProps {
    /// What the tables hold, as the label says it ("Texts from").
    pub label: AttrValue,
    pub testid: AttrValue,
    /// The tables the view can read.
    pub candidates: Vec<DatasetSummary>,
    pub selected: Option<DatasetId>,
    pub on_pick: Callback<Option<DatasetId>>,
}

#[function_component(DatasetPicker)]
pub fn dataset_picker(props: &DatasetPickerProps) -> Html {
    if props.candidates.len() < 2 {
        return Html::default();
    }
    let onchange = {
        let on_pick = props.on_pick.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() {
                on_pick.emit(select.value().parse().ok().map(DatasetId));
            }
        })
    };
    html! {
        <label class="field">
            <span>{ props.label.clone() }</span>
            <select data-testid={props.testid.clone()} {onchange}>
                { for props.candidates.iter().map(|candidate| html! {
                    <option value={candidate.id.0.to_string()} selected={Some(candidate.id) == props.selected}>
                        { format!("{} ({} rows)", candidate.name, format::count(candidate.n_rows)) }
                    </option>
                }) }
            </select>
        </label>
    }
}
