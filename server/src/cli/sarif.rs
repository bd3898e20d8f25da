//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps), built with the
//! `serde-sarif` types generated from the official schema.
//!
//! Every rule is described once in `tool.driver.rules` (its summary, documentation and default level); each
//! finding points at its rule by id and index, carries the fixes that change its own file only as SARIF
//! `fixes`, and a partial fingerprint that survives lines being added above it (the rule, the file and the
//! text of the finding's line, and which occurrence of that pair it is), so dashboards track a finding across
//! commits. Columns count Unicode code points, as the text output does; the run says so (`columnKind`).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix as SarifFix, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::report::FileReport;
use crate::document::LineIndex;
use crate::document::{Severity, TextRange};
use crate::rules::RuleId;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/dockwarden/dockwarden";

pub fn write(reports: &[FileReport], root: &Path, out: &mut impl Write) -> std::io::Result<()> {
    let index_of: HashMap<RuleId, usize> = RuleId::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, i))
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let lines = LineIndex::new(&report.text);
        let location_of_file = artifact(&report.path, root);
        let mut seen: HashMap<(RuleId, &str), usize> = HashMap::new();
        for d in &report.diagnostics {
            let line_text = lines
                .line_text(lines.line_col(d.range.start).line - 1)
                .trim();
            let occurrence = seen.entry((d.rule, line_text)).or_insert(0);
            *occurrence += 1;
            let fingerprint = crate::edit::fix::fingerprint(&format!(
                "{}\u{0}{}\u{0}{line_text}\u{0}{occurrence}",
                d.rule, report.path
            ));
            let fixes: Vec<SarifFix> = d
                .fixes
                .iter()
                .filter_map(|f| f.in_this_file())
                .map(|fix| {
                    let replacements = fix
                        .edits
                        .iter()
                        .map(|e| {
                            Replacement::builder()
                                .deleted_region(region(&lines, e.range))
                                .inserted_content(
                                    ArtifactContent::builder().text(e.new_text.clone()).build(),
                                )
                                .build()
                        })
                        .collect::<Vec<_>>();
                    SarifFix::builder()
                        .description(Message::builder().text(fix.title.clone()).build())
                        .artifact_changes(vec![
                            ArtifactChange::builder()
                                .artifact_location(location_of_file.clone())
                                .replacements(replacements)
                                .build(),
                        ])
                        .build()
                })
                .collect();
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(location_of_file.clone())
                        .region(region(&lines, d.range))
                        .build(),
                )
                .build();
            let result = SarifResult::builder()
                .rule_id(d.rule.name())
                .rule_index(index_of.get(&d.rule).copied().unwrap_or_default() as i64)
                .level(level(d.severity))
                .message(Message::builder().text(d.message.clone()).build())
                .locations(vec![location])
                .partial_fingerprints(BTreeMap::from([(
                    "dockwarden/v1".to_owned(),
                    fingerprint.to_string(),
                )]));
            results.push(if fixes.is_empty() {
                result.build()
            } else {
                result.fixes(fixes).build()
            });
        }
    }
    let rules: Vec<ReportingDescriptor> = RuleId::ALL.iter().map(|r| descriptor(*r)).collect();
    let driver = ToolComponent::builder()
        .name("dockwarden")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(INFORMATION_URI)
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .original_uri_base_ids(BTreeMap::from([(
            SRCROOT.to_owned(),
            ArtifactLocation::builder()
                .uri(format!("{}/", file_uri(root).trim_end_matches('/')))
                .build(),
        )]))
        .results(results)
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    let sarif = Sarif::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &sarif).map_err(std::io::Error::other)?;
    writeln!(out)
}

fn descriptor(rule: RuleId) -> ReportingDescriptor {
    let meta = rule.meta();
    let default_level = match meta.severity {
        // An opt-in rule reports at warning once turned on; SARIF says it is off by default.
        Severity::Off => ReportingConfiguration::builder()
            .enabled(false)
            .level(serde_json::json!("warning"))
            .build(),
        severity => ReportingConfiguration::builder()
            .level(serde_json::json!(level_name(severity)))
            .build(),
    };
    ReportingDescriptor::builder()
        // No `name`: one equal to the `id` says nothing more (SARIF validator rule SARIF1001).
        .id(meta.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(meta.summary)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(meta.summary)
                .markdown(meta.docs())
                .build(),
        )
        .default_configuration(default_level)
        .build()
}

/// The base the relative locations are resolved against: the project root, given in `originalUriBaseIds`.
const SRCROOT: &str = "%SRCROOT%";

/// Where a file is: a relative URI reference against [`SRCROOT`] inside the project root, an absolute
/// `file://` URI outside it (never a reference that begins with `/`, which SARIF readers take as relative to
/// their own base), `-` for standard input as given.
fn artifact(path: &str, root: &Path) -> ArtifactLocation {
    let absolute = std::env::current_dir()
        .ok()
        .map(|cwd| cwd.join(path))
        .and_then(|p| p.canonicalize().ok());
    match absolute {
        Some(file) => match file.strip_prefix(root) {
            Ok(inside) => ArtifactLocation::builder()
                .uri(percent_encoded(inside))
                .uri_base_id(SRCROOT)
                .build(),
            Err(_) => ArtifactLocation::builder().uri(file_uri(&file)).build(),
        },
        None => ArtifactLocation::builder()
            .uri(percent_encoded(Path::new(path)))
            .build(),
    }
}

/// `file:///…` for an absolute path.
fn file_uri(path: &Path) -> String {
    format!("file://{}", percent_encoded(path))
}

/// A path as a URI path: `/`-separated, every byte outside RFC 3986's unreserved characters percent-encoded
/// (a space, `%`, `#`, `?` or a non-ASCII name stays a valid URI).
fn percent_encoded(path: &Path) -> String {
    let (bytes, drive) = uri_bytes(path);
    let mut out = String::new();
    for (i, &byte) in bytes.iter().enumerate() {
        let kept = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/');
        // A Windows drive's colon stays one (`/C:/src`), as in every `file:` URI for such a path.
        if kept || (drive && i == 2 && byte == b':') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A path's bytes for a URI, and whether it starts with a Windows drive (`/C:`). On Unix the file name's own
/// bytes (any byte but `/` and NUL is a name).
#[cfg(unix)]
fn uri_bytes(path: &Path) -> (Vec<u8>, bool) {
    use std::os::unix::ffi::OsStrExt;
    (path.as_os_str().as_bytes().to_vec(), false)
}

/// On Windows its UTF-8, `/`-separated, an absolute path led by `/` (`C:\src` → `/C:/src`).
#[cfg(not(unix))]
fn uri_bytes(path: &Path) -> (Vec<u8>, bool) {
    let text = path.to_string_lossy().replace('\\', "/");
    if path.is_absolute() {
        (format!("/{text}").into_bytes(), true)
    } else {
        (text.into_bytes(), false)
    }
}

/// A 1-based region; columns in code points (the run's `columnKind`).
fn region(lines: &LineIndex, range: TextRange) -> Region {
    let start = lines.line_col(range.start);
    let end = lines.line_col(range.end);
    Region::builder()
        .start_line(start.line as i64)
        .start_column(start.column as i64)
        .end_line(end.line as i64)
        .end_column(end.column as i64)
        .build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info | Severity::Off => ResultLevel::Note,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Off => "note",
    }
}
