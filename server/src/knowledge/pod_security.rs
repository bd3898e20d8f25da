//! The Pod Security Standards: their levels, what a namespace's labels set, and every control with the
//! rule that reports it — the words the rules, the config, the workspace index and the admission check
//! (`engine::admission`) share.

/// A Pod Security Standards level (`privileged` enforces nothing, so it has no value here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Baseline,
    Restricted,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// A level as a namespace label sets it, with its `*-version` label: `None` is `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mode {
    pub level: Level,
    /// The Kubernetes minor version of the checks (`v1.29` → 29).
    pub version: Option<u32>,
}

/// What a namespace's Pod Security labels say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NamespacePolicy {
    pub enforce: Option<Mode>,
    pub warn: Option<Mode>,
    pub audit: Option<Mode>,
}

/// A namespace's Pod Security labels, from its `metadata.labels`.
pub fn namespace_policy(label: impl Fn(&str) -> Option<String>) -> NamespacePolicy {
    let mode = |which: &str| {
        let level = Level::parse(&label(&format!("pod-security.kubernetes.io/{which}"))?)?;
        let version = label(&format!("pod-security.kubernetes.io/{which}-version"))
            .and_then(|v| v.strip_prefix("v1.")?.parse().ok());
        Some(Mode { level, version })
    };
    NamespacePolicy {
        enforce: mode("enforce"),
        warn: mode("warn"),
        audit: mode("audit"),
    }
}

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
    pub fn refused(self, mode: Mode, windows: bool) -> bool {
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
