//! What the files of a workspace tell about each other: the facts cross-file rules need, one summary per
//! file, kept current by whoever reads the files (the CLI from the paths it was given, the server from its
//! workspace folder and the open documents).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::TextRange;
use crate::model::kubernetes::Kubernetes;
use crate::model::yaml::Yaml;

/// What one Kubernetes file contributes: its workloads' namespaces (each with the `kind:` pair of its first
/// workload in the file) and the namespaces it gives a default-deny NetworkPolicy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub workloads: Vec<(String, TextRange)>,
    pub default_deny: BTreeSet<String>,
}

impl Summary {
    /// Summarise one YAML view; ranges are those of the view's text.
    pub fn of(yaml: &Yaml, k8s: &Kubernetes) -> Self {
        let mut summary = Summary::default();
        for pod in &k8s.pods {
            let manifest = &k8s.manifests[pod.manifest];
            if !summary
                .workloads
                .iter()
                .any(|(ns, _)| *ns == manifest.namespace)
            {
                summary
                    .workloads
                    .push((manifest.namespace.clone(), manifest.kind_range));
            }
        }
        for manifest in k8s.manifests.iter().filter(|m| m.kind == "NetworkPolicy") {
            if is_default_deny(yaml, manifest.root) {
                summary.default_deny.insert(manifest.namespace.clone());
            }
        }
        summary
    }

    /// Merge the summary of a later part of the same file, whose ranges start `offset` bytes in.
    pub fn extend(&mut self, other: &Summary, offset: usize) {
        for (namespace, range) in &other.workloads {
            if !self.workloads.iter().any(|(ns, _)| ns == namespace) {
                let range = TextRange::new(range.start + offset, range.end + offset);
                self.workloads.push((namespace.clone(), range));
            }
        }
        self.default_deny.extend(other.default_deny.iter().cloned());
    }
}

/// A NetworkPolicy that selects every pod (`podSelector: {}`) and denies both directions
/// (`policyTypes: [Ingress, Egress]`).
fn is_default_deny(yaml: &Yaml, root: usize) -> bool {
    let Some(spec) = yaml.get(root, "spec").map(|m| m.value) else {
        return false;
    };
    let all_pods = yaml
        .get(spec, "podSelector")
        .is_some_and(|m| yaml.is_mapping(m.value) && yaml.entries(m.value).is_empty());
    let types: Vec<&str> = yaml
        .get(spec, "policyTypes")
        .map(|m| {
            yaml.items(m.value)
                .iter()
                .filter_map(|&i| yaml.str(i))
                .collect()
        })
        .unwrap_or_default();
    all_pods && types.contains(&"Ingress") && types.contains(&"Egress")
}

/// The summaries of every Kubernetes file of a workspace.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    files: BTreeMap<PathBuf, Summary>,
}

impl Workspace {
    pub fn set(&mut self, path: &Path, summary: Summary) {
        self.files.insert(path.to_path_buf(), summary);
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    /// The namespaces some file other than `path` gives a default-deny policy.
    pub fn default_denied_except(&self, path: Option<&Path>) -> BTreeSet<String> {
        self.files
            .iter()
            .filter(|(p, _)| Some(p.as_path()) != path)
            .flat_map(|(_, s)| s.default_deny.iter().cloned())
            .collect()
    }

    /// The namespaces some file gives a default-deny policy.
    pub fn default_denied(&self) -> BTreeSet<String> {
        self.files
            .values()
            .flat_map(|s| s.default_deny.iter().cloned())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
