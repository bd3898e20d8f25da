//! Several YAML documents read as one, as the tools that combine them do, on the YAML view:
//! - Compose's project of several files (`compose.yaml` with `compose.override.yaml`, the files of
//!   `COMPOSE_FILE`): mappings merge key by key (a later file's scalar wins); `command`, `entrypoint` and
//!   `healthcheck.test` are replaced; `environment` and `labels` written as lists merge by name;
//!   `volumes`, `devices`, `secrets` and `configs` merge by their target, `ports` drop exact repeats; other
//!   sequences append.
//! - Kustomize's strategic merge patch of a Kubernetes object: mappings merge key by key; lists of
//!   containers, volumes, `env` and `volumeMounts` merge item by item on their merge key (`name`,
//!   `mountPath`), other lists are replaced.
//!
//! The documents' texts are laid end to end in one text, so every node keeps a real range: a finding's
//! range says which document it is in, and a fix's edits which one they change.

use std::collections::HashMap;

use crate::document::TextRange;
use crate::model::yaml::{Document, Entry, Node, NodeId, Value, Yaml};

/// The files as one text and one merged view.
pub struct Layered {
    pub text: String,
    pub yaml: Yaml,
    /// Where each file starts in `text`.
    pub starts: Vec<usize>,
}

/// Whose merge rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeRules {
    Compose,
    StrategicMerge,
}

/// Lay `files` (text and view, in order) end to end and merge each into the ones before.
pub fn layer(files: &[(&str, &Yaml)], rules: MergeRules) -> Layered {
    let mut layered = Layered {
        text: String::new(),
        yaml: Yaml::default(),
        starts: Vec::with_capacity(files.len()),
    };
    let roots: Vec<NodeId> = files
        .iter()
        .filter_map(|(source, view)| layered.append(source, view))
        .collect();
    let root = roots
        .iter()
        .copied()
        .reduce(|base, over| layered.merge(base, over, rules, &[]));
    layered.yaml.documents.insert(
        0,
        Document {
            root,
            range: TextRange::new(0, layered.text.len()),
        },
    );
    layered
}

impl Layered {
    /// Lay one more file after the others, without merging it: its root, to read from (the file a
    /// Compose `extends:` names).
    pub fn append(&mut self, source: &str, view: &Yaml) -> Option<NodeId> {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        let start = self.text.len();
        self.starts.push(start);
        self.text.push_str(source);
        let first = self.yaml.nodes.len();
        self.yaml
            .nodes
            .extend(view.nodes.iter().map(|n| shifted(n, first, start)));
        self.yaml.problems.extend(view.problems.iter().map(|p| {
            let mut p = p.clone();
            p.range = moved(p.range, start);
            p
        }));
        view.documents
            .first()
            .and_then(|d| d.root)
            .map(|root| root + first)
    }

    /// `over` merged into `base` by `rules` (`path`: the keys that lead to them): the merged node.
    pub fn merge(
        &mut self,
        base: NodeId,
        over: NodeId,
        rules: MergeRules,
        path: &[&str],
    ) -> NodeId {
        Merger {
            yaml: &mut self.yaml,
            rules,
        }
        .merge(base, over, path)
    }
}

fn moved(range: TextRange, by: usize) -> TextRange {
    TextRange::new(range.start + by, range.end + by)
}

