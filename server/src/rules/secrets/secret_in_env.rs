use crate::document::{Severity, TextRange};
use crate::edit::dockerfile_edit::remove_pair;
use crate::edit::fix::{Edit, FileChange, Fix};
use crate::edit::lines::line_ending;
use crate::edit::yaml_edit::{
    Y, append_item, column, insert_entries, replace_value, styled_scalar,
};
use crate::knowledge::secrets::{ValueKind, classify_value, env_finding, secret_name};
use crate::model::dockerfile::{Dockerfile, Instruction, Keyword, Pair};
use crate::model::env_file;
use crate::model::yaml::Value;
use crate::rules::compose_builds::Builder;
use crate::rules::compose_support::env_files;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports secrets written into environment variables: Compose `environment:` (map and list form) and
    /// the files its `env_file:` names when git does not ignore them (they are committed with the code),
    /// Kubernetes `env[].value`, and Dockerfile `ENV` and `ARG`:
    /// - a secret-looking name (`password`, `token`, `api_key`, `secret`, `credentials`, `auth`…) with a
    ///   literal value (error), or any value in a known credential format (error);
    /// - a secret-named `ARG`, whatever its default (a value passed with `--build-arg` stays in the image's
    ///   history and provenance): error when the default is a literal secret; warning when a `RUN` of its
    ///   stage reads it or an `ENV` copies it; info when it is only declared;
    /// - `ENV X=${Y}` where `Y` is a secret-named `ARG` in scope (warning: the build argument is baked in);
    /// - an obvious placeholder value (`changeme`, `xxx`, `<token>`) under a secret name (info).
    ///
    /// ## Why it matters
    /// `ENV` values are stored in the image configuration: anyone who can pull the image reads them with
    /// `docker inspect`, and they stay in every image built on top. `ARG` values show in `docker history`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=supersecret123 APP_ENV=prod
    /// ```
    /// Silent for empty values and `${VAR}` references (except the `ARG` case); for values that are paths
    /// (`DB_PASSWORD=/run/secrets/db-password`, `GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/key.json`,
    /// `~/…`, `./…`: where the secret is, not the secret — but `/aB3d…+/=` base64 still fires); for names that
    /// point to a secret or set something about it (`*_FILE`, `*_PATH`, `*_DIR`, `*_URL` without
    /// credentials, `CREDENTIALS_DIRECTORY`, `SSH_AUTH_SOCK`, `*_ALGO`, `*_LENGTH`, `*_POLICY`, `*_MIN_*`,
    /// `*_ENABLED`); and for public material (`GPG_KEY`, `*_KEYRING`, `*_FINGERPRINT`, `*_SHA256`,
    /// `*_CHECKSUM`, `*_VERSION`, `*_PUBLIC_KEY`).
    ///
    /// ## Fix
    /// Unsafe (the value must now be supplied when the container runs): remove just that pair (the other pairs
    /// of the instruction stay), together with its companion: a secret-named `ARG` goes with the `ENV`s that
    /// copy it (`ENV DB_PASSWORD=${DB_PASSWORD}`), and such an `ENV` with its `ARG`, so neither is left
    /// behind silently empty or still recorded; every later `RUN` of the stage, and of stages built on it, that reads the
    /// variable gets `--mount=type=secret,id=<name>,env=<NAME>` (Dockerfile frontend 1.10 or newer: a
    /// `# syntax=docker/dockerfile:1` directive is added or an older pinned one is bumped). Supply it with
    /// `docker run -e NAME` and `docker build --secret id=<name>,env=NAME`.
    /// When a Compose service in the workspace builds the Dockerfile (and no `RUN` reads the variable), the
    /// same fix gives that service `NAME: ${NAME}` in its `environment:` — one edit over both files.
    /// Compose: the value becomes `${NAME}`, read from the shell or a `.env` file kept out of the repository;
    /// when the project has a `.env.example`, `NAME=` is added to it. A secret in a tracked `env_file` has
    /// no automatic fix: ignore the file in git and keep only the names in `.env.example`.
    /// Kubernetes: `value:` becomes `valueFrom.secretKeyRef` (`<workload>-secrets`, key = the name in
    /// kebab-case); the title gives the `kubectl create secret generic` command.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.10 "Ensure secrets are not stored in Dockerfiles"
    /// - hadolint DL3044 area; BuildKit check `SecretsUsedInArgOrEnv`
    /// - CWE-798: Use of Hard-coded Credentials
    name: "secret-in-env",
    severity: Error,
    fix: Unsafe,
    summary: "a secret in ENV or ARG is baked into the image",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for (index, instruction) in cx.file.instructions.iter().enumerate() {
        if !matches!(instruction.keyword, Keyword::Env | Keyword::Arg) {
            continue;
        }
        let pairs = instruction.pairs();
        for (k, pair) in pairs.iter().enumerate() {
            let Some((severity, message)) = judge(cx, index, instruction, pair) else {
                continue;
            };
            let runtime = runtime_advice(&pair.name);
            let diagnostic = Diagnostic::new(RuleId::SecretInEnv, pair.range, message)
                .with_severity(severity)
                .with_related(pair.range, runtime)
                .with_fix(fix(cx, index, &pairs, k));
            out.push(diagnostic);
        }
    }
}

