use crate::Diagnostic;
use crate::model::dockerfile::Keyword;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a mount of a container runtime's socket (`docker.sock`, `containerd.sock`, `crio.sock`,
    /// `podman.sock`). In a Dockerfile that is a `VOLUME` at such a path: it only declares a volume, but shows
    /// the image expects the host's socket to be mounted there (info).
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
        let paths: Vec<(String, crate::TextRange)> = match instruction.exec_form() {
            Some(argv) => argv.into_iter().map(|p| (p, instruction.range)).collect(),
            None => instruction
                .operands()
                .iter()
                .map(|w| (w.text.clone(), w.range))
                .collect(),
        };
        for (path, range) in paths {
            let file = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
            if SOCKETS.contains(&file) {
                out.push(Diagnostic::new(
                    RuleId::ContainerRuntimeSocket,
                    range,
                    format!("`VOLUME {path}` expects the host's runtime socket: access to it is root on the host"),
                ));
            }
        }
    }
}
