use crate::document::Severity;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::rbac::policy_rules;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Role or ClusterRole rule that can read Secrets: `get`, `list` or `watch` on `secrets` in
    /// the core API group, wildcards included. `get` limited to named Secrets by `resourceNames` (and no
    /// `list` or `watch`) is information.
    ///
    /// ## Why it matters
    /// `list` and `watch` return the content of every Secret in the scope — a namespace, or with a
    /// ClusterRole binding the whole cluster — including the tokens of more privileged service accounts.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["secrets"]
    ///     verbs: ["get", "list"]
    /// ```
    ///
    /// ## Fix
    /// None: mount the Secrets the workload needs, or limit `get` to them with `resourceNames`.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.2 "Minimize access to secrets"
    /// - kube-linter `access-to-secrets`; Checkov CKV2_K8S_5 (read access to secrets)
    name: "rbac-secrets-access",
    severity: Warning,
    fix: None,
    summary: "an RBAC rule can read Secrets",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for rule in policy_rules(cx) {
        if !rule.grants(&["get", "list", "watch"], &["secrets"], &[""]) {
            continue;
        }
        let verbs = rule.granted_verbs(&["get", "list", "watch"]);
        let named_get_only = verbs == ["get"] && !rule.resource_names.is_empty();
        let range = rule.range(cx.source, cx.yaml);
        let diagnostic = if named_get_only {
            Diagnostic::new(
                RuleId::RbacSecretsAccess,
                range,
                format!(
                    "{} can read the Secrets it names ({})",
                    rule.describe(),
                    rule.resource_names
                        .iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .with_severity(Severity::Info)
        } else {
            Diagnostic::new(
                RuleId::RbacSecretsAccess,
                range,
                format!(
                    "{} can read Secrets (`{}`): every Secret in its scope, other service accounts' tokens included",
                    rule.describe(),
                    verbs.join("`, `")
                ),
            )
        };
        out.push(diagnostic);
    }
}
