//! Which columns identify a person, and as what.
//!
//! [`crate::schema::detect`] knows marketing exports (email, phone, handle, customer id, names,
//! address). Person registers name their columns differently (`given_name`, `surname`,
//! `address_1`, `suburb`, `soc_sec_id`, `dob`), and identity needs finer distinctions than the
//! schema's [`Field`] (a street number is not a street, a state is not a city), so resolution
//! has its own mapping: its name rules first, the schema's detection second. The app can show
//! and edit the resulting [`IdentityColumn`]s without `Field` changing.

use crate::schema::{Field, TableSchema};
use crate::table::{ColumnType, Table};

/// What an identity column says about the person behind a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum IdentityField {
    Email,
    Phone,
    Handle,
    /// An identifier shared between systems: customer or account id, social security number.
    CustomerKey,
    FirstName,
    LastName,
    /// First and last name in one column; split into the two when those are not mapped.
    FullName,
    StreetNumber,
    /// The first address line (street).
    Address,
    /// A second address line (building, unit, care of).
    AddressExtra,
    Postcode,
    /// City, town or suburb.
    City,
    /// State, region or county.
    State,
    BirthDate,
    /// Any other column the user maps as identifying.
    Other,
}

impl IdentityField {
    /// The fields a record holds after normalisation (a full name becomes first and last).
    pub const COMPARED: [IdentityField; 14] = [
        IdentityField::Email,
        IdentityField::Phone,
        IdentityField::Handle,
        IdentityField::CustomerKey,
        IdentityField::FirstName,
        IdentityField::LastName,
        IdentityField::StreetNumber,
        IdentityField::Address,
        IdentityField::AddressExtra,
        IdentityField::Postcode,
        IdentityField::City,
        IdentityField::State,
        IdentityField::BirthDate,
        IdentityField::Other,
    ];

    /// The name shown to the user.
    pub fn label(self) -> &'static str {
        match self {
            IdentityField::Email => "email",
            IdentityField::Phone => "phone",
            IdentityField::Handle => "social handle",
            IdentityField::CustomerKey => "customer id",
            IdentityField::FirstName => "first name",
            IdentityField::LastName => "last name",
            IdentityField::FullName => "full name",
            IdentityField::StreetNumber => "street number",
            IdentityField::Address => "address",
            IdentityField::AddressExtra => "address line 2",
            IdentityField::Postcode => "postcode",
            IdentityField::City => "city",
            IdentityField::State => "state",
            IdentityField::BirthDate => "birth date",
            IdentityField::Other => "other identifier",
        }
    }

    /// Position in [`IdentityField::COMPARED`] (a full name has none: it is split).
    pub(crate) fn slot(self) -> Option<usize> {
        IdentityField::COMPARED.iter().position(|f| *f == self)
    }
}

/// One column of a source and what it identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IdentityColumn {
    pub column: String,
    pub field: IdentityField,
}

/// Column names that label a row rather than a person (`rec_id`): never compared, because two
/// systems' row numbers say nothing about who is behind them.
const ROW_LABELS: &[&str] = &[
    "id", "recid", "recordid", "rowid", "row", "rec", "index", "uuid",
];

/// The identity columns of `table`: resolution's own name rules for person registers first,
/// then the schema's detected fields. A column named `ignore` (e.g. the `--id` column) is
/// left out.
pub fn map_identity_columns(
    table: &Table,
    schema: &TableSchema,
    ignore: Option<&str>,
) -> Vec<IdentityColumn> {
    let mut mapped = Vec::new();
    for column in table.columns() {
        let name = column.name();
        if ignore == Some(name) {
            continue;
        }
        let guess = schema
            .fields
            .iter()
            .find(|guess| guess.column == name)
            .and_then(|guess| guess.field);
        if let Some(field) = by_name(name).or_else(|| from_schema(name, guess)) {
            mapped.push(IdentityColumn {
                column: name.to_owned(),
                field,
            });
        }
    }
    // A second address column is the second line.
    let mut seen_address = false;
    for column in &mut mapped {
        if column.field == IdentityField::Address {
            if seen_address {
                column.field = IdentityField::AddressExtra;
            }
            seen_address = true;
        }
    }
    mapped
}

/// The column saying when a record was last true, for choosing a customer's most recent
/// values: the most confidently detected timestamp column typed as a date or an instant.
pub fn recency_column(table: &Table, schema: &TableSchema) -> Option<String> {
    schema
        .fields
        .iter()
        .filter(|guess| guess.field == Some(Field::Timestamp))
        .filter(|guess| {
            table.column(&guess.column).is_some_and(|column| {
                matches!(
                    column.column_type(),
                    ColumnType::Date | ColumnType::Timestamp
                )
            })
        })
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .map(|guess| guess.column.clone())
}

