//! Deciding each column's type from every value it holds.
//!
//! While rows are read, each value is classified (could it be an integer? a date, and in which
//! order? an instant?) and counted. Once the file is read, a column takes the narrowest type that
//! at least [`FIT_SHARE`] of its non-missing values fit; the few that do not fit become missing
//! values and are reported with examples. Nothing is decided from a sample: a date in row 900,000
//! counts as much as one in row 1.

use super::sketch::DistinctSketch;
use super::values::{
    date_shape, is_null_token, parse_boolean, parse_decimal, parse_integer, parse_timestamp,
    split_date_time, unix_millis, DateOrder, DateShape, DecimalMark,
};
use crate::table::ColumnType;

/// The share of non-missing values that must fit a type for a column to take it.
pub const FIT_SHARE: f64 = 0.95;

/// What the values of one column looked like.
#[derive(Debug, Clone, Default)]
pub(crate) struct ColumnProfile {
    pub n_values: u64,
    n_integer: u64,
    n_unix_time: u64,
    n_decimal_point: u64,
    n_decimal_comma: u64,
    n_boolean: u64,
    n_date: u64,
    n_day_first_only: u64,
    n_month_first_only: u64,
    n_ambiguous_date: u64,
    n_timestamp: u64,
    total_chars: u64,
    pub distinct: DistinctSketch,
}

impl ColumnProfile {
    /// Counts one value; missing values (see [`is_null_token`]) are not counted. Returns
    /// whether the value is present.
    pub fn observe(&mut self, text: &str) -> bool {
        if is_null_token(text) {
            return false;
        }
        self.n_values += 1;
        self.total_chars += text.len() as u64;
        self.distinct.insert(text);
        let first = match text.as_bytes().first() {
            Some(byte) if byte.is_ascii() && !byte.is_ascii_whitespace() => char::from(*byte),
            _ => text.trim_start().chars().next().unwrap_or(' '),
        };
        let numeric_start =
            first.is_ascii_digit() || matches!(first, '-' | '+' | '.' | '$' | '€' | '£' | '¥');
        if numeric_start {
            if let Some(value) = parse_integer(text) {
                self.n_integer += 1;
                if unix_millis(value).is_some() {
                    self.n_unix_time += 1;
                }
                return true;
            }
        }
        if first.is_ascii_digit() {
            if let Some(shape) = date_shape(text) {
                self.n_date += 1;
                self.observe_date_order(shape);
                return true;
            }
            if parse_timestamp(text).is_some() {
                self.n_timestamp += 1;
                return true;
            }
            if let Some(shape) = split_date_time(text).and_then(|(date, _)| date_shape(date)) {
                self.n_timestamp += 1;
                self.observe_date_order(shape);
                return true;
            }
        }
        let currency_code_first = text.len() > 4
            && text.as_bytes()[..3].iter().all(u8::is_ascii_uppercase)
            && text.as_bytes()[3] == b' ';
        if numeric_start || currency_code_first || text.trim_end().ends_with(['€', '$', '£']) {
            if parse_decimal(text, DecimalMark::Point).is_some() {
                self.n_decimal_point += 1;
            }
            if text.contains(',') && parse_decimal(text, DecimalMark::Comma).is_some() {
                self.n_decimal_comma += 1;
            } else if !text.contains([',', '.'])
                && parse_decimal(text, DecimalMark::Point).is_some()
            {
                // No separator at all: the same number under either convention.
                self.n_decimal_comma += 1;
            }
        }
        if text.len() <= 5 && parse_boolean(text).is_some() {
            self.n_boolean += 1;
        }
        true
    }

    fn observe_date_order(&mut self, shape: DateShape) {
        match shape {
            DateShape::YearFirst => {}
            DateShape::Ambiguous => self.n_ambiguous_date += 1,
            DateShape::DayFirstOnly => self.n_day_first_only += 1,
            DateShape::MonthFirstOnly => self.n_month_first_only += 1,
        }
    }

    /// Day or month first, as the dates' values show (day first when nothing tells).
    fn decide_date_order(&self, decision: &mut TypeDecision) {
        let day_first = self.n_day_first_only;
        let month_first = self.n_month_first_only;
        if month_first > 0 && day_first == 0 {
            decision.date_order = DateOrder::MonthDayYear;
            decision
                .notes
                .push("Dates read as month/day/year, as the values show.".into());
        } else if month_first > 0 {
            decision.notes.push(format!(
                "Dates disagree on order: {day_first} can only be day/month/year and \
                     {month_first} only month/day/year; read as day/month/year."
            ));
        } else if day_first > 0 {
            decision
                .notes
                .push("Dates read as day/month/year, as the values show.".into());
        } else if self.n_ambiguous_date > 0 {
            decision.notes.push(
                "Every date fits both day/month/year and month/day/year; read as \
                     day/month/year. Override the column if that is wrong."
                    .into(),
            );
        }
    }

