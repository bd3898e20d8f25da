//! The command line as `clap` reads it: the binary parses it, and the tests generate shell completions and
//! the man page from it.

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use crate::cli::{Color, OutputFormat, Threshold};
use crate::rules::RuleId;

#[derive(Parser)]
#[command(
    name = "dockwarden",
    version,
    // (`dockwarden check --version` answers as `dockwarden --version` does)
    propagate_version = true,
    about = "Container security linter and language server, with fixes"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Lint Dockerfiles, Compose files and Kubernetes manifests (directories are searched, honouring .gitignore)
    #[command(
        group = clap::ArgGroup::new("fixing").args(["fix", "diff"]),
        display_name = "dockwarden"
    )]
    Check {
        /// Files or directories; `-` reads standard input. Defaults to the current directory.
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Write the report to FILE instead of standard output (the summary stays on stderr)
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Colour the text report: auto (on a terminal, unless NO_COLOR is set), always, never
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// Print no summary and no information findings (they no longer count for the exit code either)
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Apply safe fixes to the files
        #[arg(long)]
        fix: bool,
        /// Show what --fix would change, as unified diffs, and change nothing (exit 1 when there is a diff)
        #[arg(long, conflicts_with = "fix")]
        diff: bool,
        /// With --fix or --diff, also apply unsafe fixes (the preferred one per finding)
        #[arg(long, requires = "fixing")]
        unsafe_fixes: bool,
        /// The name to give standard input (decides its kind and appears in the output)
        #[arg(long)]
        stdin_filename: Option<PathBuf>,
        /// Exit 0 even when there are findings (errors reading files still exit 2)
        #[arg(long)]
        exit_zero: bool,
        /// The lowest severity that makes the exit code 1
        #[arg(long, value_enum, default_value_t = Threshold::Warning)]
        severity_threshold: Threshold,
        /// Use this config for every file instead of the repository's `.dockwarden.yaml` files (a CI policy
        /// a pull request cannot change); its `ignore-paths` are relative to the project root
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Read no `.dockwarden.yaml` at all: the built-in defaults
        #[arg(long, conflicts_with = "config")]
        no_repo_config: bool,
        /// Run only these rules (comma-separated; rules that are off by default included), over the
        /// config; --fix applies only their fixes
        #[arg(long, value_name = "RULE,…", value_delimiter = ',', value_parser = rule)]
        select: Option<Vec<RuleId>>,
        /// Do not run these rules (comma-separated), nor apply their fixes
        #[arg(long, value_name = "RULE,…", value_delimiter = ',', value_parser = rule)]
        ignore: Vec<RuleId>,
        /// Workspace rules (missing-network-policy, a ServiceAccount in another file) also read the
        /// project's manifests that are not given; only the paths given are reported (for pre-commit, which
        /// passes only the staged files)
        #[arg(long)]
        project_wide: bool,
    },
    /// Start the language server on standard input and output
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport
        #[arg(long)]
        stdio: bool,
    },
    /// List the rules
    Rules {
        /// Print the markdown table used in the README
        #[arg(long)]
        markdown: bool,
    },
    /// Print a rule's documentation
    Explain {
        /// The rule name, e.g. run-as-root, or a hadolint code that stands for it (DL3002)
        rule: String,
    },
    /// Print a shell completion script (e.g. `dockwarden completions bash > /etc/bash_completion.d/dockwarden`)
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

/// The command line's definition (for completions and the man page).
pub fn command() -> clap::Command {
    Args::command()
}

/// Write the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn std::io::Write) {
    clap_complete::generate(shell, &mut command(), "dockwarden", out);
}

/// A rule named on the command line, by its name or a hadolint code (`DL3002`).
pub fn rule(name: &str) -> Result<RuleId, String> {
    RuleId::named(name.trim())
        .ok_or_else(|| format!("no rule named `{name}` (`dockwarden rules` lists them)"))
}
