//! The CLI through the built binary: output formats, exit codes, fixes, file discovery.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The README example, also the acceptance file.
const EXAMPLE: &str = include_str!("../examples/Dockerfile");

fn dockwarden(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dockwarden-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_readme_example_reports_the_three_findings_and_fixes_them() {
    let dir = temp_dir("example");
    std::fs::write(dir.join("Dockerfile"), EXAMPLE).expect("write");
    // The example's build context keeps secrets out, as `examples/` does.
    std::fs::write(
        dir.join(".dockerignore"),
        include_str!("../examples/.dockerignore"),
    )
    .expect("write");
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("Dockerfile:1:6: warning[bloated-base-image]"),
        "{text}"
    );
    assert!(
        text.contains("Dockerfile:1:6: warning[run-as-root]"),
        "{text}"
    );
    assert!(
        text.contains("Dockerfile:3:5: error[secret-in-env]"),
        "{text}"
    );

    let output = dockwarden(&["check", "--fix", "--unsafe-fixes", "Dockerfile"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
    assert!(fixed.contains("ENV APP_ENV=prod"), "{fixed}");
    assert!(fixed.contains("FROM python:3.12-slim"), "{fixed}");
    assert!(fixed.contains("USER 10001:10001"), "{fixed}");
    assert!(!fixed.contains("supersecret123"), "{fixed}");
    let again = dockwarden(&["check", "Dockerfile"], &dir);
    assert_eq!(stdout(&again), "", "nothing left to report");
}

#[test]
fn json_output_has_positions_in_characters_and_fixes() {
    let dir = temp_dir("json");
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM debian:trixie-slim\nENV Ä=1 TOKEN=\"s3cr3t-value\"\nUSER 1:1\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "--format", "json", "Dockerfile"], &dir);
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let first = &findings[0];
    assert_eq!(first["rule"], "secret-in-env");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "Dockerfile");
    // `Ä=1 ` is 4 characters but 5 bytes: the column counts characters.
    assert_eq!(first["start"], serde_json::json!({"line": 2, "column": 9}));
    assert_eq!(first["end"], serde_json::json!({"line": 2, "column": 29}));
    assert_eq!(first["fixes"][0]["applicability"], "unsafe");
    assert!(
        first["fixes"][0]["edits"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
}

#[test]
fn safe_fix_only_touches_safe_findings_and_exit_code_follows_severity() {
    let dir = temp_dir("safe");
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM debian:trixie-slim\nADD app.py /app/\nUSER 10001:10001\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "--fix", "Dockerfile"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
    assert_eq!(
        fixed,
        "FROM debian:trixie-slim\nCOPY app.py /app/\nUSER 10001:10001\n"
    );
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM debian:trixie-slim\nUSER app\n",
    )
    .expect("write");
    let info_only = dockwarden(&["check", "Dockerfile"], &dir);
    assert_eq!(
        info_only.status.code(),
        Some(0),
        "info findings do not fail: {}",
        stdout(&info_only)
    );
    assert!(stdout(&info_only).contains("info[non-numeric-user]"));
}

#[test]
fn directories_are_walked_by_name_honouring_gitignore() {
    let dir = temp_dir("walk");
    let bad = "FROM ubuntu\n";
    for path in [
        "Dockerfile",
        "api.Dockerfile",
        "Containerfile.ci",
        ".devcontainer/Dockerfile",
        "ignored/Dockerfile",
        ".git/Dockerfile",
        "Dockerfile.dockerignore",
        "notes.txt",
    ] {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("dirs");
        std::fs::write(full, bad).expect("write");
    }
    std::fs::write(dir.join(".gitignore"), "ignored/\n").expect("write");
    let output = dockwarden(&["check", "."], &dir);
    let text = stdout(&output);
    let mut files: Vec<&str> = text.lines().filter_map(|l| l.split(':').next()).collect();
    files.dedup();
    assert_eq!(
        files,
        [
            "./.devcontainer/Dockerfile",
            "./Containerfile.ci",
            "./Dockerfile",
            "./api.Dockerfile"
        ],
        "{text}"
    );
}

#[test]
fn named_files_use_content_and_stdin_uses_its_filename() {
    let dir = temp_dir("named");
    std::fs::write(
        dir.join("build.txt"),
        "# syntax=docker/dockerfile:1\nFROM ubuntu:24.04\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "build.txt"], &dir);
    assert!(
        stdout(&output).contains("build.txt:2:6: warning[bloated-base-image]"),
        "{}",
        stdout(&output)
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(["check", "-", "--stdin-filename", "svc/Dockerfile", "--fix"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"FROM alpine:3.22\nADD a.txt /a\nUSER 1:1\n")
        .expect("write");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(
        stdout(&output),
        "FROM alpine:3.22\nCOPY a.txt /a\nUSER 1:1\n"
    );
}

#[test]
fn usage_and_io_errors_exit_with_2() {
    let dir = temp_dir("errors");
    assert_eq!(
        dockwarden(&["check", "missing/Dockerfile"], &dir)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        dockwarden(&["check", "--format", "xml"], &dir)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        dockwarden(&["explain", "no-such-rule"], &dir).status.code(),
        Some(2)
    );
}

#[test]
fn rules_and_explain_print_the_rule_docs() {
    let dir = temp_dir("rules");
    let list = stdout(&dockwarden(&["rules"], &dir));
    assert!(
        list.lines().any(|l| l.starts_with("run-as-root ")),
        "{list}"
    );
    let docs = stdout(&dockwarden(&["explain", "run-as-root"], &dir));
    assert!(docs.starts_with("# run-as-root\n"), "{docs}");
    assert!(docs.contains("## Why it matters"));
}

#[test]
fn check_version_answers_as_the_top_level_version() {
    let dir = temp_dir("version");
    let top = stdout(&dockwarden(&["--version"], &dir));
    assert!(top.starts_with("dockwarden "), "{top}");
    for args in [&["check", "--version"][..], &["check", "-V"]] {
        let output = dockwarden(args, &dir);
        assert!(output.status.success(), "{args:?}");
        assert_eq!(stdout(&output), top, "{args:?}");
    }
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    let dir = temp_dir("completions");
    // What each shell's script names for `dockwarden check --severity-threshold`, as written in it.
    for (shell, marker) in [
        ("bash", "complete -F _dockwarden"),
        ("zsh", "#compdef dockwarden"),
        ("fish", "complete -c dockwarden"),
    ] {
        let output = dockwarden(&["completions", shell], &dir);
        assert!(output.status.success(), "{shell}");
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        for word in ["check", "severity-threshold", "unsafe-fixes", "explain"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    assert_eq!(
        dockwarden(&["completions", "tcsh"], &dir).status.code(),
        Some(2)
    );
}

/// The man page is built from the same definition as the parser, into `target/man/dockwarden.1`.
#[test]
fn the_man_page_is_built_from_the_command_line() {
    let mut page = Vec::new();
    clap_mangen::Man::new(dockwarden::cli::args::command())
        .render(&mut page)
        .expect("render");
    let page = String::from_utf8(page).expect("UTF-8");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH dockwarden"),
        "{page}"
    );
    assert!(page.contains(".TH dockwarden 1"), "{page}");
    for word in ["check", "lsp", "explain", "completions"] {
        assert!(page.contains(word), "the man page lacks {word}");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/man");
    std::fs::create_dir_all(&dir).expect("target/man");
    std::fs::write(dir.join("dockwarden.1"), page).expect("write the man page");
}

#[test]
fn any_bytes_lint_without_a_crash() {
    let dir = temp_dir("bytes");
    let mut bytes: Vec<u8> = b"FROM alpine\nRUN \xff\xfe\x00 \\\n".to_vec();
    bytes.extend((0u8..=255).cycle().take(4096));
    std::fs::write(dir.join("Dockerfile"), &bytes).expect("write");
    let output = dockwarden(&["check", "--fix", "--unsafe-fixes", "Dockerfile"], &dir);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{:?}", output);
    assert_eq!(
        std::fs::read(dir.join("Dockerfile")).expect("read"),
        bytes,
        "invalid UTF-8 is never rewritten"
    );
}

#[test]
fn workspace_rules_see_every_file_given() {
    let dir = temp_dir("workspace");
    let app = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n";
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
    std::fs::write(dir.join("app.yaml"), app).expect("write");
    std::fs::write(dir.join("policy.yaml"), policy).expect("write");
    let alone = stdout(&dockwarden(&["check", "app.yaml"], &dir));
    assert!(
        alone.contains("app.yaml:2:1: warning[missing-network-policy]"),
        "{alone}"
    );
    let together = stdout(&dockwarden(&["check", "app.yaml", "policy.yaml"], &dir));
    assert!(!together.contains("missing-network-policy"), "{together}");
    let walked = stdout(&dockwarden(&["check", "."], &dir));
    assert!(!walked.contains("missing-network-policy"), "{walked}");
}

#[test]
fn a_service_account_in_another_file_decides_whether_the_pod_mounts_a_token() {
    let dir = temp_dir("workspace-account");
    let app = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  serviceAccountName: web\n  containers:\n    - name: c\n      image: nginx:1.30\n";
    let account = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: false\n";
    let elsewhere = account.replace("namespace: shop", "namespace: other");
    std::fs::write(dir.join("app.yaml"), app).expect("write");
    std::fs::write(dir.join("account.yaml"), account).expect("write");
    std::fs::write(dir.join("elsewhere.yaml"), elsewhere).expect("write");
    let alone = stdout(&dockwarden(&["check", "app.yaml"], &dir));
    assert!(
        alone.contains("app.yaml:2:1: info[service-account-token-mounted]"),
        "{alone}"
    );
    let other_namespace = stdout(&dockwarden(&["check", "app.yaml", "elsewhere.yaml"], &dir));
    assert!(
        other_namespace.contains("[service-account-token-mounted]"),
        "{other_namespace}"
    );
    let together = stdout(&dockwarden(&["check", "app.yaml", "account.yaml"], &dir));
    assert!(
        !together.contains("service-account-token-mounted"),
        "{together}"
    );
    let walked = stdout(&dockwarden(&["check", "."], &dir));
    assert!(
        !walked.contains("service-account-token-mounted"),
        "{walked}"
    );
}

#[test]
fn a_compose_file_is_linted_with_its_override_and_the_files_compose_file_lists() {
    let dir = temp_dir("compose-override");
    let hardened = "services:\n  web:\n    image: nginx:1.30\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    user: \"10001:10001\"\n    mem_limit: 256m\n    cpus: 0.5\n";
    std::fs::write(dir.join("compose.yaml"), hardened).expect("write");
    // An override that only adds a loopback port to a hardened base: nothing to say, in either file.
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    ports:\n      - \"127.0.0.1:8080:80\"\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "."], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // The override sets a value: the finding is in the override. A service only it defines is judged
    // there too; the base's service keeps what the base sets.
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    privileged: true\n    read_only: false\n  db:\n    image: postgres:17\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "."], &dir));
    assert!(
        text.contains("compose.override.yaml:3:5: error[privileged-container] service `web`"),
        "{text}"
    );
    assert!(
        text.contains("compose.override.yaml:4:16: warning[writable-root-filesystem]"),
        "{text}"
    );
    assert!(
        text.contains("compose.override.yaml:5:3: warning[writable-root-filesystem] service `db`"),
        "{text}"
    );
    assert!(!text.contains("./compose.yaml:"), "{text}");

    // A missing key of a service the base defines is the base's.
    std::fs::write(
        dir.join("compose.yaml"),
        hardened.replace("    read_only: true\n", ""),
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    ports: [\"127.0.0.1:8080:80\"]\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "."], &dir));
    assert!(
        text.contains("compose.yaml:2:3: warning[writable-root-filesystem] service `web`"),
        "{text}"
    );
    assert_eq!(
        text.matches("writable-root-filesystem").count(),
        1,
        "{text}"
    );

    // `COMPOSE_FILE` in `.env` picks the stack: the override is left out, `compose.prod.yaml` is in.
    std::fs::write(dir.join("compose.yaml"), hardened).expect("write");
    std::fs::write(
        dir.join("compose.prod.yaml"),
        "services:\n  web:\n    ports: [\"8443:443\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    privileged: true\n",
    )
    .expect("write");
    std::fs::write(
        dir.join(".env"),
        "COMPOSE_FILE=compose.yaml:compose.prod.yaml\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(
        &["check", "compose.yaml", "compose.prod.yaml"],
        &dir,
    ));
    assert!(
        text.contains("compose.prod.yaml:3:13: info[port-published-on-all-interfaces]"),
        "{text}"
    );
    assert!(!text.contains("writable-root-filesystem"), "{text}");
    assert!(!text.contains("privileged-container"), "{text}");
    // Without it, `compose.prod.yaml` is an alternative picked with `-f`: linted on its own.
    std::fs::remove_file(dir.join(".env")).expect("remove");
    let text = stdout(&dockwarden(&["check", "compose.prod.yaml"], &dir));
    assert!(text.contains("[writable-root-filesystem]"), "{text}");
}

#[test]
fn a_compose_service_gets_what_it_extends() {
    let dir = temp_dir("compose-extends");
    std::fs::write(
        dir.join("common.yaml"),
        "services:\n  hardened:\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    user: \"10001:10001\"\n    mem_limit: 256m\n    cpus: 0.5\n  risky:\n    privileged: true\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:1.30\n    extends:\n      file: common.yaml\n      service: hardened\n  api:\n    image: nginx:1.30\n    extends: web\n  agent:\n    image: nginx:1.30\n    extends: {file: common.yaml, service: risky}\n    privileged: false\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "compose.yaml"], &dir));
    // `web` is hardened by what it extends from the other file, `api` through `web`: silent. `agent`
    // overrides the privileged value it extends, and misses the rest.
    assert!(!text.contains("`web`"), "{text}");
    assert!(!text.contains("`api`"), "{text}");
    assert!(!text.contains("privileged-container"), "{text}");
    assert!(
        text.contains("compose.yaml:10:3: warning[writable-root-filesystem] service `agent`"),
        "{text}"
    );
}

#[test]
fn a_compose_file_sees_the_services_it_includes() {
    let dir = temp_dir("compose-include");
    std::fs::write(
        dir.join("compose.yaml"),
        "include:\n  - path: web.yaml\nservices:\n  db:\n    image: postgres:17\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("web.yaml"),
        "services:\n  web:\n    image: nginx:1.30\n    ports: [\"8080:80\"]\n    privileged: true\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "compose.yaml"], &dir));
    // The database shares the default network with the included web service, which publishes a port.
    assert!(
        text.contains("compose.yaml:4:3: warning[network-not-segmented] `db` shares network `default` with `web`"),
        "{text}"
    );
    // What the included file writes is its own to report.
    assert!(!text.contains("privileged-container"), "{text}");
    assert!(!text.contains("web.yaml"), "{text}");
}

#[test]
fn a_fix_for_a_service_the_override_defines_edits_the_override() {
    let dir = temp_dir("compose-override-fix");
    let base = "services:\n  web:\n    image: nginx:1.30\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    user: \"10001:10001\"\n    mem_limit: 256m\n    cpus: 0.5\n";
    std::fs::write(dir.join("compose.yaml"), base).expect("write");
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    privileged: true\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "--fix", "--unsafe-fixes", "."], &dir);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{output:?}");
    let over = std::fs::read_to_string(dir.join("compose.override.yaml")).expect("read");
    assert!(!over.contains("privileged: true"), "{over}");
    assert_eq!(
        std::fs::read_to_string(dir.join("compose.yaml")).expect("read"),
        base
    );
    let again = dockwarden(&["check", "--fix", "--unsafe-fixes", "."], &dir);
    assert_eq!(
        std::fs::read_to_string(dir.join("compose.override.yaml")).expect("read"),
        over
    );
    assert!(
        !stdout(&again).contains("privileged-container"),
        "{}",
        stdout(&again)
    );
}

#[test]
fn a_file_above_max_file_size_is_linted_in_its_first_part_and_said_to_be() {
    let dir = temp_dir("max-file-size");
    std::fs::write(dir.join(".dockwarden.yaml"), "max-file-size: 120\n").expect("write");
    // The first 120 bytes hold the root user and a piped download; the privileged pod is past the cut.
    let dockerfile = format!(
        "FROM python:3.12-slim\nUSER root\nRUN curl -fsSL https://example.com/x.sh | sh\n{}EXPOSE 22\n",
        "# padding to push the rest past the limit ........................................\n"
            .repeat(2)
    );
    std::fs::write(dir.join("Dockerfile"), &dockerfile).expect("write");
    let text = stdout(&dockwarden(&["check", "Dockerfile"], &dir));
    assert!(
        text.contains(
            "Dockerfile:1:1: info[skipped-file] not linted in full: larger than `max-file-size`"
        ),
        "{text}"
    );
    assert!(text.contains("[run-as-root]"), "{text}");
    // Shell scripts are not parsed, and what is past the cut is not read.
    assert!(!text.contains("[curl-pipe-shell]"), "{text}");
    assert!(!text.contains("[ssh-port-exposed]"), "{text}");
    // Never rewritten: the text read is not the whole file.
    dockwarden(&["check", "--fix", "--unsafe-fixes", "Dockerfile"], &dir);
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).expect("read"),
        dockerfile
    );
    // Under the limit, the same file is linted in full.
    std::fs::write(dir.join(".dockwarden.yaml"), "max-file-size: 100000\n").expect("write");
    let text = stdout(&dockwarden(&["check", "Dockerfile"], &dir));
    assert!(!text.contains("[skipped-file]"), "{text}");
    assert!(text.contains("[ssh-port-exposed]"), "{text}");
    assert!(text.contains("[curl-pipe-shell]"), "{text}");
}

#[test]
fn a_kustomize_patch_is_judged_for_what_it_sets_on_the_object_it_patches() {
    let dir = temp_dir("kustomize");
    let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile: {type: RuntimeDefault}\n      containers:\n        - name: web\n          image: nginx:1.30\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {drop: [ALL]}\n          resources:\n            limits: {memory: 128Mi, cpu: 100m}\n";
    let policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
    std::fs::create_dir_all(dir.join("base")).expect("dirs");
    std::fs::create_dir_all(dir.join("overlay")).expect("dirs");
    std::fs::write(dir.join("base/deployment.yaml"), format!("{base}{policy}")).expect("write");
    std::fs::write(
        dir.join("base/kustomization.yaml"),
        "resources:\n  - deployment.yaml\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("overlay/kustomization.yaml"),
        "resources:\n  - ../base\npatches:\n  - path: memory.yaml\n  - path: agent.yaml\npatchesStrategicMerge:\n  - privileged.yaml\npatchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: web}\n    path: operations.yaml\n",
    )
    .expect("write");
    let patch_header = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n";
    // Only a memory limit on a hardened base: silent.
    std::fs::write(
        dir.join("overlay/memory.yaml"),
        format!("{patch_header}          resources:\n            limits: {{memory: 512Mi}}\n"),
    )
    .expect("write");
    // A value the patch sets on the base's container: its finding.
    std::fs::write(
        dir.join("overlay/privileged.yaml"),
        format!("{patch_header}          securityContext:\n            privileged: true\n"),
    )
    .expect("write");
    // An object not in the resources: what it sets, and nothing it leaves out.
    std::fs::write(
        dir.join("overlay/agent.yaml"),
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: agent\n          image: agent:2\n",
    )
    .expect("write");
    // JSON 6902 operations on the base's container: what they set, where they set it.
    std::fs::write(
        dir.join("overlay/operations.yaml"),
        "- op: add\n  path: /spec/template/spec/containers/0/securityContext/privileged\n  value: true\n- op: replace\n  path: /spec/template/spec/containers/0/resources/limits/memory\n  value: 1Gi\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "."], &dir));
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("overlay/")).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("./overlay/operations.yaml:3:10: error[privileged-container]"),
        "{text}"
    );
    let lines: Vec<&str> = lines
        .into_iter()
        .filter(|l| !l.contains("operations.yaml"))
        .collect();
    assert!(
        lines[0].starts_with("./overlay/agent.yaml:8:7: error[host-namespace] DaemonSet `agent`"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("./overlay/privileged.yaml:11:13: error[privileged-container]"),
        "{text}"
    );
    assert!(!text.contains("base/"), "{text}");

    // Not listed by the kustomization: an object like any other, judged in full.
    std::fs::write(
        dir.join("overlay/kustomization.yaml"),
        "resources:\n  - ../base\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "overlay/agent.yaml"], &dir));
    assert!(text.contains("[run-as-root]"), "{text}");
}

#[test]
fn a_compose_service_is_judged_by_the_dockerfile_it_builds() {
    let dir = temp_dir("compose-build");
    std::fs::create_dir_all(dir.join("app")).expect("dirs");
    std::fs::write(
        dir.join("app/Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"python\"]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("app/Dockerfile.nonroot"),
        "FROM python:3.12-slim\nUSER 10001:10001\n",
    )
    .expect("write");
    let compose = "services:\n  root:\n    build:\n      context: ./app\n  fine:\n    build:\n      context: app\n      dockerfile: Dockerfile.nonroot\n  pulled:\n    image: nginx:1.27\n  outside:\n    build: ../../etc\n";
    std::fs::write(dir.join("compose.yaml"), compose).expect("write");
    let text = stdout(&dockwarden(&["check", "compose.yaml"], &dir));
    let root_findings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("[run-as-root]"))
        .collect();
    assert_eq!(root_findings.len(), 1, "{text}");
    assert!(root_findings[0].starts_with("compose.yaml:3:5:"), "{text}");
}

#[test]
fn unsafe_fixes_write_one_network_policy_per_namespace_beside_the_manifests() {
    let dir = temp_dir("policy");
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  containers:\n    - name: {name}\n      image: nginx:1.27\n"
        )
    };
    std::fs::write(dir.join("a.yaml"), pod("a")).expect("write");
    std::fs::write(dir.join("b.yaml"), pod("b")).expect("write");
    let before = dockwarden(&["check", "."], &dir);
    // One namespace, one finding: in the first file, in sorted path order.
    assert_eq!(
        stdout(&before).matches("[missing-network-policy]").count(),
        1,
        "{}",
        stdout(&before)
    );
    assert!(
        stdout(&before).contains("a.yaml:2:1: warning[missing-network-policy]"),
        "{}",
        stdout(&before)
    );
    let reversed = stdout(&dockwarden(&["check", "b.yaml", "a.yaml"], &dir));
    assert_eq!(
        reversed.matches("[missing-network-policy]").count(),
        1,
        "{reversed}"
    );
    assert!(
        reversed.contains("a.yaml:2:1: warning[missing-network-policy]"),
        "{reversed}"
    );
    // Without allow policies a default deny stops the namespace's traffic: offered, not applied.
    dockwarden(&["check", ".", "--fix", "--unsafe-fixes"], &dir);
    assert!(!dir.join("networkpolicy-default-deny.yaml").exists());
    std::fs::write(
        dir.join("allow.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-web\n  namespace: shop\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n  ingress: [{}]\n",
    )
    .expect("write");
    dockwarden(&["check", ".", "--fix", "--unsafe-fixes"], &dir);
    let policy = std::fs::read_to_string(dir.join("networkpolicy-default-deny.yaml"))
        .expect("policy written");
    // DNS keeps working under the default deny.
    assert!(policy.contains("k8s-app: kube-dns"), "{policy}");
    assert_eq!(policy.matches("kind: NetworkPolicy").count(), 1, "{policy}");
    assert!(
        policy.contains(
            "namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n"
        )
    );
    for name in ["a.yaml", "b.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("read");
        assert!(
            !text.contains("NetworkPolicy"),
            "{name} keeps its documents:\n{text}"
        );
    }
    let after = dockwarden(&["check", "."], &dir);
    assert!(
        !stdout(&after).contains("[missing-network-policy]"),
        "{}",
        stdout(&after)
    );
}

#[test]
fn compose_secrets_in_env_files_that_git_keeps_and_the_env_example_fix() {
    let dir = temp_dir("envfile");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  api:\n    image: example/api:1.4\n    environment:\n      DB_PASSWORD: hunter2hunter2\n    env_file: [shared.env, local.env]\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("shared.env"),
        "LOG_LEVEL=debug\nexport API_TOKEN='x7Gq2LmPz9'\n",
    )
    .expect("write");
    std::fs::write(dir.join("local.env"), "SMTP_PASSWORD=s3cr3t-local\n").expect("write");
    std::fs::write(dir.join(".gitignore"), "local.env\n").expect("write");
    std::fs::write(dir.join(".env.example"), "LOG_LEVEL=info").expect("write");

    let output = stdout(&dockwarden(&["check", "compose.yaml"], &dir));
    let secrets: Vec<&str> = output
        .lines()
        .filter(|l| l.contains("[secret-in-env]"))
        .collect();
    assert_eq!(secrets.len(), 2, "{output}");
    assert!(secrets[0].starts_with("compose.yaml:5:7:"), "{output}");
    assert!(
        secrets[1].starts_with("compose.yaml:6:16:")
            && secrets[1].contains("`API_TOKEN`")
            && secrets[1].contains("`shared.env` line 2"),
        "{output}"
    );
    assert!(
        !output.contains("SMTP_PASSWORD"),
        "git ignores local.env:\n{output}"
    );

    dockwarden(&["check", "compose.yaml", "--fix", "--unsafe-fixes"], &dir);
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).expect("read");
    assert!(
        compose.contains("DB_PASSWORD: \"${DB_PASSWORD}\""),
        "{compose}"
    );
    let example = std::fs::read_to_string(dir.join(".env.example")).expect("read");
    assert_eq!(example, "LOG_LEVEL=info\nDB_PASSWORD=\n");
}

#[test]
fn a_build_context_file_copied_where_a_secret_variable_points_is_reported() {
    let dir = temp_dir("secret-path");
    std::fs::write(dir.join("service-account.json"), "{}").expect("write");
    std::fs::create_dir_all(dir.join("conf")).expect("dirs");
    std::fs::write(dir.join("conf/db-password"), "hunter2").expect("write");
    let dockerfile = "FROM python:3.12-slim\nENV GOOGLE_APPLICATION_CREDENTIALS=/app/service-account.json\nARG DB_PASSWORD_FILE=/etc/app/db-password\nENV CACHE_PATH=/app/cache.json\nWORKDIR /app\nCOPY . .\nCOPY conf/ /etc/app/\nCOPY missing.json /run/secrets/key.json\nENV API_TOKEN_FILE=/run/secrets/key.json\nUSER 10001:10001\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write");
    let found = |output: &Output| -> Vec<String> {
        stdout(output)
            .lines()
            .filter(|l| l.contains("[secret-file-copied]") && !l.contains("whole build context"))
            .map(str::to_owned)
            .collect()
    };
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    let lines = found(&output);
    // `COPY . .` under `WORKDIR /app` fills the credentials path; `conf/` fills the password file. The
    // cache path is not a secret name, and a source missing from the context is not reported.
    assert_eq!(lines.len(), 2, "{}", stdout(&output));
    assert!(
        lines[0].starts_with("Dockerfile:6:6: info[secret-file-copied] `GOOGLE_APPLICATION_CREDENTIALS` points to `/app/service-account.json`"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("Dockerfile:7:6: info[secret-file-copied] `DB_PASSWORD_FILE` points to `/etc/app/db-password`, and this copies the build context's `conf/db-password` there"),
        "{lines:?}"
    );
    // The ignore file leaves them out: silent.
    std::fs::write(
        dir.join(".dockerignore"),
        "service-account.json\nconf/db-password\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    assert!(found(&output).is_empty(), "{}", stdout(&output));
}

#[test]
fn copied_secrets_follow_the_build_contexts_ignore_file_with_dockers_semantics() {
    let dir = temp_dir("dockerignore");
    let dockerfile = "FROM alpine:3.22\nCOPY id_rsa /root/.ssh/\nCOPY a/x.pem /certs/\nCOPY . /app\nUSER 10001:10001\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write");
    std::fs::write(dir.join("other.Dockerfile"), dockerfile).expect("write");
    let copied = |output: &Output| -> Vec<String> {
        stdout(output)
            .lines()
            .filter(|l| l.contains("[secret-file-copied]"))
            .map(|l| l.split(": ").next().unwrap_or("").to_owned())
            .collect()
    };
    // No ignore file: both secrets, and the whole context copied without one.
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    assert_eq!(
        copied(&output),
        ["Dockerfile:2:6", "Dockerfile:3:6", "Dockerfile:4:6"],
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("4:6: info[secret-file-copied]"));

    // `*.pem` is anchored at the context root (not gitignore's any-depth match).
    std::fs::write(dir.join(".dockerignore"), "id_rsa\n*.pem\n").expect("write");
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    assert_eq!(copied(&output), ["Dockerfile:3:6"], "{}", stdout(&output));

    // `<name>.dockerignore` beside the Dockerfile wins over `.dockerignore`.
    std::fs::write(dir.join("other.Dockerfile.dockerignore"), "**/*.pem\n").expect("write");
    let output = dockwarden(&["check", "other.Dockerfile"], &dir);
    assert_eq!(
        copied(&output),
        ["other.Dockerfile:2:6"],
        "{}",
        stdout(&output)
    );

    // Built by a Compose service, the context is its `build.context`, with its own ignore file.
    std::fs::create_dir_all(dir.join("svc/api")).expect("dirs");
    std::fs::write(
        dir.join("svc/api/Dockerfile"),
        "FROM alpine:3.22\nCOPY api/id_rsa /root/.ssh/\nUSER 10001:10001\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "svc/api/Dockerfile"], &dir);
    assert_eq!(
        copied(&output),
        ["svc/api/Dockerfile:2:6"],
        "{}",
        stdout(&output)
    );
    std::fs::write(
        dir.join("svc/compose.yaml"),
        "services:\n  api:\n    build:\n      context: .\n      dockerfile: api/Dockerfile\n",
    )
    .expect("write");
    std::fs::write(dir.join("svc/.dockerignore"), "api/id_rsa\n").expect("write");
    let output = dockwarden(&["check", "svc/api/Dockerfile"], &dir);
    assert!(copied(&output).is_empty(), "{}", stdout(&output));
}

#[test]
fn unsafe_fixes_move_a_dockerfile_secret_to_the_compose_service_that_builds_it() {
    let dir = temp_dir("inject");
    std::fs::create_dir_all(dir.join("api")).expect("dir");
    std::fs::write(
        dir.join("api/Dockerfile"),
        "FROM python:3.12-slim\nENV API_TOKEN=q8Zr2LmPx7Wk\nUSER 10001:10001\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  api:\n    build:\n      context: api\n    environment:\n      - LOG_LEVEL=info\n",
    )
    .expect("write");
    dockwarden(&["check", ".", "--fix", "--unsafe-fixes"], &dir);
    let dockerfile = std::fs::read_to_string(dir.join("api/Dockerfile")).expect("read");
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).expect("read");
    assert!(!dockerfile.contains("API_TOKEN"), "{dockerfile}");
    assert!(
        compose.contains("      - API_TOKEN=${API_TOKEN}\n"),
        "{compose}"
    );
    let after = dockwarden(&["check", "."], &dir);
    assert!(
        !stdout(&after).contains("[secret-in-env]"),
        "{}",
        stdout(&after)
    );
}

#[test]
fn a_secret_a_run_needs_becomes_a_compose_build_secret() {
    let dir = temp_dir("build-secret");
    std::fs::create_dir_all(dir.join("api")).expect("dir");
    std::fs::write(
        dir.join("api/Dockerfile"),
        "FROM python:3.12-slim\nENV API_TOKEN=q8Zr2LmPx7Wk\nRUN curl -fsSL -H \"Authorization: Bearer $API_TOKEN\" -o /opt/model https://models.example.com/m\nUSER 10001:10001\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  api:\n    build: ./api\n",
    )
    .expect("write");
    dockwarden(
        &["check", "api/Dockerfile", "--fix", "--unsafe-fixes"],
        &dir,
    );
    let dockerfile = std::fs::read_to_string(dir.join("api/Dockerfile")).expect("read");
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).expect("read");
    assert!(
        dockerfile.contains("RUN --mount=type=secret,id=api_token,env=API_TOKEN curl"),
        "{dockerfile}"
    );
    assert_eq!(
        compose,
        "services:\n  api:\n    build: {context: ./api, secrets: [api_token]}\nsecrets:\n  api_token:\n    environment: API_TOKEN\n"
    );
    let after = dockwarden(&["check", "."], &dir);
    assert!(
        !stdout(&after).contains("[secret-in-env]"),
        "{}",
        stdout(&after)
    );
}

