//! VADER's rules, ported from `vaderSentiment` 3.3.2 (`vaderSentiment.py`, MIT licence).
//!
//! Where upstream has a quirk, the port keeps it so that scores match the reference package; each
//! such place says so. Python's string semantics are reproduced where they matter: `split()` on
//! Unicode whitespace, `strip(string.punctuation)`, `isupper()`, and counting characters, not bytes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use super::lexicon;
use super::social::{self, Reading};
use super::word_table::WordTable;
use crate::hashing::FastMap;

/// Boost of a booster word ("very", "extremely").
const B_INCR: f64 = 0.293;
/// Damping of a dampener ("kind of", "barely").
const B_DECR: f64 = -0.293;
/// Boost of a word in ALL CAPS among words that are not.
const C_INCR: f64 = 0.733;
/// Factor applied to a negated word's valence.
const N_SCALAR: f64 = -0.74;

const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

const BOOSTERS: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

const DAMPENERS: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "just enough",
    "kind of",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sort of",
    "sorta",
    "sortof",
    "sort-of",
];

/// Idioms and phrases whose valence replaces their words'.
const SPECIAL_CASES: &[(&str, f64)] = &[
    ("the shit", 3.0),
    ("the bomb", 3.0),
    ("bad ass", 1.5),
    ("badass", 1.5),
    ("bus stop", 0.0),
    ("yeah right", -2.0),
    ("kiss of death", -1.5),
    ("to die for", 3.0),
    ("beating heart", 3.5),
];

/// A text's sentiment: `compound` in `-1..=1`, and the shares of positive, neutral and negative
/// intensity (which sum to 1, or are all 0 for a text with no words).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SentimentScore {
    pub compound: f64,
    pub positive: f64,
    pub neutral: f64,
    pub negative: f64,
}

/// The usual reading of a compound score: positive at 0.05 and above, negative at -0.05 and below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SentimentLabel {
    Positive,
    Neutral,
    Negative,
}

impl SentimentScore {
    pub fn label(&self) -> SentimentLabel {
        SentimentLabel::of(self.compound)
    }
}

impl SentimentLabel {
    /// The label of a compound score: positive at 0.05 and above, negative at -0.05 and below.
    pub fn of(compound: f64) -> SentimentLabel {
        if compound >= 0.05 {
            SentimentLabel::Positive
        } else if compound <= -0.05 {
            SentimentLabel::Negative
        } else {
            SentimentLabel::Neutral
        }
    }
}

/// One word's part in a score: its valence after every rule, and the rules that changed it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Contribution {
    pub token: String,
    pub valence: f64,
    /// What changed the word's own rating, in the order the rules applied.
    pub rules: Vec<Rule>,
}

/// A rule that changed a word's valence, with the word that triggered it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Rule {
    /// "not good": a negation before the word flipped and damped it.
    NegatedBy(String),
    /// "very good": a booster before the word strengthened it.
    BoostedBy(String),
    /// "kind of good": a dampener before the word weakened it.
    DampenedBy(String),
    /// "GOOD" among words that are not shouted.
    AllCaps,
    /// "never so good": strengthened by "so" or "this".
    IntensifiedBy(String),
    /// Part of an idiom whose valence replaces the word's ("the bomb").
    Idiom,
    /// "least good": flipped by "least".
    Least,
    /// Before "but": counts half.
    BeforeBut,
    /// After "but": counts one and a half times.
    AfterBut,
}

impl Rule {
    /// The rule in a few words, for the explanation a marketer reads.
    pub fn describe(&self) -> String {
        match self {
            Rule::NegatedBy(word) => format!("negated by “{word}”"),
            Rule::BoostedBy(word) => format!("boosted by “{word}”"),
            Rule::DampenedBy(word) => format!("damped by “{word}”"),
            Rule::AllCaps => "in capitals".to_owned(),
            Rule::IntensifiedBy(word) => format!("intensified by “{word}”"),
            Rule::Idiom => "part of an idiom".to_owned(),
            Rule::Least => "flipped by “least”".to_owned(),
            Rule::BeforeBut => "before “but”, counts half".to_owned(),
            Rule::AfterBut => "after “but”, counts 1.5×".to_owned(),
        }
    }
}

/// A score with the words that made it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Explained {
    pub score: SentimentScore,
    /// Every token, in order, with its final valence (0 for words that carry none).
    pub contributions: Vec<Contribution>,
    /// What `!` and `?` added to the compound's sum, in valence points.
    pub punctuation_emphasis: f64,
}

/// What VADER knows of one (lower-case) word, found with a single lookup.
#[derive(Debug, Clone, Copy, Default)]
struct WordInfo {
    /// Its rating in the lexicon.
    valence: Option<f64>,
    /// Its boost, if it is a booster or dampener.
    boost: Option<f64>,
    /// Whether it negates what follows ("not", "never", any word with "n't").
    negation: bool,
    /// Whether this occurrence is in ALL CAPS (set per token, not in the lexicon map).
    upper: bool,
    /// Which of the words the rules name it is, so the rules compare a byte, not a string.
    marker: Marker,
    /// Which word of the idioms and multi-word boosters it is (its place in `PHRASE_WORDS`, plus
    /// one; 0 for none), so phrases are matched by comparing bytes, not strings.
    phrase: u8,
}

/// The words VADER's rules look for by name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Marker {
    #[default]
    Other,
    Kind,
    Of,
    No,
    Or,
    Nor,
    Least,
    At,
    Very,
    Never,
    So,
    This,
    Without,
    Doubt,
    But,
}

