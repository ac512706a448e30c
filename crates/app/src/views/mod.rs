//! The app's views, one per navigation entry.

mod data;
mod network;
mod voice;

pub use data::DataView;
pub use network::NetworkView;
pub use voice::VoiceView;
