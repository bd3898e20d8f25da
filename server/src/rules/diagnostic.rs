//! What a rule reports: a finding with its range, message and fixes.

use serde::Serialize;

use crate::document::{Severity, TextRange};
use crate::edit::fix::Fix;
use crate::knowledge::pod_security::Control;
use crate::rules::id::RuleId;

/// Extra context shown beside a finding: where something it depends on is written, or how to finish a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub range: TextRange,
    pub message: String,
    /// Alternative fixes; at most one is marked preferred.
    pub fixes: Vec<Fix>,
    pub related: Vec<Related>,
    /// The Pod Security control the finding violates, for the admission check of its namespace
    /// (`engine::admission`).
    #[serde(skip)]
    pub control: Option<Control>,
    /// Reported only where a namespace's Pod Security labels make its control count: a violation the
    /// rule itself lets pass (a non-zero `runAsUser` without `runAsNonRoot: true`).
    #[serde(skip)]
    pub latent: bool,
}

impl Diagnostic {
    /// A finding at the rule's default severity, without fixes.
    pub fn new(rule: RuleId, range: TextRange, message: impl Into<String>) -> Self {
        Self {
            rule,
            // A rule that is off by default reports at warning once it is turned on.
            severity: match rule.meta().severity {
                Severity::Off => Severity::Warning,
                severity => severity,
            },
            range,
            message: message.into(),
            fixes: Vec::new(),
            related: Vec::new(),
            control: None,
            latent: false,
        }
    }

    /// This finding as a violation of Pod Security `control`.
    pub fn with_control(mut self, control: Control) -> Self {
        self.control = Some(control);
        self
    }

    /// This finding reported only where Pod Security admission counts its control.
    pub fn latent(mut self) -> Self {
        self.latent = true;
        self
    }

    /// This finding with only the fixes that change nothing but its own file (see [`Fix::in_this_file`]).
    pub fn in_this_file(mut self) -> Self {
        self.fixes = self
            .fixes
            .iter()
            .filter_map(|f| f.in_this_file().cloned())
            .collect();
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_fixes(mut self, fixes: impl IntoIterator<Item = Fix>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    pub fn with_related(mut self, range: TextRange, message: impl Into<String>) -> Self {
        self.related.push(Related {
            range,
            message: message.into(),
        });
        self
    }

    /// The same finding with every range moved by `delta` bytes (its text moved, unchanged, within the file).
    pub fn shifted(mut self, delta: isize) -> Self {
        self.range = self.range.shifted(delta);
        for related in &mut self.related {
            related.range = related.range.shifted(delta);
        }
        for fix in &mut self.fixes {
            fix.shift(delta);
        }
        self
    }

    /// The fix to apply when one must be chosen (`--unsafe-fixes`): the preferred one. A finding whose fixes
    /// are all offered without preference (a bind address that may take a proxy offline, the removal of
    /// what a node agent needs) gets none applied: they are for a person to pick in the editor.
    pub fn preferred_fix(&self) -> Option<&Fix> {
        self.fixes.iter().find(|f| f.preferred)
    }
}

/// Order findings by place, drop duplicates, and keep an action shared by findings at one place on the first.
pub fn finish(mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    out.sort_by_key(|d| (d.range.start, d.rule));
    out.dedup_by(|a, b| a.rule == b.rule && a.range == b.range && a.message == b.message);
    // Findings at one place can share an action (several container findings offer "Harden this container"):
    // an editor lists every action of every finding under the cursor, so each is kept on the first only.
    for i in 1..out.len() {
        let (before, rest) = out.split_at_mut(i);
        let current = &mut rest[0];
        let earlier: Vec<&Diagnostic> = before
            .iter()
            .rev()
            .take_while(|d| d.range == current.range)
            .collect();
        if !earlier.is_empty() {
            current
                .fixes
                .retain(|fix| !earlier.iter().any(|d| d.fixes.contains(fix)));
        }
    }
    out
}
