//! Helpers shared by the integration tests: fixture discovery, rendering findings for snapshots, and the fix
//! validity check used over fixtures and the corpus.
#![allow(dead_code)]

pub mod lsp;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockwarden::document::LineIndex;
use dockwarden::edit::fix::{FileChange, Fix};
use dockwarden::engine::fix_all::{FixMode, fix_all};
use dockwarden::engine::lint::{lint_in, summary_of};
use dockwarden::engine::surroundings::Surroundings;
use dockwarden::rules::workspace::Facts;
use dockwarden::rules::{FileSource, NoFiles, RuleId};
use dockwarden::{Diagnostic, FileKind};

/// The fixture directories and the kind their files are linted as (`other/` holds YAML that is no manifest).
pub const FIXTURE_KINDS: [(&str, Option<FileKind>); 4] = [
    ("dockerfile", Some(FileKind::Dockerfile)),
    ("compose", Some(FileKind::Compose)),
    ("kubernetes", Some(FileKind::Kubernetes)),
    ("other", None),
];

/// Every fixture with the kind it is linted as, sorted.
pub fn fixtures() -> Vec<(PathBuf, Option<FileKind>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for (dir, kind) in FIXTURE_KINDS {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("fixtures directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|p| (p, kind)));
    }
    out
}

/// Lint a fixture of `rule`: a rule that is off by default is turned on for its own fixtures.
/// Rules whose fixtures need settings find them in `tests/fixtures/settings/<rule>.yaml`.
/// A fixture's text, decoded as the CLI decodes files (invalid UTF-8 read as U+FFFD), and why it is not
/// linted in full.
pub fn read_fixture(path: &Path) -> (String, Vec<dockwarden::document::Skip>) {
    let bytes = std::fs::read(path).expect("readable fixture");
    let valid = std::str::from_utf8(&bytes).is_ok();
    (
        String::from_utf8_lossy(&bytes).into_owned(),
        dockwarden::engine::lint::skips(Some(path), valid),
    )
}

pub fn lint_fixture(
    text: &str,
    kind: FileKind,
    rule: RuleId,
    skips: &[dockwarden::document::Skip],
) -> Vec<Diagnostic> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/settings")
        .join(format!("{rule}.yaml"));
    let settings = match std::fs::read_to_string(&file) {
        Ok(text) => dockwarden::engine::config::Config::parse(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .settings(),
        Err(_) => dockwarden::rules::settings::Settings::enabling(&[rule]),
    };
    let around = Surroundings {
        settings: &settings,
        skips,
        ..Surroundings::none()
    };
    lint_in(text, kind, &around)
}

/// Write `text` at `path` under `dir`, creating its folders.
pub fn put(dir: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
    std::fs::write(path, text).expect("write");
}

/// A fresh folder under the system's temporary one holding `files` (`(relative path, text)`), canonical.
pub fn write_tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dockwarden-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (path, text) in files {
        put(&dir, path, text);
    }
    dir.canonicalize().expect("canonical folder")
}

/// The shared corpus, when this checkout sits beside it (`../shared/corpus`) or `DOCKWARDEN_CORPUS` names it
/// (`tests/run` also finds it beside the repository a clone was made from).
///
/// A suite that needs it calls this: without a corpus it **fails** when `CI=true` or
/// `DOCKWARDEN_REQUIRE_CORPUS=1` (a suite that passes because its input is missing proves nothing), and
/// otherwise prints `SKIPPED: <suite>` straight to the terminal, past the harness's output capture, so a
/// newcomer's run says what it did not test.
pub fn corpus_dir(suite: &str) -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DOCKWARDEN_CORPUS").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")),
    ];
    let found = candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("dockerfiles").is_dir());
    if found.is_none() {
        let required = std::env::var("CI").is_ok_and(|v| v == "true")
            || std::env::var("DOCKWARDEN_REQUIRE_CORPUS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "{suite}: the corpus is required (CI=true or DOCKWARDEN_REQUIRE_CORPUS=1) but was not found: \
             set DOCKWARDEN_CORPUS to its folder"
        );
        use std::io::Write;
        let line = format!("SKIPPED: {suite} (corpus not found: set DOCKWARDEN_CORPUS)\n");
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    found
}

