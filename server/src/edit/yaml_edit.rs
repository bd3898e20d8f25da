//! Editing YAML the way a person would: new keys at the indentation of their siblings, block mappings stay
//! block and flow collections stay flow, untouched lines are never reformatted, comments stay where they are.
//!
//! Every function returns [`Edit`]s against the original text; none re-serialises a document.

use crate::document::TextRange;
use crate::edit::fix::Edit;
use crate::edit::lines::{line_end_with_break, line_ending, line_start};
use crate::model::yaml::{NodeId, ScalarStyle, Value, Yaml};

/// A small YAML value to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Y {
    /// Written as is: `true`, `10001`, `"10001:10001"`.
    Scalar(String),
    /// Written in flow style: `[ALL]`.
    List(Vec<String>),
    Map(Vec<(String, Y)>),
    /// A sequence of values written in block style, one `- ` item per value (`volumeMounts:` entries).
    Seq(Vec<Y>),
}

impl Y {
    /// A literal of the fix's own, written as is (`true`, `"10001:10001"`).
    pub fn scalar(text: impl Into<String>) -> Self {
        Y::Scalar(text.into())
    }

    /// Text taken from the input (a name, a path), written so that YAML reads back exactly that string.
    pub fn text(text: &str) -> Self {
        Y::Scalar(string_scalar(text))
    }

    pub fn map(entries: impl IntoIterator<Item = (&'static str, Y)>) -> Self {
        Y::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }

    fn flow(&self) -> String {
        match self {
            Y::Scalar(s) => s.clone(),
            Y::List(items) => format!("[{}]", items.join(", ")),
            Y::Map(entries) => {
                let inner: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", string_scalar(k), v.flow()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Y::Seq(items) => {
                let inner: Vec<String> = items.iter().map(Y::flow).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }

    /// This value as one block sequence item at `indent`: `- key: value` with the other keys under it.
    fn item(&self, indent: usize, eol: &str, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Y::Map(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    let mut line = String::new();
                    v.block(k, indent + 2, eol, &mut line);
                    if i == 0 {
                        out.push_str(&format!("{pad}- {}", &line[indent + 2..]));
                    } else {
                        out.push_str(eol);
                        out.push_str(&line);
                    }
                }
            }
            other => out.push_str(&format!("{pad}- {}", other.flow())),
        }
    }

    /// `key: value` lines at `indent`, nested maps indented two more columns.
    fn block(&self, key: &str, indent: usize, eol: &str, out: &mut String) {
        let pad = " ".repeat(indent);
        match self {
            Y::Map(entries) => {
                out.push_str(&format!("{pad}{}:", string_scalar(key)));
                for (k, v) in entries {
                    out.push_str(eol);
                    v.block(k, indent + 2, eol, out);
                }
            }
            Y::Seq(items) => {
                out.push_str(&format!("{pad}{}:", string_scalar(key)));
                for item in items {
                    out.push_str(eol);
                    item.item(indent + 2, eol, out);
                }
            }
            other => out.push_str(&format!("{pad}{}: {}", string_scalar(key), other.flow())),
        }
    }
}

/// The column (in bytes) of `offset` on its line.
pub fn column(source: &str, offset: usize) -> usize {
    offset - line_start(source, offset)
}

/// The indentation of a mapping's keys, or of a sequence's items.
fn child_column(source: &str, yaml: &Yaml, id: NodeId) -> Option<usize> {
    let node = yaml.node(id);
    let first = match &node.value {
        Value::Mapping(entries) => entries.first().map(|e| e.range.start),
        Value::Sequence(items) => items.first().map(|_| node.range.start),
        _ => None,
    }?;
    Some(column(source, first))
}

/// Insert `entries` into mapping `map` (written at `map`, not through an alias): after its last pair, at the
/// indentation of its keys (block style), or before its closing brace (flow style).
pub fn insert_entries(
    source: &str,
    yaml: &Yaml,
    map: NodeId,
    entries: &[(String, Y)],
) -> Option<Edit> {
    if entries.is_empty() {
        return None;
    }
    let node = yaml.node(map);
    let Value::Mapping(existing) = &node.value else {
        return None;
    };
    if node.flow {
        let text: Vec<String> = entries
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.flow()))
            .collect();
        return Some(match existing.last() {
            Some(last) => Edit::insert(last.range.end, format!(", {}", text.join(", "))),
            None => Edit::replace(node.range, format!("{{{}}}", text.join(", "))),
        });
    }
    let last = existing.last()?;
    let indent = child_column(source, yaml, map)?;
    let eol = line_ending(source);
    let at = line_end_before_break(source, content_end(source, yaml, last.range));
    let mut text = String::new();
    for (key, value) in entries {
        text.push_str(eol);
        value.block(key, indent, eol, &mut text);
    }
    Some(Edit::insert(at, text))
}

