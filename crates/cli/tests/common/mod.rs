//! Runs the `converge` binary as a script would: arguments, standard input, exit code and both
//! outputs. Shared by the CLI's test files.

use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `converge args…` in `tests/data/<data_dir>` with `stdin` as its input; returns the exit
/// code, standard output and standard error.
pub fn converge_in(data_dir: &str, args: &[&str], stdin: &str) -> (i32, String, String) {
    let dir = format!("{}/../../tests/data/{data_dir}", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_converge"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the converge binary runs");
    // Written from another thread: a large input would otherwise fill the pipes both ways.
    let mut input = child.stdin.take().expect("piped");
    let text = stdin.to_owned();
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("the converge binary ends");
    // A run that fails early stops reading: a broken pipe is its business, not the test's.
    match writer.join().expect("the writer thread ends") {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => panic!("stdin: {err}"),
        _ => {}
    }
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
