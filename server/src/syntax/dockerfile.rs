//! The Dockerfile grammar (camdencheek's tree-sitter-dockerfile, packaged as `arborium-dockerfile`).

use std::sync::OnceLock;

use tree_sitter::{Language, Query, QueryCursor, StreamingIterator, Tree};

use crate::document::TextRange;

/// The grammar's language object.
pub fn language() -> Language {
    arborium_dockerfile::language().into()
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
    top_level_errors_near(tree, text, &[TextRange::new(0, text.len())])
}

/// [`top_level_errors`] that touch `ranges` (ascending): the query visits only the nodes there, so a keystroke
/// in a large file with one broken line does not walk the whole tree.
pub fn top_level_errors_near(tree: &Tree, text: &str, ranges: &[TextRange]) -> Vec<TextRange> {
    // A tree without any error node needs no walk.
    if !tree.root_node().has_error() {
        return Vec::new();
    }
    let Some(query) = syntax_error_query() else {
        return Vec::new();
    };
    let mut cursor = QueryCursor::new();
    let mut out = Vec::new();
    for range in ranges {
        // One byte wider on each side, so an empty error node at an edge is seen.
        cursor.set_byte_range(range.start.saturating_sub(1)..range.end.saturating_add(1));
        let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
        while let Some(m) = matches.next() {
            for capture in m.captures() {
                out.push(TextRange::from(capture.node.byte_range()));
            }
        }
    }
    out.sort_unstable_by_key(|r| (r.start, r.end));
    out.dedup();
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
        let tree =
            crate::syntax::parse(crate::syntax::Language::Dockerfile, text, None).expect("a tree");
        let errors = top_level_errors(&tree, text);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].slice(text).starts_with("FRM"));
    }
}
