//! Small components, one per file; each reads the app state through `use_worker`.

mod dataset_card;
mod notices;
mod progress_bar;
mod sidebar;
mod status_bar;
mod table_preview;
mod top_bar;

pub use dataset_card::DatasetCard;
pub use notices::Notices;
pub use progress_bar::ProgressBar;
pub use sidebar::Sidebar;
pub use status_bar::StatusBar;
pub use table_preview::TablePreview;
pub use top_bar::TopBar;
