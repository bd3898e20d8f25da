//! The protocol under abuse, through the built binary over stdio: every malformed message gets an error
//! reply (or is dropped with a log line) and the server goes on answering; it ends when its client does.

mod common;

use common::lsp::Client;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/protocol/Dockerfile";

/// After whatever was sent, the server still serves: a document opened now gets its diagnostics.
fn still_serves(client: &mut Client, version: i64) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": format!("{URI}{version}"), "languageId": "dockerfile", "version": version, "text": "FROM alpine:3.22\n"}}),
    );
    let diagnostics = client.published(&format!("{URI}{version}"), version);
    assert!(
        diagnostics.iter().any(|d| d["code"] == "run-as-root"),
        "{diagnostics:?}"
    );
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn undecodable_messages_are_answered_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(json!({}));
    // (what, bytes, error code); the reply carries the request's id when it has a usable one.
    let cases: Vec<(&str, Vec<u8>, i64)> = vec![
        ("invalid JSON", framed(b"{\"jsonrpc\":"), -32700),
        (
            "truncated JSON",
            framed(b"{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\""),
            -32700,
        ),
        (
            "a batch",
            framed(br#"[{"jsonrpc":"2.0","id":1,"method":"shutdown"}]"#),
            -32600,
        ),
        (
            "jsonrpc 1.0",
            framed(br#"{"jsonrpc":"1.0","method":"x"}"#),
            -32600,
        ),
        (
            "an object id",
            framed(br#"{"jsonrpc":"2.0","id":{"a":1},"method":"x"}"#),
            -32600,
        ),
        (
            "a float id",
            framed(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#),
            -32600,
        ),
        (
            "invalid UTF-8",
            framed(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"),
            -32700,
        ),
        (
            "a missing Content-Length",
            b"Content-Type: application/json\r\n\r\n".to_vec(),
            -32700,
        ),
        (
            "a non-numeric Content-Length",
            b"Content-Length: lots\r\n\r\n".to_vec(),
            -32700,
        ),
    ];
    for (what, bytes, code) in &cases {
        client.send_raw(bytes);
        let error = client.error_for(&Value::Null, what);
        assert_eq!(error["code"], *code, "{what}: {error}");
    }
    client.send_raw(&framed(br#"{"jsonrpc":"1.0","id":40,"method":"x"}"#));
    assert_eq!(
        client.error_for(&json!(40), "jsonrpc 1.0 with an id")["code"],
        -32600
    );
    still_serves(&mut client, 2);
    // A `$/` request is answered MethodNotFound (a `$/` notification is ignored).
    client.send_raw(&framed(
        br#"{"jsonrpc":"2.0","id":41,"method":"$/dockwarden/unknown"}"#,
    ));
    assert_eq!(client.error_for(&json!(41), "a $/ request")["code"], -32601);
    // An unknown method, and wrong parameter types.
    client.send_raw(&framed(
        br#"{"jsonrpc":"2.0","id":42,"method":"no/such/method"}"#,
    ));
    assert_eq!(
        client.error_for(&json!(42), "an unknown method")["code"],
        -32601
    );
    client.send_raw(&framed(
        br#"{"jsonrpc":"2.0","id":43,"method":"textDocument/hover","params":{"textDocument":7}}"#,
    ));
    assert_eq!(
        client.error_for(&json!(43), "wrong parameter types")["code"],
        -32602
    );
    still_serves(&mut client, 3);
    client.shutdown();
}

#[test]
fn headers_the_specification_allows_are_read() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": URI, "languageId": "dockerfile", "version": 1, "text": "FROM alpine:3.22\n"}}});
    let body = serde_json::to_vec(&open).expect("json");
    // Content-Type without a charset (valid), another charset, and a third header.
    let headers = format!(
        "Content-Type: application/vscode-jsonrpc\r\nX-Trace: 1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    client.send_raw(&[headers.as_bytes(), &body].concat());
    assert!(
        client
            .published(URI, 1)
            .iter()
            .any(|d| d["code"] == "run-as-root")
    );
    client.shutdown();
}

/// A lone surrogate in a document's text (valid JSON, not valid Unicode) is read as U+FFFD, and the rest of
/// the document is linted.
#[test]
fn a_lone_surrogate_in_a_document_costs_nothing_else() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{URI}","languageId":"dockerfile","version":1,"text":"FROM alpine:3.22\nRUN echo \ud800 {{\udb40\udc01\n"}}}}}}"#
    );
    client.send_raw(&framed(body.as_bytes()));
    assert!(
        client
            .published(URI, 1)
            .iter()
            .any(|d| d["code"] == "run-as-root")
    );
    still_serves(&mut client, 2);
    client.shutdown();
}

/// A message larger than the limit is refused from its header, before its body is read into memory, and
/// the connection stays up.
#[test]
fn an_oversized_message_is_refused_and_the_connection_stays_up() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let limit = dockwarden::rules::settings::DEFAULT_MAX_FILE_SIZE as usize + 1024 * 1024;
    let body = vec![b' '; limit + 1];
    client.send_raw(&framed(&body));
    let error = client.error_for(&Value::Null, "an oversized message");
    assert_eq!(error["code"], -32600, "{error}");
    still_serves(&mut client, 2);
    client.shutdown();
}

#[test]
fn exit_without_shutdown_ends_with_1_and_after_it_with_0() {
    let mut client = Client::start();
    client.initialize(json!({}));
    assert_eq!(client.exit().code(), Some(1));
    let mut client = Client::start();
    client.initialize(json!({}));
    client.request("shutdown", Value::Null);
    // Requests after shutdown are refused, and the server still exits cleanly.
    let id = client.send_request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(
        client.error_for(&json!(id), "a request after shutdown")["code"],
        -32600
    );
    assert_eq!(client.exit().code(), Some(0));
}

/// A client that goes away — even while the server waits for its answer to `workspace/configuration` —
/// ends the server.
#[test]
fn the_server_ends_when_its_client_goes_away() {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"workspace": {"configuration": true}}}),
    );
    // `initialized` makes the server ask for the configuration; the client hangs up instead of answering.
    client.send_raw(&framed(
        br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    let status = client.hang_up();
    assert_eq!(status.code(), Some(1), "{status}");
}

/// Out-of-range positions, changes for documents never opened, stale versions and a storm of open/close:
/// each is answered or dropped, and the server keeps serving.
#[test]
fn requests_about_nonsense_are_answered_or_dropped() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(URI, "FROM alpine:3.22\n");
    client.published(URI, 1);
    let far = json!({"line": 4_000_000_000u64, "character": 4_000_000_000u64});
    client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": far}),
    );
    client.request("textDocument/codeAction", json!({"textDocument": {"uri": URI}, "range": {"start": far, "end": far}, "context": {"diagnostics": []}}));
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///never/opened", "version": 2}, "contentChanges": [{"text": "x"}]}));
    // A version that is not newer is dropped: the document keeps version 1's findings.
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 1}, "contentChanges": [{"text": "FROM alpine:3.22\nUSER 1:1\n"}]}));
    for i in 0..1000 {
        let uri = format!("file:///tmp/protocol/storm{i}/Dockerfile");
        client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "dockerfile", "version": 1, "text": "FROM alpine:3.22\n"}}));
        client.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }
    client.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": "FROM alpine:3.22\nUSER 1:1\n"}]}));
    let after = client.published(URI, 3);
    assert!(
        !after.iter().any(|d| d["code"] == "run-as-root"),
        "{after:?}"
    );
    still_serves(&mut client, 4);
    client.shutdown();
}

