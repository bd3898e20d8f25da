//! The findings of the rules' instruction checks (see `rules::InstructionContext`), kept from one lint of a
//! document to the next.
//!
//! An instruction check reads one instruction and its script, so its findings depend on that instruction's
//! text alone (with the escape character and whether its shell is a POSIX one). A keystroke changes one
//! instruction, or a few next to each other: the instructions before them and after them keep the
//! findings of the last lint, moved to where they now start, and only the changed ones are checked again.
//! Instructions are matched from both ends of the file (an edit is one contiguous change), text against text.

use std::sync::Arc;

use crate::document::{TextRange, shift, unchanged_ends};
use crate::engine::run_rules::PARALLEL_FROM;
use crate::model::dockerfile::Dockerfile;
use crate::model::shell::Scripts;
use crate::rules::settings::Settings;
use crate::rules::{Diagnostic, InstructionCheck, InstructionContext, RuleId};

/// What the instruction checks found in a document's last lint, by instruction.
#[derive(Default)]
pub struct InstructionFindings {
    escape: char,
    /// The rules whose checks made `kept` (other settings run others).
    rules: Vec<RuleId>,
    kept: Vec<Kept>,
}

/// One instruction of the last lint and what was found in it.
struct Kept {
    /// Where it was, with what leads up to it (see [`span`]).
    span: TextRange,
    /// Whether its script was read (a `RUN` in a POSIX shell).
    read: bool,
    /// Relative to `span.start`.
    found: Arc<[Diagnostic]>,
}

impl InstructionFindings {
    /// The findings of the instruction checks `settings` enables in every instruction of `file`, with the
    /// file's offsets; an instruction unchanged since the last call (whose text was `old_source`) is not
    /// checked again.
    pub fn run(
        &mut self,
        old_source: &str,
        source: &str,
        file: &Dockerfile,
        scripts: &Scripts,
        settings: &Settings,
    ) -> Vec<Diagnostic> {
        let checks: Vec<(RuleId, InstructionCheck)> = RuleId::ALL
            .iter()
            .filter(|r| settings.enabled(**r))
            .filter_map(|r| Some((*r, r.checks().instruction?)))
            .collect();
        let rules: Vec<RuleId> = checks.iter().map(|(rule, _)| *rule).collect();
        if rules != self.rules || file.escape != self.escape {
            self.kept.clear();
        }
        let read = |index: usize| scripts.of(index).is_some();
        let unchanged = |kept: &Kept, index: usize| {
            kept.read == read(index)
                && kept.span.slice(old_source) == span(file, index).slice(source)
        };
        let (new, old) = (file.instructions.len(), self.kept.len());
        let (prefix, suffix) = unchanged_ends(old, new, |o, n| unchanged(&self.kept[o], n));
        let check = |index: usize| -> Arc<[Diagnostic]> {
            let span = span(file, index);
            let cx = InstructionContext {
                source,
                instruction: &file.instructions[index],
                script: scripts.of(index),
                leading: TextRange::new(span.start, file.instructions[index].range.start),
            };
            let mut found = Vec::new();
            for (_, check) in &checks {
                check(&cx, &mut found);
            }
            let back = -shift(span.start);
            found.into_iter().map(|d| d.shifted(back)).collect()
        };
        let changed = prefix..new - suffix;
        let fresh: Vec<Arc<[Diagnostic]>> = if source.len() >= PARALLEL_FROM {
            use rayon::prelude::*;
            changed.into_par_iter().map(check).collect()
        } else {
            changed.map(check).collect()
        };
        let mut fresh = fresh.into_iter();
        let kept: Vec<Kept> = (0..new)
            .map(|index| {
                let found = if index < prefix {
                    self.kept[index].found.clone()
                } else if index >= new - suffix {
                    self.kept[old - (new - index)].found.clone()
                } else {
                    fresh.next().unwrap_or_default()
                };
                Kept {
                    span: span(file, index),
                    read: read(index),
                    found,
                }
            })
            .collect();
        let out = kept
            .iter()
            .flat_map(|k| {
                let start = shift(k.span.start);
                k.found.iter().map(move |d| d.clone().shifted(start))
            })
            .collect();
        self.kept = kept;
        self.rules = rules;
        self.escape = file.escape;
        out
    }
}

