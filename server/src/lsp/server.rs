//! The LSP handlers, one per method, registered in one place: the `LanguageServer` impl below.

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde::Serialize;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeActionResponse, ConfigurationItem, Diagnostic as LspDiagnostic, DiagnosticOptions,
    DiagnosticRelatedInformation, DiagnosticServerCapabilities, DiagnosticSeverity,
    DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileChangeType, FileSystemWatcher,
    FullDocumentDiagnosticReport, GlobPattern, Hover, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, InitializedParams, Location, MessageType, NumberOrString,
    Registration, RelatedFullDocumentDiagnosticReport, ResourceOperationKind, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceDiagnosticParams, WorkspaceDiagnosticReport,
    WorkspaceDiagnosticReportResult,
};
use tower_lsp_server::{Client, LanguageServer};

use super::convert::{self, Encoding};
use super::documents::Document;
use super::framing::Outbox;
use super::{index, workspace_diagnostics};
use crate::engine::config::{Config, ConfigError, Configs};
use crate::engine::disk::DiskFiles;
use crate::engine::workspace::Workspace;
use crate::rules::settings::Settings;
use crate::rules::workspace::{Facts, Summary};
use crate::syntax::Language;
use crate::{FileKind, Severity};

/// What the client and server agreed on at `initialize`.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`); otherwise they are pushed. Never both, or
    /// editors show every finding twice.
    pub pull: bool,
    /// The client applies workspace edits that create files (`resourceOperations` has `create`).
    pub create_files: bool,
    /// The client can be asked to pull diagnostics again (`workspace/diagnostic/refresh`).
    pub refresh: bool,
}

