//! Reading the files beside a linted file, inside a root it may not leave.

use std::path::{Path, PathBuf};

use crate::rules::FileSource;

/// Files relative to `dir`, readable only when their canonical path lies inside `root` (so neither `..` nor
/// a symbolic link leads out of the workspace), and small enough to be source files.
pub struct DiskFiles {
    pub dir: PathBuf,
    pub root: PathBuf,
}

/// Larger files are not Dockerfiles.
const MAX_BYTES: u64 = 1024 * 1024;

impl DiskFiles {
    /// The files beside `file`, inside `root` (both canonicalised; `None` when either does not exist).
    pub fn beside(file: &Path, root: &Path) -> Option<Self> {
        let file = file.canonicalize().ok()?;
        Some(Self {
            dir: file.parent()?.to_path_buf(),
            root: root.canonicalize().ok()?,
        })
    }
}

impl FileSource for DiskFiles {
    fn read(&self, relative: &str) -> Option<String> {
        let path = self.dir.join(relative).canonicalize().ok()?;
        if !path.starts_with(&self.root) || std::fs::metadata(&path).ok()?.len() > MAX_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    }
}