#[test]
fn exit_codes_follow_the_threshold_and_github_annotations_are_escaped() {
    let dir = temp_dir("ci-flags");
    // An information finding only (`ADD` of a local file is a warning; `COPY .` without ignore file is
    // information): the default threshold passes it, `info` fails on it, `--exit-zero` never fails.
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM alpine:3.22@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945\nCOPY . /app\nUSER 10001:10001\n",
    )
    .expect("write");
    let output = dockwarden(&["check", "Dockerfile"], &dir);
    assert!(
        stdout(&output).contains("info[secret-file-copied]"),
        "{}",
        stdout(&output)
    );
    assert_eq!(output.status.code(), Some(0));
    let output = dockwarden(
        &["check", "--severity-threshold", "info", "Dockerfile"],
        &dir,
    );
    assert_eq!(output.status.code(), Some(1));
    let output = dockwarden(
        &[
            "check",
            "--severity-threshold",
            "info",
            "--exit-zero",
            "Dockerfile",
        ],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0));
    let output = dockwarden(&["check", "--exit-zero", "missing-file"], &dir);
    assert_eq!(output.status.code(), Some(2), "errors still fail");

    let output = dockwarden(&["check", "--format", "github", "Dockerfile"], &dir);
    assert_eq!(
        stdout(&output),
        "::notice file=Dockerfile,line=2,col=6,endLine=2,endColumn=7,title=dockwarden (secret-file-copied)::the whole build context is copied and it has no `.dockerignore`: `.env` files, keys and `.git` go into the image\n"
    );
}

