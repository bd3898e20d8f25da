//! The workspace index: what each Kubernetes file of a workspace says that other files' findings depend on,
//! kept current by whoever reads the files (the CLI from the paths it was given, the server from its
//! workspace folder and the open documents).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::rules::workspace::Facts;

/// What every Kubernetes file of a workspace says to the others.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    files: BTreeMap<PathBuf, Facts>,
}

impl Workspace {
    /// Put what `path` now says into the index (`None`: nothing, for a file gone or no longer a manifest);
    /// whether that changes what the workspace says. A keystroke seldom changes what its file says, and
    /// then costs one comparison.
    pub fn set(&mut self, path: &Path, facts: Option<Facts>) -> bool {
        if self.files.get(path) == facts.as_ref() {
            return false;
        }
        let before = self.facts();
        match facts {
            Some(facts) => self.files.insert(path.to_path_buf(), facts),
            None => self.files.remove(path),
        };
        self.facts() != before
    }

    /// What the files other than `path` say.
    pub fn facts_except(&self, path: Option<&Path>) -> Facts {
        let mut facts = Facts::default();
        for (_, file) in self.files.iter().filter(|(p, _)| Some(p.as_path()) != path) {
            facts.extend(file);
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
