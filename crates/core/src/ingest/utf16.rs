//! UTF-16 text (Excel's "Unicode text" export) read as UTF-8, as it streams.

use std::io::Read;

use encoding_rs::{Decoder, UTF_16BE, UTF_16LE};

/// Transcodes a UTF-16 byte stream (without its BOM) into UTF-8.
pub(crate) struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    output: Vec<u8>,
    output_start: usize,
    finished: bool,
}

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, little_endian: bool) -> Utf16Reader<R> {
        let encoding = if little_endian { UTF_16LE } else { UTF_16BE };
        Utf16Reader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024],
            output: Vec::new(),
            output_start: 0,
            finished: false,
        }
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.output_start == self.output.len() && !self.finished {
            let n_read = self.inner.read(&mut self.input)?;
            let last = n_read == 0;
            let mut decoded = String::with_capacity(n_read * 2 + 8);
            let (_, _, _) =
                self.decoder
                    .decode_to_string(&self.input[..n_read], &mut decoded, last);
            self.output = decoded.into_bytes();
            self.output_start = 0;
            self.finished = last;
        }
        let available = &self.output[self.output_start..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.output_start += n;
        Ok(n)
    }
}
