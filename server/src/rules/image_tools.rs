//! The tools a full language image has and its `-slim`/`-alpine` variants lack (curl, wget, git, make, a C
//! compiler), and whether an image needs them: a `RUN` of its stages calls one that nothing installed first,
//! its `HEALTHCHECK`, the healthcheck of the Compose service that builds it or an exec probe of a container
//! that runs it calls one, or an entrypoint script it copies does. Package installs that compile native code (`pip install` of a package PyPI has
//! only as source, `npm ci` in a project that runs node-gyp) need make and a C compiler too.

use crate::model::dockerfile::{Dockerfile, Keyword};
use crate::model::shell::Command;
use crate::rules::DockerfileContext;
use crate::rules::compose_support::strings;
use crate::rules::shell_support::{Manager, install, is_pip, unwrapped};

/// The tools the full images have that their slim variants do not, by the command that runs them, with
/// the Debian package that provides them.
const TOOLS: [(&str, &str); 8] = [
    ("curl", "curl"),
    ("wget", "wget"),
    ("git", "git"),
    ("make", "make"),
    ("gcc", "gcc"),
    ("cc", "gcc"),
    ("g++", "g++"),
    ("c++", "g++"),
];

/// Packages that provide every tool of a kind (a metapackage of the compilers and make).
const BUILD_ESSENTIAL: [&str; 3] = ["make", "gcc", "g++"];

/// What a stage needs from the full image.
#[derive(Debug, Default)]
pub struct ToolNeeds {
    /// Debian packages of the tools used and not installed, in first-use order.
    pub missing: Vec<&'static str>,
    /// Where each is used, for messages (`RUN curl`, `HEALTHCHECK`, `docker-entrypoint.sh`).
    pub places: Vec<String>,
    /// Steps that compile native code (`pip install mysqlclient`, `npm ci` with node-gyp) with no compiler
    /// installed.
    pub may_compile: Vec<String>,
    /// Where packages can be added: the end of the first `apt-get install` of the stages, when no
    /// build-time use of a missing tool comes before it.
    pub apt_install_end: Option<usize>,
}

/// What stage `index` (the final one) needs from its full base image.
pub fn needs(cx: &DockerfileContext, index: usize) -> ToolNeeds {
    let file = cx.file;
    let mut out = ToolNeeds::default();
    let mut installed: Vec<String> = Vec::new();
    let mut first_build_use: Option<usize> = None;
    let mut first_install: Option<usize> = None;
    for stage in file.lineage(index).into_iter().rev() {
        let body = file
            .stages
            .get(stage)
            .map(|s| s.body.clone())
            .unwrap_or(0..0);
        for at in body {
            let Some(script) = cx.scripts.of(at) else {
                continue;
            };
            for original in &script.commands {
                let command = unwrapped(&original);
                if let Some(install) = install(&command) {
                    for package in &install.packages {
                        let name = package.text.split(['=', '>', '<']).next().unwrap_or("");
                        installed.push(name.to_owned());
                        if name == "build-essential" || name == "build-base" {
                            installed.extend(BUILD_ESSENTIAL.iter().map(|s| (*s).to_owned()));
                        }
                    }
                    if install.manager == Manager::Apt && first_install.is_none() {
                        first_install = command.args.last().map(|a| a.range.end);
                    }
                    continue;
                }
                let Some(program) = command.program() else {
                    continue;
                };
                if let Some(package) = tool_package(program) {
                    if !installed.iter().any(|p| p == package) {
                        first_build_use.get_or_insert(command.range.start);
                        note(&mut out, package, format!("`RUN {program}`"));
                    }
                } else if compiles(cx, &command)
                    && !BUILD_ESSENTIAL
                        .iter()
                        .all(|t| installed.iter().any(|p| p == t))
                {
                    out.may_compile
                        .push(format!("`{}`", command_words(&command)));
                }
            }
        }
    }
    for (program, place) in runtime_uses(cx, file, index) {
        if let Some(package) = tool_package(&program)
            && !installed.iter().any(|p| p == package)
        {
            note(&mut out, package, place);
        }
    }
    out.apt_install_end =
        first_install.filter(|&end| first_build_use.is_none_or(|use_at| end < use_at));
    out
}

fn note(out: &mut ToolNeeds, package: &'static str, place: String) {
    if !out.missing.contains(&package) {
        out.missing.push(package);
    }
    if !out.places.contains(&place) {
        out.places.push(place);
    }
}

/// The Debian package of a tool the slim images lack, if `program` is one.
fn tool_package(program: &str) -> Option<&'static str> {
    let name = program.rsplit('/').next().unwrap_or(program);
    TOOLS
        .iter()
        .find(|(tool, _)| *tool == name)
        .map(|(_, package)| *package)
}

/// Python packages published only as source on PyPI (no manylinux wheel): `pip install` compiles them.
const SDIST_ONLY: [&str; 7] = [
    "mysqlclient",
    "psycopg2",
    "uwsgi",
    "python-ldap",
    "pycrypto",
    "mod-wsgi",
    "dbus-python",
];