/// Findings rendered with the source line and a caret underline, as reviewed in snapshots.
pub fn render(name: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diagnostics {
        let at = index.line_col(d.range.start);
        let line = index.line_text(at.line - 1);
        out.push_str(&format!(
            "{name}:{}:{} {}[{}] {}\n",
            at.line,
            at.column,
            d.severity.as_str(),
            d.rule,
            d.message
        ));
        out.push_str(&format!("{:>4} | {line}\n", at.line));
        let end = if index.line_of(d.range.end) == at.line - 1 {
            index.line_col(d.range.end).column
        } else {
            line.chars().count() + 1
        };
        let width = end.saturating_sub(at.column).max(1);
        out.push_str(&format!(
            "     | {}{}\n",
            " ".repeat(at.column - 1),
            "^".repeat(width)
        ));
        for r in &d.related {
            out.push_str(&format!("     = note: {}\n", r.message));
        }
        for fix in &d.fixes {
            let marker = if fix.preferred { "*" } else { "-" };
            out.push_str(&format!(
                "     {marker} fix ({:?}): {}\n",
                fix.applicability, fix.title
            ));
            if let Some(fallback) = &fix.fallback {
                out.push_str(&format!(
                    "       where other files cannot change: {}\n",
                    fallback.title
                ));
            }
        }
    }
    out
}

fn counts(diagnostics: &[Diagnostic]) -> BTreeMap<RuleId, usize> {
    let mut map = BTreeMap::new();
    for d in diagnostics {
        *map.entry(d.rule).or_insert(0) += 1;
    }
    map
}

/// Every node of `tree` as (kind, byte range, is an error or missing node), in pre-order, walked without
/// recursion (no recursion over input structure, even in tests).
pub fn nodes(tree: &tree_sitter::Tree) -> Vec<(String, usize, usize, bool)> {
    let mut out = Vec::new();
    dockwarden::syntax::preorder(tree.root_node(), |node| {
        out.push((
            node.kind().to_owned(),
            node.start_byte(),
            node.end_byte(),
            node.is_error() || node.is_missing(),
        ));
        true
    });
    out
}

fn error_nodes(kind: FileKind, text: &str) -> usize {
    dockwarden::syntax::parse(dockwarden::syntax::Language::of(kind), text, None)
        .map_or(0, |tree| nodes(&tree).iter().filter(|n| n.3).count())
}

/// Leaves of a YAML stream as `path = value`, read by an independent parser (not ours).
fn yaml_leaves(text: &str) -> Result<BTreeMap<String, String>, String> {
    use serde::Deserialize;
    let mut leaves = BTreeMap::new();
    for (i, document) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let value = serde_yaml_ng::Value::deserialize(document).map_err(|e| e.to_string())?;
        let mut stack = vec![(format!("{i}"), value)];
        while let Some((path, value)) = stack.pop() {
            match value {
                serde_yaml_ng::Value::Mapping(map) => {
                    for (k, v) in map {
                        let key = serde_yaml_ng::to_string(&k).unwrap_or_default();
                        stack.push((format!("{path}.{}", key.trim()), v));
                    }
                }
                serde_yaml_ng::Value::Sequence(items) => {
                    for (j, v) in items.into_iter().enumerate() {
                        stack.push((format!("{path}[{j}]"), v));
                    }
                }
                serde_yaml_ng::Value::Tagged(tagged) => stack.push((path, tagged.value)),
                leaf => {
                    leaves.insert(path, serde_yaml_ng::to_string(&leaf).unwrap_or_default());
                }
            }
        }
    }
    Ok(leaves)
}

