//! The common shape of YAML read line by line, without the grammar: block mappings and sequences of
//! one-line scalars and one-line flow collections, with comments. Almost every Compose file and manifest is
//! only that, and reading it this way is many times faster than parsing it with tree-sitter and walking
//! the tree (a 50 MiB Compose file spent most of its lint there).
//!
//! The view is the one [`Yaml::build`] gives from the grammar's tree, node for node and range for range:
//! a collection starts at its first token and ends, when a line less indented closes it, at the end of the
//! last line before that one that is not blank (its comments included), or at the end of the text; a pair
//! ends where its value does; a missing value is an empty range after its `:` or `-`. Anything else
//! (anchors, aliases, tags, block scalars, multi-line scalars or flow collections, complex keys, tabs,
//! several documents, text the grammar would find wrong) makes [`read`] give up, and the document is
//! parsed. The corpus tests hold the two readings side by side on every document this one takes.

use compact_str::CompactString;

use super::yaml::{Document, Entry, MAX_DEPTH, NodeId, ScalarStyle, Value, Yaml, duplicate_keys};
use super::yaml_scalar;
use crate::document::TextRange;

/// The view of `source`, one document of the common shape; `None` when it is not that.
pub fn read(source: &str) -> Option<Yaml> {
    let refused = |c: char| {
        matches!(
            c,
            '\t' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        ) || (c.is_control() && c != '\n')
    };
    if source.contains(refused) || crate::syntax::yaml::unsafe_for_grammar(source).is_some() {
        return None;
    }
    let mut reader = Reader {
        source,
        next: 0,
        line: None,
        before: 0,
        commented: false,
        yaml: Yaml::default(),
        comments: Vec::new(),
        depth: 0,
    };
    reader.advance();
    let first = reader.line?;
    // (a document starts at its `---`, when it has one, else at its first token)
    let start = first.start + first.indent;
    if first.text(source) == "---" && first.indent == 0 {
        reader.advance();
    }
    let content = reader.line?;
    let root = reader.block(content.indent)?;
    // (nothing may follow the root: a line less indented than it would be a second one)
    if reader.line.is_some() {
        return None;
    }
    let mut yaml = reader.yaml;
    let end = yaml.nodes[root].range.end;
    yaml.documents.push(Document {
        root: Some(root),
        range: TextRange::new(start, end),
    });
    yaml.comments = reader.comments;
    yaml.check_expansion();
    Some(yaml)
}

/// One content line of the text: where it starts, how far its content is indented, and where its
/// content ends (trailing spaces not counted) and the line (its break not counted).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    end: usize,
    full_end: usize,
}

impl Line {
    fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.start + self.indent..self.end]
    }

    fn is_item(&self, source: &str) -> bool {
        let text = self.text(source);
        text == "-" || text.starts_with("- ")
    }
}

/// Reads the text forward, a content line at a time: blank lines and comment lines are passed over as
/// it goes (the comments' places kept), so nothing per line is held.
struct Reader<'s> {
    source: &'s str,
    /// Where the line after the current one starts.
    next: usize,
    /// The content line being read; `None` at the end of the text.
    line: Option<Line>,
    /// Where the last line before the current one that is not blank ends, comments included: where a
    /// collection the current line closes ends.
    before: usize,
    /// The current line ends with a comment after its content.
    commented: bool,
    yaml: Yaml,
    /// Where the comments start, in order.
    comments: Vec<usize>,
    depth: usize,
}

/// A value written on the line of its key or `-`.
enum Inline {
    /// Nothing after the indicator (a comment at most): the value is on the lines below, or missing.
    Nothing,
    Node(NodeId),
}

