//! `dockwarden check`: lint files in parallel, optionally fix them, print the findings, set the exit code.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use super::EXIT_ERROR;
use super::files::{Input, collect, kind_of};
use super::output::{Color, OutputFormat, printable, write};
use super::project;
use super::report::FileReport;
use super::summary;
use crate::document::{FileKind, Severity};
use crate::document::{Skip, is_yaml_name};
use crate::edit::fix::FileChange;
use crate::engine::config::{Config, Configs};
use crate::engine::disk::DiskFiles;
use crate::engine::fix_all::{FixMode, fix_all};
use crate::engine::kustomize::Patch;
use crate::engine::lint::{lint_in, summary_of};
use crate::engine::surroundings::Surroundings;
use crate::rules::diagnostic::Diagnostic;
use crate::rules::settings::Settings;
use crate::rules::workspace::{Facts, FileSummary, Summary};
use crate::rules::{FileSource, NoFiles};

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    /// Where the report goes instead of standard output.
    pub output: Option<PathBuf>,
    pub color: Color,
    /// No summary, no information findings.
    pub quiet: bool,
    pub fix: bool,
    /// Print what `fix` would change as unified diffs, and change nothing.
    pub diff: bool,
    pub unsafe_fixes: bool,
    pub stdin_filename: Option<PathBuf>,
    /// Exit 0 whatever is found.
    pub exit_zero: bool,
    /// The lowest severity that fails the run.
    pub severity_threshold: Threshold,
    /// Where the config comes from (`--config`, `--no-repo-config`).
    pub config: crate::engine::config::ConfigSource,
    /// The rules to run (`--select`, `--ignore`), over the config; only their fixes are applied.
    pub selection: crate::rules::settings::RuleSelection,
    /// Workspace rules also read the project's manifests that were not given (`--project-wide`).
    pub project_wide: bool,
}

/// The severities `--severity-threshold` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Threshold {
    Info,
    Warning,
    Error,
}

impl Threshold {
    fn severity(self) -> Severity {
        match self {
            Threshold::Info => Severity::Info,
            Threshold::Warning => Severity::Warning,
            Threshold::Error => Severity::Error,
        }
    }
}

/// What happened to one input.
enum Outcome {
    Report(FileReport),
    Error(String),
}