/// The decision table: severity and message for one pair, or `None` when it is not a secret.
fn judge(
    cx: &DockerfileContext,
    index: usize,
    instruction: &Instruction,
    pair: &Pair,
) -> Option<(Severity, String)> {
    let file = cx.file;
    let name = &pair.name;
    let value = pair.value.as_deref().unwrap_or("");
    let why = |s: &crate::knowledge::secrets::SecretName| format!("its name says \"{}\"", s.word);
    match (
        instruction.keyword,
        secret_name(name),
        classify_value(value),
    ) {
        // A path says where the secret is: nothing secret is recorded.
        (Keyword::Arg, Some(_), ValueKind::Path) => None,
        (Keyword::Arg, Some(s), ValueKind::Literal | ValueKind::Credential(_)) => Some((
            Severity::Error,
            format!(
                "build argument `{name}` looks like a secret ({}) and its default is a literal secret, recorded in the image's history and provenance",
                why(&s)
            ),
        )),
        (Keyword::Arg, Some(s), _) => {
            let runs = runs_reading(cx, index, name).len();
            let env = copied_by_env(file, index, name);
            let used = match (runs, env) {
                (0, None) => None,
                (0, Some(env)) => Some(format!("`ENV {env}` copies it")),
                (1, _) => Some("a `RUN` reads it".to_owned()),
                (n, _) => Some(format!("{n} `RUN`s read it")),
            };
            Some(match used {
                Some(used) => (
                    Severity::Warning,
                    format!(
                        "build argument `{name}` looks like a secret ({}) and {used}: the value passed with `--build-arg` stays in the image's history and provenance",
                        why(&s)
                    ),
                ),
                None => (
                    Severity::Info,
                    format!(
                        "build argument `{name}` looks like a secret ({}): a value passed with `--build-arg` is recorded in the image's history and provenance; use a build secret",
                        why(&s)
                    ),
                ),
            })
        }
        (Keyword::Env, _, ValueKind::Reference(names)) => {
            let arg = names
                .iter()
                .find(|n| secret_name(n).is_some() && arg_in_scope(file, index, n))?;
            Some((
                Severity::Warning,
                format!(
                    "`{name}` copies build argument `{arg}`, which looks like a secret, into the image's environment"
                ),
            ))
        }
        _ => env_finding(name, value, "baked into the image"),
    }
}

/// The first `ENV` after instruction `index`, in its stage or a stage built on it, whose value reads the
/// build argument `name`.
fn copied_by_env(file: &Dockerfile, index: usize, name: &str) -> Option<String> {
    let stage = file.instructions[index].stage?;
    let start = file.instructions[index].range.start;
    file.instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Env && i.range.start > start)
        .filter(|i| i.stage.is_some_and(|s| file.lineage(s).contains(&stage)))
        .flat_map(|i| i.pairs())
        .find(|p| p.value.as_deref().is_some_and(|v| reads_variable(v, name)))
        .map(|p| p.name)
}

