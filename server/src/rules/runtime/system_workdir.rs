use crate::model::dockerfile::Keyword;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `WORKDIR` inside `/proc`, `/sys`, `/dev` or `/boot`.
    ///
    /// ## Why it matters
    /// These are kernel and device file systems mounted by the runtime: files written there at build time
    /// vanish under the mount, and an application working inside them reads or writes kernel state.
    ///
    /// ## Example
    /// ```dockerfile
    /// WORKDIR /proc/app
    /// ```
    ///
    /// ## Fix
    /// None: choose an application directory such as `/app`.
    ///
    /// ## References
    /// - Filesystem Hierarchy Standard; CIS Docker Benchmark 5.5 (sensitive host directories)
    name: "system-workdir",
    severity: Warning,
    fix: None,
    summary: "WORKDIR in /proc, /sys, /dev or /boot",
}

const SYSTEM_DIRS: &[&str] = &["/proc", "/sys", "/dev", "/boot"];

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Workdir && i.in_this_image())
    {
        let Some(path) = instruction.operands().first() else {
            continue;
        };
        let normalized = path.text.trim_end_matches('/');
        let hit = SYSTEM_DIRS.iter().find(|dir| {
            normalized == **dir
                || normalized
                    .strip_prefix(**dir)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        if let Some(dir) = hit {
            out.push(Diagnostic::new(
                RuleId::SystemWorkdir,
                path.range,
                format!(
                    "`WORKDIR {}` is inside `{dir}`, a kernel file system mounted at run time",
                    path.text
                ),
            ));
        }
    }
}
