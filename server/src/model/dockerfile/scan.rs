//! Splitting a Dockerfile into instructions with Docker's own line rules.
//!
//! Docker reads a Dockerfile line by line: parser directives at the top, comment lines, instructions whose
//! lines continue while they end with the escape character (`\`, or `` ` `` after `# escape=`), comment lines
//! inside a continuation dropped, and heredoc bodies (`<<EOF` … `EOF`) after the instruction's line. The
//! tree-sitter grammar is stricter than Docker in several of these places (legacy `ENV` continuations, `[`
//! at the start of a continued line, `# escape=`), so instructions are delimited here, in one linear pass.

use crate::document::TextRange;

/// One physical line: its range without the line break, and where the next line starts.
#[derive(Debug, Clone, Copy)]
struct Line {
    content: TextRange,
    next: usize,
}

fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // BuildKit strips a leading byte order mark; it is not part of the first line.
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // (line breaks found with a SIMD search: this runs over the whole file on every keystroke)
    while let Some(at) = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map(|at| start + at) {
        let next = match bytes[at] {
            b'\r' if bytes.get(at + 1) == Some(&b'\n') => at + 2,
            _ => at + 1,
        };
        out.push(Line {
            content: TextRange::new(start, at),
            next,
        });
        start = next;
    }
    if start < bytes.len() {
        out.push(Line {
            content: TextRange::new(start, bytes.len()),
            next: bytes.len(),
        });
    }
    out
}

/// A parser directive (`# syntax=…`, `# escape=…`, `# check=…`) from the top of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: String,
    pub value: String,
    /// The whole comment line.
    pub range: TextRange,
    pub value_range: TextRange,
}

/// `name=value` of a directive comment body (the text after `#`), lower-cased name.
pub fn parse_directive(body: &str) -> Option<(String, &str)> {
    let (name, value) = body.split_once('=')?;
    let name = name.trim();
    let known = ["syntax", "escape", "check"];
    let lower = name.to_ascii_lowercase();
    known
        .contains(&lower.as_str())
        .then(|| (lower, value.trim()))
}

/// An instruction as delimited by Docker's line rules, before its arguments are read.
#[derive(Debug, Clone)]
pub struct RawInstruction {
    /// From the keyword to the end of its last line (heredoc bodies included).
    pub range: TextRange,
    pub keyword: TextRange,
    /// Pieces of the argument text, one per physical line, with continuation escapes and comment lines left
    /// out: joined, they are what Docker hands to the instruction.
    pub pieces: Vec<TextRange>,
    /// Heredoc bodies and their terminators, in order.
    pub heredocs: Vec<Heredoc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub name: String,
    pub body: TextRange,
    /// `false` when the file ended before the terminator line.
    pub terminated: bool,
}

pub struct Scan {
    pub directives: Vec<Directive>,
    pub escape: char,
    pub instructions: Vec<RawInstruction>,
}

/// Split `text` into directives and instructions.
pub fn scan(text: &str) -> Scan {
    let lines = lines(text);
    let mut directives = Vec::new();
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        let content = line.content.slice(text);
        let Some(body) = content.trim_start().strip_prefix('#') else {
            break;
        };
        let Some((name, value)) = parse_directive(body) else {
            break;
        };
        if directives.iter().any(|d: &Directive| d.name == name) {
            break;
        }
        let value_start = line.content.start + content.rfind(value).unwrap_or(content.len());
        directives.push(Directive {
            name,
            value: value.to_owned(),
            range: line.content,
            value_range: TextRange::new(value_start, value_start + value.len()),
        });
        index += 1;
    }
    let escape = match directives
        .iter()
        .find(|d| d.name == "escape")
        .map(|d| d.value.as_str())
    {
        Some("`") => '`',
        _ => '\\',
    };

    let mut instructions = Vec::new();
    while let Some(line) = lines.get(index) {
        let content = line.content.slice(text);
        let trimmed = content.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            index += 1;
            continue;
        }
        let start = line.content.start + (content.len() - trimmed.len());
        let keyword_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let keyword = TextRange::new(start, start + keyword_len);
        let mut pieces = Vec::new();
        let mut piece_start = keyword.end;
        let mut end = line.content.end;
        while let Some(current) = lines.get(index) {
            let piece = TextRange::new(piece_start.max(current.content.start), current.content.end);
            end = current.content.end;
            index += 1;
            match continued(piece.slice(text), escape) {
                Some(kept) => pieces.push(TextRange::new(piece.start, piece.start + kept)),
                None => {
                    pieces.push(piece);
                    break;
                }
            }
            // Comment lines inside a continuation are dropped by Docker; the instruction goes on.
            while let Some(next) = lines.get(index) {
                if next.content.slice(text).trim_start().starts_with('#') {
                    index += 1;
                } else {
                    break;
                }
            }
            let Some(next) = lines.get(index) else { break };
            piece_start = next.content.start;
        }
        let mut heredocs = Vec::new();
        // (the arguments are joined only where a heredoc may start: most instructions have none)
        let marked = pieces.iter().any(|p| p.slice(text).contains('<'));
        if marked && takes_heredocs(keyword.slice(text)) {
            let args: String = pieces.iter().map(|p| p.slice(text)).collect();
            for (name, strip_tabs) in heredoc_markers(&args) {
                let body_start = lines.get(index).map_or(text.len(), |l| l.content.start);
                let mut terminated = false;
                let mut body_end = body_start;
                while let Some(l) = lines.get(index) {
                    index += 1;
                    let content = l.content.slice(text);
                    let candidate = if strip_tabs {
                        content.trim_start_matches('\t')
                    } else {
                        content
                    };
                    if candidate == name {
                        terminated = true;
                        end = l.content.end;
                        break;
                    }
                    body_end = l.next;
                    end = l.content.end;
                }
                heredocs.push(Heredoc {
                    name,
                    body: TextRange::new(body_start, body_end.max(body_start)),
                    terminated,
                });
            }
        }
        instructions.push(RawInstruction {
            range: TextRange::new(start, end),
            keyword,
            pieces,
            heredocs,
        });
    }
    Scan {
        directives,
        escape,
        instructions,
    }
}

