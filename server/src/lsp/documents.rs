//! Open documents: the text with where its lines start (for positions), the parsed state (a Dockerfile's
//! tree, a YAML stream of documents, each with its tree while it is edited), and the findings of the
//! current version.

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert::{self, Encoding};
use super::rendered::Rendered;
use crate::document::{FileKind, TextRange};
use crate::document::{LineIndex, LineStarts, Skip};
use crate::engine::disk::DiskFiles;
use crate::engine::file_cache::CachedFiles;
use crate::engine::findings::Findings;
use crate::engine::kept_dockerfile::KeptDockerfile;
use crate::engine::surroundings::Surroundings;
use crate::engine::yaml_stream::{Mode, YamlStream};
use crate::rules::NoFiles;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::settings::Settings;
use crate::rules::workspace::Facts;
use crate::syntax::Language;
use crate::syntax::kept_tree::KeptTree;

/// What is kept of a document between changes so the next parse and lint are incremental.
enum Parsed {
    /// Its tree while it is edited, and what is kept of its last lint.
    Dockerfile(KeptTree, KeptDockerfile),
    Yaml(YamlStream),
}

pub struct Document {
    pub text: String,
    /// Where the lines of `text` start, followed through every edit.
    line_starts: LineStarts,
    pub version: i32,
    /// What the document's name says it is (Compose files are named; manifests are not).
    name_kind: Option<FileKind>,
    /// What it is now: YAML becomes a manifest, or stops being one, as it is typed.
    pub kind: Option<FileKind>,
    parsed: Parsed,
    pub diagnostics: Findings,
    /// The findings in protocol form, as last sent.
    rendered: Rendered,
    /// The files beside the document inside the workspace (a Compose service's Dockerfile), read once
    /// until they change.
    files: Option<CachedFiles>,
    /// What its `.dockwarden.yaml` and the editor's settings say.
    settings: Settings,
    /// Why it is not linted in full, as its path says (a Helm chart's template).
    skips: Vec<Skip>,
    /// Edited lately: a Dockerfile keeps its tree to parse the next edit incrementally. An opened document
    /// keeps none until it is edited, and one the server has not seen edited for a while drops it
    /// ([`Document::cool`]): trees were three quarters of the memory of a thousand open documents.
    hot: bool,
}

