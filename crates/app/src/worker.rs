//! The one way components reach the analysis worker: [`use_worker`].
//!
//! The worker client is created once by the app root; every answer becomes an [`Action`] on the
//! app state, so components never handle raw messages. Components call the handle's methods and
//! read the results from the state.

use std::rc::Rc;

use converge_core::identity::{CustomerId, RecordRef};
use converge_core::schema::Overrides;
use converge_core::sentiment::LexiconEntry;
use converge_wasm::client::{ClientEvent, WorkerClient};
use converge_wasm::protocol::{
    AlertRules, Audience, AudienceFormat, DatasetId, FileHandle, LiveRole, NetworkFilter,
    NetworkReport, Request, RequestId, Response, VoiceFilter,
};
use yew::prelude::*;

use crate::download;

use crate::state::{Action, AppState, JobKind, Tone};

/// How many customers "Load demo data" asks for, unless the address says otherwise.
pub const DEMO_CUSTOMERS: u64 = 10_000;

/// Trunk's loader for the worker (`data-loader-shim`): it imports `worker.js` and starts the wasm.
/// Relative to the page, so the app can live under any path.
const WORKER_SCRIPT: &str = "./worker_loader.js";

/// Sends requests to the worker and files their jobs in the app state.
#[derive(Clone)]
pub struct WorkerHandle {
    client: Rc<WorkerClient>,
    dispatch: UseReducerDispatcher<AppState>,
}

impl PartialEq for WorkerHandle {
    fn eq(&self, other: &WorkerHandle) -> bool {
        Rc::ptr_eq(&self.client, &other.client)
    }
}

impl WorkerHandle {
    pub fn load_demo(&self, n_customers: u64) {
        self.start(Request::LoadDemo { n_customers }, Some(JobKind::LoadDemo));
    }

    /// Imports each file in the worker, one job (with its own progress and cancel) per file.
    pub fn import_files(&self, files: Vec<web_sys::File>) {
        for file in files {
            let kind = JobKind::Import(file.name());
            self.start(
                Request::ImportFile {
                    file: FileHandle(file.into()),
                },
                Some(kind),
            );
        }
    }

    pub fn set_schema(&self, dataset: DatasetId, overrides: Overrides) {
        self.start(Request::SetSchema { dataset, overrides }, None);
    }

    /// Asks for every refused row of an import; the answer arrives as a download.
    pub fn download_rejected_rows(&self, dataset: DatasetId) {
        self.start(Request::RejectedRowsCsv { dataset }, None);
    }

    pub fn request_page(&self, dataset: DatasetId, offset: u64, limit: u64) {
        self.start(
            Request::TablePage {
                dataset,
                offset,
                limit,
            },
            None,
        );
    }

    /// Asks for the voice of the customer in a dataset, under `filter`.
    pub fn voice(&self, dataset: DatasetId, filter: VoiceFilter) {
        self.start(Request::Voice { dataset, filter }, None);
    }

    pub fn verbatims(&self, dataset: DatasetId, filter: VoiceFilter, offset: u64, limit: u64) {
        self.start(
            Request::Verbatims {
                dataset,
                filter,
                offset,
                limit,
            },
            None,
        );
    }

    /// Replaces a dataset's own rated words; the worker scores its texts again.
    pub fn set_lexicon(&self, dataset: DatasetId, name: String, entries: Vec<LexiconEntry>) {
        self.start(
            Request::SetLexicon { dataset, entries },
            Some(JobKind::Rescore(name)),
        );
    }

    /// Asks for the mention graph of a dataset of posts, under `filter`.
    pub fn network(&self, dataset: DatasetId, name: String, filter: NetworkFilter) {
        self.start(
            Request::Network { dataset, filter },
            Some(JobKind::Network(name)),
        );
    }

    /// Lays out a report's drawn nodes; positions stream into the app state as they settle.
    pub fn layout(&self, report: &NetworkReport) {
        let request = Request::Layout {
            n_nodes: report.nodes.len() as u32,
            edges: report
                .edges
                .iter()
                .map(|edge| (edge.source, edge.target))
                .collect(),
            seed: 1,
        };
        match self.client.send(request) {
            Ok(id) => self.dispatch.dispatch(Action::LayoutStarted {
                id,
                dataset: report.dataset,
                n_nodes: report.nodes.len(),
            }),
            Err(error) => self.dispatch.dispatch(Action::Notify {
                tone: Tone::Error,
                title: error.message,
                detail: None,
            }),
        }
    }

