//! What the container exposes.

pub mod host_port;
pub mod ingress_snippet_annotation;
pub mod ingress_without_tls;
pub mod missing_network_policy;
pub mod network_not_segmented;
pub mod port_published_on_all_interfaces;
pub mod probe_host_field;
pub mod service_exposed;
pub mod ssh_port_exposed;
