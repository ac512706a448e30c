//! What each table is and what each column means: detected, explained and overridable.
//!
//! Converging customers across systems needs to know which column is the email, the amount or the
//! review text, and whether a table holds customers, orders, interactions or events. Exports name
//! these a hundred ways (`E-mail`, `mail_address`, `contactEmail`), so detection looks at the
//! column's name *and* its values (an `@` and a dot make an email whatever the header says), and
//! says how sure it is and why. The user's corrections ([`Overrides`]) always win.

mod fields;
mod roles;

pub use fields::{detect_field, name_words, Field, FieldGuess};
pub use roles::{detect_role, Role, RoleGuess};

use crate::table::Table;

/// A table's detected role and the meaning of each of its columns.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TableSchema {
    pub role: RoleGuess,
    /// One entry per column, in the table's order.
    pub fields: Vec<FieldGuess>,
}

impl TableSchema {
    /// The column of customer text: the one most confidently detected as [`Field::Text`].
    pub fn text_column(&self) -> Option<&str> {
        self.fields
            .iter()
            .filter(|guess| guess.field == Some(Field::Text))
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
            .map(|guess| guess.column.as_str())
    }
}

/// What the user said instead of what was detected.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Overrides {
    pub role: Option<Role>,
    /// `(column name, field)`; `None` as the field means "this column means nothing special".
    pub fields: Vec<(String, Option<Field>)>,
}

/// Detects the schema of `table`, then applies `overrides`.
pub fn detect(table: &Table, overrides: &Overrides) -> TableSchema {
    let mut fields: Vec<FieldGuess> = table.columns().iter().map(detect_field).collect();
    for (column, field) in &overrides.fields {
        if let Some(guess) = fields.iter_mut().find(|guess| &guess.column == column) {
            guess.field = *field;
            guess.confidence = 1.0;
            guess.reason = "Set by you.".into();
        }
    }
    let mut role = detect_role(&fields);
    if let Some(chosen) = overrides.role {
        role = RoleGuess {
            role: chosen,
            confidence: 1.0,
            reason: "Set by you.".into(),
        };
    }
    TableSchema { role, fields }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, ReadOptions};

    fn schema_of(file_name: &str, csv: &str, overrides: &Overrides) -> TableSchema {
        let ingested = ingest(
            file_name,
            std::io::Cursor::new(csv.as_bytes().to_vec()),
            ReadOptions::default(),
        )
        .unwrap();
        detect(&ingested.table, overrides)
    }

    #[test]
    fn an_events_table_counts_by_its_kind_of_event_not_its_event_ids() {
        let mut csv = String::from("event_id,event_type,customer_id,session_id,timestamp\n");
        let kinds = [
            "page_view",
            "add_to_cart",
            "search",
            "page_view",
            "checkout",
        ];
        for idx in 0..60 {
            csv.push_str(&format!(
                "E{:08},{},C{},S{},2025-03-{:02}T10:00:00Z\n",
                idx + 1,
                kinds[idx % kinds.len()],
                idx % 7,
                idx / 3,
                idx % 28 + 1
            ));
        }
        let schema = schema_of("web_events.csv", &csv, &Overrides::default());
        let event_types: Vec<&str> = schema
            .fields
            .iter()
            .filter(|guess| guess.field == Some(Field::EventType))
            .map(|guess| guess.column.as_str())
            .collect();
        assert_eq!(event_types, ["event_type"]);
        assert_eq!(schema.fields[0].field, None, "{}", schema.fields[0].reason);
        assert_eq!(schema.role.role, Role::Events);
    }

    #[test]
    fn overrides_win_over_detection() {
        let csv = "contact,notes\nada@example.com,likes tea\nbob@example.org,prefers email\n";
        let detected = schema_of("x.csv", csv, &Overrides::default());
        assert_eq!(detected.fields[0].field, Some(Field::Email));
        let overrides = Overrides {
            role: Some(Role::Interactions),
            fields: vec![
                ("contact".into(), None),
                ("notes".into(), Some(Field::Text)),
            ],
        };
        let chosen = schema_of("x.csv", csv, &overrides);
        assert_eq!(chosen.fields[0].field, None);
        assert_eq!(chosen.fields[1].field, Some(Field::Text));
        assert_eq!(chosen.role.role, Role::Interactions);
        assert_eq!(chosen.role.reason, "Set by you.");
    }
}