pub fn check(options: &CheckOptions) -> ExitCode {
    if options.diff && options.format != OutputFormat::Text {
        // A diff is its own format: one that silently printed diffs in place of SARIF would break the upload
        // that reads it.
        eprintln!(
            "error: --diff prints unified diffs; it cannot be combined with --format {}",
            format_name(options.format)
        );
        return ExitCode::from(EXIT_ERROR);
    }
    let root = match project::root_of(&options.paths) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {}", printable(&e));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let (inputs, mut errors) = collect(&options.paths);
    // Each file's `.dockwarden.yaml` inside the project: its settings, and whether its `ignore-paths` leave
    // the file out.
    let mut configs =
        Configs::new(Some(root.clone()), Config::default()).with_source(options.config.clone());
    let cwd = std::env::current_dir().unwrap_or_default();
    let named: Vec<PathBuf> = options
        .paths
        .iter()
        .filter(|p| p.is_file())
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let mut planned: Vec<(Input, Settings)> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let path = config_path(&input, options);
        if let Some(by) = path.as_deref().and_then(|p| configs.ignored_by(p)) {
            // A file left out of a walk is what `ignore-paths` asks for; one named on the command line
            // deserves a word.
            if let Input::File(file) = &input {
                if named.contains(file) {
                    let source = by.file.as_deref().map_or_else(
                        || "editor settings".to_owned(),
                        |f| f.strip_prefix(&cwd).unwrap_or(f).display().to_string(),
                    );
                    notes.push(format!(
                        "{}: skipped: ignore-paths ({} in {source})",
                        file.display(),
                        by.pattern
                    ));
                }
            }
            continue;
        }
        let settings = configs
            .settings_for(path.as_deref())
            .with_selection(&options.selection);
        planned.push((input, settings));
    }
    // Read everything first: workspace rules look at every file given before any is linted.
    let mut loaded: Vec<Result<Loaded, String>> = planned
        .into_par_iter()
        .map(|(input, settings)| load(&input, options, settings, &root))
        .collect();
    for note in &notes {
        eprintln!("{}", printable(note));
    }
    errors.extend(configs.errors().map(|(file, e)| {
        format!(
            "{}:{}:{}: {}",
            file.path.strip_prefix(&cwd).unwrap_or(&file.path).display(),
            e.line,
            e.column,
            e.message
        )
    }));
    let context = if options.project_wide {
        unnamed_manifests(&root, &loaded, &mut configs, options)
    } else {
        Vec::new()
    };
    let summaries: Vec<(&Path, Summary)> = loaded
        .iter()
        .flatten()
        .chain(&context)
        .filter(|file| file.kind == Some(FileKind::Kubernetes))
        .map(|file| {
            let files = beside(&file.input, &root);
            let around: &dyn FileSource = match &files {
                Some(files) => files,
                None => &NoFiles,
            };
            (file.path.as_path(), summary_of(&file.text, around))
        })
        .collect();
    let mut facts = Facts::default();
    for (_, summary) in &summaries {
        facts.extend(&summary.facts);
    }
    let reporters = namespace_reporters(summaries, &facts);
    if options.diff {
        let mut sink = Sink::Diffs(root.clone(), Vec::new());
        let (failed, applied) = fix_files(
            &mut loaded,
            (options, &root),
            (&mut facts, &reporters),
            &mut sink,
        );
        errors.extend(failed);
        if !options.quiet {
            eprintln!("{}", summary::fixed(&applied, true));
        }
        return print_diffs(&sink, &errors, options);
    }
    if options.fix {
        let (failed, applied) = fix_files(
            &mut loaded,
            (options, &root),
            (&mut facts, &reporters),
            &mut Sink::Disk(root.clone()),
        );
        errors.extend(failed);
        if !options.quiet {
            eprintln!("{}", summary::fixed(&applied, false));
        }
    }
    let outcomes: Vec<Outcome> = loaded
        .into_par_iter()
        .map(|loaded| match loaded {
            Ok(loaded) => report(loaded, (options, &root), &facts, &reporters),
            Err(e) => Outcome::Error(e),
        })
        .collect();
    let mut reports = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Report(mut r) => {
                if options.quiet {
                    r.diagnostics.retain(|d| d.severity > Severity::Info);
                }
                reports.push(r);
            }
            Outcome::Error(e) => errors.push(e),
        }
    }
    // With `--fix` on standard input, the fixed text goes to stdout (like a formatter) and the findings that
    // remain to stderr.
    let fixed_stdin: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.fixed_stdin.as_deref())
        .collect();
    let colour = options.color.wanted(options.output.is_none());
    let written = if let Some(file) = &options.output {
        // The path the user gave on the command line, like a shell redirection.
        std::fs::File::create(file).and_then(|file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            write(options.format, &reports, (&root, colour), &mut out).and_then(|()| out.flush())
        })
    } else if fixed_stdin.is_empty() {
        // Buffered: a report of many findings is written in a few large writes, not one per line.
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        write(options.format, &reports, (&root, colour), &mut stdout).and_then(|()| stdout.flush())
    } else {
        let mut stdout = std::io::stdout().lock();
        let mut stderr = std::io::BufWriter::new(std::io::stderr().lock());
        fixed_stdin
            .iter()
            .try_for_each(|t| stdout.write_all(t.as_bytes()))
            .and_then(|()| stdout.flush())
            .and_then(|()| write(options.format, &reports, (&root, false), &mut stderr))
            .and_then(|()| stderr.flush())
    };
    if let Err(e) = written {
        if let Some(file) = &options.output {
            eprintln!("error: {}: {e}", printable(&file.display().to_string()));
        }
        return ExitCode::from(EXIT_ERROR);
    }
    for error in &errors {
        eprintln!("error: {}", printable(error));
    }
    if options.format == OutputFormat::Text && !options.quiet {
        eprintln!("{}", summary::found(&reports));
    }
    if !errors.is_empty() {
        return ExitCode::from(EXIT_ERROR);
    }
    let threshold = options.severity_threshold.severity();
    let failing = !options.exit_zero
        && reports
            .iter()
            .flat_map(|r| &r.diagnostics)
            .any(|d| d.severity >= threshold);
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A format's name on the command line.
fn format_name(format: OutputFormat) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// One input, read and classified.
struct Loaded {
    input: Input,
    path: PathBuf,
    text: String,
    valid_utf8: bool,
    kind: Option<FileKind>,
    settings: Settings,
    /// Why it is not linted in full (a chart template, bytes that are not UTF-8).
    skips: Vec<Skip>,
}

