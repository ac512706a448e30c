//! The Fellegi–Sunter model: for every field and comparison level, how likely that level is
//! between two records of the same person (m) and of different people (u).
//!
//! As Splink does it: u is counted on random record pairs (almost all of which are different
//! people), then m and the share of matches among candidate pairs (λ) are estimated by
//! expectation-maximisation over the candidate pairs' comparison patterns, u held fixed. A
//! field level's Bayes factor is m/u; its match weight is log₂(m/u) bits.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::fields::IdentityField;
use super::records::{Comparison, Records, NOT_COMPARED, N_FIELDS};
use crate::hashing::FastMap;

/// m and u for each level of one field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FieldModel {
    pub field: IdentityField,
    /// Level names, best first ("exact", "Jaro-Winkler ≥ 0.92", …, "different").
    pub levels: Vec<String>,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
    /// Pairs of the random sample in which both sides had this field.
    pub n_u_compared: u64,
}

impl FieldModel {
    /// The match weight of `level` in bits, log₂(m/u).
    pub fn weight_bits(&self, level: usize) -> f64 {
        match (self.m.get(level), self.u.get(level)) {
            (Some(m), Some(u)) => (m / u).log2(),
            _ => 0.0,
        }
    }
}

/// The fitted model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MatchModel {
    /// One per compared field, in [`IdentityField::COMPARED`] order.
    pub fields: Vec<FieldModel>,
    /// The share of all record pairs that are matches: the prior before any field is looked
    /// at, blocked fields included (Splink's λ), so agreement on a name the blocking required
    /// is counted once, as evidence, not a second time in the prior.
    pub lambda: f64,
    pub em_iterations: usize,
    pub em_converged: bool,
}

impl MatchModel {
    /// The prior's match weight, log₂(λ / (1 − λ)).
    pub fn prior_bits(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }
}

/// Smoothing added to every level's count, so no level is impossible.
const PSEUDO_COUNT: f64 = 1.0;

/// u per field and level, counted on random record pairs a chunk at a time. Chunk `c` draws
/// its pairs from its own generator (the seed and `c`), so the pairs, and so the counts, are the
/// same however the chunks are shared among steps and threads.
#[derive(Debug, Clone)]
pub(crate) struct UCounts {
    counts: Vec<Vec<u64>>,
    n_pairs: usize,
    n_drawn: usize,
    seed: u64,
}

/// Random pairs drawn by one generator.
const U_CHUNK_PAIRS: usize = 1_024;

impl UCounts {
    pub(crate) fn new(n_pairs: usize, seed: u64) -> UCounts {
        UCounts {
            counts: empty_counts(),
            n_pairs,
            n_drawn: 0,
            seed,
        }
    }

    pub(crate) fn fraction_done(&self) -> f32 {
        self.n_drawn as f32 / self.n_pairs.max(1) as f32
    }

    /// Draws and compares about `max_pairs` more pairs (whole chunks) on up to `n_threads`
    /// threads; true when all are drawn.
    pub(crate) fn sample(&mut self, records: &Records, max_pairs: usize, n_threads: usize) -> bool {
        if records.len() < 2 {
            self.n_drawn = self.n_pairs;
            return true;
        }
        let first_chunk = self.n_drawn / U_CHUNK_PAIRS;
        let end = (self.n_drawn + max_pairs.max(1)).min(self.n_pairs);
        let end_chunk = end.div_ceil(U_CHUNK_PAIRS);
        let (n_pairs, seed) = (self.n_pairs, self.seed);
        let parts = super::parallel::map_chunks(first_chunk..end_chunk, n_threads, |chunks| {
            let mut counts = empty_counts();
            for chunk in chunks {
                let from = chunk * U_CHUNK_PAIRS;
                let to = (from + U_CHUNK_PAIRS).min(n_pairs);
                count_chunk(records, chunk_seed(seed, chunk), to - from, &mut counts);
            }
            counts
        });
        for part in parts {
            for (levels, more) in self.counts.iter_mut().zip(part) {
                for (count, more) in levels.iter_mut().zip(more) {
                    *count += more;
                }
            }
        }
        self.n_drawn = (end_chunk * U_CHUNK_PAIRS).min(self.n_pairs);
        self.n_drawn >= self.n_pairs
    }

    /// Each field's model with u from the counts and m at EM's starting point.
    pub(crate) fn models(&self) -> Vec<FieldModel> {
        IdentityField::COMPARED
            .iter()
            .zip(&self.counts)
            .map(|(field, counts)| {
                let comparison = Comparison::of(*field);
                let total: u64 = counts.iter().sum();
                let denominator = total as f64 + PSEUDO_COUNT * counts.len() as f64;
                FieldModel {
                    field: *field,
                    levels: comparison
                        .levels()
                        .iter()
                        .map(|l| (*l).to_owned())
                        .collect(),
                    m: initial_m(counts.len()),
                    u: counts
                        .iter()
                        .map(|count| (*count as f64 + PSEUDO_COUNT) / denominator)
                        .collect(),
                    n_u_compared: total,
                }
            })
            .collect()
    }
}

