//! Code actions: quick fixes straight from the fixes computed with each finding (kept on the server for the
//! document's current version), and
//! `source.fixAll.dockwarden`, which applies safe fixes to a fixed point.

use std::collections::HashMap;

use crate::document::{LineIndex, shift};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    CreateFile, CreateFileOptions, Diagnostic, DocumentChangeOperation, DocumentChanges,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Range, ResourceOp,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::backend::Backend;
use super::{convert, index};
use crate::edit::fix::{Change, FileChange, Fix};
use crate::engine::fix_all::{FixMode, fix_all};
use crate::rules::RuleId;

pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.dockwarden")
}

/// The actions for `params`, and whether the client holds findings that are not the document's current ones
/// (nothing it sent matched: it should get the current findings again).
pub fn code_actions(backend: &Backend, params: CodeActionParams) -> (CodeActionResponse, bool) {
    let uri = params.text_document.uri;
    let only = params.context.only.as_deref();
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| kinds.iter().any(|k| kind.as_str().starts_with(k.as_str())))
    };
    let mut actions = Vec::new();
    let mut stale = false;
    if wants(&CodeActionKind::QUICKFIX) {
        let sent: Vec<Diagnostic> = params
            .context
            .diagnostics
            .into_iter()
            .filter(|d| d.source.as_deref() == Some("dockwarden"))
            .collect();
        let found = findings(backend, &uri, &sent);
        stale = !sent.is_empty() && found.is_empty();
        for (diagnostic, version, finding) in found {
            for fix in &finding.fixes {
                let Some((fix, edit)) = workspace_edit(backend, &uri, version, fix) else {
                    continue;
                };
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit),
                    is_preferred: Some(fix.preferred),
                    ..CodeAction::default()
                }));
            }
            actions.extend(ignore_action(backend, &uri, version, &diagnostic));
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
    (actions, stale)
}

/// The findings of the document's current version the client's diagnostics stand for, each with that
/// version: the same rule, message and range. The fixes are the ones computed with the findings, never
/// recomputed here; a diagnostic of an older version matches nothing.
fn findings(
    backend: &Backend,
    uri: &Uri,
    sent: &[Diagnostic],
) -> Vec<(Diagnostic, i32, crate::rules::diagnostic::Diagnostic)> {
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let Some(document) = documents.get(uri) else {
        return Vec::new();
    };
    let lines = document.lines();
    sent.iter()
        .filter_map(|d| {
            let Some(NumberOrString::String(code)) = &d.code else {
                return None;
            };
            let (start, finding) = document.diagnostics.located().find(|(start, f)| {
                f.rule.name() == code
                    && f.message == d.message
                    && convert::range(&lines, f.range.shifted(shift(*start)), encoding) == d.range
            })?;
            Some((
                d.clone(),
                document.version,
                finding.clone().shifted(shift(start)),
            ))
        })
        .collect()
}

/// "Ignore <rule> here": a `# dockwarden-ignore:` comment above the finding's instruction or YAML key,
/// placed from the document's current text (the version the finding was computed for). Not offered for the
/// findings about suppression comments themselves, nor for `skipped-file`, which is about the whole file
/// (turn it off in `.dockwarden.yaml`, or leave the path out with `ignore-paths`).
fn ignore_action(
    backend: &Backend,
    uri: &Uri,
    version: i32,
    diagnostic: &Diagnostic,
) -> Option<CodeActionOrCommand> {
    let Some(NumberOrString::String(code)) = &diagnostic.code else {
        return None;
    };
    let rule = RuleId::from_name(code).filter(|r| {
        !matches!(
            r,
            RuleId::UnusedSuppression | RuleId::DisallowedSuppression | RuleId::SkippedFile
        )
    })?;
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let document = documents.get(uri).filter(|d| d.version == version)?;
    let kind = document.kind?;
    let offset = convert::offset(&document.lines(), diagnostic.range.start, encoding);
    let edit = crate::engine::suppress::ignore_edit(&document.text, kind, rule, offset)?;
    let text_edit = TextEdit {
        range: convert::range(&document.lines(), edit.range, encoding),
        new_text: edit.new_text,
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Ignore {rule} here"),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), vec![text_edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(false),
        ..CodeAction::default()
    }))
}

/// Byte-offset edits of document version `version` as protocol edits, if that version is the current one.
fn text_edits(
    backend: &Backend,
    uri: &Uri,
    version: i32,
    edits: &[crate::edit::fix::Edit],
) -> Option<Vec<TextEdit>> {
    let encoding = backend.session().encoding;
    let documents = backend.documents();
    let document = documents.get(uri).filter(|d| d.version == version)?;
    let lines = document.lines();
    let edits = edits
        .iter()
        .map(|e| TextEdit {
            range: convert::range(&lines, e.range, encoding),
            new_text: e.new_text.clone(),
        })
        .collect();
    Some(edits)
}

