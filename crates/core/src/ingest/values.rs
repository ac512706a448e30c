//! Reading one text value as a number, a boolean, a date or an instant.
//!
//! Exports write the same thing many ways: `12,50 €` and `$1,234.50`, `yes` and `TRUE`,
//! `03/04/2025` (which day?) and `2025-04-03T10:00:00+02:00`. These parsers accept the spellings
//! real exports use and refuse everything else; the caller decides a column's type from how many
//! of its values each parser accepts.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Text that means "no value" in exports.
pub fn is_null_token(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Fast path for the common case: a long value with plain ASCII at both ends cannot trim
    // down to a token.
    if let (Some(first), Some(last)) = (bytes.first(), bytes.last()) {
        let plain = |b: &u8| b.is_ascii() && !b.is_ascii_whitespace();
        if bytes.len() > 4 && plain(first) && plain(last) {
            return false;
        }
    }
    let text = text.trim();
    // Every token is at most four bytes: most values are ruled out without a comparison.
    if text.len() > 4 {
        return false;
    }
    matches!(
        text,
        "" | "NA"
            | "N/A"
            | "n/a"
            | "na"
            | "NULL"
            | "null"
            | "Null"
            | "None"
            | "none"
            | "NaN"
            | "nan"
            | "#N/A"
    )
}

/// A whole number. Leading zeros (`007`, a postcode) are refused: such values are codes, not
/// quantities, and must keep their zeros.
pub fn parse_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// How a column writes its decimal separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// `1,234.50`
    Point,
    /// `1.234,50`, as spreadsheets in much of Europe write it.
    Comma,
}

/// A decimal number, with currency symbols or codes and thousands separators (in groups of three)
/// tolerated.
pub fn parse_decimal(text: &str, mark: DecimalMark) -> Option<f64> {
    if mark == DecimalMark::Point {
        if let Some(value) = parse_plain_decimal(text) {
            return Some(value);
        }
    }
    let text = strip_currency(text.trim());
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(idx) => (&body[..idx], Some(&body[idx + 1..])),
        None => (body, None),
    };
    let (thousands, decimal) = match mark {
        DecimalMark::Point => (',', '.'),
        DecimalMark::Comma => ('.', ','),
    };
    let (whole, fraction) = match mantissa.split_once(decimal) {
        Some((whole, fraction)) => (whole, fraction),
        None => (mantissa, ""),
    };
    let whole = ungroup(whole, thousands)?;
    if whole.len() > 1 && whole.starts_with('0') {
        // `0123`: a code with a leading zero, like a postcode, not a quantity.
        return None;
    }
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(fraction) {
        return None;
    }
    let mut normalised = format!("{}{whole}.{fraction}", if negative { "-" } else { "" });
    if normalised.ends_with('.') {
        normalised.push('0');
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
        normalised.push('e');
        normalised.push_str(exponent);
    }
    normalised.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The common case, fast: `-12.50`, digits with at most one point and no leading zero, nothing