#[test]
fn diff_shows_what_fix_would_change_and_changes_nothing() {
    let dir = temp_dir("diff");
    let dockerfile = "FROM alpine:3.22\nADD a.txt /a\nUSER 10001:10001\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write");
    let output = dockwarden(&["check", "--diff", "Dockerfile"], &dir);
    assert_eq!(
        stdout(&output),
        "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n FROM alpine:3.22\n-ADD a.txt /a\n+COPY a.txt /a\n USER 10001:10001\n"
    );
    assert_eq!(output.status.code(), Some(1), "a diff to apply");
    assert_eq!(
        std::fs::read_to_string(dir.join("Dockerfile")).expect("read"),
        dockerfile
    );
    // Files a fix would create show as new.
    std::fs::write(dir.join("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: \"nginx:1.27\"}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-web}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{}]\n").expect("write");
    let output = dockwarden(&["check", "--diff", "--unsafe-fixes", "pod.yaml"], &dir);
    assert!(
        stdout(&output).contains("+++ b/networkpolicy-default-deny.yaml\n@@ -0,0 +1,22 @@\n+---\n"),
        "{}",
        stdout(&output)
    );
    assert!(!dir.join("networkpolicy-default-deny.yaml").exists());
}

/// No file disappears: Helm templates (by path, per document) and non-UTF-8 files are reported by
/// `skipped-file`, and `{{ … }}` inside strings hides nothing.
#[test]
fn files_not_linted_in_full_say_so_and_templates_in_strings_hide_nothing() {
    let dir = temp_dir("skipped");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1.37\n      securityContext: {privileged: true}\n";
    let rule = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          annotations:\n            description: url {{ $labels.a }}:{{ $labels.b }}\n";
    std::fs::write(dir.join("monitoring.yaml"), format!("{rule}---\n{pod}")).expect("write");
    let helm_doc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n";
    std::fs::write(dir.join("mixed.yaml"), format!("{pod}---\n{helm_doc}")).expect("write");
    std::fs::create_dir_all(dir.join("chart/templates")).expect("chart");
    std::fs::write(
        dir.join("chart/Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    )
    .expect("write");
    // Valid YAML, but a chart's template all the same: not read, and said so.
    std::fs::write(dir.join("chart/templates/pod.yaml"), pod).expect("write");
    std::fs::write(
        dir.join("chart/templates/_helpers.tpl"),
        "{{- define \"c.name\" -}}c{{- end }}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("Dockerfile"),
        b"FROM alpine:3.22\nRUN echo \"\xff\"\n",
    )
    .expect("write");

    let output = dockwarden(
        &[
            "check",
            "--format",
            "json",
            ".",
            "chart/templates/_helpers.tpl",
        ],
        &dir,
    );
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("one JSON array");
    let of = |path: &str| -> Vec<(String, u64)> {
        findings
            .iter()
            .filter(|f| {
                f["path"]
                    .as_str()
                    .is_some_and(|p| p.trim_start_matches("./") == path)
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or("").to_owned(),
                    f["start"]["line"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    let has = |path: &str, rule: &str, line: u64| of(path).contains(&(rule.to_owned(), line));
    assert!(
        has("monitoring.yaml", "privileged-container", 21),
        "{:?}",
        of("monitoring.yaml")
    );
    assert!(
        of("monitoring.yaml")
            .iter()
            .all(|(r, _)| r != "skipped-file")
    );
    assert!(
        has("mixed.yaml", "privileged-container", 9),
        "{:?}",
        of("mixed.yaml")
    );
    assert!(
        has("mixed.yaml", "skipped-file", 10),
        "{:?}",
        of("mixed.yaml")
    );
    assert_eq!(
        of("chart/templates/pod.yaml"),
        [("skipped-file".to_owned(), 1)]
    );
    assert_eq!(
        of("chart/templates/_helpers.tpl"),
        [("skipped-file".to_owned(), 1)]
    );
    let dockerfile = of("Dockerfile");
    assert!(
        dockerfile.contains(&("skipped-file".to_owned(), 1)),
        "{dockerfile:?}"
    );
    assert!(
        dockerfile.contains(&("run-as-root".to_owned(), 1)),
        "{dockerfile:?}"
    );
}

/// `dockwarden check` as a user who cannot read part of the tree: CI runs as root, where permissions do not
/// apply, so the run drops to `nobody` with `setpriv` there.
fn dockwarden_unprivileged(args: &[&str], dir: &Path) -> Output {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let mut command = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_dockwarden"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_dockwarden"))
    };
    command
        .args(args)
        .current_dir(dir)
        .output()
        .expect("setpriv and the binary run")
}

#[test]
fn unreadable_special_and_dangling_paths_are_errors_with_exit_2() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("unreadable");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::create_dir_all(dir.join("ok")).expect("mkdir");
    std::fs::create_dir_all(dir.join("locked")).expect("mkdir");
    std::fs::write(dir.join("ok/Dockerfile"), "FROM alpine:3.22\nUSER 10001\n").expect("write");
    std::fs::write(dir.join("locked/Dockerfile"), "FROM alpine:3.22\n").expect("write");
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o000))
        .expect("chmod");
    let output = dockwarden_unprivileged(&["check", "."], &dir);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod back");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("locked") && stderr.contains("Permission denied"),
        "{stderr}"
    );

    let fifo = dir.join("ok/Dockerfile.pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    std::os::unix::fs::symlink("/nonexistent/Dockerfile", dir.join("ok/dangling.yaml"))
        .expect("symlink");
    for (path, says) in [
        ("ok/Dockerfile.pipe", "not a regular file"),
        ("ok/dangling.yaml", "dangling symbolic link"),
        ("ok", "not a regular file"),
    ] {
        let output = dockwarden(&["check", path], &dir);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains(says), "{path}: {stderr}");
    }
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn named_files_about_dockerfiles_binary_files_and_ignored_paths() {
    let dir = temp_dir("about-dockerfiles");
    std::fs::write(dir.join("Dockerfile.md"), "FROM ubuntu\n\nHow we build.\n").expect("write");
    std::fs::write(dir.join("blob.bin"), b"FROM ubuntu\n\0\x01\x02").expect("write");
    std::fs::write(dir.join("Dockerfile"), b"FROM ubuntu:24.04\n\0RUN x\n").expect("write");
    std::fs::create_dir_all(dir.join("vendor")).expect("mkdir");
    std::fs::write(dir.join("vendor/Dockerfile"), "FROM ubuntu\n").expect("write");
    std::fs::write(dir.join(".dockwarden.yaml"), "ignore-paths: [vendor/]\n").expect("write");
    let output = dockwarden(
        &[
            "check",
            "Dockerfile.md",
            "blob.bin",
            "Dockerfile",
            "vendor/Dockerfile",
        ],
        &dir,
    );
    let text = stdout(&output);
    let stderr = stderr_of(&output);
    assert!(
        !text.contains("Dockerfile.md") && !text.contains("blob.bin"),
        "{text}"
    );
    assert!(
        text.contains("Dockerfile:1:6: warning[run-as-root]"),
        "{text}"
    );
    assert!(!text.contains("vendor"), "{text}");
    assert!(
        stderr.contains("vendor/Dockerfile: skipped: ignore-paths (vendor/ in .dockwarden.yaml)"),
        "{stderr}"
    );
    // Walked, an ignored path is simply left out.
    let walked = dockwarden(&["check", "."], &dir);
    assert!(
        !stderr_of(&walked).contains("skipped"),
        "{}",
        stderr_of(&walked)
    );
}