    /// Asks for a handle's latest posts, for its details panel.
    pub fn handle_posts(&self, dataset: DatasetId, handle: String, filter: NetworkFilter) {
        self.start(
            Request::HandlePosts {
                dataset,
                handle,
                filter,
                limit: 10,
            },
            None,
        );
    }

    /// Asks for the distinctive terms of communities of the network on show.
    pub fn community_terms(
        &self,
        dataset: DatasetId,
        filter: NetworkFilter,
        communities: Vec<u32>,
    ) {
        self.start(
            Request::CommunityTerms {
                dataset,
                filter,
                communities,
            },
            None,
        );
    }

    /// Segments the customers of every dataset held (a job, with progress and cancel).
    pub fn segments(&self) {
        self.start(Request::Segments, Some(JobKind::Segment));
    }

    pub fn segment_customers(&self, audience: Audience, offset: u64, limit: u64) {
        self.start(
            Request::SegmentCustomers {
                audience,
                offset,
                limit,
            },
            None,
        );
    }

    pub fn explain_customer(&self, customer: u32) {
        self.start(Request::ExplainCustomer { customer }, None);
    }

    /// Asks for an audience file, one row per customer or per household; the answer arrives as
    /// a download.
    pub fn export_audience(
        &self,
        audience: Audience,
        format: AudienceFormat,
        columns: Vec<String>,
        per_household: bool,
    ) {
        self.start(
            Request::ExportAudience {
                audience,
                format,
                columns,
                per_household,
            },
            None,
        );
    }

    pub fn converge(&self, threshold: f64) {
        self.start(Request::Converge { threshold }, Some(JobKind::Converge));
    }

    pub fn set_match_threshold(&self, threshold: f64) {
        self.start(Request::SetMatchThreshold { threshold }, None);
    }

    /// Accept (`Some(true)`), split (`Some(false)`) or forget the ruling on a link.
    pub fn review_link(&self, left: RecordRef, right: RecordRef, same_customer: Option<bool>) {
        self.start(
            Request::ReviewLink {
                left,
                right,
                same_customer,
            },
            None,
        );
    }

    pub fn customer_list(&self, search: String, offset: u64, limit: u64) {
        self.start(
            Request::CustomerList {
                search,
                offset,
                limit,
            },
            None,
        );
    }

    pub fn customer_360(&self, customer: CustomerId) {
        self.start(Request::Customer360 { customer }, None);
    }

    pub fn remove_dataset(&self, dataset: DatasetId) {
        self.start(Request::RemoveDataset { dataset }, None);
    }

    pub fn cancel(&self, id: RequestId) {
        self.client.cancel(id);
    }

    /// Connects the worker to a live stream (SSE or WebSocket) whose records are `role` (`None`:
    /// detected record by record).
    pub fn live_connect(&self, url: String, role: Option<LiveRole>) {
        self.start(Request::LiveConnect { url, role }, None);
    }

    pub fn live_disconnect(&self) {
        self.start(Request::LiveDisconnect, None);
    }

    /// Simulated traffic from the loaded data, at `records_per_second` (0 stops it).
    pub fn live_simulate(&self, records_per_second: u32) {
        self.start(Request::LiveSimulate { records_per_second }, None);
    }

    pub fn live_rules(&self, rules: AlertRules) {
        self.start(Request::LiveRules { rules }, None);
    }

    /// Keeps the live table's records as a dataset for the other views.
    pub fn live_keep_as_dataset(&self) {
        self.start(Request::LiveKeepAsDataset, None);
    }

    /// The records behind an alert, explained.
    pub fn live_records(&self, ids: Vec<u64>) {
        self.start(Request::LiveRecords { ids }, None);
    }

    /// Diagnostics only: makes the worker panic, to show that the app recovers.
    pub fn crash(&self) {
        self.start(Request::Crash, None);
    }

