//! Helpers for Compose rules: reading list-or-string options and editing a service's mapping.

use crate::fix::Edit;
use crate::model::compose::Service;
use crate::model::yaml::{NodeId, Yaml};
use crate::rules::ComposeContext;
use crate::yaml_edit::{Y, append_item, insert_entries};

/// The string items of an option written as a list (`cap_drop: [ALL]`) or a single string.
pub fn strings(yaml: &Yaml, value: NodeId) -> Vec<(String, NodeId)> {
    let items = yaml.items(value);
    if items.is_empty() {
        return yaml
            .str(value)
            .map(|s| vec![(s.to_owned(), value)])
            .unwrap_or_default();
    }
    items
        .iter()
        .filter_map(|&i| yaml.str(i).map(|s| (s.to_owned(), i)))
        .collect()
}

/// Add `item` to the service's list option `key`, creating `key: [item]` when absent.
pub fn add_to_list(cx: &ComposeContext, service: &Service, key: &str, item: &str) -> Option<Edit> {
    match cx.yaml.get(service.node, key) {
        Some(member) => append_item(cx.source, cx.yaml, cx.yaml.resolve(member.value), item),
        None => insert_entries(
            cx.source,
            cx.yaml,
            service.node,
            &[(key.to_owned(), Y::List(vec![item.to_owned()]))],
        ),
    }
}
