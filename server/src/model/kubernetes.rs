//! The Kubernetes view: manifests (documents with `apiVersion` and `kind`, `List` items included), the pod
//! specs of workloads, and their containers with what they inherit from the pod.

use super::yaml::{NodeId, Yaml};
use crate::TextRange;

/// One Kubernetes object.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub root: NodeId,
    pub kind: String,
    /// The `kind:` pair, where manifest-level findings are reported.
    pub kind_range: TextRange,
    pub name: Option<String>,
    /// `metadata.namespace`, `default` when absent.
    pub namespace: String,
    /// The index of the YAML document it is written in.
    pub document: usize,
}

/// Which list of the pod spec a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub node: NodeId,
    pub name: String,
    pub list: ContainerList,
}

/// The pod template of a workload.
#[derive(Debug, Clone)]
pub struct PodSpec {
    pub manifest: usize,
    /// The pod spec mapping.
    pub node: NodeId,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Default)]
pub struct Kubernetes {
    pub manifests: Vec<Manifest>,
    pub pods: Vec<PodSpec>,
}

/// Where each workload kind keeps its pod spec.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

impl Kubernetes {
    pub fn read(yaml: &Yaml) -> Self {
        let mut out = Kubernetes::default();
        for (index, document) in yaml.documents.iter().enumerate() {
            let Some(root) = document.root else { continue };
            let Some(manifest) = manifest_of(yaml, root, index) else {
                continue;
            };
            if manifest.kind == "List" {
                if let Some(items) = yaml.get(root, "items") {
                    for &item in yaml.items(items.value) {
                        if let Some(m) = manifest_of(yaml, item, index) {
                            out.push(yaml, m);
                        }
                    }
                }
                continue;
            }
            out.push(yaml, manifest);
        }
        out
    }

    fn push(&mut self, yaml: &Yaml, manifest: Manifest) {
        let index = self.manifests.len();
        if let Some(spec) = pod_spec_path(&manifest.kind).and_then(|p| yaml.path(manifest.root, p))
        {
            if yaml.is_mapping(spec) {
                let mut containers = Vec::new();
                for (key, list) in [
                    ("initContainers", ContainerList::InitContainers),
                    ("containers", ContainerList::Containers),
                    ("ephemeralContainers", ContainerList::EphemeralContainers),
                ] {
                    let Some(member) = yaml.get(spec, key) else {
                        continue;
                    };
                    for &c in yaml.items(member.value) {
                        if yaml.is_mapping(c) {
                            let name = yaml
                                .get(c, "name")
                                .and_then(|n| yaml.str(n.value))
                                .unwrap_or("")
                                .to_owned();
                            containers.push(Container {
                                node: yaml.resolve(c),
                                name,
                                list,
                            });
                        }
                    }
                }
                self.pods.push(PodSpec {
                    manifest: index,
                    node: yaml.resolve(spec),
                    containers,
                });
            }
        }
        self.manifests.push(manifest);
    }
}

fn manifest_of(yaml: &Yaml, node: NodeId, document: usize) -> Option<Manifest> {
    if !yaml.is_mapping(node) {
        return None;
    }
    yaml.get(node, "apiVersion")
        .and_then(|m| yaml.str(m.value))?;
    let kind = yaml.get(node, "kind")?;
    let metadata = yaml.get(node, "metadata").map(|m| m.value);
    let field = |key: &str| {
        metadata
            .and_then(|m| yaml.get(m, key))
            .and_then(|m| yaml.str(m.value))
            .map(str::to_owned)
    };
    Some(Manifest {
        root: yaml.resolve(node),
        kind: yaml.str(kind.value)?.to_owned(),
        kind_range: kind.range,
        name: field("name"),
        namespace: field("namespace")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "default".to_owned()),
        document,
    })
}

/// Whether any document is a Kubernetes object.
pub fn looks_like_kubernetes(yaml: &Yaml) -> bool {
    yaml.documents
        .iter()
        .enumerate()
        .any(|(i, d)| d.root.is_some_and(|r| manifest_of(yaml, r, i).is_some()))
}

/// A `securityContext` field of a container, else of its pod (for the fields a pod can set).
pub fn security_field(
    yaml: &Yaml,
    pod: &PodSpec,
    container: &Container,
    key: &str,
) -> Option<Setting> {
    let own = yaml.path(container.node, &["securityContext", key]);
    if let Some(value) = own {
        return Some(Setting {
            value,
            inherited: false,
        });
    }
    let pod_level = [
        "runAsNonRoot",
        "runAsUser",
        "runAsGroup",
        "seccompProfile",
        "seLinuxOptions",
        "appArmorProfile",
    ];
    if pod_level.contains(&key) {
        return yaml
            .path(pod.node, &["securityContext", key])
            .map(|value| Setting {
                value,
                inherited: true,
            });
    }
    None
}

/// A setting and whether it came from the pod.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    pub value: NodeId,
    pub inherited: bool,
}
