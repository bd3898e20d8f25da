//! A YAML file read as a stream of documents, each parsed and linted on its own.
//!
//! Kubernetes files are often long streams of manifests (`---`). tree-sitter-yaml's scanner state includes
//! the line number, so one inserted line break invalidates every later subtree and a whole 3,000-line stream
//! is parsed again. Documents are independent in YAML (anchors do not cross `---`), so each document is kept
//! with its own tree and findings: an edit reparses, incrementally, only the document it touched, and the
//! findings of the others are reused, moved to where their text now is. The CLI reads files the same way,
//! so the editor and CI agree by construction.

use std::collections::HashMap;
use std::sync::Arc;

use tree_sitter::Tree;

use crate::document::{FileKind, Skip, TextRange, shift, split_documents};
use crate::engine::admission;
use crate::engine::findings::{Findings, Run};
use crate::engine::kustomize::Patch;
use crate::engine::run_rules::{PARALLEL_FROM, run_rules};
use crate::engine::suppress;
use crate::engine::surroundings::Surroundings;
use crate::engine::yaml::lint_yaml;
use crate::knowledge::pod_security::NamespacePolicy;
use crate::model::compose::looks_like_compose;
use crate::model::detect::is_helm_template;
use crate::model::kubernetes::{Kubernetes, looks_like_kubernetes};
use crate::model::yaml::Yaml;
use crate::rules::settings::Settings;
use crate::rules::skipped_file;
use crate::rules::workspace::{Facts, FileSummary, Summary};
use crate::rules::{Diagnostic, FileSource, KubernetesContext, NoFiles, WorkspaceContext};
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
    /// Its findings as last handed over, kept while the document is unchanged.
    finished: Option<Finished>,
}

/// A document's findings once finished, with what they were finished with: while those are the same, so
/// are they.
struct Finished {
    /// The workspace rules' findings in the document, relative to its start.
    workspace: Vec<Diagnostic>,
    /// The Pod Security labels of its pod's namespace.
    namespace: Option<NamespacePolicy>,
    items: Arc<[Diagnostic]>,
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
    pub fn update(&mut self, text: &str, mode: Mode) -> (Option<FileKind>, Findings) {
        self.update_in(text, mode, &Surroundings::none())
    }

