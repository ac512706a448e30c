//! `cargo xtask bench ingest`: Converge against the tools a user would otherwise reach for, on
//! the same generated file, side by side in one run.
//!
//! Natively: the `converge` CLI (release) against pandas and polars `read_csv` (installed into a
//! virtual environment under `target/`; skipped, and said so, if pip cannot install them). In the
//! browser: the app's worker against PapaParse, in the same headless Chromium. Each is run three
//! times and the median is kept. Results are printed and written to `docs/benchmarks/ingest.md`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

#[path = "bench_influence.rs"]
mod bench_influence;
#[path = "bench_resolve.rs"]
mod resolve;

use crate::project_root;
use crate::tasks::{build_app, run};
use crate::tools::{self, Need, CHROMIUM};

const TARGET_BYTES: u64 = 100_000_000;
const RUNS: usize = 3;

pub fn run_bench(what: &str) -> anyhow::Result<()> {
    match what {
        "ingest" => bench_ingest(),
        "sentiment" => bench_sentiment(),
        "influence" => bench_influence(),
        "cluster" => crate::bench_cluster::bench_cluster(),
        "resolve" => resolve::bench_resolve(),
        "live" => crate::bench_live::bench_live(),
        _ => bail!("unknown benchmark `{what}`; try `cargo xtask bench ingest`, `sentiment`, `influence`, `cluster`, `resolve` or `live`"),
    }
}

/// Texts scored per run: the 6,000 reference sentences, repeated.
const N_TEXTS: usize = 100_000;

