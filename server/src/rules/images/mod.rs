//! What the image is built from, how files and packages get into it, and how far the build trusts what it
//! downloads.

pub mod add_instead_of_copy;
pub mod bloated_base_image;
pub mod curl_pipe_shell;
pub mod eol_base_image;
pub mod install_recommends;
pub mod missing_pipefail;
pub mod package_manager_upgrade;
pub mod remote_add;
pub mod signature_verification_disabled;
pub mod tls_verification_disabled;
pub mod unpinned_image;
pub mod unpinned_packages;
pub mod untrusted_registry;
