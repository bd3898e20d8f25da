//! What the cluster will reject: Pod Security admission, applied to the findings of a Kubernetes file.
//!
//! A namespace labelled `pod-security.kubernetes.io/enforce: baseline|restricted` (in the workspace index:
//! a `Namespace` in any file) makes the API server refuse pods that violate that level. The rules tag each
//! finding whose condition *is* a Pod Security violation with its [`Control`] (the table below says which
//! rule reports which control, on which raw values, from which Kubernetes version); this pass turns those
//! findings into errors that say the pod will be refused, and adds a note for `warn` and `audit` labels.
//! Only Pod Security controls count: a writable root file system, missing limits or a mounted token are
//! never rejected. `.dockwarden.yaml`'s `pod-security` key stands for a cluster that enforces a level
//! everywhere.

use crate::TextRange;
use crate::config::Settings;
use crate::pod_security_levels::{Level, Mode};
use crate::workspace::{Facts, Workload};
use crate::{Diagnostic, Severity};

/// One control of the Pod Security Standards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Control {
    HostProcess,
    HostNamespaces,
    Privileged,
    BaselineCapabilities,
    HostPathVolumes,
    HostPorts,
    AppArmor,
    SeLinux,
    ProcMount,
    BaselineSeccomp,
    Sysctls,
    ProbeHost,
    VolumeTypes,
    PrivilegeEscalation,
    RunAsNonRoot,
    RunAsUser,
    RestrictedSeccomp,
    RestrictedCapabilities,
    /// A value a later version allows: a sysctl added to the safe set, a volume type (`image`, 1.33), an
    /// SELinux type (`container_engine_t`, 1.31). It violates only at an `enforce-version` before `since`.
    AllowedFrom {
        control: Allowed,
        since: u32,
    },
}

/// The controls whose allowed values grew with the versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Allowed {
    Sysctls,
    VolumeTypes,
    SeLinux,
}

/// A control's row of the table.
pub struct ControlInfo {
    pub name: &'static str,
    pub level: Level,
    /// The Kubernetes minor version from which admission checks it.
    pub since: u32,
    /// Pods with `spec.os.name: windows` are exempt.
    pub linux_only: bool,
    /// The rule that reports it, and on which raw values.
    pub reported_by: &'static str,
}

impl Control {
    /// THE table: every Pod Security control, the rule and condition that report it, and when admission
    /// started checking it.
    pub fn info(self) -> ControlInfo {
        let row = |name, level, since, linux_only, reported_by| ControlInfo {
            name,
            level,
            since,
            linux_only,
            reported_by,
        };
        use Level::{Baseline, Restricted};
        match self {
            Control::HostProcess => row(
                "HostProcess",
                Baseline,
                0,
                false,
                "host-process: `windowsOptions.hostProcess: true`",
            ),
            Control::HostNamespaces => row(
                "Host Namespaces",
                Baseline,
                0,
                false,
                "host-namespace: `hostNetwork`, `hostPID` or `hostIPC` true",
            ),
            Control::Privileged => row(
                "Privileged Containers",
                Baseline,
                0,
                false,
                "privileged-container: `privileged: true`",
            ),
            Control::BaselineCapabilities => row(
                "Capabilities",
                Baseline,
                0,
                false,
                "dangerous-capability: an added capability outside the baseline list (names compared exactly)",
            ),
            Control::HostPathVolumes => row(
                "HostPath Volumes",
                Baseline,
                0,
                false,
                "host-path-volume and container-runtime-socket: a `hostPath` volume",
            ),
            Control::HostPorts => row(
                "Host Ports",
                Baseline,
                0,
                false,
                "host-port: a non-zero `hostPort`",
            ),
            Control::AppArmor => row(
                "AppArmor",
                Baseline,
                0,
                false,
                "unconfined-profile: AppArmor `Unconfined`",
            ),
            Control::SeLinux => row(
                "SELinux",
                Baseline,
                0,
                false,
                "unsafe-selinux-options: a type outside the container types, `user` or `role`",
            ),
            Control::ProcMount => row(
                "/proc Mount Type",
                Baseline,
                0,
                false,
                "unmasked-proc-mount: `procMount` other than `Default`",
            ),
            Control::BaselineSeccomp => row(
                "Seccomp",
                Baseline,
                19,
                false,
                "unconfined-profile: seccomp `Unconfined`",
            ),
            Control::Sysctls => row(
                "Sysctls",
                Baseline,
                0,
                false,
                "unsafe-sysctl: a name outside the safe set of the version",
            ),
            Control::ProbeHost => row(
                "Probes / Lifecycle Hooks",
                Baseline,
                34,
                false,
                "probe-host-field: a non-empty `host`",
            ),
            Control::VolumeTypes => row(
                "Volume Types",
                Restricted,
                0,
                false,
                "restricted-volume-type: a type outside the allowed list",
            ),
            Control::PrivilegeEscalation => row(
                "Privilege Escalation",
                Restricted,
                8,
                true,
                "privilege-escalation: `allowPrivilegeEscalation` unset or true",
            ),
            Control::RunAsNonRoot => row(
                "Running as Non-root",
                Restricted,
                0,
                false,
                "run-as-root: `runAsNonRoot` not true for the container",
            ),
            Control::RunAsUser => row(
                "Running as Non-root user",
                Restricted,
                23,
                false,
                "run-as-root: `runAsUser: 0`",
            ),
            Control::RestrictedSeccomp => row(
                "Seccomp",
                Restricted,
                19,
                true,
                "unconfined-profile: no seccomp profile",
            ),
            Control::RestrictedCapabilities => row(
                "Capabilities",
                Restricted,
                22,
                true,
                "capabilities-not-dropped: `drop` without `ALL`; dangerous-capability: an added capability but NET_BIND_SERVICE",
            ),
            Control::AllowedFrom { control, .. } => match control {
                Allowed::Sysctls => Control::Sysctls.info(),
                Allowed::VolumeTypes => Control::VolumeTypes.info(),
                Allowed::SeLinux => Control::SeLinux.info(),
            },
        }
    }

