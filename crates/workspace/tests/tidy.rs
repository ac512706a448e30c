//! Tidy checks on the source itself, in the manner of rust-analyzer's: cheap, and they keep the
//! house in order as it grows.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Which top-level modules of a crate each top-level module names (`crate::other`), from its
/// file `src/name.rs` and the files under `src/name/`, test modules left out: a test may use any
/// module, the code may not go round in circles.
fn module_imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files_of: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(src).expect("the crate's src/ can be read") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if matches!(stem, "lib" | "main" | "bin") {
            continue;
        }
        if path.is_dir() {
            let files = files_of.entry(stem.to_owned()).or_default();
            let mut pending = vec![path.clone()];
            while let Some(dir) = pending.pop() {
                for entry in fs::read_dir(&dir).expect("a module folder can be read") {
                    let path = entry.expect("a directory entry").path();
                    if path.is_dir() {
                        pending.push(path);
                    } else if path.extension().is_some_and(|e| e == "rs") {
                        files.push(path);
                    }
                }
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files_of.entry(stem.to_owned()).or_default().push(path);
        }
    }
    let modules: BTreeSet<String> = files_of.keys().cloned().collect();
    files_of
        .iter()
        .map(|(module, files)| {
            let mut named = BTreeSet::new();
            for file in files {
                let text = fs::read_to_string(file).expect("a source file can be read");
                for other in crate_paths(without_tests(&text)) {
                    if modules.contains(&other) && other != *module {
                        named.insert(other);
                    }
                }
            }
            (module.clone(), named)
        })
        .collect()
}

/// The text before the file's `#[cfg(test)] mod tests`.
fn without_tests(text: &str) -> &str {
    let mut lines = text.lines().peekable();
    let mut end = 0;
    while let Some(line) = lines.next() {
        let is_test_module = line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"));
        if is_test_module {
            return &text[..end];
        }
        end += line.len() + 1;
    }
    text
}

/// The first segment of every `crate::` path in `text`, `crate::{a, b::c}` included.
fn crate_paths(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut paths = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        paths.push(ident(group[start..i].trim()));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        paths.push(ident(group[start..i].trim()));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            paths.push(ident(rest));
        }
    }
    paths
}

/// A circle of imports, as the modules round it, if there is one.
fn circle(imports: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        imports: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|m| m == module) {
            let mut round = path[start..].to_vec();
            round.push(module.to_owned());
            return Some(round);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for next in imports.get(module).into_iter().flatten() {
            if let Some(round) = visit(next, imports, path, done) {
                return Some(round);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    imports
        .keys()
        .find_map(|module| visit(module, imports, &mut Vec::new(), &mut done))
}

fn assert_no_circle(crate_dir: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(crate_dir)
        .join("src");
    let imports = module_imports(&src);
    assert!(imports.len() > 3, "{}: too few modules read", src.display());
    if let Some(round) = circle(&imports) {
        panic!(
            "{}: the top-level modules import each other in a circle: {}",
            src.display(),
            round.join(" → ")
        );
    }
}

#[test]
fn the_workspace_modules_import_no_circle() {
    assert_no_circle(".");
}

#[test]
fn the_wasm_modules_import_no_circle() {
    assert_no_circle("../wasm");
}

/// The checks above can fail: a circle, a grouped import and a test module are read right.
#[test]
fn a_circle_is_found() {
    let text = "use crate::{job::Step, answer::{A, B}};\nuse crate::voice;\n\
                #[cfg(test)]\nmod tests {\n    use crate::live;\n}\n";
    assert_eq!(crate_paths(without_tests(text)), ["job", "answer", "voice"]);
    let imports: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(m, to)| (m.to_owned(), to.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        circle(&imports).map(|round| round.join(" → ")).as_deref(),
        Some("a → b → c → a")
    );
    let mut acyclic = imports;
    acyclic.insert("c".into(), BTreeSet::new());
    assert_eq!(circle(&acyclic), None);
}
