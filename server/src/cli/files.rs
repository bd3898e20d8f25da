//! Which files `check` reads: named files always, directories walked like ripgrep (honouring `.gitignore`),
//! hidden folders such as `.devcontainer/` included, `.git/` never.

use std::path::{Path, PathBuf};

use crate::FileKind;
use crate::document::{is_yaml_name, kind_from_name};

/// One input of a `check` run.
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// Expand the command line into inputs; errors are paths that do not exist.
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
            walk(path, &mut inputs);
        } else if path.is_file() {
            inputs.push(Input::File(path.clone()));
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    (inputs, errors)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>) {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    let mut found: Vec<PathBuf> = walker
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| kind_from_name(p).is_some() || is_yaml_name(p))
        .collect();
    found.sort();
    inputs.extend(found.into_iter().map(Input::File));
}

/// The kind of a file: from its name, else its content. A named non-YAML file that is neither is read as a
/// Dockerfile (the user asked for it); YAML that is no Compose file or manifest is not read.
pub fn kind_of(path: &Path, text: &str) -> Option<FileKind> {
    crate::lint::detect(Some(path), text)
        .or_else(|| (!is_yaml_name(path)).then_some(FileKind::Dockerfile))
}
