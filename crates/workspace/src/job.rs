//! Long jobs as steps: a job does a bounded piece of work per call and says how far it is, so
//! the worker can report progress, yield to its message loop and stop at a cancel between steps.

use std::io::Read;

use converge_core::demo::{CompanyGenerator, DemoParams, MAX_DEMO_CUSTOMERS};
use converge_core::ingest::{Ingest, IngestProgress, Ingested, ReadOptions};

use crate::answer::{ErrorCode, WorkerError};

/// Rows read per step: a few milliseconds of work, so progress flows and a cancel is prompt (the
/// demo generates half as many per step).
pub(crate) const ROWS_PER_STEP: usize = 20_000;

/// Where a long job stands after a step.
#[derive(Debug)]
pub enum Step<T> {
    /// More to do: `fraction` of the work is done, and `phase` says what is going on.
    Working {
        fraction: f32,
        phase: String,
    },
    Finished(T),
}

/// Importing one file.
pub struct ImportJob {
    ingest: Option<Ingest>,
    file_name: String,
    total_bytes: Option<u64>,
}

impl ImportJob {
    pub fn new(
        file_name: &str,
        reader: impl Read + 'static,
        total_bytes: Option<u64>,
    ) -> Result<ImportJob, WorkerError> {
        let mut ingest = Ingest::new(file_name, reader, ReadOptions::default())
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        if let Some(total_bytes) = total_bytes {
            ingest = ingest.with_size_hint(total_bytes);
        }
        Ok(ImportJob {
            ingest: Some(ingest),
            file_name: file_name.to_owned(),
            total_bytes,
        })
    }

    pub fn step(&mut self) -> Result<Step<Ingested>, WorkerError> {
        let ingest = self.ingest.as_mut().ok_or_else(|| {
            WorkerError::new(
                ErrorCode::Internal,
                "The import was stepped after it finished.",
            )
        })?;
        let progress = ingest
            .step(ROWS_PER_STEP)
            .map_err(|err| WorkerError::new(ErrorCode::Invalid, err.to_string()))?;
        let phase = match progress {
            IngestProgress::Reading { .. } => format!("Reading {}", self.file_name),
            IngestProgress::Typing { .. } => format!("Typing the columns of {}", self.file_name),
            IngestProgress::Finished => {
                let ingest = self.ingest.take().ok_or_else(|| {
                    WorkerError::new(ErrorCode::Internal, "The import lost its reader.")
                })?;
                let ingested = ingest
                    .finish()
                    .map_err(|err| WorkerError::new(ErrorCode::Internal, err.to_string()))?;
                return Ok(Step::Finished(ingested));
            }
        };
        Ok(Step::Working {
            fraction: ingest.fraction_done(self.total_bytes),
            phase,
        })
    }
}

/// Generating the demo company's files, then importing each as if the user had dropped it.
pub struct DemoJob {
    generator: Option<CompanyGenerator>,
    files: std::vec::IntoIter<converge_core::demo::DemoFile>,
    n_files: usize,
    import: Option<ImportJob>,
    imported: Vec<Ingested>,
}

/// Share of the demo's work spent generating (the rest is importing).
const DEMO_GENERATION_SHARE: f32 = 0.4;

impl DemoJob {
    pub fn new(n_customers: u64) -> Result<DemoJob, WorkerError> {
        let n_customers = usize::try_from(n_customers).unwrap_or(usize::MAX);
        if n_customers > MAX_DEMO_CUSTOMERS {
            return Err(WorkerError::new(
                ErrorCode::Invalid,
                format!("The demo has at most {MAX_DEMO_CUSTOMERS} customers; {n_customers} were asked for."),
            ));
        }
        let params = DemoParams {
            n_customers,
            ..DemoParams::default()
        };
        Ok(DemoJob {
            generator: Some(CompanyGenerator::new(params)),
            files: Vec::new().into_iter(),
            n_files: 0,
            import: None,
            imported: Vec::new(),
        })
    }

    pub fn step(&mut self) -> Result<Step<Vec<Ingested>>, WorkerError> {
        if let Some(generator) = &mut self.generator {
            let phase = format!(
                "Generating the demo's {}",
                generator.current_file().unwrap_or("files")
            );
            generator.step(ROWS_PER_STEP / 2);
            let fraction = DEMO_GENERATION_SHARE * generator.fraction_done();
            if generator.is_done() {
                let company = self.generator.take().expect("checked just above").finish();
                self.n_files = company.files.len();
                self.files = company.files.into_iter();
            }
            return Ok(Step::Working { fraction, phase });
        }
        if self.import.is_none() {
            match self.files.next() {
                Some(file) => {
                    let size = file.bytes.len() as u64;
                    let name = file.name.clone();
                    self.import = Some(ImportJob::new(
                        &name,
                        std::io::Cursor::new(file.bytes),
                        Some(size),
                    )?);
                }
                None => return Ok(Step::Finished(std::mem::take(&mut self.imported))),
            }
        }
        let import = self.import.as_mut().expect("set just above");
        let n_done = self.imported.len() as f32;
        let share = (1.0 - DEMO_GENERATION_SHARE) / self.n_files.max(1) as f32;
        match import.step()? {
            Step::Working { fraction, phase } => Ok(Step::Working {
                fraction: DEMO_GENERATION_SHARE + share * (n_done + fraction),
                phase,
            }),
            Step::Finished(ingested) => {
                self.imported.push(ingested);
                self.import = None;
                Ok(Step::Working {
                    fraction: DEMO_GENERATION_SHARE + share * (n_done + 1.0),
                    phase: "Importing the demo's files".into(),
                })
            }
        }
    }
}
