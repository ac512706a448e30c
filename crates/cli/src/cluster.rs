//! `converge cluster`: k-means segments of the rows of any file, with a JSON summary.
//!
//! The features are the columns named with `--columns`, or else every numeric column that is not
//! an identifier (a numeric customer id, order id, postcode or phone number would only add noise).
//! Booleans count 0/1, dates as days; a named text column is read as numbers where its values
//! are numbers (`1,234.50`, `12,50`, `€ 12`). A row missing any feature is not guessed: it is skipped,
//! reported on standard error (file, line, reason) and written with an empty `cluster`. With
//! `--k-range` every k is fitted and the best mean silhouette wins (exact up to 10,000 rows, on a
//! seeded sample above). The output is the input's rows as CSV with a `cluster` column
//! (0 the largest segment); the summary holds k, inertia (in the space clustered), silhouette,
//! iterations, the centroids (also in original units when scaled), the elbow curve, each
//! segment's profile and the 2-D principal-component projection of the centres.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use converge_core::export::write_csv;
use converge_core::schema::{detect, Field, Overrides};
use converge_core::segment::features::{CustomerFeatures, Scaler, ScalerParams, Scaling};
use converge_core::segment::kmeans::{KMeans, KMeansModel};
use converge_core::segment::pca::project_2d;
use converge_core::segment::profile::{profile_segments, SegmentProfile};
use converge_core::segment::quality::{
    choose_n_segments, silhouette_sampled, SegmentCountCandidate,
};
use converge_core::table::{Column, ColumnBuilder, ColumnType, Table, Value};
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use crate::rows::{find_column, numbers_of, read_table, RowLines, Skipped};

pub enum SegmentCount {
    Fixed(usize),
    Range(usize, usize),
}

pub struct Options {
    pub input: PathBuf,
    pub columns: Option<Vec<String>>,
    pub n_segments: SegmentCount,
    pub scaling: Scaling,
    pub log_columns: Vec<String>,
    pub seed: u64,
    pub n_init: usize,
    pub max_iterations: usize,
    pub output: Option<PathBuf>,
    pub summary: Option<PathBuf>,
}

/// `2..12`, `2..=12` or `2-12`, both ends included.
pub fn parse_range(text: &str) -> anyhow::Result<(usize, usize)> {
    let (low, high) = text
        .split_once("..=")
        .or_else(|| text.split_once(".."))
        .or_else(|| text.split_once('-'))
        .with_context(|| format!("`{text}` is not a range like 2..12"))?;
    let low: usize = low
        .trim()
        .parse()
        .with_context(|| format!("`{text}`: bad start"))?;
    let high: usize = high
        .trim()
        .parse()
        .with_context(|| format!("`{text}`: bad end"))?;
    anyhow::ensure!(
        low >= 2 && high >= low,
        "`{text}`: the range must be like 2..12"
    );
    Ok((low, high))
}

#[derive(Serialize)]
struct Summary {
    file: String,
    k: usize,
    inertia: f64,
    /// The mean silhouette (exact up to 10,000 clustered rows, sampled above).
    silhouette: Option<f64>,
    iterations: usize,
    converged: bool,
    n_rows: usize,
    n_clustered: usize,
    n_skipped: usize,
    columns: Vec<String>,
    scaling: Scaling,
    log_columns: Vec<String>,
    seed: u64,
    n_init: usize,
    sizes: Vec<usize>,
    /// In the space clustered.
    centroids: Vec<Vec<f64>>,
    /// In the columns' units (present when the features were scaled or logged).
    #[serde(skip_serializing_if = "Option::is_none")]
    centroids_original_units: Option<Vec<Vec<f64>>>,
    scaler: Scaler,
    /// Inertia and silhouette of every k tried (the elbow curve), when a range was given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    k_scan: Vec<SegmentCountCandidate>,
    profiles: Vec<SegmentProfile>,
    /// The two principal axes of the space clustered (for a scatter plot of the segments).
    projection: Projection2d,
    seconds_clustering: f64,
}

