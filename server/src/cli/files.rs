//! Which files `check` reads: named files always, directories walked like ripgrep (honouring `.gitignore`,
//! read with a size cap by [`crate::engine::disk::IgnoreFiles`]), hidden folders such as `.devcontainer/` included,
//! `.git/` never.

use std::path::{Path, PathBuf};

use crate::document::FileKind;
use crate::document::{is_yaml_name, kind_from_name};

/// One input of a `check` run.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Expand the command line into inputs; errors are paths that cannot be read: missing, dangling links,
/// FIFOs and other special files (never opened: a FIFO would block the run), unreadable folders met on the
/// walk.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if path.is_dir() {
            walk(path, &mut inputs, &mut errors);
        } else if path.is_file() {
            inputs.push(Input::File(path.clone()));
        } else if path.symlink_metadata().is_ok() && path.metadata().is_err() {
            errors.push(format!("{}: a dangling symbolic link", path.display()));
        } else if path.symlink_metadata().is_ok() {
            errors.push(format!("{}: not a regular file", path.display()));
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    (inputs, errors)
}

/// The files under `dir` that dockwarden reads (by name), sorted; what cannot be read on the way is an error.
fn walk(dir: &Path, inputs: &mut Vec<Input>, errors: &mut Vec<String>) {
    let walker = crate::engine::disk::walker(dir).build();
    let mut found = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        let path = entry.path();
        let ours = kind_from_name(path).is_some() || is_yaml_name(path);
        match entry.file_type() {
            Some(t) if t.is_file() && ours => found.push(entry.into_path()),
            Some(t) if !t.is_file() && !t.is_dir() && !t.is_symlink() && ours => {
                errors.push(format!("{}: not a regular file", path.display()));
            }
            _ => {}
        }
    }
    found.sort();
    inputs.extend(found.into_iter().map(Input::File));
}

/// The kind of a file: from its name, else its content. A named non-YAML file that is neither is read as a
/// Dockerfile (the user asked for it) unless it is binary (a NUL byte) or its name says it is about a
/// Dockerfile without being one (`Dockerfile.md`); YAML that is no Compose file or manifest is not read.
pub fn kind_of(path: &Path, text: &str) -> Option<FileKind> {
    let about_a_dockerfile = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|n| {
            (n.starts_with("dockerfile.") || n.starts_with("containerfile."))
                && kind_from_name(path).is_none()
        });
    if about_a_dockerfile {
        return None;
    }
    crate::engine::lint::detect(Some(path), text)
        .or_else(|| (!is_yaml_name(path) && !text.contains('\0')).then_some(FileKind::Dockerfile))
}