/// A node of another view, its ids and ranges moved to where that view now starts.
fn shifted(node: &Node, ids: usize, offset: usize) -> Node {
    let value = match &node.value {
        Value::Mapping(entries) => Value::Mapping(
            entries
                .iter()
                .map(|e| Entry {
                    key: e.key + ids,
                    value: e.value + ids,
                    range: moved(e.range, offset),
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.iter().map(|i| i + ids).collect()),
        Value::Alias(target) => Value::Alias(target.map(|t| t + ids)),
        other => other.clone(),
    };
    Node {
        value,
        range: moved(node.range, offset),
        flow: node.flow,
        style: node.style,
    }
}

struct Merger<'a> {
    yaml: &'a mut Yaml,
    rules: MergeRules,
}

impl Merger<'_> {
    /// `over` merged into `base`; `path` is the keys that lead to them (`services.web.ports`).
    fn merge(&mut self, base: NodeId, over: NodeId, path: &[&str]) -> NodeId {
        let (b, o) = (self.yaml.resolve(base), self.yaml.resolve(over));
        match (&self.yaml.node(b).value, &self.yaml.node(o).value) {
            (Value::Mapping(_), Value::Mapping(_)) => self.merge_mappings(b, o, path),
            (Value::Sequence(_), Value::Sequence(_)) => self.merge_sequences(b, o, path),
            _ => over,
        }
    }

    fn merge_mappings(&mut self, base: NodeId, over: NodeId, path: &[&str]) -> NodeId {
        let base_entries = self.yaml.entries(base).to_vec();
        let over_entries = self.yaml.entries(over).to_vec();
        let key = |yaml: &Yaml, e: &Entry| yaml.str(e.key).map(str::to_owned);
        let mut over_by_key: HashMap<String, Entry> = HashMap::new();
        for entry in &over_entries {
            if let Some(k) = key(self.yaml, entry).filter(|k| k != "<<") {
                over_by_key.entry(k).or_insert_with(|| entry.clone());
            }
        }
        let mut entries = Vec::with_capacity(base_entries.len() + over_entries.len());
        for entry in base_entries {
            let Some(k) = key(self.yaml, &entry).filter(|k| k != "<<") else {
                entries.push(entry);
                continue;
            };
            match over_by_key.remove(&k) {
                Some(later) => {
                    let mut inner = path.to_vec();
                    inner.push(&k);
                    let value = self.merge(entry.value, later.value, &inner);
                    entries.push(if value == later.value {
                        later
                    } else {
                        Entry { value, ..entry }
                    });
                }
                None => entries.push(entry),
            }
        }
        // The later file's keys the earlier one does not write (its `<<` merges included), in its order.
        for entry in over_entries {
            let new =
                key(self.yaml, &entry).is_none_or(|k| k == "<<" || over_by_key.contains_key(&k));
            if new {
                entries.push(entry);
            }
        }
        self.push(base, Value::Mapping(entries.into()))
    }

    fn merge_sequences(&mut self, base: NodeId, over: NodeId, path: &[&str]) -> NodeId {
        if self.rules == MergeRules::StrategicMerge {
            return self.merge_by_key(base, over, path);
        }
        let parent = path.len().checked_sub(2).map(|i| path[i]);
        let last = path.last().copied().unwrap_or_default();
        let replaced = matches!(last, "command" | "entrypoint")
            || (last == "test" && parent == Some("healthcheck"));
        if replaced {
            return over;
        }
        let base_items = self.yaml.items(base).to_vec();
        let over_items = self.yaml.items(over).to_vec();
        let identity = |yaml: &Yaml, item: NodeId| -> Option<String> {
            match last {
                "environment" | "labels" => yaml
                    .str(item)
                    .map(|s| s.split('=').next().unwrap_or(s).to_owned()),
                "volumes" | "devices" => target(yaml, item, 1),
                "secrets" | "configs" => target(yaml, item, 0),
                "ports" => yaml.str(item).map(str::to_owned),
                _ => None,
            }
        };
        let taken: Vec<String> = over_items
            .iter()
            .filter_map(|&i| identity(self.yaml, i))
            .collect();
        let mut items: Vec<NodeId> = base_items
            .into_iter()
            .filter(|&i| identity(self.yaml, i).is_none_or(|id| !taken.contains(&id)))
            .collect();
        items.extend(over_items);
        self.push(base, Value::Sequence(items.into()))
    }

    /// A strategic merge of two lists: items with the same merge key merge, new ones append; a list
    /// without a merge key is replaced.
    fn merge_by_key(&mut self, base: NodeId, over: NodeId, path: &[&str]) -> NodeId {
        let key = match path.last().copied().unwrap_or_default() {
            "containers"
            | "initContainers"
            | "ephemeralContainers"
            | "volumes"
            | "env"
            | "imagePullSecrets" => "name",
            "volumeMounts" => "mountPath",
            "ports" => "containerPort",
            _ => return over,
        };
        let identity = |yaml: &Yaml, item: NodeId| {
            yaml.get(item, key)
                .and_then(|m| yaml.str(m.value))
                .map(str::to_owned)
        };
        let mut items = self.yaml.items(base).to_vec();
        for later in self.yaml.items(over).to_vec() {
            let id = identity(self.yaml, later);
            let same = id.as_ref().and_then(|id| {
                items
                    .iter()
                    .position(|&i| identity(self.yaml, i).as_ref() == Some(id))
            });
            match same {
                Some(index) => {
                    let merged = self.merge(items[index], later, &[]);
                    items[index] = merged;
                }
                None => items.push(later),
            }
        }
        self.push(base, Value::Sequence(items.into()))
    }

    /// A new node with `value`, where `like` is written.
    fn push(&mut self, like: NodeId, value: Value) -> NodeId {
        let node = self.yaml.node(like);
        let new = Node {
            value,
            range: node.range,
            flow: node.flow,
            style: node.style,
        };
        self.yaml.push(new)
    }
}

