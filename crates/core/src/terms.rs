//! What customers talk about: the words and two-word phrases that set one group of texts apart.
//!
//! Raw frequency answers the wrong question ("delivery" is common in every complaint *and* every
//! compliment); a plain ratio of frequencies crowns rare words seen twice. The weighted log-odds
//! ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words",
//! eq. 16–22) does neither: each term's log-odds in the group is compared with its log-odds in the
//! rest, both smoothed by the term's frequency in all the texts, and the difference is divided by
//! its standard error, so the ranking (a z-score) rewards terms that are both frequent and
//! lopsided. The prior is the term counts of every text considered, as the tidylo package does:
//! `α_w = y_w`, `α_0 = Σ α_w`.
//!
//! Tokenising is deliberately plain and language-light: lower case, runs of letters, digits and
//! inner apostrophes; links, @handles and numbers dropped; hashtags kept as their word; English
//! stop words dropped; two-word phrases of adjacent kept words, and "not X" / "never X" phrases
//! kept because a complaint often lives in them.

use crate::hashing::FastMap;

/// Terms seen fewer times than this in the compared texts are not ranked: too rare to mean much.
pub const DEFAULT_MIN_COUNT: u32 = 3;

/// Every text's terms, counted once for the whole collection.
#[derive(Debug, Clone, Default)]
pub struct TermIndex {
    terms: Vec<String>,
    ids: FastMap<String, u32>,
    /// Per text, its terms (ids, with repeats) in `doc_terms[doc_offsets[i]..doc_offsets[i+1]]`.
    doc_offsets: Vec<usize>,
    doc_terms: Vec<u32>,
}

/// A term that sets a group apart, with its evidence.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DistinctiveTerm {
    pub term: String,
    /// The weighted log-odds ratio's z-score: positive when the term belongs to the group.
    pub z: f64,
    /// The prior-smoothed log-odds ratio itself (group against the rest).
    pub log_odds: f64,
    /// Times the term occurs in the group's texts and in the other texts.
    pub n_in_group: u32,
    pub n_in_rest: u32,
}

/// The terms most typical of a group and of the texts it is compared with.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Distinctive {
    /// Most typical of the group first.
    pub group: Vec<DistinctiveTerm>,
    /// Most typical of the rest first (their z-scores are negative).
    pub rest: Vec<DistinctiveTerm>,
}

