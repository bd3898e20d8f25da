//! Byte offsets ↔ LSP positions, in the negotiated encoding (out-of-range positions are clamped), and
//! findings and config errors in protocol form.

use tower_lsp_server::ls_types::{
    Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Position, PositionEncodingKind, Range, Uri,
};

use crate::document::{LineIndex, Severity, TextRange};
use crate::engine::config::ConfigError;
use crate::rules::Diagnostic;

/// How a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (no conversion needed), else the mandatory UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// The position of byte `offset` (clamped to the text, and back to a character boundary).
pub fn position(lines: &LineIndex, offset: usize, encoding: Encoding) -> Position {
    let text = lines.text();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = lines.line_of(offset);
    let before = text.get(lines.line_start(line)..offset).unwrap_or("");
    let character = match encoding {
        Encoding::Utf8 => before.len(),
        Encoding::Utf16 => before.encode_utf16().count(),
    };
    Position::new(to_u32(line), to_u32(character))
}

pub fn range(lines: &LineIndex, range: TextRange, encoding: Encoding) -> Range {
    Range::new(
        position(lines, range.start, encoding),
        position(lines, range.end, encoding),
    )
}

/// The byte offset of `position`; a line past the end clamps to the end of the text, a character past the
/// end of its line to the end of that line (before its line break), and a position inside a character to
/// its start.
pub fn offset(lines: &LineIndex, position: Position, encoding: Encoding) -> usize {
    let text = lines.text();
    let line = position.line as usize;
    if line >= lines.line_count() {
        return text.len();
    }
    let content = lines.line_text(line);
    let start = lines.line_start(line);
    let character = position.character as usize;
    let within = match encoding {
        Encoding::Utf8 => {
            let mut at = character.min(content.len());
            while !content.is_char_boundary(at) {
                at -= 1;
            }
            at
        }
        Encoding::Utf16 => {
            let mut units = 0;
            let mut at = content.len();
            for (i, c) in content.char_indices() {
                units += c.len_utf16();
                if units > character {
                    at = i;
                    break;
                }
            }
            at
        }
    };
    start + within
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A config file's error as a protocol diagnostic (its text is read here, not kept as a document).
pub fn config_diagnostic(text: &str, error: &ConfigError) -> LspDiagnostic {
    let lines = LineIndex::new(text);
    let start = error.offset.min(text.len());
    let end = text[start..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| start + i)
        .max(start);
    LspDiagnostic {
        range: range(&lines, TextRange::new(start, end), Encoding::Utf16),
        severity: Some(DiagnosticSeverity::ERROR),
        source: Some("dockwarden".to_owned()),
        message: format!("invalid configuration: {}", error.message),
        ..LspDiagnostic::default()
    }
}

/// A finding's severity in protocol form.
pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
    }
}

/// A finding in protocol form. Its fixes stay on the server, with the findings of the document's current
/// version: an action request finds them again by range, rule and message (see `actions.rs`), so the
/// diagnostics a keystroke pushes carry no fix (that was half of every push).
pub fn to_lsp(uri: &Uri, lines: &LineIndex, d: &Diagnostic, encoding: Encoding) -> LspDiagnostic {
    let related = d
        .related
        .iter()
        .map(|r| range(lines, r.range, encoding))
        .collect();
    lsp_diagnostic(uri, d, range(lines, d.range, encoding), related)
}

/// [`to_lsp`] with the positions of the finding's range and of its related ranges (in order) given.
pub fn lsp_diagnostic(uri: &Uri, d: &Diagnostic, at: Range, related: Vec<Range>) -> LspDiagnostic {
    let related = d
        .related
        .iter()
        .zip(related)
        .map(|(r, range)| DiagnosticRelatedInformation {
            location: Location {
                uri: uri.clone(),
                range,
            },
            message: r.message.clone(),
        })
        .collect::<Vec<_>>();
    LspDiagnostic {
        range: at,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.name().to_owned())),
        source: Some("dockwarden".to_owned()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..LspDiagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_surrogates_crlf_and_clamping() {
        let text = "a😀b\r\nc\u{2028}d\u{0B}e\n";
        let lines = LineIndex::new(text);
        // 😀 is 2 UTF-16 code units and 4 UTF-8 bytes; U+2028 and VT are not line breaks.
        assert_eq!(offset(&lines, Position::new(0, 3), Encoding::Utf16), 5);
        assert_eq!(offset(&lines, Position::new(0, 5), Encoding::Utf8), 5);
        assert_eq!(position(&lines, 5, Encoding::Utf16), Position::new(0, 3));
        assert_eq!(offset(&lines, Position::new(0, 99), Encoding::Utf16), 6);
        // Line 1 starts at byte 8: `c` (1 byte), U+2028 (3 bytes), then `d` at 12.
        assert_eq!(offset(&lines, Position::new(1, 3), Encoding::Utf16), 13);
        assert_eq!(position(&lines, 12, Encoding::Utf16), Position::new(1, 2));
        assert_eq!(
            position(&lines, 10, Encoding::Utf16),
            Position::new(1, 1),
            "inside U+2028: its start"
        );
        assert_eq!(
            offset(&lines, Position::new(9, 0), Encoding::Utf16),
            text.len()
        );
        // Inside a surrogate pair: back to the character's start.
        assert_eq!(offset(&lines, Position::new(0, 2), Encoding::Utf16), 1);
        assert_eq!(lines.line_count(), 3);
    }
}
