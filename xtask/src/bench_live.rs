//! `cargo xtask bench live`: how fast the Live view takes a stream, end to end.
//!
//! The release app in headless Chromium connects (Server-Sent Events, in its worker) to
//! `converge replay` (release) on a generated stream of posts, every record a text to score, with
//! every alert rule on: the path a user's stream takes. Two figures (`tests/bench/live.mjs`):
//! the sustained records per second the page processes when the server sends as fast as it can
//! (the issue's target is 20,000/s), and the latency from send to display, p50 and p95, at a
//! steady 5,000 records/s. Results go to `docs/benchmarks/live.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::bench::{load_average, today};
use crate::tasks::{build_app, run};
use crate::tools::{self, Need, CHROMIUM};

const THROUGHPUT_RECORDS: u64 = 300_000;
const LATENCY_RATE: u64 = 5_000;
const LATENCY_SECONDS: u64 = 30;
/// The issue's target for sustained throughput, records per second.
const TARGET_RATE: f64 = 20_000.0;

pub fn bench_live() -> anyhow::Result<()> {
    let root = crate::project_root();
    run(Command::new("cargo")
        .args(["build", "--release", "-p", "converge-cli"])
        .current_dir(&root))?;
    tools::install(Need::Everything)?;
    build_app()?;
    let line = browser_run(&root)?;
    let throughput_rate = number(&line, "throughput", "records_per_second")?;
    let throughput_seconds = number(&line, "throughput", "seconds")?;
    let max_queued = number(&line, "throughput", "max_queued")?;
    let throughput_refused = number(&line, "throughput", "refused")?;
    let throughput_task = number(&line, "throughput", "longest_task_ms")?;
    let p50 = number(&line, "latency", "p50_ms")?;
    let p95 = number(&line, "latency", "p95_ms")?;
    let max = number(&line, "latency", "max_ms")?;
    let latency_refused = number(&line, "latency", "refused")?;
    let latency_task = number(&line, "latency", "longest_task_ms")?;

    let mut report = String::new();
    let _ = writeln!(report, "# Live streams benchmark\n");
    let _ = writeln!(
        report,
        "`cargo xtask bench live`, {} (load average {} when it started). The release app in headless \
         Chromium connects, in its worker, to `converge replay` (release) over Server-Sent Events on \
         127.0.0.1; every record is a post (text, channel, handle, time) scored on arrival with the \
         social reading, looked up, windowed and run through every alert rule, then shown. Stream \
         files and the page are `tests/bench/live.mjs`'s.\n",
        today(),
        load_average()
    );
    let _ = writeln!(report, "| figure | value |\n|---|---|");
    let _ = writeln!(
        report,
        "| sustained throughput ({} records sent as fast as the server can) | **{:.0} records/s** ({:.1} s; target {:.0}/s: {}) |",
        fmt_count(THROUGHPUT_RECORDS),
        throughput_rate,
        throughput_seconds,
        TARGET_RATE,
        if throughput_rate >= TARGET_RATE { "met" } else { "not met" }
    );
    let _ = writeln!(
        report,
        "| most records waiting in the worker's queue at once | {} (refused: {}) |",
        fmt_count(max_queued as u64),
        throughput_refused
    );
    let _ = writeln!(
        report,
        "| latency from send to display at {} records/s for {} s, p50 | **{:.0} ms** |",
        fmt_count(LATENCY_RATE),
        LATENCY_SECONDS,
        p50
    );
    let _ = writeln!(
        report,
        "| the same, p95 | **{p95:.0} ms** (max {max:.0} ms; refused: {latency_refused}) |"
    );
    let _ = writeln!(
        report,
        "| longest main-thread task (throughput run / latency run) | {throughput_task:.0} ms / {latency_task:.0} ms (0: none over 50 ms) |"
    );
    let _ = writeln!(
        report,
        "\nThroughput is the records the page processed between the first update that showed one and \
         the one that showed the last, divided by that time. Latency: record k is sent (k − 1) / rate \
         seconds after the stream opened (the replay paces by its own clock from the moment it \
         answers; the page notes when the worker saw the stream open), and it is displayed with the \
         first update (at most every 250 ms) whose last id reached k; every record counts. The \
         worker processes in batches of at most 20 ms and posts an update every 250 ms, so half an \
         update interval is the floor of the median. Long tasks are wall time on the page's \
         thread (each update re-renders the counts, the chart, the alerts and 50 explained texts); \
         on a shared machine (see the load average) they stretch with the load.\n\nRaw: `{line}`"
    );
    let path = root.join("docs/benchmarks/live.md");
    std::fs::create_dir_all(path.parent().context("docs/benchmarks has a parent")?)?;
    std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
    println!("{report}");
    Ok(())
}

fn browser_run(root: &Path) -> anyhow::Result<String> {
    let out = Command::new("node")
        .arg("tests/bench/live.mjs")
        .current_dir(root)
        .env("CONVERGE_DIST", root.join("dist"))
        .env("CONVERGE_CHROMIUM", CHROMIUM)
        .env("CONVERGE_BIN", root.join("target/release/converge"))
        .env(
            "CONVERGE_BENCH_THROUGHPUT_RECORDS",
            THROUGHPUT_RECORDS.to_string(),
        )
        .env("CONVERGE_BENCH_LATENCY_RATE", LATENCY_RATE.to_string())
        .env(
            "CONVERGE_BENCH_LATENCY_SECONDS",
            LATENCY_SECONDS.to_string(),
        )
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        bail!("the browser benchmark failed");
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned())
}

/// `"key": number` inside the object `"section": {…}` of the benchmark's JSON line.
fn number(line: &str, section: &str, key: &str) -> anyhow::Result<f64> {
    line.split(&format!("\"{section}\":{{"))
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .and_then(|object| object.split(&format!("\"{key}\":")).nth(1))
        .and_then(|rest| rest.split([',', '}']).next())
        .and_then(|n| n.trim().parse().ok())
        .with_context(|| format!("the benchmark's {section}.{key} in {line}"))
}

fn fmt_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (idx, digit) in digits.chars().enumerate() {
        if idx > 0 && (digits.len() - idx).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_read_from_their_section() {
        let line = r#"{"throughput":{"records":300000,"seconds":9.5,"records_per_second":31000.2},"latency":{"rate":5000,"p50_ms":140,"p95_ms":260.5}}"#;
        assert_eq!(number(line, "throughput", "seconds").unwrap(), 9.5);
        assert_eq!(number(line, "latency", "p95_ms").unwrap(), 260.5);
        assert_eq!(number(line, "latency", "records").ok(), None);
        assert_eq!(fmt_count(300_000), "300,000");
    }
}
