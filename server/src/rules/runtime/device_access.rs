use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::host_paths;
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports host devices given to a container: Compose `devices` and `device_cgroup_rules`; Kubernetes
    /// `hostPath` volumes under `/dev`.
    ///
    /// ## Why it matters
    /// A raw device (a disk, `/dev/mem`, a GPU, `/dev/kvm`) is reached without the kernel's file permissions
    /// in the way: reading a disk device reads every file of the host.
    ///
    /// ## Example
    /// ```yaml
    /// devices:
    ///   - /dev/sda:/dev/sda
    /// ```
    ///
    /// ## Fix
    /// None: give the narrowest device the workload needs, read-only where possible.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.17 "Ensure that host devices are not directly exposed to containers"
    name: "device-access",
    severity: Warning,
    fix: None,
    summary: "a host device is given to the container",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        for key in ["devices", "device_cgroup_rules"] {
            let Some(member) = yaml.get(service.node, key) else {
                continue;
            };
            for &item in yaml.items(member.value) {
                let what = yaml.str(item).unwrap_or("a device");
                out.push(Diagnostic::new(
                    RuleId::DeviceAccess,
                    yaml.node(item).range,
                    format!(
                        "service `{}` gets host device access (`{key}`: `{what}`)",
                        service.name
                    ),
                ));
            }
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for (text, path, owner) in
        host_paths(cx).filter(|(text, ..)| *text == "/dev" || text.starts_with("/dev/"))
    {
        out.push(Diagnostic::new(
            RuleId::DeviceAccess,
            cx.yaml.node(path).range,
            format!("{owner} mounts the node's device `{text}`"),
        ));
    }
}
