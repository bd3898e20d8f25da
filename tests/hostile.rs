//! Hostile input: bytes chosen to crash, stall or blind the linter. Every test here feeds the real pipeline
//! (`lint`, the built binary) and checks that it answers and still reports what the rest of the file holds.

mod common;

use std::process::Command;

use dockwarden::{FileKind, lint};
use rayon::prelude::*;

/// Every Unicode scalar value (1,112,064 of them), in chunks small enough to lint one at a time.
fn scalar_value_chunks() -> Vec<Vec<char>> {
    let all: Vec<char> = (0..=u32::from(char::MAX))
        .filter_map(char::from_u32)
        .collect();
    assert_eq!(all.len(), 1_112_064);
    all.chunks(2048).map(<[char]>::to_vec).collect()
}

/// Lint `make(chunk)` for every chunk of scalar values, in parallel; `expect` is a rule the rest of the file
/// makes fire, so a scanner that gave up (or a crash, which ends the test process) cannot pass.
fn every_scalar_value_in(kind: FileKind, expect: &str, make: impl Fn(&[char]) -> String + Sync) {
    let failures: Vec<String> = scalar_value_chunks()
        .par_iter()
        .filter_map(|chunk| {
            let text = make(chunk);
            let found = lint(&text, kind).iter().any(|d| d.rule.name() == expect);
            (!found).then(|| format!("U+{:04X}…: no {expect}", u32::from(chunk[0])))
        })
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
}

/// The positions where tree-sitter-bash's and tree-sitter-dockerfile's external scanners look at the next
/// character: after `{`, `$`, `${`, `$(`, in `<<` heredoc delimiters (shell and Dockerfile), and in words.
const SHELL_POSITIONS: [(&str, &str); 7] = [
    ("brace", "RUN echo {X\n"),
    ("dollar", "RUN echo $X\n"),
    ("parameter", "RUN echo ${X}\n"),
    ("substitution", "RUN echo $(X)\n"),
    ("shell heredoc", "RUN cat <<X\nbody\nX\n"),
    ("dockerfile heredoc", "RUN <<X\nbody\nX\n"),
    ("word", "RUN X X\n"),
];

#[test]
fn every_scalar_value_in_every_shell_scanner_position_lints() {
    for (name, line) in SHELL_POSITIONS {
        eprintln!("position: {name}");
        every_scalar_value_in(FileKind::Dockerfile, "run-as-root", |chunk| {
            let mut text = String::from("FROM alpine:3.22\n");
            for c in chunk {
                text.push_str(&line.replace('X', &c.to_string()));
            }
            text
        });
    }
}

/// tree-sitter-yaml's scanner: plain, quoted and block scalars, flow collections, anchors, aliases, tags.
const YAML_POSITIONS: [&str; 8] = [
    "  - X\n",
    "  - {X: 1}\n",
    "  - \"X\"\n",
    "  - 'X'\n",
    "  - &X a\n",
    "  - *X\n",
    "  - !X a\n",
    "  - |\n    X\n",
];

#[test]
fn every_scalar_value_in_every_yaml_scanner_position_lints() {
    for line in YAML_POSITIONS {
        eprintln!("position: {line:?}");
        every_scalar_value_in(FileKind::Kubernetes, "privileged-container", |chunk| {
            let mut text = String::from(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx:1.29\n    securityContext:\n      privileged: true\n---\nx:\n",
            );
            for c in chunk {
                text.push_str(&line.replace('X', &c.to_string()));
            }
            text
        });
    }
}

/// The reproducer of the SIGSEGV: `{` followed by U+E0001 in a `RUN`, through the binary (exit 139 before).
#[test]
fn a_tag_character_after_a_brace_does_not_kill_the_cli() {
    let dir = common::write_tree(
        "hostile-tag-character",
        &[("Dockerfile", "FROM alpine:3.22\nRUN echo {\u{e0001} 🏴󠁧󠁢󠁳󠁣󠁴󠁿\n")],
    );
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(&dir)
        .args(["check", "Dockerfile"])
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("[run-as-root]"));
}

