//! The lines a person reads on stderr after a text report: how many problems, in how many files, and how
//! many of them `--fix` (or `--fix --unsafe-fixes`) would take care of; after `--fix`, what it changed.

use super::report::FileReport;
use crate::edit::fix::Applicability;

/// `Found 26 problems in 3 files (4 fixable with --fix, 19 more with --unsafe-fixes)`, or `No problems
/// found (3 files checked)`.
pub fn found(reports: &[FileReport]) -> String {
    let problems: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
    if problems == 0 {
        return format!(
            "No problems found ({} checked)",
            count(reports.len(), "file")
        );
    }
    let files = reports.iter().filter(|r| !r.diagnostics.is_empty()).count();
    let (mut safe, mut unsafe_only) = (0, 0);
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        if d.fixes
            .iter()
            .any(|f| f.applicability == Applicability::Safe)
        {
            safe += 1;
        } else if !d.fixes.is_empty() {
            unsafe_only += 1;
        }
    }
    let fixable = match (safe, unsafe_only) {
        (0, 0) => String::new(),
        (0, n) => format!(" ({n} fixable with --fix --unsafe-fixes)"),
        (n, 0) => format!(" ({n} fixable with --fix)"),
        (n, m) => format!(" ({n} fixable with --fix, {m} more with --unsafe-fixes)"),
    };
    format!(
        "Found {} in {}{fixable}",
        count(problems, "problem"),
        count(files, "file")
    )
}

/// `Fixed 4 problems in 2 files` (`Would fix …` for `--diff`), from the fixes applied per file.
pub fn fixed(applied: &[usize], dry_run: bool) -> String {
    let problems: usize = applied.iter().sum();
    let files = applied.iter().filter(|&&n| n > 0).count();
    let verb = if dry_run { "Would fix" } else { "Fixed" };
    format!(
        "{verb} {} in {}",
        count(problems, "problem"),
        count(files, "file")
    )
}

/// `1 file`, `3 files`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn fixed_counts_problems_and_the_files_that_changed() {
        assert_eq!(fixed(&[3, 0, 1], false), "Fixed 4 problems in 2 files");
        assert_eq!(fixed(&[1], true), "Would fix 1 problem in 1 file");
        assert_eq!(fixed(&[], false), "Fixed 0 problems in 0 files");
    }
}
