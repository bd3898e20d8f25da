//! A document's findings in protocol form, kept per run (see `engine::findings`): a keystroke in one
//! document of a long YAML stream renders that document's findings only; the others keep their positions,
//! moved by whole lines, and the push copies their JSON (see `lsp/wire.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::{Diagnostic as LspDiagnostic, Position, Range, Uri};

use super::convert::{self, Encoding};
use super::wire::{self, RunJson};
use crate::document::{LineIndex, TextRange};
use crate::engine::findings::{Findings, Run};
use crate::rules::diagnostic::Diagnostic;

/// The findings of one run with their positions.
struct RenderedRun {
    /// The run's findings; kept so that no other run's findings can take their address (which names
    /// them).
    items: Arc<[Diagnostic]>,
    /// The line the run's part starts on now: the positions are relative to it.
    line: u32,
    /// Each finding's range, then its related ranges, in order.
    ranges: Vec<Range>,
    /// The run's findings lie in its part, which starts a line: their positions only move by whole
    /// lines while the part is unchanged. (Otherwise the run is rendered again each time.)
    movable: bool,
    /// The diagnostics as JSON, for the push.
    json: RunJson,
}

/// A document's findings in protocol form, as last brought up to date.
#[derive(Default)]
pub struct Rendered {
    runs: Vec<RenderedRun>,
    encoding: Option<Encoding>,
}

impl Rendered {
    /// Bring the rendering up to date with `findings` of the text `lines` of the document `uri`: a run
    /// rendered before (the same findings of the same unchanged part) only moves to its part's line now;
    /// the others are rendered.
    pub fn update(
        &mut self,
        findings: &Findings,
        lines: &LineIndex,
        encoding: Encoding,
        uri: &Uri,
    ) {
        if self.encoding != Some(encoding) {
            self.runs.clear();
            self.encoding = Some(encoding);
        }
        let mut old: Vec<Option<RenderedRun>> = std::mem::take(&mut self.runs)
            .into_iter()
            .map(|r| Some(r).filter(|r| r.movable))
            .collect();
        // Most runs are at the same place as before; the others are looked up by their address.
        let mut by_address: Option<HashMap<*const Diagnostic, usize>> = None;
        for (index, run) in findings.runs().iter().enumerate() {
            let same = |r: &Option<RenderedRun>| {
                r.as_ref()
                    .is_some_and(|r| Arc::ptr_eq(&r.items, &run.items))
            };
            let found = if old.get(index).is_some_and(same) {
                Some(index)
            } else {
                let addresses = by_address.get_or_insert_with(|| {
                    old.iter()
                        .enumerate()
                        .filter_map(|(i, r)| r.as_ref().map(|r| (r.items.as_ptr(), i)))
                        .collect()
                });
                addresses.get(&run.items.as_ptr()).copied()
            };
            let reused = found.and_then(|i| old[i].take()).map(|mut r| {
                r.line = line_of(lines, run.span.start);
                r
            });
            self.runs
                .push(reused.unwrap_or_else(|| render(run, lines, encoding, uri)));
        }
    }

    /// The findings as a list of protocol diagnostics (for a pull request: its result is built as a tree).
    pub fn diagnostics(&self, uri: &Uri) -> Vec<LspDiagnostic> {
        self.runs
            .iter()
            .flat_map(|run| {
                let mut ranges = run.ranges.iter().map(move |r| moved(*r, run.line));
                run.items.iter().map(move |d| {
                    let range = ranges.next().unwrap_or_default();
                    let related: Vec<Range> = ranges.by_ref().take(d.related.len()).collect();
                    convert::lsp_diagnostic(uri, d, range, related)
                })
            })
            .collect()
    }

    /// The `textDocument/publishDiagnostics` notification, as JSON text.
    pub fn publish(&self, uri: &Uri, version: Option<i32>) -> Vec<u8> {
        wire::publish(uri, version, self.runs.iter().map(|r| (&r.json, r.line)))
    }
}

