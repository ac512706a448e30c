//! VADER's word and emoji lexicons, compiled into the binary (see `data/vader/README.md`).

use crate::hashing::FastMap;

const WORDS: &str = include_str!("../../data/vader/vader_lexicon.tsv");
const EMOJI: &str = include_str!("../../data/vader/emoji_utf8_lexicon.tsv");

/// Token → mean valence, from about 7,500 rated words, emoticons and slang.
pub(super) fn words() -> FastMap<String, f64> {
    WORDS
        .lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let word = fields.next()?;
            let valence = fields.next()?.trim().parse().ok()?;
            Some((word.to_owned(), valence))
        })
        .collect()
}

/// Emoji → its words ("😀" → "grinning face"); only single characters, as VADER replaces text
/// one character at a time.
pub(super) fn emoji() -> FastMap<char, String> {
    EMOJI
        .lines()
        .filter_map(|line| {
            let mut fields = line.trim().split('\t');
            let emoji = fields.next()?;
            let description = fields.next()?;
            let mut chars = emoji.chars();
            let only = chars.next()?;
            chars
                .next()
                .is_none()
                .then(|| (only, description.to_owned()))
        })
        .collect()
}
