//! `.dockwarden.yaml` and inline suppressions through the built binary: each folder of
//! `tests/fixtures/config/` is a small project with its config; `dockwarden check .` (or the arguments in
//! its `args` file) runs inside it, and the exit code and output are compared with a reviewed snapshot.

use std::path::Path;
use std::process::Command;

#[test]
fn config_fixtures_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("config fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "config fixtures are missing");
    for case in cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let args =
            std::fs::read_to_string(case.join("args")).unwrap_or_else(|_| "check .".to_owned());
        let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
            .args(args.split_whitespace())
            .current_dir(&case)
            .output()
            .expect("binary runs");
        let snapshot = format!(
            "$ dockwarden {}\nexit: {:?}\n--- stdout\n{}--- stderr\n{}",
            args.trim(),
            output.status.code(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        insta::assert_snapshot!(name, snapshot);
    }
}
