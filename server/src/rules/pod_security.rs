//! The security settings of Kubernetes containers, shared by the rules that read them and the fixes that
//! harden them: what each container effectively gets (its own `securityContext`, else its pod's), and the
//! YAML edits that set what is missing — one "Harden this container" action, or one setting at a time.

use crate::document::TextRange;
use crate::edit::fix::{Edit, Fix};
use crate::edit::yaml_edit::{
    Y, append_item, append_values, fill_null, insert_entries, replace_value,
};
use crate::knowledge::official_images::{self, Image};
use crate::model::image_ref::ImageRef;
use crate::model::kubernetes::{Container, Manifest, PodSpec, security_field};
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::KubernetesContext;

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

/// Every `securityContext` mapping of the file that sets `key`, with a name for messages: each pod's
/// (`the pod of Deployment `web``), then each of its containers'.
pub fn security_settings<'a>(
    cx: &KubernetesContext<'a>,
    key: &str,
) -> Vec<(String, crate::model::yaml::Member<'a>)> {
    let yaml = cx.yaml;
    let mut out = Vec::new();
    for pod in &cx.k8s.pods {
        let manifest = &cx.k8s.manifests[pod.manifest];
        if let Some(member) = yaml
            .get(pod.node, "securityContext")
            .and_then(|m| yaml.get(m.value, key))
        {
            out.push((format!("the pod of {}", owner(manifest)), member));
        }
        for container in &pod.containers {
            let c = ContainerRef {
                manifest,
                pod,
                container,
            };
            if let Some(member) = yaml
                .get(container.node, "securityContext")
                .and_then(|m| yaml.get(m.value, key))
            {
                out.push((describe(c), member));
            }
        }
    }
    out
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

    fn value(self, uid: &str) -> Y {
        match self {
            Want::RunAsNonRoot | Want::ReadOnlyRootFilesystem => Y::scalar("true"),
            Want::RunAsUser => Y::scalar(uid),
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

/// The uid a fix runs a container as: the image's own user when the image table knows it (postgres 999,
/// node 1000), else 10001, a uid no image ships.
pub fn fix_uid(yaml: &Yaml, c: ContainerRef) -> String {
    match known_image(yaml, c) {
        Some((reference, image)) => image.uid(&reference).to_owned(),
        None => "10001".to_owned(),
    }
}

/// Why a container of the pod needs the node, when the image table lists its image as a node agent (an
/// exporter, a log shipper, a CNI or CSI plugin).
pub fn pod_host_agent(yaml: &Yaml, pod: &PodSpec) -> Option<&'static str> {
    pod.containers.iter().find_map(|c| {
        let reference = ImageRef::parse(yaml.str(yaml.get(c.node, "image")?.value)?)?;
        official_images::table().host_agent(&reference)
    })
}

/// The official image a container runs, with what the image table knows of it.
pub fn known_image(yaml: &Yaml, c: ContainerRef) -> Option<(ImageRef, &'static Image)> {
    let reference = ImageRef::parse(yaml.str(yaml.get(c.container.node, "image")?.value)?)?;
    let image = official_images::table().lookup(&reference)?;
    Some((reference, image))
}

/// Whether the container keeps its image's entrypoint (no `command:`) and runs the image's server (its
/// first `args:` item), so that an entrypoint that drops root does so.
pub fn entrypoint_drops_root(yaml: &Yaml, c: ContainerRef, image: &Image) -> bool {
    if yaml.get(c.container.node, "command").is_some() {
        return false;
    }
    let first_arg = yaml
        .get(c.container.node, "args")
        .and_then(|m| yaml.items(m.value).first().copied())
        .and_then(|arg| yaml.str(arg));
    image.drops_root_for(first_arg)
}

/// The edits that make the container satisfy every setting of `wants` it does not satisfy yet. A
/// read-only root comes with `emptyDir` mounts for the paths the image writes (from the image table), and a
/// new non-root uid with the pod's `fsGroup` when the container writes to a persistent volume.
pub fn edits(cx: &KubernetesContext, c: ContainerRef, wants: &[Want]) -> Vec<Edit> {
    let yaml = cx.yaml;
    let uid = fix_uid(yaml, c);
    let own = yaml.get(c.container.node, "securityContext");
    let own_map = own
        .filter(|m| yaml.is_mapping(m.value))
        .map(|m| yaml.resolve(m.value));
    let mut nested = Vec::new();
    let mut inserts: Vec<(String, Y)> = Vec::new();
    let mut mounts = Vec::new();
    let mut sets_user = false;
    for &want in wants {
        let current = state(yaml, c, want);
        if current == State::Ok
            || (want == Want::RunAsUser && current == State::Unset && !needs_user(yaml, c))
        {
            continue;
        }
        sets_user |= want == Want::RunAsUser;
        if want == Want::ReadOnlyRootFilesystem {
            mounts = writable_mounts(yaml, c);
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
                nested.push(replace_value(yaml, value, &scalar_text(want, &uid)));
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
                None => inserts.push((want.key().to_owned(), want.value(&uid))),
            },
            _ => inserts.push((want.key().to_owned(), want.value(&uid))),
        }
    }
    // At one offset, edits apply in the order given: the deeper text (inside the container) goes first.
    let mut out = nested;
    let mut container_inserts = Vec::new();
    if !inserts.is_empty() {
        match (own, own_map) {
            (_, Some(map)) => out.extend(insert_entries(cx.source, yaml, map, &inserts)),
            (Some(member), None) if yaml.is_null(member.value) => out.push(fill_null(
                cx.source,
                yaml.node(member.key_node).range,
                member.value,
                yaml,
                &inserts,
            )),
            (Some(_), None) => {}
            (None, _) => container_inserts.push(("securityContext".to_owned(), Y::Map(inserts))),
        }
    }
    let mount_items: Vec<Y> = mounts
        .iter()
        .map(|(name, path)| Y::map([("name", Y::text(name)), ("mountPath", Y::text(path))]))
        .collect();
    match yaml.get(c.container.node, "volumeMounts") {
        _ if mount_items.is_empty() => {}
        // A read-only root without the mounts the image needs would stop it: no edit at all.
        Some(existing) => {
            match append_values(cx.source, yaml, yaml.resolve(existing.value), &mount_items) {
                Some(edit) => out.push(edit),
                None => return Vec::new(),
            }
        }
        None => container_inserts.push(("volumeMounts".to_owned(), Y::Seq(mount_items))),
    }
    out.extend(insert_entries(
        cx.source,
        yaml,
        c.container.node,
        &container_inserts,
    ));
    let known = known_image(yaml, c);
    let group = (sets_user && writes_persistent_volume(yaml, c)).then(|| {
        known
            .as_ref()
            .map_or_else(|| uid.clone(), |(r, i)| i.gid(r).to_owned())
    });
    // A non-root process binds a port below 1024 only where the pod says unprivileged ports start at 0
    // (a Pod Security "safe" sysctl); NET_BIND_SERVICE does not reach it without privilege escalation.
    let low_port = sets_user && known.is_some_and(|(_, image)| image.listens_below_1024());
    out.extend(pod_edits(cx, c, group.as_deref(), low_port, &mounts));
    out
}

/// The pod-level half of a container's hardening: `fsGroup` and the unprivileged-port sysctl in the pod's
/// `securityContext` (unless set), and the `emptyDir` volumes the container's new mounts use.
fn pod_edits(
    cx: &KubernetesContext,
    c: ContainerRef,
    fs_group: Option<&str>,
    low_port: bool,
    mounts: &[(String, String)],
) -> Vec<Edit> {
    let yaml = cx.yaml;
    let mut out = Vec::new();
    let mut pod_inserts = Vec::new();
    let context = yaml.get(c.pod.node, "securityContext");
    let mut entries = Vec::new();
    if let Some(gid) = fs_group
        && yaml
            .path(c.pod.node, &["securityContext", "fsGroup"])
            .is_none()
    {
        entries.push(("fsGroup".to_owned(), Y::scalar(gid)));
    }
    if low_port {
        let sysctl = Y::map([
            ("name", Y::scalar(UNPRIVILEGED_PORT_SYSCTL)),
            ("value", Y::scalar("\"0\"")),
        ]);
        let existing = yaml.path(c.pod.node, &["securityContext", "sysctls"]);
        let named = existing.is_some_and(|list| {
            yaml.items(list).iter().any(|&item| {
                yaml.get(item, "name").and_then(|m| yaml.str(m.value))
                    == Some(UNPRIVILEGED_PORT_SYSCTL)
            })
        });
        match existing {
            _ if named => {}
            Some(list) => out.extend(append_values(
                cx.source,
                yaml,
                yaml.resolve(list),
                &[sysctl],
            )),
            None => entries.push(("sysctls".to_owned(), Y::Seq(vec![sysctl]))),
        }
    }
    if !entries.is_empty() {
        match context {
            Some(m) if yaml.is_mapping(m.value) => {
                out.extend(insert_entries(
                    cx.source,
                    yaml,
                    yaml.resolve(m.value),
                    &entries,
                ));
            }
            Some(m) if yaml.is_null(m.value) => out.push(fill_null(
                cx.source,
                yaml.node(m.key_node).range,
                m.value,
                yaml,
                &entries,
            )),
            Some(_) => {}
            None => pod_inserts.push(("securityContext".to_owned(), Y::Map(entries))),
        }
    }
    let volumes: Vec<Y> = mounts
        .iter()
        .map(|(name, _)| Y::map([("name", Y::text(name)), ("emptyDir", Y::scalar("{}"))]))
        .collect();
    match yaml.get(c.pod.node, "volumes") {
        _ if volumes.is_empty() => {}
        Some(existing) => {
            out.extend(append_values(
                cx.source,
                yaml,
                yaml.resolve(existing.value),
                &volumes,
            ));
        }
        None => pod_inserts.push(("volumes".to_owned(), Y::Seq(volumes))),
    }
    out.extend(insert_entries(cx.source, yaml, c.pod.node, &pod_inserts));
    out
}

/// The sysctl that lets non-root processes bind ports below 1024, safe under the Pod Security Standards.
const UNPRIVILEGED_PORT_SYSCTL: &str = "net.ipv4.ip_unprivileged_port_start";

/// The `emptyDir` mounts a read-only root needs: each path the image table says the image writes that no
/// mount of the container covers yet, with a volume name the pod does not use.
fn writable_mounts(yaml: &Yaml, c: ContainerRef) -> Vec<(String, String)> {
    let Some((_, image)) = known_image(yaml, c) else {
        return Vec::new();
    };
    let mount_paths: Vec<&str> = yaml
        .get(c.container.node, "volumeMounts")
        .map(|m| yaml.items(m.value))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&m| yaml.str(yaml.get(m, "mountPath")?.value))
        .collect();
    let mut taken: Vec<String> = yaml
        .get(c.pod.node, "volumes")
        .map(|m| yaml.items(m.value))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&v| yaml.str(yaml.get(v, "name")?.value).map(str::to_owned))
        .collect();
    let mut out = Vec::new();
    for path in image.writable_paths() {
        if mount_paths.iter().any(|m| Image::covers(m, path)) {
            continue;
        }
        let name = volume_name(path, &taken);
        taken.push(name.clone());
        out.push((name, path.to_owned()));
    }
    out
}

