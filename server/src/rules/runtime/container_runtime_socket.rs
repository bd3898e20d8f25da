use crate::document::Severity;
use crate::model::dockerfile::Keyword;
use crate::rules::compose_support::volumes;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::host_paths;
use crate::rules::{ComposeContext, DockerfileContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a mount of a container runtime's socket (`docker.sock`, `containerd.sock`, `crio.sock`,
    /// `podman.sock`): a Kubernetes `hostPath`, a Compose volume, Compose `use_api_socket: true`. In a
    /// Dockerfile that is a `VOLUME` at such a path: it only declares a volume, but shows the image expects
    /// the host's socket to be mounted there (info).
    ///
    /// ## Why it matters
    /// Whoever can talk to the runtime socket can start a privileged container with the host's root file
    /// system mounted: access to the socket is root on the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// VOLUME /var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// None: give the workload a narrower API (a socket proxy that allows only what it needs), or none.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.31 "Ensure that the Docker socket is not mounted inside any containers"
    /// - OWASP Docker Security Cheat Sheet, rule #1
    name: "container-runtime-socket",
    severity: Info,
    fix: None,
    summary: "a container runtime socket is mounted",
}

const SOCKETS: &[&str] = &["docker.sock", "containerd.sock", "crio.sock", "podman.sock"];

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Volume)
    {
        let paths: Vec<(String, crate::document::TextRange)> = match instruction.exec_form() {
            Some(argv) => argv.into_iter().map(|p| (p, instruction.range)).collect(),
            None => instruction
                .operands()
                .iter()
                .map(|w| (w.text.clone(), w.range))
                .collect(),
        };
        for (path, range) in paths {
            if is_socket(&path) {
                out.push(Diagnostic::new(
                    RuleId::ContainerRuntimeSocket,
                    range,
                    format!("`VOLUME {path}` expects the host's runtime socket: access to it is root on the host"),
                ));
            }
        }
    }
}

/// Whether a path names a container runtime's socket.
pub fn is_socket(path: &str) -> bool {
    let file = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    SOCKETS.contains(&file)
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        for volume in volumes(yaml, cx.compose, service) {
            if volume.bind && is_socket(&volume.source) {
                out.push(
                    Diagnostic::new(
                        RuleId::ContainerRuntimeSocket,
                        yaml.node(volume.node).range,
                        format!("service `{}` mounts `{}`: access to the runtime socket is root on the host", service.name, volume.source),
                    )
                    .with_severity(Severity::Error),
                );
            }
        }
        if let Some(m) = yaml
            .get(service.node, "use_api_socket")
            .filter(|m| yaml.bool(m.value, crate::model::yaml::Booleans::Compose) == Some(true))
        {
            out.push(
                Diagnostic::new(
                    RuleId::ContainerRuntimeSocket,
                    m.range,
                    format!("service `{}` gets the Docker API socket (`use_api_socket: true`): root on the host", service.name),
                )
                .with_severity(Severity::Error),
            );
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    for (text, path, owner) in host_paths(cx).filter(|(text, ..)| is_socket(text)) {
        out.push(
            Diagnostic::new(
                RuleId::ContainerRuntimeSocket,
                cx.yaml.node(path).range,
                format!("{owner} mounts `{text}` from the node: access to the runtime socket is root on the node"),
            )
            .with_severity(Severity::Error)
            .with_control(crate::knowledge::pod_security::Control::HostPathVolumes),
        );
    }
}
