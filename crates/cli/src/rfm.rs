//! `converge rfm`: recency, frequency and monetary value per customer from any orders file.
//!
//! The customer id, order date and amount columns are found by the schema detection (the
//! `customer_id`, `timestamp` and `amount` fields), by common names if it finds none, or named
//! with `--customer`, `--date`, `--amount`. An export with no amount column but quantity and unit
//! price columns (as the Online Retail data set has) gets `amount = quantity × unit price`, and
//! the run says so on standard error. When there is an order id column (detected, or `--order`),
//! the rows of one order (an invoice's lines) count as one order in the frequency. Orders with a missing customer, date or amount are skipped
//! and reported (file, line, reason), never guessed. Scores and segments are core's
//! (`converge_core::segment::rfm`); customers are written in order of first appearance.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context};
use chrono::NaiveDate;
use converge_core::export::neutralise;
use converge_core::schema::{detect, Field, Overrides, TableSchema};
use converge_core::segment::rfm::{RfmBuilder, RfmSegment};
use converge_core::table::{Column, ColumnType, Table, Value};

use crate::rows::{find_column, numbers_of, read_table, RowLines, Skipped};

pub struct Options {
    pub input: PathBuf,
    pub customer: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
    /// The order id column: lines of one order count as one order.
    pub order: Option<String>,
    /// Days since 1970-01-01.
    pub as_of: Option<i64>,
    pub output: Option<PathBuf>,
}

/// `YYYY-MM-DD` as days since 1970-01-01.
pub fn parse_day(text: &str) -> anyhow::Result<i64> {
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .with_context(|| format!("`{text}` is not a date like 2026-11-25"))?;
    Ok(date
        .signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date"))
        .num_days())
}

fn format_day(day: i64) -> String {
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::days(day)))
        .map_or_else(|| format!("day {day}"), |date| date.to_string())
}

/// The amount of each order: one column, or quantity × unit price.
enum Amount<'t> {
    Column(&'t Column),
    Product(&'t Column, &'t Column),
}

impl Amount<'_> {
    /// Each row's amount; `None` where it is missing or not a number.
    fn values(&self) -> anyhow::Result<Vec<Option<f64>>> {
        let numbers = |column: &Column| {
            numbers_of(column).with_context(|| {
                format!(
                    "column `{}` holds {} values, not amounts; name the amount with --amount",
                    column.name(),
                    column.column_type().label()
                )
            })
        };
        Ok(match self {
            Amount::Column(column) => numbers(column)?,
            Amount::Product(quantity, price) => numbers(quantity)?
                .into_iter()
                .zip(numbers(price)?)
                .map(|(q, p)| q.zip(p).map(|(q, p)| q * p))
                .collect(),
        })
    }
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    let ingested = read_table(&options.input)?;
    let file = ingested.report.file_name.clone();
    let table = &ingested.table;
    let schema = detect(table, &Overrides::default());
    let customer = match &options.customer {
        Some(name) => find_column(table, name)?,
        None => detect_customer(table, &schema)?,
    };
    let date = match &options.date {
        Some(name) => find_column(table, name)?,
        None => detect_date(table, &schema)?,
    };
    let order_days = order_days(date, &file)?;
    let amount = match &options.amount {
        Some(name) => Amount::Column(find_column(table, name)?),
        None => detect_amount(table, &schema)?,
    };
    let amounts = amount.values()?;
    let amount_name = match &amount {
        Amount::Column(column) => {
            if !is_number(column) {
                eprintln!(
                    "{file}: `{}` is text; its values are read as numbers where they are numbers",
                    column.name()
                );
            }
            column.name().to_owned()
        }
        Amount::Product(quantity, price) => {
            let name = format!("{} × {}", quantity.name(), price.name());
            eprintln!(
                "{file}: no amount column, so each order's amount is {name} (name one with --amount)"
            );
            name
        }
    };
    let order = match &options.order {
        Some(name) => Some(find_column(table, name)?),
        None => by_field(table, &schema, Field::OrderId, |_| true),
    };
    eprintln!(
        "{file}: customer `{}`, order date `{}`, amount `{amount_name}`, {}",
        customer.name(),
        date.name(),
        order.map_or("one order per row".to_owned(), |order| format!(
            "orders told apart by `{}` (its lines count as one order)",
            order.name()
        ))
    );

    let lines = RowLines::new(&ingested);
    let mut skipped = Skipped::default();
    let mut builder = RfmBuilder::new();
    for row in 0..table.n_rows() {
        let id = customer.display(row).filter(|id| !id.trim().is_empty());
        let day = order_days.get(row).copied().flatten();
        let value = amounts.get(row).copied().flatten();
        let reason = match (&id, day, value) {
            (None, _, _) => Some(format!("no customer (`{}` is empty)", customer.name())),
            (_, None, _) => Some(format!(
                "no order date (`{}` is empty or not a date)",
                date.name()
            )),
            (_, _, None) => Some(format!(
                "no amount (`{amount_name}` is empty or not a number)"
            )),
            (_, _, Some(v)) if !v.is_finite() => {
                Some(format!("the amount `{amount_name}` is not finite"))
            }
            _ => None,
        };
        if let Some(reason) = reason {
            skipped.add(&file, lines.describe(row), reason);
            continue;
        }
        if let (Some(id), Some(day), Some(value)) = (id, day, value) {
            let order_id = order.and_then(|order| order.display(row));
            builder.add_order_line(&id, order_id.as_deref(), day, value)?;
        }
    }
    skipped.report(&file, "missing customer, date or amount");
    let n_lines = builder.n_lines();
    if n_lines == 0 {
        bail!("{file}: no order has a customer, a date and an amount");
    }
    let rfm = builder
        .finish(options.as_of)
        .with_context(|| format!("{file}: scoring RFM"))?;

    let out: Box<dyn Write> = match &options.output {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    let mut writer = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, out));
    writer.write_record([
        "customer_id",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    ])?;
    for customer in &rfm.customers {
        writer.write_record([
            neutralise(&customer.customer_id),
            customer.recency_days.to_string(),
            customer.frequency.to_string(),
            money(customer.monetary),
            customer.score.recency.to_string(),
            customer.score.frequency.to_string(),
            customer.score.monetary.to_string(),
            customer.segment.label().to_owned(),
        ])?;
    }
    writer.flush()?;

    eprintln!(
        "{file}: {} customers from {} orders ({n_lines} rows), recency as of {}",
        rfm.customers.len(),
        rfm.customers.iter().map(|c| c.frequency).sum::<u64>(),
        format_day(rfm.as_of_day)
    );
    let sizes = rfm.segment_sizes();
    let listed: Vec<String> = sizes
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(segment, n)| format!("{} {n}", segment.label()))
        .collect();
    eprintln!("  {}", listed.join(" · "));
    debug_assert_eq!(sizes.len(), RfmSegment::ALL.len());
    Ok(())
}

