//! File-kind detection. A name decides when it can; content decides for YAML, and for files named on the
//! command line or opened in an editor under another name.

use std::path::Path;

use serde::Serialize;

use crate::model::yaml::{ScalarStyle, Value, Yaml};
use crate::syntax::Language;

/// The file kinds dockwarden reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Dockerfile,
    Compose,
    Kubernetes,
}

impl FileKind {
    pub fn language(self) -> Language {
        match self {
            FileKind::Dockerfile => Language::Dockerfile,
            FileKind::Compose | FileKind::Kubernetes => Language::Yaml,
        }
    }

    /// The one-letter code of the rule catalog.
    pub fn letter(self) -> char {
        match self {
            FileKind::Dockerfile => 'D',
            FileKind::Compose => 'C',
            FileKind::Kubernetes => 'K',
        }
    }
}

/// `Dockerfile.<ext>` names that are documentation, templates, images, backups or patches about a
/// Dockerfile, not one: `Dockerfile.md`, `Dockerfile.j2`, `Dockerfile.orig`…
pub const NOT_DOCKERFILE_EXTENSIONS: &[&str] = &[
    "md", "markdown", "txt", "rst", "adoc", "png", "jpg", "svg", "pdf", "j2", "jinja", "tmpl",
    "tpl", "template", "erb", "mustache", "orig", "bak", "swp", "patch", "diff", "lock", "sum",
];

/// The kind a file name implies: Dockerfiles (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `*.dockerfile`,
/// `Dockerfile.*`, `Containerfile.*` but not those of [`NOT_DOCKERFILE_EXTENSIONS`], never `*.dockerignore`) and Compose files (`compose.y(a)ml`,
/// `compose.*.y(a)ml`, `docker-compose.y(a)ml`, `docker-compose.*.y(a)ml`, `*.compose.y(a)ml`). Kubernetes
/// manifests have no naming convention: their content decides.
pub fn kind_from_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return None;
    }
    let suffixed = (lower.starts_with("dockerfile.") || lower.starts_with("containerfile."))
        && !lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| NOT_DOCKERFILE_EXTENSIONS.contains(&ext));
    let dockerfile = lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || suffixed;
    if dockerfile {
        return Some(FileKind::Dockerfile);
    }
    let stem = lower
        .strip_suffix(".yml")
        .or_else(|| lower.strip_suffix(".yaml"))?;
    let compose = stem == "compose"
        || stem == "docker-compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose.")
        || stem.ends_with(".compose");
    compose.then_some(FileKind::Compose)
}

/// Whether a name says YAML (`*.yml`, `*.yaml`): such files are read when their content is a manifest.
pub fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"))
}

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
    let mut scalars: Vec<(crate::TextRange, bool)> = yaml
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

    fn yaml_kind_of(name: &str, text: &str) -> Option<FileKind> {
        crate::lint::detect(Some(Path::new(name)), text)
    }

    #[test]
    fn names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "api.Dockerfile",
            "x.dockerfile",
            "Dockerfile.dev",
            "Containerfile.ci",
        ] {
            assert_eq!(
                kind_from_name(Path::new(yes)),
                Some(FileKind::Dockerfile),
                "{yes}"
            );
        }
        for yes in [
            "compose.yaml",
            "compose.yml",
            "compose.prod.yaml",
            "docker-compose.yml",
            "docker-compose.override.yml",
            "web.compose.yaml",
        ] {
            assert_eq!(
                kind_from_name(Path::new(yes)),
                Some(FileKind::Compose),
                "{yes}"
            );
        }
        for no in [
            "Dockerfile.dockerignore",
            "x.dockerignore",
            "README.md",
            "dockerfiles",
            "values.yaml",
            "composer.yaml",
            "Dockerfile.md",
            "Dockerfile.j2",
            "Containerfile.orig",
            "Dockerfile.prod.bak",
            "dockerfile.TMPL",
        ] {
            assert_eq!(kind_from_name(Path::new(no)), None, "{no}");
        }
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
        let found = crate::lint(helm, FileKind::Kubernetes);
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
