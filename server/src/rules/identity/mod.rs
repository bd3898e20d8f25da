//! Who the container runs as.

pub mod non_numeric_user;
pub mod run_as_root;
pub mod sudo_in_run;
