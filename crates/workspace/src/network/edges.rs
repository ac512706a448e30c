//! Tables that are edges already: an edge list the user loaded (who → whom, an optional weight
//! and time) or the referrals in a table of orders or customers (a referred-by column next to the
//! customer id).
//!
//! Their columns are found by `converge_core::network::detect_edge_list`, the same words the CLI
//! reads; this module only reads the rows. Nodes are named as posts name handles (trimmed, without
//! a leading `@`, lower case), so a node of an edge list and a handle of a post compare equal.
//! A row without a source or a target, or with a weight that is not a number ≥ 0, makes no edge
//! and is counted.

use converge_core::network::{detect_edge_list, normalise_handle, EdgeKind, EdgeListColumns};
use converge_core::schema::{Field, TableSchema};
use converge_core::table::Table;

use crate::answer::NetworkFilter;

/// A table of edges as the network reads it.
pub struct EdgeRows<'t> {
    table: &'t Table,
    pub(super) columns: EdgeListColumns,
    pub(super) channel: Option<&'t str>,
    /// The column of customer ids a node's first row carries (the source, for referrals).
    customer: Option<&'t str>,
}

/// Why a row made no edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoEdge {
    MissingEnd,
    BadWeight,
}

impl<'t> EdgeRows<'t> {
    /// The edges of `table`, if its columns read as an edge list or as referrals.
    pub fn new(table: &'t Table, schema: &'t TableSchema) -> Option<EdgeRows<'t>> {
        let columns = detect_edge_list(schema)?;
        table.column(&columns.source)?;
        table.column(&columns.target)?;
        let column_of = |wanted: Field| {
            schema
                .fields
                .iter()
                .filter(|guess| guess.field == Some(wanted))
                .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
                .map(|guess| guess.column.as_str())
        };
        let customer = match columns.kind {
            EdgeKind::Referrals => table.column(&columns.source).map(|c| c.name()),
            EdgeKind::EdgeList => column_of(Field::CustomerId),
        };
        // `source` names a channel too, to the schema: a column that is an end is not one.
        let channel = column_of(Field::Channel)
            .filter(|name| *name != columns.source && *name != columns.target);
        Some(EdgeRows {
            table,
            channel,
            customer,
            columns,
        })
    }

    pub fn n_rows(&self) -> usize {
        self.table.n_rows()
    }

    pub fn cell(&self, column: Option<&str>, row_idx: usize) -> Option<String> {
        self.table
            .column(column?)?
            .display(row_idx)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    }

    pub fn day(&self, row_idx: usize) -> Option<i32> {
        let column = self.table.column(self.columns.time.as_deref()?)?;
        i32::try_from(column.get(row_idx).day()?).ok()
    }

    pub fn customer(&self, row_idx: usize) -> Option<String> {
        self.cell(self.customer, row_idx)
    }

    pub fn passes(&self, row_idx: usize, filter: &NetworkFilter) -> bool {
        if let Some(channel) = &filter.channel {
            if self.cell(self.channel, row_idx).as_deref() != Some(channel.as_str()) {
                return false;
            }
        }
        crate::voice::within_days(|| self.day(row_idx), filter.from_day, filter.to_day)
    }

    /// The row's edge: its source and target as nodes are named, and its weight (1 without a
    /// weight column).
    pub fn edge(&self, row_idx: usize) -> Result<(String, String, f64), NoEdge> {
        let node = |column: &str| {
            self.cell(Some(column), row_idx)
                .map(|name| normalise_handle(&name))
                .filter(|name| !name.is_empty())
        };
        let (Some(source), Some(target)) = (node(&self.columns.source), node(&self.columns.target))
        else {
            return Err(NoEdge::MissingEnd);
        };
        let weight = match self.columns.weight.as_deref() {
            None => 1.0,
            Some(column) => self
                .cell(Some(column), row_idx)
                .and_then(|text| text.parse::<f64>().ok())
                .filter(|weight| weight.is_finite() && *weight >= 0.0)
                .ok_or(NoEdge::BadWeight)?,
        };
        Ok((source, target, weight))
    }
}
