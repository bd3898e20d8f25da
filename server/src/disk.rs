//! Reading the files beside a linted file, inside a root it may not leave.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::Gitignore;

use crate::rules::FileSource;

/// Files relative to `dir`, readable only when their canonical path lies inside `root` (so neither `..` nor
/// a symbolic link leads out of the workspace), and small enough to be source files.
pub struct DiskFiles {
    pub dir: PathBuf,
    pub root: PathBuf,
    /// The linted file's name.
    pub name: String,
}

/// Larger files are not Dockerfiles.
const MAX_BYTES: u64 = 1024 * 1024;

impl DiskFiles {
    /// The files beside `file`, inside `root` (both canonicalised; `None` when either does not exist, or
    /// when `file` is outside `root`: then nothing around it may be read, and nothing is known).
    pub fn beside(file: &Path, root: &Path) -> Option<Self> {
        let file = file.canonicalize().ok()?;
        let root = root.canonicalize().ok()?;
        if !file.starts_with(&root) {
            return None;
        }
        Some(Self {
            dir: file.parent()?.to_path_buf(),
            root,
            name: file.file_name()?.to_string_lossy().into_owned(),
        })
    }
}

/// Whether `path` is a Helm chart's template: a `*.tpl` file, or a file under a `templates/` folder whose
/// parent holds `Chart.yaml` (so `templates/` of other tools stays ordinary YAML).
pub fn is_chart_template(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tpl"))
    {
        return true;
    }
    path.ancestors()
        .skip(1)
        .filter(|dir| dir.file_name().is_some_and(|n| n == "templates"))
        .any(|templates| {
            templates
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
        })
}

impl DiskFiles {
    /// The canonical path of `relative`, if it exists inside the root.
    fn inside(&self, relative: &str) -> Option<PathBuf> {
        let path = self.dir.join(relative).canonicalize().ok()?;
        path.starts_with(&self.root).then_some(path)
    }
}

impl FileSource for DiskFiles {
    fn read(&self, relative: &str) -> Option<String> {
        let path = self.inside(relative)?;
        // Regular files only: a FIFO would block the read, a device never end it.
        let metadata = std::fs::metadata(&path).ok()?;
        if !metadata.is_file() || metadata.len() > MAX_BYTES {
            return None;
        }
        std::fs::read_to_string(path).ok()
    }

    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>> {
        use std::io::Read;
        let path = self.inside(relative)?;
        if !std::fs::metadata(&path).ok()?.is_file() {
            return None;
        }
        let mut bytes = Vec::with_capacity(len);
        std::fs::File::open(path)
            .ok()?
            .take(len as u64)
            .read_to_end(&mut bytes)
            .ok()?;
        Some(bytes)
    }

    /// The nearest `.gitignore` with a rule for the file (or a folder it is in) decides, from the file's
    /// folder up to the root, as git does.
    fn git_ignored(&self, relative: &str) -> bool {
        let Some(path) = self.inside(relative) else {
            return false;
        };
        for folder in path.ancestors().skip(1) {
            if !folder.starts_with(&self.root) {
                break;
            }
            let file = folder.join(".gitignore");
            if file.is_file() {
                let (rules, _) = Gitignore::new(&file);
                match rules.matched_path_or_any_parents(&path, false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    fn file_name(&self) -> Option<&str> {
        Some(&self.name)
    }

    fn is_this_file(&self, relative: &str) -> bool {
        self.inside(relative)
            .is_some_and(|path| Some(path) == self.dir.join(&self.name).canonicalize().ok())
    }
}