/// A repository whose side files (ignore files, `.dockerignore`, env files, the config) are links to
/// `/dev/zero` or FIFOs: the run ends, and reports the files it was given.
#[test]
fn side_files_that_never_end_are_not_read() {
    let dir = common::write_tree(
        "hostile-endless-side-files",
        &[
            (
                "Dockerfile",
                "FROM alpine:3.22\nENV DB_PASSWORD=hunter2x\nCOPY . /app\n",
            ),
            (
                "compose.yaml",
                "services:\n  a:\n    build: .\n    env_file: app.env\n",
            ),
            ("sub/Dockerfile", "FROM alpine:3.22\n"),
        ],
    );
    for name in [
        ".gitignore",
        ".ignore",
        ".dockerignore",
        "app.env",
        "sub/.gitignore",
        ".git/info/exclude",
    ] {
        std::fs::create_dir_all(dir.join(name).parent().expect("a folder")).expect("folder");
        std::os::unix::fs::symlink("/dev/zero", dir.join(name)).expect("symlink");
    }
    let fifo = Command::new("mkfifo")
        .arg(dir.join("sub/.dockerignore"))
        .status()
        .expect("mkfifo runs");
    assert!(fifo.success());
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(&dir)
        .args(["check", "--format", "json", "."])
        .output()
        .expect("binary runs");
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON array");
    let rules_in = |path: &str| -> Vec<String> {
        findings
            .as_array()
            .expect("array")
            .iter()
            .filter(|f| f["path"].as_str().is_some_and(|p| p.ends_with(path)))
            .map(|f| f["rule"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(rules_in("sub/Dockerfile").contains(&"run-as-root".to_owned()));
    assert!(rules_in("/Dockerfile").contains(&"secret-in-env".to_owned()));
    assert!(rules_in("compose.yaml").contains(&"run-as-root".to_owned()));
    assert!(output.status.code() == Some(1), "{output:?}");
}

/// A config that is a link to `/dev/zero` is reported as a config that cannot be read.
#[test]
fn a_config_that_never_ends_is_an_error_not_a_hang() {
    let dir = common::write_tree(
        "hostile-endless-config",
        &[("Dockerfile", "FROM alpine:3.22\n")],
    );
    std::os::unix::fs::symlink("/dev/zero", dir.join(".dockwarden.yaml")).expect("symlink");
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(&dir)
        .args(["check", "Dockerfile"])
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".dockwarden.yaml:1:1: cannot read the file: not a regular file"),
        "{stderr}"
    );
}

/// Ignore rules come from the project only: the user's global excludes file (`core.excludesFile`, outside the
/// project) is never read, and a `.gitignore` in a folder above the repository's top does not apply.
#[test]
fn ignore_rules_come_from_the_project_only() {
    let home = common::write_tree(
        "hostile-global-excludes",
        &[
            (".gitconfig", "[core]\n\texcludesFile = ~/excludes\n"),
            ("excludes", "Dockerfile\n"),
            (".gitignore", "Dockerfile\n"),
            ("repo/.git/HEAD", "ref: refs/heads/main\n"),
            ("repo/.gitignore", "ignored/\n"),
            ("repo/Dockerfile", "FROM alpine:3.22\n"),
            ("repo/ignored/Dockerfile", "FROM alpine:3.22\n"),
        ],
    );
    let output = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(home.join("repo"))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .args(["check", "."])
        .output()
        .expect("binary runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("./Dockerfile:1:6: warning[run-as-root]"),
        "{text}"
    );
    assert!(!text.contains("ignored/Dockerfile"), "{text}");
}

fn dockwarden(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: a\n    image: nginx:1.29\n";

/// A policy that allows traffic to some pods of the namespace: with one, the default-deny policy is the
/// preferred fix, which `--unsafe-fixes` applies (the NetworkPolicy file is written).
fn allow_policy(namespace: &str) -> String {
    format!(
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-web\n  namespace: {namespace}\nspec:\n  podSelector:\n    matchLabels: {{app: web}}\n  policyTypes: [Ingress]\n  ingress: [{{}}]\n"
    )
}

/// A link named like a file a fix writes, pointing out of the project, is never written through: the fix
/// is refused with an error naming the place, and the outside file keeps its text.
#[test]
fn a_fix_never_writes_through_a_link_out_of_the_project() {
    let outside = common::write_tree("hostile-outside", &[("bashrc", "# mine\n")]);
    let pod = format!("{POD}{}", allow_policy("default"));
    let dir = common::write_tree("hostile-link-out", &[("pod.yaml", &pod)]);
    std::os::unix::fs::symlink(
        outside.join("bashrc"),
        dir.join("networkpolicy-default-deny.yaml"),
    )
    .expect("symlink");
    let output = dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", "pod.yaml"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("outside the project"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(outside.join("bashrc")).expect("read"),
        "# mine\n"
    );
    // A link to nowhere is not created through either.
    std::fs::remove_file(dir.join("networkpolicy-default-deny.yaml")).expect("remove");
    std::os::unix::fs::symlink(
        outside.join("new-file"),
        dir.join("networkpolicy-default-deny.yaml"),
    )
    .expect("symlink");
    let output = dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!outside.join("new-file").exists());
    // Nor does a diff name such a file.
    let output = dockwarden(&dir, &["check", "--diff", "--unsafe-fixes", "pod.yaml"]);
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(!diff.contains("networkpolicy-default-deny"), "{diff}");
}

