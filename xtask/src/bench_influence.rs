//! `cargo xtask bench influence`: Converge's PageRank and Louvain against networkx on the same
//! generated graph of a million edges, in one run.
//!
//! The graph is a directed mention graph with planted communities and hubs (a few handles draw
//! most mentions), weights 1–5, and a tenth of the nodes never mentioning anyone (dangling).
//! Converge runs as `converge influence` (release), which reports the time of each stage; Python
//! builds the same `DiGraph` from the same CSV (repeated edges add their weights) and times
//! `nx.pagerank` and `nx.community.louvain_communities(seed=0)` alone. Then the same edges go to
//! the browser: in headless Chromium, a Web Worker runs Converge's wasm (`influenceBench` in the
//! worker's JavaScript API) on them, so the table says what the Network view costs in a tab
//! against the native CLI. Results go to `docs/benchmarks/influence.md`.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

const N_NODES: u64 = 200_000;
const N_EDGES: u64 = 1_000_000;
const N_COMMUNITIES: u64 = 100;

/// xorshift64*: a fixed, dependency-free generator, so the file is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes the benchmark's edge list once; later runs reuse it.
fn generate_edges(path: &Path) -> anyhow::Result<PathBuf> {
    if path.exists() {
        return Ok(path.to_path_buf());
    }
    std::fs::create_dir_all(path.parent().context("bench file has a folder")?)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "source,target,weight")?;
    let mut rng = Rng(0x5EED_0F1F_1CE5);
    let size = N_NODES / N_COMMUNITIES;
    for _ in 0..N_EDGES {
        // Sources: anyone but the tenth who only listen.
        let source = loop {
            let candidate = rng.below(N_NODES);
            if candidate % 10 != 9 {
                break candidate;
            }
        };
        let community = if rng.unit() < 0.8 {
            source / size
        } else {
            rng.below(N_COMMUNITIES)
        };
        // Skewed towards each community's first members: its hubs.
        let member = (size as f64 * rng.unit().powi(3)) as u64;
        let target = community * size + member.min(size - 1);
        writeln!(out, "h{source},h{target},{}", 1 + rng.below(5))?;
    }
    out.flush()?;
    Ok(path.to_path_buf())
}

struct Ours {
    whole: f64,
    pagerank: f64,
    louvain: f64,
    modularity: f64,
    summary: String,
}

fn run_ours(converge: &Path, file: &Path) -> anyhow::Result<Ours> {
    let started = Instant::now();
    let out = Command::new(converge)
        .args(["influence", "--weight", "weight", "-o", "/dev/null"])
        .arg(file)
        .output()?;
    let whole = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        bail!("converge influence failed: {stderr}");
    }
    let timings = stderr
        .lines()
        .find(|line| line.starts_with("influence: reading took"))
        .unwrap_or("");
    let summary = stderr
        .lines()
        .find(|line| line.starts_with("influence: ") && line.contains("nodes"))
        .unwrap_or("");
    let after = |text: &str, key: &str| -> anyhow::Result<f64> {
        text.split(key)
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|number| number.trim_end_matches(',').parse().ok())
            .with_context(|| format!("`{key}` in converge's summary: {stderr}"))
    };
    Ok(Ours {
        whole,
        pagerank: after(timings, "PageRank ")?,
        louvain: after(timings, "Louvain ")?,
        modularity: after(summary, "modularity ")?,
        summary: summary.to_owned(),
    })
}

const PYTHON: &str = r#"
import csv, json, sys, time
import networkx as nx
started = time.perf_counter()
G = nx.DiGraph()
with open(sys.argv[1], newline="") as f:
    rows = csv.reader(f)
    next(rows)
    for source, target, weight in rows:
        w = float(weight)
        data = G.get_edge_data(source, target)
        if data is None:
            G.add_edge(source, target, weight=w)
        else:
            data["weight"] += w
read = time.perf_counter() - started
started = time.perf_counter()
pr = nx.pagerank(G, alpha=0.85, weight="weight")
pagerank = time.perf_counter() - started
started = time.perf_counter()
communities = nx.community.louvain_communities(G, weight="weight", seed=0)
louvain = time.perf_counter() - started
modularity = nx.community.modularity(G, communities, weight="weight")
print(json.dumps({"read": read, "pagerank": pagerank, "louvain": louvain,
                  "modularity": modularity, "communities": len(communities),
                  "version": nx.__version__}))
"#;

struct Theirs {
    read: f64,
    pagerank: f64,
    louvain: f64,
    modularity: f64,
    version: String,
}

