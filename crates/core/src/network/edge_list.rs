//! Which columns of a table make edges: who → whom, with an optional weight and time.
//!
//! Edge lists arrive under many names: networkx writes `source,target`, SNAP `FromNodeId
//! ToNodeId`, a follower export `follower,followee`; a referral programme puts a `referred_by`
//! column next to the customer id of each order. The words are found here once, for both callers:
//! the CLI, told that its file *is* an edge list, takes any column a word points at (and falls back
//! on the first two columns); the app must not mistake an ordinary table for one, so
//! [`detect_edge_list`] wants both ends named, neither of them text, dates or money.

use crate::schema::{name_words, Field, FieldGuess, Role, TableSchema};

/// Column names that say "source" to a reader told the file is an edge list.
pub const SOURCE_WORDS: &[&str] = &[
    "source", "src", "from", "follower", "user", "author", "sender", "head", "node1", "u",
];
/// Column names that say "target" to a reader told the file is an edge list.
pub const TARGET_WORDS: &[&str] = &[
    "target",
    "dst",
    "dest",
    "destination",
    "to",
    "followed",
    "following",
    "mentioned",
    "mention",
    "recipient",
    "node2",
    "tail",
    "v",
];

/// Words that make a column a source in a table nobody said was an edge list: only words that
/// mean nothing else (not `user` or `author`, which every table of posts has).
const STRICT_SOURCE_WORDS: &[&str] = &["source", "src", "from", "follower", "sender", "node1"];
/// The same for targets (not `to` alone, which `in_reply_to` and `ship_to` have).
const STRICT_TARGET_WORDS: &[&str] = &[
    "target",
    "dst",
    "dest",
    "destination",
    "followee",
    "followed",
    "following",
    "recipient",
    "node2",
];
/// Whole column names that are a target on their own (`to`, `to_id`, `ToNodeId`).
const STRICT_TARGET_NAMES: &[&str] = &["to", "toid", "tonodeid", "tonode", "tohandle"];
/// Column names (compacted) that carry the weight of an edge.
const WEIGHT_NAMES: &[&str] = &["weight", "count", "strength", "times", "n", "weightvalue"];
/// Words that make a column say who referred the customer.
const REFERRAL_WORDS: &[&str] = &[
    "referrer",
    "referral",
    "referredby",
    "referer",
    "referrerid",
];

/// What the edges of a table stand for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum EdgeKind {
    /// One edge per row, from the source column to the target column.
    EdgeList,
    /// One edge per row from the customer to the one who referred them (so that attention, and
    /// PageRank, flow to referrers).
    Referrals,
}

/// The columns of a table that make edges, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct EdgeListColumns {
    pub kind: EdgeKind,
    pub source: String,
    pub target: String,
    pub weight: Option<String>,
    /// When the edge was made (the table's timestamp column), for day filters.
    pub time: Option<String>,
}

/// The first column whose whole name (compacted: `From_Node` → `fromnode`) is one of `wanted`,
/// else the first with one of `wanted` as a word of its name and none of `not`.
pub fn find_by_words(header: &[String], wanted: &[&str], not: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|name| wanted.contains(&compact(name).as_str()))
        .or_else(|| {
            header.iter().position(|name| {
                let words = name_words(name);
                words.iter().any(|w| wanted.contains(&w.as_str()))
                    && !words.iter().any(|w| not.contains(&w.as_str()))
            })
        })
}

