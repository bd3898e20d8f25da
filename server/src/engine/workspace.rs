//! The workspace index: what each Kubernetes file of a workspace says that other files' findings depend on,
//! kept current by whoever reads the files (the CLI from the paths it was given, the server from its
//! workspace folder and the open documents).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::rules::workspace::{Facts, Summary};

/// The summaries of every Kubernetes file of a workspace.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    files: BTreeMap<PathBuf, Summary>,
}

impl Workspace {
    pub fn set(&mut self, path: &Path, summary: Summary) {
        self.files.insert(path.to_path_buf(), summary);
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// What the files other than `path` say.
    pub fn facts_except(&self, path: Option<&Path>) -> Facts {
        let mut facts = Facts::default();
        for (_, summary) in self.files.iter().filter(|(p, _)| Some(p.as_path()) != path) {
            facts.extend(&summary.facts);
        }
        facts
    }

    /// What every file says.
    pub fn facts(&self) -> Facts {
        self.facts_except(None)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
