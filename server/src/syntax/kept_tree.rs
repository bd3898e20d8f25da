//! A document's tree kept through its edits and parsed again only when it is read.
//!
//! A Dockerfile's tree is read only where the model meets an instruction it does not know (see
//! `engine::dockerfile`): most keystrokes never read it. Each edit is applied to the kept tree (cheap), and
//! the parse that brings it up to date, incremental from the edited tree, waits for the next read.

use tree_sitter::Tree;

use crate::document::TextRange;
use crate::syntax::{Language, edit_tree, parse};

pub struct KeptTree {
    language: Language,
    tree: Option<Tree>,
    /// Whether `tree` is the tree of the text as it is (no edit since the last parse).
    current: bool,
}

impl KeptTree {
    /// No tree yet: the first read parses the whole text.
    pub fn new(language: Language) -> Self {
        Self {
            language,
            tree: None,
            current: false,
        }
    }

    /// `tree`, the tree of the text as it is.
    pub fn parsed(language: Language, tree: Option<Tree>) -> Self {
        Self {
            language,
            tree,
            current: true,
        }
    }

    /// Follow the edit that replaced `range` of `old_text` with `new_text`.
    pub fn edit(&mut self, old_text: &str, range: TextRange, new_text: &str) {
        if let Some(tree) = &mut self.tree {
            edit_tree(tree, old_text, range, new_text);
        }
        self.current = false;
    }

    /// Drop the tree (the text was replaced whole, or the document is no longer edited).
    pub fn clear(&mut self) {
        self.tree = None;
        self.current = false;
    }

    /// The tree of `text`, the text after every edit followed: parsed now if one came since the last read.
    pub fn get(&mut self, text: &str) -> Option<&Tree> {
        if !self.current {
            self.tree = parse(self.language, text, self.tree.as_ref());
            self.current = true;
        }
        self.tree.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_read_after_edits_is_the_tree_of_the_edited_text() {
        let mut text = String::from("FROM alpine\nRUN a\n");
        let mut kept = KeptTree::new(Language::Dockerfile);
        assert!(kept.get(&text).is_some_and(|t| !t.root_node().has_error()));
        for (at, typed) in [(12, "FRM x\n"), (12, "R"), (20, "\nUSER 1\n")] {
            kept.edit(&text, TextRange::new(at, at), typed);
            text.insert_str(at, typed);
        }
        let fresh = parse(Language::Dockerfile, &text, None).expect("a tree");
        let tree = kept.get(&text).expect("a tree");
        assert_eq!(tree.root_node().to_sexp(), fresh.root_node().to_sexp());
        kept.clear();
        assert!(kept.tree.is_none());
    }
}