/// else. `None` means "not this simple", not "not a number".
fn parse_plain_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let digits = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let (&first, rest) = digits.split_first()?;
    let simple = first.is_ascii_digit()
        && rest.iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && rest.iter().filter(|b| **b == b'.').count() <= 1
        && !(first == b'0' && rest.first().is_some_and(u8::is_ascii_digit))
        && !text.ends_with('.');
    if !simple {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The digits of a whole part written with or without thousands separators (`1,234,567`,
/// `1 234`, `1'234`): the first group has one to three digits, every other group three.
fn ungroup(whole: &str, thousands: char) -> Option<String> {
    let is_separator = |c: char| c == thousands || c == ' ' || c == '\u{a0}' || c == '\'';
    let mut digits = String::with_capacity(whole.len());
    for (group_idx, group) in whole.split(is_separator).enumerate() {
        let fits = match group_idx {
            0 => group.len() <= 3 || !whole.contains(is_separator),
            _ => group.len() == 3,
        };
        if !fits
            || !group.bytes().all(|b| b.is_ascii_digit())
            || (group_idx > 0 && group.is_empty())
        {
            return None;
        }
        if group_idx == 0 && group.is_empty() && whole.contains(is_separator) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// Drops one currency symbol or ISO code at either end: `€12`, `12 €`, `USD 12`, `12.00 EUR`.
fn strip_currency(text: &str) -> &str {
    const SYMBOLS: [char; 7] = ['$', '€', '£', '¥', '₹', '₩', '₽'];
    let text = text
        .trim_start_matches(SYMBOLS)
        .trim_end_matches(SYMBOLS)
        .trim();
    let is_code = |word: &str| word.len() == 3 && word.bytes().all(|b| b.is_ascii_uppercase());
    if let Some((word, rest)) = text.split_once(' ') {
        if is_code(word) {
            return rest.trim();
        }
    }
    if let Some((rest, word)) = text.rsplit_once(' ') {
        if is_code(word) {
            return rest.trim();
        }
    }
    text
}

pub fn parse_boolean(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |word: &str| text.eq_ignore_ascii_case(word);
    if is("true") || is("t") || is("yes") || is("y") {
        Some(true)
    } else if is("false") || is("f") || is("no") || is("n") {
        Some(false)
    } else {
        None
    }
}

/// Which of day and month comes first in a date such as `03/04/2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    DayMonthYear,
    MonthDayYear,
}

/// What a date-like value says about the order of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateShape {
    /// `2025-04-03` or `2025/04/03`: unambiguous.
    YearFirst,
    /// `a/b/yyyy` with both `a` and `b` at most 12: either order fits.
    Ambiguous,
    DayFirstOnly,
    MonthFirstOnly,
}

/// The shape of a date, if `text` is one; see [`DateShape`].
pub fn date_shape(text: &str) -> Option<DateShape> {
    let (a, b, c) = split_date(text.trim())?;
    if a.len() == 4 {
        return NaiveDate::from_ymd_opt(num(a)?, num(b)? as u32, num(c)? as u32)
            .map(|_| DateShape::YearFirst);
    }
    if c.len() != 4 {
        return None;
    }
    let (first, second, year) = (num(a)?, num(b)?, num(c)?);
    let as_dmy = NaiveDate::from_ymd_opt(year, second as u32, first as u32).is_some();
    let as_mdy = NaiveDate::from_ymd_opt(year, first as u32, second as u32).is_some();
    match (as_dmy, as_mdy) {
        (true, true) => Some(DateShape::Ambiguous),
        (true, false) => Some(DateShape::DayFirstOnly),
        (false, true) => Some(DateShape::MonthFirstOnly),
        (false, false) => None,
    }
}

/// A calendar date as days since 1970-01-01.
pub fn parse_date(text: &str, order: DateOrder) -> Option<i32> {
    let (a, b, c) = split_date(text.trim())?;
    let date = if a.len() == 4 {
        NaiveDate::from_ymd_opt(num(a)?, num(b)? as u32, num(c)? as u32)?
    } else if c.len() == 4 {
        let (day, month) = match order {
            DateOrder::DayMonthYear => (num(a)?, num(b)?),
            DateOrder::MonthDayYear => (num(b)?, num(a)?),
        };
        NaiveDate::from_ymd_opt(num(c)?, month as u32, day as u32)?
    } else {
        return None;
    };
    Some(days_since_epoch(date))
}

fn split_date(text: &str) -> Option<(&str, &str, &str)> {
    let bytes = text.as_bytes();
    if bytes.len() < 8 || bytes.len() > 10 {
        return None;
    }
    let separator = *bytes.iter().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let first = bytes.iter().position(|b| *b == separator)?;
    let second = first + 1 + bytes[first + 1..].iter().position(|b| *b == separator)?;
    let (a, b, c) = (
        &text[..first],
        &text[first + 1..second],
        &text[second + 1..],
    );
    if c.as_bytes().contains(&separator)
        || [a, b, c]
            .iter()
            .any(|part| part.is_empty() || part.len() > 4)
    {
        return None;
    }
    Some((a, b, c))
}

fn num(part: &str) -> Option<i32> {
    part.bytes().try_fold(0i32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + i32::from(b - b'0'))
    })
}

pub(crate) fn days_since_epoch(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - crate::table::EPOCH_DAYS_FROM_CE
}

use chrono::Datelike;

/// An instant as milliseconds since the Unix epoch (UTC). Accepts ISO 8601 / RFC 3339 with a
/// `T` or a space, with or without seconds, fractions and an offset (none means UTC).
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    // `YYYY-MM-DD` then `T` or a space: anything else is not worth asking chrono about.
    let shaped = bytes.len() >= 16
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b' ');
    if !shaped {
        return None;
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.timestamp_millis());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f %#z",
    ] {
        if let Ok(instant) = DateTime::parse_from_str(text, format) {
            return Some(instant.timestamp_millis());
        }
    }
    let naive = text.strip_suffix('Z').unwrap_or(text);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(instant) = NaiveDateTime::parse_from_str(naive, format) {
            return Some(instant.and_utc().timestamp_millis());
        }
    }
    None
}

