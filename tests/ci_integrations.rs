//! The CI integrations as shipped: the GitHub Action's lint step and the pre-commit hooks' entries, run
//! with the built binary (the action's install and upload steps need GitHub; `pre-commit try-repo .` is
//! shown in the README).

use std::path::Path;
use std::process::Command;

use serde_yaml_ng::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(root().join(name)).expect(name);
    serde_yaml_ng::from_str(&text).expect("valid YAML")
}

/// `PATH` with the built binary's folder first, as the action's install step leaves it.
fn path_with_binary() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_dockwarden"))
        .parent()
        .expect("a folder")
        .display()
        .to_string();
    format!("{bin}:{}", std::env::var("PATH").unwrap_or_default())
}

#[test]
fn the_actions_lint_step_writes_sarif_annotates_and_reports_the_exit_code() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let lint = steps
        .iter()
        .find(|s| s["id"] == "lint")
        .expect("a lint step");
    let script = lint["run"].as_str().expect("a script");
    assert!(
        !script.contains("${{"),
        "inputs must reach the script through env only"
    );
    let out = std::env::temp_dir().join(format!("dockwarden-action-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("temp dir");
    let output = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(root())
        .env("PATH", path_with_binary())
        .env("INPUT_PATHS", "examples/Dockerfile examples/compose.yaml")
        .env("INPUT_THRESHOLD", "warning")
        .env("INPUT_SARIF", out.join("dockwarden.sarif"))
        .env("GITHUB_OUTPUT", out.join("output"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("::error file=examples/Dockerfile"),
        "{stdout}"
    );
    let written = std::fs::read_to_string(out.join("output")).expect("step output");
    assert_eq!(written.trim(), "exit-code=1");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("dockwarden.sarif")).expect("sarif"),
    )
    .expect("JSON");
    let results = sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
    assert!(results >= 5, "{results} results");

    // The `config:` input replaces the repository's configs for both runs of the step.
    std::fs::write(out.join("policy.yaml"), "rules:\n  run-as-root: off\n").expect("write");
    let output = Command::new("bash")
        .args(["-e", "-c", script])
        .current_dir(root())
        .env("PATH", path_with_binary())
        .env("INPUT_PATHS", "examples/Dockerfile")
        .env("INPUT_THRESHOLD", "warning")
        .env("INPUT_SARIF", out.join("policed.sarif"))
        .env("INPUT_CONFIG", out.join("policy.yaml"))
        .env("GITHUB_OUTPUT", out.join("output"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("run-as-root"), "{stdout}");
    let policed = std::fs::read_to_string(out.join("policed.sarif")).expect("sarif");
    assert!(
        !policed.contains("\"ruleId\": \"run-as-root\""),
        "{policed}"
    );
    assert!(policed.contains("\"ruleId\": \"bloated-base-image\""));
}

#[test]
fn the_pre_commit_hooks_run_the_cli_on_the_files_they_are_given() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().expect("a list of hooks");
    assert_eq!(hooks.len(), 3);
    for hook in hooks {
        let system = hook["id"] == "dockwarden-system";
        assert_eq!(
            hook["language"],
            if system { "system" } else { "rust" },
            "pre-commit builds the root package, except for the hook that uses the binary on PATH"
        );
        let entry = hook["entry"].as_str().expect("entry");
        let dir = std::env::temp_dir().join(format!(
            "dockwarden-hook-{}-{}",
            hook["id"].as_str().unwrap_or_default(),
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("Dockerfile"),
            "FROM python:3.12-slim\nADD app/ /app/\n",
        )
        .expect("write");
        // pre-commit appends the matching file names to the entry.
        let output = Command::new("bash")
            .args(["-c", &format!("{entry} Dockerfile")])
            .current_dir(&dir)
            .env("PATH", path_with_binary())
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{entry}: {stdout}");
        assert!(stdout.contains("run-as-root"), "{entry}: {stdout}");
        let fixed = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
        let fixes = entry.contains("--fix");
        assert_eq!(fixed.contains("COPY app/"), fixes, "{entry}: {fixed}");
    }
}

/// The hooks' `files`/`exclude` patterns (Python regular expressions, as pre-commit reads them) pick the
/// names dockwarden reads as Dockerfiles and leave out `Dockerfile.<ext>` files about one.
#[test]
fn the_pre_commit_hooks_pass_dockerfiles_and_leave_out_files_about_them() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    for hook in hooks.as_sequence().expect("a list of hooks") {
        let files = hook["files"].as_str().expect("files");
        let exclude = hook["exclude"].as_str().expect("exclude");
        let picked = |name: &str| {
            let script = "import re, sys\nf, x, n = sys.argv[1:]\nprint(bool(re.search(f, n)) and not re.search(x, n))";
            let out = Command::new("python3")
                .args(["-c", script, files, exclude, name])
                .output()
                .expect("python3 runs");
            String::from_utf8_lossy(&out.stdout).trim() == "True"
        };
        for name in [
            "Dockerfile",
            "app/Dockerfile.prod",
            "api.Dockerfile",
            "Containerfile",
            "k8s/pod.yaml",
        ] {
            assert!(picked(name), "{name} must be passed to the hook");
        }
        for ext in dockwarden::document::NOT_DOCKERFILE_EXTENSIONS {
            let name = format!("docs/Dockerfile.{ext}");
            assert!(!picked(&name), "{name} must be left out");
            assert_eq!(
                dockwarden::document::kind_from_name(std::path::Path::new(&name)),
                None,
                "{name}"
            );
        }
    }
}

