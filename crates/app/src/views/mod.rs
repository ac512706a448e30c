//! The app's views, one per navigation entry.

mod customers;
mod data;
mod network;
mod segments;
mod voice;

pub use customers::CustomersView;
pub use data::DataView;
pub use network::NetworkView;
pub use segments::SegmentsView;
pub use voice::VoiceView;
