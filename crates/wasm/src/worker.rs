//! The Web Worker runtime: it owns the data and runs requests without blocking the page.
//!
//! Each request runs as a future. Long jobs are cut into steps; after each step the job passes a
//! checkpoint that, once its time slice is spent, yields to the worker's event loop. That is what
//! lets a [`ToWorker::Cancel`] (and other requests) arrive while a job runs, and keeps progress
//! messages flowing. A panic is reported to the page as [`FromWorker::Crashed`] by a panic hook
//! before WebAssembly traps; the page then replaces the worker.

use std::cell::{Cell, RefCell};
use std::collections::HashSet;

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::blob_reader::BlobReader;
use crate::held::SERVICE;
use crate::network::{LayoutJob, NetworkJob};
use crate::outbox::post;
use crate::protocol::{
    ErrorCode, FileHandle, FromWorker, Request, RequestId, Response, ToWorker, WorkerError,
};
use crate::service::{DemoJob, ImportJob, Service, Step};
use crate::stream;

/// How long a job computes before it yields to the event loop, in milliseconds.
const TIME_SLICE_MS: f64 = 30.0;
/// The least time between two progress messages for one request, in milliseconds.
const PROGRESS_INTERVAL_MS: f64 = 50.0;

thread_local! {
    static RUNNING: RefCell<HashSet<RequestId>> = RefCell::new(HashSet::new());
    static CANCELLED: RefCell<HashSet<RequestId>> = RefCell::new(HashSet::new());
}

