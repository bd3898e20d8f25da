//! The language server through the built binary over stdio, as an editor drives it.

mod common;

use common::lsp::{Client, apply_edits, has_code};
use serde_json::{Value, json};

/// The README example, also the issue's acceptance file.
const EXAMPLE: &str = include_str!("../examples/Dockerfile");

fn codes(diagnostics: &[Value]) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                d["range"]["start"]["line"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    out.sort();
    out
}

fn expected_example() -> Vec<(String, u64)> {
    let mut v = vec![
        ("bloated-base-image".to_owned(), 0),
        ("run-as-root".to_owned(), 0),
        ("secret-in-env".to_owned(), 2),
    ];
    v.sort();
    v
}

/// Apply every quick fix of every finding, one at a time, each on the text the previous one left, and check
/// that the finding it fixes disappears. `pull` selects how diagnostics are read.
fn fix_each_finding(client: &mut Client, uri: &str, utf16: bool, pull: bool, initial: Vec<Value>) {
    let mut text = EXAMPLE.to_owned();
    let mut version = 1;
    let mut diagnostics = initial;
    for rule in ["secret-in-env", "bloated-base-image", "run-as-root"] {
        let diagnostic = diagnostics
            .iter()
            .find(|d| d["code"] == json!(rule))
            .cloned()
            .unwrap_or_else(|| panic!("{rule} not reported on:\n{text}"));
        assert_eq!(diagnostic["source"], "dockwarden");
        let actions = client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}
            }),
        );
        let actions = actions.as_array().cloned().unwrap_or_default();
        let action = actions
            .iter()
            .find(|a| a["isPreferred"] == json!(true))
            .unwrap_or_else(|| panic!("no preferred fix for {rule}"));
        assert_eq!(action["kind"], "quickfix");
        let change = &action["edit"]["documentChanges"][0];
        assert_eq!(change["textDocument"]["version"], json!(version));
        let edits = change["edits"].as_array().cloned().unwrap_or_default();
        // Send the edits as incremental changes, last first so earlier ranges stay valid.
        let mut sorted = edits.clone();
        sorted.sort_by_key(|e| {
            std::cmp::Reverse((
                e["range"]["start"]["line"].as_u64(),
                e["range"]["start"]["character"].as_u64(),
            ))
        });
        let changes: Vec<Value> = sorted
            .iter()
            .map(|e| json!({"range": e["range"], "text": e["newText"]}))
            .collect();
        text = apply_edits(&text, &edits, utf16);
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        diagnostics = if pull {
            pulled(client, uri)
        } else {
            client.published(uri, version)
        };
        assert!(
            diagnostics.iter().all(|d| d["code"] != json!(rule)),
            "{rule} still reported after its fix:\n{text}"
        );
    }
    assert!(
        text.contains("APP_ENV=prod") && text.contains("USER 10001:10001"),
        "{text}"
    );
    assert!(diagnostics.is_empty(), "left: {diagnostics:?}");
}

fn pulled(client: &mut Client, uri: &str) -> Vec<Value> {
    let report = client.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(report["kind"], "full");
    report["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn utf16_client_with_pushed_diagnostics() {
    let mut client = Client::start();
    let init = client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        init["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert!(
        init["capabilities"]
            .get("diagnosticProvider")
            .is_none_or(Value::is_null),
        "push clients are not offered pull"
    );
    let uri = "file:///work/app/Dockerfile";
    client.open(uri, EXAMPLE);
    let diagnostics = client.published(uri, 1);
    assert_eq!(codes(&diagnostics), expected_example());
    let secret = diagnostics
        .iter()
        .find(|d| d["code"] == "secret-in-env")
        .cloned()
        .unwrap_or_default();
    assert_eq!(secret["range"]["start"], json!({"line": 2, "character": 4}));
    assert_eq!(secret["severity"], 1);
    assert!(
        secret["relatedInformation"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("docker run -e DB_PASSWORD"))
    );
    fix_each_finding(&mut client, uri, true, false, diagnostics);
    client.shutdown();
}

#[test]
fn utf8_client_with_pulled_diagnostics() {
    let mut client = Client::start();
    let init = client.initialize(json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}}
    }));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert!(init["capabilities"]["diagnosticProvider"].is_object());
    let uri = "file:///work/app/Dockerfile";
    client.open(uri, EXAMPLE);
    let diagnostics = pulled(&mut client, uri);
    assert_eq!(codes(&diagnostics), expected_example());
    fix_each_finding(&mut client, uri, false, true, diagnostics);

    // Multi-byte characters: UTF-8 columns count bytes.
    let other = "file:///work/app/%C3%A9.Dockerfile";
    client.open(
        other,
        "FROM debian:trixie-slim\nENV É=1 TOKEN=s3cr3t-value\nUSER 1:1\n",
    );
    let items = pulled(&mut client, other);
    assert_eq!(
        items[0]["range"]["start"],
        json!({"line": 1, "character": 9})
    );
    let leftovers = client.drain();
    assert!(
        leftovers
            .iter()
            .all(|m| m["method"] != "textDocument/publishDiagnostics"),
        "a pull client must not get pushes"
    );
    client.shutdown();
}

#[test]
fn hover_fix_all_and_other_documents() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/app/Dockerfile";
    client.open(
        uri,
        "FROM debian:trixie-slim\nADD app.py /app/\nADD conf/ /etc/app/\nUSER 10001:10001\n",
    );
    let diagnostics = client.published(uri, 1);
    assert_eq!(diagnostics.len(), 2);
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 1}}),
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(hover["contents"]["value"].as_str().is_some_and(|v| v.contains("# add-instead-of-copy") && v.contains("## Why it matters")));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]}
        }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "source.fixAll.dockwarden");
    let edits = action["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let fixed = apply_edits(
        "FROM debian:trixie-slim\nADD app.py /app/\nADD conf/ /etc/app/\nUSER 10001:10001\n",
        &edits,
        true,
    );
    assert_eq!(
        fixed,
        "FROM debian:trixie-slim\nCOPY app.py /app/\nCOPY conf/ /etc/app/\nUSER 10001:10001\n"
    );

    // YAML that is neither Compose nor Kubernetes (a Helm values file): never a finding.
    let values = "file:///work/app/values.yaml";
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": values, "languageId": "yaml", "version": 1, "text": "replicaCount: 1\nimage:\n  tag: latest\nsecurityContext:\n  privileged: true\n"}}));
    assert!(
        client.published(values, 1).is_empty(),
        "values.yaml is not a manifest"
    );
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": values}, "position": {"line": 0, "character": 0}}),
    );
    assert!(hover.is_null());
    client.shutdown();
}

