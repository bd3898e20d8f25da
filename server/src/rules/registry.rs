//! THE table of rules: every rule is one row here and one file under its group.

use serde::{Serialize, Serializer};

use super::{DockerfileCheck, RuleMeta, identity, images, network, runtime, secrets, syntax_error};

macro_rules! registry {
    ($($variant:ident => $module:path),* $(,)?) => {
        /// Every rule's identity.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RuleId {
            $($variant),*
        }

        impl RuleId {
            /// All rules, in the table's order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $(RuleId::$variant => { use $module as m; &m::META })*
                }
            }

            pub(crate) fn dockerfile_check(self) -> DockerfileCheck {
                match self {
                    $(RuleId::$variant => { use $module as m; m::check })*
                }
            }
        }
    };
}

registry! {
    SyntaxError => syntax_error,
    RunAsRoot => identity::run_as_root,
    NonNumericUser => identity::non_numeric_user,
    SudoInRun => identity::sudo_in_run,
    SecretInEnv => secrets::secret_in_env,
    BloatedBaseImage => images::bloated_base_image,
    UnpinnedImage => images::unpinned_image,
    AddInsteadOfCopy => images::add_instead_of_copy,
    RemoteAdd => images::remote_add,
    SshPortExposed => network::ssh_port_exposed,
    ContainerRuntimeSocket => runtime::container_runtime_socket,
    SystemWorkdir => runtime::system_workdir,
    ShellFormEntrypoint => runtime::shell_form_entrypoint,
}

impl RuleId {
    pub fn name(self) -> &'static str {
        self.meta().name
    }

    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.name() == name)
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