/// An amount with at most two decimals and no float noise: `44.970000000000006` → `44.97`,
/// `12.50` → `12.5`, `-0.001` → `0`.
pub fn money(value: f64) -> String {
    let text = format!("{value:.2}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text
    }
}

/// The most confidently detected column of `field` among those `accept` allows.
fn by_field<'t>(
    table: &'t Table,
    schema: &TableSchema,
    field: Field,
    accept: impl Fn(&Column) -> bool,
) -> Option<&'t Column> {
    schema
        .fields
        .iter()
        .zip(table.columns())
        .filter(|(guess, column)| guess.field == Some(field) && accept(column))
        .max_by(|a, b| a.0.confidence.total_cmp(&b.0.confidence))
        .map(|(_, column)| column)
}

/// A column whose name, lower-cased without `_`, `-`, spaces or dots, is one of `names`.
fn by_name<'t>(
    table: &'t Table,
    names: &[&str],
    accept: impl Fn(&Column) -> bool,
) -> Option<&'t Column> {
    let key = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    names.iter().find_map(|wanted| {
        table
            .columns()
            .iter()
            .find(|column| key(column.name()) == *wanted && accept(column))
    })
}

fn column_list(table: &Table) -> String {
    table
        .columns()
        .iter()
        .map(|column| format!("{} ({})", column.name(), column.column_type().label()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn detect_customer<'t>(table: &'t Table, schema: &TableSchema) -> anyhow::Result<&'t Column> {
    if let Some(column) = by_field(table, schema, Field::CustomerId, |_| true).or_else(|| {
        by_name(
            table,
            &[
                "customerid",
                "customer",
                "clientid",
                "client",
                "userid",
                "user",
                "buyerid",
                "accountid",
                "memberid",
                "customerno",
                "customernumber",
                "kundennummer",
            ],
            |_| true,
        )
    }) {
        return Ok(column);
    }
    if let Some(column) = by_field(table, schema, Field::Email, |_| true) {
        eprintln!(
            "no customer id column, so customers are told apart by `{}` (name one with --customer)",
            column.name()
        );
        return Ok(column);
    }
    bail!(
        "no customer id column found; name it with --customer. The columns are: {}",
        column_list(table)
    )
}

fn is_date(column: &Column) -> bool {
    matches!(
        column.column_type(),
        ColumnType::Date | ColumnType::Timestamp
    )
}

fn is_number(column: &Column) -> bool {
    matches!(
        column.column_type(),
        ColumnType::Integer | ColumnType::Decimal
    )
}

fn is_text(column: &Column) -> bool {
    matches!(
        column.column_type(),
        ColumnType::Text | ColumnType::Category
    )
}

/// The order date column: a date or timestamp column (detected, then by name), else a text column
/// named like a date whose values read as dates (`12/1/2010 8:26`, as the Online Retail data set
/// writes them, is left as text by ingestion: day and month are ambiguous there).
fn detect_date<'t>(table: &'t Table, schema: &TableSchema) -> anyhow::Result<&'t Column> {
    const NAMES: [&str; 7] = [
        "orderdate",
        "invoicedate",
        "date",
        "purchasedate",
        "transactiondate",
        "createdat",
        "timestamp",
    ];
    by_field(table, schema, Field::Timestamp, is_date)
        .or_else(|| by_name(table, &NAMES, is_date))
        .or_else(|| table.columns().iter().find(|column| is_date(column)))
        .or_else(|| by_name(table, &NAMES, is_text).filter(|column| text_days(column).is_some()))
        .or_else(|| {
            table.columns().iter().find(|column| {
                let name = column.name().to_lowercase();
                is_text(column)
                    && (name.contains("date") || name.contains("time"))
                    && text_days(column).is_some()
            })
        })
        .with_context(|| {
            format!(
                "no order date column found; name it with --date. The columns are: {}",
                column_list(table)
            )
        })
}

