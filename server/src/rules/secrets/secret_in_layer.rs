use crate::document::TextRange;
use crate::edit::fix::{Edit, Fix};
use crate::knowledge::secrets::{credential_format, secret_name};
use crate::model::shell::{Arg, Command, ListOperator};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::shell_support::{operands, unwrapped};
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that writes a secret into the image's filesystem:
    /// - a credentials file written by redirection or `tee`: `.npmrc`, `.pypirc`, `.netrc`, `.pgpass`,
    ///   `.git-credentials`, `.docker/config.json`, `.aws/credentials`;
    /// - `echo`/`printf`/`cat <<EOF` into any file when the content holds a credential format or a
    ///   secret-named variable (`echo "$NPM_TOKEN" > /app/token`);
    /// - `chpasswd` (a password set in the image);
    /// - `git clone https://user:$TOKEN@…` (the URL, token included, stays in `.git/config`);
    /// - logins that store credentials: `aws configure set aws_secret_access_key …`,
    ///   `gcloud auth activate-service-account`, `az login -p`, `docker login -p`, `npm config set …_authToken`.
    ///
    /// ## Why it matters
    /// Every `RUN` is a layer: a file written in one stays in the image even when a later `RUN` deletes it,
    /// and anyone who pulls the image extracts it (`docker save`). Build secrets are mounted for one `RUN`
    /// only and never stored.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc && npm ci
    /// ```
    /// Silent when the secret comes from a secret mount and is not written anywhere
    /// (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`), and for writes to a mounted secret's
    /// own path. A secret mounted as an environment variable and then written to a file is still reported:
    /// the file stays in the layer. A credential written literally in the `git` URL is
    /// `hardcoded-credential`'s.
    ///
    /// ## Fix
    /// Unsafe (the file must now be given to the build): where a `RUN` run as root starts by writing a
    /// credentials file with `echo`/`printf` and goes on with `&&`, the write goes and the file is mounted for
    /// that `RUN` only: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`
    /// (`docker build --secret id=npmrc,src=$HOME/.npmrc`). Other shapes: mount the secret the same way.
    ///
    /// ## References
    /// - Docker: "Build secrets"; hadolint DL3004 area; Trivy DS-0031 area
    /// - CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
    name: "secret-in-layer",
    severity: Error,
    fix: Unsafe,
    summary: "a RUN writes a secret into an image layer",
}

/// Files that hold credentials, by the end of their path.
const CREDENTIAL_FILES: [&str; 7] = [
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".pgpass",
    ".git-credentials",
    ".docker/config.json",
    ".aws/credentials",
];

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for (index, script) in cx.scripts.iter() {
        let instruction = &cx.file.instructions[index];
        // Where secrets are mounted for this `RUN`: writing there stores nothing in the layer.
        let mounted: Vec<&str> = instruction
            .flags()
            .filter(|f| f.text.starts_with("--mount=") && f.text.contains("type=secret"))
            .filter_map(|f| {
                f.text
                    .split(',')
                    .find_map(|part| part.strip_prefix("target="))
            })
            .collect();
        for (at, command) in script.commands.iter().enumerate() {
            for target in written_files(&command)
                .into_iter()
                .filter(|t| !mounted.contains(&t.text))
            {
                if let Some(file) = CREDENTIAL_FILES.iter().find(|f| target.text.ends_with(*f)) {
                    let fix = (at == 0)
                        .then(|| mount_instead(cx, index, &script, &command, &target, file))
                        .flatten();
                    out.push(
                        Diagnostic::new(
                            RuleId::SecretInLayer,
                            target.range,
                            format!(
                                "`{}` ({file}) holds credentials and is written into the image layer: mount it as a build secret instead",
                                target.text
                            ),
                        )
                        .with_fixes(fix),
                    );
                } else if let Some(why) = secret_content(cx.source, &command) {
                    out.push(Diagnostic::new(
                        RuleId::SecretInLayer,
                        target.range,
                        format!(
                            "`{}` is written with {why} into the image layer: mount the secret for this RUN instead",
                            target.text
                        ),
                    ));
                }
            }
            let unwrapped = unwrapped(&command);
            if let Some(message) = stores_credentials(&unwrapped) {
                out.push(Diagnostic::new(
                    RuleId::SecretInLayer,
                    command.range,
                    message,
                ));
            }
        }
    }
}

/// The shape that can be rewritten: a `RUN` that starts by writing a credentials file with `echo`/`printf`
/// and goes on (`&&`) with the commands that use it, run as root. The write goes, and the file is mounted
/// as a build secret at the same place for this `RUN` only. Not offered when the `RUN` also deletes the file
/// (a mounted secret cannot be removed).
fn mount_instead(
    cx: &DockerfileContext,
    index: usize,
    script: &crate::model::shell::Script,
    command: &Command,
    target: &Arg,
    file: &str,
) -> Option<Fix> {
    let instruction = &cx.file.instructions[index];
    let next = script.commands.get(1)?;
    let by_root = cx.file.effective_user_at(index).is_none_or(|u| {
        let user = u.operands().first().map_or("", |w| w.text.as_str());
        user == "root" || user.starts_with("0:") || user == "0" || user.starts_with("root:")
    });
    let shape = command.is(&["echo", "printf"])
        && instruction.heredocs.is_empty()
        && instruction.exec_form().is_none()
        && by_root
        && command.then == Some(ListOperator::And);
    let deleted = script
        .commands
        .iter()
        .any(|c| c.is(&["rm"]) && c.args.iter().any(|a| a.text == target.text));
    if !shape || deleted {
        return None;
    }
    let path = match target.text.strip_prefix("~/") {
        Some(rest) => format!("/root/{rest}"),
        None if target.text.starts_with('/') => target.text.to_string(),
        None => return None,
    };
    let id = file.trim_start_matches('.').replace(['/', '.'], "-");
    let mount = format!(" --mount=type=secret,id={id},target={path}");
    Some(
        Fix::unsafe_(
            format!("Mount `{path}` as build secret `{id}` instead of writing it (`docker build --secret id={id},src=…`)"),
            vec![
                Edit::insert(instruction.keyword_range.end, mount),
                Edit::delete(TextRange::new(command.range.start, next.range.start)),
            ],
        )
        .preferred(true),
    )
}

