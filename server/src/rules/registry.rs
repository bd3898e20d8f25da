//! THE table of rules: every rule is one row here and one file under its group.

use serde::{Serialize, Serializer};

use super::context::Checks;
use super::id::RuleId;
use super::meta::RuleMeta;
use super::{
    access, identity, images, network, runtime, secrets, skipped_file, suppression, syntax_error,
};

macro_rules! registry {
    ($($variant:ident => $module:path [$($kind:ident: $check:ident),*]),* $(,)?) => {
        impl RuleId {
            /// All rules, in the table's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => {
                        // A rule module is named after its rule, `unsafe-sysctl` included.
                        #[allow(clippy::unsafe_removed_from_name)]
                        use $module as m;
                        &m::META
                    })*
                }
            }

            /// The rule's checks; the file kinds it reads are those it has a check for.
            pub fn checks(self) -> Checks {
                match self {
                    $(RuleId::$variant => {
                        // Rules without checks of their own do not use their module here.
                        #[allow(unused_imports, clippy::unsafe_removed_from_name)]
                        use $module as m;
                        // Rules checking every kind specify every field; the rest default to none.
                        #[allow(clippy::needless_update)]
                        Checks { $($kind: Some(m::$check),)* ..Checks::NONE }
                    })*
                }
            }
        }
    };
}