fn empty_counts() -> Vec<Vec<u64>> {
    IdentityField::COMPARED
        .iter()
        .map(|field| vec![0; Comparison::of(*field).n_levels()])
        .collect()
}

/// The generator seed of chunk `chunk` of a sample seeded with `seed`.
fn chunk_seed(seed: u64, chunk: usize) -> u64 {
    seed ^ (chunk as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Compares `n_pairs` random pairs per field, drawn among the records that have the field (a
/// pair of one record with itself is drawn again), and counts each level. Drawn among all
/// records instead, a field most records lack (names beside a million web events) would be
/// compared a few dozen times, and its u would be its smoothing.
fn count_chunk(records: &Records, seed: u64, n_pairs: usize, counts: &mut [Vec<u64>]) {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for (slot, levels) in counts.iter_mut().enumerate() {
        let present = records.present(slot);
        if present.len() < 2 {
            continue;
        }
        let mut n_compared = 0;
        // A bound on redraws: with two records or more, a pair of two is drawn within a few
        // tries.
        let mut n_tries = 0;
        while n_compared < n_pairs && n_tries < n_pairs.saturating_mul(8) {
            n_tries += 1;
            let (Some(&a), Some(&b)) = (
                present.get(rng.random_range(0..present.len())),
                present.get(rng.random_range(0..present.len())),
            ) else {
                continue;
            };
            if a == b {
                continue;
            }
            n_compared += 1;
            let level = records.compare_field(slot, a as usize, b as usize);
            if let Some(count) = levels.get_mut(usize::from(level)) {
                *count += 1;
            }
        }
    }
}

/// The starting point of EM: agreement is likely among matches.
fn initial_m(n_levels: usize) -> Vec<f64> {
    let rest = n_levels.saturating_sub(1).max(1) as f64;
    (0..n_levels)
        .map(|level| if level == 0 { 0.9 } else { 0.1 / rest })
        .collect()
}

/// Candidate pairs grouped by their comparison pattern, with how many share it.
pub(crate) type Patterns = Vec<([u8; N_FIELDS], u64)>;

pub(crate) fn patterns_of(levels: impl Iterator<Item = [u8; N_FIELDS]>) -> Patterns {
    let mut counted: FastMap<[u8; N_FIELDS], u64> = FastMap::default();
    for pattern in levels {
        *counted.entry(pattern).or_insert(0) += 1;
    }
    let mut patterns: Patterns = counted.into_iter().collect();
    patterns.sort_unstable();
    patterns
}

/// Estimates m (per field and level) and λ by expectation-maximisation, u fixed. Returns the
/// iterations run and whether the largest change fell below `1e-6`.
pub(crate) fn expectation_maximisation(
    fields: &mut [FieldModel],
    patterns: &Patterns,
    lambda: &mut f64,
    max_iterations: usize,
) -> (usize, bool) {
    if patterns.is_empty() {
        return (0, true);
    }
    for iteration in 1..=max_iterations {
        let mut match_counts: Vec<Vec<f64>> = fields.iter().map(|f| vec![0.0; f.m.len()]).collect();
        let mut total_match = 0.0;
        let mut total = 0.0;
        // ln(m / u) of every field level, once per round rather than once per pattern.
        let log_ratios: Vec<Vec<f64>> = fields
            .iter()
            .map(|field| {
                field
                    .m
                    .iter()
                    .zip(&field.u)
                    .map(|(m, u)| m.ln() - u.ln())
                    .collect()
            })
            .collect();
        let log_prior = lambda.ln() - (1.0 - *lambda).ln();
        for (pattern, count) in patterns {
            let count = *count as f64;
            let mut log_ratio = 0.0;
            for (ratios, level) in log_ratios.iter().zip(pattern) {
                if *level == NOT_COMPARED {
                    continue;
                }
                if let Some(ratio) = ratios.get(usize::from(*level)) {
                    log_ratio += ratio;
                }
            }
            let odds = (log_prior + log_ratio).exp();
            let p = if odds.is_finite() {
                odds / (1.0 + odds)
            } else {
                1.0
            };
            total_match += p * count;
            total += count;
            for (slot, level) in pattern.iter().enumerate() {
                if *level == NOT_COMPARED {
                    continue;
                }
                if let Some(cell) = match_counts
                    .get_mut(slot)
                    .and_then(|levels| levels.get_mut(usize::from(*level)))
                {
                    *cell += p * count;
                }
            }
        }
        let mut largest_change: f64 = 0.0;
        for (field, counts) in fields.iter_mut().zip(&match_counts) {
            let sum: f64 = counts.iter().sum();
            if sum <= 0.0 {
                continue;
            }
            // A tiny pseudo-count keeps every level possible among matches.
            let smoothing = 1e-3;
            let denominator = sum + smoothing * counts.len() as f64;
            for (m, count) in field.m.iter_mut().zip(counts) {
                let next = (count + smoothing) / denominator;
                largest_change = largest_change.max((next - *m).abs());
                *m = next;
            }
        }
        let next_lambda = (total_match / total).clamp(1e-9, 1.0 - 1e-9);
        largest_change = largest_change.max((next_lambda - *lambda).abs());
        *lambda = next_lambda;
        if largest_change < 1e-6 {
            return (iteration, true);
        }
    }
    (max_iterations, false)
}

/// How many of all `n_all_pairs` record pairs match, by expectation-maximisation with m and u
/// fixed: every match is taken to be among the candidate `patterns` (blocking exists to make
/// that so), and the prior of each is the matches' share of all pairs (of the records some
/// rule keys). Not bounded: the caller compares the estimate with what the records can hold,
/// to tell a degenerate fit.
pub(crate) fn estimate_matches(
    fields: &[FieldModel],
    patterns: &Patterns,
    n_all_pairs: f64,
) -> f64 {
    let weights: Vec<(f64, f64)> = patterns
        .iter()
        .map(|(pattern, count)| {
            let bits: f64 = fields
                .iter()
                .zip(pattern)
                .filter(|(_, level)| **level != NOT_COMPARED)
                .map(|(field, level)| field.weight_bits(usize::from(*level)))
                .sum();
            (bits, *count as f64)
        })
        .collect();
    let n_candidates: f64 = weights.iter().map(|(_, count)| count).sum();
    let ceiling = n_candidates.max(1.0);
    let mut matches = (n_candidates * 0.1).clamp(1.0, ceiling);
    for _ in 0..200 {
        let prior = (matches / (n_all_pairs - matches).max(1.0)).log2();
        let expected: f64 = weights
            .iter()
            .map(|(bits, count)| probability_of_bits(prior + bits) * count)
            .sum();
        let next = expected.clamp(1.0, ceiling);
        let change = (next - matches).abs();
        matches = next;
        if change < 1e-6 * matches.max(1.0) {
            break;
        }
    }
    matches
}

fn probability_of_bits(bits: f64) -> f64 {
    let odds = bits.exp2();
    if odds.is_finite() {
        odds / (1.0 + odds)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs drawn from a model with known m, u and λ: EM must find them again.
    #[test]
    fn em_recovers_known_m_and_lambda() {
        let true_m = [[0.85, 0.1, 0.05], [0.7, 0.2, 0.1], [0.95, 0.04, 0.01]];
        let true_u = [[0.01, 0.04, 0.95], [0.05, 0.15, 0.8], [0.002, 0.01, 0.988]];
        let true_lambda = 0.2;
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let draw = |rng: &mut Pcg64Mcg, probabilities: &[f64; 3]| -> u8 {
            let x: f64 = rng.random();
            let mut cumulative = 0.0;
            for (level, p) in probabilities.iter().enumerate() {
                cumulative += p;
                if x < cumulative {
                    return level as u8;
                }
            }
            2
        };
        let pairs: Vec<[u8; N_FIELDS]> = (0..200_000)
            .map(|_| {
                let is_match = rng.random_bool(true_lambda);
                let mut pattern = [NOT_COMPARED; N_FIELDS];
                for field in 0..3 {
                    let probabilities = if is_match {
                        &true_m[field]
                    } else {
                        &true_u[field]
                    };
                    pattern[field] = draw(&mut rng, probabilities);
                }
                pattern
            })
            .collect();
        let patterns = patterns_of(pairs.into_iter());
        let mut fields: Vec<FieldModel> = (0..3)
            .map(|field| FieldModel {
                field: IdentityField::COMPARED[field],
                levels: vec!["exact".into(), "close".into(), "different".into()],
                m: initial_m(3),
                u: true_u[field].to_vec(),
                n_u_compared: 0,
            })
            .collect();
        let mut lambda = 0.5;
        let (iterations, converged) =
            expectation_maximisation(&mut fields, &patterns, &mut lambda, 500);
        assert!(
            converged,
            "EM ran {iterations} iterations without converging"
        );
        assert!((lambda - true_lambda).abs() < 0.01, "λ = {lambda}");
        for (field, expected) in fields.iter().zip(true_m) {
            for (m, want) in field.m.iter().zip(expected) {
                assert!(
                    (m - want).abs() < 0.02,
                    "m = {:?}, want {expected:?}",
                    field.m
                );
            }
        }
    }

    #[test]
    fn weights_are_log2_of_m_over_u() {
        let field = FieldModel {
            field: IdentityField::Email,
            levels: vec!["exact".into(), "different".into()],
            m: vec![0.8, 0.2],
            u: vec![0.01, 0.99],
            n_u_compared: 10,
        };
        assert!((field.weight_bits(0) - 80f64.log2()).abs() < 1e-12);
        assert!(field.weight_bits(1) < 0.0);
        assert_eq!(field.weight_bits(9), 0.0);
    }
}
