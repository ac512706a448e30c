//! RFM: recency, frequency and monetary value per customer, scored 1–5 and named.
//!
//! RFM is how marketers have ranked customers since catalogue mailings: *when* did they last buy
//! (recency), *how often* (frequency), *how much* in total (monetary). Each customer gets a score
//! 1–5 per measure by quintiles, 5 being the most recent, the most frequent, the highest spend,
//! and a named segment from the R×FM grid below.
//!
//! # Measures
//!
//! - **recency_days**: whole days from the customer's last order day to the as-of day (by default
//!   the day after the last order in the data, so the most recent customers have 1). Times of day
//!   are dropped first: an order at 23:59 and one at 00:01 the same day count the same.
//! - **frequency**: the number of orders. When orders arrive as lines (one row per product, as in
//!   most invoice exports), [`RfmBuilder::add_order_line`] counts each distinct order id once.
//! - **monetary**: the sum of the order amounts, as they are: returns (negative amounts) reduce it.
//!   It is summed with Kahan's compensation, as pandas sums groups, so totals that are equal on
//!   paper tie in the ranking as they do in pandas.
//!
//! # Scores
//!
//! Scores follow the convention of `pd.qcut(s.rank(method="first"), 5, labels=…)` exactly, so
//! they can be checked against pandas: customers are ranked 1..n by the measure, ties broken by
//! the order in which customers first appear in the orders; the ranks are cut at their 20 %, 40 %,
//! 60 % and 80 % quantiles (linear interpolation: the edge `j` is `1 + (n-1)·j/5`) into
//! right-closed bins, the first one including its left edge. That makes the five groups as equal
//! as `n` allows, even when every customer has the same frequency. Rank `r` falls in bin
//! `1 + #{j ∈ 1..=4 : 5(r-1) > (n-1)·j}`, computed in integers. Recency is ranked ascending
//! and scored `6 - bin` (fewer days is better); frequency and monetary score `bin`. With a single
//! customer pandas refuses (its edges are not unique); here the lone customer is in bin 1 (R 5,
//! F 1, M 1), as the left-edge rule says.
//!
//! # The R×FM grid
//!
//! The names are those of the widely published RFM segment chart (Putler's "RFM analysis for
//! successful customer segmentation", reproduced by churned.io, Klaviyo-style dashboards and many
//! tutorials): recency on one axis and the combined frequency–monetary score on the other.
//! `FM = ⌊(F + M + 1) / 2⌋`, the mean of F and M rounded half up. The published chart draws
//! overlapping rectangles; here every one of the 25 cells has exactly one segment, overlaps
//! resolved towards the more specific name (Champions over Loyal Customers, New Customers and
//! Promising over Potential Loyalists, Can't Lose Them over At Risk, Lost over Hibernating):
//!
//! ```text
//!          FM=1             FM=2                 FM=3                 FM=4              FM=5
//! R=5  New Customers    Potential Loyalists  Potential Loyalists  Champions         Champions
//! R=4  Promising        Potential Loyalists  Loyal Customers      Champions         Champions
//! R=3  About to Sleep   Need Attention       Need Attention       Loyal Customers   Loyal Customers
//! R=2  Hibernating      Hibernating          At Risk              At Risk           Can't Lose Them
//! R=1  Lost             Lost                 At Risk              Can't Lose Them   Can't Lose Them
//! ```

use std::collections::HashMap;

use super::features::CustomerFeatures;
use super::SegmentError;

/// A customer's three scores, each in `1..=5`, 5 the best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmScore {
    pub recency: u8,
    pub frequency: u8,
    pub monetary: u8,
}

impl RfmScore {
    /// The combined frequency–monetary score of the grid: the mean of F and M rounded half up.
    pub fn frequency_monetary(self) -> u8 {
        (self.frequency + self.monetary).div_ceil(2)
    }

    /// The named segment of these scores (see the grid in the [module docs](self)).
    pub fn segment(self) -> RfmSegment {
        let r = usize::from(self.recency.clamp(1, 5)) - 1;
        let fm = usize::from(self.frequency_monetary().clamp(1, 5)) - 1;
        GRID[4 - r][fm]
    }
}

