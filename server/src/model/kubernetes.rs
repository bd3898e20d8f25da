//! The Kubernetes view: manifests (documents with `apiVersion` and `kind`, `List` items included), the pod
//! specs of workloads, and their containers with what they inherit from the pod.

use super::yaml::{NodeId, Yaml};
use crate::document::TextRange;

/// One Kubernetes object.
#[derive(Debug, Clone)]
pub struct Manifest {
    pub root: NodeId,
    pub kind: String,
    pub api_version: String,
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
    /// How messages name a container that has no name of its own (an Argo template's `container:`).
    pub label: Option<String>,
}

/// The pod template of a workload.
#[derive(Debug, Clone)]
pub struct PodSpec {
    pub manifest: usize,
    /// The pod spec mapping.
    pub node: NodeId,
    /// The pod's `metadata` mapping (a Pod's own, a template's `metadata`), where its annotations are.
    pub metadata: Option<NodeId>,
    pub containers: Vec<Container>,
}

#[derive(Debug, Clone, Default)]
pub struct Kubernetes {
    pub manifests: Vec<Manifest>,
    pub pods: Vec<PodSpec>,
}

/// Where each workload kind keeps its pod spec (`api_version` tells Knative's `Service` from the core one).
fn pod_spec_path(kind: &str, api_version: &str) -> Option<&'static [&'static str]> {
    let knative = api_version.starts_with("serving.knative.dev/");
    Some(match kind {
        "Pod" => &["spec"],
        "Revision" if knative => &["spec"],
        "Service" | "Configuration" if knative => &["spec", "template", "spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        // OpenShift's DeploymentConfig and Argo Rollouts' Rollout (a `workloadRef` has no template here).
        | "DeploymentConfig"
        | "Rollout" => &["spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// Where Argo Workflows kinds keep their templates, each of which runs as a pod.
fn argo_templates_path(kind: &str, api_version: &str) -> Option<&'static [&'static str]> {
    if !api_version.starts_with("argoproj.io/") {
        return None;
    }
    Some(match kind {
        "Workflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate" => &["spec", "templates"],
        "CronWorkflow" => &["spec", "workflowSpec", "templates"],
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
        let path = pod_spec_path(&manifest.kind, &manifest.api_version);
        let pod = path
            .and_then(|p| yaml.path(manifest.root, p))
            .filter(|&spec| yaml.is_mapping(spec));
        // The pod's metadata is the spec's sibling: `spec.template.metadata` beside `spec.template.spec`.
        let metadata = path.and_then(|p| {
            let mut sibling: Vec<&str> = p[..p.len() - 1].to_vec();
            sibling.push("metadata");
            yaml.path(manifest.root, &sibling)
        });
        if let Some(spec) = pod {
            let containers = listed_containers(
                yaml,
                spec,
                &[
                    ("initContainers", ContainerList::InitContainers),
                    ("containers", ContainerList::Containers),
                    ("ephemeralContainers", ContainerList::EphemeralContainers),
                ],
            );
            self.pods.push(PodSpec {
                manifest: index,
                node: yaml.resolve(spec),
                metadata,
                containers,
            });
        }
        let templates = argo_templates_path(&manifest.kind, &manifest.api_version)
            .and_then(|p| yaml.path(manifest.root, p));
        for &template in templates.map_or(&[][..], |t| yaml.items(t)) {
            self.push_argo_template(yaml, index, template);
        }
        if manifest.kind == "Task" && manifest.api_version.starts_with("tekton.dev/") {
            if let Some(spec) = yaml.get(manifest.root, "spec").map(|m| m.value) {
                let mut containers = listed_containers(
                    yaml,
                    spec,
                    &[
                        ("steps", ContainerList::Containers),
                        ("sidecars", ContainerList::Containers),
                    ],
                );
                containers.extend(single_container(
                    yaml,
                    spec,
                    "stepTemplate",
                    "the step template",
                ));
                self.pods.push(PodSpec {
                    manifest: index,
                    node: yaml.resolve(spec),
                    metadata: None,
                    containers,
                });
            }
        }
        self.manifests.push(manifest);
    }

    /// One Argo template that runs a pod: its `container:`, `script:` or `containerSet`, with its init
    /// containers and sidecars. The template stands for the pod spec (it holds the pod's `securityContext`).
    fn push_argo_template(&mut self, yaml: &Yaml, manifest: usize, template: NodeId) {
        let name = yaml
            .get(template, "name")
            .and_then(|n| yaml.str(n.value))
            .unwrap_or("");
        let mut containers = listed_containers(
            yaml,
            template,
            &[
                ("initContainers", ContainerList::InitContainers),
                ("sidecars", ContainerList::Containers),
            ],
        );
        for key in ["container", "script"] {
            containers.extend(single_container(
                yaml,
                template,
                key,
                &format!("the {key} of template `{name}`"),
            ));
        }
        if let Some(set) = yaml.get(template, "containerSet").map(|m| m.value) {
            containers.extend(listed_containers(
                yaml,
                set,
                &[("containers", ContainerList::Containers)],
            ));
        }
        if !containers.is_empty() {
            self.pods.push(PodSpec {
                manifest,
                node: yaml.resolve(template),
                metadata: yaml.get(template, "metadata").map(|m| m.value),
                containers,
            });
        }
    }
}

/// The containers of `owner`'s lists (`containers:`, `initContainers:`…), in the order given.
fn listed_containers(
    yaml: &Yaml,
    owner: NodeId,
    lists: &[(&str, ContainerList)],
) -> Vec<Container> {
    let mut out = Vec::new();
    for (key, list) in lists {
        let Some(member) = yaml.get(owner, key) else {
            continue;
        };
        for &c in yaml.items(member.value) {
            if yaml.is_mapping(c) {
                let name = yaml
                    .get(c, "name")
                    .and_then(|n| yaml.str(n.value))
                    .unwrap_or("")
                    .to_owned();
                out.push(Container {
                    node: yaml.resolve(c),
                    name,
                    list: *list,
                    label: None,
                });
            }
        }
    }
    out
}

/// A container written as one mapping under `key` (Argo's `container:`, Tekton's `stepTemplate:`), named
/// by `label` in messages when it has no name.
fn single_container(yaml: &Yaml, owner: NodeId, key: &str, label: &str) -> Option<Container> {
    let node = yaml.get(owner, key)?.value;
    if !yaml.is_mapping(node) {
        return None;
    }
    let name = yaml
        .get(node, "name")
        .and_then(|n| yaml.str(n.value))
        .unwrap_or("")
        .to_owned();
    Some(Container {
        node: yaml.resolve(node),
        label: name.is_empty().then(|| label.to_owned()),
        name,
        list: ContainerList::Containers,
    })
}

fn manifest_of(yaml: &Yaml, node: NodeId, document: usize) -> Option<Manifest> {
    if !yaml.is_mapping(node) {
        return None;
    }
    let api_version = yaml
        .get(node, "apiVersion")
        .and_then(|m| yaml.str(m.value))?
        .to_owned();
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
        api_version,
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
