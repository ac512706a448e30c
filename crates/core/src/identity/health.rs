//! Whether a fitted model can be trusted, said in words the user sees.
//!
//! A Fellegi–Sunter fit can go wrong without failing: EM may settle on "names agree, so the
//! records match" (λ near 1, m close to u on most fields), and every customer then swallows its
//! namesakes. Such a fit is detected here and not applied: the resolution falls back to exact
//! identifiers of one person, and says so.

use super::coherence::HoldReason;
use super::fields::IdentityField;
use super::model::MatchModel;
use super::records::Records;
use super::resolution::HeldLink;

/// How the model was fitted, and whether it was applied.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelHealth {
    /// Pairs linked by an identifier of one person that were compared to train m.
    pub n_labelled_pairs: u64,
    /// Fields whose m came from those pairs.
    pub labelled_fields: Vec<IdentityField>,
    /// Fields whose m came from expectation-maximisation (too few labelled pairs compared
    /// them).
    pub em_fields: Vec<IdentityField>,
    /// λ as estimated from the candidate pairs, and the most the candidates could hold.
    pub lambda_estimated: f64,
    pub lambda_bound: f64,
    /// Why scored links were not applied, when the fit is not to be trusted.
    pub degenerate: Option<String>,
    /// Links held back, per reason.
    pub held_back: Vec<(HoldReason, u64)>,
}

/// A fit that takes this many times more pairs for matches than the records can hold (two per
/// record) has learnt that agreement on something common is a match.
const DEGENERATE_RATIO: f64 = 5.0;

impl ModelHealth {
    pub(crate) fn of(
        model: &MatchModel,
        records: &Records,
        labelled_fields: &[IdentityField],
        n_labelled_pairs: u64,
        lambda_estimated: f64,
        lambda_bound: f64,
    ) -> ModelHealth {
        let compared: Vec<&super::model::FieldModel> = model
            .fields
            .iter()
            .filter(|f| {
                f.n_u_compared > 0 && records.field(f.field).is_some_and(|s| s.n_present > 0)
            })
            .collect();
        let em_fields: Vec<IdentityField> = compared
            .iter()
            .map(|f| f.field)
            .filter(|field| !labelled_fields.contains(field))
            .collect();
        // m close to u at the exact level: agreement says nothing, as after a degenerate EM.
        let n_flat = compared
            .iter()
            .filter(|f| !labelled_fields.contains(&f.field) && f.weight_bits(0).abs() < 1.0)
            .count();
        let degenerate = if lambda_estimated >= DEGENERATE_RATIO * lambda_bound {
            Some(format!(
                "the model took {:.0} times more pairs for matches than the records can hold",
                lambda_estimated / lambda_bound.max(1e-12)
            ))
        } else if !compared.is_empty() && 2 * n_flat > compared.len() {
            Some(format!(
                "agreement told matches from non-matches on only {} of {} fields",
                compared.len() - n_flat,
                compared.len()
            ))
        } else {
            None
        };
        ModelHealth {
            n_labelled_pairs,
            labelled_fields: labelled_fields.to_vec(),
            em_fields,
            lambda_estimated,
            lambda_bound,
            degenerate,
            held_back: Vec::new(),
        }
    }

    pub(crate) fn note_held_back(&mut self, held_back: &[HeldLink]) {
        let mut counts: Vec<(HoldReason, u64)> = Vec::new();
        for held in held_back {
            match counts.iter_mut().find(|(reason, _)| *reason == held.reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((held.reason, 1)),
            }
        }
        counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        self.held_back = counts;
    }

    /// One line per finding, for a log or a notice.
    pub fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let names = |fields: &[IdentityField]| {
            fields
                .iter()
                .map(|f| f.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.labelled_fields.is_empty() {
            lines.push(format!(
                "m of {} learnt from {} record pairs that share an identifier of one person",
                names(&self.labelled_fields),
                self.n_labelled_pairs
            ));
        }
        if !self.em_fields.is_empty() {
            lines.push(format!("m of {} estimated by EM", names(&self.em_fields)));
        }
        if self.lambda_estimated > self.lambda_bound {
            lines.push(format!(
                "λ estimated at {:.3e}, bounded to {:.3e} (two matches per record)",
                self.lambda_estimated, self.lambda_bound
            ));
        }
        match &self.degenerate {
            Some(why) => lines.push(format!(
                "model not trusted ({why}): only exact identifiers of one person link records"
            )),
            None => lines.push("model healthy".to_owned()),
        }
        lines
    }
}