/// A deterministic generator (xorshift), so a failure replays.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The number of UTF-16 units (or bytes) before `offset` on its line, and the line number, from the client's
/// own view of the text (LF, CR, CRLF breaks only).
fn position_of(text: &str, offset: usize, utf16: bool) -> (usize, usize) {
    let mut line = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') && i + 1 < offset => {
                line += 1;
                i += 2;
                line_start = i;
                continue;
            }
            b'\n' | b'\r' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let before = &text[line_start..offset];
    (
        line,
        if utf16 {
            before.encode_utf16().count()
        } else {
            before.len()
        },
    )
}

/// Pipelined random edits (ranges, surrogate pairs, CRLF, lone CR, line separators other editors do not
/// break at), half of them undone right after by their exact inverse, then one comparison with a fresh open of the final text: the document the server holds must
/// be the one the client holds, findings included. `DOCKWARDEN_TORTURE_SCALE` multiplies the edit counts
/// (larger local runs).
fn torture(uri: &str, language: &str, start: &str, edits: usize, pieces: &[&str]) {
    let scale: usize = std::env::var("DOCKWARDEN_TORTURE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut client = Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let mut text = start.to_owned();
    client.open_as(uri, language, &text);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut version = 1;
    for _ in 0..edits * scale {
        // Keep the text near its starting size, so the run stays about edits, not about a growing file.
        let shrink = text.len() > 2 * start.len();
        let char_starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        // Never split a CRLF pair: the client would count positions differently from any editor.
        let boundaries: Vec<usize> = char_starts
            .into_iter()
            .filter(|&i| {
                !(i > 0
                    && text.as_bytes()[i - 1] == b'\r'
                    && text.as_bytes().get(i) == Some(&b'\n'))
            })
            .collect();
        let a = boundaries[rng.below(boundaries.len())];
        let reach = if shrink { 64 } else { 8 };
        let later: Vec<usize> = boundaries
            .iter()
            .copied()
            .filter(|&b| b >= a && b <= a + reach)
            .collect();
        let b = later[rng.below(later.len())];
        let insert = pieces[rng.below(pieces.len())];
        let insert = if shrink || rng.below(3) == 0 {
            ""
        } else {
            insert
        };
        let (l1, c1) = position_of(&text, a, true);
        let (l2, c2) = position_of(&text, b, true);
        version += 1;
        client.notify("textDocument/didChange", json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": insert}]
        }));
        let removed = text[a..b].to_owned();
        text.replace_range(a..b, insert);
        // Often its exact inverse right after (undo), which must restore the state exactly.
        if rng.below(2) == 0 {
            let (l1, c1) = position_of(&text, a, true);
            let (l2, c2) = position_of(&text, a + insert.len(), true);
            version += 1;
            client.notify("textDocument/didChange", json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": removed}]
            }));
            text.replace_range(a..a + insert.len(), &removed);
        }
    }
    // The server works through every change in order; on a busy machine that backlog takes a while.
    client.timeout = std::time::Duration::from_secs(180);
    let incremental = client.published(uri, version);
    let fresh_uri = uri.replace("/work/", "/work/fresh/");
    client.open_as(&fresh_uri, language, &text);
    let fresh = client.published(&fresh_uri, 1);
    let strip = |ds: &[Value]| {
        ds.iter()
            .map(|d| (d["code"].clone(), d["range"].clone(), d["message"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&incremental), strip(&fresh), "final text:\n{text:?}");
    client.shutdown();
}

#[test]
fn a_hundred_thousand_pipelined_edits_to_a_dockerfile_end_where_a_fresh_open_does() {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        " ",
        "\n",
        "\r\n",
        "\r",
        "😀",
        "𝄞",
        "é",
        "\u{0B}",
        "\u{0C}",
        "\u{2028}",
        "\u{85}",
        "\\\n",
        "RUN sudo x\n",
        "ENV TOKEN=abc123def\n",
        "USER root\n",
        "FROM ubuntu\n",
        "\"",
        "$",
        "<<EOF\n",
        "EOF\n",
    ];
    torture(
        "file:///work/app/Dockerfile",
        "dockerfile",
        EXAMPLE,
        100_000,
        PIECES,
    );
}

#[test]
fn twenty_thousand_pipelined_edits_to_a_kubernetes_stream_end_where_a_fresh_open_does() {
    const PIECES: &[&str] = &[
        "a",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\r",
        "😀",
        "𝄞",
        "---\n",
        "- ",
        ": ",
        "#",
        "\"",
        "'",
        "{",
        "}",
        "[",
        "]",
        "privileged: true\n",
        "      - name: x\n",
        "\t",
        "|\n",
        "&a ",
        "*a",
    ];
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.30\n        securityContext:\n          privileged: true\n";
    let stream = [deployment; 6].join("---\n");
    torture(
        "file:///work/k8s/stream.yaml",
        "yaml",
        &stream,
        20_000,
        PIECES,
    );
}

/// Only the documents edited last keep their trees; one the others pushed out parses its next edit whole,
/// and reads exactly as a fresh open of its text does — a Dockerfile and a Kubernetes stream, each edited
/// while hot, then after nine other documents were edited, then again.
#[test]
fn a_document_not_edited_lately_drops_its_trees_and_reads_the_same() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.30\n        securityContext:\n          privileged: true\n";
    let stream = [deployment; 3].join("---\n");
    let mut client = Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    let mut watched = vec![
        (
            "file:///work/app/Dockerfile",
            "dockerfile",
            EXAMPLE.to_owned(),
            1,
        ),
        ("file:///work/k8s/stream.yaml", "yaml", stream, 1),
    ];
    for (uri, language, text, _) in &watched {
        client.open_as(uri, language, text);
        client.published(uri, 1);
    }
    let others: Vec<String> = (0..9)
        .map(|i| format!("file:///work/other{i}/Dockerfile"))
        .collect();
    for uri in &others {
        client.open_as(uri, "dockerfile", "FROM alpine:3.20\n");
        client.published(uri, 1);
    }
    // Type a line at the top of each watched document: hot, cooled by the others' edits, hot again.
    let edit = |client: &mut Client,
                (uri, _, text, version): &mut (&str, &str, String, i64),
                line: &str| {
        *version += 1;
        client.notify("textDocument/didChange", json!({
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": line}]
        }));
        let at = text.find('\n').map_or(text.len(), |i| i + 1);
        text.insert_str(at, line);
        client.published(uri, *version)
    };
    for round in 0..3 {
        for watched in &mut watched {
            edit(&mut client, watched, "# a comment\n");
        }
        if round < 2 {
            for (k, uri) in others.iter().enumerate() {
                client.notify(
                    "textDocument/didChange",
                    json!({
                        "textDocument": {"uri": uri, "version": round + 2},
                        "contentChanges": [{"text": format!("FROM alpine:3.{k}\n")}]
                    }),
                );
                client.published(uri, round + 2);
            }
        }
    }
    let strip = |ds: &[Value]| {
        ds.iter()
            .map(|d| (d["code"].clone(), d["range"].clone(), d["message"].clone()))
            .collect::<Vec<_>>()
    };
    for watched in &mut watched {
        let published = edit(&mut client, watched, "USER root\n");
        let (uri, language, text, _) = watched;
        assert!(!published.is_empty(), "{uri}");
        let fresh_uri = uri.replace("/work/", "/work/fresh/");
        client.open_as(&fresh_uri, language, text);
        let fresh = client.published(&fresh_uri, 1);
        assert_eq!(strip(&published), strip(&fresh), "{uri}:\n{text}");
    }
    client.shutdown();
}

