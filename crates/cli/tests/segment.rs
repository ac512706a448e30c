//! `converge rfm` and `converge cluster` as scripts use them, checked against the pandas and
//! scikit-learn fixtures in `tests/data/segment/`.

mod common;

fn converge(args: &[&str], stdin: &str) -> (i32, String, String) {
    common::converge_in("segment", args, stdin)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/data/segment/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the fixture exists")
}

#[test]
fn rfm_writes_what_pandas_computes() {
    for case in ["sixty_customers_timestamps", "two_thousand_customers"] {
        let (code, out, err) = converge(&["rfm", &format!("rfm_{case}.csv")], "");
        assert_eq!(code, 0, "{err}");
        let expected = fixture(&format!("rfm_{case}.expected.csv"));
        let mut lines = out.lines();
        assert_eq!(
            lines.next(),
            Some("customer_id,recency_days,frequency,monetary,r,f,m,segment")
        );
        let mut n = 0;
        for (ours, theirs) in lines.zip(expected.lines().skip(1)) {
            let ours: Vec<&str> = ours.split(',').collect();
            let theirs: Vec<&str> = theirs.split(',').collect();
            assert_eq!(ours[..3], theirs[..3], "{case}");
            let (a, b): (f64, f64) = (ours[3].parse().unwrap(), theirs[3].parse().unwrap());
            assert_eq!(a, b, "{case}: monetary {ours:?} vs {theirs:?}");
            assert_eq!(ours[4..7], theirs[4..7], "{case}");
            assert!(!ours[7].is_empty());
            n += 1;
        }
        assert_eq!(n, expected.lines().count() - 1);
    }
}

#[test]
fn rfm_reports_orders_it_cannot_use_and_derives_amounts_it_says_so() {
    let orders = "\
InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice
1,17850,2010-12-01 08:26:00,6,2.55
2,,2010-12-01 08:28:00,1,1.00
3,17850,2010-12-02 09:00:00,2,3.39
4,13047,,1,5.00
5,13047,2010-12-03 10:00:00,3,
6,13047,2010-12-05 10:00:00,-1,4.25
";
    let (code, out, err) = converge(&["rfm", "-", "--as-of", "2010-12-10"], orders);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Quantity × UnitPrice"), "{err}");
    assert!(err.contains("stdin: line 3: no customer"), "{err}");
    assert!(err.contains("stdin: line 5: no order date"), "{err}");
    assert!(err.contains("stdin: line 6: no amount"), "{err}");
    let rows: Vec<&str> = out.lines().collect();
    // 6 × 2.55 + 2 × 3.39 = 22.08; a return of 4.25 is summed as it is.
    assert!(rows[1].starts_with("17850,8,2,22.08,"), "{out}");
    assert!(rows[2].starts_with("13047,5,1,-4.25,"), "{out}");
    assert_eq!(rows.len(), 3);
}

#[test]
fn rfm_refuses_what_it_cannot_guess() {
    let (code, _, err) = converge(&["rfm", "-"], "who,what\na,b\n");
    assert_ne!(code, 0);
    assert!(
        err.contains("--date") || err.contains("--customer"),
        "{err}"
    );
    let (code, _, err) = converge(
        &["rfm", "rfm_two_customers.csv", "--as-of", "2000-01-01"],
        "",
    );
    assert_ne!(code, 0);
    assert!(err.contains("before the last order"), "{err}");
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("the summary is JSON")
}