/// A link inside the project to a file inside it is edited at its target, and stays a link.
#[test]
fn a_link_inside_the_project_is_edited_at_its_target() {
    let dir = common::write_tree(
        "hostile-link-in",
        &[
            ("pod.yaml", &format!("{POD}{}", allow_policy("default"))),
            ("policies/all.yaml", "# policies\n"),
        ],
    );
    std::os::unix::fs::symlink(
        "policies/all.yaml",
        dir.join("networkpolicy-default-deny.yaml"),
    )
    .expect("symlink");
    let output = dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", "pod.yaml"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "only information remains: {output:?}"
    );
    let link = dir.join("networkpolicy-default-deny.yaml");
    assert!(
        link.symlink_metadata()
            .expect("link")
            .file_type()
            .is_symlink()
    );
    let policies = std::fs::read_to_string(dir.join("policies/all.yaml")).expect("read");
    assert!(
        policies
            .starts_with("# policies\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy"),
        "{policies}"
    );
}

/// Text from the input is written as an escaped scalar: a namespace with a line break cannot inject keys
/// or documents into the policy the fix writes.
#[test]
fn a_namespace_with_a_line_break_cannot_inject_yaml() {
    let namespace = "\"shop\\nkind: Secret\\n---\\nx: 1\"";
    let pod = POD.replace(
        "  name: a\n",
        &format!("  name: a\n  namespace: {namespace}\n"),
    ) + &allow_policy(namespace);
    let dir = common::write_tree("hostile-namespace", &[("pod.yaml", &pod)]);
    let output = dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", "pod.yaml"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "only information remains: {output:?}"
    );
    let written =
        std::fs::read_to_string(dir.join("networkpolicy-default-deny.yaml")).expect("read");
    let documents: Vec<serde_json::Value> = written
        .split("\n---\n")
        .map(|d| d.trim_start_matches("---\n"))
        .map(|d| serde_yaml_ng::from_str(d).expect("YAML"))
        .collect();
    assert_eq!(documents.len(), 1, "{written}");
    assert_eq!(documents[0]["kind"], "NetworkPolicy");
    assert_eq!(
        documents[0]["metadata"]["namespace"],
        "shop\nkind: Secret\n---\nx: 1"
    );
}