/// Each row's order day (days since 1970-01-01), from a date, timestamp or date-like text column.
fn order_days(column: &Column, file: &str) -> anyhow::Result<Vec<Option<i64>>> {
    match column.column_type() {
        ColumnType::Date | ColumnType::Timestamp => {
            Ok((0..column.len()).map(|row| column.get(row).day()).collect())
        }
        _ if is_text(column) => {
            let (days, order) = text_days(column).with_context(|| {
                format!(
                    "column `{}` holds text that does not read as dates; name the order date with --date",
                    column.name()
                )
            })?;
            eprintln!("{file}: `{}` read as {order} dates", column.name());
            Ok(days)
        }
        other => bail!(
            "column `{}` holds {} values, not dates; name the order date with --date",
            column.name(),
            other.label()
        ),
    }
}

/// Reads a text column as dates, if at least 95 % of its values are one of `YYYY-MM-DD`,
/// `YYYY/MM/DD` or `A/B/YYYY` (also with `.` or `-`), each optionally followed by a time. Whether
/// `A/B` is day/month or month/day is decided for the whole column: a first part above 12 means
/// day first, a second part above 12 month first; if neither occurs, `/` is read month first (as
/// US exports write it) and `.` or `-` day first.
fn text_days(column: &Column) -> Option<(Vec<Option<i64>>, &'static str)> {
    let mut parts = Vec::with_capacity(column.len());
    let (mut n_present, mut n_read) = (0usize, 0usize);
    let (mut first_above_12, mut second_above_12, mut slash) = (false, false, false);
    for row in 0..column.len() {
        let Value::Text(text) = column.get(row) else {
            let code = column.display(row);
            parts.push(code.as_deref().and_then(date_parts));
            n_present += usize::from(code.is_some());
            n_read += usize::from(parts.last().is_some_and(Option::is_some));
            continue;
        };
        let parsed = date_parts(text);
        if !text.trim().is_empty() {
            n_present += 1;
        }
        if let Some(DateParts::Ambiguous {
            a, b, separator, ..
        }) = parsed
        {
            first_above_12 |= a > 12;
            second_above_12 |= b > 12;
            slash |= separator == '/';
        }
        n_read += usize::from(parsed.is_some());
        parts.push(parsed);
    }
    if n_present == 0 || (n_read as f64) < 0.95 * n_present as f64 {
        return None;
    }
    let day_first = if first_above_12 {
        true
    } else if second_above_12 {
        false
    } else {
        !slash
    };
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let days = parts
        .into_iter()
        .map(|parsed| {
            let (year, month, day) = match parsed? {
                DateParts::Iso { year, month, day } => (year, month, day),
                DateParts::Ambiguous { a, b, year, .. } => {
                    if day_first {
                        (year, b, a)
                    } else {
                        (year, a, b)
                    }
                }
            };
            NaiveDate::from_ymd_opt(year, month, day)
                .map(|date| date.signed_duration_since(epoch).num_days())
        })
        .collect();
    Some((
        days,
        if day_first {
            "day/month/year"
        } else {
            "month/day/year"
        },
    ))
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum DateParts {
    Iso {
        year: i32,
        month: u32,
        day: u32,
    },
    Ambiguous {
        a: u32,
        b: u32,
        year: i32,
        separator: char,
    },
}

/// The date at the start of `text` (a time after a space or `T` is ignored).
fn date_parts(text: &str) -> Option<DateParts> {
    let date = text.trim().split([' ', 'T']).next()?;
    let separator = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let fields: Vec<&str> = date.split(separator).collect();
    let [x, y, z] = fields.as_slice() else {
        return None;
    };
    let number = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (x_n, y_n, z_n) = (number(x)?, number(y)?, number(z)?);
    if x.len() == 4 {
        return Some(DateParts::Iso {
            year: i32::try_from(x_n).ok()?,
            month: y_n,
            day: z_n,
        });
    }
    if z.len() == 4 && x.len() <= 2 && y.len() <= 2 {
        return Some(DateParts::Ambiguous {
            a: x_n,
            b: y_n,
            year: i32::try_from(z_n).ok()?,
            separator,
        });
    }
    None
}

fn detect_amount<'t>(table: &'t Table, schema: &TableSchema) -> anyhow::Result<Amount<'t>> {
    // A unit price is what one item costs, not what the order came to.
    let is_price = |column: &Column| column.name().to_lowercase().contains("price");
    let amount = by_field(table, schema, Field::Amount, |c| {
        is_number(c) && !is_price(c)
    })
    .or_else(|| {
        by_name(
            table,
            &[
                "amount",
                "total",
                "ordertotal",
                "totalamount",
                "revenue",
                "sales",
                "value",
                "spend",
                "betrag",
                "montant",
            ],
            is_number,
        )
    });
    if let Some(column) = amount {
        return Ok(Amount::Column(column));
    }
    let quantity = by_field(table, schema, Field::Quantity, is_number)
        .or_else(|| by_name(table, &["quantity", "qty", "units", "menge"], is_number));
    let price = table
        .columns()
        .iter()
        .find(|column| is_number(column) && is_price(column));
    // A money column that ingestion left as text (some values are not numbers).
    let text_amount = by_name(
        table,
        &[
            "amount",
            "total",
            "ordertotal",
            "totalamount",
            "revenue",
            "sales",
            "value",
            "spend",
        ],
        |column| is_text(column) && numbers_of(column).is_some(),
    );
    if let Some(column) = text_amount {
        return Ok(Amount::Column(column));
    }
    match (quantity, price) {
        (Some(quantity), Some(price)) => return Ok(Amount::Product(quantity, price)),
        (None, Some(price)) => {
            eprintln!(
                "no amount or quantity column, so each order's amount is its `{}` (name one with --amount)",
                price.name()
            );
            return Ok(Amount::Column(price));
        }
        _ => {}
    }
    bail!(
        "no amount column found; name it with --amount. The columns are: {}",
        column_list(table)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_at_most_two_decimals_and_no_noise() {
        assert_eq!(money(44.970000000000006), "44.97");
        assert_eq!(money(12.5), "12.5");
        assert_eq!(money(12.0), "12");
        assert_eq!(money(-5.0), "-5");
        assert_eq!(money(-0.001), "0");
        assert_eq!(money(0.1 + 0.2), "0.3");
        assert_eq!(money(1234567.891), "1234567.89");
    }

    #[test]
    fn text_dates_in_the_usual_spellings() {
        assert_eq!(
            date_parts("12/1/2010 8:26"),
            Some(DateParts::Ambiguous {
                a: 12,
                b: 1,
                year: 2010,
                separator: '/'
            })
        );
        assert_eq!(
            date_parts("2010-12-01T08:26:00Z"),
            Some(DateParts::Iso {
                year: 2010,
                month: 12,
                day: 1
            })
        );
        assert_eq!(
            date_parts("01.12.2010"),
            Some(DateParts::Ambiguous {
                a: 1,
                b: 12,
                year: 2010,
                separator: '.'
            })
        );
        assert_eq!(date_parts("soon"), None);
        assert_eq!(date_parts("1/2"), None);
    }

    #[test]
    fn days() {
        assert_eq!(parse_day("1970-01-02").unwrap(), 1);
        assert_eq!(format_day(20_758), "2026-11-01");
        assert!(parse_day("01/02/2026").is_err());
    }
}
