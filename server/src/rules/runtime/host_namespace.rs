use crate::edit::fix::Fix;
use crate::edit::yaml_edit::remove_entry;
use crate::knowledge::pod_security::Control;
use crate::rules::compose_networks::would_meet_a_stranger_database;
use crate::rules::compose_support::host_agent;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::pod_host_agent;
use crate::rules::support::agent_note;
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers that share a namespace with the host: Kubernetes `hostNetwork`, `hostPID` or
    /// `hostIPC: true`; Compose `network_mode`, `pid`, `ipc`, `userns_mode`, `uts` or `cgroup` set to `host`.
    ///
    /// ## Why it matters
    /// The host's network namespace exposes every host interface and local service (kubelet, cloud metadata);
    /// its PID namespace lets the container see and signal every host process and read their environment; its
    /// IPC namespace, their shared memory. Isolation is what a container is.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    /// ```
    ///
    /// ## Fix
    /// Unsafe: remove the key. Offered, not preferred (so `--unsafe-fixes` leaves it), for the node agents the
    /// image table lists (node-exporter, cAdvisor, log shippers, CNI and CSI plugins), which need the host by
    /// design; and not offered for `network_mode: host` when the service would land on the `default` network
    /// beside a database it does not use.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.9, 5.15, 5.16 (host network, PID, IPC namespaces)
    /// - Pod Security Standards (baseline): host namespaces
    name: "host-namespace",
    severity: Error,
    fix: Unsafe,
    summary: "the container shares a namespace with the host",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        for key in ["network_mode", "pid", "ipc", "userns_mode", "uts", "cgroup"] {
            let Some(member) = yaml.get(service.node, key) else {
                continue;
            };
            if yaml.str(member.value) != Some("host") {
                continue;
            }
            let agent = host_agent(yaml, service);
            // Off the host network the service lands on `default`: not beside a database it does not use.
            let fix = (key != "network_mode" || !would_meet_a_stranger_database(cx, service)).then(
                || {
                    Fix::unsafe_(
                        format!("Remove `{key}: host`"),
                        vec![remove_entry(cx.source, yaml, member.owner, member.range)],
                    )
                    .preferred(agent.is_none())
                },
            );
            out.push(
                Diagnostic::new(
                    RuleId::HostNamespace,
                    member.range,
                    format!(
                        "service `{}` shares the host's {} namespace (`{key}: host`){}",
                        service.name,
                        namespace(key),
                        agent_note(agent)
                    ),
                )
                .with_fixes(fix),
            );
        }
    }
}

fn namespace(key: &str) -> &'static str {
    match key {
        "network_mode" | "hostNetwork" => "network",
        "pid" | "hostPID" => "process",
        "ipc" | "hostIPC" => "IPC",
        "userns_mode" => "user",
        "uts" => "UTS",
        _ => "cgroup",
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for pod in &cx.k8s.pods {
        let manifest = &cx.k8s.manifests[pod.manifest];
        let agent = pod_host_agent(yaml, pod);
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            let Some(member) = yaml.get(pod.node, key) else {
                continue;
            };
            if yaml.bool(member.value, crate::model::yaml::Booleans::Kubernetes) != Some(true) {
                continue;
            }
            let fix = Fix::unsafe_(
                format!("Remove `{key}: true`"),
                vec![remove_entry(cx.source, yaml, member.owner, member.range)],
            )
            .preferred(agent.is_none());
            out.push(
                Diagnostic::new(
                    RuleId::HostNamespace,
                    member.range,
                    format!(
                        "{} `{}` shares the node's {} namespace{}",
                        manifest.kind,
                        manifest.name.as_deref().unwrap_or("?"),
                        namespace(key),
                        agent_note(agent)
                    ),
                )
                .with_fix(fix)
                .with_control(Control::HostNamespaces),
            );
        }
    }
}
