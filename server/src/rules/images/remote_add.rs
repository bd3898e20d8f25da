use crate::model::dockerfile::Keyword;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `ADD https://…` (or `http://`) without `--checksum`.
    ///
    /// ## Why it matters
    /// The build trusts whatever the server returns that day: a compromised or changed download goes into the
    /// image unnoticed, and the layer cache hides when it changed. `ADD --checksum=sha256:…` fails the build
    /// when the content differs.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    /// Silent with `--checksum=sha256:…`.
    ///
    /// ## Fix
    /// None: the checksum must come from a trusted source; add `--checksum=sha256:<digest>`.
    ///
    /// ## References
    /// - hadolint DL3020; Dockerfile reference: `ADD --checksum`
    /// - CWE-494: Download of Code Without Integrity Check
    name: "remote-add",
    severity: Warning,
    fix: None,
    summary: "ADD of a URL without --checksum",
}

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Add)
    {
        if instruction.flag("checksum").is_some() {
            continue;
        }
        let operands = instruction.operands();
        let Some((_, sources)) = operands.split_last() else {
            continue;
        };
        for source in sources {
            let lower = source.text.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                out.push(Diagnostic::new(
                    RuleId::RemoteAdd,
                    source.range,
                    "download without integrity check: add `--checksum=sha256:…`",
                ));
            }
        }
    }
}