    /// Whether a pod that violates this control is refused under `mode`.
    fn refused(self, mode: Mode, windows: bool) -> bool {
        if let Control::AllowedFrom { since, .. } = self {
            let level = self.info().level;
            return level <= mode.level && mode.version.is_some_and(|v| v < since);
        }
        let info = self.info();
        info.level <= mode.level
            && mode.version.is_none_or(|v| v >= info.since)
            && !(windows && info.linux_only)
    }
}

/// What admission needs of a file: what the workspace says (its namespaces, this file's included) and
/// the workload of each of the file's documents.
pub struct FileWorkloads {
    pub facts: Facts,
    pub documents: Vec<(TextRange, Option<Workload>)>,
}

impl FileWorkloads {
    /// The workload of the document that holds `offset`.
    fn at(&self, offset: usize) -> Option<&Workload> {
        self.documents
            .iter()
            .find(|(range, _)| range.start <= offset && offset < range.end.max(range.start + 1))
            .and_then(|(_, workload)| workload.as_ref())
    }
}

/// Pod Security admission applied to a file's findings. A latent finding (a violation the rule itself
/// lets pass) is kept only where a label makes it count.
pub fn apply(found: Vec<Diagnostic>, file: &FileWorkloads, settings: &Settings) -> Vec<Diagnostic> {
    let facts = &file.facts;
    found
        .into_iter()
        .filter_map(|mut d| {
            let Some(control) = d.control else {
                return Some(d);
            };
            let Some(workload) = file.at(d.range.start) else {
                return (!d.latent).then_some(d);
            };
            let labels = facts.namespaces.get(&workload.namespace);
            let enforced = labels
                .and_then(|p| p.enforce)
                .or(settings.pod_security.map(|level| Mode {
                    level,
                    version: None,
                }));
            if let Some(mode) = enforced.filter(|m| control.refused(*m, workload.windows)) {
                let by = if labels.and_then(|p| p.enforce).is_some() {
                    format!("namespace `{}` enforces `{}`", workload.namespace, mode.level.as_str())
                } else {
                    format!("the cluster enforces `{}` (`pod-security` in .dockwarden.yaml)", mode.level.as_str())
                };
                let note = if workload.kind == "Pod" {
                    format!("rejected by Pod Security admission: {by}")
                } else {
                    format!(
                        "its pods will be rejected by Pod Security admission: {by} (the {} itself is admitted)",
                        workload.kind
                    )
                };
                d.message = format!("{} — {note}", d.message);
                d.severity = Severity::Error;
                d.latent = false;
                return Some(d);
            }
            let noted = [("warns", labels.and_then(|p| p.warn)), ("audits", labels.and_then(|p| p.audit))]
                .into_iter()
                .find_map(|(verb, mode)| mode.filter(|m| control.refused(*m, workload.windows)).map(|m| (verb, m)));
            match noted {
                Some((verb, mode)) => {
                    d.message = format!(
                        "{} (namespace `{}` {verb} on `{}` violations: Pod Security control \"{}\")",
                        d.message,
                        workload.namespace,
                        mode.level.as_str(),
                        control.info().name
                    );
                    d.latent = false;
                    Some(d)
                }
                None => (!d.latent).then_some(d),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::fix::{FixMode, fix_all};
    use crate::{FileKind, Severity, lint};

    /// "Harden this container" (and the other preferred fixes) leave nothing a `restricted` namespace
    /// refuses, for an ordinary image and for an official one that listens below 1024.
    #[test]
    fn hardened_containers_are_admitted_by_restricted() {
        for image in ["example.com/app:1.0", "nginx:1.30", "postgres:17.2"] {
            let text = format!(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: {image}\n"
            );
            let refused = |found: &[crate::Diagnostic]| {
                found
                    .iter()
                    .filter(|d| d.message.contains("Pod Security admission"))
                    .map(|d| d.rule.name())
                    .collect::<Vec<_>>()
            };
            let before = lint(&text, FileKind::Kubernetes);
            assert!(!refused(&before).is_empty(), "{image}: {before:#?}");
            assert!(before.iter().any(|d| d.severity == Severity::Error));
            let fixed = fix_all(&text, FixMode::Unsafe, |t| lint(t, FileKind::Kubernetes));
            let after = lint(&fixed.text, FileKind::Kubernetes);
            assert!(
                refused(&after).is_empty(),
                "{image}: {:?}\n{}",
                refused(&after),
                fixed.text
            );
        }
    }
}
