//! A small static file server for `dist/`, as any static host would serve it.
//!
//! `trunk serve` injects a live-reload script that the app's Content-Security-Policy forbids, so
//! `cargo xtask serve` serves the release build as it will be deployed instead.

use std::path::{Component, Path, PathBuf};

use tiny_http::{Header, Response, Server};

pub fn serve_dist(dist: &Path, port: u16) -> anyhow::Result<()> {
    let address = format!("127.0.0.1:{port}");
    let server = Server::http(&address)
        .map_err(|err| anyhow::anyhow!("cannot listen on {address}: {err}"))?;
    println!("Converge is being served at http://{address}/ (Ctrl-C to stop)");
    for request in server.incoming_requests() {
        let response = match resolve(dist, request.url()) {
            Some(path) => match std::fs::read(&path) {
                Ok(bytes) => {
                    let mut response = Response::from_data(bytes)
                        .with_header(header("Content-Type", content_type(&path)))
                        .with_header(header("Cache-Control", "no-cache"))
                        .with_header(header("X-Content-Type-Options", "nosniff"));
                    // The worker's scripts carry the worker's own policy (see `csp`).
                    if is_worker_script(request.url()) {
                        response = response.with_header(header(
                            "Content-Security-Policy",
                            crate::csp::WORKER_POLICY,
                        ));
                    }
                    response
                }
                Err(_) => not_found(),
            },
            None => not_found(),
        };
        // A client that went away is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(())
}

/// The file a URL names inside `dist`, refusing anything that would leave it.
fn resolve(dist: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|component| !matches!(component, Component::Normal(_)))
    {
        return None;
    }
    let mut file = dist.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

/// Whether a URL names one of the scripts that start the analysis worker.
fn is_worker_script(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or("");
    crate::csp::WORKER_SCRIPTS
        .iter()
        .any(|script| path.ends_with(script))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json" | "webmanifest") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values here are plain ASCII")
}

fn not_found() -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_string("not found").with_status_code(404)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_cannot_leave_dist() {
        let dist = crate::project_root().join("crates");
        assert!(resolve(&dist, "/../Cargo.toml").is_none());
        assert!(resolve(&dist, "/core/../../Cargo.toml").is_none());
        assert!(resolve(&dist, "/core/Cargo.toml?x=1").is_some());
        assert!(resolve(&dist, "/nope.js").is_none());
    }

    #[test]
    fn worker_scripts_get_the_worker_policy() {
        assert!(is_worker_script("/worker_loader.js"));
        assert!(is_worker_script("/app/worker.js?v=1"));
        assert!(!is_worker_script("/app.js"));
        assert!(!is_worker_script("/index.html"));
    }
}
