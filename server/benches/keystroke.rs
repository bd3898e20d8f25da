//! Benchmarks of the two budgets, run against the release binary:
//! - keystroke latency: after the first diagnostics of a 264-line corpus Dockerfile, type 300 characters at
//!   its end, one `didChange` each, and time each from sending to receiving the diagnostics of that version;
//! - `dockwarden check` over every corpus Dockerfile, wall time;
//! - the same two for YAML: typing at the top of a 3,000-line stream of corpus Deployments, and `check` over
//!   every corpus Compose file and manifest;
//! - the server's resident memory with 1,000 corpus documents open.
//!
//! `cargo bench --bench keystroke` (needs the corpus: `../shared/corpus` or `DOCKWARDEN_CORPUS`).

#![allow(clippy::print_stdout, reason = "a bench binary reports on stdout")]

#[path = "../../tests/common/mod.rs"]
mod common;

use common::lsp;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

const KEYSTROKE_FILE: &str = "jjhenkel__binnacle-icse2020__datasets__0b-deduplicated-dockerfile-sources__gold.tar.xz__deduplicated-sources-gold__6ad95dc504ca4f62519df53626406f221dc9e319.Dockerfile";

fn corpus() -> PathBuf {
    common::corpus_dir("keystroke bench").unwrap_or_else(|| {
        eprintln!("the corpus is needed: set DOCKWARDEN_CORPUS");
        std::process::exit(2)
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Time 300 single-character `didChange`s typed at `(line, column)` onwards; `typed` supplies the characters.
fn keystrokes(label: &str, uri: &str, language: &str, mut text: String, at_end: bool) {
    let mut client = lsp::Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
    );
    client.published(uri, 1);
    let typed = "# typing while the server keeps up, one character at a time\n";
    let mut latencies = Vec::with_capacity(300);
    let mut top_column = 0;
    let mut top_line = 0;
    for (i, c) in typed.chars().cycle().take(300).enumerate() {
        let version = i as i64 + 2;
        let (line, character) = if at_end {
            let lines: Vec<&str> = text.split('\n').collect();
            (
                lines.len() - 1,
                lines[lines.len() - 1].encode_utf16().count(),
            )
        } else {
            (top_line, top_column)
        };
        let started = Instant::now();
        client.notify("textDocument/didChange", json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": c.to_string()}]
        }));
        client.published(uri, version);
        latencies.push(started.elapsed());
        if at_end {
            text.push(c);
        } else if c == '\n' {
            top_line += 1;
            top_column = 0;
        } else {
            top_column += c.len_utf16();
        }
    }
    client.shutdown();
    latencies.sort();
    println!(
        "keystroke latency, {label} ({} lines, 300 didChange): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        text.lines().count(),
        percentile(&latencies, 50.0).as_secs_f64() * 1e3,
        percentile(&latencies, 99.0).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );
}

/// The corpus k8s files that contain `kind: Deployment`, in name order, joined with `---` until the stream
/// passes 3,000 lines.
fn deployments_stream(corpus: &std::path::Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("k8s"))
        .expect("corpus k8s")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut out = String::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if !text.contains("kind: Deployment") {
            continue;
        }
        if !out.is_empty() {
            out.push_str("---\n");
        }
        out.push_str(&text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        if out.lines().count() > 3000 {
            break;
        }
    }
    out
}

fn check_corpus(label: &str, corpus: &std::path::Path, dirs: &[&str]) {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        files.extend(
            std::fs::read_dir(corpus.join(dir))
                .expect("corpus")
                .flatten()
                .map(|e| e.path()),
        );
    }
    files.sort();
    let mut runs = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
            .arg("check")
            .args(&files)
            .output()
            .expect("check");
        runs.push(started.elapsed());
        assert!(matches!(output.status.code(), Some(0 | 1)));
    }
    runs.sort();
    println!(
        "dockwarden check over {} corpus {label}: median {:.1} ms, min {:.1} ms, max {:.1} ms (10 runs)",
        files.len(),
        runs[runs.len() / 2].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[runs.len() - 1].as_secs_f64() * 1e3
    );
}

/// Open the first 1,000 corpus files (Dockerfiles, Compose files, manifests, in name order) in one server,
/// wait for the diagnostics of each, and report the server's resident memory.
fn open_documents(corpus: &std::path::Path) {
    let mut files: Vec<(PathBuf, &str)> = Vec::new();
    for (dir, language) in [
        ("dockerfiles", "dockerfile"),
        ("compose", "yaml"),
        ("k8s", "yaml"),
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(corpus.join(dir))
            .expect("corpus")
            .flatten()
            .map(|e| e.path())
            .collect();
        found.sort();
        files.extend(found.into_iter().map(|f| (f, language)));
    }
    files.truncate(1000);
    let mut client = lsp::Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let before = client.resident_bytes().unwrap_or(0);
    let mut opened = 0;
    for (index, (path, language)) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // (a Compose file is known by its name: keep the corpus name, percent-encoded, in the URI)
        let name: String = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file")
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let uri = format!("file:///bench/{index}/{name}");
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        client.published(&uri, 1);
        opened += 1;
    }
    let after = client.resident_bytes().unwrap_or(0);
    client.shutdown();
    println!(
        "{opened} corpus documents open: server RSS {:.1} MB ({:.1} MB before the first)",
        after as f64 / 1e6,
        before as f64 / 1e6
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let corpus = corpus();
    let dockerfile = std::fs::read_to_string(corpus.join("dockerfiles").join(KEYSTROKE_FILE))
        .expect("keystroke file");
    keystrokes(
        "Dockerfile, typing at the end",
        "file:///bench/Dockerfile",
        "dockerfile",
        dockerfile,
        true,
    );
    let stream = deployments_stream(&corpus);
    keystrokes(
        "k8s Deployments stream, typing at the top",
        "file:///bench/deployments.yaml",
        "yaml",
        stream,
        false,
    );
    check_corpus("Dockerfiles", &corpus, &["dockerfiles"]);
    check_corpus(
        "Compose files and k8s manifests",
        &corpus,
        &["compose", "k8s"],
    );
    open_documents(&corpus);
}
