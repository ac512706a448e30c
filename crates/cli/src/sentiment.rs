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
use converge_core::ingest::{detect_format, detect_header, rows_key, Format};
use converge_core::schema::{detect, Overrides};
use converge_core::sentiment::{Explained, LexiconEntry, SentimentLabel, SentimentScore, Vader};
use serde_json::Value as Json;

use crate::columns::{decode, find_column, sample};

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
    /// Read links, handles, hashtags and elongated words first.
    pub social: bool,
    /// A file of the project's own words: `word,valence` per line.
    pub lexicon: Option<PathBuf>,
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
    let custom;
    let vader = if options.social || options.lexicon.is_some() {
        let entries = match &options.lexicon {
            Some(path) => read_lexicon(path)?,
            None => Vec::new(),
        };
        custom = Vader::shared()
            .clone()
            .with_social_reading(options.social)
            .with_words(&entries)
            .with_context(|| {
                options
                    .lexicon
                    .as_ref()
                    .map_or(String::new(), |path| path.display().to_string())
            })?;
        &custom
    } else {
        Vader::shared()
    };
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

/// A project's own words: `word,valence` (or tab-separated) per line; `#` starts a comment.
fn read_lexicon(path: &PathBuf) -> anyhow::Result<Vec<LexiconEntry>> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut entries = Vec::new();
    for (line_idx, line) in decode(&text).lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (word, valence) = line.rsplit_once([',', '\t']).with_context(|| {
            format!(
                "{}:{}: expected `word,valence`",
                path.display(),
                line_idx + 1
            )
        })?;
        let valence: f64 = valence.trim().parse().with_context(|| {
            format!(
                "{}:{}: the valence {:?} is not a number",
                path.display(),
                line_idx + 1,
                valence.trim()
            )
        })?;
        entries.push(LexiconEntry {
            word: word.trim().to_owned(),
            valence,
        });
    }
    Ok(entries)
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
    let ingested = sample(name, head, complete, format)?;
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
    let mut batch: Vec<Vec<String>> = Vec::with_capacity(BATCH_ROWS);
    let mut cells = String::new();
    let mut flush = |batch: &mut Vec<Vec<String>>, tally: &mut Tally| -> anyhow::Result<()> {
        let texts: Vec<&str> = batch
            .iter()
            .map(|row| row.get(text_idx).map_or("", String::as_str))
            .collect();
        let scores = score_all(vader, &texts, options.explain, tally)?;
        for (row, (score, explanation)) in batch.iter().zip(&scores) {
            let scores = score_cells(score, explanation.as_deref(), &mut cells);
            writer.write_record(row.iter().map(String::as_str).chain(scores))?;
        }
        batch.clear();
        Ok(())
    };
    while reader.read_byte_record(&mut record)? {
        batch.push(
            record
                .iter()
                .map(|field| decode(field).into_owned())
                .collect(),
        );
        if batch.len() == BATCH_ROWS {
            flush(&mut batch, tally)?;
        }
    }
    flush(&mut batch, tally)?;
    writer.flush()?;
    Ok(header.get(text_idx).map_or_else(
        || format!("column {}", text_idx + 1),
        |name| format!("column `{name}`"),
    ))
}

/// Rows scored at a time: enough to keep every core busy, few enough to stream.
const BATCH_ROWS: usize = 8_192;

/// A text's score, and its explanation when asked for (which costs more).
fn score_one(vader: &Vader, text: &str, explain: bool) -> (SentimentScore, Option<String>) {
    if explain {
        let explained = vader.explain(text);
        (explained.score, Some(explanation(&explained)))
    } else {
        (vader.score(text), None)
    }
}

/// Scores a batch of texts on every core, in order, and counts them.
fn score_all(
    vader: &Vader,
    texts: &[&str],
    explain: bool,
    tally: &mut Tally,
) -> anyhow::Result<Vec<(SentimentScore, Option<String>)>> {
    let started = std::time::Instant::now();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(texts.len() / 1_024 + 1);
    let scores = if threads <= 1 {
        texts
            .iter()
            .map(|text| score_one(vader, text, explain))
            .collect()
    } else {
        let chunk = texts.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = texts
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|text| score_one(vader, text, explain))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut scores = Vec::with_capacity(texts.len());
            for part in parts {
                match part.join() {
                    Ok(part) => scores.extend(part),
                    Err(_) => bail!("a scoring thread failed"),
                }
            }
            Ok(scores)
        })?
    };
    tally.scoring += started.elapsed();
    for (score, _) in &scores {
        tally.count(score);
    }
    Ok(scores)
}

/// `0.43040001` → `"0.4304"`: four decimals, as `{:.4}` prints them, without its slow path.
fn push_fixed4(value: f64, out: &mut String) {
    use std::fmt::Write as _;
    if !value.is_finite() || value.abs() >= 1e12 {
        let _ = write!(out, "{value:.4}");
        return;
    }
    let scaled = (value * 10_000.0).round() as i64;
    if value.is_sign_negative() {
        out.push('-');
    }
    let magnitude = scaled.unsigned_abs();
    let _ = write!(out, "{}.{:04}", magnitude / 10_000, magnitude % 10_000);
}

