//! `textDocument/publishDiagnostics` as bytes. Each run of findings (see `lsp/rendered.rs`) is written as
//! JSON once, with the places of its line numbers noted; a push copies the runs, writing each line number
//! from where its run now starts. Escaping thousands of messages again on every keystroke in a long stream
//! was a tenth of the keystroke.

use std::io::Write;

use tower_lsp_server::ls_types::{Position, Range, Uri};

use super::convert;
use crate::rules::diagnostic::Diagnostic;

/// A run's diagnostics as JSON objects separated by commas, with their line numbers left out.
pub struct RunJson {
    bytes: Vec<u8>,
    /// Where a line number goes in `bytes`, and the line relative to the run's first.
    lines: Vec<(usize, u32)>,
}

impl RunJson {
    /// `items`, at `ranges` (each finding's range, then its related ranges, lines relative to the run's
    /// first line), in the document `uri`.
    pub fn new(uri: &Uri, items: &[Diagnostic], ranges: &[Range]) -> Self {
        let mut json = Self {
            bytes: Vec::new(),
            lines: Vec::new(),
        };
        let mut ranges = ranges.iter();
        for (i, d) in items.iter().enumerate() {
            if i > 0 {
                json.bytes.push(b',');
            }
            json.raw("{\"range\":");
            json.range(ranges.next().copied().unwrap_or_default());
            let severity = convert::severity(d.severity);
            json.raw(&format!(
                ",\"severity\":{},\"code\":",
                serde_json::to_string(&severity).unwrap_or_default()
            ));
            json.string(d.rule.name());
            json.raw(",\"source\":\"dockwarden\",\"message\":");
            json.string(&d.message);
            if !d.related.is_empty() {
                json.raw(",\"relatedInformation\":[");
                for (j, related) in d.related.iter().enumerate() {
                    if j > 0 {
                        json.bytes.push(b',');
                    }
                    json.raw("{\"location\":{\"uri\":");
                    let _ = serde_json::to_writer(&mut json.bytes, uri);
                    json.raw(",\"range\":");
                    json.range(ranges.next().copied().unwrap_or_default());
                    json.raw("},\"message\":");
                    json.string(&related.message);
                    json.bytes.push(b'}');
                }
                json.bytes.push(b']');
            }
            json.bytes.push(b'}');
        }
        json
    }

    fn raw(&mut self, text: &str) {
        self.bytes.extend_from_slice(text.as_bytes());
    }

    fn string(&mut self, text: &str) {
        let _ = serde_json::to_writer(&mut self.bytes, text);
    }

    fn range(&mut self, range: Range) {
        self.raw("{\"start\":");
        self.position(range.start);
        self.raw(",\"end\":");
        self.position(range.end);
        self.bytes.push(b'}');
    }

    fn position(&mut self, position: Position) {
        self.raw("{\"line\":");
        self.lines.push((self.bytes.len(), position.line));
        let _ = write!(self.bytes, ",\"character\":{}}}", position.character);
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Append the diagnostics to `out`, the run starting on `line`.
    fn write(&self, out: &mut Vec<u8>, line: u32) {
        let mut copied = 0;
        for &(at, relative) in &self.lines {
            out.extend_from_slice(&self.bytes[copied..at]);
            let _ = write!(out, "{}", relative.saturating_add(line));
            copied = at;
        }
        out.extend_from_slice(&self.bytes[copied..]);
    }
}

/// The notification's JSON text: the diagnostics of `runs`, each with the line its run starts on.
pub fn publish<'a>(
    uri: &Uri,
    version: Option<i32>,
    runs: impl Iterator<Item = (&'a RunJson, u32)> + Clone,
) -> Vec<u8> {
    let size: usize = runs.clone().map(|(json, _)| json.bytes.len() + 1).sum();
    let mut out = Vec::with_capacity(size + 256);
    out.extend_from_slice(
        b"{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":",
    );
    let _ = serde_json::to_writer(&mut out, uri);
    out.extend_from_slice(b",\"diagnostics\":[");
    let mut first = true;
    for (json, line) in runs.filter(|(json, _)| !json.is_empty()) {
        if !first {
            out.push(b',');
        }
        first = false;
        json.write(&mut out, line);
    }
    out.push(b']');
    if let Some(version) = version {
        let _ = write!(out, ",\"version\":{version}");
    }
    out.extend_from_slice(b"}}");
    out
}
