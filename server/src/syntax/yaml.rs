//! The YAML grammar (`tree-sitter-yaml`), and the one input it must never see.
//!
//! Its external scanner serialises the block-indentation stack into tree-sitter's fixed 1 KiB buffer without a
//! bound: about 250 nested block levels overflow it and abort the process (a C `assert`, not a catchable
//! panic). Nesting that deep only exists in hostile files, so such text is not parsed at all and is reported
//! instead.

use tree_sitter::{Language, Tree};

use crate::document::TextRange;

pub fn language() -> Language {
    tree_sitter_yaml::LANGUAGE.into()
}

/// Block indentation deeper than this many columns is refused (each block level needs at least one column).
pub const MAX_BLOCK_COLUMN: usize = 200;

/// The line whose block structure is nested too deep for the grammar, if any.
pub fn unsafe_for_grammar(text: &str) -> Option<TextRange> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut column = 0;
        // Leading spaces, then any chain of block indicators (`- - key:` nests once per indicator).
        loop {
            while column < bytes.len() && bytes[column] == b' ' {
                column += 1;
            }
            let indicator = matches!(bytes.get(column), Some(b'-' | b'?' | b':'))
                && matches!(bytes.get(column + 1), Some(b' ' | b'\t'));
            if !indicator {
                break;
            }
            column += 2;
        }
        if column > MAX_BLOCK_COLUMN {
            return Some(TextRange::new(start, start + line.trim_end().len()));
        }
        start += line.len();
    }
    None
}

/// At most this many grammar errors are kept: after the first few, the rest is noise.
const MAX_ERRORS: usize = 10;

/// The first [`MAX_ERRORS`] places the grammar could not read, one per error (not into error nodes), each
/// with what to say there.
pub fn errors(tree: &Tree) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    if !tree.root_node().has_error() {
        return out;
    }
    crate::syntax::tree::preorder(tree.root_node(), |node| {
        let error = node.is_error() || node.is_missing();
        if error && out.len() < MAX_ERRORS {
            let message = if node.is_missing() {
                format!("invalid YAML: `{}` expected here", node.kind())
            } else {
                "invalid YAML here".to_owned()
            };
            out.push((TextRange::from(node.byte_range()), message));
        }
        !error
    });
    out
}

/// Where the comments of `tree` start (a caller whose text has no `#` need not look).
pub fn comments(tree: &Tree) -> Vec<usize> {
    let mut out = Vec::new();
    crate::syntax::tree::preorder(tree.root_node(), |node| {
        if node.kind() == "comment" {
            out.push(node.start_byte());
            return false;
        }
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_block_nesting_is_refused_before_it_reaches_the_grammar() {
        let deep: String = (0..300)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        assert!(unsafe_for_grammar(&deep).is_some());
        assert!(crate::syntax::parse(crate::syntax::Language::Yaml, &deep, None).is_none());
        let dashes = format!("a:\n{}x\n", "- ".repeat(150));
        assert!(unsafe_for_grammar(&dashes).is_some());
        assert!(unsafe_for_grammar("a:\n  b:\n    - c: d\n").is_none());
        let flow = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(crate::syntax::parse(crate::syntax::Language::Yaml, &flow, None).is_some());
    }
}
