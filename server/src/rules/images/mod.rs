//! What the image is built from and how files get into it.

pub mod add_instead_of_copy;
pub mod bloated_base_image;
pub mod remote_add;
pub mod unpinned_image;