#[derive(Serialize)]
struct Projection2d {
    components: [Vec<f64>; 2],
    explained_variance_ratio: [f64; 2],
    /// Each segment's centre on the two axes.
    centroids: Vec<[f64; 2]>,
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    let ingested = read_table(&options.input)?;
    let file = ingested.report.file_name.clone();
    let table = &ingested.table;
    let columns = choose_columns(table, options.columns.as_deref(), &file)?;
    let names: Vec<String> = columns.iter().map(|c| c.name().to_owned()).collect();
    eprintln!("{file}: clustering on {}", names.join(", "));
    let log_features = options
        .log_columns
        .iter()
        .map(|name| {
            names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(name))
                .with_context(|| format!("--log names `{name}`, which is not clustered on"))
        })
        .collect::<anyhow::Result<Vec<usize>>>()?;

    // Rows with every feature present; the others are reported, not guessed.
    let lines = RowLines::new(&ingested);
    let mut skipped = Skipped::default();
    let mut kept_rows = Vec::with_capacity(table.n_rows());
    let mut values = Vec::with_capacity(table.n_rows() * columns.len());
    let numbers: Vec<Vec<Option<f64>>> = columns
        .iter()
        .map(|column| {
            if matches!(
                column.column_type(),
                ColumnType::Text | ColumnType::Category
            ) {
                eprintln!(
                    "{file}: `{}` is text; its values are read as numbers where they are numbers",
                    column.name()
                );
            }
            numbers_of(column).with_context(|| {
                format!(
                    "column `{}` holds {} values, which k-means cannot measure",
                    column.name(),
                    column.column_type().label()
                )
            })
        })
        .collect::<anyhow::Result<_>>()?;
    'rows: for row in 0..table.n_rows() {
        let start = values.len();
        for (column, numbers) in columns.iter().zip(&numbers) {
            match numbers
                .get(row)
                .copied()
                .flatten()
                .filter(|v| v.is_finite())
            {
                Some(value) => values.push(value),
                None => {
                    values.truncate(start);
                    skipped.add(
                        &file,
                        lines.describe(row),
                        format!("`{}` is missing or not a number", column.name()),
                    );
                    continue 'rows;
                }
            }
        }
        kept_rows.push(row);
    }
    skipped.report(&file, "missing values");
    if kept_rows.is_empty() {
        bail!("{file}: no row has every column clustered on");
    }
    let features = CustomerFeatures::from_rows(names.clone(), values)?;
    let scaler = ScalerParams::new(options.scaling)
        .log_features(log_features.clone())
        .fit(&features.values)?;
    let scaled = scaler.transform(&features.values);

    let params = KMeans::params(2)
        .n_init(options.n_init)
        .max_iterations(options.max_iterations);
    let mut rng = Pcg64Mcg::seed_from_u64(options.seed);
    let started = Instant::now();
    let (model, silhouette, k_scan): (KMeansModel, Option<f64>, Vec<SegmentCountCandidate>) =
        match options.n_segments {
            SegmentCount::Fixed(k) => {
                let model = params
                    .clone_with_segments(k)
                    .fit(scaled.view(), &mut rng)
                    .with_context(|| format!("{file}: clustering"))?;
                let clustering = started.elapsed();
                eprintln!("{file}: clustered in {:.3} s", clustering.as_secs_f64());
                let score = silhouette_sampled(scaled.view(), &model.labels, &mut rng);
                (model, score, Vec::new())
            }
            SegmentCount::Range(low, requested_high) => {
                // The silhouette needs at least one segment with two customers.
                let high = requested_high.min(kept_rows.len().saturating_sub(1));
                if high < low {
                    bail!(
                        "{file}: {} rows can be clustered, too few for --k-range {low}..{requested_high}",
                        kept_rows.len()
                    );
                }
                if high < requested_high {
                    eprintln!(
                        "{file}: trying k up to {high} only: there are {} rows",
                        kept_rows.len()
                    );
                }
                let choice =
                    choose_n_segments(scaled.view(), low..=high, &params, &mut rng, |_| {
                        ControlFlow::Continue(())
                    })
                    .with_context(|| format!("{file}: clustering"))?;
                eprintln!(
                    "{file}: clustered in {:.3} s",
                    started.elapsed().as_secs_f64()
                );
                for candidate in &choice.candidates {
                    eprintln!(
                        "  k = {:>2}: inertia {:.4}, silhouette {}",
                        candidate.n_segments,
                        candidate.inertia,
                        candidate
                            .silhouette
                            .map_or("undefined".to_owned(), |s| format!("{s:.4}"))
                    );
                }
                (choice.best, choice.best_silhouette, choice.candidates)
            }
        };
    let seconds_clustering = started.elapsed().as_secs_f64();
    let k = model.n_segments();
    eprintln!(
        "{file}: k = {k}, inertia {:.6}, silhouette {}, {} iterations, sizes {:?}",
        model.inertia,
        silhouette.map_or("undefined".to_owned(), |s| format!("{s:.4}")),
        model.n_iterations,
        model.sizes()
    );

    write_rows(table, &kept_rows, &model.labels, options.output.as_ref())?;

    if let Some(path) = &options.summary {
        let revenue = names.iter().position(|name| {
            let name = name.to_lowercase();
            ["monetary", "revenue", "amount", "spend", "sales"]
                .iter()
                .any(|word| name.contains(word))
        });
        let profiles = profile_segments(&names, features.values.view(), &model.labels, k, revenue)?;
        let centroids: Vec<Vec<f64>> = model.centroids.outer_iter().map(|c| c.to_vec()).collect();
        let scaled_at_all = options.scaling != Scaling::None || !log_features.is_empty();
        let pca = project_2d(scaled.view())?;
        let projection = Projection2d {
            centroids: centroids.iter().map(|c| pca.project(c)).collect(),
            components: pca.components,
            explained_variance_ratio: pca.explained_variance_ratio,
        };
        let summary = Summary {
            file: file.clone(),
            k,
            inertia: model.inertia,
            silhouette,
            iterations: model.n_iterations,
            converged: model.converged,
            n_rows: table.n_rows(),
            n_clustered: kept_rows.len(),
            n_skipped: skipped.total(),
            columns: names,
            scaling: options.scaling,
            log_columns: options.log_columns.clone(),
            seed: options.seed,
            n_init: options.n_init,
            sizes: model.sizes(),
            centroids_original_units: scaled_at_all
                .then(|| centroids.iter().map(|c| scaler.inverse_point(c)).collect()),
            centroids,
            scaler,
            k_scan,
            profiles,
            projection,
            seconds_clustering,
        };
        let out =
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = std::io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
        out.flush()?;
    }
    Ok(())
}

