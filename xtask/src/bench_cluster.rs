//! `cargo xtask bench cluster`: Converge's k-means against scikit-learn's `KMeans` on the same
//! 200,000 × 8 generated customers, the same k (8) and the same restarts (10), in one run.
//!
//! Both sides use every core (scikit-learn through OpenMP, Converge one restart per thread).
//! Both sides are timed on the fit alone (data read and standardised beforehand): Converge as
//! `converge cluster` reports it on stderr, scikit-learn around `KMeans.fit`. The whole
//! `converge cluster` process (reading the CSV, writing it back with a cluster column) is shown
//! too. Both inertias are printed: Converge must be at most scikit-learn's. Then the same fit in
//! the browser: the core compiled to wasm32 (`kmeansInertia` of the worker's JavaScript API) in a
//! Web Worker of headless Chromium, against the native fit on one core (`taskset -c 0`, as the
//! browser runs restarts one after another); the target is at most 2× native. Written to
//! `docs/benchmarks/cluster.md`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::bench::{median, python_with, today};
use crate::project_root;
use crate::tasks::{build_app, run};
use crate::tools::{self, Need};

const N_ROWS: usize = 200_000;
const N_FEATURES: usize = 8;
const K: usize = 8;
const N_INIT: usize = 10;
const RUNS: usize = 3;

