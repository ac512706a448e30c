//! What every command needs of a file's columns: text decoded as ingestion decodes it, and a
//! column found by the name (or number) the user gave.

use std::io::Cursor;

use anyhow::{bail, Context};
use converge_core::ingest::{ingest, Format, Ingested, ReadOptions};
use encoding_rs::WINDOWS_1252;

/// Text from bytes: UTF-8 when valid, else Windows-1252 (which reads any byte), as ingestion does.
pub fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// A column by name (exact, then ignoring case) or, for files without a header, by 1-based number.
pub fn find_column(header: &[String], wanted: &str) -> anyhow::Result<usize> {
    if let Some(idx) = header.iter().position(|name| name == wanted) {
        return Ok(idx);
    }
    if let Some(idx) = header
        .iter()
        .position(|name| name.to_lowercase() == wanted.to_lowercase())
    {
        return Ok(idx);
    }
    if let Some(idx) = wanted.parse::<usize>().ok().and_then(|n| n.checked_sub(1)) {
        return Ok(idx);
    }
    bail!(
        "no column `{wanted}`; the columns are: {}",
        header.join(", ")
    )
}

/// The first rows of a file (its head, cut to whole lines unless `complete`) read as a typed
/// table, to detect what its columns are before streaming the whole file.
pub fn sample(name: &str, head: &[u8], complete: bool, format: Format) -> anyhow::Result<Ingested> {
    let sample = if complete {
        head.to_vec()
    } else {
        let end = head
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(head.len(), |idx| idx + 1);
        head[..end].to_vec()
    };
    let options = ReadOptions {
        format: Some(format),
        has_header: None,
    };
    ingest(name, Cursor::new(sample), options).with_context(|| format!("reading {name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_by_name_any_case_or_number() {
        let header: Vec<String> = ["Id", "Comment"].iter().map(|n| (*n).to_owned()).collect();
        assert_eq!(find_column(&header, "Comment").unwrap(), 1);
        assert_eq!(find_column(&header, "comment").unwrap(), 1);
        assert_eq!(find_column(&header, "1").unwrap(), 0);
        let err = find_column(&header, "body").unwrap_err().to_string();
        assert_eq!(err, "no column `body`; the columns are: Id, Comment");
        assert_eq!(decode(b"caf\xe9"), "café");
    }
}
