//! A Dockerfile's pipeline: the model, the grammar's errors where the model read an unknown instruction,
//! the rules, then suppressions and settings.

use crate::document::{Skip, TextRange};
use crate::engine::kept_dockerfile::KeptDockerfile;
use crate::engine::run_rules::{PARALLEL_FROM, run_rules};
use crate::engine::surroundings::Surroundings;
use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::model::shell::Scripts;
use crate::rules::skipped_file;
use crate::rules::{Diagnostic, DockerfileContext, FileSource, NoFiles};
use crate::syntax::Language;
use crate::syntax::dockerfile::top_level_errors_near;
use crate::syntax::dockerfile_parts::errors_in_parts;
use crate::syntax::kept_tree::KeptTree;

/// The size of the parts a large Dockerfile's grammar errors are found in.
const GRAMMAR_PART: usize = 256 * 1024;

/// Lint a Dockerfile with its surroundings, from its text.
pub fn lint(source: &str, around: &Surroundings) -> Vec<Diagnostic> {
    // (linted once: nothing is kept for a next time, the text is not copied)
    let file = Dockerfile::parse(source);
    let errors = grammar_errors(source, &file, None);
    lint_parsed(
        source,
        &file,
        &errors,
        &mut KeptDockerfile::default(),
        around,
    )
}

/// Lint a Dockerfile with its `tree` when one is kept (the server's, read only when needed), what is kept of
/// its last lint (`kept`, brought up to date), and its surroundings: the files around it and the settings
/// that apply to it; suppressions and settings are applied to what the rules find, and to the
/// `skipped-file` findings for the surroundings' skips.
pub fn lint_dockerfile(
    source: &str,
    tree: Option<&mut KeptTree>,
    kept: &mut KeptDockerfile,
    around: &Surroundings,
) -> Vec<Diagnostic> {
    let file = kept.model(source);
    let errors = grammar_errors(source, &file, tree);
    let found = lint_parsed(source, &file, &errors, kept, around);
    kept.keep(source, file);
    found
}

/// Lint a Dockerfile with grammar errors found elsewhere (the tests compare the ways of finding them).
pub fn lint_with_errors(
    source: &str,
    grammar_errors: &[TextRange],
    around: &Surroundings,
) -> Vec<Diagnostic> {
    let file = Dockerfile::parse(source);
    lint_parsed(
        source,
        &file,
        grammar_errors,
        &mut KeptDockerfile::default(),
        around,
    )
}

/// The text the grammar could not read as any instruction, where it counts: only where the model read an
/// unknown instruction (see `syntax-error`). A file without one is not parsed at all; a kept tree is
/// queried at those instructions only; a large file without a tree is parsed in the parts that hold one,
/// side by side (its whole tree would take four times the file).
fn grammar_errors(source: &str, file: &Dockerfile, tree: Option<&mut KeptTree>) -> Vec<TextRange> {
    let unknown: Vec<TextRange> = file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Unknown)
        .map(|i| i.range)
        .collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    if let Some(tree) = tree.and_then(|kept| kept.get(source)) {
        return top_level_errors_near(tree, source, &unknown);
    }
    if source.len() >= PARALLEL_FROM {
        let starts = file.instructions.iter().map(|i| i.range.start);
        // (a part is needed when an unknown instruction starts in it, or right at its end)
        let needed = |start: usize, end: usize| {
            let first = unknown.partition_point(|u| u.end <= start);
            unknown.get(first).is_some_and(|u| u.start <= end)
        };
        return errors_in_parts(source, starts, GRAMMAR_PART, &needed);
    }
    crate::syntax::parse(Language::Dockerfile, source, None)
        .map(|tree| top_level_errors_near(&tree, source, &unknown))
        .unwrap_or_default()
}

/// A Dockerfile's findings once its model is read.
fn lint_parsed(
    source: &str,
    file: &Dockerfile,
    grammar_errors: &[TextRange],
    kept: &mut KeptDockerfile,
    around: &Surroundings,
) -> Vec<Diagnostic> {
    let (settings, skips) = (around.settings, around.skips);
    // A file cut at `max-file-size` is read without its shell scripts or the files around it.
    let large = skips.contains(&Skip::TooLarge);
    let scripts = if large {
        Scripts::default()
    } else {
        kept.scripts(source, file)
    };
    let files: &dyn FileSource = if large { &NoFiles } else { around.files };
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
    out.extend(kept.instruction_findings(source, file, &scripts, settings));
    kept.keep_scripts(scripts);
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
    let triggers: Vec<TextRange> = file
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