/// `ADD` of a file in the build context is judged by its content: Docker unpacks tar archives (plain,
/// gzip, bzip2, xz, zstd) whatever their name, and copies the rest.
#[test]
fn add_of_a_build_context_file_is_judged_by_its_magic_bytes() {
    let dir = temp_dir("add-magic");
    let mut tar = vec![0u8; 512];
    tar[..8].copy_from_slice(b"hello.tx");
    tar[257..262].copy_from_slice(b"ustar");
    std::fs::write(dir.join("bundle.dat"), &tar).expect("write");
    std::fs::write(dir.join("layer.bin"), [0x28, 0xb5, 0x2f, 0xfd, 0, 0]).expect("write");
    std::fs::write(dir.join("notes.dat"), "just text\n").expect("write");
    std::fs::write(dir.join("site.zip"), b"PK\x03\x04rest").expect("write");
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM alpine:3.22\nADD bundle.dat /opt/\nADD layer.bin /\nADD notes.dat /etc/\nADD site.zip /srv/\nUSER 10001:10001\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(&["check", "Dockerfile"], &dir));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("add-instead-of-copy"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("Dockerfile:4:1:"), "{text}");
    assert!(lines[1].starts_with("Dockerfile:5:1:"), "{text}");
}

/// A stage is named by its own name, and a Compose service that builds a `target:` is judged by that stage.
#[test]
fn stages_are_named_by_their_own_name_and_compose_targets_are_judged() {
    let dir = temp_dir("targets");
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM python:3.12-slim AS builder\nRUN pip install flask\n\nFROM builder AS dev-envs\nCMD [\"flask\", \"run\"]\n\nFROM builder AS prod\nUSER 10001:10001\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  dev:\n    build:\n      context: .\n      target: dev-envs\n  prod:\n    build:\n      context: .\n      target: prod\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("Dockerfile.dev"),
        "FROM python:3.12-slim AS builder\nRUN pip install flask\n\nFROM builder AS dev-envs\nCMD [\"flask\", \"run\"]\n",
    )
    .expect("write");
    let text = stdout(&dockwarden(
        &["check", "Dockerfile.dev", "compose.yaml"],
        &dir,
    ));
    assert!(
        text.contains("Dockerfile.dev:4:6: warning[run-as-root] the image runs as root: the final stage `dev-envs` (`python:3.12-slim`) never sets a non-root `USER`"),
        "{text}"
    );
    let compose: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("compose.yaml") && l.contains("[run-as-root]"))
        .collect();
    assert_eq!(compose.len(), 1, "{text}");
    assert!(
        compose[0].starts_with("compose.yaml:3:5:") && compose[0].contains("stage `dev-envs`"),
        "{text}"
    );
}

