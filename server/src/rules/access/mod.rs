//! Who may do what in the cluster: RBAC roles and bindings.

pub mod cluster_admin_binding;
pub mod rbac_pod_exec;
pub mod rbac_privilege_escalation;
pub mod rbac_public_subject;
pub mod rbac_secrets_access;
pub mod rbac_wildcard;