/// Ask for the quick fixes of `diagnostic`, apply the one whose title starts with `title` (or the preferred
/// one), send the edits as a change, and return the new text and the diagnostics of the new version.
fn apply_action(
    client: &mut Client,
    uri: &str,
    text: &str,
    version: i64,
    diagnostic: &Value,
    title: Option<&str>,
) -> (String, Vec<Value>) {
    let only = std::slice::from_ref(diagnostic);
    apply_action_at(client, uri, text, version, diagnostic, only, title)
}

/// [`apply_action`] with the context an editor sends: every diagnostic of `all` at `diagnostic`'s range.
fn apply_action_at(
    client: &mut Client,
    uri: &str,
    text: &str,
    version: i64,
    diagnostic: &Value,
    all: &[Value],
    title: Option<&str>,
) -> (String, Vec<Value>) {
    let here: Vec<&Value> = all
        .iter()
        .filter(|d| d["range"] == diagnostic["range"])
        .collect();
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": here, "only": ["quickfix"]}
        }),
    );
    let actions = actions.as_array().cloned().unwrap_or_default();
    let action = actions
        .iter()
        .find(|a| match title {
            Some(t) => a["title"].as_str().is_some_and(|s| s.starts_with(t)),
            None => a["isPreferred"] == json!(true),
        })
        .unwrap_or_else(|| panic!("no action {title:?} among {actions:#?}"))
        .clone();
    let edits = action["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let new_text = apply_edits(text, &edits, true);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": version + 1},
            "contentChanges": [{"text": new_text}]
        }),
    );
    let diagnostics = client.published(uri, version + 1);
    (new_text, diagnostics)
}

const HARDENED_RULES: [&str; 5] = [
    "run-as-root",
    "privilege-escalation",
    "capabilities-not-dropped",
    "writable-root-filesystem",
    "unconfined-profile",
];

#[test]
fn harden_a_deployment_and_a_compose_service() {
    let mut client = Client::start();
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));

    let uri = "file:///work/app/k8s/web.yaml";
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          securityContext: {}\n";
    client.open_as(uri, "yaml", text);
    let diagnostics = client.published(uri, 1);
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .filter(|c| HARDENED_RULES.contains(c))
        .collect();
    codes.sort_unstable();
    let mut expected = HARDENED_RULES.to_vec();
    expected.sort_unstable();
    assert_eq!(codes, expected);
    let first = diagnostics
        .iter()
        .find(|d| HARDENED_RULES.contains(&d["code"].as_str().unwrap_or("")))
        .cloned()
        .unwrap_or_default();
    let (hardened, after) = apply_action(
        &mut client,
        uri,
        text,
        1,
        &first,
        Some("Harden this container (`app`)"),
    );
    assert!(
        after
            .iter()
            .all(|d| !HARDENED_RULES.contains(&d["code"].as_str().unwrap_or(""))),
        "{hardened}\n{after:#?}"
    );
    assert!(
        hardened.contains("runAsNonRoot: true") && hardened.contains("drop: [ALL]"),
        "{hardened}"
    );

    let uri = "file:///work/app/compose.yaml";
    let mut text = "services:\n  db:\n    image: postgres:17\n    privileged: true\n    ports: [\"5432:5432\"]\n".to_owned();
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "dockercompose", "version": 1, "text": text}}));
    let mut diagnostics = client.published(uri, 1);
    for (version, rule) in (1..).zip([
        "privileged-container",
        "capabilities-not-dropped",
        "port-published-on-all-interfaces",
    ]) {
        let diagnostic = diagnostics
            .iter()
            .find(|d| d["code"] == json!(rule))
            .cloned()
            .unwrap_or_else(|| panic!("{rule} missing:\n{text}"));
        // An editor sends every diagnostic under the cursor: findings at one place share their actions
        // ("Harden this service" is kept on the first of them).
        let (new_text, after) = apply_action_at(
            &mut client,
            uri,
            &text,
            version,
            &diagnostic,
            &diagnostics,
            None,
        );
        text = new_text;
        diagnostics = after;
        assert!(
            diagnostics.iter().all(|d| d["code"] != json!(rule)),
            "{rule} still there:\n{text}"
        );
    }
    assert!(
        text.contains("cap_drop: [ALL]")
            && text.contains("127.0.0.1:5432:5432")
            && !text.contains("privileged"),
        "{text}"
    );
    client.shutdown();
}

#[test]
fn missing_network_policy_reads_the_workspace_and_follows_its_changes() {
    let root = common::write_tree("lsp-ws", &[]);
    let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";
    let policy = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n";
    common::put(&root, "app.yaml", app);
    common::put(&root, "policy.yaml", policy);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/app.yaml");

    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}}),
    );
    client.open_as(&uri, "yaml", app);
    let has_rule = |p: &Value| has_code(p, "missing-network-policy");
    // Once the workspace is indexed, the policy in the other file covers namespace `shop`.
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && !has_rule(p)
    });

    // The policy file is deleted: the finding comes back.
    std::fs::remove_file(root.join("policy.yaml")).expect("remove");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("{root_uri}/policy.yaml"), "type": 3}]}),
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && has_rule(p)
    });
    let finding = params["diagnostics"]
        .as_array()
        .and_then(|d| {
            d.iter()
                .find(|d| d["code"] == "missing-network-policy")
                .cloned()
        })
        .unwrap_or_default();
    assert_eq!(
        finding["range"]["start"],
        json!({"line": 1, "character": 0}),
        "on the workload's kind line"
    );
    client.shutdown();
}

