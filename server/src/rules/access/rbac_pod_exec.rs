use crate::rules::diagnostic::Diagnostic;
use crate::rules::rbac::policy_rules;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Role or ClusterRole rule that lets its subjects run commands in or reach into pods:
    /// `create` or `get` on `pods/exec`, `pods/attach`, `pods/portforward` or `nodes/proxy`, or `patch` on
    /// `pods/ephemeralcontainers` (wildcards included).
    ///
    /// ## Why it matters
    /// A shell in a pod is everything the pod has: its service account token, its mounted Secrets, its
    /// network position. `nodes/proxy` reaches the kubelet API of every node, and ephemeral containers
    /// are a way into any pod without exec.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: [""]
    ///     resources: ["pods/exec"]
    ///     verbs: ["create"]
    /// ```
    ///
    /// ## Fix
    /// None: keep interactive access to break-glass roles bound to people, not to workloads.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.1.x (minimize access to create pods and exec)
    /// - Kubernetes RBAC good practices: "Escalation paths" (`nodes/proxy`, ephemeral containers)
    name: "rbac-pod-exec",
    severity: Warning,
    fix: None,
    summary: "an RBAC rule lets its subjects exec into pods",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    const INTO: [&str; 4] = [
        "pods/exec",
        "pods/attach",
        "pods/portforward",
        "nodes/proxy",
    ];
    for rule in policy_rules(cx) {
        let mut what: Vec<&str> = INTO
            .iter()
            .copied()
            .filter(|r| rule.grants(&["create", "get"], &[r], &[""]))
            .collect();
        if rule.grants(&["patch"], &["pods/ephemeralcontainers"], &[""]) {
            what.push("pods/ephemeralcontainers");
        }
        if what.is_empty() {
            continue;
        }
        out.push(Diagnostic::new(
            RuleId::RbacPodExec,
            rule.range(cx.source, cx.yaml),
            format!(
                "{} gives access into running pods (`{}`): their tokens, Secrets and network",
                rule.describe(),
                what.join("`, `")
            ),
        ));
    }
}
