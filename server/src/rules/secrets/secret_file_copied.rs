use crate::model::dockerfile::Keyword;
use crate::model::dockerignore::DockerIgnore;
use crate::rules::compose_support::build_of;
use crate::rules::{DockerfileContext, RuleId, declare_rule};
use crate::{Diagnostic, Severity, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `COPY`/`ADD` of files that hold secrets: SSH keys (`id_rsa*`, `id_ed25519*`…), private keys
    /// and keystores (`*.pem`, `*.key`, `*.p12`, `*.pfx`), `.env` files, `.npmrc`, `.pypirc`, `.netrc`,
    /// `.git-credentials`, `.aws/credentials`, kubeconfigs — unless the build context's ignore file leaves
    /// them out. And `COPY . …` when the build context has no `.dockerignore` at all (information: every
    /// file of the folder goes into the image).
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

/// What is known of the build context: its ignore file, if it has one.
struct BuildContext {
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
        })
    }

    fn excludes(&self, path: &str) -> bool {
        self.ignore.as_ref().is_some_and(|i| i.excludes(path))
    }
}