/// Each rule fixture reads the same through the CLI as in the engine: the fixture's rule at the same lines.
#[test]
fn every_fixture_reads_the_same_through_the_cli() {
    let dir = temp_dir("fixtures");
    let fixtures = common::fixtures_on_disk(&dir);
    assert!(fixtures.len() > 100, "{}", fixtures.len());
    for (file, rule, lines) in fixtures {
        let folder = file.parent().expect("a folder");
        let name = file.file_name().and_then(|n| n.to_str()).expect("a name");
        let output = dockwarden(&["check", "--format", "json", name], folder);
        let found: Vec<serde_json::Value> =
            serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let cli: Vec<usize> = found
            .iter()
            .filter(|d| d["rule"] == rule.to_string())
            .map(|d| d["start"]["line"].as_u64().unwrap_or_default() as usize)
            .collect();
        assert_eq!(cli, lines, "{name}: `{rule}` through the CLI");
    }
}

/// `--select` runs only the rules it names (one that is off by default included) and `--fix` applies only
/// their fixes; `--ignore` leaves rules and their fixes out; an unknown rule is a usage error.
#[test]
fn select_and_ignore_choose_the_rules_and_the_fixes() {
    let dir = temp_dir("select");
    let dockerfile = "FROM python:3.12-slim\nADD app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n";
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write");
    let selected = stdout(&dockwarden(
        &[
            "check",
            "--select",
            "add-instead-of-copy,missing-healthcheck",
            "Dockerfile",
        ],
        &dir,
    ));
    let mut rules: Vec<&str> = selected
        .lines()
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        ["add-instead-of-copy", "missing-healthcheck"],
        "{selected}"
    );
    // Only the selected rule's fix: the USER of run-as-root is not added.
    dockwarden(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "add-instead-of-copy",
            "Dockerfile",
        ],
        &dir,
    );
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
    assert_eq!(fixed, dockerfile.replace("ADD", "COPY"));
    // Ignored: neither reported nor fixed.
    std::fs::write(dir.join("Dockerfile"), dockerfile).expect("write");
    let output = dockwarden(
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--ignore",
            "run-as-root",
            "Dockerfile",
        ],
        &dir,
    );
    let fixed = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
    assert!(!fixed.contains("USER"), "{fixed}");
    assert!(fixed.contains("COPY app.py"), "{fixed}");
    assert!(
        !stdout(&output).contains("[run-as-root]"),
        "{}",
        stdout(&output)
    );
    let unknown = dockwarden(&["check", "--select", "run-as-rot", "Dockerfile"], &dir);
    assert_eq!(unknown.status.code(), Some(2));
}

