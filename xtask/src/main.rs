//! Converge's dev commands, in the cargo-xtask style: plain Rust, no shell scripts.
//!
//! See <https://github.com/matklad/cargo-xtask/>. `cargo xtask` alone lists the tasks. Every task
//! first installs what it needs and is missing, so a fresh machine needs nothing but cargo; each
//! install step checks before it acts, so a second run costs seconds.

mod bench;
mod bench_cluster;
mod bench_live;
mod csp;
mod serve;
mod tasks;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
cargo xtask <task>

TASKS:
    serve [--port N]   install what is missing, build the app (release) and serve it on
                       http://127.0.0.1:8080 (or N)
    test               fmt, clippy (native and wasm32), docs, native tests, wasm tests in headless
                       Chromium, then the end-to-end browser tests
    bench ingest       time Converge's import against pandas, polars (natively) and PapaParse (in
                       headless Chromium) on the same generated 100 MB CSV; writes
                       docs/benchmarks/ingest.md
    bench sentiment    time Converge's VADER against vaderSentiment (Python) on 100,000 texts,
                       and its wasm against the npm vader-sentiment port in headless Chromium;
                       writes docs/benchmarks/sentiment.md
    bench influence    time PageRank and Louvain against networkx on a million edges;
                       writes docs/benchmarks/influence.md
    bench cluster      time Converge's k-means against scikit-learn's KMeans on the same 200,000 × 8
                       customers (k = 8, 10 restarts); writes docs/benchmarks/cluster.md
    bench resolve      time converge resolve against recordlinkage and Splink on FEBRL and on
                       generated common-names and households bases, with pairwise F1
                       (--native: no browser runs); writes docs/benchmarks/resolve.md
    bench live         the Live view in headless Chromium on `converge replay`: sustained records/s
                       and latency p50/p95 at 5,000/s; writes docs/benchmarks/live.md
    build              build the app into dist/ (release), as `serve` does, without serving
    install            install the tools the other tasks use (wasm32 target, Trunk, wasm-bindgen,
                       Chromium and ChromeDriver, the npm tools)
    csp                write the Content-Security-Policy hashes into a built index.html, and the
                       worker's policy into _headers (Trunk runs this as its post-build hook)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => port_arg(&args[1..]).and_then(tasks::serve),
        Some("test") => tasks::test(),
        Some("bench") => bench::run_bench(args.get(1).map_or("ingest", String::as_str)),
        Some("build") => tasks::build(),
        Some("install") => tools::install(tools::Need::Everything),
        Some("csp") => csp::run_as_trunk_hook(),
        None | Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn port_arg(args: &[String]) -> anyhow::Result<u16> {
    match args {
        [] => Ok(8080),
        [flag, port] if flag == "--port" => port
            .parse()
            .map_err(|_| anyhow::anyhow!("--port takes a number from 1 to 65535, not `{port}`")),
        _ => Err(anyhow::anyhow!("usage: cargo xtask serve [--port N]")),
    }
}

/// The workspace root, whatever directory the task was started from.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
