use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{operands, unwrapped};
use crate::rules::{InstructionContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a whole-system upgrade in a `RUN`: `apt-get upgrade`/`dist-upgrade`/`full-upgrade`,
    /// `apt upgrade`, `apk upgrade`, `yum`/`dnf update` or `upgrade` without package names.
    ///
    /// ## Why it matters
    /// The image's packages then depend on the day it was built, not on the base image: two builds of one
    /// Dockerfile differ, and the base image's maintainers' tested set is replaced by an untested one. Take
    /// security updates by rebuilding on a newer base image (or a digest bump).
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get -y upgrade
    /// ```
    /// Silent for updates of named packages (`yum update -y openssl`) and for `apt-get update` (the package
    /// lists).
    ///
    /// ## Fix
    /// None: remove the upgrade and rebuild on an updated base image instead.
    ///
    /// ## References
    /// - hadolint DL3005 (removed upstream, kept here as information); Docker best practices for `RUN`
    name: "package-manager-upgrade",
    severity: Info,
    fix: None,
    summary: "the whole system is upgraded in the image",
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for command in &script.commands {
            let command = unwrapped(&command);
            let operands = operands(&command);
            let Some((verb, packages)) = operands.split_first() else {
                continue;
            };
            let whole_system = match command.program() {
                Some("apt-get" | "apt" | "aptitude") => {
                    ["upgrade", "dist-upgrade", "full-upgrade"].contains(&verb.text)
                }
                Some("apk") => verb.text == "upgrade" && packages.is_empty(),
                Some("yum" | "dnf" | "microdnf" | "tdnf") => {
                    ["update", "upgrade", "distro-sync"].contains(&verb.text) && packages.is_empty()
                }
                _ => false,
            };
            if whole_system {
                out.push(Diagnostic::new(
                    RuleId::PackageManagerUpgrade,
                    verb.range,
                    format!(
                        "`{} {}` upgrades every package at build time: rebuild on an updated base image instead",
                        command.program().unwrap_or(""),
                        verb.text
                    ),
                ));
            }
        }
    }
}
