//! What the CLI has found in one file, before it is printed in any format.

use crate::rules::diagnostic::Diagnostic;

/// One file's findings, ready to print.
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// The fixed text of standard input, when `--fix` was given for it.
    pub fixed_stdin: Option<String>,
}