/// The named segments of the R×FM grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RfmSegment {
    Champions,
    LoyalCustomers,
    PotentialLoyalists,
    NewCustomers,
    Promising,
    NeedAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

impl RfmSegment {
    pub const ALL: [RfmSegment; 11] = [
        RfmSegment::Champions,
        RfmSegment::LoyalCustomers,
        RfmSegment::PotentialLoyalists,
        RfmSegment::NewCustomers,
        RfmSegment::Promising,
        RfmSegment::NeedAttention,
        RfmSegment::AboutToSleep,
        RfmSegment::AtRisk,
        RfmSegment::CantLoseThem,
        RfmSegment::Hibernating,
        RfmSegment::Lost,
    ];

    /// The name shown to marketers.
    pub fn label(self) -> &'static str {
        match self {
            RfmSegment::Champions => "Champions",
            RfmSegment::LoyalCustomers => "Loyal Customers",
            RfmSegment::PotentialLoyalists => "Potential Loyalists",
            RfmSegment::NewCustomers => "New Customers",
            RfmSegment::Promising => "Promising",
            RfmSegment::NeedAttention => "Need Attention",
            RfmSegment::AboutToSleep => "About to Sleep",
            RfmSegment::AtRisk => "At Risk",
            RfmSegment::CantLoseThem => "Can't Lose Them",
            RfmSegment::Hibernating => "Hibernating",
            RfmSegment::Lost => "Lost",
        }
    }
}

use RfmSegment as S;

/// Rows R = 5, 4, 3, 2, 1; columns FM = 1..=5. The module docs print the same table.
const GRID: [[RfmSegment; 5]; 5] = [
    [
        S::NewCustomers,
        S::PotentialLoyalists,
        S::PotentialLoyalists,
        S::Champions,
        S::Champions,
    ],
    [
        S::Promising,
        S::PotentialLoyalists,
        S::LoyalCustomers,
        S::Champions,
        S::Champions,
    ],
    [
        S::AboutToSleep,
        S::NeedAttention,
        S::NeedAttention,
        S::LoyalCustomers,
        S::LoyalCustomers,
    ],
    [
        S::Hibernating,
        S::Hibernating,
        S::AtRisk,
        S::AtRisk,
        S::CantLoseThem,
    ],
    [
        S::Lost,
        S::Lost,
        S::AtRisk,
        S::CantLoseThem,
        S::CantLoseThem,
    ],
];

/// One customer's measures, scores and segment.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerRfm {
    pub customer_id: String,
    pub recency_days: i64,
    pub frequency: u64,
    pub monetary: f64,
    pub score: RfmScore,
    pub segment: RfmSegment,
}

/// RFM for a whole customer base, customers in order of first appearance.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Rfm {
    /// The day recency is counted from, in days since 1970-01-01.
    pub as_of_day: i64,
    pub customers: Vec<CustomerRfm>,
}

impl Rfm {
    /// `recency_days`, `frequency` and `monetary` as a feature matrix for clustering.
    pub fn features(&self) -> CustomerFeatures {
        let mut values = Vec::with_capacity(self.customers.len() * 3);
        for customer in &self.customers {
            values.extend([
                customer.recency_days as f64,
                customer.frequency as f64,
                customer.monetary,
            ]);
        }
        CustomerFeatures::from_rows(
            vec![
                "recency_days".to_owned(),
                "frequency".to_owned(),
                "monetary".to_owned(),
            ],
            values,
        )
        .expect("three values were pushed per customer")
    }

    /// How many customers each segment holds, in [`RfmSegment::ALL`]'s order.
    pub fn segment_sizes(&self) -> [(RfmSegment, usize); 11] {
        let mut sizes = RfmSegment::ALL.map(|segment| (segment, 0));
        for customer in &self.customers {
            if let Some(slot) = sizes.iter_mut().find(|(s, _)| *s == customer.segment) {
                slot.1 += 1;
            }
        }
        sizes
    }
}

