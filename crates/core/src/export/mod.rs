//! Tables out: CSV that opens safely in a spreadsheet.
//!
//! Customer text is untrusted. A cell such as `=HYPERLINK("http://evil", "click")` written as is
//! would run as a formula when a colleague opens the export in a spreadsheet, so every text cell
//! that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`
//! (the OWASP advice for CSV injection). Numbers are written as numbers: a negative amount is not
//! a formula.

use std::io::Write;

use crate::ingest::IngestReport;
use crate::table::{ColumnType, Table};

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing the CSV failed: {0}")]
    Csv(#[from] csv::Error),
}

/// Writes `table` as RFC 4180 CSV with a header row; missing values are empty cells.
pub fn write_csv(table: &Table, out: impl Write) -> Result<(), ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(
        table
            .columns()
            .iter()
            .map(|column| neutralise(column.name())),
    )?;
    let mut record: Vec<String> = Vec::with_capacity(table.n_columns());
    for row_idx in 0..table.n_rows() {
        record.clear();
        for column in table.columns() {
            let cell = column.display(row_idx).unwrap_or_default();
            let cell = match column.column_type() {
                ColumnType::Text | ColumnType::Category => neutralise(&cell),
                _ => cell,
            };
            record.push(cell);
        }
        writer.write_record(&record)?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// Writes the rows an import refused, one per line: file, line, reason and the row as written.
pub fn write_rejected_rows(report: &IngestReport, out: impl Write) -> Result<(), ExportError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["file", "line", "reason", "row"])?;
    for problem in &report.rejected {
        writer.write_record([
            neutralise(&report.file_name),
            problem.line.to_string(),
            neutralise(&problem.reason),
            neutralise(&problem.excerpt),
        ])?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// Makes a text cell inert in spreadsheets; see the module docs.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{TableBuilder, Value};

    #[test]
    fn formulas_in_customer_text_are_neutralised() {
        for (cell, expect) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+33 6 12", "'+33 6 12"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("plain", "plain"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), expect, "{cell:?}");
        }
    }

    #[test]
    fn refused_rows_export_with_their_lines_and_reasons() {
        let report = crate::ingest::ingest(
            "t.csv",
            std::io::Cursor::new(b"a,b\n1,2\n=cmd(),2,3\n".to_vec()),
            crate::ingest::ReadOptions::default(),
        )
        .unwrap()
        .report;
        let mut out = Vec::new();
        write_rejected_rows(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "file,line,reason,row\nt.csv,3,\"3 fields, the header has 2\",\"'=cmd(),2,3\"\n"
        );
    }

    #[test]
    fn numbers_stay_numbers_and_quotes_are_escaped() {
        let mut builder = TableBuilder::new(
            "t",
            &[("amount", ColumnType::Decimal), ("note", ColumnType::Text)],
        );
        builder
            .push_row(&[Value::Decimal(-12.5), Value::Text("=1+1")])
            .unwrap();
        builder
            .push_row(&[Value::Null, Value::Text("say \"hi\", then\nleave")])
            .unwrap();
        let mut out = Vec::new();
        write_csv(&builder.finish().unwrap(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "amount,note\n-12.5,'=1+1\n,\"say \"\"hi\"\", then\nleave\"\n"
        );
    }
}
