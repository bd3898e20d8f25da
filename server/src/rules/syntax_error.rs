use crate::Diagnostic;
use crate::model::dockerfile::Keyword;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports text Docker cannot build: an unknown instruction, an instruction without arguments, a heredoc
    /// that is never terminated.
    ///
    /// ## Why it matters
    /// The build fails at this line. Every other rule still runs on the rest of the file, so the findings stay
    /// useful while the file is being typed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RNU pip install flask
    /// ```
    ///
    /// ## Fix
    /// None: the intent of a broken line cannot be guessed.
    ///
    /// ## References
    /// - Dockerfile reference: <https://docs.docker.com/reference/dockerfile/>
    name: "syntax-error",
    severity: Error,
    fix: None,
    summary: "the file is not a valid Dockerfile here",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    // The grammar nominates the text it cannot read; the model confirms it is not one of the places where the
    // grammar is stricter than Docker (see `syntax/dockerfile.rs`).
    if let Some(tree) = cx.tree {
        for error in crate::syntax::dockerfile::top_level_errors(tree, cx.source) {
            let unknown = cx.file.instructions.iter().find(|i| {
                i.keyword == Keyword::Unknown
                    && i.range.start < error.end.max(error.start + 1)
                    && error.start < i.range.end
            });
            if let Some(instruction) = unknown {
                let already = out.iter().any(|d| d.range == instruction.keyword_range);
                if !already {
                    let word = instruction.keyword_range.slice(cx.source);
                    out.push(Diagnostic::new(
                        RuleId::SyntaxError,
                        instruction.keyword_range,
                        format!("unknown instruction `{word}`"),
                    ));
                }
            }
        }
    }
    for instruction in &cx.file.instructions {
        if instruction.keyword != Keyword::Unknown
            && instruction.words.is_empty()
            && instruction.heredocs.is_empty()
        {
            let word = instruction
                .keyword_range
                .slice(cx.source)
                .to_ascii_uppercase();
            out.push(Diagnostic::new(
                RuleId::SyntaxError,
                instruction.keyword_range,
                format!("`{word}` needs at least one argument"),
            ));
        }
        for heredoc in instruction.heredocs.iter().filter(|h| !h.terminated) {
            out.push(Diagnostic::new(
                RuleId::SyntaxError,
                instruction.keyword_range,
                format!(
                    "heredoc `{}` is never terminated: add a line `{}`",
                    heredoc.name, heredoc.name
                ),
            ));
        }
    }
}
