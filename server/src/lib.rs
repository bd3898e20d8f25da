//! dockwarden: container-security linting with fixes, for editors (LSP) and CI (CLI).
//!
//! # Architecture in twenty lines
//! Text arrives (a file for the CLI, a text kept in sync by `didChange` for the server) and is parsed by
//! tree-sitter ([`syntax`]), incrementally in the server. [`model`] builds a small typed view over the tree:
//! stages, instructions, `ARG`/`ENV` scope, with byte ranges. Every enabled rule of [`rules`] reads that view and
//! returns [`Diagnostic`]s, each carrying its [`fix::Fix`]es computed at the same time. [`lint()`] is the one entry
//! point both faces share. The CLI ([`cli`]) prints, serialises and applies fixes; the server ([`lsp`]) converts
//! byte ranges to protocol positions at its edge and is the only module that knows LSP types.
//!
//! # Invariants
//! 1. **Linting never fails.** Any bytes in, diagnostics out; syntax errors become `syntax-error` findings and
//!    the rest of the file is still linted. Nothing derived from input is `unwrap()`ped.
//! 2. **Only `lsp/` knows LSP.** Inside, ranges are byte offsets ([`TextRange`]); `lsp/` converts them to the
//!    negotiated position encoding and back, clamping positions that lie outside the document.
//! 3. **Document updates are applied in arrival order**: `did_change` edits the text synchronously, before any
//!    `.await`, under a std `Mutex`, and checks the version.
//! 4. **A fix is computed with its diagnostic** and stays on the server with the findings of the document's
//!    current version; a code action finds it again by range, rule and message (the pushed diagnostics carry
//!    no `data`). `Safe` fixes keep the image behaving the same; anything that changes what runs is `Unsafe`
//!    and is applied only on request.
//! 5. **A fix never breaks a file**: afterwards the file parses without new errors, the finding is gone, no other
//!    finding appears and a second pass changes nothing (checked over fixtures and the corpus).
//! 6. **The server executes nothing and opens no network connection.**
//! 7. **Bounded work on hostile input**: no recursion over input structure; loops over input are linear.
//! 8. **stdout belongs to the protocol**: logs go to stderr through `tracing`.

pub mod cli;
pub mod document;
pub mod edit;
pub mod engine;
pub mod knowledge;
pub mod lsp;
pub mod model;
pub mod rules;
pub mod syntax;

pub use document::{FileKind, Severity, TextRange};
pub use engine::lint::lint;
pub use rules::Diagnostic;
