use crate::edit::fix::Fix;
use crate::edit::yaml_edit::{Y, insert_entries, remove_entry, replace_value, styled_scalar};
use crate::knowledge::pod_security::Control;
use crate::model::kubernetes::security_field;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::compose_support::strings;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{
    ContainerRef, State, Want, container_range, containers, describe, harden_fix, single_fix, state,
};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports containers without kernel confinement:
    /// - Compose `security_opt` with `seccomp:unconfined`, `apparmor:unconfined`, `label:disable` or
    ///   `systempaths=unconfined` (which unmasks `/proc` and `/sys`), also written with `=`;
    /// - Kubernetes containers whose seccomp profile (their own, or their pod's) is not `RuntimeDefault` or
    ///   `Localhost` — not set, or `Unconfined` — and AppArmor off: `appArmorProfile: {type: Unconfined}`
    ///   (container or pod) or `container.apparmor.security.beta.kubernetes.io/<name>: unconfined`. A
    ///   deprecated seccomp annotation (`seccomp.security.alpha.kubernetes.io/pod`,
    ///   `container.seccomp.security.alpha.kubernetes.io/<name>`) is ignored since Kubernetes 1.27: the
    ///   finding says it is there.
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
    /// Unsafe: Kubernetes `seccompProfile: {type: RuntimeDefault}` (or "Harden this container"); AppArmor
    /// `Unconfined` → `RuntimeDefault`, the annotation → `runtime/default`. A deprecated seccomp annotation
    /// is replaced, in one edit, by the `seccompProfile` it meant at the level it was for: `runtime/default`
    /// and `docker/default` → `RuntimeDefault`, `localhost/<p>` → `Localhost` with `localhostProfile: <p>`,
    /// `unconfined` → `RuntimeDefault` (never `Unconfined`). Compose: none (remove the option).
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
                "seccomp:unconfined" => "seccomp confinement",
                "apparmor:unconfined" => "AppArmor confinement",
                "label:disable" => "SELinux labelling",
                "systempaths:unconfined" => "the masking of `/proc` and `/sys`",
                _ => continue,
            };
            out.push(Diagnostic::new(
                RuleId::UnconfinedProfile,
                yaml.node(node).range,
                format!(
                    "service `{}` runs without {what} (`{option}`)",
                    service.name
                ),
            ));
        }
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        apparmor(cx, c, out);
        let seccomp = state(yaml, c, Want::RuntimeDefaultSeccomp);
        // Pod Security: baseline forbids an explicit `Unconfined`, restricted also a missing profile.
        let control = match seccomp {
            State::Unsafe { value, .. } if yaml.str(value) == Some("Unconfined") => {
                Control::BaselineSeccomp
            }
            _ => Control::RestrictedSeccomp,
        };
        let (range, message, converted) = match seccomp {
            State::Ok => continue,
            State::Unset => match deprecated_seccomp(cx, c) {
                Some((annotation, fix)) => (
                    container_range(yaml, c),
                    format!(
                        "{} has no seccomp profile: its annotation `{annotation}` is ignored since Kubernetes 1.27; set `securityContext.seccompProfile`",
                        describe(c)
                    ),
                    fix,
                ),
                None => (
                    container_range(yaml, c),
                    format!(
                        "{} has no seccomp profile: set `seccompProfile: {{type: RuntimeDefault}}`",
                        describe(c)
                    ),
                    None,
                ),
            },
            State::Unsafe { value, .. } => (
                yaml.node(value).range,
                format!(
                    "{} runs with seccomp `{}`",
                    describe(c),
                    yaml.str(value).unwrap_or("?")
                ),
                None,
            ),
        };
        let fixes: [Option<Fix>; 3] = [
            converted,
            harden_fix(cx, c).map(|f| f.preferred(false)),
            single_fix(
                cx,
                c,
                &[Want::RuntimeDefaultSeccomp],
                "Set `seccompProfile: {type: RuntimeDefault}`",
            ),
        ];
        let mut fixes: Vec<Fix> = fixes.into_iter().flatten().collect();
        if !fixes.iter().any(|f| f.preferred) {
            if let Some(first) = fixes.first_mut() {
                first.preferred = true;
            }
        }
        out.push(
            Diagnostic::new(RuleId::UnconfinedProfile, range, message)
                .with_fixes(fixes)
                .with_control(control),
        );
    }
}

/// The pod's annotations mapping, if it has one.
fn annotations(yaml: &Yaml, c: ContainerRef) -> Option<NodeId> {
    let map = yaml.get(c.pod.metadata?, "annotations")?.value;
    yaml.is_mapping(map).then(|| yaml.resolve(map))
}

