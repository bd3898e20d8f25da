//! The file kinds and what a file's name says of its kind (its content decides where the name does not:
//! `model::detect`).

use std::path::Path;

use serde::Serialize;

/// The file kinds dockwarden reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Dockerfile,
    Compose,
    Kubernetes,
}

impl FileKind {
    /// The one-letter code of the rule catalog.
    pub fn letter(self) -> char {
        match self {
            FileKind::Dockerfile => 'D',
            FileKind::Compose => 'C',
            FileKind::Kubernetes => 'K',
        }
    }
}

/// The names of a kustomization, in the order `kustomize` looks for them.
pub const KUSTOMIZATIONS: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
