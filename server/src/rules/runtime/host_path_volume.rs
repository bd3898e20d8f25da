use crate::document::Severity;
use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{replace_value, styled_scalar};
use crate::rules::compose_support::volumes;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::host_paths;
use crate::rules::runtime::container_runtime_socket::is_socket;
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports host directories mounted into containers: any Kubernetes `hostPath` volume (an error for `/`,
    /// `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/var/run`, `/var/lib/kubelet` and what is below
    /// them) and any PersistentVolume with `spec.hostPath` (every pod that claims it gets the node's
    /// directory); Compose bind mounts of those directories or without `:ro`, named volumes included when
    /// their `driver_opts` bind a host directory (`type: none`, `o: bind`, `device: /etc`). Runtime sockets
    /// are reported by `container-runtime-socket` instead.
    ///
    /// ## Why it matters
    /// A host path is a hole in the container's file system isolation: a writable `/etc` or `/root` is a
    /// root shell on the host, `/var/lib/kubelet` holds every pod's secrets.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - /etc:/host-etc
    /// ```
    /// Silent for named volumes.
    ///
    /// ## Fix
    /// Unsafe: Compose short syntax gets `:ro` (the container can no longer write there).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.5 "Ensure sensitive host system directories are not mounted on containers"
    /// - Pod Security Standards (baseline): `hostPath` volumes are forbidden
    name: "host-path-volume",
    severity: Warning,
    fix: Unsafe,
    summary: "a host directory is mounted into the container",
}

const SENSITIVE: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/root",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
];

fn sensitive(path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    SENSITIVE.iter().any(|dir| {
        path == *dir
            || (*dir != "/"
                && path
                    .strip_prefix(dir)
                    .is_some_and(|rest| rest.starts_with('/')))
    })
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        for volume in volumes(yaml, cx.compose, service) {
            if !volume.bind || is_socket(&volume.source) {
                continue;
            }
            let danger = sensitive(&volume.source);
            if volume.read_only && !danger {
                continue;
            }
            let range = yaml.node(volume.node).range;
            let diagnostic = if danger {
                Diagnostic::new(
                    RuleId::HostPathVolume,
                    range,
                    format!(
                        "service `{}` mounts the host's `{}`{}",
                        service.name,
                        volume.source,
                        if volume.read_only { " (read-only)" } else { "" }
                    ),
                )
                .with_severity(Severity::Error)
            } else {
                Diagnostic::new(
                    RuleId::HostPathVolume,
                    range,
                    format!(
                        "service `{}` mounts host path `{}` writable: add `:ro` unless it must write there",
                        service.name, volume.source
                    ),
                )
            };
            // `:ro` resolves a writable mount; a sensitive directory stays a finding read-only, so it gets no fix.
            let fix = (volume.short && !volume.read_only && !danger)
                .then(|| yaml.str(volume.node))
                .flatten()
                .map(|spec| {
                    let new = if volume.has_mode {
                        format!("{spec},ro")
                    } else {
                        format!("{spec}:ro")
                    };
                    let written = styled_scalar(yaml, volume.node, &new);
                    Fix::unsafe_(
                        format!("Mount read-only (`{new}`)"),
                        vec![replace_value(yaml, volume.node, &written)],
                    )
                    .preferred(true)
                });
            out.push(diagnostic.with_fixes(fix));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let pods = host_paths(cx).map(|(text, path, owner)| {
        (
            text,
            path,
            format!("{owner} mounts `{text}` from the node (`hostPath`)"),
            Some(crate::knowledge::pod_security::Control::HostPathVolumes),
        )
    });
    // A PersistentVolume backed by a node directory gives that directory to every pod that claims it.
    let volumes = cx
        .k8s
        .manifests
        .iter()
        .filter(|m| m.kind == "PersistentVolume")
        .filter_map(|m| {
            let path = yaml.path(m.root, &["spec", "hostPath", "path"])?;
            let text = yaml.str(path)?;
            let name = m.name.as_deref().unwrap_or("?");
            Some((
                text,
                path,
                format!("PersistentVolume `{name}` is the node's `{text}` (`hostPath`): every pod that claims it gets that directory"),
                None,
            ))
        });
    for (text, path, message, control) in pods.chain(volumes).filter(|(text, ..)| !is_socket(text))
    {
        let mut diagnostic =
            Diagnostic::new(RuleId::HostPathVolume, yaml.node(path).range, message);
        diagnostic.control = control;
        out.push(if sensitive(text) {
            diagnostic.with_severity(Severity::Error)
        } else {
            diagnostic
        });
    }
}