/// Give a key whose value is empty (`securityContext:` or `securityContext: ~`) a block mapping of
/// `entries`, indented under the key.
pub fn fill_null(
    source: &str,
    key_range: TextRange,
    value: NodeId,
    yaml: &Yaml,
    entries: &[(String, Y)],
) -> Edit {
    let eol = line_ending(source);
    let indent = column(source, key_range.start) + 2;
    let mut text = String::new();
    for (key, v) in entries {
        text.push_str(eol);
        v.block(key, indent, eol, &mut text);
    }
    let written = yaml.node(value).range;
    if written.is_empty() {
        Edit::insert(line_end_before_break(source, key_range.end), text)
    } else {
        // Replace from just after the key (the colon stays) through the written `~`/`null`.
        let colon = source[key_range.end..written.start]
            .find(':')
            .map_or(key_range.end, |i| key_range.end + i + 1);
        Edit::replace(TextRange::new(colon, written.end), text)
    }
}

/// Append `item` to sequence `seq` in its own style: `[a]` → `[a, item]`, or a new `- item` line.
pub fn append_item(source: &str, yaml: &Yaml, seq: NodeId, item: &str) -> Option<Edit> {
    let node = yaml.node(seq);
    let Value::Sequence(items) = &node.value else {
        return None;
    };
    if node.flow {
        return Some(match items.last() {
            Some(&last) => Edit::insert(yaml.node(last).range.end, format!(", {item}")),
            None => Edit::replace(node.range, format!("[{item}]")),
        });
    }
    let &last = items.last()?;
    let indent = column(source, node.range.start);
    let at = line_end_before_break(source, content_end(source, yaml, yaml.node(last).range));
    Some(Edit::insert(
        at,
        format!("{}{}- {item}", line_ending(source), " ".repeat(indent)),
    ))
}

/// Append `items` (mappings or scalars) to sequence `seq` in its own style, as one edit: `, {…}` in a flow
/// sequence, `- key: value` items with their other keys under them in a block sequence.
pub fn append_values(source: &str, yaml: &Yaml, seq: NodeId, items: &[Y]) -> Option<Edit> {
    let node = yaml.node(seq);
    let Value::Sequence(existing) = &node.value else {
        return None;
    };
    if items.is_empty() {
        return None;
    }
    if node.flow {
        let flow: Vec<String> = items.iter().map(Y::flow).collect();
        return append_item(source, yaml, seq, &flow.join(", "));
    }
    let &last = existing.last()?;
    let indent = column(source, node.range.start);
    let at = line_end_before_break(source, content_end(source, yaml, yaml.node(last).range));
    let eol = line_ending(source);
    let mut text = String::new();
    for item in items {
        text.push_str(eol);
        item.item(indent, eol, &mut text);
    }
    Some(Edit::insert(at, text))
}

