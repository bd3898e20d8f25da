//! Code actions: quick fixes straight from the fixes shipped in each diagnostic's `data`, and
//! `source.fixAll.dockwarden`, which applies safe fixes to a fixed point.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    Diagnostic, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use super::convert;
use super::server::{Backend, DiagnosticData};
use crate::TextRange;
use crate::fix::{FixMode, fix_all};

pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.dockwarden")
}

pub fn code_actions(backend: &Backend, params: CodeActionParams) -> Option<CodeActionResponse> {
    let uri = params.text_document.uri;
    let only = params.context.only.as_deref();
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| kinds.iter().any(|k| kind.as_str().starts_with(k.as_str())))
    };
    let mut actions = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        let diagnostics = ours(backend, &uri, params.context.diagnostics);
        for diagnostic in diagnostics {
            let Some(data) = diagnostic
                .data
                .clone()
                .and_then(|d| serde_json::from_value::<DiagnosticData>(d).ok())
            else {
                continue;
            };
            for fix in data.fixes {
                // A fix computed for another version of the document is stale: the client asks again once
                // it has the current diagnostics.
                let Some(edits) = text_edits(backend, &uri, data.version, &fix.edits) else {
                    continue;
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(&uri, Some(data.version), edits)),
                    is_preferred: Some(fix.preferred),
                    ..CodeAction::default()
                }));
            }
        }
    }
    let fix_all = fix_all_kind();
    let explicitly_asked = only.is_some_and(|kinds| {
        kinds
            .iter()
            .any(|k| fix_all.as_str().starts_with(k.as_str()))
    });
    if explicitly_asked {
        if let Some(action) = fix_all_action(backend, &uri, fix_all) {
            actions.push(action);
        }
    }
    Some(actions)
}

/// The client's diagnostics from us; when a client drops `data`, the stored finding at that range stands in
/// (same range and rule), so fixes are never recomputed here.
fn ours(backend: &Backend, uri: &Uri, from_client: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let stored = backend
        .lsp_diagnostics(uri)
        .map(|(_, items)| items)
        .unwrap_or_default();
    from_client
        .into_iter()
        .filter(|d| d.source.as_deref() == Some("dockwarden"))
        .filter_map(|d| {
            if d.data.is_some() {
                return Some(d);
            }
            stored
                .iter()
                .find(|s| s.range == d.range && s.code == d.code)
                .cloned()
        })
        .collect()
}

/// Byte-offset edits of document version `version` as protocol edits, if that version is the current one.
fn text_edits(
    backend: &Backend,
    uri: &Uri,
    version: i32,
    edits: &[(usize, usize, String)],
) -> Option<Vec<TextEdit>> {
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let document = documents.get(uri).filter(|d| d.version == version)?;
    let edits = edits
        .iter()
        .map(|(start, end, new_text)| TextEdit {
            range: convert::range(&document.rope, TextRange::new(*start, *end), encoding),
            new_text: new_text.clone(),
        })
        .collect();
    Some(edits)
}

fn edit(uri: &Uri, version: Option<i32>, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        document_changes: Some(tower_lsp_server::ls_types::DocumentChanges::Edits(vec![
            TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits
                    .into_iter()
                    .map(tower_lsp_server::ls_types::OneOf::Left)
                    .collect(),
            },
        ])),
        changes: None::<HashMap<Uri, Vec<TextEdit>>>,
        change_annotations: None,
    }
}

/// All safe fixes, applied to a fixed point, as one minimal edit.
fn fix_all_action(
    backend: &Backend,
    uri: &Uri,
    kind: CodeActionKind,
) -> Option<CodeActionOrCommand> {
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let document = documents.get(uri)?;
    let document_kind = document.kind?;
    let (fixed, applied) = fix_all(&document.text, FixMode::Safe, |t| {
        crate::lint(t, document_kind)
    });
    if applied == 0 {
        return None;
    }
    let change = crate::fix::diff(&document.text, &fixed);
    let text_edit = TextEdit {
        range: convert::range(&document.rope, change.range, encoding),
        new_text: change.new_text,
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("dockwarden: fix all safe findings ({applied})"),
        kind: Some(kind),
        edit: Some(edit(uri, Some(document.version), vec![text_edit])),
        ..CodeAction::default()
    }))
}
