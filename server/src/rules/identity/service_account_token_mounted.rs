use crate::Diagnostic;
use crate::fix::Fix;
use crate::rules::{KubernetesContext, RuleId, declare_rule};
use crate::yaml_edit::{Y, insert_entries, replace_value};

declare_rule! {
    /// ## What it does
    /// Reports a pod that does not set `automountServiceAccountToken: false`.
    ///
    /// ## Why it matters
    /// Every pod gets its service account's token mounted by default. Most applications never call the
    /// Kubernetes API; for them the token only helps an attacker who got in move through the cluster.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [...]
    /// ```
    ///
    /// ## Fix
    /// Unsafe (a workload that calls the API loses its credentials): `automountServiceAccountToken: false` in
    /// the pod spec.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.6 "Ensure that Service Account Tokens are only mounted where necessary"
    name: "service-account-token-mounted",
    severity: Info,
    fix: Unsafe,
    summary: "the pod mounts its service account token",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for pod in &cx.k8s.pods {
        let manifest = &cx.k8s.manifests[pod.manifest];
        let member = yaml.get(pod.node, "automountServiceAccountToken");
        let edit = match member {
            Some(m) if yaml.bool(m.value) == Some(false) => continue,
            Some(m) => Some(replace_value(yaml, m.value, "false")),
            None => insert_entries(
                cx.source,
                yaml,
                pod.node,
                &[(
                    "automountServiceAccountToken".to_owned(),
                    Y::scalar("false"),
                )],
            ),
        };
        let fix = edit.map(|e| {
            Fix::unsafe_("Set `automountServiceAccountToken: false`", vec![e]).preferred(true)
        });
        let name = manifest.name.as_deref().unwrap_or("?");
        // A manifest with several pods (Argo's templates) is reported at each pod's template.
        let several = cx
            .k8s
            .pods
            .iter()
            .filter(|p| p.manifest == pod.manifest)
            .count()
            > 1;
        let template = yaml.get(pod.node, "name").filter(|_| several);
        let (range, which) = match template {
            Some(t) => (
                t.range,
                format!(" (template `{}`)", yaml.str(t.value).unwrap_or("?")),
            ),
            None => (manifest.kind_range, String::new()),
        };
        out.push(
            Diagnostic::new(
                RuleId::ServiceAccountTokenMounted,
                range,
                format!("{} `{name}`{which} mounts its service account token: set `automountServiceAccountToken: false` unless it calls the API", manifest.kind),
            )
            .with_fixes(fix),
        );
    }
}