#[derive(Debug, Clone)]
struct Tally {
    customer_id: String,
    last_day: i64,
    n_orders: u64,
    monetary: f64,
    /// Kahan compensation of `monetary`, summed as pandas' `groupby().sum()` does, so that
    /// equal totals tie as they do there (`0.1 + 0.2` is not `0.3` in plain floating point).
    compensation: f64,
}

/// Collects orders one at a time (a file streams through it), then scores every customer.
///
/// ```
/// use converge_core::segment::rfm::{RfmBuilder, RfmSegment};
/// let mut orders = RfmBuilder::new();
/// orders.add_order("ada", 20_000, 120.0).unwrap();
/// orders.add_order("bo", 19_000, 15.0).unwrap();
/// orders.add_order("ada", 19_990, 80.0).unwrap();
/// let rfm = orders.finish(None).unwrap();
/// // Ada ordered most recently, most often and for most: the best of two customers.
/// assert_eq!(rfm.customers[0].recency_days, 1);
/// assert_eq!(rfm.customers[0].segment, RfmSegment::Champions);
/// assert_eq!(rfm.customers[1].recency_days, 1_001);
/// assert_eq!(rfm.customers[1].segment, RfmSegment::Lost);
/// ```
#[derive(Debug, Clone, Default)]
pub struct RfmBuilder {
    index: HashMap<String, usize>,
    customers: Vec<Tally>,
    n_orders: u64,
    /// (customer, order id) pairs already counted by [`RfmBuilder::add_order_line`].
    orders_seen: std::collections::HashSet<(usize, String)>,
}

impl RfmBuilder {
    pub fn new() -> RfmBuilder {
        RfmBuilder::default()
    }

    /// Adds one order of `customer_id` on `order_day` (days since 1970-01-01) for `amount`.
    /// A non-finite amount is refused (the order is not counted).
    pub fn add_order(
        &mut self,
        customer_id: &str,
        order_day: i64,
        amount: f64,
    ) -> Result<(), SegmentError> {
        self.add_order_line(customer_id, None, order_day, amount)
    }

    /// Adds one line of an order: its amount counts towards monetary value, but the order counts
    /// once towards frequency however many lines it has. A line without an order id is an order
    /// of its own.
    pub fn add_order_line(
        &mut self,
        customer_id: &str,
        order_id: Option<&str>,
        order_day: i64,
        amount: f64,
    ) -> Result<(), SegmentError> {
        if !amount.is_finite() {
            return Err(SegmentError::NotFinite {
                row: self.n_orders as usize,
                feature: "amount".to_owned(),
                value: amount,
            });
        }
        self.n_orders += 1;
        let idx = match self.index.get(customer_id) {
            Some(&idx) => idx,
            None => {
                self.index
                    .insert(customer_id.to_owned(), self.customers.len());
                self.customers.push(Tally {
                    customer_id: customer_id.to_owned(),
                    last_day: order_day,
                    n_orders: 0,
                    monetary: 0.0,
                    compensation: 0.0,
                });
                self.customers.len() - 1
            }
        };
        let new_order = match order_id {
            None => true,
            Some(order_id) => {
                // Look up before inserting so that a repeated line allocates nothing.
                let key = (idx, order_id.to_owned());
                !self.orders_seen.contains(&key) && self.orders_seen.insert(key)
            }
        };
        let tally = &mut self.customers[idx];
        tally.last_day = tally.last_day.max(order_day);
        tally.n_orders += u64::from(new_order);
        let y = amount - tally.compensation;
        let t = tally.monetary + y;
        tally.compensation = (t - tally.monetary) - y;
        tally.monetary = t;
        Ok(())
    }

    pub fn n_customers(&self) -> usize {
        self.customers.len()
    }

    /// Order lines added (each [`add_order`](Self::add_order) is one line).
    pub fn n_lines(&self) -> u64 {
        self.n_orders
    }