/// Where an input is, for finding its config: the file's absolute path, or for standard input the name
/// `--stdin-filename` gives it under the current directory.
fn config_path(input: &Input, options: &CheckOptions) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    match input {
        Input::File(path) => path.canonicalize().ok(),
        Input::Stdin => {
            let name = options.stdin_filename.as_deref().and_then(Path::file_name);
            Some(cwd.join(name.unwrap_or("-".as_ref())))
        }
    }
}

fn load(
    input: &Input,
    options: &CheckOptions,
    settings: Settings,
    root: &Path,
) -> Result<Loaded, String> {
    // One byte more than the limit tells a file that is larger.
    let cap = settings.max_file_size.saturating_add(1);
    let (path, mut bytes) = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(cap)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("standard input: {e}"))?;
            let name = options
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            (name, bytes)
        }
        Input::File(path) => {
            let mut bytes = Vec::new();
            std::fs::File::open(path)
                .and_then(|file| file.take(cap).read_to_end(&mut bytes))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            (path.clone(), bytes)
        }
    };
    let too_large = crate::engine::lint::cut_to_limit(&mut bytes, settings.max_file_size);
    let (text, valid_utf8) = match String::from_utf8(bytes) {
        Ok(t) => (t, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    };
    let mut kind = kind_of(&path, &text);
    // A Kustomize patch of operations is no manifest, but patches one.
    if kind.is_none() && is_yaml_name(&path) {
        let files = beside(input, root);
        kind = files
            .as_ref()
            .and_then(|f| Patch::find(f))
            .map(|_| FileKind::Kubernetes);
    }
    let mut skips = crate::engine::lint::skips(Some(&path), valid_utf8);
    if too_large {
        skips.push(Skip::TooLarge);
    }
    Ok(Loaded {
        input: input.clone(),
        path,
        text,
        valid_utf8,
        kind,
        settings,
        skips,
    })
}

/// `--project-wide`: the project's manifests that were not given, read only for what the workspace rules
/// learn from them (a NetworkPolicy, a ServiceAccount), never reported. pre-commit passes only the staged
/// files: without them, a namespace whose policy was not staged would be said to have none. A file that
/// cannot be read here is not this run's error (nobody asked about it).
fn unnamed_manifests(
    root: &Path,
    loaded: &[Result<Loaded, String>],
    configs: &mut Configs,
    options: &CheckOptions,
) -> Vec<Loaded> {
    let given: BTreeSet<PathBuf> = loaded
        .iter()
        .flatten()
        .filter_map(|file| file.path.canonicalize().ok())
        .collect();
    let (inputs, _) = collect(&[root.to_path_buf()]);
    let mut planned = Vec::new();
    for input in inputs {
        let Input::File(path) = &input else { continue };
        let Ok(canonical) = path.canonicalize() else {
            continue;
        };
        if !is_yaml_name(path)
            || given.contains(&canonical)
            || configs.ignored_by(&canonical).is_some()
        {
            continue;
        }
        let settings = configs.settings_for(Some(&canonical));
        planned.push((input, settings));
    }
    planned
        .into_par_iter()
        .filter_map(|(input, settings)| load(&input, options, settings, root).ok())
        .filter(|file| file.kind == Some(FileKind::Kubernetes))
        .collect()
}

