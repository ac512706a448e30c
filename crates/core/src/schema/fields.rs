//! The meaning of one column, from its name and its values.

use crate::table::{Column, ColumnType, Value};

/// What a column means to a marketer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Field {
    CustomerId,
    OrderId,
    Email,
    Phone,
    FirstName,
    LastName,
    FullName,
    /// A social handle such as `@ada`.
    Handle,
    Address,
    Postcode,
    City,
    Country,
    BirthDate,
    /// When the row happened: an order, a post, an event.
    Timestamp,
    Amount,
    Currency,
    Quantity,
    Product,
    /// Free text written by the customer: a post, a review, a ticket, a survey answer.
    Text,
    Rating,
    Channel,
    EventType,
    /// Handles mentioned in a post.
    MentionedHandle,
    /// The post or user this one replies to.
    ReplyTo,
    SessionId,
    Url,
}

impl Field {
    pub const ALL: [Field; 26] = [
        Field::CustomerId,
        Field::OrderId,
        Field::Email,
        Field::Phone,
        Field::FirstName,
        Field::LastName,
        Field::FullName,
        Field::Handle,
        Field::Address,
        Field::Postcode,
        Field::City,
        Field::Country,
        Field::BirthDate,
        Field::Timestamp,
        Field::Amount,
        Field::Currency,
        Field::Quantity,
        Field::Product,
        Field::Text,
        Field::Rating,
        Field::Channel,
        Field::EventType,
        Field::MentionedHandle,
        Field::ReplyTo,
        Field::SessionId,
        Field::Url,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::CustomerId => "customer id",
            Field::OrderId => "order id",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::FirstName => "first name",
            Field::LastName => "last name",
            Field::FullName => "full name",
            Field::Handle => "social handle",
            Field::Address => "address",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Country => "country",
            Field::BirthDate => "birth date",
            Field::Timestamp => "timestamp",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Quantity => "quantity",
            Field::Product => "product",
            Field::Text => "customer text",
            Field::Rating => "rating",
            Field::Channel => "channel",
            Field::EventType => "event type",
            Field::MentionedHandle => "mentioned handle",
            Field::ReplyTo => "reply to",
            Field::SessionId => "session id",
            Field::Url => "page or URL",
        }
    }
}

/// A column's detected meaning, with how sure the detection is and why.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldGuess {
    pub column: String,
    pub field: Option<Field>,
    /// From 0 (a guess) to 1 (certain).
    pub confidence: f32,
    pub reason: String,
}

/// Values looked at to judge a column by its content.
const SAMPLE_VALUES: usize = 500;
/// Values a sample needs before its share of distinct values says anything about cardinality.
const NEAR_UNIQUE_MIN_VALUES: usize = 20;

pub fn detect_field(column: &Column) -> FieldGuess {
    let words = name_words(column.name());
    let sample = Sample::of(column);
    let by_name = by_name(&words, column.column_type());
    let by_values = by_values(&sample, column.column_type());
    let (field, confidence, reason) = match (by_name, by_values) {
        (Some((name_field, _)), Some((value_field, share))) if name_field == value_field => (
            Some(name_field),
            0.98,
            format!(
                "The name and {:.0}% of the values say {}.",
                share * 100.0,
                name_field.label()
            ),
        ),
        // Values are harder to fake than names: `contact` holding emails is an email column.
        (_, Some((value_field, share))) => (
            Some(value_field),
            (0.6 + 0.35 * share) as f32,
            format!(
                "{:.0}% of the values look like {}.",
                share * 100.0,
                article(value_field)
            ),
        ),
        (Some((name_field, strength)), None) => {
            if contradicts(name_field, &sample, column.column_type()) {
                (
                    None,
                    0.5,
                    format!(
                        "The name suggests {}, but the values do not fit.",
                        name_field.label()
                    ),
                )
            } else {
                (
                    Some(name_field),
                    strength,
                    format!("The column's name suggests {}.", name_field.label()),
                )
            }
        }
        (None, None) => (
            None,
            0.5,
            "Nothing in the name or values points to a customer field.".into(),
        ),
    };
    FieldGuess {
        column: column.name().to_owned(),
        field,
        confidence,
        reason,
    }
}

