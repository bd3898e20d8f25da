use crate::document::TextRange;
use crate::edit::dockerfile_edit::remove_pair;
use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{remove_entry, remove_item};
use crate::model::dockerfile::Keyword;
use crate::model::shell::{Arg, Command};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::shell_support::{
    CURL_VALUES, is_pip, next_arg, remove_args, remove_short, unwrapped,
};
use crate::rules::{ComposeContext, InstructionContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports TLS certificate checks turned off: `curl -k`/`--insecure` (also inside `-fsSLk`),
    /// `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set strict-ssl false`,
    /// `git -c http.sslVerify=false` and `git config http.sslVerify false`, and the environment variables
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY` (set at all, even to `0`, `false` or
    /// empty: git only checks that it exists; in `ENV`, an `ARG` default, a `RUN` assignment or `export`), `PIP_TRUSTED_HOST`,
    /// `NPM_CONFIG_STRICT_SSL=false` — in a Dockerfile (`ENV`, `RUN`), a Compose `environment:` or a
    /// Kubernetes `env:`. For yum and dnf: `--setopt=[repo.]sslverify=0` on any command (`config-manager`
    /// only with `--save`: without it nothing persists), dnf5's `config-manager setopt [repo.]sslverify=0`
    /// and `addrepo --set=sslverify=0`, and `sslverify=0` written into a `.repo`, `dnf.conf` or `yum.conf`;
    /// false is `0`, `false`, `no` or `off` in any case.
    ///
    /// ## Why it matters
    /// Without certificate checks, anyone on the network path can serve the download or answer the API
    /// call: the build installs their code, the app sends them its data. A proxy with its own CA is fixed by
    /// trusting that CA, not by turning checks off.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLk https://example.com/tool -o /usr/local/bin/tool
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    /// Silent for the same commands with checks on, and for `NODE_TLS_REJECT_UNAUTHORIZED=1`.
    ///
    /// ## Fix
    /// Unsafe (requests to hosts with untrusted certificates will now fail): remove the option or the
    /// variable. Trust a private CA with `--cacert`, `SSL_CERT_FILE`, `NODE_EXTRA_CA_CERTS` or
    /// `update-ca-certificates` instead.
    ///
    /// ## References
    /// - hadolint DL3047 area; Trivy DS-0014 area
    /// - CWE-295: Improper Certificate Validation
    name: "tls-verification-disabled",
    severity: Error,
    fix: Unsafe,
    summary: "TLS certificate verification is turned off",
}

/// Why setting `name` to `value` turns certificate checks off, if it does.
fn insecure_variable(name: &str, value: &str) -> Option<&'static str> {
    let value = value.trim();
    let off = |v: &str| ["0", "false", "no", "off"].contains(&v.to_ascii_lowercase().as_str());
    match name {
        "NODE_TLS_REJECT_UNAUTHORIZED" if value == "0" => Some("Node.js accepts any certificate"),
        "PYTHONHTTPSVERIFY" if value == "0" => Some("Python's urllib accepts any certificate"),
        // git's http.c only asks whether the variable exists: `=0`, `=false` and empty disable checks too.
        "GIT_SSL_NO_VERIFY" => {
            Some("git accepts any certificate whenever it is set, whatever its value")
        }
        "PIP_TRUSTED_HOST" if !value.is_empty() => {
            Some("pip accepts any certificate from these hosts")
        }
        _ if name.eq_ignore_ascii_case("NPM_CONFIG_STRICT_SSL") && off(value) => {
            Some("npm accepts any certificate")
        }
        _ => None,
    }
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    let instruction = cx.instruction;
    if matches!(instruction.keyword, Keyword::Env | Keyword::Arg) {
        let pairs = instruction.pairs();
        for (k, pair) in pairs.iter().enumerate() {
            // An `ARG` without a default is not set unless the build passes it.
            let value = match (&pair.value, instruction.keyword) {
                (Some(value), _) => value.as_str(),
                (None, Keyword::Arg) => continue,
                (None, _) => "",
            };
            let Some(why) = insecure_variable(&pair.name, value) else {
                continue;
            };
            let fix = Fix::unsafe_(
                format!("Remove `{}`", pair.name),
                vec![remove_pair(cx.source, instruction, &pairs, k)],
            )
            .preferred(true);
            out.push(variable_finding(pair.range, &pair.name, why).with_fix(fix));
        }
    }
    if let Some(script) = cx.script {
        for command in &script.commands {
            for assignment in &command.assignments {
                if let Some(why) = insecure_variable(assignment.name, assignment.value.text) {
                    out.push(variable_finding(assignment.range, assignment.name, why));
                }
            }
            // `export NAME=value` sets it for the rest of the script.
            if command.program() == Some("export") {
                for arg in &command.args {
                    let Some((name, value)) = arg.text.split_once('=') else {
                        continue;
                    };
                    if let Some(why) = insecure_variable(name, value) {
                        out.push(variable_finding(arg.range, name, why));
                    }
                }
            }
            commands(cx.source, &command, out);
        }
    }
}

fn variable_finding(range: TextRange, name: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        RuleId::TlsVerificationDisabled,
        range,
        format!("`{name}` turns TLS certificate checks off: {why}"),
    )
}

/// The command-line forms.
fn commands(source: &str, command: &Command, out: &mut Vec<Diagnostic>) {
    let unwrapped = unwrapped(command);
    let program = unwrapped.program().unwrap_or("");
    let mut report = |arg: &Arg, what: &str, fix: Option<crate::edit::fix::Edit>| {
        // `-fsSLk` loses only its `k`.
        let title = if arg.text.starts_with("--") || arg.text.len() == 2 {
            format!("Remove `{}`", arg.text)
        } else {
            format!("Remove `k` from `{}`", arg.text)
        };
        let fix = fix.map(|edit| Fix::unsafe_(title, vec![edit]).preferred(true));
        out.push(
            Diagnostic::new(
                RuleId::TlsVerificationDisabled,
                arg.range,
                format!("{what} turns TLS certificate checks off"),
            )
            .with_fixes(fix),
        );
    };
    match program {
        "curl" => {
            if let Some(arg) = unwrapped.option(Some('k'), &["--insecure"], CURL_VALUES) {
                let edit = if arg.text.starts_with("--") {
                    remove_args(source, command, &arg, None)
                } else {
                    remove_short(source, command, &arg, 'k')
                };
                report(&arg, "`curl -k`", edit);
            }
        }
        "wget" => {
            if let Some(arg) = unwrapped.option(None, &["--no-check-certificate"], "") {
                report(
                    &arg,
                    "`wget --no-check-certificate`",
                    remove_args(source, command, &arg, None),
                );
            }
        }
        "git" => {
            for (i, arg) in unwrapped.args.iter().enumerate() {
                let setting = match arg.text {
                    "-c" => unwrapped.args.get(i + 1),
                    _ => None,
                };
                if setting.is_some_and(|s| sslverify_off(s.text)) {
                    report(
                        &arg,
                        "`git -c http.sslVerify=false`",
                        remove_args(source, command, &arg, setting),
                    );
                }
            }
            let args = unwrapped.args;
            let setting = args
                .iter()
                .enumerate()
                .find(|(_, a)| a.text.eq_ignore_ascii_case("http.sslverify"));
            if let Some((at, setting)) = setting {
                let config = args.first().is_some_and(|a| a.text == "config");
                if config && args.get(at + 1).is_some_and(|v| is_off(v.text)) {
                    report(&setting, "`git config http.sslVerify false`", None);
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            let texts: Vec<&str> = unwrapped.args.iter().map(|a| a.text).collect();
            let config_set = texts.starts_with(&["config", "set"]);
            for (i, arg) in unwrapped.args.iter().enumerate() {
                let off = match arg.text {
                    "strict-ssl" => config_set && texts.get(i + 1).is_some_and(|v| is_off(v)),
                    "strict-ssl=false" => config_set,
                    "--strict-ssl=false" | "--no-strict-ssl" => true,
                    _ => false,
                };
                if off {
                    report(&arg, &format!("`{program}` with `strict-ssl` false"), None);
                }
            }
        }
        _ => {}
    }
    if is_pip(&unwrapped) {
        for arg in &unwrapped.args {
            if arg.text == "--trusted-host" {
                report(
                    &arg,
                    "`pip --trusted-host`",
                    remove_args(source, command, &arg, next_arg(&unwrapped, &arg)),
                );
            } else if arg.text.starts_with("--trusted-host=") {
                report(
                    &arg,
                    "`pip --trusted-host`",
                    remove_args(source, command, &arg, None),
                );
            }
        }
    }
    for (range, what, edit) in rpm_sslverify_off(source, command, &unwrapped) {
        let fix = edit.map(|e| Fix::unsafe_(format!("Remove `{what}`"), vec![e]).preferred(true));
        out.push(
            Diagnostic::new(
                RuleId::TlsVerificationDisabled,
                range,
                format!("`{what}` turns TLS certificate checks off for the repository"),
            )
            .with_fixes(fix),
        );
    }
}

/// yum and dnf settings that turn `sslverify` off: `--setopt=[repo.]sslverify=0` on any command (for
/// `config-manager` only with `--save`, without which nothing persists), dnf5's `config-manager setopt
/// [repo.]sslverify=0` and `addrepo --set=sslverify=0`, and `sslverify=0` written into a `.repo`, `dnf.conf`
/// or `yum.conf` (a heredoc, `echo`/`printf`, `tee`). Each with what it says and, for an option, the edit
/// that removes it.
fn rpm_sslverify_off(
    source: &str,
    command: &Command,
    unwrapped: &Command,
) -> Vec<(TextRange, String, Option<crate::edit::fix::Edit>)> {
    let mut out = Vec::new();
    let program = unwrapped.program().unwrap_or("");
    let args = &unwrapped.args;
    let texts: Vec<&str> = args.iter().map(|a| a.text).collect();
    if matches!(
        program,
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" | "yum-config-manager"
    ) {
        let config_manager =
            program == "yum-config-manager" || texts.first() == Some(&"config-manager");
        let persists = !config_manager || texts.contains(&"--save");
        let dnf5_setopt = config_manager && texts.get(1) == Some(&"setopt");
        for (i, arg) in args.iter().enumerate() {
            let text = arg.text;
            let (option, setting, value) = match text.split_once('=') {
                Some(("--setopt" | "--set", setting)) => (true, setting, None),
                _ if text == "--setopt" || text == "--set" => {
                    let value = args.get(i + 1);
                    (true, value.map_or("", |v| v.text), value)
                }
                _ if dnf5_setopt && i > 1 && !text.starts_with('-') => (false, text, None),
                _ => continue,
            };
            let addrepo_set = text.starts_with("--set") && !text.starts_with("--setopt");
            if !repo_sslverify_off(setting) || (option && !addrepo_set && !persists) {
                continue;
            }
            let range = value.map_or(arg.range, |v| TextRange::new(arg.range.start, v.range.end));
            let what = match value {
                Some(v) => format!("{text} {}", v.text),
                None if option => text.to_owned(),
                None => format!("config-manager setopt {text}"),
            };
            let edit = option
                .then(|| remove_args(source, command, &arg, value))
                .flatten();
            out.push((range, format!("{program} {what}"), edit));
        }
    }
    // A repository or configuration file written by this command.
    let is_config = |path: &str| {
        path.ends_with(".repo") || path.ends_with("/dnf.conf") || path.ends_with("/yum.conf")
    };
    let mut targets = command
        .redirects
        .iter()
        .filter(|r| r.operator.starts_with('>'))
        .filter_map(|r| r.target);
    let writes_config = targets.any(|t| is_config(t.text))
        || (program == "tee" && args.iter().any(|a| is_config(a.text)));
    if !writes_config {
        return out;
    }
    for body in command.redirects.iter().filter_map(|r| r.heredoc) {
        let mut at = body.start;
        for line in body.slice(source).split_inclusive('\n') {
            let setting = line.trim();
            if repo_sslverify_off(setting) {
                let start = at + (line.len() - line.trim_start().len());
                out.push((
                    TextRange::new(start, start + setting.len()),
                    setting.to_owned(),
                    None,
                ));
            }
            at += line.len();
        }
    }
    if matches!(program, "echo" | "printf") {
        for arg in args {
            let written = arg.text.replace("\\n", "\n");
            if let Some(line) = written
                .lines()
                .map(str::trim)
                .find(|l| repo_sslverify_off(l))
            {
                out.push((arg.range, line.to_owned(), None));
            }
        }
    }
    out
}

/// `[repo.]sslverify=<false>` with `0`, `false`, `no` or `off` in any case (spaces around `=` allowed, as
/// in an INI file).
fn repo_sslverify_off(setting: &str) -> bool {
    setting.split_once('=').is_some_and(|(key, value)| {
        let key = key.trim().to_ascii_lowercase();
        (key == "sslverify" || key.ends_with(".sslverify")) && is_off(value.trim())
    })
}

fn is_off(value: &str) -> bool {
    ["false", "0", "no", "off"].contains(&value.to_ascii_lowercase().as_str())
}

/// `http.sslVerify=false` (any case, any false spelling), also for a URL (`http.https://x.sslVerify`).
fn sslverify_off(setting: &str) -> bool {
    let lower = setting.to_ascii_lowercase();
    lower.split_once('=').is_some_and(|(key, value)| {
        key.starts_with("http.") && key.ends_with(".sslverify") && is_off(value)
    })
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(environment) = yaml.get(service.node, "environment") else {
            continue;
        };
        let map = yaml.resolve(environment.value);
        for member in yaml.members(environment.value) {
            let Some(why) = yaml
                .str(member.value)
                .and_then(|v| insecure_variable(member.key, v))
            else {
                continue;
            };
            let fix = Fix::unsafe_(
                format!("Remove `{}`", member.key),
                vec![remove_entry(cx.source, yaml, member.owner, member.range)],
            )
            .preferred(true);
            out.push(variable_finding(member.range, member.key, why).with_fix(fix));
        }
        for &item in yaml.items(environment.value) {
            let Some((name, value)) = yaml.str(item).and_then(|s| s.split_once('=')) else {
                continue;
            };
            let Some(why) = insecure_variable(name, value) else {
                continue;
            };
            let fix = remove_item(cx.source, yaml, map, item)
                .map(|edit| Fix::unsafe_(format!("Remove `{name}`"), vec![edit]).preferred(true));
            out.push(variable_finding(yaml.node(item).range, name, why).with_fixes(fix));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(env) = yaml.get(c.container.node, "env") else {
            continue;
        };
        let list = yaml.resolve(env.value);
        for &var in yaml.items(env.value) {
            let name = yaml.get(var, "name").and_then(|m| yaml.str(m.value));
            let value = yaml.get(var, "value").and_then(|m| yaml.str(m.value));
            let (Some(name), Some(value)) = (name, value) else {
                continue;
            };
            let Some(why) = insecure_variable(name, value) else {
                continue;
            };
            let fix = remove_item(cx.source, yaml, list, var)
                .map(|edit| Fix::unsafe_(format!("Remove `{name}`"), vec![edit]).preferred(true));
            out.push(
                Diagnostic::new(
                    RuleId::TlsVerificationDisabled,
                    yaml.node(var).range,
                    format!(
                        "`{name}` of {} turns TLS certificate checks off: {why}",
                        describe(c)
                    ),
                )
                .with_fixes(fix),
            );
        }
    }
}
