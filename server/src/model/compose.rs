//! The Compose view: the services of a Compose file and the top-level sections rules look at.

use super::yaml::{NodeId, Yaml};
use crate::document::TextRange;

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub name_range: TextRange,
    /// The service's mapping.
    pub node: NodeId,
}

#[derive(Debug, Clone, Default)]
pub struct Compose {
    pub root: Option<NodeId>,
    pub services: Vec<Service>,
    /// The top-level `networks:` mapping.
    pub networks: Option<NodeId>,
}

impl Compose {
    /// Read the first document of `yaml` as a Compose file.
    pub fn read(yaml: &Yaml) -> Self {
        let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
            return Self::default();
        };
        let services = yaml
            .get(root, "services")
            .map(|m| {
                yaml.members(m.value)
                    .into_iter()
                    .filter(|s| yaml.is_mapping(s.value))
                    .map(|s| Service {
                        name: s.key.to_owned(),
                        name_range: yaml.node(s.key_node).range,
                        node: yaml.resolve(s.value),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let networks = yaml.get(root, "networks").map(|m| m.value);
        Self {
            root: Some(root),
            services,
            networks,
        }
    }
}

/// Whether a YAML document looks like a Compose file: a top-level `services:` mapping whose entries have
/// `image:` or `build:`.
pub fn looks_like_compose(yaml: &Yaml) -> bool {
    let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
        return false;
    };
    let Some(services) = yaml.get(root, "services") else {
        return false;
    };
    let members = yaml.members(services.value);
    !members.is_empty()
        && members
            .iter()
            .any(|s| yaml.get(s.value, "image").is_some() || yaml.get(s.value, "build").is_some())
}
