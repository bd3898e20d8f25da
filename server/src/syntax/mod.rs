//! tree-sitter parsers, one per language, and the queries they run (loaded from `queries/` at build time).
//!
//! Parsing never fails: a parser that returns no tree (cancellation, which we never request) is treated as an
//! empty tree. The server keeps each document's tree and reparses incrementally with `InputEdit`s; the CLI
//! parses once.

pub mod dockerfile;
