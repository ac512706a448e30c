//! Architecture invariants that are cheap to check as tests.

/// The core must compile for any host: a web crate here would tie the analytics to the browser.
#[test]
fn core_has_no_web_dependency() {
    let manifest = include_str!("../Cargo.toml");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap_or("");
    for web_crate in [
        "wasm-bindgen",
        "web-sys",
        "js-sys",
        "gloo",
        "yew",
        "serde-wasm-bindgen",
    ] {
        let named = dependencies
            .lines()
            .any(|line| line.trim_start().starts_with(web_crate));
        assert!(!named, "crates/core depends on the web crate `{web_crate}`");
    }
}
