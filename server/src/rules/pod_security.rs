//! The security settings of Kubernetes containers, shared by the rules that read them and the fixes that
//! harden them: what each container effectively gets (its own `securityContext`, else its pod's), and the
//! YAML edits that set what is missing — one "Harden this container" action, or one setting at a time.

use crate::TextRange;
use crate::fix::{Edit, Fix};
use crate::model::kubernetes::{Container, Manifest, PodSpec, security_field};
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::KubernetesContext;
use crate::yaml_edit::{Y, append_item, fill_null, insert_entries, replace_value};

/// A container with its pod and manifest.
#[derive(Clone, Copy)]
pub struct ContainerRef<'a> {
    pub manifest: &'a Manifest,
    pub pod: &'a PodSpec,
    pub container: &'a Container,
}

/// The `image:` values of every container of the file.
pub fn container_images<'a>(cx: &'a KubernetesContext) -> impl Iterator<Item = NodeId> + 'a {
    containers(cx).filter_map(|c| cx.yaml.get(c.container.node, "image").map(|m| m.value))
}

/// Every container of every pod spec in the file.
pub fn containers<'a>(cx: &'a KubernetesContext) -> impl Iterator<Item = ContainerRef<'a>> {
    cx.k8s.pods.iter().flat_map(move |pod| {
        pod.containers.iter().map(move |container| ContainerRef {
            manifest: &cx.k8s.manifests[pod.manifest],
            pod,
            container,
        })
    })
}

/// The `hostPath` volumes of every pod of the file: the path as written and its node.
pub fn host_paths<'a>(
    cx: &'a KubernetesContext,
) -> impl Iterator<Item = (&'a str, NodeId, String)> + 'a {
    let yaml = cx.yaml;
    cx.k8s.pods.iter().flat_map(move |pod| {
        let owner = owner(&cx.k8s.manifests[pod.manifest]);
        let volumes = yaml
            .get(pod.node, "volumes")
            .map(|m| yaml.items(m.value))
            .unwrap_or(&[]);
        volumes.iter().filter_map(move |&volume| {
            let path = yaml.path(volume, &["hostPath", "path"])?;
            Some((yaml.str(path)?, path, owner.clone()))
        })
    })
}

/// Where a finding about a missing setting of a container goes: its `name:` pair (else its first line).
pub fn container_range(yaml: &Yaml, c: ContainerRef) -> TextRange {
    match yaml.get(c.container.node, "name") {
        Some(name) => name.range,
        None => {
            let range = yaml.node(c.container.node).range;
            TextRange::new(range.start, range.start)
        }
    }
}

/// A name for messages: `container "app" of Deployment "web"`.
pub fn describe(c: ContainerRef) -> String {
    let container = match (&c.container.label, c.container.name.as_str()) {
        (Some(label), _) => label.clone(),
        (None, "") => "an unnamed container".to_owned(),
        (None, name) => format!("container `{name}`"),
    };
    format!("{container} of {}", owner(c.manifest))
}

/// A name for messages: `Deployment `web``, or `this Job` when it has no name.
pub fn owner(manifest: &Manifest) -> String {
    match &manifest.name {
        Some(name) => format!("{} `{name}`", manifest.kind),
        None => format!("this {}", manifest.kind),
    }
}

/// One hardening setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    RunAsNonRoot,
    RunAsUser,
    NoPrivilegeEscalation,
    ReadOnlyRootFilesystem,
    DropAllCapabilities,
    RuntimeDefaultSeccomp,
}

impl Want {
    pub const ALL: [Want; 6] = [
        Want::RunAsNonRoot,
        Want::RunAsUser,
        Want::NoPrivilegeEscalation,
        Want::ReadOnlyRootFilesystem,
        Want::DropAllCapabilities,
        Want::RuntimeDefaultSeccomp,
    ];

    fn key(self) -> &'static str {
        match self {
            Want::RunAsNonRoot => "runAsNonRoot",
            Want::RunAsUser => "runAsUser",
            Want::NoPrivilegeEscalation => "allowPrivilegeEscalation",
            Want::ReadOnlyRootFilesystem => "readOnlyRootFilesystem",
            Want::DropAllCapabilities => "capabilities",
            Want::RuntimeDefaultSeccomp => "seccompProfile",
        }
    }

    fn value(self) -> Y {
        match self {
            Want::RunAsNonRoot | Want::ReadOnlyRootFilesystem => Y::scalar("true"),
            Want::RunAsUser => Y::scalar("10001"),
            Want::NoPrivilegeEscalation => Y::scalar("false"),
            Want::DropAllCapabilities => Y::map([("drop", Y::List(vec!["ALL".into()]))]),
            Want::RuntimeDefaultSeccomp => Y::map([("type", Y::scalar("RuntimeDefault"))]),
        }
    }
}