#[test]
fn missing_network_policy_is_reported_in_every_open_document_of_the_namespace() {
    let root = common::write_tree("lsp-ns", &[]);
    let pod = |name: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: nginx:1.30\n"
        )
    };
    common::put(&root, "a.yaml", pod("a"));
    common::put(&root, "b.yaml", pod("b"));
    let root_uri = format!("file://{}", root.display());
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    for name in ["a", "b"] {
        let uri = format!("{root_uri}/{name}.yaml");
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": pod(name)}}),
        );
        let diagnostics = client.published(&uri, 1);
        assert_eq!(
            diagnostics
                .iter()
                .filter(|d| d["code"] == "missing-network-policy")
                .count(),
            1,
            "{name}: {diagnostics:?}"
        );
    }
    client.shutdown();
}

#[test]
fn a_compose_file_follows_its_override_on_disk() {
    let base = "services:\n  web:\n    image: nginx:1.30\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n    user: \"10001:10001\"\n    mem_limit: 256m\n    cpus: 0.5\n";
    let root = common::write_tree("lsp-override", &[("compose.yaml", base)]);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/compose.yaml");
    let over_uri = format!("{root_uri}/compose.override.yaml");
    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}}),
    );
    client.open_as(&uri, "dockercompose", base);
    let has_rule = |p: &Value| has_code(p, "writable-root-filesystem");
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && has_rule(p)
    });
    // The override makes the root file system read-only: the base's finding goes.
    let over = "services:\n  web:\n    read_only: true\n    tmpfs: [/tmp]\n";
    common::put(&root, "compose.override.yaml", over);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": over_uri, "type": 1}]}),
    );
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && !has_rule(p)
    });
    // Opened, the override is judged as part of the project: its own privileged value is its finding.
    let privileged = format!("{over}    privileged: true\n");
    client.open_as(&over_uri, "dockercompose", &privileged);
    let diagnostics = client.published(&over_uri, 1);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("privileged-container")], "{diagnostics:?}");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 4, "character": 4})
    );
    client.shutdown();
}

#[test]
fn a_kustomize_patch_follows_its_kustomization() {
    let patch = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n        - name: agent\n          image: agent:2\n";
    let root = common::write_tree(
        "lsp-kustomize",
        &[("kustomization.yaml", "patches:\n  - path: agent.yaml\n")],
    );
    common::put(&root, "agent.yaml", patch);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/agent.yaml");
    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}}),
    );
    client.open_as(&uri, "yaml", patch);
    // A patch: what it sets (the host's process namespace), nothing it leaves out.
    let diagnostics = client.published(&uri, 1);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("host-namespace")], "{diagnostics:?}");
    // No longer listed: an object, judged in full.
    common::put(&root, "kustomization.yaml", "resources:\n  - agent.yaml\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("{root_uri}/kustomization.yaml"), "type": 2}]}),
    );
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && has_code(p, "run-as-root")
    });
    client.shutdown();
}

#[test]
fn a_document_above_max_file_size_is_linted_in_its_first_part_and_said_to_be() {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {},
               "initializationOptions": {"maxFileSize": 40}}),
    );
    client.notify("initialized", json!({}));
    let uri = "file:///tmp/dockwarden-large/Dockerfile";
    client.open(
        uri,
        "FROM python:3.12-slim\nUSER root\n# padding past the limit\nEXPOSE 22\n",
    );
    let diagnostics = client.published(uri, 1);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert!(codes.contains(&&json!("skipped-file")), "{diagnostics:?}");
    assert!(codes.contains(&&json!("run-as-root")), "{diagnostics:?}");
    assert!(
        !codes.contains(&&json!("ssh-port-exposed")),
        "{diagnostics:?}"
    );
    client.shutdown();
}

#[test]
fn a_json_6902_patch_is_judged_on_the_object_it_targets() {
    let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.30\n";
    let operations = "- op: add\n  path: /spec/template/spec/hostNetwork\n  value: true\n";
    let root = common::write_tree(
        "lsp-json6902",
        &[
            ("deployment.yaml", base),
            (
                "kustomization.yaml",
                "resources: [deployment.yaml]\npatches:\n  - path: operations.yaml\n    target: {kind: Deployment, name: web}\n",
            ),
        ],
    );
    common::put(&root, "operations.yaml", operations);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/operations.yaml");
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    client.open_as(&uri, "yaml", operations);
    let diagnostics = client.published(&uri, 1);
    let codes: Vec<&Value> = diagnostics.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("host-namespace")], "{diagnostics:?}");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 2, "character": 9})
    );
    client.shutdown();
}

#[test]
fn an_edit_to_a_service_account_republishes_the_pods_that_use_it() {
    let root = common::write_tree("lsp-account", &[]);
    let app = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  serviceAccountName: web\n  containers:\n    - name: c\n      image: nginx:1.30\n";
    let account = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\nautomountServiceAccountToken: false\n";
    common::put(&root, "app.yaml", app);
    common::put(&root, "account.yaml", account);
    let root_uri = format!("file://{}", root.display());
    let app_uri = format!("{root_uri}/app.yaml");
    let account_uri = format!("{root_uri}/account.yaml");
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    let has_rule = |p: &Value| has_code(p, "service-account-token-mounted");
    client.open_as(&app_uri, "yaml", app);
    // Once the workspace is indexed, the account in the other file keeps the token out.
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(app_uri) && !has_rule(p)
    });
    client.open_as(&account_uri, "yaml", account);
    // The account is edited (not saved): the pod's document is published again, with the finding.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": account_uri, "version": 2},
            "contentChanges": [{"text": account.replace("false", "true")}],
        }),
    );
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(app_uri) && has_rule(p)
    });
    client.shutdown();
}

#[test]
fn a_compose_service_is_judged_by_the_dockerfile_it_builds_inside_the_workspace() {
    let root = common::write_tree(
        "lsp-build",
        &[(
            "app/Dockerfile",
            "FROM python:3.12-slim\nCMD [\"python\"]\n",
        )],
    );
    let compose = "services:\n  app:\n    build: ./app\n  escape:\n    build: ../../../etc\n";
    common::put(&root, "compose.yaml", compose);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/compose.yaml");
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "dockercompose", "version": 1, "text": compose}}));
    let diagnostics = client.published(&uri, 1);
    let root_findings: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "run-as-root")
        .collect();
    assert_eq!(root_findings.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        root_findings[0]["range"]["start"],
        json!({"line": 2, "character": 4})
    );
    client.shutdown();
}

