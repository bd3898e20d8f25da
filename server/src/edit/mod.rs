//! Edits and fixes: a fix is a set of text edits with a safety level; the YAML helpers compute edits that
//! keep a document's indentation, quoting and comments. Rules build their fixes from these.

pub mod dockerfile_edit;
pub mod fix;
pub mod lines;
pub mod yaml_edit;