fn compact(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a column can name a node: not text, a date or money.
fn names_nodes(guess: &FieldGuess) -> bool {
    !matches!(
        guess.field,
        Some(
            Field::Text
                | Field::Timestamp
                | Field::BirthDate
                | Field::Amount
                | Field::Quantity
                | Field::Rating
                | Field::Currency
        )
    )
}

/// The edges a table holds, if it reads as an edge list (a source and a target column, both
/// named as such) or as referrals (a customer id and a referred-by column, in a table of orders
/// or customers). `None` for any other table.
pub fn detect_edge_list(schema: &TableSchema) -> Option<EdgeListColumns> {
    let usable: Vec<&FieldGuess> = schema.fields.iter().filter(|g| names_nodes(g)).collect();
    let names: Vec<String> = usable.iter().map(|g| g.column.clone()).collect();
    let time = schema
        .fields
        .iter()
        .filter(|guess| guess.field == Some(Field::Timestamp))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .map(|guess| guess.column.clone());
    let weight = schema
        .fields
        .iter()
        .find(|guess| WEIGHT_NAMES.contains(&compact(&guess.column).as_str()))
        .map(|guess| guess.column.clone());
    let source = find_by_words(&names, STRICT_SOURCE_WORDS, STRICT_TARGET_WORDS);
    let target = names
        .iter()
        .position(|name| STRICT_TARGET_NAMES.contains(&compact(name).as_str()))
        .or_else(|| find_by_words(&names, STRICT_TARGET_WORDS, STRICT_SOURCE_WORDS));
    if let (Some(source), Some(target)) = (source, target) {
        if source != target {
            return Some(EdgeListColumns {
                kind: EdgeKind::EdgeList,
                source: names.get(source)?.clone(),
                target: names.get(target)?.clone(),
                weight,
                time,
            });
        }
    }
    if !matches!(schema.role.role, Role::Orders | Role::Customers) {
        return None;
    }
    let customer = usable
        .iter()
        .filter(|guess| guess.field == Some(Field::CustomerId))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))?;
    let referral = usable.iter().find(|guess| {
        let words = name_words(&guess.column);
        let referred_by = words.iter().any(|w| w == "referred") && words.iter().any(|w| w == "by");
        // A web referrer holds page addresses: its values say so, whatever its name.
        let urls = guess.field == Some(Field::Url) && guess.confidence > 0.85;
        guess.column != customer.column
            && !urls
            && (referred_by
                || REFERRAL_WORDS.contains(&compact(&guess.column).as_str())
                || words.iter().any(|w| REFERRAL_WORDS.contains(&w.as_str())))
    })?;
    Some(EdgeListColumns {
        kind: EdgeKind::Referrals,
        source: customer.column.clone(),
        target: referral.column.clone(),
        weight: None,
        time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::RoleGuess;

    fn schema(role: Role, columns: &[(&str, Option<Field>)]) -> TableSchema {
        TableSchema {
            role: RoleGuess {
                role,
                confidence: 0.9,
                reason: String::new(),
            },
            fields: columns
                .iter()
                .map(|(column, field)| FieldGuess {
                    column: (*column).to_owned(),
                    field: *field,
                    confidence: 0.9,
                    reason: String::new(),
                })
                .collect(),
        }
    }

    fn check(role: Role, columns: &[(&str, Option<Field>)], expect: Option<(&str, &str)>) {
        let found = detect_edge_list(&schema(role, columns));
        assert_eq!(
            found
                .as_ref()
                .map(|c| (c.source.as_str(), c.target.as_str())),
            expect,
            "{columns:?}"
        );
    }

    #[test]
    fn edge_lists_are_found_by_the_names_of_both_ends() {
        let other = Role::Other;
        check(
            other,
            &[("source", None), ("target", None), ("weight", None)],
            Some(("source", "target")),
        );
        check(
            other,
            &[("FromNodeId", None), ("ToNodeId", None)],
            Some(("FromNodeId", "ToNodeId")),
        );
        check(
            other,
            &[("follower", Some(Field::Handle)), ("followee", None)],
            Some(("follower", "followee")),
        );
        check(
            other,
            &[
                ("from", None),
                ("to", None),
                ("sent_at", Some(Field::Timestamp)),
            ],
            Some(("from", "to")),
        );
        let found = detect_edge_list(&schema(
            other,
            &[
                ("src", None),
                ("dst", None),
                ("weight", None),
                ("time", Some(Field::Timestamp)),
            ],
        ))
        .unwrap();
        assert_eq!(found.weight.as_deref(), Some("weight"));
        assert_eq!(found.time.as_deref(), Some("time"));
        assert_eq!(found.kind, EdgeKind::EdgeList);
    }

    #[test]
    fn ordinary_tables_are_not_edge_lists() {
        // Posts: an author and a reply column are not an edge list's two ends.
        check(
            Role::Interactions,
            &[
                ("user", Some(Field::Handle)),
                ("text", Some(Field::Text)),
                ("in_reply_to", Some(Field::ReplyTo)),
            ],
            None,
        );
        // Orders shipped to someone, events with a web referrer.
        check(
            Role::Orders,
            &[
                ("customer_id", Some(Field::CustomerId)),
                ("ship_to", Some(Field::Address)),
                ("amount", Some(Field::Amount)),
            ],
            None,
        );
        check(
            Role::Events,
            &[
                ("customer_id", Some(Field::CustomerId)),
                ("referrer", Some(Field::Url)),
            ],
            None,
        );
        // A source and a target that are text or money name no nodes.
        check(
            Role::Other,
            &[("source", Some(Field::Text)), ("target", None)],
            None,
        );
        check(Role::Other, &[("source", None)], None);
    }

    #[test]
    fn a_referred_by_column_next_to_the_customer_makes_referrals() {
        let orders = [
            ("order_id", Some(Field::OrderId)),
            ("customer_id", Some(Field::CustomerId)),
            ("referred_by", None),
            ("amount", Some(Field::Amount)),
            ("ordered_at", Some(Field::Timestamp)),
        ];
        let found = detect_edge_list(&schema(Role::Orders, &orders)).unwrap();
        assert_eq!(found.kind, EdgeKind::Referrals);
        assert_eq!(
            (found.source.as_str(), found.target.as_str()),
            ("customer_id", "referred_by")
        );
        assert_eq!(found.time.as_deref(), Some("ordered_at"));
        // `referrer` reads as a page address by its name alone (confidence 0.8); only values
        // that look like addresses make it one.
        let mut customers = schema(
            Role::Customers,
            &[
                ("customer_id", Some(Field::CustomerId)),
                ("referrer", Some(Field::Url)),
            ],
        );
        customers.fields[1].confidence = 0.8;
        let found = detect_edge_list(&customers).unwrap();
        assert_eq!(found.target, "referrer");
        customers.fields[1].confidence = 0.98;
        assert_eq!(detect_edge_list(&customers), None);
        // Without a customer id, or outside orders and customers, no referrals.
        check(Role::Orders, &[("referred_by", None)], None);
        check(
            Role::Interactions,
            &[
                ("customer_id", Some(Field::CustomerId)),
                ("referred_by", None),
            ],
            None,
        );
    }

    #[test]
    fn the_cli_words_find_columns_in_any_spelling() {
        let header: Vec<String> = ["Weight", "From_Node", "to"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        assert_eq!(find_by_words(&header, SOURCE_WORDS, TARGET_WORDS), Some(1));
        assert_eq!(find_by_words(&header, TARGET_WORDS, SOURCE_WORDS), Some(2));
    }
}
