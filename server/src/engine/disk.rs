//! Reading files the linter did not get as the document — files beside a linted file, ignore files,
//! configs — inside a root they may not leave, and never more than a small, fixed amount.
//!
//! Every such read goes through [`read_regular`]: only regular files (a FIFO would block the read, a
//! device such as `/dev/zero` never end it, and a symbolic link to one is judged by its target), at most a
//! cap of bytes. The `ignore` crate would read `.gitignore` files itself, uncapped, and also the user's global
//! git configuration outside the project; [`IgnoreFiles`] reads them here instead.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::rules::FileSource;

/// Files relative to `dir`, readable only when their canonical path lies inside `root` (so neither `..` nor
/// a symbolic link leads out of the workspace), and small enough to be source files.
pub struct DiskFiles {
    pub dir: PathBuf,
    pub root: PathBuf,
    /// The linted file's name.
    pub name: String,
    ignores: IgnoreFiles,
}

/// Larger files beside a document (Dockerfiles a Compose file builds, `.dockerignore`, env files, ignore
/// files, configs) are not source files anyone writes by hand, and are not read.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// At most `cap` bytes of the regular file at `path` (a symbolic link is followed to its target, which must be
/// a regular file); a larger file is an error, not a prefix, so a cut file is never mistaken for the whole.
pub fn read_regular(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind};
    // Checked before opening: opening a FIFO for reading blocks until a writer comes.
    if !std::fs::metadata(path)?.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    let file = std::fs::File::open(path)?;
    // And again on what was opened, in case the path changed in between.
    if !file.metadata()?.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(Error::new(
            ErrorKind::InvalidData,
            format!("larger than {cap} bytes"),
        ));
    }
    Ok(bytes)
}

/// [`read_regular`] as text, `None` for anything that is not a small regular UTF-8 file.
pub fn read_text(path: &Path, cap: u64) -> Option<String> {
    String::from_utf8(read_regular(path, cap).ok()?).ok()
}

/// The ignore files of a project (`.gitignore` and `.ignore` in every folder, `.git/info/exclude` at its
/// top), each read once through [`read_regular`], deciding as git and ripgrep do: the deepest folder with a
/// matching rule wins, `.ignore` before `.gitignore`, a `!` rule re-includes. Folders above `root` and the
/// user's global excludes file are never read: what is ignored is the project's own business.
pub struct IgnoreFiles {
    root: PathBuf,
    folders: Mutex<HashMap<PathBuf, std::sync::Arc<Vec<Gitignore>>>>,
}

impl IgnoreFiles {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            folders: Mutex::new(HashMap::new()),
        }
    }

    /// Forget the ignore files read so far (they may have changed).
    pub fn forget(&self) {
        self.folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Whether `path` (under the root; `is_dir` says whether it is a folder) is ignored by a rule in one of
    /// the folders that hold it.
    pub fn is_ignored(&self, path: &Path, is_dir: bool) -> bool {
        for folder in path.ancestors().skip(1) {
            if !folder.starts_with(&self.root) {
                break;
            }
            for rules in self.rules_of(folder).iter() {
                match rules.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        false
    }

    /// Whether `path` or a folder it is in is ignored (for a path not met on a walk, which would not have
    /// entered an ignored folder: as in git, a file in an ignored folder cannot be re-included).
    pub fn is_ignored_or_in_ignored(&self, path: &Path) -> bool {
        let folders: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .take_while(|folder| folder.starts_with(&self.root) && *folder != self.root)
            .collect();
        folders
            .iter()
            .rev()
            .any(|folder| self.is_ignored(folder, true))
            || self.is_ignored(path, false)
    }

    fn rules_of(&self, folder: &Path) -> std::sync::Arc<Vec<Gitignore>> {
        let mut folders = self
            .folders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        folders
            .entry(folder.to_path_buf())
            .or_insert_with(|| {
                let mut files = vec![folder.join(".ignore"), folder.join(".gitignore")];
                if folder == self.root {
                    files.push(folder.join(".git/info/exclude"));
                }
                std::sync::Arc::new(
                    files
                        .iter()
                        .filter_map(|file| rules_from(folder, file))
                        .collect(),
                )
            })
            .clone()
    }
}

/// The rules of one ignore file, relative to `folder`; `None` when it is missing, not a small regular file,
/// or has no rule.
fn rules_from(folder: &Path, file: &Path) -> Option<Gitignore> {
    let text = String::from_utf8_lossy(&read_regular(file, MAX_BYTES).ok()?).into_owned();
    let mut builder = GitignoreBuilder::new(folder);
    for line in text.lines() {
        // A bad pattern is skipped, as git skips it.
        let _ = builder.add_line(Some(file.to_path_buf()), line);
    }
    builder.build().ok().filter(|rules| !rules.is_empty())
}

/// Where a write to `path` may go: `path` itself when it is a new file or a regular file, the file a
/// symbolic link at `path` points to when that is a regular file inside `root` (the link is kept); an error
/// for anything outside `root`, a link to nowhere or a non-file.
pub fn write_target(root: &Path, path: &Path) -> Result<(PathBuf, bool), String> {
    let shown = path.display();
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .map_err(|e| format!("{shown}: {e}"))?;
    let name = path
        .file_name()
        .ok_or_else(|| format!("{shown}: not a file name"))?;
    let place = parent.join(name);
    let target = match place.symlink_metadata() {
        Err(_) => return inside(root, place, true),
        Ok(meta) if meta.file_type().is_symlink() => place
            .canonicalize()
            .map_err(|_| format!("{shown}: a symbolic link to nowhere, not written"))?,
        Ok(_) => place,
    };
    if !target.symlink_metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("{shown}: not a regular file, not written"));
    }
    inside(root, target, false)
}

