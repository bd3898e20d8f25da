//! Fixes: text edits with a safety level, and their application.
//!
//! A fix is computed together with its diagnostic (it is shipped to the editor in the diagnostic's `data`), so
//! applying one never needs the rule again. Applying *many* fixes does: after one fix the byte ranges of the
//! others are stale, so [`fix_all`] applies one fix at a time and lints again, until nothing is left to do.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

/// Which fixes a fix-all pass may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Safe fixes only (`check --fix`, `source.fixAll`).
    Safe,
    /// Safe fixes and, for findings without one, their preferred unsafe fix (`--unsafe-fixes`).
    Unsafe,
}

/// Upper bound on fix rounds: every round removes findings, so this is only a guard against fixes that
/// re-create each other's findings.
const MAX_ROUNDS: usize = 100;

/// What a fix-all pass did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The file's text after the fixes.
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// The changes to other files that the applied fixes make, each once, in the order they were taken.
    pub files: Vec<FileChange>,
    /// The fixes that were not applied because applying them would not remove their finding, would add a
    /// syntax error, or would repeat an edit already made: each a bug in a rule, reported rather than
    /// applied on every round (and again on every run).
    pub refused: Vec<Refused>,
}

/// A fix the fix-all pass would not apply (see [`Fixed::refused`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub rule: crate::rules::RuleId,
    /// The finding's message.
    pub message: String,
    /// The fix's title.
    pub title: String,
}

/// A finding and the fix chosen for it, as the pass tells them apart across rounds (ranges move).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Signature {
    rule: crate::rules::RuleId,
    message: String,
    title: String,
    inserted: Vec<String>,
}

impl Signature {
    fn of(diagnostic: &crate::Diagnostic, fix: &Fix) -> Self {
        Self {
            rule: diagnostic.rule,
            message: diagnostic.message.clone(),
            title: fix.title.clone(),
            inserted: fix.edits.iter().map(|e| e.new_text.clone()).collect(),
        }
    }

    fn refused(&self) -> Refused {
        Refused {
            rule: self.rule,
            message: self.message.clone(),
            title: self.title.clone(),
        }
    }
}

/// Apply fixes in passes of rounds until a whole pass changes nothing: what a second run would do, so a second
/// run finds nothing to change (unless the passes re-create each other's findings [`MAX_PASSES`] times).
/// Changes to other files are collected, not made: the caller owns IO. A fix whose file changes were all
/// taken already counts as done (the finding it resolves in another file reappears on every round, since the
/// linter does not see the changes that are not made yet).
///
/// Within a pass, each round applies every chosen fix whose edits do not touch those already taken (the
/// others wait for the next round, when the text has been linted again and their ranges are current), and is
/// checked before it is kept: each fix of this file must remove its finding and none may add a syntax error.
/// A round that fails is retried one fix at a time; a fix that fails alone is refused for the rest of the
/// pass (see [`Fixed::refused`]), as is one that would repeat an edit the pass already made. A refusal
/// depends on the text around the fix (another finding's fix may be what made it fail, or another finding
/// may share its message), so the next pass tries it again on the text the pass left.
///
/// `lint` is the linter to re-run (the caller's kind and settings).
pub fn fix_all(text: &str, mode: FixMode, lint: impl Fn(&str) -> Vec<crate::Diagnostic>) -> Fixed {
    let mut fixed = Fixed {
        text: text.to_owned(),
        applied: 0,
        files: Vec::new(),
        refused: Vec::new(),
    };
    for _ in 0..MAX_PASSES {
        let pass = pass(&fixed.text, mode, &lint, &mut fixed.files);
        fixed.text = pass.text;
        fixed.applied += pass.applied;
        fixed.refused = Vec::new();
        for (signature, _) in &pass.refused {
            let refused = signature.refused();
            if !fixed.refused.contains(&refused) {
                fixed.refused.push(refused);
            }
        }
        if pass.applied == 0 || (pass.refused.is_empty() && pass.converged) {
            // Nothing refused and the last round picked nothing: a pass over the result would pick nothing.
            break;
        }
    }
    fixed
}

