//! The third-party corpus (`../shared/corpus`): every Dockerfile lints without a panic, through the CLI named
//! on the command line, and every fix offered on every file is valid (invariant 5).

mod common;

use std::process::Command;

use dockwarden::{FileKind, lint};

fn corpus_dockerfiles() -> Option<Vec<std::path::PathBuf>> {
    let dir = common::corpus_dir()?.join("dockerfiles");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    Some(files)
}

#[test]
fn every_corpus_dockerfile_lints_through_the_cli() {
    let Some(files) = corpus_dockerfiles() else {
        eprintln!("corpus not found: set DOCKWARDEN_CORPUS to run this test");
        return;
    };
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .arg("check")
        .args(&files)
        .output()
        .expect("binary runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains("[syntax-error]"),
        "valid Dockerfiles must not report syntax errors:\n{text}"
    );
    eprintln!(
        "{} corpus Dockerfiles linted, {} findings",
        files.len(),
        text.lines().count()
    );
}

#[test]
fn every_fix_on_every_corpus_dockerfile_is_valid() {
    let Some(files) = corpus_dockerfiles() else {
        eprintln!("corpus not found: set DOCKWARDEN_CORPUS to run this test");
        return;
    };
    let (mut checked_files, mut fixes, mut failures) = (0, 0, Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        checked_files += 1;
        let diagnostics = lint(&text, FileKind::Dockerfile);
        for d in &diagnostics {
            for fix in &d.fixes {
                fixes += 1;
                if let Err(e) = common::check_fix(&text, d, fix, &diagnostics) {
                    failures.push(format!("{}: {e}", path.display()));
                }
            }
        }
    }
    eprintln!("fix validity: {checked_files} files, {fixes} fixes checked");
    assert!(
        failures.is_empty(),
        "{} invalid fixes:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(fixes > 0);
}
