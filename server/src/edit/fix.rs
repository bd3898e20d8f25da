//! Fixes: text edits with a safety level, and their application.
//!
//! A fix is computed together with its diagnostic (the server keeps it with the document's findings), so
//! applying one never needs the rule again. Applying *many* fixes does: after one fix the byte ranges of the
//! others are stale, so `engine::fix_all` applies them in passes and lints again.

use serde::{Deserialize, Serialize};

use crate::document::TextRange;

/// Whether a fix may run without a human looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the image or workload behaving the same for practically every input.
    Safe,
    /// Changes what runs (a new USER, another base image…): offered one by one, applied only on request.
    Unsafe,
}

/// Replace `range` with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    pub range: TextRange,
    pub new_text: String,
}

impl Edit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> Self {
        Self {
            range,
            new_text: new_text.into(),
        }
    }

    pub fn insert(at: usize, new_text: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(at), new_text)
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, "")
    }
}

/// A change to a file other than the one linted, by path relative to the linted file's folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileChange {
    pub path: String,
    pub change: Change,
}

/// What a [`FileChange`] does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind")]
pub enum Change {
    /// Append `text` on a line of its own; the file is created when missing. Needs no offsets into a file
    /// the rule may never have read, so it cannot go stale.
    Append { text: String },
    /// Edit the file as the rule read it: `original` fingerprints that text, and a file that changed since is
    /// left alone (the edits' offsets would be wrong).
    Edit {
        edits: Vec<Edit>,
        original: Fingerprint,
    },
}

impl FileChange {
    pub fn append(path: &str, text: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            change: Change::Append { text: text.into() },
        }
    }

    /// Edits of `text`, the file at `path` as it was read.
    pub fn edit(path: &str, text: &str, edits: Vec<Edit>) -> Self {
        Self {
            path: path.to_owned(),
            change: Change::Edit {
                edits,
                original: fingerprint(text),
            },
        }
    }

    /// The file this changes, for a file linted in `dir`: `None` unless the path is a plain relative one
    /// that stays in `dir`'s tree (no `..`, not absolute), whoever wrote it (an editor sends fixes back).
    /// Edits may reach a parent folder's file (a Compose file above the Dockerfile it builds): `..` is
    /// allowed there, and the caller keeps the result inside its root.
    pub fn target(&self, dir: &std::path::Path) -> Option<std::path::PathBuf> {
        use std::path::Component;
        let path = std::path::Path::new(&self.path);
        let allowed = |c: Component| match c {
            Component::Normal(_) => true,
            Component::ParentDir => matches!(self.change, Change::Edit { .. }),
            _ => false,
        };
        let plain = !self.path.is_empty() && path.components().all(allowed);
        plain.then(|| dir.join(path))
    }

    /// The file's text after the change, from its text now (`None`: it does not exist); `None` when the
    /// change no longer fits (edits to a file that is missing or changed since it was read).
    pub fn apply(&self, existing: Option<&str>) -> Option<String> {
        match &self.change {
            Change::Append { text } => {
                let existing = existing.unwrap_or("");
                let mut out = existing.to_owned();
                if !existing.is_empty() && !existing.ends_with(['\n', '\r']) {
                    out.push_str(if existing.contains("\r\n") {
                        "\r\n"
                    } else {
                        "\n"
                    });
                }
                out.push_str(text);
                Some(out)
            }
            Change::Edit { edits, original } => {
                let existing = existing.filter(|t| fingerprint(t) == *original)?;
                apply_edits(existing, edits)
            }
        }
    }
}

/// A fingerprint of a file's text, to tell whether it changed since a rule read it.
pub fn fingerprint(text: &str) -> Fingerprint {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    Fingerprint(hasher.finish())
}

/// A 64-bit hash that leaves the process as 16 hex digits, never as a JSON number: editors are written in
/// JavaScript and Lua, which read JSON numbers as doubles, and a hash above 2^53 would come back rounded in
/// the `data` of a diagnostic (and the fix it guards would be refused as stale).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(u64);

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Fingerprint {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let hex = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        u64::from_str_radix(&hex, 16)
            .map(Fingerprint)
            .map_err(serde::de::Error::custom)
    }
}

