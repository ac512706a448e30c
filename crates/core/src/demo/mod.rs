//! A believable company's exports, generated from a seed.
//!
//! The demo lets a marketer try Converge without their own data, and gives the tests data whose
//! truth is known. It is generated rather than shipped so that it costs nothing to download and
//! can be made at any size; the same seed always gives the same rows.
//!
//! The company's generation runs in steps of rows so that the caller (the worker) can report
//! progress and honour a cancel between steps.
//!
//! [`CustomerBaseParams`] makes customer bases of another kind: several systems' exports of one
//! population, with the traps identity resolution meets (common names, households sharing a
//! phone and address, nicknames, typos, phone formats) and the person and household behind every
//! row, for measuring resolution's precision and recall.

mod company;
mod customer_base;
mod phrases;
mod words;

pub use company::{
    CompanyGenerator, DemoCompany, DemoFile, DemoParams, DemoTruth, PlantedSegment,
    MAX_DEMO_CUSTOMERS,
};
pub use customer_base::{
    BaseShape, BaseTruth, CustomerBase, CustomerBaseParams, NamePool, Traps, MAX_BASE_PEOPLE,
    MAX_POOL_NAMES,
};
pub use phrases::SentimentClass;