/// Upper bound on fix-all passes (see [`fix_all`]); each pass but the last applied a fix, and refused one or
/// stopped at [`MAX_ROUNDS`].
const MAX_PASSES: usize = 10;

/// What one pass of [`fix_all`] did.
struct Pass {
    text: String,
    applied: usize,
    refused: Vec<Refusal>,
    /// Its last round found nothing to pick (it did not stop at [`MAX_ROUNDS`]).
    converged: bool,
}

/// One pass of rounds from `text` (see [`fix_all`]); `files` collects the changes to other files.
fn pass(
    text: &str,
    mode: FixMode,
    lint: &impl Fn(&str) -> Vec<crate::Diagnostic>,
    files: &mut Vec<FileChange>,
) -> Pass {
    let mut current = text.to_owned();
    let mut diagnostics = lint(&current);
    let mut applied = 0;
    // How often each fix was applied, and the most findings it ever had at once: applying it more often
    // than that can only mean fixes that re-create each other's findings.
    let mut done: HashMap<Signature, usize> = HashMap::new();
    let mut most: HashMap<Signature, usize> = HashMap::new();
    let mut refused: Vec<Refusal> = Vec::new();
    let mut converged = false;
    for _ in 0..MAX_ROUNDS {
        let mut now: HashMap<Signature, usize> = HashMap::new();
        for d in &diagnostics {
            if let Some(fix) = choose(d, mode) {
                *now.entry(Signature::of(d, fix)).or_default() += 1;
            }
        }
        for (signature, count) in now {
            let most = most.entry(signature).or_default();
            *most = (*most).max(count);
        }
        let exhausted =
            |s: &Signature| done.get(s).copied().unwrap_or(0) >= most.get(s).copied().unwrap_or(0);
        let picked = pick(&diagnostics, mode, files, &exhausted, &mut refused);
        if picked.is_empty() {
            converged = true;
            break;
        }
        let round = match attempt(&current, &diagnostics, &picked, lint) {
            Some(after) => Some((picked, after)),
            None => {
                let (kept, failed) = bisect(&current, &diagnostics, picked, lint);
                for (diagnostic, fix) in failed {
                    refused.push((Signature::of(diagnostic, fix), diagnostic.range.start));
                }
                kept
            }
        };
        let Some((kept, (text, after))) = round else {
            continue;
        };
        for (diagnostic, fix) in &kept {
            *done.entry(Signature::of(diagnostic, fix)).or_default() += 1;
            for change in &fix.files {
                if !files.contains(change) {
                    files.push(change.clone());
                }
            }
        }
        applied += kept.len();
        // The refused findings move with the text the kept fixes changed.
        let mut edits: Vec<&Edit> = kept.iter().flat_map(|(_, fix)| &fix.edits).collect();
        edits.sort_by_key(|e| e.range.start);
        for (_, at) in &mut refused {
            *at = moved(*at, &edits);
        }
        current = text;
        diagnostics = after;
    }
    Pass {
        text: current,
        applied,
        refused,
        converged,
    }
}

/// A fix taken with its finding.
type Picked<'d> = (&'d crate::Diagnostic, &'d Fix);

/// The fixes a round keeps, with the text and the findings after them.
type Kept<'d> = (Vec<Picked<'d>>, (String, Vec<crate::Diagnostic>));

/// The most of `picked` (a round that failed its checks) that passes them together, found by halving: a
/// half that passes (with what passed before it) is kept whole, one that fails is halved again, and a
/// single fix that fails is returned as failed. A few failing fixes cost a few re-lints each, not one
/// round each. Returns what is kept, with the text and findings after it, and the failed fixes.
fn bisect<'d>(
    current: &str,
    before: &[crate::Diagnostic],
    picked: Vec<Picked<'d>>,
    lint: &impl Fn(&str) -> Vec<crate::Diagnostic>,
) -> (Option<Kept<'d>>, Vec<Picked<'d>>) {
    let mut good: Vec<Picked<'d>> = Vec::new();
    let mut result = None;
    let mut failed = Vec::new();
    // The whole failed already: start from its halves. Left halves first, so `good` keeps `picked`'s order.
    let mut parts: Vec<Vec<Picked<'d>>> = Vec::new();
    halve(picked, &mut parts, &mut failed);
    while let Some(part) = parts.pop() {
        let mut trial = good.clone();
        trial.extend(part.iter().copied());
        match attempt(current, before, &trial, lint) {
            Some(after) => {
                good = trial;
                result = Some(after);
            }
            None => halve(part, &mut parts, &mut failed),
        }
    }
    (result.map(|after| (good, after)), failed)
}

