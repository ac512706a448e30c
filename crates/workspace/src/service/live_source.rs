//! What the live feed needs of the held data: who the customers are (the directory a new record
//! is looked up in) and the records of a simulated stream.
//!
//! The directory is built once when a stream or simulation starts (and again after a
//! convergence or a segmentation), from every dataset with an email, handle or customer id
//! column: each value, normalised as identity resolution normalises it, names the converged
//! customer of its row (when customers were converged) and that customer's RFM segment (when
//! customers were segmented). A record no key names is placed by the convergence's model
//! (`IdentityMatcher`: the records sharing a blocking key with it, weighed as the fit weighed
//! pairs), built once with the directory, so an arrival costs a few lookups, not a blocking pass.
//!
//! The simulation replays the held interactions, orders and events, one row of each in turn,
//! as the JSON records a stream would carry, without their timestamps (a simulated record
//! happens when it arrives, so the chart moves with the clock) and with their dataset's role (so
//! an order's note stays an order's, as the Data view says).

use std::collections::{HashMap, HashSet};

use converge_core::schema::{Field, Role};
use converge_core::table::Value;
use serde_json::{Map, Value as Json};

use super::Service;
use crate::answer::{DatasetId, ErrorCode, WorkerError};
use crate::live::{Known, LiveDirectory, LiveRole};

/// The fields a live record's customer is matched on.
const IDENTIFIERS: [Field; 3] = [Field::CustomerId, Field::Email, Field::Handle];

/// Where a simulated stream is in each dataset it replays.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    sources: Vec<(DatasetId, usize)>,
    turn: usize,
    names: Vec<String>,
}

impl Simulation {
    /// The datasets replayed, by name.
    pub fn sources(&self) -> &[String] {
        &self.names
    }
}

impl Service {
    /// Who the customers are, for the live feed (see the module's documentation).
    pub fn live_directory(&self) -> LiveDirectory {
        let mut directory = LiveDirectory::default();
        let segment_of: HashMap<&str, &'static str> = self
            .segmentation
            .as_ref()
            .map(|segmentation| segmentation.rfm_segments().collect())
            .unwrap_or_default();
        directory.segments_known = !segment_of.is_empty();
        let mut customers = HashSet::new();
        for held in &self.datasets {
            let resolved = self.resolved_customers_of(held.id);
            let columns: Vec<(Field, &converge_core::table::Column)> = held
                .schema
                .fields
                .iter()
                .filter_map(|guess| {
                    let field = guess.field.filter(|f| IDENTIFIERS.contains(f))?;
                    Some((field, held.table.column(&guess.column)?))
                })
                .collect();
            if columns.is_empty() {
                continue;
            }
            for row_idx in 0..held.table.n_rows() {
                let customer = resolved
                    .as_ref()
                    .and_then(|by_row| by_row.get(row_idx).copied().flatten());
                if let Some(customer) = customer {
                    customers.insert(customer);
                }
                let segment = columns
                    .iter()
                    .filter(|(field, _)| *field == Field::CustomerId)
                    .find_map(|(_, column)| match column.get(row_idx) {
                        Value::Text(id) => segment_of.get(id.trim()).copied(),
                        Value::Integer(id) => segment_of.get(id.to_string().as_str()).copied(),
                        _ => None,
                    });
                for (field, column) in &columns {
                    let raw = match column.get(row_idx) {
                        Value::Text(text) => text.to_owned(),
                        Value::Integer(n) => n.to_string(),
                        _ => continue,
                    };
                    directory.insert(
                        *field,
                        &raw,
                        Known {
                            customer,
                            segment: segment.map(str::to_owned),
                        },
                    );
                }
            }
        }
        directory.n_customers = customers.len() as u64;
        directory.spread_segments();
        if let Some(matcher) = self.identity_matcher() {
            directory.set_matcher(matcher);
        }
        directory
    }

    /// A simulation over the held interactions, orders and events.
    pub fn start_simulation(&self) -> Result<Simulation, WorkerError> {
        let held: Vec<_> = self
            .datasets
            .iter()
            .filter(|held| {
                matches!(
                    held.schema.role.role,
                    Role::Interactions | Role::Orders | Role::Events
                ) && held.table.n_rows() > 0
            })
            .collect();
        if held.is_empty() {
            return Err(WorkerError::new(
                ErrorCode::NotFound,
                "There are no interactions, orders or events to replay. Load the demo data (or your own exports) first.",
            ));
        }
        Ok(Simulation {
            sources: held.iter().map(|held| (held.id, 0)).collect(),
            turn: 0,
            names: held
                .iter()
                .map(|held| held.table.name().to_owned())
                .collect(),
        })
    }

