//! The Compose files Compose reads together with the one being linted, and how their findings are shared
//! out. `docker compose` without `-f` reads the files `COMPOSE_FILE` lists in the `.env` beside them, else
//! the default file (`compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`, the first
//! there is) with its override (`compose.override.yaml`…) when there is one. A file of that stack is linted
//! as the merged project ([`crate::model::merge`]), and keeps the findings whose place is in it: a
//! value finding goes to the file that sets the winning value, a missing-key finding to the file that first
//! defines the service. Other files (`compose.prod.yaml`, picked with `-f`) are linted on their own.

use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, FileChange, Fix};
use crate::model::env_file;
use crate::model::merge::{Layered, MergeRules, layer};
use crate::model::yaml::Yaml;
use crate::rules::FileSource;
use crate::rules::compose_builds::COMPOSE_FILES;
use crate::syntax::{Language, parse};
use crate::{TextRange, document};

/// The files of a stack and the merged view of them.
pub struct Stack {
    pub layered: Layered,
    /// The linted file's place in the stack.
    own: usize,
    /// Each file's name (relative to the linted file's folder) and text, in order.
    files: Vec<(String, String)>,
}

impl Stack {
    /// The stack the linted file (`source`, read as `yaml`) belongs to; `None` when it is read alone:
    /// nothing around it is known, it is in no stack, a file of the stack cannot be read, or a file does not
    /// parse (its own findings say so).
    pub fn find(
        source: &str,
        yaml: &Yaml,
        tree: Option<&tree_sitter::Tree>,
        files: &dyn FileSource,
    ) -> Option<Self> {
        let readable = |tree: Option<&tree_sitter::Tree>, yaml: &Yaml| {
            tree.is_some_and(|t| !t.root_node().has_error()) && yaml.problems.is_empty()
        };
        if !readable(tree, yaml) {
            return None;
        }
        let (names, own) = names(files)?;
        let mut texts = Vec::with_capacity(names.len());
        let mut views = Vec::with_capacity(names.len());
        for (index, name) in names.iter().enumerate() {
            if index == own {
                texts.push(source.to_owned());
                views.push(None);
                continue;
            }
            let text = files.read(name)?;
            let tree = parse(Language::Yaml, &text, None);
            let view = Yaml::build(&text, tree.as_ref());
            if !readable(tree.as_ref(), &view) {
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
        Some(Stack {
            layered,
            own,
            files: names.into_iter().zip(texts).collect(),
        })
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
