use crate::document::Skip;
use crate::document::TextRange;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Says that a file, or one document of a YAML stream, was not linted in full, and why: a Helm chart
    /// template (files under `templates/` of a folder with `Chart.yaml`, `*.tpl`, and documents elsewhere
    /// whose `{{ … }}` actions stand where YAML structure goes), text that is not UTF-8 (linted as
    /// decoded, without fixes), or a file larger than `max-file-size` (64 MiB unless configured: its first
    /// part is linted, without shell parsing, other files or the workspace, and without fixes).
    ///
    /// ## Why it matters
    /// A file that yields no finding reads as a file without problems. A privileged pod in a document
    /// dockwarden could not read is still a privileged pod: this finding keeps the gap visible, in the
    /// editor and in CI.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: {{ include "app.fullname" . }}
    /// ```
    ///
    /// ## Fix
    /// None. Lint what the template renders to (`helm template . | dockwarden check -`), or turn the rule off
    /// for paths you know (`rules: {skipped-file: off}` or `ignore-paths`).
    ///
    /// ## References
    /// - Helm chart template guide: <https://helm.sh/docs/chart_template_guide/>
    name: "skipped-file",
    severity: Info,
    fix: None,
    summary: "a file or document is not linted in full (Helm template, not UTF-8, too large)",
}

/// The finding for `skip`, on the first line of what was skipped (`line`: that line's range).
pub fn finding(skip: Skip, line: TextRange) -> Diagnostic {
    Diagnostic::new(
        RuleId::SkippedFile,
        line,
        format!("not linted in full: {}", skip.reason()),
    )
}

/// The range of the first line of `text` from `start` (without its line break).
pub fn first_line(text: &str, start: usize) -> TextRange {
    let rest = text.get(start..).unwrap_or("");
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    TextRange::new(start, start + end)
}