registry! {
    SyntaxError => syntax_error [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    // Made by the engine for what it does not read in full, in every kind of file.
    SkippedFile => skipped_file [],
    RunAsRoot => identity::run_as_root [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    NonNumericUser => identity::non_numeric_user [dockerfile: check_dockerfile],
    SudoInRun => identity::sudo_in_run [instruction: check_instruction],
    PrivilegedContainer => identity::privileged_container [compose: check_compose, kubernetes: check_kubernetes],
    PrivilegeEscalation => identity::privilege_escalation [compose: check_compose, kubernetes: check_kubernetes],
    CapabilitiesNotDropped => identity::capabilities_not_dropped [compose: check_compose, kubernetes: check_kubernetes],
    DangerousCapability => identity::dangerous_capability [compose: check_compose, kubernetes: check_kubernetes],
    ServiceAccountTokenMounted => identity::service_account_token_mounted [workspace: check_workspace],
    HostProcess => identity::host_process [kubernetes: check_kubernetes],
    RootGroup => identity::root_group [kubernetes: check_kubernetes],
    SecretInEnv => secrets::secret_in_env [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    KubernetesSecretInRepo => secrets::kubernetes_secret_in_repo [kubernetes: check_kubernetes],
    SecretInConfigmap => secrets::secret_in_configmap [kubernetes: check_kubernetes],
    SecretInLayer => secrets::secret_in_layer [dockerfile: check_dockerfile],
    SecretFileCopied => secrets::secret_file_copied [dockerfile: check_dockerfile],
    HardcodedCredential => secrets::hardcoded_credential [dockerfile: check_dockerfile, instruction: check_instruction, compose: check_compose, kubernetes: check_kubernetes],
    BloatedBaseImage => images::bloated_base_image [dockerfile: check_dockerfile],
    EolBaseImage => images::eol_base_image [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    UnpinnedImage => images::unpinned_image [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    AddInsteadOfCopy => images::add_instead_of_copy [dockerfile: check_dockerfile],
    RemoteAdd => images::remote_add [dockerfile: check_dockerfile],
    CurlPipeShell => images::curl_pipe_shell [instruction: check_instruction],
    TlsVerificationDisabled => images::tls_verification_disabled [instruction: check_instruction, compose: check_compose, kubernetes: check_kubernetes],
    SignatureVerificationDisabled => images::signature_verification_disabled [instruction: check_instruction],
    PackageManagerUpgrade => images::package_manager_upgrade [instruction: check_instruction],
    InstallRecommends => images::install_recommends [instruction: check_instruction],
    MissingPipefail => images::missing_pipefail [dockerfile: check_dockerfile],
    UnpinnedPackages => images::unpinned_packages [instruction: check_instruction],
    UntrustedRegistry => images::untrusted_registry [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    SshPortExposed => network::ssh_port_exposed [instruction: check_instruction, compose: check_compose, kubernetes: check_kubernetes],
    RbacWildcard => access::rbac_wildcard [kubernetes: check_kubernetes],
    RbacSecretsAccess => access::rbac_secrets_access [kubernetes: check_kubernetes],
    RbacPodExec => access::rbac_pod_exec [kubernetes: check_kubernetes],
    RbacPrivilegeEscalation => access::rbac_privilege_escalation [kubernetes: check_kubernetes],
    ClusterAdminBinding => access::cluster_admin_binding [kubernetes: check_kubernetes],
    RbacPublicSubject => access::rbac_public_subject [kubernetes: check_kubernetes],
    HostPort => network::host_port [kubernetes: check_kubernetes],
    ProbeHostField => network::probe_host_field [kubernetes: check_kubernetes],
    ServiceExposed => network::service_exposed [kubernetes: check_kubernetes],
    IngressWithoutTls => network::ingress_without_tls [kubernetes: check_kubernetes],
    IngressSnippetAnnotation => network::ingress_snippet_annotation [kubernetes: check_kubernetes],
    PortPublishedOnAllInterfaces => network::port_published_on_all_interfaces [compose: check_compose],
    NetworkNotSegmented => network::network_not_segmented [compose: check_compose],
    MissingNetworkPolicy => network::missing_network_policy [workspace: check_workspace],
    ContainerRuntimeSocket => runtime::container_runtime_socket [dockerfile: check_dockerfile, compose: check_compose, kubernetes: check_kubernetes],
    HostPathVolume => runtime::host_path_volume [compose: check_compose, kubernetes: check_kubernetes],
    DeviceAccess => runtime::device_access [compose: check_compose, kubernetes: check_kubernetes],
    HostNamespace => runtime::host_namespace [compose: check_compose, kubernetes: check_kubernetes],
    DefaultNamespace => runtime::default_namespace [workspace: check_workspace],
    UnsafeSysctl => runtime::unsafe_sysctl [kubernetes: check_kubernetes],
    UnmaskedProcMount => runtime::unmasked_proc_mount [kubernetes: check_kubernetes],
    UnsafeSelinuxOptions => runtime::unsafe_selinux_options [kubernetes: check_kubernetes],
    RestrictedVolumeType => runtime::restricted_volume_type [kubernetes: check_kubernetes],
    MissingResourceLimits => runtime::missing_resource_limits [compose: check_compose, kubernetes: check_kubernetes],
    SystemWorkdir => runtime::system_workdir [dockerfile: check_dockerfile],
    ShellFormEntrypoint => runtime::shell_form_entrypoint [dockerfile: check_dockerfile],
    MissingHealthcheck => runtime::missing_healthcheck [dockerfile: check_dockerfile],
    WritableRootFilesystem => runtime::writable_root_filesystem [compose: check_compose, kubernetes: check_kubernetes],
    UnconfinedProfile => runtime::unconfined_profile [compose: check_compose, kubernetes: check_kubernetes],
    IgnoredKey => runtime::ignored_key [compose: check_compose, kubernetes: check_kubernetes],
    // Read by `crate::engine::suppress` after the other rules, in every kind of file.
    UnusedSuppression => suppression::unused_suppression [],
    DisallowedSuppression => suppression::disallowed_suppression [],
}

impl RuleId {
    pub fn name(self) -> &'static str {
        self.meta().name
    }

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// A rule by its name, or by a hadolint code that stands for it (`DL3002` → `run-as-root`): what users
    /// may write on the command line and in `rules:`.
    pub fn named(name: &str) -> Option<RuleId> {
        RuleId::from_name(name).or_else(|| super::hadolint::rule_of(name))
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_the_rules_in_their_declared_order() {
        assert!(RuleId::ALL.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