#[test]
fn cluster_inertia_is_at_most_scikit_learns_and_missing_values_are_reported() {
    let summary =
        std::env::temp_dir().join(format!("converge-cluster-{}.json", std::process::id()));
    let summary_arg = summary.display().to_string();
    let (code, out, err) = converge(
        &[
            "cluster",
            "kmeans_blobs.csv",
            "--k",
            "5",
            "--standardize",
            "--summary",
            &summary_arg,
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    let parsed = json(&std::fs::read_to_string(&summary).unwrap());
    std::fs::remove_file(&summary).ok();
    let sklearn: f64 = fixture("kmeans_reference.csv")
        .lines()
        .find(|line| line.starts_with("blobs,"))
        .and_then(|line| line.rsplit(',').next())
        .unwrap()
        .parse()
        .unwrap();
    let inertia = parsed["inertia"].as_f64().unwrap();
    assert!(inertia <= sklearn * (1.0 + 1e-9), "{inertia} > {sklearn}");
    assert_eq!(parsed["k"], 5);
    assert_eq!(parsed["centroids"].as_array().unwrap().len(), 5);
    assert_eq!(
        parsed["centroids_original_units"].as_array().unwrap().len(),
        5
    );
    assert_eq!(parsed["profiles"].as_array().unwrap().len(), 5);
    assert_eq!(
        parsed["projection"]["centroids"].as_array().unwrap().len(),
        5
    );
    assert!(parsed["profiles"][0]["suggested_name"].is_string());
    assert!(out.starts_with("a,b,c,d,cluster\n"));
    assert_eq!(out.lines().count(), 1501);

    // Two groups of customers (low and high spend and visits), one with no spend, one whose
    // visits are not a number.
    let mut messy = String::from("customer_id,name,spend,visits\n");
    for i in 0..40 {
        let (spend, visits) = if i % 2 == 0 {
            (10 + i % 3, 1)
        } else {
            (500 + i, 9)
        };
        let spend = if i == 1 {
            String::new()
        } else {
            spend.to_string()
        };
        let visits = if i == 4 {
            "abc".to_owned()
        } else {
            visits.to_string()
        };
        messy.push_str(&format!("{},P{i},{spend},{visits}\n", 1000 + i));
    }
    let (code, out, err) = converge(&["cluster", "-", "--k", "2", "--seed", "3"], &messy);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stdin: line 3: `spend` is missing"), "{err}");
    assert!(err.contains("stdin: line 6: `visits` is missing"), "{err}");
    assert!(
        err.contains("leaving out identifier columns customer_id"),
        "{err}"
    );
    let clusters: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|line| line.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(clusters.len(), 40);
    assert_eq!(clusters[1], "");
    assert_eq!(clusters[4], "");
    for (i, cluster) in clusters.iter().enumerate() {
        if i != 1 && i != 4 {
            assert_eq!(*cluster, clusters[i % 2 * 3 + (1 - i % 2) * 2], "row {i}");
        }
    }
    assert_ne!(clusters[2], clusters[3]);
}

#[test]
fn cluster_picks_k_by_silhouette() {
    let (code, _, err) = converge(
        &[
            "cluster",
            "kmeans_blobs.csv",
            "--k-range",
            "2..8",
            "--standardize",
            "-o",
            "/dev/null",
        ],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("k = 5, inertia"), "{err}");
    assert!(err.contains("k =  8: inertia"), "{err}");
}

#[test]
fn rfm_reads_online_retail_style_invoices() {
    // Text dates month first (12/13/2010 tells), one row per invoice line, a cancelled invoice.
    let lines = "\
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom
536365,71053,WHITE METAL LANTERN,6,12/1/2010 8:26,3.39,17850,United Kingdom
536366,22633,HAND WARMER UNION JACK,6,12/3/2010 8:28,1.85,17850,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,12/1/2010 8:34,1.69,13047,United Kingdom
C536379,D,Discount,-1,12/1/2010 9:41,27.5,14527,United Kingdom
536370,22728,ALARM CLOCK BAKELIKE PINK,24,12/13/2010 8:45,3.75,12583,France
";
    let (code, out, err) = converge(&["rfm", "-"], lines);
    assert_eq!(code, 0, "{err}");
    // Ingestion reads the dates month first (12/13/2010 tells); the recencies below prove it.
    assert!(err.contains("`InvoiceNo`"), "{err}");
    let rows: Vec<&str> = out.lines().collect();
    // As of 2010-12-14: 17850 last ordered on 12/3, two invoices, 6·2.55 + 6·3.39 + 6·1.85.
    assert!(rows[1].starts_with("17850,11,2,46.74,"), "{out}");
    assert!(rows[3].starts_with("14527,13,1,-27.5,"), "{out}");
    assert!(rows[4].starts_with("12583,1,1,90,"), "{out}");
}

#[test]
fn rfm_reads_json_lines_with_a_messy_amount() {
    let lines = r#"{"customer":"a","ts":"2024-01-02T10:00:00Z","total":"12,50"}
{"customer":"b","ts":"2024-01-05T23:59:00Z","total":3}
{"customer":"a","ts":"2024-01-07T10:00:00Z","total":"oops"}
"#;
    let (code, out, err) = converge(&["rfm", "-"], lines);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("stdin: line 3: no amount"), "{err}");
    assert!(out.contains("\na,4,1,12.5,"), "{out}");
    assert!(out.contains("\nb,1,1,3,"), "{out}");
}

#[test]
fn cluster_reads_what_rfm_writes() {
    let (code, rfm, err) = converge(&["rfm", "rfm_two_thousand_customers.csv"], "");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = converge(
        &[
            "cluster",
            "-",
            "--columns",
            "recency_days,frequency,monetary",
            "--standardize",
            "--k",
            "4",
        ],
        &rfm,
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("customer_id,recency_days,frequency,monetary,r,f,m,segment,cluster\n"));
    assert_eq!(out.lines().count(), rfm.lines().count());
}
