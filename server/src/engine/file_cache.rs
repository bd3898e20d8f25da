//! The reads of the files beside an open document, kept between its keystrokes.
//!
//! A Dockerfile's `COPY` sources, its `.dockerignore`, a Compose service's Dockerfile and env files are read
//! on every lint; each read checks that the file's real path stays inside the workspace (a `canonicalize`,
//! one system call per path component) before it opens the file, about a hundred system calls per keystroke.
//! Kept answers are dropped when the client says files changed (watched files, a save, new settings), and
//! each is checked against the file's modification time and size (one `stat`) for clients that say nothing.
//! A kept answer only ever came from a path checked inside the workspace, so a stale one reads nothing
//! outside it either.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use crate::engine::disk::DiskFiles;
use crate::rules::FileSource;

/// Answers kept per document before they start over (a Dockerfile names a few dozen files).
const LIMIT: usize = 1024;

/// What a file (or folder) looked like when its answer was kept; `None`: it did not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
    })
}

/// Answers by question, each with the stamp it was given under.
struct Kept<K, T>(Mutex<HashMap<K, (Option<Stamp>, T)>>);

impl<K: Hash + Eq, T: Clone> Kept<K, T> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    /// The kept answer to `key` if the file still has `stamp`, else `ask`'s, kept.
    fn get(&self, key: K, stamp: Option<Stamp>, ask: impl FnOnce() -> T) -> T {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((at, answer)) = kept.get(&key) {
            if *at == stamp {
                return answer.clone();
            }
        }
        let answer = ask();
        if kept.len() >= LIMIT {
            kept.clear();
        }
        kept.insert(key, (stamp, answer.clone()));
        answer
    }

    fn clear(&self) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// [`DiskFiles`] with its answers kept (see the module's documentation).
pub struct CachedFiles {
    files: DiskFiles,
    reads: Kept<String, Option<String>>,
    heads: Kept<(String, usize), Option<Vec<u8>>>,
    lists: Kept<String, Vec<String>>,
    ignored: Kept<String, bool>,
    this_file: Kept<String, bool>,
}

impl CachedFiles {
    pub fn new(files: DiskFiles) -> Self {
        Self {
            files,
            reads: Kept::new(),
            heads: Kept::new(),
            lists: Kept::new(),
            ignored: Kept::new(),
            this_file: Kept::new(),
        }
    }

    /// Forget every answer: files changed.
    pub fn forget(&self) {
        self.reads.clear();
        self.heads.clear();
        self.lists.clear();
        self.ignored.clear();
        self.this_file.clear();
        self.files.forget();
    }

    fn stamp(&self, relative: &str) -> Option<Stamp> {
        stamp(&self.files.dir.join(relative))
    }
}

impl FileSource for CachedFiles {
    fn read(&self, relative: &str) -> Option<String> {
        let at = self.stamp(relative);
        self.reads
            .get(relative.to_owned(), at, || self.files.read(relative))
    }

    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>> {
        let at = self.stamp(relative);
        self.heads.get((relative.to_owned(), len), at, || {
            self.files.head(relative, len)
        })
    }

    /// (an edited `.gitignore` is read again once the client says files changed, as before this cache)
    fn git_ignored(&self, relative: &str) -> bool {
        let at = self.stamp(relative);
        self.ignored
            .get(relative.to_owned(), at, || self.files.git_ignored(relative))
    }

    fn file_name(&self) -> Option<&str> {
        self.files.file_name()
    }

    fn is_this_file(&self, relative: &str) -> bool {
        let at = self.stamp(relative);
        self.this_file.get(relative.to_owned(), at, || {
            self.files.is_this_file(relative)
        })
    }

    /// (a folder's modification time changes when a name is added or removed)
    fn list(&self, relative: &str) -> Vec<String> {
        let at = self.stamp(relative);
        self.lists
            .get(relative.to_owned(), at, || self.files.list(relative))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_read_follows_the_file_and_forgets_on_request() {
        let root =
            std::env::temp_dir().join(format!("dockwarden-file-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("temp dir");
        let dockerfile = root.join("Dockerfile");
        std::fs::write(&dockerfile, "FROM scratch\n").expect("write");
        let files = CachedFiles::new(DiskFiles::beside(&dockerfile, &root).expect("inside"));
        assert_eq!(files.read("app.env"), None);
        std::fs::write(root.join("app.env"), "A=1\n").expect("write");
        assert_eq!(
            files.read("app.env").as_deref(),
            Some("A=1\n"),
            "a new file is seen"
        );
        std::fs::write(root.join("app.env"), "A=12\n").expect("write");
        assert_eq!(
            files.read("app.env").as_deref(),
            Some("A=12\n"),
            "a longer one too"
        );
        assert_eq!(files.list("."), ["Dockerfile", "app.env"]);
        std::fs::remove_file(root.join("app.env")).expect("remove");
        assert_eq!(files.read("app.env"), None, "a removed one is gone");
        assert_eq!(files.read("../outside"), None);
        files.forget();
        assert_eq!(files.list("."), ["Dockerfile"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
