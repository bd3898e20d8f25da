//! The LSP handlers, one per method, registered in one place: the `LanguageServer` impl below.

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, DiagnosticOptions, DiagnosticServerCapabilities,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileChangeType, FileSystemWatcher,
    FullDocumentDiagnosticReport, GlobPattern, Hover, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, InitializedParams, Registration,
    RelatedFullDocumentDiagnosticReport, ResourceOperationKind, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceDiagnosticParams, WorkspaceDiagnosticReport,
    WorkspaceDiagnosticReportResult,
};

use super::backend::{Backend, Session, document_language, is_config_uri, read_by_neighbours};
use super::convert::Encoding;
use super::documents::Document;
use super::{index, workspace_diagnostics};
use crate::engine::config::{Config, Configs};
use crate::engine::disk::DiskFiles;

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let general = params.capabilities.general.as_ref();
        let encoding = Encoding::negotiate(general.and_then(|g| g.position_encodings.as_deref()));
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let create_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .is_some_and(|e| {
                e.document_changes == Some(true)
                    && e.resource_operations
                        .as_ref()
                        .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create))
            });
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let _ = self.session.set(Session {
            encoding,
            pull,
            create_files,
            refresh,
        });
        let can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        let _ = self.can_watch.set(can_watch);
        let can_configure = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        let _ = self.can_configure.set(can_configure);
        #[allow(
            deprecated,
            reason = "clients that send no workspace folders still send rootUri"
        )]
        let root_uri = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone());
        let root = root_uri
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
            .and_then(|p| p.canonicalize().ok());
        let (editor, problems) = Config::from_editor(
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&serde_json::Value::Null),
        );
        for problem in problems {
            tracing::warn!("{problem}");
        }
        *self.configs() = Configs::new(root.clone(), editor.clone());
        *self
            .editor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = editor;
        let _ = self.root.set(root);
        let diagnostic_provider = pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("dockwarden".to_owned()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
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

    async fn initialized(&self, _: InitializedParams) {
        if let Some(root) = self.root().map(Path::to_path_buf) {
            let started = std::time::Instant::now();
            let built = tokio::task::spawn_blocking(move || index::build(&root)).await;
            if let Ok(mut workspace) = built {
                // Open documents speak for themselves: their text may differ from the disk.
                let open: Vec<Uri> = self.documents().keys().cloned().collect();
                for uri in &open {
                    if let Some(path) = index::workspace_path(self.root(), uri) {
                        workspace.set(&path, None);
                    }
                }
                tracing::info!(files = workspace.len(), elapsed = ?started.elapsed(), "workspace indexed");
                *self.workspace() = workspace;
                for uri in &open {
                    self.record(uri);
                }
                self.relint_open().await;
            }
        }
        if self.can_watch.get().copied().unwrap_or(false) {
            let options = DidChangeWatchedFilesRegistrationOptions {
                // YAML for the workspace index; the files open documents read around them (ignore files,
                // a Compose service's Dockerfile, env files, a kustomization without extension) for a new lint.
                watchers: [
                    "**/*.{yml,yaml}",
                    "**/{.dockerignore,*.dockerignore,.gitignore,Kustomization}",
                    "**/{Dockerfile,*.Dockerfile,Dockerfile.*,Containerfile}",
                    "**/.env*",
                    "**/.dockwarden.{yaml,yml}",
                ]
                .into_iter()
                .map(|glob| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(glob.to_owned()),
                    kind: None,
                })
                .collect(),
            };
            let registration = Registration {
                id: "dockwarden-yaml".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                tracing::warn!("cannot watch files: {e}");
            }
        }
        self.pull_editor_settings().await;
        self.publish_config_errors().await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // Clients of the pull model send `null` and expect to be asked.
        if params.settings.is_null() {
            self.pull_editor_settings().await;
        } else {
            self.set_editor_settings(&params.settings).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.files_changed();
        let mut changed = false;
        let config_changed = params.changes.iter().any(|e| is_config_uri(&e.uri));
        for event in params.changes {
            if is_config_uri(&event.uri) {
                continue;
            }
            if self.documents().contains_key(&event.uri) {
                continue;
            }
            let Some(path) = index::workspace_path(self.root(), &event.uri).or_else(|| {
                // A deleted file cannot be canonicalised: accept it when its plain path is inside the root.
                let path = event.uri.to_file_path()?.into_owned();
                self.root().filter(|r| path.starts_with(r)).map(|_| path)
            }) else {
                continue;
            };
            // A file open documents read around them (a Dockerfile, `.env`, another file of a Compose
            // stack, a kustomization): lint them again.
            if !crate::document::is_yaml_name(&path) || read_by_neighbours(&path) {
                changed = true;
                continue;
            }
            let facts = if event.typ == FileChangeType::DELETED {
                None
            } else {
                index::facts_of_file(&path)
            };
            changed |= self.workspace().set(&path, facts);
        }
        // Files on disk changed: a held workspace report may have news.
        self.workspace_changed.notify_waiters();
        if config_changed {
            self.reload_settings().await;
        } else if changed {
            self.relint_open().await;
        }
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
        if self.ignored(&doc.uri) {
            tracing::debug!(uri = doc.uri.as_str(), "left out by ignore-paths");
            return;
        }
        let facts = self.facts_for(&doc.uri);
        let path = doc.uri.to_file_path().map(std::borrow::Cow::into_owned);
        let skips = crate::engine::lint::skips(path.as_deref(), true);
        let files = index::workspace_path(self.root(), &doc.uri)
            .zip(self.root())
            .and_then(|(path, root)| DiskFiles::beside(&path, root));
        let settings = self.settings_for(&doc.uri);
        let document = Document::open(
            doc.text,
            doc.version,
            (language, name_kind),
            &facts,
            files,
            settings,
            skips,
        );
        self.documents().insert(doc.uri.clone(), document);
        let changed = self.record(&doc.uri);
        self.publish(doc.uri).await;
        if changed {
            self.relint_open().await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        {
            let encoding = self.session().encoding;
            let facts = self.facts_for(&uri);
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
            document.apply(version, params.content_changes, encoding, &facts);
            if let Some(cold) = self
                .note_edit(&uri)
                .and_then(|cold| documents.get_mut(&cold))
            {
                cold.cool();
            }
        }
        let changed = self.record(&uri);
        self.publish(uri).await;
        if changed {
            self.relint_open().await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.workspace_changed.notify_waiters();
        // (the saved file may be one its neighbours read)
        self.files_changed();
        // A saved config applies at once, also in clients that watch no files.
        if is_config_uri(&params.text_document.uri) {
            self.reload_settings().await;
        } else if params
            .text_document
            .uri
            .to_file_path()
            .is_some_and(|p| read_by_neighbours(&p))
        {
            // The other files of its Compose stack, or its patches, read it from disk: lint them again.
            self.relint_open().await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.documents().remove(&uri).is_some();
        // Closed, the file is part of the workspace report again.
        self.workspace_changed.notify_waiters();
        if removed && !self.session().pull {
            self.push(&uri, &[], None);
        }
        // Closed, the file on disk speaks for it again.
        if let Some(path) = index::workspace_path(self.root(), &uri) {
            if self.workspace().set(&path, index::facts_of_file(&path)) {
                self.relint_open().await;
            }
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

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let Some(root) = self.root().map(Path::to_path_buf) else {
            return Ok(WorkspaceDiagnosticReport { items: Vec::new() }.into());
        };
        let previous: HashMap<Uri, String> = params
            .previous_result_ids
            .into_iter()
            .map(|p| (p.uri, p.value))
            .collect();
        // A client that already holds every report asks again at once: answer when something has changed
        // (listening starts before the report is made, so no change falls between the two).
        let items = loop {
            let changed = self.workspace_changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let open = self
                .documents()
                .keys()
                .filter_map(|uri| index::workspace_path(Some(&root), uri))
                .collect();
            let snapshot = workspace_diagnostics::Snapshot {
                root: root.clone(),
                open,
                encoding: self.session().encoding,
                previous: previous.clone(),
            };
            let mut configs = self.configs().clone();
            let workspace = self.workspace().clone();
            let items = tokio::task::spawn_blocking(move || {
                workspace_diagnostics::report(&snapshot, &mut configs, &workspace)
            })
            .await
            .unwrap_or_default();
            if previous.is_empty() || workspace_diagnostics::news(&items, &previous) {
                break items;
            }
            changed.await;
        };
        Ok(WorkspaceDiagnosticReport { items }.into())
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let (actions, stale) = super::actions::code_actions(self, params);
        if stale {
            self.refresh(uri).await;
        }
        Ok(Some(actions))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(super::hover::hover(self, params))
    }
}
