//! The Neovim plugin end to end, in real headless Neovim processes: Neovim 0.7 (Debian's package) through
//! `require('dockwarden').setup()`, and a current Neovim both through `vim.lsp.enable('dockwarden')` and
//! `setup()`. The steps are in `tests/neovim/e2e.lua`; this file prepares a workspace, starts each Neovim
//! with the plugin from `editors/neovim` and the freshly built server, and reads the verdict.
//!
//! Which Neovims: `DOCKWARDEN_NVIM`, a `:`-separated list of binaries (`tests/run` installs both and sets
//! it), else `nvim` on PATH. Without any, the tests say so and pass, unless `DOCKWARDEN_EDITOR_TESTS=required`
//! (set by `tests/run`, so CI can never pass without running them).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The Neovim binaries to test with, and their version as `(major, minor)`.
fn neovims() -> Vec<(PathBuf, (u32, u32))> {
    let list = std::env::var("DOCKWARDEN_NVIM").unwrap_or_else(|_| "nvim".to_owned());
    let required = std::env::var("DOCKWARDEN_EDITOR_TESTS").as_deref() == Ok("required");
    let mut found = Vec::new();
    for binary in list.split(':').filter(|b| !b.is_empty()) {
        match version(Path::new(binary)) {
            Some(v) => found.push((PathBuf::from(binary), v)),
            None if required => {
                panic!("Neovim `{binary}` does not run (DOCKWARDEN_EDITOR_TESTS=required)")
            }
            None => eprintln!("Neovim `{binary}` not found: skipped (run tests/run to install it)"),
        }
    }
    found
}

fn version(binary: &Path) -> Option<(u32, u32)> {
    let output = Command::new(binary).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = numbers.split(['.', '-']);
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A fresh workspace: the repository's examples, a YAML file that is no manifest, a Dockerfile built by a
/// Compose service, and a `.git` root marker.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dockwarden-nvim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).expect("workspace");
    for file in [
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "deployment.yaml",
    ] {
        std::fs::copy(Path::new(REPO).join("examples").join(file), dir.join(file))
            .expect("copy example");
    }
    std::fs::copy(
        Path::new(REPO).join("tests/neovim/notes.yaml"),
        dir.join("notes.yaml"),
    )
    .expect("copy");
    // A Dockerfile with a baked secret and the Compose service that builds it (the cross-file fix).
    std::fs::create_dir_all(dir.join("inject")).expect("inject folder");
    std::fs::write(
        dir.join("inject/Dockerfile"),
        "FROM python:3.12-slim\nENV DB_PASSWORD=supersecret123 APP_ENV=prod\nUSER 10001:10001\nCMD [\"python\", \"app.py\"]\n",
    )
    .expect("inject/Dockerfile");
    std::fs::write(
        dir.join("inject/compose.yaml"),
        "services:\n  api:\n    build: .\n    image: example/api:1.4\n    environment:\n      APP_ENV: prod\n",
    )
    .expect("inject/compose.yaml");
    dir.canonicalize().expect("canonical workspace")
}

struct Run {
    success: bool,
    log: String,
}

/// Run the suite in `nvim` with `server`, starting the plugin the `start` way; the whole run is bounded.
fn run_suite(nvim: &Path, server: &Path, start: &str, step_timeout_ms: u64, name: &str) -> Run {
    let dir = workspace(name);
    let state = dir.join(".state");
    let t0 = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_millis();
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        .arg("--cmd")
        .arg(format!("set runtimepath^={REPO}/editors/neovim"))
        .arg("-c")
        .arg(format!("luafile {REPO}/tests/neovim/e2e.lua"))
        .current_dir(&dir)
        .env("DOCKWARDEN_SERVER", server)
        .env("DOCKWARDEN_WORKSPACE", &dir)
        .env("DOCKWARDEN_START", start)
        .env("DOCKWARDEN_T0_MS", t0.to_string())
        .env("DOCKWARDEN_TIMEOUT_MS", step_timeout_ms.to_string())
        .env("XDG_STATE_HOME", &state)
        .env("XDG_CACHE_HOME", &state)
        .env("XDG_DATA_HOME", &state)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", nvim.display()));
    // Every step has its own timeout inside Neovim; this only guards against Neovim itself hanging.
    let deadline = Instant::now() + Duration::from_millis(step_timeout_ms * 8 + 30_000);
    loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("nvim output");
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    let _ = std::fs::remove_dir_all(&dir);
    Run {
        success: output.status.success() && log.contains("PASS"),
        log,
    }
}

fn server() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_dockwarden"))
}

#[test]
fn the_plugin_works_end_to_end_in_every_neovim() {
    for (nvim, (major, minor)) in neovims() {
        // `vim.lsp.enable` and lsp/dockwarden.lua need 0.11; setup() works everywhere.
        let starts: &[&str] = if (major, minor) >= (0, 11) {
            &["enable", "setup"]
        } else {
            &["setup"]
        };
        for start in starts {
            let run = run_suite(
                &nvim,
                &server(),
                start,
                20_000,
                &format!("{major}-{minor}-{start}"),
            );
            let time = run
                .log
                .lines()
                .find_map(|l| l.strip_prefix("TIME first-diagnostics-ms "))
                .unwrap_or("?");
            eprintln!(
                "Neovim {major}.{minor} ({start}): first diagnostics {time} ms after start\n{}",
                run.log
            );
            assert!(
                run.success,
                "Neovim {major}.{minor} ({}, {start}) failed:\n{}",
                nvim.display(),
                run.log
            );
        }
    }
}

#[test]
fn the_suite_fails_against_a_server_that_publishes_nothing() {
    let silent = Path::new(REPO).join("tests/neovim/silent-server.py");
    for (nvim, (major, minor)) in neovims() {
        let run = run_suite(
            &nvim,
            &silent,
            "setup",
            2_000,
            &format!("{major}-{minor}-silent"),
        );
        eprintln!(
            "Neovim {major}.{minor} against a silent server:\n{}",
            run.log
        );
        assert!(
            !run.success,
            "the suite passed against a server that says nothing"
        );
        assert!(
            run.log
                .contains("FAIL: timed out after 2000 ms waiting for the Dockerfile findings"),
            "{}",
            run.log
        );
    }
}
