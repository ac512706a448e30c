//! Architecture invariants that are cheap to check as tests.

const WEB_CRATES: [&str; 7] = [
    "wasm-bindgen",
    "web-sys",
    "js-sys",
    "gloo",
    "yew",
    "serde-wasm-bindgen",
    "converge-wasm",
];

/// The web crates a manifest's text names at the start of a line.
fn web_crates_named(manifest_part: &str) -> Vec<&'static str> {
    WEB_CRATES
        .into_iter()
        .filter(|web_crate| {
            manifest_part
                .lines()
                .any(|line| line.trim_start().starts_with(web_crate))
        })
        .collect()
}

/// The core must compile for any host: a web crate here would tie the analytics to the browser.
#[test]
fn core_has_no_web_dependency() {
    let manifest = include_str!("../Cargo.toml");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap_or("");
    assert_eq!(
        web_crates_named(dependencies),
        Vec::<&str>::new(),
        "crates/core depends on web crates"
    );
}

/// The application layer is pure too, tests and all: the CLI and native tests drive it, and the
/// worker is only its glue. Every section of its manifest is read, dev-dependencies included.
#[test]
fn workspace_has_no_web_dependency() {
    let manifest = include_str!("../../workspace/Cargo.toml");
    assert_eq!(
        web_crates_named(manifest),
        Vec::<&str>::new(),
        "crates/workspace depends on web crates"
    );
}

/// The test above reads what it should: a web crate in a manifest is found.
#[test]
fn a_web_dependency_is_found() {
    let manifest = "[dev-dependencies]\nwasm-bindgen-test.workspace = true\n";
    assert_eq!(web_crates_named(manifest), vec!["wasm-bindgen"]);
}