const MARKERS: [(&str, Marker); 14] = [
    ("kind", Marker::Kind),
    ("of", Marker::Of),
    ("no", Marker::No),
    ("or", Marker::Or),
    ("nor", Marker::Nor),
    ("least", Marker::Least),
    ("at", Marker::At),
    ("very", Marker::Very),
    ("never", Marker::Never),
    ("so", Marker::So),
    ("this", Marker::This),
    ("without", Marker::Without),
    ("doubt", Marker::Doubt),
    ("but", Marker::But),
];

/// A written word with its part in the score: what a verbatim is drawn from, word by word.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TextPiece {
    /// Exactly as written (a word with its punctuation, or the whitespace between words).
    pub text: String,
    /// The summed valence of the tokens the piece became (0 for whitespace and unrated words).
    pub valence: f64,
    /// The rules that changed the piece's tokens.
    pub rules: Vec<Rule>,
    /// How social reading took the word, when it changed it.
    pub reading: Option<Reading>,
}

/// A score with the text it came from, piece by piece.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExplainedText {
    pub score: SentimentScore,
    /// The whole text, in order: concatenating the pieces' `text` gives it back.
    pub pieces: Vec<TextPiece>,
    pub punctuation_emphasis: f64,
}

/// A word a project rates itself ("sick" is praise for a skate brand).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LexiconEntry {
    pub word: String,
    /// On VADER's scale, from -4 (most negative) to 4 (most positive).
    pub valence: f64,
}

/// Why a project's lexicon entry was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LexiconError {
    #[error("“{word}” is not a single word: lexicon entries cannot contain spaces")]
    NotOneWord { word: String },
    #[error("“{word}” has valence {valence}, outside VADER's scale of -4 to 4")]
    OutOfScale { word: String, valence: f64 },
}

/// The VADER analyser: its lexicons, parsed once.
#[derive(Clone)]
pub struct Vader {
    words: WordTable<WordInfo>,
    emoji: FastMap<char, String>,
    /// The boosters and dampeners of more than one word, spelled as `WordInfo::phrase` ids.
    phrase_boosters: Vec<Phrase>,
    /// The idioms (`SPECIAL_CASES`), spelled as `WordInfo::phrase` ids.
    special_cases: Vec<Phrase>,
    /// Whether links, handles, hashtags and elongations are read first (see `social`).
    social_reading: bool,
}

impl Default for Vader {
    fn default() -> Vader {
        let mut words: WordTable<WordInfo> = lexicon::words()
            .into_iter()
            .map(|(word, valence)| {
                (
                    word,
                    WordInfo {
                        valence: Some(valence),
                        ..WordInfo::default()
                    },
                )
            })
            .collect();
        let single_boosters = BOOSTERS
            .iter()
            .map(|word| (*word, B_INCR))
            .chain(DAMPENERS.iter().map(|word| (*word, B_DECR)))
            .filter(|(word, _)| !word.contains(' '));
        for (word, boost) in single_boosters {
            words.entry(word).boost = Some(boost);
        }
        for word in NEGATE {
            words.entry(word).negation = true;
        }
        for (word, marker) in MARKERS {
            words.entry(word).marker = marker;
        }
        for (id, word) in (1..).zip(PHRASE_WORDS) {
            words.entry(word).phrase = id;
        }
        let phrase_boosters = DAMPENERS
            .iter()
            .filter(|phrase| phrase.contains(' '))
            .map(|phrase| Phrase::new(phrase, B_DECR))
            .collect();
        let special_cases = SPECIAL_CASES
            .iter()
            .map(|(phrase, valence)| Phrase::new(phrase, *valence))
            .collect();
        Vader {
            words,
            emoji: lexicon::emoji(),
            phrase_boosters,
            special_cases,
            social_reading: false,
        }
    }
}

