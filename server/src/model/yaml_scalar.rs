//! The string a YAML scalar stands for, decoded as a YAML 1.2 reader decodes it.
//!
//! Rules compare names and values, so they must see what Kubernetes and Compose see: `"DB_P\x41SSWORD"` is
//! `DB_PASSWORD`, `'it''s'` is `it's`, a multi-line flow scalar is folded (one line break becomes a space,
//! `n` breaks become `n - 1` newlines, the indentation of continuation lines is not content), and block
//! scalars follow their indentation and chomping indicators. Edits still target the raw text: the model keeps
//! each node's range beside its decoded value.

use compact_str::CompactString;

/// A plain (unquoted) scalar.
pub fn plain(raw: &str) -> CompactString {
    fold(raw, '\n', |_| None)
}

/// The inside of a single-quoted scalar (without the quotes): `''` is one quote.
pub fn single_quoted(inner: &str) -> CompactString {
    fold(inner, '\'', |rest| {
        rest.starts_with("''").then(|| ("'".into(), 2))
    })
}

/// The inside of a double-quoted scalar (without the quotes), with every escape of YAML 1.2 §5.7 decoded.
pub fn double_quoted(inner: &str) -> CompactString {
    fold(inner, '\\', |rest| {
        let mut chars = rest.chars();
        if chars.next() != Some('\\') {
            return None;
        }
        let next = chars.next()?;
        let simple = match next {
            '0' => Some('\0'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            't' | '\t' => Some('\t'),
            'n' => Some('\n'),
            'v' => Some('\u{b}'),
            'f' => Some('\u{c}'),
            'r' => Some('\r'),
            'e' => Some('\u{1b}'),
            ' ' => Some(' '),
            '"' => Some('"'),
            '/' => Some('/'),
            '\\' => Some('\\'),
            'N' => Some('\u{85}'),
            '_' => Some('\u{a0}'),
            'L' => Some('\u{2028}'),
            'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(c) = simple {
            return Some((c.to_string(), 1 + next.len_utf8()));
        }
        let digits = match next {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            // An escaped line break joins the lines with nothing between them.
            '\n' | '\r' => {
                let after = &rest[2..];
                let after = after
                    .strip_prefix('\n')
                    .filter(|_| next == '\r')
                    .unwrap_or(after);
                let blank = after.len() - after.trim_start_matches([' ', '\t']).len();
                return Some((String::new(), rest.len() - after.len() + blank));
            }
            // Not an escape YAML knows (a reader rejects the file): the character itself.
            other => return Some((other.to_string(), 1 + other.len_utf8())),
        };
        let hex = rest.get(2..2 + digits)?;
        let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
        Some((c.to_string(), 2 + digits))
    })
}

/// Line folding of flow scalars (YAML 1.2 §7.3): trailing and leading white space around a line break is
/// dropped, a single break becomes a space and `n` breaks `n - 1` newlines. `escape` decodes the escape at
/// the start of the text it is given (its text and how many bytes it took), or says there is none; decoded
/// text is never trimmed.
/// `raw` with its line breaks folded and its escapes (which begin with `marker`) decoded: `raw` itself when
/// it has neither, as most scalars of a file.
fn fold(
    raw: &str,
    marker: char,
    escape: impl Fn(&str) -> Option<(String, usize)>,
) -> CompactString {
    if !raw.contains(['\n', '\r', marker]) {
        return raw.into();
    }
    let mut out = CompactString::with_capacity(raw.len());
    // Where white space that a following line break would drop begins in `out`.
    let mut trimmable = 0;
    let mut at = 0;
    while at < raw.len() {
        let rest = &raw[at..];
        if let Some((text, used)) = escape(rest) {
            out.push_str(&text);
            trimmable = out.len();
            at += used.max(1);
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '\n' || c == '\r' {
            out.truncate(trimmable.max(out.trim_end_matches([' ', '\t']).len()));
            let (breaks, used) = line_breaks(rest);
            if breaks == 1 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', breaks - 1));
            }
            trimmable = out.len();
            at += used;
            continue;
        }
        out.push(c);
        if c != ' ' && c != '\t' {
            trimmable = out.len();
        }
        at += c.len_utf8();
    }
    // The white space that ends a multi-line plain scalar is not part of it (the parser stops before it).
    out
}

/// How many line breaks start `text` (blank lines in between count), and how many bytes they and the
/// indentation after the last take.
fn line_breaks(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut breaks, mut at, mut after_last) = (0, 0, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                breaks += 1;
                at += 2;
                after_last = at;
            }
            b'\n' | b'\r' => {
                breaks += 1;
                at += 1;
                after_last = at;
            }
            b' ' | b'\t' => at += 1,
            _ => break,
        }
    }
    // Indentation after the last break is skipped too; white space that ends the text stays consumed.
    (breaks, if at > after_last { at } else { after_last })
}

