//! What a file is linted with besides its text.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use crate::document::Skip;
use crate::rules::settings::Settings;
use crate::rules::workspace::Facts;
use crate::rules::{FileSource, NoFiles};

/// What a file is linted with besides its text: what the rest of the workspace default-denies, and the
/// files beside it.
pub struct Surroundings<'a> {
    /// What the other files of the workspace say (default-deny policies, ServiceAccounts).
    pub facts: Option<&'a Facts>,
    /// Namespaces whose missing NetworkPolicy another file reports (the CLI names each once).
    pub reported_elsewhere: &'a BTreeSet<String>,
    pub files: &'a dyn FileSource,
    /// The settings that apply to the file (its `.dockwarden.yaml` over the editor's).
    pub settings: &'a Settings,
    /// Why the file is not linted in full, as known before it is read (a chart template by its path, bytes
    /// that are not UTF-8); each is reported by a `skipped-file` finding.
    pub skips: &'a [Skip],
}

impl Surroundings<'_> {
    /// The file alone, with the default settings.
    pub fn none() -> Surroundings<'static> {
        static DEFAULT: LazyLock<Settings> = LazyLock::new(Settings::default);
        static NONE: BTreeSet<String> = BTreeSet::new();
        Surroundings {
            facts: None,
            reported_elsewhere: &NONE,
            files: &NoFiles,
            settings: &DEFAULT,
            skips: &[],
        }
    }
}
