//! What the files of a workspace tell about each other: the facts cross-file rules need, read into one
//! summary per file (the engine's workspace index keeps them).

mod network_policy;

use std::collections::{BTreeMap, BTreeSet};

use crate::document::TextRange;
use crate::knowledge::pod_security::{NamespacePolicy, namespace_policy};
use crate::model::kubernetes::Kubernetes;
use crate::model::yaml::Yaml;
use crate::rules::diagnostic::Diagnostic;

use network_policy::string_map;
pub use network_policy::{IngressExtension, Policy};

/// What the files of a workspace say that another file's findings depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Every NetworkPolicy.
    pub policies: Vec<Policy>,
    /// ServiceAccounts, as `(namespace, name)`, that set `automountServiceAccountToken: false`.
    pub tokenless_accounts: BTreeSet<(String, String)>,
    /// Namespaces with Pod Security labels, by name.
    pub namespaces: BTreeMap<String, NamespacePolicy>,
}

impl Facts {
    pub fn extend(&mut self, other: &Facts) {
        self.policies.extend(other.policies.iter().cloned());
        self.tokenless_accounts
            .extend(other.tokenless_accounts.iter().cloned());
        self.namespaces
            .extend(other.namespaces.iter().map(|(k, v)| (k.clone(), *v)));
    }

    /// Whether some policy isolates both directions of the workload.
    pub fn isolates(&self, workload: &Workload) -> bool {
        self.policies
            .iter()
            .any(|p| p.isolates(&workload.namespace, &workload.labels))
    }
}

/// A pod-running object of a file: where its `kind:` is and the labels of the pods it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub range: TextRange,
    /// The object's kind (`Pod`, `Deployment`): a Pod is refused by admission, a controller's pods are.
    pub kind: String,
    /// `spec.os.name: windows`: exempt from Pod Security's Linux-only controls.
    pub windows: bool,
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

/// What one Kubernetes file contributes: its workloads, the facts it gives the others, its pods whose
/// token depends on them, and the edits that would complete its own namespace-wide policies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub workloads: Vec<Workload>,
    pub facts: Facts,
    pub token_mounts: Vec<TokenMount>,
    pub ingress_extensions: Vec<IngressExtension>,
}

impl Summary {
    /// Summarise one YAML view; ranges are those of the view's text. The token mounts are the rule's to
    /// fill in (`service-account-token-mounted`), as they carry its findings.
    pub fn of(source: &str, yaml: &Yaml, k8s: &Kubernetes) -> Self {
        let mut summary = Summary::default();
        for pod in &k8s.pods {
            let manifest = &k8s.manifests[pod.manifest];
            let labels = pod
                .metadata
                .and_then(|m| yaml.get(m, "labels"))
                .map(|l| string_map(yaml, l.value))
                .unwrap_or_default();
            summary.workloads.push(Workload {
                namespace: manifest.namespace.clone(),
                labels,
                range: manifest.kind_range,
                kind: manifest.kind.clone(),
                windows: yaml
                    .path(pod.node, &["os", "name"])
                    .and_then(|n| yaml.str(n))
                    == Some("windows"),
            });
        }
        for manifest in &k8s.manifests {
            let name = manifest.name.as_deref().unwrap_or_default();
            match manifest.kind.as_str() {
                "NetworkPolicy" => {
                    let Some(policy) = Policy::read(yaml, manifest.root, &manifest.namespace, name)
                    else {
                        continue;
                    };
                    summary.ingress_extensions.extend(IngressExtension::read(
                        source,
                        yaml,
                        manifest.root,
                        &policy,
                    ));
                    summary.facts.policies.push(policy);
                }
                "Namespace" if !name.is_empty() => {
                    let labels = yaml.path(manifest.root, &["metadata", "labels"]);
                    let policy = namespace_policy(|key| {
                        let value = yaml.get(labels?, key)?.value;
                        yaml.str(value).map(str::to_owned)
                    });
                    if policy != NamespacePolicy::default() {
                        summary.facts.namespaces.insert(name.to_owned(), policy);
                    }
                }
                "ServiceAccount" => {
                    let automount = yaml.get(manifest.root, "automountServiceAccountToken");
                    if automount
                        .and_then(|m| yaml.bool(m.value, crate::model::yaml::Booleans::Kubernetes))
                        == Some(false)
                        && !name.is_empty()
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
        self.workloads
            .extend(other.workloads.iter().map(|w| Workload {
                range: TextRange::new(w.range.start + offset, w.range.end + offset),
                ..w.clone()
            }));
        self.facts.extend(&other.facts);
        let shift = isize::try_from(offset).unwrap_or(0);
        self.token_mounts
            .extend(other.token_mounts.iter().map(|m| TokenMount {
                finding: m.finding.clone().shifted(shift),
                ..m.clone()
            }));
        self.ingress_extensions
            .extend(other.ingress_extensions.iter().map(|e| e.shifted(offset)));
    }
}

/// A file's summary read in place: the summaries of its documents, each with where the document starts
/// (their ranges are relative to it). Merging them into one copy, findings and fixes included, on every
/// keystroke in one document of a long stream cost more than linting that document.
#[derive(Clone, Copy)]
pub struct FileSummary<'a> {
    parts: &'a [(usize, &'a Summary)],
}

impl<'a> FileSummary<'a> {
    pub fn new(parts: &'a [(usize, &'a Summary)]) -> Self {
        Self { parts }
    }

    /// The file's workloads, each with where its document starts.
    pub fn workloads(self) -> impl Iterator<Item = (usize, &'a Workload)> {
        self.parts
            .iter()
            .flat_map(|(start, s)| s.workloads.iter().map(move |w| (*start, w)))
    }

    /// The file's pods that mount a token, each with where its document starts.
    pub fn token_mounts(self) -> impl Iterator<Item = (usize, &'a TokenMount)> {
        self.parts
            .iter()
            .flat_map(|(start, s)| s.token_mounts.iter().map(move |m| (*start, m)))
    }

    /// The file's egress-only default-deny policies, each with where its document starts.
    pub fn ingress_extensions(self) -> impl Iterator<Item = (usize, &'a IngressExtension)> {
        self.parts
            .iter()
            .flat_map(|(start, s)| s.ingress_extensions.iter().map(move |e| (*start, e)))
    }

    /// What the file says to the workspace.
    pub fn facts(self) -> Facts {
        let mut facts = Facts::default();
        for (_, summary) in self.parts {
            facts.extend(&summary.facts);
        }
        facts
    }

    /// The namespaces of this file with a workload no policy isolates in both directions, each with the
    /// first such workload (in file offsets), in file order.
    pub fn unisolated(self, facts: &Facts) -> Vec<(&'a str, TextRange)> {
        let mut found: Vec<(&str, TextRange)> = Vec::new();
        for (start, workload) in self.workloads() {
            let seen = found.iter().any(|(ns, _)| *ns == workload.namespace);
            if !seen && !facts.isolates(workload) {
                let range = workload.range;
                found.push((
                    &workload.namespace,
                    TextRange::new(range.start + start, range.end + start),
                ));
            }
        }
        found
    }
}
