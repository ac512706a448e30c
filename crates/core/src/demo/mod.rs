//! A believable company's exports, generated from a seed.
//!
//! The demo lets a marketer try Converge without their own data, and gives the tests data whose
//! truth is known. It is generated rather than shipped so that it costs nothing to download and
//! can be made at any size; the same seed always gives the same rows.
//!
//! Generation runs in steps of rows so that the caller (the worker) can report progress and
//! honour a cancel between steps.

mod company;
mod phrases;
mod words;

pub use company::{
    CompanyGenerator, DemoCompany, DemoFile, DemoParams, DemoTruth, PlantedSegment,
    MAX_DEMO_CUSTOMERS,
};
pub use phrases::SentimentClass;
