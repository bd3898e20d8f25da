//! Benchmarks of the two budgets, run against the release binary:
//! - keystroke latency: after the first diagnostics of a 264-line corpus Dockerfile, type 300 characters at
//!   its end, one `didChange` each, and time each from sending to receiving the diagnostics of that version;
//! - `dockwarden check` over every corpus Dockerfile, wall time.
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
    common::corpus_dir().unwrap_or_else(|| {
        eprintln!("the corpus is needed: set DOCKWARDEN_CORPUS");
        std::process::exit(2)
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn keystrokes(corpus: &std::path::Path) {
    let path = corpus.join("dockerfiles").join(KEYSTROKE_FILE);
    let mut text = std::fs::read_to_string(&path).expect("keystroke file");
    let mut client = lsp::Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let uri = "file:///bench/Dockerfile";
    client.open(uri, &text);
    client.published(uri, 1);
    let typed = "RUN echo \"typing at the end of the file\" && true\n";
    let mut latencies = Vec::with_capacity(300);
    for (i, c) in typed.chars().cycle().take(300).enumerate() {
        let version = i as i64 + 2;
        let lines: Vec<&str> = text.split('\n').collect();
        let line = lines.len() - 1;
        let character = lines[line].encode_utf16().count();
        let started = Instant::now();
        client.notify("textDocument/didChange", json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": c.to_string()}]
        }));
        client.published(uri, version);
        latencies.push(started.elapsed());
        text.push(c);
    }
    client.shutdown();
    latencies.sort();
    println!(
        "keystroke latency ({} lines, 300 didChange): p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        text.lines().count(),
        percentile(&latencies, 50.0).as_secs_f64() * 1e3,
        percentile(&latencies, 99.0).as_secs_f64() * 1e3,
        latencies[latencies.len() - 1].as_secs_f64() * 1e3
    );
}

fn check_corpus(corpus: &std::path::Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("dockerfiles"))
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
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
        "dockwarden check over {} corpus Dockerfiles: median {:.1} ms, min {:.1} ms, max {:.1} ms (10 runs)",
        files.len(),
        runs[runs.len() / 2].as_secs_f64() * 1e3,
        runs[0].as_secs_f64() * 1e3,
        runs[runs.len() - 1].as_secs_f64() * 1e3
    );
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let corpus = corpus();
    keystrokes(&corpus);
    check_corpus(&corpus);
}
