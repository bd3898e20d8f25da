//! Typed views over parsed files. Every node keeps the byte range it was read from, so rules can point at
//! exactly what is wrong and fixes can rewrite exactly that.

pub mod compose;
pub mod detect;
pub mod dockerfile;
pub mod dockerignore;
pub mod env_file;
pub mod image_ref;
pub mod kubernetes;
pub mod merge;
pub mod shell;
pub mod yaml;
pub mod yaml_lines;
pub mod yaml_pieces;
pub mod yaml_scalar;
