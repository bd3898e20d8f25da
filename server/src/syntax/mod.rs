//! tree-sitter parsers, one per language, and the queries they run (loaded from `queries/` at build time).
//!
//! Parsing never fails: a parser that returns no tree is treated as an empty tree. The server keeps the trees
//! of the documents being edited and reparses them incrementally with `InputEdit`s; the CLI parses once.

pub mod bash;
pub mod dockerfile;
pub mod dockerfile_parts;
pub mod kept_tree;
mod stand_in;
pub mod tree;
pub mod yaml;
pub mod yaml_split;

pub use tree::preorder;

use std::cell::RefCell;

use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::document::{FileKind, TextRange};

/// The grammars dockwarden parses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    Dockerfile,
    Yaml,
}

impl Language {
    /// The grammar a file of `kind` is parsed with.
    pub fn of(kind: FileKind) -> Language {
        match kind {
            FileKind::Dockerfile => Language::Dockerfile,
            FileKind::Compose | FileKind::Kubernetes => Language::Yaml,
        }
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Dockerfile => dockerfile::language(),
            Language::Yaml => yaml::language(),
        }
    }
}

/// Every grammar the parsers are kept for: the documents' languages, and bash for `RUN` bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    Document(Language),
    Bash,
}

impl Grammar {
    fn language(self) -> tree_sitter::Language {
        match self {
            Grammar::Document(language) => language.grammar(),
            Grammar::Bash => bash::language(),
        }
    }
}

thread_local! {
    /// Parsers per thread: `tree_sitter::Parser` is not `Sync`, and the CLI lints files on rayon's threads.
    static PARSERS: RefCell<Vec<(Grammar, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parse `text`, reusing `old` (already `edit`ed to match `text`) when given. `None` when the text cannot be
/// handed to the grammar safely (see [`yaml::unsafe_for_grammar`]).
pub fn parse(language: Language, text: &str, old: Option<&Tree>) -> Option<Tree> {
    if language == Language::Yaml && yaml::unsafe_for_grammar(text).is_some() {
        return None;
    }
    parse_with(Grammar::Document(language), text, old, &[])
}

/// Parse only `ranges` of YAML `text` (in order, apart), as if they were the whole text, with every node at
/// its place in `text`: a piece of a large document (see [`yaml_split`]). The text must be safe for the
/// grammar as a whole (see [`yaml::unsafe_for_grammar`]) and hold no NUL.
pub fn parse_ranges(text: &str, ranges: &[tree_sitter::Range]) -> Option<Tree> {
    parse_with(Grammar::Document(Language::Yaml), text, None, ranges)
}

/// Parse a shell script (a `RUN` body) with the bash grammar.
pub fn parse_bash(text: &str) -> Option<Tree> {
    parse_with(Grammar::Bash, text, None, &[])
}

fn parse_with(
    grammar: Grammar,
    text: &str,
    old: Option<&Tree>,
    ranges: &[tree_sitter::Range],
) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let index = match parsers.iter().position(|(g, _)| *g == grammar) {
            Some(i) => i,
            None => {
                let mut parser = Parser::new();
                parser.set_language(&grammar.language()).ok()?;
                parsers.push((grammar, parser));
                parsers.len() - 1
            }
        };
        let text = match grammar {
            // Pieces of a document are cut from text that holds no NUL (see `yaml_split`), and looking
            // for one in the whole text again for every piece would cost the text's length each.
            Grammar::Document(Language::Yaml) if !ranges.is_empty() => {
                std::borrow::Cow::Borrowed(text)
            }
            Grammar::Document(Language::Yaml) => stand_in::for_yaml_scanner(text),
            Grammar::Document(Language::Dockerfile) | Grammar::Bash => {
                stand_in::for_c_scanner(text)
            }
        };
        let parser = &mut parsers[index].1;
        if ranges.is_empty() {
            return parser.parse(text.as_bytes(), old);
        }
        parser.set_included_ranges(ranges).ok()?;
        let tree = parser.parse(text.as_bytes(), old);
        // The parser is kept for the next text, which it reads whole.
        parser.set_included_ranges(&[]).ok()?;
        tree
    })
}

/// Tell `tree` that `range` of `old_text` was replaced by `new_text`, so the next [`parse`] can reuse it.
pub fn edit_tree(tree: &mut Tree, old_text: &str, range: TextRange, new_text: &str) {
    let start_position = point_at(old_text, range.start);
    let old_end_position = point_at(old_text, range.end);
    let new_end_position = advance_point(start_position, new_text);
    tree.edit(&InputEdit {
        start_byte: range.start,
        old_end_byte: range.end,
        new_end_byte: range.start + new_text.len(),
        start_position,
        old_end_position,
        new_end_position,
    });
}

/// The row (`\n`s before it, as tree-sitter counts) and byte column of `offset`: with SIMD searches, since
/// an edit at the end of a large file has the whole file before it.
fn point_at(text: &str, offset: usize) -> Point {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
    Point {
        row: memchr::memchr_iter(b'\n', before).count(),
        column: before.len() - line_start,
    }
}

fn advance_point(mut point: Point, added: impl AsRef<[u8]>) -> Point {
    for &byte in added.as_ref() {
        if byte == b'\n' {
            point.row += 1;
            point.column = 0;
        } else {
            point.column += 1;
        }
    }
    point
}