    /// The next `n` records of a simulation, as JSON texts with their dataset's role (as the
    /// Data view shows it, the user's choice included); each dataset starts over at its end. A
    /// dataset removed since the simulation started is skipped.
    pub fn simulated_records(
        &self,
        simulation: &mut Simulation,
        n: usize,
    ) -> Vec<(LiveRole, String)> {
        let mut records = Vec::with_capacity(n);
        let n_sources = simulation.sources.len();
        let mut misses = 0;
        while records.len() < n && misses < n_sources {
            let turn = simulation.turn % n_sources.max(1);
            simulation.turn = simulation.turn.wrapping_add(1);
            let Some((dataset, next_row)) = simulation.sources.get_mut(turn) else {
                break;
            };
            let Some(held) = self.datasets.iter().find(|held| held.id == *dataset) else {
                misses += 1;
                continue;
            };
            misses = 0;
            let n_rows = held.table.n_rows().max(1);
            let row_idx = *next_row % n_rows;
            *next_row = (row_idx + 1) % n_rows;
            let mut object = Map::new();
            for column in held.table.columns() {
                let value = match column.get(row_idx) {
                    Value::Integer(n) => Json::from(n),
                    Value::Decimal(x) => {
                        serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
                    }
                    Value::Boolean(b) => Json::from(b),
                    Value::Text(text) => Json::from(text),
                    // A simulated record happens as it arrives.
                    Value::Null | Value::Date(_) | Value::Timestamp(_) => continue,
                };
                object.insert(column.name().to_owned(), value);
            }
            let role = match held.schema.role.role {
                Role::Interactions => LiveRole::Interaction,
                Role::Orders => LiveRole::Order,
                _ => LiveRole::Event,
            };
            records.push((role, Json::Object(object).to_string()));
        }
        records
    }
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use converge_core::live::AlertRules;

    use converge_core::identity::CustomerId;

    use super::*;
    use crate::live::{LiveConnection, LiveFeed};
    use crate::service::{DemoJob, Step};

    fn run<T>(mut step: impl FnMut() -> Result<Step<T>, WorkerError>) -> T {
        loop {
            if let Step::Finished(done) = step().unwrap() {
                return done;
            }
        }
    }

    fn demo(n_customers: u64) -> Service {
        let mut job = DemoJob::new(n_customers).unwrap();
        let mut service = Service::default();
        for ingested in run(|| job.step()) {
            service.add(ingested);
        }
        service
    }

    /// A post signed with a name and a postcode, but no email, handle or customer id, is placed
    /// by the convergence's model with the customer of the CRM row it describes.
    #[test]
    fn a_record_no_key_names_is_placed_by_the_convergences_model() {
        let mut service = demo(300);
        service
            .converge(0.9, |_| ControlFlow::Continue(()))
            .unwrap();
        let crm = service
            .datasets
            .iter()
            .find(|held| held.table.name().starts_with("crm_customers"))
            .unwrap();
        let resolved = service.resolved_customers_of(crm.id).unwrap();
        let text = |column: &str, row: usize| crm.table.column(column)?.display(row);
        let mut expected = Vec::new();
        let mut feed = LiveFeed::new(AlertRules::default(), service.live_directory());
        for row in 0..crm.table.n_rows() {
            let (Some(first), Some(last), Some(street), Some(postcode)) = (
                text("first_name", row),
                text("last_name", row),
                text("street", row),
                text("postcode", row),
            ) else {
                continue;
            };
            let record = serde_json::json!({
                "first_name": first, "last_name": last, "street": street,
                "postcode": postcode, "comment": "Still waiting for my parcel, not happy",
            });
            feed.receive(None, &record.to_string(), 1_000.0);
            expected.push(resolved.get(row).copied().flatten());
            if expected.len() == 40 {
                break;
            }
        }
        while feed.n_queued() > 0 {
            feed.process(100);
        }
        let placed: Vec<Option<CustomerId>> = feed
            .records(&(1..=expected.len() as u64).collect::<Vec<_>>())
            .into_iter()
            .map(|verbatim| verbatim.customer)
            .collect();
        assert_eq!(placed.len(), 40);
        let n_right = placed
            .iter()
            .zip(&expected)
            .filter(|(got, want)| got.is_some() && got == want)
            .count();
        let counts = &feed.update(1_000.0, LiveConnection::Off).counts;
        eprintln!("{n_right} of 40 posts placed with their CRM row's customer");
        // 40 of 40 measured on 2026-12-02. The prior is the matches' share of the pairs the
        // blocking could make: with the demo's 4,700 records that carry no name counted too,
        // it was 8 bits lower and the commonest names (Emma García, 0.7 bits) fell short.
        assert!(
            n_right >= 38,
            "{n_right} of 40 placed with their CRM row's customer"
        );
        assert_eq!(
            counts.n_placed_by_model,
            placed.iter().flatten().count() as u64
        );
        assert_eq!(counts.n_known_customer, counts.n_placed_by_model);
    }

