//! What a whole table is: customers, orders, interactions or events.

use super::fields::{Field, FieldGuess};

/// The kind of system a table was exported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Role {
    /// A system of record's customers (a CRM export).
    Customers,
    /// Orders or transactions.
    Orders,
    /// Rows carrying customer text: posts, reviews, tickets, survey answers.
    Interactions,
    /// Data in motion: web, app or beacon events.
    Events,
    /// None of the above.
    Other,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Customers,
        Role::Orders,
        Role::Interactions,
        Role::Events,
        Role::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Role::Customers => "customers",
            Role::Orders => "orders",
            Role::Interactions => "interactions",
            Role::Events => "events",
            Role::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RoleGuess {
    pub role: Role,
    /// From 0 to 1: how clearly this role beat the others.
    pub confidence: f32,
    pub reason: String,
}

/// The role whose telltale fields the table has most of.
pub fn detect_role(fields: &[FieldGuess]) -> RoleGuess {
    let has = |field: Field| fields.iter().any(|guess| guess.field == Some(field));
    let score = |clues: &[(Field, f32)]| -> (f32, Vec<&'static str>) {
        let mut total = 0.0;
        let mut found = Vec::new();
        for (field, weight) in clues {
            if has(*field) {
                total += weight;
                found.push(field.label());
            }
        }
        (total, found)
    };
    let mut candidates = [
        (
            Role::Customers,
            score(&[
                (Field::Email, 2.0),
                (Field::Phone, 1.0),
                (Field::FirstName, 1.0),
                (Field::LastName, 1.0),
                (Field::FullName, 0.5),
                (Field::Postcode, 1.0),
                (Field::Address, 1.0),
                (Field::City, 0.5),
                (Field::Country, 0.5),
                (Field::BirthDate, 1.0),
            ]),
        ),
        (
            Role::Orders,
            score(&[
                (Field::OrderId, 2.5),
                (Field::Amount, 2.0),
                (Field::Quantity, 1.0),
                (Field::Product, 1.0),
                (Field::Currency, 0.5),
                (Field::Timestamp, 0.5),
            ]),
        ),
        (
            Role::Interactions,
            score(&[
                (Field::Text, 4.0),
                (Field::Rating, 1.0),
                (Field::MentionedHandle, 1.0),
                (Field::ReplyTo, 1.0),
                (Field::Handle, 0.5),
            ]),
        ),
        (
            Role::Events,
            score(&[
                (Field::EventType, 2.5),
                (Field::SessionId, 1.5),
                (Field::Url, 1.0),
                (Field::Timestamp, 0.5),
            ]),
        ),
    ];
    candidates.sort_by(|a, b| b.1 .0.total_cmp(&a.1 .0));
    let (role, (best, found)) = &candidates[0];
    let runner_up = candidates[1].1 .0;
    if *best < 1.5 {
        return RoleGuess {
            role: Role::Other,
            confidence: 0.5,
            reason: "Too few telltale columns to tell what this table holds.".into(),
        };
    }
    RoleGuess {
        role: *role,
        confidence: (best / (best + runner_up)).clamp(0.5, 1.0),
        reason: format!("It has {}.", join_words(found)),
    }
}

fn join_words(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(fields: &[Field]) -> RoleGuess {
        let guesses: Vec<FieldGuess> = fields
            .iter()
            .map(|field| FieldGuess {
                column: field.label().into(),
                field: Some(*field),
                confidence: 0.9,
                reason: String::new(),
            })
            .collect();
        detect_role(&guesses)
    }

    #[test]
    fn each_kind_of_export_is_recognised() {
        assert_eq!(
            guess(&[
                Field::CustomerId,
                Field::Email,
                Field::FirstName,
                Field::City
            ])
            .role,
            Role::Customers
        );
        assert_eq!(
            guess(&[
                Field::OrderId,
                Field::CustomerId,
                Field::Amount,
                Field::Timestamp
            ])
            .role,
            Role::Orders
        );
        assert_eq!(
            guess(&[
                Field::Handle,
                Field::Text,
                Field::Timestamp,
                Field::MentionedHandle
            ])
            .role,
            Role::Interactions
        );
        assert_eq!(
            guess(&[
                Field::CustomerId,
                Field::EventType,
                Field::Url,
                Field::SessionId
            ])
            .role,
            Role::Events
        );
        assert_eq!(guess(&[Field::City]).role, Role::Other);
        let reviews = guess(&[Field::Text, Field::Rating, Field::Email]);
        assert_eq!(reviews.role, Role::Interactions);
        assert_eq!(reviews.reason, "It has customer text and rating.");
        assert!(reviews.confidence > 0.5);
    }
}
