use crate::edit::fix::{Edit, FileChange, Fix};
use crate::edit::lines::line_ending;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::{RuleId, WorkspaceContext, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a namespace with a workload that no NetworkPolicy of the workspace isolates in both
    /// directions: a default-deny (`podSelector: {}` with `policyTypes: [Ingress, Egress]`), or a policy
    /// whose `podSelector` (`matchLabels`, `matchExpressions`) selects the workload's pod labels with
    /// both types (without `policyTypes`, a policy isolates ingress, and egress when it has egress rules).
    /// Manifests without `metadata.namespace` belong to `default`. The finding is on the `kind:` line of
    /// the namespace's first such workload: the CLI reports it once per namespace, in the first file (in
    /// sorted path order) that has one, among the files it was given; the editor reports it in every open
    /// document that has one, as each is read alone.
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
    /// Silent when a default-deny policy for the namespace, or policies selecting each workload, exist in
    /// the workspace.
    ///
    /// ## Fix
    /// Unsafe (traffic that is not explicitly allowed stops): add a default-deny NetworkPolicy for the
    /// namespace to `networkpolicy-default-deny.yaml` beside the manifest (created when missing; the CLI
    /// writes it under `--fix --unsafe-fixes`). The policy still allows DNS (UDP and TCP 53 to the
    /// `k8s-app: kube-dns` pods of the namespace labelled `kubernetes.io/metadata.name: kube-system`), so
    /// name resolution keeps working; every other flow then needs an allow policy, so the fix is the
    /// preferred one (applied by `--unsafe-fixes`) only where the workspace already has policies for some
    /// of the namespace's pods. An editor that cannot create files gets the policy as a new
    /// `---` document of the manifest instead. Then allow the flows the workload needs next to it. A
    /// namespace that already has a policy selecting every pod never gets a second one: when that policy
    /// isolates egress only and is in the same file, the fix adds `Ingress` to its types; when it isolates
    /// ingress only, there is no fix (isolating egress without allow rules cuts DNS).
    ///
    /// ## References
    /// - Kubernetes: "Network Policies", default deny all ingress and all egress traffic
    /// - NSA/CISA Kubernetes Hardening Guide: network separation; CIS Kubernetes Benchmark 5.3.2
    name: "missing-network-policy",
    severity: Warning,
    fix: Unsafe,
    summary: "a namespace with workloads has no default-deny NetworkPolicy",
}

pub fn check_workspace(cx: &WorkspaceContext, out: &mut Vec<Diagnostic>) {
    for (namespace, range) in cx.summary.unisolated(cx.facts) {
        if cx.reported_elsewhere.contains(namespace) {
            continue;
        }
        let every_pod = cx
            .facts
            .policies
            .iter()
            .find(|p| p.namespace == namespace && p.selects_every_pod());
        let (message, fix) = match every_pod {
            // Never a second default-deny: complete the one there is, with `Ingress` only (isolating egress
            // without allow rules would cut DNS).
            Some(policy) => {
                let direction = if policy.ingress { "egress" } else { "ingress" };
                let extension = cx
                    .summary
                    .ingress_extensions()
                    .find(|(_, e)| e.namespace == namespace && e.policy == policy.name);
                let fix = extension.map(|(start, e)| {
                    Fix::unsafe_(
                        format!(
                            "Add `Ingress` to the policy types of NetworkPolicy `{}`",
                            e.policy
                        ),
                        vec![e.shifted(start).edit],
                    )
                    .preferred(true)
                });
                let message = format!(
                    "namespace `{namespace}` has no default-deny NetworkPolicy: `{}` selects every pod but does not isolate {direction}",
                    policy.name
                );
                (message, fix)
            }
            None => (
                format!(
                    "namespace `{namespace}` has no default-deny NetworkPolicy: every pod can reach, and be reached by, any other"
                ),
                Some(create(
                    cx.source,
                    namespace,
                    has_allow_policies(cx, namespace),
                )),
            ),
        };
        out.push(Diagnostic::new(RuleId::MissingNetworkPolicy, range, message).with_fixes(fix));
    }
}

/// Whether the workspace has policies for some of the namespace's pods (not every pod): the allow rules
/// that keep its traffic flowing once everything else is denied.
fn has_allow_policies(cx: &WorkspaceContext, namespace: &str) -> bool {
    cx.facts
        .policies
        .iter()
        .any(|p| p.namespace == namespace && !p.selects_every_pod())
}

/// The fix that writes a default-deny policy for `namespace`, beside the manifest or in it. It stops every
/// flow no policy allows, so it is the preferred fix only where allow policies already exist.
fn create(source: &str, namespace: &str, preferred: bool) -> Fix {
    let policy = policy(source, namespace);
    let consequence = "other traffic then needs allow policies";
    let in_this_file = Fix::unsafe_(
        format!(
            "Add a default-deny NetworkPolicy (DNS to kube-dns allowed) for namespace `{namespace}` to this file: {consequence}"
        ),
        vec![append_to(source, &policy)],
    )
    .preferred(preferred);
    Fix::unsafe_(
        format!(
            "Add a default-deny NetworkPolicy (DNS to kube-dns allowed) for namespace `{namespace}` to `{POLICY_FILE}`: {consequence}"
        ),
        Vec::new(),
    )
    .preferred(preferred)
    .with_file_change(FileChange::append(POLICY_FILE, policy))
    .with_fallback(in_this_file)
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
        &format!(
            "  namespace: {}",
            crate::edit::yaml_edit::string_scalar(namespace)
        ),
        "spec:",
        "  podSelector: {}",
        "  policyTypes: [Ingress, Egress]",
        // Name resolution keeps working: DNS to the cluster's kube-dns pods.
        "  egress:",
        "    - to:",
        "        - namespaceSelector:",
        "            matchLabels:",
        "              kubernetes.io/metadata.name: kube-system",
        "          podSelector:",
        "            matchLabels:",
        "              k8s-app: kube-dns",
        "      ports:",
        "        - protocol: UDP",
        "          port: 53",
        "        - protocol: TCP",
        "          port: 53",
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