/// Fix the files one after another (a fix may write another file, such as a NetworkPolicy that resolves
/// the same finding in the files that follow); returns the files that could not be written.
/// Where fixed text goes: back to the files, or into diffs (`--diff`).
enum Sink {
    /// The files themselves, inside the project root.
    Disk(PathBuf),
    /// The project root, and (path relative to it, text before, text after).
    Diffs(PathBuf, Vec<(String, String, String)>),
}

impl Sink {
    fn put(&mut self, path: &Path, before: &str, after: &str) -> Result<(), String> {
        match self {
            Sink::Disk(root) => project::write(root, path, after),
            Sink::Diffs(root, diffs) => {
                diffs.push((
                    project::shown(root, path),
                    before.to_owned(),
                    after.to_owned(),
                ));
                Ok(())
            }
        }
    }
}

/// `--diff`: the unified diffs, and exit 1 when there is one (errors: 2).
fn print_diffs(sink: &Sink, errors: &[String], options: &CheckOptions) -> ExitCode {
    let Sink::Diffs(_, diffs) = sink else {
        return ExitCode::SUCCESS;
    };
    let mut stdout = std::io::stdout().lock();
    for (path, before, after) in diffs {
        let diff = similar::TextDiff::from_lines(before, after);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string();
        if stdout.write_all(text.as_bytes()).is_err() {
            return ExitCode::from(EXIT_ERROR);
        }
    }
    for error in errors {
        eprintln!("error: {}", printable(error));
    }
    if !errors.is_empty() {
        ExitCode::from(EXIT_ERROR)
    } else if diffs.is_empty() || options.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fix_files(
    loaded: &mut [Result<Loaded, String>],
    (options, root): (&CheckOptions, &Path),
    (facts, reporters): (&mut Facts, &BTreeMap<String, PathBuf>),
    sink: &mut Sink,
) -> (Vec<String>, Vec<usize>) {
    let mode = if options.unsafe_fixes {
        FixMode::Unsafe
    } else {
        FixMode::Safe
    };
    let mut errors = Vec::new();
    let mut applied = Vec::new();
    for i in 0..loaded.len() {
        let Ok(file) = &loaded[i] else { continue };
        // Only a file read whole and as written is rewritten.
        let whole = file.valid_utf8 && !file.skips.contains(&Skip::TooLarge);
        let Some(kind) = file.kind.filter(|_| whole) else {
            continue;
        };
        let files = beside(&file.input, root);
        let elsewhere = reported_elsewhere(reporters, &file.path);
        let mut around = surroundings(facts, files.as_ref(), &file.settings, &file.skips);
        around.reported_elsewhere = &elsewhere;
        let on_disk = matches!(file.input, Input::File(_));
        let fixed = {
            let relint = crate::engine::lint::relinter(kind, around);
            fix_all(&file.text, mode, |t| {
                let found = relint(t);
                if on_disk {
                    found
                } else {
                    // Standard input has no folder to write other files to.
                    found.into_iter().map(Diagnostic::in_this_file).collect()
                }
            })
        };
        let path = file.path.clone();
        for refused in &fixed.refused {
            eprintln!(
                "warning: {}: fix not applied: `{}` ({}) would not remove its finding, or would break the file",
                printable(&path.display().to_string()),
                printable(&refused.title),
                refused.rule
            );
        }
        if fixed.applied == 0 {
            continue;
        }
        if on_disk {
            if let Err(e) = sink.put(&path, &file.text, &fixed.text) {
                errors.push(e);
                continue;
            }
        }
        applied.push(fixed.applied);
        if let Ok(file) = &mut loaded[i] {
            file.text = fixed.text;
        }
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        for change in &fixed.files {
            match write_change(change, (folder, root), loaded, sink) {
                Ok(written) if is_yaml_name(Path::new(&change.path)) => {
                    facts.extend(&summary_of(&written, &NoFiles).facts);
                }
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
    }
    (errors, applied)
}

/// Append a fix's change to another file, and keep that file's text current if it is an input too.
fn write_change(
    change: &FileChange,
    (folder, root): (&Path, &Path),
    loaded: &mut [Result<Loaded, String>],
    sink: &mut Sink,
) -> Result<String, String> {
    let target = change
        .target(folder)
        .ok_or_else(|| format!("{}: a fix names a file outside its folder", change.path))?;
    // Checked for diffs too, so that no diff names a file the fix could not write.
    let (target, new) = crate::engine::disk::write_target(root, &target)?;
    let existing = if new {
        None
    } else {
        let bytes = crate::engine::disk::read_regular(
            &target,
            crate::rules::settings::DEFAULT_MAX_FILE_SIZE,
        )
        .map_err(|e| format!("{}: {e}, fix not applied", target.display()))?;
        Some(
            String::from_utf8(bytes)
                .map_err(|_| format!("{}: not UTF-8, fix not applied", target.display()))?,
        )
    };
    let text = change.apply(existing.as_deref()).ok_or_else(|| {
        format!(
            "{}: changed since it was read, fix not applied",
            target.display()
        )
    })?;
    sink.put(&target, existing.as_deref().unwrap_or(""), &text)?;
    let same = |path: &Path| {
        path.canonicalize()
            .ok()
            .is_some_and(|p| Some(p) == target.canonicalize().ok())
    };
    for file in loaded.iter_mut().flatten() {
        if same(&file.path) {
            file.text.clone_from(&text);
        }
    }
    Ok(text)
}

/// The files beside an input that rules may read (a Compose service's Dockerfile), inside the project root.
fn beside(input: &Input, root: &Path) -> Option<DiskFiles> {
    match input {
        Input::File(file) => DiskFiles::beside(file, root),
        Input::Stdin => None,
    }
}

fn surroundings<'a>(
    facts: &'a Facts,
    files: Option<&'a DiskFiles>,
    settings: &'a Settings,
    skips: &'a [Skip],
) -> Surroundings<'a> {
    Surroundings {
        settings,
        skips,
        facts: Some(facts),
        files: match files {
            Some(f) => f,
            None => &NoFiles,
        },
        ..Surroundings::none()
    }
}

/// Which file reports each namespace's missing NetworkPolicy: the first, in sorted path order, with a
/// workload of it that no policy isolates (once per run, as the namespace is one finding).
fn namespace_reporters(
    mut summaries: Vec<(&Path, Summary)>,
    facts: &Facts,
) -> BTreeMap<String, PathBuf> {
    summaries.sort_by(|a, b| a.0.cmp(b.0));
    let mut reporters = BTreeMap::new();
    for (path, summary) in &summaries {
        for (namespace, _) in FileSummary::new(&[(0, summary)]).unisolated(facts) {
            reporters
                .entry(namespace.to_owned())
                .or_insert_with(|| path.to_path_buf());
        }
    }
    reporters
}

/// The namespaces another file than `path` reports.
fn reported_elsewhere(reporters: &BTreeMap<String, PathBuf>, path: &Path) -> BTreeSet<String> {
    reporters
        .iter()
        .filter(|(_, reporter)| reporter.as_path() != path)
        .map(|(namespace, _)| namespace.clone())
        .collect()
}

/// The findings that remain in one input, after any fixes.
fn report(
    loaded: Loaded,
    (options, root): (&CheckOptions, &Path),
    facts: &Facts,
    reporters: &BTreeMap<String, PathBuf>,
) -> Outcome {
    let Loaded {
        input,
        path,
        text,
        kind,
        settings,
        skips,
        ..
    } = loaded;
    let display = path.display().to_string();
    let files = beside(&input, root);
    let elsewhere = reported_elsewhere(reporters, &path);
    let mut around = surroundings(facts, files.as_ref(), &settings, &skips);
    around.reported_elsewhere = &elsewhere;
    // YAML that is neither a Compose file nor a manifest: nothing to say about it.
    let diagnostics = kind.map_or_else(Vec::new, |kind| lint_in(&text, kind, &around));
    let fixed_stdin = (options.fix && matches!(input, Input::Stdin)).then(|| text.clone());
    Outcome::Report(FileReport {
        path: display,
        text,
        diagnostics,
        fixed_stdin,
    })
}
