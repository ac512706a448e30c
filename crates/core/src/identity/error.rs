//! What can stop a resolution before it starts (or a user who cancels it).

/// Why identities could not be resolved. Bad values are not errors: a value that does not
/// normalise (an email without `@`, a phone without digits) is treated as missing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdentityError {
    #[error("the match threshold must be a probability strictly between 0 and 1, not {threshold}")]
    BadThreshold { threshold: f64 },
    #[error("the weak-link level must be a probability between 0 and 1, not {weak_link}")]
    BadWeakLink { weak_link: f64 },
    #[error("the largest block must allow at least 2 records, not {max_block_records}")]
    BadMaxBlock { max_block_records: usize },
    #[error("at least one pair must be sampled to estimate u probabilities, not {n_u_pairs}")]
    BadSampleSize { n_u_pairs: usize },
    #[error("the default country code must be 1 to 3 digits, not {code:?}")]
    BadCountryCode { code: String },
    #[error("source `{source_name}` maps column `{column}`, which it does not have")]
    MissingColumn { source_name: String, column: String },
    #[error("{n_records} records are more than resolution handles (at most {max})")]
    TooManyRecords { n_records: usize, max: usize },
    #[error("the resolution was cancelled")]
    Cancelled,
    #[error("{n_rules} blocking rules are more than resolution takes (at most {max})")]
    TooManyRules { n_rules: usize, max: usize },
    #[error("the resolution has finished: a finished run takes no more steps")]
    Finished,
}