/// `a[3].b[0]` → `a[].b[]`.
fn unindexed(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// A YAML fix keeps the data: the text still parses, and the only existing values that change or disappear
/// are written inside the text the fix rewrites (insertions only add). Merged copies (`<<: *anchor`) are
/// not counted twice, and neither are aliased copies.
fn check_yaml_data(text: &str, fixed: &str, fix: &Fix) -> Result<(), String> {
    let Ok(before) = yaml_leaves(text) else {
        return Ok(());
    };
    let after = yaml_leaves(fixed)
        .map_err(|e| format!("fix `{}` breaks the YAML: {e}\n{fixed}", fix.title))?;
    // Values merged through `<<` are copies of the anchored ones: count each written value once. Sequence
    // indices are left out, so removing one item of a list changes one value, not all that follow it.
    let written = |leaves: &BTreeMap<String, String>| -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = leaves
            .iter()
            .filter(|(path, _)| !path.contains(".<<"))
            .map(|(path, value)| (unindexed(path), value.clone()))
            .collect();
        out.sort();
        out
    };
    let mut remaining = written(&after);
    // Counted by value: an aliased node (`environment: *defaults`) is one written value seen at many paths.
    let mut changed_values = std::collections::BTreeSet::new();
    for leaf in written(&before) {
        // An empty value (`securityContext:`) filled with keys is an addition, not a change.
        if leaf.1.trim() == "null" {
            continue;
        }
        match remaining.binary_search(&leaf) {
            Ok(at) => {
                remaining.remove(at);
            }
            Err(_) => {
                changed_values.insert(leaf.1.clone());
            }
        }
    }
    // Every value that changed must be written inside a range the fix rewrites (insertions only add).
    let rewritten: Vec<&str> = fix
        .edits
        .iter()
        .filter(|e| !e.range.is_empty())
        .map(|e| e.range.slice(text))
        .collect();
    let outside: Vec<&String> = changed_values
        .iter()
        .filter(|value| {
            let plain = value.trim().trim_matches(['"', '\'']);
            // The rewritten text holds the value raw, or spelled with YAML escapes it decodes to.
            !rewritten
                .iter()
                .any(|r| r.contains(plain) || decoded_strings(r).iter().any(|s| s == plain))
        })
        .collect();
    if !outside.is_empty() {
        return Err(format!(
            "fix `{}` changes values outside the text it rewrites ({outside:?}):\n{fixed}",
            fix.title
        ));
    }
    Ok(())
}

