use crate::knowledge::pod_security::Control;
use crate::rules::compose_security::{Setting, needs, satisfied, service_fixes};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers that keep the runtime's default capabilities: Kubernetes `capabilities.drop` without
    /// `ALL`, Compose without `cap_drop: [ALL]` (`ALL` in any case, with or without `CAP_`, as Docker reads it).
    /// Kubernetes needs `ALL` exactly: the runtime accepts `all`, but Pod Security admission compares names as
    /// written, so `drop: [all]` is reported too (the `restricted` level rejects the pod).
    ///
    /// ## Why it matters
    /// The default set includes `NET_RAW` (packet spoofing), `CHOWN`, `DAC_OVERRIDE`, `SETUID`/`SETGID`,
    /// `MKNOD`… Most applications need none of them; dropping all and adding back the one that is needed
    /// (`NET_BIND_SERVICE`) leaves an attacker little to work with.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// ## Fix
    /// Unsafe (a process that needs a capability stops working): Kubernetes `capabilities: {drop: [ALL]}` (an
    /// existing `drop` list is extended in its own style) or "Harden this container"; Compose `cap_drop: [ALL]`
    /// with the `cap_add` the image's own root entrypoint needs (from the image table: `postgres` keeps
    /// `CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID` for `gosu`), or "Harden this service".
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.3 "Ensure that Linux kernel capabilities are restricted within containers"
    /// - Pod Security Standards (restricted): capabilities must drop `ALL`
    name: "capabilities-not-dropped",
    severity: Warning,
    fix: Unsafe,
    summary: "default Linux capabilities are kept (no drop ALL)",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    for service in &cx.compose.services {
        if satisfied(cx, service, Setting::DropAllCapabilities) {
            continue;
        }
        let kept = needs(cx, service).capabilities;
        let title = if kept.is_empty() {
            "Add `cap_drop: [ALL]`".to_owned()
        } else {
            format!(
                "Add `cap_drop: [ALL]` and `cap_add: [{}]`, which the image's entrypoint needs",
                kept.join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                RuleId::CapabilitiesNotDropped,
                service.name_range,
                format!(
                    "service `{}` keeps the default capabilities: add `cap_drop: [ALL]`",
                    service.name
                ),
            )
            .with_fixes(service_fixes(
                cx,
                service,
                Setting::DropAllCapabilities,
                &title,
            )),
        );
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let current = state(yaml, c, Want::DropAllCapabilities);
        if current == State::Ok {
            continue;
        }
        let fixes = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::DropAllCapabilities],
                "Drop all capabilities (`capabilities: {drop: [ALL]}`)",
            ),
        ];
        out.push(
            Diagnostic::new(
                RuleId::CapabilitiesNotDropped,
                container_range(yaml, c),
                match current {
                    State::Unsafe { value, .. } => format!(
                        "{} drops `{}`: the runtime drops every capability, but Pod Security admission compares names exactly and `restricted` rejects anything but `ALL`",
                        describe(c),
                        yaml.str(value).unwrap_or_default()
                    ),
                    _ => format!(
                        "{} keeps the default capabilities: `capabilities.drop` does not include `ALL`",
                        describe(c)
                    ),
                },
            )
            .with_fixes(fixes.into_iter().flatten())
            .with_control(Control::RestrictedCapabilities),
        );
    }
}
