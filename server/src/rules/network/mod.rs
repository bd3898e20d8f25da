//! What the container exposes.

pub mod ssh_port_exposed;
