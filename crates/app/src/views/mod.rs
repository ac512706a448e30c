//! The app's views, one per navigation entry.

mod customers;
mod data;
mod voice;

pub use customers::CustomersView;
pub use data::DataView;
pub use voice::VoiceView;