/// The strings a fragment of YAML (`key: "escaped\x41"`) decodes to, when it parses on its own.
fn decoded_strings(fragment: &str) -> Vec<String> {
    fn collect(value: &serde_yaml_ng::Value, out: &mut Vec<String>) {
        match value {
            serde_yaml_ng::Value::String(s) => out.push(s.clone()),
            serde_yaml_ng::Value::Mapping(m) => m.iter().for_each(|(k, v)| {
                collect(k, out);
                collect(v, out);
            }),
            serde_yaml_ng::Value::Sequence(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(fragment) {
        collect(&value, &mut out);
    }
    out
}

/// The folder of a linted file, in memory: the files fixes write beside it, and what they default-deny.
#[derive(Default, Clone)]
pub struct Folder {
    files: BTreeMap<String, String>,
}

impl Folder {
    /// Make the changes; a change that does not fit the file (edits of a file changed since) is an error.
    fn apply(&mut self, changes: &[FileChange]) -> Result<(), String> {
        for change in changes {
            let text = change
                .apply(self.files.get(&change.path).map(String::as_str))
                .ok_or_else(|| format!("the change to {} does not fit it", change.path))?;
            self.files.insert(change.path.clone(), text);
        }
        Ok(())
    }

    /// Lint `text` as a file of this folder.
    pub fn lint(&self, text: &str, kind: FileKind) -> Vec<Diagnostic> {
        let mut facts = Facts::default();
        for (_, text) in self
            .files
            .iter()
            .filter(|(path, _)| path.ends_with(".yaml"))
        {
            facts.extend(&summary_of(text, &NoFiles).facts);
        }
        let around = Surroundings {
            facts: Some(&facts),
            files: self,
            ..Surroundings::none()
        };
        lint_in(text, kind, &around)
    }
}

impl FileSource for Folder {
    fn read(&self, relative: &str) -> Option<String> {
        self.files.get(relative).cloned()
    }

    fn head(&self, relative: &str, len: usize) -> Option<Vec<u8>> {
        let text = self.files.get(relative)?.as_bytes();
        Some(text[..len.min(text.len())].to_vec())
    }

    fn git_ignored(&self, _: &str) -> bool {
        false
    }

    /// Only the files fixes wrote are known: the rest of the real folder is not.
    fn file_name(&self) -> Option<&str> {
        None
    }

    fn is_this_file(&self, _: &str) -> bool {
        false
    }

    fn list(&self, relative: &str) -> Vec<String> {
        let prefix = format!("{}/", relative.trim_end_matches('/'));
        self.files
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .map(str::to_owned)
            .collect()
    }
}

/// Check invariant 5 for one fix of one finding, and for its fallback; returns a description of the
/// violation, if any.
pub fn check_fix(
    kind: FileKind,
    text: &str,
    diagnostic: &Diagnostic,
    fix: &Fix,
    before: &[Diagnostic],
) -> Result<(), String> {
    check_fix_in(&Folder::default(), kind, text, diagnostic, fix, before)?;
    match &fix.fallback {
        Some(fallback) => check_fix(kind, text, diagnostic, fallback, before),
        None => Ok(()),
    }
}

/// [`check_fix`] for a file in `folder`: the fix's changes to other files are made there, and the file is
/// linted again with them.
pub fn check_fix_in(
    folder: &Folder,
    kind: FileKind,
    text: &str,
    diagnostic: &Diagnostic,
    fix: &Fix,
    before: &[Diagnostic],
) -> Result<(), String> {
    let fixed = fix
        .apply(text)
        .ok_or_else(|| format!("fix `{}` does not apply", fix.title))?;
    if fixed == text && fix.files.is_empty() {
        return Err(format!("fix `{}` changes nothing", fix.title));
    }
    let mut folder = folder.clone();
    folder.apply(&fix.files)?;
    for change in &fix.files {
        if change.path.ends_with(".yaml") {
            yaml_leaves(&folder.files[&change.path]).map_err(|e| {
                format!(
                    "fix `{}` writes broken YAML to {}: {e}",
                    fix.title, change.path
                )
            })?;
        }
    }
    let after = folder.lint(&fixed, kind);
    if error_nodes(kind, &fixed) > error_nodes(kind, text) {
        return Err(format!(
            "fix `{}` adds syntax error nodes:\n{fixed}",
            fix.title
        ));
    }
    let syntax_before = before
        .iter()
        .filter(|d| d.rule == RuleId::SyntaxError)
        .count();
    if after
        .iter()
        .filter(|d| d.rule == RuleId::SyntaxError)
        .count()
        > syntax_before
    {
        return Err(format!("fix `{}` adds a syntax error:\n{fixed}", fix.title));
    }
    if kind != FileKind::Dockerfile {
        check_yaml_data(text, &fixed, fix)?;
    }
    let (was, now) = (counts(before), counts(&after));
    let rule = diagnostic.rule;
    if now.get(&rule).copied().unwrap_or(0) >= was.get(&rule).copied().unwrap_or(0) {
        return Err(format!(
            "fix `{}` leaves the {rule} finding in place:\n{fixed}",
            fix.title
        ));
    }
    for (other, n) in &now {
        if *other != rule && *n > was.get(other).copied().unwrap_or(0) {
            return Err(format!(
                "fix `{}` for {rule} introduces a {other} finding:\n{fixed}",
                fix.title
            ));
        }
    }
    // Applying fix-all again to a fixed file converges: a second pass changes nothing, here or beside it.
    let once = fix_all(&fixed, FixMode::Unsafe, |t| folder.lint(t, kind));
    folder.apply(&once.files)?;
    let twice = fix_all(&once.text, FixMode::Unsafe, |t| folder.lint(t, kind));
    if twice.applied != 0 || twice.text != once.text || !twice.files.is_empty() {
        return Err(format!("fixes do not converge after `{}`", fix.title));
    }
    Ok(())
}

/// Every fixture with a kind, laid in a folder of its own under `root` (`<n>/<its name>`, with a
/// `.dockwarden.yaml` that gives it the settings the fixture tests use), with its rule and the lines
/// (1-based) where the engine reports that rule, the fixture read with the files around it on disk.
pub fn fixtures_on_disk(root: &Path) -> Vec<(PathBuf, RuleId, Vec<usize>)> {
    let mut out = Vec::new();
    for (index, (path, kind)) in fixtures().into_iter().enumerate() {
        let Some(kind) = kind else { continue };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let rule_name = name.split('.').next().unwrap_or_default();
        let Some(rule) = RuleId::from_name(rule_name) else {
            continue;
        };
        let folder = root.join(index.to_string());
        let bytes = std::fs::read(&path).expect("fixture");
        // A Compose fixture goes by the name Compose reads, so its kind does not hang on its content.
        let name = if kind == FileKind::Compose {
            "compose.yaml"
        } else {
            name
        };
        put(&folder, name, &bytes);
        let settings_file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/settings")
            .join(format!("{rule}.yaml"));
        let config = std::fs::read_to_string(&settings_file).unwrap_or_else(|_| {
            if rule.meta().severity == dockwarden::Severity::Off {
                format!("rules:\n  {rule}: warning\n")
            } else {
                String::new()
            }
        });
        put(&folder, ".dockwarden.yaml", config);
        let file = folder.join(name).canonicalize().expect("canonical");
        let (text, skips) = read_fixture(&file);
        let settings = dockwarden::engine::config::Config::parse(
            &std::fs::read_to_string(folder.join(".dockwarden.yaml")).expect("config"),
        )
        .expect("a valid config")
        .settings();
        let files = dockwarden::engine::disk::DiskFiles::beside(
            &file,
            &folder.canonicalize().expect("canonical"),
        );
        let around = Surroundings {
            settings: &settings,
            skips: &skips,
            files: match &files {
                Some(f) => f,
                None => &NoFiles,
            },
            ..Surroundings::none()
        };
        let lines = lint_in(&text, kind, &around)
            .iter()
            .filter(|d| d.rule == rule)
            .map(|d| text[..d.range.start].matches('\n').count() + 1)
            .collect();
        out.push((file, rule, lines));
    }
    out
}

/// Validate `text` against the JSON Schema at `schema` with Python's jsonschema (`tests/validate_json.py`):
/// whether it is valid, and the validator's report. `None` when jsonschema is not installed and the run does
/// not require it (`DOCKWARDEN_SARIF_TESTS=required`, which `tests/run` sets after installing it).
pub fn validate_json(schema: &Path, text: &str) -> Option<(bool, String)> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validate_json.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg(schema)
        .env(
            "PYTHONPATH",
            std::env::var("DOCKWARDEN_PYTHONPATH").unwrap_or_default(),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(text.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("validator ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'jsonschema'") {
        assert!(
            std::env::var("DOCKWARDEN_SARIF_TESTS").as_deref() != Ok("required"),
            "jsonschema is required (tests/run installs it)"
        );
        eprintln!("SKIPPED: Python's jsonschema is not installed (tests/run installs it)");
        return None;
    }
    let report = format!("{}{stderr}", String::from_utf8_lossy(&output.stdout));
    Some((output.status.success(), report))
}
