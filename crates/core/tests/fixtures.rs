//! The awkward files real exports are, one fixture each in `tests/data/ingest/`.

use std::path::PathBuf;

use converge_core::ingest::{ingest, Ingested, ReadOptions};
use converge_core::schema::{detect, Field, Overrides, Role};
use converge_core::table::ColumnType;

fn read(name: &str) -> Ingested {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "../../tests/data/ingest", name]
        .iter()
        .collect();
    let file = std::fs::File::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    ingest(name, file, ReadOptions::default()).unwrap()
}

fn column_types(ingested: &Ingested) -> Vec<(&str, ColumnType)> {
    ingested
        .table
        .columns()
        .iter()
        .map(|column| (column.name(), column.column_type()))
        .collect()
}

fn cell(ingested: &Ingested, row_idx: usize, column: &str) -> Option<String> {
    ingested
        .table
        .column(column)
        .and_then(|c| c.display(row_idx))
}

fn fields(ingested: &Ingested) -> Vec<Option<Field>> {
    detect(&ingested.table, &Overrides::default())
        .fields
        .iter()
        .map(|guess| guess.field)
        .collect()
}

#[test]
fn excel_csv_with_bom_semicolons_comma_decimals_and_german_dates() {
    let ingested = read("excel_semicolon_bom.csv");
    assert_eq!(ingested.report.encoding, "UTF-8 with BOM");
    assert_eq!(ingested.report.format, "CSV (semicolon-delimited)");
    assert_eq!(
        column_types(&ingested),
        [
            ("Kundennummer", ColumnType::Text),
            ("Vorname", ColumnType::Text),
            ("Nachname", ColumnType::Text),
            ("E-Mail", ColumnType::Text),
            ("Umsatz", ColumnType::Decimal),
            ("Geburtsdatum", ColumnType::Date),
        ]
    );
    assert_eq!(cell(&ingested, 0, "Umsatz").as_deref(), Some("1234.5"));
    assert_eq!(
        cell(&ingested, 0, "Geburtsdatum").as_deref(),
        Some("1980-12-31")
    );
    let schema = detect(&ingested.table, &Overrides::default());
    assert_eq!(schema.role.role, Role::Customers);
    let found = fields(&ingested);
    assert_eq!(found[1], Some(Field::FirstName));
    assert_eq!(found[2], Some(Field::LastName));
    assert_eq!(found[3], Some(Field::Email));
    assert_eq!(found[5], Some(Field::BirthDate));
}

#[test]
fn quoted_newlines_and_doubled_quotes_stay_inside_their_field() {
    let ingested = read("quoted_newlines.csv");
    assert_eq!(ingested.report.rows_kept, 3);
    assert_eq!(
        cell(&ingested, 0, "review").as_deref(),
        Some("Great shoes.\nWould buy again, twice!")
    );
    assert_eq!(
        cell(&ingested, 1, "review").as_deref(),
        Some("He said \"meh\", and left")
    );
    assert_eq!(
        cell(&ingested, 2, "review").as_deref(),
        Some("Line one\r\nline two\r\nline three")
    );
    assert_eq!(
        ingested.table.column("stars").map(|c| c.column_type()),
        Some(ColumnType::Integer)
    );
    assert_eq!(fields(&ingested)[2], Some(Field::Rating));
}

#[test]
fn ragged_rows_are_reported_by_line_and_the_rest_kept() {
    let ingested = read("ragged_rows.csv");
    let report = &ingested.report;
    assert_eq!(
        (report.rows_read, report.rows_kept, report.rows_rejected),
        (5, 3, 2)
    );
    let problems: Vec<String> = report
        .rejected
        .iter()
        .map(|p| format!("line {}: {}", p.line, p.reason))
        .collect();
    assert_eq!(
        problems,
        [
            "line 3: 3 fields, the header has 4",
            "line 4: 5 fields, the header has 4"
        ]
    );
    // A trailing empty field (line 5) is not a reason to drop a row.
    assert_eq!(cell(&ingested, 1, "order_id").as_deref(), Some("O4"));
    assert_eq!(
        detect(&ingested.table, &Overrides::default()).role.role,
        Role::Orders
    );
}

#[test]
fn latin_1_names_are_decoded_not_mangled() {
    let ingested = read("latin1_names.csv");
    assert_eq!(cell(&ingested, 0, "first_name").as_deref(), Some("José"));
    assert_eq!(cell(&ingested, 2, "last_name").as_deref(), Some("Åström"));
    assert_eq!(cell(&ingested, 1, "city").as_deref(), Some("Besançon"));
    assert_eq!(ingested.report.n_values_windows_1252, 9);
}

