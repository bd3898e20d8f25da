//! The command-line face: `check` (with `--fix`), `rules`, `explain`, `completions`.

pub mod args;
mod check;
mod files;
mod output;
mod project;
mod report;
mod sarif;
mod summary;

use std::io::Write;
use std::process::ExitCode;

pub use check::{CheckOptions, Threshold, check};
pub use output::{Color, OutputFormat};

use crate::rules::RuleId;

/// Exit code for usage and I/O errors.
pub(crate) const EXIT_ERROR: u8 = 2;

/// The README's rule table, generated from the rules' metadata (a test keeps the README current).
pub fn rule_table() -> String {
    let mut out = String::from(
        "| rule | kinds | severity | fix | what it reports |\n|---|---|---|---|---|\n",
    );
    for rule in RuleId::ALL {
        let meta = rule.meta();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            meta.name,
            rule.checks()
                .kinds()
                .iter()
                .map(|k| k.letter().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            meta.severity.as_str(),
            meta.fix.as_str(),
            meta.summary
        ));
    }
    out
}

/// `dockwarden rules`: one line per rule, or the README's markdown table.
pub fn rules(markdown: bool) -> ExitCode {
    let mut out = std::io::stdout().lock();
    if markdown {
        return match write!(out, "{}", rule_table()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(EXIT_ERROR),
        };
    }
    for rule in RuleId::ALL {
        let meta = rule.meta();
        let kinds: String = rule.checks().kinds().iter().map(|k| k.letter()).collect();
        let line = format!(
            "{:<34} {:<4} {:<8} fix: {:<7} {}",
            meta.name,
            kinds,
            meta.severity.as_str(),
            meta.fix.as_str(),
            meta.summary
        );
        if writeln!(out, "{}", line.trim_end()).is_err() {
            return ExitCode::from(EXIT_ERROR);
        }
    }
    ExitCode::SUCCESS
}

/// `dockwarden explain RULE`: the rule's documentation.
pub fn explain(name: &str) -> ExitCode {
    match RuleId::named(name) {
        Some(rule) => {
            let _ = write!(std::io::stdout().lock(), "{}", rule.meta().docs());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: unknown rule `{}` (see `dockwarden rules`)",
                output::printable(name)
            );
            ExitCode::from(EXIT_ERROR)
        }
    }
}
