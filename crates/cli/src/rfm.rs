//! `converge rfm`: recency, frequency and monetary value per customer from any orders file.
//!
//! The customer id, order date and amount columns are found by the schema detection (the
//! `customer_id`, `timestamp` and `amount` fields), by common names if it finds none, or named
//! with `--customer`, `--date`, `--amount`. An export with no amount column but quantity and unit
//! price columns (as the Online Retail data set has) gets `amount = quantity × unit price`, and
//! the run says so on standard error. Orders with a missing customer, date or amount are skipped
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

use crate::rows::{find_column, numeric, read_table, RowLines, Skipped};

pub struct Options {
    pub input: PathBuf,
    pub customer: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
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
    if !matches!(date.column_type(), ColumnType::Date | ColumnType::Timestamp) {
        bail!(
            "column `{}` holds {} values, not dates; name the order date with --date",
            date.name(),
            date.column_type().label()
        );
    }
    let amount = match &options.amount {
        Some(name) => Amount::Column(find_column(table, name)?),
        None => detect_amount(table, &schema)?,
    };
    let amount_name = match &amount {
        Amount::Column(column) => {
            if !matches!(
                column.column_type(),
                ColumnType::Integer | ColumnType::Decimal
            ) {
                bail!(
                    "column `{}` holds {} values, not amounts; name the amount with --amount",
                    column.name(),
                    column.column_type().label()
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
    eprintln!(
        "{file}: customer `{}`, order date `{}`, amount `{amount_name}`",
        customer.name(),
        date.name()
    );

    let lines = RowLines::new(&ingested);
    let mut skipped = Skipped::default();
    let mut builder = RfmBuilder::new();
    for row in 0..table.n_rows() {
        let id = customer.display(row).filter(|id| !id.trim().is_empty());
        let day = match date.get(row) {
            Value::Date(days) => Some(i64::from(days)),
            Value::Timestamp(millis) => Some(millis.div_euclid(86_400_000)),
            _ => None,
        };
        let value = match &amount {
            Amount::Column(column) => numeric(column.get(row)),
            Amount::Product(quantity, price) => numeric(quantity.get(row))
                .zip(numeric(price.get(row)))
                .map(|(q, p)| q * p),
        };
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
            builder.add_order(&id, day, value)?;
        }
    }
    skipped.report(&file, "missing customer, date or amount");
    let n_orders = builder.n_orders();
    if n_orders == 0 {
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
        "{file}: {} customers from {n_orders} orders, recency as of {}",
        rfm.customers.len(),
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

fn detect_date<'t>(table: &'t Table, schema: &TableSchema) -> anyhow::Result<&'t Column> {
    by_field(table, schema, Field::Timestamp, is_date)
        .or_else(|| {
            by_name(
                table,
                &[
                    "orderdate",
                    "invoicedate",
                    "date",
                    "purchasedate",
                    "transactiondate",
                    "createdat",
                    "timestamp",
                ],
                is_date,
            )
        })
        .or_else(|| table.columns().iter().find(|column| is_date(column)))
        .with_context(|| {
            format!(
                "no order date column found; name it with --date. The columns are: {}",
                column_list(table)
            )
        })
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
    fn days() {
        assert_eq!(parse_day("1970-01-02").unwrap(), 1);
        assert_eq!(format_day(20_758), "2026-11-01");
        assert!(parse_day("01/02/2026").is_err());
    }
}
