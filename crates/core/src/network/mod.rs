//! Who talks about whom: the mention graph, its influencers and its communities.
//!
//! Systems of engagement say who addressed whom: a post that @mentions a handle, a reply, a
//! review that cites another, an order referred by a customer. Converge turns those into one
//! directed, weighted [`Graph`] (a node per handle, an edge per "source addressed target"; see
//! [`mentions()`] for @handles in text and [`Replies`] for rows that answer other rows) and asks
//! three questions of it:
//!
//! - **Who is listened to?** [`PageRank`] (damping 0.85, dangling nodes spread uniformly, the same
//!   iteration and stopping rule as `networkx.pagerank`, so the scores agree with it to 1e-6) and
//!   weighted in/out degrees ([`Graph::in_degree`], [`Graph::out_degree`]).
//! - **Who belongs together?** [`Louvain`] modularity optimisation, multi-level, deterministic for
//!   a seed; on a directed graph it optimises directed modularity (Leicht & Newman), as networkx's
//!   `louvain_communities` does for a `DiGraph`.
//! - **Who speaks for or against us?** [`SentimentInfluence`]: each edge may carry the sentiment of
//!   the mention that made it (a compound score in [-1, 1], e.g. from
//!   [`Vader`](crate::sentiment::Vader)); a node's *tone* is the weighted mean sentiment of what it
//!   says, its *reach* how many others are within two hops of listening to it, and its *net
//!   reach* the product. Advocates are influential and positive, detractors influential and
//!   negative (see [`influence`] for the exact definitions).
//!
//! Edges come from posts ([`mentions()`], [`Replies`]) or from tables that are edges already: an
//! edge list or a referred-by column next to a customer id, whose columns [`detect_edge_list`]
//! finds by name ([`edge_list`] holds the words, shared with the CLI).
//!
//! [`ForceLayout`] places the nodes for drawing (Fruchterman–Reingold forces, Barnes–Hut quadtree
//! for the repulsion), one [`ForceLayout::step`] at a time so a worker can stream positions.
//!
//! The graph is compressed sparse rows (CSR) in both directions: four `u32`/`f64` arrays, about
//! 24 bytes per edge, so a million edges fit comfortably in a browser tab. Long jobs
//! ([`PageRank::step`], [`Louvain::step`], [`ForceLayout::step`]) run in steps so the caller can
//! report progress and cancel. Nothing here reads files, clocks or global randomness: callers pass
//! edges and seeds.

pub mod edge_list;
mod error;
mod graph;
pub mod influence;
mod layout;
mod louvain;
mod mentions;
mod pagerank;
mod replies;

pub use edge_list::{detect_edge_list, EdgeKind, EdgeListColumns};
pub use error::NetworkError;
pub use graph::{Graph, GraphBuilder, NodeId};
pub use influence::{advocates, detractors, InfluenceRank, SentimentInfluence};
pub use layout::{ForceLayout, LayoutParams};
pub use louvain::{modularity, Communities, Louvain, LouvainParams, ModularityKind};
pub use mentions::{mentions, normalise_handle};
pub use pagerank::{PageRank, PageRankParams, PageRankScores};
pub use replies::{Replies, RepliesAdded};
