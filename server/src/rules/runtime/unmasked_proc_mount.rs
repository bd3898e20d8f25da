use crate::edit::fix::Fix;
use crate::edit::yaml_edit::replace_value;
use crate::knowledge::pod_security::Control;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{containers, describe};
use crate::rules::{KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a container whose `securityContext.procMount` is anything but `Default` (`Unmasked`).
    ///
    /// ## Why it matters
    /// The default `/proc` mount masks and makes read-only the paths that reveal or change the node's
    /// kernel (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger`…). An unmasked `/proc` gives them back,
    /// which only nested container runtimes in user namespaces need.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   procMount: Unmasked
    /// ```
    /// Silent for `procMount: Default`.
    ///
    /// ## Fix
    /// Unsafe (a nested runtime may need it): set `procMount: Default`.
    ///
    /// ## References
    /// - Pod Security Standards (baseline): /proc Mount Type
    name: "unmasked-proc-mount",
    severity: Error,
    fix: Unsafe,
    summary: "a container mounts /proc unmasked",
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(value) = yaml.path(c.container.node, &["securityContext", "procMount"]) else {
            continue;
        };
        let Some(text) = yaml.str(value) else {
            continue;
        };
        if text == "Default" {
            continue;
        }
        out.push(
            Diagnostic::new(
                RuleId::UnmaskedProcMount,
                yaml.node(value).range,
                format!("{} mounts `/proc` with `procMount: {text}`: the kernel paths the default mount masks are visible", describe(c)),
            )
            .with_fix(Fix::unsafe_("Set `procMount: Default`", vec![replace_value(yaml, value, "Default")]).preferred(true))
            .with_control(Control::ProcMount),
        );
    }
}
