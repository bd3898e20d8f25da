//! The `dockwarden` binary: parse arguments, hand over to the CLI or the language server.

use std::process::ExitCode;

use clap::Parser;
use dockwarden::cli::args::{Args, Command};
use dockwarden::cli::{self, CheckOptions};
use dockwarden::engine::config::ConfigSource;
use dockwarden::rules::settings::RuleSelection;

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Check {
            paths,
            format,
            output,
            color,
            quiet,
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
            project_wide,
        } => cli::check(&CheckOptions {
            paths,
            format,
            output,
            color,
            quiet,
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
            project_wide,
        }),
        Command::Lsp { stdio: _ } => dockwarden::lsp::run(),
        Command::Rules { markdown } => cli::rules(markdown),
        Command::Explain { rule } => cli::explain(&rule),
        Command::Completions { shell } => {
            cli::args::completions(shell, &mut std::io::stdout());
            ExitCode::SUCCESS
        }
    }
}
