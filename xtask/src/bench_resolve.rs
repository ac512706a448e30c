//! `cargo xtask bench resolve`: `converge resolve` against recordlinkage and Splink (DuckDB) on
//! the FEBRL data sets and on two generated customer bases, the same files, in one run: time and
//! pairwise F1 side by side, and the FEBRL resolutions in the browser (the worker's wasm in
//! headless Chromium). `cargo xtask bench resolve --native` leaves the browser out (no app build,
//! no Chromium).
//!
//! The FEBRL data ships with recordlinkage; `tests/data/identity/export_febrl.py` writes it to
//! `target/bench/febrl/` (it is not committed). The generated bases are `converge demo --base
//! common-names` (4,000 people) and `--base households` (40,000 people), seed 1, written to
//! `target/bench/bases/<name>/` with their `truth.csv`; the Python peers map each export's
//! columns to one schema by hand (`customer_base.py`) as a careful user would. Each tool writes
//! `source,record_id,customer_id` and the one script `pairwise_f1.py` scores them all (from the
//! sizes of the groups: no list of pairs); on the bases it also scores Converge's households
//! (`--households`) against the true ones, which the peers have no notion of. Every tool is
//! timed from reading the files to the customers, as the Python peers time themselves
//! (interpreter start-up and imports left out): Converge as `converge resolve` reports it on
//! standard error (on every core), and in the browser as `resolveBench` of the worker's
//! JavaScript API (one thread). The whole `converge resolve` process (start-up, reading,
//! resolving, writing the CSV) is shown too. Median of three runs; a peer that takes over
//! [`LONG_RUN_SECONDS`] is run once. A last row times Converge alone on the demo company (seven
//! exports, 10,000 customers), and the `#[ignore]`d test in
//! `crates/core/tests/identity_scale.rs` resolves a million generated records natively and
//! reports its time and peak memory (VmHWM). The load average before and after is written too:
//! on a shared machine a short process waits for a core.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use super::{load_average, python_with, run_browser_bench, stdout_of, today, RUNS};
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

/// The generated customer bases: `converge demo --base NAME --people N --seed 1`, and what they
/// hold.
const BASES: [(&str, u32, &str); 2] = [
    (
        "common-names",
        4_000,
        "4 exports (CRM, shop, support, social), names from 40 first × 58 last names",
    ),
    (
        "households",
        40_000,
        "5 exports (CRM, web orders, `;`-delimited loyalty, support, social), 30 % of people \
         living with one to three others who share landline, address, often surname and e-mail; \
         nicknames, typos, \"Surname, First\" and phone formats",
    ),
];

/// A peer whose first run takes longer than this many seconds is run once, not [`RUNS`] times.
const LONG_RUN_SECONDS: f64 = 30.0;

struct Outcome {
    seconds: f64,
    runs: usize,
    precision: f64,
    recall: f64,
    f1: f64,
    /// Of the false pairs, the share whose two records are of one household (scored against a
    /// base's people only).
    false_in_household: Option<f64>,
}

/// One data set's rows, in the order the table shows them.
struct Measured {
    converge: anyhow::Result<Outcome>,
    whole_process: anyhow::Result<Outcome>,
    browser: anyhow::Result<Outcome>,
    recordlinkage: anyhow::Result<Outcome>,
    splink: anyhow::Result<Outcome>,
}

/// A generated base's rows.
struct MeasuredBase {
    name: &'static str,
    what: String,
    n_records: usize,
    converge: anyhow::Result<Outcome>,
    whole_process: anyhow::Result<Outcome>,
    households: anyhow::Result<Outcome>,
    recordlinkage: anyhow::Result<Outcome>,
    splink: anyhow::Result<Outcome>,
}

