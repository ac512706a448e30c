//! Building tables one value at a time, as readers and generators produce them.

use crate::hashing::FastMap;

use super::{Column, ColumnType, ColumnValues, Table, TableError, Validity, Value};

/// A value of the wrong kind was pushed into a typed column.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("column `{column}` holds {expected} values, not {found}")]
pub struct TypeMismatch {
    pub column: String,
    pub expected: &'static str,
    pub found: String,
}

/// Accumulates the values of one column.
#[derive(Debug, Clone)]
pub struct ColumnBuilder {
    name: String,
    values: ColumnValues,
    validity: Validity,
    category_codes: FastMap<String, u32>,
}

impl ColumnBuilder {
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> ColumnBuilder {
        let values = match column_type {
            ColumnType::Integer => ColumnValues::Integer(Vec::new()),
            ColumnType::Decimal => ColumnValues::Decimal(Vec::new()),
            ColumnType::Boolean => ColumnValues::Boolean(Vec::new()),
            ColumnType::Date => ColumnValues::Date(Vec::new()),
            ColumnType::Timestamp => ColumnValues::Timestamp(Vec::new()),
            ColumnType::Text => ColumnValues::Text {
                bytes: String::new(),
                ends: Vec::new(),
            },
            ColumnType::Category => ColumnValues::Category {
                dictionary: Vec::new(),
                codes: Vec::new(),
            },
        };
        ColumnBuilder {
            name: name.into(),
            values,
            validity: Validity::default(),
            category_codes: FastMap::default(),
        }
    }

    /// Appends one cell. An integer is accepted by a decimal column; anything else of the wrong
    /// kind is refused and nothing is appended.
    pub fn push(&mut self, value: Value<'_>) -> Result<(), TypeMismatch> {
        let is_valid = !matches!(value, Value::Null);
        match (&mut self.values, value) {
            (ColumnValues::Integer(values), Value::Integer(v)) => values.push(v),
            (ColumnValues::Integer(values), Value::Null) => values.push(0),
            (ColumnValues::Decimal(values), Value::Decimal(v)) => values.push(v),
            (ColumnValues::Decimal(values), Value::Integer(v)) => values.push(v as f64),
            (ColumnValues::Decimal(values), Value::Null) => values.push(0.0),
            (ColumnValues::Boolean(values), Value::Boolean(v)) => values.push(v),
            (ColumnValues::Boolean(values), Value::Null) => values.push(false),
            (ColumnValues::Date(values), Value::Date(v)) => values.push(v),
            (ColumnValues::Date(values), Value::Null) => values.push(0),
            (ColumnValues::Timestamp(values), Value::Timestamp(v)) => values.push(v),
            (ColumnValues::Timestamp(values), Value::Null) => values.push(0),
            (ColumnValues::Text { bytes, ends }, Value::Text(text)) => {
                bytes.push_str(text);
                ends.push(bytes.len());
            }
            (ColumnValues::Text { bytes, ends }, Value::Null) => ends.push(bytes.len()),
            (ColumnValues::Category { dictionary, codes }, Value::Text(text)) => {
                let code = match self.category_codes.get(text) {
                    Some(code) => *code,
                    None => {
                        let code = dictionary.len() as u32;
                        dictionary.push(text.to_owned());
                        self.category_codes.insert(text.to_owned(), code);
                        code
                    }
                };
                codes.push(code);
            }
            (ColumnValues::Category { codes, .. }, Value::Null) => codes.push(0),
            (values, found) => {
                return Err(TypeMismatch {
                    column: self.name.clone(),
                    expected: values.column_type().label(),
                    found: format!("{found:?}"),
                })
            }
        }
        self.validity.push(is_valid);
        Ok(())
    }

