//! What the demo's customers say, with the sentiment each phrase truly carries.
//!
//! Phrases are built so that their sentiment is unambiguous to a person, while exercising what a
//! scorer must handle: negation, boosters, "but" clauses, ALL CAPS, emoji, exclamation marks and
//! typos (kept to words that carry no sentiment, so the truth stays true).

use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// The sentiment a text was written to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SentimentClass {
    Positive,
    Neutral,
    Negative,
}

pub(super) const PRODUCTS: &[&str] = &[
    "running shoes",
    "rain jacket",
    "backpack",
    "wool jumper",
    "yoga mat",
    "water bottle",
    "headphones",
    "smart watch",
    "coffee grinder",
    "desk lamp",
    "hiking boots",
    "sunglasses",
];

const POSITIVE: &[&str] = &[
    "I love my new {p}",
    "the {p} is amazing",
    "great service from the team",
    "super fast delivery, very impressed",
    "really happy with the {p}",
    "the staff were so helpful and friendly",
    "best purchase I have made this year",
    "the {p} works perfectly",
    "excellent quality, would recommend",
    "brilliant experience from start to finish",
];

const NEGATIVE: &[&str] = &[
    "the {p} broke after a week",
    "terrible customer service",
    "my order arrived late and damaged",
    "really disappointed with the {p}",
    "still waiting for my refund, awful",
    "the app keeps crashing, so frustrating",
    "worst shopping experience ever",
    "the {p} is poor quality and overpriced",
    "nobody answers the phone, useless",
    "I hate how slow the support is",
];

const NEUTRAL: &[&str] = &[
    "ordered the {p} yesterday",
    "is the store open on sunday",
    "how do I change my delivry address",
    "received the parcel today",
    "looking at the {p} range",
    "what sizes does the {p} come in",
    "my order number is in the email",
    "switching to the app for my next order",
    "the {p} comes in three colours",
    "can I collect the {p} in store",
];

/// Negated opposites: the words are of one polarity, the meaning of the other.
const NEGATED_NEGATIVE: &[&str] = &[
    "not happy with the {p}",
    "the {p} is not good at all",
    "I would never recommend this shop",
];
const NEGATED_POSITIVE: &[&str] = &[
    "never disappointed by this shop",
    "the {p} is not bad at all, I like it",
];

const BOOSTERS: &[&str] = &["really ", "extremely ", "absolutely ", "so "];
const POSITIVE_EMOJI: &[&str] = &["😍", "🙂", "👍", "❤️", ":)"];
const NEGATIVE_EMOJI: &[&str] = &["😡", "👎", "😞", ":("];

/// A text of the given sentiment. `mentions` are woven in as `@handle`s.
pub(super) fn compose(rng: &mut Pcg64Mcg, class: SentimentClass, mentions: &[String]) -> String {
    let product = PRODUCTS[rng.random_range(0..PRODUCTS.len())];
    let pick = |rng: &mut Pcg64Mcg, bank: &[&str]| {
        bank[rng.random_range(0..bank.len())].replace("{p}", product)
    };
    let mut text = match class {
        SentimentClass::Positive => match rng.random_range(0..10) {
            0 => pick(rng, NEGATED_POSITIVE),
            // "but" shifts the weight to the second clause.
            1 => format!("{}, but {}", pick(rng, NEUTRAL), pick(rng, POSITIVE)),
            2 => {
                let phrase = pick(rng, POSITIVE);
                boost(rng, &phrase)
            }
            _ => pick(rng, POSITIVE),
        },
        SentimentClass::Negative => match rng.random_range(0..10) {
            0 => pick(rng, NEGATED_NEGATIVE),
            1 => format!("{}, but {}", pick(rng, NEUTRAL), pick(rng, NEGATIVE)),
            2 => {
                let phrase = pick(rng, NEGATIVE);
                boost(rng, &phrase)
            }
            _ => pick(rng, NEGATIVE),
        },
        SentimentClass::Neutral => pick(rng, NEUTRAL),
    };
    if class != SentimentClass::Neutral && rng.random_bool(0.15) {
        text = shout(&text);
    }
    match class {
        SentimentClass::Positive if rng.random_bool(0.3) => {
            text.push(' ');
            text.push_str(POSITIVE_EMOJI[rng.random_range(0..POSITIVE_EMOJI.len())]);
        }
        SentimentClass::Negative if rng.random_bool(0.3) => {
            text.push(' ');
            text.push_str(NEGATIVE_EMOJI[rng.random_range(0..NEGATIVE_EMOJI.len())]);
        }
        _ => {}
    }
    let ending = match class {
        SentimentClass::Neutral => {
            if text.starts_with("is ")
                || text.starts_with("how ")
                || text.starts_with("what ")
                || text.starts_with("can ")
            {
                "?"
            } else {
                "."
            }
        }
        _ => ["!", "!!", ".", ""][rng.random_range(0..4)],
    };
    text.push_str(ending);
    let mut chars = text.chars();
    let mut sentence: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    sentence.extend(chars);
    for handle in mentions {
        if rng.random_bool(0.5) {
            sentence = format!("{handle} {sentence}");
        } else {
            sentence.push(' ');
            sentence.push_str(handle);
        }
    }
    sentence
}

fn boost(rng: &mut Pcg64Mcg, phrase: &str) -> String {
    // Boost the first sentiment-bearing adjective we know of, else the phrase stays as it is.
    for word in [
        "happy",
        "disappointed",
        "impressed",
        "helpful",
        "frustrating",
        "slow",
        "amazing",
        "awful",
        "late",
    ] {
        if let Some(idx) = phrase.find(word) {
            let booster = BOOSTERS[rng.random_range(0..BOOSTERS.len())];
            return format!("{}{booster}{}", &phrase[..idx], &phrase[idx..]);
        }
    }
    phrase.to_owned()
}

/// Capitalises the one word that carries the feeling, as people do online.
fn shout(phrase: &str) -> String {
    let loud = [
        "love",
        "amazing",
        "best",
        "great",
        "terrible",
        "worst",
        "hate",
        "awful",
        "useless",
        "excellent",
    ];
    phrase
        .split(' ')
        .map(|word| {
            if loud.contains(&word) {
                word.to_uppercase()
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn texts_vary_and_carry_their_mentions() {
        let mut rng = Pcg64Mcg::seed_from_u64(1);
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let text = compose(&mut rng, SentimentClass::Positive, &["@ada".to_owned()]);
            assert!(text.contains("@ada"), "{text}");
            seen.insert(text);
        }
        assert!(seen.len() > 50);
        let neutral = compose(&mut rng, SentimentClass::Neutral, &[]);
        assert!(
            neutral.ends_with('.') || neutral.ends_with('?'),
            "{neutral}"
        );
    }
}