impl Reader<'_> {
    fn line(&self) -> Option<Line> {
        self.line
    }

    /// Move to the next content line, past blank lines and comment lines.
    fn advance(&mut self) {
        if let Some(line) = self.line {
            self.before = if self.commented {
                line.full_end
            } else {
                line.end
            };
        }
        self.commented = false;
        self.line = None;
        while self.next < self.source.len() {
            let start = self.next;
            let rest = &self.source[start..];
            let body = rest.find('\n').map_or(rest, |at| &rest[..at]);
            self.next = start + body.len() + 1;
            let content = body.trim_end_matches(' ');
            let indent = content.len() - content.trim_start_matches(' ').len();
            if content.len() == indent {
                continue;
            }
            if content[indent..].starts_with('#') {
                self.comments.push(start + indent);
                self.before = start + body.len();
                continue;
            }
            self.line = Some(Line {
                start,
                indent,
                end: start + content.len(),
                full_end: start + body.len(),
            });
            return;
        }
    }

    /// Where a collection the current line closes (or the end of the text) ends.
    fn close(&self) -> usize {
        if self.line.is_some() {
            self.before
        } else {
            self.source.len()
        }
    }

    /// A comment starts at `at`, after content on the current line.
    fn comment(&mut self, at: usize) {
        self.comments.push(at);
        self.commented = true;
    }

    /// The block collection whose first line is the current one, indented at least `min`.
    fn block(&mut self, min: usize) -> Option<NodeId> {
        let line = self.line()?;
        if line.indent < min || self.depth >= MAX_DEPTH / 2 {
            return None;
        }
        self.depth += 1;
        let node = if line.is_item(self.source) {
            self.sequence(line.indent, false)
        } else {
            self.mapping(line.start + line.indent, line.indent)
        };
        self.depth -= 1;
        node
    }

    /// A block mapping whose first key starts at `from` on the current line; its keys are at column
    /// `indent` (the first one's too, unless it follows a `- ` on its line).
    fn mapping(&mut self, from: usize, indent: usize) -> Option<NodeId> {
        let start = from;
        let mut key_at = from;
        let mut entries = Vec::new();
        loop {
            let line = self.line()?;
            let (key, colon) = self.key(key_at, line.end)?;
            let key_start = self.yaml.nodes[key].range.start;
            let (value, end) = match self.inline(colon, line.end)? {
                Inline::Node(value) => {
                    self.advance();
                    (value, self.yaml.nodes[value].range.end)
                }
                Inline::Nothing => {
                    self.advance();
                    let below = self.line.filter(|n| {
                        n.indent > indent || (n.indent == indent && n.is_item(self.source))
                    });
                    match below {
                        Some(below) => {
                            let value = if below.indent == indent {
                                self.depth += 1;
                                let sequence = self.sequence(indent, true);
                                self.depth -= 1;
                                sequence?
                            } else {
                                self.block(indent + 1)?
                            };
                            (value, self.yaml.nodes[value].range.end)
                        }
                        None => (self.null(colon), colon),
                    }
                }
            };
            entries.push(Entry {
                key,
                value,
                range: TextRange::new(key_start, end),
            });
            let Some(next) = self.line() else {
                let end = self.close();
                return Some(self.collection(entries, start, end));
            };
            if next.indent < indent {
                let end = self.close();
                return Some(self.collection(entries, start, end));
            }
            if next.indent > indent || next.is_item(self.source) {
                return None;
            }
            key_at = next.start + next.indent;
        }
    }

    fn collection(&mut self, entries: Vec<Entry>, start: usize, end: usize) -> NodeId {
        let twice = duplicate_keys(&self.yaml, &entries);
        self.yaml.problems.extend(twice);
        self.push(
            Value::Mapping(entries.into()),
            TextRange::new(start, end),
            false,
        )
    }

    /// A block sequence whose `-`s are at column `indent` of the current line and the lines below; a
    /// `compact` one is a mapping value written at its key's column, and ends at the next key.
    fn sequence(&mut self, indent: usize, compact: bool) -> Option<NodeId> {
        let first = self.line()?;
        let start = first.start + indent;
        let mut items = Vec::new();
        loop {
            let line = self.line()?;
            let dash = line.start + indent;
            let rest = dash + 1;
            let value_at = rest + self.source[rest..line.end].len()
                - self.source[rest..line.end].trim_start_matches(' ').len();
            let text = &self.source[value_at..line.end];
            let item = if text.starts_with("- ") || text == "-" {
                return None;
            } else if !text.is_empty() && !text.starts_with('#') && self.is_key(value_at, line.end)
            {
                self.depth += 1;
                let mapping = self.mapping(value_at, value_at - line.start);
                self.depth -= 1;
                mapping?
            } else {
                match self.inline(rest, line.end)? {
                    Inline::Node(value) => {
                        self.advance();
                        value
                    }
                    Inline::Nothing => {
                        self.advance();
                        match self.line.filter(|n| n.indent > indent) {
                            Some(_) => self.block(indent + 1)?,
                            None => self.null(rest),
                        }
                    }
                }
            };
            items.push(item);
            let Some(next) = self.line() else {
                let range = TextRange::new(start, self.close());
                return Some(self.push(Value::Sequence(items.into()), range, false));
            };
            let closed = next.indent < indent || (compact && !next.is_item(self.source));
            if closed && next.indent <= indent {
                let range = TextRange::new(start, self.close());
                return Some(self.push(Value::Sequence(items.into()), range, false));
            }
            if next.indent != indent || !next.is_item(self.source) {
                return None;
            }
        }
    }

    /// Whether a key (`name:` then a space or the line's end) starts at `at`.
    fn is_key(&self, at: usize, end: usize) -> bool {
        let text = &self.source[at..end];
        match text.as_bytes().first() {
            Some(b'"') => double_quoted_end(text).is_some_and(|e| text[e..].starts_with(':')),
            Some(b'\'') => single_quoted_end(text).is_some_and(|e| text[e..].starts_with(':')),
            _ => plain_key_end(text).is_some(),
        }
    }

    /// The key at `at` and where its `:` ends.
    fn key(&mut self, at: usize, end: usize) -> Option<(NodeId, usize)> {
        let text = &self.source[at..end];
        let (node, len) = match text.as_bytes().first()? {
            b'"' | b'\'' => {
                let (node, len) = self.quoted(at, end)?;
                (node, len)
            }
            _ => {
                let len = plain_key_end(text)?;
                let raw = &text[..len];
                (
                    self.scalar(yaml_scalar::plain(raw), ScalarStyle::Plain, at, at + len),
                    len,
                )
            }
        };
        let after = &text[len..];
        let colon_followed =
            after.starts_with(':') && (after.len() == 1 || after[1..].starts_with(' '));
        colon_followed.then_some((node, at + len + 1))
    }

    /// What follows an indicator (`:` or `-`) ending at `at` on a line ending at `end`: nothing (or a
    /// comment), or a one-line value.
    fn inline(&mut self, at: usize, end: usize) -> Option<Inline> {
        let text = &self.source[at..end];
        let value = text.trim_start_matches(' ');
        if value.is_empty() {
            return Some(Inline::Nothing);
        }
        if text.len() == value.len() {
            // (`key:value` is a plain scalar, not a pair: the caller never gets here for one)
            return None;
        }
        let start = at + (text.len() - value.len());
        if value.starts_with('#') {
            self.comment(start);
            return Some(Inline::Nothing);
        }
        let (node, len) = match value.as_bytes()[0] {
            b'[' | b'{' => self.flow(start, end)?,
            b'"' | b'\'' => self.quoted(start, end)?,
            _ => {
                let len = plain_value_end(value)?;
                let raw = &value[..len];
                let node = self.scalar(
                    yaml_scalar::plain(raw),
                    ScalarStyle::Plain,
                    start,
                    start + len,
                );
                (node, len)
            }
        };
        self.rest_of_line(start + len, end)?;
        Some(Inline::Node(node))
    }

    /// After a value: spaces, then a comment or nothing.
    fn rest_of_line(&mut self, at: usize, end: usize) -> Option<()> {
        let rest = &self.source[at..end];
        let trimmed = rest.trim_start_matches(' ');
        if trimmed.is_empty() {
            return Some(());
        }
        if trimmed.starts_with('#') && trimmed.len() < rest.len() {
            self.comment(at + rest.len() - trimmed.len());
            return Some(());
        }
        None
    }

    /// A quoted scalar at `at` that closes on its line; its node and length.
    fn quoted(&mut self, at: usize, end: usize) -> Option<(NodeId, usize)> {
        let text = &self.source[at..end];
        let (len, text, style) = if text.starts_with('"') {
            let len = double_quoted_end(text)?;
            let decoded = yaml_scalar::double_quoted(&text[1..len - 1]);
            (len, decoded, ScalarStyle::DoubleQuoted)
        } else {
            let len = single_quoted_end(text)?;
            let decoded = yaml_scalar::single_quoted(&text[1..len - 1]);
            (len, decoded, ScalarStyle::SingleQuoted)
        };
        Some((self.scalar(text, style, at, at + len), len))
    }

    /// A flow collection at `at` that closes on its line; its node and length.
    fn flow(&mut self, at: usize, end: usize) -> Option<(NodeId, usize)> {
        if self.depth >= MAX_DEPTH / 2 {
            return None;
        }
        self.depth += 1;
        let found = self.flow_collection(at, end);
        self.depth -= 1;
        found
    }

    fn flow_collection(&mut self, at: usize, end: usize) -> Option<(NodeId, usize)> {
        let mapping = self.source[at..].starts_with('{');
        let close = if mapping { '}' } else { ']' };
        let mut pos = self.skip_spaces(at + 1, end);
        let mut items = Vec::new();
        let mut entries = Vec::new();
        if !self.source[pos..end].starts_with(close) {
            loop {
                if mapping {
                    let (key, key_len) = self.flow_node(pos, end, true)?;
                    let after = key_len + pos;
                    if !self.source[after..end].starts_with(": ") {
                        return None;
                    }
                    let value_at = self.skip_spaces(after + 1, end);
                    let (value, value_len) = self.flow_node(value_at, end, false)?;
                    let key_start = self.yaml.nodes[key].range.start;
                    entries.push(Entry {
                        key,
                        value,
                        range: TextRange::new(key_start, value_at + value_len),
                    });
                    pos = self.skip_spaces(value_at + value_len, end);
                } else {
                    let (item, len) = self.flow_node(pos, end, false)?;
                    items.push(item);
                    pos = self.skip_spaces(pos + len, end);
                }
                let rest = &self.source[pos..end];
                if rest.starts_with(close) {
                    break;
                }
                if !rest.starts_with(',') {
                    return None;
                }
                pos = self.skip_spaces(pos + 1, end);
                if self.source[pos..end].starts_with(close) {
                    // (a trailing comma: left to the grammar)
                    return None;
                }
            }
        }
        let range = TextRange::new(at, pos + 1);
        let node = if mapping {
            let twice = duplicate_keys(&self.yaml, &entries);
            self.yaml.problems.extend(twice);
            self.push(Value::Mapping(entries.into()), range, true)
        } else {
            self.push(Value::Sequence(items.into()), range, true)
        };
        Some((node, pos + 1 - at))
    }

    /// A node inside a flow collection at `at`: a nested collection, a quoted scalar, or a plain one
    /// (a `key` one ends at its `: `).
    fn flow_node(&mut self, at: usize, end: usize, key: bool) -> Option<(NodeId, usize)> {
        let text = &self.source[at..end];
        match text.as_bytes().first()? {
            b'[' | b'{' if !key => self.flow(at, end),
            b'"' | b'\'' => self.quoted(at, end),
            _ => {
                let len = plain_flow_end(text, key)?;
                let node = self.scalar(
                    yaml_scalar::plain(&text[..len]),
                    ScalarStyle::Plain,
                    at,
                    at + len,
                );
                Some((node, len))
            }
        }
    }

    fn skip_spaces(&self, at: usize, end: usize) -> usize {
        at + self.source[at..end].len() - self.source[at..end].trim_start_matches(' ').len()
    }

    fn null(&mut self, at: usize) -> NodeId {
        self.push(Value::Null, TextRange::empty(at), false)
    }

    fn scalar(
        &mut self,
        text: CompactString,
        style: ScalarStyle,
        start: usize,
        end: usize,
    ) -> NodeId {
        self.yaml
            .push_scalar(text, style, TextRange::new(start, end))
    }

    fn push(&mut self, value: Value, range: TextRange, flow: bool) -> NodeId {
        self.yaml.push_value(value, range, flow)
    }
}