fn score_column_names(explain: bool) -> Vec<&'static str> {
    let mut names = SCORE_COLUMNS.to_vec();
    if explain {
        names.push("explanation");
    }
    names
}

/// The score columns of a row: written into `buffer`, returned as its slices.
fn score_cells<'b>(
    score: &SentimentScore,
    explanation: Option<&'b str>,
    buffer: &'b mut String,
) -> impl Iterator<Item = &'b str> {
    buffer.clear();
    let mut ends = [0; 4];
    for (end, value) in ends.iter_mut().zip([
        score.compound,
        score.positive,
        score.neutral,
        score.negative,
    ]) {
        push_fixed4(value, buffer);
        *end = buffer.len();
    }
    let buffer: &'b str = buffer;
    let starts = [0, ends[0], ends[1], ends[2]];
    starts
        .into_iter()
        .zip(ends)
        .map(move |(start, end)| &buffer[start..end])
        .chain(std::iter::once(label(score.label())))
        .chain(explanation)
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
    let mut batch: Vec<String> = Vec::with_capacity(BATCH_ROWS);
    let mut cells = String::new();
    let mut flush = |batch: &mut Vec<String>, tally: &mut Tally| -> anyhow::Result<()> {
        let texts: Vec<&str> = batch.iter().map(String::as_str).collect();
        let scores = score_all(vader, &texts, explain, tally)?;
        for (text, (score, explanation)) in texts.iter().zip(&scores) {
            let scores = score_cells(score, explanation.as_deref(), &mut cells);
            writer.write_record(std::iter::once(*text).chain(scores))?;
        }
        batch.clear();
        Ok(())
    };
    for_each_line(input, |text| {
        batch.push(text.to_owned());
        if batch.len() == BATCH_ROWS {
            flush(&mut batch, tally)?;
        }
        Ok(())
    })?;
    flush(&mut batch, tally)?;
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

/// The text of a row object at `column` (an empty text when missing); `None` for a non-object.
fn text_of_object(value: &Json, column: &str) -> Option<String> {
    value.as_object()?;
    Some(match text_at(value, column) {
        Some(Json::String(text)) => text.clone(),
        Some(Json::Null) | None => String::new(),
        Some(other) => other.to_string(),
    })
}

fn score_json_lines(
    input: impl Read,
    column: &str,
    options: &Options,
    output: &mut impl Write,
    vader: &Vader,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    // Each line, and its row object with its text when it is one.
    let mut batch: Vec<(String, Option<(Json, String)>)> = Vec::with_capacity(BATCH_ROWS);
    let mut flush = |batch: &mut Vec<(String, Option<(Json, String)>)>,
                     tally: &mut Tally|
     -> anyhow::Result<()> {
        let texts: Vec<&str> = batch
            .iter()
            .filter_map(|(_, row)| row.as_ref().map(|(_, text)| text.as_str()))
            .collect();
        let mut scores = score_all(vader, &texts, options.explain, tally)?.into_iter();
        for (line, row) in batch.drain(..) {
            // A score for every row that has a text, in order.
            let scored = row.and_then(|(value, _)| scores.next().map(|score| (value, score)));
            match scored {
                Some((mut value, (score, explanation))) => {
                    if let Some(object) = value.as_object_mut() {
                        add_scores(object, &score, explanation);
                    }
                    serde_json::to_writer(&mut *output, &value)?;
                }
                _ => {
                    if !line.trim().is_empty() {
                        tally.n_passed_through += 1;
                    }
                    output.write_all(line.as_bytes())?;
                }
            }
            output.write_all(b"\n")?;
        }
        Ok(())
    };
    for_each_line(input, |line| {
        let row = serde_json::from_str::<Json>(line)
            .ok()
            .and_then(|value| text_of_object(&value, column).map(|text| (value, text)));
        batch.push((line.to_owned(), row));
        if batch.len() == BATCH_ROWS {
            flush(&mut batch, tally)?;
        }
        Ok(())
    })?;
    flush(&mut batch, tally)
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
    let texts: Vec<Option<String>> = rows.iter().map(|row| text_of_object(row, column)).collect();
    let present: Vec<&str> = texts.iter().flatten().map(String::as_str).collect();
    let mut scores = score_all(vader, &present, options.explain, tally)?.into_iter();
    for (row, text) in rows.iter_mut().zip(&texts) {
        let scored = text.is_some().then(|| scores.next()).flatten();
        match (row.as_object_mut(), scored) {
            (Some(object), Some((score, explanation))) => add_scores(object, &score, explanation),
            _ => tally.n_passed_through += 1,
        }
    }
    serde_json::to_writer(&mut *output, &document)?;
    output.write_all(b"\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_decimals_print_as_the_formatter_prints_them() {
        let mut out = String::new();
        for value in [
            0.0, -0.0, 0.4404, -0.7424, 1.0, -1.0, 0.12345678, -0.00004, 0.99995001, 7.5,
        ] {
            out.clear();
            push_fixed4(value, &mut out);
            let expected = format!("{value:.4}");
            // `{:.4}` keeps the sign of a negative value that rounds to zero; so do we.
            assert_eq!(out, expected, "{value}");
        }
        out.clear();
        push_fixed4(f64::NAN, &mut out);
        assert_eq!(out, "NaN");
    }
}