impl Vader {
    /// One analyser for the whole program: the lexicons take a few milliseconds to parse.
    pub fn shared() -> &'static Vader {
        static SHARED: OnceLock<Vader> = OnceLock::new();
        SHARED.get_or_init(Vader::default)
    }

    /// The same analyser, reading links, handles, hashtags and elongated words first (see
    /// `sentiment::social`); off by default, as in the reference package.
    pub fn with_social_reading(mut self, social_reading: bool) -> Vader {
        self.social_reading = social_reading;
        self
    }

    /// The same analyser with a project's own words, which replace the lexicon's rating of the
    /// same word. Entries are checked before any is added.
    pub fn with_words(mut self, entries: &[LexiconEntry]) -> Result<Vader, LexiconError> {
        for entry in entries {
            let word = entry.word.trim();
            if word.is_empty() || word.contains(is_python_space) {
                return Err(LexiconError::NotOneWord {
                    word: entry.word.clone(),
                });
            }
            if !(-4.0..=4.0).contains(&entry.valence) {
                return Err(LexiconError::OutOfScale {
                    word: entry.word.clone(),
                    valence: entry.valence,
                });
            }
        }
        for entry in entries {
            let word = entry.word.trim().to_lowercase();
            self.words.entry(&word).valence = Some(entry.valence);
        }
        Ok(self)
    }

    pub fn score(&self, text: &str) -> SentimentScore {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.score_with(text, &mut scratch),
            // Only reachable if scoring were re-entered on one thread; fresh buffers then.
            Err(_) => self.score_with(text, &mut Scratch::default()),
        })
    }

    fn score_with(&self, text: &str, scratch: &mut Scratch) -> SentimentScore {
        let text = self.read_social(text);
        let text = self.describe_emoji(&text);
        let text = text.trim_matches(is_python_space);
        self.sentiments(text, scratch, None);
        score_valence(&scratch.sentiments, punctuation_emphasis(text))
    }

    pub fn explain(&self, text: &str) -> Explained {
        let text = self.read_social(text);
        let text = self.describe_emoji(&text);
        let text = text.trim_matches(is_python_space);
        let mut rules: Vec<Vec<Rule>> = Vec::new();
        let mut scratch = Scratch::default();
        self.sentiments(text, &mut scratch, Some(&mut rules));
        let punctuation_emphasis = punctuation_emphasis(text);
        let score = score_valence(&scratch.sentiments, punctuation_emphasis);
        Explained {
            score,
            contributions: scratch
                .tokens
                .iter()
                .zip(&scratch.sentiments)
                .zip(rules)
                .map(|((&(start, end), &valence), rules)| Contribution {
                    token: text.get(start..end).unwrap_or_default().to_owned(),
                    valence,
                    rules,
                })
                .collect(),
            punctuation_emphasis,
        }
    }

    /// Splits a (described, trimmed) text into words and leaves the valence of each after every
    /// rule in `scratch.sentiments` (and each word's place in `scratch.tokens`); with `trace`,
    /// also the rules that applied to each word.
    fn sentiments(
        &self,
        text: &str,
        scratch: &mut Scratch,
        mut trace: Option<&mut Vec<Vec<Rule>>>,
    ) {
        scratch.clear();
        if text.is_ascii() {
            self.ascii_words(text, scratch);
        } else {
            self.unicode_words(text, scratch);
        }
        let words = Words {
            lower: &scratch.lower,
            ranges: &scratch.lower_ranges,
        };
        let info = &scratch.info;
        let n_words = info.len();
        // Some, but not all, words in ALL CAPS.
        let n_upper = info.iter().filter(|word| word.upper).count();
        let is_cap_diff = n_upper > 0 && n_upper < n_words;
        let tracing = trace.is_some();
        let mut rules: Vec<Rule> = Vec::new();
        for word_idx in 0..n_words {
            let kind_of = word_idx + 1 < n_words
                && info[word_idx].marker == Marker::Kind
                && info[word_idx + 1].marker == Marker::Of;
            let valence = if info[word_idx].boost.is_some() || kind_of {
                0.0
            } else {
                self.valence(
                    &words,
                    info,
                    word_idx,
                    is_cap_diff,
                    tracing.then_some(&mut rules),
                )
            };
            scratch.sentiments.push(valence);
            if let Some(trace) = trace.as_deref_mut() {
                trace.push(std::mem::take(&mut rules));
            }
        }
        let before_but = tracing.then(|| scratch.sentiments.clone());
        but_check(info, &mut scratch.sentiments);
        if let (Some(trace), Some(before_but)) = (trace, before_but) {
            for ((rules, before), after) in
                trace.iter_mut().zip(before_but).zip(&scratch.sentiments)
            {
                if before != 0.0 && *after == before * 0.5 {
                    rules.push(Rule::BeforeBut);
                } else if before != 0.0 && *after == before * 1.5 {
                    rules.push(Rule::AfterBut);
                }
            }
        }
    }

    /// The words of an ASCII text in one pass over its bytes: split on whitespace, punctuation
    /// stripped, lower-cased into `scratch.lower`, case and apostrophes noted on the way, each
    /// looked up once.
    fn ascii_words(&self, text: &str, scratch: &mut Scratch) {
        let bytes = text.as_bytes();
        let class = |idx: usize| ASCII_CLASS[usize::from(bytes[idx])];
        let mut idx = 0;
        while idx < bytes.len() {
            while idx < bytes.len() && class(idx) & SPACE != 0 {
                idx += 1;
            }
            let start = idx;
            // Letters' case and apostrophes of the whole token: stripping removes punctuation
            // only, so the stripped word has the same letters.
            let mut seen = 0;
            while idx < bytes.len() && class(idx) & SPACE == 0 {
                seen |= class(idx);
                idx += 1;
            }
            if start == idx {
                break;
            }
            // `strip(string.punctuation)`, unless two characters or fewer would be left.
            let (mut from, mut to) = (start, idx);
            while from < to && class(from) & PUNCTUATION != 0 {
                from += 1;
            }
            while to > from && class(to - 1) & PUNCTUATION != 0 {
                to -= 1;
            }
            if to - from <= 2 {
                (from, to) = (start, idx);
            }
            let lower_from = scratch.lower.len();
            scratch
                .lower
                .extend(bytes[from..to].iter().map(u8::to_ascii_lowercase));
            scratch.tokens.push((from, to));
            self.push_word(
                scratch,
                (lower_from, scratch.lower.len()),
                seen & UPPER != 0 && seen & LOWER == 0,
                seen & APOSTROPHE != 0,
            );
        }
    }

    /// The words of any text: the same steps as `ascii_words`, character by character, with
    /// Python's whitespace and lower case (final sigma included, as `to_lowercase` does it).
    fn unicode_words(&self, text: &str, scratch: &mut Scratch) {
        split_words(text, &mut scratch.tokens);
        for token_idx in 0..scratch.tokens.len() {
            let (from, to) = scratch.tokens[token_idx];
            let word = &text[from..to];
            let lower_from = scratch.lower.len();
            if word.is_ascii() {
                scratch
                    .lower
                    .extend(word.bytes().map(|b| b.to_ascii_lowercase()));
            } else {
                scratch
                    .lower
                    .extend_from_slice(word.to_lowercase().as_bytes());
            }
            let apostrophe = scratch.lower[lower_from..].contains(&b'\'');
            self.push_word(
                scratch,
                (lower_from, scratch.lower.len()),
                is_python_upper(word),
                apostrophe,
            );
        }
    }

    /// Records what the lexicon knows of one word, by its lower case in `scratch.lower`.
    fn push_word(
        &self,
        scratch: &mut Scratch,
        lower: (usize, usize),
        upper: bool,
        apostrophe: bool,
    ) {
        let word_lower = &scratch.lower[lower.0..lower.1];
        let mut word_info = self.words.get(word_lower).copied().unwrap_or_default();
        // Any word with "n't" negates; most words have no apostrophe to look behind.
        word_info.negation |= apostrophe && word_lower.windows(3).any(|three| three == b"n't");
        word_info.upper = upper;
        scratch.lower_ranges.push(lower);
        scratch.info.push(word_info);
    }

    /// The score with the text as written, piece by piece, each word carrying the valence and
    /// rules of the tokens it became: what the app tints and explains.
    pub fn explain_text(&self, text: &str) -> ExplainedText {
        let explained = self.explain(text);
        let mut contributions = explained.contributions.into_iter();
        let mut pieces = Vec::new();
        for (is_space, run) in runs(text) {
            if is_space {
                pieces.push(TextPiece {
                    text: run.to_owned(),
                    valence: 0.0,
                    rules: Vec::new(),
                    reading: None,
                });
                continue;
            }
            let (read, reading) = self.read_word(run);
            let described = self.describe_emoji(&read);
            let n_tokens = described
                .split(is_python_space)
                .filter(|token| !token.is_empty())
                .count();
            let mut piece = TextPiece {
                text: run.to_owned(),
                valence: 0.0,
                rules: Vec::new(),
                reading,
            };
            for contribution in contributions.by_ref().take(n_tokens) {
                piece.valence += contribution.valence;
                for rule in contribution.rules {
                    if !piece.rules.contains(&rule) {
                        piece.rules.push(rule);
                    }
                }
            }
            pieces.push(piece);
        }
        ExplainedText {
            score: explained.score,
            pieces,
            punctuation_emphasis: explained.punctuation_emphasis,
        }
    }

    /// One written word as social reading takes it (unchanged when social reading is off).
    fn read_word<'w>(&self, word: &'w str) -> (Cow<'w, str>, Option<Reading>) {
        if !self.social_reading {
            return (Cow::Borrowed(word), None);
        }
        social::read_word(word, |lower| {
            self.words
                .get(lower.as_bytes())
                .is_some_and(|info| info.valence.is_some() || info.boost.is_some() || info.negation)
        })
    }

    /// The text with every word read socially, whitespace kept (the text itself when off).
    fn read_social<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if !self.social_reading {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        for (is_space, run) in runs(text) {
            if is_space {
                out.push_str(run);
            } else {
                out.push_str(&self.read_word(run).0);
            }
        }
        Cow::Owned(out)
    }

    /// Emoji replaced by their words, with a space before each when needed. Text with no
    /// character above U+007F has none, and is returned as it is.
    fn describe_emoji<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if text.is_ascii() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut previous_space = true;
        for c in text.chars() {
            let emoji = if c.is_ascii() {
                None
            } else {
                self.emoji.get(&c)
            };
            match emoji {
                Some(description) => {
                    if !previous_space {
                        out.push(' ');
                    }
                    out.push_str(description);
                    previous_space = false;
                }
                None => {
                    out.push(c);
                    previous_space = c == ' ';
                }
            }
        }
        Cow::Owned(out)
    }

    /// `sentiment_valence` upstream: the valence of the word at `word_idx`, in its context.
    fn valence(
        &self,
        words: &Words<'_>,
        info: &[WordInfo],
        word_idx: usize,
        is_cap_diff: bool,
        mut rules: Option<&mut Vec<Rule>>,
    ) -> f64 {
        let Some(own) = info[word_idx].valence else {
            return 0.0;
        };
        // Rules are named only when traced: scoring alone builds no strings.
        let mut note = |rule: &dyn Fn() -> Rule| {
            if let Some(rules) = rules.as_deref_mut() {
                rules.push(rule());
            }
        };
        let mut valence = own;
        let at = |offset: usize| -> Option<Marker> {
            word_idx.checked_sub(offset).map(|idx| info[idx].marker)
        };
        // "no" before a rated word negates it rather than counting on its own.
        if info[word_idx].marker == Marker::No
            && word_idx + 1 < info.len()
            && info[word_idx + 1].valence.is_some()
        {
            valence = 0.0;
        }
        if at(1) == Some(Marker::No)
            || at(2) == Some(Marker::No)
            || (at(3) == Some(Marker::No) && matches!(at(1), Some(Marker::Or | Marker::Nor)))
        {
            valence = own * N_SCALAR;
            note(&|| Rule::NegatedBy("no".to_owned()));
        }
        if info[word_idx].upper && is_cap_diff {
            note(&|| Rule::AllCaps);
            // Upstream: a valence of exactly 0 ("NO" before a rated word) is pushed negative.
            if valence > 0.0 {
                valence += C_INCR;
            } else {
                valence -= C_INCR;
            }
        }
        for start_idx in 0..3 {
            if word_idx <= start_idx {
                continue;
            }
            let before_idx = word_idx - (start_idx + 1);
            if info[before_idx].valence.is_some() {
                continue;
            }
            let mut scalar = scalar_inc_dec(&info[before_idx], valence, is_cap_diff);
            if start_idx == 1 && scalar != 0.0 {
                scalar *= 0.95;
            }
            if start_idx == 2 && scalar != 0.0 {
                scalar *= 0.9;
            }
            if scalar != 0.0 {
                let strengthens = (scalar > 0.0) == (valence >= 0.0);
                note(&|| {
                    let by = words.get(before_idx).to_owned();
                    if strengthens {
                        Rule::BoostedBy(by)
                    } else {
                        Rule::DampenedBy(by)
                    }
                });
            }
            valence += scalar;
            let before = valence;
            valence = negation_check(valence, info, start_idx, word_idx);
            if valence != before {
                if valence == before * N_SCALAR {
                    note(&|| Rule::NegatedBy(words.get(before_idx).to_owned()));
                } else if valence == before * 1.25 {
                    note(&|| {
                        let by = [word_idx - 1, word_idx - 2]
                            .into_iter()
                            .find(|&idx| matches!(info[idx].marker, Marker::So | Marker::This))
                            .unwrap_or(word_idx - 1);
                        Rule::IntensifiedBy(words.get(by).to_owned())
                    });
                }
            }
            if start_idx == 2 && Self::near_phrase_word(info, word_idx) {
                let before = valence;
                valence = self.idiom_valence(valence, info, word_idx);
                if valence != before {
                    note(&|| Rule::Idiom);
                }
                for phrase in self.phrase_boosts(info, word_idx) {
                    valence += phrase.valence;
                    note(&|| Rule::DampenedBy(phrase.spelling.to_owned()));
                }
            }
        }
        let before = valence;
        let valence = least_check(valence, info, word_idx);
        if valence != before {
            note(&|| Rule::Least);
        }
        valence
    }
}

