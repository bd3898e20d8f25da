//! `--format sarif` through the built binary, validated against the official SARIF 2.1.0 schema
//! (`tests/fixtures/sarif/`), on the examples and on the whole corpus when it is present.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn sarif_of(args: &[&str], dir: &Path) -> (String, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(["check", "--format", "sarif", "--exit-zero"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("utf-8");
    let log = serde_json::from_str(&text).expect("SARIF is JSON");
    (text, log)
}

/// Validate a log against the vendored SARIF 2.1.0 schema (`None`: jsonschema is missing, and not required).
fn validate(text: &str) -> Option<String> {
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    common::validate_json(&schema, text).map(|result| {
        let (valid, report) = result;
        assert!(valid, "SARIF does not validate:\n{report}");
        report
    })
}

/// What Microsoft's SARIF validator (`Sarif.Multitool validate`, the rules beyond the schema: SARIF1004
/// relative URIs, SARIF1001 names equal to ids, …) says about a log: its errors and warnings, each as
/// `rule: message` (its notes are optional suggestions: message arguments, code snippets, help URIs). `None` when the validator is not installed and the run does not require it.
fn multitool_findings(text: &str, name: &str) -> Option<Vec<String>> {
    let tool = std::env::var_os("DOCKWARDEN_SARIF_MULTITOOL").filter(|t| Path::new(t).exists());
    let Some(tool) = tool else {
        assert!(
            std::env::var("DOCKWARDEN_SARIF_TESTS").as_deref() != Ok("required"),
            "the SARIF validator is required (tests/run installs it as DOCKWARDEN_SARIF_MULTITOOL)"
        );
        let line = "SKIPPED: SARIF validator (tests/run installs it)\n";
        let _ = std::io::stderr().write_all(line.as_bytes());
        return None;
    };
    let dir = std::env::temp_dir().join(format!("dockwarden-sarif-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (log, report) = (dir.join("log.sarif"), dir.join("validation.sarif"));
    std::fs::write(&log, text).expect("write");
    let output = Command::new(tool)
        .arg("validate")
        .arg(&log)
        .arg("--output")
        .arg(&report)
        .args(["--log", "ForceOverwrite", "--level", "Error;Warning"])
        .output()
        .expect("the validator runs");
    let validation: Value = serde_json::from_str(
        &std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout))),
    )
    .expect("the validator writes SARIF");
    let results = validation["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    Some(
        results
            .iter()
            .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
            .collect(),
    )
}

#[test]
fn sarif_of_the_examples_is_valid_and_complete() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (text, log) = sarif_of(&["examples"], root);
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), dockwarden::rules::RuleId::ALL.len());
    let results = run["results"].as_array().expect("results");
    assert!(results.len() >= 10, "{results:#?}");
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(result["partialFingerprints"]["dockwarden/v1"].is_string());
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(
            region["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{region}"
        );
    }
    // The example Dockerfile's base-image finding carries its fixes.
    let bloated = results
        .iter()
        .find(|r| r["ruleId"] == "bloated-base-image")
        .expect("bloated-base-image");
    let replacement = &bloated["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "python:3.12-slim");
    assert_eq!(replacement["deletedRegion"]["startLine"], 1);
    let fingerprints: std::collections::BTreeSet<&str> = results
        .iter()
        .filter_map(|r| r["partialFingerprints"]["dockwarden/v1"].as_str())
        .collect();
    assert_eq!(fingerprints.len(), results.len(), "fingerprints are unique");
    if let Some(summary) = validate(&text) {
        eprintln!("examples: {summary}");
    }
    if let Some(findings) = multitool_findings(&text, "examples") {
        assert!(findings.is_empty(), "{findings:#?}");
    }
}

#[test]
fn sarif_of_the_corpus_validates_against_the_schema() {
    let Some(corpus) = common::corpus_dir("sarif corpus") else {
        return;
    };
    // Named by absolute path, as CI jobs often do: locations must still be relative to `%SRCROOT%`.
    let (text, log) = sarif_of(&[corpus.to_str().expect("a UTF-8 path")], &corpus);
    let results = log["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(results > 1000, "only {results} results over the corpus");
    if let Some(summary) = validate(&text) {
        eprintln!("corpus: {summary}");
    }
    if let Some(findings) = multitool_findings(&text, "corpus") {
        assert!(
            findings.is_empty(),
            "{} findings: {:#?}",
            findings.len(),
            &findings[..findings.len().min(20)]
        );
    }
}
