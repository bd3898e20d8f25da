use crate::document::Severity;
use crate::knowledge::secrets::{Reason, Verdict, decode_base64, judge};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `kind: Secret` manifest with values in `data` or `stringData`. `data` is decoded and each
    /// value judged like any other secret: a credential format (a GitHub token, a private key…) makes the
    /// finding an error that names it; placeholders only (`changeme`) make it information; values that
    /// decode to nothing are empty.
    ///
    /// ## Why it matters
    /// `data` is base64: an encoding, not encryption. A Secret committed to a repository is readable by
    /// everyone with access to the repository, its forks and its history, forever.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Secret
    /// data:
    ///   password: aHVudGVyMg==
    /// ```
    /// Silent for empty `data` (or values that decode to nothing), and for
    /// `type: kubernetes.io/service-account-token` (filled in by the cluster).
    ///
    /// ## Fix
    /// None: keep the values in an external secret store (External Secrets, Sealed Secrets, SOPS, Vault) and
    /// commit only the reference.
    ///
    /// ## References
    /// - Kubernetes: "Good practices for Kubernetes Secrets"; CWE-312: Cleartext Storage of Sensitive Information
    name: "kubernetes-secret-in-repo",
    severity: Warning,
    fix: None,
    summary: "a Secret with its values is in the repository",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in cx.k8s.manifests.iter().filter(|m| m.kind == "Secret") {
        let kind = yaml
            .get(manifest.root, "type")
            .and_then(|t| yaml.str(t.value));
        if kind == Some("kubernetes.io/service-account-token") {
            continue;
        }
        // Each key with its value as the application will read it.
        let mut values: Vec<(&str, String)> = Vec::new();
        for (field, encoded) in [("data", true), ("stringData", false)] {
            let Some(member) = yaml.get(manifest.root, field) else {
                continue;
            };
            for entry in yaml.members(member.value) {
                let raw = yaml.str(entry.value).unwrap_or("");
                let value = if encoded {
                    decode_base64(raw).unwrap_or_else(|| raw.to_owned())
                } else {
                    raw.to_owned()
                };
                values.push((entry.key, value));
            }
        }
        let held: Vec<(&str, Verdict)> = values
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(key, value)| {
                let verdict = judge(key, value).unwrap_or(Verdict {
                    severity: Severity::Warning,
                    reasons: Vec::new(),
                    placeholder: false,
                });
                (*key, verdict)
            })
            .collect();
        if held.is_empty() {
            continue;
        }
        let keys: Vec<&str> = held.iter().map(|(k, _)| *k).collect();
        let name = manifest.name.as_deref().unwrap_or("?");
        let formats: Vec<String> = held
            .iter()
            .flat_map(|(key, v)| {
                v.reasons.iter().filter_map(move |r| match r {
                    Reason::Format(format) => Some(format!("`{key}` is {format}")),
                    _ => None,
                })
            })
            .collect();
        let diagnostic = if held.iter().all(|(_, v)| v.placeholder) {
            Diagnostic::new(
                RuleId::KubernetesSecretInRepo,
                manifest.kind_range,
                format!("Secret `{name}` holds placeholder values ({}): keep the real ones out of the repository", keys.join(", ")),
            )
            .with_severity(Severity::Info)
        } else if !formats.is_empty() {
            Diagnostic::new(
                RuleId::KubernetesSecretInRepo,
                manifest.kind_range,
                format!("Secret `{name}` carries credentials in the repository ({}): base64 is not encryption; revoke them", formats.join(", ")),
            )
            .with_severity(Severity::Error)
        } else {
            Diagnostic::new(
                RuleId::KubernetesSecretInRepo,
                manifest.kind_range,
                format!(
                    "Secret `{name}` carries values ({}) in the repository: base64 is not encryption",
                    keys.join(", ")
                ),
            )
        };
        out.push(diagnostic);
    }
}
