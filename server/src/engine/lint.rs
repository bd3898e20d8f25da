//! The one entry point both faces share: text in, findings out. Never fails, never panics on input.

use std::path::Path;

use crate::Diagnostic;
use crate::document::{FileKind, Skip, is_yaml_name, kind_from_name};
use crate::engine::compose_stack::Stack;
use crate::engine::yaml_stream::{Mode, Surroundings, YamlStream};
use crate::model::compose::Compose;
use crate::model::detect::kind_from_content;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::model::kubernetes::Kubernetes;
use crate::model::shell::Scripts;
use crate::model::yaml::Yaml;
use crate::rules::settings::Settings;
use crate::rules::skipped_file;
use crate::rules::workspace::Summary;
use crate::rules::{
    ComposeContext, DockerfileContext, FileSource, KubernetesContext, NoFiles, RuleId,
};
use crate::syntax::Language;

/// Parse and lint `source` as `kind`, alone and with the default settings.
pub fn lint(source: &str, kind: FileKind) -> Vec<Diagnostic> {
    lint_in(source, kind, &Surroundings::none())
}

/// Lint `source` as `kind` with its surroundings: the settings that apply to it, the namespaces the rest of
/// the workspace default-denies (for workspace rules) and the files beside it (a Compose service's
/// Dockerfile).
pub fn lint_in(source: &str, kind: FileKind, around: &Surroundings) -> Vec<Diagnostic> {
    match kind {
        FileKind::Dockerfile => {
            let file = Dockerfile::parse(source);
            // The grammar's errors count only where the model read an unknown instruction (see
            // `syntax-error`): a file without one is not parsed again, a large one only in the parts that
            // hold one, side by side (its whole tree would take four times the file).
            let unknown: Vec<crate::TextRange> = file
                .instructions
                .iter()
                .filter(|i| i.keyword == Keyword::Unknown)
                .map(|i| i.range)
                .collect();
            let errors = if unknown.is_empty() {
                Vec::new()
            } else if source.len() >= PARALLEL_FROM {
                let starts = file.instructions.iter().map(|i| i.range.start);
                // (a part is needed when an unknown instruction starts in it, or right at its end)
                let needed = |start: usize, end: usize| {
                    let first = unknown.partition_point(|u| u.end <= start);
                    unknown.get(first).is_some_and(|u| u.start <= end)
                };
                crate::syntax::dockerfile_parts::errors_in_parts(
                    source,
                    starts,
                    GRAMMAR_PART,
                    &needed,
                )
            } else {
                let tree = crate::syntax::parse(Language::Dockerfile, source, None);
                grammar_errors(tree.as_ref(), source)
            };
            lint_parsed(
                source,
                &file,
                &errors,
                around.files,
                around.settings,
                around.skips,
            )
        }
        _ => {
            YamlStream::once()
                .update_in(source, Mode::Force(kind), around)
                .1
        }
    }
}

