//! Households: the customers who live together.
//!
//! People who share a street address, a landline or a family e-mail are several customers of
//! one household, not one customer: resolution keeps them apart ([`super::coherence`]) and then
//! groups them here, so a marketer can see who lives with whom and send one mailer per address.
//! Customers are grouped when their records share an address (street, second line and
//! postcode, or city where there is no postcode), or a phone or e-mail that several people use
//! ([`super::SharedIdentifier`]). A key held by more than [`MAX_HOUSEHOLD_CUSTOMERS`]
//! customers (an office switchboard, a block of flats written without flat numbers, a
//! placeholder) groups no one.

use super::fields::IdentityField;
use super::records::{Records, MISSING};
use super::resolution::{Customer, CustomerId, RecordAssignment};
use crate::hashing::hash_str;

/// Customers one household holds at most; a shared key with more groups no one.
pub const MAX_HOUSEHOLD_CUSTOMERS: usize = 8;

/// A household's id, numbered from 1 in the order of its first customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HouseholdId(pub u32);

/// Customers who live together (one customer alone is a household of one).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Household {
    pub id: HouseholdId,
    pub customers: Vec<CustomerId>,
    /// What they share: an address, a shared phone or e-mail (normalised), at most a few.
    pub shared: Vec<(IdentityField, String)>,
}

/// Every customer's household.
#[derive(Debug, Clone, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Households {
    pub households: Vec<Household>,
    /// Per customer (in [`super::Resolution::customers`] order), its household.
    pub of_customer: Vec<HouseholdId>,
}

/// What a household lists it shares at most.
const MAX_SHARED_SHOWN: usize = 4;

impl Households {
    pub(crate) fn of(
        records: &Records,
        customers: &[Customer],
        assignments: &[RecordAssignment],
    ) -> Households {
        let n_customers = customers.len();
        let customer_idx = |record: usize| {
            assignments
                .get(record)
                .map(|a| a.customer.0.saturating_sub(1) as usize)
        };
        // (key, customer index), with what the key stands for.
        let mut keyed: Vec<(u64, u32, u32, u8)> = Vec::new();
        let value = |field: IdentityField, record: usize| {
            records.field(field).and_then(|store| store.get(record))
        };
        let shared_id = |field: IdentityField, record: usize| {
            let store = records.field(field)?;
            let id = *store.ids.get(record)?;
            (id != MISSING && store.shared.get(id as usize) == Some(&true)).then_some(id)
        };
        let mut scratch = String::new();
        for record in 0..records.len() {
            let Some(customer) = customer_idx(record) else {
                continue;
            };
            if let Some(street) = value(IdentityField::Address, record) {
                let place = value(IdentityField::Postcode, record)
                    .or_else(|| value(IdentityField::City, record));
                if let Some(place) = place {
                    scratch.clear();
                    for part in [
                        value(IdentityField::StreetNumber, record).unwrap_or(""),
                        street,
                        value(IdentityField::AddressExtra, record).unwrap_or(""),
                        place,
                    ] {
                        scratch.push_str(part);
                        scratch.push('\u{1f}');
                    }
                    keyed.push((hash_str(&scratch), customer as u32, record as u32, 0));
                }
            }
            for (kind, field) in [(1u8, IdentityField::Phone), (2, IdentityField::Email)] {
                if let Some(id) = shared_id(field, record) {
                    let key = (u64::from(kind) << 56) ^ u64::from(id) ^ 0x5bd1_e995_0000_0000;
                    keyed.push((key, customer as u32, record as u32, kind));
                }
            }
        }
        keyed.sort_unstable();
        keyed.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
        let mut parent: Vec<u32> = (0..n_customers as u32).collect();
        let mut shared_by: Vec<(u32, IdentityField, u32)> = Vec::new();
        for group in keyed.chunk_by(|x, y| x.0 == y.0) {
            if group.len() < 2 || group.len() > MAX_HOUSEHOLD_CUSTOMERS {
                continue;
            }
            let Some(&(_, first, record, kind)) = group.first() else {
                continue;
            };
            for (_, customer, _, _) in group.iter().skip(1) {
                union(&mut parent, first as usize, *customer as usize);
            }
            let field = match kind {
                0 => IdentityField::Address,
                1 => IdentityField::Phone,
                _ => IdentityField::Email,
            };
            shared_by.push((first, field, record));
        }
        let mut of_customer = Vec::with_capacity(n_customers);
        let mut households: Vec<Household> = Vec::new();
        let mut household_of_root: Vec<u32> = vec![u32::MAX; n_customers];
        for (idx, customer) in customers.iter().enumerate() {
            let root = find(&mut parent, idx);
            let Some(slot) = household_of_root.get_mut(root) else {
                of_customer.push(HouseholdId(0));
                continue;
            };
            if *slot == u32::MAX {
                *slot = households.len() as u32;
                households.push(Household {
                    id: HouseholdId(households.len() as u32 + 1),
                    customers: Vec::new(),
                    shared: Vec::new(),
                });
            }
            if let Some(household) = households.get_mut(*slot as usize) {
                household.customers.push(customer.id);
                of_customer.push(household.id);
            }
        }
        for (customer, field, record) in shared_by {
            let Some(household) = of_customer
                .get(customer as usize)
                .and_then(|id| households.get_mut(id.0.saturating_sub(1) as usize))
            else {
                continue;
            };
            if household.shared.len() >= MAX_SHARED_SHOWN {
                continue;
            }
            let shown = match field {
                IdentityField::Address => [
                    IdentityField::StreetNumber,
                    IdentityField::Address,
                    IdentityField::AddressExtra,
                    IdentityField::Postcode,
                    IdentityField::City,
                ]
                .iter()
                .filter_map(|part| value(*part, record as usize))
                .collect::<Vec<_>>()
                .join(" "),
                _ => value(field, record as usize).unwrap_or_default().to_owned(),
            };
            if !household
                .shared
                .iter()
                .any(|(f, v)| *f == field && *v == shown)
            {
                household.shared.push((field, shown));
            }
        }
        Households {
            households,
            of_customer,
        }
    }

    /// The household of `customer`.
    pub fn household_of(&self, customer: CustomerId) -> Option<&Household> {
        let id = self.of_customer.get(customer.0.checked_sub(1)? as usize)?;
        self.households.get(id.0.checked_sub(1)? as usize)
    }

    /// Households of several customers.
    pub fn shared(&self) -> impl Iterator<Item = &Household> {
        self.households.iter().filter(|h| h.customers.len() >= 2)
    }
}

fn find(parent: &mut [u32], mut x: usize) -> usize {
    while let Some(&p) = parent.get(x) {
        let p = p as usize;
        if p == x {
            break;
        }
        let grandparent = parent.get(p).copied().unwrap_or(p as u32);
        if let Some(slot) = parent.get_mut(x) {
            *slot = grandparent;
        }
        x = grandparent as usize;
    }
    x
}

fn union(parent: &mut [u32], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (low, high) = (ra.min(rb), ra.max(rb));
        if let Some(slot) = parent.get_mut(high) {
            *slot = low as u32;
        }
    }
}
