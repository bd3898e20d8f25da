use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::rbac::{is_rbac, subjects};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a RoleBinding or ClusterRoleBinding whose subjects include `system:anonymous`,
    /// `system:unauthenticated` or `system:authenticated`.
    ///
    /// ## Why it matters
    /// The first two are anyone who can reach the API server; the third is anyone with any credential —
    /// every service account of every namespace, and on some managed clusters any account of the cloud
    /// provider. A role bound to them is public.
    ///
    /// ## Example
    /// ```yaml
    /// subjects:
    ///   - kind: Group
    ///     name: system:authenticated
    ///     apiGroup: rbac.authorization.k8s.io
    /// ```
    ///
    /// ## Fix
    /// None: bind the role to the groups or service accounts that need it.
    ///
    /// ## References
    /// - Kubernetes RBAC good practices: "Avoid binding to system:anonymous, system:unauthenticated and
    ///   system:authenticated"
    /// - CIS Kubernetes Benchmark 5.1 (RBAC and service accounts)
    name: "rbac-public-subject",
    severity: Error,
    fix: None,
    summary: "a binding grants a role to anonymous or every authenticated user",
}

const PUBLIC: [&str; 3] = [
    "system:anonymous",
    "system:unauthenticated",
    "system:authenticated",
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in
        cx.k8s.manifests.iter().filter(|m| {
            matches!(m.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") && is_rbac(m)
        })
    {
        let role = yaml
            .path(manifest.root, &["roleRef", "name"])
            .and_then(|n| yaml.str(n))
            .unwrap_or("?");
        for (kind, name, node) in subjects(yaml, manifest.root) {
            if !PUBLIC.contains(&name.as_str()) {
                continue;
            }
            let range = yaml
                .get(node, "name")
                .map_or(yaml.node(node).range, |m| yaml.node(m.value).range);
            out.push(Diagnostic::new(
                RuleId::RbacPublicSubject,
                range,
                format!(
                    "{} grants `{role}` to {kind} `{name}`: {}",
                    owner(manifest),
                    if name == "system:authenticated" {
                        "anyone with any credential to the cluster"
                    } else {
                        "anyone who can reach the API server"
                    }
                ),
            ));
        }
    }
}
