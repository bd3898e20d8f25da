use crate::document::Severity;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::rbac::policy_rules;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Role or ClusterRole rule with `*` in its `verbs`, `resources` or `apiGroups`: an error when
    /// all three are `*` (every action on everything: cluster-admin under another name), a warning
    /// otherwise.
    ///
    /// ## Why it matters
    /// A wildcard grants what exists today and whatever is added later — new resources, subresources
    /// such as `pods/exec`, custom resources of every operator installed after it. Least privilege means
    /// listing what the workload needs.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["*"]
    ///     resources: ["*"]
    ///     verbs: ["*"]
    /// ```
    ///
    /// ## Fix
    /// None: list the verbs and resources the subject uses (`kubectl auth can-i --list` shows them).
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.3 "Minimize wildcard use in Roles and ClusterRoles"
    /// - kube-linter `wildcard-in-rules`; Checkov CKV_K8S_49
    name: "rbac-wildcard",
    severity: Warning,
    fix: None,
    summary: "an RBAC rule grants with a wildcard",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for rule in policy_rules(cx) {
        let starred: Vec<(&str, crate::model::yaml::NodeId)> = [
            ("verbs", &rule.verbs),
            ("resources", &rule.resources),
            ("apiGroups", &rule.api_groups),
        ]
        .into_iter()
        .filter_map(|(key, list)| list.iter().find(|(v, _)| v == "*").map(|(_, n)| (key, *n)))
        .collect();
        let Some(&(_, first)) = starred.first() else {
            continue;
        };
        let keys: Vec<String> = starred.iter().map(|(k, _)| format!("`{k}`")).collect();
        let diagnostic = if starred.len() == 3 {
            Diagnostic::new(
                RuleId::RbacWildcard,
                yaml.node(first).range,
                format!(
                    "{} grants every verb on every resource of every API group: cluster-admin under another name",
                    rule.describe()
                ),
            )
            .with_severity(Severity::Error)
        } else {
            Diagnostic::new(
                RuleId::RbacWildcard,
                yaml.node(first).range,
                format!(
                    "{} uses `*` in {}: it grants whatever exists now and is added later",
                    rule.describe(),
                    keys.join(" and ")
                ),
            )
        };
        out.push(diagnostic);
    }
}
