//! Customers as they form: union-find over links, each group carrying who its records say it
//! is, so a link that would make one customer of two people is held back instead of applied.

use super::coherence::{HoldReason, Persona};
use super::fields::IdentityField;
use super::records::Records;

/// Records two groups of several records each may hold together at most before a scored link
/// between them is held back: no person has that many records in a handful of exports, but a
/// chain of plausible links between namesakes does.
pub const MAX_SCORED_CUSTOMER_RECORDS: u32 = 50;

/// Scored links one customer takes at most (identifier links are not counted): beyond that
/// it is a chain of namesakes rather than one person seen in many places.
pub const MAX_SCORED_JOINS: u32 = 25;

/// How a link is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JoinKind {
    /// An exact email, phone or handle of one person: only who the records say they are is
    /// checked.
    Identifier,
    /// A customer id: who the records say they are is checked more loosely
    /// ([`Persona::key_conflict`]).
    Key,
    /// A ruling that the records are one customer: applied whatever they hold.
    Accepted,
    /// A match probability: checked for who the records are and for size, and below
    /// `weak_link` it may not join two groups of several records.
    Scored { weak: bool },
}

impl JoinKind {
    /// How a link on the same value of identifier `field` is applied.
    pub(crate) fn of_identifier(field: IdentityField) -> JoinKind {
        if field == IdentityField::CustomerKey {
            JoinKind::Key
        } else {
            JoinKind::Identifier
        }
    }
}

/// Union-find with path halving and union by size, and a [`Persona`] per group.
#[derive(Debug)]
pub(crate) struct Groups {
    parent: Vec<u32>,
    personas: Vec<Persona>,
    /// Per group root, the scored links applied inside it.
    scored_joins: Vec<u32>,
}

impl Groups {
    pub(crate) fn new(records: &Records) -> Groups {
        let n = records.len();
        Groups {
            parent: (0..n as u32).collect(),
            personas: (0..n).map(|record| Persona::of(records, record)).collect(),
            scored_joins: vec![0; n],
        }
    }

    pub(crate) fn empty() -> Groups {
        Groups {
            parent: Vec::new(),
            personas: Vec::new(),
            scored_joins: Vec::new(),
        }
    }

    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while let Some(&parent) = self.parent.get(x) {
            let parent = parent as usize;
            if parent == x {
                break;
            }
            let grandparent = self.parent.get(parent).copied().unwrap_or(parent as u32);
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = grandparent;
            }
            x = grandparent as usize;
        }
        x
    }

    fn n_records(&self, root: usize) -> u32 {
        self.personas.get(root).map_or(1, |p| p.n_records)
    }

    /// Joins the groups of `a` and `b` if they may be one customer: `Ok(true)` when joined,
    /// `Ok(false)` when they were one already, `Err` with the reason it was held back.
    pub(crate) fn join(
        &mut self,
        records: &Records,
        a: usize,
        b: usize,
        kind: JoinKind,
    ) -> Result<bool, HoldReason> {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Ok(false);
        }
        let (size_a, size_b) = (self.n_records(ra), self.n_records(rb));
        let joins = |groups: &Groups, r: usize| groups.scored_joins.get(r).copied().unwrap_or(0);
        let mut scored_joins = joins(self, ra) + joins(self, rb);
        if let JoinKind::Scored { weak } = kind {
            if weak && size_a >= 2 && size_b >= 2 {
                return Err(HoldReason::WeakChain);
            }
            if size_a >= 2 && size_b >= 2 && size_a + size_b > MAX_SCORED_CUSTOMER_RECORDS {
                return Err(HoldReason::TooManyRecords);
            }
            scored_joins += 1;
            if scored_joins > MAX_SCORED_JOINS {
                return Err(HoldReason::TooManyRecords);
            }
        }
        if kind != JoinKind::Accepted {
            if let (Some(x), Some(y)) = (self.personas.get(ra), self.personas.get(rb)) {
                let conflict = if kind == JoinKind::Key {
                    x.key_conflict(y, records)
                } else {
                    x.conflict(y, records)
                };
                if let Some(reason) = conflict {
                    return Err(reason);
                }
            }
        }
        if size_a < size_b {
            std::mem::swap(&mut ra, &mut rb);
        }
        let absorbed = self.personas.get(rb).cloned().unwrap_or_default();
        if let Some(persona) = self.personas.get_mut(ra) {
            persona.absorb(&absorbed);
        }
        if let Some(slot) = self.parent.get_mut(rb) {
            *slot = ra as u32;
        }
        if let Some(slot) = self.scored_joins.get_mut(ra) {
            *slot = scored_joins;
        }
        Ok(true)
    }
}