/// A date in day/month or month/day order followed by a time of day, as spreadsheets export them:
/// `12/1/2010 8:26`, `01.12.2010 08:26:00`, `3/14/2025 2:05 PM`. Returns the date part (for
/// [`date_shape`] and [`parse_date`]) and the milliseconds into that day.
pub fn split_date_time(text: &str) -> Option<(&str, i64)> {
    let text = text.trim();
    let (date, time) = text.split_once([' ', 'T'])?;
    if date.len() < 8
        || date.len() > 10
        || date.as_bytes().first().is_none_or(|b| !b.is_ascii_digit())
    {
        return None;
    }
    let time = time.trim();
    let (clock, meridiem) = match time.rsplit_once(' ') {
        Some((clock, marker)) => (clock, Some(marker.to_ascii_uppercase())),
        None => (time, None),
    };
    let mut parts = clock.split(':');
    let hours = num(parts.next()?)?;
    let minutes = num(parts.next()?)?;
    let (seconds, millis) = match parts.next() {
        None => (0, 0),
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
            let whole = num(whole)?;
            let digits: String = fraction.chars().take(3).collect();
            let millis = if digits.is_empty() {
                0
            } else {
                num(&digits)? * 10_i32.pow(3 - digits.len() as u32)
            };
            (whole, millis)
        }
    };
    if parts.next().is_some() || minutes > 59 || seconds > 60 {
        return None;
    }
    let hours = match meridiem.as_deref() {
        None if hours <= 23 => hours,
        Some("AM") if (1..=12).contains(&hours) => hours % 12,
        Some("PM") if (1..=12).contains(&hours) => hours % 12 + 12,
        _ => return None,
    };
    let millis_of_day = ((i64::from(hours) * 60 + i64::from(minutes)) * 60 + i64::from(seconds))
        * 1_000
        + i64::from(millis);
    Some((date, millis_of_day))
}

/// An instant in any spelling ingestion reads: ISO 8601 ([`parse_timestamp`]), a date and a time
/// of day in `order` ([`split_date_time`]), or a date alone (midnight, UTC).
pub fn parse_date_time(text: &str, order: DateOrder) -> Option<i64> {
    if let Some(instant) = parse_timestamp(text) {
        return Some(instant);
    }
    if let Some((date, millis)) = split_date_time(text) {
        return parse_date(date, order).map(|days| i64::from(days) * 86_400_000 + millis);
    }
    parse_date(text, order).map(|days| i64::from(days) * 86_400_000)
}

