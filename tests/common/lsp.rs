//! A minimal LSP client over the real binary's stdio: Content-Length framing, requests matched by id,
//! notifications buffered. Every wait has a timeout that fails the test with what it was waiting for.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: i64,
    /// What the client answers to `workspace/configuration` (one value per item asked for).
    pub configuration: Value,
    /// How long a wait for one message may take ([`TIMEOUT`] unless a test with a long backlog says more).
    pub timeout: Duration,
    /// The bytes of every message body received so far (what the protocol costs, for the benchmarks).
    pub received_bytes: Arc<AtomicU64>,
}

/// `value` as an editor holds it: VS Code (JavaScript) and Neovim (Lua) read every JSON number as a double,
/// so an integer above 2^53 comes back rounded when they echo it (a diagnostic's `data`, say). Every message
/// this client receives goes through that rounding, so nothing the tests send back can rely on more.
/// (In place: the tree is not rebuilt, as JSON.parse builds no second one.)
fn as_a_javascript_client_reads(value: &mut Value) {
    match value {
        Value::Number(n) => {
            let double = n.as_f64().unwrap_or(f64::NAN);
            let integral = double.fract() == 0.0 && double.abs() < 1.8e19;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let number = match (integral, double >= 0.0) {
                (true, true) => serde_json::Number::from(double as u64),
                (true, false) => serde_json::Number::from(double as i64),
                (false, _) => serde_json::Number::from_f64(double).unwrap_or_else(|| n.clone()),
            };
            *n = number;
        }
        Value::Array(items) => items.iter_mut().for_each(as_a_javascript_client_reads),
        Value::Object(fields) => fields.values_mut().for_each(as_a_javascript_client_reads),
        _ => {}
    }
}

impl Client {
    pub fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockwarden"))
            .args(["lsp", "--stdio"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dockwarden lsp");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = channel();
        let received_bytes = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&received_bytes);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let Some(length) = length else { return };
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                counted.fetch_add(length as u64, Ordering::Relaxed);
                let Ok(mut value) = serde_json::from_slice::<Value>(&body) else {
                    return;
                };
                as_a_javascript_client_reads(&mut value);
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            incoming,
            pending: VecDeque::new(),
            next_id: 1,
            configuration: Value::Null,
            timeout: TIMEOUT,
            received_bytes,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("json");
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len())
            .expect("write to server");
        self.stdin.flush().expect("flush");
    }

    /// Write `bytes` to the server as they are (a malformed frame, half a message).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    /// The next error response with `id` (`Value::Null` for a message that had no usable id).
    pub fn error_for(&mut self, id: &Value, what: &str) -> Value {
        if let Some(at) = self
            .pending
            .iter()
            .position(|m| m.get("error").is_some() && m.get("id") == Some(id))
        {
            return self
                .pending
                .remove(at)
                .map(|m| m["error"].clone())
                .unwrap_or_default();
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let message = self.receive(deadline, &format!("the error answering {what}"));
            if message.get("error").is_some() && message.get("id") == Some(id) {
                return message["error"].clone();
            }
            self.pending.push_back(message);
        }
    }

    /// Close the server's stdin (the client went away) and wait for the process to end.
    pub fn hang_up(self) -> std::process::ExitStatus {
        let Self {
            mut child, stdin, ..
        } = self;
        drop(stdin);
        wait_for_exit(&mut child, "when its client went away")
    }

    /// Send `exit` (with or without `shutdown` before it) and wait for the process to end.
    pub fn exit(mut self) -> std::process::ExitStatus {
        self.notify("exit", Value::Null);
        wait_for_exit(&mut self.child, "after `exit`")
    }

    /// The server's resident memory now, in bytes (Linux), read from outside the process.
    pub fn resident_bytes(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let kib = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
        Some(
            kib.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()?
                * 1024,
        )
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id, method)
    }

    /// Send a request without waiting for its answer (see [`Client::response`]).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The answer to request `id`; what arrives before it is kept for later.
    pub fn response(&mut self, id: i64, method: &str) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            let message = self.receive(deadline, &format!("the response to {method}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                if let Some(error) = message.get("error") {
                    panic!("{method} failed: {error}");
                }
                return message.get("result").cloned().unwrap_or(Value::Null);
            }
            self.pending.push_back(message);
        }
    }

    fn receive(&mut self, deadline: Instant, what: &str) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(message) => {
                // A request from the server gets an empty answer, as a client that ignores it would give,
                // except `workspace/configuration`, answered with `configuration` for every item.
                if let (Some(id), Some(method)) = (message.get("id"), message.get("method")) {
                    let result = if method == "workspace/configuration" {
                        let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                        Value::Array(vec![self.configuration.clone(); items])
                    } else {
                        Value::Null
                    };
                    let reply = json!({"jsonrpc": "2.0", "id": id, "result": result});
                    self.send(&reply);
                }
                message
            }
            Err(RecvTimeoutError::Timeout) => {
                panic!("timed out after {:?} waiting for {what}", self.timeout)
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the server exited while we waited for {what}")
            }
        }
    }

    /// The next notification `method` whose params satisfy `accept` (earlier ones are dropped).
    pub fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        while let Some(mut message) = self.pending.pop_front() {
            if message.get("method") == Some(&json!(method)) && accept(&message["params"]) {
                return message["params"].take();
            }
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let mut message = self.receive(deadline, &format!("a {method} notification"));
            if message.get("method") == Some(&json!(method)) && accept(&message["params"]) {
                return message["params"].take();
            }
        }
    }

    /// Diagnostics published for `uri` at `version`.
    pub fn published(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let mut params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(uri) && p["version"] == json!(version)
        });
        match params["diagnostics"].take() {
            Value::Array(items) => items,
            _ => Vec::new(),
        }
    }

    /// The next diagnostics published for `uri` that include a finding of rule `code`.
    pub fn published_with(&mut self, uri: &str, code: &str) -> Vec<Value> {
        let mut params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == json!(uri)
                && p["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == code))
        });
        match params["diagnostics"].take() {
            Value::Array(items) => items,
            _ => Vec::new(),
        }
    }

    /// Everything received so far that was not consumed.
    pub fn drain(&mut self) -> Vec<Value> {
        while let Ok(message) = self.incoming.try_recv() {
            self.pending.push_back(message);
        }
        self.pending.drain(..).collect()
    }

    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// `initialize` with a workspace folder.
    pub fn initialize_in(&mut self, root_uri: &str, capabilities: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.open_as(uri, "dockerfile", text);
    }

    /// Open `uri` at version 1 with the client's `language` id (`yaml`, `dockercompose`).
    pub fn open_as(&mut self, uri: &str, language: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}));
    }

    pub fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let status = wait_for_exit(&mut self.child, "after `exit`");
        assert!(status.success(), "server exit status {status}");
    }
}

