//! A YAML file read as a stream of documents, each parsed and linted on its own.
//!
//! Kubernetes files are often long streams of manifests (`---`). tree-sitter-yaml's scanner state includes
//! the line number, so one inserted line break invalidates every later subtree and a whole 3,000-line stream
//! is parsed again. Documents are independent in YAML (anchors do not cross `---`), so each document is kept
//! with its own tree and findings: an edit reparses, incrementally, only the document it touched, and the
//! findings of the others are reused, moved to where their text now is. The CLI reads files the same way,
//! so the editor and CI agree by construction.

use std::collections::HashMap;

use tree_sitter::Tree;

use crate::document::{FileKind, Skip, TextRange, split_documents};
use crate::engine::admission::FileWorkloads;
use crate::engine::kustomize::Patch;
use crate::engine::run_rules::PARALLEL_FROM;
use crate::engine::surroundings::Surroundings;
use crate::engine::yaml::lint_yaml;
use crate::model::compose::looks_like_compose;
use crate::model::detect::is_helm_template;
use crate::model::kubernetes::{Kubernetes, looks_like_kubernetes};
use crate::model::yaml::Yaml;
use crate::rules::settings::Settings;
use crate::rules::skipped_file;
use crate::rules::workspace::Summary;
use crate::rules::{Diagnostic, FileSource, KubernetesContext, NoFiles, RuleId, WorkspaceContext};
use crate::syntax::{Language, edit_tree, parse};

/// How to decide what the stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// From content, with what the file's name says (Compose files are named).
    Detect(Option<FileKind>),
    /// As this kind, whatever the content.
    Force(FileKind),
}

/// One document of the stream.
struct Chunk {
    /// Its text, kept to reuse it when unchanged (empty in a stream read once).
    text: String,
    /// Its tree while it is being edited, to read the next edit incrementally.
    tree: Option<Tree>,
    manifest: bool,
    compose: bool,
    helm: bool,
    /// Findings as a Kubernetes document, relative to the chunk's start.
    diagnostics: Vec<Diagnostic>,
    /// What the document tells the workspace rules, relative to the chunk's start.
    summary: Summary,
    /// The model, kept for a document read as Compose only (the file's one document, linted from it).
    compose_yaml: Option<Yaml>,
    /// Where its comments start, relative to the chunk's start, in order.
    comments: Vec<usize>,
}

/// The documents of a YAML file as last read.
#[derive(Default)]
pub struct YamlStream {
    chunks: Vec<Chunk>,
    /// Where each chunk starts in the text last read.
    starts: Vec<usize>,
    /// The settings the chunks were linted with: other settings, other findings.
    settings: Option<Settings>,
    /// The file last read is a Kustomize patch: it tells the workspace rules nothing.
    patch: bool,
    /// Read once and dropped (the CLI): the documents' trees, kept to reparse an edit incrementally, are
    /// dropped as soon as each is read (a tree costs tens of bytes per byte of YAML).
    once: bool,
}

impl YamlStream {
    /// A stream to be read once (see [`YamlStream::once`]); [`YamlStream::default`] keeps its trees to
    /// read edits incrementally.
    pub fn once() -> Self {
        Self {
            once: true,
            ..Self::default()
        }
    }

    /// Read `text` (the whole file) again, reusing what did not change; returns what the file is and its
    /// findings. Workspace rules see this file alone; see [`YamlStream::update_in`].
    pub fn update(&mut self, text: &str, mode: Mode) -> (Option<FileKind>, Vec<Diagnostic>) {
        self.update_in(text, mode, &Surroundings::none())
    }

