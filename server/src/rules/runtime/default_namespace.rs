use crate::document::KUSTOMIZATIONS;
use crate::document::shift;
use crate::model::yaml::Yaml;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{RuleId, WorkspaceContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a workload with no `metadata.namespace` or with `namespace: default`. Off by default:
    /// namespace-less manifests are the norm with `kubectl -n`, Argo CD and Flux, which choose the
    /// namespace when they apply them. Silent when the kustomization beside the file sets `namespace:`.
    /// (A base that only an overlay in another folder puts in a namespace still fires: turn the rule on
    /// where manifests are applied as written.)
    ///
    /// ## Why it matters
    /// The `default` namespace is shared by everything nobody placed: its NetworkPolicies, quotas and Pod
    /// Security labels are seldom set, and its service accounts and Secrets are visible to whatever else
    /// lands there.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// ```
    ///
    /// ## Fix
    /// None: the namespace is the deployment's decision (`metadata.namespace`, or the kustomization's).
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.7.4 "The default namespace should not be used"
    /// - Checkov CKV_K8S_21
    name: "default-namespace",
    severity: Off,
    fix: None,
    summary: "a workload in the default namespace (opt-in)",
}

pub fn check_workspace(cx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    let placed = KUSTOMIZATIONS.iter().any(|name| {
        cx.files.read(name).is_some_and(|text| {
            let yaml = Yaml::read(&text);
            yaml.documents
                .first()
                .and_then(|d| d.root)
                .and_then(|root| yaml.get(root, "namespace"))
                .and_then(|m| yaml.str(m.value))
                .is_some_and(|ns| !ns.is_empty() && ns != "default")
        })
    });
    if placed {
        return;
    }
    for (start, workload) in cx
        .summary
        .workloads()
        .filter(|(_, w)| w.namespace == "default")
    {
        out.push(
            Diagnostic::new(
                RuleId::DefaultNamespace,
                workload.range.shifted(shift(start)),
                format!(
                    "this {} runs in the `default` namespace (no `metadata.namespace`, or `default`): it shares it with everything nobody placed",
                    workload.kind
                ),
            )
            .with_severity(crate::document::Severity::Info),
        );
    }
}