/// What a Compose file points at — build contexts, Dockerfiles, env files, ignore files — is read only
/// inside the project: not through `..`, an absolute path or a link out of it.
#[test]
fn compose_references_out_of_the_project_are_not_read() {
    let outside = common::write_tree(
        "hostile-read-outside",
        &[
            ("ctx/Dockerfile", "FROM alpine:3.22\n"),
            ("secrets.env", "DB_PASSWORD=hunter2x\n"),
        ],
    );
    let o = outside.display();
    let dir = common::write_tree(
        "hostile-read-inside",
        &[(
            "project/compose.yaml",
            &format!(
                "services:\n  up:\n    build: ../../{name}/ctx\n    user: \"1000\"\n  abs:\n    build: {o}/ctx\n    env_file: {o}/secrets.env\n    user: \"1000\"\n  dots:\n    env_file: ../../{name}/secrets.env\n    image: alpine:3.22\n    user: \"1000\"\n  linked:\n    build: ./link\n    env_file: link.env\n    user: \"1000\"\n  inside:\n    build: ./ctx\n    env_file: inside.env\n",
                name = outside.file_name().expect("name").to_string_lossy()
            ),
        )],
    );
    let project = dir.join("project");
    // The same files inside the project are read (the control).
    common::put(&project, "ctx/Dockerfile", "FROM alpine:3.22\n");
    common::put(&project, "inside.env", "DB_PASSWORD=hunter2x\n");
    std::os::unix::fs::symlink(outside.join("ctx"), project.join("link")).expect("symlink");
    std::os::unix::fs::symlink(outside.join("secrets.env"), project.join("link.env"))
        .expect("symlink");
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&project)
        .status()
        .expect("git runs");
    let output = dockwarden(&project, &["check", "--format", "json", "compose.yaml"]);
    let text = String::from_utf8_lossy(&output.stdout);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
    let lines = |rule: &str| -> Vec<u64> {
        findings
            .iter()
            .filter(|f| f["rule"] == rule)
            .filter_map(|f| f["start"]["line"].as_u64())
            .collect()
    };
    // Only the `inside` service (line 18, its `env_file:` on 19) gets what its files say.
    assert_eq!(lines("secret-in-env"), [19], "{text}");
    assert_eq!(lines("run-as-root"), [18], "{text}");
}

/// A folder and a namespace chosen to forge workflow commands (`::stop-commands::`, a second annotation, a
/// `%` that would decode) and to repaint a terminal.
fn forged_tree(name: &str) -> std::path::PathBuf {
    let pod = POD.replace(
        "  name: a\n",
        "  name: a\n  namespace: \"x\\r\\n::error file=ok::FAKE: all checks passed %0A\\e[2J\\e]8;;http://x\\e\\\\\"\n",
    );
    let dir = common::write_tree(name, &[]);
    common::put(&dir, "a\nb::stop-commands::tok,c:d%25/pod.yaml", &pod);
    common::put(
        &dir,
        "bin/Dockerfile",
        b"FROM alpine:3.22\n\0\x1b[2J\x07RUN x\n".as_slice(),
    );
    dir
}

#[test]
fn github_annotations_escape_every_field_taken_from_the_input() {
    let dir = forged_tree("hostile-github");
    let output = dockwarden(&dir, &["check", "--format", "github", "."]);
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let json = dockwarden(&dir, &["check", "--format", "json", "."]);
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).expect("JSON");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), findings.len(), "one line per finding:\n{text}");
    for line in &lines {
        let rest = ["::error file=", "::warning file=", "::notice file="]
            .iter()
            .find_map(|p| line.strip_prefix(p))
            .unwrap_or_else(|| panic!("not an annotation: {line:?}"));
        let (properties, message) = rest.split_once("::").expect("properties::message");
        // Properties: `file` then the numbers and the title, none with a raw `:` or `,` inside.
        let fields: Vec<&str> = properties.split(',').collect();
        assert_eq!(fields.len(), 6, "{line:?}");
        assert!(!properties.contains(':'), "{line:?}");
        assert!(
            !message.contains('\u{1b}') && !message.contains('\r'),
            "{line:?}"
        );
    }
    assert!(
        text.contains("file=a%0Ab%3A%3Astop-commands%3A%3Atok%2Cc%3Ad%2525/pod.yaml,"),
        "{text}"
    );
    assert!(
        text.contains("x%0D%0A::error file=ok::FAKE: all checks passed %250A\\u{1b}[2J"),
        "{text}"
    );
}

#[test]
fn text_output_shows_control_characters_as_escapes() {
    let dir = forged_tree("hostile-text");
    let output = dockwarden(&dir, &["check", "."]);
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(
        text.contains("a\\u{a}b::stop-commands::tok,c:d%25/pod.yaml:"),
        "{text}"
    );
    assert!(
        text.contains("x\\u{d}\\u{a}::error file=ok::FAKE"),
        "{text}"
    );
    let explain = dockwarden(&dir, &["explain", "\u{1b}[2Jrun-as-root"]);
    let stderr = String::from_utf8_lossy(&explain.stderr);
    assert!(
        stderr.contains("unknown rule `\\u{1b}[2Jrun-as-root`"),
        "{stderr}"
    );
}

