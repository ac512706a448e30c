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

/// Times the Network view's analytics on one edge list, for `cargo xtask bench influence`: edge
/// `i` goes from node `sources[i]` to node `targets[i]` with `weights[i]` (repeats add up; nodes
/// are numbered by the caller and enter the graph in the order they first appear, as the CLI's
/// do). Returns `[build_ms, pagerank_ms, louvain_ms, modularity, n_communities,
/// pagerank_iterations, n_nodes, n_edges]`: PageRank (α 0.85, tolerance 1e-6) and Louvain
/// (seed 0), each run whole in this thread. Fails on arrays of different lengths or a bad weight.
#[wasm_bindgen(js_name = influenceBench)]
pub fn influence_bench(
    sources: &[u32],
    targets: &[u32],
    weights: &[f64],
) -> Result<Vec<f64>, JsError> {
    use converge_core::network::{GraphBuilder, Louvain, NodeId, PageRank};
    if sources.len() != targets.len() || sources.len() != weights.len() {
        return Err(JsError::new(&format!(
            "influenceBench needs as many targets and weights as sources: {} sources, {} targets, {} weights",
            sources.len(),
            targets.len(),
            weights.len()
        )));
    }
    let started = js_sys::Date::now();
    let mut builder = GraphBuilder::directed();
    builder.reserve(sources.len());
    let mut ids: std::collections::HashMap<u32, NodeId> = std::collections::HashMap::new();
    for ((source, target), weight) in sources.iter().zip(targets).zip(weights) {
        if !weight.is_finite() || *weight < 0.0 {
            return Err(JsError::new(&format!(
                "the weight of {source} → {target} is {weight}, not a number ≥ 0"
            )));
        }
        let mut id_of = |node: u32| -> Result<NodeId, JsError> {
            if let Some(id) = ids.get(&node) {
                return Ok(*id);
            }
            let id = builder
                .node(&node.to_string())
                .map_err(|err| JsError::new(&err.to_string()))?;
            ids.insert(node, id);
            Ok(id)
        };
        let from = id_of(*source)?;
        let to = id_of(*target)?;
        builder.add_edge_by_id(from, to, *weight);
    }
    let graph = builder.finish();
    let built = js_sys::Date::now();
    let pagerank = PageRank::params()
        .start(&graph)
        .map_err(|err| JsError::new(&err.to_string()))?
        .run();
    let ranked = js_sys::Date::now();
    let communities = Louvain::params()
        .seed(0)
        .start(&graph)
        .map_err(|err| JsError::new(&err.to_string()))?
        .run();
    let grouped = js_sys::Date::now();
    Ok(vec![
        built - started,
        ranked - built,
        grouped - ranked,
        communities.modularity,
        communities.n_communities as f64,
        pagerank.iterations as f64,
        graph.n_nodes() as f64,
        graph.n_edges() as f64,
    ])
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

/// Resolves identities as `converge resolve FILE… --id <id_column>` does (one thread, as the
/// worker runs it), for `cargo xtask bench resolve`: file `i` is named `names[i]` and holds
/// `contents[i]` (any format ingestion reads). Returns `[read_ms, resolve_ms, n_customers,
/// csv]`, the CSV being `source,record_id,customer_id` per kept record, which the benchmark
/// scores against the data's truth. Fails on a file ingestion cannot read.
#[wasm_bindgen(js_name = resolveBench)]
pub fn resolve_bench(
    names: Vec<String>,
    contents: Vec<String>,
    id_column: Option<String>,
) -> Result<js_sys::Array, JsError> {
    use std::fmt::Write as _;

    use converge_core::identity::{map_identity_columns, recency_column, Resolve, Source};
    use converge_core::ingest::{ingest, ReadOptions};
    use converge_core::schema::{detect, Overrides};

    let started = js_sys::Date::now();
    let mut tables = Vec::with_capacity(names.len());
    for (name, content) in names.iter().zip(contents) {
        let ingested = ingest(
            name,
            std::io::Cursor::new(content.into_bytes()),
            ReadOptions::default(),
        )
        .map_err(|err| JsError::new(&format!("{name}: {err}")))?;
        tables.push(ingested.table);
    }
    let sources: Vec<Source<'_>> = names
        .iter()
        .zip(&tables)
        .map(|(name, table)| {
            let schema = detect(table, &Overrides::default());
            Source {
                name: name.clone(),
                table,
                columns: map_identity_columns(table, &schema, id_column.as_deref()),
                recency: recency_column(table, &schema),
            }
        })
        .collect();
    let read = js_sys::Date::now();
    let resolution = Resolve::params()
        .fit(&sources, |_| std::ops::ControlFlow::Continue(()))
        .map_err(|err| JsError::new(&err.to_string()))?;
    let resolved = js_sys::Date::now();
    let mut csv = String::from("source,record_id,customer_id\n");
    for assignment in &resolution.assignments {
        let record = assignment.record;
        let Some(source) = sources.get(record.source_idx as usize) else {
            continue;
        };
        let by_column = id_column
            .as_deref()
            .and_then(|id| source.table.column(id)?.display(record.row_idx as usize));
        let record_id = by_column.unwrap_or_else(|| (u64::from(record.row_idx) + 1).to_string());
        let _ = writeln!(csv, "{},{record_id},{}", source.name, assignment.customer.0);
    }
    let n_customers = resolution.customers.len() as f64;
    Ok([
        JsValue::from(read - started),
        JsValue::from(resolved - read),
        JsValue::from(n_customers),
        JsValue::from(csv),
    ]
    .into_iter()
    .collect())
}
