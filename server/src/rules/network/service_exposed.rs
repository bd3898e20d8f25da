use crate::document::Severity;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Service reachable from outside the cluster without a limit:
    /// - `type: NodePort` (a port on every node);
    /// - `type: LoadBalancer` without `loadBalancerSourceRanges` — silent when an annotation makes the
    ///   load balancer internal (AWS `service.beta.kubernetes.io/aws-load-balancer-internal: "true"` or
    ///   `aws-load-balancer-scheme: internal`, GKE `networking.gke.io/load-balancer-type: Internal`, Azure
    ///   `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`);
    /// - `externalIPs` set, an error: any user who can create Services can take over traffic for those
    ///   addresses (CVE-2020-8554).
    ///
    /// ## Why it matters
    /// A public load balancer or node port puts the workload on the internet whatever its NetworkPolicies
    /// say; most services are meant for an Ingress or other pods.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   type: LoadBalancer
    ///   ports:
    ///     - port: 443
    /// ```
    ///
    /// ## Fix
    /// None: use `ClusterIP` behind an Ingress, an internal load balancer, or `loadBalancerSourceRanges`.
    ///
    /// ## References
    /// - CVE-2020-8554 (man in the middle with `externalIPs`)
    /// - Checkov CKV_K8S_151 (NodePort), kube-linter `exposed-services`
    name: "service-exposed",
    severity: Warning,
    fix: None,
    summary: "a Service is reachable from outside the cluster without a limit",
}

/// Annotations that make a cloud load balancer internal, with the values that do.
const INTERNAL: [(&str, &str); 5] = [
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
    ("networking.gke.io/load-balancer-type", "internal"),
    ("cloud.google.com/load-balancer-type", "internal"),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for manifest in cx
        .k8s
        .manifests
        .iter()
        .filter(|m| m.kind == "Service" && m.api_version == "v1")
    {
        let Some(spec) = yaml.get(manifest.root, "spec").map(|m| m.value) else {
            continue;
        };
        let who = owner(manifest);
        if let Some(ips) = yaml
            .get(spec, "externalIPs")
            .filter(|m| !yaml.items(m.value).is_empty())
        {
            out.push(
                Diagnostic::new(
                    RuleId::ServiceExposed,
                    ips.range,
                    format!("{who} sets `externalIPs`: whoever can create Services can intercept traffic to those addresses (CVE-2020-8554)"),
                )
                .with_severity(Severity::Error),
            );
        }
        let Some(kind) = yaml.get(spec, "type") else {
            continue;
        };
        let message = match yaml.str(kind.value) {
            Some("NodePort") => {
                format!("{who} is a `NodePort` Service: it listens on every node's address")
            }
            Some("LoadBalancer")
                if yaml.get(spec, "loadBalancerSourceRanges").is_none()
                    && !internal(yaml, manifest.root) =>
            {
                format!(
                    "{who} is a public `LoadBalancer` with no `loadBalancerSourceRanges`: anyone can reach it"
                )
            }
            _ => continue,
        };
        out.push(Diagnostic::new(RuleId::ServiceExposed, kind.range, message));
    }
}

/// Whether an annotation makes the load balancer internal.
fn internal(yaml: &Yaml, root: NodeId) -> bool {
    let Some(annotations) = yaml.path(root, &["metadata", "annotations"]) else {
        return false;
    };
    INTERNAL.iter().any(|(key, value)| {
        yaml.get(annotations, key)
            .and_then(|m| yaml.str(m.value))
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    })
}
