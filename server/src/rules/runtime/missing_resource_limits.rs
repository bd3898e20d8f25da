use crate::model::kubernetes::ContainerList;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{container_range, containers, describe};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers without a memory or without a CPU limit, each judged on its own: Kubernetes
    /// `resources.limits.memory`/`cpu`; Compose `mem_limit` or `deploy.resources.limits.memory`, and `cpus`
    /// or `deploy.resources.limits.cpus` (`pids_limit` limits processes, not memory). Ephemeral containers
    /// cannot have resources and are not reported.
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
        let limits = yaml.path(service.node, &["deploy", "resources", "limits"]);
        let set = |key: &str, deploy_key: &str| {
            yaml.get(service.node, key).is_some()
                || limits.is_some_and(|l| yaml.get(l, deploy_key).is_some())
        };
        let missing: Vec<&str> = [
            ("memory", set("mem_limit", "memory")),
            ("CPU", set("cpus", "cpus")),
        ]
        .into_iter()
        .filter(|(_, set)| !set)
        .map(|(what, _)| what)
        .collect();
        if !missing.is_empty() {
            out.push(Diagnostic::new(
                RuleId::MissingResourceLimits,
                service.name_range,
                format!(
                    "service `{}` has no {} limit",
                    service.name,
                    missing.join(" or ")
                ),
            ));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    // Ephemeral containers cannot have resources: the API refuses them.
    let with_resources =
        containers(cx).filter(|c| c.container.list != ContainerList::EphemeralContainers);
    for c in with_resources {
        let limits = yaml.path(c.container.node, &["resources", "limits"]);
        let missing: Vec<&str> = [("memory", "memory"), ("cpu", "CPU")]
            .into_iter()
            .filter(|(key, _)| limits.and_then(|l| yaml.get(l, key)).is_none())
            .map(|(_, said)| said)
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