/// The slim-variant check reads the exec probes of the containers skaffold deploys the image in: a probe
/// that runs `curl` keeps the full image's tools, whatever the Dockerfile itself runs.
#[test]
fn exec_probes_of_the_pods_skaffold_deploys_the_image_in_count_as_its_tools() {
    let dir = temp_dir("skaffold-probes");
    common::put(
        &dir,
        "api/Dockerfile",
        "FROM python:3.12\nCOPY app.py /app/\nUSER 10001:10001\nCMD [\"python\", \"/app/app.py\"]\n",
    );
    common::put(
        &dir,
        "skaffold.yaml",
        "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: shop/api\n      context: api\nmanifests:\n  rawYaml:\n    - ./k8s/*.yaml\n",
    );
    common::put(
        &dir,
        "k8s/api.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: shop/api\n          livenessProbe:\n            exec:\n              command: [\"sh\", \"-c\", \"curl -fs http://localhost:8000/health\"]\n",
    );
    let slim_fixes = |dir: &Path| {
        let output = dockwarden(&["check", "--format", "json", "api/Dockerfile"], dir);
        let findings: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("json output");
        let bloated = findings
            .as_array()
            .expect("array")
            .iter()
            .find(|f| f["rule"] == "bloated-base-image")
            .cloned()
            .expect("bloated-base-image finding");
        bloated["fixes"]
            .as_array()
            .expect("fixes")
            .iter()
            .map(|f| {
                (
                    f["title"].as_str().unwrap_or("").to_owned(),
                    f["preferred"] == true,
                )
            })
            .collect::<Vec<_>>()
    };
    let fixes = slim_fixes(&dir);
    let slim = fixes
        .iter()
        .find(|(title, _)| title.contains("python:3.12-slim"))
        .expect("a slim fix");
    assert!(
        slim.0.contains("curl")
            && slim
                .0
                .contains("the `livenessProbe` of container `api` in `api.yaml`"),
        "{fixes:?}"
    );
    assert!(
        !slim.1,
        "a slim image without curl breaks the probe: {fixes:?}"
    );

    // Without the file that ties them, the manifest is not the image's: the slim variant is preferred.
    std::fs::remove_file(dir.join("skaffold.yaml")).expect("remove");
    let fixes = slim_fixes(&dir);
    assert!(
        fixes
            .iter()
            .any(|(title, preferred)| title.contains("python:3.12-slim")
                && !title.contains("curl")
                && *preferred),
        "{fixes:?}"
    );
}

/// `nginx` → `nginxinc/nginx-unprivileged` changes the port the server listens on: the preferred switch
/// moves `EXPOSE` and the Compose ports of the service that builds the image, and is applied by
/// `--fix --unsafe-fixes`; a copied config or a manifest that runs the image leaves it offered, not preferred.
#[test]
fn the_unprivileged_nginx_switch_moves_the_compose_ports_with_it() {
    let dir = temp_dir("nginx-unprivileged");
    common::put(
        &dir,
        "web/Dockerfile",
        "FROM nginx:1.30-alpine\nCOPY dist/ /usr/share/nginx/html/\nEXPOSE 80\n",
    );
    common::put(
        &dir,
        "compose.yaml",
        "services:\n  web:\n    build: ./web\n    ports:\n      - \"8080:80\"\n      - 127.0.0.1:9000:80/tcp\n    expose: [80]\n",
    );
    let output = dockwarden(
        &["check", "--fix", "--unsafe-fixes", "web/Dockerfile"],
        &dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let dockerfile = std::fs::read_to_string(dir.join("web/Dockerfile")).expect("read");
    assert_eq!(
        dockerfile,
        "FROM nginxinc/nginx-unprivileged:1.30-alpine\nCOPY dist/ /usr/share/nginx/html/\nEXPOSE 8080\n"
    );
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).expect("read");
    assert_eq!(
        compose,
        "services:\n  web:\n    build: ./web\n    ports:\n      - \"8080:8080\"\n      - \"127.0.0.1:9000:8080/tcp\"\n    expose: [8080]\n"
    );

    // A config of its own may listen anywhere: the switch is offered with what to check, not applied.
    common::put(
        &dir,
        "web/Dockerfile",
        "FROM nginx:1.30-alpine\nCOPY default.conf /etc/nginx/conf.d/\nEXPOSE 80\n",
    );
    let output = dockwarden(&["check", "--format", "json", "web/Dockerfile"], &dir);
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let switch = findings[0]["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .find(|f| {
            f["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Build on"))
        })
        .cloned()
        .expect("the switch");
    assert_eq!(switch["preferred"], false, "{switch}");
    assert!(
        switch["title"]
            .as_str()
            .is_some_and(|t| t.contains("the copied config must `listen 8080`")),
        "{switch}"
    );
}

