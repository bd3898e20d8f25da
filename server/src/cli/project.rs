//! The project a `check` run works in, and the only way it writes files.
//!
//! The root is the top of the git work tree that holds the paths given (the nearest folder with `.git`),
//! else the current folder when it holds them all, else the nearest folder they share; never `/` (or a
//! drive's root), where "inside the project" would mean nothing. Files beside the inputs are read inside it,
//! and fixes write only inside it: every path is canonicalised, so neither `..` nor a symbolic link leads
//! out, and the final open refuses links (`openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)` on Linux,
//! `O_NOFOLLOW` on other Unixes, the link itself rather than its target on Windows), so a link swapped in
//! after the check cannot redirect the write either. A new file is created exclusively (`O_EXCL`): it never
//! replaces something that appeared meanwhile.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The canonical root of a run over `paths` (the current folder when there are none, or for standard input).
pub fn root_of(paths: &[PathBuf]) -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("the current folder: {e}"))?;
    let folders: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| {
            let canonical = cwd.join(p).canonicalize().ok()?;
            Some(if canonical.is_dir() {
                canonical
            } else {
                canonical.parent()?.to_path_buf()
            })
        })
        .collect();
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    // Outside a git work tree, the current folder when it holds every path (as before there was a root),
    // else the nearest folder the paths share.
    let mut common = if folders.iter().all(|f| f.starts_with(&cwd)) {
        cwd
    } else {
        folders.first().cloned().unwrap_or(cwd)
    };
    for folder in &folders {
        while !folder.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    let top = common
        .ancestors()
        .find(|folder| folder.join(".git").exists())
        .filter(|top| top.parent().is_some())
        .map_or(common.clone(), Path::to_path_buf);
    if top.parent().is_none() {
        return Err(format!(
            "the paths given share no folder but {}: name paths inside one project (its git work tree, or \
             one folder that holds them all)",
            top.display()
        ));
    }
    Ok(top)
}

/// `path` as shown in diffs: relative to `root` (`vote/Dockerfile`), never with `./`, `..` or a leading `/`.
pub fn shown(root: &Path, path: &Path) -> String {
    let canonical = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .canonicalize()
        .ok()
        .zip(path.file_name())
        .map(|(parent, name)| parent.join(name));
    canonical
        .as_deref()
        .and_then(|p| p.strip_prefix(root).ok())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Write `text` to `path` inside `root` (see [`write_target`](crate::engine::disk::write_target)): an existing file is replaced in place, a
/// missing one created.
pub fn write(root: &Path, path: &Path, text: &str) -> Result<(), String> {
    let (target, new) = crate::engine::disk::write_target(root, path)?;
    let mut file = open(root, &target, new)
        .map_err(|e| format!("{}: cannot write fixes: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("{}: cannot write fixes: {e}", path.display()))
}

#[cfg(target_os = "linux")]
fn open(root: &Path, target: &Path, new: bool) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags};
    let relative = target
        .strip_prefix(root)
        .map_err(|_| std::io::Error::other("outside the project"))?;
    let dir = std::fs::File::open(root)?;
    let mut flags = OFlags::WRONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    flags |= if new {
        OFlags::CREATE | OFlags::EXCL
    } else {
        OFlags::TRUNC
    };
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
    // openat2 refuses a mode without O_CREAT.
    let mode = Mode::from_raw_mode(if new { 0o644 } else { 0 });
    match rustix::fs::openat2(&dir, relative, flags, mode, resolve) {
        Ok(fd) => Ok(std::fs::File::from(fd)),
        // Kernels before 5.6 have no openat2: the canonical path and O_NOFOLLOW still hold.
        Err(rustix::io::Errno::NOSYS) => open_nofollow(target, new),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn open(_root: &Path, target: &Path, new: bool) -> std::io::Result<std::fs::File> {
    open_nofollow(target, new)
}

fn open_nofollow(target: &Path, new: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    not_following_links(&mut options);
    if new {
        options.create_new(true);
    } else {
        options.truncate(true);
    }
    options.open(target)
}

/// `O_NOFOLLOW`: a symbolic link in the last component fails the open.
#[cfg(unix)]
fn not_following_links(options: &mut std::fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
}

/// `FILE_FLAG_OPEN_REPARSE_POINT`: a symbolic link or junction in the last component is opened itself, not
/// the file it points to, so a link swapped in after the check cannot redirect the write.
#[cfg(windows)]
fn not_following_links(options: &mut std::fs::OpenOptions) {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
}
