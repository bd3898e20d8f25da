//! What the files of a workspace tell about each other: the facts cross-file rules need, one summary per
//! file, kept current by whoever reads the files (the CLI from the paths it was given, the server from its
//! workspace folder and the open documents).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::kubernetes::Kubernetes;
use crate::model::yaml::Yaml;
use crate::{Diagnostic, TextRange};

/// What the files of a workspace say that another file's findings depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Namespaces with a default-deny NetworkPolicy.
    pub default_deny: BTreeSet<String>,
    /// ServiceAccounts, as `(namespace, name)`, that set `automountServiceAccountToken: false`.
    pub tokenless_accounts: BTreeSet<(String, String)>,
}

impl Facts {
    pub fn extend(&mut self, other: &Facts) {
        self.default_deny.extend(other.default_deny.iter().cloned());
        self.tokenless_accounts
            .extend(other.tokenless_accounts.iter().cloned());
    }
}

/// A pod that mounts its service account token: the finding to report unless the pod leaves the key
/// unset and a file of the workspace gives its `(namespace, account)` `automountServiceAccountToken: false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenMount {
    pub namespace: String,
    /// The pod's ServiceAccount; `None` when the pod sets the key itself, which its account cannot undo.
    pub account: Option<String>,
    pub finding: Diagnostic,
}

/// What one Kubernetes file contributes: its workloads' namespaces (each with the `kind:` pair of its first
/// workload in the file), the facts it gives the others, and its pods whose token depends on them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub workloads: Vec<(String, TextRange)>,
    pub facts: Facts,
    pub token_mounts: Vec<TokenMount>,
}

impl Summary {
    /// Summarise one YAML view; ranges are those of the view's text. The token mounts are the rule's to
    /// fill in (`service-account-token-mounted`), as they carry its findings.
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
        for manifest in &k8s.manifests {
            match manifest.kind.as_str() {
                "NetworkPolicy" if is_default_deny(yaml, manifest.root) => {
                    summary
                        .facts
                        .default_deny
                        .insert(manifest.namespace.clone());
                }
                "ServiceAccount" => {
                    let automount = yaml.get(manifest.root, "automountServiceAccountToken");
                    let name = manifest.name.as_deref();
                    if let (Some(false), Some(name)) =
                        (automount.and_then(|m| yaml.bool(m.value)), name)
                    {
                        summary
                            .facts
                            .tokenless_accounts
                            .insert((manifest.namespace.clone(), name.to_owned()));
                    }
                }
                _ => {}
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
        self.facts.extend(&other.facts);
        let shift = isize::try_from(offset).unwrap_or(0);
        self.token_mounts
            .extend(other.token_mounts.iter().map(|m| TokenMount {
                finding: m.finding.clone().shifted(shift),
                ..m.clone()
            }));
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

    /// What the files other than `path` say.
    pub fn facts_except(&self, path: Option<&Path>) -> Facts {
        let mut facts = Facts::default();
        for (_, summary) in self.files.iter().filter(|(p, _)| Some(p.as_path()) != path) {
            facts.extend(&summary.facts);
        }
        facts
    }

    /// What every file says.
    pub fn facts(&self) -> Facts {
        self.facts_except(None)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
