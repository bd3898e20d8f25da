//! Kustomize patches. A file that the `kustomization.yaml` beside it lists under `patches`,
//! `patchesStrategicMerge` or `patchesJson6902` is a patch, not an object: it changes an object the
//! kustomization's `resources` hold. Each of its documents is linted as that object with the patch applied
//! (a strategic merge, [`crate::model::merge`]) when the object is among the resources, else alone; either
//! way only for what the patch itself sets — a value it writes (`privileged: true`, a `hostPath`, an
//! added capability) — never for what it leaves out, which is the object's to say (and its file's
//! findings). A JSON 6902 patch (a list of `add`/`replace` operations) is applied to the object its
//! kustomization entry targets (`target: {kind, name}`) and judged the same way; without that object in
//! the workspace its values have no place, and it is not judged.

use crate::document::TextRange;
use crate::document::split_documents;
use crate::model::merge::{Layered, MergeRules, layer};
use crate::model::yaml::{Entry, Node, NodeId, ScalarStyle, Value, Yaml};
use crate::rules::FileSource;
use crate::rules::diagnostic::Diagnostic;

/// The names a kustomization file may have, in the order kustomize looks for them.
pub const KUSTOMIZATIONS: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// How deep `resources` that are folders (with their own kustomization) are followed.
const MAX_DEPTH: usize = 3;

/// The linted file as a patch: the resources its kustomization builds on.
pub struct Patch {
    /// Each resource document's text.
    resources: Vec<String>,
    /// The object the kustomization says the patch is for (`target: {kind, name}`), which a JSON 6902
    /// patch needs: its operations do not name it.
    target: Option<(String, String)>,
}

impl Patch {
    /// The linted file as a patch, when the kustomization beside it lists it as one.
    pub fn find(files: &dyn FileSource) -> Option<Self> {
        let own = files.file_name()?;
        let yaml = KUSTOMIZATIONS
            .iter()
            .find_map(|name| files.read(name))
            .map(|text| view(&text))?;
        let root = yaml.documents.first()?.root?;
        let target = listed_patch(&yaml, root, own)?;
        let mut resources = Vec::new();
        collect_resources(files, &yaml, root, "", 0, &mut resources);
        Some(Patch { resources, target })
    }

    /// The findings of the patch `text`: per document, what it sets, on the object it patches.
    pub fn lint(
        &self,
        text: &str,
        lint: impl Fn(&str, &Yaml) -> Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for range in split_documents(text) {
            let chunk = &text[range.start..range.end];
            let yaml = view(chunk);
            let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
                continue;
            };
            let operations = matches!(yaml.node(yaml.resolve(root)).value, Value::Sequence(_));
            let target = if operations {
                self.target.as_ref()
            } else {
                None
            };
            let target = match target {
                Some(id) => self.target(id),
                None => identity(&yaml, root).and_then(|id| self.target(&id)),
            };
            // A JSON 6902 patch is judged on its object only: alone, its values have no place.
            if operations && target.is_none() {
                continue;
            }
            // The object with the patch applied, the patch laid after it.
            let layered = target.map(|(target_text, target_yaml)| {
                if operations {
                    let mut layered =
                        layer(&[(target_text, &target_yaml)], MergeRules::StrategicMerge);
                    if let Some(patch_root) = layered.append(chunk, &yaml) {
                        apply_operations(&mut layered, patch_root);
                    }
                    layered
                } else {
                    layer(
                        &[(target_text, &target_yaml), (chunk, &yaml)],
                        MergeRules::StrategicMerge,
                    )
                }
            });
            let (found, start) = match layered {
                Some(layered) => {
                    let start = layered.starts.get(1).copied().unwrap_or(layered.text.len());
                    let region = TextRange::new(start, start + chunk.len());
                    let found = lint(&layered.text, &layered.yaml)
                        .into_iter()
                        .filter(|d| inside(region, d.range))
                        .collect();
                    (found, start)
                }
                None => (lint(chunk, &yaml), 0),
            };
            let shift = range.start as isize - start as isize;
            let unset_places = places_of_absence(&yaml, root);
            out.extend(
                found
                    .into_iter()
                    .map(|d| d.shifted(shift))
                    .filter(|d| {
                        let local =
                            TextRange::new(d.range.start - range.start, d.range.end - range.start);
                        !d.range.is_empty() && !unset_places.contains(&local)
                    })
                    .map(|mut d| {
                        // Edits that reach into the target's text are not this file's to make.
                        let file = TextRange::new(range.start, range.end);
                        d.fixes
                            .retain(|f| f.edits.iter().all(|e| inside(file, e.range)));
                        d.related.retain(|r| inside(file, r.range));
                        d
                    }),
            );
        }
        out
    }

    /// The resource document that is the object `(kind, name)`.
    fn target(&self, id: &(String, String)) -> Option<(&str, Yaml)> {
        self.resources.iter().find_map(|text| {
            let yaml = view(text);
            let root = yaml.documents.first()?.root?;
            (identity(&yaml, root).as_ref() == Some(id)).then_some((text.as_str(), yaml))
        })
    }
}

fn view(text: &str) -> Yaml {
    Yaml::read(text)
}

fn inside(region: TextRange, range: TextRange) -> bool {
    region.start <= range.start && range.end <= region.end
}

/// An object's kind and name.
fn identity(yaml: &Yaml, root: NodeId) -> Option<(String, String)> {
    let kind = yaml.get(root, "kind").and_then(|m| yaml.str(m.value))?;
    let name = yaml
        .path(root, &["metadata", "name"])
        .and_then(|n| yaml.str(n))?;
    Some((kind.to_owned(), name.to_owned()))
}