/// The quick fixes offered for `diagnostic`.
fn actions_for(client: &mut Client, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diagnostic["range"],
            "context": {"diagnostics": [diagnostic], "only": ["quickfix"]}
        }),
    );
    actions.as_array().cloned().unwrap_or_default()
}

#[test]
fn the_network_policy_fix_creates_a_file_where_the_client_can_and_appends_elsewhere() {
    let root = common::write_tree("lsp-create", &[]);
    let app = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n";
    common::put(&root, "k8s/app.yaml", app);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/k8s/app.yaml");
    let policy_uri = format!("{root_uri}/k8s/networkpolicy-default-deny.yaml");
    let finding = |diagnostics: &[Value]| {
        diagnostics
            .iter()
            .find(|d| d["code"] == "missing-network-policy")
            .cloned()
    };

    // A client that cannot create files: the policy is appended to the manifest itself.
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    client.open_as(&uri, "yaml", app);
    let diagnostics = client.published(&uri, 1);
    let diagnostic = finding(&diagnostics).expect("missing-network-policy reported");
    let actions = actions_for(&mut client, &uri, &diagnostic);
    let action = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("NetworkPolicy"))
        })
        .unwrap_or_else(|| panic!("no policy action among {actions:#?}"));
    assert!(
        action["title"]
            .as_str()
            .is_some_and(|t| t.contains("to this file")
                && t.ends_with("other traffic then needs allow policies")),
        "{action:#?}"
    );
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .expect("changes");
    assert_eq!(changes.len(), 1, "only this document changes: {changes:#?}");
    let edits = changes[0]["edits"].as_array().cloned().unwrap_or_default();
    let appended = apply_edits(app, &edits, true);
    assert!(
        appended.starts_with(app) && appended.contains("namespace: shop\nspec:\n  podSelector: {}")
    );
    client.shutdown();

    // A client that can: the action creates `networkpolicy-default-deny.yaml` beside the manifest.
    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]},
            "didChangeWatchedFiles": {"dynamicRegistration": false}
        }}),
    );
    client.open_as(&uri, "yaml", app);
    let diagnostics = client.published(&uri, 1);
    let diagnostic = finding(&diagnostics).expect("missing-network-policy reported");
    let actions = actions_for(&mut client, &uri, &diagnostic);
    let action = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("NetworkPolicy"))
        })
        .unwrap_or_else(|| panic!("no policy action among {actions:#?}"));
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .expect("changes");
    assert_eq!(
        changes.len(),
        2,
        "the manifest stays as it is: {changes:#?}"
    );
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(changes[0]["uri"], json!(policy_uri));
    assert_eq!(changes[0]["options"]["overwrite"], false);
    assert_eq!(changes[1]["textDocument"]["uri"], json!(policy_uri));
    let policy = changes[1]["edits"][0]["newText"]
        .as_str()
        .expect("policy text");

    // The client writes the file and says so: the workspace now denies `shop`, and the finding goes.
    common::put(&root, "k8s/networkpolicy-default-deny.yaml", policy);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": policy_uri, "type": 1}]}),
    );
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri)
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| finding(d).is_none())
    });

    // A file that exists gets the policy appended at its end, whatever it holds.
    std::fs::write(
        root.join("k8s/networkpolicy-default-deny.yaml"),
        "# policies",
    )
    .expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": policy_uri, "type": 2}]}),
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri)
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| finding(d).is_some())
    });
    let diagnostics = params["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let diagnostic = finding(&diagnostics).expect("finding back");
    let actions = actions_for(&mut client, &uri, &diagnostic);
    let action = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .is_some_and(|t| t.contains("NetworkPolicy"))
        })
        .expect("policy action");
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .expect("changes");
    assert_eq!(changes.len(), 1, "an edit, no create: {changes:#?}");
    assert_eq!(changes[0]["textDocument"]["uri"], json!(policy_uri));
    assert_eq!(
        changes[0]["edits"][0]["range"]["start"],
        json!({"line": 0, "character": 10})
    );
    assert!(
        changes[0]["edits"][0]["newText"]
            .as_str()
            .is_some_and(|t| t.starts_with("\n---\n")),
        "{changes:#?}"
    );
    client.shutdown();
}

#[test]
fn a_changed_dockerignore_is_read_again() {
    let root = common::write_tree("lsp-ignore", &[]);
    let dockerfile = "FROM alpine:3.22\nCOPY id_rsa /root/.ssh/\nUSER 10001:10001\n";
    common::put(&root, "Dockerfile", dockerfile);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/Dockerfile");
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    client.open(&uri, dockerfile);
    let diagnostics = client.published(&uri, 1);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "secret-file-copied"),
        "{diagnostics:#?}"
    );
    std::fs::write(root.join(".dockerignore"), "id_rsa\n").expect("write");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("{root_uri}/.dockerignore"), "type": 1}]}),
    );
    client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri)
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().all(|d| d["code"] != "secret-file-copied"))
    });
    client.shutdown();
}

