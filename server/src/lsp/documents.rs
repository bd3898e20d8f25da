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
    /// The findings of each document of a YAML stream, by text: an edit re-reads only what it touched.
    cache: Vec<CachedDocument>,
}

/// One document of a YAML stream and what it says, with ranges relative to its start.
struct CachedDocument {
    text: String,
    manifest: bool,
    compose: bool,
    diagnostics: Vec<Diagnostic>,
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
            cache: Vec::new(),
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
            Language::Yaml => self.lint_yaml(),
        }
    }

    /// Lint a YAML document. Streams of manifests are read document by document, reusing the findings of the
    /// documents whose text did not change (shifted to where they now are). Compose files (one document) and
    /// Helm templates are read whole.
    fn lint_yaml(&mut self) {
        let whole = self.name_kind == Some(FileKind::Compose) || self.text.contains("{{");
        let old = std::mem::take(&mut self.cache);
        let stream = match self.tree.as_ref() {
            Some(tree) if !whole => read_stream(&self.text, tree, old),
            _ => None,
        };
        match stream {
            Some((cache, diagnostics, manifest)) => {
                self.cache = cache;
                self.kind = manifest.then_some(FileKind::Kubernetes);
                self.diagnostics = if manifest { diagnostics } else { Vec::new() };
            }
            None => self.lint_yaml_whole(),
        }
    }

    fn lint_yaml_whole(&mut self) {
        let tree = self.tree.as_ref();
        let yaml = Yaml::build(&self.text, tree);
        self.kind = crate::document::yaml_kind(self.name_kind, &self.text, &yaml);
        self.diagnostics = match self.kind {
            Some(kind) => crate::lint::lint_yaml(&self.text, kind, &yaml, tree),
            None => Vec::new(),
        };
    }
}

/// Read a stream document by document, reusing `old` findings of documents whose text is unchanged.
/// `None` when the stream is a Compose file or has syntax errors (whose place in a broken stream is not one
/// document's): it is read whole instead.
fn read_stream(
    text: &str,
    tree: &tree_sitter::Tree,
    mut old: Vec<CachedDocument>,
) -> Option<(Vec<CachedDocument>, Vec<Diagnostic>, bool)> {
    let root = tree.root_node();
    if root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let mut cache = Vec::new();
    let mut diagnostics = Vec::new();
    let mut manifest = false;
    for (index, node) in root
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "document")
        .enumerate()
    {
        let range = TextRange::from(node.byte_range());
        let start = isize::try_from(range.start).unwrap_or(0);
        let slice = range.slice(text);
        let entry = match old.iter().position(|c| c.text == slice) {
            Some(at) => old.swap_remove(at),
            None => {
                let yaml = Yaml::build_document(text, node);
                let found = crate::lint::lint_yaml(text, FileKind::Kubernetes, &yaml, Some(tree));
                CachedDocument {
                    text: slice.to_owned(),
                    manifest: crate::model::kubernetes::looks_like_kubernetes(&yaml),
                    compose: crate::model::compose::looks_like_compose(&yaml),
                    diagnostics: found.into_iter().map(|d| d.shifted(-start)).collect(),
                }
            }
        };
        if index == 0 && entry.compose {
            return None;
        }
        manifest |= entry.manifest;
        diagnostics.extend(entry.diagnostics.iter().cloned().map(|d| d.shifted(start)));
        cache.push(entry);
    }
    Some((cache, diagnostics, manifest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    #[test]
    fn a_stream_read_document_by_document_equals_a_whole_read() {
        let doc = |name: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {{privileged: true}}\n"
            )
        };
        let text = format!(
            "{}---\n{}---\nnot: [a, manifest]\n---\n{}",
            doc("a"),
            doc("b"),
            doc("c")
        );
        let mut document = Document::open(text.clone(), 1, Language::Yaml, None);
        assert_eq!(
            document.diagnostics,
            crate::lint(&text, FileKind::Kubernetes)
        );
        assert_eq!(document.cache.len(), 4, "read document by document");
        // Edit the second document: the others are reused, shifted.
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(13, 8), Position::new(13, 9))),
            range_length: None,
            text: "bb\n# more".to_owned(),
        };
        document.apply(2, vec![change], Encoding::Utf16);
        assert_eq!(
            document.diagnostics,
            crate::lint(&document.text, FileKind::Kubernetes)
        );
        assert_eq!(document.kind, Some(FileKind::Kubernetes));
        assert_eq!(document.cache.len(), 4);
    }
}