/// Unix time in seconds or milliseconds, read from an integer: only values between 2000-01-01
/// and 2100-01-01 qualify, so ids and amounts are not mistaken for instants.
pub fn unix_millis(value: i64) -> Option<i64> {
    const Y2000_S: i64 = 946_684_800;
    const Y2100_S: i64 = 4_102_444_800;
    if (Y2000_S..Y2100_S).contains(&value) {
        Some(value * 1_000)
    } else if (Y2000_S * 1_000..Y2100_S * 1_000).contains(&value) {
        Some(value)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_keep_codes_as_codes() {
        for (text, expect) in [
            ("42", Some(42)),
            (" -7 ", Some(-7)),
            ("+3", Some(3)),
            ("0", Some(0)),
            ("007", None),
            ("1.0", None),
            ("12a", None),
            ("", None),
            ("-", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(parse_integer(text), expect, "{text:?}");
        }
    }

    #[test]
    fn decimals_as_exports_write_them() {
        let point = DecimalMark::Point;
        let comma = DecimalMark::Comma;
        for (text, mark, expect) in [
            ("12.5", point, Some(12.5)),
            ("-0.25", point, Some(-0.25)),
            ("$1,234.50", point, Some(1234.5)),
            ("1 234.50 EUR", point, Some(1234.5)),
            ("USD 19.99", point, Some(19.99)),
            ("12,50 €", comma, Some(12.5)),
            ("1.234,5", comma, Some(1234.5)),
            ("1e3", point, Some(1000.0)),
            ("2.5E-2", point, Some(0.025)),
            ("inf", point, None),
            ("NaN", point, None),
            ("1.2.3", point, None),
            ("12,5", point, None),
            ("1,234,567", point, Some(1_234_567.0)),
            (".5", point, Some(0.5)),
            ("5.", point, Some(5.0)),
            ("1'000.5", point, Some(1000.5)),
            ("€", point, None),
            ("abc", point, None),
            ("1-2", point, None),
            ("01234", point, None),
            ("0.5", point, Some(0.5)),
        ] {
            assert_eq!(parse_decimal(text, mark), expect, "{text:?} {mark:?}");
        }
    }

    #[test]
    fn booleans_in_their_usual_spellings() {
        assert_eq!(parse_boolean("TRUE"), Some(true));
        assert_eq!(parse_boolean("no"), Some(false));
        assert_eq!(parse_boolean("1"), None);
    }

    #[test]
    fn date_order_is_decided_by_the_values() {
        assert_eq!(date_shape("2025-04-03"), Some(DateShape::YearFirst));
        assert_eq!(date_shape("03/04/2025"), Some(DateShape::Ambiguous));
        assert_eq!(date_shape("25/04/2025"), Some(DateShape::DayFirstOnly));
        assert_eq!(date_shape("04/25/2025"), Some(DateShape::MonthFirstOnly));
        assert_eq!(date_shape("31.12.2024"), Some(DateShape::DayFirstOnly));
        assert_eq!(date_shape("2025-02-30"), None);
        assert_eq!(date_shape("1/2/25"), None);
        assert_eq!(date_shape("hello"), None);
        assert_eq!(date_shape("12345678"), None);
    }

    #[test]
    fn dates_become_days_since_1970() {
        assert_eq!(parse_date("1970-01-01", DateOrder::DayMonthYear), Some(0));
        assert_eq!(parse_date("02/01/1970", DateOrder::DayMonthYear), Some(1));
        assert_eq!(parse_date("01/02/1970", DateOrder::MonthDayYear), Some(1));
        assert_eq!(
            parse_date("2024/02/29", DateOrder::MonthDayYear),
            Some(19_782)
        );
        assert_eq!(parse_date("31/02/2024", DateOrder::DayMonthYear), None);
    }

    #[test]
    fn spreadsheet_date_times_in_either_order() {
        assert_eq!(
            split_date_time("12/1/2010 8:26"),
            Some(("12/1/2010", (8 * 60 + 26) * 60_000))
        );
        assert_eq!(
            split_date_time("01.12.2010 08:26:30.5").map(|(_, ms)| ms),
            Some(30_390_500)
        );
        assert_eq!(
            split_date_time("3/14/2025 2:05 PM").map(|(_, ms)| ms),
            Some((14 * 60 + 5) * 60_000)
        );
        assert_eq!(
            split_date_time("3/14/2025 12:05 AM").map(|(_, ms)| ms),
            Some(5 * 60_000)
        );
        assert_eq!(split_date_time("3/14/2025 25:05"), None);
        assert_eq!(split_date_time("order 3/14/2025"), None);
        // 2010-12-01 08:26 UTC, month first; 2010-01-12 read day first.
        assert_eq!(
            parse_date_time("12/1/2010 8:26", DateOrder::MonthDayYear),
            Some(1_291_191_960_000)
        );
        assert_eq!(
            parse_date_time("12/1/2010 8:26", DateOrder::DayMonthYear),
            Some(1_263_284_760_000)
        );
        assert_eq!(
            parse_date_time("2010-12-01T08:26:00Z", DateOrder::DayMonthYear),
            Some(1_291_191_960_000)
        );
        assert_eq!(
            parse_date_time("2010-12-01", DateOrder::DayMonthYear),
            Some(1_291_161_600_000)
        );
    }

    #[test]
    fn timestamps_in_iso_8601_spellings() {
        let at = 1_700_000_000_000;
        for text in [
            "2023-11-14T22:13:20Z",
            "2023-11-14T22:13:20.000Z",
            "2023-11-14 22:13:20",
            "2023-11-14T23:13:20+01:00",
            "2023-11-14 23:13:20+0100",
        ] {
            assert_eq!(parse_timestamp(text), Some(at), "{text}");
        }
        assert_eq!(parse_timestamp("2023-11-14T22:13"), Some(at - 20_000));
        assert_eq!(parse_timestamp("2023-11-14"), None);
        assert_eq!(parse_timestamp("not a time at all!"), None);
    }

    #[test]
    fn unix_time_only_in_a_plausible_range() {
        assert_eq!(unix_millis(1_700_000_000), Some(1_700_000_000_000));
        assert_eq!(unix_millis(1_700_000_000_000), Some(1_700_000_000_000));
        assert_eq!(unix_millis(12_345), None);
        assert_eq!(unix_millis(33_612_345_678), None);
    }
}