fn from_schema(name: &str, field: Option<Field>) -> Option<IdentityField> {
    let joined = squash(name);
    if ROW_LABELS.contains(&joined.as_str()) {
        return None;
    }
    Some(match field? {
        Field::Email => IdentityField::Email,
        Field::Phone => IdentityField::Phone,
        Field::Handle => IdentityField::Handle,
        Field::CustomerId => IdentityField::CustomerKey,
        Field::FirstName => IdentityField::FirstName,
        Field::LastName => IdentityField::LastName,
        // `campaign_name` or `product_name` is no person's name.
        Field::FullName if is_person_name(&joined) => IdentityField::FullName,
        Field::FullName => return None,
        Field::Address => IdentityField::Address,
        Field::Postcode => IdentityField::Postcode,
        Field::City => IdentityField::City,
        Field::BirthDate => IdentityField::BirthDate,
        _ => return None,
    })
}

/// A name column that names a person: `name`, `full_name`, `customer_name`, `author`…
fn is_person_name(joined: &str) -> bool {
    joined == "name"
        || joined == "nom"
        || joined == "nombre"
        || [
            "full",
            "customer",
            "contact",
            "client",
            "person",
            "display",
            "author",
            "user",
            "member",
            "patient",
            "holder",
            "buyer",
            "recipient",
            "owner",
        ]
        .iter()
        .any(|word| joined.contains(word))
}

/// Lower-case letters and digits only: `Given_Name` → `givenname`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Person-register and marketing names the schema does not tell apart finely enough.
fn by_name(name: &str) -> Option<IdentityField> {
    let joined = squash(name);
    let joined = joined.as_str();
    if ROW_LABELS.contains(&joined) {
        return None;
    }
    let any = |words: &[&str]| words.contains(&joined);
    let contains = |words: &[&str]| words.iter().any(|w| joined.contains(w));
    if any(&[
        "socsecid",
        "ssn",
        "socialsecuritynumber",
        "socialsecurity",
        "nationalid",
        "nino",
        "taxid",
        "passport",
        "passportnumber",
        "personalnumber",
        "medicare",
    ]) {
        return Some(IdentityField::CustomerKey);
    }
    if contains(&["customer", "client", "account", "member", "kunde"])
        && contains(&["id", "ref", "number", "no", "key", "code", "nr"])
        && !contains(&["name", "mail", "phone", "type", "tier", "since", "date"])
    {
        return Some(IdentityField::CustomerKey);
    }
    if any(&[
        "givenname",
        "given",
        "firstname",
        "forename",
        "fname",
        "first",
    ]) {
        return Some(IdentityField::FirstName);
    }
    if any(&["surname", "lastname", "familyname", "lname", "last"]) {
        return Some(IdentityField::LastName);
    }
    if any(&[
        "streetnumber",
        "streetno",
        "housenumber",
        "houseno",
        "streetnum",
    ]) {
        return Some(IdentityField::StreetNumber);
    }
    if any(&[
        "address1",
        "addressline1",
        "addr1",
        "street",
        "streetaddress",
        "address",
    ]) {
        return Some(IdentityField::Address);
    }
    if any(&[
        "address2",
        "addressline2",
        "addr2",
        "address3",
        "addressline3",
    ]) {
        return Some(IdentityField::AddressExtra);
    }
    if any(&["suburb", "town", "city", "locality"]) {
        return Some(IdentityField::City);
    }
    if any(&["state", "province", "region", "county", "territory"]) {
        return Some(IdentityField::State);
    }
    if any(&["dob", "dateofbirth", "birthdate", "birthday", "born"]) {
        return Some(IdentityField::BirthDate);
    }
    if any(&["postcode", "zip", "zipcode", "postalcode", "plz"]) {
        return Some(IdentityField::Postcode);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, expect: Option<IdentityField>) {
        assert_eq!(by_name(name), expect, "{name}");
    }

    #[test]
    fn person_register_columns_are_recognised() {
        use IdentityField::*;
        check("given_name", Some(FirstName));
        check("surname", Some(LastName));
        check("street_number", Some(StreetNumber));
        check("address_1", Some(Address));
        check("address_2", Some(AddressExtra));
        check("suburb", Some(City));
        check("state", Some(State));
        check("date_of_birth", Some(BirthDate));
        check("soc_sec_id", Some(CustomerKey));
        check("customer_ref", Some(CustomerKey));
        check("customer_name", None);
        check("rec_id", None);
        check("loyalty_tier", None);
        check("number", None);
        assert!(is_person_name("customername"));
        assert!(!is_person_name("campaignname"));
    }
}
