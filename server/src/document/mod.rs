//! The words every stage shares about a text: byte ranges, the line index for positions, file kinds (by
//! name; `model::detect` reads content), documents of a stream, severities. Pure, no IO.

mod documents;
mod kind;
mod line_index;
mod severity;
mod skip;
mod text_range;
mod unchanged_ends;

pub use documents::split_documents;
pub use kind::{FileKind, KUSTOMIZATIONS, NOT_DOCKERFILE_EXTENSIONS, is_yaml_name, kind_from_name};
pub use line_index::{LineCol, LineIndex, LineStarts};
pub use severity::Severity;
pub use skip::Skip;
pub use text_range::{TextRange, shift};
pub use unchanged_ends::unchanged_ends;
