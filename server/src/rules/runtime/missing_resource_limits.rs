use crate::Diagnostic;
use crate::rules::pod_security::{container_range, containers, describe};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers without a memory or CPU limit: Kubernetes `resources.limits.memory`/`cpu`; Compose
    /// without `mem_limit`, `deploy.resources.limits` or `pids_limit`.
    ///
    /// ## Why it matters
    /// A container without limits can exhaust its node — by accident (a leak) or on purpose (a fork bomb, a
    /// cryptominer) — and take every other workload with it.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   requests: {memory: 128Mi}
    /// ```
    ///
    /// ## Fix
    /// None: the right limits come from measuring the workload.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.10, 5.11, 5.28 (memory, CPU, PIDs)
    /// - Kubernetes: "Resource Management for Pods and Containers"
    name: "missing-resource-limits",
    severity: Info,
    fix: None,
    summary: "no memory or CPU limit",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let limited = ["mem_limit", "pids_limit", "cpus"]
            .iter()
            .any(|k| yaml.get(service.node, k).is_some())
            || yaml
                .path(service.node, &["deploy", "resources", "limits"])
                .is_some();
        if !limited {
            out.push(Diagnostic::new(
                RuleId::MissingResourceLimits,
                service.name_range,
                format!("service `{}` has no memory, CPU or PID limit", service.name),
            ));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let limits = yaml.path(c.container.node, &["resources", "limits"]);
        let missing: Vec<&str> = ["memory", "cpu"]
            .into_iter()
            .filter(|k| limits.and_then(|l| yaml.get(l, k)).is_none())
            .collect();
        if missing.is_empty() {
            continue;
        }
        out.push(Diagnostic::new(
            RuleId::MissingResourceLimits,
            container_range(yaml, c),
            format!("{} has no {} limit", describe(c), missing.join(" or ")),
        ));
    }
}
