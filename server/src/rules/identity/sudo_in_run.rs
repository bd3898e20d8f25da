use crate::Diagnostic;
use crate::model::dockerfile::Keyword;
use crate::rules::support::command_words;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `sudo` run as a command in a `RUN` instruction (shell form, heredoc body or exec form).
    ///
    /// ## Why it matters
    /// `sudo` in an image means the image carries a setuid binary and a sudoers policy that lets its user
    /// become root again: the non-root `USER` is no longer a boundary. Build steps that need root should run
    /// before `USER` switches away from it.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    /// Silent when `sudo` is only a word, such as a package name in `apt-get install sudo`.
    ///
    /// ## Fix
    /// None: move the step before the `USER` instruction.
    ///
    /// ## References
    /// - hadolint DL3004; CIS Docker Benchmark 4.1
    /// - CWE-250: Execution with Unnecessary Privileges
    name: "sudo-in-run",
    severity: Warning,
    fix: None,
    summary: "sudo runs in a RUN instruction",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Run)
    {
        let message =
            "`sudo` in a `RUN`: run the step before switching `USER` instead of shipping sudo";
        if let Some(argv) = instruction.exec_form() {
            if argv.first().is_some_and(|a| a == "sudo") {
                out.push(Diagnostic::new(
                    RuleId::SudoInRun,
                    instruction.range,
                    message,
                ));
            }
            continue;
        }
        // Commands start after the `--mount=…` style flags.
        let from = instruction
            .operands()
            .first()
            .map_or(0, |w| w.logical_start);
        let text = instruction.logical.text.get(from..).unwrap_or("");
        for (at, word) in command_words(text) {
            if word == "sudo" {
                let range = instruction.logical.source_range(from + at, from + at + 4);
                out.push(Diagnostic::new(RuleId::SudoInRun, range, message));
            }
        }
        for heredoc in &instruction.heredocs {
            let body = heredoc.body.slice(cx.source);
            for (at, word) in command_words(body) {
                if word == "sudo" {
                    let start = heredoc.body.start + at;
                    out.push(Diagnostic::new(
                        RuleId::SudoInRun,
                        crate::TextRange::new(start, start + 4),
                        message,
                    ));
                }
            }
        }
    }
}
