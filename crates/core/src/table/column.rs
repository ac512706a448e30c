//! One column: a name, a type, the values and which of them are missing.

use chrono::{DateTime, NaiveDate};

use super::Validity;

/// What a column holds, as the marketer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ColumnType {
    Integer,
    Decimal,
    Boolean,
    /// A calendar date, stored as days since 1970-01-01.
    Date,
    /// An instant, stored as milliseconds since 1970-01-01T00:00:00Z.
    Timestamp,
    /// Free text, such as a review or a name.
    Text,
    /// Text with few distinct values, such as a country or a channel, stored as codes.
    Category,
}

impl ColumnType {
    /// The name shown in the app and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::Integer => "integer",
            ColumnType::Decimal => "decimal",
            ColumnType::Boolean => "boolean",
            ColumnType::Date => "date",
            ColumnType::Timestamp => "timestamp",
            ColumnType::Text => "text",
            ColumnType::Category => "category",
        }
    }
}

/// One cell, borrowed from a column or about to be pushed into one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Decimal(f64),
    Boolean(bool),
    /// Days since 1970-01-01.
    Date(i32),
    /// Milliseconds since the Unix epoch, UTC.
    Timestamp(i64),
    Text(&'a str),
}

impl Value<'_> {
    /// The calendar day (UTC) of a date or an instant, in days since 1970-01-01; `None` for any
    /// other value.
    pub fn day(self) -> Option<i64> {
        match self {
            Value::Date(day) => Some(i64::from(day)),
            Value::Timestamp(millis) => Some(millis.div_euclid(86_400_000)),
            _ => None,
        }
    }
}

/// The stored values of a column. Missing cells hold a placeholder (zero, `false`, an empty
/// string or code 0) and are marked in the column's [`Validity`].
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnValues {
    Integer(Vec<i64>),
    Decimal(Vec<f64>),
    Boolean(Vec<bool>),
    Date(Vec<i32>),
    Timestamp(Vec<i64>),
    /// All strings end to end in `bytes`; string `i` is `bytes[ends[i - 1]..ends[i]]`.
    Text {
        bytes: String,
        ends: Vec<usize>,
    },
    Category {
        dictionary: Vec<String>,
        codes: Vec<u32>,
    },
}

impl ColumnValues {
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Integer(values) => values.len(),
            ColumnValues::Decimal(values) => values.len(),
            ColumnValues::Boolean(values) => values.len(),
            ColumnValues::Date(values) => values.len(),
            ColumnValues::Timestamp(values) => values.len(),
            ColumnValues::Text { ends, .. } => ends.len(),
            ColumnValues::Category { codes, .. } => codes.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn column_type(&self) -> ColumnType {
        match self {
            ColumnValues::Integer(_) => ColumnType::Integer,
            ColumnValues::Decimal(_) => ColumnType::Decimal,
            ColumnValues::Boolean(_) => ColumnType::Boolean,
            ColumnValues::Date(_) => ColumnType::Date,
            ColumnValues::Timestamp(_) => ColumnType::Timestamp,
            ColumnValues::Text { .. } => ColumnType::Text,
            ColumnValues::Category { .. } => ColumnType::Category,
        }
    }
}

/// A named, typed column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub(super) name: String,
    pub(super) values: ColumnValues,
    pub(super) validity: Validity,
}

impl Column {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn column_type(&self) -> ColumnType {
        self.values.column_type()
    }

    pub fn values(&self) -> &ColumnValues {
        &self.values
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn n_missing(&self) -> usize {
        self.validity.n_missing()
    }

    /// The cell at `row_idx`; [`Value::Null`] when it is missing or past the end.
    pub fn get(&self, row_idx: usize) -> Value<'_> {
        if !self.validity.is_valid(row_idx) {
            return Value::Null;
        }
        match &self.values {
            ColumnValues::Integer(values) => values
                .get(row_idx)
                .map_or(Value::Null, |v| Value::Integer(*v)),
            ColumnValues::Decimal(values) => values
                .get(row_idx)
                .map_or(Value::Null, |v| Value::Decimal(*v)),
            ColumnValues::Boolean(values) => values
                .get(row_idx)
                .map_or(Value::Null, |v| Value::Boolean(*v)),
            ColumnValues::Date(values) => {
                values.get(row_idx).map_or(Value::Null, |v| Value::Date(*v))
            }
            ColumnValues::Timestamp(values) => values
                .get(row_idx)
                .map_or(Value::Null, |v| Value::Timestamp(*v)),
            ColumnValues::Text { bytes, ends } => {
                let start = if row_idx == 0 { 0 } else { ends[row_idx - 1] };
                bytes
                    .get(start..ends[row_idx])
                    .map_or(Value::Null, Value::Text)
            }
            ColumnValues::Category { dictionary, codes } => codes
                .get(row_idx)
                .and_then(|code| dictionary.get(*code as usize))
                .map_or(Value::Null, |text| Value::Text(text)),
        }
    }

    /// The cell as text for display, `None` when missing. Dates print as ISO 8601.
    pub fn display(&self, row_idx: usize) -> Option<String> {
        match self.get(row_idx) {
            Value::Null => None,
            Value::Integer(v) => Some(v.to_string()),
            Value::Decimal(v) => Some(v.to_string()),
            Value::Boolean(v) => Some(v.to_string()),
            Value::Date(days) => Some(
                NaiveDate::from_num_days_from_ce_opt(days.saturating_add(EPOCH_DAYS_FROM_CE))
                    .map_or_else(
                        || days.to_string(),
                        |date| date.format("%Y-%m-%d").to_string(),
                    ),
            ),
            Value::Timestamp(millis) => Some(DateTime::from_timestamp_millis(millis).map_or_else(
                || millis.to_string(),
                |instant| instant.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            )),
            Value::Text(text) => Some(text.to_owned()),
        }
    }
}

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01, so that day 0 is the Unix epoch.
pub(crate) const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A day (days since 1970-01-01) as ISO 8601, `2025-03-04`.
///
/// Plain arithmetic (Hinnant's `civil_from_days`) rather than chrono's formatter, so that the app,
/// which prints dates but parses none, does not carry a date library.
pub fn day_text(day: i32) -> String {
    let (year, month, day_of_month) = civil_from_days(i64::from(day));
    format!("{year:04}-{month:02}-{day_of_month:02}")
}

