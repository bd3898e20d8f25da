//! The transport: LSP's `Content-Length` framing over stdio, owned here so that no message can end the
//! session.
//!
//! tower-lsp-server decodes stdin with a codec that ends the stream at the first message it cannot decode
//! (invalid JSON, a batch, a float id, invalid UTF-8, a lone surrogate, a bad header…), and the server then
//! exits. So the client's bytes are read here first: each frame is checked and normalised (re-serialised,
//! lone surrogates made U+FFFD), and only well-formed messages reach the library through an in-memory pipe;
//! anything else is answered with the JSON-RPC error it deserves (`-32700` parse error, `-32600` invalid
//! request, `-32601` for `$/` requests) and reading goes on at the next header. The library's own output is
//! framed back through one writer, so the errors written here never interleave with its messages.
//!
//! The size of a message is known from its header before its body is read: a body larger than the limit is
//! skipped unread, never allocated. `exit` ends the process with 0 after `shutdown` and 1 without (as the
//! specification says), and so does the end of stdin: a client that went away never leaves the server behind.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// A header block longer than this is not LSP.
const MAX_HEADER: usize = 8 * 1024;

/// What one frame of the client's stream turned out to be.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A well-formed message, to hand to the server.
    Message(Value),
    /// A frame that cannot be served, and the error response it gets.
    Refused(Value),
    /// Bytes that are not a frame (a header block without `Content-Length`): answered, then skipped.
    Garbage(Value),
}

/// Read frames from `input` one after another; `None` at the end of the stream.
pub struct Reader<R> {
    input: BufReader<R>,
    max_body: u64,
}

impl<R: AsyncRead + Unpin> Reader<R> {
    pub fn new(input: R, max_body: u64) -> Self {
        Self {
            input: BufReader::new(input),
            max_body,
        }
    }

    pub async fn next(&mut self) -> Option<Frame> {
        let header = self.header().await?;
        let Some(length) = content_length(&header) else {
            return Some(Frame::Garbage(error(
                Value::Null,
                -32700,
                "a header without a valid Content-Length",
            )));
        };
        if length > self.max_body {
            // Skipped as it arrives: the body is never held in memory.
            let skipped =
                tokio::io::copy(&mut (&mut self.input).take(length), &mut tokio::io::sink())
                    .await
                    .ok()?;
            if skipped < length {
                return None;
            }
            return Some(Frame::Refused(error(
                Value::Null,
                -32600,
                &format!(
                    "a message of {length} bytes is larger than the limit of {} bytes",
                    self.max_body
                ),
            )));
        }
        Some(check(&self.body(length).await?))
    }

    /// The next body as it is, for a stream known to be well formed (the library's own output): nothing is
    /// parsed, so a large `publishDiagnostics` is not read into a JSON tree only to be written out again.
    pub async fn next_body(&mut self) -> Option<Vec<u8>> {
        loop {
            let header = self.header().await?;
            if let Some(length) = content_length(&header) {
                return self.body(length).await;
            }
        }
    }

    /// The `length` bytes of a body; `None` when the stream ends first.
    async fn body(&mut self, length: u64) -> Option<Vec<u8>> {
        let mut body = Vec::with_capacity(usize::try_from(length).ok()?);
        (&mut self.input)
            .take(length)
            .read_to_end(&mut body)
            .await
            .ok()?;
        ((body.len() as u64) == length).then_some(body)
    }

    /// The header block up to its blank line, without it; resynchronised on a `Content-Length` line when
    /// bytes before it are not headers (the rest of a body whose length was given too small).
    async fn header(&mut self) -> Option<String> {
        let mut block: Vec<u8> = Vec::new();
        loop {
            let mut line = Vec::new();
            let read = (&mut self.input)
                .take((MAX_HEADER + 2) as u64)
                .read_until(b'\n', &mut line)
                .await
                .ok()?;
            if read == 0 {
                return None;
            }
            let blank = line == b"\r\n" || line == b"\n";
            if blank && !block.is_empty() {
                return Some(String::from_utf8_lossy(&block).into_owned());
            }
            if !blank {
                block.extend_from_slice(&line);
            }
            if block.len() > MAX_HEADER {
                // Not a header: keep only what may begin the next one.
                block.clear();
            }
        }
    }
}