/// If `line` continues on the next line, the length of its content before the escape character.
fn continued(line: &str, escape: char) -> Option<usize> {
    let trimmed = line.trim_end_matches([' ', '\t']);
    let before = trimmed.strip_suffix(escape)?;
    Some(before.len())
}

fn takes_heredocs(keyword: &str) -> bool {
    ["RUN", "COPY", "ADD"]
        .iter()
        .any(|k| keyword.eq_ignore_ascii_case(k))
}

/// Heredoc markers in an instruction's arguments: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`, in order, with
/// whether leading tabs are stripped from the body.
fn heredoc_markers(args: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = args;
    while let Some(at) = rest.find("<<") {
        rest = &rest[at + 2..];
        let strip_tabs = rest.starts_with('-');
        let after = if strip_tabs { &rest[1..] } else { rest };
        let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'');
        let name_part = quote.map_or(after, |q| &after[q.len_utf8()..]);
        let name: String = name_part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        if let Some(q) = quote {
            if !name_part[name.len()..].starts_with(q) {
                continue;
            }
        }
        // `<<` followed by a non-word (a shell here-string `<<<`, or arithmetic) is not a heredoc.
        if !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        {
            out.push((name, strip_tabs));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<String> {
        scan(text)
            .instructions
            .iter()
            .map(|i| i.pieces.iter().map(|p| p.slice(text)).collect())
            .collect()
    }

    #[test]
    fn lines_break_at_lf_cr_and_crlf() {
        let text = "a\nb\r\nc\rd\r\r\ne";
        let found: Vec<(&str, usize)> = lines(text)
            .iter()
            .map(|l| (l.content.slice(text), l.next))
            .collect();
        assert_eq!(
            found,
            [("a", 2), ("b", 5), ("c", 7), ("d", 9), ("", 11), ("e", 12)]
        );
        assert_eq!(lines("a\n").len(), 1);
        assert_eq!(lines("\u{feff}x")[0].content.start, 3);
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_instruction() {
        let text = "\u{feff}FROM a\nUSER 1\n";
        let keywords: Vec<_> = scan(text)
            .instructions
            .iter()
            .map(|i| i.keyword.slice(text))
            .collect();
        assert_eq!(keywords, ["FROM", "USER"]);
    }

    #[test]
    fn continuations_and_comments_inside_them() {
        let text = "FROM a\nRUN x \\\n# note\n  y\nENV A=1\n";
        assert_eq!(pieces(text), [" a", " x   y", " A=1"]);
    }

    #[test]
    fn backtick_escape() {
        let text = "# escape=`\nFROM a\nRUN x `\n  y\n";
        let scan = scan(text);
        assert_eq!(scan.escape, '`');
        assert_eq!(scan.instructions.len(), 2);
    }

    #[test]
    fn heredocs() {
        let text = "FROM a\nRUN <<EOF\necho hi\nEOF\nCMD x\nRUN <<-'A' cat\n\tb\n\tA\n";
        let scan = scan(text);
        assert_eq!(scan.instructions.len(), 4);
        assert_eq!(
            scan.instructions[1].heredocs[0].body.slice(text),
            "echo hi\n"
        );
        assert!(scan.instructions[3].heredocs[0].terminated);
        let open = super::scan("FROM a\nRUN <<EOF\necho\n");
        assert!(!open.instructions[1].heredocs[0].terminated);
    }

    #[test]
    fn directives_stop_at_the_first_other_line() {
        let text = "# syntax=docker/dockerfile:1\n# escape=`\n\n# check=skip=all\nFROM a\n";
        let scan = scan(text);
        assert_eq!(scan.directives.len(), 2);
        assert_eq!(
            scan.directives[0].value_range.slice(text),
            "docker/dockerfile:1"
        );
    }
}
