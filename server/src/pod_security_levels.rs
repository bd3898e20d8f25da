//! The Pod Security Standards levels and what a namespace's labels set: the words the config, the
//! workspace index and the admission check (`crate::admission`) share.

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