/// SARIF locations: relative to `%SRCROOT%` (declared in `originalUriBaseIds` as a `file:` URI ending in
/// `/`) and percent-encoded, whatever form the paths were given in (SARIF1004: never a reference that
/// begins with `/`).
#[test]
fn sarif_locations_are_relative_to_the_project_root_or_absolute_file_uris() {
    let dir = forged_tree("hostile-sarif");
    let absolute = dir.join("bin/Dockerfile");
    let output = dockwarden(
        &dir,
        &[
            "check",
            "--format",
            "sarif",
            absolute.to_str().expect("path"),
            ".",
        ],
    );
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let run = &log["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("a base");
    assert_eq!(base, format!("file://{}/", dir.display()));
    let results = run["results"].as_array().expect("results");
    assert!(results.len() > 5);
    for result in results {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = location["uri"].as_str().expect("uri");
        assert_eq!(location["uriBaseId"], "%SRCROOT%", "{location}");
        assert!(
            !uri.starts_with('/') && !uri.contains("..") && !uri.starts_with("./"),
            "{uri}"
        );
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{uri}"
        );
    }
    assert!(results.iter().any(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == "a%0Ab%3A%3Astop-commands%3A%3Atok%2Cc%3Ad%2525/pod.yaml"
    ));
}

/// A NUL byte in a comment or an unrelated scalar leaves every finding of the file in place (YAML reports
/// the NUL itself as a syntax error); before, one NUL made a privileged pod silent.
mod nul_bytes {
    use dockwarden::{FileKind, lint};
    use proptest::prelude::*;

    const MANIFEST: &str = "# a comment here\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-app\n  annotations: {note: \"some text\", other: plain words}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.30\n    securityContext:\n      privileged: true\n";
    const COMPOSE: &str = "# a comment here\nservices:\n  web:\n    image: nginx:1.30\n    command: plain words\n    labels: {note: \"some text\"}\n    privileged: true\n";
    const DOCKERFILE: &str =
        "# a comment here\nFROM alpine:3.22\nRUN echo some words\nENV DB_PASSWORD=hunter2x\n";

    /// The byte ranges where a NUL changes nothing a rule reads: comment text and unrelated values.
    fn neutral(text: &str, parts: &[&str]) -> Vec<usize> {
        parts
            .iter()
            .flat_map(|part| {
                let start = text.find(part).expect("part");
                start..=start + part.len()
            })
            .collect()
    }

    fn fires(text: &str, kind: FileKind, rule: &str) -> bool {
        lint(text, kind).iter().any(|d| d.rule.name() == rule)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn a_nul_in_yaml_hides_nothing(pick in any::<prop::sample::Index>(), count in 1..4usize) {
            for (text, kind) in [(MANIFEST, FileKind::Kubernetes), (COMPOSE, FileKind::Compose)] {
                let places = neutral(text, &["a comment here", "some text", "plain words"]);
                let at = places[pick.index(places.len())];
                let hostile = format!("{}{}{}", &text[..at], "\0".repeat(count), &text[at..]);
                prop_assert!(fires(&hostile, kind, "privileged-container"), "{hostile:?}");
                prop_assert!(fires(&hostile, kind, "syntax-error"), "{hostile:?}");
            }
        }

        #[test]
        fn a_nul_in_a_dockerfile_hides_nothing(pick in any::<prop::sample::Index>(), count in 1..4usize) {
            let places = neutral(DOCKERFILE, &["a comment here", "some words"]);
            let at = places[pick.index(places.len())];
            let hostile = format!("{}{}{}", &DOCKERFILE[..at], "\0".repeat(count), &DOCKERFILE[at..]);
            prop_assert!(fires(&hostile, FileKind::Dockerfile, "run-as-root"), "{hostile:?}");
            prop_assert!(fires(&hostile, FileKind::Dockerfile, "secret-in-env"), "{hostile:?}");
        }
    }
}

