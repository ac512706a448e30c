//! Typed, columnar tables: what every import becomes and every analysis reads.
//!
//! A column stores one type in a vector sized to the data (integers as `i64`, dates as days since
//! 1970-01-01, categories as dictionary codes), with a validity bitmap for missing values, so a
//! million-row table costs what its values cost, not a `String` per cell.

mod builder;
mod column;
mod validity;

pub use builder::{ColumnBuilder, TableBuilder, TypeMismatch};
pub use column::{day_of_text, day_text, instant_text, Column, ColumnType, ColumnValues, Value};
pub use validity::Validity;

pub(crate) use column::EPOCH_DAYS_FROM_CE;

/// A named set of equally long columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    name: String,
    columns: Vec<Column>,
    n_rows: usize,
}

/// Why a table could not be assembled from its columns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("column `{column}` has {found} rows where the table has {expected}")]
    RaggedColumn {
        column: String,
        expected: usize,
        found: usize,
    },
}

impl Table {
    /// Assembles a table, checking that every column has the same number of rows.
    pub fn new(name: impl Into<String>, columns: Vec<Column>) -> Result<Table, TableError> {
        let n_rows = columns.first().map_or(0, Column::len);
        if let Some(ragged) = columns.iter().find(|column| column.len() != n_rows) {
            return Err(TableError::RaggedColumn {
                column: ragged.name().to_owned(),
                expected: n_rows,
                found: ragged.len(),
            });
        }
        Ok(Table {
            name: name.into(),
            columns,
            n_rows,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    pub fn n_columns(&self) -> usize {
        self.columns.len()
    }

    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|column| column.name() == name)
    }

    /// The rows `offset..offset + limit` (clamped to the table) as display text, `None` for a
    /// missing value. This is what a preview grid asks for: one visible page at a time.
    pub fn page_as_text(&self, offset: usize, limit: usize) -> Vec<Vec<Option<String>>> {
        let start = offset.min(self.n_rows);
        let end = offset.saturating_add(limit).min(self.n_rows);
        (start..end)
            .map(|row_idx| {
                self.columns
                    .iter()
                    .map(|column| column.display(row_idx))
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integers(name: &str, values: &[Option<i64>]) -> Column {
        let mut builder = ColumnBuilder::new(name, ColumnType::Integer);
        for value in values {
            builder
                .push(value.map_or(Value::Null, Value::Integer))
                .unwrap();
        }
        builder.finish()
    }

    #[test]
    fn ragged_columns_are_refused_with_the_culprit_named() {
        let err = Table::new(
            "t",
            vec![
                integers("a", &[Some(1), Some(2)]),
                integers("b", &[Some(1)]),
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `b` has 1 rows where the table has 2"
        );
    }

    #[test]
    fn pages_are_clamped_to_the_table() {
        let table = Table::new("t", vec![integers("a", &[Some(1), None, Some(3)])]).unwrap();
        assert_eq!(
            table.page_as_text(1, 10),
            vec![vec![None], vec![Some("3".to_owned())]]
        );
        assert!(table.page_as_text(5, 10).is_empty());
        assert_eq!(table.page_as_text(0, usize::MAX).len(), 3);
    }

    #[test]
    fn an_empty_table_has_no_rows() {
        let table = Table::new("empty", Vec::new()).unwrap();
        assert_eq!((table.n_rows(), table.n_columns()), (0, 0));
    }
}
