//! `converge replay`: a real local stream server that replays exports as live traffic.
//!
//! Every file ingestion reads becomes a sequence of JSON records (one object per row, columns as
//! keys, dates in ISO 8601), merged across files in timestamp order. Each client that connects
//! gets its own replay from the start (or from where it left off, see below), paced at the
//! recorded gaps divided by `--speedup`, or at a fixed `--rate` of records per second:
//!
//! - `GET /events`: Server-Sent Events, one record per `data:` line, each event with an `id:`
//!   (the record's position, from 1), ending with `event: end`. A client that reconnects with
//!   `Last-Event-ID: N` (as `EventSource` does by itself), or asks for `/events?from=N` (as the
//!   app's worker does when it reconnects by itself), resumes after record N.
//! - `GET /ws`: the same records as WebSocket text messages (`?from=N` resumes after record N),
//!   then a close frame.
//!
//! It listens on 127.0.0.1 only. Records ingestion refused, and rows without a timestamp in a
//! file that has a timestamp column (they cannot be put in order), are reported on standard error
//! with their file and line and are never sent. A client that goes away ends its own replay, never the server.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use converge_core::schema::{detect, Field, Overrides};
use converge_core::table::{Table, Value};
use serde_json::{Map, Value as Json};

use crate::rows::{read_table, RowLines, Skipped};

pub struct Options {
    pub files: Vec<PathBuf>,
    /// Records per second; without it, the recorded pace.
    pub rate: Option<f64>,
    pub port: u16,
    /// How many times faster than recorded.
    pub speedup: f64,
}

/// Records per second when the files carry no timestamps and no `--rate` is given.
const DEFAULT_RATE: f64 = 100.0;
/// The longest pause between two records, whatever the recorded gap: a replay never sleeps for
/// hours because two orders were a night apart.
const MAX_GAP: Duration = Duration::from_secs(10);

/// One record ready to send: its time (if any) and its JSON text.
struct Record {
    at_ms: Option<i64>,
    json: String,
}

pub fn run(options: &Options) -> anyhow::Result<()> {
    anyhow::ensure!(
        options.speedup.is_finite() && options.speedup > 0.0,
        "--speedup must be a number above 0"
    );
    if let Some(rate) = options.rate {
        anyhow::ensure!(
            rate.is_finite() && rate > 0.0,
            "--rate must be a number of records per second above 0"
        );
    }
    let mut records = Vec::new();
    for path in &options.files {
        records.extend(load(path)?);
    }
    // Timestamp order across files; the stable sort keeps each file's order for equal times.
    records.sort_by_key(|record| record.at_ms.unwrap_or(i64::MIN));
    let timed = options.rate.is_none() && records.iter().all(|r| r.at_ms.is_some());
    let pace = match (options.rate, timed) {
        (Some(rate), _) => Pace::Rate(rate),
        (None, true) => Pace::Recorded(options.speedup),
        (None, false) => Pace::Rate(DEFAULT_RATE),
    };
    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .with_context(|| format!("listening on 127.0.0.1:{}", options.port))?;
    let port = listener.local_addr()?.port();
    eprintln!(
        "replay: {} records, {}, on http://127.0.0.1:{port}/events (SSE) and ws://127.0.0.1:{port}/ws",
        records.len(),
        pace.describe()
    );
    let records = Arc::new(records);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let records = Arc::clone(&records);
        std::thread::spawn(move || {
            let peer = stream
                .peer_addr()
                .map_or_else(|_| "a client".to_owned(), |addr| addr.to_string());
            if let Err(err) = serve(stream, &records, pace) {
                eprintln!("replay: {peer}: {err:#}");
            }
        });
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Pace {
    Rate(f64),
    Recorded(f64),
}

impl Pace {
    fn describe(self) -> String {
        match self {
            Pace::Rate(rate) => format!("{rate} records/s"),
            Pace::Recorded(speedup) => format!("at the recorded pace × {speedup}"),
        }
    }
}

/// A file's rows as JSON records; in a file with a timestamp column, rows without one are skipped.
fn load(path: &Path) -> anyhow::Result<Vec<Record>> {
    let ingested = read_table(path)?;
    let name = path.display().to_string();
    let table = &ingested.table;
    let schema = detect(table, &Overrides::default());
    let time_column = schema
        .fields
        .iter()
        .filter(|guess| guess.field == Some(Field::Timestamp))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .and_then(|guess| table.column(&guess.column));
    let lines = RowLines::new(&ingested);
    let mut skipped = Skipped::default();
    let mut records = Vec::with_capacity(table.n_rows());
    for row_idx in 0..table.n_rows() {
        let at_ms = time_column.and_then(|column| match column.get(row_idx) {
            Value::Timestamp(ms) => Some(ms),
            Value::Date(day) => Some(i64::from(day) * 86_400_000),
            _ => None,
        });
        if time_column.is_some() && at_ms.is_none() {
            skipped.add(&name, lines.describe(row_idx), "no timestamp".to_owned());
            continue;
        }
        records.push(Record {
            at_ms,
            json: record_json(table, row_idx),
        });
    }
    skipped.report(&name, "not sent");
    Ok(records)
}

/// A row as a JSON object: numbers as numbers, dates and instants as ISO 8601, missing values
/// left out.
fn record_json(table: &Table, row_idx: usize) -> String {
    let mut object = Map::new();
    for column in table.columns() {
        let value = match column.get(row_idx) {
            Value::Null => continue,
            Value::Integer(n) => Json::from(n),
            Value::Decimal(x) => serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number),
            Value::Boolean(b) => Json::from(b),
            Value::Text(text) => Json::from(text),
            Value::Date(_) | Value::Timestamp(_) => {
                Json::from(column.display(row_idx).unwrap_or_default())
            }
        };
        object.insert(column.name().to_owned(), value);
    }
    Json::Object(object).to_string()
}

