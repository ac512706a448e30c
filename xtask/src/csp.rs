//! The Content-Security-Policy's script hashes, written after Trunk builds the page.
//!
//! Trunk starts the app with an inline `<script type="module">`. A static page has no per-request
//! nonce, so the policy allows that script by its SHA-256 hash, which is only known once Trunk has
//! written it. `index.html` holds the placeholder `'inline-script-hashes'` in its policy; this
//! step replaces it with the hashes of every inline script in the built page. Trunk runs it as a
//! post-build hook, so a plain `trunk build` yields a page that loads under its policy.
//!
//! The same hook writes `_headers` (the format Netlify and Cloudflare Pages read, and which
//! `cargo xtask serve` and the end-to-end tests' server apply) with the worker's own policy,
//! [`WORKER_POLICY`]. A dedicated worker loaded from a URL is not governed by the page's
//! `<meta>` policy but by the `Content-Security-Policy` header its script is served with (HTML's
//! "initialize worker policy container"; only `blob:` and `data:` workers inherit the page's).
//! The worker is where live streams are opened, to any address the user adds, so its policy
//! admits connections to any http(s) and ws(s) origin and nothing else beyond what it needs to
//! start: its own scripts and wasm. The page keeps `connect-src 'self'`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use base64::Engine;
use sha2::{Digest, Sha256};

const PLACEHOLDER: &str = "'inline-script-hashes'";

/// The worker's Content-Security-Policy: its scripts and wasm from this origin, and connections to
/// this origin and to the live streams the user adds (any http(s) or ws(s) address: the user
/// chooses them at run time). No images, styles, frames, fonts or nested workers.
pub const WORKER_POLICY: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http: https: ws: wss:; worker-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'";

/// The scripts that start the worker: the policy is sent with each (Trunk's loader shim is the
/// worker's own URL; `worker.js` is imported into it).
pub const WORKER_SCRIPTS: [&str; 2] = ["/worker_loader.js", "/worker.js"];

/// `_headers`: each worker script with the worker's policy.
pub fn headers_file() -> String {
    let mut text = String::from(
        "# Written by `cargo xtask csp`: the analysis worker's Content-Security-Policy (see ARCHITECTURE.md, Security).\n",
    );
    for script in WORKER_SCRIPTS {
        text.push_str(&format!(
            "{script}\n  Content-Security-Policy: {WORKER_POLICY}\n"
        ));
    }
    text
}

/// Trunk sets `TRUNK_STAGING_DIR` for hooks: the built files before they move to `dist/`.
pub fn run_as_trunk_hook() -> anyhow::Result<()> {
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .map(PathBuf::from)
        .context(
            "`cargo xtask csp` runs as Trunk's post-build hook (TRUNK_STAGING_DIR is unset)",
        )?;
    let index = staging.join("index.html");
    let html =
        std::fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let html = with_script_hashes(&html)?;
    std::fs::write(&index, html).with_context(|| format!("writing {}", index.display()))?;
    let headers = staging.join("_headers");
    std::fs::write(&headers, headers_file())
        .with_context(|| format!("writing {}", headers.display()))
}

/// The page with the placeholder replaced by the hashes of its inline scripts.
pub fn with_script_hashes(html: &str) -> anyhow::Result<String> {
    if !html.contains(PLACEHOLDER) {
        bail!("index.html's Content-Security-Policy has no {PLACEHOLDER} placeholder");
    }
    let hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    Ok(html.replace(PLACEHOLDER, &hashes.join(" ")))
}

/// The text of every `<script>` element without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body = &after_open[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_are_not() {
        let html = "<meta content=\"script-src 'self' 'inline-script-hashes'\">\
                    <script src=\"/a.js\"></script>\
                    <script type=\"module\">alert(1)</script>";
        let out = with_script_hashes(html).unwrap();
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert!(
            out.contains("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"),
            "{out}"
        );
        assert!(!out.contains(PLACEHOLDER));
    }

    #[test]
    fn the_worker_policy_admits_streams_and_only_its_own_scripts() {
        let text = headers_file();
        assert!(text.contains("/worker_loader.js\n  Content-Security-Policy: default-src 'none';"));
        assert!(text.contains("/worker.js\n  Content-Security-Policy: "));
        assert!(WORKER_POLICY.contains("connect-src 'self' http: https: ws: wss:;"));
        assert!(WORKER_POLICY.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(!WORKER_POLICY.contains("unsafe-inline"));
    }

    #[test]
    fn a_page_without_the_placeholder_is_an_error() {
        assert!(with_script_hashes("<script>x</script>").is_err());
    }
}
