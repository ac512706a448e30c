//! The Content-Security-Policy's script hashes, written after Trunk builds the page.
//!
//! Trunk starts the app with an inline `<script type="module">`. A static page has no per-request
//! nonce, so the policy allows that script by its SHA-256 hash, which is only known once Trunk has
//! written it. `index.html` holds the placeholder `'inline-script-hashes'` in its policy; this
//! step replaces it with the hashes of every inline script in the built page. Trunk runs it as a
//! post-build hook, so a plain `trunk build` yields a page that loads under its policy.

use std::path::PathBuf;

use anyhow::{bail, Context};
use base64::Engine;
use sha2::{Digest, Sha256};

const PLACEHOLDER: &str = "'inline-script-hashes'";

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
    std::fs::write(&index, html).with_context(|| format!("writing {}", index.display()))
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
    fn a_page_without_the_placeholder_is_an_error() {
        assert!(with_script_hashes("<script>x</script>").is_err());
    }
}
