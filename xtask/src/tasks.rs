//! The tasks themselves: build, serve and test.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::tools::{self, Need, CHROMEDRIVER, CHROMIUM};
use crate::{project_root, serve as static_server};

pub fn build() -> anyhow::Result<()> {
    tools::install(Need::Build)?;
    build_app()
}

pub fn serve(port: u16) -> anyhow::Result<()> {
    tools::install(Need::Build)?;
    build_app()?;
    static_server::serve_dist(&project_root().join("dist"), port)
}

pub fn test() -> anyhow::Result<()> {
    let started = Instant::now();
    tools::install(Need::Everything)?;
    let root = project_root();
    let wasm_crates = [
        "-p",
        "converge-core",
        "-p",
        "converge-workspace",
        "-p",
        "converge-wasm",
        "-p",
        "converge-app",
    ];
    let mut steps = Steps::default();

    steps.run("format", cargo(&["fmt", "--all", "--", "--check"]));
    steps.run(
        "clippy (native)",
        cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    );
    steps.run(
        "clippy (wasm32)",
        cargo(&[
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
        ])
        .args(wasm_crates)
        .args(["--features", "converge-wasm/js-api", "--", "-D", "warnings"]),
    );
    steps.run(
        "docs",
        cargo(&[
            "doc",
            "--workspace",
            "--no-deps",
            "--document-private-items",
        ])
        .env("RUSTDOCFLAGS", "-D warnings"),
    );
    steps.run("native tests", cargo(&["test", "--workspace"]));
    steps.run(
        "wasm tests in headless Chromium",
        cargo(&[
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "converge-core",
            "-p",
            "converge-wasm",
            "--features",
            "converge-wasm/js-api",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER),
    );
    let built = steps.run_with("app build (release)", build_app);
    if built {
        steps.run(
            "end-to-end tests in headless Chromium",
            Command::new("node")
                .args(["--test", "--test-concurrency=1", "tests/e2e/app.test.mjs"])
                .current_dir(&root)
                .env("CONVERGE_DIST", root.join("dist"))
                .env("CONVERGE_CHROMIUM", CHROMIUM)
                .env("CONVERGE_E2E_OUT", root.join("target/e2e")),
        );
    } else {
        steps.skip("end-to-end tests in headless Chromium");
    }
    steps.finish(started)
}

/// Builds the app into `dist/` with Trunk in release mode; Trunk's post-build hook runs
/// `cargo xtask csp`.
pub fn build_app() -> anyhow::Result<()> {
    let root = project_root();
    check_trunk_pins_wasm_bindgen()?;
    run(Command::new("trunk")
        .args(["build", "--release"])
        .current_dir(&root)
        .env("PATH", path_with_node_tools()?))?;
    for entry in std::fs::read_dir(root.join("dist")).context("reading dist/")? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "wasm") {
            let size = std::fs::metadata(&path)?.len();
            eprintln!("xtask: {} is {} KiB", path.display(), size / 1024);
        }
    }
    Ok(())
}

/// Trunk.toml names the wasm-bindgen version Trunk may use; it must be the one in Cargo.lock.
fn check_trunk_pins_wasm_bindgen() -> anyhow::Result<()> {
    let wanted = tools::wasm_bindgen_version()?;
    let trunk_toml = std::fs::read_to_string(project_root().join("Trunk.toml"))?;
    let pinned = format!("wasm_bindgen = \"{wanted}\"");
    if !trunk_toml.contains(&pinned) {
        bail!("Trunk.toml must say `{pinned}` under [tools], to match Cargo.lock");
    }
    Ok(())
}

/// `PATH` with the npm tools (wasm-opt) first, so Trunk finds them and never downloads.
fn path_with_node_tools() -> anyhow::Result<std::ffi::OsString> {
    let mut paths: Vec<PathBuf> = vec![project_root().join("node_modules/.bin")];
    if let Some(path) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&path));
    }
    Ok(std::env::join_paths(paths)?)
}

fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args).current_dir(project_root());
    command
}

/// Runs a command, echoing it first; fails if it does not exit successfully.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    eprintln!("$ {}", shown(command));
    let status = command
        .status()
        .with_context(|| format!("starting `{}`", shown(command)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", shown(command));
    }
    Ok(())
}

pub fn shown(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// The steps of `cargo xtask test`: every step runs, and the summary says which failed.
#[derive(Default)]
struct Steps {
    results: Vec<(&'static str, Outcome, f64)>,
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Passed,
    Failed(String),
    Skipped,
}

impl Steps {
    fn run(
        &mut self,
        name: &'static str,
        mut command: impl std::borrow::BorrowMut<Command>,
    ) -> bool {
        self.run_with(name, || run(command.borrow_mut()))
    }

    fn run_with(&mut self, name: &'static str, step: impl FnOnce() -> anyhow::Result<()>) -> bool {
        eprintln!("\n==> {name}");
        let started = Instant::now();
        let outcome = match step() {
            Ok(()) => Outcome::Passed,
            Err(err) => Outcome::Failed(format!("{err:#}")),
        };
        let passed = outcome == Outcome::Passed;
        self.results
            .push((name, outcome, started.elapsed().as_secs_f64()));
        passed
    }

    fn skip(&mut self, name: &'static str) {
        self.results.push((name, Outcome::Skipped, 0.0));
    }

    fn finish(self, started: Instant) -> anyhow::Result<()> {
        eprintln!("\n==> cargo xtask test: summary");
        let mut n_passed = 0;
        let mut n_failed = 0;
        for (name, outcome, seconds) in &self.results {
            match outcome {
                Outcome::Passed => {
                    n_passed += 1;
                    eprintln!("  ok      {name} ({seconds:.0} s)");
                }
                Outcome::Failed(why) => {
                    n_failed += 1;
                    eprintln!("  FAILED  {name} ({seconds:.0} s): {why}");
                }
                Outcome::Skipped => eprintln!("  skipped {name} (an earlier step failed)"),
            }
        }
        eprintln!("  total {:.0} s", started.elapsed().as_secs_f64());
        println!("steps: {n_passed} passed, {n_failed} failed");
        if n_failed > 0 {
            bail!("{n_failed} step(s) failed");
        }
        Ok(())
    }
}
