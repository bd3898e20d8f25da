//! The rules. One file per rule, named after it, grouped by concern; [`registry`] is the one table of them.
//!
//! A rule file reads top to bottom: its documentation (the doc comment given to [`declare_rule!`], shown on
//! hover, by `dockwarden explain` and in the README), its metadata, then one check per file kind
//! (`check_dockerfile`, `check_compose`, `check_kubernetes`), then its fix builders.

pub mod context;
pub mod diagnostic;
pub mod files;
pub mod hadolint;
pub mod id;
pub mod meta;
pub mod registry;
pub mod settings;
pub mod workspace;

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

pub use context::{
    Checks, ComposeCheck, ComposeContext, DockerfileCheck, DockerfileContext, InstructionCheck,
    InstructionContext, KubernetesCheck, KubernetesContext, WorkspaceCheck, WorkspaceContext,
};
pub use diagnostic::{Diagnostic, Related};
pub use files::{FileSource, MAX_LISTED, NoFiles};
pub use id::RuleId;
/// The pods of a document whose token findings wait on the workspace's ServiceAccounts.
pub use identity::service_account_token_mounted::mounts as token_mounts;
pub use meta::{FixAvailability, RuleMeta};

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
            $crate::document::Severity::$severity,
            $crate::rules::FixAvailability::$fix,
            $summary,
            concat!($($doc, "\n"),*),
        );
    };
}
pub(crate) use declare_rule;
