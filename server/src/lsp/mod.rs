//! The language server face. The ONLY module that knows LSP types: it converts the engine's byte ranges to
//! the negotiated position encoding at its edge.
//!
//! `server.rs` registers one handler per LSP method; `documents.rs` keeps the open documents (rope, text,
//! incremental tree); `convert.rs` translates positions; `actions.rs` and `hover.rs` answer requests from the
//! findings already computed.

mod actions;
mod convert;
mod documents;
mod hover;
mod index;
mod server;
mod workspace_diagnostics;

use std::process::ExitCode;

/// Serve LSP on stdin/stdout until the client says `exit`.
pub fn run() -> ExitCode {
    // stdout belongs to the protocol: logs go to stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DOCKWARDEN_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_ansi(false)
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (service, socket) = tower_lsp_server::LspService::new(server::Backend::new);
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    ExitCode::SUCCESS
}
