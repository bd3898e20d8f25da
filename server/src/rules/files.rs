//! The files beside the one being linted, as the rules may see them: read through a [`FileSource`] the face
//! provides (the disk for the CLI and the server, nothing for a file linted alone).

/// Files beside the one being linted, by path relative to its directory (a Compose service's Dockerfile).
/// The engine does no IO of its own: the CLI and the server decide what may be read.
pub trait FileSource: Sync {
    fn read(&self, relative: &str) -> Option<String>;
    /// The first `len` bytes (or fewer) of a regular file, for telling what it holds (an archive's magic
    /// bytes); `None` when there is no such file or nothing around is known.
    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>>;
    /// Whether git ignores the file (a `.gitignore` on its way from the root says so): an ignored file
    /// stays out of the repository, so what it holds is not published with it.
    fn git_ignored(&self, relative: &str) -> bool;
    /// The linted file's own name; `None` when it is linted alone and nothing around it is known (so a
    /// missing file proves nothing).
    fn file_name(&self) -> Option<&str>;
    /// Whether `relative` names the linted file itself (a Compose file's `build:` pointing back at it).
    fn is_this_file(&self, relative: &str) -> bool;
    /// The names of the regular files in the folder `relative` (`.` for the linted file's own), sorted and
    /// at most [`MAX_LISTED`]: for the patterns other tools' configs name files with (`k8s/*.yaml`).
    fn list(&self, relative: &str) -> Vec<String>;
}

/// How many names [`FileSource::list`] returns at most: a folder of manifests, not a whole tree.
pub const MAX_LISTED: usize = 1_000;

/// No files: the file is linted alone.
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, _: &str) -> Option<String> {
        None
    }

    fn head(&self, _: &str, _: usize) -> Option<Vec<u8>> {
        None
    }

    fn git_ignored(&self, _: &str) -> bool {
        false
    }

    fn file_name(&self) -> Option<&str> {
        None
    }

    fn is_this_file(&self, _: &str) -> bool {
        false
    }

    fn list(&self, _: &str) -> Vec<String> {
        Vec::new()
    }
}