fn scalar_inc_dec(word: &WordInfo, valence: f64, is_cap_diff: bool) -> f64 {
    let Some(boost) = word.boost else {
        return 0.0;
    };
    let mut scalar = if valence < 0.0 { -boost } else { boost };
    if word.upper && is_cap_diff {
        if valence > 0.0 {
            scalar += C_INCR;
        } else {
            scalar -= C_INCR;
        }
    }
    scalar
}

fn least_check(valence: f64, info: &[WordInfo], word_idx: usize) -> f64 {
    let least = |idx: usize| info[idx].valence.is_none() && info[idx].marker == Marker::Least;
    if word_idx > 1 && least(word_idx - 1) {
        if !matches!(info[word_idx - 2].marker, Marker::At | Marker::Very) {
            return valence * N_SCALAR;
        }
    } else if word_idx > 0 && least(word_idx - 1) {
        return valence * N_SCALAR;
    }
    valence
}

impl Vader {
    /// Whether any word of an idiom or multi-word booster is near `word_idx` (`>= 3`): if not,
    /// nothing in `idiom_valence` or `phrase_boosts` can match.
    fn near_phrase_word(info: &[WordInfo], word_idx: usize) -> bool {
        let last = (word_idx + 2).min(info.len() - 1);
        info[word_idx - 3..=last]
            .iter()
            .any(|word| word.phrase != 0)
    }

