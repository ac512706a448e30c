//! `converge sentiment` as scripts use it: the input's format and columns kept, scores appended.

mod common;

fn converge(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::converge_in("ingest", args, stdin)
}

#[test]
fn csv_keeps_its_columns_and_gains_scores_for_the_detected_text_column() {
    let (code, out, err) = converge(&["sentiment", "quoted_newlines.csv"], "");
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        ["id", "review", "stars", "compound", "positive", "neutral", "negative", "label"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][1], "Great shoes.\nWould buy again, twice!");
    assert_eq!(&rows[0][7], "positive");
    let compound: f64 = rows[0][3].parse().unwrap();
    assert!(compound > 0.5, "{compound}");
    assert!(err.contains("column `review`"), "{err}");
}

#[test]
fn lines_from_standard_input() {
    let (code, out, _) = converge(
        &["sentiment", "-", "--lines"],
        "I love it!\nThis is terrible :(\n\n",
    );
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "text,compound,positive,neutral,negative,label");
    // vaderSentiment 3.3.2 gives 0.6696 and -0.7184 for these.
    assert_eq!(lines[1], "I love it!,0.6696,0.6919,0.3081,0.0000,positive");
    assert_eq!(
        lines[2],
        "This is terrible :(,-0.7184,0.0000,0.2500,0.7500,negative"
    );
    assert_eq!(lines[3], ",0.0000,0.0000,0.0000,0.0000,neutral");
}

#[test]
fn json_lines_keep_their_objects_and_unreadable_lines_pass_through() {
    let (code, out, err) = converge(
        &["sentiment", "tickets.ndjson", "--text", "body", "--explain"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["ticket_id"], "T1");
    assert_eq!(first["customer"]["email"], "ada@example.com");
    // No rated word in "My parcel never arrived and nobody answers the phone": vaderSentiment
    // 3.3.2 says neutral too.
    assert_eq!(first["label"], "neutral");
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["compound"], 0.4926);
    assert_eq!(second["label"], "positive");
    assert!(
        second["explanation"].as_str().unwrap().contains("Thanks"),
        "{second}"
    );
    assert_eq!(lines[2], "{\"ticket_id\": \"T3\", broken json}");
    assert!(err.contains("1 rows could not be read"), "{err}");
}

#[test]
fn explanations_name_the_rules() {
    let (code, out, _) = converge(
        &["sentiment", "-", "--lines", "--explain"],
        "The food was not good\n",
    );
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .ends_with("negative,\"good (-1.41, negated by “not”)\""),
        "{out}"
    );
}

#[test]
fn a_named_column_that_does_not_exist_is_an_error_that_lists_the_columns() {
    let (code, _, err) = converge(&["sentiment", "ragged_rows.csv", "--text", "comment"], "");
    assert_ne!(code, 0);
    assert!(
        err.contains("no column `comment`") && err.contains("order_id"),
        "{err}"
    );
}

#[test]
fn output_goes_to_a_file_in_the_input_format() {
    let out_path =
        std::env::temp_dir().join(format!("converge-sentiment-{}.tsv", std::process::id()));
    let input = "id\tanswer\n1\tGreat service, thank you\n2\tAwful service, never again.\n";
    let in_path =
        std::env::temp_dir().join(format!("converge-sentiment-in-{}.tsv", std::process::id()));
    std::fs::write(&in_path, input).unwrap();
    let (code, _, err) = converge(
        &[
            "sentiment",
            in_path.to_str().unwrap(),
            "-o",
            out_path.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(&out_path).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(
        lines[0],
        "id\tanswer\tcompound\tpositive\tneutral\tnegative\tlabel"
    );
    assert!(
        lines[1].ends_with("\tpositive") && lines[2].ends_with("\tnegative"),
        "{written}"
    );
    let _ = std::fs::remove_file(out_path);
    let _ = std::fs::remove_file(in_path);
}

/// Large inputs are scored in batches on every core; rows come out in their order, every one.
#[test]
fn batches_keep_every_row_in_order() {
    let texts = ["I love it", "I hate it", "It is a chair", "Not bad at all"];
    let expected = ["positive", "negative", "neutral", "positive"];
    let n_rows = 20_011;
    let mut csv = String::from("id,comment\n");
    let mut ndjson = String::new();
    for row in 0..n_rows {
        csv.push_str(&format!("{row},{}\n", texts[row % 4]));
        ndjson.push_str(&format!(
            "{{\"id\":{row},\"comment\":\"{}\"}}\n",
            texts[row % 4]
        ));
        if row == 9_000 {
            ndjson.push_str("not json\n");
        }
    }
    let (code, out, err) = converge(&["sentiment", "-", "--text", "comment"], &csv);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n_rows + 1);
    for (row, line) in lines[1..].iter().enumerate() {
        assert!(line.starts_with(&format!("{row},")), "{line}");
        assert!(line.ends_with(expected[row % 4]), "{line}");
    }
    let (code, out, err) = converge(&["sentiment", "-", "--text", "comment"], &ndjson);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n_rows + 1);
    assert_eq!(lines[9_001], "not json");
    let rows: Vec<serde_json::Value> = lines
        .iter()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    for (row, value) in rows.iter().enumerate() {
        assert_eq!(value["id"], row);
        assert_eq!(value["label"], expected[row % 4]);
    }
    assert!(err.contains("1 rows could not be read"), "{err}");
}

/// A skate brand's "sick" is praise, and social reading drops handles and reads elongations.
#[test]
fn project_words_and_social_reading() {
    let posts = "@LoveBakery that trick was sick\nsoooo goooood\n";
    let (code, out, err) = converge(&["sentiment", "--lines", "-"], posts);
    assert_eq!(code, 0, "{err}");
    let plain: Vec<&str> = out.lines().collect();
    assert!(plain[1].ends_with("negative"), "{out}");
    assert!(plain[2].ends_with("neutral"), "{out}");

    let dir = std::env::temp_dir().join(format!("converge-lexicon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let words = dir.join("words.csv");
    std::fs::write(&words, "# our audience\nsick,2.5\n").unwrap();
    let words_arg = words.to_str().unwrap();
    let (code, out, err) = converge(
        &[
            "sentiment",
            "--lines",
            "--social",
            "--lexicon",
            words_arg,
            "-",
        ],
        posts,
    );
    assert_eq!(code, 0, "{err}");
    let read: Vec<&str> = out.lines().collect();
    assert!(read[1].ends_with("positive"), "{out}");
    assert!(read[2].ends_with("positive"), "{out}");

    std::fs::write(&words, "sick,lots\n").unwrap();
    let (code, _, err) = converge(
        &["sentiment", "--lines", "--lexicon", words_arg, "-"],
        posts,
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("words.csv:1: the valence \"lots\" is not a number"),
        "{err}"
    );
    std::fs::write(&words, "sick,9\n").unwrap();
    let (code, _, err) = converge(
        &["sentiment", "--lines", "--lexicon", words_arg, "-"],
        posts,
    );
    assert_ne!(code, 0);
    assert!(err.contains("outside VADER's scale"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
