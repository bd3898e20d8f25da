//! A file's findings as the engine hands them over: in runs, one per part of the file that was linted on
//! its own (a document of a YAML stream), each relative to where its part starts and shared while that
//! part is unchanged.
//!
//! A keystroke in one document of a 30,000-line stream changes that document's findings only. Copying and
//! moving the thousands of others (with their fixes) on every keystroke was most of its cost; as runs, the
//! unchanged ones are handed over as they are (a reference count), and the server renders only the run
//! that is new (see `lsp/rendered.rs`).

use std::sync::Arc;

use crate::document::{TextRange, shift};
use crate::rules::diagnostic::Diagnostic;

/// The findings of one part of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The part of the file (the findings lie within it, their end at most at its end).
    pub span: TextRange,
    /// The findings, in order, with ranges relative to `span.start`. The same allocation stands for the
    /// same findings of the same text: a reader may cache what it derives from a run by this pointer.
    pub items: Arc<[Diagnostic]>,
}

impl Run {
    /// Each finding, with where its part starts (add it to the finding's offsets).
    pub fn located(&self) -> impl Iterator<Item = (usize, &Diagnostic)> {
        self.items.iter().map(|d| (self.span.start, d))
    }
}

/// A file's findings, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    runs: Vec<Run>,
}

impl Findings {
    /// Findings of the whole text, as one run.
    pub fn whole(items: Vec<Diagnostic>, len: usize) -> Self {
        let mut findings = Self::default();
        findings.push(Run {
            span: TextRange::new(0, len),
            items: items.into(),
        });
        findings
    }

    /// Add the next run (an empty one is left out).
    pub fn push(&mut self, run: Run) {
        if !run.items.is_empty() {
            self.runs.push(run);
        }
    }

    pub fn runs(&self) -> &[Run] {
        &self.runs
    }

    /// Each finding with the offset its ranges are relative to.
    pub fn located(&self) -> impl Iterator<Item = (usize, &Diagnostic)> {
        self.runs.iter().flat_map(Run::located)
    }

    /// The findings with ranges in the file's offsets (a copy: for the CLI and the rare request).
    pub fn to_vec(&self) -> Vec<Diagnostic> {
        self.located()
            .map(|(start, d)| d.clone().shifted(shift(start)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleId;

    #[test]
    fn runs_hold_findings_relative_to_their_part() {
        let d = |at: usize| Diagnostic::new(RuleId::UnpinnedImage, TextRange::new(at, at + 2), "m");
        let mut findings = Findings::whole(vec![d(1)], 10);
        findings.push(Run {
            span: TextRange::new(10, 20),
            items: Arc::from(Vec::new()),
        });
        findings.push(Run {
            span: TextRange::new(20, 30),
            items: Arc::from(vec![d(0), d(5)]),
        });
        assert_eq!(findings.runs().len(), 2, "the empty run is left out");
        assert_eq!(findings.located().count(), 3);
        let starts: Vec<usize> = findings.to_vec().iter().map(|d| d.range.start).collect();
        assert_eq!(starts, [1, 20, 25]);
    }
}
