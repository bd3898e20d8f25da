//! The Compose files Compose reads together with the one being linted, and how their findings are shared
//! out. `docker compose` without `-f` reads the files `COMPOSE_FILE` lists in the `.env` beside them, else
//! the default file (`compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`, the first
//! there is) with its override (`compose.override.yaml`…) when there is one. A file of that stack is linted
//! as the merged project ([`crate::model::merge`]), and keeps the findings whose place is in it: a
//! value finding goes to the file that sets the winning value, a missing-key finding to the file that first
//! defines the service. Other files (`compose.prod.yaml`, picked with `-f`) are linted on their own.

use crate::document;
use crate::document::TextRange;
use crate::edit::fix::{Edit, FileChange, Fix};
use crate::model::env_file;
use crate::model::merge::{Layered, MergeRules, layer};
use crate::model::yaml::{Entry, NodeId, Value, Yaml};
use crate::rules::FileSource;
use crate::rules::compose_builds::COMPOSE_FILES;
use crate::rules::diagnostic::Diagnostic;

/// The files of a stack and the merged view of them.
pub struct Stack {
    pub layered: Layered,
    /// The linted file's place in the stack.
    own: usize,
    /// Each file's name (relative to the linted file's folder) and text, in order: the stack, then the
    /// files `extends:` names.
    files: Vec<(String, String)>,
    /// The roots of the files laid after the stack, by their place in `files` (unused below it).
    roots: Vec<NodeId>,
}

/// How long a chain of `extends:` is followed.
const MAX_EXTENDS: usize = 8;

/// Whether the file reads another: a top-level `include:`, or a service that `extends:` another.
fn reads_others(yaml: &Yaml) -> bool {
    let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
        return false;
    };
    if yaml.get(root, "include").is_some() {
        return true;
    }
    let Some(services) = yaml.get(root, "services") else {
        return false;
    };
    yaml.members(services.value)
        .iter()
        .any(|s| yaml.get(s.value, "extends").is_some())
}

impl Stack {
    /// The stack the linted file (`source`, read as `yaml`) belongs to; `None` when it is read alone:
    /// nothing around it is known, it is in no stack, a file of the stack cannot be read, or a file does not
    /// parse (its own findings say so).
    pub fn find(source: &str, yaml: &Yaml, files: &dyn FileSource) -> Option<Self> {
        if !yaml.is_clean() {
            return None;
        }
        let (names, own) = match names(files) {
            Some(stack) => stack,
            // Alone, but including files or extending services: read as a project of one file.
            None if reads_others(yaml) => (vec![files.file_name()?.to_owned()], 0),
            None => return None,
        };
        let mut texts = Vec::with_capacity(names.len());
        let mut views = Vec::with_capacity(names.len());
        for (index, name) in names.iter().enumerate() {
            if index == own {
                texts.push(source.to_owned());
                views.push(None);
                continue;
            }
            let text = files.read(name)?;
            let view = Yaml::read(&text);
            if !view.is_clean() {
                return None;
            }
            texts.push(text);
            views.push(Some(view));
        }
        let layers: Vec<(&str, &Yaml)> = texts
            .iter()
            .zip(&views)
            .map(|(text, view)| (text.as_str(), view.as_ref().unwrap_or(yaml)))
            .collect();
        let layered = layer(&layers, MergeRules::Compose);
        let mut stack = Stack {
            layered,
            own,
            files: names.into_iter().zip(texts).collect(),
            roots: Vec::new(),
        };
        stack.resolve_includes(files);
        stack.resolve_extends(files);
        Some(stack)
    }

