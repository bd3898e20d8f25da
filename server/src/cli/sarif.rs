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

use serde_sarif::sarif::{
    ArtifactChange, ArtifactContent, ArtifactLocation, Fix as SarifFix, Location, Message,
    MultiformatMessageString, PhysicalLocation, Region, Replacement, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::output::FileReport;
use crate::document::LineIndex;
use crate::rules::RuleId;
use crate::{Severity, TextRange};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/dockwarden/dockwarden";

pub fn write(reports: &[FileReport], out: &mut impl Write) -> std::io::Result<()> {
    let index_of: HashMap<RuleId, usize> = RuleId::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, i))
        .collect();
    let mut results = Vec::new();
    for report in reports {
        let lines = LineIndex::new(&report.text);
        let mut seen: HashMap<(RuleId, &str), usize> = HashMap::new();
        for d in &report.diagnostics {
            let line_text = lines
                .line_text(lines.line_col(d.range.start).line - 1)
                .trim();
            let occurrence = seen.entry((d.rule, line_text)).or_insert(0);
            *occurrence += 1;
            let fingerprint = crate::fix::fingerprint(&format!(
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
                                .artifact_location(artifact(&report.path))
                                .replacements(replacements)
                                .build(),
                        ])
                        .build()
                })
                .collect();
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(artifact(&report.path))
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
        .id(meta.name)
        .name(meta.name)
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

fn artifact(path: &str) -> ArtifactLocation {
    let uri = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
    ArtifactLocation::builder().uri(uri).build()
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