#[test]
fn a_secret_moves_from_the_dockerfile_to_the_compose_service_that_builds_it_in_one_edit() {
    let root = common::write_tree("lsp-inject", &[]);
    let dockerfile = "FROM python:3.12-slim\nENV DB_PASSWORD=supersecret123 APP_ENV=prod\nUSER 10001:10001\nCMD [\"python\", \"app.py\"]\n";
    let compose = "services:\n  api:\n    build: .\n    image: example/api:1.4\n    environment:\n      APP_ENV: prod\n";
    common::put(&root, "Dockerfile", dockerfile);
    common::put(&root, "compose.yaml", compose);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/Dockerfile");
    let compose_uri = format!("{root_uri}/compose.yaml");

    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
    );
    client.open(&uri, dockerfile);
    let diagnostics = client.published(&uri, 1);
    let secret = diagnostics
        .iter()
        .find(|d| d["code"] == "secret-in-env")
        .cloned()
        .unwrap_or_else(|| panic!("secret-in-env missing: {diagnostics:#?}"));
    let actions = actions_for(&mut client, &uri, &secret);
    let action = actions
        .iter()
        .find(|a| a["isPreferred"] == json!(true))
        .unwrap_or_else(|| panic!("no preferred action: {actions:#?}"));
    let changes = action["edit"]["documentChanges"]
        .as_array()
        .expect("changes");
    assert_eq!(
        changes.len(),
        2,
        "one workspace edit over both files: {changes:#?}"
    );
    assert_eq!(changes[0]["textDocument"]["uri"], json!(uri));
    assert_eq!(changes[1]["textDocument"]["uri"], json!(compose_uri));
    let fixed_dockerfile = apply_edits(
        dockerfile,
        changes[0]["edits"].as_array().expect("edits"),
        true,
    );
    let fixed_compose = apply_edits(
        compose,
        changes[1]["edits"].as_array().expect("edits"),
        true,
    );
    assert!(
        !fixed_dockerfile.contains("DB_PASSWORD"),
        "{fixed_dockerfile}"
    );
    assert!(
        fixed_compose.contains("      DB_PASSWORD: \"${DB_PASSWORD}\"\n"),
        "{fixed_compose}"
    );

    // The client applies the edit to both files; neither reports a secret any more.
    common::put(&root, "compose.yaml", &fixed_compose);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed_dockerfile}]}),
    );
    let after = client.published(&uri, 2);
    assert!(
        after.iter().all(|d| d["code"] != "secret-in-env"),
        "{after:#?}"
    );
    client.open_as(&compose_uri, "dockercompose", &fixed_compose);
    let compose_findings = client.published(&compose_uri, 1);
    assert!(
        compose_findings
            .iter()
            .all(|d| d["code"] != "secret-in-env" && d["code"] != "hardcoded-credential"),
        "{compose_findings:#?}"
    );
    client.shutdown();
}

#[test]
fn the_config_file_on_disk_drives_open_documents_and_findings_can_be_ignored_in_place() {
    let root = common::write_tree("lsp-config", &[]);
    let dockerfile = "FROM python:3.12\nADD app/ /app/\n";
    common::put(&root, "Dockerfile", dockerfile);
    common::put(
        &root,
        ".dockwarden.yaml",
        "rules:\n  bloated-base-image: off\n",
    );
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/Dockerfile");
    let config_uri = format!("{root_uri}/.dockwarden.yaml");
    let codes = |p: &Value| -> Vec<(String, String)> {
        p["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let severity = match d["severity"].as_i64() {
                    Some(1) => "error",
                    Some(2) => "warning",
                    _ => "info",
                };
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    severity.to_owned(),
                )
            })
            .collect()
    };
    let pair = |code: &str, severity: &str| (code.to_owned(), severity.to_owned());

    let mut client = Client::start();
    client.initialize_in(
        &root_uri,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": false}}}),
    );
    client.open_as(&uri, "dockerfile", dockerfile);
    let diagnostics = client.published(&uri, 1);
    let mut found = codes(&json!({ "diagnostics": diagnostics }));
    found.sort();
    // bloated-base-image is off in the config.
    assert_eq!(
        found,
        [
            pair("add-instead-of-copy", "warning"),
            pair("run-as-root", "warning")
        ]
    );

    // "Ignore add-instead-of-copy here" puts a comment above the ADD, and the finding goes.
    let add = diagnostics
        .iter()
        .find(|d| d["code"] == "add-instead-of-copy")
        .cloned()
        .expect("add-instead-of-copy");
    let actions = actions_for(&mut client, &uri, &add);
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore add-instead-of-copy here")
        .unwrap_or_else(|| panic!("no ignore action among {actions:#?}"));
    let edits = ignore["edit"]["changes"][&uri]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ignored = common::lsp::apply_edits(dockerfile, &edits, true);
    assert_eq!(
        ignored,
        "FROM python:3.12\n# dockwarden-ignore: add-instead-of-copy\nADD app/ /app/\n"
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": ignored}]}),
    );
    let after = codes(&json!({ "diagnostics": client.published(&uri, 2) }));
    assert!(
        !after.iter().any(|(c, _)| c == "add-instead-of-copy"),
        "{after:?}"
    );

    // The config changes on disk: the open document follows it.
    common::put(
        &root,
        ".dockwarden.yaml",
        "rules:\n  bloated-base-image: error\n  run-as-root: off\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && codes(p).contains(&pair("bloated-base-image", "error"))
    });
    assert!(
        !codes(&params).iter().any(|(c, _)| c == "run-as-root"),
        "{params}"
    );

    // A broken config is shown on the config file, at its line and column; the document falls back to
    // the defaults.
    common::put(&root, ".dockwarden.yaml", "rules:\n  run-as-rot: off\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(config_uri)
    });
    let error = &params["diagnostics"][0];
    assert_eq!(
        error["range"]["start"],
        json!({"line": 1, "character": 2}),
        "{params}"
    );
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("unknown rule `run-as-rot`")),
        "{params}"
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(uri) && codes(p).contains(&pair("run-as-root", "warning"))
    });
    assert!(
        codes(&params).contains(&pair("bloated-base-image", "warning")),
        "{params}"
    );
    client.shutdown();
}