fn inside(root: &Path, target: PathBuf, new: bool) -> Result<(PathBuf, bool), String> {
    if target.starts_with(root) {
        Ok((target, new))
    } else {
        Err(format!(
            "{}: outside the project ({}), not written",
            target.display(),
            root.display()
        ))
    }
}

/// A walk of `dir` like ripgrep's — hidden files included, `.git/` never entered, what the project's ignore
/// files exclude skipped — with the `ignore` crate's own reading of ignore files turned off in favour of
/// [`IgnoreFiles`].
pub fn walker(dir: &Path) -> ignore::WalkBuilder {
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let ignores = std::sync::Arc::new(IgnoreFiles::new(&ignore_root(&canonical)));
    let start = dir.to_path_buf();
    let mut builder = ignore::WalkBuilder::new(dir);
    builder.standard_filters(false).filter_entry(move |entry| {
        if entry.file_name() == ".git" {
            return false;
        }
        let path = entry.path().strip_prefix(&start).map_or_else(
            |_| entry.path().to_path_buf(),
            |inner| canonical.join(inner),
        );
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        !ignores.is_ignored(&path, is_dir)
    });
    builder
}

/// The folder a walk from `dir` takes ignore files from: the top of the git work tree that holds it (the
/// nearest folder with `.git`), else `dir` itself.
pub fn ignore_root(dir: &Path) -> PathBuf {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors()
        .find(|folder| folder.join(".git").exists())
        .unwrap_or(&dir)
        .to_path_buf()
}

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
            ignores: IgnoreFiles::new(&root),
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
    /// Forget the ignore files read so far: files changed.
    pub fn forget(&self) {
        self.ignores.forget();
    }

    /// The canonical path of `relative`, if it exists inside the root.
    fn inside(&self, relative: &str) -> Option<PathBuf> {
        let path = self.dir.join(relative).canonicalize().ok()?;
        path.starts_with(&self.root).then_some(path)
    }
}

impl FileSource for DiskFiles {
    fn read(&self, relative: &str) -> Option<String> {
        read_text(&self.inside(relative)?, MAX_BYTES)
    }

    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>> {
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
        self.inside(relative)
            .is_some_and(|path| self.ignores.is_ignored_or_in_ignored(&path))
    }

    fn file_name(&self) -> Option<&str> {
        Some(&self.name)
    }

    fn is_this_file(&self, relative: &str) -> bool {
        self.inside(relative)
            .is_some_and(|path| Some(path) == self.dir.join(&self.name).canonicalize().ok())
    }

    /// Regular files only (a symlink counts when what it points at is a file inside the root).
    fn list(&self, relative: &str) -> Vec<String> {
        let Some(dir) = self.inside(relative) else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .take(crate::rules::MAX_LISTED * 4)
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let path = entry.path().canonicalize().ok()?;
                (path.starts_with(&self.root) && path.is_file()).then_some(name)
            })
            .collect();
        names.sort();
        names.truncate(crate::rules::MAX_LISTED);
        names
    }
}
