//! The third-party corpus (`../shared/corpus`): every Dockerfile lints without a panic, through the CLI named
//! on the command line, and every fix offered on every file is valid (invariant 5).

mod common;

use std::process::Command;

use dockwarden::{FileKind, lint};

fn corpus_dockerfiles() -> Option<Vec<std::path::PathBuf>> {
    corpus_files("dockerfiles")
}

#[test]
fn every_corpus_dockerfile_lints_through_the_cli() {
    let Some(files) = corpus_dockerfiles() else {
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
                if let Err(e) = common::check_fix(FileKind::Dockerfile, &text, d, fix, &diagnostics)
                {
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

/// The corpus Compose files and manifests, then the YAML fixtures.
fn yaml_files() -> Option<Vec<std::path::PathBuf>> {
    let mut files = corpus_files("compose")?;
    files.extend(corpus_files("k8s")?);
    for dir in ["tests/fixtures/compose", "tests/fixtures/kubernetes"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let fixtures = std::fs::read_dir(dir).expect("fixtures");
        files.extend(fixtures.filter_map(|e| e.ok().map(|e| e.path())));
    }
    Some(files)
}

/// The files of one corpus folder; a corpus without that folder (or with it empty) fails the test.
fn corpus_files(dir: &str) -> Option<Vec<std::path::PathBuf>> {
    let dir = common::corpus_dir("corpus")?.join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files.sort();
    Some(files)
}

#[test]
fn every_corpus_manifest_lints_through_the_cli_and_helm_templates_say_they_are_skipped() {
    let (Some(compose), Some(k8s), Some(helm)) = (
        corpus_files("compose"),
        corpus_files("k8s"),
        corpus_files("k8s-helm"),
    ) else {
        return;
    };
    let all: Vec<_> = compose.iter().chain(&k8s).chain(&helm).collect();
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .arg("check")
        .args(&all)
        .output()
        .expect("binary runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    for file in &helm {
        let name = file.display().to_string();
        let findings: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("{name}:")))
            .collect();
        assert!(
            !findings.is_empty() && findings.iter().all(|l| l.contains("[skipped-file]")),
            "Helm template {name} must report only that it is skipped: {findings:#?}"
        );
    }
    let mut per_rule = std::collections::BTreeMap::new();
    for line in text.lines() {
        if let Some(rule) = line.split('[').nth(1).and_then(|r| r.split(']').next()) {
            *per_rule.entry(rule.to_owned()).or_insert(0) += 1;
        }
    }
    eprintln!(
        "{} compose + {} k8s + {} helm files linted; findings per rule: {per_rule:?}",
        compose.len(),
        k8s.len(),
        helm.len()
    );
}

/// kube-prometheus's manifests joined with `---`, as `kustomize build` emits them: PrometheusRule
/// annotations full of `{{ $labels.x }}` must not hide the other documents' findings.
#[test]
fn a_kustomize_build_stream_with_prometheus_templates_is_linted_in_full() {
    let Some(k8s) = corpus_files("k8s") else {
        return;
    };
    let parts: Vec<String> = k8s
        .iter()
        .filter(|p| {
            p.display()
                .to_string()
                .contains("kube-prometheus__manifests")
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    assert!(
        parts.len() > 40,
        "kube-prometheus manifests: {}",
        parts.len()
    );
    assert!(parts.iter().any(|p| p.contains("{{ $labels.")));
    let stream = parts
        .iter()
        .map(|p| p.trim_start_matches("---\n").to_owned())
        .collect::<Vec<_>>()
        .join("\n---\n");
    let dir = common::write_tree("kube-prometheus-stream", &[("all.yaml", &stream)]);
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(["check", "--format", "json", "all.yaml"])
        .current_dir(&dir)
        .output()
        .expect("binary runs");
    let found: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("one JSON array");
    let rule_of = |d: &serde_json::Value| d["rule"].as_str().unwrap_or("").to_owned();
    let rules: std::collections::BTreeSet<String> = found.iter().map(rule_of).collect();
    assert!(
        !rules.contains("skipped-file"),
        "no document of the stream is a Helm template: {found:#?}"
    );
    // Every document is read as it is read alone (the workspace rule reports once per namespace instead of
    // once per file).
    let alone: usize = parts
        .iter()
        .map(|p| {
            lint(p, FileKind::Kubernetes)
                .iter()
                .filter(|d| d.rule != dockwarden::rules::RuleId::MissingNetworkPolicy)
                .count()
        })
        .sum();
    let in_stream = found
        .iter()
        .filter(|d| rule_of(d) != "missing-network-policy")
        .count();
    assert_eq!(in_stream, alone, "{rules:?}");
    assert!(alone >= 10, "{alone} findings");
    eprintln!(
        "{} kube-prometheus documents: {} findings",
        parts.len(),
        found.len()
    );
}

#[test]
fn every_fix_on_every_corpus_manifest_is_valid() {
    let (Some(compose), Some(k8s)) = (corpus_files("compose"), corpus_files("k8s")) else {
        return;
    };
    let (mut files, mut fixes, mut failures) = (0, 0, Vec::new());
    for path in compose.iter().chain(&k8s) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Some(kind) = dockwarden::engine::lint::detect(Some(path), &text) else {
            continue;
        };
        files += 1;
        let diagnostics = lint(&text, kind);
        for d in &diagnostics {
            for fix in &d.fixes {
                // A fix that changes another file is checked with its fallback (this file alone).
                fixes += 1 + usize::from(fix.fallback.is_some());
                if let Err(e) = common::check_fix(kind, &text, d, fix, &diagnostics) {
                    failures.push(format!("{}: {e}", path.display()));
                }
            }
        }
    }
    eprintln!("fix validity (compose + k8s): {files} files, {fixes} fixes checked");
    let shown: Vec<&String> = failures.iter().take(5).collect();
    assert!(
        failures.is_empty(),
        "{} invalid fixes, first ones:\n{shown:#?}",
        failures.len()
    );
}

/// The reviewed list of every secret finding on the corpus (`tests/corpus-review/secret-findings.txt`):
/// each was read by hand (see the README beside it). A change in what the secret rules report on the
/// corpus fails here until the list is reviewed again (`DOCKWARDEN_REVIEW=write` rewrites it).
#[test]
fn secret_findings_on_the_corpus_are_the_reviewed_ones() {
    let Some(corpus) = common::corpus_dir("corpus") else {
        return;
    };
    let mut files = Vec::new();
    for dir in ["dockerfiles", "compose", "k8s"] {
        files.extend(corpus_files(dir).unwrap_or_default());
    }
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .arg("check")
        .args(&files)
        .output()
        .expect("binary runs");
    let prefix = format!("{}/", corpus.display());
    let found: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| {
            [
                "[secret-in-env]",
                "[hardcoded-credential]",
                "[secret-in-layer]",
            ]
            .iter()
            .any(|r| l.contains(r))
        })
        .map(|l| format!("{}\n", l.strip_prefix(&prefix).unwrap_or(l)))
        .collect();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus-review/secret-findings.txt");
    if std::env::var("DOCKWARDEN_REVIEW").as_deref() == Ok("write") {
        std::fs::write(&path, &found).expect("write the list");
    }
    let reviewed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == reviewed,
        "the secret findings on the corpus changed: review them, then run with DOCKWARDEN_REVIEW=write\n{}",
        found
            .lines()
            .filter(|l| !reviewed.contains(l))
            .chain(reviewed.lines().filter(|l| !found.contains(l)))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A large YAML document is read in pieces side by side (`syntax::yaml_split`, `model::yaml_pieces`): cut
/// as often as it can be, every document of the corpus and the fixtures reads exactly as it does whole —
/// every node, range, problem and comment — and a document that reads cleanly whole is never refused in
/// pieces.
#[test]
fn every_corpus_yaml_document_read_in_pieces_is_the_document_read_whole() {
    use dockwarden::model::yaml::Yaml;
    use dockwarden::model::yaml_pieces::{outline, read};
    use dockwarden::syntax::yaml_split::split;
    let Some(files) = yaml_files() else {
        return;
    };
    let (mut compared, mut documents) = (0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // One document at a time: a stream is not cut across its `---` lines.
        let mut starts: Vec<usize> = text.match_indices("\n---").map(|(at, _)| at + 1).collect();
        starts.insert(0, 0);
        starts.push(text.len());
        for pair in starts.windows(2) {
            let document = &text[pair[0]..pair[1]];
            let document = document.strip_prefix("---").map_or(document, |d| {
                &document[document.len() - d.len() + d.find('\n').map_or(d.len(), |n| n + 1)..]
            });
            let whole = Yaml::read_whole(document);
            documents += 1;
            for size in [16, 256, 2048] {
                let Some(pieces) = split(document, size) else {
                    continue;
                };
                match read(document, &pieces) {
                    Some(joined) => {
                        compared += 1;
                        assert_eq!(
                            outline(&joined),
                            outline(&whole),
                            "{} in pieces of {size} bytes",
                            path.display()
                        );
                    }
                    None => assert!(
                        !whole.grammar_errors.is_empty(),
                        "{}: refused in pieces of {size} bytes, read cleanly whole",
                        path.display()
                    ),
                }
            }
        }
    }
    assert!(
        compared > documents,
        "{compared} cuts of {documents} documents compared"
    );
}

/// A Dockerfile whose grammar errors are found in parts has the findings it has with the errors of the
/// whole tree, on every corpus Dockerfile (and fixture), as written and with an unknown instruction put
/// before a few of its instructions, cut before every instruction a part may start at. The grammar's
/// error recovery depends on what follows, so the raw errors differ (a part's error stops at the part's
/// end, where the whole tree's may run on to the end of the file); what the model confirms of them is the
/// same, except that a part may find an unknown instruction the whole tree's error had swallowed. `lint`
/// (which parses only where the model read an unknown instruction, and a large file in parts) agrees: on
/// each file with the whole tree's errors, and on all of them joined into one large file with the parts'.
#[test]
fn every_corpus_dockerfile_with_its_grammar_errors_found_in_parts_has_its_findings() {
    use dockwarden::engine::dockerfile::{lint_dockerfile, lint_with_errors};
    use dockwarden::engine::kept_dockerfile::KeptDockerfile;
    use dockwarden::engine::surroundings::Surroundings;
    use dockwarden::model::dockerfile::Dockerfile;
    use dockwarden::syntax::dockerfile::top_level_errors;
    use dockwarden::syntax::dockerfile_parts::errors_in_parts;
    use dockwarden::syntax::kept_tree::KeptTree;
    use dockwarden::syntax::{Language, parse};
    let Some(files) = corpus_dockerfiles() else {
        return;
    };
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dockerfile");
    let fixtures: Vec<_> = std::fs::read_dir(fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    let (mut compared, mut with_errors) = (0, 0);
    let mut joined = String::new();
    // The server's path keeps what instruction checks found from one text to the next: each text is an
    // edit of the last (most small, a file to the next a large one), and must read as linted afresh.
    let mut kept = KeptDockerfile::default();
    for path in files.iter().chain(&fixtures) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = Dockerfile::parse(&text);
        let starts: Vec<usize> = file.instructions.iter().map(|i| i.range.start).collect();
        let mut variants = vec![text.clone()];
        for at in starts.iter().step_by(starts.len() / 3 + 1).skip(1) {
            variants.push(format!("{}FRM {{x\nRNU a\n{}", &text[..*at], &text[*at..]));
        }
        for text in &variants {
            let file = Dockerfile::parse(text);
            let starts = file.instructions.iter().map(|i| i.range.start);
            let whole = parse(Language::Dockerfile, text, None)
                .map(|t| top_level_errors(&t, text))
                .unwrap_or_default();
            let parts = errors_in_parts(text, starts, 1, &|_, _| true);
            let findings = |errors: &[dockwarden::TextRange]| {
                lint_with_errors(text, errors, &Surroundings::none())
            };
            let (whole, parts) = (findings(&whole), findings(&parts));
            assert_eq!(
                lint(text, FileKind::Dockerfile),
                whole,
                "{}",
                path.display()
            );
            // The server queries its tree only at the unknown instructions.
            let mut tree = KeptTree::parsed(
                Language::Dockerfile,
                parse(Language::Dockerfile, text, None),
            );
            assert_eq!(
                lint_dockerfile(text, Some(&mut tree), &mut kept, &Surroundings::none()),
                whole,
                "{}",
                path.display()
            );
            let unknown = |d: &dockwarden::Diagnostic| d.message.starts_with("unknown instruction");
            assert!(
                whole.iter().all(|w| parts.contains(w))
                    && parts.iter().all(|p| whole.contains(p) || unknown(p)),
                "{} with {} bytes: {parts:?} in parts, {whole:?} whole",
                path.display(),
                text.len()
            );
            compared += 1;
            with_errors += usize::from(whole.iter().any(unknown));
            // (only complete files, heredocs closed: a file's last heredoc must not swallow the next)
            if !text.contains("<<") {
                joined.push_str(text);
                if !joined.ends_with('\n') {
                    joined.push('\n');
                }
            }
        }
    }
    assert!(
        with_errors > 100,
        "{with_errors} of {compared} compared have errors"
    );
    assert!(joined.len() > 1024 * 1024, "{} bytes joined", joined.len());
    let file = Dockerfile::parse(&joined);
    let starts = file.instructions.iter().map(|i| i.range.start);
    let parts = errors_in_parts(&joined, starts, 256 * 1024, &|_, _| true);
    let expected = lint_with_errors(&joined, &parts, &Surroundings::none());
    assert_eq!(lint(&joined, FileKind::Dockerfile), expected);
}

/// Every corpus document (and YAML fixture) that reads line by line reads as the grammar's tree reads:
/// the same nodes, ranges, styles, problems and comments. Most documents must be of that shape, or the
/// comparison says little.
#[test]
fn every_corpus_yaml_document_read_line_by_line_is_the_document_parsed() {
    use dockwarden::document::split_documents;
    use dockwarden::model::yaml::Yaml;
    use dockwarden::model::yaml_lines::read;
    use dockwarden::model::yaml_pieces::outline;
    let Some(files) = yaml_files() else {
        return;
    };
    let (mut read_by_lines, mut documents) = (0, 0);
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for range in split_documents(&text) {
            let document = range.slice(&text);
            documents += 1;
            if let Some(lines) = read(document) {
                read_by_lines += 1;
                assert_eq!(
                    outline(&lines),
                    outline(&Yaml::read_whole(document)),
                    "{} at {range:?}:\n{document}",
                    path.display()
                );
            }
        }
    }
    eprintln!("{read_by_lines} of {documents} documents read line by line");
    assert!(
        read_by_lines * 2 > documents,
        "{read_by_lines} of {documents} documents read line by line"
    );
}
