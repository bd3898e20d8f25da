//! Where a large YAML document can be cut into pieces that the grammar reads one by one.
//!
//! A tree costs tens of bytes per byte of YAML and one document is parsed on one thread, so a document of
//! tens of MiB (a Compose file of thousands of services) would hold gigabytes and take one core's time. It is
//! cut at lines that begin a key of a block mapping; each piece is parsed as the lines of the keys above that
//! mapping (its *spine*: `services:`) followed by its own lines, through tree-sitter's included ranges, so
//! every node keeps its place in the whole text. The pieces' views are then joined (see
//! `model::yaml_pieces`).
//!
//! A cut is made only where the reader is sure of the state of the text: outside any flow collection,
//! quoted scalar or block scalar, at a plain key whose every enclosing line is a bare `key:` line. Where it
//! cannot be sure (document markers, directives, NUL), the document is not cut. Anything the grammar
//! finds wrong in a piece makes the caller read the document whole, so its errors are the whole's.

use tree_sitter::{Point, Range};

/// One piece: the text ranges the grammar reads, in order, and how many of them are spine lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub ranges: Vec<Range>,
    /// The keys above the piece's first line (the spine's lines, before its own range).
    pub spine: usize,
}

/// One line of the text, as the reader tracks it.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// After its line break.
    end: usize,
    row: usize,
    indent: usize,
    /// A bare `key:` line: a mapping's key whose value is the block below.
    header: bool,
}

/// What a line leaves open for the next: a flow collection's depth, a quoted scalar, a block scalar.
#[derive(Debug, Default)]
struct Open {
    flow: usize,
    quote: Option<u8>,
    /// The indentation of the line that began a block scalar (its content is indented deeper).
    block: Option<usize>,
}

/// The pieces of `text`, each about `size` bytes (at a line that can begin one); `None` when it is not cut
/// in at least two.
pub fn split(text: &str, size: usize) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut open = Open::default();
    // The enclosing lines of the current one, by indentation.
    let mut stack: Vec<Line> = Vec::new();
    // (where the current piece starts, its row, its spine)
    let mut current = (0, 0, Vec::<Line>::new());
    // Whether the current piece has a line of its own that is not a comment (a piece of comments alone
    // holds no node to join).
    let mut has_content = false;
    // The line before gave an anchor or a tag alone: they belong to the node that begins on this line.
    let mut properties = false;
    let mut start = 0;
    for (row, raw) in text.split_inclusive('\n').enumerate() {
        let bytes = raw.as_bytes();
        let content = raw.trim_end_matches(['\n', '\r']);
        let indent = content.bytes().take_while(|b| *b == b' ').count();
        let blank = content[indent..].trim().is_empty();
        let end = start + raw.len();
        let line_start = start;
        start = end;
        if bytes.contains(&0) || starts_a_document(content) {
            return None;
        }
        if let Some(block) = open.block {
            if blank || indent > block {
                continue;
            }
            open.block = None;
        }
        let clean = open.flow == 0 && open.quote.is_none();
        if clean && (blank || content[indent..].starts_with('#')) {
            continue;
        }
        let line = Line {
            start: line_start,
            end,
            row,
            indent,
            header: clean && is_header(&content[indent..]),
        };
        if clean {
            while stack.last().is_some_and(|l| l.indent >= indent) {
                stack.pop();
            }
            let spine_is_bare = stack.iter().all(|l| l.header);
            let cut = has_content
                && !properties
                && spine_is_bare
                && begins_plain_key(&content[indent..])
                && line.start - current.0 >= size;
            if cut {
                let (from, from_row, spine) =
                    std::mem::replace(&mut current, (line.start, row, stack.clone()));
                pieces.push(piece(&spine, from, from_row, line.start, row));
            }
            stack.push(line);
        }
        has_content = true;
        properties = clean && only_properties(&content[indent..]);
        scan(content, indent, &mut open);
    }
    if pieces.is_empty() {
        return None;
    }
    let (from, from_row, spine) = current;
    let last_row = text.matches('\n').count();
    let last_column = text.len() - text.rfind('\n').map_or(0, |at| at + 1);
    let mut last = piece(&spine, from, from_row, text.len(), last_row);
    if let Some(range) = last.ranges.last_mut() {
        range.end_point = Point::new(last_row, last_column);
    }
    pieces.push(last);
    Some(pieces)
}

fn piece(spine: &[Line], from: usize, from_row: usize, to: usize, to_row: usize) -> Piece {
    let mut ranges: Vec<Range> = spine
        .iter()
        .map(|l| Range {
            start_byte: l.start,
            end_byte: l.end,
            start_point: Point::new(l.row, 0),
            end_point: Point::new(l.row + 1, 0),
        })
        .collect();
    ranges.push(Range {
        start_byte: from,
        end_byte: to,
        start_point: Point::new(from_row, 0),
        end_point: Point::new(to_row, 0),
    });
    Piece {
        ranges,
        spine: spine.len(),
    }
}

/// A document marker or a directive: the text holds more than one document's rules, and is not cut.
fn starts_a_document(line: &str) -> bool {
    line.starts_with("---") || line.starts_with("...") || line.starts_with('%')
}

