//! The sentiment of customer text, explained word by word.
//!
//! Converge scores text with VADER (Hutto & Gilbert, 2014), a rule-based valence model made for
//! social media: a lexicon of rated words and emoji, plus rules for negation, boosters and
//! dampeners, ALL-CAPS emphasis, "but", "least", idioms and punctuation. It needs no model
//! download, runs in microseconds per text, and every score can be explained by the words that
//! made it, which a marketer can check for themselves.
//!
//! The port follows `vaderSentiment` 3.3.2 rule for rule, upstream quirks included, so that its
//! scores can be checked against the Python package (`tests/sentiment.rs` and the reference
//! fixture in `tests/data/sentiment/`).

mod lexicon;
mod rollup;
mod social;
mod vader;
mod word_table;

pub use rollup::{
    week_start, CustomerSentiment, Dimension, Granularity, GroupSentiment, Mover, ScoredText,
    SentimentRollup, Tally,
};
pub use social::Reading;
pub use vader::{
    Contribution, Explained, ExplainedText, LexiconEntry, LexiconError, Rule, SentimentLabel,
    SentimentScore, TextPiece, Vader,
};
