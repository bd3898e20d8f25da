use crate::Diagnostic;
use crate::fix::Fix;
use crate::rules::compose_support::{add_to_list, strings};
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};
use crate::yaml_edit::{replace_value, styled_scalar};

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
    /// (or "Harden this container"); Compose `security_opt: [no-new-privileges:true]`.
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
        let options = yaml
            .get(service.node, "security_opt")
            .map(|m| strings(yaml, m.value))
            .unwrap_or_default();
        if options
            .iter()
            .any(|(s, _)| no_new_privileges(s) == Some(true))
        {
            continue;
        }
        // `no-new-privileges:false` says it on purpose: flip it.
        if let Some((written, node)) = options
            .iter()
            .find(|(s, _)| no_new_privileges(s) == Some(false))
        {
            let flipped = styled_scalar(yaml, *node, "no-new-privileges:true");
            let fix = Fix::unsafe_(
                format!(
                    "Set `no-new-privileges:true` (instead of `{}`)",
                    written.trim()
                ),
                vec![replace_value(yaml, *node, &flipped)],
            )
            .preferred(true);
            out.push(
                Diagnostic::new(
                    RuleId::PrivilegeEscalation,
                    yaml.node(*node).range,
                    format!(
                        "service `{}` can gain privileges through setuid binaries: `no-new-privileges` is explicitly disabled",
                        service.name
                    ),
                )
                .with_fix(fix),
            );
            continue;
        }
        let fix = add_to_list(cx, service, "security_opt", "no-new-privileges:true").map(|edit| {
            Fix::unsafe_("Add `security_opt: [no-new-privileges:true]`", vec![edit]).preferred(true)
        });
        out.push(
            Diagnostic::new(
                RuleId::PrivilegeEscalation,
                service.name_range,
                format!("service `{}` can gain privileges through setuid binaries: `no-new-privileges` is not set", service.name),
            )
            .with_fixes(fix),
        );
    }
}

/// What a `security_opt` item says of `no-new-privileges`: set (`no-new-privileges`, `:true`, `=true`),
/// explicitly disabled (`:false`, `=false`), or nothing.
fn no_new_privileges(option: &str) -> Option<bool> {
    let option = option.trim().to_ascii_lowercase();
    match option.strip_prefix("no-new-privileges")? {
        "" => Some(true),
        rest => match rest.strip_prefix([':', '='])? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
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
                .with_fixes(fixes.into_iter().flatten()),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn spellings() {
        for yes in [
            "no-new-privileges",
            "no-new-privileges:true",
            "no-new-privileges=true",
            "NO-NEW-PRIVILEGES:TRUE",
        ] {
            assert_eq!(super::no_new_privileges(yes), Some(true), "{yes}");
        }
        for off in ["no-new-privileges:false", "No-New-Privileges=FALSE"] {
            assert_eq!(super::no_new_privileges(off), Some(false), "{off}");
        }
        for no in ["seccomp:unconfined", "no-new-privilegesx"] {
            assert_eq!(super::no_new_privileges(no), None, "{no}");
        }
    }
}