/// The text instruction `index` is checked in: from the end of the instruction before it (the comment
/// lines and blank space between are its `leading` text) to the end of its extent (see
/// `Instruction::extent`).
fn span(file: &Dockerfile, index: usize) -> TextRange {
    let instruction = &file.instructions[index];
    let start = index
        .checked_sub(1)
        .map_or(0, |before| file.instructions[before].range.end)
        .min(instruction.range.start);
    TextRange::new(start, instruction.extent().end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::settings::RuleSelection;

    fn run(findings: &mut InstructionFindings, old: &str, source: &str) -> Vec<Diagnostic> {
        let file = Dockerfile::parse(source);
        let scripts = Scripts::read(source, &file);
        findings.run(old, source, &file, &scripts, &Settings::default())
    }

    /// After any edit, what is kept and moved reads exactly as checking every instruction afresh.
    #[test]
    fn kept_findings_read_as_a_fresh_check() {
        let before = "FROM debian\nRUN apt-get install -y curl\nRUN sudo ls\n# a comment\nEXPOSE 22\n# ghp_1234567890abcdefghijklmnopqrstuvwxyz\n";
        let edits = [
            before.replace("# a comment", "# a longer comment"),
            before.replace("# a comment", "# glpat-1234567890abcdefghij"),
            before.replace("\n# ghp", "\nUSER 1\n# ghp"),
            before.replace("RUN sudo ls", "RUN sudo ls && apt-get upgrade"),
            before.replace("FROM debian\n", "FROM debian\nRUN curl -k https://x | sh\n"),
            before.replace("EXPOSE 22\n", ""),
            before.replace(
                "RUN apt-get install -y curl\n",
                "RUN apt-get install -y \\\n curl\n",
            ),
            format!("# escape=`\n{before}"),
            String::new(),
        ];
        let open = "FROM a\nRUN <<EOF\ncurl -k https://x | sh";
        let closed = format!("{open}\n");
        let pairs = edits
            .iter()
            .map(|after| (before, after.clone()))
            // (a heredoc left open takes the file's last line break into its body)
            .chain([(open, closed.clone()), (closed.as_str(), open.to_owned())]);
        for (before, after) in pairs {
            let mut kept = InstructionFindings::default();
            run(&mut kept, "", before);
            let again = run(&mut kept, before, &after);
            let fresh = run(&mut InstructionFindings::default(), "", &after);
            assert_eq!(again, fresh, "{after:?}");
        }
        let rules: Vec<RuleId> = run(&mut InstructionFindings::default(), "", before)
            .iter()
            .map(|d| d.rule)
            .collect();
        let expected = [
            RuleId::InstallRecommends,
            RuleId::SudoInRun,
            RuleId::SshPortExposed,
        ];
        // (the credential after the last instruction is found by the rule's check of the whole file)
        assert_eq!(rules, expected, "the edits above change what these find");
    }

    /// A rule the settings turn off is not reported from what was kept before.
    #[test]
    fn settings_that_turn_a_rule_off_are_followed() {
        let source = "FROM debian\nRUN sudo ls\n";
        let file = Dockerfile::parse(source);
        let scripts = Scripts::read(source, &file);
        let mut kept = InstructionFindings::default();
        let on = kept.run("", source, &file, &scripts, &Settings::default());
        assert!(on.iter().any(|d| d.rule == RuleId::SudoInRun));
        let settings = Settings::default().with_selection(&RuleSelection {
            select: None,
            ignore: vec![RuleId::SudoInRun],
        });
        let off = kept.run(source, source, &file, &scripts, &settings);
        assert!(off.iter().all(|d| d.rule != RuleId::SudoInRun));
    }
}