/// The pairs that carry the same secret as `pair` of instruction `index`, as (instruction, pair index):
/// for an `ARG`, the `ENV`s after it (in its stage or one built on it) that copy it; for an `ENV` that
/// copies a secret-named build argument, that `ARG`'s declaration. One pair per instruction.
fn companions(file: &Dockerfile, index: usize, pair: &Pair) -> Vec<(usize, usize)> {
    let instruction = &file.instructions[index];
    let Some(stage) = instruction.stage else {
        return Vec::new();
    };
    let start = instruction.range.start;
    match instruction.keyword {
        Keyword::Arg => file
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::Env && i.range.start > start)
            .filter(|(_, i)| i.stage.is_some_and(|s| file.lineage(s).contains(&stage)))
            .filter_map(|(at, i)| {
                let k = i.pairs().iter().position(|p| {
                    p.value
                        .as_deref()
                        .is_some_and(|v| reads_variable(v, &pair.name))
                })?;
                Some((at, k))
            })
            .collect(),
        Keyword::Env => {
            let Some(ValueKind::Reference(names)) = pair.value.as_deref().map(classify_value)
            else {
                return Vec::new();
            };
            let Some(arg) = names.iter().find(|n| secret_name(n).is_some()) else {
                return Vec::new();
            };
            let lineage = file.lineage(stage);
            file.instructions
                .iter()
                .enumerate()
                .rev()
                .filter(|(_, i)| i.keyword == Keyword::Arg && i.range.start < start)
                .filter(|(_, i)| i.stage.is_some_and(|s| lineage.contains(&s)))
                .find_map(|(at, i)| Some((at, i.pairs().iter().position(|p| p.name == *arg)?)))
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Whether an `ARG name` is declared before instruction `index` in its stage or the stages it builds on.
fn arg_in_scope(file: &Dockerfile, index: usize, name: &str) -> bool {
    let Some(stage) = file.instructions.get(index).and_then(|i| i.stage) else {
        return false;
    };
    file.lineage(stage).into_iter().any(|s| {
        file.stage_body(s).iter().any(|i| {
            i.keyword == Keyword::Arg
                && i.range.start < file.instructions[index].range.start
                && i.pairs().iter().any(|p| p.name == name)
        })
    })
}

fn runtime_advice(name: &str) -> String {
    format!(
        "supply it at run time: `docker run -e {name}` (Compose: `environment:` or `secrets:`); at build time: \
         `docker build --secret id={},env={name}`",
        secret_id(name)
    )
}

fn secret_id(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Remove the pair, mount the secret in the `RUN`s that read it, and make sure the frontend supports that.
fn fix(cx: &DockerfileContext, index: usize, pairs: &[Pair], k: usize) -> Fix {
    let file = cx.file;
    let instruction = &file.instructions[index];
    let pair = &pairs[k];
    let mut edits = vec![remove_pair(cx.source, instruction, pairs, k)];
    // An `ARG` and the `ENV` that copies it go together: either alone leaves the other behind (an `ENV`
    // silently empty, or a build argument still recorded).
    let companions = companions(file, index, pair);
    for &(at, j) in &companions {
        let other = &file.instructions[at];
        edits.push(remove_pair(cx.source, other, &other.pairs(), j));
    }
    let runs = runs_reading(cx, index, &pair.name);
    let id = secret_id(&pair.name);
    for run in &runs {
        let mount = format!(" --mount=type=secret,id={id},env={}", pair.name);
        edits.push(Edit::insert(run.keyword_range.end, mount));
    }
    if !runs.is_empty() {
        edits.extend(frontend_edit(cx));
    }
    let with = companions
        .iter()
        .map(|&(at, j)| {
            let other = &file.instructions[at];
            let keyword = if other.keyword == Keyword::Arg {
                "ARG"
            } else {
                "ENV"
            };
            format!("`{keyword} {}`", other.pairs()[j].name)
        })
        .collect::<Vec<_>>();
    let with = if with.is_empty() {
        String::new()
    } else {
        format!(" (with {})", with.join(", "))
    };
    let mut title = format!(
        "Remove `{}`{with} from the image; supply it at run time (`docker run -e {}`)",
        pair.name, pair.name
    );
    if !runs.is_empty() {
        title.push_str(&format!(
            " and mount it as a build secret in {} `RUN` (`docker build --secret id={id},env={}`)",
            runs.len(),
            pair.name
        ));
    }
    let alone = Fix::unsafe_(title, edits.clone()).preferred(true);
    // A Compose service that builds this Dockerfile supplies the variable in the same edit: at run time
    // (`environment:`), or as the build secret the `RUN`s now mount.
    let Some(builder) = cx.builder() else {
        return alone;
    };
    let (compose_edits, how) = if runs.is_empty() {
        let edits: Vec<Edit> = inject(builder, &pair.name).into_iter().collect();
        (
            edits,
            format!(
                "passes it at run time (`{name}: ${{{name}}}`)",
                name = pair.name
            ),
        )
    } else {
        (
            build_secret(builder, &id, &pair.name),
            format!(
                "passes it as build secret `{id}` (`secrets: {id}: environment: {}`)",
                pair.name
            ),
        )
    };
    if compose_edits.is_empty() {
        return alone;
    }
    Fix::unsafe_(
        format!(
            "Remove `{}` from the image; service `{}` in `{}` {how}",
            pair.name, builder.service.name, builder.path
        ),
        edits,
    )
    .preferred(true)
    .with_file_change(FileChange::edit(
        &builder.path,
        &builder.text,
        compose_edits,
    ))
    .with_fallback(alone)
}

/// The edits that give the Compose service build secret `id` from the variable `name`: `secrets: [id]` in
/// its `build:` (a `build: ./dir` string becomes a mapping), and `id: {environment: name}` in the
/// top-level `secrets:`. Empty when the file's shape is not one to edit safely.
fn build_secret(builder: &Builder, id: &str, name: &str) -> Vec<Edit> {
    let (yaml, text, service) = (&builder.yaml, builder.text.as_str(), &builder.service);
    let Some(build) = yaml.get(service.node, "build") else {
        return Vec::new();
    };
    let node = yaml.resolve(build.value);
    let in_build = match (&yaml.node(node).value, yaml.str(node)) {
        (_, Some(context)) => Some(replace_value(
            yaml,
            node,
            &format!("{{context: {context}, secrets: [{id}]}}"),
        )),
        (Value::Mapping(_), _) => match yaml.get(node, "secrets") {
            Some(list)
                if yaml
                    .items(list.value)
                    .iter()
                    .any(|&i| yaml.str(i) == Some(id)) =>
            {
                None
            }
            Some(list) => append_item(text, yaml, yaml.resolve(list.value), id),
            None => insert_entries(
                text,
                yaml,
                node,
                &[("secrets".to_owned(), Y::List(vec![id.to_owned()]))],
            ),
        },
        _ => None,
    };
    let Some(root) = builder.compose_root() else {
        return Vec::new();
    };
    let source = Y::Map(vec![("environment".to_owned(), Y::text(name))]);
    let top_level = match yaml.get(root, "secrets") {
        Some(secrets) if yaml.get(yaml.resolve(secrets.value), id).is_some() => None,
        Some(secrets) => insert_entries(
            text,
            yaml,
            yaml.resolve(secrets.value),
            &[(id.to_owned(), source)],
        ),
        None => insert_entries(
            text,
            yaml,
            root,
            &[("secrets".to_owned(), Y::Map(vec![(id.to_owned(), source)]))],
        ),
    };
    match (in_build, top_level) {
        (Some(a), Some(b)) => vec![a, b],
        // Both parts or none: half a build secret breaks the build.
        _ => Vec::new(),
    }
}

/// The edit that gives the Compose service `name` from the environment: an entry in its `environment:`
/// (map or list form, created when absent); `None` when it has one already.
fn inject(builder: &Builder, name: &str) -> Option<Edit> {
    let (yaml, text, service) = (&builder.yaml, builder.text.as_str(), &builder.service);
    let reference = crate::edit::yaml_edit::double_quoted(&format!("${{{name}}}"));
    let Some(environment) = yaml.get(service.node, "environment") else {
        let entry = Y::Map(vec![(name.to_owned(), Y::scalar(reference))]);
        return insert_entries(
            text,
            yaml,
            service.node,
            &[("environment".to_owned(), entry)],
        );
    };
    let node = yaml.resolve(environment.value);
    match &yaml.node(node).value {
        Value::Mapping(_) => {
            if yaml.get(node, name).is_some() {
                return None;
            }
            insert_entries(text, yaml, node, &[(name.to_owned(), Y::scalar(reference))])
        }
        Value::Sequence(_) => {
            let defined = yaml
                .items(node)
                .iter()
                .filter_map(|&i| yaml.str(i))
                .any(|item| item.split('=').next() == Some(name));
            if defined {
                return None;
            }
            append_item(text, yaml, node, &format!("{name}=${{{name}}}"))
        }
        _ => None,
    }
}

/// `RUN`s after instruction `index`, in its stage and the stages built on it, that read `$name`.
fn runs_reading<'a>(cx: &'a DockerfileContext, index: usize, name: &str) -> Vec<&'a Instruction> {
    let file = cx.file;
    let Some(stage) = file.instructions[index].stage else {
        return Vec::new();
    };
    let start = file.instructions[index].range.start;
    file.instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Run && i.range.start > start)
        .filter(|i| i.stage.is_some_and(|s| file.lineage(s).contains(&stage)))
        .filter(|i| i.shell_text(cx.source).any(|t| reads_variable(t, name)))
        .filter(|i| {
            !i.flags()
                .any(|f| f.text.contains("type=secret") && f.text.contains(&format!("env={name}")))
        })
        .collect()
}