/// Characters a plain scalar may not start with (they begin other things), and ones this reader leaves
/// to the grammar anywhere in a plain scalar of a block (flow indicators, which the grammar reads
/// differently in keys).
const INDICATORS: &[u8] = b"-?:,[]{}#&*!|>'\"%@`";

/// Whether a plain scalar may start with `text`: not with an indicator, except `-`, `?` and `:` before a
/// letter, a digit or one of a few punctuation marks (`-1`, `--flag`, `:x`; what else YAML allows after
/// them differs between block and flow context, and is left to the grammar).
fn plain_start(text: &str) -> bool {
    let bytes = text.as_bytes();
    match bytes.first() {
        None | Some(b' ') => false,
        Some(b'-' | b'?' | b':') => bytes
            .get(1)
            .is_some_and(|b| b.is_ascii_alphanumeric() || b"._/~$-+=".contains(b)),
        Some(b) => !INDICATORS.contains(b),
    }
}

/// The length of a plain key at the start of `text`, up to the `:` that ends it. A key starting with
/// `-`, `?` or `:` is left to the grammar (it reads `-k:` after a sequence as the sequence's).
fn plain_key_end(text: &str) -> Option<usize> {
    if !plain_start(text) || text.starts_with(['-', '?', ':']) {
        return None;
    }
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|n| *n == b' ') => {
                return (i > 0 && bytes[i - 1] != b' ').then_some(i);
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'' => return None,
            _ => {}
        }
    }
    None
}

