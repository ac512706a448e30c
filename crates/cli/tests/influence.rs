//! `converge influence` as scripts use it: a clean CSV on standard output, the summary and the
//! skipped rows on standard error.

mod common;

use std::collections::HashMap;

fn converge(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::converge_in("network", args, stdin)
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["node", "pagerank", "in_degree", "out_degree", "community"]
    );
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn modularity(err: &str) -> f64 {
    err.split("modularity ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|q| q.parse().ok())
        .unwrap_or_else(|| panic!("no modularity in {err}"))
}

fn reference(name: &str) -> (HashMap<String, f64>, f64) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/network/");
    let pagerank = csv::Reader::from_path(format!("{dir}{name}.pagerank.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[1].parse().unwrap())
        })
        .collect();
    let louvain = csv::Reader::from_path(format!("{dir}{name}.louvain.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap()[1].parse::<f64>().unwrap())
        .fold(f64::NEG_INFINITY, f64::max);
    (pagerank, louvain)
}

#[test]
fn weighted_graphs_match_networkx() {
    for (name, args) in [
        ("les_miserables", vec!["--undirected", "--weight", "weight"]),
        ("scale_free_directed", vec!["--weight", "weight"]),
    ] {
        let file = format!("{name}.csv");
        let mut all = vec!["influence", file.as_str()];
        all.extend(args);
        let (code, out, err) = converge(&all, "");
        assert_eq!(code, 0, "{err}");
        let (pagerank, louvain) = reference(name);
        let rows = rows(&out);
        assert_eq!(rows.len(), pagerank.len());
        for row in &rows {
            let ours: f64 = row[1].parse().unwrap();
            assert!((ours - pagerank[&row[0]]).abs() <= 1e-6, "{name} {row:?}");
        }
        // By PageRank descending.
        let scores: Vec<f64> = rows.iter().map(|r| r[1].parse().unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        // The summary rounds to 4 places.
        assert!(modularity(&err) >= louvain - 5e-5, "{name}: {err}");
        assert!(err.contains("PageRank converged"), "{err}");
    }
}

#[test]
fn undirected_degrees_count_both_ways_and_repeats_add_up() {
    let (code, out, err) = converge(
        &["influence", "-", "--undirected"],
        "src,dst\nx,y\ny,x\nx,x\n",
    );
    assert_eq!(code, 0, "{err}");
    let rows = rows(&out);
    let x = rows.iter().find(|r| r[0] == "x").unwrap();
    // x–y twice (weight 2) and the self-loop once.
    assert_eq!((x[2].as_str(), x[3].as_str()), ("3", "3"));
    assert!(err.contains("2 nodes, 2 edges (undirected)"), "{err}");
}

#[test]
fn bad_rows_are_skipped_and_reported_with_their_line() {
    let (code, out, err) = converge(
        &["influence", "-", "--weight", "w"],
        "from,to,w\n007,1.50,1\n,b,2\nc,,3\n007,c,many\n1.50,007,2\n",
    );
    assert_eq!(code, 0, "{err}");
    let rows = rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    // Names exactly as written.
    assert_eq!(names.len(), 2);
    assert!(
        names.contains(&"007") && names.contains(&"1.50"),
        "{names:?}"
    );
    assert!(
        err.contains("stdin: line 3: the source is missing"),
        "{err}"
    );
    assert!(
        err.contains("stdin: line 4: the target is missing"),
        "{err}"
    );
    assert!(err.contains("stdin: line 5: the weight \"many\""), "{err}");
    assert!(err.contains("3 rows skipped"), "{err}");
}

#[test]
fn mentions_in_posts_make_the_edges() {
    let posts = "\
{\"author\": {\"handle\": \"@Ana\"}, \"text\": \"I love @Brand, thanks @bo!\"}
{\"author\": {\"handle\": \"@bo\"}, \"text\": \"@brand is awful\"}
{\"author\": {\"handle\": \"@cy\"}, \"text\": \"no mention here\"}
not json
{\"author\": {\"handle\": \"@cy\"}, \"text\": \"@ANA great\"}
";
    let (code, out, err) = converge(&["influence", "-", "--texts"], posts);
    assert_eq!(code, 0, "{err}");
    let rows = rows(&out);
    let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names[0], "brand", "{names:?}");
    // The brand mentions no one: its out-degree is 0, not -0.
    assert_eq!(rows[0][3], "0", "{out}");
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(err.contains("line 4: not valid JSON"), "{err}");
    assert!(err.contains("1 posts without mentions"), "{err}");
    assert!(err.contains("advocates: ana"), "{err}");
    assert!(err.contains("detractors: bo"), "{err}");
}

#[test]
fn space_separated_edge_lists_without_a_header() {
    let (code, out, err) = converge(&["influence", "-"], "# a comment\n1 2\n2 3\n3 1\n");
    assert_eq!(code, 0, "{err}");
    let rows = rows(&out);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let score: f64 = row[1].parse().unwrap();
        assert!((score - 1.0 / 3.0).abs() < 1e-9);
    }
    // Ties by name.
    assert_eq!(rows[0][0], "1");
}

#[test]
fn a_large_json_document_and_a_utf16_file_read_like_any_other() {
    // Over the 256 KiB the command looks at first: the columns still come from whole rows.
    let mut rows = Vec::new();
    for idx in 0..12_000 {
        rows.push(format!(
            "{{\"edge\": {{\"from\": \"n{}\", \"to\": \"n{}\"}}, \"note\": \"padding padding\"}}",
            idx % 500,
            (idx * 7 + 1) % 500
        ));
    }
    let document = format!(
        "{{\"meta\": {{\"v\": 1}}, \"edges\": [{}]}}",
        rows.join(",\n")
    );
    assert!(document.len() > 256 * 1024);
    let (code, out, err) = converge(
        &[
            "influence",
            "-",
            "--source",
            "edge.from",
            "--target",
            "edge.to",
        ],
        &document,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(self::rows(&out).len(), 500, "{err}");
    assert!(err.contains("12000 rows read, 12000 edges"), "{err}");

    let dir = std::env::temp_dir().join(format!("converge-influence-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("edges-utf16.tsv");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "von\tan\nZoë\tBjörn\nBjörn\tZoë\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    std::fs::write(&path, bytes).unwrap();
    let (code, out, err) = converge(&["influence", path.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = self::rows(&out).into_iter().map(|r| r[0].clone()).collect();
    assert_eq!(names, ["Björn", "Zoë"], "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_demo_companys_planted_influencers_lead_its_social_posts() {
    let dir = std::env::temp_dir().join(format!("converge-demo-{}", std::process::id()));
    let dir_text = dir.to_str().unwrap().to_owned();
    let (code, _, err) = converge(&["demo", "--out", &dir_text, "--customers", "1500"], "");
    assert_eq!(code, 0, "{err}");
    let posts = dir.join("social_posts.ndjson");
    let (code, out, err) = converge(&["influence", "--texts", posts.to_str().unwrap()], "");
    assert_eq!(code, 0, "{err}");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let influencers: Vec<String> = truth["influencers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().trim_start_matches('@').to_lowercase())
        .collect();
    assert!(!influencers.is_empty());
    let rows = rows(&out);
    let top: Vec<&str> = rows[..influencers.len() + 1]
        .iter()
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(top[0], "northwind_outdoor");
    for influencer in &influencers {
        assert!(
            top.contains(&influencer.as_str()),
            "{influencer} not in {top:?}"
        );
    }
    assert!(err.contains("advocates: "), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