    /// Upstream's special cases: an idiom around the word replaces its valence. Called with
    /// `word_idx >= 3`.
    fn idiom_valence(&self, mut valence: f64, info: &[WordInfo], word_idx: usize) -> f64 {
        let special_case = |words: &[WordInfo]| {
            self.special_cases
                .iter()
                .find(|phrase| phrase.spells(words))
                .map(|phrase| phrase.valence)
        };
        let i = word_idx;
        // one_zero, two_one_zero, two_one, three_two_one, three_two, in upstream's order.
        for (from, to) in [
            (i - 1, i),
            (i - 2, i),
            (i - 2, i - 1),
            (i - 3, i - 1),
            (i - 3, i - 2),
        ] {
            if let Some(special) = special_case(&info[from..=to]) {
                valence = special;
                break;
            }
        }
        if info.len() - 1 > i {
            if let Some(special) = special_case(&info[i..=i + 1]) {
                valence = special;
            }
        }
        if info.len() - 1 > i + 1 {
            if let Some(special) = special_case(&info[i..=i + 2]) {
                valence = special;
            }
        }
        valence
    }

    /// Multi-word boosters ("kind of", "sort of", "just enough") just before the word, in
    /// upstream's order. Called with `word_idx >= 3`.
    fn phrase_boosts<'v>(
        &'v self,
        info: &'v [WordInfo],
        word_idx: usize,
    ) -> impl Iterator<Item = &'v Phrase> + 'v {
        let i = word_idx;
        [(i - 3, i - 1), (i - 3, i - 2), (i - 2, i - 1)]
            .into_iter()
            .filter_map(move |(from, to)| {
                let words = &info[from..=to];
                self.phrase_boosters
                    .iter()
                    .find(|phrase| phrase.spells(words))
            })
    }
}

/// Every word of the special cases and multi-word boosters.
const PHRASE_WORDS: &[&str] = &[
    "the", "shit", "bomb", "bad", "ass", "badass", "bus", "stop", "yeah", "right", "kiss", "of",
    "death", "to", "die", "for", "beating", "heart", "just", "enough", "kind", "sort",
];

/// An idiom or multi-word booster as the `WordInfo::phrase` ids of its words, with its valence
/// (or boost).
///
/// Words never contain whitespace, so the words of a window joined by spaces spell a phrase
/// exactly when each word is the phrase's word at its place: comparing ids is upstream's
/// comparison of joined strings, without building them.
#[derive(Debug, Clone)]
struct Phrase {
    spelling: &'static str,
    ids: Vec<u8>,
    valence: f64,
}

impl Phrase {
    fn new(spelling: &'static str, valence: f64) -> Phrase {
        let ids = spelling
            .split(' ')
            .map(|word| {
                let idx = PHRASE_WORDS
                    .iter()
                    .position(|known| *known == word)
                    .expect("every word of a phrase is listed in PHRASE_WORDS");
                u8::try_from(idx + 1).expect("PHRASE_WORDS has fewer than 255 words")
            })
            .collect();
        Phrase {
            spelling,
            ids,
            valence,
        }
    }