    /// Add the services of the files a top-level `include:` names (`- other.yaml`, `- path: other.yaml`,
    /// `- path: [a.yaml, b.yaml]`) to the project, after its own; a name the project already has stays
    /// its own (Compose refuses the conflict).
    fn resolve_includes(&mut self, files: &dyn FileSource) {
        let yaml = &self.layered.yaml;
        let Some(root) = yaml.documents.first().and_then(|d| d.root) else {
            return;
        };
        let Some(include) = yaml.get(root, "include").map(|m| m.value) else {
            return;
        };
        let mut paths = Vec::new();
        for &item in yaml.items(include) {
            match yaml.str(item) {
                Some(path) => paths.push(path.to_owned()),
                None => {
                    let Some(path) = yaml.get(item, "path").map(|m| m.value) else {
                        continue;
                    };
                    let listed = yaml.items(path).iter().filter_map(|&p| yaml.str(p));
                    paths.extend(yaml.str(path).into_iter().chain(listed).map(str::to_owned));
                }
            }
        }
        let Some(services) = self.services(0) else {
            return;
        };
        for path in paths {
            let Some(other) = self.laid(&path, files).and_then(|laid| self.services(laid)) else {
                continue;
            };
            let yaml = &self.layered.yaml;
            let taken: Vec<String> = yaml
                .entries(services)
                .iter()
                .filter_map(|e| yaml.str(e.key).map(str::to_owned))
                .collect();
            let added: Vec<Entry> = yaml
                .entries(other)
                .iter()
                .filter(|e| {
                    yaml.str(e.key)
                        .is_some_and(|k| !taken.iter().any(|t| t == k))
                })
                .cloned()
                .collect();
            if let Value::Mapping(entries) = &mut self.layered.yaml.nodes[services].value {
                *entries = entries.iter().cloned().chain(added).collect();
            }
        }
    }

    /// Give each service that `extends:` another (`extends: web`, `extends: {service: web, file:
    /// common.yaml}`) what it extends, merged under its own keys; chains are followed, a cycle or a
    /// service that cannot be found is left as written.
    fn resolve_extends(&mut self, files: &dyn FileSource) {
        let Some(services) = self.services(0) else {
            return;
        };
        let count = self.layered.yaml.entries(services).len();
        for index in 0..count {
            let service = self.layered.yaml.entries(services)[index].value;
            let resolved = self.extended(services, service, 0, files);
            if let Value::Mapping(entries) = &mut self.layered.yaml.nodes[services].value {
                entries[index].value = resolved;
            }
        }
    }

    /// The `services` mapping of the document whose root is `documents[0]` (the project) or of the file
    /// laid at `file`.
    fn services(&self, file: usize) -> Option<NodeId> {
        let yaml = &self.layered.yaml;
        let root = if file == 0 {
            yaml.documents.first()?.root?
        } else {
            *self.roots.get(file)?
        };
        yaml.get(root, "services").map(|m| yaml.resolve(m.value))
    }

    /// `service` with what it extends merged in, following chains to [`MAX_EXTENDS`].
    fn extended(
        &mut self,
        services: NodeId,
        service: NodeId,
        depth: usize,
        files: &dyn FileSource,
    ) -> NodeId {
        let yaml = &self.layered.yaml;
        let Some(extends) = yaml.get(service, "extends").map(|m| m.value) else {
            return service;
        };
        if depth >= MAX_EXTENDS {
            return service;
        }
        let (name, file) = match yaml.str(extends) {
            Some(name) => (name.to_owned(), None),
            None => {
                let text = |key: &str| {
                    yaml.get(extends, key)
                        .and_then(|m| yaml.str(m.value))
                        .map(str::to_owned)
                };
                let Some(name) = text("service") else {
                    return service;
                };
                (name, text("file"))
            }
        };
        let from = match file {
            Some(file) => match self.laid(&file, files) {
                Some(laid) => match self.services(laid) {
                    Some(other) => other,
                    None => return service,
                },
                None => return service,
            },
            None => services,
        };
        let yaml = &self.layered.yaml;
        let Some(base) = yaml.get(from, &name).map(|m| yaml.resolve(m.value)) else {
            return service;
        };
        if base == service {
            return service;
        }
        let base = self.extended(from, base, depth + 1, files);
        self.layered
            .merge(base, service, MergeRules::Compose, &["services", &name])
    }

    /// The place of the file `name` among the laid files, laying it when it is not yet (a file an
    /// `extends:` names); `None` when it cannot be read or does not parse.
    fn laid(&mut self, name: &str, files: &dyn FileSource) -> Option<usize> {
        let name = name.trim_start_matches("./");
        if let Some(index) = self.files.iter().position(|(n, _)| n == name) {
            return Some(index);
        }
        let text = files.read(name)?;
        let view = Yaml::read(&text);
        if !view.is_clean() {
            return None;
        }
        let root = self.layered.append(&text, &view)?;
        self.files.push((name.to_owned(), text));
        self.roots.resize(self.files.len() - 1, 0);
        self.roots.push(root);
        Some(self.files.len() - 1)
    }