#[test]
fn empty_and_header_only_files_are_valid_empty_tables() {
    let empty = read("empty.csv");
    assert_eq!((empty.report.rows_read, empty.table.n_columns()), (0, 0));
    let header_only = read("header_only.csv");
    assert_eq!(header_only.table.n_rows(), 0);
    assert_eq!(header_only.table.n_columns(), 3);
}

#[test]
fn duplicate_column_names_are_made_distinct() {
    let ingested = read("duplicate_columns.csv");
    let names: Vec<&str> = column_types(&ingested)
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(names, ["id", "name", "name_2", "column_4", "id_2"]);
}

#[test]
fn ten_thousand_columns() {
    let ingested = read("ten_thousand_columns.csv");
    assert_eq!(ingested.table.n_columns(), 10_000);
    assert_eq!(ingested.table.n_rows(), 2);
    assert_eq!(
        cell(&ingested, 1, "m9999").as_deref(),
        Some(((9_999 * 7) % 89).to_string().as_str())
    );
}

#[test]
fn json_lines_tickets_with_nested_customers_and_a_broken_line() {
    let ingested = read("tickets.ndjson");
    let report = &ingested.report;
    assert_eq!(
        (report.rows_read, report.rows_kept, report.rows_rejected),
        (4, 3, 1)
    );
    assert_eq!(report.rejected[0].line, 3);
    let names: Vec<&str> = column_types(&ingested)
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        names,
        [
            "ticket_id",
            "customer.email",
            "customer.tier",
            "body",
            "tags",
            "opened_at"
        ]
    );
    assert_eq!(
        ingested.table.column("opened_at").map(|c| c.column_type()),
        Some(ColumnType::Timestamp)
    );
    assert_eq!(
        cell(&ingested, 1, "opened_at").as_deref(),
        Some("2025-03-02T10:00:00Z")
    );
    let schema = detect(&ingested.table, &Overrides::default());
    assert_eq!(schema.role.role, Role::Interactions);
    assert_eq!(schema.fields[1].field, Some(Field::Email));
    assert_eq!(schema.fields[3].field, Some(Field::Text));
}

#[test]
fn a_json_export_wrapping_its_rows_in_an_object() {
    let ingested = read("reviews_wrapped.json");
    assert_eq!(ingested.report.rows_kept, 2);
    let schema = detect(&ingested.table, &Overrides::default());
    assert_eq!(schema.role.role, Role::Interactions);
    let found: Vec<Option<Field>> = schema.fields.iter().map(|g| g.field).collect();
    assert_eq!(
        found,
        [
            None,
            Some(Field::Handle),
            Some(Field::Rating),
            Some(Field::Text)
        ]
    );
}

#[test]
fn us_dates_and_dollar_amounts_in_a_pipe_delimited_file() {
    let ingested = read("us_dates_pipe.txt");
    assert_eq!(ingested.report.format, "CSV (pipe-delimited)");
    assert_eq!(
        cell(&ingested, 0, "order_date").as_deref(),
        Some("2025-04-25")
    );
    assert_eq!(
        cell(&ingested, 2, "order_date").as_deref(),
        Some("2025-01-02")
    );
    assert_eq!(cell(&ingested, 0, "total").as_deref(), Some("1200"));
    assert_eq!(
        fields(&ingested),
        [
            Some(Field::Email),
            Some(Field::Timestamp),
            Some(Field::Amount)
        ]
    );
}

/// The UCI Online Retail export: month-first dates with a time of day, `12/1/2010 8:26`.
#[test]
fn spreadsheet_date_times_become_instants_in_the_order_the_values_show() {
    let ingested = read("retail_invoices.csv");
    assert_eq!(ingested.report.rows_kept, 5);
    let types = column_types(&ingested);
    assert!(
        types.contains(&("InvoiceDate", ColumnType::Timestamp)),
        "{types:?}"
    );
    // "12/13/2010" can only be month first, so "12/1/2010" is the 1st of December.
    assert_eq!(
        cell(&ingested, 0, "InvoiceDate").as_deref(),
        Some("2010-12-01T08:26:00Z")
    );
    assert_eq!(
        cell(&ingested, 2, "InvoiceDate").as_deref(),
        Some("2010-12-13T14:28:00Z")
    );
    let schema = detect(&ingested.table, &Overrides::default());
    let field_of = |name: &str| {
        schema
            .fields
            .iter()
            .find(|guess| guess.column == name)
            .and_then(|guess| guess.field)
    };
    assert_eq!(field_of("InvoiceDate"), Some(Field::Timestamp));
}