/// The files a command writes: redirection targets (`>`, `>>`, `&>`) and `tee`'s operands.
fn written_files<'a>(command: &Command<'a>) -> Vec<Arg<'a>> {
    let mut out: Vec<Arg> = command
        .redirects
        .iter()
        .filter(|r| r.operator.ends_with('>') && !r.operator.ends_with(">&"))
        .filter_map(|r| r.target)
        .filter(|t| t.text != "/dev/null")
        .collect();
    if command.is(&["tee"]) {
        out.extend(operands(command));
    }
    out
}

/// What secret an `echo`/`printf`/`cat <<EOF` writes, if any: a credential format, or a secret-named
/// variable (`$NPM_TOKEN`) in its arguments or heredoc.
fn secret_content(source: &str, command: &Command) -> Option<String> {
    if !command.is(&["echo", "printf", "cat"]) {
        return None;
    }
    let secret_variable = |names: &[&str]| -> Option<String> {
        let name = names.iter().find(|n| secret_name(n).is_some())?;
        Some(format!("the secret-named variable `{name}`"))
    };
    for arg in &command.args {
        if let Some((_, format)) = crate::knowledge::secrets::credentials_in(arg.text).first() {
            return Some(format.to_string());
        }
        let names: Vec<&str> = arg.variables.iter().collect();
        if let Some(why) = secret_variable(&names) {
            return Some(why);
        }
    }
    for body in command.redirects.iter().filter_map(|r| r.heredoc) {
        let text = body.slice(source);
        if let Some((_, format)) = crate::knowledge::secrets::credentials_in(text).first() {
            return Some(format.to_string());
        }
        if let Some(why) = secret_variable(&variables(text)) {
            return Some(why);
        }
    }
    None
}

/// `$NAME` and `${NAME…}` references in a heredoc body (not parsed as shell: it is data).
fn variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('$') {
        let rest = &text[at + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 {
            out.push(&rest[..len]);
        }
    }
    out
}

/// Commands that store a credential in the image when they run.
fn stores_credentials(command: &Command) -> Option<String> {
    let program = command.program()?;
    let texts: Vec<&str> = command.args.iter().map(|a| a.text).collect();
    let has = |option: &str| {
        texts
            .iter()
            .any(|t| *t == option || t.starts_with(&format!("{option}=")))
    };
    match program {
        "chpasswd" => Some("`chpasswd` sets a password in the image: anyone with the image can read its hash, and the password is in the build".to_owned()),
        "aws" if texts.starts_with(&["configure", "set"])
            && texts.get(2).is_some_and(|k| {
                let key = k.to_ascii_lowercase();
                key.ends_with("aws_secret_access_key") || key.ends_with("aws_access_key_id") || key.ends_with("aws_session_token")
            }) =>
        {
            Some("`aws configure set` stores the key in `~/.aws/credentials` in the image layer".to_owned())
        }
        "gcloud" if texts.starts_with(&["auth", "activate-service-account"]) => Some(
            "`gcloud auth activate-service-account` stores the service account's key in the image layer".to_owned(),
        ),
        "az" if texts.first() == Some(&"login") && (has("-p") || has("--password")) => {
            Some("`az login -p` stores a login in the image layer".to_owned())
        }
        "docker" | "podman" | "buildah"
            if texts.first() == Some(&"login") && (has("-p") || has("--password")) =>
        {
            Some(format!("`{program} login -p` stores the registry password in the image layer"))
        }
        "npm" | "yarn" | "pnpm"
            if texts.starts_with(&["config", "set"])
                && texts.get(2).is_some_and(|k| k.contains("_authToken") || k.ends_with("_auth") || k.ends_with("_password") || k.contains("npmAuthToken")) =>
        {
            Some(format!("`{program} config set` writes the registry token to `.npmrc` in the image layer"))
        }
        "git" => git_url_with_token(command),
        _ => None,
    }
}

/// `git clone https://user:$TOKEN@host/…`: the token stays in `.git/config`. Literal passwords are
/// reported by `hardcoded-credential`.
fn git_url_with_token(command: &Command) -> Option<String> {
    command.args.iter().find_map(|arg| {
        let (_, rest) = arg.text.split_once("://")?;
        let authority = rest.split('/').next()?;
        let (userinfo, _) = authority.rsplit_once('@')?;
        let secret = match userinfo.split_once(':') {
            Some((_, password)) => password,
            None => userinfo,
        };
        let literal = credential_format(arg.text).is_some();
        (secret.starts_with('$') && !literal).then(|| {
            "`git` with a token in the URL keeps it in the repository's `.git/config` in the image layer".to_owned()
        })
    })
}