impl TermIndex {
    /// Indexes texts in order; a missing text is a text with no terms.
    pub fn build<'t>(texts: impl IntoIterator<Item = Option<&'t str>>) -> TermIndex {
        let mut index = TermIndex {
            doc_offsets: vec![0],
            ..TermIndex::default()
        };
        for text in texts {
            index.push(text.unwrap_or(""));
        }
        index
    }

    /// Adds one more text at the end.
    pub fn push(&mut self, text: &str) {
        if self.doc_offsets.is_empty() {
            self.doc_offsets.push(0);
        }
        let words = words(text);
        for (word_idx, word) in words.iter().enumerate() {
            if word.kept {
                let id = self.intern(&word.text);
                self.doc_terms.push(id);
            }
            if let Some(next) = words.get(word_idx + 1) {
                let pair = !word.ends_clause && (word.kept || is_negation(&word.text)) && next.kept;
                if pair {
                    let id = self.intern(&format!("{} {}", word.text, next.text));
                    self.doc_terms.push(id);
                }
            }
        }
        self.doc_offsets.push(self.doc_terms.len());
    }

    pub fn n_texts(&self) -> usize {
        self.doc_offsets.len().saturating_sub(1)
    }

    pub fn n_terms(&self) -> usize {
        self.terms.len()
    }

    /// The terms of text `text_idx`, in order, with repeats (none for an unknown index).
    pub fn terms_of(&self, text_idx: usize) -> impl Iterator<Item = &str> + '_ {
        self.term_ids_of(text_idx)
            .iter()
            .filter_map(|id| self.terms.get(*id as usize).map(String::as_str))
    }

    /// Whether text `text_idx` contains `term`.
    pub fn contains(&self, text_idx: usize, term: &str) -> bool {
        self.ids
            .get(term)
            .is_some_and(|id| self.term_ids_of(text_idx).contains(id))
    }

    /// The texts that contain `term`, in order.
    pub fn texts_with(&self, term: &str) -> Vec<usize> {
        let Some(id) = self.ids.get(term) else {
            return Vec::new();
        };
        (0..self.n_texts())
            .filter(|&text_idx| self.term_ids_of(text_idx).contains(id))
            .collect()
    }

    /// The terms that set apart the texts `side` puts in the group (`Some(true)`) from those it
    /// puts in the rest (`Some(false)`); texts it leaves out (`None`) still shape the prior.
    /// At most `limit` terms on each side, each seen at least `min_count` times in the two.
    pub fn distinctive(
        &self,
        side: impl Fn(usize) -> Option<bool>,
        limit: usize,
        min_count: u32,
    ) -> Distinctive {
        let n_terms = self.terms.len();
        let mut in_group = vec![0_u32; n_terms];
        let mut in_rest = vec![0_u32; n_terms];
        let mut background = vec![0_u32; n_terms];
        for text_idx in 0..self.n_texts() {
            let which = side(text_idx);
            for &id in self.term_ids_of(text_idx) {
                let id = id as usize;
                background[id] += 1;
                match which {
                    Some(true) => in_group[id] += 1,
                    Some(false) => in_rest[id] += 1,
                    None => {}
                }
            }
        }
        let n_group: f64 = in_group.iter().map(|&n| f64::from(n)).sum();
        let n_rest: f64 = in_rest.iter().map(|&n| f64::from(n)).sum();
        let alpha_0: f64 = background.iter().map(|&n| f64::from(n)).sum();
        let mut ranked: Vec<DistinctiveTerm> = (0..n_terms)
            .filter(|&id| in_group[id] + in_rest[id] >= min_count.max(1))
            .map(|id| {
                let (score, log_odds) = weighted_log_odds(
                    f64::from(in_group[id]),
                    n_group,
                    f64::from(in_rest[id]),
                    n_rest,
                    f64::from(background[id]),
                    alpha_0,
                );
                DistinctiveTerm {
                    term: self.terms[id].clone(),
                    z: score,
                    log_odds,
                    n_in_group: in_group[id],
                    n_in_rest: in_rest[id],
                }
            })
            .collect();
        ranked.sort_by(|a, b| b.z.total_cmp(&a.z).then_with(|| a.term.cmp(&b.term)));
        let group = ranked
            .iter()
            .filter(|term| term.z > 0.0)
            .take(limit)
            .cloned()
            .collect();
        let rest = ranked
            .iter()
            .rev()
            .filter(|term| term.z < 0.0)
            .take(limit)
            .cloned()
            .collect();
        Distinctive { group, rest }
    }

    /// The terms a selection of texts (`in_selection`) says more than every other text: the
    /// same weighted log-odds, the selection against the rest, with all the texts as the prior.
    /// At most `limit` terms, most typical of the selection first, each seen at least
    /// `min_count` times; none when the selection is empty or holds every text.
    pub fn selection_vs_rest(
        &self,
        in_selection: impl Fn(usize) -> bool,
        limit: usize,
        min_count: u32,
    ) -> Vec<DistinctiveTerm> {
        let n_selected = (0..self.n_texts()).filter(|&idx| in_selection(idx)).count();
        if n_selected == 0 || n_selected == self.n_texts() {
            return Vec::new();
        }
        self.distinctive(|idx| Some(in_selection(idx)), limit, min_count)
            .group
    }

    fn term_ids_of(&self, text_idx: usize) -> &[u32] {
        match (
            self.doc_offsets.get(text_idx),
            self.doc_offsets.get(text_idx + 1),
        ) {
            (Some(&start), Some(&end)) => &self.doc_terms[start..end],
            _ => &[],
        }
    }

    fn intern(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = u32::try_from(self.terms.len()).unwrap_or(u32::MAX);
        self.terms.push(term.to_owned());
        self.ids.insert(term.to_owned(), id);
        id
    }
}