    /// Whether `words`, in order, are this phrase's words.
    fn spells(&self, words: &[WordInfo]) -> bool {
        self.ids.len() == words.len()
            && self
                .ids
                .iter()
                .zip(words)
                .all(|(id, word)| *id == word.phrase)
    }
}

fn negation_check(valence: f64, info: &[WordInfo], start_idx: usize, word_idx: usize) -> f64 {
    let w = |offset: usize| info[word_idx - offset].marker;
    let so_or_this = |offset: usize| matches!(w(offset), Marker::So | Marker::This);
    let negated = |offset: usize| info[word_idx - offset].negation;
    match start_idx {
        0 if negated(1) => valence * N_SCALAR,
        1 if w(2) == Marker::Never && so_or_this(1) => valence * 1.25,
        1 if w(2) == Marker::Without && w(1) == Marker::Doubt => valence,
        1 if negated(2) => valence * N_SCALAR,
        // Upstream's operator precedence: "so" or "this" just before the word boosts it even
        // without "never" three words back. Kept for fidelity.
        2 if (w(3) == Marker::Never && so_or_this(2)) || so_or_this(1) => valence * 1.25,
        2 if w(3) == Marker::Without && (w(2) == Marker::Doubt || w(1) == Marker::Doubt) => valence,
        2 if negated(3) => valence * N_SCALAR,
        _ => valence,
    }
}

/// "but" shifts weight to what follows: words before it count half, words after it one and a
/// half times.
///
/// Upstream finds each word's position with `list.index(value)`, the first position holding an
/// equal value, so two words of equal valence can be scaled at the wrong place. Kept for fidelity.
fn but_check(info: &[WordInfo], sentiments: &mut [f64]) {
    let Some(but_idx) = info.iter().position(|word| word.marker == Marker::But) else {
        return;
    };
    for idx in 0..sentiments.len() {
        let value = sentiments[idx];
        let first_idx = sentiments
            .iter()
            .position(|held| *held == value)
            .unwrap_or(idx);
        if first_idx < but_idx {
            sentiments[first_idx] = value * 0.5;
        } else if first_idx > but_idx {
            sentiments[first_idx] = value * 1.5;
        }
    }
}

fn punctuation_emphasis(text: &str) -> f64 {
    // Two plain counts, which the compiler vectorises.
    let exclamations = text.bytes().filter(|b| *b == b'!').count().min(4) as f64;
    let questions = text.bytes().filter(|b| *b == b'?').count();
    let question_boost = match questions {
        0 | 1 => 0.0,
        2..=3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    exclamations * 0.292 + question_boost
}

fn score_valence(sentiments: &[f64], punctuation_emphasis: f64) -> SentimentScore {
    if sentiments.is_empty() {
        return SentimentScore {
            compound: 0.0,
            positive: 0.0,
            neutral: 0.0,
            negative: 0.0,
        };
    }
    let mut sum: f64 = sentiments.iter().sum();
    if sum > 0.0 {
        sum += punctuation_emphasis;
    } else if sum < 0.0 {
        sum -= punctuation_emphasis;
    }
    let compound = (sum / (sum * sum + 15.0).sqrt()).clamp(-1.0, 1.0);
    let mut positive_sum = 0.0;
    let mut negative_sum = 0.0;
    let mut n_neutral = 0.0;
    for &sentiment in sentiments {
        if sentiment > 0.0 {
            // +1 compensates for neutral words counted as 1.
            positive_sum += sentiment + 1.0;
        }
        if sentiment < 0.0 {
            negative_sum += sentiment - 1.0;
        }
        if sentiment == 0.0 {
            n_neutral += 1.0;
        }
    }
    if positive_sum > negative_sum.abs() {
        positive_sum += punctuation_emphasis;
    } else if positive_sum < negative_sum.abs() {
        negative_sum -= punctuation_emphasis;
    }
    let total = positive_sum + negative_sum.abs() + n_neutral;
    SentimentScore {
        compound,
        positive: (positive_sum / total).abs(),
        neutral: (n_neutral / total).abs(),
        negative: (negative_sum / total).abs(),
    }
}

/// The text as alternating runs of whitespace and words, `(is_space, run)`, covering all of it.
fn runs(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let is_space = is_python_space(first);
        let end = rest
            .char_indices()
            .find(|(_, c)| is_python_space(*c) != is_space)
            .map_or(rest.len(), |(idx, _)| idx);
        let (run, after) = rest.split_at(end);
        rest = after;
        Some((is_space, run))
    })
}

/// What `ascii_words` needs to know of a byte, as bits of `ASCII_CLASS`.
const SPACE: u8 = 1;
const PUNCTUATION: u8 = 2;
const UPPER: u8 = 4;
const LOWER: u8 = 8;
const APOSTROPHE: u8 = 16;

/// Each byte's class: Python's whitespace, `string.punctuation`, case, the apostrophe.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0_u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if is_python_space_ascii(b) {
            class |= SPACE;
        }
        if b.is_ascii_punctuation() {
            class |= PUNCTUATION;
        }
        if b.is_ascii_uppercase() {
            class |= UPPER;
        }
        if b.is_ascii_lowercase() {
            class |= LOWER;
        }
        if b == b'\'' {
            class |= APOSTROPHE;
        }
        table[byte] = class;
        byte += 1;
    }
    table
};

/// Python's `str.isspace` for an ASCII byte.
const fn is_python_space_ascii(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f
    )
}

