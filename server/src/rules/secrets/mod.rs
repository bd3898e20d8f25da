//! Secrets baked into images.

pub mod secret_in_env;