impl Document {
    /// The linter a fix-all pass over this document re-runs: with its settings (a rule its config turns
    /// off is not fixed either) and its skips, alone (the pass edits this document only).
    pub fn relinter(&self, kind: FileKind) -> impl Fn(&str) -> Vec<Diagnostic> + '_ {
        crate::engine::lint::relinter(
            kind,
            Surroundings {
                settings: &self.settings,
                skips: &self.skips,
                ..Surroundings::none()
            },
        )
    }

    /// A document read with `language`, of the kind its name says (`name_kind`).
    pub fn open(
        text: String,
        version: i32,
        (language, name_kind): (Language, Option<FileKind>),
        facts: &Facts,
        files: Option<DiskFiles>,
        settings: Settings,
        skips: Vec<Skip>,
    ) -> Self {
        let parsed = match language {
            Language::Dockerfile => {
                Parsed::Dockerfile(KeptTree::new(language), KeptDockerfile::default())
            }
            Language::Yaml => Parsed::Yaml(YamlStream::default()),
        };
        let mut document = Self {
            line_starts: LineStarts::new(&text),
            text,
            version,
            name_kind,
            kind: None,
            parsed,
            diagnostics: Findings::default(),
            rendered: Rendered::default(),
            files: files.map(CachedFiles::new),
            settings,
            skips,
            hot: false,
        };
        document.reparse(facts);
        document
    }

    /// Apply the changes of one `didChange`, in order, then reparse incrementally and lint.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
        facts: &Facts,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = convert::offset(&self.lines(), range.start, encoding);
                    let end = convert::offset(&self.lines(), range.end, encoding).max(start);
                    self.replace(TextRange::new(start, end), &change.text);
                }
                None => {
                    self.text = change.text;
                    self.line_starts = LineStarts::new(&self.text);
                    if let Parsed::Dockerfile(tree, _) = &mut self.parsed {
                        tree.clear();
                    }
                }
            }
        }
        self.version = version;
        self.hot = true;
        self.reparse(facts);
    }

    /// Drop what is kept only to parse the next edit incrementally; the next edit parses the whole text.
    pub fn cool(&mut self) {
        self.hot = false;
        match &mut self.parsed {
            Parsed::Dockerfile(tree, _) => tree.clear(),
            Parsed::Yaml(stream) => stream.drop_trees(),
        }
    }

    fn replace(&mut self, range: TextRange, new_text: &str) {
        if let Parsed::Dockerfile(tree, _) = &mut self.parsed {
            tree.edit(&self.text, range, new_text);
        }
        self.text.replace_range(range.start..range.end, new_text);
        self.line_starts.edit(range, new_text, &self.text);
    }

    /// The text with its line starts: offsets to positions and back.
    pub fn lines(&self) -> LineIndex<'_> {
        self.line_starts.index(&self.text)
    }

    /// Lint again with what the rest of the workspace now says (`facts`: what the other files say); the
    /// text is unchanged, so every document of a YAML stream is reused.
    pub fn relint(&mut self, facts: &Facts) {
        self.reparse(facts);
    }

    /// Files beside the document may have changed (the client said so): read them again at the next lint.
    pub fn files_changed(&self) {
        if let Some(files) = &self.files {
            files.forget();
        }
    }

    /// Take new settings (a config file or the editor's settings changed); lint with them at the next
    /// [`Document::relint`].
    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    /// What this document says to the other files of the workspace.
    pub fn facts(&self) -> Option<Facts> {
        match &self.parsed {
            Parsed::Yaml(stream) if self.kind == Some(FileKind::Kubernetes) => Some(stream.facts()),
            _ => None,
        }
    }

    /// The findings of this document (`uri`) in protocol form, brought up to date (only what changed is
    /// rendered again).
    pub fn rendered(&mut self, encoding: Encoding, uri: &Uri) -> &Rendered {
        let lines = self.line_starts.index(&self.text);
        self.rendered
            .update(&self.diagnostics, &lines, encoding, uri);
        &self.rendered
    }

    fn reparse(&mut self, facts: &Facts) {
        let files: &dyn crate::rules::FileSource = match &self.files {
            Some(files) => files,
            None => &NoFiles,
        };
        // Above `max-file-size`, only the first part of the text is linted (and said to be).
        let (text, skips) =
            crate::engine::lint::within_limit(&self.text, &self.settings, &self.skips);
        let whole = text.len() == self.text.len();
        match &mut self.parsed {
            Parsed::Dockerfile(tree, kept) => {
                // (above the limit, the cut text is linted without the tree of the whole; a document that is not
                // being edited keeps no tree, but its model, scripts and findings: a relint reuses them all)
                let keep = whole && self.hot;
                if !keep {
                    tree.clear();
                }
                self.kind = Some(FileKind::Dockerfile);
                let around = Surroundings {
                    settings: &self.settings,
                    files,
                    skips: &skips,
                    ..Surroundings::none()
                };
                let found = crate::engine::dockerfile::lint_dockerfile(
                    text,
                    keep.then_some(tree),
                    kept,
                    &around,
                );
                self.diagnostics = Findings::whole(found, text.len());
            }
            Parsed::Yaml(stream) => {
                (self.kind, self.diagnostics) = stream.update_in(
                    text,
                    Mode::Detect(self.name_kind),
                    &Surroundings {
                        settings: &self.settings,
                        facts: Some(facts),
                        files,
                        skips: &skips,
                        ..Surroundings::none()
                    },
                );
            }
        }
    }
}
