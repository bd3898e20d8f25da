//! What a file's content says it is, where its name does not decide: a Dockerfile by its first
//! instruction or directive, a Helm template by the Go-template actions where YAML structure goes.

use crate::document::FileKind;
use crate::model::yaml::{ScalarStyle, Value, Yaml};

/// The kind content implies for non-YAML text: a Dockerfile starts (after blank lines and comments) with
/// `FROM` or `ARG`, or with a parser directive such as `# syntax=`. Text with a NUL byte is binary, never
/// claimed by content (a file *named* like a Dockerfile is linted whatever it holds).
pub fn kind_from_content(text: &str) -> Option<FileKind> {
    if text.contains('\0') {
        return None;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines().take(200) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if crate::model::dockerfile::parse_directive(comment).is_some() {
                return Some(FileKind::Dockerfile);
            }
            continue;
        }
        let keyword = line.split_whitespace().next().unwrap_or("");
        let starts = keyword.eq_ignore_ascii_case("FROM") || keyword.eq_ignore_ascii_case("ARG");
        return starts.then_some(FileKind::Dockerfile);
    }
    None
}

/// Whether a document is a Helm template: a `{{ … }}` Go-template action stands where YAML structure goes —
/// a line or sequence item that starts with one (a whole-line `{{- if … }}`, a key that is an action), a
/// plain value that starts with one (`name: {{ include "x" . }}`), or the whitespace-trimming `{{-`/`-}}`
/// that only Go templates write. Inside strings it is text: PrometheusRule and Alertmanager templates
/// (`description: url {{ $labels.a }}:{{ $labels.b }}`, quoted or block scalars), and Argo's unspaced
/// `{{inputs.parameters.x}}`, which has none of Go's action syntax.
pub fn is_helm_template(text: &str, yaml: &Yaml) -> bool {
    if !text.contains("{{") {
        return false;
    }
    // Offsets that lie inside a scalar begun earlier: a continuation line of a block, quoted or
    // multi-line plain scalar is content, whatever it starts with.
    let mut scalars: Vec<(crate::document::TextRange, bool)> = yaml
        .nodes
        .iter()
        .filter_map(|n| match n.value {
            Value::Scalar(_) => Some((n.range, n.style != ScalarStyle::Plain)),
            _ => None,
        })
        .collect();
    // Scalars never overlap, so the one that can hold an offset is the last to begin before it: found by
    // halving, not by a scan per line (a file of a million lines holds about as many scalars).
    scalars.sort_unstable_by_key(|(r, _)| r.start);
    let holding = |at: usize| {
        let before = scalars.partition_point(|(r, _)| r.start < at);
        before
            .checked_sub(1)
            .map(|i| scalars[i])
            .filter(|(r, _)| at < r.end)
    };
    let in_scalar = |at: usize| holding(at).is_some();
    // Quoted and block scalars are strings whatever they hold; a plain one with `{{-` is a template.
    let in_string = |at: usize| holding(at).is_some_and(|(_, string)| string);
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let line_start = start;
        start += line.len();
        let mut rest = line.trim_start();
        while let Some(item) = rest.strip_prefix("- ") {
            rest = item.trim_start();
        }
        let at = |part: &str| line_start + (line.len() - part.len());
        if rest.starts_with('#') || in_scalar(at(rest)) {
            continue;
        }
        if starts_with_go_action(rest) {
            return true;
        }
        let value = rest.find(": ").map(|i| rest[i + 2..].trim_start());
        if value.is_some_and(starts_with_go_action) {
            return true;
        }
        let code = rest.find(" #").map_or(rest, |i| &rest[..i]);
        let trimming = ["{{-", "-}}"].iter().any(|marker| {
            code.match_indices(marker)
                .any(|(i, _)| !in_string(at(rest) + i))
        });
        if trimming {
            return true;
        }
    }
    false
}

