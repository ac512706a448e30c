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
            let number = |idx: usize| {
                fields[idx]
                    .parse::<f64>()
                    .expect("the fixture holds numbers")
            };
            let text = fields[4]
                .replace("\\n", "\n")
                .replace("\\t", "\t")
                .replace("\\\\", "\\");
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
        let shares_off = ours
            .iter()
            .zip(case.shares)
            .any(|(a, b)| (a - b).abs() > 1e-3);
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
    assert!(
        share_matching >= 0.99,
        "{} of {} differ",
        differences.len(),
        cases.len()
    );
    assert!(
        differences.is_empty(),
        "{} unexplained differences",
        differences.len()
    );
}

/// The first 300 reference sentences' scores as exact `f64` bits, as computed natively. The wasm
/// test (`tests/wasm.rs`) checks the browser computes the very same bits.
const NATIVE_BITS: &str = include_str!("../../../tests/data/sentiment/native_bits.tsv");

pub fn score_bits(text: &str) -> String {
    let score = Vader::shared().score(text);
    format!(
        "{:016x} {:016x} {:016x} {:016x}",
        score.compound.to_bits(),
        score.positive.to_bits(),
        score.neutral.to_bits(),
        score.negative.to_bits()
    )
}

#[test]
fn native_bits_are_pinned() {
    let computed: String = cases()
        .iter()
        .take(300)
        .map(|case| format!("{}\n", score_bits(&case.text)))
        .collect();
    if std::env::var_os("UPDATE_NATIVE_BITS").is_some() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/data/sentiment/native_bits.tsv"
        );
        std::fs::write(path, &computed).expect("writing the pinned bits");
    }
    assert_eq!(
        NATIVE_BITS, computed,
        "run with UPDATE_NATIVE_BITS=1 if the change is intended"
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use converge_core::sentiment::Vader;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn any_text_scores_in_range(text in "\\PC{0,80}") {
            let score = Vader::shared().score(&text);
            prop_assert!((-1.0..=1.0).contains(&score.compound));
            for share in [score.positive, score.neutral, score.negative] {
                prop_assert!((0.0..=1.0).contains(&share));
            }
            let total = score.positive + score.neutral + score.negative;
            prop_assert!(total == 0.0 || (total - 1.0).abs() < 1e-9);
        }

        #[test]
        fn social_text_never_panics(words in prop::collection::vec("(not|no|but|very|kind|of|least|at|so|never|good|bad|BAD|!!|\\?\\?|:\\)|😀|💔|#hash|@who|https://x\\.io/a|soooo)", 0..20)) {
            let text = words.join(" ");
            let score = Vader::shared().score(&text);
            prop_assert!(score.compound.is_finite());
            let social = Vader::shared().clone().with_social_reading(true);
            prop_assert!(social.score(&text).compound.is_finite());
        }

        /// Whatever the text, its pieces give it back whole and carry every token's valence.
        #[test]
        fn pieces_give_the_text_back(text in "(\\PC|\\s|#[A-Za-z]{1,6}|@[a-z]{1,4}|[a-z]ooo|😀){0,40}", social in any::<bool>()) {
            let vader = Vader::shared().clone().with_social_reading(social);
            let explained = vader.explain_text(&text);
            let whole: String = explained.pieces.iter().map(|p| p.text.as_str()).collect();
            prop_assert_eq!(&whole, &text);
            let pieces: f64 = explained.pieces.iter().map(|p| p.valence).sum();
            let tokens: f64 = vader.explain(&text).contributions.iter().map(|c| c.valence).sum();
            prop_assert!((pieces - tokens).abs() < 1e-9, "{} vs {}", pieces, tokens);
        }
    }
}
