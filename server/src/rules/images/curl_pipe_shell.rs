use crate::model::shell::Script;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{downloads_to_stdout, runs_stdin, unwrapped};
use crate::rules::{InstructionContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that feeds a download straight to a shell or an interpreter: `curl … | sh`,
    /// `wget -qO- … | sudo bash`, `curl … | python3 -`, and the substitution forms `sh -c "$(curl …)"`,
    /// `bash <(curl …)`.
    ///
    /// ## Why it matters
    /// The build runs whatever the server returns that day, as root, unverified: a compromised server, a
    /// hijacked domain or a truncated download becomes code in the image. Nothing records what ran.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    /// Silent when the download goes to a file (`curl -o install.sh`, `wget https://…`) that is checked and
    /// run afterwards.
    ///
    /// ## Fix
    /// None: download to a file, verify its checksum or signature (`sha256sum -c`), then run it; or use the
    /// project's package.
    ///
    /// ## References
    /// - hadolint DL4006 area; Trivy DS-0026 area
    /// - CWE-494: Download of Code Without Integrity Check
    name: "curl-pipe-shell",
    severity: Warning,
    fix: None,
    summary: "a download is piped to a shell or interpreter",
}

const MESSAGE: &str = "downloaded content runs unverified: download to a file, check its checksum or signature, then run it";

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for pipeline in &script.pipelines {
            let commands: Vec<_> = pipeline
                .commands
                .iter()
                .filter_map(|&i| script.command(i))
                .collect();
            let download = commands
                .iter()
                .position(|c| downloads_to_stdout(&unwrapped(c)));
            let runs = download.is_some_and(|d| commands[d + 1..].iter().any(|c| runs_stdin(c)));
            if runs {
                out.push(Diagnostic::new(
                    RuleId::CurlPipeShell,
                    pipeline.range,
                    MESSAGE,
                ));
            }
        }
        substitutions(&script, out);
    }
}

/// `sh -c "$(curl …)"`, `bash <(curl …)`: a shell whose arguments download what it runs.
fn substitutions(script: &Script, out: &mut Vec<Diagnostic>) {
    for shell in &script.commands {
        if !unwrapped(&shell).is(&crate::model::shell::SHELLS) {
            continue;
        }
        let downloads_inside = script.commands.iter().any(|inner| {
            inner.range != shell.range
                && shell.range.start <= inner.range.start
                && inner.range.end <= shell.range.end
                && downloads_to_stdout(&unwrapped(&inner))
        });
        if downloads_inside {
            out.push(Diagnostic::new(RuleId::CurlPipeShell, shell.range, MESSAGE));
        }
    }
}