/// A line of an anchor and/or a tag and nothing else (but a comment).
fn only_properties(line: &str) -> bool {
    let text = line.split(" #").next().unwrap_or("");
    let mut tokens = text.split_whitespace().peekable();
    tokens.peek().is_some() && tokens.all(|t| t.starts_with(['&', '!']))
}

/// The characters a cut's key may be made of: enough for the keys of Compose and Kubernetes files.
fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.' | b'/')
}

/// `key:` and nothing else (no value, anchor, tag or comment): its value is the block below.
fn is_header(line: &str) -> bool {
    let line = line.trim_end();
    line.strip_suffix(':')
        .is_some_and(|key| begins_plain_key(line) && key.bytes().all(is_key_byte))
}

/// A line that begins a plain key: `key:` then a space or the end.
fn begins_plain_key(line: &str) -> bool {
    let bytes = line.as_bytes();
    if !bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        return false;
    }
    let key = bytes.iter().take_while(|b| is_key_byte(**b)).count();
    bytes.get(key) == Some(&b':') && bytes.get(key + 1).is_none_or(|b| matches!(b, b' ' | b'\r'))
}

/// Follow one line's quotes, flow brackets and comment, and whether it ends in a block scalar's header.
/// Where a character may or may not open something, it is taken to open it: a cut is then made later,
/// never inside.
fn scan(line: &str, indent: usize, open: &mut Open) {
    let bytes = line.as_bytes();
    let mut at = 0;
    // Where the line's text ends (before a comment).
    let mut text_end = bytes.len();
    while at < bytes.len() {
        let byte = bytes[at];
        match open.quote {
            Some(b'"') => {
                match byte {
                    b'\\' => at += 1,
                    b'"' => open.quote = None,
                    _ => {}
                }
                at += 1;
                continue;
            }
            Some(quote) => {
                if byte == quote {
                    if bytes.get(at + 1) == Some(&quote) {
                        at += 1;
                    } else {
                        open.quote = None;
                    }
                }
                at += 1;
                continue;
            }
            None => {}
        }
        let after_space = at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'[' | b'{' | b',');
        match byte {
            b'#' if at == 0 || matches!(bytes[at - 1], b' ' | b'\t') => {
                text_end = at;
                break;
            }
            b'"' | b'\'' if after_space => open.quote = Some(byte),
            b'[' | b'{' if after_space || open.flow > 0 => open.flow += 1,
            b']' | b'}' if open.flow > 0 => open.flow -= 1,
            _ => {}
        }
        at += 1;
    }
    if open.quote.is_some() || open.flow > 0 {
        return;
    }
    let last = line[..text_end].split_whitespace().last().unwrap_or("");
    let header = last.strip_prefix(['|', '>']).is_some_and(|rest| {
        rest.bytes()
            .all(|b| b.is_ascii_digit() || b == b'+' || b == b'-')
    });
    if header {
        open.block = Some(indent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str, size: usize) -> Vec<&str> {
        split(text, size)
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let own = p.ranges.last().expect("own range");
                &text[own.start_byte..own.end_byte]
            })
            .collect()
    }

    #[test]
    fn cuts_fall_at_keys_under_bare_key_lines() {
        let text = "services:\n  a:\n    image: x\n  b:\n    image: y\n  c:\n    image: z\n";
        let pieces = split(text, 1).expect("cut");
        assert_eq!(pieces.len(), 7, "{pieces:?}");
        let second = &pieces[2];
        assert_eq!(second.spine, 2, "services: and a: are above image: x");
        assert_eq!(
            &text[second.ranges[0].start_byte..second.ranges[0].end_byte],
            "services:\n"
        );
        assert_eq!(
            &text[second.ranges[1].start_byte..second.ranges[1].end_byte],
            "  a:\n"
        );
    }

    #[test]
    fn no_cut_inside_block_scalars_flow_collections_or_quotes() {
        let block = "a:\n  s: |\n    b: 1\n    c: 2\n  d: 3\n";
        assert!(
            cuts(block, 1)
                .iter()
                .all(|c| !c.starts_with("    b") && !c.starts_with("    c"))
        );
        let flow = "a:\n  s: [1,\n  b: 2]\n  d: 3\n";
        assert!(cuts(flow, 1).iter().all(|c| !c.starts_with("  b")));
        let quoted = "a:\n  s: \"x\n  b: 2\"\n  d: 3\n";
        assert!(cuts(quoted, 1).iter().all(|c| !c.starts_with("  b")));
        let anchored = "a: &x\n  b: 1\n  c: 2\n";
        assert!(
            cuts(anchored, 1).iter().all(|c| !c.starts_with("  c")),
            "a: &x is no bare key line"
        );
        let properties = "a:\n  &x !!map\n  b: 1\n  c: 2\n";
        assert!(
            cuts(properties, 1).iter().all(|c| !c.starts_with("  b")),
            "the anchor is b's mapping's"
        );
        assert_eq!(
            split("a: 1\n---\nb: 2\n", 1),
            None,
            "several documents are not cut"
        );
    }
}
