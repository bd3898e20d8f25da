//! Rendering findings: `text` for people (colour on a terminal only), `json` for programs, `github` for
//! GitHub Actions annotations, `sarif` (in [`super::sarif`]) for code scanning.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use super::report::FileReport;
use crate::document::Severity;
use crate::document::{LineCol, LineIndex};
use crate::edit::fix::{Applicability, Edit, FileChange, Fix};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    /// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
    Github,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    path: &'a str,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    start: LineCol,
    end: LineCol,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: Applicability,
    preferred: bool,
    edits: Vec<JsonEdit<'a>>,
    /// Text appended to other files (created when missing), by path relative to the file's folder.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    files: &'a [FileChange],
    /// The fix to apply instead where other files cannot be changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    fallback: Option<Box<JsonFix<'a>>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: LineCol,
    end: LineCol,
    new_text: &'a str,
}

/// `--color`: whether the text report is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When the report goes to a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

impl Color {
    /// Whether to colour a report written to standard output (`to_stdout`) or to a file.
    pub fn wanted(self, to_stdout: bool) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                to_stdout
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub fn write(
    format: OutputFormat,
    reports: &[FileReport],
    (root, colour): (&Path, bool),
    out: &mut impl Write,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Text => write_text(reports, out, colour),
        OutputFormat::Json => write_json(reports, out),
        OutputFormat::Github => write_github(reports, out),
        OutputFormat::Sarif => super::sarif::write(reports, root, out),
    }
}

fn write_text(reports: &[FileReport], out: &mut impl Write, colour: bool) -> std::io::Result<()> {
    for report in reports {
        let index = LineIndex::new(&report.text);
        for d in &report.diagnostics {
            let at = index.line_col(d.range.start);
            let severity = d.severity.as_str();
            let severity = if colour {
                let code = match d.severity {
                    Severity::Error => "31",
                    Severity::Warning => "33",
                    _ => "36",
                };
                format!("\x1b[1;{code}m{severity}\x1b[0m")
            } else {
                severity.to_owned()
            };
            writeln!(
                out,
                "{}:{}:{}: {severity}[{}] {}",
                printable(&report.path),
                at.line,
                at.column,
                d.rule,
                printable(&d.message)
            )?;
        }
    }
    Ok(())
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`, one line per finding.
fn write_github(reports: &[FileReport], out: &mut impl Write) -> std::io::Result<()> {
    for report in reports {
        let index = LineIndex::new(&report.text);
        for d in &report.diagnostics {
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Off => "notice",
            };
            let (start, end) = (index.line_col(d.range.start), index.line_col(d.range.end));
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                github_property(report.path.strip_prefix("./").unwrap_or(&report.path)),
                start.line,
                start.column,
                end.line,
                end.column,
                github_property(&format!("dockwarden ({})", d.rule)),
                github_data(&d.message)
            )?;
        }
    }
    Ok(())
}

/// `text` safe to print on a terminal: control characters (C0, DEL, C1: escape sequences that repaint the
/// screen or forge links, a NUL from a binary file) and the bidirectional overrides that reorder what is
/// shown are written as `\u{…}` escapes; everything else as is.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A workflow command's message: `%`, CR and LF escaped.
/// Other control characters are escaped as on a terminal (the log is shown on one).
fn github_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    printable(&escaped).into_owned()
}

/// A workflow command's property value: also `:` and `,` escaped.
fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn write_json(reports: &[FileReport], out: &mut impl Write) -> std::io::Result<()> {
    let mut findings = Vec::new();
    for report in reports {
        let index = LineIndex::new(&report.text);
        for d in &report.diagnostics {
            findings.push(JsonFinding {
                path: &report.path,
                rule: d.rule.name(),
                severity: d.severity,
                message: &d.message,
                start: index.line_col(d.range.start),
                end: index.line_col(d.range.end),
                fixes: d.fixes.iter().map(|f| json_fix(f, &index)).collect(),
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &findings).map_err(std::io::Error::other)?;
    writeln!(out)
}

fn json_fix<'a>(fix: &'a Fix, index: &LineIndex) -> JsonFix<'a> {
    JsonFix {
        title: &fix.title,
        applicability: fix.applicability,
        preferred: fix.preferred,
        edits: fix
            .edits
            .iter()
            .map(|e: &'a Edit| JsonEdit {
                start: index.line_col(e.range.start),
                end: index.line_col(e.range.end),
                new_text: &e.new_text,
            })
            .collect(),
        files: &fix.files,
        fallback: fix
            .fallback
            .as_deref()
            .map(|f| Box::new(json_fix(f, index))),
    }
}

#[cfg(test)]
mod tests {
    use super::{github_data, github_property};

    #[test]
    fn workflow_commands_escape_what_github_reads() {
        assert_eq!(
            github_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(github_property("dir:a,b%.yaml"), "dir%3Aa%2Cb%25.yaml");
    }
}
