use crate::Diagnostic;
use crate::fix::Fix;
use crate::rules::compose_support::strings;
use crate::rules::pod_security::{
    State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers without kernel confinement:
    /// - Compose `security_opt` with `seccomp:unconfined`, `apparmor:unconfined` or `label:disable`
    ///   (also written with `=`);
    /// - Kubernetes containers whose seccomp profile (their own, or their pod's) is not `RuntimeDefault` or
    ///   `Localhost` — not set, or `Unconfined` — and AppArmor `Unconfined`.
    ///
    /// ## Why it matters
    /// The runtime's default seccomp profile blocks about 50 system calls used by kernel exploits
    /// (`keyctl`, `unshare`, `bpf`…). Unconfined, one kernel bug is a container escape.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   seccompProfile:
    ///     type: Unconfined
    /// ```
    ///
    /// ## Fix
    /// Unsafe: Kubernetes `seccompProfile: {type: RuntimeDefault}` (or "Harden this container"). Compose: none
    /// (remove the option).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.21 "Ensure that the default seccomp profile is not Disabled"
    /// - Pod Security Standards (restricted): `seccompProfile.type` must be `RuntimeDefault` or `Localhost`
    name: "unconfined-profile",
    severity: Warning,
    fix: Unsafe,
    summary: "seccomp, AppArmor or SELinux confinement is off",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(options) = yaml.get(service.node, "security_opt") else {
            continue;
        };
        for (option, node) in strings(yaml, options.value) {
            let normalized = option.to_ascii_lowercase().replace('=', ":");
            let what = match normalized.as_str() {
                "seccomp:unconfined" => "seccomp",
                "apparmor:unconfined" => "AppArmor",
                "label:disable" => "SELinux labelling",
                _ => continue,
            };
            out.push(Diagnostic::new(
                RuleId::UnconfinedProfile,
                yaml.node(node).range,
                format!(
                    "service `{}` runs without {what} confinement (`{option}`)",
                    service.name
                ),
            ));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let (range, message) = match state(yaml, c, Want::RuntimeDefaultSeccomp) {
            State::Ok => continue,
            State::Unset => (
                container_range(yaml, c),
                format!(
                    "{} has no seccomp profile: set `seccompProfile: {{type: RuntimeDefault}}`",
                    describe(c)
                ),
            ),
            State::Unsafe { value, .. } => (
                yaml.node(value).range,
                format!(
                    "{} runs with seccomp `{}`",
                    describe(c),
                    yaml.str(value).unwrap_or("?")
                ),
            ),
        };
        let fixes: [Option<Fix>; 2] = [
            harden_fix(cx, c),
            single_fix(
                cx,
                c,
                &[Want::RuntimeDefaultSeccomp],
                "Set `seccompProfile: {type: RuntimeDefault}`",
            ),
        ];
        out.push(
            Diagnostic::new(RuleId::UnconfinedProfile, range, message)
                .with_fixes(fixes.into_iter().flatten()),
        );
    }
}
