use crate::model::dockerfile::Keyword;
use crate::rules::compose_support::container_ports;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::shell_support::{Manager, install, unwrapped};
use crate::rules::{ComposeContext, InstructionContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports SSH's port 22: `EXPOSE 22` (also `22/tcp` and ranges that include 22), a Compose service that
    /// publishes or exposes container port 22, a Kubernetes `containerPort: 22`; and an SSH server installed
    /// by a `RUN` (`apt-get install openssh-server`, `apk add openssh`, `dnf install openssh-server`,
    /// `dropbear`).
    ///
    /// ## Why it matters
    /// An SSH server in a container is a second way in, with its own keys to leak and its own CVEs, and it is
    /// never needed: `docker exec` and `kubectl exec` reach a running container.
    ///
    /// ## Example
    /// ```dockerfile
    /// EXPOSE 22
    /// ```
    ///
    /// ## Fix
    /// None: remove the SSH server from the image and the port with it.
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.6 "Ensure sshd is not run within containers"
    name: "ssh-port-exposed",
    severity: Warning,
    fix: None,
    summary: "port 22 (SSH) is exposed",
}

pub fn check_instruction(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if cx.instruction.keyword == Keyword::Expose {
        for word in cx.instruction.operands() {
            if includes_22(&word.text) {
                out.push(Diagnostic::new(
                    RuleId::SshPortExposed,
                    word.range,
                    "port 22 is exposed: containers should not run an SSH server",
                ));
            }
        }
    }
    ssh_server_installs(cx, out);
}

/// An SSH server installed by a package manager: `openssh-server` (Debian, Fedora), `openssh` or
/// `openssh-server` (Alpine), `dropbear`.
fn ssh_server_installs(cx: &InstructionContext, out: &mut Vec<Diagnostic>) {
    if let Some(script) = cx.script {
        for command in &script.commands {
            let command = unwrapped(&command);
            let Some(install) = install(&command) else {
                continue;
            };
            for package in install.packages {
                let name = package
                    .text
                    .split(['=', '~', '>', '<'])
                    .next()
                    .unwrap_or("");
                let server = match install.manager {
                    Manager::Apk => ["openssh", "openssh-server", "dropbear"].contains(&name),
                    Manager::Apt | Manager::Yum => ["openssh-server", "dropbear"].contains(&name),
                };
                if server {
                    out.push(Diagnostic::new(
                        RuleId::SshPortExposed,
                        package.range,
                        format!("`{}` installs an SSH server in the image: containers should not run one", package.text),
                    ));
                }
            }
        }
    }
}

fn includes_22(port: &str) -> bool {
    let number = port.split('/').next().unwrap_or("");
    match number.split_once('-') {
        Some((low, high)) => match (low.parse::<u32>(), high.parse::<u32>()) {
            (Ok(low), Ok(high)) => (low..=high).contains(&22),
            _ => false,
        },
        None => number == "22",
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    for service in &cx.compose.services {
        for (port, node) in container_ports(cx.yaml, service) {
            if port == 22 {
                out.push(Diagnostic::new(
                    RuleId::SshPortExposed,
                    cx.yaml.node(node).range,
                    format!(
                        "service `{}` exposes port 22: containers should not run an SSH server",
                        service.name
                    ),
                ));
            }
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(ports) = yaml.get(c.container.node, "ports") else {
            continue;
        };
        for &port in yaml.items(ports.value) {
            let Some(number) = yaml.get(port, "containerPort") else {
                continue;
            };
            if yaml.str(number.value) == Some("22") {
                out.push(Diagnostic::new(
                    RuleId::SshPortExposed,
                    number.range,
                    format!(
                        "{} listens on port 22: containers should not run an SSH server",
                        describe(c)
                    ),
                ));
            }
        }
    }
}
