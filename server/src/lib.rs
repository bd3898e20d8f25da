//! dockwarden: container-security linting with fixes, for editors (LSP) and CI (CLI).
//!
//! # Architecture in twenty lines
//! The folders are the stages a keystroke goes through, in order; each imports only its own and lower stages
//! (`tests/layout.rs` checks it, and that no modules import each other in a circle).
//! 1. [`document`]: the text and the words every stage shares — byte ranges ([`TextRange`]), the line index,
//!    file kinds by name, severities.
//! 2. [`syntax`]: tree-sitter parses the text (incrementally in the server) and finds what it cannot read.
//! 3. [`model`]: small typed views over the text — a Dockerfile's stages and instructions with `ARG`/`ENV`
//!    scope, its `RUN` scripts, YAML streams, Compose services, Kubernetes workloads — with byte ranges.
//! 4. [`knowledge`]: what is known about the world, offline — image tables, Pod Security controls, secrets.
//! 5. [`edit`]: fixes as text edits, and the Dockerfile and YAML edits they are built from.
//! 6. [`rules`]: every enabled rule reads a model in its context and returns [`Diagnostic`]s, each carrying
//!    its fixes computed at the same time; a Dockerfile rule may check one instruction at a time.
//! 7. [`engine`]: the pipeline per file kind — parse, model, rules, then suppressions, settings, Pod Security
//!    admission — behind [`lint()`], the one entry point both faces share; what is kept per document (a YAML
//!    stream's documents with their findings in runs; a Dockerfile's model, scripts and instruction findings),
//!    reused where the text is unchanged, the workspace index, configs, reads of neighbouring files,
//!    cross-file merges, fix-all.
//! 8. The faces: the CLI ([`cli`]) prints, serialises and applies fixes; the server ([`lsp`]) keeps documents
//!    in sync, converts new runs of findings to protocol positions and JSON at its edge and is the only
//!    module that knows LSP.
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
