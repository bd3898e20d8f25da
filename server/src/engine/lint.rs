//! The one entry point both faces share: text in, findings out, for any kind of file (each kind's pipeline
//! is `dockerfile.rs` or the YAML stream). Never fails, never panics on input.

use std::path::Path;

use crate::document::{FileKind, Skip, is_yaml_name, kind_from_name};
use crate::engine::dockerfile;
use crate::engine::kept_dockerfile::KeptDockerfile;
use crate::engine::surroundings::Surroundings;
use crate::engine::yaml_stream::{Mode, YamlStream};
use crate::model::detect::kind_from_content;
use crate::rules::settings::Settings;
use crate::rules::workspace::Summary;
use crate::rules::{Diagnostic, FileSource};

/// Parse and lint `source` as `kind`, alone and with the default settings.
pub fn lint(source: &str, kind: FileKind) -> Vec<Diagnostic> {
    lint_in(source, kind, &Surroundings::none())
}

/// Lint `source` as `kind` with its surroundings: the settings that apply to it, the namespaces the rest of
/// the workspace default-denies (for workspace rules) and the files beside it (a Compose service's
/// Dockerfile).
pub fn lint_in(source: &str, kind: FileKind, around: &Surroundings) -> Vec<Diagnostic> {
    match kind {
        FileKind::Dockerfile => dockerfile::lint(source, around),
        _ => YamlStream::once()
            .update_in(source, Mode::Force(kind), around)
            .1
            .to_vec(),
    }
}

/// [`lint_in`] for a file linted again and again as it changes a little (a fix-all pass re-lints after every
/// round and every attempt): a YAML stream, or what is kept of a Dockerfile, is kept between calls, so each
/// re-reads only the documents or instructions that changed.
pub fn relinter<'a>(
    kind: FileKind,
    around: Surroundings<'a>,
) -> impl Fn(&str) -> Vec<Diagnostic> + 'a {
    let stream = std::cell::RefCell::new(YamlStream::default());
    let kept = std::cell::RefCell::new(KeptDockerfile::default());
    move |source: &str| match kind {
        FileKind::Dockerfile => {
            dockerfile::lint_dockerfile(source, None, &mut kept.borrow_mut(), &around)
        }
        _ => stream
            .borrow_mut()
            .update_in(source, Mode::Force(kind), &around)
            .1
            .to_vec(),
    }
}

/// What a Kubernetes file tells the workspace rules (nothing, for a Kustomize patch among `files`).
pub fn summary_of(source: &str, files: &dyn FileSource) -> Summary {
    let mut stream = YamlStream::once();
    let around = Surroundings {
        files,
        ..Surroundings::none()
    };
    stream.update_in(source, Mode::Force(FileKind::Kubernetes), &around);
    stream.summary()
}

/// Cut `bytes` to at most `limit` (at a UTF-8 boundary, when the text is UTF-8); whether it was longer.
pub fn cut_to_limit(bytes: &mut Vec<u8>, limit: u64) -> bool {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if bytes.len() <= limit {
        return false;
    }
    bytes.truncate(limit);
    // A character the cut went through is left out, not decoded as U+FFFD.
    if let Err(e) = std::str::from_utf8(bytes) {
        if e.error_len().is_none() {
            bytes.truncate(e.valid_up_to());
        }
    }
    true
}

/// The text of a document as it is linted (`text`, or its first `max-file-size` bytes) and the skips that
/// go with it.
pub fn within_limit<'a>(
    text: &'a str,
    settings: &Settings,
    skips: &[Skip],
) -> (&'a str, Vec<Skip>) {
    let mut skips = skips.to_vec();
    let limit = usize::try_from(settings.max_file_size).unwrap_or(usize::MAX);
    if text.len() <= limit {
        return (text, skips);
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    skips.push(Skip::TooLarge);
    (&text[..end], skips)
}

/// Why the file at `path` (with bytes that were, or were not, `valid_utf8`) is not linted in full.
pub fn skips(path: Option<&Path>, valid_utf8: bool) -> Vec<Skip> {
    let mut skips = Vec::new();
    if path.is_some_and(crate::engine::disk::is_chart_template) {
        skips.push(Skip::HelmTemplate);
    }
    if !valid_utf8 {
        skips.push(Skip::NotUtf8);
    }
    skips
}

/// What a file is, from its name and then its content: `None` for files dockwarden does not read (any YAML
/// that is neither Compose nor Kubernetes, other text). A Helm chart's template is a Kubernetes file that is
/// not read (see [`skips`]).
pub fn detect(name: Option<&Path>, source: &str) -> Option<FileKind> {
    if name.is_some_and(crate::engine::disk::is_chart_template) {
        return Some(FileKind::Kubernetes);
    }
    let by_name = name.and_then(kind_from_name);
    if by_name == Some(FileKind::Dockerfile) {
        return by_name;
    }
    let yaml_named = by_name.is_some() || name.is_some_and(is_yaml_name);
    if !yaml_named {
        if let Some(kind) = kind_from_content(source) {
            return Some(kind);
        }
    }
    YamlStream::default()
        .update(source, Mode::Detect(by_name))
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_never_splits_a_character() {
        let mut bytes = "ab€cd".as_bytes().to_vec();
        // `€` is bytes 2..5: a limit of 3 or 4 falls inside it, which is left out whole.
        assert!(cut_to_limit(&mut bytes, 4));
        assert_eq!(bytes, b"ab");
        let mut bytes = b"abc".to_vec();
        assert!(!cut_to_limit(&mut bytes, 3));
        assert_eq!(bytes, b"abc");
        let settings = Settings {
            max_file_size: 3,
            ..Settings::default()
        };
        let (text, skips) = within_limit("a€b", &settings, &[]);
        assert_eq!((text, skips.as_slice()), ("a", &[Skip::TooLarge][..]));
        let (text, skips) = within_limit("abc", &settings, &[]);
        assert_eq!((text, skips.len()), ("abc", 0));
    }
}
