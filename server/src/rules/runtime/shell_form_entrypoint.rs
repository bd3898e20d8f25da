use crate::edit::fix::{Edit, Fix};
use crate::model::dockerfile::{Instruction, Keyword};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `CMD` or `ENTRYPOINT` in shell form (`CMD python app.py`) in the final stage.
    ///
    /// ## Why it matters
    /// Shell form runs `/bin/sh -c "…"`: the shell is PID 1 and does not forward `SIGTERM`, so the
    /// application is killed after the grace period instead of shutting down cleanly (lost requests, corrupt
    /// writes). Exec form (`CMD ["python", "app.py"]`) makes the application PID 1.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD python app.py
    /// ```
    ///
    /// ## Fix
    /// Unsafe: rewrite to exec form, offered when the command is plain words (no quotes, variables,
    /// pipes or other shell syntax). Shell expansion stops, and a `CMD` beside an exec-form `ENTRYPOINT`
    /// becomes its arguments.
    ///
    /// ## References
    /// - hadolint DL3025; Dockerfile reference: "Shell and exec form"
    name: "shell-form-entrypoint",
    severity: Info,
    fix: Unsafe,
    summary: "CMD or ENTRYPOINT in shell form: signals do not reach the app",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let Some((index, _)) = cx.file.final_stage() else {
        return;
    };
    for instruction in cx.file.stage_body(index) {
        if !matches!(instruction.keyword, Keyword::Cmd | Keyword::Entrypoint)
            || !instruction.in_this_image()
            || instruction.exec_form().is_some()
        {
            continue;
        }
        if instruction.words.is_empty() {
            continue;
        }
        let keyword = instruction
            .keyword_range
            .slice(cx.source)
            .to_ascii_uppercase();
        let diagnostic = Diagnostic::new(
            RuleId::ShellFormEntrypoint,
            instruction.keyword_range,
            format!(
                "shell-form `{keyword}` runs under `/bin/sh -c`, which does not forward signals to the app"
            ),
        );
        out.push(diagnostic.with_fixes(exec_form_fix(instruction)));
    }
}

/// Characters that make a command shell syntax rather than plain words.
const SHELL_SYNTAX: &[char] = &[
    '$', '`', '"', '\'', '\\', '|', '&', ';', '<', '>', '(', ')', '*', '?', '[', ']', '{', '}',
    '~', '#', '!',
];

fn exec_form_fix(instruction: &Instruction) -> Option<Fix> {
    let words = instruction.operands();
    let (first, last) = (words.first()?, words.last()?);
    if instruction.words.len() != words.len()
        || words
            .iter()
            .any(|w| w.raw(&instruction.logical).contains(SHELL_SYNTAX))
    {
        return None;
    }
    let json =
        serde_json::to_string(&words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>()).ok()?;
    let json = json.replace("\",\"", "\", \"");
    let range = crate::document::TextRange::new(first.range.start, last.range.end);
    Some(
        Fix::unsafe_(
            format!("Use exec form: {json}"),
            vec![Edit::replace(range, json)],
        )
        .preferred(true),
    )
}