    fn start(&self, request: Request, kind: Option<JobKind>) {
        match self.client.send(request) {
            Ok(id) => {
                if let Some(kind) = kind {
                    self.dispatch.dispatch(Action::JobStarted { id, kind });
                }
            }
            Err(error) => self.dispatch.dispatch(Action::Notify {
                tone: Tone::Error,
                title: error.message,
                detail: None,
            }),
        }
    }
}

/// What the app root provides to every component.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    pub worker: WorkerHandle,
}

/// Starts the worker once, for the lifetime of the app root.
#[hook]
pub fn use_worker_client(dispatch: UseReducerDispatcher<AppState>) -> WorkerHandle {
    let client = use_memo((), {
        let dispatch = dispatch.clone();
        move |_| {
            WorkerClient::spawn(WORKER_SCRIPT, move |event| {
                if let ClientEvent::Done {
                    response: Response::Csv { file_name, text },
                    ..
                } = &event
                {
                    if let Err(message) = download::save_text(file_name, text) {
                        dispatch.dispatch(Action::Notify {
                            tone: Tone::Error,
                            title: "The download could not be started.".into(),
                            detail: Some(message),
                        });
                    }
                }
                for action in actions_for(event) {
                    dispatch.dispatch(action);
                }
            })
        }
    });
    WorkerHandle { client, dispatch }
}

/// The app state and the worker, from any component under the root.
#[hook]
pub fn use_worker() -> AppContext {
    use_context::<AppContext>().expect("every view is rendered inside the app root's context")
}

fn actions_for(event: ClientEvent) -> Vec<Action> {
    match event {
        ClientEvent::Ready { version } => vec![Action::EngineReady { version }],
        ClientEvent::Progress {
            id,
            fraction,
            phase,
        } => vec![Action::JobProgressed {
            id,
            fraction,
            phase,
        }],
        ClientEvent::Positions {
            id,
            fraction,
            positions,
        } => vec![Action::LayoutMoved {
            id,
            fraction,
            settled: false,
            positions,
        }],
        ClientEvent::Done { id, response } => {
            let mut actions = vec![Action::RequestEnded { id }];
            match response {
                Response::Pong { .. } | Response::Csv { .. } => {}
                Response::Datasets { datasets } => actions.push(Action::DatasetsChanged(datasets)),
                Response::Page { page } => actions.push(Action::PageArrived(page)),
                Response::Voice { report } => actions.push(Action::VoiceArrived(report)),
                Response::Verbatims { page } => actions.push(Action::VerbatimsArrived(page)),
                Response::Network { report } => actions.push(Action::NetworkArrived(report)),
                Response::Layout { positions } => actions.push(Action::LayoutMoved {
                    id,
                    fraction: 1.0,
                    settled: true,
                    positions,
                }),
                Response::HandlePosts { posts } => actions.push(Action::HandlePostsArrived(posts)),
                Response::Segments { report } => actions.push(Action::SegmentsArrived(report)),
                Response::SegmentCustomers { page } => {
                    actions.push(Action::SegmentCustomersArrived(page))
                }
                Response::CustomerExplanation { explanation } => {
                    actions.push(Action::ExplanationArrived(explanation))
                }
                Response::Customers { overview } => {
                    actions.push(Action::CustomersArrived(overview))
                }
                Response::CustomerList { page } => actions.push(Action::CustomerPageArrived(page)),
                Response::Customer360 { customer } => {
                    actions.push(Action::Customer360Arrived(customer))
                }
                Response::CommunityTerms { terms } => {
                    actions.push(Action::CommunityTermsArrived(terms))
                }
                Response::Live { update } => actions.push(Action::LiveUpdated(update)),
                Response::LiveRecords { records } => {
                    actions.push(Action::LiveRecordsArrived(records))
                }
            }
            actions
        }
        ClientEvent::Failed { id, error } => vec![Action::RequestFailed { id, error }],
        ClientEvent::Restarted { reason, .. } => vec![Action::EngineRestarted { reason }],
        ClientEvent::Stopped { reason, .. } => vec![Action::EngineStopped { reason }],
        ClientEvent::Problem { message } => vec![Action::Notify {
            tone: Tone::Error,
            title: "Something went wrong in the analysis engine.".into(),
            detail: Some(message),
        }],
        ClientEvent::Live { update } => {
            crate::live_board::notify(&update.new_alerts);
            vec![Action::LiveUpdated(update)]
        }
    }
}