/// Answers one connection: reads its request and replays to it.
fn serve(stream: TcpStream, records: &[Record], pace: Pace) -> anyhow::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut stream = stream;
    if method != "GET" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "Only GET is served.\n",
        );
    }
    match path {
        "/events" => {
            let after = resume_after(header("last-event-id"), query);
            replay_sse(&mut stream, records, pace, after)
        }
        "/ws" => {
            let key = header("sec-websocket-key").context("a WebSocket request without a key")?;
            let after = resume_after(None, query);
            replay_websocket(&mut stream, key, records, pace, after)
        }
        "/" => respond(
            &mut stream,
            "200 OK",
            "converge replay: GET /events (Server-Sent Events) or /ws (WebSocket).\n",
        ),
        _ => respond(&mut stream, "404 Not Found", "Try /events or /ws.\n"),
    }
}

/// Where a client resumes: after the record of its `Last-Event-ID` (SSE's own reconnection),
/// else after `?from=N` (a client that reconnects by itself), else from the start.
fn resume_after(last_event_id: Option<&str>, query: &str) -> usize {
    last_event_id
        .and_then(|id| id.trim().parse::<usize>().ok())
        .or_else(|| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("from="))
                .and_then(|n| n.parse::<usize>().ok())
        })
        .unwrap_or(0)
}

fn respond(stream: &mut TcpStream, status: &str, body: &str) -> anyhow::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    Ok(())
}