/// The `Content-Length` of a header block: the last such field, even after junk on its line.
fn content_length(header: &str) -> Option<u64> {
    header.lines().rev().find_map(|line| {
        let lower = line.to_ascii_lowercase();
        let at = lower.find("content-length:")?;
        line[at + "content-length:".len()..].trim().parse().ok()
    })
}

/// What a body is: a message to serve, or why not.
pub fn check(body: &[u8]) -> Frame {
    let Ok(text) = std::str::from_utf8(body) else {
        return Frame::Refused(error(Value::Null, -32700, "the message is not UTF-8"));
    };
    let text = without_lone_surrogates(text);
    let value: Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(e) => return Frame::Refused(error(Value::Null, -32700, &format!("invalid JSON: {e}"))),
    };
    let Value::Object(message) = &value else {
        let what = if value.is_array() {
            "a batch (LSP has none)"
        } else {
            "not an object"
        };
        return Frame::Refused(error(
            Value::Null,
            -32600,
            &format!("invalid request: {what}"),
        ));
    };
    let id = message.get("id");
    let id_ok = match id {
        None => true,
        Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64() || n.is_u64(),
        Some(_) => false,
    };
    let reply_id = id.filter(|_| id_ok).cloned().unwrap_or(Value::Null);
    if message.get("jsonrpc") != Some(&json!("2.0")) {
        return Frame::Refused(error(
            reply_id,
            -32600,
            "invalid request: `jsonrpc` must be \"2.0\"",
        ));
    }
    if !id_ok {
        return Frame::Refused(error(
            Value::Null,
            -32600,
            "invalid request: `id` must be an integer or a string",
        ));
    }
    match message.get("method") {
        Some(Value::String(method)) => {
            if method.starts_with("$/") && id.is_some() {
                return Frame::Refused(error(
                    reply_id,
                    -32601,
                    &format!("method not found: {method}"),
                ));
            }
            Frame::Message(value)
        }
        Some(_) => Frame::Refused(error(
            reply_id,
            -32600,
            "invalid request: `method` must be a string",
        )),
        // A response to one of the server's requests.
        None if id.is_some()
            && (message.contains_key("result") || message.contains_key("error")) =>
        {
            Frame::Message(value)
        }
        None => Frame::Refused(error(reply_id, -32600, "invalid request: no `method`")),
    }
}

/// JSON text with every `\u` escape of a lone UTF-16 surrogate replaced by `\ufffd`: JSON allows them,
/// Rust strings cannot hold them, and one in a document's text must not cost the message.
fn without_lone_surrogates(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("\\u") {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let hex = text.get(at + 2..at + 6)?;
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| u16::from_str_radix(hex, 16).ok())
            .flatten()
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let mut copied = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        let Some(first) = unit(at) else {
            // Another escape: skip the escaped character, which may be a backslash.
            at += 2;
            continue;
        };
        let high = (0xD800..0xDC00).contains(&first);
        let low = (0xDC00..0xE000).contains(&first);
        let paired = high && unit(at + 6).is_some_and(|next| (0xDC00..0xE000).contains(&next));
        if paired {
            at += 12;
        } else if high || low {
            out.push_str(&text[copied..at]);
            out.push_str("\\ufffd");
            at += 6;
            copied = at;
        } else {
            at += 6;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    std::borrow::Cow::Owned(out)
}

fn error(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// The JSON text of `message`.
fn serialised(message: &Value) -> Vec<u8> {
    serde_json::to_vec(message).unwrap_or_default()
}

/// The one writer of the client's stream. A message is written whole, under a lock, by the task that has
/// it, with blocking writes: no hop to a helper thread per write (tokio's stdout hands every write to its
/// blocking pool, which on two cores was most of the latency tail), and frames never interleave. Writing
/// blocks only while the client is not reading, which is when nothing else could be sent either.
#[derive(Clone)]
pub struct Outbox(Arc<Mutex<Box<dyn Write + Send>>>);

impl Outbox {
    pub fn new(output: impl Write + Send + 'static) -> Self {
        Self(Arc::new(Mutex::new(Box::new(output))))
    }

    /// Frame `body` and write it, in one write: a client that reads the header first and blocks for the
    /// body would otherwise wake twice per message. False once the client is gone.
    pub fn send(&self, body: &[u8]) -> bool {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let mut frame = Vec::with_capacity(header.len() + body.len());
        frame.extend_from_slice(header.as_bytes());
        frame.extend_from_slice(body);
        let mut output = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        output.write_all(&frame).is_ok() && output.flush().is_ok()
    }

    /// Send the notification `method` with `params`, serialised straight from them (no JSON tree between).
    pub fn notify(&self, method: &str, params: &impl Serialize) -> bool {
        notification(method, params).is_none_or(|body| self.send(&body))
    }
}

/// The JSON text of the notification `method` with `params`, serialised straight from them (`None`, and
/// logged, when they cannot be).
fn notification(method: &str, params: &impl Serialize) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let message = Notification {
        jsonrpc: "2.0",
        method,
        params,
    };
    serde_json::to_vec(&message)
        .inspect_err(|e| tracing::error!("cannot serialise {method}: {e}"))
        .ok()
}

/// The process's standard output, unbuffered: Rust's `Stdout` is line-buffered and would split every frame
/// at the blank line after its header into two writes.
#[cfg(unix)]
pub fn stdout() -> impl Write + Send + 'static {
    struct Unbuffered;
    impl Write for Unbuffered {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            rustix::io::write(rustix::stdio::stdout(), bytes).map_err(std::io::Error::from)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    Unbuffered
}

/// The process's standard output (elsewhere than Unix, through the standard library's writer).
#[cfg(not(unix))]
pub fn stdout() -> impl Write + Send + 'static {
    std::io::stdout()
}

