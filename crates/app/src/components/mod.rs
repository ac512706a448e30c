//! Small components, one per file; each reads the app state through `use_worker`.

mod column_table;
mod data_grid;
mod dataset_card;
mod histogram;
mod job_list;
mod notices;
mod problems;
mod progress_bar;
mod sentiment_bar;
mod sidebar;
mod status_bar;
mod top_bar;

pub use column_table::ColumnTable;
pub use data_grid::DataGrid;
pub use dataset_card::DatasetCard;
pub use histogram::HistogramChart;
pub use job_list::JobList;
pub use notices::Notices;
pub use problems::Problems;
pub use progress_bar::ProgressBar;
pub use sentiment_bar::SentimentBar;
pub use sidebar::Sidebar;
pub use status_bar::StatusBar;
pub use top_bar::TopBar;