/// The length of a one-line plain value at the start of `text`: up to a comment or the line's end, with
/// no `: ` (a second key on the line) and no ending `:`.
fn plain_value_end(text: &str) -> Option<usize> {
    if !plain_start(text) {
        return None;
    }
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b':' if bytes.get(i + 1).is_none_or(|n| *n == b' ') => return None,
            b'#' if i > 0 && bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Some(text[..end].trim_end_matches(' ').len())
}

/// The length of a plain scalar in a flow collection at the start of `text`: up to a flow indicator, or
/// (a `key`) to its `: `.
fn plain_flow_end(text: &str, key: bool) -> Option<usize> {
    if !plain_start(text) {
        return None;
    }
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b',' | b'[' | b']' | b'{' | b'}' => {
                let len = text[..i].trim_end_matches(' ').len();
                return (!key && len > 0).then_some(len);
            }
            b':' if bytes
                .get(i + 1)
                .is_none_or(|n| matches!(n, b' ' | b',' | b']' | b'}')) =>
            {
                return (key && i > 0 && bytes[i - 1] != b' ').then_some(i);
            }
            b'#' if i > 0 && bytes[i - 1] == b' ' => return None,
            b'"' | b'\'' => return None,
            _ => {}
        }
    }
    None
}

/// The length of a double-quoted scalar at the start of `text`, quotes included, if it closes there with
/// only escapes YAML has (the grammar finds any other one wrong).
fn double_quoted_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let hex = |from: usize, count: usize| {
        bytes
            .get(from..from + count)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let digits = match bytes.get(i + 1)? {
                    b'0' | b'a' | b'b' | b't' | b'n' | b'v' | b'f' | b'r' | b'e' | b' ' | b'"'
                    | b'/' | b'\\' | b'N' | b'_' | b'L' | b'P' => 0,
                    b'x' => 2,
                    b'u' => 4,
                    b'U' => 8,
                    _ => return None,
                };
                if !hex(i + 2, digits) {
                    return None;
                }
                i += 2 + digits;
            }
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The length of a single-quoted scalar at the start of `text`, quotes included, if it closes there.
fn single_quoted_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::yaml_pieces::outline;

    fn same(text: &str) -> bool {
        read(text).is_some_and(|lines| outline(&lines) == outline(&Yaml::read_whole(text)))
    }

    #[test]
    fn the_common_shapes_read_as_the_grammar_reads_them() {
        for text in [
            "a: 1\n",
            "a: 1\nb:\nc: x y  # com\n",
            "services:\n  web:\n    image: nginx:1.30\n    user: \"10001:10001\"\n    cap_drop: [ALL]\n    ports: [\"127.0.0.1:8000:80\", b]\n    environment:\n      MODE: prod\n      # trailing   \n  db:\n    x: {a: 1, b: [c]}\n",
            "# lead\na:\n- 1\n-\n- b: 2\n  c: 3\n\n\n",
            "---\na: 1\n",
            "# x\n---\na:\n  b: 1\n# c0\nc: 2\n",
            "a:\n  - 1\n  # x\nb: 3\n",
            "- a: 1\n  # z\n",
            "\"a\": 1\n'b': 2\nc: 'it''s'\nd: \"\\x41\"\n",
            "a:\n  b: 1 # x   \nc: 2\n",
            "a: []\nb: {}\nc: [ a , b ]\n",
        ] {
            assert!(same(text), "{text:?}");
        }
    }

    #[test]
    fn other_shapes_are_left_to_the_grammar() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: |\n  text\n",
            "a: one\n  two\n",
            "a: [1,\n  2]\n",
            "a: 1\n---\nb: 2\n",
            "? a\n: 1\n",
            "a:\tb\n",
            "a: 1\r\n",
            "just a scalar\n",
            "a: b: c\n",
            "a: [1, 2,]\n",
            "",
            "# only a comment\n",
        ] {
            assert!(read(text).is_none(), "{text:?}");
        }
    }

    /// A document of the common shape, to write out.
    #[derive(Debug, Clone)]
    enum Shape {
        Scalar(&'static str),
        Mapping(Vec<(&'static str, Shape)>),
        Sequence(Vec<Shape>),
    }

    /// Scalars (and flow collections) of the kinds files hold.
    const COMMON: &[&str] = &[
        "a",
        "b c",
        "1",
        "x:y",
        "é",
        "http://h/p?q=1",
        "-1",
        "~",
        "\"q: 1\"",
        "'it''s'",
        "[a, b]",
        "{k: v, l: [m]}",
        "[]",
        "{}",
        "\"\"",
        "a#b",
        "true",
        "don't",
        "--flag=1",
    ];
    /// Odd ones, most of them left to the grammar.
    const ODD: &[&str] = &[
        "?x",
        ":x",
        "x:",
        "a,b",
        "[a",
        "{a: }",
        "[a: b]",
        "\"\\x41\\u00e9\\t\"",
        "'a''b'",
        "@x",
        "%x",
        "!x",
        "*x",
        "&x",
        "|",
        ">",
        "`x`",
        "\"a\" b",
        "[\"a\", 'b', [c, {d: e}]]",
        "0o12",
        "- a",
        "a - b",
        "\"#\"",
        "a: b",
        "[a,b]",
        "{a: [b, c], 'd': \"e\"}",
        "😀",
        "\\",
        "\"\\\"\"",
    ];
    const KEYS: &[&str] = &[
        "a", "b", "image", "x.y/z", "\"q\"", "'s'", "a", "-k", "k v", "\"k: v\"", "x-y", "1", "é",
        "<<", "a#b", "'it''s'", "\"\\n\"",
    ];

    fn shape(odd: bool) -> impl proptest::strategy::Strategy<Value = Shape> {
        use proptest::prelude::*;
        let scalars = if odd {
            prop_oneof![
                proptest::sample::select(COMMON),
                proptest::sample::select(ODD)
            ]
            .boxed()
        } else {
            proptest::sample::select(COMMON).boxed()
        };
        let leaf = scalars.prop_map(Shape::Scalar);
        leaf.prop_recursive(5, 40, 4, |inner| {
            prop_oneof![
                proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 1..4)
                    .prop_map(Shape::Mapping),
                proptest::collection::vec(inner, 1..4).prop_map(Shape::Sequence),
            ]
        })
    }

    /// Write `shape` at `indent`, as the value after a key (`after_key`) or at the start of a line;
    /// `extras` picks where comments and blank lines go.
    fn write(shape: &Shape, indent: usize, out: &mut String, extras: &mut dyn Iterator<Item = u8>) {
        let pad = " ".repeat(indent);
        let extra = |out: &mut String, extras: &mut dyn Iterator<Item = u8>| match extras
            .next()
            .unwrap_or(0)
            % 6
        {
            0 => out.push_str(" # c"),
            1 => out.push('\n'),
            2 => {
                out.push('\n');
                out.push_str(&pad);
                out.push_str("# d   ");
            }
            _ => {}
        };
        match shape {
            Shape::Scalar(text) => out.push_str(text),
            Shape::Mapping(entries) => {
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        out.push_str(&pad);
                    }
                    out.push_str(key);
                    out.push(':');
                    match value {
                        Shape::Scalar(_) => {
                            out.push(' ');
                            write(value, indent + 2, out, extras);
                            extra(out, extras);
                        }
                        Shape::Sequence(_) if indent % 4 == 0 => {
                            out.push('\n');
                            out.push_str(&pad);
                            write(value, indent, out, extras);
                        }
                        _ => {
                            out.push('\n');
                            out.push_str(&" ".repeat(indent + 2));
                            write(value, indent + 2, out, extras);
                        }
                    }
                }
            }
            Shape::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push('\n');
                        out.push_str(&pad);
                    }
                    out.push_str("- ");
                    write(item, indent + 2, out, extras);
                    if matches!(item, Shape::Scalar(_)) {
                        extra(out, extras);
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Whatever text this reader takes, it reads as the grammar's tree does: documents of the common
        /// shape written out, with comments and blank lines here and there, and some with a piece of
        /// anything put in.
        #[test]
        fn what_is_read_line_by_line_is_what_the_grammar_reads(
            shape in shape(true),
            extras in proptest::collection::vec(0u8..255, 64),
            insert in proptest::option::of((0.0f64..1.0, 0..PIECES.len())),
        ) {
            let mut text = String::new();
            write(&shape, 0, &mut text, &mut extras.into_iter().cycle());
            text.push('\n');
            if let Some((at, piece)) = insert {
                let mut at = (at * text.len() as f64) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, PIECES[piece]);
            }
            if let Some(lines) = read(&text) {
                proptest::prop_assert_eq!(outline(&lines), outline(&Yaml::read_whole(&text)), "{:?}", text);
            }
        }
    }

    /// The generated documents of common scalars are mostly of the shape this reader takes (else the
    /// property above says little).
    #[test]
    fn most_generated_documents_are_read_line_by_line() {
        use proptest::strategy::{Strategy, ValueTree};
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut read_by_lines, total) = (0, 200);
        for _ in 0..total {
            let shape = shape(false)
                .new_tree(&mut runner)
                .expect("a shape")
                .current();
            let mut text = String::new();
            write(&shape, 0, &mut text, &mut (0u8..255).cycle());
            text.push('\n');
            read_by_lines += usize::from(read(&text).is_some());
        }
        assert!(read_by_lines * 2 > total, "{read_by_lines} of {total}");
    }

    const PIECES: &[&str] = &[
        "a",
        "b",
        "é",
        "1",
        ": ",
        ":",
        "\n",
        "\n",
        "\n",
        "  ",
        " ",
        "- ",
        "-",
        "[",
        "]",
        "{",
        "}",
        ", ",
        ",",
        "\"x\"",
        "'y'",
        "\"",
        "'",
        "# c",
        "#",
        "---\n",
        "k: v\n",
        "  - x\n",
        "a:\n  b: 1\n",
        "  ",
        "\\",
        "x: [a, {b: c}]\n",
    ];
}