/// `cargo xtask bench sentiment`: Converge's VADER against the reference Python package on the
/// same 100,000 texts (natively), written to `docs/benchmarks/sentiment.md`.
fn bench_sentiment() -> anyhow::Result<()> {
    tools::install(Need::Everything)?;
    let root = project_root();
    let load = load_average();
    let reference = std::fs::read_to_string(root.join("tests/data/sentiment/vader_reference.tsv"))?;
    let sentences: Vec<String> = reference
        .lines()
        .filter_map(|line| line.rsplitn(5, '\t').nth(4))
        .filter(|text| !text.contains("\\n"))
        .map(str::to_owned)
        .collect();
    let texts: Vec<&str> = sentences
        .iter()
        .map(String::as_str)
        .cycle()
        .take(N_TEXTS)
        .collect();
    let file = root.join("target/bench/texts-100k.txt");
    std::fs::create_dir_all(file.parent().context("bench folder")?)?;
    std::fs::write(&file, texts.join("\n") + "\n")?;

    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    let converge = root.join("target/release/converge");
    // The whole process, and the scoring alone as `converge sentiment` reports it on stderr.
    let mut scoring_seconds = Vec::new();
    let ours = median(RUNS, || {
        let started = Instant::now();
        let out = Command::new(&converge)
            .args(["sentiment", "--lines", "-o", "/dev/null"])
            .arg(&file)
            .output()?;
        if !out.status.success() {
            bail!("converge sentiment failed");
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let scoring_ms: f64 = stderr
            .split("scoring took ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|ms| ms.parse().ok())
            .context("converge sentiment reports its scoring time")?;
        scoring_seconds.push(scoring_ms / 1000.0);
        Ok(started.elapsed().as_secs_f64())
    })?;
    scoring_seconds.sort_by(f64::total_cmp);
    let scoring = scoring_seconds[scoring_seconds.len() / 2];
    let peer = python_with(
        &root,
        "vader",
        &["vaderSentiment==3.3.2"],
        "import vaderSentiment",
    )
    .and_then(|python| {
        median(RUNS, || {
            python_seconds(
                &python,
                "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer\n\
                 analyzer = SentimentIntensityAnalyzer()\n\
                 texts = open(path, encoding='utf-8').read().splitlines()\n\
                 started = time.perf_counter()\n\
                 for text in texts: analyzer.polarity_scores(text)",
                &file,
            )
        })
    });
    let mut table = String::new();
    let _ = writeln!(table, "# Sentiment benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench sentiment` on {}: {N_TEXTS} texts (the differential test's sentences, repeated), \
         median of {RUNS} runs on this machine ({} cores, load average {} when the run started: the ratios move with the load). Converge is timed twice: the whole `converge sentiment --lines` \
         process (start-up, reading, scoring, writing CSV), and the scoring alone as the command reports it; \
         Python's time is its scoring loop alone, lexicon loaded, which compares with the latter.\n",
        today(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load,
    );
    let _ = writeln!(table, "| tool | seconds | texts/s | Converge is … faster |");
    let _ = writeln!(table, "|---|---:|---:|---:|");
    let _ = writeln!(
        table,
        "| converge sentiment, whole process (Rust, batches on every core) | {ours:.3} | {:.0} | — |",
        N_TEXTS as f64 / ours
    );
    let _ = writeln!(
        table,
        "| converge sentiment, scoring alone | {scoring:.3} | {:.0} | — |",
        N_TEXTS as f64 / scoring
    );
    match peer {
        Ok(seconds) => {
            let _ = writeln!(
                table,
                "| vaderSentiment 3.3.2 (Python), scoring loop | {seconds:.3} | {:.0} | {:.1}× whole process, {:.1}× scoring alone |",
                N_TEXTS as f64 / seconds,
                seconds / ours,
                seconds / scoring
            );
        }
        Err(err) => {
            let _ = writeln!(
                table,
                "| vaderSentiment 3.3.2 (Python) | not run: {err:#} | | |"
            );
        }
    }
    build_app()?;
    match sentiment_browser_bench(&root, &file) {
        Ok(browser) => {
            let _ = writeln!(
                table,
                "\nIn headless Chromium, in one Web Worker, on the same {} texts (median of {RUNS} runs): \
                 Converge's wasm (`scoreSentiment`, the reference-compatible scorer) against the npm \
                 `vader-sentiment` 1.1.3 port. The two agree within 1e-3 on {} of the texts (the JS port \
                 is an older VADER: it differs from vaderSentiment 3.3.2 where Converge matches it).\n",
                browser.n_texts, browser.agree
            );
            let _ = writeln!(table, "| tool | ms | texts/s | Converge is … faster |");
            let _ = writeln!(table, "|---|---:|---:|---:|");
            let _ = writeln!(
                table,
                "| Converge (wasm) | {:.0} | {:.0} | — |",
                browser.converge_ms,
                browser.n_texts as f64 / (browser.converge_ms / 1000.0)
            );
            let _ = writeln!(
                table,
                "| vader-sentiment 1.1.3 (npm, JavaScript) | {:.0} | {:.0} | {:.1}× |",
                browser.peer_ms,
                browser.n_texts as f64 / (browser.peer_ms / 1000.0),
                browser.peer_ms / browser.converge_ms
            );
        }
        Err(err) => {
            let _ = writeln!(table, "\nThe browser comparison did not run: {err:#}");
        }
    }
    println!("\n{table}");
    let out = root.join("docs/benchmarks/sentiment.md");
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// `cargo xtask bench influence`: PageRank and Louvain against networkx on one graph of a million
/// edges (see `bench_influence.rs`), written to `docs/benchmarks/influence.md`.
fn bench_influence() -> anyhow::Result<()> {
    let root = project_root();
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    let python = python_with(
        &root,
        "nx-venv",
        &["networkx==3.6.1", "scipy==1.17.1", "numpy==2.4.6"],
        "import networkx, scipy",
    );
    bench_influence::bench(&root, python, &today())
}

fn bench_ingest() -> anyhow::Result<()> {
    tools::install(Need::Everything)?;
    let root = project_root();
    let file = generate_orders(&root.join("target/bench/orders-100mb.csv"))?;
    let megabytes = std::fs::metadata(&file)?.len() as f64 / 1e6;

    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    let converge = root.join("target/release/converge");
    let native = median(RUNS, || {
        let started = Instant::now();
        let status = Command::new(&converge)
            .args(["inspect", "--json"])
            .arg(&file)
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("converge inspect failed");
        }
        Ok(started.elapsed().as_secs_f64())
    })?;

    let python = python_with_peers(&root);
    let mut peers: Vec<(&str, Option<f64>, String)> = Vec::new();
    for (name, code) in [
        ("pandas.read_csv", "import pandas as pd; pd.read_csv(path)"),
        ("polars.read_csv", "import polars as pl; pl.read_csv(path)"),
    ] {
        let timed = python
            .as_ref()
            .map_err(|err| format!("{err:#}"))
            .and_then(|python| {
                median(RUNS, || python_seconds(python, code, &file))
                    .map_err(|err| format!("{err:#}"))
            });
        match timed {
            Ok(seconds) => peers.push((name, Some(seconds), String::new())),
            Err(why) => peers.push((name, None, why)),
        }
    }

    build_app()?;
    let browser = browser_bench(&root, &file)?;

    let mut table = String::new();
    let _ = writeln!(table, "# Ingestion benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench ingest` on {}: a generated orders export of {megabytes:.0} MB ({} rows, 6 columns: id, email, \
         decimal amount, ISO date, channel, quoted note). Median of {RUNS} runs on this machine ({} cores). \
         Converge's figures include type inference, typed columnar storage, per-column statistics and role detection.\n",
        today(),
        browser.rows,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(
        table,
        "| where | tool | seconds | MB/s | Converge is … faster |"
    );
    let _ = writeln!(table, "|---|---|---:|---:|---:|");
    let _ = writeln!(
        table,
        "| native | converge inspect (Rust, 1 thread) | {native:.2} | {:.0} | — |",
        megabytes / native
    );
    for (name, seconds, why) in &peers {
        match seconds {
            Some(seconds) => {
                let _ = writeln!(
                    table,
                    "| native | {name} | {seconds:.2} | {:.0} | {:.2}× |",
                    megabytes / seconds,
                    seconds / native
                );
            }
            None => {
                let _ = writeln!(table, "| native | {name} | not run: {why} | | |");
            }
        }
    }
    let ours = browser.converge_ms as f64 / 1000.0;
    let papa = browser.papaparse_ms as f64 / 1000.0;
    let _ = writeln!(
        table,
        "| headless Chromium | Converge (wasm, in its worker) | {ours:.2} | {:.0} | — |",
        megabytes / ours
    );
    let _ = writeln!(table, "| headless Chromium | PapaParse 5.5 (header, dynamicTyping) | {papa:.2} | {:.0} | {:.2}× |", megabytes / papa, papa / ours);
    println!("\n{table}");
    let out = root.join("docs/benchmarks/ingest.md");
    std::fs::create_dir_all(out.parent().expect("docs/benchmarks has a parent"))?;
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// Writes the benchmark's orders export once; later runs reuse it.
fn generate_orders(path: &Path) -> anyhow::Result<PathBuf> {
    if std::fs::metadata(path).is_ok_and(|meta| meta.len() >= TARGET_BYTES) {
        return Ok(path.to_path_buf());
    }
    std::fs::create_dir_all(path.parent().context("bench file has a folder")?)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut written = out.write(b"order_id,email,amount,order_date,channel,note\n")? as u64;
    let mut row_idx: u64 = 0;
    while written < TARGET_BYTES {
        let line = format!(
            "O{row_idx:08},customer{}@example.com,{}.{:02},2025-{:02}-{:02},{},\"{}\"\n",
            row_idx % 50_000,
            row_idx % 500,
            row_idx % 97,
            1 + row_idx % 12,
            1 + row_idx % 28,
            ["web", "app", "store"][(row_idx % 3) as usize],
            if row_idx.is_multiple_of(7) {
                "gift, wrapped \"\"nicely\"\""
            } else {
                "thanks"
            },
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        row_idx += 1;
    }
    out.flush()?;
    Ok(path.to_path_buf())
}

/// A Python with pandas and polars, in `target/bench-venv` (made and filled on first use).
fn python_with_peers(root: &Path) -> anyhow::Result<PathBuf> {
    python_with(
        root,
        "bench-venv",
        &["pandas", "polars"],
        "import pandas, polars",
    )
}

/// A Python virtual environment `target/<name>` holding `packages`, made and filled on first use;
/// `check` is the import that says it is ready.
pub(crate) fn python_with(
    root: &Path,
    name: &str,
    packages: &[&str],
    check: &str,
) -> anyhow::Result<PathBuf> {
    let venv = root.join("target").join(name);
    let python = venv.join("bin/python");
    let ready = Command::new(&python)
        .args(["-c", check])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if ready {
        return Ok(python);
    }
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet"])
        .args(packages)
        .env("PIP_CACHE_DIR", root.join("target/pip-cache")))
    .with_context(|| format!("installing {} with pip", packages.join(" and ")))?;
    Ok(python)
}

fn python_seconds(python: &Path, code: &str, file: &Path) -> anyhow::Result<f64> {
    // `code` may reset `started` itself, to leave its set-up out of the time.
    let script = format!(
        "import time, sys\npath = sys.argv[1]\nstarted = time.perf_counter()\n{code}\nprint(time.perf_counter() - started)"
    );
    let stdout = stdout_of(Command::new(python).arg("-c").arg(script).arg(file))?;
    Ok(stdout.trim().parse()?)
}

/// What `command` printed, or its failure with the last line of its standard error (a Python
/// traceback ends with the exception).
pub(crate) fn stdout_of(command: &mut Command) -> anyhow::Result<String> {
    let out = command.output()?;
    if !out.status.success() {
        bail!(
            "{} failed: {}",
            command.get_program().to_string_lossy(),
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("no message")
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

struct BrowserResult {
    converge_ms: u64,
    papaparse_ms: u64,
    rows: String,
}

fn browser_bench(root: &Path, file: &Path) -> anyhow::Result<BrowserResult> {
    let line = run_browser_bench(root, "ingest", &[("CONVERGE_BENCH_FILE", file.into())])?;
    let line = line.as_str();
    let rows = line
        .split("\"converge\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("?")
        .to_owned();
    Ok(BrowserResult {
        converge_ms: json_median(line, "converge_ms")? as u64,
        papaparse_ms: json_median(line, "papaparse_ms")? as u64,
        rows,
    })
}

struct SentimentBrowserResult {
    n_texts: u64,
    agree: u64,
    converge_ms: f64,
    peer_ms: f64,
}

fn sentiment_browser_bench(root: &Path, file: &Path) -> anyhow::Result<SentimentBrowserResult> {
    let line = run_browser_bench(root, "sentiment", &[("CONVERGE_BENCH_FILE", file.into())])?;
    let line = line.as_str();
    Ok(SentimentBrowserResult {
        n_texts: json_number(line, "n_texts")? as u64,
        agree: json_number(line, "agree")? as u64,
        converge_ms: json_median(line, "converge_ms")?,
        peer_ms: json_median(line, "vader_js_ms")?,
    })
}

/// Runs `tests/bench/<name>.mjs` (the browser side of a benchmark: the built app's worker in
/// headless Chromium) with `env` and [`RUNS`] runs, and gives the last line it printed: its
/// results, as one JSON object.
pub(crate) fn run_browser_bench(
    root: &Path,
    name: &str,
    env: &[(&str, std::ffi::OsString)],
) -> anyhow::Result<String> {
    let mut command = Command::new("node");
    command
        .arg(format!("tests/bench/{name}.mjs"))
        .current_dir(root)
        .env("CONVERGE_DIST", root.join("dist"))
        .env("CONVERGE_CHROMIUM", CHROMIUM)
        .env("CONVERGE_BENCH_RUNS", RUNS.to_string())
        .envs(env.iter().map(|(key, value)| (*key, value)))
        .stderr(Stdio::inherit());
    let out = command.output()?;
    if !out.status.success() {
        bail!("the browser benchmark failed");
    }
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().last().unwrap_or("").to_owned())
}

/// The number after `"key":` in a one-line JSON object.
fn json_number(line: &str, key: &str) -> anyhow::Result<f64> {
    let start = line
        .find(&format!("\"{key}\":"))
        .with_context(|| format!("`{key}` in the benchmark output"))?
        + key.len()
        + 3;
    let rest = &line[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    Ok(rest[..end].trim().parse()?)
}

/// The median of the number list after `"key":` in a one-line JSON object.
fn json_median(line: &str, key: &str) -> anyhow::Result<f64> {
    let start = line
        .find(&format!("\"{key}\":["))
        .with_context(|| format!("`{key}` in the benchmark output"))?
        + key.len()
        + 4;
    let end = start + line[start..].find(']').context("benchmark output")?;
    let mut values: Vec<f64> = line[start..end]
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().context("no runs")
}

/// The one-minute load average, as `/proc/loadavg` gives it: the context a timing needs.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split(' ').next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

pub(crate) fn median(
    runs: usize,
    mut measure: impl FnMut() -> anyhow::Result<f64>,
) -> anyhow::Result<f64> {
    let mut seconds = (0..runs)
        .map(|_| measure())
        .collect::<anyhow::Result<Vec<f64>>>()?;
    seconds.sort_by(f64::total_cmp);
    Ok(seconds[seconds.len() / 2])
}

pub(crate) fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .unwrap_or_default()
}