/// Python's `str.isspace` for one character.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The byte ranges of a text's words: split on Python's whitespace, each word then stripped of
/// ASCII punctuation unless that leaves two characters or fewer (`strip_punctuation_if_word`).
fn split_words(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut push = |start: usize, end: usize| {
        let (from, to) = strip_punctuation_if_word(&text[start..end]);
        out.push((start + from, start + to));
    };
    let mut start = None;
    for (idx, c) in text.char_indices() {
        match (is_python_space(c), start) {
            (true, Some(from)) => {
                push(from, idx);
                start = None;
            }
            (false, None) => start = Some(idx),
            _ => {}
        }
    }
    if let Some(from) = start {
        push(from, text.len());
    }
}

/// `token.strip(string.punctuation)`, unless that leaves two characters or fewer (an emoticon
/// such as `:)` is kept whole), as the byte range kept.
fn strip_punctuation_if_word(token: &str) -> (usize, usize) {
    // ASCII punctuation is single bytes that never occur inside a multi-byte character, so
    // trimming bytes keeps character boundaries.
    let bytes = token.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_punctuation())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_punctuation())
        .map_or(start, |idx| idx + 1);
    let stripped = &token[start..end];
    let short = if stripped.is_ascii() {
        stripped.len() <= 2
    } else {
        stripped.chars().count() <= 2
    };
    if short {
        (0, token.len())
    } else {
        (start, end)
    }
}

/// The buffers of one scoring, kept for the next text on the same thread so that scoring
/// allocates nothing once they have grown to the longest text seen.
#[derive(Debug, Default)]
struct Scratch {
    /// Each word's byte range in the text.
    tokens: Vec<(usize, usize)>,
    /// Every word in lower case (UTF-8), end to end, and each one's range in it.
    lower: Vec<u8>,
    lower_ranges: Vec<(usize, usize)>,
    info: Vec<WordInfo>,
    /// Each word's valence after every rule.
    sentiments: Vec<f64>,
}

impl Scratch {
    fn clear(&mut self) {
        self.tokens.clear();
        self.lower.clear();
        self.lower_ranges.clear();
        self.info.clear();
        self.sentiments.clear();
    }
}

thread_local! {
    /// `Vader::score`'s buffers: one set per thread (the analyser itself stays shared and `Sync`).
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The lower-case words of a text, for naming the words behind a rule.
struct Words<'s> {
    lower: &'s [u8],
    ranges: &'s [(usize, usize)],
}

impl Words<'_> {
    fn get(&self, word_idx: usize) -> &str {
        self.ranges
            .get(word_idx)
            .and_then(|&(from, to)| self.lower.get(from..to))
            .and_then(|word| std::str::from_utf8(word).ok())
            .unwrap_or_default()
    }
}