    /// Like [`YamlStream::update`], with the namespaces the rest of the workspace default-denies.
    pub fn update_in(
        &mut self,
        text: &str,
        mode: Mode,
        around: &Surroundings,
    ) -> (Option<FileKind>, Vec<Diagnostic>) {
        // A file cut at `max-file-size` is read without the files around it or the workspace.
        let large = around.skips.contains(&Skip::TooLarge);
        let alone;
        let around = if large {
            alone = Surroundings {
                settings: around.settings,
                skips: around.skips,
                ..Surroundings::none()
            };
            &alone
        } else {
            around
        };
        let ranges = split_documents(text);
        self.patch = false;
        if self.settings.as_ref() != Some(around.settings) {
            self.chunks.clear();
            self.settings = Some(around.settings.clone());
        }
        let mut old: Vec<Option<Chunk>> = std::mem::take(&mut self.chunks)
            .into_iter()
            .map(Some)
            .collect();
        // A file that is Compose by its name or by force is never linted as manifests.
        let compose_only = matches!(
            mode,
            Mode::Force(FileKind::Compose) | Mode::Detect(Some(FileKind::Compose))
        );
        // The documents whose text is unchanged are kept; the others are read, incrementally from the
        // document that was at their place, if any (side by side when there are many). Most keystrokes change
        // one document and leave the others at their places: those are compared there first (equal lengths,
        // then bytes), and only the rest are looked up by their text.
        let reusable = |chunk: &Chunk| chunk.compose_yaml.is_some() == compose_only;
        let mut reused: Vec<Option<usize>> = ranges
            .iter()
            .enumerate()
            .map(|(i, range)| {
                old.get(i)
                    .and_then(Option::as_ref)
                    .filter(|c| reusable(c) && c.text.as_str() == range.slice(text))
                    .map(|_| i)
            })
            .collect();
        let mut taken = vec![false; old.len()];
        for &i in reused.iter().flatten() {
            taken[i] = true;
        }
        if reused.iter().any(Option::is_none) {
            let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
            for (i, chunk) in old.iter().enumerate().filter(|(i, _)| !taken[*i]) {
                if let Some(chunk) = chunk.as_ref().filter(|c| reusable(c)) {
                    by_text.entry(chunk.text.as_str()).or_default().push(i);
                }
            }
            for (slot, range) in reused
                .iter_mut()
                .zip(&ranges)
                .filter(|(slot, _)| slot.is_none())
            {
                if let Some(candidates) = by_text.get_mut(range.slice(text)) {
                    *slot = (!candidates.is_empty()).then(|| candidates.remove(0));
                }
            }
        }
        // (the document kept, else its text and the document at its place, read once the kept are taken)
        let mut jobs: Vec<(Option<Chunk>, &str, Option<Chunk>)> = ranges
            .iter()
            .zip(reused)
            .map(|(range, reused)| (reused.and_then(|i| old[i].take()), range.slice(text), None))
            .collect();
        for (index, (kept, _, previous)) in jobs.iter_mut().enumerate() {
            if kept.is_none() {
                *previous = old.get_mut(index).and_then(Option::take);
            }
        }
        let once = self.once;
        // Only the documents being edited keep their trees: a tree costs tens of bytes per byte of YAML,
        // and an unchanged document is reused by its text.
        let read = |(kept, slice, previous): (Option<Chunk>, &str, Option<Chunk>)| match kept {
            Some(chunk) => Chunk {
                tree: None,
                ..chunk
            },
            None => read_chunk(slice, previous, around.settings, compose_only, !once),
        };
        self.chunks = if text.len() >= PARALLEL_FROM && jobs.len() > 1 {
            use rayon::prelude::*;
            jobs.into_par_iter().map(read).collect()
        } else {
            jobs.into_iter().map(read).collect()
        };
        self.starts = ranges.iter().map(|r| r.start).collect();
        // A chart template (by its path) is a Helm template in every document.
        let chart = around.skips.contains(&Skip::HelmTemplate);
        let kind = match mode {
            Mode::Force(kind) => Some(kind),
            Mode::Detect(_) if chart => Some(FileKind::Kubernetes),
            Mode::Detect(name) => {
                if name == Some(FileKind::Compose) || self.chunks.first().is_some_and(|c| c.compose)
                {
                    Some(FileKind::Compose)
                } else {
                    // A Kustomize patch of operations is no manifest, but patches one.
                    let manifest = self.chunks.iter().any(|c| c.manifest);
                    (manifest || Patch::find(around.files).is_some())
                        .then_some(FileKind::Kubernetes)
                }
            }
        };
        let skipped = |start: usize| {
            skipped_file::finding(Skip::HelmTemplate, skipped_file::first_line(text, start))
        };
        // What Pod Security admission needs after the settings: the workspace's namespaces and the workload
        // of each document (the first, in file offsets).
        let mut admission: Option<FileWorkloads> = None;
        let mut diagnostics = match kind {
            Some(FileKind::Kubernetes) if chart => vec![skipped(0)],
            // A Kustomize patch is judged for what it sets, on the object it patches.
            Some(FileKind::Kubernetes) if let Some(patch) = self.patch_of(around.files) => {
                let found = patch.lint(text, |source, yaml| {
                    lint_yaml(
                        source,
                        FileKind::Kubernetes,
                        yaml,
                        &NoFiles,
                        around.settings,
                    )
                });
                crate::rules::diagnostic::finish(found)
            }
            Some(FileKind::Kubernetes) => {
                // A Helm document is not read; the others are.
                let mut found: Vec<Diagnostic> = self
                    .chunks
                    .iter()
                    .zip(&ranges)
                    .flat_map(|(chunk, range)| {
                        let start = isize::try_from(range.start).unwrap_or(0);
                        let own = if chunk.helm {
                            Vec::new()
                        } else {
                            chunk.diagnostics.clone()
                        };
                        own.into_iter()
                            .map(move |d| d.shifted(start))
                            .chain(chunk.helm.then(|| skipped(range.start)))
                    })
                    .collect();
                let summary = self.summary();
                let mut facts = summary.facts.clone();
                if let Some(others) = around.facts {
                    facts.extend(others);
                }
                let cx = WorkspaceContext {
                    source: text,
                    summary: &summary,
                    facts: &facts,
                    reported_elsewhere: around.reported_elsewhere,
                    files: around.files,
                };
                for rule in RuleId::ALL.iter().filter(|_| !large) {
                    if let Some(check) = rule.checks().workspace {
                        check(&cx, &mut found);
                    }
                }
                let documents = self
                    .chunks
                    .iter()
                    .zip(&ranges)
                    .map(|(chunk, range)| {
                        let workload = chunk.summary.workloads.first().cloned();
                        (TextRange::new(range.start, range.end), workload)
                    })
                    .collect();
                admission = Some(FileWorkloads { facts, documents });
                crate::rules::diagnostic::finish(found)
            }
            // A Compose file with a Helm document is not read.
            Some(_) if chart || self.chunks.iter().any(|c| c.helm) => vec![skipped(0)],
            // A Compose file is one document, read with its model; one with several documents is read whole.
            Some(kind) => {
                let built;
                let yaml = match self.chunks.as_slice() {
                    [
                        Chunk {
                            compose_yaml: Some(yaml),
                            ..
                        },
                    ] => yaml,
                    _ => {
                        built = Yaml::read(text);
                        &built
                    }
                };
                lint_yaml(text, kind, yaml, around.files, around.settings)
            }
            None => Vec::new(),
        };
        if kind.is_some() {
            let others = around.skips.iter().filter(|s| **s != Skip::HelmTemplate);
            let found: Vec<Diagnostic> = others
                .map(|s| skipped_file::finding(*s, skipped_file::first_line(text, 0)))
                .collect();
            diagnostics.splice(0..0, found);
        }
        let is_comment = |offset: usize| self.is_comment(offset);
        let diagnostics =
            crate::engine::suppress::apply_yaml(text, &is_comment, around.settings, diagnostics);
        let diagnostics = match &admission {
            Some(file) => crate::engine::admission::apply(diagnostics, file, around.settings),
            // (a patch or a template names no namespace of its own: its latent findings count nowhere)
            None => diagnostics.into_iter().filter(|d| !d.latent).collect(),
        };
        (kind, diagnostics)
    }

