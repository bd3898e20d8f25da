use crate::knowledge::pod_security::Control;
use crate::rules::compose_security::{Setting, no_new_privileges, satisfied, service_fixes};
use crate::rules::compose_support::strings;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports processes that may gain more privileges than they started with.
    /// - Kubernetes: `allowPrivilegeEscalation` is not `false` (not set — the default is `true` — and
    ///   explicitly `true` are reported differently).
    /// - Compose: `security_opt` lacks `no-new-privileges` (written `no-new-privileges`,
    ///   `no-new-privileges:true` or `no-new-privileges=true`).
    ///
    /// ## Why it matters
    /// Without the `no_new_privs` flag a setuid binary in the image (`su`, `sudo`, `passwd`…) turns a
    /// compromised non-root process into root inside the container.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   allowPrivilegeEscalation: true
    /// ```
    ///
    /// ## Fix
    /// Unsafe (a process that relies on setuid stops working): Kubernetes `allowPrivilegeEscalation: false`
    /// (or "Harden this container"); Compose `security_opt: [no-new-privileges:true]`, or "Harden this
    /// service" (preferred for the images the image table knows, with the capabilities and tmpfs they need).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.25 "Ensure that the container is restricted from acquiring additional privileges"
    /// - Pod Security Standards (restricted): `allowPrivilegeEscalation`
    name: "privilege-escalation",
    severity: Warning,
    fix: Unsafe,
    summary: "the process may gain privileges (setuid) at run time",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        if satisfied(cx, service, Setting::NoNewPrivileges) {
            continue;
        }
        let options = yaml
            .get(service.node, "security_opt")
            .map(|m| strings(yaml, m.value))
            .unwrap_or_default();
        let disabled = options
            .iter()
            .find(|(s, _)| no_new_privileges(s) == Some(false));
        let (range, message, title) = match disabled {
            // `no-new-privileges:false` says it on purpose: flip it.
            Some((written, node)) => (
                yaml.node(*node).range,
                format!(
                    "service `{}` can gain privileges through setuid binaries: `no-new-privileges` is explicitly disabled",
                    service.name
                ),
                format!(
                    "Set `no-new-privileges:true` (instead of `{}`)",
                    written.trim()
                ),
            ),
            None => (
                service.name_range,
                format!(
                    "service `{}` can gain privileges through setuid binaries: `no-new-privileges` is not set",
                    service.name
                ),
                "Add `security_opt: [no-new-privileges:true]`".to_owned(),
            ),
        };
        out.push(
            Diagnostic::new(RuleId::PrivilegeEscalation, range, message).with_fixes(service_fixes(
                cx,
                service,
                Setting::NoNewPrivileges,
                &title,
            )),
        );
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let (range, message) = match state(yaml, c, Want::NoPrivilegeEscalation) {
            State::Ok => continue,
            State::Unset => (
                container_range(yaml, c),
                format!(
                    "{} can gain privileges through setuid binaries: `allowPrivilegeEscalation` is not set and defaults to true",
                    describe(c)
                ),
            ),
            State::Unsafe { value, .. } => (
                yaml.node(value).range,
                format!(
                    "{} can gain privileges through setuid binaries: `allowPrivilegeEscalation` is explicitly true",
                    describe(c)
                ),
            ),
        };
        let fixes = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::NoPrivilegeEscalation],
                "Set `allowPrivilegeEscalation: false`",
            ),
        ];
        out.push(
            Diagnostic::new(RuleId::PrivilegeEscalation, range, message)
                .with_fixes(fixes.into_iter().flatten())
                .with_control(Control::PrivilegeEscalation),
        );
    }
}
