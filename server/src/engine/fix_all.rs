//! Applying every fix of a file: after one fix the byte ranges of the others are stale, so fixes are applied
//! in passes that each lint again, until nothing is left to do; a fix whose finding survives it, or that
//! brings a new finding, is refused.

use std::collections::HashMap;

use crate::document::TextRange;
use crate::edit::fix::{Applicability, Edit, FileChange, Fix, apply_edits};
use crate::rules::Diagnostic;
use crate::rules::id::RuleId;

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
    pub rule: RuleId,
    /// The finding's message.
    pub message: String,
    /// The fix's title.
    pub title: String,
}

/// A finding and the fix chosen for it, as the pass tells them apart across rounds (ranges move).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Signature {
    rule: RuleId,
    message: String,
    title: String,
    inserted: Vec<String>,
}

impl Signature {
    fn of(diagnostic: &Diagnostic, fix: &Fix) -> Self {
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
pub fn fix_all(text: &str, mode: FixMode, lint: impl Fn(&str) -> Vec<Diagnostic>) -> Fixed {
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
    lint: &impl Fn(&str) -> Vec<Diagnostic>,
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
type Picked<'d> = (&'d Diagnostic, &'d Fix);

/// The fixes a round keeps, with the text and the findings after them.
type Kept<'d> = (Vec<Picked<'d>>, (String, Vec<Diagnostic>));

/// The most of `picked` (a round that failed its checks) that passes them together, found by halving: a
/// half that passes (with what passed before it) is kept whole, one that fails is halved again, and a
/// single fix that fails is returned as failed. A few failing fixes cost a few re-lints each, not one
/// round each. Returns what is kept, with the text and findings after it, and the failed fixes.
fn bisect<'d>(
    current: &str,
    before: &[Diagnostic],
    picked: Vec<Picked<'d>>,
    lint: &impl Fn(&str) -> Vec<Diagnostic>,
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
    diagnostics: &'d [Diagnostic],
    mode: FixMode,
    files: &[FileChange],
    exhausted: &dyn Fn(&Signature) -> bool,
    refused: &mut Vec<Refusal>,
) -> Vec<(&'d Diagnostic, &'d Fix)> {
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
    before: &[Diagnostic],
    picked: &[(&Diagnostic, &Fix)],
    lint: &impl Fn(&str) -> Vec<Diagnostic>,
) -> Option<(String, Vec<Diagnostic>)> {
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
    let count = |found: &[Diagnostic], rule: RuleId, message: Option<&str>| {
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
pub fn choose(diagnostic: &Diagnostic, mode: FixMode) -> Option<&Fix> {
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

    /// A fix that does not remove its finding is refused, not applied once per round; the others still are.
    #[test]
    fn fix_all_refuses_a_fix_whose_finding_survives_it() {
        let lint = |text: &str| {
            // The rule never sees the `USER` its fix adds (think: inside an unterminated heredoc).
            let user =
                Fix::unsafe_("user", vec![Edit::insert(text.len(), "USER 1\n")]).preferred(true);
            let mut found = vec![
                Diagnostic::new(RuleId::RunAsRoot, TextRange::empty(0), "root").with_fix(user),
            ];
            if let Some(at) = text.find("ADD") {
                let copy = Fix::safe(
                    "copy",
                    vec![Edit::replace(TextRange::new(at, at + 3), "COPY")],
                );
                found.push(
                    Diagnostic::new(RuleId::AddInsteadOfCopy, TextRange::new(at, at + 3), "add")
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
        // A finding that a change to another file resolves: the linter never sees that change, so the
        // finding stays, and fix-all must still stop.
        let lint = |text: &str| {
            let fix = Fix::unsafe_("policy", Vec::new())
                .preferred(true)
                .with_file_change(FileChange::append("p.yaml", "kind: X\n"));
            let mut found = vec![
                Diagnostic::new(RuleId::MissingNetworkPolicy, TextRange::empty(0), "m")
                    .with_fix(fix),
            ];
            if !text.contains("USER") {
                let fix = Fix::unsafe_("user", vec![Edit::insert(text.len(), "USER 1\n")])
                    .preferred(true);
                found.push(
                    Diagnostic::new(RuleId::RunAsRoot, TextRange::empty(0), "r").with_fix(fix),
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