    /// Drop the trees kept to read the next edit incrementally: the next edit reads its document whole.
    pub fn drop_trees(&mut self) {
        for chunk in &mut self.chunks {
            chunk.tree = None;
        }
    }

    /// Whether a `#` at `offset` of the text last read starts a comment (not a line of a block scalar).
    fn is_comment(&self, offset: usize) -> bool {
        let index = self.starts.partition_point(|s| *s <= offset);
        let Some((chunk, start)) = index
            .checked_sub(1)
            .and_then(|i| self.chunks.get(i).zip(self.starts.get(i)))
        else {
            return false;
        };
        chunk.comments.binary_search(&(offset - start)).is_ok()
    }
}

impl YamlStream {
    /// The file as a Kustomize patch, when it is one; remembered for [`YamlStream::summary`].
    fn patch_of(&mut self, files: &dyn FileSource) -> Option<Patch> {
        let patch = Patch::find(files);
        self.patch = patch.is_some();
        patch
    }

    /// What the file last read tells the workspace rules (empty unless it holds manifests).
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        if self.patch {
            return summary;
        }
        for (chunk, start) in self.chunks.iter().zip(&self.starts) {
            summary.extend(&chunk.summary, *start);
        }
        summary
    }
}

/// Parse and lint one document, incrementally from `previous` when there is one; its text is kept when the
/// stream is (`kept`), its tree only when it is being edited: without a tree, a large document is read in
/// pieces. A document of a file that is Compose (`compose_only`) is not linted as a manifest: its model is kept for
/// the Compose rules.
fn read_chunk(
    text: &str,
    previous: Option<Chunk>,
    settings: &Settings,
    compose_only: bool,
    kept: bool,
) -> Chunk {
    // An edit of a document of a kept stream keeps its tree for the next edit; a document read for the
    // first time (the file opened) keeps none.
    let hot = kept && previous.is_some();
    let (mut yaml, tree) = match previous {
        Some(Chunk {
            text: old_text,
            tree: Some(mut old_tree),
            ..
        }) => {
            let edit = crate::edit::fix::diff(&old_text, text);
            edit_tree(&mut old_tree, &old_text, edit.range, &edit.new_text);
            let tree = parse(Language::Yaml, text, Some(&old_tree));
            (Yaml::build(text, tree.as_ref()), tree)
        }
        _ if !hot => (Yaml::read(text), None),
        _ => {
            let tree = parse(Language::Yaml, text, None);
            (Yaml::build(text, tree.as_ref()), tree)
        }
    };
    let tree = tree.filter(|_| hot);
    // (a stream read once never compares its next text with this one)
    let kept_text = if kept { text.to_owned() } else { String::new() };
    let helm = is_helm_template(text, &yaml);
    let compose = looks_like_compose(&yaml);
    if compose_only {
        // The Compose rules read this view, comments included (their fixes insert above a comment that
        // introduces the next key).
        let comments = yaml.comments.clone();
        return Chunk {
            summary: Summary::default(),
            text: kept_text,
            manifest: false,
            compose,
            helm,
            tree,
            diagnostics: Vec::new(),
            compose_yaml: Some(yaml),
            comments,
        };
    }
    let diagnostics = lint_yaml(text, FileKind::Kubernetes, &yaml, &NoFiles, settings);
    let comments = std::mem::take(&mut yaml.comments);
    // A Helm document is not read, so it tells the workspace rules nothing.
    let summary = if helm {
        Summary::default()
    } else {
        let k8s = Kubernetes::read(&yaml);
        let mut summary = Summary::of(text, &yaml, &k8s);
        let cx = KubernetesContext {
            source: text,
            yaml: &yaml,
            k8s: &k8s,
            settings,
        };
        summary.token_mounts = crate::rules::token_mounts(&cx);
        summary
    };
    Chunk {
        summary,
        text: kept_text,
        // A template may not parse as YAML: its own top-level `apiVersion:` and `kind:` lines say it is a
        // manifest.
        manifest: looks_like_kubernetes(&yaml) || (helm && names_a_kind(text)),
        compose,
        helm,
        tree,
        diagnostics,
        compose_yaml: None,
        comments,
    }
}