/// Where a resolution's truth is: FEBRL's record ids, or a base's `truth.csv` (by person, or by
/// household).
#[derive(Clone, Copy)]
enum Truth<'a> {
    FebrlIds,
    People(&'a Path),
    Households(&'a Path),
}

/// What scores and runs the Python side: the venv's interpreter and the scripts' folder.
struct Peers {
    python: PathBuf,
    splink: anyhow::Result<PathBuf>,
    scripts: PathBuf,
}

pub fn bench_resolve() -> anyhow::Result<()> {
    let native_only = std::env::args().any(|arg| arg == "--native");
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
    let peers = Peers {
        python,
        splink,
        scripts,
    };
    let versions = stdout_of(Command::new(&peers.python).args([
        "-c",
        "import importlib.metadata as m\n\
         for p in ['recordlinkage', 'splink', 'duckdb', 'pandas', 'jellyfish']:\n\
         \x20   try: print(p, m.version(p))\n\
         \x20   except m.PackageNotFoundError: print(p, 'not installed')",
    ]))?;
    let version_of = |package: &str| {
        versions
            .lines()
            .find_map(|line| line.strip_prefix(package)?.strip_prefix(' '))
            .unwrap_or("?")
            .to_owned()
    };
    let splink_name = format!(
        "Splink {} (Python, DuckDB {})",
        version_of("splink"),
        version_of("duckdb")
    );
    let recordlinkage_name = format!(
        "recordlinkage {} (Python, ECM)",
        version_of("recordlinkage")
    );

    let data = root.join("target/bench/febrl");
    run(Command::new(&peers.python)
        .arg(peers.scripts.join("export_febrl.py"))
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
        let mut args: Vec<String> = files.iter().map(|f| (*f).to_owned()).collect();
        args.extend(["--id", "rec_id", "-o"].map(str::to_owned));
        args.push(ours_out.display().to_string());
        let (whole, in_process) = time_converge(&converge, &data, &args);
        let peer = |script: &str, interpreter: Result<&Path, &anyhow::Error>| {
            let out_file = data.join(format!("{name}_{script}.csv"));
            let interpreter = interpreter.map_err(|err| anyhow::anyhow!("{err:#}"))?;
            let mut args = vec![out_file.display().to_string()];
            args.extend(files.iter().map(|f| (*f).to_owned()));
            let (seconds, runs) =
                time_peer(interpreter, &peers.scripts.join(script), &args, &data)?;
            peers.score(&out_file, Truth::FebrlIds, seconds, runs)
        };
        measured.push(Measured {
            converge: in_process.and_then(|s| peers.score(&ours_out, Truth::FebrlIds, s, RUNS)),
            whole_process: whole.and_then(|s| peers.score(&ours_out, Truth::FebrlIds, s, RUNS)),
            browser: Err(anyhow::anyhow!("not run yet")),
            recordlinkage: peer("recordlinkage_peer.py", Ok(&peers.python)),
            splink: peer("splink_peer.py", peers.splink.as_deref()),
        });
    }

    // The generated customer bases, natively.
    let load_before_bases = load_average();
    let mut bases = Vec::new();
    for (name, n_people, what) in BASES {
        bases.push(measure_base(
            &converge, &peers, &root, name, n_people, what,
        )?);
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
    let browser = if native_only {
        Err(anyhow::anyhow!("--native"))
    } else {
        tools::install(Need::Everything)
            .and_then(|()| build_app())
            .and_then(|()| browser_resolve(&root, &demo_files))
    };
    for ((name, _, _), row) in DATA_SETS.iter().zip(&mut measured) {
        row.browser = match &browser {
            Ok(seconds) => seconds
                .iter()
                .find(|(set, _)| set == name)
                .context("the browser resolved every data set")
                .and_then(|(_, seconds)| {
                    peers.score(
                        &root.join(format!("target/bench/{name}_wasm.csv")),
                        Truth::FebrlIds,
                        *seconds,
                        RUNS,
                    )
                }),
            Err(err) => Err(anyhow::anyhow!("{err:#}")),
        };
    }

    let mut table = String::new();
    let _ = writeln!(table, "# Identity resolution benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench resolve{}` (it builds `converge` with `cargo build --release -p converge-cli` \
         first; `--native` leaves out the browser) on {}, this machine ({n_threads} cores, shared with other \
         builds; the load average is given at the end), median of {RUNS} runs (a peer whose run takes over {LONG_RUN_SECONDS:.0} s \
         is run once). recordlinkage {}, Splink {} with DuckDB {}, pandas {}, jellyfish {}.\n",
        if native_only { " --native" } else { "" },
        today(),
        version_of("recordlinkage"),
        version_of("splink"),
        version_of("duckdb"),
        version_of("pandas"),
        version_of("jellyfish"),
    );
    write_summary(&mut table, &measured, &bases);
    let _ = writeln!(table, "\n## FEBRL\n");
    let _ = writeln!(
        table,
        "Pairwise precision, recall and F1 against FEBRL's truth (records of one person share the number in `rec_id`), \
         every tool's clusters scored by the same script. Every tool is timed from reading the CSV files to the \
         customers, as the Python peers time themselves (interpreter start-up and imports left out): Converge as \
         `converge resolve` reports it (its default threshold, nothing tuned per data set, comparisons shared among \
         the cores), and in the browser as `resolveBench` of the worker's JavaScript API (one thread, in a Web \
         Worker of headless Chromium). The whole `converge resolve` process (start-up, reading, resolving, writing \
         the CSV) is shown as well. recordlinkage is blocking on given name, surname and birth date, string and \
         exact comparisons and its ECM classifier, pairs closed into clusters; Splink is its DuckDB backend with the \
         FEBRL-example settings (see `tests/data/identity/*_peer.py`). The last column is recordlinkage's time over \
         the row's. On a shared machine times vary by half between runs; the rows of a data set are runs made one \
         after the other under the same load (the browser's after all the native ones).\n",
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
            (recordlinkage_name.clone(), &row.recordlinkage),
            (splink_name.clone(), &row.splink),
        ] {
            write_row(&mut table, &data_set, &tool, outcome.as_ref(), reference);
        }
    }
    write_bases(
        &mut table,
        &bases,
        n_threads,
        &recordlinkage_name,
        &splink_name,
        &load_before_bases,
    );

    let demo_seconds = super::median(RUNS, || {
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
    let n_records = count_records(&demo.join("resolved.csv"))?;
    let _ = writeln!(table, "\n## Scale\n");
    let _ = writeln!(
        table,
        "The demo company (7 exports, {n_records} records, 10,000 customers), `converge resolve` of all \
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
        "\nNatively: {line} (`cargo test --release -p converge-core --test identity_scale -- --ignored`)."
    );
    let _ = writeln!(
        table,
        "\nLoad average (one minute) before: {load_before}; before the generated bases: {load_before_bases}; \
         after: {}.",
        load_average()
    );
    println!("\n{table}");
    let out = root.join("docs/benchmarks/resolve.md");
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// Generates one base with the release CLI and measures Converge and both peers on it.
fn measure_base(
    converge: &Path,
    peers: &Peers,
    root: &Path,
    name: &'static str,
    n_people: u32,
    what: &str,
) -> anyhow::Result<MeasuredBase> {
    let dir = root.join("target/bench/bases").join(name);
    run(Command::new(converge)
        .args(["demo", "--base", name, "--people"])
        .arg(n_people.to_string())
        .args(["--seed", "1", "--out"])
        .arg(&dir))?;
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|file| {
            file != "truth.csv"
                && !file.starts_with("resolved_")
                && Path::new(file).extension().is_some_and(|ext| ext == "csv")
        })
        .collect();
    files.sort();
    let truth = dir.join("truth.csv");
    let n_records = count_records(&truth)?;

    let ours = dir.join("resolved_converge.csv");
    let households = dir.join("resolved_converge_households.csv");
    let mut args = files.clone();
    args.extend([
        "-o".to_owned(),
        ours.display().to_string(),
        "--households".to_owned(),
        households.display().to_string(),
    ]);
    let (whole, in_process) = time_converge(converge, &dir, &args);
    let peer = |script: &str, interpreter: Result<&Path, &anyhow::Error>| {
        let out_file = dir.join(format!("resolved_{}.csv", script.trim_end_matches(".py")));
        let interpreter = interpreter.map_err(|err| anyhow::anyhow!("{err:#}"))?;
        let mut args = vec!["--base".to_owned(), out_file.display().to_string()];
        args.extend(files.iter().cloned());
        let (seconds, runs) = time_peer(interpreter, &peers.scripts.join(script), &args, &dir)?;
        peers.score(&out_file, Truth::People(&truth), seconds, runs)
    };
    Ok(MeasuredBase {
        name,
        what: format!("{n_people} people, {n_records} records; {what}"),
        n_records,
        converge: in_process
            .as_ref()
            .map_err(|err| anyhow::anyhow!("{err:#}"))
            .and_then(|s| peers.score(&ours, Truth::People(&truth), *s, RUNS)),
        whole_process: whole.and_then(|s| peers.score(&ours, Truth::People(&truth), s, RUNS)),
        households: in_process
            .and_then(|s| peers.score(&households, Truth::Households(&truth), s, RUNS)),
        recordlinkage: peer("recordlinkage_peer.py", Ok(&peers.python)),
        splink: peer("splink_peer.py", peers.splink.as_deref()),
    })
}

/// `converge resolve ARGS` in `dir`, [`RUNS`] times: the median seconds of the whole process, and
/// of reading and resolving as the command reports them (each the failure, if it failed).
fn time_converge(
    converge: &Path,
    dir: &Path,
    args: &[String],
) -> (anyhow::Result<f64>, anyhow::Result<f64>) {
    match converge_runs(converge, dir, args) {
        Ok((whole, in_process)) => (Ok(whole), Ok(in_process)),
        Err(err) => (Err(anyhow::anyhow!("{err:#}")), Err(err)),
    }
}

fn converge_runs(converge: &Path, dir: &Path, args: &[String]) -> anyhow::Result<(f64, f64)> {
    let mut whole = Vec::new();
    let mut in_process = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let out = Command::new(converge)
            .arg("resolve")
            .args(args)
            .current_dir(dir)
            .output()?;
        whole.push(started.elapsed().as_secs_f64());
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            bail!("converge resolve failed: {stderr}");
        }
        in_process.push(reported_seconds(&stderr)?);
    }
    Ok((middle(whole), middle(in_process)))
}

/// A peer script's seconds as it prints them (its last line): the median of [`RUNS`] runs, or of
/// one if that took over [`LONG_RUN_SECONDS`]; and the number of runs.
fn time_peer(
    python: &Path,
    script: &Path,
    args: &[String],
    dir: &Path,
) -> anyhow::Result<(f64, usize)> {
    let mut seconds = Vec::new();
    while seconds.len() < RUNS {
        let stdout = stdout_of(Command::new(python).arg(script).args(args).current_dir(dir))?;
        let run: f64 = stdout
            .lines()
            .last()
            .context("the peer prints its seconds")?
            .trim()
            .parse()?;
        seconds.push(run);
        if run > LONG_RUN_SECONDS {
            break;
        }
    }
    let runs = seconds.len();
    Ok((middle(seconds), runs))
}

fn middle(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The data rows of a CSV file (its lines less the header).
fn count_records(csv: &Path) -> anyhow::Result<usize> {
    Ok(std::fs::read_to_string(csv)
        .with_context(|| format!("reading {}", csv.display()))?
        .lines()
        .count()
        .saturating_sub(1))
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

impl Peers {
    /// Scores `resolved` against `truth` with `pairwise_f1.py`.
    fn score(
        &self,
        resolved: &Path,
        truth: Truth<'_>,
        seconds: f64,
        runs: usize,
    ) -> anyhow::Result<Outcome> {
        let mut command = Command::new(&self.python);
        command
            .arg(self.scripts.join("pairwise_f1.py"))
            .arg(resolved);
        match truth {
            Truth::FebrlIds => {}
            Truth::People(path) => {
                command.arg(path);
            }
            Truth::Households(path) => {
                command.arg(path).arg("--households");
            }
        }
        let stdout =
            stdout_of(&mut command).with_context(|| format!("scoring {}", resolved.display()))?;
        let figures: Vec<f64> = stdout
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()?;
        let (precision, recall, f1, false_in_household) = match figures[..] {
            [precision, recall, f1] => (precision, recall, f1, None),
            [precision, recall, f1, share] => (precision, recall, f1, Some(share)),
            _ => bail!("pairwise_f1.py prints three or four figures"),
        };
        Ok(Outcome {
            seconds,
            runs,
            precision,
            recall,
            f1,
            false_in_household,
        })
    }
}

/// The seconds of an outcome, and how many runs they are the median of when fewer than [`RUNS`].
fn seconds_cell(outcome: &Outcome) -> String {
    if outcome.runs < RUNS {
        format!("{:.4} ({} run)", outcome.seconds, outcome.runs)
    } else {
        format!("{:.4}", outcome.seconds)
    }
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
                "| {data_set} | {tool} | {} | {:.4} | {:.4} | {:.4} | {ratio} |",
                seconds_cell(o),
                o.precision,
                o.recall,
                o.f1
            );
        }
        Err(err) => {
            let _ = writeln!(table, "| {data_set} | {tool} | not run: {err:#} | | | | |");
        }
    }
}