/// The edit of one fix, with the fix it is (itself, or its fallback when the other files it changes cannot
/// be: the document is not in the workspace, or a file must be created and the client cannot).
fn workspace_edit<'a>(
    backend: &Backend,
    uri: &Uri,
    version: i32,
    fix: &'a Fix,
) -> Option<(&'a Fix, WorkspaceEdit)> {
    let edits = text_edits(backend, uri, version, &fix.edits)?;
    let mut changes = Vec::new();
    if !edits.is_empty() {
        changes.push(DocumentChangeOperation::Edit(document_edit(
            uri,
            Some(version),
            edits,
        )));
    }
    for change in &fix.files {
        match other_file(backend, uri, change) {
            Some(operations) => changes.extend(operations),
            None => {
                let fallback = fix.fallback.as_deref()?;
                return workspace_edit(backend, uri, version, fallback);
            }
        }
    }
    Some((fix, edit(changes)))
}

/// The operations that make `change` to a file beside `uri` inside the workspace: edits of its text as
/// open or on disk (for an append, at its end), or creating it when it does not exist. `None` when that
/// cannot be done: outside the workspace, a file to create and a client that cannot, or a file that changed
/// since the rule read it.
fn other_file(
    backend: &Backend,
    uri: &Uri,
    change: &FileChange,
) -> Option<Vec<DocumentChangeOperation>> {
    let session = backend.session();
    let root = backend.root()?;
    let document = index::workspace_path(Some(root), uri)?;
    // Canonical and inside the workspace; a link inside it is edited at the file it points to.
    let (target, new) =
        crate::engine::disk::write_target(root, &change.target(document.parent()?)?).ok()?;
    let target_uri = Uri::from_file_path(&target)?;
    let existing = match backend.documents().get(&target_uri) {
        Some(open) => Some((open.text.clone(), Some(open.version))),
        None if new => None,
        // A file that is there but cannot be read is not replaced.
        None => Some((
            crate::engine::disk::read_text(&target, crate::rules::settings::DEFAULT_MAX_FILE_SIZE)?,
            None,
        )),
    };
    let Some((text, version)) = existing else {
        if !session.create_files {
            return None;
        }
        return Some(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: target_uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(document_edit(
                &target_uri,
                None,
                vec![TextEdit {
                    range: Range::default(),
                    new_text: change.apply(None)?,
                }],
            )),
        ]);
    };
    let lines = LineIndex::new(&text);
    let edits = match &change.change {
        Change::Append { .. } => {
            let end = convert::position(&lines, text.len(), session.encoding);
            vec![TextEdit {
                range: Range::new(end, end),
                new_text: change.apply(Some(&text))?.split_off(text.len()),
            }]
        }
        Change::Edit { edits, .. } => {
            // Checks the text is the one the rule read.
            change.apply(Some(&text))?;
            edits
                .iter()
                .map(|e| TextEdit {
                    range: convert::range(&lines, e.range, session.encoding),
                    new_text: e.new_text.clone(),
                })
                .collect()
        }
    };
    Some(vec![DocumentChangeOperation::Edit(document_edit(
        &target_uri,
        version,
        edits,
    ))])
}

fn document_edit(uri: &Uri, version: Option<i32>, edits: Vec<TextEdit>) -> TextDocumentEdit {
    TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier {
            uri: uri.clone(),
            version,
        },
        edits: edits.into_iter().map(OneOf::Left).collect(),
    }
}

/// Document edits alone where they suffice: a client that cannot create files may not read operations.
fn edit(changes: Vec<DocumentChangeOperation>) -> WorkspaceEdit {
    let creates = changes
        .iter()
        .any(|c| matches!(c, DocumentChangeOperation::Op(_)));
    let document_changes = if creates {
        DocumentChanges::Operations(changes)
    } else {
        DocumentChanges::Edits(
            changes
                .into_iter()
                .filter_map(|c| match c {
                    DocumentChangeOperation::Edit(e) => Some(e),
                    DocumentChangeOperation::Op(_) => None,
                })
                .collect(),
        )
    };
    WorkspaceEdit {
        document_changes: Some(document_changes),
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
    // Other files are not touched here: a fix-all pass edits the document it was asked for.
    let relint = document.relinter(document_kind);
    let fixed = fix_all(&document.text, FixMode::Safe, |t| {
        relint(t)
            .into_iter()
            .map(crate::rules::diagnostic::Diagnostic::in_this_file)
            .collect()
    });
    let applied = fixed.applied;
    if applied == 0 {
        return None;
    }
    let change = crate::edit::fix::diff(&document.text, &fixed.text);
    let text_edit = TextEdit {
        range: convert::range(&document.lines(), change.range, encoding),
        new_text: change.new_text,
    };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("dockwarden: fix all safe findings ({applied})"),
        kind: Some(kind),
        edit: Some(edit(vec![DocumentChangeOperation::Edit(document_edit(
            uri,
            Some(document.version),
            vec![text_edit],
        ))])),
        ..CodeAction::default()
    }))
}
