use crate::edit::fix::Fix;
use crate::edit::yaml_edit::replace_value;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{owner, security_settings};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports group 0 (root) given to a pod's processes: `runAsGroup: 0` (pod or container),
    /// `fsGroup: 0`, or `0` in `supplementalGroups`.
    ///
    /// ## Why it matters
    /// Files the image leaves to group root become writable or readable to the process. It is not a Pod
    /// Security control: OpenShift runs every pod with an arbitrary uid in group 0, and images built for it
    /// make their writable paths group-root on purpose — so this is information, and the message says so.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   runAsUser: 10001
    ///   runAsGroup: 0
    /// ```
    ///
    /// ## Fix
    /// Unsafe, not preferred (an image built for OpenShift needs group 0): set the group to 10001.
    ///
    /// ## References
    /// - CIS Kubernetes Benchmark 5.2 (minimize the admission of root containers)
    /// - OpenShift documentation: "Supporting arbitrary user ids"
    name: "root-group",
    severity: Info,
    fix: Unsafe,
    summary: "the pod's processes get group 0 (root)",
}

/// The group the fix sets.
const GROUP: &str = "10001";

const NOTE: &str = "files the image leaves to group root are theirs (OpenShift's arbitrary uids rely on group 0; elsewhere it is seldom needed)";

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for key in ["runAsGroup", "fsGroup"] {
        for (who, member) in security_settings(cx, key) {
            if yaml.str(member.value) != Some("0") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    RuleId::RootGroup,
                    member.range,
                    format!("{who} runs with `{key}: 0`: {NOTE}"),
                )
                .with_fix(
                    Fix::unsafe_(
                        format!("Set `{key}: {GROUP}`"),
                        vec![replace_value(yaml, member.value, GROUP)],
                    )
                    .preferred(false),
                ),
            );
        }
    }
    for pod in &cx.k8s.pods {
        let Some(groups) = yaml.path(pod.node, &["securityContext", "supplementalGroups"]) else {
            continue;
        };
        for &group in yaml.items(groups) {
            if yaml.str(group) != Some("0") {
                continue;
            }
            let others: Vec<&str> = yaml
                .items(groups)
                .iter()
                .filter_map(|&g| yaml.str(g))
                .collect();
            // A group already listed is not added twice: the fix then only removes 0.
            let fix = (!others.contains(&GROUP)).then(|| {
                Fix::unsafe_(
                    format!("Use group {GROUP} instead of 0"),
                    vec![replace_value(yaml, group, GROUP)],
                )
                .preferred(false)
            });
            out.push(
                Diagnostic::new(
                    RuleId::RootGroup,
                    yaml.node(group).range,
                    format!(
                        "the pod of {} lists group 0 in `supplementalGroups`: {NOTE}",
                        owner(&cx.k8s.manifests[pod.manifest])
                    ),
                )
                .with_fixes(fix),
            );
        }
    }
}