/// Sends records `after..` at the pace, calling `send(position, json)` for each.
fn paced(
    records: &[Record],
    pace: Pace,
    after: usize,
    mut send: impl FnMut(usize, &str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let started = Instant::now();
    let first_ms = records.get(after).and_then(|record| record.at_ms);
    let mut last_ms = first_ms;
    let mut recorded = Duration::ZERO;
    for (offset, record) in records.iter().enumerate().skip(after) {
        let due = match pace {
            Pace::Rate(rate) => Duration::from_secs_f64((offset - after) as f64 / rate),
            Pace::Recorded(speedup) => {
                let gap_ms = match (last_ms, record.at_ms) {
                    (Some(last), Some(at)) => (at - last).max(0),
                    _ => 0,
                };
                last_ms = record.at_ms.or(last_ms);
                recorded += Duration::from_secs_f64(gap_ms as f64 / 1_000.0 / speedup).min(MAX_GAP);
                recorded
            }
        };
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        send(offset + 1, &record.json)?;
    }
    Ok(())
}

fn replay_sse(
    stream: &mut TcpStream,
    records: &[Record],
    pace: Pace,
    after: usize,
) -> anyhow::Result<()> {
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nAccess-Control-Allow-Origin: *\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n"
    )?;
    let mut out = std::io::BufWriter::new(stream.try_clone()?);
    let mut last_flush = Instant::now();
    paced(records, pace, after, |position, json| {
        write!(out, "id: {position}\ndata: {json}\n\n")?;
        // Batches of what is due, flushed at least every 20 ms: fast without a syscall a record.
        if last_flush.elapsed() >= Duration::from_millis(20) {
            out.flush()?;
            last_flush = Instant::now();
        }
        Ok(())
    })?;
    write!(out, "event: end\ndata: {{}}\n\n")?;
    out.flush()?;
    Ok(())
}

fn replay_websocket(
    stream: &mut TcpStream,
    key: &str,
    records: &[Record],
    pace: Pace,
    after: usize,
) -> anyhow::Result<()> {
    write!(
        stream,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        websocket_accept(key)
    )?;
    let mut out = std::io::BufWriter::new(stream.try_clone()?);
    let mut last_flush = Instant::now();
    paced(records, pace, after, |_, json| {
        write_frame(&mut out, 0x1, json.as_bytes())?;
        if last_flush.elapsed() >= Duration::from_millis(20) {
            out.flush()?;
            last_flush = Instant::now();
        }
        Ok(())
    })?;
    // Close, normal closure (1000).
    write_frame(&mut out, 0x8, &1000_u16.to_be_bytes())?;
    out.flush()?;
    Ok(())
}

/// A server-to-client WebSocket frame (RFC 6455 §5.2): final, unmasked.
fn write_frame(out: &mut impl Write, opcode: u8, payload: &[u8]) -> std::io::Result<()> {
    out.write_all(&[0x80 | opcode])?;
    match payload.len() {
        len @ 0..=125 => out.write_all(&[len as u8])?,
        len @ 126..=65_535 => {
            out.write_all(&[126])?;
            out.write_all(&(len as u16).to_be_bytes())?;
        }
        len => {
            out.write_all(&[127])?;
            out.write_all(&(len as u64).to_be_bytes())?;
        }
    }
    out.write_all(payload)
}

/// `Sec-WebSocket-Accept`: base64 of the SHA-1 of the key and RFC 6455's GUID.
fn websocket_accept(key: &str) -> String {
    let mut sha = sha1_smol::Sha1::new();
    sha.update(key.trim().as_bytes());
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64(&sha.digest().bytes())
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (idx, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if idx <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6455 §1.3's example handshake.
    #[test]
    fn the_websocket_accept_key_is_the_rfcs() {
        assert_eq!(
            websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn a_client_resumes_by_last_event_id_or_from() {
        assert_eq!(resume_after(None, ""), 0);
        assert_eq!(resume_after(Some("41"), ""), 41);
        assert_eq!(resume_after(None, "x=1&from=12"), 12);
        assert_eq!(
            resume_after(Some("7"), "from=12"),
            7,
            "the browser's own resume wins"
        );
        assert_eq!(resume_after(Some("nope"), "from=x"), 0);
    }

    #[test]
    fn frames_carry_their_length() {
        let mut out = Vec::new();
        write_frame(&mut out, 0x1, b"hi").unwrap();
        assert_eq!(out, [0x81, 2, b'h', b'i']);
        let mut out = Vec::new();
        write_frame(&mut out, 0x1, &[b'x'; 300]).unwrap();
        assert_eq!(&out[..4], &[0x81, 126, 1, 44]);
        assert_eq!(out.len(), 4 + 300);
    }
}