/// `pre-commit try-repo` of this repository's `dockwarden-system` hook on a repository where only a
/// Deployment is staged and its namespace's NetworkPolicy is committed: the hook reads the repository as its
/// workspace, so `missing-network-policy` stays silent (and fires when there is no policy). pre-commit comes
/// from `tests/run` (PyPI, on `DOCKWARDEN_PYTHONPATH`); without it the test says so and passes, unless
/// `DOCKWARDEN_PRECOMMIT_TESTS=required`.
#[test]
fn pre_commit_try_repo_reads_the_repository_around_the_staged_files() {
    let python_path = std::env::var("DOCKWARDEN_PYTHONPATH").unwrap_or_default();
    let available = Command::new("python3")
        .args(["-m", "pre_commit", "--version"])
        .env("PYTHONPATH", &python_path)
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var("DOCKWARDEN_PRECOMMIT_TESTS").as_deref() != Ok("required"),
            "pre-commit is required (tests/run installs it)"
        );
        eprintln!("SKIPPED: pre-commit is not installed (tests/run installs it)");
        return;
    }
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: \"nginx:1.27\"}]\n";
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
    let run = |name: &str, committed: &[(&str, &str)]| -> String {
        let repo =
            std::env::temp_dir().join(format!("dockwarden-try-repo-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&repo);
        std::fs::create_dir_all(&repo).expect("temp dir");
        let git = |args: &[&str]| {
            let output = Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .current_dir(&repo)
                .output()
                .expect("git runs");
            assert!(
                output.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        };
        git(&["init", "-q"]);
        std::fs::write(repo.join("README"), "x\n").expect("write");
        for (file, text) in committed {
            std::fs::write(repo.join(file), text).expect("write");
        }
        git(&["add", "."]);
        git(&["commit", "-qm", "base"]);
        std::fs::write(repo.join("app.yaml"), deployment).expect("write");
        git(&["add", "app.yaml"]);
        let output = Command::new("python3")
            .args(["-m", "pre_commit", "try-repo"])
            .arg(root())
            .arg("dockwarden-system")
            .current_dir(&repo)
            .env("PYTHONPATH", &python_path)
            .env("PATH", path_with_binary())
            .env("PRE_COMMIT_HOME", repo.join(".pre-commit-home"))
            .output()
            .expect("pre-commit runs");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(
            said.contains("app.yaml:9:21: warning[run-as-root]"),
            "{said}"
        );
        said
    };
    let with_policy = run("policy", &[("netpol.yaml", policy)]);
    assert!(
        !with_policy.contains("missing-network-policy"),
        "{with_policy}"
    );
    assert!(
        !with_policy.contains("netpol.yaml:"),
        "only staged files are reported: {with_policy}"
    );
    let without = run("no-policy", &[]);
    assert!(without.contains("missing-network-policy"), "{without}");
}

/// The action's install step takes the release archive only when it matches the SHA-256 pinned in
/// `action.yml`, and stops on a mismatch (a replaced asset) instead of building. Run offline with a
/// `file://` release made of the built binary.
#[test]
fn the_actions_install_step_checks_the_pinned_checksum() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let install = steps
        .iter()
        .find(|s| s["name"] == "Install dockwarden")
        .expect("an install step");
    let script = install["run"].as_str().expect("a script");
    let env = &install["env"];
    for key in [
        "RELEASE",
        "SHA256_LINUX_X64",
        "SHA256_LINUX_ARM64",
        "SHA256_MACOS_X64",
        "SHA256_MACOS_ARM64",
    ] {
        assert!(env.get(key).is_some(), "{key} is pinned in action.yml");
    }
    let out =
        std::env::temp_dir().join(format!("dockwarden-action-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let name = "dockwarden-v9.9.9-x86_64-unknown-linux-musl";
    let staged = out.join("staging").join(name);
    std::fs::create_dir_all(&staged).expect("temp dir");
    std::fs::copy(env!("CARGO_BIN_EXE_dockwarden"), staged.join("dockwarden")).expect("copy");
    let releases = out.join("releases/v9.9.9");
    std::fs::create_dir_all(&releases).expect("temp dir");
    let archive = releases.join(format!("{name}.tar.gz"));
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(out.join("staging"))
        .arg(name)
        .status()
        .expect("tar runs");
    assert!(tar.success());
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .output()
        .expect("sha256sum runs");
    let sum = String::from_utf8_lossy(&sum.stdout)
        .split(' ')
        .next()
        .expect("a sum")
        .to_owned();
    let run = |pinned: &str, tool_root: &Path| {
        Command::new("bash")
            .args(["-e", "-c", script])
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RELEASE", "v9.9.9")
            .env("SHA256_LINUX_X64", pinned)
            .env(
                "RELEASES_URL",
                format!("file://{}", out.join("releases").display()),
            )
            .env("TOOL_ROOT", tool_root)
            .env("GITHUB_PATH", out.join("github_path"))
            .output()
            .expect("bash runs")
    };
    let good = out.join("good");
    let output = run(&sum, &good);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let version = Command::new(good.join("bin/dockwarden"))
        .arg("--version")
        .output()
        .expect("installed");
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("dockwarden "));
    let path = std::fs::read_to_string(out.join("github_path")).expect("GITHUB_PATH");
    assert_eq!(path.trim(), good.join("bin").display().to_string());
    // A release asset that is not the pinned one is refused, and nothing is installed.
    let bad = out.join("bad");
    let output = run(&"0".repeat(64), &bad);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("does not match the SHA-256 pinned"));
    assert!(!bad.join("bin/dockwarden").exists());
}

/// What the repository ships for its own use lints clean: the image's Dockerfile, the workflows and the
/// action (the deliberately bad examples and fixtures are not in scope).
#[test]
fn the_repositorys_own_dockerfile_workflows_and_action_lint_clean() {
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args([
            "check",
            "--severity-threshold",
            "info",
            "Dockerfile",
            ".github/",
            "action.yml",
        ])
        .current_dir(root())
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout, "");
    // Every action they use is pinned to a full commit SHA (a tag can be moved to other code).
    let mut uses = 0;
    for file in ["action.yml", ".github/workflows/release.yml"] {
        let text = std::fs::read_to_string(root().join(file)).expect(file);
        for line in text.lines().filter_map(|l| {
            l.trim_start()
                .strip_prefix("- uses: ")
                .or_else(|| l.trim_start().strip_prefix("uses: "))
        }) {
            uses += 1;
            let reference = line.split_whitespace().next().unwrap_or_default();
            let sha = reference.rsplit_once('@').map_or("", |(_, r)| r);
            assert!(
                sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
                "{file}: `{reference}` is not pinned to a commit SHA"
            );
        }
    }
    assert!(uses >= 5, "{uses} actions found");
}
