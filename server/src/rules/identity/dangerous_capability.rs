use crate::document::Severity;
use crate::edit::fix::Fix;
use crate::edit::yaml_edit::remove_item;
use crate::knowledge::pod_security::Control;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::compose_support::{known_image, strings};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::pod_security::{capability_name, containers, describe};
use crate::rules::{ComposeContext, KubernetesContext, RuleId, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports capabilities added to a container (Kubernetes `capabilities.add`, Compose `cap_add`; names in
    /// any case, with or without `CAP_`): `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `NET_RAW`, `SYS_MODULE`,
    /// `SYS_PTRACE`, `DAC_READ_SEARCH`, `BPF`, `SYS_RAWIO`, `SYS_BOOT`, `PERFMON` are errors; others outside
    /// the Pod Security baseline allow-list (`AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD
    /// NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT`: Docker's default set) are warnings
    /// (`SYS_TIME`, `SYS_NICE`, `IPC_LOCK`…); the allow-list is information (the restricted profile allows
    /// only `NET_BIND_SERVICE`, which is silent). Only what is added counts: Docker's default set is not.
    /// Silent in Compose for the capabilities an official image's root entrypoint needs, by the image
    /// table (`postgres` started as root: `CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID`), which is what
    /// the `cap_drop: [ALL]` fix keeps.
    ///
    /// ## Why it matters
    /// `SYS_ADMIN` is "the new root" (mount, namespaces, BPF); `SYS_MODULE` loads kernel code; `SYS_PTRACE`
    /// and `DAC_READ_SEARCH` read other processes and any file; `NET_ADMIN`/`NET_RAW` reconfigure and spoof
    /// the network. Each is a known container-escape ingredient.
    ///
    /// ## Example
    /// ```yaml
    /// cap_add: [SYS_ADMIN]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: remove the capability (a process that needs it stops working).
    ///
    /// ## References
    /// - CIS Docker Benchmark 5.3; Pod Security Standards (baseline and restricted): capabilities
    /// - `man 7 capabilities`
    name: "dangerous-capability",
    severity: Error,
    fix: Unsafe,
    summary: "a dangerous Linux capability is added",
}

/// The capabilities Pod Security baseline lets a container add: Docker's default set.
const BASELINE: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "NET_RAW",
    "SYS_MODULE",
    "SYS_PTRACE",
    "DAC_READ_SEARCH",
    "BPF",
    "SYS_RAWIO",
    "SYS_BOOT",
    "PERFMON",
];

/// Report the capabilities of `items`; `kubernetes`: tag each with the Pod Security control it violates,
/// which compares the names exactly as written (`CAP_CHOWN` is not on its lists).
#[allow(clippy::too_many_arguments)]
fn report(
    cx_source: &str,
    yaml: &Yaml,
    list: NodeId,
    items: Vec<(String, NodeId)>,
    owner: &str,
    needed: &[String],
    kubernetes: bool,
    out: &mut Vec<Diagnostic>,
) {
    for (capability, node) in items {
        let name = capability_name(&capability);
        let control = kubernetes.then(|| {
            if BASELINE.contains(&capability.as_str()) {
                Control::RestrictedCapabilities
            } else {
                Control::BaselineCapabilities
            }
        });
        if name == "NET_BIND_SERVICE" || needed.contains(&name) {
            // `CAP_NET_BIND_SERVICE` is what the runtime grants, but not a name admission allows.
            if let Some(control) = control.filter(|_| capability != "NET_BIND_SERVICE") {
                out.push(
                    Diagnostic::new(
                        RuleId::DangerousCapability,
                        yaml.node(node).range,
                        format!("{owner} adds `{capability}`: Pod Security admission compares names exactly and allows only `NET_BIND_SERVICE` written so"),
                    )
                    .with_control(control)
                    .latent(),
                );
            }
            continue;
        }
        let dangerous = DANGEROUS.contains(&name.as_str());
        let fix = remove_item(cx_source, yaml, list, node).map(|edit| {
            Fix::unsafe_(format!("Remove capability `{capability}`"), vec![edit]).preferred(true)
        });
        let diagnostic = if dangerous {
            Diagnostic::new(
                RuleId::DangerousCapability,
                yaml.node(node).range,
                format!("{owner} adds `{name}`, a container-escape ingredient"),
            )
        } else if !BASELINE.contains(&name.as_str()) {
            Diagnostic::new(
                RuleId::DangerousCapability,
                yaml.node(node).range,
                format!("{owner} adds `{name}`, which is outside Docker's default set and the baseline Pod Security Standard"),
            )
            .with_severity(Severity::Warning)
        } else {
            Diagnostic::new(
                RuleId::DangerousCapability,
                yaml.node(node).range,
                format!("{owner} adds `{name}`: only NET_BIND_SERVICE is allowed by the restricted Pod Security Standard"),
            )
            .with_severity(Severity::Info)
        };
        let mut diagnostic = diagnostic.with_fixes(fix);
        diagnostic.control = control;
        out.push(diagnostic);
    }
}

pub fn check_compose(cx: &ComposeContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for service in &cx.compose.services {
        let Some(member) = yaml.get(service.node, "cap_add") else {
            continue;
        };
        let list = yaml.resolve(member.value);
        report(
            cx.source,
            yaml,
            list,
            strings(yaml, list),
            &format!("service `{}`", service.name),
            known_image(yaml, service).map_or(&[][..], |(_, image)| &image.entrypoint_caps),
            false,
            out,
        );
    }
}

pub fn check_kubernetes(cx: &KubernetesContext, out: &mut Vec<Diagnostic>) {
    let yaml = cx.yaml;
    for c in containers(cx) {
        let Some(add) = yaml.path(
            c.container.node,
            &["securityContext", "capabilities", "add"],
        ) else {
            continue;
        };
        let list = yaml.resolve(add);
        report(
            cx.source,
            yaml,
            list,
            strings(yaml, list),
            &describe(c),
            &[],
            true,
            out,
        );
    }
}