/// What a `volumes`/`devices` (`source:target[:mode]`, part 1) or `secrets`/`configs` item (its name,
/// part 0) is merged by: its `target`, written or implied.
fn target(yaml: &Yaml, item: NodeId, part: usize) -> Option<String> {
    if let Some(text) = yaml.str(item) {
        let parts: Vec<&str> = text.split(':').collect();
        return parts.get(part).or(parts.first()).map(|s| (*s).to_owned());
    }
    let key = if part == 0 { "source" } else { "target" };
    let written = yaml.get(item, "target").or_else(|| yaml.get(item, key))?;
    yaml.str(written.value).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str) -> Yaml {
        Yaml::read(text)
    }

    fn merged(base: &str, over: &str) -> Layered {
        layer(
            &[(base, &view(base)), (over, &view(over))],
            MergeRules::Compose,
        )
    }

    fn at(layered: &Layered, keys: &[&str]) -> NodeId {
        let root = layered.yaml.documents[0].root.expect("a root");
        layered.yaml.path(root, keys).expect("the path")
    }

    fn texts(layered: &Layered, node: NodeId) -> Vec<String> {
        let yaml = &layered.yaml;
        yaml.items(node)
            .iter()
            .map(|&i| layered.text[yaml.node(i).range.start..yaml.node(i).range.end].to_owned())
            .collect()
    }

    #[test]
    fn later_scalars_win_and_keep_their_own_range() {
        let base = "services:\n  web:\n    image: nginx:1.30\n    read_only: true\n";
        let over = "services:\n  web:\n    image: nginx:1.29\n    privileged: true\n";
        let layered = merged(base, over);
        let image = at(&layered, &["services", "web", "image"]);
        assert_eq!(layered.yaml.str(image), Some("nginx:1.29"));
        assert!(layered.yaml.node(image).range.start >= layered.starts[1]);
        let read_only = at(&layered, &["services", "web", "read_only"]);
        assert!(layered.yaml.node(read_only).range.end <= layered.starts[1]);
        assert_eq!(
            layered
                .yaml
                .str(at(&layered, &["services", "web", "privileged"])),
            Some("true")
        );
    }

    #[test]
    fn sequences_follow_composes_rules() {
        let base = "services:\n  web:\n    command: [a, b]\n    ports: [\"8080:80\"]\n    volumes: [\"data:/var/lib\", \"./conf:/etc/app\"]\n    environment: [A=1, B=2]\n";
        let over = "services:\n  web:\n    command: [c]\n    ports: [\"127.0.0.1:9090:90\", \"8080:80\"]\n    volumes: [\"./other:/etc/app\"]\n    environment: [B=3]\n";
        let layered = merged(base, over);
        let get = |k: &str| texts(&layered, at(&layered, &["services", "web", k]));
        assert_eq!(get("command"), ["c"]);
        assert_eq!(get("ports"), ["\"127.0.0.1:9090:90\"", "\"8080:80\""]);
        assert_eq!(
            get("volumes"),
            ["\"data:/var/lib\"", "\"./other:/etc/app\""]
        );
        assert_eq!(get("environment"), ["A=1", "B=3"]);
    }

    #[test]
    fn a_strategic_merge_patch_merges_containers_by_name_and_replaces_other_lists() {
        let base = "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: a:1\n          args: [x]\n        - name: side\n          image: b:1\n";
        let patch = "spec:\n  template:\n    spec:\n      containers:\n        - name: app\n          args: [y]\n          resources: {limits: {memory: 1Gi}}\n";
        let layered = layer(
            &[(base, &view(base)), (patch, &view(patch))],
            MergeRules::StrategicMerge,
        );
        let containers = at(&layered, &["spec", "template", "spec", "containers"]);
        let yaml = &layered.yaml;
        let items = yaml.items(containers);
        assert_eq!(items.len(), 2);
        assert_eq!(
            yaml.path(items[0], &["image"]).and_then(|n| yaml.str(n)),
            Some("a:1")
        );
        assert_eq!(
            texts(&layered, yaml.path(items[0], &["args"]).expect("args")),
            ["y"]
        );
        assert!(
            yaml.path(items[0], &["resources", "limits", "memory"])
                .is_some()
        );
    }

    #[test]
    fn a_service_only_in_the_later_file_is_added() {
        let layered = merged(
            "services:\n  web:\n    image: a\n",
            "services:\n  db:\n    image: b\n",
        );
        let db = at(&layered, &["services", "db"]);
        assert!(layered.yaml.node(db).range.start >= layered.starts[1]);
        assert!(at(&layered, &["services", "web"]) < layered.yaml.nodes.len());
    }
}