/// A piped standard input is read by the server's event loop, in non-blocking mode while it runs, and left
/// in blocking mode when it ends: the pipe's open file is shared with whoever else holds it (here, this
/// test).
#[cfg(unix)]
#[test]
fn a_piped_stdin_is_read_by_the_event_loop_and_left_blocking() {
    use rustix::fs::{OFlags, fcntl_getfl};
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    let (reader, mut writer) = std::io::pipe().expect("a pipe");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
        .args(["lsp", "--stdio"])
        .stdin(reader.try_clone().expect("a second handle"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");
    let mut output = BufReader::new(child.stdout.take().expect("stdout"));
    let mut read_message = || {
        let mut length = 0;
        loop {
            let mut line = String::new();
            output.read_line(&mut line).expect("a header");
            match line.trim_end().split_once(": ") {
                Some(("Content-Length", n)) => length = n.parse().expect("a length"),
                _ if line.trim_end().is_empty() => break,
                _ => {}
            }
        }
        let mut body = vec![0; length];
        output.read_exact(&mut body).expect("a body");
        serde_json::from_slice::<Value>(&body).expect("JSON")
    };
    let request = |id: i64, method: &str| {
        framed(
            json!({"jsonrpc": "2.0", "id": id, "method": method, "params": {"capabilities": {}}})
                .to_string()
                .as_bytes(),
        )
    };
    writer.write_all(&request(1, "initialize")).expect("send");
    assert_eq!(read_message()["id"], 1);
    let nonblocking = |reader: &std::io::PipeReader| {
        fcntl_getfl(reader)
            .expect("flags")
            .contains(OFlags::NONBLOCK)
    };
    assert!(
        nonblocking(&reader),
        "the server reads its pipe from the event loop"
    );
    writer.write_all(&request(2, "shutdown")).expect("send");
    assert_eq!(read_message()["id"], 2);
    writer
        .write_all(&framed(br#"{"jsonrpc":"2.0","method":"exit"}"#))
        .expect("send");
    assert!(child.wait().expect("exit").success());
    assert!(!nonblocking(&reader), "blocking mode restored");
}