/// Python's `str.isupper`: at least one cased character, and none in lower case.
fn is_python_upper(word: &str) -> bool {
    if word.is_ascii() {
        let bytes = word.as_bytes();
        return bytes.iter().any(u8::is_ascii_uppercase)
            && !bytes.iter().any(u8::is_ascii_lowercase);
    }
    let mut cased = false;
    for c in word.chars() {
        if c.is_lowercase() {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, compound: f64) {
        let score = Vader::shared().score(text);
        assert!(
            (score.compound - compound).abs() < 1e-4,
            "{text:?}: {} != {compound}",
            score.compound
        );
        let total = score.positive + score.neutral + score.negative;
        assert!(
            total == 0.0 || (total - 1.0).abs() < 1e-9,
            "{text:?}: shares sum to {total}"
        );
    }

    #[test]
    fn the_written_text_comes_back_piece_by_piece_with_its_valence() {
        let text = "The food was not good 😁 at all\n\tbut ok!!";
        let explained = Vader::shared().explain_text(text);
        let whole: String = explained.pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, text);
        assert_eq!(explained.score, Vader::shared().score(text));
        let good = explained.pieces.iter().find(|p| p.text == "good").unwrap();
        assert!(good.valence < 0.0, "“not” flipped “good”: {good:?}");
        assert!(good.rules.contains(&Rule::NegatedBy("not".to_owned())));
        // The emoji became several tokens (“beaming face with smiling eyes”), summed into one.
        let emoji = explained.pieces.iter().find(|p| p.text == "😁").unwrap();
        assert!(emoji.valence > 0.0);
        let sum_pieces: f64 = explained.pieces.iter().map(|p| p.valence).sum();
        let sum_tokens: f64 = Vader::shared()
            .explain(text)
            .contributions
            .iter()
            .map(|c| c.valence)
            .sum();
        assert!((sum_pieces - sum_tokens).abs() < 1e-12);
    }

    /// "That trick was sick": for a skate brand's audience, praise.
    #[test]
    fn a_project_can_rate_its_own_words() {
        let plain = Vader::shared().score("That trick was sick");
        assert_eq!(plain.label(), SentimentLabel::Negative);
        let skaters = Vader::shared()
            .clone()
            .with_words(&[LexiconEntry {
                word: "Sick".to_owned(),
                valence: 2.5,
            }])
            .unwrap();
        assert_eq!(
            skaters.score("That trick was sick").label(),
            SentimentLabel::Positive
        );
        // "not sick" is still negated: the word joins the rules like any rated word.
        assert!(skaters.score("That trick was not sick").compound < 0.0);
        let refused = Vader::shared().clone().with_words(&[LexiconEntry {
            word: "fab".to_owned(),
            valence: 9.0,
        }]);
        assert!(matches!(refused, Err(LexiconError::OutOfScale { .. })));
        let refused = Vader::shared().clone().with_words(&[LexiconEntry {
            word: "so good".to_owned(),
            valence: 2.0,
        }]);
        assert!(matches!(refused, Err(LexiconError::NotOneWord { .. })));
    }

    /// "@LoveBakery soooo goooood #NeverAgain https://x.example/awful": the handle and the link
    /// carry no sentiment, the elongated words do, and the hashtag is read as "Never Again".
    #[test]
    fn social_reading_scores_what_the_customer_meant() {
        let text = "@LoveBakery the cake was soooo goooood https://x.example/awful";
        let plain = Vader::shared().score(text);
        let social = Vader::shared().clone().with_social_reading(true);
        let read = social.score(text);
        assert!(read.compound > plain.compound, "{read:?} vs {plain:?}");
        assert_eq!(
            read,
            Vader::shared().score("the cake was so good"),
            "handle and link drop out, elongations are read as words"
        );
        let explained = social.explain_text(text);
        let whole: String = explained.pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, text);
        let handle = &explained.pieces[0];
        assert_eq!(
            (handle.valence, handle.reading.clone()),
            (0.0, Some(Reading::Handle))
        );
        let good = explained
            .pieces
            .iter()
            .find(|p| p.text == "goooood")
            .unwrap();
        assert!(good.valence > 0.0);
        assert_eq!(good.reading, Some(Reading::Elongated("good".to_owned())));
        let tag = social.explain_text("Waited an hour #NeverAgain");
        assert_eq!(
            tag.pieces.last().unwrap().reading,
            Some(Reading::Hashtag("Never Again".to_owned()))
        );
        // With nothing social in it, a text scores as the reference does.
        let ordinary = "The book was only kind of good.";
        assert_eq!(social.score(ordinary), Vader::shared().score(ordinary));
    }

    /// The examples of vaderSentiment's README, with the compound scores it prints for them.
    #[test]
    fn published_examples() {
        check("VADER is smart, handsome, and funny.", 0.8316);
        check("VADER is smart, handsome, and funny!", 0.8439);
        check("VADER is very smart, handsome, and funny.", 0.8545);
        check("VADER is VERY SMART, handsome, and FUNNY.", 0.9227);
        check("VADER is VERY SMART, handsome, and FUNNY!!!", 0.9342);
        check(
            "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
            0.9469,
        );
        check("VADER is not smart, handsome, nor funny.", -0.7424);
        check("The book was good.", 0.4404);
        check("At least it isn't a horrible book.", 0.431);
        check("The book was only kind of good.", 0.3832);
        check(
            "The plot was good, but the characters are uncompelling and the dialog is not great.",
            -0.7042,
        );
        check("Today SUX!", -0.5461);
        check("Today only kinda sux! But I'll get by, lol", 0.5249);
        check("Make sure you :) or :D today!", 0.8633);
        check("Catch utf-8 emoji such as 💘 and 💋 and 😁", 0.875);
        check("Not bad at all", 0.431);
        check("", 0.0);
    }

    #[test]
    fn labels_follow_the_usual_thresholds() {
        let label = |compound| {
            SentimentScore {
                compound,
                positive: 0.0,
                neutral: 0.0,
                negative: 0.0,
            }
            .label()
        };
        assert_eq!(label(0.05), SentimentLabel::Positive);
        assert_eq!(label(0.0499), SentimentLabel::Neutral);
        assert_eq!(label(-0.05), SentimentLabel::Negative);
    }

    fn rules_of(text: &str, token: &str) -> Vec<String> {
        let explained = Vader::shared().explain(text);
        let contribution = explained
            .contributions
            .iter()
            .find(|c| c.token == token)
            .unwrap_or_else(|| panic!("{token} in {text}"));
        contribution.rules.iter().map(Rule::describe).collect()
    }

    /// Each rule, with the sentence that motivates it.
    #[test]
    fn explanations_say_which_rule_changed_a_word() {
        assert_eq!(
            rules_of("The book was not good", "good"),
            ["negated by “not”"]
        );
        assert_eq!(
            rules_of("The service isn't great", "great"),
            ["negated by “isn't”"]
        );
        assert_eq!(
            rules_of("The delivery was very bad", "bad"),
            ["boosted by “very”"]
        );
        assert_eq!(
            rules_of("It was kind of nice", "nice"),
            ["damped by “kind of”"]
        );
        assert_eq!(
            rules_of("The app is slightly annoying", "annoying"),
            ["damped by “slightly”"]
        );
        assert_eq!(
            rules_of("The staff were GREAT today", "GREAT"),
            ["in capitals"]
        );
        assert_eq!(
            rules_of("The food was great but the service was awful", "great"),
            ["before “but”, counts half"]
        );
        assert_eq!(
            rules_of("The food was great but the service was awful", "awful"),
            ["after “but”, counts 1.5×"]
        );
        assert_eq!(
            rules_of("That was the least helpful reply", "helpful"),
            ["flipped by “least”"]
        );
        assert_eq!(
            rules_of("Honestly the cake was the bomb", "bomb"),
            ["part of an idiom"]
        );
        assert!(rules_of("The book was good", "good").is_empty());
    }

    #[test]
    fn explanations_name_the_words_that_count() {
        let explained = Vader::shared().explain("The staff were great but the delivery was awful!");
        let weighty: Vec<(&str, bool)> = explained
            .contributions
            .iter()
            .filter(|c| c.valence != 0.0)
            .map(|c| (c.token.as_str(), c.valence > 0.0))
            .collect();
        assert_eq!(weighty, [("great", true), ("awful", false)]);
        assert!(explained.punctuation_emphasis > 0.0);
        assert_eq!(explained.score.label(), SentimentLabel::Negative);
    }
}
