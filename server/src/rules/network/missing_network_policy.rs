use std::collections::BTreeSet;

use crate::Diagnostic;
use crate::fix::{Edit, Fix};
use crate::rules::support::line_ending;
use crate::rules::{RuleId, declare_rule};
use crate::workspace::Summary;

declare_rule! {
    /// ## What it does
    /// Reports a namespace that has workloads but no default-deny NetworkPolicy (`podSelector: {}` with
    /// `policyTypes: [Ingress, Egress]`) anywhere in the workspace. Manifests without `metadata.namespace`
    /// belong to `default`. The finding is reported once per namespace, on the `kind:` line of the first
    /// workload of that namespace, in each file that has one. The editor reads the whole workspace; the CLI
    /// sees the files it was given.
    ///
    /// ## Why it matters
    /// Without a NetworkPolicy every pod accepts connections from every other pod of the cluster and can
    /// reach anything: one compromised pod can scan and attack all the others. A default deny makes every
    /// allowed flow an explicit decision.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Deployment
    /// metadata: {name: web, namespace: shop}
    /// ```
    /// Silent when a default-deny policy for the namespace exists in the workspace.
    ///
    /// ## Fix
    /// Unsafe (traffic that is not explicitly allowed stops): add a default-deny NetworkPolicy for the
    /// namespace, as a new `---` document of the file; allow the flows the workload needs next to it.
    ///
    /// ## References
    /// - Kubernetes: "Network Policies", default deny all ingress and all egress traffic
    /// - NSA/CISA Kubernetes Hardening Guide: network separation; CIS Kubernetes Benchmark 5.3.2
    name: "missing-network-policy",
    severity: Warning,
    fix: Unsafe,
    summary: "a namespace with workloads has no default-deny NetworkPolicy",
}

/// What the rule sees: one file's summary and the namespaces the workspace default-denies.
pub struct WorkspaceContext<'a> {
    pub source: &'a str,
    pub summary: &'a Summary,
    pub denied: &'a BTreeSet<String>,
}

pub fn check_workspace(cx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for (namespace, range) in &cx.summary.workloads {
        if cx.denied.contains(namespace) {
            continue;
        }
        let fix = Fix::unsafe_(
            format!("Add a default-deny NetworkPolicy for namespace `{namespace}` to this file"),
            vec![append_policy(cx.source, namespace)],
        )
        .preferred(true);
        out.push(
            Diagnostic::new(
                RuleId::MissingNetworkPolicy,
                *range,
                format!("namespace `{namespace}` has no default-deny NetworkPolicy: every pod can reach, and be reached by, any other"),
            )
            .with_fix(fix),
        );
    }
}

fn append_policy(source: &str, namespace: &str) -> Edit {
    let eol = line_ending(source);
    let lead = if source.is_empty() || source.ends_with(['\n', '\r']) {
        ""
    } else {
        eol
    };
    let policy = [
        "---",
        "apiVersion: networking.k8s.io/v1",
        "kind: NetworkPolicy",
        "metadata:",
        "  name: default-deny",
        &format!("  namespace: {namespace}"),
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Ingress, Egress]",
    ];
    Edit::insert(source.len(), format!("{lead}{}{eol}", policy.join(eol)))
}
