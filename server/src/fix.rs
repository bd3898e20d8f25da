//! Fixes: text edits with a safety level, and their application.
//!
//! A fix is computed together with its diagnostic (it is shipped to the editor in the diagnostic's `data`), so
//! applying one never needs the rule again. Applying *many* fixes does: after one fix the byte ranges of the
//! others are stale, so [`fix_all`] applies one fix at a time and lints again, until nothing is left to do.

use serde::Serialize;

use crate::TextRange;

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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

/// One way to resolve a finding: a title for the menu and the edits that do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    /// The action to choose when only one may be applied (`check --unsafe-fixes`, the editor's preferred action).
    pub preferred: bool,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            title: title.into(),
            edits,
            applicability: Applicability::Safe,
            preferred: true,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            title: title.into(),
            edits,
            applicability: Applicability::Unsafe,
            preferred: false,
        }
    }

    pub fn preferred(mut self, preferred: bool) -> Self {
        self.preferred = preferred;
        self
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

/// Which fixes a fix-all pass may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Safe fixes only (`check --fix`, `source.fixAll`).
    Safe,
    /// Safe fixes and, for findings without one, their preferred unsafe fix (`--unsafe-fixes`).
    Unsafe,
}

/// Upper bound on fix rounds: every round removes findings, so this is only a guard against a fix that
/// re-creates what it removed.
const MAX_ROUNDS: usize = 100;

/// Apply fixes in rounds until no applicable fix changes the text: each round applies every chosen fix whose
/// edits do not touch those already taken (the others wait for the next round, when the text has been linted
/// again and their ranges are current).
///
/// `lint` is the linter to re-run (the caller's kind and settings). Returns the final text and how many fixes
/// were applied.
pub fn fix_all(
    text: &str,
    mode: FixMode,
    lint: impl Fn(&str) -> Vec<crate::Diagnostic>,
) -> (String, usize) {
    let mut current = text.to_owned();
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let diagnostics = lint(&current);
        let mut taken: Vec<&Edit> = Vec::new();
        let mut count = 0;
        for fix in diagnostics.iter().filter_map(|d| choose(d, mode)) {
            let duplicate = fix.edits.iter().all(|e| taken.contains(&e));
            if duplicate
                || fix
                    .edits
                    .iter()
                    .any(|e| taken.iter().any(|t| touches(e.range, t.range)))
            {
                continue;
            }
            taken.extend(&fix.edits);
            count += 1;
        }
        let edits: Vec<Edit> = taken.into_iter().cloned().collect();
        match apply_edits(&current, &edits).filter(|t| *t != current) {
            Some(t) => {
                current = t;
                applied += count;
            }
            None => break,
        }
    }
    (current, applied)
}

/// Whether two edits overlap or meet: edits that meet at one offset are kept apart, so the order in which two
/// fixes insert at the same place never matters.
fn touches(a: TextRange, b: TextRange) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// The fix a fix-all pass would apply for `diagnostic`, if any.
pub fn choose(diagnostic: &crate::Diagnostic, mode: FixMode) -> Option<&Fix> {
    let safe = diagnostic
        .fixes
        .iter()
        .find(|f| f.applicability == Applicability::Safe);
    match mode {
        FixMode::Safe => safe,
        FixMode::Unsafe => safe.or_else(|| diagnostic.preferred_fix()),
    }
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
}
