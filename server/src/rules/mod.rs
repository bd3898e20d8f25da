//! The rules. One file per rule, named after it, grouped by concern; [`registry`] is the one table of them.
//!
//! A rule file reads top to bottom: its documentation (the doc comment given to [`declare_rule!`], shown on
//! hover, by `dockwarden explain` and in the README), its metadata, then one check per file kind
//! (`check_dockerfile`, `check_compose`, `check_kubernetes`), then its fix builders.

pub mod registry;

mod access;
pub mod compose_builds;
mod compose_networks;
mod compose_security;
mod compose_support;
pub(crate) mod deployed_containers;
mod identity;
mod image_tools;
mod images;
pub(crate) mod network;
mod pod_security;
mod rbac;
mod runtime;
mod secrets;
mod shell_support;
pub(crate) mod skipped_file;
pub(crate) mod support;
mod suppression;
mod syntax_error;

pub use registry::RuleId;

use crate::config::Settings;
use crate::model::compose::Compose;
use crate::model::dockerfile::Dockerfile;
use crate::model::kubernetes::Kubernetes;
use crate::model::shell::Scripts;
use crate::model::yaml::Yaml;
use crate::{Diagnostic, FileKind, Severity};

/// What a rule offers to repair its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
}

impl FixAvailability {
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "—",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
        }
    }
}

/// A rule's identity card.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line for `dockwarden rules` and the README table.
    pub summary: &'static str,
    /// The doc comment, one leading space per line as rustdoc leaves it.
    raw_docs: &'static str,
}

impl RuleMeta {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        severity: Severity,
        fix: FixAvailability,
        summary: &'static str,
        raw_docs: &'static str,
    ) -> Self {
        Self {
            name,
            severity,
            fix,
            summary,
            raw_docs,
        }
    }

    /// The rule's documentation as markdown.
    pub fn docs(&self) -> String {
        let mut out = format!("# {}\n\n", self.name);
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// What a rule sees of one Dockerfile.
pub struct DockerfileContext<'a> {
    pub source: &'a str,
    pub file: &'a Dockerfile,
    /// The `RUN` bodies, read as shell scripts.
    pub scripts: &'a Scripts,
    /// The files around it (its build context's ignore file).
    pub files: &'a dyn FileSource,
    /// The Compose service that builds it, looked up once when a rule first asks.
    pub builder: std::sync::OnceLock<Option<compose_builds::Builder>>,
    /// The manifests skaffold deploys it in, looked up once when a rule first asks.
    pub deployments: std::sync::OnceLock<Vec<deployed_containers::Deployment>>,
    /// The text the grammar could not read as any instruction (see `syntax::dockerfile::top_level_errors`):
    /// found before the model is built, so a large file's tree is gone before its scripts are read.
    pub grammar_errors: &'a [crate::TextRange],
    pub settings: &'a Settings,
}

impl DockerfileContext<'_> {
    /// The Compose service in the workspace that builds this Dockerfile, if any.
    pub fn builder(&self) -> Option<&compose_builds::Builder> {
        self.builder
            .get_or_init(|| compose_builds::compose_building(self.files))
            .as_ref()
    }

    /// The manifests that run the image built from this Dockerfile (see `deployed_containers`).
    pub fn deployments(&self) -> &[deployed_containers::Deployment] {
        self.deployments
            .get_or_init(|| deployed_containers::deployments(self.files))
    }
}

/// Files beside the one being linted, by path relative to its directory (a Compose service's Dockerfile).
/// The engine does no IO of its own: the CLI and the server decide what may be read.
pub trait FileSource: Sync {
    fn read(&self, relative: &str) -> Option<String>;
    /// The first `len` bytes (or fewer) of a regular file, for telling what it holds (an archive's magic
    /// bytes); `None` when there is no such file or nothing around is known.
    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>>;
    /// Whether git ignores the file (a `.gitignore` on its way from the root says so): an ignored file
    /// stays out of the repository, so what it holds is not published with it.
    fn git_ignored(&self, relative: &str) -> bool;
    /// The linted file's own name; `None` when it is linted alone and nothing around it is known (so a
    /// missing file proves nothing).
    fn file_name(&self) -> Option<&str>;
    /// Whether `relative` names the linted file itself (a Compose file's `build:` pointing back at it).
    fn is_this_file(&self, relative: &str) -> bool;
    /// The names of the regular files in the folder `relative` (`.` for the linted file's own), sorted and
    /// at most [`MAX_LISTED`]: for the patterns other tools' configs name files with (`k8s/*.yaml`).
    fn list(&self, relative: &str) -> Vec<String>;
}

