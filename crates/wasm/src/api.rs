//! A small JavaScript API over the analytics, for pages that do not use the Converge app.
//!
//! Everything heavy belongs in the worker; these functions answer at once.

use wasm_bindgen::prelude::*;

/// The version of the analytics core, e.g. `"0.1.0"`.
#[wasm_bindgen]
pub fn version() -> String {
    converge_core::VERSION.to_owned()
}

/// The names of the column types a dataset can hold, in the order the app lists them.
#[wasm_bindgen(js_name = columnTypes)]
pub fn column_types() -> Vec<String> {
    use converge_core::table::ColumnType;
    [
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Boolean,
        ColumnType::Date,
        ColumnType::Timestamp,
        ColumnType::Text,
        ColumnType::Category,
    ]
    .into_iter()
    .map(|column_type| column_type.label().to_owned())
    .collect()
}

/// The compound sentiment score (VADER, from -1 to 1) of each text, in order: the analysis the
/// worker runs on customer text, for pages that bring their own texts. It scores as the reference
/// package does (no social reading, no project words) and answers at once, so keep it off a
/// page's main thread for large batches.
#[wasm_bindgen(js_name = scoreSentiment)]
pub fn score_sentiment(texts: Vec<String>) -> Vec<f64> {
    let vader = converge_core::sentiment::Vader::shared();
    texts
        .iter()
        .map(|text| vader.score(text).compound)
        .collect()
}

/// k-means as `converge cluster --standardize --k <k> --n-init <n> --seed <seed>` fits it:
/// z-scored features, k-means++ restarts, the best run polished. `values` holds the rows one
/// after another, `n_features` per row. Returns the inertia (in the z-scored space), which equals
/// the native one for the same data and seed. For `cargo xtask bench cluster`, which times it in
/// a browser worker against the native fit.
#[wasm_bindgen(js_name = kmeansInertia)]
pub fn kmeans_inertia(
    values: Vec<f64>,
    n_features: usize,
    n_segments: usize,
    n_init: usize,
    seed: u32,
) -> Result<f64, JsError> {
    use converge_core::segment::features::{CustomerFeatures, ScalerParams, Scaling};
    use converge_core::segment::kmeans::KMeans;
    use rand::SeedableRng;

    let names = (1..=n_features).map(|f| format!("f{f}")).collect();
    let features = CustomerFeatures::from_rows(names, values)?;
    let scaled = ScalerParams::new(Scaling::ZScore)
        .fit(&features.values)?
        .transform(&features.values);
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(u64::from(seed));
    let model = KMeans::params(n_segments)
        .n_init(n_init)
        .fit(scaled.view(), &mut rng)?;
    Ok(model.inertia)
}
