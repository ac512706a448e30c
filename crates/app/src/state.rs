//! What the app knows, and every way it can change.

use std::collections::BTreeMap;
use std::rc::Rc;

use converge_wasm::protocol::{CommunityTerms, Customer360, CustomerPage, CustomersOverview};
use converge_wasm::protocol::{CustomerExplanation, SegmentCustomerPage, SegmentsReport};
use converge_wasm::protocol::{
    DatasetId, DatasetSummary, HandlePosts, NetworkReport, RequestId, TablePage, VerbatimPage,
    VoiceReport, WorkerError,
};
use converge_wasm::protocol::{LiveUpdate, LiveVerbatim};
use yew::Reducible;

use crate::live_board::LiveBoard;

/// The analysis engine (the worker) as the status bar tells it.
#[derive(Debug, Clone, PartialEq)]
pub enum Engine {
    Starting,
    Ready {
        version: String,
    },
    /// It crashed too often and will not be restarted; the page must be reloaded.
    Stopped {
        reason: String,
    },
}

/// Work the user started and is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: RequestId,
    pub kind: JobKind,
    pub fraction: f32,
    pub phase: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobKind {
    LoadDemo,
    /// Importing the file of this name.
    Import(String),
    /// Scoring a dataset's texts again with the project's own words.
    Rescore(String),
    /// Building the mention graph of this dataset.
    Network(String),
    /// Segmenting the customers.
    Segment,
    /// Resolving every source's records into customers.
    Converge,
}

impl JobKind {
    pub fn label(&self) -> String {
        match self {
            JobKind::LoadDemo => "Loading demo data".into(),
            JobKind::Import(file_name) => format!("Importing {file_name}"),
            JobKind::Rescore(name) => format!("Scoring {name} with your words"),
            JobKind::Network(name) => format!("Mapping who talks about whom in {name}"),
            JobKind::Segment => "Segmenting the customers".into(),
            JobKind::Converge => "Converging customers".into(),
        }
    }
}

/// The views of the navigation, each at its own address (`#data`, `#voice`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Data,
    Voice,
    Network,
    Segments,
    /// `#customers`, and `#customers/<id>` for one customer's 360.
    Customers,
    /// `#live`: streams as they arrive, with alerts.
    Live,
}

impl View {
    pub const ALL: [View; 6] = [
        View::Data,
        View::Voice,
        View::Network,
        View::Segments,
        View::Customers,
        View::Live,
    ];

    /// The view an address's fragment names; the Data view for anything else.
    pub fn from_hash(hash: &str) -> View {
        match hash.trim_start_matches('#') {
            "voice" => View::Voice,
            "network" => View::Network,
            "segments" => View::Segments,
            customers if customers.split('/').next() == Some("customers") => View::Customers,
            "live" => View::Live,
            _ => View::Data,
        }
    }

    pub fn hash(self) -> &'static str {
        match self {
            View::Data => "#data",
            View::Voice => "#voice",
            View::Network => "#network",
            View::Segments => "#segments",
            View::Customers => "#customers",
            View::Live => "#live",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Data => "Data",
            View::Voice => "Voice of the customer",
            View::Network => "Network",
            View::Segments => "Segments",
            View::Customers => "Customers",
            View::Live => "Live",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

/// A message for the user, shown until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub key: u32,
    pub tone: Tone,
    pub title: String,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub engine: Engine,
    pub jobs: Vec<Job>,
    pub datasets: Vec<DatasetSummary>,
    /// The rows on show for each dataset, as last received.
    pub pages: BTreeMap<DatasetId, TablePage>,
    pub notices: Vec<Notice>,
    next_notice_key: u32,
    pub settings: Settings,
    pub view: View,
    /// The last voice-of-the-customer answer, and the verbatims on show.
    pub voice: Option<Rc<VoiceReport>>,
    pub verbatims: Option<Rc<VerbatimPage>>,
    /// The last network answer, where its nodes are drawn, and the posts of the node on show.
    pub network: Option<Rc<NetworkReport>>,
    pub layout: Option<Layout>,
    pub handle_posts: Option<Rc<HandlePosts>>,
    /// The last segmentation, the customers of the audience on show, and one explained.
    pub segments: Option<Rc<SegmentsReport>>,
    pub segment_customers: Option<Rc<SegmentCustomerPage>>,
    pub explanation: Option<Rc<CustomerExplanation>>,
    /// The converged customers, the list page and the customer 360 on show.
    pub customers: Option<Rc<CustomersOverview>>,
    pub customer_page: Option<Rc<CustomerPage>>,
    pub customer_360: Option<Rc<Customer360>>,
    /// Terms of the network's communities asked for beyond those its report carries.
    pub community_terms: Vec<Rc<CommunityTerms>>,
    /// The live feed as last updated, with the alerts seen so far.
    pub live: Option<Rc<LiveBoard>>,
}

/// A layout of the drawn network as it settles in the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub request: RequestId,
    /// The report laid out (its dataset and node count), so a stale layout is never drawn.
    pub dataset: DatasetId,
    pub n_nodes: usize,
    pub fraction: f32,
    pub settled: bool,
    /// `[x0, y0, x1, y1, …]`, empty until the first positions arrive.
    pub positions: Rc<Vec<f32>>,
}

