//! The app's views, one per navigation entry.

mod data;
mod voice;

pub use data::DataView;
pub use voice::VoiceView;
