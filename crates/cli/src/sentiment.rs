//! `converge sentiment`: every text in a file scored, the file otherwise as it was.
//!
//! The output keeps the input's format and columns and appends `compound`, `positive`,
//! `neutral`, `negative` and `label` (and, with `--explain`, the words that weighed most).
//! Delimited files and JSON Lines stream, row by row, in constant memory; a JSON document is read
//! whole. Rows that cannot be scored (a malformed JSON line) are passed through unchanged and
//! counted on standard error: nothing is dropped.

use std::io::{BufRead, BufReader, Cursor, Read, Write};
use std::path::PathBuf;

use anyhow::{bail, Context};
use converge_core::ingest::{detect_format, detect_header, ingest, rows_key, Format, ReadOptions};
use converge_core::schema::{detect, Overrides};
use converge_core::sentiment::{Explained, SentimentLabel, SentimentScore, Vader};
use encoding_rs::WINDOWS_1252;
use serde_json::Value as Json;

pub struct Options {
    /// A file, or `-` for standard input.
    pub input: PathBuf,
    /// The text column (a name, or a 1-based number for files without a header).
    pub text: Option<String>,
    /// A column that identifies rows, checked to exist and named in messages.
    pub id: Option<String>,
    pub explain: bool,
    /// Plain text, one document per line.
    pub lines: bool,
    pub output: Option<PathBuf>,
}

const HEAD_BYTES: usize = 64 * 1024;
const SCORE_COLUMNS: [&str; 5] = ["compound", "positive", "neutral", "negative", "label"];

/// What the run did, for the summary on standard error.
#[derive(Default)]
struct Tally {
    n_scored: u64,
    by_label: [u64; 3],
    n_passed_through: u64,
    /// Time spent scoring, reading and writing aside.
    scoring: std::time::Duration,
}

impl Tally {
    fn count(&mut self, score: &SentimentScore) {
        self.n_scored += 1;
        let slot = match score.label() {
            SentimentLabel::Positive => 0,
            SentimentLabel::Neutral => 1,
            SentimentLabel::Negative => 2,
        };
        self.by_label[slot] += 1;
    }
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    let (name, mut input) = open_input(&options.input)?;
    let output: Box<dyn Write> = match &options.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut output = std::io::BufWriter::with_capacity(1 << 16, output);
    let vader = Vader::shared();
    let mut tally = Tally::default();
    let column = if options.lines {
        score_lines(input, &mut output, vader, options.explain, &mut tally)?;
        "each line".to_owned()
    } else {
        let mut head = Vec::with_capacity(HEAD_BYTES);
        (&mut input)
            .take(HEAD_BYTES as u64)
            .read_to_end(&mut head)
            .with_context(|| format!("reading {name}"))?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            head.drain(..3);
        }
        let complete = head.len() < HEAD_BYTES;
        let head_text = String::from_utf8_lossy(&head).into_owned();
        let format = detect_format(&name, &head_text, complete);
        let whole = Cursor::new(head.clone()).chain(input);
        match format {
            Format::Delimited { delimiter } => score_delimited(
                whole,
                &head,
                &head_text,
                complete,
                delimiter,
                options,
                &mut output,
                vader,
                &mut tally,
            )?,
            Format::JsonLines | Format::Json => {
                let column = match &options.text {
                    Some(column) => column.clone(),
                    None => detect_text_column(&name, &head, complete, format)?,
                };
                if format == Format::JsonLines {
                    score_json_lines(whole, &column, options, &mut output, vader, &mut tally)?;
                } else {
                    score_json_document(whole, &column, options, &mut output, vader, &mut tally)?;
                }
                column
            }
        }
    };
    output.flush()?;
    let [n_positive, n_neutral, n_negative] = tally.by_label;
    eprintln!(
        "{name}: scored {} texts from {column} ({n_positive} positive, {n_neutral} neutral, {n_negative} negative); scoring took {:.1} ms",
        tally.n_scored,
        tally.scoring.as_secs_f64() * 1000.0
    );
    if tally.n_passed_through > 0 {
        eprintln!(
            "{name}: {} rows could not be read and were passed through unscored",
            tally.n_passed_through
        );
    }
    Ok(())
}