/// Choices made once, when the app starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Diagnostics mode offers a button that crashes the worker, to show the app recovers.
    pub diagnostics: bool,
    /// How many customers "Load demo data" generates.
    pub demo_customers: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            diagnostics: false,
            demo_customers: crate::worker::DEMO_CUSTOMERS,
        }
    }
}

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        AppState {
            engine: Engine::Starting,
            jobs: Vec::new(),
            datasets: Vec::new(),
            pages: BTreeMap::new(),
            notices: Vec::new(),
            next_notice_key: 0,
            settings,
            view: View::Data,
            voice: None,
            verbatims: None,
            network: None,
            layout: None,
            handle_posts: None,
            segments: None,
            segment_customers: None,
            explanation: None,
            customers: None,
            customer_page: None,
            customer_360: None,
            community_terms: Vec::new(),
            live: None,
        }
    }

    pub fn job(&self, kind: &JobKind) -> Option<&Job> {
        self.jobs.iter().find(|job| &job.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    EngineReady {
        version: String,
    },
    JobStarted {
        id: RequestId,
        kind: JobKind,
    },
    JobProgressed {
        id: RequestId,
        fraction: f32,
        phase: String,
    },
    /// A request ended, well or badly; its job (if it had one) is over.
    RequestEnded {
        id: RequestId,
    },
    DatasetsChanged(Vec<DatasetSummary>),
    PageArrived(TablePage),
    VoiceArrived(Box<VoiceReport>),
    VerbatimsArrived(VerbatimPage),
    NetworkArrived(Box<NetworkReport>),
    /// A layout was asked for the drawn network of `dataset` (`n_nodes` nodes).
    LayoutStarted {
        id: RequestId,
        dataset: DatasetId,
        n_nodes: usize,
    },
    /// Positions of a layout, while it settles (`settled` false) or final.
    LayoutMoved {
        id: RequestId,
        fraction: f32,
        settled: bool,
        positions: Vec<f32>,
    },
    HandlePostsArrived(HandlePosts),
    SegmentsArrived(Box<SegmentsReport>),
    SegmentCustomersArrived(SegmentCustomerPage),
    ExplanationArrived(Box<CustomerExplanation>),
    CustomersArrived(Box<CustomersOverview>),
    CustomerPageArrived(CustomerPage),
    Customer360Arrived(Box<Customer360>),
    ShowView(View),
    RequestFailed {
        id: RequestId,
        error: WorkerError,
    },
    /// The worker died and a new one is starting: everything it held is gone.
    EngineRestarted {
        reason: String,
    },
    EngineStopped {
        reason: String,
    },
    Notify {
        tone: Tone,
        title: String,
        detail: Option<String>,
    },
    DismissNotice {
        key: u32,
    },
    CommunityTermsArrived(CommunityTerms),
    LiveUpdated(Box<LiveUpdate>),
    /// The records behind an alert (its evidence), explained.
    LiveRecordsArrived(Vec<LiveVerbatim>),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::EngineReady { version } => state.engine = Engine::Ready { version },
            Action::JobStarted { id, kind } => state.jobs.push(Job {
                id,
                phase: kind.label(),
                kind,
                fraction: 0.0,
            }),
            Action::JobProgressed {
                id,
                fraction,
                phase,
            } => {
                if let Some(job) = state.jobs.iter_mut().find(|job| job.id == id) {
                    job.fraction = fraction;
                    job.phase = phase;
                }
            }
            Action::RequestEnded { id } => state.jobs.retain(|job| job.id != id),
            Action::DatasetsChanged(datasets) => {
                state
                    .pages
                    .retain(|id, _| datasets.iter().any(|dataset| dataset.id == *id));
                let held = |id: DatasetId| datasets.iter().any(|dataset| dataset.id == id);
                if state
                    .voice
                    .as_ref()
                    .is_some_and(|voice| !held(voice.dataset))
                {
                    state.voice = None;
                }
                if state
                    .verbatims
                    .as_ref()
                    .is_some_and(|page| !held(page.dataset))
                {
                    state.verbatims = None;
                }
                if state
                    .network
                    .as_ref()
                    .is_some_and(|report| !held(report.dataset))
                {
                    state.network = None;
                    state.layout = None;
                    state.handle_posts = None;
                }
                // A segmentation read other data: the Segments view asks for a new one.
                let shape = |list: &[DatasetSummary]| -> Vec<(DatasetId, u64, converge_core::schema::Overrides)> {
                    list.iter().map(|d| (d.id, d.n_rows, d.overrides.clone())).collect()
                };
                if shape(&state.datasets) != shape(&datasets) {
                    state.forget_segments();
                }
                if state.customers.as_ref().is_some_and(|overview| {
                    overview.sources.iter().any(|source| !held(source.dataset))
                }) {
                    state.forget_customers();
                }
                state.datasets = datasets;
            }
            Action::PageArrived(page) => {
                state.pages.insert(page.dataset, page);
            }
            Action::VoiceArrived(report) => state.voice = Some(Rc::from(report)),
            Action::VerbatimsArrived(page) => state.verbatims = Some(Rc::new(page)),
            Action::NetworkArrived(report) => state.network = Some(Rc::from(report)),
            Action::LayoutStarted {
                id,
                dataset,
                n_nodes,
            } => {
                state.layout = Some(Layout {
                    request: id,
                    dataset,
                    n_nodes,
                    fraction: 0.0,
                    settled: false,
                    positions: Rc::new(Vec::new()),
                })
            }
            Action::LayoutMoved {
                id,
                fraction,
                settled,
                positions,
            } => {
                if let Some(layout) = state.layout.as_mut().filter(|l| l.request == id) {
                    if positions.len() == layout.n_nodes * 2 {
                        layout.fraction = fraction;
                        layout.settled = settled;
                        layout.positions = Rc::new(positions);
                    }
                }
            }
            Action::HandlePostsArrived(posts) => state.handle_posts = Some(Rc::new(posts)),
            Action::SegmentsArrived(report) => {
                state.segments = Some(Rc::from(report));
                state.segment_customers = None;
                state.explanation = None;
            }
            Action::SegmentCustomersArrived(page) => state.segment_customers = Some(Rc::new(page)),
            Action::ExplanationArrived(explanation) => {
                state.explanation = Some(Rc::from(explanation))
            }
            Action::CustomersArrived(overview) => {
                // Another threshold or ruling: the list and the 360 on show are out of date.
                state.customers = Some(Rc::from(overview));
                state.customer_page = None;
                state.customer_360 = None;
            }
            Action::CustomerPageArrived(page) => state.customer_page = Some(Rc::new(page)),
            Action::Customer360Arrived(customer) => state.customer_360 = Some(Rc::from(customer)),
            Action::ShowView(view) => state.view = view,
            Action::RequestFailed { id, error } => {
                state.jobs.retain(|job| job.id != id);
                match error.code {
                    converge_wasm::protocol::ErrorCode::Cancelled => {
                        state.notify(Tone::Info, "Cancelled.".into(), None)
                    }
                    _ => state.notify(Tone::Error, error.message, None),
                }
            }
            Action::EngineRestarted { reason } => {
                state.forget_worker_data();
                state.engine = Engine::Starting;
                state.notify(
                    Tone::Error,
                    "The analysis engine stopped unexpectedly and has been restarted. Data loaded \
                     before this must be loaded again."
                        .into(),
                    Some(reason),
                );
            }
            Action::EngineStopped { reason } => {
                state.forget_worker_data();
                state.engine = Engine::Stopped {
                    reason: reason.clone(),
                };
                state.notify(
                    Tone::Error,
                    "The analysis engine keeps stopping. Reload the page to start again.".into(),
                    Some(reason),
                );
            }
            Action::Notify {
                tone,
                title,
                detail,
            } => state.notify(tone, title, detail),
            Action::DismissNotice { key } => state.notices.retain(|notice| notice.key != key),
            Action::CommunityTermsArrived(terms) => {
                // Only the terms of the network on show are worth keeping.
                state
                    .community_terms
                    .retain(|held| held.dataset == terms.dataset && held.filter == terms.filter);
                state.community_terms.push(Rc::new(terms));
            }
            Action::LiveUpdated(update) => {
                state.live = Some(Rc::new(LiveBoard::next(state.live.as_deref(), *update)));
            }
            Action::LiveRecordsArrived(records) => {
                if let Some(board) = &state.live {
                    state.live = Some(Rc::new(board.with_evidence(records)));
                }
            }
        }
        Rc::new(state)
    }
}