/// One way to resolve a finding: a title for the menu and the edits that do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Changes to other files, applied together with `edits`.
    pub files: Vec<FileChange>,
    /// What to offer instead when the other files cannot be changed (an editor that cannot create files, a
    /// document that is not on disk): a fix of this file alone.
    pub fallback: Option<Box<Fix>>,
    pub applicability: Applicability,
    /// The action to choose when only one may be applied (`check --unsafe-fixes`, the editor's preferred action).
    pub preferred: bool,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            title: title.into(),
            edits,
            files: Vec::new(),
            fallback: None,
            applicability: Applicability::Safe,
            preferred: true,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            title: title.into(),
            edits,
            files: Vec::new(),
            fallback: None,
            applicability: Applicability::Unsafe,
            preferred: false,
        }
    }

    pub fn preferred(mut self, preferred: bool) -> Self {
        self.preferred = preferred;
        self
    }

    /// Also change another file.
    pub fn with_file_change(mut self, change: FileChange) -> Self {
        self.files.push(change);
        self
    }

    /// Offer `fallback` where the other files of this fix cannot be changed.
    pub fn with_fallback(mut self, fallback: Fix) -> Self {
        self.fallback = Some(Box::new(fallback));
        self
    }

    /// Move the fix's edits in this file (and its fallback's) by `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        for edit in &mut self.edits {
            edit.range = edit.range.shifted(delta);
        }
        if let Some(fallback) = &mut self.fallback {
            fallback.shift(delta);
        }
    }

    /// This fix where only the linted file may change: itself, its fallback, or nothing.
    pub fn in_this_file(&self) -> Option<&Fix> {
        if self.files.is_empty() {
            Some(self)
        } else {
            self.fallback.as_deref().and_then(Fix::in_this_file)
        }
    }

    /// The text after this fix, or `None` when its edits overlap or do not fit the text (a stale fix).
    pub fn apply(&self, text: &str) -> Option<String> {
        apply_edits(text, &self.edits)
    }
}

/// Apply non-overlapping edits; `None` if two overlap or one lies outside `text` or inside a character.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        let TextRange { start, end } = edit.range;
        if start < cursor || end < start {
            return None;
        }
        out.push_str(text.get(cursor..start)?);
        out.push_str(&edit.new_text);
        cursor = end;
    }
    out.push_str(text.get(cursor..)?);
    Some(out)
}

/// The one edit that turns `old` into `new`: what lies between their common prefix and suffix (on
/// character boundaries).
pub fn diff(old: &str, new: &str) -> Edit {
    let mut prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Edit::replace(
        TextRange::new(prefix, old.len() - suffix),
        &new[prefix..new.len() - suffix],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order_and_overlaps_are_refused() {
        let text = "FROM a\nRUN b\n";
        let edits = [
            Edit::insert(7, "X"),
            Edit::replace(TextRange::new(5, 6), "z"),
        ];
        assert_eq!(
            apply_edits(text, &edits).as_deref(),
            Some("FROM z\nXRUN b\n")
        );
        let overlapping = [
            Edit::delete(TextRange::new(0, 4)),
            Edit::delete(TextRange::new(2, 6)),
        ];
        assert_eq!(apply_edits(text, &overlapping), None);
        assert_eq!(
            apply_edits(text, &[Edit::delete(TextRange::new(3, 99))]),
            None
        );
    }

    #[test]
    fn diffs_stay_on_character_boundaries() {
        let edit = diff("abcdef", "abXYef");
        assert_eq!(
            (edit.range, edit.new_text.as_str()),
            (TextRange::new(2, 4), "XY")
        );
        assert_eq!(diff("é", "è").range, TextRange::new(0, 2));
        assert_eq!(
            apply_edits("aXa", &[diff("aXa", "aa")]).as_deref(),
            Some("aa")
        );
    }

    #[test]
    fn other_files_stay_in_the_folder_and_get_text_on_a_line_of_its_own() {
        let dir = std::path::Path::new("/w/k8s");
        let change = FileChange::append("policy.yaml", "---\nkind: X\n");
        assert_eq!(change.target(dir), Some(dir.join("policy.yaml")));
        for outside in ["../policy.yaml", "/etc/passwd", "", "./a/../../b"] {
            assert_eq!(
                FileChange::append(outside, "").target(dir),
                None,
                "{outside}"
            );
        }
        assert_eq!(change.apply(None).as_deref(), Some("---\nkind: X\n"));
        assert_eq!(
            change.apply(Some("a: 1")).as_deref(),
            Some("a: 1\n---\nkind: X\n")
        );
        assert_eq!(
            change.apply(Some("a: 1\r\nb: 2")).as_deref(),
            Some("a: 1\r\nb: 2\r\n---\nkind: X\n")
        );
        let edit = FileChange::edit("../compose.yaml", "a: 1\n", vec![Edit::insert(5, "b: 2\n")]);
        assert_eq!(edit.target(dir), Some(dir.join("../compose.yaml")));
        assert_eq!(edit.apply(Some("a: 1\n")).as_deref(), Some("a: 1\nb: 2\n"));
        assert_eq!(
            edit.apply(Some("a: 9\n")),
            None,
            "changed since it was read"
        );
        assert_eq!(edit.apply(None), None);
    }
}