/// Pod Security admission from the command line: the Namespace among the files given, or the config's
/// `pod-security` for a cluster that enforces a level everywhere.
#[test]
fn a_pod_the_cluster_will_refuse_is_an_error_that_says_so() {
    let dir = temp_dir("admission");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: example.com/app:1.0\n      securityContext:\n        privileged: true\n";
    common::put(&dir, "pod.yaml", pod);
    common::put(
        &dir,
        "namespace.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n",
    );
    let line = |text: &str, rule: &str| {
        text.lines()
            .find(|l| l.contains(&format!("[{rule}]")))
            .unwrap_or_default()
            .to_owned()
    };
    let text = stdout(&dockwarden(&["check", "pod.yaml", "namespace.yaml"], &dir));
    let privileged = line(&text, "privileged-container");
    assert!(
        privileged.contains("error[privileged-container]")
            && privileged.contains(
                "rejected by Pod Security admission: namespace `shop` enforces `baseline`"
            ),
        "{text}"
    );
    // Baseline does not refuse what only restricted forbids.
    assert!(
        line(&text, "unconfined-profile").contains("warning["),
        "{text}"
    );

    // Alone, the pod's namespace says nothing; the config's `pod-security` speaks for the cluster.
    let alone = stdout(&dockwarden(&["check", "pod.yaml"], &dir));
    assert!(
        line(&alone, "privileged-container").contains("error[")
            && !alone.contains("Pod Security admission"),
        "{alone}"
    );
    common::put(&dir, ".dockwarden.yaml", "pod-security: restricted\n");
    let enforced = stdout(&dockwarden(&["check", "pod.yaml"], &dir));
    let seccomp = line(&enforced, "unconfined-profile");
    assert!(
        seccomp.contains("error[unconfined-profile]")
            && seccomp
                .contains("the cluster enforces `restricted` (`pod-security` in .dockwarden.yaml)"),
        "{enforced}"
    );
}

/// `default-namespace` (opt-in) is silent for a file whose kustomization places it in a namespace.
#[test]
fn default_namespace_follows_the_kustomization_beside_the_file() {
    let dir = temp_dir("default-namespace");
    common::put(
        &dir,
        "base/web.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.30\n",
    );
    common::put(
        &dir,
        ".dockwarden.yaml",
        "rules:\n  default-namespace: info\n",
    );
    let reported = |dir: &Path| {
        stdout(&dockwarden(&["check", "base/web.yaml"], dir)).contains("info[default-namespace]")
    };
    assert!(reported(&dir));
    common::put(
        &dir,
        "base/kustomization.yaml",
        "namespace: shop\nresources: [web.yaml]\n",
    );
    assert!(!reported(&dir));
}

/// `unpinned-image: {require-digest: true}` reports every image not pinned by digest, in every kind.
#[test]
fn require_digest_reports_every_tag_without_a_digest() {
    let dir = temp_dir("require-digest");
    common::put(
        &dir,
        "Dockerfile",
        "FROM python:3.12-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000 AS build\nFROM python:3.12-slim\nUSER 10001:10001\n",
    );
    common::put(
        &dir,
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:1.30\n",
    );
    let count = |dir: &Path| {
        stdout(&dockwarden(&["check", "Dockerfile", "pod.yaml"], dir))
            .lines()
            .filter(|l| l.contains("[unpinned-image]") && l.contains("not pinned by digest"))
            .count()
    };
    assert_eq!(count(&dir), 0, "off unless asked");
    common::put(
        &dir,
        ".dockwarden.yaml",
        "rules:\n  unpinned-image: {severity: warning, require-digest: true}\n",
    );
    assert_eq!(count(&dir), 2, "the second FROM and the pod's image");
}

#[test]
fn json_output_follows_its_versioned_schema() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = repo.join("schemas/check-json.v1.schema.json");
    let output = dockwarden(
        &[
            "check",
            "--format",
            "json",
            "--exit-zero",
            "examples",
            "tests/fixtures/dockerfile",
            "tests/fixtures/compose",
            "tests/fixtures/kubernetes",
        ],
        repo,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = stdout(&output);
    let findings: serde_json::Value = serde_json::from_str(&text).expect("one JSON array");
    let findings = findings.as_array().expect("an array");
    assert!(findings.len() > 500, "{} findings", findings.len());
    // Every optional part of the schema is exercised: other files' changes and fallbacks.
    let fixes = || {
        findings
            .iter()
            .flat_map(|f| f["fixes"].as_array().expect("fixes"))
    };
    assert!(
        fixes().any(|f| f.get("files").is_some()),
        "a fix that writes another file"
    );
    assert!(
        fixes().any(|f| f.get("fallback").is_some()),
        "a fix with a fallback"
    );
    let Some((valid, report)) = common::validate_json(&schema, &text) else {
        return;
    };
    assert!(
        valid,
        "--format json does not follow {}:\n{report}",
        schema.display()
    );
    // The schema can fail: an unknown severity, a 0 column, a missing field.
    for (pointer, value) in [
        ("/0/severity", serde_json::json!("fatal")),
        ("/0/start/column", serde_json::json!(0)),
        ("/0/fixes", serde_json::Value::Null),
    ] {
        let mut broken: serde_json::Value = serde_json::from_str(&text).expect("json");
        *broken.pointer_mut(pointer).expect(pointer) = value;
        let (valid, _) = common::validate_json(&schema, &broken.to_string()).expect("validator");
        assert!(!valid, "{pointer} broken still validates");
    }
}

fn git(args: &[&str], dir: &Path) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs")
}

/// `git apply` of `patch` in `dir`: it must apply every file (git prints "Skipped patch" and exits 0 for a
/// path outside the folder it runs in, so that output fails too).
fn git_apply(patch: &str, dir: &Path) {
    for check in [true, false] {
        let mut command = Command::new("git");
        command.arg("apply").arg("-v");
        if check {
            command.arg("--check");
        }
        let mut child = command
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("git apply runs");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), patch.as_bytes())
            .expect("write patch");
        let output = child.wait_with_output().expect("git apply ends");
        let said = format!("{}{}", stdout(&output), stderr_of(&output));
        assert!(
            output.status.success(),
            "git apply in {}: {said}\n{patch}",
            dir.display()
        );
        assert!(
            !said.contains("Skipped patch"),
            "git apply in {}: {said}\n{patch}",
            dir.display()
        );
    }
}

