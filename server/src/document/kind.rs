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

/// The kind a file name implies: Dockerfiles (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `*.dockerfile`,
/// `Dockerfile.*`, `Containerfile.*`, never `*.dockerignore`) and Compose files (`compose.y(a)ml`,
/// `compose.*.y(a)ml`, `docker-compose.y(a)ml`, `docker-compose.*.y(a)ml`, `*.compose.y(a)ml`). Kubernetes
/// manifests have no naming convention: their content decides.
pub fn kind_from_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".dockerignore") {
        return None;
    }
    let dockerfile = lower == "dockerfile"
        || lower == "containerfile"
        || lower.ends_with(".dockerfile")
        || lower.starts_with("dockerfile.")
        || lower.starts_with("containerfile.");
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
/// `FROM` or `ARG`, or with a parser directive such as `# syntax=`.
pub fn kind_from_content(text: &str) -> Option<FileKind> {
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

/// A Helm template has `{{ … }}` actions where YAML structure goes: a line that starts with `{{`, or a value
/// or item that does. Inside quoted strings and block scalars (PrometheusRule and Alertmanager templates)
/// `{{` is just text.
pub fn is_helm_template(text: &str, yaml: &Yaml) -> bool {
    if !text.contains("{{") {
        return false;
    }
    let block_scalars: Vec<crate::TextRange> = yaml
        .nodes
        .iter()
        .filter(|n| matches!(n.value, Value::Scalar(_, ScalarStyle::Block)))
        .map(|n| n.range)
        .collect();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let at = offset + (line.len() - trimmed.len());
        offset += line.len();
        let action = trimmed.starts_with("{{")
            || trimmed.contains(": {{")
            || trimmed.starts_with("- {{")
            || trimmed.contains(":{{");
        if action && !block_scalars.iter().any(|r| r.start <= at && at < r.end) {
            return true;
        }
    }
    false
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
        let helm =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x\" . }}\n";
        assert_eq!(yaml_kind_of("deployment.yaml", helm), None);
        let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  a: \"{{ $labels.pod }}\"\n  b: |\n    {{ range . }}\n";
        assert_eq!(yaml_kind_of("rule.yaml", rule), Some(FileKind::Kubernetes));
    }
}
