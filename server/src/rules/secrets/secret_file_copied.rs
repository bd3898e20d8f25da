use crate::document::{Severity, TextRange};
use crate::knowledge::secrets::{ValueKind, classify_value, points_to_secret};
use crate::model::dockerfile::{Instruction, Keyword};
use crate::model::dockerignore::DockerIgnore;
use crate::rules::compose_support::build_of;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY`/`ADD` of files that hold secrets: SSH keys (`id_rsa*`, `id_ed25519*`…), private keys
    /// and keystores (`*.pem`, `*.key`, `*.p12`, `*.pfx`), `.env` files, `.npmrc`, `.pypirc`, `.netrc`,
    /// `.git-credentials`, `.aws/credentials`, kubeconfigs — unless the build context's ignore file leaves
    /// them out. And `COPY . …` when the build context has no `.dockerignore` at all (information: every
    /// file of the folder goes into the image). And, as information, a `COPY`/`ADD` that fills the
    /// absolute path a secret-named `ENV` or `ARG` of its stage points to
    /// (`GOOGLE_APPLICATION_CREDENTIALS=/app/key.json`, `DB_PASSWORD_FILE=/run/db-password`) with a file
    /// that is in the build context: whatever the file is called, the variable says it is a secret.
    ///
    /// The ignore file is read with Docker's semantics (anchored patterns, `**`, `!` exceptions): the
    /// Dockerfile's own `<name>.dockerignore` beside it first, else `.dockerignore` in the build context
    /// (the `build.context` of a Compose service that builds the Dockerfile, else the Dockerfile's folder),
    /// inside the workspace only.
    ///
    /// ## Why it matters
    /// A file copied into a layer is in the image for good, even if a later `RUN rm` deletes it: anyone who
    /// pulls the image extracts the key.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY id_rsa /root/.ssh/id_rsa
    /// COPY . /app
    /// ```
    /// Silent when the ignore file excludes the file; for certificates (`ca.pem`, `fullchain.pem`,
    /// `cert.pem`: public material); for `.env.example`-style templates; for `COPY --from=<stage>`. When the
    /// file is linted alone (no workspace), `COPY .` is not judged.
    ///
    /// ## Fix
    /// None: list the files in `.dockerignore`, and mount secrets the build needs
    /// (`RUN --mount=type=secret` or `--mount=type=ssh`).
    ///
    /// ## References
    /// - Docker: ".dockerignore files", "Build secrets"; CIS Docker Benchmark 4.10
    /// - CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory
    name: "secret-file-copied",
    severity: Error,
    fix: None,
    summary: "a secret file is copied into the image",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let context = BuildContext::read(cx);
    if let Some(context) = &context {
        check_secret_paths(cx, context, out);
    }
    for instruction in &cx.file.instructions {
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
            || instruction.flag("from").is_some()
        {
            continue;
        }
        for (source, range) in sources(instruction) {
            if source.contains("://") {
                continue;
            }
            let path = normalize(&source);
            if let Some(kind) = secret_file(&path) {
                if context.as_ref().is_some_and(|c| c.excludes(&path)) {
                    continue;
                }
                out.push(Diagnostic::new(
                    RuleId::SecretFileCopied,
                    range,
                    format!("`{source}` is {kind}: copied into a layer, it stays in the image for anyone who pulls it"),
                ));
            } else if path.is_empty() && context.as_ref().is_some_and(|c| c.ignore.is_none()) {
                out.push(
                    Diagnostic::new(
                        RuleId::SecretFileCopied,
                        range,
                        "the whole build context is copied and it has no `.dockerignore`: `.env` files, keys and `.git` go into the image",
                    )
                    .with_severity(Severity::Info),
                );
            }
        }
    }
}

/// A secret-named variable of a stage and the absolute path it gives.
struct SecretPath {
    stage: Option<usize>,
    name: String,
    path: String,
}

/// Report the `COPY`/`ADD` that puts a build-context file where a secret-named variable points.
fn check_secret_paths(cx: &DockerfileContext, context: &BuildContext, out: &mut Vec<Diagnostic>) {
    let variables: Vec<SecretPath> = cx
        .file
        .instructions
        .iter()
        .filter(|i| matches!(i.keyword, Keyword::Env | Keyword::Arg))
        .flat_map(|i| i.pairs().into_iter().map(move |pair| (i.stage, pair)))
        .filter_map(|(stage, pair)| {
            let value = pair.value?;
            let path = normalize(&value);
            let pointer = value.starts_with('/') && classify_value(&value) == ValueKind::Path;
            (pointer && points_to_secret(&pair.name)).then_some(SecretPath {
                stage,
                name: pair.name,
                path,
            })
        })
        .collect();
    if variables.is_empty() {
        return;
    }
    let mut workdir = String::new();
    let mut stage = None;
    for instruction in &cx.file.instructions {
        if instruction.stage != stage {
            stage = instruction.stage;
            workdir.clear();
        }
        match instruction.keyword {
            Keyword::Workdir => {
                if let Some(dir) = instruction.operands().first() {
                    workdir = joined(&workdir, &dir.text);
                }
                continue;
            }
            Keyword::Copy | Keyword::Add if instruction.flag("from").is_none() => {}
            _ => continue,
        }
        let Some(destination) = destination(instruction) else {
            continue;
        };
        let into_folder = destination.ends_with('/') || sources(instruction).len() > 1;
        let destination = joined(&workdir, &destination);
        for variable in variables.iter().filter(|v| v.stage == stage) {
            for (source, range) in sources(instruction) {
                let source_path = normalize(&source);
                let Some(file) =
                    filled_from(&variable.path, &destination, &source_path, into_folder)
                else {
                    continue;
                };
                // A file the rule already names as a secret, or one the ignore file leaves out, is not
                // reported again.
                if secret_file(&file).is_some()
                    || context.excludes(&file)
                    || !context.has(cx, &file)
                {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        RuleId::SecretFileCopied,
                        range,
                        format!(
                            "`{}` points to `/{}`, and this copies the build context's `{file}` there: the secret file stays in a layer for anyone who pulls the image",
                            variable.name, variable.path
                        ),
                    )
                    .with_severity(Severity::Info),
                );
            }
        }
    }
}

