//! Small components, one per file; each reads the app state through `use_worker`.

mod column_table;
mod data_grid;
mod dataset_card;
mod histogram;
mod job_list;
mod network_canvas;
mod notices;
mod problems;
mod progress_bar;
mod sentiment_bar;
mod share_bar;
mod sidebar;
mod status_bar;
mod term_bars;
mod top_bar;
mod trend_chart;
mod verbatim_list;
mod waterfall;

pub use column_table::ColumnTable;
pub use data_grid::DataGrid;
pub use dataset_card::DatasetCard;
pub use histogram::HistogramChart;
pub use job_list::JobList;
pub use network_canvas::{community_slot, ColourBy, NetworkCanvas};
pub use notices::Notices;
pub use problems::Problems;
pub use progress_bar::ProgressBar;
pub use sentiment_bar::SentimentBar;
pub use share_bar::ShareBar;
pub use sidebar::Sidebar;
pub use status_bar::StatusBar;
pub use term_bars::TermBars;
pub use top_bar::TopBar;
pub use trend_chart::TrendChart;
pub use verbatim_list::VerbatimList;
pub use waterfall::{probability_text, Waterfall};