/// The columns to cluster on: those named, or every numeric column that is not an identifier.
fn choose_columns<'t>(
    table: &'t Table,
    named: Option<&[String]>,
    file: &str,
) -> anyhow::Result<Vec<&'t Column>> {
    if let Some(named) = named {
        let columns = named
            .iter()
            .map(|name| find_column(table, name))
            .collect::<anyhow::Result<Vec<_>>>()?;
        return Ok(columns);
    }
    let schema = detect(table, &Overrides::default());
    let mut columns = Vec::new();
    let mut identifiers = Vec::new();
    for (column, guess) in table.columns().iter().zip(&schema.fields) {
        if !matches!(
            column.column_type(),
            ColumnType::Integer | ColumnType::Decimal
        ) {
            continue;
        }
        let is_identifier = matches!(
            guess.field,
            Some(
                Field::CustomerId
                    | Field::OrderId
                    | Field::Phone
                    | Field::Postcode
                    | Field::SessionId
            )
        ) || looks_like_id(column.name());
        if is_identifier {
            identifiers.push(column.name());
        } else {
            columns.push(column);
        }
    }
    if !identifiers.is_empty() {
        eprintln!(
            "{file}: leaving out identifier columns {} (name them with --columns to use them)",
            identifiers.join(", ")
        );
    }
    if columns.is_empty() {
        bail!("{file}: there is no numeric column to cluster on; name columns with --columns");
    }
    Ok(columns)
}

/// `id`, `customer_id`, `order-id`, `CustomerID`, `userId`: a name that says identifier.
fn looks_like_id(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower == "id"
        || ["_id", "-id", " id", ".id", "_no", "_number"]
            .iter()
            .any(|end| lower.ends_with(end))
        || name.ends_with("ID")
        || (name.ends_with("Id") && name.chars().rev().nth(2).is_some_and(|c| c.is_lowercase()))
}

/// The input's rows as CSV with a `cluster` column (empty for skipped rows).
fn write_rows(
    table: &Table,
    kept_rows: &[usize],
    labels: &[usize],
    output: Option<&PathBuf>,
) -> anyhow::Result<()> {
    let mut name = "cluster".to_owned();
    let mut suffix = 1;
    while table.column(&name).is_some() {
        suffix += 1;
        name = format!("cluster_{suffix}");
    }
    let mut cluster = vec![None; table.n_rows()];
    for (&row, &label) in kept_rows.iter().zip(labels) {
        cluster[row] = Some(label);
    }
    let mut builder = ColumnBuilder::new(name, ColumnType::Integer);
    for label in cluster {
        let value = label.map_or(Value::Null, |label| Value::Integer(label as i64));
        builder
            .push(value)
            .map_err(|err| anyhow::anyhow!("building the cluster column: {err:?}"))?;
    }
    let mut columns = table.columns().to_vec();
    columns.push(builder.finish());
    let with_cluster = Table::new(table.name(), columns)?;
    let out: Box<dyn Write> = match output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    write_csv(
        &with_cluster,
        std::io::BufWriter::with_capacity(1 << 16, out),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_names() {
        for name in [
            "id",
            "ID",
            "customer_id",
            "CustomerID",
            "userId",
            "order-id",
            "invoice_no",
        ] {
            assert!(looks_like_id(name), "{name}");
        }
        for name in ["paid", "valid", "Ideas", "width", "spend"] {
            assert!(!looks_like_id(name), "{name}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range("2..12").unwrap(), (2, 12));
        assert_eq!(parse_range("3..=5").unwrap(), (3, 5));
        assert_eq!(parse_range("2-4").unwrap(), (2, 4));
        assert!(parse_range("1..4").is_err());
        assert!(parse_range("5..4").is_err());
        assert!(parse_range("x").is_err());
    }
}
