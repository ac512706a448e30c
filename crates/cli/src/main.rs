//! `converge`: Converge's analytics on the command line.
//!
//! The app is for exploring; the CLI is for batch runs, files larger than a browser tab holds,
//! and benchmarks. Both call the same `converge-core`, so they give the same answers.

mod cluster;
mod columns;
mod influence;
mod inspect;
mod replay;
mod resolve;
mod rfm;
mod rows;
mod sentiment;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use converge_core::demo::{
    BaseShape, CompanyGenerator, CustomerBaseParams, DemoParams, MAX_BASE_PEOPLE,
};

const USAGE: &str = "\
converge — customer intelligence on the command line

USAGE:
    converge inspect [--json] FILE...
        Reads each file (CSV/TSV/…, JSON, JSON Lines) and prints its format, columns and their
        types and statistics, the detected role and field of each column, and every row that
        was not kept, with its line and the reason. Exits non-zero only if a file could not be
        read at all.
    converge sentiment INPUT [--text COL] [--id COL] [--explain] [--lines] [--social]
                       [--lexicon WORDS] [-o OUT]
        Scores the sentiment of every text (VADER) in INPUT (CSV/TSV/…, JSON, JSON Lines;
        `-` is standard input; with --lines, plain text, one document per line). The output
        keeps INPUT's format and columns and appends compound, positive, neutral, negative
        and label (and with --explain the words that weighed most). The text column is
        detected unless --text names it. Delimited files and JSON Lines stream. Scores are
        vaderSentiment 3.3.2's; --social first sets links and @handles aside, splits
        #hashtags into words and reads “soooo” as “so”; --lexicon adds your own words, one
        `word,valence` per line (valence from -4 to 4; `#` starts a comment).
    converge influence EDGES [--source COL] [--target COL] [--weight COL] [--undirected]
                       [--texts [--text COL]] [--seed N] [-o OUT]
        Ranks the nodes of a graph by PageRank and finds its communities (Louvain). EDGES is an
        edge list (CSV/TSV/…, space-separated, JSON, JSON Lines; one edge per row, repeated edges
        add their weights; source and target columns are detected unless named; the weight is
        the column --weight names, else a column called `weight`, else 1 per row) or, with --texts, posts whose author column
        (--source) mentions @handles in their text column (--text). --undirected counts every
        edge both ways. Writes CSV `node,pagerank,in_degree,out_degree,community` by PageRank;
        the summary (modularity, communities, iterations) and skipped rows go to standard error.
    converge rfm ORDERS [--customer COL] [--date COL] [--amount COL] [--order COL]
                 [--as-of YYYY-MM-DD] [-o OUT]
        Writes customer_id,recency_days,frequency,monetary,r,f,m,segment per customer, in order
        of first appearance. recency_days: whole days from the last order day to the as-of day
        (default: the day after the last order); frequency: orders; monetary: the sum of amounts,
        returns (negative amounts) included. Scores 1-5 by quintiles of the rank, ties by order
        of first appearance (pandas' qcut(rank(method='first'), 5)); 5 = most recent, most
        frequent, highest spend. The columns are detected unless named; with no amount column
        but quantity and unit price columns, amount = quantity × unit price (said on stderr).
        With an order id column (detected, or --order), an order's lines count as one order.
        Text dates such as 12/1/2010 8:26 are read day or month first as the column shows.
        Orders missing a customer, date or amount are skipped and listed on stderr.
        Segments by R and FM = (F + M) / 2 rounded half up (the published R×FM chart, each
        cell given one name):
                 FM=1            FM=2                FM=3                FM=4             FM=5
            R=5  New Customers   Potential Loyalists Potential Loyalists Champions        Champions
            R=4  Promising       Potential Loyalists Loyal Customers     Champions        Champions
            R=3  About to Sleep  Need Attention      Need Attention      Loyal Customers  Loyal Customers
            R=2  Hibernating     Hibernating         At Risk             At Risk          Can't Lose Them
            R=1  Lost            Lost                At Risk             Can't Lose Them  Can't Lose Them
    converge cluster FILE [--columns a,b,...] [--k K | --k-range 2..12] [--standardize | --robust]
                     [--log a,b] [--seed N] [--n-init N] [--max-iter N] [-o OUT] [--summary OUT.json]
        k-means (k-means++, --n-init restarts, default 10; best inertia wins; deterministic for
        --seed, default 0) on the named columns, or on every numeric column that is not an
        identifier. --standardize: z-scores (population std, a constant column stays 0);
        --robust: (x - median) / IQR; --log: sign(x)·ln(1+|x|) first, for skewed money columns.
        --k-range (default 2..10) picks k by the best mean silhouette (exact up to 10,000 rows,
        on a seeded sample above). Writes the rows as CSV with a `cluster` column (0 = the
        largest); rows missing a value are listed on stderr and get an empty cluster. The
        summary JSON holds k, inertia (in the space clustered), silhouette, iterations,
        centroids (and in original units when scaled), the elbow curve, segment profiles
        (size, revenue share, z-scores, a suggested name) and a 2-D PCA of the centres.
    converge resolve FILE... [--id COL] [--threshold P] [--threads N] [--explain OUT] [--customers OUT] [--households OUT] [-o OUT]
        Resolves the records of every FILE (each a source, any format ingestion reads) into
        customers: deduplicates within each file and links across files. Writes CSV
        source,record_id,customer_id,match_probability, one row per record: source is the
        path as given, record_id the --id column's value (else the 1-based row number),
        match_probability that of the strongest link placing the record (1 for the same
        email/phone/handle/id; 0 when linked to none). Pairs at or above --threshold
        (default 0.7) are linked. Comparisons run on --threads threads (default: every
        core; the result is the same on any number). --explain writes each link's evidence
        as JSON lines; --customers each customer's best values with their source;
        --households source,record_id,customer_id,household_id (who lives with whom).
    converge replay FILE... [--rate N] [--speedup X] [--port P]
        Serves the records of every FILE (any format ingestion reads, merged in timestamp
        order) as a live stream on 127.0.0.1:P (default 8787): Server-Sent Events on GET
        /events (one JSON record per data: line; Last-Event-ID resumes) and WebSocket on /ws
        (?from=N resumes). Each client gets its own replay, at the recorded pace × --speedup
        (gaps capped at 10 s), or at --rate records per second (100/s for files without
        timestamps). Refused rows and rows without a timestamp are listed on standard error
        and never sent. Runs until stopped.
    converge demo --out DIR [--customers N] [--seed N]
        Writes the demo company's exports (CSV, JSON, JSON Lines) into DIR, with truth.json:
        the person behind every row, the sentiment of every text, the planted segments and
        influencers.
    converge demo --base common-names|households [--people N] [--seed N] --out DIR
        Writes a customer base with identity traps into DIR, for measuring identity
        resolution: common-names is four exports (CRM, shop, support, social) of people
        whose names come from 40 first x 58 last names (default 4,000 people); households
        is five exports (CRM, web orders, loyalty, support, social) where 30 % of people
        live with one to three others sharing landline, address and often last name and
        e-mail, with Zipf-distributed names, nicknames, typos, last-first names and phone
        formats (default 40,000 people). DIR/truth.csv has
        source,record_id,person_id,household_id: source is the file name, record_id the
        1-based data row (as converge resolve numbers them). The same --seed (default 1)
        gives the same bytes.
    converge --version
    converge --help
";

enum Command {
    Inspect { files: Vec<PathBuf>, json: bool },
    Sentiment(sentiment::Options),
    Influence(influence::Options),
    Replay(replay::Options),
    Resolve(resolve::Options),
    Rfm(rfm::Options),
    Cluster(cluster::Options),
    Demo { out: PathBuf, params: DemoParams },
    DemoBase(PathBuf, CustomerBaseParams),
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
        Command::Influence(options) => influence::run(&options)?,
        Command::Replay(options) => replay::run(&options)?,
        Command::Resolve(options) => resolve::run(&options)?,
        Command::Rfm(options) => rfm::run(&options)?,
        Command::Cluster(options) => cluster::run(&options)?,
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
        Command::DemoBase(out, params) => {
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let base = params.generate();
            for file in &base.files {
                let path = out.join(&file.name);
                std::fs::write(&path, &file.bytes)
                    .with_context(|| format!("writing {}", path.display()))?;
                let n_rows = base.truth.rows_of(&file.name).map_or(0, <[_]>::len);
                let kib = file.bytes.len() / 1024;
                println!("{} ({n_rows} rows, {kib} KiB)", path.display());
            }
            let truth_path = out.join("truth.csv");
            std::fs::write(&truth_path, base.truth.to_csv())
                .with_context(|| format!("writing {}", truth_path.display()))?;
            println!(
                "{} (the person and household behind every row: {} people in {} households)",
                truth_path.display(),
                base.truth.n_people,
                base.truth.n_households
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
                social: false,
                lexicon: None,
                output: None,
            };
            let mut input = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("text") => options.text = Some(parser.value()?.string()?),
                    Long("id") => options.id = Some(parser.value()?.string()?),
                    Long("explain") => options.explain = true,
                    Long("lines") => options.lines = true,
                    Long("social") => options.social = true,
                    Long("lexicon") => options.lexicon = Some(PathBuf::from(parser.value()?)),
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
        Value(word) if word == "influence" => {
            let mut options = influence::Options {
                input: PathBuf::new(),
                source: None,
                target: None,
                weight: None,
                text: None,
                texts: false,
                undirected: false,
                seed: 0,
                output: None,
            };
            let mut input = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("source") => options.source = Some(parser.value()?.string()?),
                    Long("target") => options.target = Some(parser.value()?.string()?),
                    Long("weight") => options.weight = Some(parser.value()?.string()?),
                    Long("text") => options.text = Some(parser.value()?.string()?),
                    Long("texts") => options.texts = true,
                    Long("undirected") => options.undirected = true,
                    Long("seed") => options.seed = parser.value()?.parse()?,
                    Short('o') | Long("output") => {
                        options.output = Some(PathBuf::from(parser.value()?))
                    }
                    Value(path) if input.is_none() => input = Some(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            options.input = input
                .context("`converge influence` needs an EDGES file (or - for standard input)")?;
            Ok(Command::Influence(options))
        }
        Value(word) if word == "rfm" => {
            let mut options = rfm::Options {
                input: PathBuf::new(),
                customer: None,
                date: None,
                amount: None,
                order: None,
                as_of: None,
                output: None,
            };
            let mut input = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("customer") => options.customer = Some(parser.value()?.string()?),
                    Long("date") => options.date = Some(parser.value()?.string()?),
                    Long("amount") => options.amount = Some(parser.value()?.string()?),
                    Long("order") => options.order = Some(parser.value()?.string()?),
                    Long("as-of") => {
                        options.as_of = Some(rfm::parse_day(&parser.value()?.string()?)?)
                    }
                    Short('o') | Long("output") => {
                        options.output = Some(PathBuf::from(parser.value()?))
                    }
                    Value(path) if input.is_none() => input = Some(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            options.input =
                input.context("`converge rfm` needs an ORDERS file (or - for standard input)")?;
            Ok(Command::Rfm(options))
        }
        Value(word) if word == "cluster" => {
            let mut options = cluster::Options {
                input: PathBuf::new(),
                columns: None,
                n_segments: cluster::SegmentCount::Range(2, 10),
                scaling: converge_core::segment::features::Scaling::None,
                log_columns: Vec::new(),
                seed: 0,
                n_init: 10,
                max_iterations: 300,
                output: None,
                summary: None,
            };
            let list = |text: String| -> Vec<String> {
                text.split(',')
                    .map(|name| name.trim().to_owned())
                    .filter(|name| !name.is_empty())
                    .collect()
            };
            let mut input = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("columns") => options.columns = Some(list(parser.value()?.string()?)),
                    Long("k") => {
                        let k: usize = parser.value()?.parse()?;
                        anyhow::ensure!(k >= 1, "--k must be at least 1");
                        options.n_segments = cluster::SegmentCount::Fixed(k);
                    }
                    Long("k-range") => {
                        let (low, high) = cluster::parse_range(&parser.value()?.string()?)?;
                        options.n_segments = cluster::SegmentCount::Range(low, high);
                    }
                    Long("standardize") | Long("standardise") => {
                        options.scaling = converge_core::segment::features::Scaling::ZScore
                    }
                    Long("robust") => {
                        options.scaling = converge_core::segment::features::Scaling::Robust
                    }
                    Long("log") => options.log_columns = list(parser.value()?.string()?),
                    Long("seed") => options.seed = parser.value()?.parse()?,
                    Long("n-init") => options.n_init = parser.value()?.parse()?,
                    Long("max-iter") => options.max_iterations = parser.value()?.parse()?,
                    Short('o') | Long("output") => {
                        options.output = Some(PathBuf::from(parser.value()?))
                    }
                    Long("summary") => options.summary = Some(PathBuf::from(parser.value()?)),
                    Value(path) if input.is_none() => input = Some(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            options.input =
                input.context("`converge cluster` needs a FILE (or - for standard input)")?;
            Ok(Command::Cluster(options))
        }
        Value(word) if word == "resolve" => {
            let mut options = resolve::Options {
                files: Vec::new(),
                id: None,
                threshold: None,
                n_threads: None,
                explain: None,
                customers: None,
                households: None,
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
                    Long("threads") => {
                        let value = parser.value()?.string()?;
                        let n_threads: usize =
                            value.parse().ok().filter(|n| *n >= 1).with_context(|| {
                                format!("--threads {value:?} is not a number ≥ 1")
                            })?;
                        options.n_threads = Some(n_threads);
                    }
                    Long("explain") => options.explain = Some(PathBuf::from(parser.value()?)),
                    Long("customers") => options.customers = Some(PathBuf::from(parser.value()?)),
                    Long("households") => options.households = Some(PathBuf::from(parser.value()?)),
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
        Value(word) if word == "replay" => {
            let mut options = replay::Options {
                files: Vec::new(),
                rate: None,
                port: 8787,
                speedup: 1.0,
            };
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("rate") => options.rate = Some(parser.value()?.parse()?),
                    Long("port") => options.port = parser.value()?.parse()?,
                    Long("speedup") => options.speedup = parser.value()?.parse()?,
                    Value(path) => options.files.push(PathBuf::from(path)),
                    other => return Err(other.unexpected().into()),
                }
            }
            anyhow::ensure!(
                !options.files.is_empty(),
                "`converge replay` needs at least one FILE"
            );
            Ok(Command::Replay(options))
        }
        Value(word) if word == "demo" => {
            let mut out = None;
            let mut customers: Option<usize> = None;
            let mut seed: Option<u64> = None;
            let mut base: Option<BaseShape> = None;
            let mut people: Option<usize> = None;
            while let Some(arg) = parser.next()? {
                match arg {
                    Long("out") => out = Some(PathBuf::from(parser.value()?)),
                    Long("customers") => customers = Some(parser.value()?.parse()?),
                    Long("seed") => seed = Some(parser.value()?.parse()?),
                    Long("people") => people = Some(parser.value()?.parse()?),
                    Long("base") => {
                        let label = parser.value()?.string()?;
                        base = Some(BaseShape::from_label(&label).with_context(|| {
                            format!("--base {label:?}: expected common-names or households")
                        })?);
                    }
                    other => return Err(other.unexpected().into()),
                }
            }
            let out = out.context("`converge demo` needs --out DIR")?;
            let Some(shape) = base else {
                anyhow::ensure!(
                    people.is_none(),
                    "--people is for a customer base (--base); the demo company takes --customers"
                );
                let mut params = DemoParams::default();
                if let Some(customers) = customers {
                    params.n_customers = customers;
                }
                if let Some(seed) = seed {
                    params.seed = seed;
                }
                return Ok(Command::Demo { out, params });
            };
            anyhow::ensure!(
                customers.is_none(),
                "--customers is for the demo company; a customer base (--base) takes --people"
            );
            let n_people = people.unwrap_or(match shape {
                BaseShape::CommonNames => 4_000,
                BaseShape::Households => 40_000,
            });
            anyhow::ensure!(
                n_people <= MAX_BASE_PEOPLE,
                "--people {n_people}: a customer base holds at most {MAX_BASE_PEOPLE} people"
            );
            let params = CustomerBaseParams::new(shape, n_people, seed.unwrap_or(1));
            Ok(Command::DemoBase(out, params))
        }
        other => Err(anyhow::Error::from(other.unexpected()).context(USAGE)),
    }
}
