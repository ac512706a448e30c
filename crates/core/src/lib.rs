//! Converge's analytics, as plain Rust.
//!
//! Everything a marketer asks of Converge (reading exports, converging identities, scoring
//! sentiment, segmenting customers, finding influencers) is computed here. The crate knows nothing
//! of browsers: it takes bytes, a `now` and a seeded random generator from its caller, and returns
//! values. That keeps it testable natively, lets the same code run in the Web Worker
//! (`converge-wasm`) and in the command line tool (`converge-cli`), and makes results reproducible.
//!
//! Long jobs are written as steps (a batch of rows, one iteration) so that the caller decides when
//! to report progress, yield to an event loop or stop because the user cancelled.

pub mod demo;
pub mod export;
mod hashing;
pub mod identity;
mod identity_shared;
pub mod ingest;
pub mod live;
pub mod network;
pub mod schema;
pub mod segment;
pub mod sentiment;
pub mod table;
pub mod terms;

/// The version of the analytics core, shown in the app and the CLI.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
