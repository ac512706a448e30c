//! The app's views, one per navigation entry.

mod data;

pub use data::DataView;
