//! What the worker does with each request, free of any JavaScript.
//!
//! The worker runtime owns one [`Service`] and drives long jobs step by step, yielding between
//! steps; everything here is synchronous and runs natively in tests.

use converge_core::demo::{CustomerGenerator, DemoParams};
use converge_core::table::Table;

use crate::protocol::{
    ColumnSummary, DatasetId, DatasetSummary, ErrorCode, TablePage, WorkerError,
};

/// The most rows one page may carry; a grid asks for what it shows, and this bounds a message.
pub const MAX_PAGE_ROWS: u64 = 1_000;

/// The data the worker holds.
#[derive(Debug, Default)]
pub struct Service {
    datasets: Vec<(DatasetId, Table)>,
    next_dataset_id: u32,
}

impl Service {
    /// Keeps a table; a table with the same name as one already held replaces it, so loading the
    /// demo twice does not show it twice.
    pub fn add(&mut self, table: Table) -> DatasetId {
        self.datasets
            .retain(|(_, held)| held.name() != table.name());
        let id = DatasetId(self.next_dataset_id);
        self.next_dataset_id += 1;
        self.datasets.push((id, table));
        id
    }

    pub fn summaries(&self) -> Vec<DatasetSummary> {
        self.datasets
            .iter()
            .map(|(id, table)| summarise(*id, table))
            .collect()
    }

    pub fn remove(&mut self, dataset: DatasetId) -> Result<(), WorkerError> {
        let before = self.datasets.len();
        self.datasets.retain(|(id, _)| *id != dataset);
        if self.datasets.len() == before {
            return Err(not_found(dataset));
        }
        Ok(())
    }

    pub fn page(
        &self,
        dataset: DatasetId,
        offset: u64,
        limit: u64,
    ) -> Result<TablePage, WorkerError> {
        let table = self
            .datasets
            .iter()
            .find(|(id, _)| *id == dataset)
            .map(|(_, table)| table)
            .ok_or_else(|| not_found(dataset))?;
        let offset_idx = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit.min(MAX_PAGE_ROWS)).unwrap_or(0);
        Ok(TablePage {
            dataset,
            offset,
            n_rows_total: table.n_rows() as u64,
            column_names: table
                .columns()
                .iter()
                .map(|c| c.name().to_owned())
                .collect(),
            rows: table.page_as_text(offset_idx, limit),
        })
    }
}

fn summarise(id: DatasetId, table: &Table) -> DatasetSummary {
    DatasetSummary {
        id,
        name: table.name().to_owned(),
        n_rows: table.n_rows() as u64,
        columns: table
            .columns()
            .iter()
            .map(|column| ColumnSummary {
                name: column.name().to_owned(),
                column_type: column.column_type(),
                n_missing: column.n_missing() as u64,
            })
            .collect(),
    }
}

fn not_found(dataset: DatasetId) -> WorkerError {
    WorkerError::new(
        ErrorCode::NotFound,
        format!(
            "Dataset {} is no longer loaded. Load it again to continue.",
            dataset.0
        ),
    )
}

/// Where a long job stands after a step.
#[derive(Debug)]
pub enum Step<T> {
    /// More to do: `fraction` of the work is done, and `phase` says what is going on.
    Working {
        fraction: f32,
        phase: &'static str,
    },
    Finished(T),
}

/// Generating the demo company, a few thousand rows per step.
#[derive(Debug)]
pub struct DemoJob {
    customers: Option<CustomerGenerator>,
}

/// Rows per step: a few milliseconds of work, so a cancel is honoured at once.
const DEMO_ROWS_PER_STEP: usize = 2_000;

/// The most customers the demo will generate; a bigger request is a mistake, not a wish.
pub const MAX_DEMO_CUSTOMERS: u64 = 2_000_000;

impl DemoJob {
    pub fn new(n_customers: u64) -> Result<DemoJob, WorkerError> {
        if n_customers > MAX_DEMO_CUSTOMERS {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("The demo has at most {MAX_DEMO_CUSTOMERS} customers; {n_customers} were asked for."),
            ));
        }
        let params = DemoParams {
            n_customers: usize::try_from(n_customers).unwrap_or(usize::MAX),
            ..DemoParams::default()
        };
        Ok(DemoJob {
            customers: Some(CustomerGenerator::new(params)),
        })
    }

    pub fn step(&mut self) -> Result<Step<Vec<Table>>, WorkerError> {
        let generator = self.customers.as_mut().ok_or_else(|| {
            WorkerError::new(
                ErrorCode::Internal,
                "The demo job was stepped after it finished.",
            )
        })?;
        generator.step(DEMO_ROWS_PER_STEP);
        if !generator.is_done() {
            return Ok(Step::Working {
                fraction: generator.fraction_done() as f32,
                phase: "Generating demo customers",
            });
        }
        let generator = self.customers.take().ok_or_else(|| {
            WorkerError::new(ErrorCode::Internal, "The demo job lost its generator.")
        })?;
        let customers = generator
            .finish()
            .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
        Ok(Step::Finished(vec![customers]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_demo(n_customers: u64) -> Vec<Table> {
        let mut job = DemoJob::new(n_customers).unwrap();
        let mut last_fraction = 0.0;
        loop {
            match job.step().unwrap() {
                Step::Working { fraction, .. } => {
                    assert!(fraction >= last_fraction && fraction < 1.0);
                    last_fraction = fraction;
                }
                Step::Finished(tables) => return tables,
            }
        }
    }

    #[test]
    fn loading_the_demo_twice_keeps_one_copy() {
        let mut service = Service::default();
        for table in run_demo(4_500) {
            service.add(table);
        }
        for table in run_demo(4_500) {
            service.add(table);
        }
        let summaries = service.summaries();
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].n_rows, 4_500);
        assert_eq!(summaries[0].name, "crm_customers");
    }

    #[test]
    fn pages_are_bounded_and_missing_datasets_are_named() {
        let mut service = Service::default();
        let id = service.add(run_demo(3_000).remove(0));
        let page = service.page(id, 2_990, 50).unwrap();
        assert_eq!(page.rows.len(), 10);
        assert_eq!(page.n_rows_total, 3_000);
        let page = service.page(id, 0, u64::MAX).unwrap();
        assert_eq!(page.rows.len() as u64, MAX_PAGE_ROWS);
        assert!(service.page(id, u64::MAX, 10).unwrap().rows.is_empty());

        service.remove(id).unwrap();
        let err = service.page(id, 0, 10).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
        assert_eq!(service.remove(id).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn an_absurd_demo_size_is_refused_before_any_work() {
        let err = DemoJob::new(MAX_DEMO_CUSTOMERS + 1).unwrap_err();
        assert_eq!(err.code, ErrorCode::Invalid);
    }
}
