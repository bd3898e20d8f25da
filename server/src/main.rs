//! The `dockwarden` binary: parse arguments, hand over to the CLI or the language server.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dockwarden::cli::{self, CheckOptions, OutputFormat, Threshold};
use dockwarden::engine::config::ConfigSource;
use dockwarden::rules::RuleId;
use dockwarden::rules::settings::RuleSelection;

#[derive(Parser)]
#[command(
    name = "dockwarden",
    version,
    about = "Container security linter and language server, with fixes"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint Dockerfiles, Compose files and Kubernetes manifests (directories are searched, honouring .gitignore)
    #[command(group = clap::ArgGroup::new("fixing").args(["fix", "diff"]))]
    Check {
        /// Files or directories; `-` reads standard input. Defaults to the current directory.
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
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
        /// The rule name, e.g. run-as-root
        rule: String,
    },
}

/// A rule named on the command line.
fn rule(name: &str) -> Result<RuleId, String> {
    RuleId::from_name(name.trim())
        .ok_or_else(|| format!("no rule named `{name}` (`dockwarden rules` lists them)"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Check {
            paths,
            format,
            fix,
            diff,
            unsafe_fixes,
            stdin_filename,
            exit_zero,
            severity_threshold,
            config,
            no_repo_config,
            select,
            ignore,
        } => cli::check(&CheckOptions {
            paths,
            format,
            fix,
            diff,
            unsafe_fixes,
            stdin_filename,
            exit_zero,
            severity_threshold,
            config: match (config, no_repo_config) {
                (Some(file), _) => ConfigSource::File(file),
                (None, true) => ConfigSource::Defaults,
                (None, false) => ConfigSource::Repository,
            },
            selection: RuleSelection { select, ignore },
        }),
        Command::Lsp { stdio: _ } => dockwarden::lsp::run(),
        Command::Rules { markdown } => cli::rules(markdown),
        Command::Explain { rule } => cli::explain(&rule),
    }
}
