use crate::edit::fix::{Edit, Fix};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{Manager, editable, install, unwrapped};
use crate::rules::{InstructionContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (or `apt install`) without `--no-install-recommends` (or the
    /// `-o APT::Install-Recommends=false` spelling).
    ///
    /// ## Why it matters
    /// Recommended packages are installed by default: tools, daemons and libraries the image never asked for,
    /// each one more thing to patch and to attack with.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    /// Silent with `--no-install-recommends`, and for other package managers.
    ///
    /// ## Fix
    /// Unsafe (a build may rely on a recommended package): add `--no-install-recommends` after `install`.
    ///
    /// ## References
    /// - hadolint DL3015
    name: "install-recommends",
    severity: Info,
    fix: Unsafe,
    summary: "apt installs recommended packages",
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for original in &script.commands {
            let command = &unwrapped(&original);
            let Some(install) = install(command).filter(|i| i.manager == Manager::Apt) else {
                continue;
            };
            let declined = command.args.iter().any(|a| {
                let text = a.text.to_ascii_lowercase();
                text == "--no-install-recommends"
                    || [
                        "apt::install-recommends=false",
                        "apt::install-recommends=0",
                        "apt::install-recommends=no",
                    ]
                    .iter()
                    .any(|o| text.ends_with(o))
            });
            if declined {
                continue;
            }
            let verb = install.subcommand;
            let fix = editable(command, &verb).then(|| {
                Fix::unsafe_(
                    "Add `--no-install-recommends`",
                    vec![Edit::insert(verb.range.end, " --no-install-recommends")],
                )
                .preferred(true)
            });
            out.push(
                Diagnostic::new(
                    RuleId::InstallRecommends,
                    verb.range,
                    format!(
                        "`{} install` also installs recommended packages: add `--no-install-recommends`",
                        command.program().unwrap_or("apt-get")
                    ),
                )
                .with_fixes(fix),
            );
        }
    }
}