/// Render one run: its findings' positions, relative to the line its part starts on.
fn render(run: &Run, lines: &LineIndex, encoding: Encoding, uri: &Uri) -> RenderedRun {
    let line = line_of(lines, run.span.start);
    let start = run.span.start;
    let mut movable = lines.line_start(line as usize) == start;
    let mut ranges = Vec::new();
    for (_, d) in run.located() {
        for range in std::iter::once(d.range).chain(d.related.iter().map(|r| r.range)) {
            let range = TextRange::new(range.start + start, range.end + start);
            movable &= run.span.contains_range(range);
            ranges.push(moved_back(convert::range(lines, range, encoding), line));
        }
    }
    RenderedRun {
        json: RunJson::new(uri, &run.items, &ranges),
        items: Arc::clone(&run.items),
        line,
        ranges,
        movable,
    }
}

fn line_of(lines: &LineIndex, offset: usize) -> u32 {
    u32::try_from(lines.line_of(offset)).unwrap_or(u32::MAX)
}

/// `range` with `line` added to its lines.
fn moved(range: Range, line: u32) -> Range {
    let at = |p: Position| Position::new(p.line.saturating_add(line), p.character);
    Range::new(at(range.start), at(range.end))
}

/// `range` with `line` taken from its lines (it starts no earlier).
fn moved_back(range: Range, line: u32) -> Range {
    let at = |p: Position| Position::new(p.line.saturating_sub(line), p.character);
    Range::new(at(range.start), at(range.end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{FileKind, LineStarts};
    use crate::engine::yaml_stream::{Mode, YamlStream};
    use crate::rules::RuleId;

    fn json(rendered: &Rendered, uri: &Uri) -> serde_json::Value {
        let body = rendered.publish(uri, Some(1));
        let mut message: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(message["method"], "textDocument/publishDiagnostics");
        assert_eq!(message["params"]["version"], 1);
        message["params"]["diagnostics"].take()
    }

    #[test]
    fn the_wire_form_is_the_protocol_diagnostic() {
        let text = "a\n😀 b\nc\n";
        let d = Diagnostic::new(RuleId::UnpinnedImage, TextRange::new(7, 8), "m \"q\"")
            .with_related(TextRange::new(0, 1), "there");
        let findings = Findings::whole(vec![d.clone()], text.len());
        let lines = LineIndex::new(text);
        let uri: Uri = "file:///w/a.yaml".parse().expect("uri");
        let mut rendered = Rendered::default();
        rendered.update(&findings, &lines, Encoding::Utf16, &uri);
        let lsp = convert::to_lsp(&uri, &lines, &d, Encoding::Utf16);
        assert_eq!(json(&rendered, &uri), serde_json::json!([lsp]));
        assert_eq!(rendered.diagnostics(&uri), [lsp]);
    }

    #[test]
    fn runs_of_unchanged_documents_move_by_lines_and_read_as_rendered_afresh() {
        let pod = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: c\n      image: nginx\n"
            )
        };
        let text = format!("{}---\n{}---\n{}", pod("a"), pod("b"), pod("c"));
        let uri: Uri = "file:///w/a.yaml".parse().expect("uri");
        let mut stream = YamlStream::default();
        let mut rendered = Rendered::default();
        let (_, findings) = stream.update(&text, Mode::Force(FileKind::Kubernetes));
        let starts = LineStarts::new(&text);
        rendered.update(&findings, &starts.index(&text), Encoding::Utf16, &uri);
        // Two lines more in the first document: the others' runs are the same, two lines down.
        let edited = text.replacen("  name: a\n", "  name: a\n  # one\n  # two\n", 1);
        let (_, findings) = stream.update(&edited, Mode::Force(FileKind::Kubernetes));
        let before: Vec<*const Diagnostic> =
            rendered.runs.iter().map(|r| r.items.as_ptr()).collect();
        let starts = LineStarts::new(&edited);
        rendered.update(&findings, &starts.index(&edited), Encoding::Utf16, &uri);
        let kept = rendered
            .runs
            .iter()
            .filter(|r| before.contains(&r.items.as_ptr()))
            .count();
        assert_eq!(kept, 2);
        let mut fresh = Rendered::default();
        fresh.update(&findings, &starts.index(&edited), Encoding::Utf16, &uri);
        assert_eq!(json(&rendered, &uri), json(&fresh, &uri));
        assert!(!rendered.diagnostics(&uri).is_empty());
    }
}