/// A `|` or `>` block scalar, header line included: indentation from the indicator or the first non-empty
/// line, literal lines kept, folded lines joined (except around more-indented and empty lines), and the
/// final line breaks chomped as `-` (strip), `+` (keep) or neither (clip: one) says. `parent` is the
/// indentation of the header's line.
pub fn block(raw: &str, parent: usize) -> String {
    let mut lines = raw.split_inclusive('\n');
    let header = lines.next().unwrap_or("");
    let header = header.split(" #").next().unwrap_or(header).trim();
    let folded = header.starts_with('>');
    let chomp = if header.contains('-') {
        Chomp::Strip
    } else if header.contains('+') {
        Chomp::Keep
    } else {
        Chomp::Clip
    };
    let body: Vec<&str> = lines
        .map(|l| l.trim_end_matches('\n').trim_end_matches('\r'))
        .collect();
    let explicit = header
        .chars()
        .find_map(|c| c.to_digit(10))
        .map(|d| d as usize);
    // An explicit indicator counts from the indentation of the line the header is on.
    let indent = explicit.map_or_else(
        || {
            body.iter()
                .find(|l| !l.trim().is_empty())
                .map_or(0, |l| l.len() - l.trim_start_matches(' ').len())
        },
        |d| parent + d,
    );
    let content: Vec<&str> = body.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
    let last = content.iter().rposition(|l| !l.is_empty());
    let (kept, trailing) = match last {
        Some(i) => (&content[..=i], content.len() - i - 1),
        None => (&content[..0], content.len()),
    };
    let mut out = String::new();
    for (i, line) in kept.iter().enumerate() {
        if i > 0 {
            let previous = kept[i - 1];
            let joins = folded
                && !line.is_empty()
                && !previous.is_empty()
                && !line.starts_with([' ', '\t'])
                && !previous.starts_with([' ', '\t']);
            out.push(if joins { ' ' } else { '\n' });
        }
        // Folding drops the line break before a run of empty lines; each empty line is a newline.
        if folded && line.is_empty() {
            let next_normal = kept
                .get(i + 1)
                .is_some_and(|n| !n.is_empty() && !n.starts_with([' ', '\t']));
            let prev_normal =
                i > 0 && !kept[i - 1].is_empty() && !kept[i - 1].starts_with([' ', '\t']);
            if prev_normal && next_normal && out.ends_with('\n') {
                out.pop();
            }
        }
        out.push_str(line);
    }
    match (chomp, last) {
        (_, None) if chomp != Chomp::Keep => {}
        (Chomp::Strip, _) => {}
        (Chomp::Clip, _) => out.push('\n'),
        (Chomp::Keep, _) => {
            out.push('\n');
            out.extend(std::iter::repeat_n('\n', trailing));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scalar decodes to what an independent YAML reader (serde_yaml_ng) reads from the same text.
    #[test]
    fn scalars_decode_as_a_yaml_reader_reads_them() {
        let cases = [
            "\"DB_P\\x41SSWORD\"",
            "\"tab\\there \\u00e9 \\U0001F600 \\e[2J \\N \\_ \\L \\P \\/ \\\\ \\\" \\0\"",
            "\"a\\r\\nb\"",
            "\"folded\n  line\n\n  para\"",
            "\"escaped \\\n   break\"",
            "\"keep \\  space\n  next\"",
            "'it''s'",
            "'one\n  two\n\n\n  three'",
            "plain words  with  double spaces",
            "plain\n  continued\n\n  after blank",
            "|\n  line one\n  line two\n",
            "|-\n  stripped\n\n",
            "|+\n  kept\n\n",
            ">\n  folded one\n  folded two\n\n  new paragraph\n",
            ">\n  normal\n    more indented\n  back\n",
            ">-\n  a\n  b\n",
            "|2\n   three spaces\n",
        ];
        for case in cases {
            let document = format!("k: {}\n", case.replace('\n', "\n  "));
            let expected: std::collections::BTreeMap<String, String> =
                serde_yaml_ng::from_str(&document).unwrap_or_else(|e| panic!("{document:?}: {e}"));
            let raw = &document[3..document.len() - 1];
            let decoded = if let Some(inner) =
                raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
            {
                double_quoted(inner)
            } else if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
                single_quoted(inner)
            } else if raw.starts_with(['|', '>']) {
                block(raw, 0).into()
            } else {
                plain(raw)
            };
            assert_eq!(decoded, expected["k"], "{document:?}");
        }
    }
}