fn run_theirs(python: &Path, file: &Path) -> anyhow::Result<Theirs> {
    let text = super::stdout_of(Command::new(python).arg("-c").arg(PYTHON).arg(file))?;
    let field = |key: &str| -> anyhow::Result<f64> {
        text.split(&format!("\"{key}\": "))
            .nth(1)
            .and_then(|rest| rest.split([',', '}']).next())
            .and_then(|number| number.trim().parse().ok())
            .with_context(|| format!("`{key}` in networkx's output: {text}"))
    };
    Ok(Theirs {
        read: field("read")?,
        pagerank: field("pagerank")?,
        louvain: field("louvain")?,
        modularity: field("modularity")?,
        version: text
            .split("\"version\": \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("?")
            .to_owned(),
    })
}

pub fn bench(root: &Path, python: anyhow::Result<PathBuf>, today: &str) -> anyhow::Result<()> {
    let file = generate_edges(&root.join("target/bench/edges-1m.csv"))?;
    let converge = root.join("target/release/converge");
    let ours = run_ours(&converge, &file)?;
    println!("converge: {}", ours.summary);
    let theirs = python.and_then(|python| run_theirs(&python, &file));
    let mut table = String::new();
    let _ = writeln!(table, "# Influence benchmark\n");
    let _ = writeln!(
        table,
        "`cargo xtask bench influence` on {today}: one generated directed mention graph, {N_EDGES} edge rows \
         between {N_NODES} handles ({N_COMMUNITIES} planted communities, hubs, weights 1–5, a tenth of the nodes dangling), \
         one run each on this machine ({} cores, shared). Converge: `converge influence` (release, one thread), \
         each stage timed by the command. networkx: the same CSV into a `DiGraph`, then `nx.pagerank` and \
         `nx.community.louvain_communities(seed=0)`, each timed alone.\n",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
    );
    let _ = writeln!(table, "Converge's summary: `{}`\n", ours.summary);
    let _ = writeln!(
        table,
        "| stage | Converge (s) | networkx (s) | Converge is … faster |"
    );
    let _ = writeln!(table, "|---|---:|---:|---:|");
    match theirs {
        Ok(theirs) => {
            let _ = writeln!(
                table,
                "| PageRank (α 0.85, tol 1e-6) | {:.3} | {:.3} | {:.0}× |",
                ours.pagerank,
                theirs.pagerank,
                theirs.pagerank / ours.pagerank
            );
            let _ = writeln!(
                table,
                "| Louvain (seed 0; Converge best of 3 runs + fine-tuning) | {:.3} | {:.3} | {:.0}× |",
                ours.louvain,
                theirs.louvain,
                theirs.louvain / ours.louvain
            );
            let _ = writeln!(
                table,
                "| whole (Converge: process incl. reading, writing CSV; networkx: reading + both) | {:.3} | {:.3} | {:.0}× |",
                ours.whole,
                theirs.read + theirs.pagerank + theirs.louvain,
                (theirs.read + theirs.pagerank + theirs.louvain) / ours.whole
            );
            let _ = writeln!(
                table,
                "\nModularity (directed): Converge {:.4}, networkx {} {:.4}.",
                ours.modularity, theirs.version, theirs.modularity
            );
        }
        Err(err) => {
            let _ = writeln!(
                table,
                "| PageRank | {:.3} | not run: {err:#} | |",
                ours.pagerank
            );
            let _ = writeln!(table, "| Louvain | {:.3} | not run | |", ours.louvain);
        }
    }
    crate::tasks::build_app()?;
    match browser(root, &file) {
        Ok(wasm) => {
            let _ = writeln!(
                table,
                "\nIn headless Chromium, in one Web Worker, on the same edges (median of {RUNS} runs): Converge's \
                 wasm (`influenceBench`, the code the Network view runs) against the native CLI above. The wasm \
                 graph has {} nodes and {} edges; PageRank took {} iterations; Louvain found {} communities, \
                 modularity {:.4} (native {:.4}).\n",
                wasm.nodes, wasm.edges, wasm.iterations, wasm.communities, wasm.modularity, ours.modularity
            );
            let _ = writeln!(
                table,
                "| stage | wasm in Chromium (s) | native (s) | wasm ÷ native |"
            );
            let _ = writeln!(table, "|---|---:|---:|---:|");
            let _ = writeln!(
                table,
                "| building the graph (from integer ids; native: from the CSV's names, not timed alone) | {:.3} | — | — |",
                wasm.build_ms / 1000.0
            );
            for (stage, wasm_ms, native_s) in [
                ("PageRank", wasm.pagerank_ms, ours.pagerank),
                ("Louvain", wasm.louvain_ms, ours.louvain),
            ] {
                let _ = writeln!(
                    table,
                    "| {stage} | {:.3} | {native_s:.3} | {:.1}× |",
                    wasm_ms / 1000.0,
                    wasm_ms / 1000.0 / native_s
                );
            }
        }
        Err(err) => {
            let _ = writeln!(table, "\nThe browser comparison did not run: {err:#}");
        }
    }
    println!("\n{table}");
    let out = root.join("docs/benchmarks/influence.md");
    std::fs::create_dir_all(out.parent().context("docs/benchmarks has a parent")?)?;
    std::fs::write(&out, table)?;
    println!("written to {}", out.display());
    Ok(())
}

/// Runs in the browser per stage, as medians.
const RUNS: usize = 3;

struct Wasm {
    build_ms: f64,
    pagerank_ms: f64,
    louvain_ms: f64,
    modularity: f64,
    communities: u64,
    iterations: u64,
    nodes: u64,
    edges: u64,
}

fn browser(root: &Path, file: &Path) -> anyhow::Result<Wasm> {
    let line =
        super::run_browser_bench(root, "influence", &[("CONVERGE_BENCH_FILE", file.into())])?;
    let line = line.as_str();
    Ok(Wasm {
        build_ms: super::json_median(line, "build_ms")?,
        pagerank_ms: super::json_median(line, "pagerank_ms")?,
        louvain_ms: super::json_median(line, "louvain_ms")?,
        modularity: super::json_number(line, "modularity")?,
        communities: super::json_number(line, "communities")? as u64,
        iterations: super::json_number(line, "iterations")? as u64,
        nodes: super::json_number(line, "nodes")? as u64,
        edges: super::json_number(line, "edges")? as u64,
    })
}
