use crate::Diagnostic;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `kind: Secret` manifest with values in `data` or `stringData`.
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
    /// Silent for empty `data`, and for `type: kubernetes.io/service-account-token` (filled in by the cluster).
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
        let keys: Vec<&str> = ["data", "stringData"]
            .into_iter()
            .filter_map(|k| yaml.get(manifest.root, k))
            .flat_map(|m| yaml.members(m.value))
            .map(|m| m.key)
            .collect();
        if keys.is_empty() {
            continue;
        }
        out.push(Diagnostic::new(
            RuleId::KubernetesSecretInRepo,
            manifest.kind_range,
            format!(
                "Secret `{}` carries values ({}) in the repository: base64 is not encryption",
                manifest.name.as_deref().unwrap_or("?"),
                keys.join(", ")
            ),
        ));
    }
}