impl AppState {
    fn notify(&mut self, tone: Tone, title: String, detail: Option<String>) {
        let key = self.next_notice_key;
        self.next_notice_key += 1;
        self.notices.push(Notice {
            key,
            tone,
            title,
            detail,
        });
    }

    fn forget_worker_data(&mut self) {
        self.jobs.clear();
        self.datasets.clear();
        self.pages.clear();
        self.voice = None;
        self.verbatims = None;
        self.network = None;
        self.layout = None;
        self.handle_posts = None;
        self.community_terms.clear();
        self.live = None;
        self.forget_segments();
    }

    fn forget_segments(&mut self) {
        self.segments = None;
        self.segment_customers = None;
        self.explanation = None;
        self.forget_customers();
    }

    fn forget_customers(&mut self) {
        self.customers = None;
        self.customer_page = None;
        self.customer_360 = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use converge_wasm::protocol::ErrorCode;

    fn apply(state: AppState, actions: Vec<Action>) -> AppState {
        let mut state = Rc::new(state);
        for action in actions {
            state = state.reduce(action);
        }
        (*state).clone()
    }

    fn dataset(id: u32) -> DatasetSummary {
        use converge_core::schema::{Role, RoleGuess, TableSchema};
        DatasetSummary {
            id: DatasetId(id),
            name: format!("table {id}"),
            n_rows: 10,
            report: Default::default(),
            schema: TableSchema {
                role: RoleGuess {
                    role: Role::Other,
                    confidence: 0.5,
                    reason: String::new(),
                },
                fields: Vec::new(),
            },
            overrides: Default::default(),
            sentiment: None,
        }
    }

    #[test]
    fn a_crash_forgets_what_the_worker_held_and_tells_the_user() {
        let id = RequestId(1);
        let state = apply(
            AppState::new(Settings::default()),
            vec![
                Action::EngineReady {
                    version: "0.1.0".into(),
                },
                Action::DatasetsChanged(vec![dataset(0)]),
                Action::JobStarted {
                    id,
                    kind: JobKind::LoadDemo,
                },
                Action::EngineRestarted {
                    reason: "boom".into(),
                },
            ],
        );
        assert!(state.datasets.is_empty() && state.jobs.is_empty());
        assert_eq!(state.engine, Engine::Starting);
        assert_eq!(state.notices.len(), 1);
        assert_eq!(state.notices[0].tone, Tone::Error);
        assert_eq!(state.notices[0].detail.as_deref(), Some("boom"));
    }

    #[test]
    fn views_are_addressed_by_their_fragment() {
        for view in View::ALL {
            assert_eq!(View::from_hash(view.hash()), view);
        }
        assert_eq!(View::from_hash(""), View::Data);
        assert_eq!(View::from_hash("#nonsense"), View::Data);
        assert_eq!(View::from_hash("#customers/12"), View::Customers);
        assert_eq!(View::from_hash("#customersx"), View::Data);
    }

    #[test]
    fn only_the_current_layouts_positions_of_the_right_size_are_kept() {
        let started = |id: u32| Action::LayoutStarted {
            id: RequestId(id),
            dataset: DatasetId(0),
            n_nodes: 2,
        };
        let moved = |id: u32, positions: Vec<f32>| Action::LayoutMoved {
            id: RequestId(id),
            fraction: 0.5,
            settled: false,
            positions,
        };
        let state = apply(
            AppState::new(Settings::default()),
            vec![
                started(1),
                moved(1, vec![1.0, 2.0, 3.0, 4.0]),
                started(2),
                moved(1, vec![9.0, 9.0, 9.0, 9.0]),
                moved(2, vec![5.0, 6.0]),
            ],
        );
        let layout = state.layout.unwrap();
        assert_eq!(layout.request, RequestId(2));
        assert!(
            layout.positions.is_empty(),
            "stale or wrongly sized positions are dropped"
        );
    }

    #[test]
    fn a_segmentation_is_forgotten_when_the_data_changes_and_kept_otherwise() {
        use converge_wasm::protocol::SegmentsReport;
        let report = SegmentsReport {
            orders_dataset: "orders".into(),
            joined_datasets: Vec::new(),
            n_customers: 0,
            n_order_rows_skipped: 0,
            as_of_day: 0,
            features: Vec::new(),
            rfm_cells: Vec::new(),
            rfm_segments: Vec::new(),
            silhouette: None,
            candidates: Vec::new(),
            segments: Vec::new(),
            channels: Vec::new(),
            points: Vec::new(),
            scatter_stride: 1,
            explained_variance_ratio: [0.0; 2],
            export_columns: Vec::new(),
        };
        let state = apply(
            AppState::new(Settings::default()),
            vec![
                Action::DatasetsChanged(vec![dataset(0)]),
                Action::SegmentsArrived(Box::new(report)),
                Action::DatasetsChanged(vec![dataset(0)]),
            ],
        );
        assert!(state.segments.is_some(), "the same data keeps it");
        let state = apply(
            state,
            vec![Action::DatasetsChanged(vec![dataset(0), dataset(1)])],
        );
        assert!(state.segments.is_none(), "new data asks for a new one");
    }

    #[test]
    fn a_cancel_ends_the_job_quietly() {
        let id = RequestId(4);
        let state = apply(
            AppState::new(Settings::default()),
            vec![
                Action::JobStarted {
                    id,
                    kind: JobKind::LoadDemo,
                },
                Action::JobProgressed {
                    id,
                    fraction: 0.5,
                    phase: "half".into(),
                },
                Action::RequestFailed {
                    id,
                    error: WorkerError::cancelled(),
                },
            ],
        );
        assert!(state.jobs.is_empty());
        assert_eq!(state.notices[0].tone, Tone::Info);
    }

    #[test]
    fn pages_of_removed_datasets_are_dropped() {
        let page = TablePage {
            dataset: DatasetId(0),
            offset: 0,
            n_rows_total: 0,
            column_names: Vec::new(),
            rows: Vec::new(),
        };
        let state = apply(
            AppState::new(Settings::default()),
            vec![
                Action::DatasetsChanged(vec![dataset(0)]),
                Action::PageArrived(page),
                Action::DatasetsChanged(vec![dataset(1)]),
            ],
        );
        assert!(state.pages.is_empty());
        let error = WorkerError::new(ErrorCode::NotFound, "gone");
        let state = apply(
            state,
            vec![Action::RequestFailed {
                id: RequestId(0),
                error,
            }],
        );
        assert_eq!(state.notices[0].title, "gone");
    }
}
