//! The Dockerfile grammar (camdencheek's tree-sitter-dockerfile, packaged as `arborium-dockerfile`).

use std::cell::RefCell;
use std::sync::OnceLock;

use tree_sitter::{InputEdit, Language, Parser, Query, QueryCursor, StreamingIterator, Tree};

use crate::TextRange;

/// The grammar's language object.
pub fn language() -> Language {
    arborium_dockerfile::language().into()
}

thread_local! {
    /// A parser per thread: `tree_sitter::Parser` is not `Sync`, and the CLI lints files on rayon's threads.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse `text`, reusing `old` (already `edit`ed to match `text`) when given.
pub fn parse(text: &str, old: Option<&Tree>) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&language()).ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(text, old)
    })
}

/// Tell `tree` that `range` of the old text was replaced by `new_text`, so the next [`parse`] can reuse it.
/// `old_text` is the text before the edit (positions in tree-sitter are bytes plus rows/columns).
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

fn point_at(text: &str, offset: usize) -> tree_sitter::Point {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    advance_point(tree_sitter::Point { row: 0, column: 0 }, before)
}

fn advance_point(mut point: tree_sitter::Point, added: impl AsRef<[u8]>) -> tree_sitter::Point {
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

/// The query that finds error nodes the grammar could not place inside any instruction.
fn syntax_error_query() -> Option<&'static Query> {
    static QUERY: OnceLock<Option<Query>> = OnceLock::new();
    QUERY
        .get_or_init(|| {
            Query::new(
                &language(),
                include_str!("../../../queries/dockerfile/syntax-error.scm"),
            )
            .ok()
        })
        .as_ref()
}

/// Byte ranges of the tree's top-level error nodes: text the grammar could not read as any instruction.
pub fn top_level_errors(tree: &Tree, text: &str) -> Vec<TextRange> {
    let Some(query) = syntax_error_query() else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            out.push(TextRange::from(capture.node.byte_range()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_compiles_against_the_grammar() {
        assert!(syntax_error_query().is_some());
    }

    #[test]
    fn unknown_instruction_is_a_top_level_error() {
        let text = "FROM alpine\nFRM x\nRUN a\n";
        let tree = parse(text, None).expect("a tree");
        let errors = top_level_errors(&tree, text);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].slice(text).starts_with("FRM"));
    }
}
