//! The CRM export: one row per customer, as a system of record holds them.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::words::{CITIES, EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, LOYALTY_TIERS};
use crate::table::{ColumnType, Table, TableBuilder, TableError, Value};

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoParams {
    pub seed: u64,
    pub n_customers: usize,
    /// The day the export was taken, in days since 1970-01-01; sign-ups lie in the two years
    /// before it. Passed in because the core never reads a clock.
    pub today: i32,
}

impl Default for DemoParams {
    fn default() -> DemoParams {
        DemoParams {
            seed: 2026,
            n_customers: 10_000,
            // 2026-11-01: a fixed day, so the demo is the same on every machine.
            today: 20_758,
        }
    }
}

/// The columns of the CRM export, in order.
pub const CUSTOMER_SCHEMA: &[(&str, ColumnType)] = &[
    ("customer_id", ColumnType::Text),
    ("first_name", ColumnType::Text),
    ("last_name", ColumnType::Text),
    ("email", ColumnType::Text),
    ("phone", ColumnType::Text),
    ("city", ColumnType::Category),
    ("country", ColumnType::Category),
    ("signup_date", ColumnType::Date),
    ("loyalty_tier", ColumnType::Category),
    ("marketing_opt_in", ColumnType::Boolean),
];

/// Generates the CRM customers table a step at a time.
#[derive(Debug, Clone)]
pub struct CustomerGenerator {
    params: DemoParams,
    rng: Pcg64Mcg,
    table: TableBuilder,
}

impl CustomerGenerator {
    pub fn new(params: DemoParams) -> CustomerGenerator {
        CustomerGenerator {
            params,
            rng: Pcg64Mcg::seed_from_u64(params.seed),
            table: TableBuilder::new("crm_customers", CUSTOMER_SCHEMA),
        }
    }

    /// Generates up to `max_rows` more customers; returns how many it made.
    pub fn step(&mut self, max_rows: usize) -> usize {
        let start = self.table.n_rows();
        let end = start.saturating_add(max_rows).min(self.params.n_customers);
        for customer_idx in start..end {
            self.push_customer(customer_idx);
        }
        end - start
    }

    pub fn is_done(&self) -> bool {
        self.table.n_rows() >= self.params.n_customers
    }

    /// The share of the work done, from 0 to 1.
    pub fn fraction_done(&self) -> f64 {
        if self.params.n_customers == 0 {
            return 1.0;
        }
        self.table.n_rows() as f64 / self.params.n_customers as f64
    }

    pub fn finish(self) -> Result<Table, TableError> {
        self.table.finish()
    }

    fn push_customer(&mut self, customer_idx: usize) {
        let rng = &mut self.rng;
        let first = pick(rng, FIRST_NAMES);
        let last = pick(rng, LAST_NAMES);
        let (city, country, _) = *pick_weighted(rng, CITIES, |(_, _, weight)| *weight);
        let (tier, _) = *pick_weighted(rng, LOYALTY_TIERS, |(_, weight)| *weight);
        let customer_id = format!("C{:06}", customer_idx + 1);
        let email = format!(
            "{}.{}{}@{}",
            ascii_lower(first),
            ascii_lower(last),
            rng.random_range(1..100),
            pick(rng, EMAIL_DOMAINS)
        );
        let phone = if rng.random_bool(0.8) {
            Some(format!(
                "+{} {} {:03} {:04}",
                dialling_code(country),
                rng.random_range(20..99),
                rng.random_range(0..1000),
                rng.random_range(0..10_000)
            ))
        } else {
            None
        };
        let signup_date = self.params.today - rng.random_range(0..730);
        let opt_in = rng.random_bool(0.62);
        let row = [
            Value::Text(&customer_id),
            Value::Text(first),
            Value::Text(last),
            Value::Text(&email),
            phone.as_deref().map_or(Value::Null, Value::Text),
            Value::Text(city),
            Value::Text(country),
            Value::Date(signup_date),
            Value::Text(tier),
            Value::Boolean(opt_in),
        ];
        self.table
            .push_row(&row)
            .expect("the generated row follows CUSTOMER_SCHEMA");
    }
}

fn pick<'a>(rng: &mut Pcg64Mcg, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn pick_weighted<'a, T>(rng: &mut Pcg64Mcg, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for item in items {
        let w = weight(item);
        if ticket < w {
            return item;
        }
        ticket -= w;
    }
    &items[items.len() - 1]
}

fn ascii_lower(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'é' | 'è' => Some('e'),
            'ë' => Some('e'),
            'á' => Some('a'),
            'í' => Some('i'),
            'ó' => Some('o'),
            'ü' => Some('u'),
            '\'' => None,
            c => Some(c.to_ascii_lowercase()),
        })
        .collect()
}

fn dialling_code(country: &str) -> u32 {
    match country {
        "GB" => 44,
        "FR" => 33,
        "DE" => 49,
        "ES" => 34,
        "IT" => 39,
        "NL" => 31,
        "SE" => 46,
        "IE" => 353,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(params: DemoParams, step: usize) -> Table {
        let mut generator = CustomerGenerator::new(params);
        while !generator.is_done() {
            assert!(generator.step(step) > 0, "a step must make progress");
        }
        generator.finish().unwrap()
    }

    #[test]
    fn the_same_seed_gives_the_same_customers_whatever_the_step_size() {
        let params = DemoParams {
            n_customers: 257,
            ..DemoParams::default()
        };
        assert_eq!(generate(params, 1), generate(params, 100));
        let other = generate(DemoParams { seed: 7, ..params }, 100);
        assert_ne!(generate(params, 100), other);
    }

    #[test]
    fn customers_look_like_a_crm_export() {
        let table = generate(
            DemoParams {
                n_customers: 500,
                ..DemoParams::default()
            },
            64,
        );
        assert_eq!(table.n_rows(), 500);
        assert_eq!(table.n_columns(), CUSTOMER_SCHEMA.len());
        let ids = table.column("customer_id").unwrap();
        assert_eq!(ids.display(0).as_deref(), Some("C000001"));
        let emails = table.column("email").unwrap();
        for row_idx in 0..table.n_rows() {
            let email = emails.display(row_idx).unwrap();
            assert!(email.is_ascii() && email.contains('@'), "{email}");
        }
        let phones = table.column("phone").unwrap();
        assert!(phones.n_missing() > 50 && phones.n_missing() < 200);
        let signup = table.column("signup_date").unwrap();
        let first = signup.display(0).unwrap();
        assert!(
            first.as_str() > "2024-10-31" && first.as_str() <= "2026-11-01",
            "{first}"
        );
    }

    #[test]
    fn zero_customers_is_an_empty_table() {
        let table = generate(
            DemoParams {
                n_customers: 0,
                ..DemoParams::default()
            },
            10,
        );
        assert_eq!(table.n_rows(), 0);
    }
}