#[test]
fn diff_paths_are_relative_to_the_project_root_and_git_apply_takes_them() {
    let repo = temp_dir("diff-root");
    assert!(git(&["init", "-q"], &repo).status.success());
    let before = "FROM alpine:3.22\nADD app.txt /app/\nUSER 10001:10001\n";
    let after = "FROM alpine:3.22\nCOPY app.txt /app/\nUSER 10001:10001\n";
    common::put(&repo, "vote/Dockerfile", before);
    common::put(&repo, "result/Dockerfile", before);
    // From a subfolder, naming files above it, in the ways people type them.
    let vote = repo.join("vote");
    let absolute = repo.join("result/Dockerfile");
    let output = dockwarden(
        &[
            "check",
            "--diff",
            "./Dockerfile",
            &absolute.display().to_string(),
        ],
        &vote,
    );
    let patch = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{patch}{}",
        stderr_of(&output)
    );
    for header in [
        "--- a/vote/Dockerfile\n+++ b/vote/Dockerfile\n",
        "--- a/result/Dockerfile\n+++ b/result/Dockerfile\n",
    ] {
        assert!(patch.contains(header), "{header} in\n{patch}");
    }
    for bad in ["a/./", "a//", "a/../", "a/tmp", "b/./"] {
        assert!(!patch.contains(bad), "{bad} in\n{patch}");
    }
    assert!(
        stderr_of(&output).contains("Would fix 2 problems in 2 files"),
        "{}",
        stderr_of(&output)
    );
    // At the root, the whole patch applies.
    git_apply(&patch, &repo);
    for file in ["vote/Dockerfile", "result/Dockerfile"] {
        assert_eq!(
            std::fs::read_to_string(repo.join(file)).expect("read"),
            after,
            "{file}"
        );
    }
    // From a subfolder, the patch of that subfolder applies there (its paths are still the root's).
    common::put(&repo, "vote/Dockerfile", before);
    let output = dockwarden(&["check", "--diff", "."], &vote);
    let patch = stdout(&output);
    assert!(patch.starts_with("--- a/vote/Dockerfile\n"), "{patch}");
    git_apply(&patch, &vote);
    assert_eq!(
        std::fs::read_to_string(repo.join("vote/Dockerfile")).expect("read"),
        after
    );
    // A diff is not SARIF: asking for both is a usage error, not a diff in place of the log.
    let output = dockwarden(&["check", "--diff", "--format", "sarif", "."], &vote);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr_of(&output).contains("cannot be combined with --format sarif"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn results_do_not_depend_on_the_working_directory() {
    let repo = temp_dir("root-cwd");
    assert!(git(&["init", "-q"], &repo).status.success());
    common::put(
        &repo,
        "docker-compose.yml",
        "services:\n  vote:\n    build: ./vote\n    read_only: true\n",
    );
    common::put(
        &repo,
        "vote/Dockerfile",
        "FROM python:3.12-slim\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n",
    );
    let findings = |args: &[&str], dir: &Path| -> Vec<(String, u64, String)> {
        let output = dockwarden(args, dir);
        let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        found
            .as_array()
            .expect("array")
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().expect("rule").to_owned(),
                    f["start"]["line"].as_u64().expect("line"),
                    f["message"].as_str().expect("message").to_owned(),
                )
            })
            .collect()
    };
    let from_root = findings(&["check", "--format", "json", "docker-compose.yml"], &repo);
    let from_vote = findings(
        &["check", "--format", "json", "../docker-compose.yml"],
        &repo.join("vote"),
    );
    assert!(
        from_root
            .iter()
            .any(|(rule, _, message)| rule == "run-as-root" && message.contains("vote")),
        "{from_root:?}"
    );
    assert_eq!(from_root, from_vote);
    // Paths that share no folder but `/` make no project: exit 2 with a hint, nothing read.
    let outside = temp_dir("root-none");
    common::put(&outside, "Dockerfile", "FROM alpine:3.22\n");
    let output = dockwarden(
        &[
            "check",
            "/etc/hostname",
            &outside.join("Dockerfile").display().to_string(),
        ],
        &outside,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("share no folder but /"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn output_color_quiet_and_the_summary_lines() {
    let dir = temp_dir("flags");
    std::fs::write(dir.join("Dockerfile"), EXAMPLE).expect("write");
    std::fs::write(
        dir.join("Dockerfile.add"),
        "FROM alpine:3.22\nADD a.txt /a\nUSER 10001:10001\n",
    )
    .expect("write");
    // The summary: every finding counted, with what --fix and --unsafe-fixes would take care of.
    let output = dockwarden(&["check", "--format", "json", "."], &dir);
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let found = found.as_array().expect("array");
    let safe = found
        .iter()
        .filter(|f| {
            f["fixes"]
                .as_array()
                .expect("fixes")
                .iter()
                .any(|x| x["applicability"] == "safe")
        })
        .count();
    let fixable = found
        .iter()
        .filter(|f| !f["fixes"].as_array().expect("fixes").is_empty())
        .count();
    assert!(safe > 0 && fixable > safe, "{safe} {fixable}");
    assert_eq!(stderr_of(&output), "", "no summary beside JSON");
    let text = dockwarden(&["check", "."], &dir);
    assert_eq!(
        stderr_of(&text),
        format!(
            "Found {} problems in 2 files ({safe} fixable with --fix, {} more with --unsafe-fixes)\n",
            found.len(),
            fixable - safe
        )
    );
    assert_eq!(stdout(&text).lines().count(), found.len());
    assert!(!stdout(&text).contains('\x1b'), "no colour off a terminal");
    // --quiet: no summary, no information findings (the example has some).
    let infos = found.iter().filter(|f| f["severity"] == "info").count();
    assert!(infos > 0);
    let quiet = dockwarden(&["check", "--quiet", "."], &dir);
    assert_eq!(stderr_of(&quiet), "");
    assert_eq!(stdout(&quiet).lines().count(), found.len() - infos);
    assert!(!stdout(&quiet).contains(": info["), "{}", stdout(&quiet));
    // --output: the report in a file, the same text; --color always colours it, never and NO_COLOR do not.
    let report = dir.join("report.txt");
    let written = dockwarden(
        &["check", "--output", &report.display().to_string(), "."],
        &dir,
    );
    assert_eq!(stdout(&written), "");
    assert_eq!(written.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&report).expect("report"),
        stdout(&text)
    );
    let coloured = dockwarden(&["check", "--color", "always", "."], &dir);
    assert!(
        stdout(&coloured).contains("\x1b[1;33mwarning\x1b[0m[run-as-root]"),
        "{}",
        stdout(&coloured)
    );
    assert!(!stdout(&dockwarden(&["check", "--color", "never", "."], &dir)).contains('\x1b'));
    // A file that cannot be written is an I/O error.
    let nowhere = dockwarden(&["check", "--output", "missing/report.txt", "."], &dir);
    assert_eq!(nowhere.status.code(), Some(2));
    assert!(
        stderr_of(&nowhere).contains("missing/report.txt"),
        "{}",
        stderr_of(&nowhere)
    );
    // After --fix: what it changed, then what is left.
    let fixed = dockwarden(&["check", "--fix", "."], &dir);
    let said = stderr_of(&fixed);
    assert!(said.starts_with(&format!("Fixed {safe} problem")), "{said}");
    assert!(
        said.contains(&format!("Found {} problems", found.len() - safe)),
        "{said}"
    );
    let clean = dockwarden(&["check", "Dockerfile.add"], &dir);
    assert_eq!(stderr_of(&clean), "No problems found (1 file checked)\n");
}

#[test]
fn a_hadolint_code_stands_for_its_rule_on_the_command_line() {
    let dir = temp_dir("hadolint-codes");
    std::fs::write(dir.join("Dockerfile"), EXAMPLE).expect("write");
    let by_code = dockwarden(&["check", "--select", "DL3002", "Dockerfile"], &dir);
    let by_name = dockwarden(&["check", "--select", "run-as-root", "Dockerfile"], &dir);
    assert_eq!(stdout(&by_code), stdout(&by_name));
    assert!(
        stdout(&by_code).contains("[run-as-root]"),
        "{}",
        stdout(&by_code)
    );
    assert_eq!(stdout(&by_code).lines().count(), 1);
    let ignored = dockwarden(&["check", "--ignore", "dl3002", "Dockerfile"], &dir);
    assert!(
        !stdout(&ignored).contains("[run-as-root]"),
        "{}",
        stdout(&ignored)
    );
    let explained = dockwarden(&["explain", "DL3002"], &dir);
    assert_eq!(
        stdout(&explained),
        stdout(&dockwarden(&["explain", "run-as-root"], &dir))
    );
    let unknown = dockwarden(&["check", "--select", "DL9999", "Dockerfile"], &dir);
    assert_eq!(unknown.status.code(), Some(2));
    // In a config file, and two keys for one rule must agree.
    std::fs::write(dir.join(".dockwarden.yaml"), "rules:\n  DL3002: off\n").expect("write");
    assert!(!stdout(&dockwarden(&["check", "Dockerfile"], &dir)).contains("[run-as-root]"));
    std::fs::write(
        dir.join(".dockwarden.yaml"),
        "rules:\n  DL3002: off\n  run-as-root: error\n",
    )
    .expect("write");
    let conflict = dockwarden(&["check", "Dockerfile"], &dir);
    assert_eq!(conflict.status.code(), Some(2));
    assert!(
        stderr_of(&conflict).contains("`DL3002` and `run-as-root` both set `run-as-root`"),
        "{}",
        stderr_of(&conflict)
    );
}