    /// Scores every customer. `as_of_day` defaults to the day after the last order; an as-of day
    /// before some customer's last order is refused (recency would be negative).
    pub fn finish(self, as_of_day: Option<i64>) -> Result<Rfm, SegmentError> {
        let last_day = self
            .customers
            .iter()
            .map(|tally| tally.last_day)
            .max()
            .ok_or(SegmentError::NoRows)?;
        let as_of_day = as_of_day.unwrap_or(last_day + 1);
        if as_of_day < last_day {
            return Err(SegmentError::BadParameter {
                parameter: "as_of",
                value: format!("day {as_of_day} (the last order is on day {last_day})"),
                reason: "it is before the last order in the data",
            });
        }
        let recency: Vec<f64> = self
            .customers
            .iter()
            .map(|tally| (as_of_day - tally.last_day) as f64)
            .collect();
        let frequency: Vec<f64> = self
            .customers
            .iter()
            .map(|tally| tally.n_orders as f64)
            .collect();
        let monetary: Vec<f64> = self.customers.iter().map(|tally| tally.monetary).collect();
        let r_bins = quintile_bins(&recency);
        let f_bins = quintile_bins(&frequency);
        let m_bins = quintile_bins(&monetary);
        let customers = self
            .customers
            .into_iter()
            .enumerate()
            .map(|(idx, tally)| {
                let score = RfmScore {
                    recency: 6 - r_bins[idx],
                    frequency: f_bins[idx],
                    monetary: m_bins[idx],
                };
                CustomerRfm {
                    customer_id: tally.customer_id,
                    recency_days: as_of_day - tally.last_day,
                    frequency: tally.n_orders,
                    monetary: tally.monetary,
                    segment: score.segment(),
                    score,
                }
            })
            .collect();
        Ok(Rfm {
            as_of_day,
            customers,
        })
    }
}

/// Each value's bin `1..=5` under `pd.qcut(pd.Series(values).rank(method="first"), 5)`: ranked
/// ascending, ties by position, cut into quintiles of the ranks (see the [module docs](self)).
pub fn quintile_bins(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    // A stable sort keeps tied values in their order of appearance: rank(method="first").
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut bins = vec![1; n];
    for (rank_idx, &value_idx) in order.iter().enumerate() {
        bins[value_idx] = quintile_of_rank(rank_idx + 1, n);
    }
    bins
}

