//! `converge resolve` as scripts use it: one output row per kept record, customers shared
//! across files, refused rows on standard error, evidence as JSON lines.

mod common;

use std::collections::HashMap;

fn converge(args: &[&str]) -> (i32, String, String) {
    common::converge_in("identity", args, "")
}

/// `(source, record_id)` → `(customer_id, match_probability)`.
fn rows(csv: &str) -> HashMap<(String, String), (String, String)> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("source,record_id,customer_id,match_probability")
    );
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields.len(), 4, "{line}");
            (
                (fields[0].to_owned(), fields[1].to_owned()),
                (fields[2].to_owned(), fields[3].to_owned()),
            )
        })
        .collect()
}

#[test]
fn records_are_linked_within_and_across_files() {
    let (code, stdout, stderr) = converge(&[
        "resolve",
        "crm_with_bad_row.csv",
        "shop_orders.jsonl",
        "--id",
        "customer_id",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let rows = rows(&stdout);
    // Grace's row has four fields where the header has five: refused, reported, not output.
    assert!(
        stderr.contains("crm_with_bad_row.csv:4: row refused"),
        "{stderr}"
    );
    assert_eq!(rows.len(), 4 + 3);
    let customer = |source: &str, id: &str| rows[&(source.to_owned(), id.to_owned())].clone();
    // --id where the file has the column, the row number where it does not.
    let ada = customer("crm_with_bad_row.csv", "C000101");
    assert_eq!(customer("crm_with_bad_row.csv", "C000105").0, ada.0);
    assert_eq!(customer("shop_orders.jsonl", "1").0, ada.0);
    assert_eq!(ada.1, "1.000000");
    let alan = customer("crm_with_bad_row.csv", "C000104");
    assert_eq!(customer("shop_orders.jsonl", "2").0, alan.0);
    assert_ne!(alan.0, ada.0);
    // Linked to no one: its own customer, no probability.
    let stranger = customer("shop_orders.jsonl", "3");
    assert_eq!(stranger.1, "0.000000");
    let charles = customer("crm_with_bad_row.csv", "C000102");
    assert_ne!(stranger.0, charles.0);
}

#[test]
fn explanations_are_json_lines_with_a_waterfall() {
    let dir = std::env::temp_dir().join(format!("converge-resolve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let explain = dir.join("explain.jsonl");
    let output = dir.join("out.csv");
    let (code, _, stderr) = converge(&[
        "resolve",
        "crm_with_bad_row.csv",
        "shop_orders.jsonl",
        "--explain",
        explain.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&explain).unwrap();
    let links: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(links.len() >= 3, "{text}");
    for link in &links {
        assert!(link["reason"].as_str().is_some());
        assert!(link["prior_weight_bits"].as_f64().is_some());
        assert!(link["fields"].as_array().is_some_and(|f| !f.is_empty()));
        assert!(link["match_probability"].as_f64().is_some());
    }
    assert!(links
        .iter()
        .any(|l| l["reason"] == "same email" && l["right_source"] == "shop_orders.jsonl"));
    assert_eq!(rows(&std::fs::read_to_string(&output).unwrap()).len(), 7);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_threshold_outside_0_to_1_is_refused() {
    let (code, _, stderr) = converge(&["resolve", "shop_orders.jsonl", "--threshold", "1.5"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--threshold"), "{stderr}");
    let (code, _, _) = converge(&["resolve"]);
    assert_eq!(code, 2);
}
