//! Who the container runs as.

pub mod capabilities_not_dropped;
pub mod dangerous_capability;
pub mod host_process;
pub mod non_numeric_user;
pub mod privilege_escalation;
pub mod privileged_container;
pub mod root_group;
pub mod run_as_root;
pub mod service_account_token_mounted;
pub mod sudo_in_run;
mod unprivileged_variant;