    /// Appends a text value to a text column: the readers' hot path, without `push`'s checks.
    /// Returns false (and appends nothing) for any other kind of column.
    pub fn push_text(&mut self, text: &str) -> bool {
        let ColumnValues::Text { bytes, ends } = &mut self.values else {
            return false;
        };
        bytes.push_str(text);
        ends.push(bytes.len());
        self.validity.push(true);
        true
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Makes room for `n_values` more values (and, for text, `n_bytes` more bytes), so a column
    /// whose final size is known roughly grows once instead of doubling its way there.
    pub fn reserve(&mut self, n_values: usize, n_bytes: usize) {
        match &mut self.values {
            ColumnValues::Integer(values) => values.reserve(n_values),
            ColumnValues::Decimal(values) => values.reserve(n_values),
            ColumnValues::Boolean(values) => values.reserve(n_values),
            ColumnValues::Date(values) => values.reserve(n_values),
            ColumnValues::Timestamp(values) => values.reserve(n_values),
            ColumnValues::Text { bytes, ends } => {
                bytes.reserve(n_bytes);
                ends.reserve(n_values);
            }
            ColumnValues::Category { codes, .. } => codes.reserve(n_values),
        }
    }

    /// Bytes of text held so far (zero for other types).
    pub fn text_bytes(&self) -> usize {
        match &self.values {
            ColumnValues::Text { bytes, .. } => bytes.len(),
            _ => 0,
        }
    }

    pub fn finish(self) -> Column {
        Column {
            name: self.name,
            values: self.values,
            validity: self.validity,
        }
    }
}

/// Accumulates a table row by row.
#[derive(Debug, Clone)]
pub struct TableBuilder {
    name: String,
    columns: Vec<ColumnBuilder>,
}

impl TableBuilder {
    pub fn new(name: impl Into<String>, schema: &[(&str, ColumnType)]) -> TableBuilder {
        TableBuilder {
            name: name.into(),
            columns: schema
                .iter()
                .map(|(column_name, column_type)| ColumnBuilder::new(*column_name, *column_type))
                .collect(),
        }
    }

    /// Appends one row; a row of the wrong width or with a value of the wrong kind is refused
    /// whole, so the columns never drift apart.
    pub fn push_row(&mut self, row: &[Value<'_>]) -> Result<(), TypeMismatch> {
        if row.len() != self.columns.len() {
            return Err(TypeMismatch {
                column: self.name.clone(),
                expected: "rows of the table's width",
                found: format!("a row of {} values", row.len()),
            });
        }
        for (column, value) in self.columns.iter().zip(row) {
            check_kind(column, *value)?;
        }
        for (column, value) in self.columns.iter_mut().zip(row) {
            column.push(*value)?;
        }
        Ok(())
    }

    pub fn n_rows(&self) -> usize {
        self.columns.first().map_or(0, ColumnBuilder::len)
    }

    pub fn finish(self) -> Result<Table, TableError> {
        Table::new(
            self.name,
            self.columns
                .into_iter()
                .map(ColumnBuilder::finish)
                .collect(),
        )
    }
}

fn check_kind(column: &ColumnBuilder, value: Value<'_>) -> Result<(), TypeMismatch> {
    let fits = matches!(
        (column.values.column_type(), value),
        (_, Value::Null)
            | (ColumnType::Integer, Value::Integer(_))
            | (ColumnType::Decimal, Value::Decimal(_) | Value::Integer(_))
            | (ColumnType::Boolean, Value::Boolean(_))
            | (ColumnType::Date, Value::Date(_))
            | (ColumnType::Timestamp, Value::Timestamp(_))
            | (ColumnType::Text | ColumnType::Category, Value::Text(_))
    );
    if fits {
        Ok(())
    } else {
        Err(TypeMismatch {
            column: column.name.clone(),
            expected: column.values.column_type().label(),
            found: format!("{value:?}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_row_leaves_every_column_as_it_was() {
        let mut builder = TableBuilder::new(
            "t",
            &[("id", ColumnType::Integer), ("name", ColumnType::Text)],
        );
        builder
            .push_row(&[Value::Integer(1), Value::Text("Ada")])
            .unwrap();
        let err = builder
            .push_row(&[Value::Integer(2), Value::Boolean(true)])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `name` holds text values, not Boolean(true)"
        );
        assert!(builder.push_row(&[Value::Integer(3)]).is_err());
        let table = builder.finish().unwrap();
        assert_eq!(table.n_rows(), 1);
        assert_eq!(
            table.page_as_text(0, 5),
            vec![vec![Some("1".into()), Some("Ada".into())]]
        );
    }

    #[test]
    fn categories_share_one_dictionary_entry_per_value() {
        let mut builder = ColumnBuilder::new("country", ColumnType::Category);
        for country in ["FR", "DE", "FR", "FR"] {
            builder.push(Value::Text(country)).unwrap();
        }
        match builder.finish().values() {
            ColumnValues::Category { dictionary, codes } => {
                assert_eq!(dictionary, &["FR", "DE"]);
                assert_eq!(codes, &[0, 1, 0, 0]);
            }
            other => panic!("expected a category column, got {other:?}"),
        }
    }
}
