use crate::edit::fix::Fix;
use crate::edit::yaml_edit::remove_entry;
use crate::knowledge::pod_security::Control;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `host` in a container's liveness, readiness or startup probe, or in a `postStart`/`preStop`
    /// lifecycle hook (`httpGet` or `tcpSocket`). An empty `host` is the default and stays silent.
    ///
    /// ## Why it matters
    /// The kubelet runs probes and hooks from the node, with the node's network access: a `host` makes it
    /// connect wherever the manifest says — another pod, a service on the node, a cloud metadata endpoint
    /// — which is a way to reach what NetworkPolicies keep the pod from.
    ///
    /// ## Example
    /// ```yaml
    /// livenessProbe:
    ///   httpGet:
    ///     host: 169.254.169.254
    ///     path: /latest/meta-data/
    ///     port: 80
    /// ```
    ///
    /// ## Fix
    /// Unsafe (the probe then checks the pod itself): remove `host`.
    ///
    /// ## References
    /// - Pod Security Standards (baseline): Probes / Lifecycle Hooks (Kubernetes 1.34)
    name: "probe-host-field",
    severity: Warning,
    fix: Unsafe,
    summary: "a probe or lifecycle hook connects to another host",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let places: [&[&str]; 5] = [
        &["livenessProbe"],
        &["readinessProbe"],
        &["startupProbe"],
        &["lifecycle", "postStart"],
        &["lifecycle", "preStop"],
    ];
    for c in containers(cx) {
        for place in places {
            let Some(handler) = yaml.path(c.container.node, place) else {
                continue;
            };
            for kind in ["httpGet", "tcpSocket"] {
                let Some(action) = yaml.get(handler, kind) else {
                    continue;
                };
                let Some(host) = yaml.get(action.value, "host") else {
                    continue;
                };
                let Some(text) = yaml.str(host.value).filter(|t| !t.is_empty()) else {
                    continue;
                };
                let what = place.join(".");
                out.push(
                    Diagnostic::new(
                        RuleId::ProbeHostField,
                        host.range,
                        format!("the `{what}` of {} connects to host `{text}` from the node, not to the pod", describe(c)),
                    )
                    .with_fix(
                        Fix::unsafe_("Remove `host` (the pod itself is checked)", vec![remove_entry(cx.source, yaml, host.owner, host.range)])
                            .preferred(true),
                    )
                    .with_control(Control::ProbeHost),
                );
            }
        }
    }
}
