use crate::model::shell::{Arg, Command};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{Manager, install, is_pip, operands, unwrapped};
use crate::rules::{InstructionContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports packages installed without a version: `apt-get install curl` (not `curl=8.5.0-2`),
    /// `apk add curl` (not `curl=8.5.0-r0`), `dnf install curl` (not `curl-8.5.0`), `pip install flask`
    /// (not `flask==3.0.3`), `npm install -g pnpm` (not `pnpm@9.1.0`), `gem install bundler` (without
    /// `-v`). Off by default: turn it on in the project configuration.
    ///
    /// ## Why it matters
    /// Unpinned installs make the image depend on the day it is built: a rebuild can pull a new major
    /// version, or a compromised release, without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask gunicorn
    /// ```
    /// Silent for pinned versions, for requirement and lock files (`pip install -r requirements.txt`,
    /// `npm ci`, `npm install` without package names), for local paths and URLs.
    ///
    /// ## Fix
    /// None: the version to pin is a choice; pin it, or install from a lock file.
    ///
    /// ## References
    /// - hadolint DL3008, DL3013, DL3016, DL3018, DL3028, DL3041
    name: "unpinned-packages",
    severity: Off,
    fix: None,
    summary: "packages are installed without a version",
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for command in &script.commands {
            let command = unwrapped(&command);
            for package in unpinned(&command) {
                out.push(Diagnostic::new(
                    RuleId::UnpinnedPackages,
                    package.range,
                    format!(
                        "`{}` is installed without a version: pin it, or install from a lock file",
                        package.text
                    ),
                ));
            }
        }
    }
}

/// The package operands of an install command that carry no version.
fn unpinned<'a>(command: &Command<'a>) -> Vec<Arg<'a>> {
    let local =
        |p: &str| p.contains('/') || p.starts_with('.') || p.contains("://") || p.contains('$');
    if let Some(install) = install(command) {
        return install
            .packages
            .into_iter()
            .filter(|p| !local(p.text))
            .filter(|p| match install.manager {
                Manager::Apt | Manager::Apk => !p.text.contains('='),
                // `name-1.2.3`: a version starts after a dash with a digit.
                Manager::Yum => !p
                    .text
                    .split('-')
                    .skip(1)
                    .any(|part| part.starts_with(|c: char| c.is_ascii_digit())),
            })
            .collect();
    }
    let operands = operands(command);
    let Some((verb, packages)) = operands.split_first() else {
        return Vec::new();
    };
    let program = command.program().unwrap_or("");
    let packages: Vec<Arg> = packages
        .iter()
        .copied()
        .filter(|p| !local(p.text))
        .collect();
    if is_pip(command) && verb.text == "install" {
        if command.has_arg("-r") || command.has_arg("--requirement") {
            return Vec::new();
        }
        return packages
            .into_iter()
            .filter(|p| !p.text.contains(['=', '<', '>', '~', '@']) && !p.text.ends_with(".whl"))
            .collect();
    }
    if matches!(program, "npm" | "pnpm" | "yarn") && ["install", "i", "add"].contains(&verb.text) {
        // `@scope/name` starts with `@`: a version is an `@` after the first character.
        return packages
            .into_iter()
            .filter(|p| !p.text.chars().skip(1).any(|c| c == '@'))
            .collect();
    }
    if program == "gem" && verb.text == "install" {
        let versioned =
            command.has_arg("-v") || command.args.iter().any(|a| a.text.starts_with("--version"));
        return if versioned {
            Vec::new()
        } else {
            packages
                .into_iter()
                .filter(|p| !p.text.contains(':'))
                .collect()
        };
    }
    Vec::new()
}