#[test]
fn workspace_diagnostics_report_the_files_that_are_not_open_and_wait_for_changes() {
    let root = common::write_tree(
        "lsp-workspace-diagnostics",
        &[
            (
                "Dockerfile",
                "FROM python:3.12-slim\nADD app/ /app/\nUSER 10001\n",
            ),
            (
                "services/api/Dockerfile",
                "FROM node:22-slim\nENV API_TOKEN=ghp_16C7e42F292c6912E7710c838347Ae178B4a\nUSER 10001\n",
            ),
            ("notes.yaml", "title: not a manifest\n"),
            ("vendor/Dockerfile", "FROM python:3.12\n"),
            (".dockwarden.yaml", "ignore-paths: [vendor/]\n"),
        ],
    );
    let root_uri = format!("file://{}", root.display());
    let open_uri = format!("{root_uri}/Dockerfile");
    let api_uri = format!("{root_uri}/services/api/Dockerfile");
    let mut client = Client::start();
    let result = client.initialize_in(
        &root_uri,
        json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": true}}}),
    );
    assert_eq!(
        result["capabilities"]["diagnosticProvider"]["workspaceDiagnostics"],
        true
    );
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": open_uri, "languageId": "dockerfile", "version": 1,
               "text": "FROM python:3.12-slim\nADD app/ /app/\nUSER 10001\n"}}),
    );
    let report = client.request("workspace/diagnostic", json!({"previousResultIds": []}));
    let items = report["items"].as_array().cloned().unwrap_or_default();
    let uris: Vec<&str> = items.iter().filter_map(|i| i["uri"].as_str()).collect();
    assert_eq!(
        uris,
        [api_uri.as_str()],
        "only the closed Dockerfile that is not ignored: {report:#}"
    );
    let api = &items[0];
    assert_eq!(api["kind"], "full");
    let codes: Vec<&str> = api["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"secret-in-env"), "{codes:?}");
    let result_id = api["resultId"].as_str().expect("a result id").to_owned();

    // Asked again with the ids it holds, the server answers once something changes.
    let id = client.send_request(
        "workspace/diagnostic",
        json!({"previousResultIds": [{"uri": api_uri, "value": result_id}]}),
    );
    // Nothing has changed yet: the request is held (the file below is written after it arrived).
    std::thread::sleep(std::time::Duration::from_millis(300));
    common::put(
        &root,
        "compose.yaml",
        "services:\n  db:\n    image: postgres:17\n    privileged: true\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("{root_uri}/compose.yaml"), "type": 1}]}),
    );
    let report = client.response(id, "workspace/diagnostic");
    let items = report["items"].as_array().cloned().unwrap_or_default();
    let kind_of = |uri: &str| {
        items
            .iter()
            .find(|i| i["uri"] == json!(uri))
            .map(|i| i["kind"].clone())
    };
    assert_eq!(kind_of(&api_uri), Some(json!("unchanged")), "{report:#}");
    let compose = items
        .iter()
        .find(|i| i["uri"] == json!(format!("{root_uri}/compose.yaml")))
        .expect("the new compose file");
    assert!(
        compose["items"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "privileged-container")),
        "{compose:#}"
    );
    client.shutdown();
}

#[test]
fn editor_settings_fill_in_what_the_config_file_leaves_unsaid_and_the_file_wins() {
    let root = common::write_tree(
        "lsp-editor-settings",
        &[(".dockwarden.yaml", "rules:\n  run-as-root: error\n")],
    );
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/Dockerfile");
    let severities = |diagnostics: &[Value]| -> Vec<(String, i64)> {
        let mut list: Vec<(String, i64)> = diagnostics
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["severity"].as_i64().unwrap_or_default(),
                )
            })
            .collect();
        list.sort();
        list
    };
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": root_uri, "capabilities": {},
               "initializationOptions": {"enable": true, "trace": "off",
                   "rules": {"run-as-root": "off", "bloated-base-image": "off"}}}),
    );
    client.notify("initialized", json!({}));
    client.open(&uri, "FROM python:3.12\nADD app/ /app/\n");
    // run-as-root: the file says error over the editor's off; bloated-base-image: only the editor speaks.
    assert_eq!(
        severities(&client.published(&uri, 1)),
        [
            ("add-instead-of-copy".to_owned(), 2),
            ("run-as-root".to_owned(), 1)
        ]
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dockwarden": {"rules": {"add-instead-of-copy": "off"}}}}),
    );
    let diagnostics = client.published_with(&uri, "bloated-base-image");
    assert_eq!(
        severities(&diagnostics),
        [
            ("bloated-base-image".to_owned(), 2),
            ("run-as-root".to_owned(), 1)
        ]
    );
    client.shutdown();
}

#[test]
fn a_client_that_answers_workspace_configuration_is_asked_for_its_settings() {
    let root = common::write_tree("lsp-configuration", &[]);
    let root_uri = format!("file://{}", root.display());
    let uri = format!("{root_uri}/Dockerfile");
    let mut client = Client::start();
    client.configuration =
        json!({"rules": {"add-instead-of-copy": "error"}, "requireReason": true});
    client.initialize_in(&root_uri, json!({"workspace": {"configuration": true}}));
    // The settings are asked for after `initialized`; a change notification without settings asks again.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    client.open(&uri, "FROM python:3.12-slim\nUSER 10001\n# dockwarden-ignore: add-instead-of-copy\nADD app/ /app/\n");
    let diagnostics = client.published_with(&uri, "disallowed-suppression");
    let add = diagnostics
        .iter()
        .find(|d| d["code"] == "add-instead-of-copy")
        .expect("the suppression needs a reason, so the finding stays");
    assert_eq!(add["severity"], 1, "error, from the client's settings");
    client.shutdown();
}