/// Remove `item` from sequence `seq`: its `- item` line in block style, the item and one comma in flow style.
pub fn remove_item(source: &str, yaml: &Yaml, seq: NodeId, item: NodeId) -> Option<Edit> {
    let node = yaml.node(seq);
    let Value::Sequence(items) = &node.value else {
        return None;
    };
    let range = yaml.node(item).range;
    let range = TextRange::new(range.start, content_end(source, yaml, range));
    if node.flow {
        if items.len() == 1 {
            return Some(Edit::replace(node.range, "[]"));
        }
        let after = &source[range.end..];
        if after.trim_start().starts_with(',') {
            let comma = range.end + after.find(',')? + 1;
            let spaces = source[comma..].len() - source[comma..].trim_start_matches(' ').len();
            return Some(Edit::delete(TextRange::new(range.start, comma + spaces)));
        }
        let before = &source[..range.start];
        let comma = before.rfind(',')?;
        return Some(Edit::delete(TextRange::new(comma, range.end)));
    }
    if items.len() == 1 {
        // The list would become null: keep it a list, `key: []`, written after the key's colon.
        let before = &source[..node.range.start];
        let colon = before.rfind(':')?;
        if !before[colon + 1..].trim().is_empty() {
            return None;
        }
        let line = TextRange::new(
            line_start(source, range.start),
            line_end_with_break(source, range.end),
        );
        let eol = if source[line.start..line.end].ends_with(['\n', '\r']) {
            line_ending(source)
        } else {
            ""
        };
        return Some(Edit::replace(
            TextRange::new(colon + 1, line.end),
            format!(" []{eol}"),
        ));
    }
    Some(Edit::delete(TextRange::new(
        line_start(source, range.start),
        line_end_with_break(source, range.end),
    )))
}

/// `text` as a YAML scalar that every reader takes for exactly that string: plain when it is a simple word
/// (letters, digits, `_ . / -`) that no YAML version reads as a number, boolean or null; double-quoted with
/// escapes otherwise, so a name with a line break or a `: ` cannot add keys or documents.
pub fn string_scalar(text: &str) -> String {
    let word = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    let first_ok = text
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '/');
    const NOT_STRINGS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    let keyword = NOT_STRINGS.iter().any(|k| text.eq_ignore_ascii_case(k));
    if word && first_ok && !keyword {
        text.to_owned()
    } else {
        double_quoted(text)
    }
}

/// `text` in double quotes, with every character YAML would not read back as itself escaped: `\`, `"`,
/// control characters, and the characters YAML 1.1 takes for line breaks (U+0085, U+2028, U+2029) or
/// strips (U+FEFF).
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` written as a scalar in the style of the scalar at `node`: plain stays plain when YAML allows it,
/// single quotes stay single, anything else is double-quoted.
pub fn styled_scalar(yaml: &Yaml, node: NodeId, text: &str) -> String {
    let scalar = yaml.node(yaml.resolve(node));
    let style = match &scalar.value {
        Value::Scalar(_) => scalar.style,
        _ => ScalarStyle::DoubleQuoted,
    };
    let plain_ok = !text.is_empty()
        && !text.contains(": ")
        && !text.contains(" #")
        // Flow indicators would end the scalar inside a flow collection.
        && !text.contains(['{', '}', '[', ']', ','])
        && !text.ends_with(':')
        && !text.starts_with([
            '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%',
            '@', '`', ' ',
        ])
        && !text.ends_with(' ');
    // Line breaks and control characters are safe only behind double-quote escapes.
    let printable = !text
        .chars()
        .any(|c| c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'));
    match style {
        ScalarStyle::Plain if plain_ok && printable => text.to_owned(),
        ScalarStyle::SingleQuoted if printable => format!("'{}'", text.replace('\'', "''")),
        _ => double_quoted(text),
    }
}

/// Replace a scalar value.
pub fn replace_value(yaml: &Yaml, value: NodeId, text: &str) -> Edit {
    Edit::replace(yaml.node(value).range, text)
}

