//! The one entry point both faces share: text in, findings out. Never fails, never panics on input.

use crate::model::dockerfile::Dockerfile;
use crate::rules::{DockerfileContext, RuleId};
use crate::{Diagnostic, FileKind};

/// Parse and lint `source` as `kind`.
pub fn lint(source: &str, kind: FileKind) -> Vec<Diagnostic> {
    let tree = match kind {
        FileKind::Dockerfile => crate::syntax::dockerfile::parse(source, None),
    };
    lint_parsed(source, kind, tree.as_ref())
}

/// Lint `source` with a tree already parsed (incrementally, in the server).
pub fn lint_parsed(
    source: &str,
    kind: FileKind,
    tree: Option<&tree_sitter::Tree>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    match kind {
        FileKind::Dockerfile => {
            let file = Dockerfile::parse(source);
            let cx = DockerfileContext {
                source,
                file: &file,
                tree,
            };
            for rule in RuleId::ALL {
                if rule.meta().kinds.contains(&kind) {
                    (rule.dockerfile_check())(&cx, &mut out);
                }
            }
        }
    }
    out.sort_by_key(|d| (d.range.start, d.rule));
    out
}