/// A Helm document in a stream is reported as skipped while the others are linted; a chart's template (by
/// its path) is skipped whole.
#[test]
fn helm_documents_and_chart_templates_are_reported_as_skipped() {
    let root = common::write_tree(
        "lsp-helm",
        &[(
            "chart/Chart.yaml",
            "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        )],
    );
    let root_uri = format!("file://{}", root.display());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1.37\n      securityContext: {privileged: true}\n";
    let mixed = format!(
        "{pod}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{{{ .Values.name }}}}\n"
    );
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    let open_yaml = |client: &mut Client, uri: &str, text: &str| {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    };
    let uri = format!("{root_uri}/mixed.yaml");
    open_yaml(&mut client, &uri, &mixed);
    let found = client.published(&uri, 1);
    let at = |rule: &str| -> Vec<Value> {
        found
            .iter()
            .filter(|d| d["code"] == rule)
            .map(|d| d["range"]["start"]["line"].clone())
            .collect()
    };
    assert_eq!(at("skipped-file"), [json!(9)], "{found:#?}");
    assert_eq!(at("privileged-container"), [json!(8)], "{found:#?}");

    let template = format!("{root_uri}/chart/templates/pod.yaml");
    open_yaml(&mut client, &template, pod);
    let found = client.published(&template, 1);
    let codes: Vec<&Value> = found.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, [&json!("skipped-file")], "{found:#?}");
    client.shutdown();
}

/// Each rule fixture reads the same over LSP as in the engine: the fixture's rule at the same lines. The
/// workspace rules are left out (over LSP they see every other fixture of the folder too), and so are
/// fixtures that are not UTF-8 (an editor cannot send them).
#[test]
fn every_fixture_reads_the_same_over_lsp() {
    let root = common::write_tree("lsp-fixtures", &[]);
    let fixtures = common::fixtures_on_disk(&root);
    assert!(fixtures.len() > 100, "{}", fixtures.len());
    let root_uri = format!("file://{}", root.display());
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    let mut fix_actions = 0;
    for (file, rule, lines) in fixtures {
        if matches!(
            rule,
            dockwarden::rules::RuleId::MissingNetworkPolicy
                | dockwarden::rules::RuleId::ServiceAccountTokenMounted
        ) {
            continue;
        }
        let uri = format!("file://{}", file.display());
        // An editor sends text, never bytes that are not UTF-8: those fixtures are the CLI's.
        let Ok(text) = String::from_utf8(std::fs::read(&file).expect("fixture")) else {
            continue;
        };
        let language = if uri.ends_with(".yaml") || uri.ends_with(".yml") {
            "yaml"
        } else {
            "dockerfile"
        };
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
        let published = client.published(&uri, 1);
        let lsp: Vec<usize> = published
            .iter()
            .filter(|d| d["code"] == rule.to_string())
            .map(|d| d["range"]["start"]["line"].as_u64().unwrap_or_default() as usize + 1)
            .collect();
        assert_eq!(lsp, lines, "{uri}: `{rule}` over LSP");
        // Every finding's quick fixes come from the server's copy of its fixes, found again from the
        // diagnostic as the client holds it: as many as the CLI computes for that finding. (The workspace
        // rules, and what a namespace's policy adds to a message, read every fixture at once here.)
        let mut over_lsp: std::collections::BTreeMap<(String, u64), Vec<usize>> =
            Default::default();
        for diagnostic in published.iter().filter(|d| {
            !matches!(
                d["code"].as_str(),
                Some("missing-network-policy" | "service-account-token-mounted")
            )
        }) {
            let line = diagnostic["range"]["start"]["line"]
                .as_u64()
                .unwrap_or_default()
                + 1;
            let code = diagnostic["code"].as_str().unwrap_or_default().to_owned();
            let fixes = actions_for(&mut client, &uri, diagnostic)
                .iter()
                .filter(|a| {
                    !a["title"]
                        .as_str()
                        .unwrap_or_default()
                        .starts_with("Ignore ")
                })
                .count();
            over_lsp.entry((code, line)).or_default().push(fixes);
        }
        let mut from_cli = cli_fixes(&file);
        from_cli.retain(|key, _| over_lsp.contains_key(key));
        over_lsp
            .values_mut()
            .for_each(|counts| counts.sort_unstable());
        assert_eq!(
            over_lsp, from_cli,
            "{uri}: quick fixes per finding (rule, line)"
        );
        fix_actions += over_lsp.values().flatten().sum::<usize>();
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    assert!(
        fix_actions > 1000,
        "only {fix_actions} quick fixes over every fixture"
    );
    client.shutdown();
}

/// The number of fixes `dockwarden check --format json` computes for each finding of `file`, by rule and
/// line (sorted, for lines with more than one finding of a rule).
fn cli_fixes(file: &std::path::Path) -> std::collections::BTreeMap<(String, u64), Vec<usize>> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(["check", "--format", "json"])
        .arg(file)
        .current_dir(file.parent().expect("folder"))
        .output()
        .expect("dockwarden check");
    let findings: Vec<Value> = serde_json::from_slice(&output.stdout).expect("json output");
    let mut out: std::collections::BTreeMap<(String, u64), Vec<usize>> = Default::default();
    for f in &findings {
        let key = (
            f["rule"].as_str().unwrap_or_default().to_owned(),
            f["start"]["line"].as_u64().unwrap_or_default(),
        );
        out.entry(key)
            .or_default()
            .push(f["fixes"].as_array().map_or(0, Vec::len));
    }
    out.values_mut().for_each(|counts| counts.sort_unstable());
    out
}

/// Pod Security admission through the workspace index: a Namespace edited in one open document changes
/// the severity (and the message) of the findings of a workload in another.
#[test]
fn a_namespace_that_enforces_restricted_turns_another_documents_violations_into_errors() {
    let root = common::write_tree("lsp-admission", &[]);
    let app = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: example.com/app:1.0\n      securityContext:\n        runAsUser: 10001\n";
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n";
    common::put(&root, "app.yaml", app);
    common::put(&root, "namespace.yaml", namespace);
    let root_uri = format!("file://{}", root.display());
    let app_uri = format!("{root_uri}/app.yaml");
    let namespace_uri = format!("{root_uri}/namespace.yaml");
    let mut client = Client::start();
    client.initialize_in(&root_uri, json!({}));
    let finding = |p: &Value, rule: &str| {
        p["diagnostics"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["code"] == rule).cloned())
    };
    client.open_as(&app_uri, "yaml", app);
    // Baseline: the missing seccomp profile is a warning, and a non-zero runAsUser is no finding at all.
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(app_uri) && finding(p, "unconfined-profile").is_some()
    });
    let seccomp = finding(&params, "unconfined-profile").expect("seccomp finding");
    assert_eq!(seccomp["severity"], 2, "{seccomp}");
    assert!(finding(&params, "run-as-root").is_none(), "{params}");

    // The Namespace is edited (not saved) to enforce `restricted`: the pod's document is published again.
    client.open_as(&namespace_uri, "yaml", namespace);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": namespace_uri, "version": 2},
            "contentChanges": [{"text": namespace.replace("baseline", "restricted")}],
        }),
    );
    let params = client.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == json!(app_uri)
            && finding(p, "unconfined-profile").is_some_and(|d| d["severity"] == 1)
    });
    let seccomp = finding(&params, "unconfined-profile").expect("seccomp finding");
    assert!(
        seccomp["message"].as_str().is_some_and(|m| m.contains(
            "rejected by Pod Security admission: namespace `shop` enforces `restricted`"
        )),
        "{seccomp}"
    );
    let non_root = finding(&params, "run-as-root").expect("runAsNonRoot now counts");
    assert_eq!(non_root["severity"], 1, "{non_root}");
    // A control outside Pod Security keeps its severity.
    let root_fs = finding(&params, "writable-root-filesystem").expect("writable root");
    assert_eq!(root_fs["severity"], 2, "{root_fs}");
    client.shutdown();
}

/// Published diagnostics carry no fixes (the server keeps them); an action asked for a finding the document
/// no longer has gets none, and the client is sent the current findings again.
#[test]
fn an_action_for_a_finding_that_is_gone_answers_nothing_and_republishes() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///stale/Dockerfile";
    client.open(uri, EXAMPLE);
    let published = client.published(uri, 1);
    assert!(!published.is_empty());
    assert!(
        published.iter().all(|d| d.get("data").is_none()),
        "{published:?}"
    );
    let mut gone = published[0].clone();
    gone["message"] = json!("a finding this document never had");
    assert_eq!(actions_for(&mut client, uri, &gone), Vec::<Value>::new());
    let again = client.published(uri, 1);
    assert_eq!(again, published);
    client.shutdown();
}
