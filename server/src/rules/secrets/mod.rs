//! Secrets baked into images.

pub mod hardcoded_credential;
pub mod kubernetes_secret_in_repo;
pub mod secret_file_copied;
pub mod secret_in_configmap;
pub mod secret_in_env;
pub mod secret_in_layer;