/// How a container stands on one setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Ok,
    /// Not set anywhere (the default is the unsafe one).
    Unset,
    /// Set to the unsafe value, here; `inherited` when written at pod level.
    Unsafe {
        value: NodeId,
        inherited: bool,
    },
}

/// Where a container stands on `want`.
pub fn state(yaml: &Yaml, c: ContainerRef, want: Want) -> State {
    let field = |key: &str| security_field(yaml, c.pod, c.container, key);
    match want {
        Want::RunAsNonRoot => match field("runAsNonRoot") {
            Some(s)
                if yaml.bool(s.value, crate::model::yaml::Booleans::Kubernetes) == Some(true) =>
            {
                State::Ok
            }
            Some(s)
                if yaml.bool(s.value, crate::model::yaml::Booleans::Kubernetes) == Some(false) =>
            {
                State::Unsafe {
                    value: s.value,
                    inherited: s.inherited,
                }
            }
            _ => State::Unset,
        },
        Want::RunAsUser => match field("runAsUser") {
            Some(s) if yaml.str(s.value) == Some("0") => State::Unsafe {
                value: s.value,
                inherited: s.inherited,
            },
            Some(_) => State::Ok,
            None => State::Unset,
        },
        Want::NoPrivilegeEscalation => bool_state(yaml, field("allowPrivilegeEscalation"), false),
        Want::ReadOnlyRootFilesystem => bool_state(yaml, field("readOnlyRootFilesystem"), true),
        Want::DropAllCapabilities => {
            let capabilities = field("capabilities");
            let drop = capabilities
                .as_ref()
                .and_then(|s| yaml.get(s.value, "drop"));
            let items = drop.map_or(&[][..], |d| yaml.items(d.value));
            // Exactly `ALL`: Pod Security admission compares names as written, so `all` or `CAP_ALL`
            // drops everything at run time yet fails `restricted`.
            if items.iter().any(|&i| yaml.str(i) == Some("ALL")) {
                return State::Ok;
            }
            match items.iter().find(|&&i| yaml.str(i).is_some_and(is_all)) {
                Some(&spelled) => State::Unsafe {
                    value: spelled,
                    inherited: capabilities.is_some_and(|c| c.inherited),
                },
                None => State::Unset,
            }
        }
        Want::RuntimeDefaultSeccomp => {
            let Some(profile) = field("seccompProfile") else {
                return State::Unset;
            };
            match yaml.get(profile.value, "type") {
                Some(t) if matches!(yaml.str(t.value), Some("RuntimeDefault" | "Localhost")) => {
                    State::Ok
                }
                Some(t) => State::Unsafe {
                    value: t.value,
                    inherited: profile.inherited,
                },
                None => State::Unset,
            }
        }
    }
}

fn bool_state(
    yaml: &Yaml,
    setting: Option<crate::model::kubernetes::Setting>,
    safe: bool,
) -> State {
    match setting {
        Some(s) if yaml.bool(s.value, crate::model::yaml::Booleans::Kubernetes) == Some(safe) => {
            State::Ok
        }
        Some(s) => State::Unsafe {
            value: s.value,
            inherited: s.inherited,
        },
        None => State::Unset,
    }
}

/// `ALL` as people write it: any case, with or without `CAP_`.
pub fn is_all(capability: &str) -> bool {
    capability_name(capability) == "ALL"
}

/// A capability's canonical name: upper case, without `CAP_`.
pub fn capability_name(capability: &str) -> String {
    let upper = capability.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}