/// A package install that will build native code: `pip install` of a package PyPI has only as source (named
/// on the command line or in the requirements file it reads) or with `--no-binary`; `npm ci`/`npm
/// install`/`yarn`/`pnpm install` in a project whose build context has a `binding.gyp` or whose
/// `package.json` runs node-gyp. A package with prebuilt binaries installs on the slim image as it did.
fn compiles(cx: &DockerfileContext, command: &Command) -> bool {
    if is_pip(command) {
        if !command.args.iter().any(|a| a.text == "install") {
            return false;
        }
        let mut names: Vec<String> = command.args.iter().map(|a| a.text.to_owned()).collect();
        let requirements = command
            .args
            .iter()
            .zip(command.args.iter().skip(1))
            .filter(|(flag, _)| matches!(flag.text, "-r" | "--requirement"))
            .filter_map(|(_, file)| {
                cx.files
                    .read(file.text.rsplit('/').next().unwrap_or(file.text))
            });
        for text in requirements {
            names.extend(text.lines().take(5_000).map(str::to_owned));
        }
        return names.iter().any(|n| n.starts_with("--no-binary"))
            || names.iter().any(|line| {
                let name = line
                    .trim()
                    .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
                    .replace('_', "-");
                SDIST_ONLY.contains(&name.as_str())
            });
    }
    let installs = |verbs: &[&str]| {
        command
            .args
            .first()
            .is_some_and(|a| verbs.contains(&a.text))
    };
    let node_install = match command.program() {
        Some("npm") => installs(&["ci", "install", "i"]),
        Some("yarn") => command.args.first().is_none_or(|a| a.text == "install"),
        Some("pnpm") => installs(&["install", "i"]),
        _ => false,
    };
    node_install
        && (cx.files.head("binding.gyp", 1).is_some()
            || cx
                .files
                .read("package.json")
                .is_some_and(|p| p.contains("node-gyp") || p.contains("\"gypfile\"")))
}

fn command_words(command: &Command) -> String {
    let mut words = vec![command.program().unwrap_or_default().to_owned()];
    words.extend(command.args.iter().take(1).map(|a| a.text.to_owned()));
    words.join(" ")
}

/// The programs the image runs once built: its `HEALTHCHECK`, the healthcheck of the Compose service that
/// builds it, the exec probes of the Kubernetes containers skaffold deploys it in, and the commands of the
/// entrypoint scripts it copies in from the build context.
fn runtime_uses(cx: &DockerfileContext, file: &Dockerfile, index: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let lineage = file.lineage(index);
    let instructions = lineage
        .iter()
        .rev()
        .flat_map(|&s| file.stage_body(s).iter());
    let mut scripts: Vec<String> = Vec::new();
    for instruction in instructions.filter(|i| i.in_this_image()) {
        match instruction.keyword {
            Keyword::Healthcheck => {
                let words = instruction.argv();
                let command = words.iter().find(|w| !(w.starts_with("--") || *w == "CMD"));
                if let Some(program) = command {
                    out.push((program.clone(), "`HEALTHCHECK`".to_owned()));
                }
            }
            Keyword::Copy | Keyword::Add if instruction.flag("from").is_none() => {
                let operands = instruction.operands();
                if let Some((_, sources)) = operands.split_last() {
                    scripts.extend(
                        sources
                            .iter()
                            .map(|w| w.text.clone())
                            .filter(|s| s.ends_with(".sh") && !s.contains(['*', '$'])),
                    );
                }
            }
            _ => {}
        }
    }
    for script in scripts {
        let Some(text) = cx.files.read(&script) else {
            continue;
        };
        let name = script.rsplit('/').next().unwrap_or(&script).to_owned();
        for program in crate::rules::shell_support::script_commands(&text) {
            out.push((program, format!("`{name}`")));
        }
    }
    out.extend(
        cx.deployments()
            .iter()
            .flat_map(|d| &d.probes)
            .map(|probe| (probe.program.clone(), probe.place.clone())),
    );
    if let Some(builder) = cx.builder() {
        let yaml = &builder.yaml;
        if let Some(test) = yaml
            .get(builder.service.node, "healthcheck")
            .and_then(|h| yaml.get(h.value, "test"))
        {
            let words: Vec<String> = strings(yaml, test.value)
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            let program = match words.first().map(String::as_str) {
                Some("CMD") => words.get(1).cloned(),
                Some("CMD-SHELL") => words
                    .get(1)
                    .and_then(|s| s.split_whitespace().next().map(str::to_owned)),
                Some("NONE") | None => None,
                Some(shell) => shell.split_whitespace().next().map(str::to_owned),
            };
            if let Some(program) = program {
                out.push((
                    program,
                    format!(
                        "the healthcheck of Compose service `{}`",
                        builder.service.name
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn script_lines_name_their_programs() {
        let text = "#!/bin/sh\nset -e\n# curl in a comment\nif curl -fs http://x; then exec gosu app \"$@\"; fi\nA=1 wget -q x | tar x\n";
        let commands = crate::rules::shell_support::script_commands(text);
        assert!(commands.contains(&"curl".to_owned()), "{commands:?}");
        assert!(commands.contains(&"wget".to_owned()), "{commands:?}");
        assert!(!commands.iter().any(|c| c == "comment"), "{commands:?}");
    }
}
