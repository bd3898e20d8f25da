//! How the container runs.

pub mod container_runtime_socket;
pub mod default_namespace;
pub mod device_access;
pub mod host_namespace;
pub mod host_path_volume;
pub mod ignored_key;
pub mod missing_healthcheck;
pub mod missing_resource_limits;
pub mod restricted_volume_type;
pub mod shell_form_entrypoint;
pub mod system_workdir;
pub mod unconfined_profile;
pub mod unmasked_proc_mount;
pub mod unsafe_selinux_options;
pub mod unsafe_sysctl;
pub mod writable_root_filesystem;
