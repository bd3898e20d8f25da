//! RBAC objects as the access rules read them: the policy rules of Roles and ClusterRoles, with wildcards
//! matched as the API server matches them, and the subjects of bindings.

use crate::document::TextRange;
use crate::model::kubernetes::Manifest;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::KubernetesContext;
use crate::rules::compose_support::strings;

/// One entry of a Role's or ClusterRole's `rules`.
pub struct PolicyRule<'a> {
    pub manifest: &'a Manifest,
    /// Its place in `rules`, from 1, for messages.
    pub number: usize,
    pub node: NodeId,
    pub api_groups: Vec<(String, NodeId)>,
    pub resources: Vec<(String, NodeId)>,
    pub verbs: Vec<(String, NodeId)>,
    pub resource_names: Vec<(String, NodeId)>,
}

/// The policy rules of every Role and ClusterRole of the file (an aggregated ClusterRole's own rules only:
/// the aggregated ones are the other roles', judged there).
pub fn policy_rules<'a>(cx: &'a KubernetesContext) -> Vec<PolicyRule<'a>> {
    let yaml = cx.yaml;
    let mut out = Vec::new();
    for manifest in cx
        .k8s
        .manifests
        .iter()
        .filter(|m| matches!(m.kind.as_str(), "Role" | "ClusterRole") && is_rbac(m))
    {
        let Some(rules) = yaml.get(manifest.root, "rules") else {
            continue;
        };
        for (i, &node) in yaml.items(rules.value).iter().enumerate() {
            let list = |key: &str| {
                yaml.get(node, key)
                    .map(|m| strings(yaml, m.value))
                    .unwrap_or_default()
            };
            out.push(PolicyRule {
                manifest,
                number: i + 1,
                node,
                api_groups: list("apiGroups"),
                resources: list("resources"),
                verbs: list("verbs"),
                resource_names: list("resourceNames"),
            });
        }
    }
    out
}

/// Whether the object is the RBAC API's (not a CRD of the same kind name).
pub fn is_rbac(manifest: &Manifest) -> bool {
    manifest
        .api_version
        .starts_with("rbac.authorization.k8s.io/")
}

impl PolicyRule<'_> {
    /// `rule 2 of ClusterRole `ops``, for messages.
    pub fn describe(&self) -> String {
        format!(
            "rule {} of {}",
            self.number,
            crate::rules::pod_security::owner(self.manifest)
        )
    }

    /// Where a finding about the whole rule goes: its first line.
    pub fn range(&self, source: &str, yaml: &Yaml) -> TextRange {
        let node = yaml.node(self.node).range;
        let text = source.get(node.start..node.end).unwrap_or_default();
        TextRange::new(
            node.start,
            node.start + text.find('\n').unwrap_or(text.len()),
        )
    }

    /// Whether it grants one of `verbs` on one of `resources` in one of `groups` (`""` is the core group),
    /// with `*` in any of its lists matching everything and `pods/*` every subresource of pods.
    pub fn grants(&self, verbs: &[&str], resources: &[&str], groups: &[&str]) -> bool {
        let any = |list: &[(String, NodeId)], wanted: &[&str], matches: fn(&str, &str) -> bool| {
            list.iter()
                .any(|(have, _)| wanted.iter().any(|w| matches(have, w)))
        };
        any(&self.verbs, verbs, exact_or_star)
            && any(&self.resources, resources, resource_matches)
            && any(&self.api_groups, groups, exact_or_star)
    }

    /// The verbs of `wanted` it grants (`*` grants them all).
    pub fn granted_verbs<'w>(&self, wanted: &[&'w str]) -> Vec<&'w str> {
        wanted
            .iter()
            .copied()
            .filter(|w| self.verbs.iter().any(|(v, _)| exact_or_star(v, w)))
            .collect()
    }
}

fn exact_or_star(have: &str, wanted: &str) -> bool {
    have == "*" || have == wanted
}

fn resource_matches(have: &str, wanted: &str) -> bool {
    have == "*"
        || have == wanted
        || have
            .strip_suffix("/*")
            .is_some_and(|parent| wanted.split('/').next() == Some(parent) && wanted.contains('/'))
}

/// A binding's subjects, as `Group system:authenticated`.
pub fn subjects(yaml: &Yaml, root: NodeId) -> Vec<(String, String, NodeId)> {
    let Some(list) = yaml.get(root, "subjects") else {
        return Vec::new();
    };
    yaml.items(list.value)
        .iter()
        .filter_map(|&s| {
            let kind = yaml.get(s, "kind").and_then(|m| yaml.str(m.value))?;
            let name = yaml.get(s, "name").and_then(|m| yaml.str(m.value))?;
            Some((kind.to_owned(), name.to_owned(), s))
        })
        .collect()
}

/// `Group `devs`, ServiceAccount `ci``, for messages.
pub fn describe_subjects(subjects: &[(String, String, NodeId)]) -> String {
    subjects
        .iter()
        .map(|(kind, name, _)| format!("{kind} `{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