/// Monroe et al.'s z-score and smoothed log-odds ratio for one term: `y_*` its counts, `n_*` the
/// sides' token totals, `alpha_w` its prior count and `alpha_0` the prior's total.
fn weighted_log_odds(
    y_group: f64,
    n_group: f64,
    y_rest: f64,
    n_rest: f64,
    alpha_w: f64,
    alpha_0: f64,
) -> (f64, f64) {
    let odds_group = (y_group + alpha_w) / (n_group + alpha_0 - y_group - alpha_w);
    let odds_rest = (y_rest + alpha_w) / (n_rest + alpha_0 - y_rest - alpha_w);
    let delta = odds_group.ln() - odds_rest.ln();
    let variance = 1.0 / (y_group + alpha_w) + 1.0 / (y_rest + alpha_w);
    (delta / variance.sqrt(), delta)
}

struct Word {
    text: String,
    /// Neither a stop word nor a number: a term on its own.
    kept: bool,
    /// Punctuation follows it ("late, rude"): no phrase spans the gap.
    ends_clause: bool,
}

/// A text's words, lower-cased, links and handles dropped.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for chunk in text.split_whitespace() {
        let lower_chunk = chunk.to_lowercase();
        if lower_chunk.contains("://") || lower_chunk.starts_with("www.") {
            continue;
        }
        let mut current = String::new();
        let mut chars = lower_chunk.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '@' && current.is_empty() {
                // A handle (`@oscar_fischer648`) names someone; it is not a topic.
                while chars
                    .next_if(|next| next.is_alphanumeric() || *next == '_' || *next == '.')
                    .is_some()
                {}
                continue;
            }
            let inner_apostrophe = (c == '\'' || c == '’')
                && !current.is_empty()
                && chars.peek().is_some_and(|next| next.is_alphanumeric());
            if c.is_alphanumeric() || inner_apostrophe {
                current.push(if c == '’' { '\'' } else { c });
            } else {
                push_word(&mut out, std::mem::take(&mut current));
                if c != '#' {
                    if let Some(last) = out.last_mut() {
                        last.ends_clause = true;
                    }
                }
            }
        }
        push_word(&mut out, current);
    }
    out
}

fn push_word(out: &mut Vec<Word>, word: String) {
    if word.is_empty() {
        return;
    }
    let kept = word.chars().count() >= 2
        && !word.chars().all(|c| c.is_numeric())
        && STOP_WORDS.binary_search(&word.as_str()).is_err();
    out.push(Word {
        text: word,
        kept,
        ends_clause: false,
    });
}

fn is_negation(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "don't"
            | "didn't"
            | "doesn't"
            | "isn't"
            | "wasn't"
            | "won't"
            | "can't"
            | "cannot"
    )
}

