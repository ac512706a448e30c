//! `converge replay` serves a file as a live stream, over SSE and WebSocket, and every record
//! arrives once, in timestamp order.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A replay server on a free port, stopped when dropped; `port` and the start-up line.
struct Server {
    child: Child,
    port: u16,
    banner: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_converge"))
        .arg("replay")
        .args(args)
        .args(["--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the converge binary runs");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut banner = String::new();
    // Skipped rows come first, then the line naming the port.
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no banner: {banner}"
        );
        banner.push_str(&line);
        if line.starts_with("replay: ") {
            break;
        }
    }
    let port = banner
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .expect("the banner names the port");
    Server {
        child,
        port,
        banner,
        stderr,
    }
}

fn events_file() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("converge-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("events.csv");
    // Written out of order on purpose, with one row too many fields and one without a time.
    let mut csv = String::from("event_id,occurred_at,channel,note\n");
    for idx in (0..300).rev() {
        csv.push_str(&format!(
            "E{idx:03},2025-03-01T10:{:02}:{:02}Z,web,\"hello, {idx}\"\n",
            idx / 60,
            idx % 60
        ));
    }
    csv.push_str("E999,2025-03-01T11:00:00Z,web,too,many\n");
    csv.push_str("E998,,web,no time\n");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn server_sent_events_carry_every_record_once_in_time_order() {
    let file = events_file();
    let mut server = start(&[file.to_str().unwrap(), "--rate", "5000"]);
    assert!(server.banner.contains("300 records"), "{}", server.banner);
    assert!(server.banner.contains("events.csv:"), "{}", server.banner);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(b"GET /events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream"));
    let records: Vec<serde_json::Value> = body
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|json| serde_json::from_str(json).unwrap())
        .filter(|value: &serde_json::Value| value.get("event_id").is_some())
        .collect();
    assert_eq!(records.len(), 300);
    for (idx, record) in records.iter().enumerate() {
        assert_eq!(record["event_id"], format!("E{idx:03}"));
    }
    assert_eq!(records[0]["note"], "hello, 0");
    assert!(body.contains("id: 300\n"));
    assert!(body.trim_end().ends_with("event: end\ndata: {}"));

    // A client that reconnects after record 297 gets the last three.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(b"GET /events HTTP/1.1\r\nLast-Event-ID: 297\r\n\r\n")
        .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    let ids: Vec<&str> = body
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .collect();
    assert_eq!(ids, ["298", "299", "300"]);
    let _ = &mut server.stderr;
}

#[test]
fn websocket_clients_get_the_records_as_text_frames() {
    let file = events_file();
    let server = start(&[file.to_str().unwrap(), "--rate", "5000"]);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(
            b"GET /ws?from=290 HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    assert!(head.starts_with("HTTP/1.1 101 Switching Protocols"));
    assert!(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    let mut rest = &bytes[head_end..];
    let mut texts = Vec::new();
    while rest.len() >= 2 {
        let opcode = rest[0] & 0x0f;
        let len = usize::from(rest[1] & 0x7f);
        assert!(len < 126, "small frames here");
        let payload = &rest[2..2 + len];
        if opcode == 0x1 {
            texts.push(String::from_utf8(payload.to_vec()).unwrap());
        } else {
            assert_eq!(opcode, 0x8, "a close frame ends it");
        }
        rest = &rest[2 + len..];
    }
    assert_eq!(texts.len(), 10);
    assert!(texts[0].contains("\"event_id\":\"E290\""), "{}", texts[0]);
}

#[test]
fn the_recorded_pace_is_kept_faster_by_the_speedup() {
    let file = events_file();
    // 300 records one second apart, 600 times faster: about half a second.
    let server = start(&[file.to_str().unwrap(), "--speedup", "600"]);
    assert!(
        server.banner.contains("recorded pace × 600"),
        "{}",
        server.banner
    );
    let started = std::time::Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.write_all(b"GET /events HTTP/1.1\r\n\r\n").unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert!((0.4..5.0).contains(&elapsed), "{elapsed} s");
    assert_eq!(body.matches("\ndata: {\"event_id\"").count(), 300);
}
