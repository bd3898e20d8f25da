//! Rule fixtures: each `tests/fixtures/dockerfile/<rule>[.<case>].Dockerfile` is linted and its findings,
//! fixes and fixed text are compared with a reviewed snapshot. `*.silent.*` fixtures must not trigger their
//! rule at all. Every fix offered on a fixture must satisfy invariant 5.

mod common;

use std::collections::BTreeSet;

use dockwarden::engine::fix_all::{FixMode, fix_all};
use dockwarden::rules::RuleId;
use dockwarden::{FileKind, lint};

fn rule_of(path: &std::path::Path) -> (String, bool) {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let rule = stem.split('.').next().unwrap_or_default().to_owned();
    (rule, stem.ends_with(".silent"))
}

fn snapshot_name(path: &std::path::Path) -> String {
    let dir = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if dir == "dockerfile" {
        name.to_owned()
    } else {
        format!("{dir}__{name}")
    }
}

#[test]
fn fixtures_match_their_snapshots() {
    for (path, kind) in common::fixtures() {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let (text, skips) = common::read_fixture(&path);
        let Some(kind) = kind else {
            let detected = dockwarden::engine::lint::detect(Some(&path), &text);
            assert_eq!(
                detected, None,
                "{name} is not a Compose file or manifest, and must not be read as one"
            );
            continue;
        };
        let (rule, silent) = rule_of(&path);
        let rule_id =
            RuleId::from_name(&rule).unwrap_or_else(|| panic!("{name}: no rule named `{rule}`"));
        let diagnostics = common::lint_fixture(&text, kind, rule_id, &skips);
        let hits = diagnostics.iter().filter(|d| d.rule == rule_id).count();
        if silent {
            assert_eq!(
                hits,
                0,
                "{name} must stay silent for {rule}:\n{}",
                common::render(&name, &text, &diagnostics)
            );
        } else {
            assert!(hits > 0, "{name} must trigger {rule}");
        }
        let fixed = fix_all(&text, FixMode::Unsafe, |t| lint(t, kind));
        let mut snapshot = common::render(&name, &text, &diagnostics);
        if fixed.applied > 0 {
            snapshot.push_str(&format!(
                "\n--- after --fix --unsafe-fixes ({} applied) ---\n{}",
                fixed.applied, fixed.text
            ));
        }
        for change in &fixed.files {
            let what = match &change.change {
                dockwarden::edit::fix::Change::Append { text } => {
                    format!("appended to {}", change.path) + " ---\n" + text
                }
                dockwarden::edit::fix::Change::Edit { edits, .. } => {
                    format!("{} edits of {}", edits.len(), change.path) + " ---\n"
                }
            };
            snapshot.push_str(&format!("\n--- {what}"));
        }
        insta::assert_snapshot!(snapshot_name(&path), snapshot);
    }
}

#[test]
fn every_fix_on_every_fixture_is_valid() {
    for (path, kind) in common::fixtures() {
        let Some(kind) = kind else { continue };
        let (text, _) = common::read_fixture(&path);
        let diagnostics = lint(&text, kind);
        for d in &diagnostics {
            for fix in &d.fixes {
                if let Err(e) = common::check_fix(kind, &text, d, fix, &diagnostics) {
                    panic!("{}: {e}", path.display());
                }
            }
        }
    }
}

#[test]
fn every_rule_has_docs_and_firing_and_silent_fixtures_for_each_kind() {
    let fixtures: BTreeSet<(String, bool, FileKind)> = common::fixtures()
        .iter()
        .filter_map(|(p, kind)| {
            let (rule, silent) = rule_of(p);
            Some((rule, silent, (*kind)?))
        })
        .collect();
    for rule in RuleId::ALL {
        let meta = rule.meta();
        let docs = meta.docs();
        for heading in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
            "## References",
        ] {
            assert!(
                docs.contains(heading),
                "{} docs lack `{heading}`",
                meta.name
            );
        }
        for kind in rule.checks().kinds() {
            for silent in [false, true] {
                assert!(
                    fixtures.contains(&(meta.name.to_owned(), silent, kind)),
                    "{} has no {} {kind:?} fixture",
                    meta.name,
                    if silent { "silent" } else { "firing" }
                );
            }
        }
        let file = format!("{}.rs", meta.name.replace('-', "_"));
        let found = walk_sources().iter().any(|p| p.ends_with(&file));
        assert!(found, "{} is not in a file named {file}", meta.name);
    }
}

fn walk_sources() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("server/src/rules")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).expect("rules dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path)
            } else {
                out.push(path)
            }
        }
    }
    out
}

#[test]
fn every_query_file_belongs_to_a_rule() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries/dockerfile");
    for entry in std::fs::read_dir(dir).expect("queries dir").flatten() {
        let path = entry.path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        assert!(
            RuleId::from_name(stem).is_some(),
            "{} does not belong to a rule",
            path.display()
        );
        let source = std::fs::read_to_string(&path).expect("readable query");
        tree_sitter::Query::new(&dockwarden::syntax::dockerfile::language(), &source)
            .unwrap_or_else(|e| panic!("{} does not compile: {e}", path.display()));
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .expect("README.md");
    let table = dockwarden::cli::rule_table();
    let start = readme
        .find("<!-- rules:start -->")
        .expect("README has a rules:start marker");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has a rules:end marker");
    let current = &readme[start + "<!-- rules:start -->\n".len()..end];
    assert_eq!(
        current, table,
        "README rule table is stale: run `dockwarden rules --markdown` and paste it"
    );
}

/// "Ignore <rule> here" on every finding of every fixture: the comment it inserts silences that finding,
/// the file still reads the same way, and no other finding appears or goes.
#[test]
fn ignoring_a_finding_here_silences_it_and_nothing_else() {
    let mut checked = 0;
    for (path, kind) in common::fixtures() {
        let Some(kind) = kind else { continue };
        let (text, _) = common::read_fixture(&path);
        let before = lint(&text, kind);
        for d in &before {
            if matches!(
                d.rule,
                RuleId::UnusedSuppression
                    | RuleId::DisallowedSuppression
                    | RuleId::SyntaxError
                    | RuleId::SkippedFile
            ) {
                continue;
            }
            let name = path.display();
            let Some(edit) =
                dockwarden::engine::suppress::ignore_edit(&text, kind, d.rule, d.range.start)
            else {
                // Only a finding in a comment with no instruction right below it has no place.
                let line_start = text[..d.range.start].rfind('\n').map_or(0, |i| i + 1);
                assert!(
                    text[line_start..].trim_start().starts_with('#'),
                    "{name}: no place to ignore {} at {:?}",
                    d.rule,
                    d.range
                );
                continue;
            };
            let after_text = dockwarden::edit::fix::apply_edits(&text, &[edit]).expect("edit fits");
            let after = lint(&after_text, kind);
            let count = |list: &[dockwarden::Diagnostic], rule: RuleId| {
                list.iter().filter(|x| x.rule == rule).count()
            };
            assert!(
                count(&after, d.rule) < count(&before, d.rule),
                "{name}: ignoring {} did not silence it:\n{after_text}",
                d.rule
            );
            for other in RuleId::ALL.iter().filter(|r| **r != d.rule) {
                assert_eq!(
                    count(&after, *other),
                    count(&before, *other),
                    "{name}: ignoring {} changed the {other} findings:\n{after_text}",
                    d.rule
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} findings were ignored");
}