pub struct Backend {
    client: Client,
    /// Where `publishDiagnostics` is written, serialised straight from the findings (see [`Backend::push`]).
    outbox: Outbox,
    session: OnceLock<Session>,
    /// A std mutex on purpose: `did_change` must apply its edits before any `.await` (handlers run
    /// concurrently, so an await before the edit could let a later change overtake it).
    documents: Mutex<HashMap<Uri, Document>>,
    /// The workspace folder: the only place the server reads files from.
    root: OnceLock<Option<PathBuf>>,
    /// What the workspace's Kubernetes files say to the workspace rules.
    workspace: Mutex<Workspace>,
    /// The client can be asked to watch files (`workspace/didChangeWatchedFiles` registration).
    can_watch: OnceLock<bool>,
    /// The client answers `workspace/configuration`.
    can_configure: OnceLock<bool>,
    /// The workspace's `.dockwarden.yaml` files over the editor's settings.
    configs: Mutex<Configs>,
    /// The editor's settings as last received.
    editor: Mutex<Config>,
    /// Config files whose errors are shown, to clear them once mended.
    config_errors: Mutex<BTreeSet<PathBuf>>,
    /// Wakes a waiting `workspace/diagnostic` request when a file or the settings change.
    workspace_changed: tokio::sync::Notify,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Self {
            client,
            outbox,
            session: OnceLock::new(),
            documents: Mutex::new(HashMap::new()),
            root: OnceLock::new(),
            workspace: Mutex::new(Workspace::default()),
            can_watch: OnceLock::new(),
            can_configure: OnceLock::new(),
            configs: Mutex::new(Configs::default()),
            editor: Mutex::new(Config::default()),
            config_errors: Mutex::new(BTreeSet::new()),
            workspace_changed: tokio::sync::Notify::new(),
        }
    }

    fn configs(&self) -> MutexGuard<'_, Configs> {
        self.configs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The settings for the document at `uri`: its `.dockwarden.yaml` over the editor's settings.
    fn settings_for(&self, uri: &Uri) -> Settings {
        let path = index::workspace_path(self.root(), uri);
        self.configs().settings_for(path.as_deref())
    }

    /// Whether the workspace's `ignore-paths` leave the document at `uri` out.
    fn ignored(&self, uri: &Uri) -> bool {
        index::workspace_path(self.root(), uri).is_some_and(|p| self.configs().ignores(&p))
    }

    /// Read the config files again (one changed, or the editor's settings did), give every open document
    /// its settings, lint them again, and show the config files' errors on them.
    async fn reload_settings(&self) {
        let editor = self
            .editor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        self.configs().reset(editor);
        let uris: Vec<Uri> = self.documents().keys().cloned().collect();
        let mut dropped = Vec::new();
        for uri in &uris {
            if self.ignored(uri) {
                dropped.push(uri.clone());
                continue;
            }
            let settings = self.settings_for(uri);
            if let Some(document) = self.documents().get_mut(uri) {
                document.set_settings(settings);
            }
        }
        for uri in dropped {
            self.documents().remove(&uri);
            if !self.session().pull {
                self.push(&uri, &[], None);
            }
        }
        self.publish_config_errors().await;
        self.relint_open().await;
    }

    /// Show each config file's error on it (or clear what was shown). Pushed whatever the diagnostic model:
    /// config files are not documents the client pulls findings for.
    async fn publish_config_errors(&self) {
        let errors: Vec<(PathBuf, LspDiagnostic)> = self
            .configs()
            .errors()
            .map(|(file, e)| (file.path.clone(), config_diagnostic(&file.text, e)))
            .collect();
        let now: BTreeSet<PathBuf> = errors.iter().map(|(p, _)| p.clone()).collect();
        let before = std::mem::replace(
            &mut *self
                .config_errors
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            now.clone(),
        );
        for (path, diagnostic) in errors {
            if let Some(uri) = Uri::from_file_path(&path) {
                self.push(&uri, &[diagnostic], None);
            }
        }
        for path in before.difference(&now) {
            if let Some(uri) = Uri::from_file_path(path) {
                self.push(&uri, &[], None);
            }
        }
    }

    /// Take the editor's settings (logging what does not fit) and apply them.
    async fn set_editor_settings(&self, value: &serde_json::Value) {
        let (config, problems) = Config::from_editor(value);
        for problem in problems {
            self.client
                .log_message(MessageType::WARNING, format!("dockwarden: {problem}"))
                .await;
        }
        *self
            .editor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = config;
        self.reload_settings().await;
    }

    /// Ask the client for the `dockwarden` section of its settings, where it can answer.
    async fn pull_editor_settings(&self) {
        if !self.can_configure.get().copied().unwrap_or(false) {
            return;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("dockwarden".to_owned()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(values) => {
                if let Some(value) = values.into_iter().next().filter(|v| !v.is_null()) {
                    self.set_editor_settings(&value).await;
                }
            }
            Err(e) => tracing::warn!("workspace/configuration failed: {e}"),
        }
    }

    fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.get().and_then(Option::as_deref)
    }

    /// What the workspace's files other than `uri`'s say.
    fn facts_for(&self, uri: &Uri) -> Facts {
        let path = index::workspace_path(self.root(), uri);
        self.workspace().facts_except(path.as_deref())
    }

    /// Record what the open document `uri` now says; `true` when that changes what the workspace says to
    /// other files.
    fn record(&self, uri: &Uri) -> bool {
        let Some(path) = index::workspace_path(self.root(), uri) else {
            return false;
        };
        let summary = self.documents().get(uri).and_then(Document::summary);
        self.set_summary(&path, summary)
    }

    /// Put what `path` says into the index (`None`: nothing); `true` when that changes what the workspace
    /// says to other files (a default-deny policy, a ServiceAccount without a token).
    fn set_summary(&self, path: &Path, summary: Option<Summary>) -> bool {
        let mut workspace = self.workspace();
        let before = workspace.facts();
        match summary {
            Some(summary) => workspace.set(path, summary),
            None => workspace.remove(path),
        }
        workspace.facts() != before
    }

    /// Lint every open document again against the workspace (its text unchanged), and tell the client.
    async fn relint_open(&self) {
        self.workspace_changed.notify_waiters();
        let uris: Vec<Uri> = self.documents().keys().cloned().collect();
        for uri in &uris {
            let facts = self.facts_for(uri);
            if let Some(document) = self.documents().get_mut(uri) {
                document.relint(&facts);
            }
        }
        if self.session().pull {
            if self.session().refresh {
                let _ = self.client.workspace_diagnostic_refresh().await;
            }
        } else {
            for uri in uris {
                self.publish(uri).await;
            }
        }
    }

    pub fn session(&self) -> Session {
        self.session.get().copied().unwrap_or(Session {
            encoding: Encoding::Utf16,
            pull: false,
            create_files: false,
            refresh: false,
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
        let lines = document.lines();
        let items = document
            .diagnostics
            .iter()
            .map(|d| to_lsp(uri, &lines, d, encoding))
            .collect();
        Some((document.version, items))
    }

    async fn publish(&self, uri: Uri) {
        if self.session().pull {
            return;
        }
        if let Some((version, items)) = self.lsp_diagnostics(&uri) {
            self.push(&uri, &items, Some(version));
        }
    }

    /// `textDocument/publishDiagnostics`, written by this task to the client's stream: the library's client
    /// would build a JSON tree of the findings, write it to the transport, which reads it back to frame it.
    fn push(&self, uri: &Uri, diagnostics: &[LspDiagnostic], version: Option<i32>) {
        #[derive(Serialize)]
        struct Params<'a> {
            uri: &'a Uri,
            diagnostics: &'a [LspDiagnostic],
            #[serde(skip_serializing_if = "Option::is_none")]
            version: Option<i32>,
        }
        self.outbox.notify(
            "textDocument/publishDiagnostics",
            &Params {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// The client holds findings that are not this document's current ones (an action was asked for one
    /// that no longer exists): send the current ones again, or ask a pulling client to pull.
    pub async fn refresh(&self, uri: Uri) {
        if !self.session().pull {
            self.publish(uri).await;
        } else if self.session().refresh {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
    }
}

/// Whether `uri` names a `.dockwarden.yaml`.
fn is_config_uri(uri: &Uri) -> bool {
    let path = uri.path().as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::engine::config::FILE_NAMES.contains(&name)
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
    let dockerfile = plain_text && crate::model::detect::kind_from_content(text).is_some();
    dockerfile.then_some((Language::Dockerfile, Some(FileKind::Dockerfile)))
}

/// A config file's error as a protocol diagnostic (its text is read here, not kept as a document).
fn config_diagnostic(text: &str, error: &ConfigError) -> LspDiagnostic {
    let lines = crate::document::LineIndex::new(text);
    let start = error.offset.min(text.len());
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i)
        .max(start);
    LspDiagnostic {
        range: convert::range(&lines, crate::TextRange::new(start, end), Encoding::Utf16),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("dockwarden".to_owned()),
        message: format!("invalid configuration: {}", error.message),
        ..LspDiagnostic::default()
    }
}

/// A finding in protocol form. Its fixes stay on the server, with the findings of the document's current
/// version: an action request finds them again by range, rule and message (see `actions.rs`), so the
/// diagnostics a keystroke pushes carry no fix (that was half of every push).
pub fn to_lsp(
    uri: &Uri,
    lines: &crate::document::LineIndex,
    d: &crate::Diagnostic,
    encoding: Encoding,
) -> LspDiagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
    };
    let related = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range: convert::range(lines, r.range, encoding),
            },
            message: r.message.clone(),
        })
        .collect::<Vec<_>>();
    LspDiagnostic {
        range: convert::range(lines, d.range, encoding),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.name().to_owned())),
        source: Some("dockwarden".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
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
                        workspace.remove(&path);
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
            let summary = if event.typ == FileChangeType::DELETED {
                None
            } else {
                index::summarize_file(&path)
            };
            changed |= self.set_summary(&path, summary);
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
        }
        let changed = self.record(&uri);
        self.publish(uri).await;
        if changed {
            self.relint_open().await;
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.workspace_changed.notify_waiters();
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
            if self.set_summary(&path, index::summarize_file(&path)) {
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

/// A file other files' findings depend on by its name: a file of a Compose stack (`compose.yaml`,
/// `docker-compose.override.yml`, `compose.prod.yaml`), or a kustomization (which makes its patches).
fn read_by_neighbours(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let yaml = crate::document::is_yaml_name(path);
    name == "Kustomization"
        || yaml
            && ["compose.", "docker-compose.", "kustomization."]
                .iter()
                .any(|p| name.starts_with(p))
}
