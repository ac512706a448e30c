//! A dataset's columns: type, meaning (editable), completeness, and what the values look like.

use converge_core::ingest::ColumnReport;
use converge_core::schema::{Field, FieldGuess, Overrides};
use converge_wasm::protocol::DatasetSummary;
use yew::prelude::*;

use super::HistogramChart;
use crate::format;
use crate::worker::use_worker;

#[derive(Properties, PartialEq)]
pub struct ColumnTableProps {
    pub dataset: DatasetSummary,
}

#[function_component(ColumnTable)]
pub fn column_table(props: &ColumnTableProps) -> Html {
    let context = use_worker();
    let dataset = &props.dataset;
    let on_field = {
        let worker = context.worker.clone();
        let dataset_id = dataset.id;
        let overrides = dataset.overrides.clone();
        Callback::from(move |(column, field): (String, Option<Field>)| {
            let mut overrides: Overrides = overrides.clone();
            overrides.fields.retain(|(name, _)| *name != column);
            overrides.fields.push((column, field));
            worker.set_schema(dataset_id, overrides);
        })
    };
    html! {
        <div class="table-scroll unbounded">
            <table class="grid columns">
                <thead>
                    <tr>
                        <th scope="col">{ "Column" }</th>
                        <th scope="col">{ "Type" }</th>
                        <th scope="col">{ "Meaning" }</th>
                        <th scope="col" class="number">{ "Missing" }</th>
                        <th scope="col" class="number">{ "Did not fit" }</th>
                        <th scope="col" class="number">{ "Distinct" }</th>
                        <th scope="col">{ "Distribution" }</th>
                        <th scope="col">{ "Values" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for dataset.report.columns.iter().zip(&dataset.schema.fields).map(|(column, guess)| {
                        column_row(column, guess, dataset.n_rows, on_field.clone())
                    }) }
                </tbody>
            </table>
        </div>
    }
}

fn column_row(
    column: &ColumnReport,
    guess: &FieldGuess,
    n_rows: u64,
    on_field: Callback<(String, Option<Field>)>,
) -> Html {
    let onchange = {
        let name = column.name.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let field = Field::ALL
                .iter()
                .copied()
                .find(|f| f.label() == select.value());
            on_field.emit((name.clone(), field));
        })
    };
    let values = match (&column.min, &column.max) {
        (Some(min), Some(max)) => format!("{min} … {max}"),
        _ => column
            .top_values
            .iter()
            .take(3)
            .map(|top| format!("{} ({})", top.value, format::count(top.count)))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let missing_share = if n_rows == 0 {
        0.0
    } else {
        column.n_missing as f64 / n_rows as f64
    };
    let distinct = if column.distinct_is_exact {
        format::count(column.distinct)
    } else {
        format!("≈ {}", format::count(column.distinct))
    };
    html! {
        <tr key={column.name.clone()}>
            <th scope="row" class="column-name">
                { column.name.clone() }
                { for column.notes.iter().map(|note| html! { <span class="column-note">{ note.clone() }</span> }) }
            </th>
            <td>{ column.column_type.label() }</td>
            <td>
                <select aria-label={format!("Meaning of {}", column.name)} {onchange} title={guess.reason.clone()}>
                    <option value="" selected={guess.field.is_none()}>{ "—" }</option>
                    { for Field::ALL.iter().map(|field| html! {
                        <option value={field.label()} selected={guess.field == Some(*field)}>{ field.label() }</option>
                    }) }
                </select>
                if guess.field.is_some() {
                    <span class="confidence" title={guess.reason.clone()}>{ format!("{:.0}%", guess.confidence * 100.0) }</span>
                }
            </td>
            <td class="number">
                { format::count(column.n_missing) }
                if column.n_missing > 0 {
                    <span class="muted">{ format!(" ({:.0}%)", missing_share * 100.0) }</span>
                }
            </td>
            <td class="number">
                if column.n_invalid == 0 {
                    { "0" }
                } else {
                    <details class="invalid">
                        <summary>{ format::count(column.n_invalid) }</summary>
                        <ul>
                            { for column.invalid_examples.iter().map(|example| html! {
                                <li>{ format!("line {}: {}", example.line, example.value) }</li>
                            }) }
                        </ul>
                    </details>
                }
            </td>
            <td class="number">{ distinct }</td>
            <td>
                if let Some(histogram) = &column.histogram {
                    <HistogramChart histogram={histogram.clone()} label={format!("Distribution of {}", column.name)} />
                }
            </td>
            <td class="values">{ values }</td>
        </tr>
    }
}
