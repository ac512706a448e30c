//! The app's views, one per navigation entry.

mod customers;
mod data;
mod live;
mod network;
mod segments;
mod voice;

pub use customers::CustomersView;
pub use data::DataView;
pub use live::LiveView;
pub use network::NetworkView;
pub use segments::SegmentsView;
pub use voice::VoiceView;
