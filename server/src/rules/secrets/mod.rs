//! Secrets baked into images.

pub mod kubernetes_secret_in_repo;
pub mod secret_in_env;
