//! Reading social text the way a person does before VADER scores it.
//!
//! VADER splits on whitespace and looks words up as they are. On posts that goes wrong in four
//! common ways: a link's text is scored (`…/awful-deals`), a handle is scored as a word
//! (`@LoveBakery` is not praise), a hashtag hides its words (`#NeverAgain`), and an elongated
//! word is unknown (`soooo goooood` scores nothing). Each whitespace-separated word is therefore
//! read on its own first: links and handles are set aside, hashtags are split into their words,
//! and letters repeated three times or more are shortened to the spelling the lexicon knows.
//! Working word by word keeps every reading traceable to the word the customer wrote, which is
//! what the explanation shows.
//!
//! The reading is a setting (`Vader::with_social_reading`), off by default, so that the plain
//! analyser stays comparable with the `vaderSentiment` reference.

use std::borrow::Cow;

/// How one written word was read before scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Reading {
    /// A web address: not scored.
    Link,
    /// An @handle: a name, not scored.
    Handle,
    /// A hashtag read as its words ("#NeverAgain" → "Never Again").
    Hashtag(String),
    /// An elongated word read as the word it stretches ("soooo" → "so").
    Elongated(String),
}

impl Reading {
    /// The reading in a few words, for the explanation a marketer reads.
    pub fn describe(&self) -> String {
        match self {
            Reading::Link => "a link, not scored".to_owned(),
            Reading::Handle => "a handle, not scored".to_owned(),
            Reading::Hashtag(words) => format!("hashtag read as “{words}”"),
            Reading::Elongated(word) => format!("read as “{word}”"),
        }
    }
}

/// Reads one whitespace-free word; `known` says whether a lower-case word is in the lexicon.
pub(super) fn read_word<'w>(
    word: &'w str,
    known: impl Fn(&str) -> bool,
) -> (Cow<'w, str>, Option<Reading>) {
    let core = word.trim_start_matches(['(', '[', '<', '"', '\'']);
    let lower_start: String = core.chars().take(8).flat_map(char::to_lowercase).collect();
    if lower_start.starts_with("http://")
        || lower_start.starts_with("https://")
        || lower_start.starts_with("www.")
    {
        return (Cow::Borrowed(""), Some(Reading::Link));
    }
    if let Some(name) = core.strip_prefix('@') {
        if name.starts_with(is_name_char) {
            return (Cow::Borrowed(""), Some(Reading::Handle));
        }
    }
    if let Some(tag) = core.strip_prefix('#') {
        let body_len = tag
            .char_indices()
            .find(|(_, c)| !is_name_char(*c))
            .map_or(tag.len(), |(idx, _)| idx);
        let (body, rest) = tag.split_at(body_len);
        if body.chars().any(char::is_alphabetic) {
            let words = hashtag_words(body);
            let mut read = words.join(" ");
            read.push_str(rest);
            let reading = Reading::Hashtag(words.join(" "));
            return (Cow::Owned(read), Some(reading));
        }
    }
    if let Some(read) = shorten_elongation(word, known) {
        let stripped = read.trim_matches(|c: char| c.is_ascii_punctuation());
        let reading = Reading::Elongated(stripped.to_lowercase());
        return (Cow::Owned(read), Some(reading));
    }
    (Cow::Borrowed(word), None)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A hashtag's body split into words: at underscores, where lower case meets upper case
/// ("NeverAgain"), where an acronym meets a word ("NYCRocks" → "NYC", "Rocks"), and where
/// letters meet digits.
fn hashtag_words(body: &str) -> Vec<String> {
    let chars: Vec<char> = body.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (idx, &c) in chars.iter().enumerate() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&previous) = idx.checked_sub(1).and_then(|prev| chars.get(prev)) {
            let next = chars.get(idx + 1).copied();
            let boundary = (previous.is_lowercase() && c.is_uppercase())
                || (previous.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(char::is_lowercase))
                || (previous.is_alphabetic() && c.is_numeric())
                || (previous.is_numeric() && c.is_alphabetic());
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// "soooo" → "so", "goooood!!" → "good!!": runs of three or more equal letters shortened to two
/// or to one, whichever spelling the lexicon knows (two if neither). `None` if nothing repeats.
fn shorten_elongation(word: &str, known: impl Fn(&str) -> bool) -> Option<String> {
    let mut has_run = false;
    let mut previous = None;
    let mut run = 0;
    for c in word.chars() {
        if Some(c) == previous {
            run += 1;
        } else {
            run = 1;
            previous = Some(c);
        }
        if run >= 3 && c.is_alphabetic() {
            has_run = true;
            break;
        }
    }
    if !has_run {
        return None;
    }
    let shorten = |keep: usize| {
        let mut out = String::with_capacity(word.len());
        let mut previous = None;
        let mut run = 0;
        for c in word.chars() {
            if Some(c) == previous {
                run += 1;
            } else {
                run = 1;
                previous = Some(c);
            }
            if run <= keep || !c.is_alphabetic() {
                out.push(c);
            }
        }
        out
    };
    let is_known = |candidate: &str| {
        let stripped = candidate.trim_matches(|c: char| c.is_ascii_punctuation());
        known(&stripped.to_lowercase())
    };
    let two = shorten(2);
    if is_known(&two) {
        return Some(two);
    }
    let one = shorten(1);
    if is_known(&one) {
        return Some(one);
    }
    Some(two)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(word: &str) -> bool {
        ["so", "good", "cool", "love", "sad"].contains(&word)
    }

    fn read(word: &str) -> (String, Option<Reading>) {
        let (text, reading) = read_word(word, known);
        (text.into_owned(), reading)
    }

    #[test]
    fn links_and_handles_are_not_words() {
        assert_eq!(
            read("https://shop.example/awful-deals"),
            (String::new(), Some(Reading::Link))
        );
        assert_eq!(
            read("(www.example.com)"),
            (String::new(), Some(Reading::Link))
        );
        assert_eq!(read("@LoveBakery"), (String::new(), Some(Reading::Handle)));
        // A lone "@" or an e-mail-like "a@b" is left to VADER.
        assert_eq!(read("@").1, None);
        assert_eq!(read("ada@example.com").1, None);
    }

    #[test]
    fn hashtags_are_read_as_their_words() {
        assert_eq!(
            read("#NeverAgain!"),
            (
                "Never Again!".to_owned(),
                Some(Reading::Hashtag("Never Again".to_owned()))
            )
        );
        assert_eq!(read("#NYCRocks").0, "NYC Rocks");
        assert_eq!(read("#worst_service_ever").0, "worst service ever");
        assert_eq!(read("#fail").0, "fail");
        assert_eq!(read("#love2022").0, "love 2022");
        // A number sign before a number is not a hashtag.
        assert_eq!(read("#1").1, None);
    }

    #[test]
    fn elongated_words_are_read_as_the_word_they_stretch() {
        assert_eq!(
            read("soooo"),
            ("so".to_owned(), Some(Reading::Elongated("so".to_owned())))
        );
        assert_eq!(read("goooood!!!").0, "good!!!");
        assert_eq!(read("COOOOL").0, "COOL");
        assert_eq!(read("sadddd").0, "sad");
        // Unknown either way: two letters, the likelier spelling.
        assert_eq!(read("yummmmy").0, "yummy");
        // Repeated punctuation is VADER's business ("!!!!" is emphasis), and doubles are words.
        assert_eq!(read("wow!!!!").1, None);
        assert_eq!(read("good").1, None);
    }
}
