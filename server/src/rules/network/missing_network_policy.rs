use crate::Diagnostic;
use crate::fix::{Edit, FileChange, Fix};
use crate::rules::support::line_ending;
use crate::rules::{RuleId, declare_rule};
use crate::workspace::{Facts, Summary};

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
    /// namespace to `networkpolicy-default-deny.yaml` beside the manifest (created when missing; the CLI
    /// writes it under `--fix --unsafe-fixes`). An editor that cannot create files gets the policy as a new
    /// `---` document of the manifest instead. Then allow the flows the workload needs next to it.
    ///
    /// ## References
    /// - Kubernetes: "Network Policies", default deny all ingress and all egress traffic
    /// - NSA/CISA Kubernetes Hardening Guide: network separation; CIS Kubernetes Benchmark 5.3.2
    name: "missing-network-policy",
    severity: Warning,
    fix: Unsafe,
    summary: "a namespace with workloads has no default-deny NetworkPolicy",
}

/// What a workspace rule sees: one file's summary and what the workspace's files (this one included) say.
pub struct WorkspaceContext<'a> {
    pub source: &'a str,
    pub summary: &'a Summary,
    pub facts: &'a Facts,
}

pub fn check_workspace(cx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for (namespace, range) in &cx.summary.workloads {
        if cx.facts.default_deny.contains(namespace) {
            continue;
        }
        let policy = policy(cx.source, namespace);
        let in_this_file = Fix::unsafe_(
            format!("Add a default-deny NetworkPolicy for namespace `{namespace}` to this file"),
            vec![append_to(cx.source, &policy)],
        )
        .preferred(true);
        let fix = Fix::unsafe_(
            format!(
                "Add a default-deny NetworkPolicy for namespace `{namespace}` to `{POLICY_FILE}`"
            ),
            Vec::new(),
        )
        .preferred(true)
        .with_file_change(FileChange::append(POLICY_FILE, policy))
        .with_fallback(in_this_file);
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

/// The file beside the manifest that the fix writes the policy to.
const POLICY_FILE: &str = "networkpolicy-default-deny.yaml";

/// The default-deny policy of `namespace` as a `---` document, in the line endings of `source`.
fn policy(source: &str, namespace: &str) -> String {
    let eol = line_ending(source);
    let lines = [
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
    format!("{}{eol}", lines.join(eol))
}

/// Append `document` to `source`, on a line of its own.
fn append_to(source: &str, document: &str) -> Edit {
    let lead = if source.is_empty() || source.ends_with(['\n', '\r']) {
        ""
    } else {
        line_ending(source)
    };
    Edit::insert(source.len(), format!("{lead}{document}"))
}
