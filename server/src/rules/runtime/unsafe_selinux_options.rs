use crate::knowledge::pod_security::{Allowed, Control};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::security_settings;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `seLinuxOptions` (pod or container) whose `type` is not one of the container types
    /// `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t` (the last allowed from
    /// Kubernetes 1.31), or that set `user` or `role`.
    ///
    /// ## Why it matters
    /// The SELinux type is what confines the container on nodes that enforce SELinux: another type (such
    /// as `spc_t`, "super privileged container") lifts the confinement, and a custom user or role can
    /// give the process more than a container gets.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seLinuxOptions:
    ///     type: spc_t
    /// ```
    /// Silent for `type: container_t` and for `level` alone (the MCS label that separates pods).
    ///
    /// ## Fix
    /// None: the label is the node policy's business; remove it unless the workload needs it.
    ///
    /// ## References
    /// - Pod Security Standards (baseline): SELinux
    name: "unsafe-selinux-options",
    severity: Warning,
    fix: None,
    summary: "SELinux options that lift the container's confinement",
}

/// The SELinux types Pod Security baseline allows.
const ALLOWED_TYPES: [&str; 4] = [
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for (who, options) in security_settings(cx, "seLinuxOptions") {
        for key in ["type", "user", "role"] {
            let Some(member) = yaml.get(options.value, key) else {
                continue;
            };
            let Some(text) = yaml.str(member.value).filter(|t| !t.is_empty()) else {
                continue;
            };
            let message = match key {
                "type" if text == "container_engine_t" => {
                    // Allowed from 1.31: a namespace pinned to an older `enforce-version` refuses it.
                    out.push(
                        Diagnostic::new(
                            RuleId::UnsafeSelinuxOptions,
                            member.range,
                            format!("{who} runs with SELinux type `container_engine_t`, which Pod Security allows only from Kubernetes 1.31"),
                        )
                        .with_control(Control::AllowedFrom {
                            control: Allowed::SeLinux,
                            since: 31,
                        })
                        .latent(),
                    );
                    continue;
                }
                "type" if ALLOWED_TYPES.contains(&text) => continue,
                "type" => format!(
                    "{who} runs with SELinux type `{text}`, not a container type: it is not confined like a container"
                ),
                _ => format!(
                    "{who} sets the SELinux {key} `{text}`: a custom {key} can give the process more than a container gets"
                ),
            };
            out.push(
                Diagnostic::new(RuleId::UnsafeSelinuxOptions, member.range, message)
                    .with_control(Control::SeLinux),
            );
        }
    }
}