/// One line per data set: each tool's F1 and time, and the peers' against Converge's.
fn write_summary(table: &mut String, febrl: &[Measured], bases: &[MeasuredBase]) {
    let _ = writeln!(
        table,
        "Summary: pairwise F1 against the truth, and seconds from reading the files to the customers \
         (Converge as `converge resolve` reports them, the peers as they time themselves; details below). \
         \"× Converge\" is the peer's time over Converge's, \"ΔF1\" the peer's F1 less Converge's.\n"
    );
    let _ = writeln!(
        table,
        "| data | records | Converge F1 | Converge s | recordlinkage F1 (ΔF1) | recordlinkage s (× Converge) | Splink F1 (ΔF1) | Splink s (× Converge) |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let rows = febrl
        .iter()
        .zip(DATA_SETS)
        .map(|(row, (name, _, _))| {
            let n_records = match name {
                "febrl1" => 1_000,
                "febrl3" => 5_000,
                _ => 10_000,
            };
            (
                name,
                n_records,
                &row.converge,
                &row.recordlinkage,
                &row.splink,
            )
        })
        .chain(bases.iter().map(|base| {
            (
                base.name,
                base.n_records,
                &base.converge,
                &base.recordlinkage,
                &base.splink,
            )
        }));
    for (name, n_records, converge, recordlinkage, splink) in rows {
        let Ok(ours) = converge else {
            let _ = writeln!(table, "| {name} | {n_records} | not run | | | | | |");
            continue;
        };
        let versus = |peer: &anyhow::Result<Outcome>| match peer {
            Ok(peer) => (
                format!("{:.4} ({:+.4})", peer.f1, peer.f1 - ours.f1),
                format!(
                    "{:.2} ({:.0}×{})",
                    peer.seconds,
                    peer.seconds / ours.seconds,
                    if peer.runs < RUNS { ", 1 run" } else { "" }
                ),
            ),
            Err(_) => ("not run".to_owned(), "not run".to_owned()),
        };
        let (recordlinkage_f1, recordlinkage_s) = versus(recordlinkage);
        let (splink_f1, splink_s) = versus(splink);
        let _ = writeln!(
            table,
            "| {name} | {n_records} | {:.4} | {} | {recordlinkage_f1} | {recordlinkage_s} | {splink_f1} | {splink_s} |",
            ours.f1,
            seconds_cell(ours),
        );
    }
}

/// The generated bases' section: how they are made and run, and one table.
fn write_bases(
    table: &mut String,
    bases: &[MeasuredBase],
    n_threads: usize,
    recordlinkage_name: &str,
    splink_name: &str,
    load: &str,
) {
    let _ = writeln!(table, "\n## Generated customer bases\n");
    let _ = writeln!(
        table,
        "`converge demo --base NAME --people N --seed 1 --out target/bench/bases/NAME` (release CLI), \
         scored against its `truth.csv` (the person behind every row) by the same script; load average \
         {load} when they started. Converge reads the exports as they are (`converge resolve FILE... -o OUT \
         --households OUT`, its defaults; the record id is the row). For the peers, every export's columns \
         are mapped by hand to one schema, as a careful user would (`tests/data/identity/customer_base.py`: \
         first name and surname, split from a full name where the export has one, \"Surname, First\" \
         read as such, lower case, accents dropped; e-mail; phone as its last 9 digits, with the CRM's \
         home number as a second one; postcode; city; street; birth date as an ISO date; social handle), \
         timed with their run. Splink: NameComparison (Jaro-Winkler 0.92/0.88/0.7) with term-frequency \
         adjustments on first name and surname, exact e-mail, phone and handle with term-frequency \
         adjustments (phone with a level for either of a CRM's two numbers), PostcodeComparison, exact city \
         with term-frequency adjustments, Jaro-Winkler on street, DateOfBirthComparison; blocking on \
         surname + first initial, e-mail, phone (and the second number), postcode + first name, handle; \
         λ from deterministic rules, u by `estimate_u_using_random_sampling(max_pairs=1e7)`, m by EM on \
         first name + surname and on birth date; predictions clustered at 0.9 by \
         `cluster_pairwise_predictions_at_threshold`. recordlinkage: blocking on the surname's Soundex \
         with the first initial, and on e-mail, phone and handle; Jaro-Winkler ≥ 0.85 on names and street, \
         exact on the rest; ECM; connected components. The peers have no notion of a household: the \
         households row is Converge's `--households` output against the true households (pairwise, records \
         of one household), from the same runs. \"False pairs within one household\": of the pairs a tool put \
         in one customer that are two people, the share of those who live together. The last two columns \
         compare each peer with Converge's reading → customers.\n"
    );
    for base in bases {
        let _ = writeln!(table, "- {}: {}", base.name, base.what);
    }
    let _ = writeln!(
        table,
        "\n| data | tool | seconds | precision | recall | F1 | false pairs within one household | seconds ÷ Converge's | F1 − Converge's |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for base in bases {
        let reference = base.converge.as_ref().ok();
        let data_set = base.name;
        // The rows, and whether they are set beside Converge's (its own are not).
        for (tool, outcome, compared) in [
            (
                format!("converge resolve (Rust, {n_threads} threads), reading → customers"),
                &base.converge,
                false,
            ),
            (
                "converge resolve, whole process (with --households)".to_owned(),
                &base.whole_process,
                false,
            ),
            (
                "Converge's households (--households, against the true households)".to_owned(),
                &base.households,
                false,
            ),
            (recordlinkage_name.to_owned(), &base.recordlinkage, true),
            (splink_name.to_owned(), &base.splink, true),
        ] {
            let o = match outcome {
                Ok(o) => o,
                Err(err) => {
                    let _ = writeln!(
                        table,
                        "| {data_set} | {tool} | not run: {err:#} | | | | | | |"
                    );
                    continue;
                }
            };
            let in_household = o
                .false_in_household
                .map_or("—".to_owned(), |share| format!("{:.0} %", share * 100.0));
            let (ratio, difference) = match reference {
                Some(ours) if compared => (
                    format!("{:.1}×", o.seconds / ours.seconds),
                    format!("{:+.4}", o.f1 - ours.f1),
                ),
                _ => ("—".to_owned(), "—".to_owned()),
            };
            let _ = writeln!(
                table,
                "| {data_set} | {tool} | {} | {:.4} | {:.4} | {:.4} | {in_household} | {ratio} | {difference} |",
                seconds_cell(o),
                o.precision,
                o.recall,
                o.f1,
            );
        }
    }
    let _ = writeln!(
        table,
        "\nCut for time, and chosen: recordlinkage's blocking on the surname's sound alone gives the households \
         base 107 million pairs, past what it compares on this machine, so the first initial is added (12 million \
         pairs, some minutes and about 9 GB); blocking on the sounds of both names (3.5 million) was tried, but \
         then a block's first names nearly always agree and ECM, taking the log of a zero probability, calls \
         every pair of the common-names base a match. Splink's u keeps the recommended \
         `max_pairs=1e7` (nothing cut); its second EM session is on birth date, as Splink's tutorial has it \
         (on e-mail, tried as well, it learns the names' m from family members who share an address, and \
         its F1 on households falls). A peer that takes over {LONG_RUN_SECONDS:.0} s is run once. Why the \
         peers fall on households: there nearly all their false pairs are two people who live together \
         (the column above). Both add up independent evidence, and a family shares address, landline, \
         often surname and e-mail; against that, a differing first name weighs little, since Splink's EM \
         (5.0.0 here) learns that about 8 % of one person's records carry another first name (nicknames: \
         \"Jim\" for James) and gives it about −3.5 bits.\n"
    );
}
