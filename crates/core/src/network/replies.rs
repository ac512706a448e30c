//! Replies, quotes and referrals: edges that point at a *row* (a post id, an order id) rather than
//! at a handle.
//!
//! A reply's row says `in_reply_to: P0000042`; the edge goes from the reply's author to the author
//! of post P0000042, who may appear later in the file, or not at all (a post outside the export).
//! [`Replies`] collects rows in any order and resolves them once all are in; parents it never saw
//! are counted, not guessed.

use std::collections::HashMap;

use super::{GraphBuilder, NetworkError};

/// Rows with an id, an author and maybe the id of the row they answer.
#[derive(Debug, Default, Clone)]
pub struct Replies {
    author_of: HashMap<String, String>,
    /// `(author, parent id, sentiment)`.
    pending: Vec<(String, String, Option<f64>)>,
}

/// What [`Replies::add_to`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RepliesAdded {
    pub n_edges: usize,
    /// Replies to rows that were never seen.
    pub n_unknown_parents: usize,
}

impl Replies {
    pub fn new() -> Replies {
        Replies::default()
    }

    /// One row: its id, its author, the id of the row it answers (if any) and the sentiment of
    /// its text (if scored).
    pub fn add_row(
        &mut self,
        row_id: &str,
        author: &str,
        parent_id: Option<&str>,
        sentiment: Option<f64>,
    ) {
        self.author_of
            .entry(row_id.to_owned())
            .or_insert_with(|| author.to_owned());
        if let Some(parent) = parent_id {
            self.pending
                .push((author.to_owned(), parent.to_owned(), sentiment));
        }
    }

    /// Adds an edge of weight 1 from each reply's author to its parent's author.
    pub fn add_to(&self, builder: &mut GraphBuilder) -> Result<RepliesAdded, NetworkError> {
        let mut added = RepliesAdded::default();
        for (author, parent, sentiment) in &self.pending {
            match self.author_of.get(parent) {
                Some(parent_author) => {
                    builder.add_mention(author, parent_author, 1.0, *sentiment)?;
                    added.n_edges += 1;
                }
                None => added.n_unknown_parents += 1,
            }
        }
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_point_at_the_parents_author_whatever_the_order() {
        let mut replies = Replies::new();
        replies.add_row("p2", "bo", Some("p1"), Some(0.5));
        replies.add_row("p1", "ana", None, None);
        replies.add_row("p3", "cy", Some("p9"), None);
        replies.add_row("p4", "ana", Some("p2"), None);
        let mut builder = GraphBuilder::directed();
        let added = replies.add_to(&mut builder).unwrap();
        assert_eq!(
            added,
            RepliesAdded {
                n_edges: 2,
                n_unknown_parents: 1
            }
        );
        let graph = builder.finish();
        let names = graph.names();
        assert_eq!(names, ["bo", "ana"]);
        assert_eq!(graph.out_degree(), vec![1.0, 1.0]);
        assert_eq!(graph.tone()[0], Some(0.5));
    }
}
