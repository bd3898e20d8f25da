//! The LSP handlers, one per method, registered in one place: the `LanguageServer` impl below.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde::{Deserialize, Serialize};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, Diagnostic as LspDiagnostic, DiagnosticOptions,
    DiagnosticRelatedInformation, DiagnosticServerCapabilities, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, DocumentDiagnosticParams, DocumentDiagnosticReport,
    DocumentDiagnosticReportResult, FullDocumentDiagnosticReport, Hover, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, Location, NumberOrString,
    RelatedFullDocumentDiagnosticReport, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};
use tower_lsp_server::{Client, LanguageServer};

use super::convert::{self, Encoding};
use super::documents::Document;
use crate::fix::Applicability;
use crate::syntax::Language;
use crate::{FileKind, Severity};

/// What the client and server agreed on at `initialize`.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`); otherwise they are pushed. Never both, or
    /// editors show every finding twice.
    pub pull: bool,
}

pub struct Backend {
    client: Client,
    session: OnceLock<Session>,
    /// A std mutex on purpose: `did_change` must apply its edits before any `.await` (handlers run
    /// concurrently, so an await before the edit could let a later change overtake it).
    documents: Mutex<HashMap<Uri, Document>>,
}

/// A fix as shipped in `Diagnostic.data`. Edits are byte offsets into the document version the fix was
/// computed for: compact (a manifest with hundreds of findings re-sends all of them on every keystroke), and
/// converted to protocol positions only when an action is asked for — and only if the version still matches.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    pub safe: bool,
    pub preferred: bool,
    pub edits: Vec<(usize, usize, String)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub version: i32,
    pub fixes: Vec<FixData>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            session: OnceLock::new(),
            documents: Mutex::new(HashMap::new()),
        }
    }

    pub fn session(&self) -> Session {
        self.session.get().copied().unwrap_or(Session {
            encoding: Encoding::Utf16,
            pull: false,
        })
    }

    pub fn documents(&self) -> MutexGuard<'_, HashMap<Uri, Document>> {
        // A poisoned lock only means a handler panicked mid-update; the map itself is still usable.
        self.documents
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The findings of `uri` in protocol form, with the document's version.
    pub fn lsp_diagnostics(&self, uri: &Uri) -> Option<(i32, Vec<LspDiagnostic>)> {
        let encoding = self.session().encoding;
        let documents = self.documents();
        let document = documents.get(uri)?;
        let items = document
            .diagnostics
            .iter()
            .map(|d| to_lsp(uri, document, d, encoding))
            .collect();
        Some((document.version, items))
    }

    async fn publish(&self, uri: Uri) {
        if self.session().pull {
            return;
        }
        if let Some((version, items)) = self.lsp_diagnostics(&uri) {
            self.client
                .publish_diagnostics(uri, items, Some(version))
                .await;
        }
    }
}

/// Which documents the server reads, and with which grammar: Dockerfiles by language id, name or content;
/// YAML (Compose files, manifests) by language id or name. Whether a YAML document is one of ours is decided
/// from its content on every change. Others are ignored quietly.
fn document_language(
    uri: &Uri,
    language_id: &str,
    text: &str,
) -> Option<(Language, Option<FileKind>)> {
    let path = uri.path().as_str();
    let name = std::path::Path::new(path.rsplit('/').next().unwrap_or(path));
    let name_kind = crate::document::kind_from_name(name);
    let id = language_id.to_ascii_lowercase();
    if id == "dockerfile" || id == "containerfile" || name_kind == Some(FileKind::Dockerfile) {
        return Some((Language::Dockerfile, Some(FileKind::Dockerfile)));
    }
    let yaml_id = matches!(
        id.as_str(),
        "yaml" | "dockercompose" | "yaml.docker-compose"
    );
    if yaml_id || name_kind.is_some() || crate::document::is_yaml_name(name) {
        return Some((Language::Yaml, name_kind));
    }
    let plain_text = matches!(id.as_str(), "" | "plaintext");
    let dockerfile = plain_text && crate::document::kind_from_content(text).is_some();
    dockerfile.then_some((Language::Dockerfile, Some(FileKind::Dockerfile)))
}

pub fn to_lsp(
    uri: &Uri,
    document: &Document,
    d: &crate::Diagnostic,
    encoding: Encoding,
) -> LspDiagnostic {
    let rope = &document.rope;
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
    };
    let fixes = d
        .fixes
        .iter()
        .map(|f| FixData {
            title: f.title.clone(),
            safe: f.applicability == Applicability::Safe,
            preferred: f.preferred,
            edits: f
                .edits
                .iter()
                .map(|e| (e.range.start, e.range.end, e.new_text.clone()))
                .collect(),
        })
        .collect();
    let related = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: convert::range(rope, r.range, encoding),
            },
            message: r.message.clone(),
        })
        .collect::<Vec<_>>();
    LspDiagnostic {
        range: convert::range(rope, d.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.name().to_owned())),
        source: Some("dockwarden".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        data: serde_json::to_value(DiagnosticData {
            version: document.version,
            fixes,
        })
        .ok(),
        ..LspDiagnostic::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let general = params.capabilities.general.as_ref();
        let encoding = Encoding::negotiate(general.and_then(|g| g.position_encodings.as_deref()));
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let _ = self.session.set(Session { encoding, pull });
        let diagnostic_provider = pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("dockwarden".to_owned()),
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            super::actions::fix_all_kind(),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                diagnostic_provider,
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "dockwarden".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let Some((language, name_kind)) = document_language(&doc.uri, &doc.language_id, &doc.text)
        else {
            tracing::debug!(uri = doc.uri.as_str(), "not a file dockwarden reads");
            return;
        };
        let document = Document::open(doc.text, doc.version, language, name_kind);
        self.documents().insert(doc.uri.clone(), document);
        self.publish(doc.uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        {
            let encoding = self.session().encoding;
            let mut documents = self.documents();
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            if version <= document.version {
                tracing::warn!(
                    version,
                    current = document.version,
                    "ignoring an out-of-order change"
                );
                return;
            }
            document.apply(version, params.content_changes, encoding);
        }
        self.publish(uri).await;
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.documents().remove(&uri).is_some();
        if removed && !self.session().pull {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let items = self
            .lsp_diagnostics(&params.text_document.uri)
            .map(|(_, items)| items)
            .unwrap_or_default();
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items,
                },
            }),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(super::actions::code_actions(self, params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(super::hover::hover(self, params))
    }
}
