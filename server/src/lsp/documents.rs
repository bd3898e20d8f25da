//! Open documents: the rope (for positions), the text (for parsing), the incremental tree, and the findings
//! of the current version.

use ropey::Rope;
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::convert::{self, Encoding};
use crate::model::yaml::Yaml;
use crate::syntax::Language;
use crate::{Diagnostic, FileKind, TextRange};

pub struct Document {
    pub rope: Rope,
    pub text: String,
    pub version: i32,
    pub language: Language,
    /// What the document's name says it is (Compose files are named; manifests are not).
    name_kind: Option<FileKind>,
    /// What it is now: YAML becomes a manifest, or stops being one, as it is typed.
    pub kind: Option<FileKind>,
    tree: Option<tree_sitter::Tree>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Document {
    pub fn open(
        text: String,
        version: i32,
        language: Language,
        name_kind: Option<FileKind>,
    ) -> Self {
        let mut document = Self {
            rope: Rope::from_str(&text),
            text,
            version,
            language,
            name_kind,
            kind: None,
            tree: None,
            diagnostics: Vec::new(),
        };
        document.reparse();
        document
    }

    /// Apply the changes of one `didChange`, in order, then reparse incrementally and lint.
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = convert::offset(&self.rope, range.start, encoding);
                    let end = convert::offset(&self.rope, range.end, encoding).max(start);
                    self.replace(TextRange::new(start, end), &change.text);
                }
                None => {
                    self.text = change.text;
                    self.rope = Rope::from_str(&self.text);
                    self.tree = None;
                }
            }
        }
        self.version = version;
        self.reparse();
    }

    fn replace(&mut self, range: TextRange, new_text: &str) {
        if let Some(tree) = &mut self.tree {
            crate::syntax::edit_tree(tree, &self.text, range, new_text);
        }
        let char_start = self.rope.byte_to_char(range.start);
        let char_end = self.rope.byte_to_char(range.end);
        self.rope.remove(char_start..char_end);
        self.rope.insert(char_start, new_text);
        self.text.replace_range(range.start..range.end, new_text);
    }

    fn reparse(&mut self) {
        self.tree = crate::syntax::parse(self.language, &self.text, self.tree.as_ref());
        let tree = self.tree.as_ref();
        match self.language {
            Language::Dockerfile => {
                self.kind = Some(FileKind::Dockerfile);
                self.diagnostics = crate::lint_parsed(&self.text, FileKind::Dockerfile, tree);
            }
            Language::Yaml => {
                let yaml = Yaml::build(&self.text, tree);
                self.kind = crate::document::yaml_kind(self.name_kind, &self.text, &yaml);
                self.diagnostics = match self.kind {
                    Some(kind) => crate::lint::lint_yaml(&self.text, kind, &yaml, tree),
                    None => Vec::new(),
                };
            }
        }
    }
}
