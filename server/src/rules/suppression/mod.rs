//! Findings about suppression comments themselves. The checks live in [`crate::engine::suppress`], which reads the
//! comments after every other rule has run; these files hold the rules' documentation and metadata.

pub mod disallowed_suppression;
pub mod unused_suppression;
