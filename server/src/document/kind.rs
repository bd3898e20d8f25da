//! File-kind detection. A name decides when it can; content decides for files named on the command line or
//! opened in an editor under another name.

use serde::Serialize;

/// The file kinds dockwarden reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Dockerfile,
}

/// The kind a file name implies: `Dockerfile`, `Containerfile`, `*.Dockerfile`, `*.dockerfile`,
/// `Dockerfile.*`, `Containerfile.*` — but never `*.dockerignore` (`Dockerfile.dockerignore` is an ignore file).
pub fn kind_from_name(path: &std::path::Path) -> Option<FileKind> {
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
    dockerfile.then_some(FileKind::Dockerfile)
}

/// The kind content implies: a Dockerfile starts (after blank lines and comments) with `FROM` or `ARG`, or with
/// a parser directive such as `# syntax=`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
        for no in [
            "Dockerfile.dockerignore",
            "x.dockerignore",
            "README.md",
            "dockerfiles",
            "compose.yaml",
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
}