/// The build-context file a `COPY source destination` puts at `target` (all normalised, no leading `/`).
fn filled_from(target: &str, destination: &str, source: &str, into_folder: bool) -> Option<String> {
    let file_name = source.rsplit('/').next().unwrap_or(source);
    if target == destination && !into_folder && !source.is_empty() {
        return Some(source.to_owned());
    }
    let rest = if destination.is_empty() {
        target
    } else {
        target.strip_prefix(destination)?.strip_prefix('/')?
    };
    if rest == file_name && !source.is_empty() {
        return Some(source.to_owned());
    }
    // A folder copied whole (`COPY . /app`, `COPY config/ /etc/app/`): the file under it.
    Some(if source.is_empty() {
        rest.to_owned()
    } else {
        format!("{source}/{rest}")
    })
}

/// `dir` taken from `base` as `WORKDIR` does, normalised (no leading `/`).
fn joined(base: &str, dir: &str) -> String {
    if dir.starts_with('/') {
        normalize(dir)
    } else {
        normalize(&format!("{base}/{dir}"))
    }
}

/// The destination of a `COPY`/`ADD`: its last operand.
fn destination(instruction: &Instruction) -> Option<String> {
    if let Some(argv) = instruction.exec_form() {
        return argv.last().cloned();
    }
    instruction.operands().last().map(|w| w.text.clone())
}

/// The sources of a `COPY`/`ADD` (every operand but the destination), with where they are written.
fn sources(instruction: &crate::model::dockerfile::Instruction) -> Vec<(String, TextRange)> {
    if let Some(argv) = instruction.exec_form() {
        let count = argv.len().saturating_sub(1);
        return argv
            .into_iter()
            .take(count)
            .map(|a| (a, instruction.range))
            .collect();
    }
    let operands = instruction.operands();
    let count = operands.len().saturating_sub(1);
    operands[..count]
        .iter()
        .map(|w| (w.text.clone(), w.range))
        .collect()
}

/// A source as a path in the build context: `./a/b/` → `a/b`; `.` → ``.
fn normalize(source: &str) -> String {
    source
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// What kind of secret file `path` names, if it names one.
fn secret_file(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let lower = path.to_ascii_lowercase();
    if ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
        .iter()
        .any(|k| name.starts_with(k))
        && !name.ends_with(".pub")
    {
        return Some("an SSH private key");
    }
    if name.ends_with(".p12")
        || name.ends_with(".pfx")
        || name.ends_with(".jks")
        || name.ends_with(".keystore")
    {
        return Some("a keystore");
    }
    if name.ends_with(".key") {
        return Some("a private key file");
    }
    if name.ends_with(".pem") {
        // Certificates are public: `ca.pem`, `cert.pem`, `fullchain.pem`, `ca-bundle.pem`.
        let certificate = ["ca", "cert", "chain", "bundle", "pub", "public", "root"]
            .iter()
            .any(|w| name.contains(w))
            && !name.contains("key");
        return (!certificate).then_some("a PEM file (private keys are kept in these)");
    }
    let template = ["example", "sample", "template", "dist", "defaults"]
        .iter()
        .any(|w| name.contains(w));
    if (name == ".env" || name.starts_with(".env.")) && !template {
        return Some("an environment file (`.env`), where secrets are kept");
    }
    match name.as_str() {
        ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials" | ".pgpass" => {
            Some("a credentials file")
        }
        "kubeconfig" => Some("a kubeconfig"),
        _ if lower.ends_with(".aws/credentials") => Some("an AWS credentials file"),
        _ if lower.ends_with(".kube/config") => Some("a kubeconfig"),
        _ if lower.ends_with(".docker/config.json") => Some("a Docker credentials file"),
        _ => None,
    }
}

/// What is known of the build context: where it is (relative to the Dockerfile's folder) and its ignore
/// file, if it has one.
struct BuildContext {
    folder: String,
    ignore: Option<DockerIgnore>,
}

impl BuildContext {
    /// `None` when the Dockerfile is linted alone (nothing around it is known). The context is the
    /// `build.context` of a Compose service that builds this Dockerfile, else the Dockerfile's folder.
    fn read(cx: &DockerfileContext) -> Option<Self> {
        let files = cx.files;
        let name = files.file_name()?;
        let context = cx
            .builder()
            .and_then(|b| {
                let (context, _) = build_of(&b.yaml, &b.service)?;
                let folder = b.path.rsplit_once('/').map_or("", |(folder, _)| folder);
                Some(format!("{folder}/{}", context.trim_end_matches('/')))
            })
            .map(|c| c.trim_start_matches('/').to_owned())
            .unwrap_or_else(|| ".".to_owned());
        let text = files
            .read(&format!("{name}.dockerignore"))
            .or_else(|| files.read(&format!("{context}/.dockerignore")));
        Some(Self {
            ignore: text.as_deref().map(DockerIgnore::parse),
            folder: context,
        })
    }

    /// Whether the build context has a regular file at `path`.
    fn has(&self, cx: &DockerfileContext, path: &str) -> bool {
        cx.files
            .head(&format!("{}/{path}", self.folder), 0)
            .is_some()
    }

    fn excludes(&self, path: &str) -> bool {
        self.ignore.as_ref().is_some_and(|i| i.excludes(path))
    }
}
