//! The shared identifiers one resolved customer's records carry, for the customer 360: "this
//! landline is used by 3 people".
//!
//! Kept outside `identity/` while that module is being rewritten; it belongs beside
//! [`Resolution::households`] in `identity::resolution`, and can move there as it is.

use crate::identity::{Customer, IdentityField, Resolution, SharedIdentifier};

/// The identifiers a record may share with other people.
const IDENTIFIERS: [IdentityField; 4] = [
    IdentityField::Email,
    IdentityField::Phone,
    IdentityField::Handle,
    IdentityField::CustomerKey,
];

impl Resolution {
    /// The [`SharedIdentifier`]s (a family's landline or e-mail, a switchboard) among the values
    /// of `customer`'s records, each once, in the order of [`Resolution::shared_identifiers`].
    pub fn shared_identifiers_of(&self, customer: &Customer) -> Vec<&SharedIdentifier> {
        let mut held: Vec<(IdentityField, &str)> = Vec::new();
        for record in &customer.records {
            // Assignments are in record order: a record's index is its place among them.
            let Ok(idx) = self
                .assignments
                .binary_search_by_key(record, |assignment| assignment.record)
            else {
                continue;
            };
            for field in IDENTIFIERS {
                let Some(store) = self.records.field(field) else {
                    continue;
                };
                let Some(&id) = store.ids.get(idx) else {
                    continue;
                };
                if store.shared.get(id as usize) != Some(&true) {
                    continue;
                }
                if let Some(value) = store.dictionary.get(id as usize) {
                    if !held.contains(&(field, value.as_str())) {
                        held.push((field, value.as_str()));
                    }
                }
            }
        }
        self.shared_identifiers
            .iter()
            .filter(|shared| held.contains(&(shared.field, shared.value.as_str())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use crate::identity::{map_identity_columns, IdentityField, Resolve, Source};
    use crate::ingest::{ingest, ReadOptions};
    use crate::schema::{detect, Overrides};

    #[test]
    fn a_customer_lists_the_family_landline_they_give_and_not_their_own_email() {
        let mut csv = String::from("first_name,last_name,email,phone,street,postcode,city\n");
        for idx in 0..40 {
            csv.push_str(&format!(
                "Person{idx},Other{idx},p{idx}@example.org,0113 496 {:04},{idx} Mill Lane,LS{idx} 1AB,Leeds\n",
                1000 + idx
            ));
        }
        csv.push_str(
            "Robert,Okafor,robert.okafor@example.org,0113 496 0000,7 Elm Road,LS1 4AB,Leeds\n",
        );
        csv.push_str(
            "Mary,Okafor,mary.okafor@example.org,0113 496 0000,7 Elm Road,LS1 4AB,Leeds\n",
        );
        let table = ingest("crm.csv", std::io::Cursor::new(csv), ReadOptions::default())
            .unwrap()
            .table;
        let sources = [Source {
            name: "crm.csv".into(),
            columns: map_identity_columns(&table, &detect(&table, &Overrides::default()), None),
            table: &table,
            recency: None,
        }];
        let resolution = Resolve::params()
            .fit(&sources, |_| ControlFlow::Continue(()))
            .unwrap();
        let mary = resolution.assignments[41].customer;
        let customer = resolution.customers.iter().find(|c| c.id == mary).unwrap();
        let shared = resolution.shared_identifiers_of(customer);
        assert_eq!(shared.len(), 1, "{shared:?}");
        assert_eq!(shared[0].field, IdentityField::Phone);
        assert_eq!((shared[0].n_records, shared[0].n_people), (2, 2));
        let loner = resolution.assignments[0].customer;
        let loner = resolution.customers.iter().find(|c| c.id == loner).unwrap();
        assert!(resolution.shared_identifiers_of(loner).is_empty());
    }
}
