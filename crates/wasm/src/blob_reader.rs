//! A browser `Blob` (a user's `File`) read as a `std::io::Read`, a slice at a time.
//!
//! Workers may read files synchronously with `FileReaderSync`, which lets the core's readers pull
//! bytes as they would from a file on disk. Only one slice is held at a time, so a 1 GB export is
//! never in memory whole.

use std::io::Read;

use wasm_bindgen::JsValue;

use crate::describe;
use web_sys::{Blob, FileReaderSync};

/// Bytes read from the blob at a time.
const SLICE_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

pub struct BlobReader {
    blob: Blob,
    reader: FileReaderSync,
    offset: f64,
    size: f64,
    slice: Vec<u8>,
    slice_start: usize,
}

impl BlobReader {
    /// Fails outside a worker, where `FileReaderSync` does not exist.
    pub fn new(blob: Blob) -> Result<BlobReader, String> {
        let reader = FileReaderSync::new().map_err(|err| describe(&err))?;
        Ok(BlobReader {
            size: blob.size(),
            blob,
            reader,
            offset: 0.0,
            slice: Vec::new(),
            slice_start: 0,
        })
    }
}

impl Read for BlobReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.slice_start == self.slice.len() {
            if self.offset >= self.size {
                return Ok(0);
            }
            let end = (self.offset + SLICE_BYTES).min(self.size);
            let slice = self
                .blob
                .slice_with_f64_and_f64(self.offset, end)
                .map_err(io_error)?;
            let buffer = self.reader.read_as_array_buffer(&slice).map_err(io_error)?;
            let bytes = js_sys::Uint8Array::new(&buffer);
            self.slice.resize(bytes.length() as usize, 0);
            bytes.copy_to(&mut self.slice);
            self.slice_start = 0;
            self.offset = end;
            if self.slice.is_empty() {
                return Ok(0);
            }
        }
        let available = &self.slice[self.slice_start..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.slice_start += n;
        Ok(n)
    }
}

fn io_error(err: JsValue) -> std::io::Error {
    std::io::Error::other(describe(&err))
}