/// Where the rules report what a document leaves out: its `kind:` pair and every `name:` pair (a
/// container's, the object's). A patch is not judged for those.
fn places_of_absence(yaml: &Yaml, root: NodeId) -> Vec<TextRange> {
    let mut places = Vec::new();
    if let Some(kind) = yaml.get(root, "kind") {
        places.push(kind.range);
    }
    for node in &yaml.nodes {
        if let Value::Mapping(entries) = &node.value {
            places.extend(
                entries
                    .iter()
                    .filter(|e| yaml.str(e.key) == Some("name"))
                    .map(|e| e.range),
            );
        }
    }
    places
}

/// Whether the kustomization lists `own` as a patch file: `Some` with the object its entry targets
/// (`target: {kind, name}`), when it says.
fn listed_patch(yaml: &Yaml, root: NodeId, own: &str) -> Option<Option<(String, String)>> {
    ["patchesStrategicMerge", "patches", "patchesJson6902"]
        .iter()
        .filter_map(|key| yaml.get(root, key))
        .flat_map(|list| yaml.items(list.value).iter().copied())
        .find_map(|item| {
            let name = yaml
                .str(item)
                .or_else(|| yaml.get(item, "path").and_then(|m| yaml.str(m.value)))?;
            (name.trim_start_matches("./") == own).then(|| {
                let target = yaml.get(item, "target")?.value;
                let text = |key: &str| yaml.get(target, key).and_then(|m| yaml.str(m.value));
                Some((text("kind")?.to_owned(), text("name")?.to_owned()))
            })
        })
}

/// Apply a JSON 6902 patch's `add` and `replace` operations (`{op, path: /spec/…/0/securityContext/
/// privileged, value}`) to the object laid first, in place of its root; the values keep their place in
/// the patch. Other operations, and paths that do not lead anywhere, change nothing.
fn apply_operations(layered: &mut Layered, operations: NodeId) {
    let yaml = &layered.yaml;
    let steps: Vec<(Vec<String>, NodeId, NodeId)> = yaml
        .items(operations)
        .iter()
        .filter_map(|&op| {
            let text = |key: &str| yaml.get(op, key).and_then(|m| yaml.str(m.value));
            if !matches!(text("op"), Some("add" | "replace")) {
                return None;
            }
            let path = yaml.get(op, "path")?;
            let pointer = yaml.str(path.value)?.strip_prefix('/')?;
            let segments = pointer
                .split('/')
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            Some((segments, path.value, yaml.get(op, "value")?.value))
        })
        .collect();
    for (segments, key, value) in steps {
        let Some(root) = layered.yaml.documents.first().and_then(|d| d.root) else {
            return;
        };
        if let Some(new) = set(&mut layered.yaml, root, &segments, key, value) {
            layered.yaml.documents[0].root = Some(new);
        }
    }
}

/// `node` with `value` at `segments` below it, as new nodes along the way (`key`: a node to name a new
/// mapping key by, the operation's `path`); `None` when the path does not lead anywhere.
fn set(
    yaml: &mut Yaml,
    node: NodeId,
    segments: &[String],
    key: NodeId,
    value: NodeId,
) -> Option<NodeId> {
    let Some((first, rest)) = segments.split_first() else {
        return Some(value);
    };
    let node = yaml.resolve(node);
    let like = yaml.node(node).clone();
    let new_value = match &like.value {
        Value::Mapping(entries) => {
            let mut entries = entries.to_vec();
            match entries
                .iter()
                .position(|e| yaml.str(e.key) == Some(first.as_str()))
            {
                Some(i) => entries[i].value = set(yaml, entries[i].value, rest, key, value)?,
                None if rest.is_empty() => {
                    let name = yaml.push(Node {
                        value: Value::Scalar(first.as_str().into()),
                        style: ScalarStyle::Plain,
                        ..yaml.node(key).clone()
                    });
                    entries.push(Entry {
                        key: name,
                        value,
                        range: yaml.node(value).range,
                    });
                }
                None => return None,
            }
            Value::Mapping(entries.into())
        }
        Value::Sequence(items) => {
            let mut items = items.to_vec();
            match first.parse::<usize>() {
                Ok(i) if i < items.len() => items[i] = set(yaml, items[i], rest, key, value)?,
                _ if first == "-" && rest.is_empty() => items.push(value),
                _ => return None,
            }
            Value::Sequence(items.into())
        }
        _ => return None,
    };
    Some(yaml.push(Node {
        value: new_value,
        ..like
    }))
}

/// The documents of the kustomization's `resources`: files, and folders with a kustomization of their
/// own (followed to [`MAX_DEPTH`]), read through `files` (inside the workspace only).
fn collect_resources(
    files: &dyn FileSource,
    yaml: &Yaml,
    root: NodeId,
    folder: &str,
    depth: usize,
    out: &mut Vec<String>,
) {
    let Some(list) = yaml.get(root, "resources") else {
        return;
    };
    for &item in yaml.items(list.value) {
        let Some(name) = yaml.str(item).filter(|n| !n.contains("://")) else {
            continue;
        };
        let path = format!("{folder}{}", name.trim_end_matches('/'));
        if let Some(text) = files.read(&path) {
            out.extend(
                split_documents(&text)
                    .into_iter()
                    .map(|r| text[r.start..r.end].to_owned()),
            );
            continue;
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        for kustomization in KUSTOMIZATIONS {
            if let Some(text) = files.read(&format!("{path}/{kustomization}")) {
                let inner = view(&text);
                if let Some(inner_root) = inner.documents.first().and_then(|d| d.root) {
                    collect_resources(
                        files,
                        &inner,
                        inner_root,
                        &format!("{path}/"),
                        depth + 1,
                        out,
                    );
                }
                break;
            }
        }
    }
}