/// How many names [`FileSource::list`] returns at most: a folder of manifests, not a whole tree.
pub const MAX_LISTED: usize = 1_000;

/// No files: the file is linted alone.
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, _: &str) -> Option<String> {
        None
    }

    fn head(&self, _: &str, _: usize) -> Option<Vec<u8>> {
        None
    }

    fn git_ignored(&self, _: &str) -> bool {
        false
    }

    fn file_name(&self) -> Option<&str> {
        None
    }

    fn is_this_file(&self, _: &str) -> bool {
        false
    }

    fn list(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}

/// What a rule sees of one Compose file.
pub struct ComposeContext<'a> {
    pub source: &'a str,
    pub yaml: &'a Yaml,
    pub compose: &'a Compose,
    pub files: &'a dyn FileSource,
    pub settings: &'a Settings,
}

/// What a rule sees of one YAML stream of Kubernetes manifests.
pub struct KubernetesContext<'a> {
    pub source: &'a str,
    pub yaml: &'a Yaml,
    pub k8s: &'a Kubernetes,
    pub settings: &'a Settings,
}

/// A rule's checks, one per file kind it reads: read the file, push findings.
pub type DockerfileCheck = fn(&DockerfileContext, &mut Vec<Diagnostic>);
pub type ComposeCheck = fn(&ComposeContext, &mut Vec<Diagnostic>);
pub type KubernetesCheck = fn(&KubernetesContext, &mut Vec<Diagnostic>);
/// A workspace rule's check: one Kubernetes file against what the other files of the workspace say.
pub type WorkspaceCheck = fn(&WorkspaceContext, &mut Vec<Diagnostic>);

/// The pods of a document whose token findings wait on the workspace's ServiceAccounts.
pub use identity::service_account_token_mounted::mounts as token_mounts;
pub use network::missing_network_policy::WorkspaceContext;

/// The checks of one rule; the file kinds it applies to are those it has a check for.
#[derive(Clone, Copy)]
pub struct Checks {
    pub dockerfile: Option<DockerfileCheck>,
    pub compose: Option<ComposeCheck>,
    pub kubernetes: Option<KubernetesCheck>,
    /// Cross-file checks of Kubernetes files.
    pub workspace: Option<WorkspaceCheck>,
}

impl Checks {
    pub const NONE: Checks = Checks {
        dockerfile: None,
        compose: None,
        kubernetes: None,
        workspace: None,
    };

    /// The kinds of file the rule reports in; a rule with no check of its own (a finding about suppression
    /// comments, made after the other rules) reports in every kind.
    pub fn kinds(&self) -> Vec<FileKind> {
        let none = self.dockerfile.is_none()
            && self.compose.is_none()
            && self.kubernetes.is_none()
            && self.workspace.is_none();
        if none {
            return vec![
                FileKind::Dockerfile,
                FileKind::Compose,
                FileKind::Kubernetes,
            ];
        }
        let mut kinds = Vec::new();
        if self.dockerfile.is_some() {
            kinds.push(FileKind::Dockerfile);
        }
        if self.compose.is_some() {
            kinds.push(FileKind::Compose);
        }
        if self.kubernetes.is_some() || self.workspace.is_some() {
            kinds.push(FileKind::Kubernetes);
        }
        kinds
    }
}

/// Declare a rule's metadata with its documentation:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// …
///     name: "run-as-root", severity: Warning, fix: Unsafe,
///     summary: "the final image runs as root",
/// }
/// ```
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        name: $name:literal,
        severity: $severity:ident,
        fix: $fix:ident,
        summary: $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])*
        pub static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta::new(
            $name,
            $crate::Severity::$severity,
            $crate::rules::FixAvailability::$fix,
            $summary,
            concat!($($doc, "\n"),*),
        );
    };
}
pub(crate) use declare_rule;