/// Common English words that carry no topic, sorted for binary search.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "aren't",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "doing",
    "don't",
    "down",
    "during",
    "each",
    "even",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "having",
    "he",
    "he'd",
    "he'll",
    "he's",
    "her",
    "here",
    "here's",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "how's",
    "i",
    "i'd",
    "i'll",
    "i'm",
    "i've",
    "if",
    "in",
    "into",
    "is",
    "isn't",
    "it",
    "it's",
    "its",
    "itself",
    "just",
    "let's",
    "me",
    "more",
    "most",
    "much",
    "mustn't",
    "my",
    "myself",
    "never",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "ought",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "really",
    "same",
    "shan't",
    "she",
    "she'd",
    "she'll",
    "she's",
    "should",
    "shouldn't",
    "so",
    "some",
    "still",
    "such",
    "than",
    "that",
    "that's",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "there's",
    "these",
    "they",
    "they'd",
    "they'll",
    "they're",
    "they've",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "wasn't",
    "we",
    "we'd",
    "we'll",
    "we're",
    "we've",
    "were",
    "weren't",
    "what",
    "what's",
    "when",
    "when's",
    "where",
    "where's",
    "which",
    "while",
    "who",
    "who's",
    "whom",
    "why",
    "why's",
    "will",
    "with",
    "won't",
    "would",
    "wouldn't",
    "you",
    "you'd",
    "you'll",
    "you're",
    "you've",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn texts_become_words_and_phrases() {
        let index = TermIndex::build([
            Some("The delivery was LATE again!! https://x.example/track @shop_42 #fail (@ada.b)"),
            None,
            Some("Not happy: it's 2 days late, don't like it"),
        ]);
        assert_eq!(
            index.terms_of(0).collect::<Vec<_>>(),
            ["delivery", "late", "fail"]
        );
        assert_eq!(index.terms_of(1).count(), 0);
        assert_eq!(
            index.terms_of(2).collect::<Vec<_>>(),
            [
                "not happy",
                "happy",
                "days",
                "days late",
                "late",
                "don't like",
                "like"
            ]
        );
        assert_eq!(index.texts_with("late"), [0, 2]);
        assert!(index.contains(2, "not happy"));
        assert!(!index.contains(9, "late"));
    }

    /// A hand-checked case: "late" is in three of the group's four tokens and in one of the
    /// rest's four. With α_w = 4 (its count in all texts) and α_0 = 8:
    /// δ = ln((3+4)/(4+8−3−4)) − ln((1+4)/(4+8−1−4)) = ln(7/5) − ln(5/7) = 2·ln(1.4),
    /// σ² = 1/7 + 1/5, z = δ/σ.
    #[test]
    fn the_weighted_log_odds_is_monroes() {
        let index = TermIndex::build([
            Some("late, late, late, rude"),
            Some("late, kind, kind, kind"),
        ]);
        let distinctive = index.distinctive(|idx| Some(idx == 0), 10, 1);
        let late = distinctive
            .group
            .iter()
            .find(|term| term.term == "late")
            .unwrap();
        let delta = 2.0 * 1.4_f64.ln();
        let z = delta / (1.0 / 7.0 + 1.0 / 5.0_f64).sqrt();
        assert!((late.log_odds - delta).abs() < 1e-12);
        assert!((late.z - z).abs() < 1e-12);
        assert_eq!((late.n_in_group, late.n_in_rest), (3, 1));
        assert_eq!(distinctive.rest[0].term, "kind");
        assert!(distinctive.rest[0].z < 0.0);
    }

    /// A hand-checked selection: two texts "late delivery" against "great delivery" and
    /// "great service". The selection has 6 tokens (late 2, delivery 2, "late delivery" 2), the
    /// rest 6 (great 2, delivery 1, service 1 and the two phrases once), all texts 12.
    /// For "late": α_w = 2, δ = ln((2+2)/(6+12−2−2)) − ln((0+2)/(6+12−0−2)) = ln(16/7),
    /// σ² = 1/4 + 1/2. For "delivery": α_w = 3, δ = ln(5/13) − ln(4/14), σ² = 1/5 + 1/4.
    #[test]
    fn a_selection_is_compared_with_every_other_text() {
        let index = TermIndex::build([
            Some("late delivery"),
            Some("great delivery"),
            Some("late delivery"),
            Some("great service"),
        ]);
        let selected = index.selection_vs_rest(|idx| idx % 2 == 0, 10, 1);
        let terms: Vec<&str> = selected.iter().map(|t| t.term.as_str()).collect();
        assert_eq!(terms, ["late", "late delivery", "delivery"]);
        let late_z = (16.0_f64 / 7.0).ln() / (0.25 + 0.5_f64).sqrt();
        let delivery_z = ((5.0_f64 / 13.0).ln() - (4.0_f64 / 14.0).ln()) / (0.2 + 0.25_f64).sqrt();
        assert!((selected[0].z - late_z).abs() < 1e-12, "{selected:?}");
        assert!((selected[1].z - late_z).abs() < 1e-12);
        assert!((selected[2].z - delivery_z).abs() < 1e-12);
        assert_eq!((selected[2].n_in_group, selected[2].n_in_rest), (2, 1));
        // Nothing selected, or everything: no comparison to make.
        assert!(index.selection_vs_rest(|_| false, 10, 1).is_empty());
        assert!(index.selection_vs_rest(|_| true, 10, 1).is_empty());
    }

    #[test]
    fn frequent_lopsided_terms_beat_rare_ones() {
        let mut texts = Vec::new();
        for _ in 0..50 {
            texts.push("refund refused, support rude");
            texts.push("great coffee, friendly staff");
        }
        texts.push("refund zebra");
        let index = TermIndex::build(texts.iter().map(|t| Some(*t)));
        let distinctive = index.distinctive(|idx| Some(idx % 2 == 0), 3, 3);
        assert!(distinctive.group.iter().all(|t| t.term != "zebra"));
        assert!(
            distinctive.group[0].term.contains("refund")
                || distinctive.group[0].term.contains("rude")
        );
        assert!(distinctive.rest.iter().any(|t| t.term == "great coffee"));
    }
}