    /// Like [`YamlStream::update`], with the namespaces the rest of the workspace default-denies.
    pub fn update_in(
        &mut self,
        text: &str,
        mode: Mode,
        around: &Surroundings,
    ) -> (Option<FileKind>, Findings) {
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
        // (side by side only when several documents are read: moving the kept ones is no work)
        let reading = jobs.iter().filter(|(kept, ..)| kept.is_none()).count();
        self.chunks = if text.len() >= PARALLEL_FROM && reading > 1 {
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
        // Why the file is not read in full, said on its first line.
        let file_skips: Vec<Diagnostic> = match kind {
            Some(_) => around
                .skips
                .iter()
                .filter(|s| **s != Skip::HelmTemplate)
                .map(|s| skipped_file::finding(*s, skipped_file::first_line(text, 0)))
                .collect(),
            None => Vec::new(),
        };
        let found = match kind {
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
                return (
                    kind,
                    self.manifests(text, &ranges, file_skips, around, large),
                );
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
        let mut diagnostics = file_skips;
        diagnostics.extend(found);
        let is_comment = |offset: usize| self.is_comment(offset);
        let diagnostics = suppress::apply_yaml(text, &is_comment, around.settings, diagnostics);
        // (a patch or a template names no namespace of its own: its latent findings count nowhere)
        let diagnostics = diagnostics.into_iter().filter(|d| !d.latent).collect();
        (kind, Findings::whole(diagnostics, text.len()))
    }

    /// The findings of a stream of manifests (`ranges`: where its documents are, `file_skips`: the findings
    /// about the whole file): each document's own and the workspace rules' (over the whole file, unless it
    /// is too `large`), then suppressions, settings and Pod Security admission. Without suppression comments
    /// in the file, each document is finished on its own and, while it and what it was finished with are
    /// unchanged, handed over as it was (see `engine::findings`).
    fn manifests(
        &mut self,
        text: &str,
        ranges: &[TextRange],
        file_skips: Vec<Diagnostic>,
        around: &Surroundings,
        large: bool,
    ) -> Findings {
        let settings = around.settings;
        let (facts, workspace) = {
            let parts = self.summaries();
            let summary = FileSummary::new(&parts);
            let mut facts = summary.facts();
            if let Some(others) = around.facts {
                facts.extend(others);
            }
            let cx = WorkspaceContext {
                source: text,
                summary,
                facts: &facts,
                reported_elsewhere: around.reported_elsewhere,
                files: around.files,
            };
            let found = if large {
                Vec::new()
            } else {
                run_rules(text, settings, |rule| rule.checks().workspace, &cx)
            };
            (facts, found)
        };
        // Each document's share of the workspace rules' findings, relative to its start.
        let mut shares: Vec<Vec<Diagnostic>> = vec![Vec::new(); self.chunks.len()];
        for d in workspace {
            let i = self
                .starts
                .partition_point(|s| *s <= d.range.start)
                .saturating_sub(1);
            if let (Some(share), Some(start)) = (shares.get_mut(i), self.starts.get(i)) {
                share.push(d.shifted(-shift(*start)));
            }
        }
        if suppress::yaml_mentions_suppression(text) {
            return self
                .manifests_with_suppressions(text, ranges, file_skips, shares, &facts, settings);
        }
        let mut findings = Findings::default();
        findings.push(Run {
            span: TextRange::new(0, text.len()),
            items: suppress::apply_settings(settings, file_skips).into(),
        });
        // (a stream read once hands its documents' findings over instead of keeping them)
        let once = self.once;
        for ((chunk, range), share) in self.chunks.iter_mut().zip(ranges).zip(shares) {
            let workload = chunk.summary.workloads.first();
            let namespace = workload.and_then(|w| facts.namespaces.get(&w.namespace).copied());
            let items = match &chunk.finished {
                Some(f) if f.workspace == share && f.namespace == namespace => Arc::clone(&f.items),
                _ => {
                    let own = if once {
                        std::mem::take(&mut chunk.diagnostics)
                    } else {
                        chunk.diagnostics.clone()
                    };
                    let mut found = own_findings(chunk.helm, own, range.slice(text));
                    found.extend(share.iter().cloned());
                    let found = crate::rules::diagnostic::finish(found);
                    let found = suppress::apply_settings(settings, found);
                    let items: Arc<[Diagnostic]> =
                        admission::apply(found, workload, &facts, settings).into();
                    chunk.finished = (!once).then(|| Finished {
                        workspace: share,
                        namespace,
                        items: Arc::clone(&items),
                    });
                    items
                }
            };
            findings.push(Run {
                span: *range,
                items,
            });
        }
        findings
    }

    /// [`YamlStream::manifests`] for a file with suppression comments: a comment may cover the whole file,
    /// and one that suppresses nothing is reported, so its findings are suppressed as a whole, then each
    /// document's go through admission with its pod.
    fn manifests_with_suppressions(
        &mut self,
        text: &str,
        ranges: &[TextRange],
        file_skips: Vec<Diagnostic>,
        shares: Vec<Vec<Diagnostic>>,
        facts: &Facts,
        settings: &Settings,
    ) -> Findings {
        let mut found = file_skips;
        for ((chunk, range), share) in self.chunks.iter_mut().zip(ranges).zip(shares) {
            chunk.finished = None;
            let own = own_findings(chunk.helm, chunk.diagnostics.clone(), range.slice(text));
            found.extend(
                own.into_iter()
                    .chain(share)
                    .map(|d| d.shifted(shift(range.start))),
            );
        }
        let found = crate::rules::diagnostic::finish(found);
        let is_comment = |offset: usize| self.is_comment(offset);
        let mut found = suppress::apply_yaml(text, &is_comment, settings, found)
            .into_iter()
            .peekable();
        // (findings before the first document, or about the whole file, have no pod)
        let mut findings = Findings::default();
        let first = self.starts.first().copied().unwrap_or(text.len());
        let before: Vec<Diagnostic> =
            std::iter::from_fn(|| found.next_if(|d| d.range.start < first)).collect();
        findings.push(Run {
            span: TextRange::new(0, text.len()),
            items: admission::apply(before, None, facts, settings).into(),
        });
        for (index, (chunk, range)) in self.chunks.iter().zip(ranges).enumerate() {
            let next = self.starts.get(index + 1).copied().unwrap_or(usize::MAX);
            let delta = -shift(range.start);
            let own: Vec<Diagnostic> =
                std::iter::from_fn(|| found.next_if(|d| d.range.start < next))
                    .map(|d| d.shifted(delta))
                    .collect();
            let workload = chunk.summary.workloads.first();
            findings.push(Run {
                span: *range,
                items: admission::apply(own, workload, facts, settings).into(),
            });
        }
        findings
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

    /// What the file last read says to the other files of the workspace (nothing unless it holds
    /// manifests).
    pub fn facts(&self) -> Facts {
        if self.patch {
            return Facts::default();
        }
        FileSummary::new(&self.summaries()).facts()
    }

    /// Each document's summary with where the document starts (see [`FileSummary`]).
    fn summaries(&self) -> Vec<(usize, &Summary)> {
        self.starts
            .iter()
            .copied()
            .zip(self.chunks.iter().map(|c| &c.summary))
            .collect()
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
            finished: None,
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
        finished: None,
    }
}

/// A document's findings before the workspace rules, relative to its start (`text`: its text; `own`: what
/// the rules found in it): a Helm document is not read, and says so.
fn own_findings(helm: bool, own: Vec<Diagnostic>, text: &str) -> Vec<Diagnostic> {
    if helm {
        vec![skipped_file::finding(
            Skip::HelmTemplate,
            skipped_file::first_line(text, 0),
        )]
    } else {
        own
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
                .located()
                .any(|(_, d)| d.rule == crate::rules::RuleId::SyntaxError)
        );
    }
}

#[cfg(test)]
mod finished_tests {
    use super::*;
    use crate::document::Severity;
    use crate::rules::RuleId;

    /// A namespace that enforces `restricted` and denies all traffic by default, then pods in it
    /// (`privileged: true` is refused there).
    fn stream() -> String {
        let mut text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n".to_owned();
        for name in ["a", "b", "c"] {
            text.push_str(&format!(
                "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {{privileged: true}}\n"
            ));
        }
        text
    }

    /// What an editor shows of each finding.
    fn shown(findings: &Findings) -> Vec<(TextRange, RuleId, Severity, String)> {
        findings
            .to_vec()
            .into_iter()
            .map(|d| (d.range, d.rule, d.severity, d.message))
            .collect()
    }

    #[test]
    fn an_edit_hands_over_the_other_documents_findings_as_they_were() {
        let text = stream();
        let mut stream = YamlStream::default();
        let (_, before) = stream.update(&text, Mode::Detect(None));
        assert!(
            before
                .to_vec()
                .iter()
                .any(|d| d.message.contains("rejected by Pod Security admission")),
            "{before:#?}"
        );
        let edited = text.replacen("  name: b\n", "  name: bb\n", 1);
        let (_, after) = stream.update(&edited, Mode::Detect(None));
        assert_eq!(
            after,
            YamlStream::default().update(&edited, Mode::Detect(None)).1
        );
        let runs = |f: &Findings| -> Vec<Arc<[Diagnostic]>> {
            f.runs().iter().map(|r| Arc::clone(&r.items)).collect()
        };
        let (before, after) = (runs(&before), runs(&after));
        assert_eq!(before.len(), after.len());
        let shared: Vec<bool> = before
            .iter()
            .zip(&after)
            .map(|(b, a)| Arc::ptr_eq(b, a))
            .collect();
        // (the pods' documents hold findings; the edited one, the second, is new)
        assert_eq!(shared, [true, false, true], "{after:#?}");
    }

    #[test]
    fn a_file_with_suppressions_is_finished_as_a_whole_to_the_same_findings() {
        let text = stream();
        let plain = YamlStream::default().update(&text, Mode::Detect(None)).1;
        // A comment that covers nothing, at the end: the same findings, and one about the comment.
        let commented = format!("{text}# dockwarden-ignore-file: default-namespace\n");
        let with_comment = YamlStream::default()
            .update(&commented, Mode::Detect(None))
            .1;
        let mut found = shown(&with_comment);
        assert_eq!(
            found.pop().map(|(range, rule, ..)| (range.start, rule)),
            Some((text.len(), RuleId::UnusedSuppression))
        );
        assert_eq!(found, shown(&plain), "admission included");
        // A comment above a pod's container covers it there only.
        let ignored = text.replacen(
            "    - name: c\n",
            "    # dockwarden-ignore: privileged-container -- a test\n    - name: c\n",
            1,
        );
        let mut stream = YamlStream::default();
        let (_, found) = stream.update(&ignored, Mode::Detect(None));
        let privileged = |f: &Findings| {
            f.located()
                .filter(|(_, d)| d.rule == RuleId::PrivilegedContainer)
                .count()
        };
        assert_eq!((privileged(&plain), privileged(&found)), (3, 2));
        let edited = ignored.replacen("  name: c\n", "  name: cc\n", 1);
        assert_eq!(
            stream.update(&edited, Mode::Detect(None)).1,
            YamlStream::default().update(&edited, Mode::Detect(None)).1
        );
    }
}
