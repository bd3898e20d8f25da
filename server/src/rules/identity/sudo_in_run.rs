use crate::rules::diagnostic::Diagnostic;
use crate::rules::{InstructionContext, RuleId, declare_rule};

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

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for command in script.commands.iter().filter(|c| c.is(&["sudo"])) {
            let range = command.name.as_ref().map_or(command.range, |n| n.range);
            out.push(Diagnostic::new(
                RuleId::SudoInRun,
                range,
                "`sudo` in a `RUN`: run the step before switching `USER` instead of shipping sudo",
            ));
        }
    }
}
