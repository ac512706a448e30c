//! Identity resolution: which records, across all loaded tables, are the same customer.
//!
//! The CRM knows a customer by id and email, the shop by another email, social media by a
//! handle, support by a phone number. Resolution turns them into one customer each, in two
//! stages: records sharing an exact normalised identifier (email, phone, handle, customer id)
//! are linked outright; other pairs, found by several blocking rules (never all n² pairs), are
//! scored by a Fellegi–Sunter model whose u probabilities come from random pairs and whose m
//! probabilities are estimated by expectation-maximisation, as Splink does, with exact matches
//! on common values (a surname like "Smith") weighed by their frequency. Pairs at or above the
//! threshold are linked and customers are the connected groups.
//!
//! Nothing is merged without a reason the user can read: every [`Link`] says why, and
//! [`Resolution::explain`] gives the waterfall (prior, each field's Bayes factor, final
//! probability). Customers whose weakest link is weak are listed for review, since one bad
//! link can chain two people together.
//!
//! No IO and no clock: the caller passes tables and a seed, and a progress callback that can
//! cancel.

mod blocking;
mod coherence;
mod error;
mod fields;
mod groups;
mod health;
mod household;
mod matcher;
mod model;
pub mod normalise;
mod parallel;
mod params;
mod records;
mod resolution;
mod training;

pub use blocking::{
    BlockKey, BlockingReport, BlockingRule, SkippedBlocks, MAX_BLOCKING_RULES, REFINING_KEYS,
};
pub use coherence::{HoldReason, SharedIdentifier};
pub use error::IdentityError;
pub use fields::{map_identity_columns, recency_column, IdentityColumn, IdentityField};
pub use groups::{MAX_SCORED_CUSTOMER_RECORDS, MAX_SCORED_JOINS};
pub use health::ModelHealth;
pub use household::{Household, HouseholdId, Households, MAX_HOUSEHOLD_CUSTOMERS};
pub use matcher::{IdentityMatch, IdentityMatcher, MAX_CANDIDATES};
pub use model::{FieldModel, MatchModel};
pub use params::ResolveParams;
pub use records::{jaro_winkler, within_one_edit, Source, MAX_RECORDS};
pub use resolution::{
    Customer, CustomerId, CustomerValue, FieldEvidence, HeldLink, Link, LinkDecision, LinkReason,
    PairEvidence, RecordAssignment, RecordRef, Resolution, Resolve, ResolveRun,
    MAX_SHARED_IDENTIFIER,
};
