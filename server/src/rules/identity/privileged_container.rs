use crate::edit::fix::Fix;
use crate::edit::yaml_edit::remove_entry;
use crate::knowledge::pod_security::Control;
use crate::rules::compose_support::host_agent;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::pod_host_agent;
use crate::rules::pod_security::{containers, describe};
use crate::rules::support::agent_note;
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `privileged: true` on a Compose service or a Kubernetes container (`securityContext`),
    /// including when it is inherited through a YAML merge key (`<<: *defaults`): the finding is reported where
    /// the key is written and says where it is merged. Kubernetes reads YAML 1.1, so `privileged: yes` (or
    /// `on`, `y`) is reported there; Compose reads YAML 1.2, where `yes` is a string it refuses for this key.
    ///
    /// ## Why it matters
    /// A privileged container has every capability, every device of the host and no seccomp or AppArmor
    /// confinement: it is root on the node in all but name, and escaping it is a documented one-liner.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: example/agent:1.2
    ///     privileged: true
    /// ```
    ///
    /// ## Fix
    /// Unsafe: remove the key (grant the one capability or device the workload really needs instead).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.4 "Ensure that privileged containers are not used"
    /// - Pod Security Standards (baseline): `privileged`; CWE-250
    name: "privileged-container",
    severity: Error,
    fix: Unsafe,
    summary: "privileged: true",
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(member) = yaml.get(service.node, "privileged") else {
            continue;
        };
        if yaml.bool(member.value, crate::model::yaml::Booleans::Compose) != Some(true) {
            continue;
        }
        let agent = host_agent(yaml, service);
        let fix = Fix::unsafe_(
            format!("Remove `privileged: true`{}", shared_note(member.merged_at)),
            vec![remove_entry(cx.source, yaml, member.owner, member.range)],
        )
        .preferred(agent.is_none());
        let mut diagnostic = Diagnostic::new(
            RuleId::PrivilegedContainer,
            member.range,
            format!(
                "service `{}` is privileged: it has every capability and device of the host{}",
                service.name,
                agent_note(agent)
            ),
        )
        .with_fix(fix);
        if let Some(at) = member.merged_at {
            diagnostic =
                diagnostic.with_related(at, format!("merged into service `{}` here", service.name));
        }
        out.push(diagnostic);
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(context) = yaml.get(c.container.node, "securityContext") else {
            continue;
        };
        let Some(member) = yaml.get(context.value, "privileged") else {
            continue;
        };
        if yaml.bool(member.value, crate::model::yaml::Booleans::Kubernetes) != Some(true) {
            continue;
        }
        let agent = pod_host_agent(yaml, c.pod);
        let fix = Fix::unsafe_(
            "Remove `privileged: true`",
            vec![remove_entry(cx.source, yaml, member.owner, member.range)],
        )
        .preferred(agent.is_none());
        out.push(
            Diagnostic::new(
                RuleId::PrivilegedContainer,
                member.range,
                format!(
                    "{} is privileged: it has every capability and device of the node{}",
                    describe(c),
                    agent_note(agent)
                ),
            )
            .with_fix(fix)
            .with_control(Control::Privileged),
        );
    }
}

fn shared_note(merged_at: Option<crate::document::TextRange>) -> &'static str {
    if merged_at.is_some() {
        " from the shared defaults (every service that merges them changes)"
    } else {
        ""
    }
}