/// A DNS-1123 label for the volume that holds `path` (`/var/run/postgresql` → `var-run-postgresql`), not
/// one of `taken`.
fn volume_name(path: &str, taken: &[String]) -> String {
    let base: String = path
        .trim_matches('/')
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(50)
        .collect();
    let base = base.trim_matches('-');
    let base = if base.is_empty() { "writable" } else { base };
    (0..)
        .map(|n| {
            if n == 0 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|name| !taken.contains(name))
        .unwrap_or_else(|| base.to_owned())
}

/// Whether the container mounts a persistent volume: a `persistentVolumeClaim` volume of its pod, or (in a
/// StatefulSet) a volume claim template, whose files a new uid must be able to write.
fn writes_persistent_volume(yaml: &Yaml, c: ContainerRef) -> bool {
    let mounted: Vec<&str> = yaml
        .get(c.container.node, "volumeMounts")
        .map(|m| yaml.items(m.value))
        .unwrap_or(&[])
        .iter()
        .filter(|&&m| {
            yaml.get(m, "readOnly")
                .and_then(|r| yaml.bool(r.value, crate::model::yaml::Booleans::Kubernetes))
                != Some(true)
        })
        .filter_map(|&m| yaml.str(yaml.get(m, "name")?.value))
        .collect();
    let claims = yaml
        .get(c.pod.node, "volumes")
        .map(|m| yaml.items(m.value))
        .unwrap_or(&[])
        .iter()
        .filter(|&&v| yaml.get(v, "persistentVolumeClaim").is_some())
        .filter_map(|&v| yaml.str(yaml.get(v, "name")?.value));
    let manifest_root = c.manifest.root;
    let templates = yaml
        .path(manifest_root, &["spec", "volumeClaimTemplates"])
        .map(|t| yaml.items(t))
        .unwrap_or(&[])
        .iter()
        .filter_map(|&t| yaml.str(yaml.path(t, &["metadata", "name"])?));
    claims.chain(templates).any(|name| mounted.contains(&name))
}

/// A container that will run as non-root needs a uid unless one is set: most images default to root, and the
/// kubelet refuses `runAsNonRoot` with uid 0.
fn needs_user(yaml: &Yaml, c: ContainerRef) -> bool {
    state(yaml, c, Want::RunAsNonRoot) != State::Ok
}

fn scalar_text(want: Want, uid: &str) -> String {
    match want.value(uid) {
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
        let yaml = cx.yaml;
        let root = match known_image(yaml, c) {
            Some((_, image)) if !image.writable_paths().collect::<Vec<_>>().is_empty() => format!(
                "read-only root with writable {}",
                image.writable_paths().collect::<Vec<_>>().join(", ")
            ),
            _ => "read-only root".to_owned(),
        };
        let title = format!(
            "Harden this container (`{}`): non-root {}, no privilege escalation, {root}, drop ALL, RuntimeDefault seccomp",
            c.container.name,
            fix_uid(yaml, c)
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
