//! NetworkPolicies as the workspace rules read them: which pods a policy selects and which directions it
//! isolates, so a workload is judged by the policies that apply to it, not only by a namespace-wide one.

use std::collections::BTreeMap;

use crate::document::TextRange;
use crate::edit::fix::Edit;
use crate::edit::yaml_edit::append_item;
use crate::model::yaml::{NodeId, Yaml};

/// One NetworkPolicy: the pods of `namespace` it selects and the directions it isolates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub namespace: String,
    pub name: String,
    pub selector: Selector,
    pub ingress: bool,
    pub egress: bool,
}

impl Policy {
    /// Read a `NetworkPolicy` manifest; `None` when it has no `spec.podSelector` mapping (Kubernetes rejects
    /// it, and it selects nothing here).
    pub fn read(yaml: &Yaml, root: NodeId, namespace: &str, name: &str) -> Option<Self> {
        let spec = yaml.get(root, "spec")?.value;
        let selector = Selector::read(yaml, yaml.get(spec, "podSelector")?.value)?;
        // Without `policyTypes`, a policy isolates ingress, and egress when it has egress rules.
        let (ingress, egress) = match yaml.get(spec, "policyTypes") {
            Some(types) => {
                let has = |t: &str| {
                    yaml.items(types.value)
                        .iter()
                        .any(|&i| yaml.str(i) == Some(t))
                };
                (has("Ingress"), has("Egress"))
            }
            None => (true, yaml.get(spec, "egress").is_some()),
        };
        Some(Policy {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            selector,
            ingress,
            egress,
        })
    }

    /// Whether the policy isolates both directions of a pod of `namespace` with `labels`.
    pub fn isolates(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        self.ingress && self.egress && self.namespace == namespace && self.selector.selects(labels)
    }

    /// A policy that selects every pod of its namespace (`podSelector: {}`).
    pub fn selects_every_pod(&self) -> bool {
        self.selector.labels.is_empty() && self.selector.expressions.is_empty()
    }
}

/// A label selector: `matchLabels` and `matchExpressions`, all of which must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: BTreeMap<String, String>,
    pub expressions: Vec<Expression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expression {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

impl Selector {
    fn read(yaml: &Yaml, node: NodeId) -> Option<Self> {
        if !yaml.is_mapping(node) {
            return None;
        }
        let mut selector = Selector::default();
        if let Some(labels) = yaml.get(node, "matchLabels") {
            selector.labels = string_map(yaml, labels.value);
        }
        for &item in yaml
            .get(node, "matchExpressions")
            .map_or(&[][..], |m| yaml.items(m.value))
        {
            let text = |key: &str| yaml.get(item, key).and_then(|m| yaml.str(m.value));
            let values = yaml
                .get(item, "values")
                .map_or(&[][..], |m| yaml.items(m.value));
            selector.expressions.push(Expression {
                key: text("key").unwrap_or_default().to_owned(),
                operator: text("operator").unwrap_or_default().to_owned(),
                values: values
                    .iter()
                    .filter_map(|&v| yaml.str(v))
                    .map(str::to_owned)
                    .collect(),
            });
        }
        Some(selector)
    }

    /// Whether a pod with `labels` is selected. An operator Kubernetes does not know selects nothing, so
    /// a policy dockwarden cannot read never hides a finding.
    pub fn selects(&self, labels: &BTreeMap<String, String>) -> bool {
        let matches_labels = self.labels.iter().all(|(k, v)| labels.get(k) == Some(v));
        matches_labels
            && self.expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !e.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// A mapping of strings (`labels:`), other values skipped.
pub fn string_map(yaml: &Yaml, node: NodeId) -> BTreeMap<String, String> {
    yaml.members(node)
        .into_iter()
        .filter_map(|m| Some((m.key.to_owned(), yaml.str(m.value)?.to_owned())))
        .collect()
}

/// A policy of this file that selects every pod and isolates egress only: the fix for its namespace adds
/// `Ingress` to it rather than writing a second default-deny.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressExtension {
    pub namespace: String,
    pub policy: String,
    pub edit: Edit,
}

impl IngressExtension {
    pub fn read(source: &str, yaml: &Yaml, root: NodeId, policy: &Policy) -> Option<Self> {
        if !(policy.selects_every_pod() && policy.egress && !policy.ingress) {
            return None;
        }
        let spec = yaml.get(root, "spec")?.value;
        let types = yaml.get(spec, "policyTypes")?.value;
        Some(IngressExtension {
            namespace: policy.namespace.clone(),
            policy: policy.name.clone(),
            edit: append_item(source, yaml, types, "Ingress")?,
        })
    }

    pub fn shifted(&self, offset: usize) -> Self {
        let range = TextRange::new(self.edit.range.start + offset, self.edit.range.end + offset);
        IngressExtension {
            edit: Edit::replace(range, self.edit.new_text.clone()),
            ..self.clone()
        }
    }
}