/// The edits that make the container satisfy every setting of `wants` it does not satisfy yet.
pub fn edits(cx: &KubernetesContext, c: ContainerRef, wants: &[Want]) -> Vec<Edit> {
    let yaml = cx.yaml;
    let own = yaml.get(c.container.node, "securityContext");
    let own_map = own
        .filter(|m| yaml.is_mapping(m.value))
        .map(|m| yaml.resolve(m.value));
    let mut nested = Vec::new();
    let mut inserts: Vec<(String, Y)> = Vec::new();
    for &want in wants {
        let current = state(yaml, c, want);
        if current == State::Ok
            || (want == Want::RunAsUser && current == State::Unset && !needs_user(yaml, c))
        {
            continue;
        }
        match (want, current) {
            (
                _,
                State::Unsafe {
                    value,
                    inherited: false,
                },
            ) if !matches!(
                want,
                Want::RuntimeDefaultSeccomp | Want::DropAllCapabilities
            ) =>
            {
                nested.push(replace_value(yaml, value, &scalar_text(want)));
            }
            // `all` or `CAP_ALL`, spelled as admission does not accept it: written `ALL`.
            (Want::DropAllCapabilities, State::Unsafe { value, .. }) => {
                nested.push(replace_value(yaml, value, "ALL"));
            }
            (
                Want::RuntimeDefaultSeccomp,
                State::Unsafe {
                    value,
                    inherited: false,
                },
            ) => {
                nested.push(replace_value(yaml, value, "RuntimeDefault"));
            }
            (Want::DropAllCapabilities, _) => match capabilities_edit(cx, own_map) {
                Some(edit) => nested.push(edit),
                None => inserts.push((want.key().to_owned(), want.value())),
            },
            _ => inserts.push((want.key().to_owned(), want.value())),
        }
    }
    let mut out = nested;
    if inserts.is_empty() {
        return out;
    }
    let insert = match (own, own_map) {
        (_, Some(map)) => insert_entries(cx.source, yaml, map, &inserts),
        (Some(member), None) if yaml.is_null(member.value) => Some(fill_null(
            cx.source,
            yaml.node(member.key_node).range,
            member.value,
            yaml,
            &inserts,
        )),
        (Some(_), None) => None,
        (None, _) => insert_entries(
            cx.source,
            yaml,
            c.container.node,
            &[("securityContext".to_owned(), Y::Map(inserts))],
        ),
    };
    out.extend(insert);
    out
}

/// A container that will run as non-root needs a uid unless one is set: most images default to root, and the
/// kubelet refuses `runAsNonRoot` with uid 0.
fn needs_user(yaml: &Yaml, c: ContainerRef) -> bool {
    state(yaml, c, Want::RunAsNonRoot) != State::Ok
}

fn scalar_text(want: Want) -> String {
    match want.value() {
        Y::Scalar(s) => s,
        _ => String::new(),
    }
}

/// Add `ALL` to an existing `capabilities.drop`, or `drop: [ALL]` to existing `capabilities`.
fn capabilities_edit(cx: &KubernetesContext, own: Option<NodeId>) -> Option<Edit> {
    let yaml = cx.yaml;
    let capabilities = yaml.get(own?, "capabilities")?;
    if !yaml.is_mapping(capabilities.value) {
        return None;
    }
    let map = yaml.resolve(capabilities.value);
    match yaml.get(map, "drop") {
        Some(drop)
            if !yaml.items(drop.value).is_empty() || yaml.node(yaml.resolve(drop.value)).flow =>
        {
            append_item(cx.source, yaml, yaml.resolve(drop.value), "ALL")
        }
        Some(_) => None,
        None => insert_entries(
            cx.source,
            yaml,
            map,
            &[("drop".to_owned(), Y::List(vec!["ALL".into()]))],
        ),
    }
}

/// The preferred action on every container-hardening finding: all missing or unsafe settings at once.
pub fn harden_fix(cx: &KubernetesContext, c: ContainerRef) -> Option<Fix> {
    let edits = edits(cx, c, &Want::ALL);
    (!edits.is_empty()).then(|| {
        let title = format!(
            "Harden this container (`{}`): non-root 10001, no privilege escalation, read-only root, drop ALL, RuntimeDefault seccomp",
            c.container.name
        );
        Fix::unsafe_(title, edits).preferred(true)
    })
}

/// A fix that sets only `wants`.
pub fn single_fix(
    cx: &KubernetesContext,
    c: ContainerRef,
    wants: &[Want],
    title: &str,
) -> Option<Fix> {
    let edits = edits(cx, c, wants);
    (!edits.is_empty()).then(|| Fix::unsafe_(title, edits))
}