/// AppArmor switched off: `appArmorProfile: {type: Unconfined}` (the container's or its pod's), or the
/// beta annotation `container.apparmor.security.beta.kubernetes.io/<container>: unconfined`.
fn apparmor(cx: &KubernetesContext, c: ContainerRef, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    let field = security_field(yaml, c.pod, c.container, "appArmorProfile")
        .and_then(|s| yaml.get(s.value, "type"))
        .filter(|t| yaml.str(t.value) == Some("Unconfined"));
    if let Some(t) = field {
        let fix = Fix::unsafe_(
            "Set `appArmorProfile: {type: RuntimeDefault}`",
            vec![replace_value(yaml, t.value, "RuntimeDefault")],
        )
        .preferred(true);
        out.push(
            Diagnostic::new(
                RuleId::UnconfinedProfile,
                yaml.node(t.value).range,
                format!(
                    "{} runs without AppArmor confinement (`appArmorProfile: Unconfined`)",
                    describe(c)
                ),
            )
            .with_fix(fix)
            .with_control(Control::AppArmor),
        );
    }
    let key = format!(
        "container.apparmor.security.beta.kubernetes.io/{}",
        c.container.name
    );
    let annotation = annotations(yaml, c).and_then(|a| yaml.get(a, &key));
    if let Some(a) = annotation.filter(|a| yaml.str(a.value) == Some("unconfined")) {
        let fix = Fix::unsafe_(
            "Use the runtime's default AppArmor profile (`runtime/default`)",
            vec![replace_value(
                yaml,
                a.value,
                &styled_scalar(yaml, a.value, "runtime/default"),
            )],
        )
        .preferred(true);
        out.push(
            Diagnostic::new(
                RuleId::UnconfinedProfile,
                a.range,
                format!(
                    "{} runs without AppArmor confinement (`{key}: unconfined`)",
                    describe(c)
                ),
            )
            .with_fix(fix)
            .with_control(Control::AppArmor),
        );
    }
}

/// A seccomp annotation Kubernetes no longer reads (ignored since 1.27): the container's own, else the
/// pod's. With it, the fix that writes its `seccompProfile` instead — at the level the annotation was
/// for — and removes the annotation in the same edit. `unconfined` becomes `RuntimeDefault`: the fix never
/// writes `Unconfined`.
fn deprecated_seccomp(cx: &KubernetesContext, c: ContainerRef) -> Option<(String, Option<Fix>)> {
    let yaml = cx.yaml;
    let map = annotations(yaml, c)?;
    let own = format!(
        "container.seccomp.security.alpha.kubernetes.io/{}",
        c.container.name
    );
    let (key, pod_level) = [
        (own.as_str(), false),
        ("seccomp.security.alpha.kubernetes.io/pod", true),
    ]
    .into_iter()
    .find(|(k, _)| yaml.get(map, k).is_some())?;
    let member = yaml.get(map, key)?;
    let value = yaml.str(member.value).unwrap_or("");
    let written = format!("{key}: {value}");
    let profile = match value.strip_prefix("localhost/") {
        Some(path) if !path.is_empty() => Y::map([
            ("type", Y::scalar("Localhost")),
            ("localhostProfile", Y::text(path)),
        ]),
        _ => Y::map([("type", Y::scalar("RuntimeDefault"))]),
    };
    let owner = if pod_level {
        c.pod.node
    } else {
        c.container.node
    };
    let set = set_seccomp(cx, owner, profile)?;
    let remove = remove_entry(cx.source, yaml, map, member.range);
    let title = format!(
        "Replace the ignored annotation `{written}` with `securityContext.seccompProfile`{}",
        if pod_level { " for the pod" } else { "" }
    );
    Some((
        written,
        Some(Fix::unsafe_(title, vec![set, remove]).preferred(true)),
    ))
}

/// `seccompProfile: <profile>` in `owner`'s `securityContext` (created when missing).
fn set_seccomp(
    cx: &KubernetesContext,
    owner: NodeId,
    profile: Y,
) -> Option<crate::edit::fix::Edit> {
    let yaml = cx.yaml;
    let entry = ("seccompProfile".to_owned(), profile);
    match yaml.get(owner, "securityContext") {
        Some(sc) if yaml.is_mapping(sc.value) => {
            insert_entries(cx.source, yaml, yaml.resolve(sc.value), &[entry])
        }
        Some(_) => None,
        None => insert_entries(
            cx.source,
            yaml,
            owner,
            &[("securityContext".to_owned(), Y::Map(vec![entry]))],
        ),
    }
}