/// A part of [`bisect`] that failed: its halves to try, right first on the stack, or the one fix it is.
fn halve<'d>(
    mut part: Vec<Picked<'d>>,
    parts: &mut Vec<Vec<Picked<'d>>>,
    failed: &mut Vec<Picked<'d>>,
) {
    if part.len() <= 1 {
        failed.extend(part);
        return;
    }
    let right = part.split_off(part.len() / 2);
    parts.push(right);
    parts.push(part);
}

/// A finding whose fix a pass refused: its fix's signature and where the finding starts (findings of
/// several places may share a signature: one refused says nothing about the others).
type Refusal = (Signature, usize);

/// Where offset `at` is after `edits` (sorted, not overlapping): moved by the edits before it, or at the
/// start of the one that replaced it.
fn moved(at: usize, edits: &[&Edit]) -> usize {
    let mut delta: isize = 0;
    for edit in edits {
        if edit.range.end <= at {
            let added = isize::try_from(edit.new_text.len()).unwrap_or(0);
            let removed = isize::try_from(edit.range.len()).unwrap_or(0);
            delta += added - removed;
        } else if edit.range.start < at {
            return edit.range.start.saturating_add_signed(delta);
        } else {
            break;
        }
    }
    at.saturating_add_signed(delta)
}

/// The fixes one round applies: the chosen fix of each finding, skipping those refused or already done,
/// those whose file changes are all taken and that edit nothing here, and those whose edits touch one taken
/// before them. A fix `exhausted` says was applied as often as it ever had findings is refused.
fn pick<'d>(
    diagnostics: &'d [crate::Diagnostic],
    mode: FixMode,
    files: &[FileChange],
    exhausted: &dyn Fn(&Signature) -> bool,
    refused: &mut Vec<Refusal>,
) -> Vec<(&'d crate::Diagnostic, &'d Fix)> {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let Some(fix) = choose(diagnostic, mode) else {
            continue;
        };
        let signature = Signature::of(diagnostic, fix);
        let at = diagnostic.range.start;
        if refused.iter().any(|(s, a)| *a == at && *s == signature) {
            continue;
        }
        let files_done = fix.files.iter().all(|f| files.contains(f));
        if fix.edits.is_empty() && files_done {
            continue;
        }
        if exhausted(&signature) {
            refused.push((signature, at));
            continue;
        }
        let duplicate = fix.edits.iter().all(|e| taken.contains(&e)) && files_done;
        if duplicate
            || fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| touches(e.range, t.range)))
        {
            continue;
        }
        taken.extend(&fix.edits);
        out.push((diagnostic, fix));
    }
    out
}

