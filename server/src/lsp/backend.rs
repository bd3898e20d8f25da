//! The server's state: the session agreed at `initialize`, the open documents, the workspace index, the
//! configs; and what the handlers share (publishing, settings per document, which documents are read).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};

use serde::Serialize;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    ConfigurationItem, Diagnostic as LspDiagnostic, MessageType, Uri,
};

use super::convert::Encoding;
use super::convert::config_diagnostic;
use super::documents::Document;
use super::framing::Outbox;
use super::index;
use crate::document::FileKind;
use crate::engine::config::{Config, Configs};
use crate::engine::workspace::Workspace;
use crate::rules::settings::Settings;
use crate::rules::workspace::Facts;
use crate::syntax::Language;

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

/// How many documents keep their trees: those being typed in, not the hundreds a workspace may have open.
const HOT_DOCUMENTS: usize = 8;

pub struct Backend {
    pub(super) client: Client,
    /// Where `publishDiagnostics` is written, serialised straight from the findings (see [`Backend::push`]).
    pub(super) outbox: Outbox,
    pub(super) session: OnceLock<Session>,
    /// A std mutex on purpose: `did_change` must apply its edits before any `.await` (handlers run
    /// concurrently, so an await before the edit could let a later change overtake it).
    pub(super) documents: Mutex<HashMap<Uri, Document>>,
    /// The documents edited last, latest first: only these keep their trees (see [`Document::cool`]).
    pub(super) edited: Mutex<VecDeque<Uri>>,
    /// The workspace folder: the only place the server reads files from.
    pub(super) root: OnceLock<Option<PathBuf>>,
    /// What the workspace's Kubernetes files say to the workspace rules.
    pub(super) workspace: Mutex<Workspace>,
    /// The client can be asked to watch files (`workspace/didChangeWatchedFiles` registration).
    pub(super) can_watch: OnceLock<bool>,
    /// The client answers `workspace/configuration`.
    pub(super) can_configure: OnceLock<bool>,
    /// The workspace's `.dockwarden.yaml` files over the editor's settings.
    pub(super) configs: Mutex<Configs>,
    /// The editor's settings as last received.
    pub(super) editor: Mutex<Config>,
    /// Config files whose errors are shown, to clear them once mended.
    pub(super) config_errors: Mutex<BTreeSet<PathBuf>>,
    /// Wakes a waiting `workspace/diagnostic` request when a file or the settings change.
    pub(super) workspace_changed: tokio::sync::Notify,
    /// Each document's path in the workspace, found once (a canonical path costs a system call per
    /// component) until files change.
    paths: Mutex<HashMap<Uri, Option<PathBuf>>>,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Self {
            client,
            outbox,
            session: OnceLock::new(),
            documents: Mutex::new(HashMap::new()),
            edited: Mutex::new(VecDeque::new()),
            root: OnceLock::new(),
            workspace: Mutex::new(Workspace::default()),
            can_watch: OnceLock::new(),
            can_configure: OnceLock::new(),
            configs: Mutex::new(Configs::default()),
            editor: Mutex::new(Config::default()),
            config_errors: Mutex::new(BTreeSet::new()),
            workspace_changed: tokio::sync::Notify::new(),
            paths: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn configs(&self) -> MutexGuard<'_, Configs> {
        self.configs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The settings for the document at `uri`: its `.dockwarden.yaml` over the editor's settings.
    pub(super) fn settings_for(&self, uri: &Uri) -> Settings {
        let path = self.path_of(uri);
        self.configs().settings_for(path.as_deref())
    }

    /// Whether the workspace's `ignore-paths` leave the document at `uri` out.
    pub(super) fn ignored(&self, uri: &Uri) -> bool {
        self.path_of(uri)
            .is_some_and(|p| self.configs().ignores(&p))
    }

    /// Read the config files again (one changed, or the editor's settings did), give every open document
    /// its settings, lint them again, and show the config files' errors on them.
    pub(super) async fn reload_settings(&self) {
        let editor = self
            .editor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        self.configs().reset(editor);
        self.files_changed();
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
    pub(super) async fn publish_config_errors(&self) {
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
    pub(super) async fn set_editor_settings(&self, value: &serde_json::Value) {
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
    pub(super) async fn pull_editor_settings(&self) {
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

    pub(super) fn workspace(&self) -> MutexGuard<'_, Workspace> {
        self.workspace
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn root(&self) -> Option<&Path> {
        self.root.get().and_then(Option::as_deref)
    }

    /// What the workspace's files other than `uri`'s say.
    pub(super) fn facts_for(&self, uri: &Uri) -> Facts {
        let path = self.path_of(uri);
        self.workspace().facts_except(path.as_deref())
    }

    /// Record what the open document `uri` now says; `true` when that changes what the workspace says to
    /// other files (a default-deny policy, a ServiceAccount without a token).
    pub(super) fn record(&self, uri: &Uri) -> bool {
        let Some(path) = self.path_of(uri) else {
            return false;
        };
        let facts = self.documents().get(uri).and_then(Document::facts);
        self.workspace().set(&path, facts)
    }

    /// The path of the document `uri` inside the workspace (see [`index::workspace_path`]).
    pub(super) fn path_of(&self, uri: &Uri) -> Option<PathBuf> {
        let mut paths = self
            .paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(path) = paths.get(uri) {
            return path.clone();
        }
        let path = index::workspace_path(self.root(), uri);
        if paths.len() >= 4096 {
            paths.clear();
        }
        paths.insert(uri.clone(), path.clone());
        path
    }

    /// Files on disk changed (watched files, a save, new settings): every open document reads the files
    /// beside it again at its next lint.
    pub(super) fn files_changed(&self) {
        self.paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        for document in self.documents().values() {
            document.files_changed();
        }
    }

    /// Lint every open document again against the workspace (its text unchanged), and tell the client.
    pub(super) async fn relint_open(&self) {
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

    /// Note that `uri` was just edited; returns the document that has not been edited for longest, when more
    /// than [`HOT_DOCUMENTS`] have been, to drop its trees.
    pub(super) fn note_edit(&self, uri: &Uri) -> Option<Uri> {
        let mut edited = self
            .edited
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        edited.retain(|u| u != uri);
        edited.push_front(uri.clone());
        (edited.len() > HOT_DOCUMENTS)
            .then(|| edited.pop_back())
            .flatten()
    }

    /// The findings of `uri` in protocol form, with the document's version.
    pub fn lsp_diagnostics(&self, uri: &Uri) -> Option<(i32, Vec<LspDiagnostic>)> {
        let encoding = self.session().encoding;
        let mut documents = self.documents();
        let document = documents.get_mut(uri)?;
        Some((
            document.version,
            document.rendered(encoding, uri).diagnostics(uri),
        ))
    }

    /// Push the findings of `uri` (unless the client pulls them), serialised from their rendering while
    /// the documents are locked, written after.
    pub(super) async fn publish(&self, uri: Uri) {
        if self.session().pull {
            return;
        }
        let encoding = self.session().encoding;
        let body = {
            let mut documents = self.documents();
            let Some(document) = documents.get_mut(&uri) else {
                return;
            };
            let version = Some(document.version);
            document.rendered(encoding, &uri).publish(&uri, version)
        };
        self.outbox.send(&body);
    }

    /// `textDocument/publishDiagnostics`, written by this task to the client's stream: the library's client
    /// would build a JSON tree of the findings, write it to the transport, which reads it back to frame it.
    pub(super) fn push(&self, uri: &Uri, diagnostics: &[LspDiagnostic], version: Option<i32>) {
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
pub(super) fn is_config_uri(uri: &Uri) -> bool {
    let path = uri.path().as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::engine::config::FILE_NAMES.contains(&name)
}

/// Which documents the server reads, and with which grammar: Dockerfiles by language id, name or content;
/// YAML (Compose files, manifests) by language id or name. Whether a YAML document is one of ours is decided
/// from its content on every change. Others are ignored quietly.
pub(super) fn document_language(
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

/// A file other files' findings depend on by its name: a file of a Compose stack (`compose.yaml`,
/// `docker-compose.override.yml`, `compose.prod.yaml`), or a kustomization (which makes its patches).
pub(super) fn read_by_neighbours(path: &Path) -> bool {
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