/// Remove a `key: value` pair: its whole lines in block style, the pair and one comma in flow style.
pub fn remove_entry(source: &str, yaml: &Yaml, map: NodeId, entry_range: TextRange) -> Edit {
    let entry_range = TextRange::new(entry_range.start, content_end(source, yaml, entry_range));
    let node = yaml.node(map);
    if node.flow {
        let after = &source[entry_range.end..];
        let trailing = after.len() - after.trim_start_matches([' ', ',']).len();
        if after.trim_start().starts_with(',') {
            return Edit::delete(TextRange::new(
                entry_range.start,
                entry_range.end + trailing,
            ));
        }
        let before = &source[..entry_range.start];
        let leading = before.len() - before.trim_end_matches([' ', ',']).len();
        return Edit::delete(TextRange::new(entry_range.start - leading, entry_range.end));
    }
    if let Value::Mapping(entries) = &node.value {
        if entries.len() == 1 {
            // The only pair: the mapping stays a mapping (an anchor merged elsewhere must not become null).
            return Edit::replace(entry_range, "{}");
        }
    }
    let start = line_start(source, entry_range.start);
    let prefix = &source[start..entry_range.start];
    if !prefix.trim().is_empty() {
        // The pair shares its line with a `- ` item marker: keep the marker's line, drop only the pair.
        return Edit::delete(TextRange::new(
            entry_range.start,
            line_end_before_break(source, entry_range.end),
        ));
    }
    Edit::delete(TextRange::new(
        start,
        line_end_with_break(source, entry_range.end),
    ))
}

/// The end of a node's text without the line breaks and spaces tree-sitter may count as part of it.
/// Where the content of `range` ends: before trailing blanks and before the comment lines the grammar folds
/// into a node's end, which introduce whatever comes next (a new key goes above them, not under them).
fn content_end(source: &str, yaml: &Yaml, range: TextRange) -> usize {
    let mut end = range.start + range.slice(source).trim_end().len();
    loop {
        let line = line_start(source, end.saturating_sub(1).max(range.start));
        let text = &source[line..end];
        let indent = text.len() - text.trim_start().len();
        let is_comment = yaml.comments.binary_search(&(line + indent)).is_ok();
        if line <= range.start || !is_comment {
            return end;
        }
        end = line.max(range.start);
        end = range.start + source[range.start..end].trim_end().len();
    }
}

