//! `dockwarden check`: lint files in parallel, optionally fix them, print the findings, set the exit code.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;

use super::EXIT_ERROR;
use super::files::{Input, collect, kind_of};
use super::output::{FileReport, OutputFormat, write};
use crate::disk::DiskFiles;
use crate::fix::{FixMode, fix_all};
use crate::lint::{default_denied, lint_in};
use crate::rules::NoFiles;
use crate::yaml_stream::Surroundings;
use crate::{FileKind, Severity};

pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: OutputFormat,
    pub fix: bool,
    pub unsafe_fixes: bool,
    pub stdin_filename: Option<PathBuf>,
}

/// What happened to one input.
enum Outcome {
    Report(FileReport),
    Error(String),
}

pub fn check(options: &CheckOptions) -> ExitCode {
    let (inputs, mut errors) = collect(&options.paths);
    // Read everything first: workspace rules look at every file given before any is linted.
    let loaded: Vec<Result<Loaded, String>> = inputs
        .par_iter()
        .map(|input| load(input, options))
        .collect();
    let denied: BTreeSet<String> = loaded
        .iter()
        .flatten()
        .filter(|l| l.kind == Some(FileKind::Kubernetes))
        .flat_map(|l| default_denied(&l.text))
        .collect();
    let outcomes: Vec<Outcome> = loaded
        .into_par_iter()
        .map(|loaded| match loaded {
            Ok(loaded) => run_one(loaded, options, &denied),
            Err(e) => Outcome::Error(e),
        })
        .collect();
    let mut reports = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Report(r) => reports.push(r),
            Outcome::Error(e) => errors.push(e),
        }
    }
    // With `--fix` on standard input, the fixed text goes to stdout (like a formatter) and the findings that
    // remain to stderr.
    let fixed_stdin: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.fixed_stdin.as_deref())
        .collect();
    let written = if fixed_stdin.is_empty() {
        let mut stdout = std::io::stdout().lock();
        write(options.format, &reports, &mut stdout).and_then(|()| stdout.flush())
    } else {
        let mut stdout = std::io::stdout().lock();
        let mut stderr = std::io::stderr().lock();
        fixed_stdin
            .iter()
            .try_for_each(|t| stdout.write_all(t.as_bytes()))
            .and_then(|()| stdout.flush())
            .and_then(|()| write(options.format, &reports, &mut stderr))
    };
    if written.is_err() {
        return ExitCode::from(EXIT_ERROR);
    }
    for error in &errors {
        eprintln!("error: {error}");
    }
    if !errors.is_empty() {
        return ExitCode::from(EXIT_ERROR);
    }
    let failing = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity >= Severity::Warning);
    if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// One input, read and classified.
struct Loaded {
    input: Input,
    path: PathBuf,
    text: String,
    valid_utf8: bool,
    kind: Option<FileKind>,
}

fn load(input: &Input, options: &CheckOptions) -> Result<Loaded, String> {
    let (path, bytes) = match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("standard input: {e}"))?;
            let name = options
                .stdin_filename
                .clone()
                .unwrap_or_else(|| PathBuf::from("-"));
            (name, bytes)
        }
        Input::File(path) => match std::fs::read(path) {
            Ok(bytes) => (path.clone(), bytes),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        },
    };
    let (text, valid_utf8) = match String::from_utf8(bytes) {
        Ok(t) => (t, true),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), false),
    };
    let kind = kind_of(&path, &text);
    Ok(Loaded {
        input: input.clone(),
        path,
        text,
        valid_utf8,
        kind,
    })
}

fn run_one(loaded: Loaded, options: &CheckOptions, denied: &BTreeSet<String>) -> Outcome {
    let Loaded {
        input,
        path,
        mut text,
        valid_utf8,
        kind,
    } = loaded;
    let display = path.display().to_string();
    // A Compose file may read the Dockerfiles it builds, inside the current directory.
    let files = match &input {
        Input::File(file) => std::env::current_dir()
            .ok()
            .and_then(|root| DiskFiles::beside(file, &root)),
        Input::Stdin => None,
    };
    let around = Surroundings {
        denied: Some(denied),
        files: match &files {
            Some(f) => f,
            None => &NoFiles,
        },
    };
    let Some(kind) = kind else {
        // YAML that is neither a Compose file nor a manifest: nothing to say about it.
        return Outcome::Report(FileReport {
            path: display,
            text,
            diagnostics: Vec::new(),
            fixed_stdin: None,
        });
    };
    if options.fix && valid_utf8 {
        let mode = if options.unsafe_fixes {
            FixMode::Unsafe
        } else {
            FixMode::Safe
        };
        let (fixed, applied) = fix_all(&text, mode, |t| lint_in(t, kind, &around));
        if applied > 0 {
            let written = match &input {
                // Standard input has nowhere to be written back: the fixed text is the output (see `check`).
                Input::Stdin => Ok(()),
                Input::File(path) => std::fs::write(path, &fixed),
            };
            if let Err(e) = written {
                return Outcome::Error(format!("{display}: cannot write fixes: {e}"));
            }
            text = fixed;
        }
    }
    let diagnostics = lint_in(&text, kind, &around);
    let fixed_stdin = (options.fix && matches!(input, Input::Stdin)).then(|| text.clone());
    Outcome::Report(FileReport {
        path: display,
        text,
        diagnostics,
        fixed_stdin,
    })
}