/// The text after `picked` and its findings, when the round passes its checks: every fix that edits this
/// file removes its finding (counted per rule and message, since ranges move, and per rule), and there are
/// no more syntax errors than before.
fn attempt(
    current: &str,
    before: &[crate::Diagnostic],
    picked: &[(&crate::Diagnostic, &Fix)],
    lint: &impl Fn(&str) -> Vec<crate::Diagnostic>,
) -> Option<(String, Vec<crate::Diagnostic>)> {
    use crate::rules::RuleId;
    let edits: Vec<Edit> = picked
        .iter()
        .flat_map(|(_, fix)| fix.edits.iter().cloned())
        .collect();
    let text = apply_edits(current, &edits)?;
    if text == current {
        // Only changes to other files: nothing here to check.
        return Some((text, before.to_vec()));
    }
    let after = lint(&text);
    let count = |found: &[crate::Diagnostic], rule: RuleId, message: Option<&str>| {
        found
            .iter()
            .filter(|d| d.rule == rule && message.is_none_or(|m| d.message == m))
            .count()
    };
    if count(&after, RuleId::SyntaxError, None) > count(before, RuleId::SyntaxError, None) {
        return None;
    }
    let removes_its_finding = picked.iter().all(|(diagnostic, fix)| {
        // A fix that also changes another file resolves a finding this linter cannot see resolved yet.
        if !fix.files.is_empty() {
            return true;
        }
        let same = picked
            .iter()
            .filter(|(d, f)| {
                f.files.is_empty() && d.rule == diagnostic.rule && d.message == diagnostic.message
            })
            .count();
        let message = Some(diagnostic.message.as_str());
        // And the rule has that many findings fewer: a fix whose finding survives with another message
        // (another fix of the round renamed the image it names) has not removed it.
        let of_rule = picked
            .iter()
            .filter(|(d, f)| f.files.is_empty() && d.rule == diagnostic.rule)
            .count();
        count(&after, diagnostic.rule, message) + same <= count(before, diagnostic.rule, message)
            && count(&after, diagnostic.rule, None) + of_rule
                <= count(before, diagnostic.rule, None)
    });
    removes_its_finding.then_some((text, after))
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

    /// A fix that does not remove its finding is refused, not applied once per round; the others still are.
    #[test]
    fn fix_all_refuses_a_fix_whose_finding_survives_it() {
        use crate::rules::RuleId;
        let lint = |text: &str| {
            // The rule never sees the `USER` its fix adds (think: inside an unterminated heredoc).
            let user =
                Fix::unsafe_("user", vec![Edit::insert(text.len(), "USER 1\n")]).preferred(true);
            let mut found = vec![
                crate::Diagnostic::new(RuleId::RunAsRoot, TextRange::empty(0), "root")
                    .with_fix(user),
            ];
            if let Some(at) = text.find("ADD") {
                let copy = Fix::safe(
                    "copy",
                    vec![Edit::replace(TextRange::new(at, at + 3), "COPY")],
                );
                found.push(
                    crate::Diagnostic::new(
                        RuleId::AddInsteadOfCopy,
                        TextRange::new(at, at + 3),
                        "add",
                    )
                    .with_fix(copy),
                );
            }
            found
        };
        let fixed = fix_all("FROM a\nADD x /x\n", FixMode::Unsafe, lint);
        assert_eq!(fixed.text, "FROM a\nCOPY x /x\n");
        assert_eq!(fixed.applied, 1);
        assert_eq!(
            fixed.refused,
            [Refused {
                rule: RuleId::RunAsRoot,
                message: "root".to_owned(),
                title: "user".to_owned()
            }]
        );
    }

    #[test]
    fn fix_all_collects_each_change_to_another_file_once() {
        use crate::rules::RuleId;
        // A finding that a change to another file resolves: the linter never sees that change, so the
        // finding stays, and fix-all must still stop.
        let lint = |text: &str| {
            let fix = Fix::unsafe_("policy", Vec::new())
                .preferred(true)
                .with_file_change(FileChange::append("p.yaml", "kind: X\n"));
            let mut found = vec![
                crate::Diagnostic::new(RuleId::MissingNetworkPolicy, TextRange::empty(0), "m")
                    .with_fix(fix),
            ];
            if !text.contains("USER") {
                let fix = Fix::unsafe_("user", vec![Edit::insert(text.len(), "USER 1\n")])
                    .preferred(true);
                found.push(
                    crate::Diagnostic::new(RuleId::RunAsRoot, TextRange::empty(0), "r")
                        .with_fix(fix),
                );
            }
            found
        };
        let fixed = fix_all("FROM a\n", FixMode::Unsafe, lint);
        assert_eq!(fixed.text, "FROM a\nUSER 1\n");
        assert_eq!(fixed.applied, 2);
        assert_eq!(fixed.files, [FileChange::append("p.yaml", "kind: X\n")]);
        assert_eq!(fix_all("FROM a\n", FixMode::Safe, lint).applied, 0);
    }
}
