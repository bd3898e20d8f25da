use crate::document::TextRange;
use crate::knowledge::secrets::credentials_in;
use crate::model::dockerfile::Keyword;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::containers;
use crate::rules::{
    ComposeContext, DockerfileContext, InstructionContext, KubernetesContext, RuleId, declare_rule,
};

declare_rule! {
    /// ## What it does
    /// Reports a value in a known credential format written anywhere in the file — a `RUN` line, a label, a
    /// command, a comment: AWS access key ids (`AKIA…`), GitHub (`ghp_`, `gho_`, `github_pat_`), GitLab
    /// (`glpat-`), Slack (`xox[abpr]-`), Stripe live keys (`sk_live_`), Google API keys (`AIza…`), npm and
    /// PyPI tokens, private-key PEM headers, JSON Web Tokens, and URLs with `user:password@`.
    ///
    /// Values that another secret rule judges are left to it: `ENV`/`ARG` values and Compose/Kubernetes
    /// environment values (`secret-in-env`), Secret manifests (`kubernetes-secret-in-repo`), ConfigMap data
    /// (`secret-in-configmap`).
    ///
    /// ## Why it matters
    /// A credential in a file is in every clone of the repository and in its history, and a credential in a
    /// `RUN` line is also in the image's history (`docker history`). It must be revoked, not just removed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -H "Authorization: token ghp_1234567890abcdefghijklmnopqrstuvwxyz" https://api.github.com/…
    /// ```
    /// Silent for digests and checksums, and for test fixtures marked with a suppression.
    ///
    /// ## Fix
    /// None: revoke the credential, then supply it at run time or as a build secret
    /// (`RUN --mount=type=secret`).
    ///
    /// ## References
    /// - CWE-798: Use of Hard-coded Credentials; Trivy secret scanning; gitleaks rule formats
    name: "hardcoded-credential",
    severity: Error,
    fix: None,
    summary: "a credential is written in the file",
}

/// Report the credentials in `text`, which starts at `offset` in the file, but in the ranges another rule
/// judges.
fn report(text: &str, offset: usize, judged_elsewhere: &[TextRange], out: &mut Vec<Diagnostic>) {
    for (range, format) in credentials_in(text) {
        let range = TextRange::new(range.start + offset, range.end + offset);
        if judged_elsewhere.iter().any(|r| r.contains_range(range)) {
            continue;
        }
        out.push(Diagnostic::new(
            RuleId::HardcodedCredential,
            range,
            format!("{format} is written in the file: revoke it, then supply it at run time or as a build secret"),
        ));
    }
}

/// The credentials in one instruction and the comments before it, but in its `ENV`/`ARG` values. (A word
/// never crosses an instruction's edge: an instruction starts at its keyword and ends at a line's end.)
pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    let instruction = cx.instruction;
    report(cx.leading.slice(cx.source), cx.leading.start, &[], out);
    let values: Vec<TextRange> = if matches!(instruction.keyword, Keyword::Env | Keyword::Arg) {
        instruction.pairs().iter().map(|p| p.range).collect()
    } else {
        Vec::new()
    };
    let text = instruction.range.slice(cx.source);
    report(text, instruction.range.start, &values, out);
}

/// The credentials after the last instruction (the instruction check reads those before each one).
pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    let from = cx.file.instructions.last().map_or(0, |i| i.range.end);
    let rest = TextRange::new(from, cx.source.len().max(from));
    report(rest.slice(cx.source), from, &[], out);
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let environments: Vec<TextRange> = cx
        .compose
        .services
        .iter()
        .filter_map(|s| yaml.get(s.node, "environment"))
        .map(|m| yaml.node(yaml.resolve(m.value)).range)
        .collect();
    report(cx.source, 0, &environments, out);
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let mut elsewhere: Vec<TextRange> = containers(cx)
        .filter_map(|c| yaml.get(c.container.node, "env"))
        .map(|m| yaml.node(yaml.resolve(m.value)).range)
        .collect();
    for manifest in &cx.k8s.manifests {
        if manifest.kind == "Secret" {
            elsewhere.push(yaml.node(manifest.root).range);
        } else if manifest.kind == "ConfigMap" {
            elsewhere.extend(yaml.get(manifest.root, "data").map(|m| m.range));
        }
    }
    report(cx.source, 0, &elsewhere, out);
}
