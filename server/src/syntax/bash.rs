//! The bash grammar, for `RUN` bodies.

pub fn language() -> tree_sitter::Language {
    tree_sitter_bash::LANGUAGE.into()
}
