//! The workspace index: what every Kubernetes file of the workspace contributes to the workspace rules.
//! Built from the workspace folder when the session starts, then kept current from open documents (their
//! text wins over the disk) and from the client's file-change notifications.
//!
//! The server reads only inside the workspace: the walk starts at its root, does not follow symbolic
//! links, skips what `.gitignore` excludes, and is bounded in file count and size.

use std::path::{Path, PathBuf};

use crate::document::FileKind;
use crate::document::{is_yaml_name, kind_from_name};
use crate::engine::workspace::Workspace;
use crate::engine::yaml_stream::{Mode, YamlStream};
use crate::rules::workspace::Facts;

/// At most this many YAML files are indexed (a monorepo's vendored charts should not stall start-up).
const MAX_FILES: usize = 10_000;
/// Larger files are not manifests anyone edits by hand.
const MAX_BYTES: u64 = 2 * 1024 * 1024;

/// Index every YAML file under `root`.
pub fn build(root: &Path) -> Workspace {
    let mut workspace = Workspace::default();
    for path in walk(root, is_yaml_name) {
        workspace.set(&path, facts_of_file(&path));
    }
    workspace
}

/// The files under `root` that `keep` accepts, without following links or entering what `.gitignore`
/// excludes, each at most [`MAX_BYTES`], at most [`MAX_FILES`] of them.
pub fn walk(root: &Path, keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    crate::engine::disk::walker(root)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter(|e| keep(e.path()))
        .filter(|e| e.metadata().is_ok_and(|m| m.len() <= MAX_BYTES))
        .take(MAX_FILES)
        .map(ignore::DirEntry::into_path)
        .collect()
}

/// What a file on disk says to the workspace, if it is a Kubernetes file.
pub fn facts_of_file(path: &Path) -> Option<Facts> {
    // The walk does not follow links; a file named by a change notification may be one.
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let text = crate::engine::disk::read_text(path, MAX_BYTES)?;
    let mut stream = YamlStream::once();
    let (kind, _) = stream.update(&text, Mode::Detect(kind_from_name(path)));
    (kind == Some(FileKind::Kubernetes)).then(|| stream.facts())
}

/// The path of a `file:` URI inside `root` (canonicalised, so neither `..` nor a symlink leads outside).
pub fn workspace_path(
    root: Option<&Path>,
    uri: &tower_lsp_server::ls_types::Uri,
) -> Option<PathBuf> {
    let path = uri.to_file_path()?.into_owned();
    let root = root?;
    let canonical = path.canonicalize().unwrap_or(path);
    canonical.starts_with(root).then_some(canonical)
}