/// The reproducers of fixes that did not converge (`tests/fixtures/idempotence/`): `--fix --unsafe-fixes`
/// twice through the binary; the second run changes nothing, no syntax error is added, and a fix that
/// cannot remove its finding is reported, not applied.
#[test]
fn fixes_converge_on_the_idempotence_reproducers() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/idempotence");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    assert_eq!(names.len(), 11, "{names:?}");
    let dir = common::write_tree("hostile-idempotence", &[]);
    let findings = |name: &str| {
        let output = dockwarden(&dir, &["check", "--format", "json", name]);
        let found: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("JSON");
        found
    };
    let syntax_errors = |name: &str| {
        findings(name)
            .iter()
            .filter(|f| f["rule"] == "syntax-error")
            .count()
    };
    let mut refused = 0;
    for name in &names {
        std::fs::copy(fixtures.join(name), dir.join(name)).expect("copy");
        let before = syntax_errors(name);
        let fixable = findings(name).len();
        let first = dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", name]);
        refused += String::from_utf8_lossy(&first.stderr)
            .matches("fix not applied")
            .count();
        let once = std::fs::read(dir.join(name)).expect("read");
        dockwarden(&dir, &["check", "--fix", "--unsafe-fixes", name]);
        let twice = std::fs::read(dir.join(name)).expect("read");
        assert!(once == twice, "{name}: the second run changed the file");
        assert!(
            syntax_errors(name) <= before,
            "{name}: a fix added a syntax error"
        );
        let lines = |bytes: &[u8]| bytes.iter().filter(|b| **b == b'\n').count();
        let original = std::fs::read(fixtures.join(name)).expect("read");
        // A fix adds a line or two; many more than the findings is a fix applied over and over.
        assert!(
            lines(&once) <= lines(&original) + 2 * fixable,
            "{name}: {} lines became {} (a fix applied over and over)",
            lines(&original),
            lines(&once)
        );
    }
    assert!(
        refused >= 5,
        "the fixes that cannot work are reported ({refused})"
    );
}

/// Deep nesting is linted without recursion limits or blow-ups: 2,000 nested command substitutions
/// (once cubic in the shell model's variable lookup) and the rest of the file still reported.
#[test]
fn deeply_nested_command_substitutions_are_linted() {
    let text = format!(
        "FROM alpine:3.22\nRUN echo {}$X{}\nENV DB_PASSWORD=hunter2x\n",
        "$(".repeat(2000),
        ")".repeat(2000)
    );
    let found = lint(&text, FileKind::Dockerfile);
    assert!(found.iter().any(|d| d.rule.name() == "secret-in-env"));
    assert!(found.iter().any(|d| d.rule.name() == "run-as-root"));
}

