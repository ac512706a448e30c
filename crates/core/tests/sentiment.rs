//! Converge's VADER against the reference: `vaderSentiment` 3.3.2's scores for 6,000 varied
//! sentences, stored with the script that made them (`tests/data/sentiment/`).

use converge_core::sentiment::Vader;

const REFERENCE: &str = include_str!("../../../tests/data/sentiment/vader_reference.tsv");

struct Case {
    text: String,
    compound: f64,
    shares: [f64; 3],
}

fn cases() -> Vec<Case> {
    REFERENCE
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.rsplitn(5, '\t').collect();
            let number = |idx: usize| fields[idx].parse::<f64>().expect("the fixture holds numbers");
            let text = fields[4].replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
            Case {
                text,
                compound: number(3),
                shares: [number(2), number(1), number(0)],
            }
        })
        .collect()
}

#[test]
fn compound_scores_match_the_reference() {
    let cases = cases();
    assert_eq!(cases.len(), 6_000);
    let vader = Vader::shared();
    let mut differences = Vec::new();
    for case in &cases {
        let score = vader.score(&case.text);
        let ours = [score.positive, score.neutral, score.negative];
        let compound_off = (score.compound - case.compound).abs() > 1e-3;
        let shares_off = ours.iter().zip(case.shares).any(|(a, b)| (a - b).abs() > 1e-3);
        if compound_off || shares_off {
            differences.push(format!(
                "{:?}: ours {:.4} {:?}, reference {} {:?}",
                case.text, score.compound, ours, case.compound, case.shares
            ));
        }
    }
    // Every difference is listed, so a change in behaviour shows up as a readable diff.
    for difference in &differences {
        eprintln!("{difference}");
    }
    let share_matching = 1.0 - differences.len() as f64 / cases.len() as f64;
    assert!(share_matching >= 0.99, "{} of {} differ", differences.len(), cases.len());
    assert!(differences.is_empty(), "{} unexplained differences", differences.len());
}
