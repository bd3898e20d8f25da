//! `workspace/diagnostic`: the findings of the workspace's files that are not open, so cross-file rules and a
//! CI-style overview work in the editor. Open documents are left out (their own pulls report them, for the
//! text in the editor). Each file's report has a result id (a fingerprint of its text and of what it was
//! linted with); a file whose id the client already holds is reported unchanged.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use tower_lsp_server::ls_types::{
    FullDocumentDiagnosticReport, UnchangedDocumentDiagnosticReport, Uri,
    WorkspaceDocumentDiagnosticReport, WorkspaceFullDocumentDiagnosticReport,
    WorkspaceUnchangedDocumentDiagnosticReport,
};

use super::convert::Encoding;
use super::index;
use crate::document::{is_yaml_name, kind_from_name};
use crate::engine::config::Configs;
use crate::engine::disk::DiskFiles;
use crate::engine::surroundings::Surroundings;
use crate::engine::workspace::Workspace;
use crate::rules::NoFiles;

/// What the report needs of the server's state, taken under its locks before the (blocking) walk.
pub struct Snapshot {
    pub root: PathBuf,
    pub open: HashSet<PathBuf>,
    pub encoding: Encoding,
    /// Result ids the client holds, by URI.
    pub previous: HashMap<Uri, String>,
}

/// Lint every Dockerfile, Compose file and manifest of the workspace that is not open.
pub fn report(
    snapshot: &Snapshot,
    configs: &mut Configs,
    workspace: &Workspace,
) -> Vec<WorkspaceDocumentDiagnosticReport> {
    let candidates = index::walk(&snapshot.root, |p| {
        is_yaml_name(p) || kind_from_name(p).is_some()
    });
    let mut items = Vec::new();
    let mut reported = HashSet::new();
    for path in candidates {
        if snapshot.open.contains(&path) || configs.ignores(&path) {
            continue;
        }
        let Some(uri) = Uri::from_file_path(&path) else {
            continue;
        };
        let settings = configs.settings_for(Some(&path));
        // One byte more than `max-file-size` tells a file that is larger.
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path).and_then(|file| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(file, settings.max_file_size.saturating_add(1)),
                &mut bytes,
            )
        });
        if read.is_err() {
            continue;
        }
        let too_large = crate::engine::lint::cut_to_limit(&mut bytes, settings.max_file_size);
        let valid_utf8 = std::str::from_utf8(&bytes).is_ok();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut skips = crate::engine::lint::skips(Some(&path), valid_utf8);
        if too_large {
            skips.push(crate::document::Skip::TooLarge);
        }
        let Some(kind) = crate::engine::lint::detect(Some(&path), &text) else {
            continue;
        };
        let facts = workspace.facts_except(Some(&path));
        let result_id =
            crate::edit::fix::fingerprint(&format!("{text}\u{0}{settings:?}\u{0}{facts:?}"))
                .to_string();
        if snapshot.previous.get(&uri) == Some(&result_id) {
            reported.insert(uri.clone());
            items.push(WorkspaceDocumentDiagnosticReport::Unchanged(
                WorkspaceUnchangedDocumentDiagnosticReport {
                    uri,
                    version: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id,
                    },
                },
            ));
            continue;
        }
        let files = DiskFiles::beside(&path, &snapshot.root);
        let around = Surroundings {
            facts: Some(&facts),
            files: match &files {
                Some(files) => files,
                None => &NoFiles,
            },
            settings: &settings,
            skips: &skips,
            ..Surroundings::none()
        };
        let found = crate::engine::lint::lint_in(&text, kind, &around);
        let lines = crate::document::LineIndex::new(&text);
        let diagnostics = found
            .iter()
            // Fixes are offered once the file is open, against the editor's text.
            .map(|d| super::convert::to_lsp(&uri, &lines, d, snapshot.encoding))
            .collect();
        reported.insert(uri.clone());
        items.push(WorkspaceDocumentDiagnosticReport::Full(
            WorkspaceFullDocumentDiagnosticReport {
                uri,
                version: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(result_id),
                    items: diagnostics,
                },
            },
        ));
    }
    // Files the client holds findings for that are gone, ignored or open now: nothing more to show.
    for uri in snapshot.previous.keys().filter(|u| !reported.contains(*u)) {
        items.push(WorkspaceDocumentDiagnosticReport::Full(
            WorkspaceFullDocumentDiagnosticReport {
                uri: uri.clone(),
                version: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport::default(),
            },
        ));
    }
    items
}

/// Whether a report tells the client something it does not know (a full report).
pub fn news(items: &[WorkspaceDocumentDiagnosticReport], previous: &HashMap<Uri, String>) -> bool {
    items.iter().any(|item| match item {
        WorkspaceDocumentDiagnosticReport::Full(full) => {
            previous.get(&full.uri) != full.full_document_diagnostic_report.result_id.as_ref()
        }
        WorkspaceDocumentDiagnosticReport::Unchanged(_) => false,
    })
}