/// Whether a document's text has top-level `apiVersion:` and `kind:` lines.
fn names_a_kind(text: &str) -> bool {
    let has = |key: &str| text.lines().any(|l| l.starts_with(key));
    has("apiVersion:") && has("kind:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_split_at_markers_only() {
        let text = "a: 1\n---\nb: |\n  ---x\n--- # c\nc: 3\n---";
        let parts: Vec<&str> = split_documents(text)
            .iter()
            .map(|r| r.slice(text))
            .collect();
        assert_eq!(
            parts,
            ["a: 1\n", "---\nb: |\n  ---x\n", "--- # c\nc: 3\n", "---"]
        );
    }
}

#[cfg(test)]
mod stream_tests {
    use super::*;

    fn pod(name: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {{privileged: true}}\n"
        )
    }

    #[test]
    fn a_stream_updated_in_place_equals_a_fresh_read() {
        let text = format!(
            "{}---\n{}---\nnot: [a, manifest]\n---\n{}",
            pod("a"),
            pod("b"),
            pod("c")
        );
        let mut stream = YamlStream::default();
        let (kind, first) = stream.update(&text, Mode::Detect(None));
        assert_eq!(kind, Some(FileKind::Kubernetes));
        assert_eq!(
            first,
            YamlStream::default()
                .update(&text, Mode::Force(FileKind::Kubernetes))
                .1
        );
        // Insert lines into the second document: the others are reused, shifted; the second is reparsed
        // incrementally.
        let edited = text.replacen("  name: b\n", "  name: bb\n# more\n\n", 1);
        let (_, second) = stream.update(&edited, Mode::Detect(None));
        assert_eq!(
            second,
            YamlStream::default()
                .update(&edited, Mode::Force(FileKind::Kubernetes))
                .1
        );
        assert_ne!(first, second);
        // A syntax error stays in its document.
        let broken = edited.replacen("not: [a, manifest]", "not: [a, manifest", 1);
        let (_, third) = stream.update(&broken, Mode::Detect(None));
        assert_eq!(
            third,
            YamlStream::default()
                .update(&broken, Mode::Force(FileKind::Kubernetes))
                .1
        );
        assert!(
            third
                .iter()
                .any(|d| d.rule == crate::rules::RuleId::SyntaxError)
        );
    }
}
