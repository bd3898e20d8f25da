use crate::Diagnostic;
use crate::model::dockerfile::Keyword;
use crate::rules::{DockerfileContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (also `22/tcp` and port ranges that include 22).
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

pub fn check_dockerfile(cx: &DockerfileContext, out: &mut Vec<Diagnostic>) {
    for instruction in cx
        .file
        .instructions
        .iter()
        .filter(|i| i.keyword == Keyword::Expose)
    {
        for word in instruction.operands() {
            if includes_22(&word.text) {
                out.push(Diagnostic::new(
                    RuleId::SshPortExposed,
                    word.range,
                    "port 22 is exposed: containers should not run an SSH server",
                ));
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