/// [`lint_in`] for a file linted again and again as it changes a little (a fix-all pass re-lints after every
/// round and every attempt): a YAML stream is kept between calls, so each re-reads only the documents
/// that changed.
pub fn relinter<'a>(
    kind: FileKind,
    around: Surroundings<'a>,
) -> impl Fn(&str) -> Vec<Diagnostic> + 'a {
    let stream = std::cell::RefCell::new(YamlStream::default());
    move |source: &str| match kind {
        FileKind::Dockerfile => lint_in(source, kind, &around),
        _ => {
            stream
                .borrow_mut()
                .update_in(source, Mode::Force(kind), &around)
                .1
        }
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

/// The text a Dockerfile's `tree` (parsed incrementally, in the server) could not read as any instruction,
/// as [`lint_dockerfile`] takes it.
pub fn grammar_errors(tree: Option<&tree_sitter::Tree>, source: &str) -> Vec<crate::TextRange> {
    tree.map(|tree| crate::syntax::dockerfile::top_level_errors(tree, source))
        .unwrap_or_default()
}

/// Lint a Dockerfile with its [`grammar_errors`], the files around it and the settings that apply to it;
/// suppressions and settings are applied to what the rules find, and to the `skipped-file` findings for
/// `skips`.
pub fn lint_dockerfile(
    source: &str,
    grammar_errors: &[crate::TextRange],
    files: &dyn FileSource,
    settings: &Settings,
    skips: &[Skip],
) -> Vec<Diagnostic> {
    let file = Dockerfile::parse(source);
    lint_parsed(source, &file, grammar_errors, files, settings, skips)
}

/// [`lint_dockerfile`] with the model already read.
fn lint_parsed(
    source: &str,
    file: &Dockerfile,
    grammar_errors: &[crate::TextRange],
    files: &dyn FileSource,
    settings: &Settings,
    skips: &[Skip],
) -> Vec<Diagnostic> {
    // A file cut at `max-file-size` is read without its shell scripts or the files around it.
    let large = skips.contains(&Skip::TooLarge);
    let scripts = if large {
        Scripts::default()
    } else {
        Scripts::read(source, file)
    };
    let files: &dyn FileSource = if large { &NoFiles } else { files };
    let cx = DockerfileContext {
        source,
        file,
        scripts: &scripts,
        files,
        builder: std::sync::OnceLock::new(),
        deployments: std::sync::OnceLock::new(),
        grammar_errors,
        settings,
    };
    let mut out: Vec<Diagnostic> = skips
        .iter()
        .map(|s| skipped_file::finding(*s, skipped_file::first_line(source, 0)))
        .collect();
    out.extend(run_rules(
        source,
        settings,
        |rule| rule.checks().dockerfile,
        &cx,
    ));
    in_images_built_from_this_one(file, &mut out);
    crate::engine::suppress::apply_dockerfile(
        source,
        file,
        settings,
        crate::rules::diagnostic::finish(out),
    )
}

/// A finding inside an `ONBUILD` trigger is about the images built `FROM` this one: the message says so.
fn in_images_built_from_this_one(file: &Dockerfile, out: &mut [Diagnostic]) {
    let triggers: Vec<crate::TextRange> = file
        .instructions
        .iter()
        .filter(|i| !i.in_this_image())
        .map(|i| i.range)
        .collect();
    if triggers.is_empty() {
        return;
    }
    for d in out {
        if triggers
            .iter()
            .any(|r| r.start <= d.range.start && d.range.start < r.end)
        {
            d.message.push_str(" (in images built FROM this one)");
        }
    }
}

/// What the rules find in a YAML stream already read into `yaml` as `kind` (Compose or Kubernetes), before
/// suppressions and settings are applied to the whole file.
pub fn lint_yaml(
    source: &str,
    kind: FileKind,
    yaml: &Yaml,
    files: &dyn FileSource,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let out = match kind {
        // A file of a Compose stack (with its override, or listed in `COMPOSE_FILE`) is linted as the
        // merged project, and keeps the findings whose place is in it.
        FileKind::Compose => match Stack::find(source, yaml, files) {
            Some(stack) => {
                let merged = &stack.layered;
                let found = lint_compose(&merged.text, &merged.yaml, files, settings);
                stack.own_findings(found)
            }
            None => lint_compose(source, yaml, files, settings),
        },
        FileKind::Kubernetes => {
            let k8s = Kubernetes::read(yaml);
            let cx = KubernetesContext {
                source,
                yaml,
                k8s: &k8s,
                settings,
            };
            run_rules(source, settings, |rule| rule.checks().kubernetes, &cx)
        }
        // (no YAML is read as a Dockerfile; were it, it would be linted as one)
        FileKind::Dockerfile => {
            let around = Surroundings {
                files,
                settings,
                ..Surroundings::none()
            };
            return lint_in(source, kind, &around);
        }
    };
    crate::rules::diagnostic::finish(out)
}

/// Text at least this long is worked on by all cores (its rules, its `RUN` scripts, its documents): below
/// it the work takes well under a millisecond (a keystroke), less than handing it to other threads costs.
pub(crate) const PARALLEL_FROM: usize = 256 * 1024;

/// The size of the parts a large Dockerfile's grammar errors are found in.
const GRAMMAR_PART: usize = 256 * 1024;

/// The findings of the rules `settings` enable, each rule's `check` (when it has one for this kind) on `cx`,
/// in rule order whether they ran one after another or side by side.
fn run_rules<C: Sync>(
    source: &str,
    settings: &Settings,
    check: impl Fn(RuleId) -> Option<fn(&C, &mut Vec<Diagnostic>)> + Sync,
    cx: &C,
) -> Vec<Diagnostic> {
    let checks: Vec<fn(&C, &mut Vec<Diagnostic>)> = RuleId::ALL
        .iter()
        .filter(|r| settings.enabled(**r))
        .filter_map(|r| check(*r))
        .collect();
    let run = |check: &fn(&C, &mut Vec<Diagnostic>)| {
        let mut found = Vec::new();
        check(cx, &mut found);
        found
    };
    if source.len() < PARALLEL_FROM {
        return checks.iter().flat_map(run).collect();
    }
    use rayon::prelude::*;
    let found: Vec<Vec<Diagnostic>> = checks.par_iter().map(run).collect();
    found.into_iter().flatten().collect()
}

/// What the Compose rules find in one Compose file, or in the merged view of a stack.
fn lint_compose(
    source: &str,
    yaml: &Yaml,
    files: &dyn FileSource,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let compose = Compose::read(yaml);
    let cx = ComposeContext {
        source,
        yaml,
        compose: &compose,
        files,
        settings,
    };
    let out = run_rules(source, settings, |rule| rule.checks().compose, &cx);
    crate::engine::merge_keys::fold(source, yaml, &compose, out)
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