/// Text from bytes: UTF-8 when valid, else Windows-1252 (which reads any byte), as ingestion does.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// Calls `each` with every line of `input`, decoded, without its line break.
fn for_each_line(
    input: impl Read,
    mut each: impl FnMut(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        each(decode(&line).trim_end_matches(['\n', '\r']))?;
    }
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

/// The text column of a file, found by the schema detection run on its first rows.
fn detect_text_column(
    name: &str,
    head: &[u8],
    complete: bool,
    format: Format,
) -> anyhow::Result<String> {
    // Whole lines only: the last line of a partial head may be cut.
    let sample = if complete {
        head.to_vec()
    } else {
        let end = head
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(head.len(), |idx| idx + 1);
        head[..end].to_vec()
    };
    let options = ReadOptions {
        format: Some(format),
        has_header: None,
    };
    let ingested =
        ingest(name, Cursor::new(sample), options).with_context(|| format!("reading {name}"))?;
    let schema = detect(&ingested.table, &Overrides::default());
    let best = schema.text_column().map(str::to_owned);
    // Failing that, the text column with the longest values.
    let longest = || {
        ingested
            .report
            .columns
            .iter()
            .filter(|column| {
                column.column_type.label() == "text" || column.column_type.label() == "category"
            })
            .max_by_key(|column| {
                let table_column = ingested.table.column(&column.name);
                table_column.map_or(0, |c| {
                    (0..c.len())
                        .filter_map(|row| c.display(row))
                        .map(|t| t.len())
                        .sum::<usize>()
                })
            })
            .map(|column| column.name.clone())
    };
    best.or_else(longest)
        .with_context(|| format!("{name}: no column of text found; name it with --text COLUMN"))
}

#[allow(clippy::too_many_arguments)]
fn score_delimited(
    input: impl Read,
    head: &[u8],
    head_text: &str,
    complete: bool,
    delimiter: u8,
    options: &Options,
    output: &mut impl Write,
    vader: &Vader,
    tally: &mut Tally,
) -> anyhow::Result<String> {
    let has_header = detect_header(head_text, delimiter, complete);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(output);
    let mut record = csv::ByteRecord::new();
    let mut decoded: Vec<String> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    if has_header && reader.read_byte_record(&mut record)? {
        header = record
            .iter()
            .map(|field| decode(field).into_owned())
            .collect();
    }
    let text_idx = match &options.text {
        Some(wanted) => find_column(&header, wanted)?,
        None => {
            let name =
                detect_text_column("input.csv", head, complete, Format::Delimited { delimiter })?;
            match header.iter().position(|column| *column == name) {
                Some(idx) => idx,
                None => name
                    .strip_prefix("column_")
                    .and_then(|n| n.parse::<usize>().ok())
                    .and_then(|n| n.checked_sub(1))
                    .with_context(|| format!("the text column `{name}` is not in the header"))?,
            }
        }
    };
    if let Some(id) = &options.id {
        find_column(&header, id)?;
    }
    let extra = score_column_names(options.explain);
    if has_header {
        writer.write_record(
            header
                .iter()
                .map(String::as_str)
                .chain(extra.iter().copied()),
        )?;
    }
    while reader.read_byte_record(&mut record)? {
        decoded.clear();
        decoded.extend(record.iter().map(|field| decode(field).into_owned()));
        let text = decoded.get(text_idx).map_or("", String::as_str);
        let (score, explanation) = score_text(vader, text, options.explain, tally);
        let scores = score_cells(&score, explanation);
        writer.write_record(
            decoded
                .iter()
                .map(String::as_str)
                .chain(scores.iter().map(String::as_str)),
        )?;
    }
    writer.flush()?;
    Ok(header.get(text_idx).map_or_else(
        || format!("column {}", text_idx + 1),
        |name| format!("column `{name}`"),
    ))
}

/// A column by name (exact, then ignoring case) or, for files without a header, by 1-based number.
fn find_column(header: &[String], wanted: &str) -> anyhow::Result<usize> {
    if let Some(idx) = header.iter().position(|name| name == wanted) {
        return Ok(idx);
    }
    if let Some(idx) = header
        .iter()
        .position(|name| name.eq_ignore_ascii_case(wanted))
    {
        return Ok(idx);
    }
    if let Some(idx) = wanted.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
        return Ok(idx);
    }
    bail!(
        "no column `{wanted}`; the columns are: {}",
        header.join(", ")
    )
}

/// A text's score, and its explanation when asked for (which costs more).
fn score_text(
    vader: &Vader,
    text: &str,
    explain: bool,
    tally: &mut Tally,
) -> (SentimentScore, Option<String>) {
    let started = std::time::Instant::now();
    let (score, explanation) = if explain {
        let explained = vader.explain(text);
        (explained.score, Some(explanation(&explained)))
    } else {
        (vader.score(text), None)
    };
    tally.scoring += started.elapsed();
    tally.count(&score);
    (score, explanation)
}

fn score_column_names(explain: bool) -> Vec<&'static str> {
    let mut names = SCORE_COLUMNS.to_vec();
    if explain {
        names.push("explanation");
    }
    names
}

fn score_cells(score: &SentimentScore, explanation: Option<String>) -> Vec<String> {
    let mut cells = vec![
        format!("{:.4}", score.compound),
        format!("{:.4}", score.positive),
        format!("{:.4}", score.neutral),
        format!("{:.4}", score.negative),
        label(score.label()).to_owned(),
    ];
    cells.extend(explanation);
    cells
}

