//! `converge inspect`: what Converge makes of each file, for people (a table) or programs (JSON).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use converge_core::ingest::{
    Ingest, IngestError, IngestProgress, IngestReport, Ingested, ReadOptions,
};
use converge_core::schema::{detect, Overrides, TableSchema};
use serde::Serialize;

/// One file's result in `--json` output.
#[derive(Serialize)]
#[serde(untagged)]
enum FileResult {
    Read {
        file: String,
        #[serde(flatten)]
        report: Box<IngestReport>,
        schema: TableSchema,
    },
    Unreadable {
        file: String,
        error: String,
    },
}

pub fn run(files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let results: Vec<FileResult> = files.iter().map(|path| inspect(path)).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &results)?;
        writeln!(out)?;
    } else {
        for result in &results {
            print_human(&mut out, result)?;
        }
    }
    let n_unreadable = results
        .iter()
        .filter(|result| matches!(result, FileResult::Unreadable { .. }))
        .count();
    Ok(if n_unreadable > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn inspect(path: &Path) -> FileResult {
    let file = path.display().to_string();
    let opened = match std::fs::File::open(path) {
        Ok(opened) => opened,
        Err(err) => {
            return FileResult::Unreadable {
                file,
                error: format!("cannot open: {err}"),
            }
        }
    };
    let size = opened.metadata().map(|meta| meta.len()).ok();
    match read_whole(&file, opened, size) {
        Ok(ingested) => FileResult::Read {
            schema: detect(&ingested.table, &Overrides::default()),
            file,
            report: Box::new(ingested.report),
        },
        Err(err) => FileResult::Unreadable {
            file,
            error: err.to_string(),
        },
    }
}

/// Imports a file, telling the reader its size so that columns are sized once.
fn read_whole(name: &str, file: std::fs::File, size: Option<u64>) -> Result<Ingested, IngestError> {
    let mut ingest = Ingest::new(
        name,
        std::io::BufReader::with_capacity(1 << 20, file),
        ReadOptions::default(),
    )?;
    if let Some(size) = size {
        ingest = ingest.with_size_hint(size);
    }
    while ingest.step(65_536)? != IngestProgress::Finished {}
    ingest.finish()
}

fn print_human(out: &mut impl Write, result: &FileResult) -> std::io::Result<()> {
    let (file, report, schema) = match result {
        FileResult::Unreadable { file, error } => {
            return writeln!(out, "{file}: could not be read: {error}\n");
        }
        FileResult::Read {
            file,
            report,
            schema,
        } => (file, report, schema),
    };
    writeln!(
        out,
        "{file}\n  {} · {} · {}",
        report.format,
        report.encoding,
        if report.has_header {
            "header row"
        } else {
            "no header row"
        }
    )?;
    writeln!(
        out,
        "  rows: {} read, {} kept, {} rejected",
        report.rows_read, report.rows_kept, report.rows_rejected
    )?;
    writeln!(
        out,
        "  role: {} ({:.0}% sure) — {}",
        schema.role.role.label(),
        schema.role.confidence * 100.0,
        schema.role.reason
    )?;
    let name_width = report
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, 32);
    writeln!(
        out,
        "  {:name_width$}  {:9}  {:>8}  {:>8}  {:>9}  {:22}  range / top values",
        "column", "type", "missing", "invalid", "distinct", "meaning"
    )?;
    for (column, field) in report.columns.iter().zip(&schema.fields) {
        let distinct = if column.distinct_is_exact {
            column.distinct.to_string()
        } else {
            format!("~{}", column.distinct)
        };
        let meaning = field.field.map_or_else(
            || "—".to_owned(),
            |f| format!("{} ({:.0}%)", f.label(), field.confidence * 100.0),
        );
        let range = match (&column.min, &column.max) {
            (Some(min), Some(max)) => format!("{min} … {max}"),
            _ => column
                .top_values
                .iter()
                .take(3)
                .map(|top| format!("{} ({})", top.value, top.count))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let name: String = column.name.chars().take(name_width).collect();
        writeln!(
            out,
            "  {name:name_width$}  {:9}  {:>8}  {:>8}  {:>9}  {meaning:22}  {range}",
            column.column_type.label(),
            column.n_missing,
            column.n_invalid,
            distinct
        )?;
        for note in &column.notes {
            writeln!(out, "  {:name_width$}  note: {note}", "")?;
        }
    }
    if !report.rejected.is_empty() {
        writeln!(out, "  rejected rows:")?;
        for problem in report.rejected.iter().take(50) {
            writeln!(
                out,
                "    line {}: {} | {}",
                problem.line,
                problem.reason,
                problem.excerpt.replace('\n', "⏎")
            )?;
        }
        if report.rejected.len() > 50 {
            writeln!(
                out,
                "    … and {} more (see --json)",
                report.rows_rejected - 50
            )?;
        }
    }
    for note in &report.notes {
        writeln!(out, "  note: {note}")?;
    }
    writeln!(out)
}
