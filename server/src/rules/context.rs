//! What a rule sees of the file it reads, one context per file kind, and the checks a rule has for each.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::document::{FileKind, TextRange};
use crate::model::compose::Compose;
use crate::model::dockerfile::{Dockerfile, Instruction};
use crate::model::kubernetes::Kubernetes;
use crate::model::shell::{Script, Scripts};
use crate::model::yaml::Yaml;
use crate::rules::compose_builds::{self, Builder};
use crate::rules::deployed_containers::{self, Deployment};
use crate::rules::diagnostic::Diagnostic;
use crate::rules::files::FileSource;
use crate::rules::settings::Settings;
use crate::rules::workspace::{Facts, FileSummary};

/// What a rule sees of one Dockerfile.
pub struct DockerfileContext<'a> {
    pub source: &'a str,
    pub file: &'a Dockerfile,
    /// The `RUN` bodies, read as shell scripts.
    pub scripts: &'a Scripts,
    /// The files around it (its build context's ignore file).
    pub files: &'a dyn FileSource,
    /// The Compose service that builds it, looked up once when a rule first asks.
    pub builder: OnceLock<Option<Builder>>,
    /// The manifests skaffold deploys it in, looked up once when a rule first asks.
    pub deployments: OnceLock<Vec<Deployment>>,
    /// The text the grammar could not read as any instruction (see `syntax::dockerfile::top_level_errors`):
    /// found before the model is built, so a large file's tree is gone before its scripts are read.
    pub grammar_errors: &'a [TextRange],
    pub settings: &'a Settings,
}

impl DockerfileContext<'_> {
    /// The Compose service in the workspace that builds this Dockerfile, if any.
    pub fn builder(&self) -> Option<&Builder> {
        self.builder
            .get_or_init(|| compose_builds::compose_building(self.files))
            .as_ref()
    }

    /// The manifests that run the image built from this Dockerfile (see `deployed_containers`).
    pub fn deployments(&self) -> &[Deployment] {
        self.deployments
            .get_or_init(|| deployed_containers::deployments(self.files))
    }
}

/// What an instruction check sees of a Dockerfile: one instruction, its script (a `RUN` whose shell is a
/// POSIX shell), the comment lines and blank space before it (`leading`), and the text, which the check
/// reads only there. Nothing of the instructions around it, so what it finds depends on that text alone:
/// the engine keeps those findings while the text is unchanged and moves them with it (see
/// `engine::instruction_findings`).
pub struct InstructionContext<'a> {
    pub source: &'a str,
    pub instruction: &'a Instruction,
    pub script: Option<Script<'a>>,
    /// From the end of the instruction before (or the start of the file) to this one's start.
    pub leading: TextRange,
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
/// A Dockerfile check of one instruction at a time (see [`InstructionContext`]).
pub type InstructionCheck = fn(&InstructionContext, &mut Vec<Diagnostic>);
pub type ComposeCheck = fn(&ComposeContext, &mut Vec<Diagnostic>);
pub type KubernetesCheck = fn(&KubernetesContext, &mut Vec<Diagnostic>);
/// A workspace rule's check: one Kubernetes file against what the other files of the workspace say.
pub type WorkspaceCheck = fn(&WorkspaceContext, &mut Vec<Diagnostic>);

/// What a workspace rule sees: one file's summary and what the workspace's files (this one included) say.
pub struct WorkspaceContext<'a> {
    pub source: &'a str,
    pub summary: FileSummary<'a>,
    pub facts: &'a Facts,
    /// Namespaces whose missing policy another file reports (the CLI reports each once).
    pub reported_elsewhere: &'a BTreeSet<String>,
    /// The files beside this one (its kustomization).
    pub files: &'a dyn FileSource,
}

/// The checks of one rule; the file kinds it applies to are those it has a check for.
#[derive(Clone, Copy)]
pub struct Checks {
    pub dockerfile: Option<DockerfileCheck>,
    /// Dockerfile checks of one instruction at a time.
    pub instruction: Option<InstructionCheck>,
    pub compose: Option<ComposeCheck>,
    pub kubernetes: Option<KubernetesCheck>,
    /// Cross-file checks of Kubernetes files.
    pub workspace: Option<WorkspaceCheck>,
}

impl Checks {
    pub const NONE: Checks = Checks {
        dockerfile: None,
        instruction: None,
        compose: None,
        kubernetes: None,
        workspace: None,
    };

    /// The kinds of file the rule reports in; a rule with no check of its own (a finding about suppression
    /// comments, made after the other rules) reports in every kind.
    pub fn kinds(&self) -> Vec<FileKind> {
        let dockerfile = self.dockerfile.is_some() || self.instruction.is_some();
        let none = !dockerfile
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
        if dockerfile {
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
