use crate::edit::fix::Fix;
use crate::edit::yaml_edit::remove_entry;
use crate::knowledge::pod_security::Control;
use crate::model::yaml::Booleans;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::security_settings;
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Windows HostProcess container: `securityContext.windowsOptions.hostProcess: true`, on the
    /// pod or on a container.
    ///
    /// ## Why it matters
    /// A HostProcess container is a process on the Windows node itself, with the node's file system and
    /// network and, as `NT AUTHORITY\SYSTEM`, administrator rights over it: no isolation is left. It is
    /// meant for node agents (CNI, log collectors) deployed by the cluster's operators.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   windowsOptions:
    ///     hostProcess: true
    /// ```
    /// Silent for `hostProcess: false`.
    ///
    /// ## Fix
    /// Unsafe (the process loses the node): remove `hostProcess` (with `windowsOptions` when it holds
    /// nothing else).
    ///
    /// ## References
    /// - Pod Security Standards (baseline): HostProcess
    /// - CIS Kubernetes Benchmark 5.2 (minimize the admission of privileged containers)
    name: "host-process",
    severity: Error,
    fix: Unsafe,
    summary: "a Windows HostProcess container runs on the node itself",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for (who, options) in security_settings(cx, "windowsOptions") {
        let Some(member) = yaml.get(options.value, "hostProcess") else {
            continue;
        };
        if yaml.bool(member.value, Booleans::Kubernetes) != Some(true) {
            continue;
        }
        // The whole `windowsOptions` goes when `hostProcess` is all it holds: no empty mapping is left.
        let alone = yaml.entries(yaml.resolve(options.value)).len() == 1;
        let edit = if alone {
            remove_entry(cx.source, yaml, options.owner, options.range)
        } else {
            remove_entry(cx.source, yaml, member.owner, member.range)
        };
        out.push(
            Diagnostic::new(
                RuleId::HostProcess,
                member.range,
                format!("{who} runs as a Windows HostProcess container: a process on the node, with its privileges"),
            )
            .with_fix(Fix::unsafe_("Remove `hostProcess: true`", vec![edit]).preferred(true))
            .with_control(Control::HostProcess),
        );
    }
}
