//! `converge`: Converge's analytics on the command line.
//!
//! The app is for exploring; the CLI is for batch runs, files larger than a browser tab holds,
//! and benchmarks. Both call the same `converge-core`, so they give the same answers.

mod inspect;
mod resolve;
mod sentiment;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use converge_core::demo::{CompanyGenerator, DemoParams};

const USAGE: &str = "\
converge — customer intelligence on the command line

USAGE:
    converge inspect [--json] FILE...
        Reads each file (CSV/TSV/…, JSON, JSON Lines) and prints its format, columns and their
        types and statistics, the detected role and field of each column, and every row that
        was not kept, with its line and the reason. Exits non-zero only if a file could not be
        read at all.
    converge sentiment INPUT [--text COL] [--id COL] [--explain] [--lines] [-o OUT]
        Scores the sentiment of every text (VADER) in INPUT (CSV/TSV/…, JSON, JSON Lines;
        `-` is standard input; with --lines, plain text, one document per line). The output
        keeps INPUT's format and columns and appends compound, positive, neutral, negative
        and label (and with --explain the words that weighed most). The text column is
        detected unless --text names it. Delimited files and JSON Lines stream.
    converge resolve FILE... [--id COL] [--threshold P] [--explain OUT] [--customers OUT] [-o OUT]
        Resolves the records of every FILE (each a source, any format ingestion reads) into
        customers: deduplicates within each file and links across files. Writes CSV
        source,record_id,customer_id,match_probability, one row per record: source is the
        path as given, record_id the --id column's value (else the 1-based row number),
        match_probability that of the strongest link placing the record (1 for the same
        email/phone/handle/id; empty when linked to none). Pairs at or above --threshold
        (default 0.9) are linked. --explain writes each link's evidence as JSON lines;
        --customers each customer's best values with their source.
    converge demo --out DIR [--customers N] [--seed N]
        Writes the demo company's exports (CSV, JSON, JSON Lines) into DIR, with truth.json:
        the person behind every row, the sentiment of every text, the planted segments and
        influencers.
    converge --version
    converge --help
";

enum Command {
    Inspect { files: Vec<PathBuf>, json: bool },
    Sentiment(sentiment::Options),
    Resolve(resolve::Options),
    Demo { out: PathBuf, params: DemoParams },
    Version,
    Help,
}

fn main() -> ExitCode {
    let command = match parse_args() {
        Ok(command) => command,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(code) => code,
        // `converge inspect … | head` closing the pipe early is not a failure.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(|json| json.io_error_kind())
                .is_some_and(|kind| kind == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Help => print!("{USAGE}"),
        Command::Version => println!("converge {}", converge_core::VERSION),
        Command::Inspect { files, json } => return inspect::run(&files, json),
        Command::Sentiment(options) => sentiment::run(&options)?,
        Command::Resolve(options) => resolve::run(&options)?,
        Command::Demo { out, params } => {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let company = CompanyGenerator::new(params).finish();
            for file in &company.files {
                let path = out.join(&file.name);
                std::fs::write(&path, &file.bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("{} ({} KiB)", path.display(), file.bytes.len() / 1024);
            }
            let truth_path = out.join("truth.json");
            let truth = serde_json::to_vec(&company.truth)?;
            std::fs::write(&truth_path, truth)
                .with_context(|| format!("writing {}", truth_path.display()))?;
            println!(
                "{} (who is behind every row, what every text feels)",
                truth_path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_args() -> anyhow::Result<Command> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let Some(first) = parser.next()? else {
        return Ok(Command::Help);
    };
    match first {
        Long("help") | Short('h') => Ok(Command::Help),
        Long("version") | Short('V') => Ok(Command::Version),
        Value(word) if word == "inspect" => {
            let mut files = Vec::new();
            let mut json = false;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("json") => json = true,
                    Value(path) => files.push(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            anyhow::ensure!(
                !files.is_empty(),
                "`converge inspect` needs at least one FILE"
            );
            Ok(Command::Inspect { files, json })
        }
        Value(word) if word == "sentiment" => {
            let mut options = sentiment::Options {
                input: PathBuf::new(),
                text: None,
                id: None,
                explain: false,
                lines: false,
                output: None,
            };
            let mut input = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("text") => options.text = Some(parser.value()?.string()?),
                    Long("id") => options.id = Some(parser.value()?.string()?),
                    Long("explain") => options.explain = true,
                    Long("lines") => options.lines = true,
                    Short('o') | Long("output") => {
                        options.output = Some(PathBuf::from(parser.value()?))
                    }
                    Value(path) if input.is_none() => input = Some(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            options.input = input
                .context("`converge sentiment` needs an INPUT file (or - for standard input)")?;
            Ok(Command::Sentiment(options))
        }
        Value(word) if word == "resolve" => {
            let mut options = resolve::Options {
                files: Vec::new(),
                id: None,
                threshold: None,
                explain: None,
                customers: None,
                output: None,
            };
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("id") => options.id = Some(parser.value()?.string()?),
                    Long("threshold") => {
                        let value = parser.value()?.string()?;
                        let threshold: f64 = value
                            .parse()
                            .with_context(|| format!("--threshold {value:?} is not a number"))?;
                        anyhow::ensure!(
                            threshold > 0.0 && threshold < 1.0,
                            "--threshold must be a probability between 0 and 1 (exclusive), not {value}"
                        );
                        options.threshold = Some(threshold);
                    }
                    Long("explain") => options.explain = Some(PathBuf::from(parser.value()?)),
                    Long("customers") => options.customers = Some(PathBuf::from(parser.value()?)),
                    Short('o') | Long("output") => {
                        options.output = Some(PathBuf::from(parser.value()?))
                    }
                    Value(path) => options.files.push(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            anyhow::ensure!(
                !options.files.is_empty(),
                "`converge resolve` needs at least one FILE"
            );
            Ok(Command::Resolve(options))
        }
        Value(word) if word == "demo" => {
            let mut out = None;
            let mut params = DemoParams::default();
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("out") => out = Some(PathBuf::from(parser.value()?)),
                    Long("customers") => params.n_customers = parser.value()?.parse()?,
                    Long("seed") => params.seed = parser.value()?.parse()?,
                    other => return Err(other.unexpected().into()),
                }
            }
            let out = out.context("`converge demo` needs --out DIR")?;
            Ok(Command::Demo { out, params })
        }
        other => Err(anyhow::Error::from(other.unexpected()).context(USAGE)),
    }
}
