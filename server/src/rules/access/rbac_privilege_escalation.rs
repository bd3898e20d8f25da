use crate::document::Severity;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::rbac::policy_rules;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports RBAC rules that let a subject give itself more than it has:
    /// - errors: the `bind`, `escalate` or `impersonate` verbs (wildcard verbs on roles, bindings, users,
    ///   groups or service accounts included); `create` on `serviceaccounts/token` (a token for any
    ///   service account of the scope); approving certificate signing requests (`update` on
    ///   `certificatesigningrequests/approval` with `approve` on `signers` in the same role); writing
    ///   mutating or validating webhook configurations (they see and change every object admitted);
    /// - warnings: `create`, `update` or `patch` on roles, clusterroles or their bindings (Kubernetes'
    ///   escalation prevention still holds without `bind`/`escalate`, but the subject can rearrange who
    ///   has the permissions it holds).
    ///
    /// ## Why it matters
    /// Each of these is a documented path from a limited account to cluster-admin.
    ///
    /// ## Example
    /// ```yaml
    /// rules:
    ///   - apiGroups: ["rbac.authorization.k8s.io"]
    ///     resources: ["clusterroles"]
    ///     verbs: ["escalate", "bind"]
    /// ```
    ///
    /// ## Fix
    /// None: these belong to the cluster's operators, not to workloads.
    ///
    /// ## References
    /// - Kubernetes RBAC good practices: "Privilege escalation risks"
    /// - CIS Kubernetes Benchmark 5.1.8 "Limit use of the Bind, Impersonate and Escalate permissions"
    name: "rbac-privilege-escalation",
    severity: Error,
    fix: None,
    summary: "an RBAC rule lets its subject raise its own privileges",
}

const RBAC: &str = "rbac.authorization.k8s.io";
const ROLES: [&str; 4] = [
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let rules = policy_rules(cx);
    for rule in &rules {
        let mut errors: Vec<String> = Vec::new();
        let explicit: Vec<&str> = ["bind", "escalate", "impersonate"]
            .into_iter()
            .filter(|v| rule.verbs.iter().any(|(have, _)| have == v))
            .collect();
        if !explicit.is_empty() {
            errors.push(format!("`{}`", explicit.join("`, `")));
        } else if rule.verbs.iter().any(|(v, _)| v == "*")
            && (rule.grants(&["*"], &ROLES, &[RBAC])
                || rule.grants(&["*"], &["users", "groups", "serviceaccounts"], &[""]))
        {
            errors.push("every verb (`bind`, `escalate`, `impersonate` included)".to_owned());
        }
        if rule.grants(&["create"], &["serviceaccounts/token"], &[""]) {
            errors.push("`create` on `serviceaccounts/token`".to_owned());
        }
        let approves = rules.iter().any(|other| {
            std::ptr::eq(other.manifest, rule.manifest)
                && other.grants(&["approve"], &["signers"], &["certificates.k8s.io"])
        });
        if approves
            && rule.grants(
                &["update", "patch"],
                &["certificatesigningrequests/approval"],
                &["certificates.k8s.io"],
            )
        {
            errors.push("approving certificate signing requests".to_owned());
        }
        if rule.grants(
            &["create", "update", "patch", "delete"],
            &[
                "mutatingwebhookconfigurations",
                "validatingwebhookconfigurations",
            ],
            &["admissionregistration.k8s.io"],
        ) {
            errors.push("writing admission webhook configurations".to_owned());
        }
        let range = rule.range(cx.source, cx.yaml);
        if !errors.is_empty() {
            out.push(Diagnostic::new(
                RuleId::RbacPrivilegeEscalation,
                range,
                format!(
                    "{} lets its subjects raise their own privileges: {}",
                    rule.describe(),
                    errors.join("; ")
                ),
            ));
        } else if rule.grants(&["create", "update", "patch"], &ROLES, &[RBAC]) {
            out.push(
                Diagnostic::new(
                    RuleId::RbacPrivilegeEscalation,
                    range,
                    format!(
                        "{} can write roles or bindings: its subjects decide who holds the permissions they have",
                        rule.describe()
                    ),
                )
                .with_severity(Severity::Warning),
            );
        }
    }
}