/// An instant (milliseconds since 1970, UTC) as ISO 8601 to the millisecond,
/// `2025-03-04T05:06:07.089Z`: what ingestion reads back as the same instant.
pub fn instant_text(millis: i64) -> String {
    let day = millis.div_euclid(86_400_000);
    let within = millis.rem_euclid(86_400_000);
    let (year, month, day_of_month) = civil_from_days(day);
    format!(
        "{year:04}-{month:02}-{day_of_month:02}T{:02}:{:02}:{:02}.{:03}Z",
        within / 3_600_000,
        within / 60_000 % 60,
        within / 1_000 % 60,
        within % 1_000
    )
}

/// An ISO 8601 date (`2025-03-04`, as a date picker gives it) as days since 1970-01-01.
pub fn day_of_text(text: &str) -> Option<i32> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day_of_month: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || day_of_month == 0 {
        return None;
    }
    let days = days_from_civil(year, month, day_of_month);
    // Refuse the 31st of a 30-day month and the like: it must print back the same.
    (civil_from_days(days) == (year, month, day_of_month))
        .then(|| i32::try_from(days).ok())
        .flatten()
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Howard Hinnant's `civil_from_days`: the date of a day since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::super::ColumnBuilder;
    use super::*;

    fn check(column_type: ColumnType, values: &[Value<'_>], expect: &[Option<&str>]) {
        let mut builder = ColumnBuilder::new("c", column_type);
        for value in values {
            builder.push(*value).unwrap();
        }
        let column = builder.finish();
        let shown: Vec<Option<String>> = (0..column.len()).map(|i| column.display(i)).collect();
        let expect: Vec<Option<String>> = expect.iter().map(|e| e.map(str::to_owned)).collect();
        assert_eq!(shown, expect);
        assert_eq!(column.column_type(), column_type);
    }

    #[test]
    fn dates_and_instants_have_a_day() {
        assert_eq!(Value::Date(20_151).day(), Some(20_151));
        // 1969-12-31T23:59:59.999Z is still the day before the epoch.
        assert_eq!(Value::Timestamp(-1).day(), Some(-1));
        assert_eq!(Value::Timestamp(86_400_000).day(), Some(1));
        assert_eq!(Value::Integer(5).day(), None);
        assert_eq!(Value::Null.day(), None);
    }

    #[test]
    fn instants_print_to_the_millisecond() {
        assert_eq!(instant_text(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(instant_text(-1), "1969-12-31T23:59:59.999Z");
        // `date -u -d @1767225602.5 +%FT%T.%3NZ`
        assert_eq!(instant_text(1_767_225_602_500), "2026-01-01T00:00:02.500Z");
        assert_eq!(instant_text(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn days_print_and_parse_as_iso_dates() {
        assert_eq!(day_text(0), "1970-01-01");
        assert_eq!(day_text(20_151), "2025-03-04");
        assert_eq!(day_of_text("2025-03-04"), Some(20_151));
        assert_eq!(day_of_text(" 1969-12-31 "), Some(-1));
        assert_eq!(day_of_text("04/03/2025"), None);
        assert_eq!(day_of_text("2025-02-29"), None);
        assert_eq!(day_of_text("2024-02-29"), Some(19_782));
        // The arithmetic agrees with chrono over four centuries either side of the epoch.
        for day in (-150_000..150_000).step_by(7) {
            let chrono = NaiveDate::from_num_days_from_ce_opt(day + EPOCH_DAYS_FROM_CE).unwrap();
            let text = chrono.format("%Y-%m-%d").to_string();
            assert_eq!(day_text(day), text);
            assert_eq!(day_of_text(&text), Some(day));
        }
    }

    #[test]
    fn cells_display_as_a_marketer_reads_them() {
        check(
            ColumnType::Date,
            &[Value::Date(0), Value::Null, Value::Date(19_723)],
            &[Some("1970-01-01"), None, Some("2024-01-01")],
        );
        check(
            ColumnType::Timestamp,
            &[Value::Timestamp(1_700_000_000_000)],
            &[Some("2023-11-14T22:13:20Z")],
        );
        check(
            ColumnType::Text,
            &[Value::Text("émile"), Value::Null, Value::Text("")],
            &[Some("émile"), None, Some("")],
        );
        check(
            ColumnType::Category,
            &[
                Value::Text("FR"),
                Value::Text("DE"),
                Value::Text("FR"),
                Value::Null,
            ],
            &[Some("FR"), Some("DE"), Some("FR"), None],
        );
        check(
            ColumnType::Decimal,
            &[Value::Decimal(12.5), Value::Integer(3)],
            &[Some("12.5"), Some("3")],
        );
        check(
            ColumnType::Boolean,
            &[Value::Boolean(true)],
            &[Some("true")],
        );
    }

    #[test]
    fn reading_past_the_end_is_missing_not_a_panic() {
        let column = ColumnBuilder::new("c", ColumnType::Text).finish();
        assert_eq!(column.get(3), Value::Null);
        assert_eq!(column.display(3), None);
    }
}
