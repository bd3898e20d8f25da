//! A rule's identity card: its name, default severity, what fix it offers, its summary and documentation
//! (declared with `declare_rule!` beside each rule's checks).

use crate::document::Severity;

/// What a rule offers to repair its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
}

impl FixAvailability {
    pub const fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "—",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
        }
    }
}

/// A rule's identity card.
#[derive(Debug)]
pub struct RuleMeta {
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line for `dockwarden rules` and the README table.
    pub summary: &'static str,
    /// The doc comment, one leading space per line as rustdoc leaves it.
    raw_docs: &'static str,
}

impl RuleMeta {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        severity: Severity,
        fix: FixAvailability,
        summary: &'static str,
        raw_docs: &'static str,
    ) -> Self {
        Self {
            name,
            severity,
            fix,
            summary,
            raw_docs,
        }
    }

    /// The rule's documentation as markdown.
    pub fn docs(&self) -> String {
        let mut out = format!("# {}\n\n", self.name);
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}