pub fn bench_cluster() -> anyhow::Result<()> {
    let root = project_root();
    let file = generate(&root)?;
    let load = crate::bench::load_average();
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    let converge = root.join("target/release/converge");
    let summary = root.join("target/bench/cluster-summary.json");
    let columns: Vec<String> = (1..=N_FEATURES).map(|f| format!("f{f}")).collect();
    let mut fit_seconds = Vec::new();
    let mut inertia = f64::NAN;
    let whole = median(RUNS, || {
        let started = Instant::now();
        let out = Command::new(&converge)
            .args(["cluster", "--standardize", "--seed", "0", "-o", "/dev/null"])
            .args(["--k", &K.to_string(), "--n-init", &N_INIT.to_string()])
            .args(["--columns", &columns.join(",")])
            .arg("--summary")
            .arg(&summary)
            .arg(&file)
            .output()?;
        if !out.status.success() {
            bail!(
                "converge cluster failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let elapsed = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let fit: f64 = stderr
            .split("clustered in ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|s| s.parse().ok())
            .context("converge cluster reports its clustering time")?;
        fit_seconds.push(fit);
        let json = std::fs::read_to_string(&summary)?;
        inertia = json
            .split("\"inertia\": ")
            .nth(1)
            .and_then(|rest| rest.split([',', '\n']).next())
            .and_then(|s| s.trim().parse().ok())
            .context("the summary holds the inertia")?;
        Ok(elapsed)
    })?;
    fit_seconds.sort_by(f64::total_cmp);
    let fit = fit_seconds[fit_seconds.len() / 2];
    let one_core = native_fit_on_one_core(&converge, &columns, &file);
    let browser = tools::install(Need::Everything)
        .and_then(|()| build_app())
        .and_then(|()| browser_fit(&root, &file));

    let peer = python_with(
        &root,
        "seg-venv",
        &["scikit-learn", "pandas", "numpy"],
        "import sklearn, pandas, numpy",
    )
    .and_then(|python| {
        let default = sklearn_runs(&python, &file, None)?;
        let one_thread = sklearn_runs(&python, &file, Some(1))?;
        Ok((default, one_thread))
    });

    let mut table = String::new();
    let _ = writeln!(table, "# Clustering benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench cluster` on {}: k-means with k = {K}, {N_INIT} restarts (k-means++), on \
         {N_ROWS} generated customers × {N_FEATURES} features (8 overlapping Gaussian groups), \
         standardised (z-scores), median of {RUNS} runs on this machine (2 cores shared with \
         other work: load average {} when the benchmark started). The fit is timed alone on both \
         sides; scikit-learn runs its default (greedy k-means++, Lloyd, tolerance 1e-4, OpenMP on \
         every core); Converge shares its restarts among the cores (classic k-means++, Lloyd with \
         Hamerly's bounds until the centres settle by the same tolerance, then the winning run \
         alone to a fixed point and Hartigan moves; in the browser the runs go one after another).\n",
        today(),
        load
    );
    let _ = writeln!(table, "| tool | seconds | inertia | Converge is … faster |");
    let _ = writeln!(table, "|---|---:|---:|---:|");
    let _ = writeln!(
        table,
        "| converge cluster, whole process (read CSV, fit, write CSV) | {whole:.3} | {inertia:.4} | — |"
    );
    let _ = writeln!(
        table,
        "| converge cluster, fit alone (Rust) | {fit:.3} | {inertia:.4} | — |"
    );
    match peer {
        Ok(((seconds, sk_inertia, version), (one_thread, _, _))) => {
            let _ = writeln!(
                table,
                "| scikit-learn {version} `KMeans(n_clusters={K}, n_init={N_INIT}).fit` | {seconds:.3} | {sk_inertia:.4} | {:.1}× (fit), {:.1}× (whole process) |",
                seconds / fit,
                seconds / whole
            );
            let _ = writeln!(
                table,
                "| scikit-learn {version}, one thread (`OMP_NUM_THREADS=1`) | {one_thread:.3} | | {:.1}× (fit) |",
                one_thread / fit
            );
            let _ = writeln!(
                table,
                "\nscikit-learn's OpenMP threads wait for each other on a loaded machine, which is why \
                 its default can be slower than one thread here; the fair comparison depends on the \
                 machine's load, so both are shown.\n"
            );
            let _ = writeln!(
                table,
                "Inertia: Converge {inertia:.6}, scikit-learn {sk_inertia:.6} (Converge − scikit-learn = {:+.3e}, relative {:+.2e}).",
                inertia - sk_inertia,
                inertia / sk_inertia - 1.0
            );
        }
        Err(err) => {
            let _ = writeln!(table, "| scikit-learn | not run: {err:#} | | |");
        }
    }
    let _ = writeln!(table, "\n## In the browser\n");
    let _ = writeln!(
        table,
        "The same fit (standardise, k = {K}, {N_INIT} restarts, seed 0) with the core compiled to \
         wasm32, in a Web Worker of headless Chromium (`kmeansInertia`, timed around the call; the \
         CSV is parsed beforehand), against the native fit on one core (`taskset -c 0`: the \
         browser runs the restarts one after another). Target: at most 2× native.\n"
    );
    let _ = writeln!(table, "| run | seconds | inertia | wasm ÷ native |");
    let _ = writeln!(table, "|---|---:|---:|---:|");
    match (&one_core, &browser) {
        (Ok((native, native_inertia)), Ok((wasm, wasm_inertia))) => {
            let _ = writeln!(
                table,
                "| native, one core (`taskset -c 0 converge cluster`, fit alone) | {native:.3} | {native_inertia:.4} | — |"
            );
            let _ = writeln!(
                table,
                "| wasm in Chromium (worker, one thread) | {wasm:.3} | {wasm_inertia:.4} | {:.2}× |",
                wasm / native
            );
            let _ = writeln!(
                table,
                "\nSame inertia natively and in the browser: {} (difference {:+.3e}).",
                if (native_inertia - wasm_inertia).abs() <= 1e-9 * native_inertia.abs() {
                    "yes"
                } else {
                    "no"
                },
                wasm_inertia - native_inertia
            );
        }
        (native, wasm) => {
            for (name, outcome) in [("native, one core", native), ("wasm in Chromium", wasm)] {
                match outcome {
                    Ok((seconds, inertia)) => {
                        let _ = writeln!(table, "| {name} | {seconds:.3} | {inertia:.4} | |");
                    }
                    Err(err) => {
                        let _ = writeln!(table, "| {name} | not run: {err:#} | | |");
                    }
                }
            }
        }
    }
    println!("\n{table}");
    let out = root.join("docs/benchmarks/cluster.md");
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// The native fit time on one core (median of [`RUNS`]) and its inertia.
fn native_fit_on_one_core(
    converge: &Path,
    columns: &[String],
    file: &Path,
) -> anyhow::Result<(f64, f64)> {
    let mut inertia = f64::NAN;
    let summary = file.with_extension("one-core.json");
    let seconds = median(RUNS, || {
        let out = Command::new("taskset")
            .args(["-c", "0"])
            .arg(converge)
            .args(["cluster", "--standardize", "--seed", "0", "-o", "/dev/null"])
            .args(["--k", &K.to_string(), "--n-init", &N_INIT.to_string()])
            .args(["--columns", &columns.join(",")])
            .arg("--summary")
            .arg(&summary)
            .arg(file)
            .output()?;
        if !out.status.success() {
            bail!(
                "taskset converge cluster failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let json = std::fs::read_to_string(&summary)?;
        inertia = json
            .split("\"inertia\": ")
            .nth(1)
            .and_then(|rest| rest.split([',', '\n']).next())
            .and_then(|s| s.trim().parse().ok())
            .context("the summary holds the inertia")?;
        String::from_utf8_lossy(&out.stderr)
            .split("clustered in ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|s| s.parse().ok())
            .context("converge cluster reports its clustering time")
    })?;
    Ok((seconds, inertia))
}

/// The wasm fit time in headless Chromium (median of [`RUNS`], seconds) and its inertia.
fn browser_fit(root: &Path, file: &Path) -> anyhow::Result<(f64, f64)> {
    let line = crate::bench::run_browser_bench(
        root,
        "cluster",
        &[
            ("CONVERGE_BENCH_FILE", file.into()),
            ("CONVERGE_BENCH_K", K.to_string().into()),
            ("CONVERGE_BENCH_N_INIT", N_INIT.to_string().into()),
        ],
    )?;
    let mut times: Vec<f64> = line
        .split("\"converge_ms\":[")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .context("the browser's times")?
        .split(',')
        .filter_map(|ms| ms.trim().parse().ok())
        .collect();
    times.sort_by(f64::total_cmp);
    let ms = *times
        .get(times.len() / 2)
        .context("at least one browser run")?;
    let inertia = line
        .split("\"inertia\":")
        .nth(1)
        .and_then(|rest| rest.split([',', '}']).next())
        .and_then(|s| s.trim().parse().ok())
        .context("the browser's inertia")?;
    Ok((ms / 1000.0, inertia))
}

/// scikit-learn's fit time (median of [`RUNS`]), its inertia and its version; `threads` caps
/// OpenMP's threads.
fn sklearn_runs(
    python: &Path,
    file: &Path,
    threads: Option<usize>,
) -> anyhow::Result<(f64, f64, String)> {
    let script = format!(
        "import sys, time\n\
         import numpy as np, pandas as pd, sklearn\n\
         from sklearn.cluster import KMeans\n\
         from sklearn.preprocessing import StandardScaler\n\
         x = StandardScaler().fit_transform(pd.read_csv(sys.argv[1]).to_numpy(dtype=float))\n\
         times = []\n\
         for run in range({RUNS}):\n\
         \x20   started = time.perf_counter()\n\
         \x20   model = KMeans(n_clusters={K}, n_init={N_INIT}, random_state=run).fit(x)\n\
         \x20   times.append(time.perf_counter() - started)\n\
         \x20   print('inertia', run, repr(float(model.inertia_)))\n\
         print('median', sorted(times)[len(times) // 2])\n\
         print('version', sklearn.__version__)\n"
    );
    let mut command = Command::new(python);
    command.arg("-c").arg(script).arg(file);
    if let Some(threads) = threads {
        command
            .env("OMP_NUM_THREADS", threads.to_string())
            .env("OPENBLAS_NUM_THREADS", threads.to_string());
    }
    let text = crate::bench::stdout_of(&mut command)?;
    let value = |key: &str| -> Option<&str> {
        text.lines()
            .find_map(|line| line.strip_prefix(key))
            .map(str::trim)
    };
    let seconds: f64 = value("median ").context("scikit-learn's time")?.parse()?;
    // The best inertia scikit-learn reached over its runs: the bar Converge must not exceed.
    let inertia = text
        .lines()
        .filter_map(|line| line.strip_prefix("inertia "))
        .filter_map(|rest| rest.split(' ').nth(1)?.parse::<f64>().ok())
        .fold(f64::INFINITY, f64::min);
    let version = value("version ").unwrap_or("?").to_owned();
    Ok((seconds, inertia, version))
}

/// Writes the benchmark's customers once: 8 Gaussian groups in 8 features, overlapping, with
/// features on different scales (as money and counts are), from a fixed seed.
fn generate(root: &Path) -> anyhow::Result<PathBuf> {
    let path = root.join(format!("target/bench/cluster-{N_ROWS}x{N_FEATURES}.csv"));
    if path.exists() {
        return Ok(path);
    }
    std::fs::create_dir_all(path.parent().context("bench folder")?)?;
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let scales: Vec<f64> = (0..N_FEATURES).map(|f| 10f64.powi(f as i32 % 4)).collect();
    let centres: Vec<f64> = (0..K * N_FEATURES)
        .map(|idx| (rng.uniform() * 8.0 - 4.0) * scales[idx % N_FEATURES])
        .collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let header: Vec<String> = (1..=N_FEATURES).map(|f| format!("f{f}")).collect();
    writeln!(out, "{}", header.join(","))?;
    for _ in 0..N_ROWS {
        let group = ((rng.uniform() * K as f64) as usize).min(K - 1);
        let row: Vec<String> = (0..N_FEATURES)
            .map(|f| {
                let spread = 1.5 * scales[f];
                format!(
                    "{:.4}",
                    centres[group * N_FEATURES + f] + rng.normal() * spread
                )
            })
            .collect();
        writeln!(out, "{}", row.join(","))?;
    }
    out.flush()?;
    Ok(path)
}

/// xorshift64*: deterministic, and no dependency for xtask.
struct XorShift(u64);

impl XorShift {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}
