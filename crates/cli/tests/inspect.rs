//! `converge inspect` as scripts use it: JSON on stdout, and the exit code.

mod common;

fn converge(args: &[&str]) -> (i32, serde_json::Value, String) {
    let (code, stdout, _) = common::converge_in("ingest", args, "");
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (code, json, stdout)
}

#[test]
fn json_reports_rows_rejections_and_columns_per_file() {
    let (code, json, _) = converge(&["inspect", "--json", "ragged_rows.csv", "empty.csv"]);
    assert_eq!(code, 0);
    let ragged = &json[0];
    assert_eq!(ragged["file"], "ragged_rows.csv");
    assert_eq!(ragged["rows_read"], 5);
    assert_eq!(ragged["rows_kept"], 3);
    assert_eq!(ragged["rows_rejected"], 2);
    assert_eq!(ragged["rejected"][0]["line"], 3);
    assert_eq!(
        ragged["rejected"][0]["reason"],
        "3 fields, the header has 4"
    );
    assert_eq!(ragged["columns"][2]["name"], "amount");
    assert_eq!(ragged["columns"][2]["column_type"], "decimal");
    assert_eq!(ragged["schema"]["role"]["role"], "orders");
    assert_eq!(ragged["schema"]["fields"][2]["field"], "amount");
    // An empty file is a valid table with no rows, not an error.
    assert_eq!(json[1]["rows_read"], 0);
}

#[test]
fn a_file_that_cannot_be_read_fails_the_run_but_not_the_others() {
    let (code, json, _) = converge(&["inspect", "--json", "no_such_file.csv", "header_only.csv"]);
    assert_ne!(code, 0);
    assert!(json[0]["error"]
        .as_str()
        .is_some_and(|e| e.contains("cannot open")));
    assert_eq!(json[1]["rows_kept"], 0);
}

#[test]
fn people_get_a_table() {
    let (code, _, text) = converge(&["inspect", "excel_semicolon_bom.csv"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("CSV (semicolon-delimited) · UTF-8 with BOM · header row"),
        "{text}"
    );
    assert!(text.contains("role: customers"), "{text}");
    assert!(text.contains("Geburtsdatum"), "{text}");
}
