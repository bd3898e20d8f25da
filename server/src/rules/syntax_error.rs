use crate::model::dockerfile::Keyword;
use crate::model::yaml::Yaml;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports text that cannot be read: in a Dockerfile, what Docker cannot build (an unknown instruction, an
    /// instruction without arguments, a heredoc that is never terminated); in YAML, what is not YAML, and
    /// input dockwarden refuses to analyse in full (nesting deeper than it reads, aliases that would expand
    /// into a "billion laughs").
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
    summary: "the file cannot be read here",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    // The grammar nominates the text it cannot read; the model confirms it is not one of the places where the
    // grammar is stricter than Docker (see `syntax/dockerfile.rs`).
    // The instructions are in text order: each error finds its own by binary search (a file of unknown
    // instructions has as many errors as lines); each is reported once.
    let instructions = &cx.file.instructions;
    let mut reported = std::collections::HashSet::new();
    for &error in cx.grammar_errors {
        let first = instructions.partition_point(|i| i.range.end <= error.start);
        let overlapping = instructions[first..]
            .iter()
            .enumerate()
            .take_while(|(_, i)| i.range.start < error.end.max(error.start + 1));
        let unknown = overlapping
            .filter(|(_, i)| i.keyword == Keyword::Unknown)
            .map(|(k, i)| (first + k, i))
            .next();
        if let Some((index, instruction)) = unknown {
            if reported.insert(index) {
                let word = instruction.keyword_range.slice(cx.source);
                out.push(Diagnostic::new(
                    RuleId::SyntaxError,
                    instruction.keyword_range,
                    format!("unknown instruction `{word}`"),
                ));
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

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    yaml_errors(cx.yaml, out);
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    yaml_errors(cx.yaml, out);
}

/// What the view could not read, then where the grammar could not (its first few places).
fn yaml_errors(yaml: &Yaml, out: &mut Vec<Diagnostic>) {
    for problem in yaml.problems.iter().chain(&yaml.grammar_errors) {
        out.push(Diagnostic::new(
            RuleId::SyntaxError,
            problem.range,
            problem.message.clone(),
        ));
    }
}