/// The process's standard input. On Unix, when it is a pipe (as editors start servers), it is read by the
/// runtime's own event loop: tokio's stdin reads on a helper thread and hands each read over, a thread hop
/// per message. A terminal, a file or a socket (and elsewhere than Unix) keeps tokio's reader. The pipe is
/// put in non-blocking mode; [`restore_stdin`] puts it back.
#[cfg(unix)]
pub fn stdin() -> Box<dyn AsyncRead + Unpin + Send> {
    use std::os::fd::AsFd;
    let pipe = std::io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .ok()
        .and_then(|fd| tokio::net::unix::pipe::Receiver::from_owned_fd(fd).ok());
    match pipe {
        Some(pipe) => {
            PIPE_NONBLOCKING.store(true, std::sync::atomic::Ordering::Relaxed);
            Box::new(pipe)
        }
        None => Box::new(tokio::io::stdin()),
    }
}

/// Whether [`stdin`] put the pipe in non-blocking mode (a terminal or a file is left as it was found).
#[cfg(unix)]
static PIPE_NONBLOCKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The process's standard input (elsewhere than Unix, through tokio's reader).
#[cfg(not(unix))]
pub fn stdin() -> Box<dyn AsyncRead + Unpin + Send> {
    Box::new(tokio::io::stdin())
}

/// Put standard input back in blocking mode when [`stdin`] took it out of it: its open pipe may be shared
/// with the process that started the server.
pub fn restore_stdin() {
    #[cfg(unix)]
    if PIPE_NONBLOCKING.load(std::sync::atomic::Ordering::Relaxed) {
        use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
        let fd = rustix::stdio::stdin();
        if let Ok(flags) = fcntl_getfl(fd) {
            let _ = fcntl_setfl(fd, flags - OFlags::NONBLOCK);
        }
    }
}

/// What the relay is told by its readers.
pub enum Out {
    /// A message body to frame and write.
    Message(Vec<u8>),
    /// Write what came before, then end the process with this code.
    Exit(i32),
}

