use crate::edit::fix::{Edit, Fix};
use crate::edit::lines::{line_ending, line_start};
use crate::model::dockerfile::Dockerfile;
use crate::model::shell::{Command, Script};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` with a pipe (`curl … | tar x`) when nothing turns `pipefail` on: neither the `SHELL`
    /// in effect (`SHELL ["/bin/bash", "-o", "pipefail", "-c"]`) nor a `set -o pipefail` earlier in the same
    /// `RUN`. Pipes whose left side only prints (`echo`, `printf`) are not reported: they cannot fail.
    ///
    /// ## Why it matters
    /// A pipeline's status is its last command's: when the download fails, `tar` reads nothing, succeeds,
    /// and the build goes on with a broken or missing file — or with whatever an error page contained.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:trixie-slim
    /// RUN curl -fsSL https://example.com/tool.tgz | tar -xz -C /opt
    /// ```
    /// Silent after `SHELL [..., "-o", "pipefail", ...]` or `set -o pipefail`, and for `RUN`s in a shell
    /// that is not POSIX (PowerShell).
    ///
    /// ## Fix
    /// The advice fits the image's shell. Debian and Ubuntu run `/bin/sh` as dash, which has no `pipefail`
    /// (`set -o pipefail` there breaks the build): the fix adds `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`
    /// before the `RUN`. Alpine's BusyBox ash and Fedora's bash support it: the fix starts the `RUN` with
    /// `set -o pipefail &&`. Both unsafe (the shell or its options change). Other images get the advice only.
    ///
    /// ## References
    /// - hadolint DL4006
    /// - Debian: `/bin/sh` is dash; BusyBox ash documents `set -o pipefail`
    name: "missing-pipefail",
    severity: Info,
    fix: Unsafe,
    summary: "a pipe in RUN hides the failure of its left side",
}

/// What `/bin/sh` is in a base image, as far as `pipefail` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sh {
    /// dash (Debian, Ubuntu, and the official language images built on them): no `pipefail`.
    Dash,
    /// BusyBox ash (Alpine) or bash (Fedora, CentOS, UBI, Amazon Linux): `set -o pipefail` works.
    WithPipefail,
    Unknown,
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for (index, script) in cx.scripts.iter() {
        let shell = cx.file.shell(index);
        if sets_pipefail(&shell) {
            continue;
        }
        let Some(pipeline) = script
            .pipelines
            .iter()
            .find(|p| can_fail(&script, p) && !set_before(&script, p.range.start))
        else {
            continue;
        };
        let instruction = &cx.file.instructions[index];
        let sh = if shell.is_empty() {
            sh_of(cx.file, index)
        } else {
            Sh::Unknown
        };
        let (advice, fix) = match sh {
            Sh::Dash => (
                "Debian's /bin/sh (dash) has no pipefail: add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before it",
                Some(
                    Fix::unsafe_(
                        "Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN",
                        vec![Edit::insert(
                            line_start(cx.source, instruction.range.start),
                            format!(
                                "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]{}",
                                line_ending(cx.source)
                            ),
                        )],
                    )
                    .preferred(true),
                ),
            ),
            Sh::WithPipefail => (
                "start the RUN with `set -o pipefail &&` (this image's /bin/sh supports it)",
                shell_form_start(cx, index, &script).map(|at| {
                    Fix::unsafe_(
                        "Start the RUN with `set -o pipefail &&`",
                        vec![Edit::insert(at, "set -o pipefail && ")],
                    )
                    .preferred(true)
                }),
            ),
            Sh::Unknown => (
                "turn pipefail on: `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` where bash exists, or `set -o pipefail &&` where /bin/sh supports it (not Debian's dash)",
                None,
            ),
        };
        out.push(
            Diagnostic::new(
                RuleId::MissingPipefail,
                pipeline.range,
                format!("a failure on the left of this pipe is hidden: {advice}"),
            )
            .with_fixes(fix.map(|f| f.preferred(true))),
        );
    }
}

/// `-o pipefail` in a `SHELL` argv (or `-eo pipefail`, `-euo pipefail`).
fn sets_pipefail(argv: &[String]) -> bool {
    argv.windows(2).any(|w| {
        w[1] == "pipefail" && w[0].starts_with('-') && !w[0].starts_with("--") && w[0].contains('o')
    })
}

/// A `set -o pipefail` (any spelling) before `offset` in the script.
fn set_before(script: &Script, offset: usize) -> bool {
    script.commands.iter().any(|c| {
        c.range.start < offset && c.is(&["set"]) && {
            let args: Vec<String> = c.args.iter().map(|a| a.text.to_string()).collect();
            sets_pipefail(&args)
        }
    })
}

/// Whether a command left of a pipe can fail in a way the pipe would hide (`echo` and `printf` cannot).
fn can_fail(script: &Script, pipeline: &crate::model::shell::Pipeline) -> bool {
    let Some((_, left)) = pipeline.commands.split_last() else {
        return false;
    };
    left.iter()
        .filter_map(|&i| script.command(i))
        .any(|c: Command| !c.is(&["echo", "printf", "true", "yes"]))
}

/// The `/bin/sh` of the image the `RUN`'s stage builds on.
fn sh_of(file: &Dockerfile, index: usize) -> Sh {
    let Some(stage) = file.instructions[index].stage else {
        return Sh::Unknown;
    };
    let Some(image) = file.root_stage(stage).and_then(|s| s.image.as_ref()) else {
        return Sh::Unknown;
    };
    let name = image.short_name();
    let tag = image.tag.as_deref().unwrap_or("");
    if name == "alpine" || tag.contains("alpine") {
        return Sh::WithPipefail;
    }
    if [
        "fedora",
        "centos",
        "rockylinux",
        "almalinux",
        "amazonlinux",
        "ubi8",
        "ubi9",
        "ubi10",
        "ubi",
    ]
    .contains(&name)
    {
        return Sh::WithPipefail;
    }
    // Official images are Debian-based unless their tag names another distribution.
    let debian_based = [
        "debian",
        "ubuntu",
        "buildpack-deps",
        "python",
        "node",
        "ruby",
        "golang",
        "php",
        "perl",
        "rust",
        "openjdk",
        "eclipse-temurin",
        "maven",
        "gradle",
        "nginx",
        "httpd",
        "postgres",
        "redis",
    ];
    let other_distribution = ["windowsservercore", "nanoserver", "ubi", "centos", "oracle"]
        .iter()
        .any(|d| tag.contains(d));
    if debian_based.contains(&name) && image.is_official() && !other_distribution {
        return Sh::Dash;
    }
    Sh::Unknown
}

/// Where a shell-form `RUN`'s command text starts (after its `--flags`); `None` for exec form and heredoc
/// scripts, where text cannot be put in front.
fn shell_form_start(cx: &DockerfileContext, index: usize, script: &Script) -> Option<usize> {
    let instruction = &cx.file.instructions[index];
    if instruction.exec_form().is_some() || !instruction.heredocs.is_empty() {
        return None;
    }
    let first = instruction.operands().first()?;
    (script.commands.first()?.range.start >= first.range.start).then_some(first.range.start)
}
