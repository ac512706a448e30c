//! Converge's application layer: what a user's session holds and what each view asks of it.
//!
//! `converge-core` analyses one table or one set of records at a time; this crate is the
//! product above it: the datasets loaded so far, the customers resolved across them, and the
//! answers each view shows, built from the core's numbers. It is pure (no browser, no threads,
//! no clock it does not get handed), so it runs and is tested natively; the Web Worker in
//! `converge-wasm` is the glue that carries its requests and answers across `postMessage`.
//!
//! - [`service`]: the datasets and the long jobs over them (imports, the demo company), as plain
//!   synchronous steps; it also resolves and explains the customers (`service/customers.rs`).
//! - [`voice`]: the voice-of-the-customer view; [`network`]: the Network view (mention graph,
//!   influence, communities, stepped layout); [`segments`]: segments and audiences.
//! - [`live`]: live streams, record by record: scored, windowed, watched by the alert rules.
//! - [`job`]: long work as steps ([`job::ImportJob`], [`job::DemoJob`]), so the worker can
//!   report progress and stop at a cancel.
//! - [`answer`]: the answers themselves, plain serialisable data.

pub mod answer;
pub mod job;
pub mod live;
pub mod network;
pub mod segments;
pub mod service;
pub mod voice;
