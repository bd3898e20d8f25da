//! The language server face. The ONLY module that knows LSP types: it converts the engine's byte ranges to
//! the negotiated position encoding at its edge.
//!
//! `server.rs` registers one handler per LSP method; `documents.rs` keeps the open documents (text, line starts,
//! incremental tree); `convert.rs` translates positions; `actions.rs` and `hover.rs` answer requests from the
//! findings already computed.

mod actions;
mod backend;
mod convert;
mod documents;
mod framing;
mod hover;
mod index;
mod rendered;
mod server;
mod wire;
mod workspace_diagnostics;

use std::process::ExitCode;

/// Serve LSP on stdin/stdout until the client says `exit` or goes away; the exit code is 0 after `shutdown`,
/// 1 otherwise.
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
    let code = runtime.block_on(async {
        let outbox = framing::Outbox::new(framing::stdout());
        let to_client = outbox.clone();
        let (service, socket) = tower_lsp_server::LspService::new(move |client| {
            backend::Backend::new(client, to_client)
        });
        // The library talks to the framing layer through in-memory pipes (see `framing`).
        let (to_server, server_input) = tokio::io::duplex(1 << 16);
        let (server_output, from_server) = tokio::io::duplex(1 << 16);
        tokio::spawn(
            tower_lsp_server::Server::new(server_input, server_output, socket).serve(service),
        );
        framing::relay(
            framing::stdin(),
            outbox,
            to_server,
            from_server,
            MAX_MESSAGE,
        )
        .await
    });
    framing::restore_stdin();
    // Handlers still running (a request to a client that went away) must not keep the process alive.
    std::process::exit(code)
}

/// The largest message read: a document of the default `max-file-size`, plus room for its JSON.
const MAX_MESSAGE: u64 = crate::rules::settings::DEFAULT_MAX_FILE_SIZE + 1024 * 1024;