fn label(label: SentimentLabel) -> &'static str {
    match label {
        SentimentLabel::Positive => "positive",
        SentimentLabel::Neutral => "neutral",
        SentimentLabel::Negative => "negative",
    }
}

/// The words that weighed most, strongest first, with the rules that changed them:
/// `awful (-2.50); good (-1.41, negated by “not”)`.
fn explanation(explained: &Explained) -> String {
    let mut weighty: Vec<_> = explained
        .contributions
        .iter()
        .filter(|c| c.valence != 0.0)
        .collect();
    weighty.sort_by(|a, b| b.valence.abs().total_cmp(&a.valence.abs()));
    weighty
        .iter()
        .take(5)
        .map(|c| {
            let rules: Vec<String> = c.rules.iter().map(|rule| rule.describe()).collect();
            if rules.is_empty() {
                format!("{} ({:+.2})", c.token, c.valence)
            } else {
                format!("{} ({:+.2}, {})", c.token, c.valence, rules.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn score_lines(
    input: impl Read,
    output: &mut impl Write,
    vader: &Vader,
    explain: bool,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(output);
    writer.write_record(std::iter::once("text").chain(score_column_names(explain)))?;
    for_each_line(input, |text| {
        let (score, explanation) = score_text(vader, text, explain, tally);
        let scores = score_cells(&score, explanation);
        writer.write_record(std::iter::once(text).chain(scores.iter().map(String::as_str)))?;
        Ok(())
    })?;
    writer.flush()?;
    Ok(())
}

/// The text at a flattened column name (`review.body`) inside a JSON object.
fn text_at<'a>(object: &'a Json, column: &str) -> Option<&'a Json> {
    if let Some(value) = object.get(column) {
        return Some(value);
    }
    let (first, rest) = column.split_once('.')?;
    text_at(object.get(first)?, rest)
}

fn add_scores(
    object: &mut serde_json::Map<String, Json>,
    score: &SentimentScore,
    explanation: Option<String>,
) {
    let round = |value: f64| Json::from((value * 10_000.0).round() / 10_000.0);
    object.insert("compound".into(), round(score.compound));
    object.insert("positive".into(), round(score.positive));
    object.insert("neutral".into(), round(score.neutral));
    object.insert("negative".into(), round(score.negative));
    object.insert("label".into(), Json::from(label(score.label())));
    if let Some(explanation) = explanation {
        object.insert("explanation".into(), Json::from(explanation));
    }
}

fn score_object(
    value: &mut Json,
    column: &str,
    options: &Options,
    vader: &Vader,
    tally: &mut Tally,
) -> bool {
    let text = match value.as_object().map(|_| text_at(value, column)) {
        Some(Some(Json::String(text))) => text.clone(),
        Some(Some(Json::Null) | None) => String::new(),
        Some(Some(other)) => other.to_string(),
        None => return false,
    };
    let (score, explanation) = score_text(vader, &text, options.explain, tally);
    if let Some(object) = value.as_object_mut() {
        add_scores(object, &score, explanation);
    }
    true
}

fn score_json_lines(
    input: impl Read,
    column: &str,
    options: &Options,
    output: &mut impl Write,
    vader: &Vader,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    for_each_line(input, |line| {
        let mut parsed = serde_json::from_str::<Json>(line).ok();
        let scored = parsed
            .as_mut()
            .is_some_and(|value| score_object(value, column, options, vader, tally));
        match parsed {
            Some(value) if scored => serde_json::to_writer(&mut *output, &value)?,
            _ => {
                if !line.trim().is_empty() {
                    tally.n_passed_through += 1;
                }
                output.write_all(line.as_bytes())?;
            }
        }
        output.write_all(b"\n")?;
        Ok(())
    })
}

fn score_json_document(
    mut input: impl Read,
    column: &str,
    options: &Options,
    output: &mut impl Write,
    vader: &Vader,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let mut document: Json =
        serde_json::from_slice(&bytes).context("the document is not valid JSON")?;
    let rows: &mut Vec<Json> = match &mut document {
        Json::Array(rows) => rows,
        Json::Object(object) => {
            let longest = rows_key(object).context("the document holds no array of rows")?;
            match object.get_mut(&longest) {
                Some(Json::Array(rows)) => rows,
                _ => bail!("the document holds no array of rows"),
            }
        }
        _ => bail!("the document holds no array of rows"),
    };
    for row in rows.iter_mut() {
        if !score_object(row, column, options, vader, tally) {
            tally.n_passed_through += 1;
        }
    }
    serde_json::to_writer(&mut *output, &document)?;
    output.write_all(b"\n")?;
    Ok(())
}
