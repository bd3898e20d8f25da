use crate::knowledge::pod_security::Control;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Kubernetes container port with `hostPort` set.
    ///
    /// ## Why it matters
    /// A host port binds the pod to one port of its node's network: it bypasses Services and NetworkPolicies
    /// that expect traffic through the cluster network, limits scheduling to one such pod per node, and
    /// exposes the workload wherever the node is reachable.
    ///
    /// ## Example
    /// ```yaml
    /// ports:
    ///   - containerPort: 8080
    ///     hostPort: 8080
    /// ```
    ///
    /// ## Fix
    /// None: use a Service (and an Ingress or LoadBalancer for outside traffic).
    ///
    /// ## References
    /// - Pod Security Standards (baseline): `hostPort` must be unset or 0
    name: "host-port",
    severity: Warning,
    fix: None,
    summary: "a container port is bound on the node (hostPort)",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(ports) = yaml.get(c.container.node, "ports") else {
            continue;
        };
        for &port in yaml.items(ports.value) {
            let Some(host) = yaml.get(port, "hostPort") else {
                continue;
            };
            let value = yaml.str(host.value).unwrap_or("");
            if value.is_empty() || value == "0" {
                continue;
            }
            out.push(Diagnostic::new(
                RuleId::HostPort,
                host.range,
                format!("{} binds port {value} on the node (`hostPort`), bypassing Services and network policies", describe(c)),
            ).with_control(Control::HostPorts));
        }
    }
}