/// The server's exit status once it ends; killed and failed after [`TIMEOUT`] (`when` says what it should
/// have ended after).
fn wait_for_exit(child: &mut Child, when: &str) -> std::process::ExitStatus {
    let deadline = Instant::now() + TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    panic!("the server did not end {when}");
}

/// The client's own view of positions: lines end at LF, CR or CRLF only; characters count in `encoding`.
pub fn offset(text: &str, line: usize, character: usize, utf16: bool) -> usize {
    let mut start = 0;
    let bytes = text.as_bytes();
    for _ in 0..line {
        let mut i = start;
        while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
            i += 1;
        }
        if i >= bytes.len() {
            return text.len();
        }
        start = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
    }
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if c == '\n' || c == '\r' || units >= character {
            return start + i;
        }
        units += if utf16 { c.len_utf16() } else { c.len_utf8() };
    }
    text.len()
}

/// Apply LSP text edits (non-overlapping) to `text`.
pub fn apply_edits(text: &str, edits: &[Value], utf16: bool) -> String {
    let mut resolved: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let at = |p: &Value| {
                offset(
                    text,
                    p["line"].as_u64().unwrap_or(0) as usize,
                    p["character"].as_u64().unwrap_or(0) as usize,
                    utf16,
                )
            };
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    resolved.sort_by_key(|(s, _, _)| std::cmp::Reverse(*s));
    let mut out = text.to_owned();
    for (start, end, new) in resolved {
        out.replace_range(start..end, &new);
    }
    out
}

/// Whether published diagnostics (`publishDiagnostics` params) hold a finding of rule `code`.
pub fn has_code(params: &Value, code: &str) -> bool {
    params["diagnostics"]
        .as_array()
        .is_some_and(|d| d.iter().any(|d| d["code"] == code))
}