/// The end of the line containing `offset`, before its line break.
pub fn line_end_before_break(source: &str, offset: usize) -> usize {
    let rest = &source[offset.min(source.len())..];
    offset + rest.find(['\n', '\r']).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::fix::apply_edits;

    fn yaml(text: &str) -> Yaml {
        Yaml::read(text)
    }

    /// Input-derived text written by a fix reads back as exactly that string, and adds nothing else.
    #[test]
    fn string_scalars_read_back_as_the_same_string() {
        let texts = [
            "shop",
            "my-app.v2/x",
            "_private",
            "prod\nkind: Secret",
            "a: b",
            "x\r\n---\ny: 1",
            "true",
            "yes",
            "On",
            "null",
            "~",
            "123",
            "0x1F",
            "1e3",
            ".inf",
            "-a",
            "",
            " lead",
            "trail ",
            "#no",
            "quote\"s",
            "back\\slash",
            "tab\there",
            "\u{1b}[2J",
            "\u{85}next",
            "line\u{2028}sep",
            "\u{feff}bom",
            "\u{7f}del",
            "é ü 🏴\u{e0001}",
            "{a: 1}",
            "[x]",
            "*alias",
            "&anchor",
            "!tag",
            "%dir",
            "@at",
            "`tick",
            "key:",
            "? q",
        ];
        for text in texts {
            for written in [string_scalar(text), double_quoted(text)] {
                let document = format!("value: {written}\nafter: 1\n");
                let read: std::collections::BTreeMap<String, serde_yaml_ng::Value> =
                    serde_yaml_ng::from_str(&document)
                        .unwrap_or_else(|e| panic!("{text:?} as {written}: {e}"));
                assert_eq!(read.len(), 2, "{text:?} as {written}");
                assert_eq!(
                    read["value"],
                    serde_yaml_ng::Value::String(text.to_owned()),
                    "{text:?} as {written}"
                );
            }
        }
        assert_eq!(string_scalar("shop"), "shop");
        assert_eq!(string_scalar("true"), "\"true\"");
    }

    #[test]
    fn insert_into_block_and_flow_mappings() {
        let text = "c:\n  name: app  # keep me\n  image: x\nd: {a: 1}\n";
        let y = yaml(text);
        let root = y.documents[0].root.expect("root");
        let c = y.path(root, &["c"]).expect("c");
        let caps = Y::map([("drop", Y::List(vec!["ALL".into()]))]);
        let edit =
            insert_entries(text, &y, c, &[("capabilities".into(), caps.clone())]).expect("edit");
        assert_eq!(
            apply_edits(text, &[edit]).as_deref(),
            Some(
                "c:\n  name: app  # keep me\n  image: x\n  capabilities:\n    drop: [ALL]\nd: {a: 1}\n"
            )
        );
        let d = y.path(root, &["d"]).expect("d");
        let edit = insert_entries(text, &y, d, &[("capabilities".into(), caps)]).expect("edit");
        assert_eq!(
            apply_edits(text, &[edit]).as_deref(),
            Some(
                "c:\n  name: app  # keep me\n  image: x\nd: {a: 1, capabilities: {drop: [ALL]}}\n"
            )
        );
    }

    #[test]
    fn append_in_the_sequence_style() {
        let text = "a: [NET_RAW]\nb:\n  - X\nc: []\n";
        let y = yaml(text);
        let root = y.documents[0].root.expect("root");
        let edits: Vec<Edit> = ["a", "b", "c"]
            .iter()
            .filter_map(|k| append_item(text, &y, y.path(root, &[k])?, "ALL"))
            .collect();
        assert_eq!(
            apply_edits(text, &edits).as_deref(),
            Some("a: [NET_RAW, ALL]\nb:\n  - X\n  - ALL\nc: [ALL]\n")
        );
    }

    #[test]
    fn fill_an_empty_key_and_remove_pairs() {
        let text = "s:\n  sc:\n  privileged: true\n  f: {a: 1, b: 2}\n";
        let y = yaml(text);
        let root = y.documents[0].root.expect("root");
        let s = y.path(root, &["s"]).expect("s");
        let sc = y.get(s, "sc").expect("sc");
        let fill = fill_null(
            text,
            y.node(sc.key_node).range,
            sc.value,
            &y,
            &[("runAsNonRoot".into(), Y::scalar("true"))],
        );
        let tilde = "sc: ~\n";
        let ty = yaml(tilde);
        let m = ty
            .get(ty.documents[0].root.expect("root"), "sc")
            .expect("sc");
        let edit = fill_null(
            tilde,
            ty.node(m.key_node).range,
            m.value,
            &ty,
            &[("a".into(), Y::scalar("1"))],
        );
        assert_eq!(
            apply_edits(tilde, &[edit]).as_deref(),
            Some("sc:\n  a: 1\n")
        );
        let privileged = y.get(s, "privileged").expect("privileged");
        let remove = remove_entry(text, &y, s, privileged.range);
        assert_eq!(
            apply_edits(text, &[fill, remove]).as_deref(),
            Some("s:\n  sc:\n    runAsNonRoot: true\n  f: {a: 1, b: 2}\n")
        );
        let f = y.path(s, &["f"]).expect("f");
        let a = y.get(f, "a").expect("a");
        assert_eq!(
            apply_edits(text, &[remove_entry(text, &y, f, a.range)]).as_deref(),
            Some("s:\n  sc:\n  privileged: true\n  f: {b: 2}\n")
        );
    }
}