    /// The findings on the merged view whose place is in the linted file, in its own offsets; a fix whose
    /// edits are in other files of the stack changes those files.
    pub fn own_findings(&self, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let region = self.region(self.own);
        let start = isize::try_from(region.start).unwrap_or(0);
        found
            .into_iter()
            .filter(|d| inside(region, d.range))
            .map(|mut d| {
                d.related.retain(|r| inside(region, r.range));
                d.fixes = std::mem::take(&mut d.fixes)
                    .into_iter()
                    .filter_map(|fix| self.localised(fix))
                    .collect();
                d.shifted(-start)
            })
            .collect()
    }

    /// Where file `index` is in the merged text.
    fn region(&self, index: usize) -> TextRange {
        let start = self.layered.starts[index];
        TextRange::new(start, start + self.files[index].1.len())
    }

    /// A fix of the merged text as edits of the linted file (still at merged offsets, shifted with the
    /// finding) and changes of the others; `None` when an edit crosses from one file into another.
    fn localised(&self, mut fix: Fix) -> Option<Fix> {
        let mut own = Vec::new();
        let mut others: Vec<(usize, Vec<Edit>)> = Vec::new();
        for edit in std::mem::take(&mut fix.edits) {
            let index = (0..self.files.len()).find(|&i| inside(self.region(i), edit.range))?;
            if index == self.own {
                own.push(edit);
                continue;
            }
            let start = self.layered.starts[index];
            let local = Edit::replace(
                TextRange::new(edit.range.start - start, edit.range.end - start),
                edit.new_text,
            );
            match others.iter_mut().find(|(i, _)| *i == index) {
                Some((_, edits)) => edits.push(local),
                None => others.push((index, vec![local])),
            }
        }
        fix.edits = own;
        for (index, edits) in others {
            let (name, text) = &self.files[index];
            fix.files.push(FileChange::edit(name, text, edits));
        }
        fix.fallback = match fix.fallback.take() {
            Some(fallback) => self.localised(*fallback).map(Box::new),
            None => None,
        };
        Some(fix)
    }
}

fn inside(region: TextRange, range: TextRange) -> bool {
    region.start <= range.start && range.end <= region.end
}

/// The names of the stack's files and the linted file's place among them.
fn names(files: &dyn FileSource) -> Option<(Vec<String>, usize)> {
    let own = files.file_name()?.to_owned();
    let exists = |name: &str| name == own || files.head(name, 0).is_some();
    if let Some(listed) = listed_in_env(files) {
        let listed: Vec<String> = listed
            .into_iter()
            .map(|n| n.trim_start_matches("./").to_owned())
            .collect();
        let at = listed
            .iter()
            .position(|n| files.is_this_file(n) || *n == own)?;
        return (listed.len() > 1 && listed.iter().all(|n| exists(n))).then_some((listed, at));
    }
    let default = COMPOSE_FILES.iter().find(|n| exists(n))?;
    let stem = default.rsplit_once('.').map_or(*default, |(stem, _)| stem);
    let override_file = ["yaml", "yml"]
        .iter()
        .map(|ext| format!("{stem}.override.{ext}"))
        .find(|n| exists(n))?;
    let names = vec![(*default).to_owned(), override_file];
    let at = names.iter().position(|n| *n == own)?;
    Some((names, at))
}

/// The files `COMPOSE_FILE` lists in the `.env` beside the linted file, split on
/// `COMPOSE_PATH_SEPARATOR` (default `:`); only names inside the workspace are read.
fn listed_in_env(files: &dyn FileSource) -> Option<Vec<String>> {
    let env = files.read(".env")?;
    let variables = env_file::variables(&env);
    let value = |name: &str| {
        variables
            .iter()
            .rev()
            .find(|v| v.name == name)
            .and_then(|v| v.value)
    };
    let separator = value("COMPOSE_PATH_SEPARATOR")
        .filter(|s| !s.is_empty())
        .unwrap_or(":");
    let listed: Vec<String> = value("COMPOSE_FILE")?
        .split(separator)
        .map(str::trim)
        .filter(|n| !n.is_empty() && document::is_yaml_name(std::path::Path::new(n)))
        .map(str::to_owned)
        .collect();
    (!listed.is_empty()).then_some(listed)
}
