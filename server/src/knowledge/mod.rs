//! What dockwarden knows about the world, as offline tables: base images and their smaller variants,
//! end-of-life release lines, Docker Official Images, the Pod Security Standards, what a secret looks like.

pub mod base_images;
pub mod eol_images;
pub mod official_images;
pub mod pod_security;
pub mod secrets;
