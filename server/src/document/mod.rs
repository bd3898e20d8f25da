//! What a file is: its kind (from its name, else its content) and a line index for positions. Pure, no IO.

mod documents;
mod kind;
mod line_index;
mod skip;

pub use documents::split_documents;
pub use kind::{
    FileKind, NOT_DOCKERFILE_EXTENSIONS, is_helm_template, is_yaml_name, kind_from_content,
    kind_from_name,
};
pub use line_index::{LineCol, LineIndex, LineStarts};
pub use skip::Skip;