    #[test]
    fn the_directory_knows_converged_customers_and_their_segments() {
        let mut service = demo(300);
        assert!(
            service.live_directory().n_customers == 0,
            "nothing converged yet"
        );
        service
            .converge(0.9, |_| ControlFlow::Continue(()))
            .unwrap();
        let mut segmentation = service.start_segmentation().unwrap();
        let done = run(|| segmentation.step());
        service.keep_segmentation(done);
        let directory = service.live_directory();
        assert!(directory.n_customers > 100, "{}", directory.n_customers);
        assert!(directory.segments_known);
        // Every customer id of the orders has its RFM segment, and its converged customer.
        let segments: Vec<(String, &'static str)> = service
            .segmentation()
            .unwrap()
            .rfm_segments()
            .map(|(id, segment)| (id.to_owned(), segment))
            .collect();
        for (id, segment) in segments.iter().take(50) {
            let known = directory.lookup(Field::CustomerId, id).expect(id);
            assert_eq!(known.segment.as_deref(), Some(*segment), "{id}");
            assert!(known.customer.is_some(), "{id}");
        }
    }

    #[test]
    fn a_simulation_replays_every_role_and_counts_every_record() {
        let service = demo(200);
        let mut simulation = service.start_simulation().unwrap();
        assert!(simulation.sources().contains(&"social_posts".to_owned()));
        assert!(simulation.sources().contains(&"orders".to_owned()));
        assert!(!simulation.sources().contains(&"crm_customers".to_owned()));
        let mut feed = LiveFeed::new(AlertRules::default(), service.live_directory());
        let records = service.simulated_records(&mut simulation, 1_000);
        assert_eq!(records.len(), 1_000);
        for (role, record) in &records {
            feed.receive_as(Some(*role), None, record, 1_000.0);
        }
        while feed.n_queued() > 0 {
            feed.process(100);
        }
        let update = feed.update(1_000.0, LiveConnection::Off);
        let counts = &update.counts;
        assert_eq!(counts.n_processed, 1_000, "{counts:?}");
        assert_eq!(counts.n_failed, 0, "{counts:?}");
        // Each record is of its dataset's role. The six datasets take turns, in this order:
        // 1,000 = 6 × 166 + 4, so the first four give 167 records and the last two 166.
        assert_eq!(
            simulation.sources(),
            [
                "orders",
                "social_posts",
                "product_reviews",
                "support_tickets",
                "survey_answers",
                "web_events"
            ]
        );
        assert_eq!(
            (counts.n_orders, counts.n_interactions, counts.n_events),
            (167, 167 * 3 + 166, 166),
            "{counts:?}"
        );
        assert_eq!(update.latest.len(), crate::live::LATEST_VERBATIMS);
        // Simulated records happen as they arrive.
        assert!(update.latest.iter().all(|v| v.at_ms == 1_000));
        assert_eq!(
            feed.records(&[1, 1_000, 1_001]).len(),
            2,
            "ids 1..=1000 are held"
        );
    }

    #[test]
    fn nothing_to_simulate_says_what_to_load() {
        let err = Service::default().start_simulation().unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert!(err.message.contains("Load the demo"));
    }
}