/// Whether `text` starts with a Go-template action: `{{` followed by a space, `-`, `.`, `$` or a comment
/// (`{{ .Values.x }}`, `{{- if … }}`, `{{.Values.x}}`, `{{$x}}`, `{{/* … */}}`), or an action with words
/// (`{{include "x" .}}`). Argo's `{{inputs.parameters.x}}` and `{{=expr}}` are not Go actions.
fn starts_with_go_action(text: &str) -> bool {
    let Some(inner) = text.strip_prefix("{{") else {
        return false;
    };
    if inner.starts_with([' ', '\t', '-', '.', '$', '/']) {
        return true;
    }
    let action = inner.find("}}").map_or(inner, |end| &inner[..end]);
    !action.starts_with('=') && action.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn yaml_kind_of(name: &str, text: &str) -> Option<FileKind> {
        crate::engine::lint::detect(Some(Path::new(name)), text)
    }

    #[test]
    fn content() {
        assert_eq!(
            kind_from_content("\n# hi\nfrom alpine\n"),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(
            kind_from_content("ARG X=1\nFROM a\n"),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(
            kind_from_content("# escape=`\nRUN x\n"),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(kind_from_content("services:\n  a: {}\n"), None);
        assert_eq!(kind_from_content("RUN echo\n"), None);
        assert_eq!(
            kind_from_content("\u{feff}FROM alpine\n"),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(kind_from_content("FROM alpine\n\0\x01"), None);
    }

    #[test]
    fn yaml_content() {
        assert_eq!(
            yaml_kind_of("x.yaml", "services:\n  web:\n    image: nginx:1.27\n"),
            Some(FileKind::Compose)
        );
        assert_eq!(
            yaml_kind_of(
                "compose.override.yaml",
                "services:\n  web:\n    ports: []\n"
            ),
            Some(FileKind::Compose)
        );
        assert_eq!(
            yaml_kind_of("x.yaml", "a: 1\n---\napiVersion: v1\nkind: Pod\n"),
            Some(FileKind::Kubernetes)
        );
        assert_eq!(
            yaml_kind_of("values.yaml", "replicaCount: 1\nimage:\n  tag: latest\n"),
            None
        );
        assert_eq!(
            yaml_kind_of(
                "ci.yml",
                "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
            ),
            None
        );
        // A Helm template is a manifest that is not read: it says so in a `skipped-file` finding.
        let helm =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x\" . }}\n";
        assert_eq!(
            yaml_kind_of("deployment.yaml", helm),
            Some(FileKind::Kubernetes)
        );
        let found = crate::engine::lint::lint(helm, FileKind::Kubernetes);
        assert_eq!(
            found.iter().map(|d| d.rule).collect::<Vec<_>>(),
            [crate::rules::RuleId::SkippedFile]
        );
        let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  a: \"{{ $labels.pod }}\"\n  b: |\n    {{ range . }}\n";
        assert_eq!(yaml_kind_of("rule.yaml", rule), Some(FileKind::Kubernetes));
    }

    fn helm(text: &str) -> bool {
        is_helm_template(text, &Yaml::read(text))
    }

    #[test]
    fn go_actions_where_structure_goes_make_a_helm_template() {
        for yes in [
            "metadata:\n  name: {{ include \"x\" . }}\n",
            "{{- if .Values.enabled }}\nkind: Pod\n{{- end }}\n",
            "metadata:\n  labels:\n    {{- include \"labels\" . | nindent 4 }}\n",
            "spec:\n  replicas: {{.Values.replicas}}\n",
            "args:\n  - {{ .Values.arg }}\n",
            "{{ .Values.key }}: value\n",
            "metadata:\n  name: app-{{- .Release.Name -}}\n",
        ] {
            assert!(helm(yes), "{yes}");
        }
        for no in [
            "annotations:\n  description: url {{ $labels.a }}:{{ $labels.b }}\n",
            "annotations:\n  summary: \"{{ $labels.pod }} is down\"\n",
            "data:\n  t: |\n    {{- range .Alerts }}\n    {{ .Labels }}\n    {{- end }}\n",
            "args: ['{{- if x -}}']\n",
            "image: \"{{inputs.parameters.image}}\"\nargs:\n  - {{inputs.parameters.message}}\n",
            "value: \"{{=sprig.trim(inputs.parameters.x)}}\"\n",
            "description: a long\n  {{ $labels.instance }} text\n",
            "# {{- a comment }}\nkind: Pod\n",
        ] {
            assert!(!helm(no), "{no}");
        }
    }
}
