//! The settings of a resolution, checked before any work.

use super::blocking::{BlockingRule, MAX_BLOCKING_RULES};
use super::normalise::EmailRules;
use super::IdentityError;

/// How identities are resolved. Build with [`crate::identity::Resolve::params`], adjust, then
/// [`ResolveParams::fit`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ResolveParams {
    /// Pairs at or above this match probability are linked. Default 0.7: on generated bases
    /// with common names and households (`converge demo --base`) it keeps pairwise precision
    /// above 0.98 and finds more of each person's records than 0.9 does (the coherence checks,
    /// not the threshold, are what keep two people apart).
    pub threshold: f64,
    /// A customer whose weakest link is below this probability is reported for review.
    /// Default 0.99.
    pub weak_link: f64,
    /// Blocks (records sharing a blocking key) larger than this are split by further keys (or,
    /// when none splits them, skipped) and reported, so candidate pairs never grow with the
    /// square of the data. Default 300.
    pub max_block_records: usize,
    /// Random record pairs compared to estimate u probabilities (at most five per record, or
    /// 5,000 for fewer than 1,000 records).
    /// Default 30,000.
    pub n_u_pairs: usize,
    /// Expectation-maximisation rounds at most. Default 50.
    pub max_em_iterations: usize,
    pub email_rules: EmailRules,
    /// Given to national phone numbers (a leading `0`). Default `44`.
    pub default_country_code: String,
    /// Count a nickname as a near match of the given name it stands for (`Bob` and `Robert`).
    /// Default on.
    pub nicknames: bool,
    /// Link records sharing an exact normalised email, phone, handle or customer id before any
    /// scoring. Default on.
    pub deterministic: bool,
    /// `None`: chosen from the mapped fields ([`BlockingRule::automatic`]).
    pub blocking_rules: Option<Vec<BlockingRule>>,
    /// Seeds the sampling of random pairs; the same seed gives the same result.
    pub seed: u64,
    /// The strongest pairs below the threshold kept for review
    /// ([`crate::identity::Resolution::near_misses`]). Default 50.
    pub near_misses: usize,
    /// Threads that compare pairs (natively; the browser uses one whatever this says). The
    /// result does not depend on it. Default 1.
    pub n_threads: usize,
}

impl Default for ResolveParams {
    fn default() -> ResolveParams {
        ResolveParams {
            threshold: 0.7,
            weak_link: 0.99,
            max_block_records: 300,
            n_u_pairs: 30_000,
            max_em_iterations: 50,
            email_rules: EmailRules::default(),
            default_country_code: "44".to_owned(),
            nicknames: true,
            deterministic: true,
            blocking_rules: None,
            seed: 6,
            near_misses: 50,
            n_threads: 1,
        }
    }
}

impl ResolveParams {
    pub fn threshold(mut self, threshold: f64) -> ResolveParams {
        self.threshold = threshold;
        self
    }

    pub fn weak_link(mut self, weak_link: f64) -> ResolveParams {
        self.weak_link = weak_link;
        self
    }

    pub fn max_block_records(mut self, max_block_records: usize) -> ResolveParams {
        self.max_block_records = max_block_records;
        self
    }

    pub fn n_u_pairs(mut self, n_u_pairs: usize) -> ResolveParams {
        self.n_u_pairs = n_u_pairs;
        self
    }

    pub fn email_rules(mut self, email_rules: EmailRules) -> ResolveParams {
        self.email_rules = email_rules;
        self
    }

    pub fn default_country_code(mut self, code: impl Into<String>) -> ResolveParams {
        self.default_country_code = code.into();
        self
    }

    pub fn nicknames(mut self, nicknames: bool) -> ResolveParams {
        self.nicknames = nicknames;
        self
    }

    pub fn deterministic(mut self, deterministic: bool) -> ResolveParams {
        self.deterministic = deterministic;
        self
    }

    pub fn blocking_rules(mut self, rules: Vec<BlockingRule>) -> ResolveParams {
        self.blocking_rules = Some(rules);
        self
    }

    pub fn near_misses(mut self, near_misses: usize) -> ResolveParams {
        self.near_misses = near_misses;
        self
    }

    /// Shares the comparisons among `n_threads` threads (at least one).
    pub fn n_threads(mut self, n_threads: usize) -> ResolveParams {
        self.n_threads = n_threads.max(1);
        self
    }

    pub fn seed(mut self, seed: u64) -> ResolveParams {
        self.seed = seed;
        self
    }

    /// Every setting in range, or the first that is not.
    pub fn check(&self) -> Result<(), IdentityError> {
        if !(self.threshold > 0.0 && self.threshold < 1.0) {
            return Err(IdentityError::BadThreshold {
                threshold: self.threshold,
            });
        }
        if !(0.0..=1.0).contains(&self.weak_link) {
            return Err(IdentityError::BadWeakLink {
                weak_link: self.weak_link,
            });
        }
        if self.max_block_records < 2 {
            return Err(IdentityError::BadMaxBlock {
                max_block_records: self.max_block_records,
            });
        }
        if self.n_u_pairs == 0 {
            return Err(IdentityError::BadSampleSize {
                n_u_pairs: self.n_u_pairs,
            });
        }
        if let Some(rules) = &self.blocking_rules {
            if rules.len() > MAX_BLOCKING_RULES {
                return Err(IdentityError::TooManyRules {
                    n_rules: rules.len(),
                    max: MAX_BLOCKING_RULES,
                });
            }
        }
        let code = &self.default_country_code;
        if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::BadCountryCode { code: code.clone() });
        }
        Ok(())
    }
}
