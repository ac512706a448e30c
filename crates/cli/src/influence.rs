//! `converge influence`: who is listened to, and who belongs together, in an edge list or in
//! posts that @mention each other.
//!
//! Input is any format ingestion reads. An edge list gives one edge per row (source, target,
//! optional weight); with `--texts`, each row is a post whose author mentions the handles in its
//! text, and each mention is an edge carrying the post's sentiment. The output is a CSV on
//! standard output (or `-o`): `node,pagerank,in_degree,out_degree,community`, by PageRank
//! descending, ties by name; the summary (modularity, communities, iterations) and every skipped
//! row (file, line, reason) go to standard error so standard output stays a clean CSV.
//!
//! Delimited files are read here record by record rather than through the typed table, so that
//! node names stay exactly as written (`007`, `1.50`) and each bad row keeps its line. Files
//! whose lines are separated by spaces (networkx's `write_edgelist`, SNAP) are split on
//! whitespace, `#` lines being comments.

use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use converge_core::ingest::{detect_format, detect_header, rows_key, Format};
use converge_core::network::edge_list::{find_by_words, SOURCE_WORDS, TARGET_WORDS};
use converge_core::network::{
    advocates, detractors, mentions, normalise_handle, Communities, Graph, GraphBuilder, Louvain,
    PageRank, PageRankScores, SentimentInfluence,
};
use converge_core::schema::{detect, Field, Overrides, TableSchema};
use converge_core::sentiment::Vader;
use converge_core::table::Table;
use serde_json::Value as Json;

use crate::columns::{decode, find_column, sample};

pub struct Options {
    /// A file, or `-` for standard input.
    pub input: PathBuf,
    /// The source column (edge lists) or the author column (`--texts`).
    pub source: Option<String>,
    pub target: Option<String>,
    pub weight: Option<String>,
    /// The text column (`--texts`).
    pub text: Option<String>,
    pub texts: bool,
    pub undirected: bool,
    pub seed: u64,
    pub output: Option<PathBuf>,
}

const HEAD_BYTES: usize = 256 * 1024;
/// Skipped rows listed one by one on standard error; the rest are counted.
const MAX_LISTED: usize = 20;

/// Column names that say "author" and "text", when schema detection found none.
const AUTHOR_WORDS: [&str; 9] = [
    "handle",
    "author",
    "user",
    "username",
    "screenname",
    "account",
    "sender",
    "from",
    "source",
];
const TEXT_WORDS: [&str; 9] = [
    "text", "tweet", "post", "body", "message", "content", "comment", "review", "caption",
];

/// Rows skipped, with the first few listed.
#[derive(Default)]
struct Skipped {
    n_rows: u64,
    listed: Vec<String>,
}

impl Skipped {
    fn add(&mut self, file: &str, line: Option<u64>, reason: impl std::fmt::Display) {
        self.n_rows += 1;
        if self.listed.len() < MAX_LISTED {
            match line {
                Some(line) => self.listed.push(format!("{file}: line {line}: {reason}")),
                None => self.listed.push(format!("{file}: {reason}")),
            }
        }
    }
}

/// One row of the input, as text: each cell's values (several for a JSON array, none if
/// missing) and the line it starts on, when known.
struct Row {
    line: Option<u64>,
    cells: Vec<Vec<String>>,
    /// Why the row could not be read at all.
    unreadable: Option<String>,
}

