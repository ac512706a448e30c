//! Installing the tools the tasks run, each only when it is missing or the wrong version.
//!
//! Nothing here downloads a binary from a release page: Trunk and wasm-bindgen-cli are built by
//! `cargo install`, Chromium and ChromeDriver come from Debian, and wasm-opt and Playwright from
//! the npm registry (into `node_modules/`, with npm's cache under `target/`).

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::project_root;
use crate::tasks::run;

/// Trunk's version, pinned: 0.22 needs a newer rustc than this machine has.
pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Enough to build and serve the app.
    Build,
    /// Also what the browser tests need.
    Everything,
}

pub fn install(need: Need) -> anyhow::Result<()> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen_cli()?;
    node_tools()?;
    if need == Need::Everything {
        chromium()?;
    }
    Ok(())
}

fn wasm_target() -> anyhow::Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn trunk() -> anyhow::Result<()> {
    let found = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if found.trim() == format!("trunk {TRUNK_VERSION}") {
        return Ok(());
    }
    eprintln!(
        "xtask: installing Trunk {TRUNK_VERSION} (found: {:?}); this takes several minutes once",
        found.trim()
    );
    run(Command::new("cargo").args(["install", "trunk", "--locked", "--version", TRUNK_VERSION]))
}

fn wasm_bindgen_cli() -> anyhow::Result<()> {
    let wanted = wasm_bindgen_version()?;
    let found = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner =
        output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if found.trim() == format!("wasm-bindgen {wanted}") && runner.contains(&wanted) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing wasm-bindgen-cli {wanted} to match Cargo.lock (found: {:?})",
        found.trim()
    );
    // Not --locked: the CLI's own lockfile names a crate version the registry mirror lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted]))
}

/// The wasm-bindgen version in `Cargo.lock`: the CLI must be exactly this one.
pub fn wasm_bindgen_version() -> anyhow::Result<String> {
    let lock_path = project_root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("reading {}", lock_path.display()))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("Cargo.lock names no wasm-bindgen version")
}

fn chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

fn node_tools() -> anyhow::Result<()> {
    if Command::new("npm").arg("--version").output().is_err() {
        apt_install(&["nodejs", "npm"])?;
    }
    let root = project_root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&root)
        .env("npm_config_cache", root.join("target/npm-cache")))
}

fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        bail!(
            "{} missing; install with: sudo apt-get install -y {}",
            packages.join(" and "),
            packages.join(" ")
        );
    }
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

/// A command's standard output, or `None` if it could not run or failed.
fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    if !out.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
