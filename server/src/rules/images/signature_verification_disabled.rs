use crate::document::TextRange;
use crate::edit::fix::Fix;
use crate::model::shell::{Arg, Command};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{remove_args, unwrapped};
use crate::rules::{InstructionContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports package installs that skip signature checks: `apt-get --allow-unauthenticated` or
    /// `--force-yes` (and `-o APT::Get::AllowUnauthenticated=true`), `apk --allow-untrusted`,
    /// `yum`/`dnf --nogpgcheck`, `rpm --nosignature`, and `gpgcheck=0` written by a `RUN` (a `.repo` file, a
    /// `sed` that turns the check off).
    ///
    /// ## Why it matters
    /// Package signatures are what proves a package comes from the distribution and was not altered on a
    /// mirror or on the network. Without the check, anyone on the path can put code in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --allow-untrusted /tmp/tool.apk
    /// ```
    /// Silent for the same commands with signature checks on.
    ///
    /// ## Fix
    /// Unsafe (the install may fail until the key is trusted): remove the option; import the repository's
    /// key instead. `gpgcheck=0` has no automatic fix.
    ///
    /// ## References
    /// - hadolint DL3042 area; Trivy DS-0029 area
    /// - CWE-347: Improper Verification of Cryptographic Signature
    name: "signature-verification-disabled",
    severity: Error,
    fix: Unsafe,
    summary: "package signature checks are turned off",
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for command in &script.commands {
            let unwrapped = unwrapped(&command);
            for (arg, value) in disabling_options(&unwrapped) {
                let fix = remove_args(cx.source, &command, &arg, value).map(|edit| {
                    Fix::unsafe_(format!("Remove `{}`", written(&arg, value)), vec![edit])
                        .preferred(true)
                });
                let range =
                    value.map_or(arg.range, |v| TextRange::new(arg.range.start, v.range.end));
                out.push(
                    Diagnostic::new(
                        RuleId::SignatureVerificationDisabled,
                        range,
                        format!(
                            "`{} {}` installs packages without checking their signatures",
                            unwrapped.program().unwrap_or(""),
                            written(&arg, value)
                        ),
                    )
                    .with_fixes(fix),
                );
            }
            for arg in command.args.iter().filter(|a| turns_off_gpgcheck(a.text)) {
                out.push(gpgcheck_finding(arg.range));
            }
            // `cat <<EOF > /etc/yum.repos.d/x.repo` with `gpgcheck=0` in the body.
            for body in command.redirects.iter().filter_map(|r| r.heredoc) {
                let text = body.slice(cx.source);
                for (at, _) in text.match_indices("gpgcheck=0") {
                    let start = body.start + at;
                    out.push(gpgcheck_finding(TextRange::new(
                        start,
                        start + "gpgcheck=0".len(),
                    )));
                }
            }
        }
    }
}

/// The options of a package command that disable signature checks, each with its separate value word
/// (`-o APT::Get::AllowUnauthenticated=true`).
fn disabling_options<'a>(command: &Command<'a>) -> Vec<(Arg<'a>, Option<Arg<'a>>)> {
    let options: &[&str] = match command.program() {
        Some("apt-get" | "apt" | "aptitude") => &["--allow-unauthenticated", "--force-yes"],
        Some("apk") => &["--allow-untrusted"],
        Some("yum" | "dnf" | "microdnf" | "tdnf") => &["--nogpgcheck"],
        Some("rpm") => &["--nosignature"],
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for (i, arg) in command.args.iter().enumerate() {
        if options.contains(&arg.text) {
            out.push((arg, None));
        } else if arg.text == "-o" {
            let value = command.args.get(i + 1).filter(|v| {
                v.text
                    .to_ascii_lowercase()
                    .ends_with("apt::get::allowunauthenticated=true")
            });
            if let Some(value) = value {
                out.push((arg, Some(value)));
            }
        }
    }
    out
}

fn written(arg: &Arg, value: Option<Arg>) -> String {
    match value {
        Some(value) => format!("{} {}", arg.text, value.text),
        None => arg.text.to_string(),
    }
}

/// `gpgcheck=0` as written into a repository file, or a `sed` expression that sets it.
fn turns_off_gpgcheck(text: &str) -> bool {
    text.contains("gpgcheck=0")
}

fn gpgcheck_finding(range: TextRange) -> Diagnostic {
    Diagnostic::new(
        RuleId::SignatureVerificationDisabled,
        range,
        "`gpgcheck=0` turns off package signature checks for the repository",
    )
}