/// Starts listening for requests. Called once, by the worker binary's `main`.
pub fn start() {
    std::panic::set_hook(Box::new(report_panic));
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        match serde_wasm_bindgen::from_value::<ToWorker>(event.data()) {
            Ok(ToWorker::Run { id, request }) => {
                RUNNING.with_borrow_mut(|running| running.insert(id));
                wasm_bindgen_futures::spawn_local(run(id, request));
            }
            Ok(ToWorker::Cancel { id }) => {
                if RUNNING.with_borrow(|running| running.contains(&id)) {
                    CANCELLED.with_borrow_mut(|cancelled| cancelled.insert(id));
                }
            }
            Err(err) => post(&FromWorker::Unreadable {
                message: format!("The analysis engine could not read a message: {err}"),
            }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    post(&FromWorker::Ready {
        version: converge_core::VERSION.to_owned(),
    });
}

async fn run(id: RequestId, request: Request) {
    let job = Job::new(id);
    let outcome = handle(&job, request).await;
    RUNNING.with_borrow_mut(|running| running.remove(&id));
    CANCELLED.with_borrow_mut(|cancelled| cancelled.remove(&id));
    post(&match outcome {
        Ok(response) => FromWorker::Done { id, response },
        Err(error) => FromWorker::Failed { id, error },
    });
}

async fn handle(job: &Job, request: Request) -> Result<Response, WorkerError> {
    match request {
        Request::Ping => Ok(Response::Pong {
            version: converge_core::VERSION.to_owned(),
        }),
        Request::ListDatasets => Ok(datasets()),
        Request::TablePage {
            dataset,
            offset,
            limit,
        } => SERVICE
            .with_borrow(|service| service.page(dataset, offset, limit))
            .map(|page| Response::Page { page }),
        Request::RemoveDataset { dataset } => {
            SERVICE.with_borrow_mut(|service| service.remove(dataset))?;
            Ok(datasets())
        }
        Request::LoadDemo { n_customers } => {
            let mut demo = DemoJob::new(n_customers)?;
            let imported = drive(job, || demo.step()).await?;
            SERVICE.with_borrow_mut(|service| {
                for ingested in imported {
                    service.add(ingested);
                }
            });
            score_sentiment(job).await;
            job.progress(1.0, "Demo data ready");
            Ok(datasets())
        }
        Request::ImportFile { file } => {
            let (reader, name, size) = open(&file)?;
            let mut import = ImportJob::new(&name, reader, Some(size))?;
            let ingested = drive(job, || import.step()).await?;
            SERVICE.with_borrow_mut(|service| service.add(ingested));
            score_sentiment(job).await;
            Ok(datasets())
        }
        Request::SetSchema { dataset, overrides } => {
            SERVICE.with_borrow_mut(|service| service.set_overrides(dataset, overrides))?;
            score_sentiment(job).await;
            Ok(datasets())
        }
        Request::RejectedRowsCsv { dataset } => {
            let (file_name, text) =
                SERVICE.with_borrow(|service| service.rejected_rows_csv(dataset))?;
            Ok(Response::Csv { file_name, text })
        }
        Request::Voice { dataset, filter } => SERVICE
            .with_borrow(|service| service.voice(dataset, &filter))
            .map(|report| Response::Voice {
                report: Box::new(report),
            }),
        Request::Verbatims {
            dataset,
            filter,
            offset,
            limit,
        } => SERVICE
            .with_borrow(|service| service.verbatims(dataset, &filter, offset, limit))
            .map(|page| Response::Verbatims { page }),
        Request::SetLexicon { dataset, entries } => {
            SERVICE.with_borrow_mut(|service| service.set_lexicon(dataset, entries))?;
            score_sentiment(job).await;
            Ok(datasets())
        }
        Request::Network { dataset, filter } => {
            let mut network = NetworkJob::new(dataset, filter);
            let report = drive(job, || {
                SERVICE.with_borrow(|service| service.network_step(&mut network))
            })
            .await?;
            SERVICE.with_borrow_mut(|service| service.keep_network(network.kept()));
            Ok(Response::Network {
                report: Box::new(report),
            })
        }
        Request::Layout {
            n_nodes,
            edges,
            seed,
        } => {
            if let Some(positions) =
                SERVICE.with_borrow_mut(|service| service.cached_layout(n_nodes, &edges, seed))
            {
                return Ok(Response::Layout { positions });
            }
            let mut layout = LayoutJob::new(n_nodes, &edges, seed)?;
            while layout.step().is_continue() {
                job.positions(layout.fraction_done(), || layout.positions());
                job.checkpoint().await?;
            }
            let positions = layout.positions();
            SERVICE.with_borrow_mut(|service| {
                service.keep_layout(n_nodes, edges, seed, positions.clone())
            });
            Ok(Response::Layout { positions })
        }
        Request::HandlePosts {
            dataset,
            handle,
            filter,
            limit,
        } => SERVICE
            .with_borrow(|service| service.handle_posts(dataset, &handle, &filter, limit))
            .map(|posts| Response::HandlePosts { posts }),
        Request::Segments => {
            let mut segmentation = SERVICE.with_borrow(Service::start_segmentation)?;
            let done = drive(job, || segmentation.step()).await?;
            let report =
                SERVICE.with_borrow_mut(|service| service.keep_segmentation(done).report().clone());
            SERVICE.with_borrow(stream::refresh_directory);
            Ok(Response::Segments {
                report: Box::new(report),
            })
        }
        Request::SegmentCustomers {
            audience,
            offset,
            limit,
        } => SERVICE
            .with_borrow(|service| service.segmentation()?.customers(&audience, offset, limit))
            .map(|page| Response::SegmentCustomers { page }),
        Request::ExplainCustomer { customer } => SERVICE
            .with_borrow(|service| service.segmentation()?.explain(customer))
            .map(|explanation| Response::CustomerExplanation {
                explanation: Box::new(explanation),
            }),
        Request::ExportAudience {
            audience,
            format,
            columns,
            per_household,
        } => {
            let (file_name, text) = SERVICE.with_borrow(|service| {
                service.export_audience(&audience, format, &columns, per_household)
            })?;
            Ok(Response::Csv { file_name, text })
        }
        Request::Crash => panic!("the analysis engine was asked to crash (diagnostics mode)"),
        Request::Converge { threshold } => converge(job, threshold).await,
        Request::SetMatchThreshold { threshold } => {
            customers(|service| service.set_match_threshold(threshold))
        }
        Request::ReviewLink {
            left,
            right,
            same_customer,
        } => customers(|service| service.review_link(left, right, same_customer)),
        Request::CustomerList {
            search,
            offset,
            limit,
        } => SERVICE
            .with_borrow(|service| service.customer_list(&search, offset, limit))
            .map(|page| Response::CustomerList { page }),
        Request::Customer360 { customer } => SERVICE
            .with_borrow(|service| service.customer_360(customer))
            .map(|customer| Response::Customer360 {
                customer: Box::new(customer),
            }),
        Request::CommunityTerms {
            dataset,
            filter,
            communities,
        } => SERVICE
            .with_borrow(|service| service.community_terms(dataset, &filter, &communities))
            .map(|terms| Response::CommunityTerms { terms }),
        Request::LiveConnect { url, role } => {
            let directory = SERVICE.with_borrow(Service::live_directory);
            stream::connect(url, role, directory).map(live)
        }
        Request::LiveDisconnect => Ok(live(stream::disconnect())),
        Request::LiveSimulate { records_per_second } => {
            let (simulation, directory) = if records_per_second > 0 {
                SERVICE.with_borrow(|service| {
                    Ok::<_, WorkerError>((
                        Some(service.start_simulation()?),
                        service.live_directory(),
                    ))
                })?
            } else {
                (None, Default::default())
            };
            stream::simulate(records_per_second, simulation, directory).map(live)
        }
        Request::LiveRules { rules } => Ok(live(stream::set_rules(rules))),
        Request::LiveRecords { ids } => Ok(Response::LiveRecords {
            records: stream::records(&ids),
        }),
        Request::LiveKeepAsDataset => {
            let lines = stream::as_json_lines()?.into_bytes();
            let size = lines.len() as u64;
            let file_name = format!("{}.jsonl", crate::protocol::LIVE_DATASET);
            let mut import = ImportJob::new(&file_name, std::io::Cursor::new(lines), Some(size))?;
            let ingested = drive(job, || import.step()).await?;
            SERVICE.with_borrow_mut(|service| service.add(ingested));
            score_sentiment(job).await;
            Ok(datasets())
        }
    }
}

fn live(update: crate::live::LiveUpdate) -> Response {
    Response::Live {
        update: Box::new(update),
    }
}

/// Converges every held dataset into customers, in steps (blocking one rule, comparing a chunk
/// of pairs, training on one rule's pairs…) with progress between them, so a cancel stops it
/// mid-fit and the page stays usable.
async fn converge(job: &Job, threshold: f64) -> Result<Response, WorkerError> {
    score_sentiment(job).await;
    job.progress(0.0, "Converging customers across sources");
    job.checkpoint().await?;
    let mut convergence = SERVICE.with_borrow(|service| service.start_convergence(threshold))?;
    let fitted = drive(job, || {
        SERVICE.with_borrow(|service| service.convergence_step(&mut convergence))
    })
    .await?;
    let overview =
        SERVICE.with_borrow_mut(|service| service.keep_convergence(convergence, fitted))?;
    job.progress(1.0, "Customers converged");
    SERVICE.with_borrow(stream::refresh_directory);
    Ok(Response::Customers {
        overview: Box::new(overview),
    })
}

fn customers(
    change: impl FnOnce(&mut Service) -> Result<crate::protocol::CustomersOverview, WorkerError>,
) -> Result<Response, WorkerError> {
    SERVICE
        .with_borrow_mut(change)
        .map(|overview| Response::Customers {
            overview: Box::new(overview),
        })
}

/// Scores the customer text of every dataset not yet scored, with progress. Not cancellable: it
/// follows an import that has already succeeded, and takes little time.
async fn score_sentiment(job: &Job) {
    while let Some((name, fraction)) = SERVICE.with_borrow_mut(Service::score_sentiment_step) {
        job.progress(fraction, &format!("Scoring the sentiment of {name}"));
        job.pause().await;
    }
}

/// Runs a stepped job to its end, reporting progress and honouring a cancel between steps.
async fn drive<T>(
    job: &Job,
    mut step: impl FnMut() -> Result<Step<T>, WorkerError>,
) -> Result<T, WorkerError> {
    loop {
        match step()? {
            Step::Working { fraction, phase } => {
                job.progress(fraction, &phase);
                job.checkpoint().await?;
            }
            Step::Finished(done) => return Ok(done),
        }
    }
}

/// A reader over the user's file, its name and its size in bytes.
fn open(file: &FileHandle) -> Result<(BlobReader, String, u64), WorkerError> {
    let file: web_sys::File = file.0.clone().dyn_into().map_err(|_| {
        WorkerError::new(
            ErrorCode::Invalid,
            "The worker was sent something that is not a file.",
        )
    })?;
    let name = file.name();
    let size = file.size() as u64;
    let reader = BlobReader::new(file.into()).map_err(|err| {
        WorkerError::new(ErrorCode::Invalid, format!("{name} cannot be read: {err}"))
    })?;
    Ok((reader, name, size))
}

fn datasets() -> Response {
    Response::Datasets {
        datasets: SERVICE.with_borrow(Service::summaries),
    }
}

/// One running request's link to the event loop: progress out, cancellation in.
struct Job {
    id: RequestId,
    slice_started_ms: Cell<f64>,
    last_progress_ms: Cell<f64>,
}

impl Job {
    fn new(id: RequestId) -> Job {
        Job {
            id,
            slice_started_ms: Cell::new(js_sys::Date::now()),
            last_progress_ms: Cell::new(f64::NEG_INFINITY),
        }
    }

    fn progress(&self, fraction: f32, phase: &str) {
        let now = js_sys::Date::now();
        if now - self.last_progress_ms.get() < PROGRESS_INTERVAL_MS && fraction < 1.0 {
            return;
        }
        self.last_progress_ms.set(now);
        post(&FromWorker::Progress {
            id: self.id,
            fraction: fraction.clamp(0.0, 1.0),
            phase: phase.to_owned(),
        });
    }

    /// Streams a layout's positions, as often as progress (and never more often).
    fn positions(&self, fraction: f32, positions: impl FnOnce() -> Vec<f32>) {
        let now = js_sys::Date::now();
        if now - self.last_progress_ms.get() < PROGRESS_INTERVAL_MS {
            return;
        }
        self.last_progress_ms.set(now);
        post(&FromWorker::Positions {
            id: self.id,
            fraction: fraction.clamp(0.0, 1.0),
            positions: positions(),
        });
    }

    /// Yields to the event loop once the time slice is spent.
    async fn pause(&self) {
        if js_sys::Date::now() - self.slice_started_ms.get() >= TIME_SLICE_MS {
            yield_to_event_loop().await;
            self.slice_started_ms.set(js_sys::Date::now());
        }
    }

    /// Yields to the event loop once the time slice is spent, then fails if the user cancelled.
    async fn checkpoint(&self) -> Result<(), WorkerError> {
        self.pause().await;
        if CANCELLED.with_borrow(|cancelled| cancelled.contains(&self.id)) {
            return Err(WorkerError::cancelled());
        }
        Ok(())
    }
}

/// Lets queued messages (a cancel, another request) run, then resumes. A message to ourselves
/// through a `MessageChannel` comes back at once, where `setTimeout(0)` is clamped to 4 ms once
/// nested; should the channel fail, the timer still works.
async fn yield_to_event_loop() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        TimeoutFuture::new(0).await;
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    channel.port1().close();
}

fn report_panic(info: &std::panic::PanicHookInfo<'_>) {
    let message = info.to_string();
    web_sys::console::error_1(&format!("converge worker panicked: {message}").into());
    post(&FromWorker::Crashed { message });
}