/// Serve the client on `input`/`output`: frames from `input` go, checked, to `to_server`; frames the server
/// writes to `from_server` go to `output`, with the errors answered here in between.
pub async fn relay(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: Outbox,
    mut to_server: impl AsyncWrite + Unpin + Send + 'static,
    from_server: impl AsyncRead + Unpin + Send + 'static,
    max_body: u64,
) -> i32 {
    let (out, mut queue) = mpsc::unbounded_channel::<Out>();
    let from_client = out.clone();
    tokio::spawn(async move {
        let mut reader = Reader::new(input, max_body);
        let mut shut_down = false;
        while let Some(frame) = reader.next().await {
            match frame {
                Frame::Message(message) => {
                    match message.get("method").and_then(Value::as_str) {
                        Some("shutdown") => shut_down = true,
                        Some("exit") => {
                            let _ = from_client.send(Out::Exit(if shut_down { 0 } else { 1 }));
                            return;
                        }
                        _ => {}
                    }
                    let body = serialised(&message);
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    if to_server.write_all(header.as_bytes()).await.is_err()
                        || to_server.write_all(&body).await.is_err()
                    {
                        break;
                    }
                }
                Frame::Refused(reply) | Frame::Garbage(reply) => {
                    tracing::warn!("refused a message: {}", reply["error"]["message"]);
                    let _ = from_client.send(Out::Message(serialised(&reply)));
                }
            }
        }
        // The client is gone.
        let _ = from_client.send(Out::Exit(if shut_down { 0 } else { 1 }));
    });
    let from_library = out;
    tokio::spawn(async move {
        // The library's output is well formed; it is re-framed whole so errors never land inside it.
        let mut reader = Reader::new(from_server, u64::MAX);
        while let Some(body) = reader.next_body().await {
            if from_library.send(Out::Message(body)).is_err() {
                break;
            }
        }
    });
    while let Some(item) = queue.recv().await {
        match item {
            Out::Message(body) => {
                if !output.send(&body) {
                    return 1;
                }
            }
            Out::Exit(code) => return code,
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_message(body: &str) -> bool {
        matches!(check(body.as_bytes()), Frame::Message(_))
    }

    fn code(body: &[u8]) -> i64 {
        match check(body) {
            Frame::Refused(reply) => reply["error"]["code"].as_i64().unwrap_or_default(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn messages_that_cannot_be_served_get_the_error_they_deserve() {
        assert!(is_message(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#
        ));
        assert!(is_message(r#"{"jsonrpc":"2.0","id":"a","result":null}"#));
        assert_eq!(code(b"{\"jsonrpc\":\"2.0\",\"id\":1"), -32700);
        assert_eq!(code(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\xff\"}"), -32700);
        assert_eq!(code(br#"[{"jsonrpc":"2.0","id":1,"method":"a"}]"#), -32600);
        assert_eq!(code(br#"{"jsonrpc":"1.0","id":1,"method":"a"}"#), -32600);
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":1.5,"method":"a"}"#), -32600);
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":{},"method":"a"}"#), -32600);
        assert_eq!(code(br#"{"jsonrpc":"2.0","id":3,"method":"$/x"}"#), -32601);
        assert!(is_message(
            r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#
        ));
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let body = r#"{"jsonrpc":"2.0","method":"m","params":{"t":"a\ud800b\udc00 \ud83d\ude00 \\ud800"}}"#;
        let Frame::Message(value) = check(body.as_bytes()) else {
            panic!("refused")
        };
        assert_eq!(value["params"]["t"], "a\u{fffd}b\u{fffd} 😀 \\ud800");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn reading_goes_on_after_bad_frames() {
        let good = r#"{"jsonrpc":"2.0","method":"ok"}"#;
        let big = format!(r#"{{"jsonrpc":"2.0","method":"{}"}}"#, "x".repeat(100));
        let stream = format!(
            "Content-Length: 5\r\n\r\n{{bad}}Content-Length: {n}\r\nContent-Type: application/vscode-jsonrpc\r\nX-Third: 1\r\n\r\n{good}\
             Content-Length: {b}\r\n\r\n{big}Content-Length: {n}\r\n\r\n{good}no header\r\n\r\nContent-Length: {n}\r\n\r\n{good}",
            n = good.len(),
            b = big.len()
        );
        let mut reader = Reader::new(stream.as_bytes(), 64);
        let mut frames = Vec::new();
        while let Some(frame) = reader.next().await {
            frames.push(frame);
        }
        let ok = |f: &Frame| matches!(f, Frame::Message(m) if m["method"] == "ok");
        assert_eq!(frames.len(), 6, "{frames:?}");
        assert!(matches!(frames[0], Frame::Refused(_)), "{frames:?}");
        assert!(ok(&frames[1]), "{frames:?}");
        // The oversized body is skipped, not allocated, and the next message read.
        assert!(
            matches!(&frames[2], Frame::Refused(r) if r["error"]["code"] == -32600),
            "{frames:?}"
        );
        assert!(ok(&frames[3]), "{frames:?}");
        assert!(matches!(frames[4], Frame::Garbage(_)), "{frames:?}");
        assert!(ok(&frames[5]), "{frames:?}");
    }
}
