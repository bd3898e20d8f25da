use crate::knowledge::pod_security::{Allowed, Control};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::owner;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a pod `securityContext.sysctls` entry outside the Pod Security Standards' safe set:
    /// `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`,
    /// `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range` (every version);
    /// `net.ipv4.ip_local_reserved_ports` (1.27); `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
    /// `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes` (1.29); `net.ipv4.tcp_rmem`,
    /// `net.ipv4.tcp_wmem` (1.32). A name written with `/` separators is read as with dots.
    ///
    /// ## Why it matters
    /// The safe sysctls are namespaced and cannot affect other pods on the node. Any other one either
    /// changes the node's kernel for every pod, or is not isolated well enough to be allowed by default:
    /// the kubelet refuses such pods unless it was started with `--allowed-unsafe-sysctls`.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   sysctls:
    ///     - name: kernel.msgmax
    ///       value: "65536"
    /// ```
    ///
    /// ## Fix
    /// None: the setting is the application's need; move it to the node's configuration or drop it.
    ///
    /// ## References
    /// - Pod Security Standards (baseline): Sysctls
    /// - Kubernetes documentation: "Using sysctls in a Kubernetes Cluster" (safe and unsafe sysctls)
    name: "unsafe-sysctl",
    severity: Warning,
    fix: None,
    summary: "a pod sets a sysctl outside the Pod Security safe set",
}

/// The Pod Security safe sysctls, with the Kubernetes minor version that added each to the set.
pub const SAFE_SYSCTLS: [(&str, u32); 12] = [
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.ip_unprivileged_port_start", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 0),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
];

/// Whether `name` (dots or slashes) is in the safe set of Kubernetes 1.`minor` (`None`: the latest).
pub fn is_safe(name: &str, minor: Option<u32>) -> bool {
    let name = name.replace('/', ".");
    SAFE_SYSCTLS
        .iter()
        .any(|(safe, since)| *safe == name && minor.is_none_or(|m| m >= *since))
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for pod in &cx.k8s.pods {
        let Some(sysctls) = yaml.path(pod.node, &["securityContext", "sysctls"]) else {
            continue;
        };
        for &entry in yaml.items(sysctls) {
            let Some(name) = yaml.get(entry, "name") else {
                continue;
            };
            let Some(text) = yaml.str(name.value) else {
                continue;
            };
            let who = owner(&cx.k8s.manifests[pod.manifest]);
            let range = yaml.node(name.value).range;
            let since = SAFE_SYSCTLS
                .iter()
                .find(|(safe, _)| *safe == text.replace('/', "."))
                .map_or(0, |(_, since)| *since);
            if since > 0 && !text.contains('/') {
                // Safe from 1.`since`: a namespace pinned to an older `enforce-version` still refuses it.
                out.push(
                    Diagnostic::new(
                        RuleId::UnsafeSysctl,
                        range,
                        format!("the pod of {who} sets `{text}`, a safe sysctl only from Kubernetes 1.{since}"),
                    )
                    .with_control(Control::AllowedFrom {
                        control: Allowed::Sysctls,
                        since,
                    })
                    .latent(),
                );
                continue;
            }
            if is_safe(text, None) {
                // The kubelet reads `net/ipv4/…` as the same sysctl; admission compares the name as written.
                if text.contains('/') {
                    out.push(
                        Diagnostic::new(
                            RuleId::UnsafeSysctl,
                            range,
                            format!("the pod of {who} writes the safe sysctl `{text}` with slashes, which Pod Security admission does not recognise"),
                        )
                        .with_control(Control::Sysctls)
                        .latent(),
                    );
                }
                continue;
            }
            out.push(
                Diagnostic::new(
                    RuleId::UnsafeSysctl,
                    range,
                    format!(
                        "the pod of {who} sets `{text}`, which is not a Pod Security safe sysctl: it is not isolated from the node, and the kubelet refuses it unless allowed"
                    ),
                )
                .with_control(Control::Sysctls),
            );
        }
    }
}