/// The columns the run uses.
struct Chosen {
    source: usize,
    /// The target (edge lists) or the text (`--texts`).
    target: usize,
    weight: Option<usize>,
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (name, mut input) = open_input(&options.input)?;
    let mut head = read_head(&mut input, &name)?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        // UTF-16 (Excel's "Unicode text"): transcoded whole, then read as UTF-8.
        let encoding = if head.starts_with(b"\xFF\xFE") {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        input
            .read_to_end(&mut head)
            .with_context(|| format!("reading {name}"))?;
        let (text, _) = encoding.decode_with_bom_removal(&head);
        input = Box::new(Cursor::new(text.into_owned().into_bytes()));
        head = read_head(&mut input, &name)?;
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    let complete = head.len() < HEAD_BYTES;
    let head_text = String::from_utf8_lossy(&head).into_owned();
    let format = detect_format(&name, &head_text, complete);
    // A JSON document is read whole: its rows, and a sample of them to detect columns from.
    let json_rows = if format == Format::Json {
        let mut bytes = head.clone();
        input
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {name}"))?;
        Some(json_document_rows(&bytes, &name)?)
    } else {
        None
    };
    let whole = Cursor::new(head.clone()).chain(input);
    let mut builder = if options.undirected {
        GraphBuilder::undirected()
    } else {
        GraphBuilder::directed()
    };
    let mut skipped = Skipped::default();
    let mut tally = Tally::default();
    let vader = Vader::shared();
    let mut chosen: Option<Chosen> = None;
    let mut header: Vec<String> = Vec::new();
    // What the columns are, from the first rows: needed for --texts, and for JSON's column names.
    let whitespace = matches!(format, Format::Delimited { delimiter } if is_whitespace_separated(&head_text, delimiter));
    let (sniff_text, sniff_format) = match format {
        Format::Delimited { .. } if whitespace => (
            whitespace_to_tabs(&head_text),
            Format::Delimited { delimiter: b'\t' },
        ),
        other => (head_text.clone(), other),
    };
    let mut schema: Option<TableSchema> = None;
    if let Some(rows) = &json_rows {
        header = json_columns(rows);
        if options.texts {
            let sample = Json::Array(rows.iter().take(JSON_SAMPLE_ROWS).cloned().collect());
            let table = sample_table(&name, sample.to_string().as_bytes(), true, Format::Json)?;
            schema = Some(detect(&table, &Overrides::default()));
        }
    } else if options.texts || !matches!(format, Format::Delimited { .. }) {
        let table = sample_table(&name, sniff_text.as_bytes(), complete, sniff_format)?;
        if !matches!(format, Format::Delimited { .. }) {
            header = table
                .columns()
                .iter()
                .map(|c| c.name().to_owned())
                .collect();
        }
        schema = Some(detect(&table, &Overrides::default()));
    }
    let mut each_row = |row: Row, header: &[String]| -> anyhow::Result<()> {
        let columns = match &chosen {
            Some(columns) => columns,
            None => chosen.insert(choose_columns(options, header, schema.as_ref())?),
        };
        tally.n_rows += 1;
        add_row(
            &row,
            columns,
            options.texts,
            vader,
            &name,
            &mut builder,
            &mut skipped,
            &mut tally,
        );
        Ok(())
    };
    match format {
        Format::Delimited { delimiter } => {
            let sniff_delimiter = if whitespace { b'\t' } else { delimiter };
            let has_header = detect_header(&sniff_text, sniff_delimiter, complete)
                && !first_row_is_an_edge(&sniff_text, sniff_delimiter);
            if whitespace {
                read_whitespace(whole, has_header, &mut header, &mut each_row)?;
            } else {
                read_delimited(whole, delimiter, has_header, &mut header, &mut each_row)?;
            }
        }
        Format::JsonLines | Format::Json => {
            if format == Format::JsonLines {
                read_json_lines(whole, &header, &mut each_row)?;
            } else {
                let rows = json_rows.unwrap_or_default();
                read_json_document(rows, &header, &mut each_row)?;
            }
        }
    }
    let columns = match chosen {
        Some(columns) => columns,
        None => choose_columns(options, &header, schema.as_ref())?,
    };
    let column_name = |idx: usize| {
        header
            .get(idx)
            .map_or_else(|| format!("column {}", idx + 1), |n| format!("`{n}`"))
    };
    let graph = builder.finish();
    for line in &skipped.listed {
        eprintln!("{line}");
    }
    if skipped.n_rows > skipped.listed.len() as u64 {
        eprintln!(
            "{name}: … and {} more skipped rows",
            skipped.n_rows - skipped.listed.len() as u64
        );
    }
    if options.texts {
        eprintln!(
            "{name}: {} posts read, {} mentions from author column {} in text column {}; {} posts without mentions; {} rows skipped",
            tally.n_rows,
            tally.n_edges,
            column_name(columns.source),
            column_name(columns.target),
            tally.n_without_mentions,
            skipped.n_rows
        );
    } else {
        eprintln!(
            "{name}: {} rows read, {} edges from {} to {}{}; {} rows skipped",
            tally.n_rows,
            tally.n_edges,
            column_name(columns.source),
            column_name(columns.target),
            columns
                .weight
                .map_or_else(String::new, |w| format!(" weighted by {}", column_name(w))),
            skipped.n_rows
        );
    }

    let reading = started.elapsed();
    let started = std::time::Instant::now();
    let pagerank = PageRank::params().start(&graph)?.run();
    let pagerank_time = started.elapsed();
    let started = std::time::Instant::now();
    let communities = Louvain::params().seed(options.seed).start(&graph)?.run();
    let louvain_time = started.elapsed();
    write_csv(options, &graph, &pagerank, &communities)?;
    summarise(options, &graph, &pagerank, &communities);
    eprintln!(
        "influence: reading took {:.3} s, PageRank {:.3} s, Louvain {:.3} s",
        reading.as_secs_f64(),
        pagerank_time.as_secs_f64(),
        louvain_time.as_secs_f64()
    );
    if options.texts {
        let ranks = SentimentInfluence::new(&graph, &pagerank.scores)?.run();
        for (title, chosen) in [
            ("advocates", advocates(&ranks, 5)),
            ("detractors", detractors(&ranks, 5)),
        ] {
            let names: Vec<String> = chosen
                .iter()
                .map(|rank| {
                    format!(
                        "{} (tone {:+.2}, reach {})",
                        graph.name(rank.node).unwrap_or("?"),
                        rank.tone,
                        rank.reach
                    )
                })
                .collect();
            eprintln!(
                "influence: {title}: {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            );
        }
    }
    Ok(())
}

#[derive(Default)]
struct Tally {
    n_rows: u64,
    n_edges: u64,
    n_without_mentions: u64,
}

#[allow(clippy::too_many_arguments)]
fn add_row(
    row: &Row,
    columns: &Chosen,
    texts: bool,
    vader: &Vader,
    name: &str,
    builder: &mut GraphBuilder,
    skipped: &mut Skipped,
    tally: &mut Tally,
) {
    if let Some(reason) = &row.unreadable {
        skipped.add(name, row.line, reason);
        return;
    }
    let cell = |idx: usize| -> &[String] { row.cells.get(idx).map_or(&[], Vec::as_slice) };
    let weight = match columns.weight {
        None => 1.0,
        Some(idx) => match cell(idx).first() {
            None => {
                skipped.add(name, row.line, "the weight is missing");
                return;
            }
            Some(text) => match text.parse::<f64>() {
                Ok(weight) if weight.is_finite() && weight >= 0.0 => weight,
                _ => {
                    skipped.add(
                        name,
                        row.line,
                        format!("the weight {text:?} is not a number ≥ 0"),
                    );
                    return;
                }
            },
        },
    };
    let Some(source) = cell(columns.source).first() else {
        let what = if texts { "author" } else { "source" };
        skipped.add(name, row.line, format!("the {what} is missing"));
        return;
    };
    if texts {
        let author = normalise_handle(source);
        if author.is_empty() {
            skipped.add(name, row.line, "the author is missing");
            return;
        }
        let Some(text) = cell(columns.target).first() else {
            tally.n_without_mentions += 1;
            return;
        };
        let mut handles = mentions(text).map(normalise_handle).peekable();
        if handles.peek().is_none() {
            tally.n_without_mentions += 1;
            return;
        }
        let sentiment = vader.score(text).compound.clamp(-1.0, 1.0);
        for handle in handles {
            if let Err(err) = builder.add_mention(&author, &handle, weight, Some(sentiment)) {
                skipped.add(name, row.line, err);
                return;
            }
            tally.n_edges += 1;
        }
    } else {
        let targets = cell(columns.target);
        if targets.is_empty() {
            skipped.add(name, row.line, "the target is missing");
            return;
        }
        for target in targets {
            if let Err(err) = builder.add_edge(source, target, weight) {
                skipped.add(name, row.line, err);
                return;
            }
            tally.n_edges += 1;
        }
    }
}

fn write_csv(
    options: &Options,
    graph: &Graph,
    pagerank: &PageRankScores,
    communities: &Communities,
) -> anyhow::Result<()> {
    let output: Box<dyn Write> = match &options.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, output));
    writer.write_record(["node", "pagerank", "in_degree", "out_degree", "community"])?;
    let in_degree = graph.in_degree();
    let out_degree = graph.out_degree();
    let names = graph.names();
    let mut order: Vec<usize> = (0..graph.n_nodes()).collect();
    order.sort_by(|a, b| {
        pagerank.scores[*b]
            .total_cmp(&pagerank.scores[*a])
            .then_with(|| names[*a].cmp(&names[*b]))
    });
    for idx in order {
        writer.write_record([
            names[idx].as_str(),
            &pagerank.scores[idx].to_string(),
            &in_degree[idx].to_string(),
            &out_degree[idx].to_string(),
            &communities.membership[idx].to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

fn summarise(
    options: &Options,
    graph: &Graph,
    pagerank: &PageRankScores,
    communities: &Communities,
) {
    let kind = if graph.is_directed() {
        "directed"
    } else {
        "undirected"
    };
    let converged = if pagerank.converged {
        format!("PageRank converged in {} iterations", pagerank.iterations)
    } else {
        format!(
            "PageRank did NOT converge in {} iterations (last L1 change {:.2e})",
            pagerank.iterations, pagerank.last_change
        )
    };
    eprintln!(
        "influence: {} nodes, {} edges ({kind}), modularity {:.4} (Louvain, seed {}, {} modularity), {} communities, {converged}",
        graph.n_nodes(),
        graph.n_edges(),
        communities.modularity,
        options.seed,
        communities.kind.label(),
        communities.n_communities,
    );
}

/// Picks the source, target (or text) and weight columns: named by the user, else detected.
fn choose_columns(
    options: &Options,
    header: &[String],
    schema: Option<&TableSchema>,
) -> anyhow::Result<Chosen> {
    let weight = options
        .weight
        .as_deref()
        .map(|wanted| find_column(header, wanted))
        .transpose()?;
    // A column called `weight` is the edge weight, as networkx reads an edge list's attribute.
    let weight = weight.or_else(|| {
        (!options.texts)
            .then(|| {
                header
                    .iter()
                    .position(|name| name.trim().eq_ignore_ascii_case("weight"))
            })
            .flatten()
    });
    if options.texts {
        let field_column = |field: Field| {
            schema.and_then(|schema| {
                schema
                    .fields
                    .iter()
                    .filter(|guess| guess.field == Some(field))
                    .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
                    .and_then(|guess| header.iter().position(|name| *name == guess.column))
            })
        };
        let author = match &options.source {
            Some(wanted) => find_column(header, wanted)?,
            None => field_column(Field::Handle)
                .or_else(|| find_by_words(header, &AUTHOR_WORDS, &["mentioned", "mention", "to"]))
                .context("no author column of handles found; name it with --source COLUMN")?,
        };
        let text = match &options.text {
            Some(wanted) => find_column(header, wanted)?,
            None => schema
                .and_then(TableSchema::text_column)
                .and_then(|column| header.iter().position(|name| name == column))
                .or_else(|| field_column(Field::Text))
                .or_else(|| find_by_words(header, &TEXT_WORDS, &[]))
                .context("no text column found; name it with --text COLUMN")?,
        };
        return Ok(Chosen {
            source: author,
            target: text,
            weight,
        });
    }
    let source = match &options.source {
        Some(wanted) => Some(find_column(header, wanted)?),
        None => None,
    };
    let target = match &options.target {
        Some(wanted) => Some(find_column(header, wanted)?),
        None => None,
    };
    let taken = |idx: usize| Some(idx) == source || Some(idx) == target || Some(idx) == weight;
    let source = source
        .or_else(|| find_by_words(header, SOURCE_WORDS, TARGET_WORDS).filter(|idx| !taken(*idx)));
    let target = target.or_else(|| {
        find_by_words(header, TARGET_WORDS, SOURCE_WORDS)
            .filter(|idx| !taken(*idx) && Some(*idx) != source)
    });
    // Else the first columns not otherwise taken.
    let n_columns = header.len().max(2);
    let mut free = (0..n_columns)
        .filter(|idx| Some(*idx) != source && Some(*idx) != target && Some(*idx) != weight);
    let source = match source {
        Some(idx) => idx,
        None => free.next().context("the file has no source column")?,
    };
    let target = match target {
        Some(idx) => idx,
        None => free
            .find(|idx| *idx != source)
            .context("the file has no target column; name it with --target COLUMN")?,
    };
    if source == target {
        bail!("the source and target columns are the same column");
    }
    Ok(Chosen {
        source,
        target,
        weight,
    })
}

/// A cell's value, trimmed; none if blank.
fn value(bytes: &[u8]) -> Vec<String> {
    let text = decode(bytes);
    let text = text.trim();
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text.to_owned()]
    }
}

fn read_delimited(
    input: impl Read,
    delimiter: u8,
    has_header: bool,
    header: &mut Vec<String>,
    each: &mut impl FnMut(Row, &[String]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    while reader.read_byte_record(&mut record)? {
        if first {
            first = false;
            if has_header {
                *header = record
                    .iter()
                    .map(|field| decode(field).trim().to_owned())
                    .collect();
                continue;
            }
            *header = (1..=record.len()).map(|n| format!("column_{n}")).collect();
        }
        let line = record.position().map(csv::Position::line);
        let cells = record.iter().map(value).collect();
        each(
            Row {
                line,
                cells,
                unreadable: None,
            },
            header,
        )?;
    }
    Ok(())
}

/// Whether the first row of an edge list is data rather than a header: one of its first two
/// values is a node of the rows that follow (`a,b` then `b,c`). Header detection alone cannot
/// tell when every value is a name.
fn first_row_is_an_edge(head: &str, delimiter: u8) -> bool {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(head.as_bytes());
    let mut rows = reader.records().map_while(Result::ok).take(2_000);
    let Some(first) = rows.next() else {
        return false;
    };
    let first: Vec<&str> = first.iter().take(2).map(str::trim).collect();
    rows.any(|row| {
        row.iter()
            .take(2)
            .any(|value| !value.trim().is_empty() && first.contains(&value.trim()))
    })
}

/// Whether a "delimited" file is in fact separated by spaces: its delimiter never occurs in the
/// first lines, which have spaces between fields.
fn is_whitespace_separated(head: &str, delimiter: u8) -> bool {
    let lines: Vec<&str> = head
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .take(20)
        .collect();
    !lines.is_empty()
        && lines.iter().all(|line| {
            !line.as_bytes().contains(&delimiter) && line.split_whitespace().nth(1).is_some()
        })
}

fn whitespace_to_tabs(head: &str) -> String {
    head.lines()
        .filter(|line| !line.starts_with('#'))
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join("\t"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn read_whitespace(
    input: impl Read,
    has_header: bool,
    header: &mut Vec<String>,
    each: &mut impl FnMut(Row, &[String]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut bytes = Vec::new();
    let mut line_number = 0u64;
    let mut first = true;
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(());
        }
        line_number += 1;
        let line = decode(&bytes);
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if first {
            first = false;
            if has_header {
                *header = fields.iter().map(|f| (*f).to_owned()).collect();
                continue;
            }
            *header = (1..=fields.len()).map(|n| format!("column_{n}")).collect();
        }
        let cells = fields.iter().map(|f| vec![(*f).to_owned()]).collect();
        each(
            Row {
                line: Some(line_number),
                cells,
                unreadable: None,
            },
            header,
        )?;
    }
}

/// The values at a flattened column name (`author.handle`) in a JSON object: a string or number
/// as written, each element of an array, none for null or missing.
fn values_at(object: &Json, column: &str) -> Vec<String> {
    fn find<'a>(object: &'a Json, column: &str) -> Option<&'a Json> {
        if let Some(value) = object.get(column) {
            return Some(value);
        }
        let (first, rest) = column.split_once('.')?;
        find(object.get(first)?, rest)
    }
    fn scalar(value: &Json) -> Option<String> {
        let text = match value {
            Json::Null => return None,
            Json::String(text) => text.trim().to_owned(),
            Json::Number(number) => number.to_string(),
            Json::Bool(flag) => flag.to_string(),
            other => other.to_string(),
        };
        (!text.is_empty()).then_some(text)
    }
    match find(object, column) {
        None => Vec::new(),
        Some(Json::Array(items)) => items.iter().filter_map(scalar).collect(),
        Some(value) => scalar(value).into_iter().collect(),
    }
}

fn read_json_lines(
    input: impl Read,
    header: &[String],
    each: &mut impl FnMut(Row, &[String]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut bytes = Vec::new();
    let mut line_number = 0u64;
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            return Ok(());
        }
        line_number += 1;
        let line = decode(&bytes);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (cells, unreadable) = match serde_json::from_str::<Json>(line) {
            Ok(object @ Json::Object(_)) => {
                (header.iter().map(|c| values_at(&object, c)).collect(), None)
            }
            Ok(_) => (Vec::new(), Some("not a JSON object".to_owned())),
            Err(err) => (Vec::new(), Some(format!("not valid JSON: {err}"))),
        };
        each(
            Row {
                line: Some(line_number),
                cells,
                unreadable,
            },
            header,
        )?;
    }
}

/// Rows of a JSON document looked at to name its columns.
const JSON_SAMPLE_ROWS: usize = 1_000;

/// The rows of a JSON document: the array itself, or the longest array in an object (as
/// ingestion reads it).
fn json_document_rows(bytes: &[u8], name: &str) -> anyhow::Result<Vec<Json>> {
    let document: Json = serde_json::from_str(&decode(bytes))
        .with_context(|| format!("{name} is not a valid JSON document"))?;
    Ok(match document {
        Json::Array(rows) => rows,
        Json::Object(mut object) => match rows_key(&object).and_then(|key| object.remove(&key)) {
            Some(Json::Array(rows)) => rows,
            _ => vec![Json::Object(object)],
        },
        _ => bail!("{name}: the JSON document holds no rows"),
    })
}

/// Column names of JSON rows, nested objects flattened (`author.handle`), in order of first
/// appearance in the first rows.
fn json_columns(rows: &[Json]) -> Vec<String> {
    fn walk(object: &serde_json::Map<String, Json>, prefix: &str, names: &mut Vec<String>) {
        for (key, value) in object {
            let name = format!("{prefix}{key}");
            match value {
                Json::Object(inner) if !inner.is_empty() => walk(inner, &format!("{name}."), names),
                _ => {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
    }
    let mut names = Vec::new();
    for row in rows.iter().take(JSON_SAMPLE_ROWS) {
        if let Json::Object(object) = row {
            walk(object, "", &mut names);
        }
    }
    names
}

fn read_json_document(
    rows: Vec<Json>,
    header: &[String],
    each: &mut impl FnMut(Row, &[String]) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for object in rows {
        let cells = header.iter().map(|c| values_at(&object, c)).collect();
        each(
            Row {
                line: None,
                cells,
                unreadable: None,
            },
            header,
        )?;
    }
    Ok(())
}

/// The first rows as a typed table, to detect what the columns are.
fn sample_table(name: &str, head: &[u8], complete: bool, format: Format) -> anyhow::Result<Table> {
    Ok(sample(name, head, complete, format)?.table)
}

/// Up to [`HEAD_BYTES`] from the start of `input`.
fn read_head(input: &mut Box<dyn Read>, name: &str) -> anyhow::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    input
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .with_context(|| format!("reading {name}"))?;
    Ok(head)
}

fn open_input(path: &PathBuf) -> anyhow::Result<(String, Box<dyn Read>)> {
    if path.as_os_str() == "-" {
        return Ok(("stdin".into(), Box::new(std::io::stdin().lock())));
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    Ok((
        path.display().to_string(),
        Box::new(BufReader::with_capacity(1 << 20, file)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn options() -> Options {
        Options {
            input: PathBuf::new(),
            source: None,
            target: None,
            weight: None,
            text: None,
            texts: false,
            undirected: false,
            seed: 0,
            output: None,
        }
    }

    fn chosen(names: &[&str]) -> (usize, usize) {
        let columns = choose_columns(&options(), &header(names), None).unwrap();
        (columns.source, columns.target)
    }

    #[test]
    fn a_column_called_weight_weighs_the_edges_unless_another_is_named() {
        let columns =
            choose_columns(&options(), &header(&["source", "target", "Weight"]), None).unwrap();
        assert_eq!(columns.weight, Some(2));
        let named = Options {
            weight: Some("w2".into()),
            ..options()
        };
        let columns =
            choose_columns(&named, &header(&["source", "target", "weight", "w2"]), None).unwrap();
        assert_eq!(columns.weight, Some(3));
        let columns = choose_columns(&options(), &header(&["a", "b", "w"]), None).unwrap();
        assert_eq!(columns.weight, None);
    }

    #[test]
    fn source_and_target_columns_are_found_by_name_else_first_two() {
        assert_eq!(chosen(&["weight", "Target", "Source"]), (2, 1));
        assert_eq!(chosen(&["FromNodeId", "ToNodeId"]), (0, 1));
        assert_eq!(chosen(&["id", "follower_id", "followed_id"]), (1, 2));
        assert_eq!(chosen(&["user", "mentioned_user"]), (0, 1));
        assert_eq!(chosen(&["a", "b", "w"]), (0, 1));
        assert_eq!(chosen(&["src", "dst"]), (0, 1));
    }

    #[test]
    fn author_and_text_columns_are_found_by_name_when_values_say_nothing() {
        let texts = Options {
            texts: true,
            ..options()
        };
        let columns = choose_columns(
            &texts,
            &header(&["id", "mentioned", "screen_name", "tweet"]),
            None,
        )
        .unwrap();
        assert_eq!((columns.source, columns.target), (2, 3));
    }

    #[test]
    fn column_words_split_case_and_punctuation() {
        use converge_core::schema::name_words;
        assert_eq!(name_words("FromNodeId"), ["from", "node", "id"]);
        assert_eq!(name_words("source_handle"), ["source", "handle"]);
        assert_eq!(name_words("in-reply-to"), ["in", "reply", "to"]);
    }

    #[test]
    fn a_first_row_whose_nodes_recur_is_data() {
        assert!(first_row_is_an_edge("a,b\nb,c\n", b','));
        assert!(!first_row_is_an_edge("source,target\na,b\nb,c\n", b','));
    }

    #[test]
    fn whitespace_edge_lists_are_recognised() {
        assert!(is_whitespace_separated("# comment\n1 2\n2 3\n", b','));
        assert!(!is_whitespace_separated("a,b\n1,2\n", b','));
        assert!(!is_whitespace_separated("name\nAda Lovelace\n", b','));
    }

    #[test]
    fn json_values_flatten_and_arrays_give_several() {
        let object: Json =
            serde_json::json!({"author": {"handle": " @Ada "}, "mentions": ["@b", "@c"], "n": 7});
        assert_eq!(values_at(&object, "author.handle"), ["@Ada"]);
        assert_eq!(values_at(&object, "mentions"), ["@b", "@c"]);
        assert_eq!(values_at(&object, "n"), ["7"]);
        assert!(values_at(&object, "missing").is_empty());
    }
}