fn reads_variable(text: &str, name: &str) -> bool {
    let braced = format!("${{{name}");
    let plain = format!("${name}");
    text.match_indices(&plain).any(|(at, _)| {
        !text[at + plain.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
    }) || text
        .match_indices(&braced)
        .any(|(at, _)| text[at + braced.len()..].starts_with(['}', ':', '-', '+', '?']))
}

/// `RUN --mount=type=secret,env=…` needs Dockerfile frontend 1.10: add a syntax directive, or bump one that
/// pins an older version.
fn frontend_edit(cx: &DockerfileContext) -> Option<Edit> {
    const CURRENT: &str = "docker/dockerfile:1";
    match cx.file.directive("syntax") {
        None => Some(Edit::insert(
            0,
            format!("# syntax={CURRENT}{}", line_ending(cx.source)),
        )),
        Some(directive) => {
            let version = directive.value.strip_prefix("docker/dockerfile:")?;
            let mut parts = version.split(['.', '-']);
            let major = parts.next()?.parse::<u32>().ok()?;
            let minor = parts.next().and_then(|m| m.parse::<u32>().ok());
            let old = major < 1 || (major == 1 && minor.is_some_and(|m| m < 10));
            old.then(|| Edit::replace(directive.value_range, CURRENT))
        }
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        if let Some(environment) = yaml.get(service.node, "environment") {
            // Map form: `NAME: value`.
            for member in yaml.members(environment.value) {
                if let Some(value) = yaml.str(member.value) {
                    let reference = format!("${{{}}}", member.key);
                    let edit = replace_value(
                        yaml,
                        member.value,
                        &styled_scalar(yaml, member.value, &reference),
                    );
                    out.extend(compose_finding(cx, member.key, value, member.range, edit));
                }
            }
            // List form: `- NAME=value`.
            for &item in yaml.items(environment.value) {
                if let Some((name, value)) = yaml.str(item).and_then(|s| s.split_once('=')) {
                    let replaced = format!("{name}=${{{name}}}");
                    let edit = replace_value(yaml, item, &styled_scalar(yaml, item, &replaced));
                    out.extend(compose_finding(
                        cx,
                        name,
                        value,
                        yaml.node(item).range,
                        edit,
                    ));
                }
            }
        }
        for (path, node) in env_files(yaml, service) {
            out.extend(env_file_findings(cx, &path, yaml.node(node).range));
        }
    }
}

/// A secret written in `environment:`; the fix reads it from the environment instead (`edit`), and names
/// it in `.env.example` when the project keeps one, so the next person knows to set it.
fn compose_finding(
    cx: &ComposeContext,
    name: &str,
    value: &str,
    range: TextRange,
    edit: Edit,
) -> Option<Diagnostic> {
    let (severity, message) = env_finding(name, value, "written in the Compose file")?;
    let mut title = format!(
        "Read `{name}` from the environment (`${{{name}}}`, e.g. from an untracked `.env`)"
    );
    let example = cx
        .files
        .read(ENV_EXAMPLE)
        .filter(|text| !env_file::defines(text, name))
        .map(|text| {
            title.push_str(&format!(" and list it in `{ENV_EXAMPLE}`"));
            FileChange::append(ENV_EXAMPLE, format!("{name}={}", line_ending(&text)))
        });
    let mut fix = Fix::unsafe_(title, vec![edit]).preferred(true);
    fix.files.extend(example);
    Some(
        Diagnostic::new(RuleId::SecretInEnv, range, message)
            .with_severity(severity)
            .with_fix(fix),
    )
}

/// The file that documents, without values, the variables a Compose project needs.
const ENV_EXAMPLE: &str = ".env.example";

/// Secrets in a file that `env_file:` names, unless git ignores it: a file kept out of the repository is
/// how run-time secrets are meant to be supplied; a tracked one publishes them with the code.
fn env_file_findings(cx: &ComposeContext, path: &str, range: TextRange) -> Vec<Diagnostic> {
    let Some(text) = cx.files.read(path) else {
        return Vec::new();
    };
    if cx.files.git_ignored(path) {
        return Vec::new();
    }
    let place = format!("written in `{path}`, which git does not ignore");
    env_file::variables(&text)
        .into_iter()
        .filter_map(|v| {
            let (severity, message) = env_finding(v.name, v.value?, &place)?;
            Some(
                Diagnostic::new(
                    RuleId::SecretInEnv,
                    range,
                    format!("{message} (`{path}` line {})", v.line),
                )
                .with_severity(severity)
                .with_related(
                    range,
                    format!("add `{path}` to `.gitignore` (and `git rm --cached {path}` if it was committed); keep the names in `{ENV_EXAMPLE}`"),
                ),
            )
        })
        .collect()
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(env) = yaml.get(c.container.node, "env") else {
            continue;
        };
        for &var in yaml.items(env.value) {
            let Some(name) = yaml.get(var, "name").and_then(|m| yaml.str(m.value)) else {
                continue;
            };
            let Some(value) = yaml.get(var, "value") else {
                continue;
            };
            let Some(text) = yaml.str(value.value) else {
                continue;
            };
            let place = format!("written in the manifest for {}", describe(c));
            let Some((severity, message)) = env_finding(name, text, &place) else {
                continue;
            };
            let workload = c.manifest.name.as_deref().unwrap_or("app");
            let secret = format!("{workload}-secrets");
            let key = kebab(name);
            let block = !yaml.node(var).flow;
            let (name_text, key_text) = (
                crate::edit::yaml_edit::string_scalar(&secret),
                crate::edit::yaml_edit::string_scalar(&key),
            );
            let replacement = if block {
                let pad = " ".repeat(column(cx.source, value.range.start));
                let eol = crate::edit::lines::line_ending(cx.source);
                format!(
                    "valueFrom:{eol}{pad}  secretKeyRef:{eol}{pad}    name: {name_text}{eol}{pad}    key: {key_text}"
                )
            } else {
                format!("valueFrom: {{secretKeyRef: {{name: {name_text}, key: {key_text}}}}}")
            };
            let fix = Fix::unsafe_(
                format!("Read `{name}` from Secret `{secret}` (create it: `kubectl create secret generic {secret} --from-literal={key}=…`)"),
                vec![crate::edit::fix::Edit::replace(value.range, replacement)],
            )
            .preferred(true);
            out.push(
                Diagnostic::new(RuleId::SecretInEnv, value.range, message)
                    .with_severity(severity)
                    .with_related(
                        value.range,
                        format!("kubectl create secret generic {secret} --from-literal={key}=…"),
                    )
                    .with_fix(fix),
            );
        }
    }
}

/// `DB_PASSWORD` → `db-password`: the key convention of Secret data.
fn kebab(name: &str) -> String {
    crate::knowledge::secrets::words(name).join("-")
}

#[cfg(test)]
mod tests {
    use super::reads_variable;

    #[test]
    fn variable_references() {
        assert!(reads_variable("psql -p $DB_PASSWORD", "DB_PASSWORD"));
        assert!(reads_variable("x ${DB_PASSWORD:-y}", "DB_PASSWORD"));
        assert!(!reads_variable("x $DB_PASSWORD_FILE", "DB_PASSWORD"));
        assert!(!reads_variable("x ${DB_PASSWORD_FILE}", "DB_PASSWORD"));
    }
}