    /// The column's type, decided once every value has been seen.
    pub fn decide(&self, column_name: &str) -> TypeDecision {
        let n = self.n_values;
        let fits = |n_fitting: u64| n > 0 && n_fitting as f64 >= FIT_SHARE * n as f64;
        let mut decision = TypeDecision::text(ColumnType::Text);
        if n == 0 {
            decision.notes.push("Every value is missing.".into());
            return decision;
        }
        if fits(self.n_boolean) {
            decision.column_type = ColumnType::Boolean;
        } else if fits(self.n_integer) {
            if fits(self.n_unix_time) && names_a_time(column_name) {
                decision.column_type = ColumnType::Timestamp;
                decision.unix_time = true;
                decision.notes.push(
                    "Whole numbers read as Unix time (seconds or milliseconds since 1970).".into(),
                );
            } else {
                decision.column_type = ColumnType::Integer;
            }
        } else if fits(self.n_integer + self.n_decimal_point.max(self.n_decimal_comma)) {
            decision.column_type = ColumnType::Decimal;
            if self.n_decimal_comma > self.n_decimal_point {
                decision.decimal_mark = DecimalMark::Comma;
                decision
                    .notes
                    .push("Decimals written with a comma (12,50).".into());
            }
        } else if fits(self.n_date) {
            decision.column_type = ColumnType::Date;
            self.decide_date_order(&mut decision);
        } else if fits(self.n_timestamp + self.n_date) && self.n_timestamp > 0 {
            decision.column_type = ColumnType::Timestamp;
            self.decide_date_order(&mut decision);
        } else if is_categorical(self.distinct.estimate(), n, self.total_chars) {
            decision.column_type = ColumnType::Category;
        }
        decision
    }
}

/// How to read a column's text once its type is known.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TypeDecision {
    pub column_type: ColumnType,
    pub decimal_mark: DecimalMark,
    pub date_order: DateOrder,
    pub unix_time: bool,
    pub notes: Vec<String>,
}

impl TypeDecision {
    pub fn text(column_type: ColumnType) -> TypeDecision {
        TypeDecision {
            column_type,
            decimal_mark: DecimalMark::Point,
            date_order: DateOrder::DayMonthYear,
            unix_time: false,
            notes: Vec::new(),
        }
    }
}

/// Few distinct, short values: a country, a channel, a tier. Free text and ids are not.
fn is_categorical(n_distinct: u64, n_values: u64, total_chars: u64) -> bool {
    let mean_chars = total_chars as f64 / n_values.max(1) as f64;
    n_values >= 20 && mean_chars <= 40.0 && n_distinct <= (n_values / 10).clamp(2, 1_000)
}

fn names_a_time(column_name: &str) -> bool {
    let name = column_name.to_ascii_lowercase();
    [
        "time",
        "timestamp",
        "ts",
        "epoch",
        "created",
        "updated",
        "date",
        "at",
        "when",
    ]
    .iter()
    .any(|hint| {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == *hint)
            || (hint.len() > 3 && name.contains(hint))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, values: &[&str], expect: ColumnType) -> TypeDecision {
        let mut profile = ColumnProfile::default();
        for value in values {
            profile.observe(value);
        }
        let decision = profile.decide(name);
        assert_eq!(decision.column_type, expect, "{name}: {values:?}");
        decision
    }

    #[test]
    fn narrowest_type_that_fits() {
        check("n", &["1", "2", "", "-3"], ColumnType::Integer);
        check("amount", &["1", "2.5", "NA"], ColumnType::Decimal);
        check("flag", &["yes", "No", "TRUE"], ColumnType::Boolean);
        check("postcode", &["01234", "75001", "10115"], ColumnType::Text);
        check("when", &["2024-01-01", "2024-12-31"], ColumnType::Date);
        check(
            "at",
            &["2024-01-01T10:00:00Z", "2024-01-02"],
            ColumnType::Timestamp,
        );
        check("empty", &["", "", "NULL"], ColumnType::Text);
    }

    #[test]
    fn a_few_misfits_do_not_change_the_type() {
        let mut values = vec!["10"; 99];
        values.push("ten");
        check("age", &values, ColumnType::Integer);
        let mut values = vec!["10"; 90];
        values.extend(["ten"; 10]);
        check("age", &values, ColumnType::Category);
    }

    #[test]
    fn date_order_follows_the_values() {
        let decision = check("d", &["03/04/2025", "25/04/2025"], ColumnType::Date);
        assert_eq!(decision.date_order, DateOrder::DayMonthYear);
        let decision = check("d", &["03/04/2025", "04/25/2025"], ColumnType::Date);
        assert_eq!(decision.date_order, DateOrder::MonthDayYear);
        let decision = check("d", &["03/04/2025"], ColumnType::Date);
        assert!(decision.notes[0].contains("either") || decision.notes[0].contains("both"));
    }

    #[test]
    fn comma_decimals_are_recognised() {
        let decision = check("price", &["12,50", "3,99", "1.234,00"], ColumnType::Decimal);
        assert_eq!(decision.decimal_mark, DecimalMark::Comma);
    }

    #[test]
    fn unix_time_needs_a_time_like_name() {
        check(
            "created_at",
            &["1700000000", "1700000500"],
            ColumnType::Timestamp,
        );
        check(
            "customer_number",
            &["1700000000", "1700000500"],
            ColumnType::Integer,
        );
    }

    #[test]
    fn low_cardinality_text_is_a_category() {
        let countries: Vec<&str> = (0..200).map(|i| ["FR", "DE", "GB"][i % 3]).collect();
        check("country", &countries, ColumnType::Category);
        let names: Vec<String> = (0..200).map(|i| format!("customer {i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        check("name", &names, ColumnType::Text);
    }
}