/// A pull request's own configuration cannot switch the checks off in CI: `--no-repo-config` ignores the
/// repository's `.dockwarden.yaml`, and `--config FILE` replaces it — with `allow-suppressions: false` there,
/// the repository's inline ignores become findings too.
#[test]
fn a_repository_cannot_configure_its_own_review_away() {
    let pod = "# dockwarden-ignore-file: privileged-container\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    image: nginx:1.30\n    securityContext: {privileged: true}\n";
    let repo_config =
        "rules:\n  privileged-container: off\n  run-as-root: off\nignore-paths: [\"*.yaml\"]\n";
    let dir = common::write_tree(
        "hostile-own-config",
        &[
            ("pod.yaml", pod),
            (".dockwarden.yaml", repo_config),
            ("Dockerfile", "FROM alpine:3.22\n"),
        ],
    );
    let policy = common::write_tree(
        "hostile-policy",
        &[("policy.yaml", "allow-suppressions: false\n")],
    );
    let rules = |args: &[&str]| -> Vec<(String, String)> {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["pod.yaml", "Dockerfile"]);
        let output = dockwarden(&dir, &all);
        let found: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
        found
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or("").to_owned(),
                    f["rule"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let has = |found: &[(String, String)], path: &str, rule: &str| {
        found.iter().any(|(p, r)| p == path && r == rule)
    };
    // The repository's config as written: the manifest is ignored and root goes unreported.
    let own = rules(&[]);
    assert!(!has(&own, "Dockerfile", "run-as-root"), "{own:?}");
    assert!(!own.iter().any(|(p, _)| p == "pod.yaml"), "{own:?}");
    // Without it: every rule runs; the inline ignore still holds (suppressions are allowed by default).
    let defaults = rules(&["--no-repo-config"]);
    assert!(has(&defaults, "Dockerfile", "run-as-root"), "{defaults:?}");
    assert!(
        has(&defaults, "pod.yaml", "privilege-escalation"),
        "{defaults:?}"
    );
    assert!(
        !has(&defaults, "pod.yaml", "privileged-container"),
        "{defaults:?}"
    );
    // With a policy that allows no suppressions: the ignore comment is a finding, and so is what it hid.
    let policy_file = policy.join("policy.yaml");
    let policed = rules(&["--config", policy_file.to_str().expect("path")]);
    assert!(
        has(&policed, "pod.yaml", "privileged-container"),
        "{policed:?}"
    );
    assert!(
        has(&policed, "pod.yaml", "disallowed-suppression"),
        "{policed:?}"
    );
    assert!(has(&policed, "Dockerfile", "run-as-root"), "{policed:?}");
}

/// Large files are read on all cores (their `RUN` scripts, their rules, their documents): each rule has as
/// many findings as one and two copies of the input's block predict (once per file plus once per copy).
#[test]
fn files_read_side_by_side_keep_every_finding_of_every_part() {
    type Counts = std::collections::BTreeMap<&'static str, usize>;
    fn counts(found: &[dockwarden::Diagnostic]) -> Counts {
        let mut counts = Counts::new();
        for d in found {
            *counts.entry(d.rule.name()).or_default() += 1;
        }
        counts
    }
    fn check(kind: FileKind, make: impl Fn(usize) -> String, copies: usize) {
        let one = counts(&lint(&make(1), kind));
        let two = counts(&lint(&make(2), kind));
        let text = make(copies);
        assert!(
            text.len() > 512 * 1024,
            "large enough to be read side by side"
        );
        let many = counts(&lint(&text, kind));
        let per_copy = |rule: &str| two.get(rule).unwrap_or(&0) - one.get(rule).unwrap_or(&0);
        assert!(
            one.keys().filter(|r| per_copy(r) == 1).count() >= 3,
            "{one:?}"
        );
        assert_eq!(
            many.keys().collect::<Vec<_>>(),
            two.keys().collect::<Vec<_>>()
        );
        for (rule, n) in &many {
            let once = one[rule] - per_copy(rule);
            assert_eq!(*n, once + per_copy(rule) * copies, "{kind:?} {rule}");
        }
    }
    let block = "RUN curl -fsSL https://example.com/x.sh | sh && apt-get upgrade -y\n\
                 RUN sudo apt-get install -y curl\nEXPOSE 22\n";
    check(
        FileKind::Dockerfile,
        |n| format!("FROM debian:12\n{}", block.repeat(n)),
        6_000,
    );
    let pod = |i: usize| {
        format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  namespace: apps\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n"
        )
    };
    check(FileKind::Kubernetes, |n| (0..n).map(pod).collect(), 6_000);
}

/// A Compose file with one Go-template marker in a comment is still read in time linear in its size:
/// whether it is a Helm template is asked line by line, and each line's question once scanned every scalar
/// of the file (20,000 services: about 10¹¹ steps, minutes; now about a second).
#[test]
fn a_large_compose_file_with_a_template_marker_is_linted() {
    let mut text = String::from("# rendered from {{ .Values.name }} once\nservices:\n");
    for i in 0..20_000 {
        text.push_str(&format!(
            "  web{i}:\n    image: nginx:1.30\n    user: \"10001:10001\"\n    read_only: true\n    cap_drop: [ALL]\n    environment:\n      INDEX: \"{i}\"\n"
        ));
    }
    text.push_str("  db:\n    image: postgres:17\n    privileged: true\n");
    let found = lint(&text, FileKind::Compose);
    assert!(
        found
            .iter()
            .any(|d| d.rule.name() == "privileged-container")
    );
}