/// The bin of 1-based `rank` among `n` ranks: `1 + #{j ∈ 1..=4 : 5(rank-1) > (n-1)·j}`.
pub fn quintile_of_rank(rank: usize, n: usize) -> u8 {
    let above = (1..=4u64)
        .filter(|&j| 5 * (rank as u64).saturating_sub(1) > (n as u64).saturating_sub(1) * j)
        .count();
    1 + above as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_bins(values: &[f64], expect: &[u8]) {
        assert_eq!(quintile_bins(values), expect, "{values:?}");
    }

    #[test]
    fn quintiles_match_pandas_for_small_n() {
        // pd.qcut(pd.Series(range(n)).rank(method="first"), 5, labels=[1..5])
        check_bins(&[], &[]);
        check_bins(&[7.0], &[1]);
        check_bins(&[1.0, 2.0], &[1, 5]);
        check_bins(&[1.0, 2.0, 3.0], &[1, 3, 5]);
        check_bins(&[1.0, 2.0, 3.0, 4.0], &[1, 2, 4, 5]);
        check_bins(&[1.0, 2.0, 3.0, 4.0, 5.0], &[1, 2, 3, 4, 5]);
        check_bins(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[1, 1, 2, 3, 4, 5]);
        check_bins(&[0.0; 7], &[1, 1, 2, 3, 4, 5, 5]);
    }

    #[test]
    fn ties_are_broken_by_order_of_first_appearance() {
        // All equal: the first customers get the low bins, whatever their ids.
        check_bins(&[3.0, 3.0, 3.0, 3.0, 3.0], &[1, 2, 3, 4, 5]);
        // Descending values with a tie in the middle.
        check_bins(&[5.0, 2.0, 2.0, 1.0, 9.0], &[4, 2, 3, 1, 5]);
    }

    fn check_segment(r: u8, f: u8, m: u8, expect: RfmSegment) {
        let score = RfmScore {
            recency: r,
            frequency: f,
            monetary: m,
        };
        assert_eq!(score.segment(), expect, "R{r} F{f} M{m}");
    }

    #[test]
    fn grid_borders() {
        check_segment(5, 5, 5, S::Champions);
        check_segment(4, 4, 3, S::Champions); // FM = 3.5 rounds up to 4
        check_segment(4, 3, 3, S::LoyalCustomers);
        check_segment(3, 5, 5, S::LoyalCustomers);
        check_segment(5, 1, 1, S::NewCustomers);
        check_segment(5, 1, 2, S::PotentialLoyalists); // FM = 1.5 rounds up to 2
        check_segment(4, 1, 1, S::Promising);
        check_segment(3, 1, 1, S::AboutToSleep);
        check_segment(3, 2, 3, S::NeedAttention);
        check_segment(2, 3, 3, S::AtRisk);
        check_segment(2, 5, 4, S::CantLoseThem);
        check_segment(1, 4, 4, S::CantLoseThem);
        check_segment(1, 3, 2, S::AtRisk);
        check_segment(2, 1, 2, S::Hibernating);
        check_segment(1, 2, 2, S::Lost);
        check_segment(1, 1, 1, S::Lost);
    }

    #[test]
    fn every_segment_is_in_the_grid() {
        for segment in RfmSegment::ALL {
            assert!(
                GRID.iter().flatten().any(|cell| *cell == segment),
                "{segment:?}"
            );
        }
    }

    #[test]
    fn measures_from_orders() {
        let mut builder = RfmBuilder::new();
        builder.add_order("b", 10, 5.0).unwrap();
        builder.add_order("a", 12, 7.5).unwrap();
        builder.add_order("b", 14, -2.0).unwrap();
        assert!(builder.add_order("b", 14, f64::NAN).is_err());
        let rfm = builder.finish(Some(20)).unwrap();
        let ids: Vec<&str> = rfm
            .customers
            .iter()
            .map(|c| c.customer_id.as_str())
            .collect();
        assert_eq!(ids, ["b", "a"]);
        assert_eq!(rfm.customers[0].recency_days, 6);
        assert_eq!(rfm.customers[0].frequency, 2);
        assert_eq!(rfm.customers[0].monetary, 3.0);
        assert_eq!(rfm.customers[1].recency_days, 8);
        // b is more recent (R 5), more frequent (F 5) and spent less (M 1).
        assert_eq!(
            rfm.customers[0].score,
            RfmScore {
                recency: 5,
                frequency: 5,
                monetary: 1
            }
        );
    }

    #[test]
    fn lines_of_one_order_count_once() {
        let mut builder = RfmBuilder::new();
        builder.add_order_line("a", Some("o1"), 10, 2.0).unwrap();
        builder.add_order_line("a", Some("o1"), 10, 3.0).unwrap();
        builder.add_order_line("a", Some("o2"), 11, 4.0).unwrap();
        builder.add_order_line("a", None, 12, 1.0).unwrap();
        // The same order id for another customer is another order.
        builder.add_order_line("b", Some("o1"), 12, 1.0).unwrap();
        let rfm = builder.finish(None).unwrap();
        assert_eq!(rfm.customers[0].frequency, 3);
        assert_eq!(rfm.customers[0].monetary, 10.0);
        assert_eq!(rfm.customers[1].frequency, 1);
    }

    #[test]
    fn as_of_before_the_last_order_is_refused() {
        let mut builder = RfmBuilder::new();
        builder.add_order("a", 12, 1.0).unwrap();
        assert!(matches!(
            builder.finish(Some(11)),
            Err(SegmentError::BadParameter {
                parameter: "as_of",
                ..
            })
        ));
        assert_eq!(RfmBuilder::new().finish(None), Err(SegmentError::NoRows));
    }
}