fn article(field: Field) -> String {
    match field {
        Field::Email => "email addresses".into(),
        Field::Phone => "phone numbers".into(),
        Field::Handle => "social handles".into(),
        Field::MentionedHandle => "mentioned handles".into(),
        Field::Text => "free text written by people".into(),
        Field::Url => "web addresses".into(),
        Field::Currency => "currency codes".into(),
        other => other.label().into(),
    }
}

/// Lower-case words of a column name: `contactEmail` → `contact email`, `first_name` → `first name`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// A clue in a column's name: any of `words` (or both words of a `pair`) names `field`, if the
/// column's kind allows it.
struct NameRule {
    field: Field,
    words: &'static [&'static str],
    pairs: &'static [(&'static str, &'static str)],
    kind: Kind,
    strength: f32,
}

/// What else a name rule needs of the column.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Any,
    /// The name also has an id word (`id`, `number`, `key`…).
    Id,
    Numeric,
    NotId,
    /// Neither a date nor an identifier: a kind of thing (`event_type`, not `event_id`).
    Category,
}

/// Checked in order; the first rule that fits wins. English first, with the German, French and
/// Spanish words common in European exports.
const NAME_RULES: &[NameRule] = &[
    NameRule {
        field: Field::Email,
        words: &["email", "mail", "courriel", "correo"],
        pairs: &[("e", "mail")],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::OrderId,
        words: &[
            "order",
            "transaction",
            "invoice",
            "purchase",
            "basket",
            "bestellung",
            "commande",
            "pedido",
        ],
        pairs: &[],
        kind: Kind::Id,
        strength: 0.9,
    },
    NameRule {
        field: Field::OrderId,
        words: &["orderid", "transactionid", "bestellnummer"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::SessionId,
        words: &["session", "sessionid"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.85,
    },
    NameRule {
        field: Field::CustomerId,
        words: &[
            "customer", "client", "member", "contact", "cust", "account", "user", "person",
            "shopper", "kunde", "kunden",
        ],
        pairs: &[],
        kind: Kind::Id,
        strength: 0.9,
    },
    NameRule {
        field: Field::CustomerId,
        words: &[
            "customerid",
            "clientid",
            "userid",
            "memberid",
            "kundennummer",
            "kundenid",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::Phone,
        words: &[
            "phone",
            "mobile",
            "tel",
            "telephone",
            "cell",
            "msisdn",
            "telefon",
            "téléphone",
            "telefono",
            "handy",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::MentionedHandle,
        words: &["mention", "mentions", "mentioned"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::ReplyTo,
        words: &["reply", "replying", "parent", "inreplyto", "replyto"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.85,
    },
    NameRule {
        field: Field::Handle,
        words: &["handle", "username", "screenname", "twitter", "instagram"],
        pairs: &[("screen", "name"), ("user", "name")],
        kind: Kind::Any,
        strength: 0.85,
    },
    NameRule {
        field: Field::FirstName,
        words: &[
            "firstname",
            "forename",
            "given",
            "prenom",
            "prénom",
            "vorname",
            "nombre",
        ],
        pairs: &[("first", "name")],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::LastName,
        words: &[
            "lastname",
            "surname",
            "family",
            "nachname",
            "apellido",
            "apellidos",
        ],
        pairs: &[("last", "name")],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::BirthDate,
        words: &[
            "birth",
            "dob",
            "birthday",
            "birthdate",
            "born",
            "geburtsdatum",
            "geburtstag",
            "naissance",
            "nacimiento",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::Postcode,
        words: &[
            "zip",
            "postcode",
            "postal",
            "zipcode",
            "plz",
            "postalcode",
            "postleitzahl",
            "cp",
        ],
        pairs: &[("post", "code")],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::City,
        words: &[
            "city", "town", "locality", "stadt", "ville", "ciudad", "ort",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::Country,
        words: &["country", "nation", "land", "pays", "pais", "país"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::Address,
        words: &[
            "address", "street", "addr", "line1", "address1", "strasse", "straße", "adresse",
            "rue", "calle",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.85,
    },
    NameRule {
        field: Field::Currency,
        words: &["currency", "ccy", "währung", "devise", "moneda"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.9,
    },
    NameRule {
        field: Field::Amount,
        words: &[
            "amount", "revenue", "total", "price", "value", "spend", "sales", "paid", "subtotal",
            "gmv", "umsatz", "betrag", "montant", "importe", "preis", "prix",
        ],
        pairs: &[],
        kind: Kind::Numeric,
        strength: 0.85,
    },
    NameRule {
        field: Field::Quantity,
        words: &["quantity", "qty", "units", "menge", "quantité", "cantidad"],
        pairs: &[],
        kind: Kind::Numeric,
        strength: 0.85,
    },
    NameRule {
        field: Field::Rating,
        words: &[
            "rating",
            "stars",
            "star",
            "score",
            "nps",
            "rate",
            "note",
            "bewertung",
        ],
        pairs: &[],
        kind: Kind::Numeric,
        strength: 0.85,
    },
    NameRule {
        field: Field::Product,
        words: &[
            "product", "sku", "item", "article", "produkt", "produit", "producto",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.8,
    },
    NameRule {
        field: Field::Url,
        words: &["url", "page", "path", "uri", "link", "referrer"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.8,
    },
    NameRule {
        field: Field::Channel,
        words: &[
            "channel", "source", "platform", "medium", "network", "site", "kanal", "canal",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.75,
    },
    NameRule {
        field: Field::EventType,
        words: &["event", "action", "activity"],
        pairs: &[],
        kind: Kind::Category,
        strength: 0.8,
    },
    NameRule {
        field: Field::Text,
        words: &[
            "text",
            "body",
            "comment",
            "comments",
            "review",
            "message",
            "content",
            "feedback",
            "verbatim",
            "description",
            "post",
            "tweet",
            "answer",
            "response",
            "note",
            "notes",
            "kommentar",
            "commentaire",
            "comentario",
        ],
        pairs: &[],
        kind: Kind::NotId,
        strength: 0.75,
    },
    NameRule {
        field: Field::Timestamp,
        words: &[
            "timestamp",
            "time",
            "date",
            "datetime",
            "created",
            "occurred",
            "at",
            "ts",
            "when",
            "datum",
            "fecha",
        ],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.55,
    },
    NameRule {
        field: Field::FullName,
        words: &["name", "fullname", "author", "displayname", "nom"],
        pairs: &[],
        kind: Kind::Any,
        strength: 0.75,
    },
];

fn by_name(words: &[String], column_type: ColumnType) -> Option<(Field, f32)> {
    let has = |word: &str| words.iter().any(|w| w == word);
    let joined = words.concat();
    let is_id = [
        "id", "number", "no", "nr", "num", "key", "ref", "code", "nummer",
    ]
    .iter()
    .any(|word| has(word))
        || (joined.ends_with("id") && words.len() == 1 && joined.len() > 2);
    let numeric = matches!(column_type, ColumnType::Integer | ColumnType::Decimal);
    let temporal = matches!(column_type, ColumnType::Date | ColumnType::Timestamp);
    if temporal && !is_id {
        // A date or an instant: when it happened, unless the name says it is a birth date.
        let birth = &NAME_RULES
            .iter()
            .find(|rule| rule.field == Field::BirthDate)?;
        return Some(if birth.words.iter().any(|word| has(word)) {
            (Field::BirthDate, 0.9)
        } else {
            (Field::Timestamp, 0.8)
        });
    }
    NAME_RULES
        .iter()
        .find(|rule| {
            let named = rule.words.iter().any(|word| has(word) || joined == *word)
                || rule.pairs.iter().any(|(a, b)| has(a) && has(b));
            let kind_fits = match rule.kind {
                Kind::Any => true,
                Kind::Id => is_id,
                Kind::Numeric => numeric,
                Kind::NotId => !is_id,
                Kind::Category => !is_id && !temporal,
            };
            named && kind_fits
        })
        .map(|rule| (rule.field, rule.strength))
}

/// What the column's values say on their own, with the share of values that fit.
fn by_values(sample: &Sample, column_type: ColumnType) -> Option<(Field, f64)> {
    if sample.values.is_empty() {
        return None;
    }
    let share = |test: fn(&str) -> bool| sample.share(test);
    let textual = matches!(column_type, ColumnType::Text | ColumnType::Category);
    if !textual {
        return None;
    }
    for (field, test) in [
        (Field::Email, looks_like_email as fn(&str) -> bool),
        (Field::Handle, looks_like_handle),
        (Field::Url, looks_like_url),
    ] {
        let fitting = share(test);
        if fitting >= 0.8 {
            return Some((field, fitting));
        }
    }
    let mentions = share(|v| {
        v.split([' ', ',', ';'])
            .filter(|w| !w.is_empty())
            .all(looks_like_handle)
            && v.contains('@')
    });
    if mentions >= 0.8 {
        return Some((Field::MentionedHandle, mentions));
    }
    let phones = share(looks_like_phone);
    if phones >= 0.8 {
        return Some((Field::Phone, phones));
    }
    let prose = share(|v| v.split_whitespace().count() >= 4);
    if prose >= 0.6 && sample.mean_chars() >= 25.0 {
        return Some((Field::Text, prose));
    }
    None
}

/// A name-based guess the values clearly refute (a "phone" column of prose, say).
fn contradicts(field: Field, sample: &Sample, column_type: ColumnType) -> bool {
    if sample.values.is_empty() {
        return false;
    }
    match field {
        Field::Email => sample.share(looks_like_email) < 0.5,
        Field::Phone => sample.share(looks_like_phone) < 0.5,
        Field::Handle => sample.share(|v| !v.contains(' ')) < 0.8,
        Field::Amount | Field::Quantity | Field::Rating => {
            !matches!(column_type, ColumnType::Integer | ColumnType::Decimal)
        }
        Field::BirthDate | Field::Timestamp => {
            !matches!(column_type, ColumnType::Date | ColumnType::Timestamp)
        }
        Field::Currency => {
            sample.share(|v| v.len() == 3 && v.bytes().all(|b| b.is_ascii_alphabetic())) < 0.8
        }
        // A kind of event is one of a few values repeated; a column of (nearly) unique values is
        // an identifier whatever its name says.
        Field::EventType => sample.is_near_unique(),
        _ => false,
    }
}

fn looks_like_email(value: &str) -> bool {
    let value = value.trim();
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !value.contains(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

fn looks_like_handle(value: &str) -> bool {
    let Some(name) = value.trim().strip_prefix('@') else {
        return false;
    };
    (1..=30).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

fn looks_like_url(value: &str) -> bool {
    let value = value.trim();
    (value.starts_with("http://") || value.starts_with("https://") || value.starts_with('/'))
        && !value.contains(char::is_whitespace)
        && value.len() > 1
}

fn looks_like_phone(value: &str) -> bool {
    let n_digits = value.bytes().filter(u8::is_ascii_digit).count();
    (7..=15).contains(&n_digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.' | '/'))
        && (value.contains(['+', ' ', '-', '(']) || value.starts_with('0'))
}

/// Non-missing values spread over the column (not just its first rows).
struct Sample {
    values: Vec<String>,
}

impl Sample {
    fn of(column: &Column) -> Sample {
        let n_rows = column.len();
        let stride = (n_rows / SAMPLE_VALUES).max(1);
        let values = (0..n_rows)
            .step_by(stride)
            .filter_map(|row_idx| match column.get(row_idx) {
                Value::Text(text) if !text.trim().is_empty() => Some(text.to_owned()),
                Value::Null => None,
                _ => column.display(row_idx),
            })
            .take(SAMPLE_VALUES)
            .collect();
        Sample { values }
    }

    fn share(&self, test: impl Fn(&str) -> bool) -> f64 {
        let n_fitting = self.values.iter().filter(|value| test(value)).count();
        n_fitting as f64 / self.values.len().max(1) as f64
    }

    /// Whether most values are distinct: more than half of a sample of at least
    /// [`NEAR_UNIQUE_MIN_VALUES`] values. Too few values say nothing about cardinality.
    fn is_near_unique(&self) -> bool {
        if self.values.len() < NEAR_UNIQUE_MIN_VALUES {
            return false;
        }
        let distinct: std::collections::HashSet<&str> =
            self.values.iter().map(String::as_str).collect();
        distinct.len() * 2 > self.values.len()
    }

    fn mean_chars(&self) -> f64 {
        let total: usize = self.values.iter().map(|v| v.chars().count()).sum();
        total as f64 / self.values.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::ColumnBuilder;

    fn check(name: &str, column_type: ColumnType, values: &[Value<'_>], expect: Option<Field>) {
        let mut builder = ColumnBuilder::new(name, column_type);
        for value in values {
            builder.push(*value).unwrap();
        }
        let guess = detect_field(&builder.finish());
        assert_eq!(guess.field, expect, "{name}: {}", guess.reason);
        assert!((0.0..=1.0).contains(&guess.confidence));
    }

    fn texts(values: &[&'static str]) -> Vec<Value<'static>> {
        values.iter().map(|v| Value::Text(v)).collect()
    }

    #[test]
    fn names_are_read_in_their_many_spellings() {
        assert_eq!(name_words("contactEmail"), ["contact", "email"]);
        assert_eq!(name_words("First_Name"), ["first", "name"]);
        assert_eq!(name_words("in-reply-to"), ["in", "reply", "to"]);
        let t = ColumnType::Text;
        check("E-mail", t, &texts(&["a@b.co"]), Some(Field::Email));
        check("cust_id", t, &texts(&["C1"]), Some(Field::CustomerId));
        check(
            "CustomerNumber",
            t,
            &texts(&["C1"]),
            Some(Field::CustomerId),
        );
        check("order_id", t, &texts(&["O1"]), Some(Field::OrderId));
        check("surname", t, &texts(&["Smith"]), Some(Field::LastName));
        check("zip", t, &texts(&["75001"]), Some(Field::Postcode));
        check("in_reply_to", t, &texts(&["123"]), Some(Field::ReplyTo));
        check(
            "stars",
            ColumnType::Integer,
            &[Value::Integer(4)],
            Some(Field::Rating),
        );
        check(
            "total",
            ColumnType::Decimal,
            &[Value::Decimal(9.5)],
            Some(Field::Amount),
        );
        check(
            "created_at",
            ColumnType::Timestamp,
            &[Value::Timestamp(0)],
            Some(Field::Timestamp),
        );
        check(
            "dob",
            ColumnType::Date,
            &[Value::Date(0)],
            Some(Field::BirthDate),
        );
        check(
            "event_type",
            ColumnType::Category,
            &texts(&["page_view"]),
            Some(Field::EventType),
        );
    }

    #[test]
    fn an_identifier_is_never_a_kind_of_event() {
        let ids: Vec<String> = (1..=40).map(|i| format!("E{i:08}")).collect();
        let ids: Vec<Value<'_>> = ids.iter().map(|v| Value::Text(v)).collect();
        let kinds: Vec<Value<'_>> = ["page_view", "add_to_cart", "page_view", "search"]
            .iter()
            .cycle()
            .take(40)
            .map(|v| Value::Text(v))
            .collect();
        let c = ColumnType::Category;
        let t = ColumnType::Text;
        // Named as ids: never an event type, whatever the values.
        check("event_id", t, &ids, None);
        check("eventId", t, &ids, None);
        check("EventID", t, &kinds, None);
        check("event_key", c, &kinds, None);
        // Named as a kind, but every value differs: an identifier in disguise.
        check("event", t, &ids, None);
        // A few values repeated: a kind of event.
        check("event_type", c, &kinds, Some(Field::EventType));
        check("event", c, &kinds, Some(Field::EventType));
        check("action", t, &kinds, Some(Field::EventType));
        // Too few values to judge their cardinality: the name decides.
        check("event", t, &ids[..3], Some(Field::EventType));
    }

    #[test]
    fn values_speak_louder_than_names() {
        check(
            "contact",
            ColumnType::Text,
            &texts(&["ada@example.com", "bob@mail.org"]),
            Some(Field::Email),
        );
        check(
            "who",
            ColumnType::Text,
            &texts(&["@ada", "@bob_99"]),
            Some(Field::Handle),
        );
        check(
            "tel_or_what",
            ColumnType::Text,
            &texts(&["+44 20 7946 0958", "020 7946 0000"]),
            Some(Field::Phone),
        );
        check(
            "body",
            ColumnType::Text,
            &texts(&[
                "I love this product so much",
                "Delivery was late and the box was damaged",
            ]),
            Some(Field::Text),
        );
        check(
            "phone",
            ColumnType::Text,
            &texts(&["call me maybe later today please"]),
            Some(Field::Text),
        );
        check(
            "phone",
            ColumnType::Text,
            &texts(&["ask Bob", "none given"]),
            None,
        );
        check("total", ColumnType::Text, &texts(&["lots"]), None);
        check("x", ColumnType::Integer, &[Value::Integer(1)], None);
    }
}
