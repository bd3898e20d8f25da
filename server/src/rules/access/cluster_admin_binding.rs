use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::rbac::{describe_subjects, is_rbac, subjects};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a RoleBinding or ClusterRoleBinding whose `roleRef` is the `cluster-admin` ClusterRole,
    /// naming its subjects.
    ///
    /// ## Why it matters
    /// `cluster-admin` can do anything to any object; bound by a ClusterRoleBinding it covers every
    /// namespace, and a workload's service account holding it turns any compromise of that workload into a
    /// compromise of the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterRoleBinding
    /// roleRef:
    ///   apiGroup: rbac.authorization.k8s.io
    ///   kind: ClusterRole
    ///   name: cluster-admin
    /// subjects:
    ///   - kind: ServiceAccount
    ///     name: ci
    ///     namespace: tools
    /// ```
    ///
    /// ## Fix
    /// None: bind a role with the permissions the subject uses.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.1 "Ensure that the cluster-admin role is only used where required"
    /// - kube-linter `cluster-admin-role-binding`
    name: "cluster-admin-binding",
    severity: Warning,
    fix: None,
    summary: "a binding grants cluster-admin",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in
        cx.k8s.manifests.iter().filter(|m| {
            matches!(m.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") && is_rbac(m)
        })
    {
        let Some(name) = yaml.path(manifest.root, &["roleRef", "name"]) else {
            continue;
        };
        let kind = yaml
            .path(manifest.root, &["roleRef", "kind"])
            .and_then(|k| yaml.str(k));
        if yaml.str(name) != Some("cluster-admin") || kind != Some("ClusterRole") {
            continue;
        }
        let subjects = subjects(yaml, manifest.root);
        let who = if subjects.is_empty() {
            "no subject yet".to_owned()
        } else {
            describe_subjects(&subjects)
        };
        out.push(Diagnostic::new(
            RuleId::ClusterAdminBinding,
            yaml.node(name).range,
            format!("{} grants `cluster-admin` to {who}", owner(manifest)),
        ));
    }
}
